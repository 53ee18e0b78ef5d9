//! Fuzz target: for well-formed documents (unique merge keys, no nulls or directives),
//! `apply(original, two_way(original, modified)) == modified`, and the same for the JSON
//! merge patch.
#![no_main]

#[allow(dead_code)]
#[path = "patch_gen.rs"]
mod patch_gen;

use hke_core::patch;
use libfuzzer_sys::{arbitrary::Unstructured, fuzz_target};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let schema = patch_gen::test_schema();
    let mut u = Unstructured::new(data);
    let (Ok(o), Ok(m)) = (patch_gen::merge_item(&mut u, 0), patch_gen::merge_item(&mut u, 0)) else {
        return;
    };
    let (o, m) = (Value::Object(o), Value::Object(m));
    let p = patch::two_way(&o, &m, &schema)
        .unwrap_or_else(|e| panic!("two_way failed: {e}\noriginal {o}\nmodified {m}"));
    let r = patch::apply(&o, &p, &schema)
        .unwrap_or_else(|e| panic!("apply failed: {e}\noriginal {o}\npatch {p}"));
    assert_eq!(r, m, "\noriginal {o}\nmodified {m}\npatch {p}");
    let jp = patch::json_merge::diff(&o, &m).expect("json merge diff");
    let jr = patch::json_merge::apply(&o, &jp).expect("json merge apply");
    assert_eq!(jr, m, "json merge\noriginal {o}\nmodified {m}\npatch {jp}");
});
