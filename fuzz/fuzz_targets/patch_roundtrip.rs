//! Fuzz target: for well-formed documents (unique merge keys, no nulls or directives),
//! `apply(original, two_way(original, modified)) == modified`, and the same for the JSON
//! merge patch.
//!
//! One exception is Kubernetes' own: the diff sorts the original primitive list in place
//! before deciding whether the order changed, so reordering a merging primitive list into
//! its sorted order emits no `$setElementOrder` and the live order stays (regression test
//! `two_way_pure_reorder_to_sorted_order_is_not_sent`). Such lists compare as sets.
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
    let (Ok(o), Ok(m)) = (
        patch_gen::merge_item(&mut u, 0),
        patch_gen::merge_item(&mut u, 0),
    ) else {
        return;
    };
    let (o, m) = (Value::Object(o), Value::Object(m));
    let p = patch::two_way(&o, &m, &schema)
        .unwrap_or_else(|e| panic!("two_way failed: {e}\noriginal {o}\nmodified {m}"));
    let mut r = patch::apply(&o, &p, &schema)
        .unwrap_or_else(|e| panic!("apply failed: {e}\noriginal {o}\npatch {p}"));
    relax_sorted_primitive_lists(&mut r, &m);
    assert_eq!(r, m, "\noriginal {o}\nmodified {m}\npatch {p}");
    let jp = patch::json_merge::diff(&o, &m).expect("json merge diff");
    let jr = patch::json_merge::apply(&o, &jp).expect("json merge apply");
    assert_eq!(jr, m, "json merge\noriginal {o}\nmodified {m}\npatch {jp}");
});

/// Where `modified` holds a merging primitive list in sorted order, sorts the result's
/// list too (see the module comment).
fn relax_sorted_primitive_lists(r: &mut Value, m: &Value) {
    match (r, m) {
        (Value::Object(rm), Value::Object(mm)) => {
            for (k, mv) in mm {
                let Some(rv) = rm.get_mut(k) else { continue };
                if k == "mergingIntList" {
                    if let (Value::Array(ra), Value::Array(ma)) = (&mut *rv, mv) {
                        let key = |v: &Value| v.to_string();
                        if ma.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
                            ra.sort_by_key(key);
                        }
                    }
                } else {
                    relax_sorted_primitive_lists(rv, mv);
                }
            }
        }
        (Value::Array(ra), Value::Array(ma)) => {
            for (x, y) in ra.iter_mut().zip(ma) {
                relax_sorted_primitive_lists(x, y);
            }
        }
        _ => {}
    }
}
