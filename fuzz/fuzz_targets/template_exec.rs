//! Fuzz target: whatever parses as a template executes without panicking, within the
//! output limit, against a small fixed dot.
#![no_main]

use hke_core::template::exec::{RenderContext, TemplateSet};
use hke_core::template::value::Value;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut set = TemplateSet::new();
    if set.parse_file("fuzz.tpl", text).is_err() {
        return;
    }
    let ctx = RenderContext {
        max_output: 1 << 20,
        ..Default::default()
    };
    let _ = set.execute("fuzz.tpl", Value::Nil, &ctx);
});
