//! Fuzz target: `patch::apply` (and the diffs) on arbitrary documents and patches over the
//! test type's fields and every directive never panic; errors are fine.
#![no_main]

#[allow(dead_code)]
#[path = "patch_gen.rs"]
mod patch_gen;

use hke_core::patch::{self, PatchSchema};
use libfuzzer_sys::{arbitrary::Unstructured, fuzz_target};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let schema = patch_gen::test_schema();
    if let Some(text) = data.strip_prefix(b"J") {
        // Raw JSON: two documents separated by a NUL byte.
        let mut parts = text.splitn(2, |b| *b == 0);
        let a = parts
            .next()
            .and_then(|t| serde_json::from_slice::<Value>(t).ok());
        let b = parts
            .next()
            .and_then(|t| serde_json::from_slice::<Value>(t).ok());
        if let (Some(a), Some(b)) = (a, b) {
            let _ = patch::apply(&a, &b, &schema);
            let _ = patch::two_way(&a, &b, &schema);
            let _ = patch::json_merge::apply(&a, &b);
            let _ = patch::json_merge::diff(&a, &b);
        }
        return;
    }
    let mut u = Unstructured::new(data);
    let (Ok(doc), Ok(p), Ok(c)) = (
        patch_gen::any_map(&mut u, 0),
        patch_gen::any_map(&mut u, 0),
        patch_gen::any_map(&mut u, 0),
    ) else {
        return;
    };
    let (doc, p, c) = (Value::Object(doc), Value::Object(p), Value::Object(c));
    let _ = patch::apply(&doc, &p, &schema);
    let _ = patch::apply(&doc, &p, &PatchSchema::unknown());
    let _ = patch::two_way(&doc, &p, &schema);
    let _ = patch::three_way(&doc, &p, &c, &schema, false);
    let _ = patch::json_merge::three_way(&doc, &p, &c, &[]);
});
