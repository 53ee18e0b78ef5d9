//! Fuzz target: parsing any text as a template never panics (and never hangs).
#![no_main]

use hke_core::template::exec::TemplateSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut set = TemplateSet::new();
    let _ = set.parse_file("fuzz.tpl", text);
});
