//! Findings of the `fuzz/` patch targets, kept as regression tests. Each documents either
//! a bug that was fixed or a Kubernetes behaviour the fuzz property had to accept.

use hke_core::patch::{self, PatchError, PatchSchema};
use serde_json::json;

fn merge_item_schema() -> PatchSchema {
    let doc = json!({
        "format": "hke-smp-patch-meta/1",
        "kinds": {"MergeItem": "MergeItem"},
        "types": {"MergeItem": {
            "other": {"k": "s"},
            "name": {"k": "s"},
            "mergingIntList": {"k": "l", "e": {"k": "s"}, "ps": "merge"},
            "nonMergingIntList": {"k": "l", "e": {"k": "s"}},
            "nonMergingList": {"k": "l", "e": {"k": "o", "t": "MergeItem"}},
            "mergingList": {"k": "l", "e": {"k": "o", "t": "MergeItem"}, "ps": "merge", "mk": "name"}
        }}
    });
    PatchSchema::from_test_schema(&doc).expect("schema")
}

/// patch_roundtrip crash-9a19276028175f3f48259380328270779a743162: `diffListsOfScalars`
/// sorts the original list in place and then compares it with the modified list to decide
/// whether the order changed, so reordering `[3,4,1]` into the sorted `[1,3,4]` sends no
/// `$setElementOrder` and the live order stays. hke reproduces that.
#[test]
fn two_way_pure_reorder_to_sorted_order_is_not_sent() {
    let s = merge_item_schema();
    let original = json!({"mergingIntList": [3, 4, 1], "nonMergingList": []});
    let modified = json!({"mergingIntList": [1, 3, 4], "mergingList": [{"name": "n1"}], "nonMergingIntList": [], "other": "a"});
    let p = patch::two_way(&original, &modified, &s).expect("two_way");
    assert_eq!(
        p,
        json!({"mergingList": [{"name": "n1"}], "nonMergingIntList": [], "nonMergingList": null, "other": "a"})
    );
    let r = patch::apply(&original, &p, &s).expect("apply");
    assert_eq!(r["mergingIntList"], json!([3, 4, 1]));
    // Reordering into an unsorted order is sent.
    let p = patch::two_way(
        &json!({"mergingIntList": [1, 3, 4]}),
        &json!({"mergingIntList": [4, 1, 3]}),
        &s,
    )
    .expect("two_way");
    assert_eq!(p, json!({"$setElementOrder/mergingIntList": [4, 1, 3]}));
}

/// Inputs nested beyond the limit are refused instead of recursing without bound.
#[test]
fn deep_documents_are_refused() {
    let s = PatchSchema::unknown();
    let mut deep = json!("x");
    for _ in 0..(patch::MAX_DEPTH + 10) {
        deep = json!({ "a": deep });
    }
    let mut other = json!("y");
    for _ in 0..(patch::MAX_DEPTH + 10) {
        other = json!({ "a": other });
    }
    assert!(matches!(
        patch::apply(&deep, &other, &s).map_err(|e| e.root().clone()),
        Err(PatchError::TooDeep(_))
    ));
    assert!(patch::two_way(&deep, &other, &s).is_err());
    assert!(patch::three_way(&deep, &other, &deep, &s, true).is_err());
    // A deep new value is refused before it is cleaned of nulls and directives.
    assert!(patch::apply(&json!({}), &json!({"b": deep.clone()}), &s).is_err());
    assert!(patch::json_merge::diff(&json!({}), &json!({"a": deep.clone()})).is_err());
    assert!(patch::json_merge::apply(&json!({}), &deep).is_err());
}

/// patch_three_way crash-d9e083fe124399a9267f7bbdbdf6d8147a25b42d: with `overwrite = false`
/// the conflict check compares atomic lists element by element; inside them two empty
/// lists meet and `sliceElementType` fails with "no elements in any of the given slices",
/// which `CreateThreeWayMergePatch` returns as its error. hke does the same; with
/// `overwrite = true` (Helm) the patch is produced.
#[test]
fn conflict_check_on_two_empty_lists_fails_like_go() {
    let s = merge_item_schema();
    let o = json!({});
    let m = json!({"nonMergingList": [{"mergingList": [], "name": "n1"}]});
    let c = json!({"nonMergingList": [{"mergingList": [], "name": "n1", "other": "b"}]});
    let e = patch::three_way(&o, &m, &c, &s, false).expect_err("Go fails here");
    assert_eq!(e.to_string(), "no elements in any of the given slices");
    let p = patch::three_way(&o, &m, &c, &s, true).expect("overwrite");
    assert_eq!(p, m);
}
