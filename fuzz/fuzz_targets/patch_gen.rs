//! Shared generators of the patch fuzz targets: documents built from the fuzzer's bytes,
//! either free-form (any JSON over a vocabulary of the test type's fields and every patch
//! directive) or well-formed (unique merge keys, no nulls, no directives).

use hke_core::patch::PatchSchema;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use serde_json::{json, Map, Value};

/// The upstream test type `MergeItem` (recursive), in the `hke-smp-patch-meta/1` format.
pub fn test_schema() -> PatchSchema {
    let item = |t: &str| json!({"k": "o", "t": t});
    let doc = json!({
        "format": "hke-smp-patch-meta/1",
        "kinds": {"MergeItem": "MergeItem"},
        "types": {
            "MergeItem": {
                "name": {"k": "s"}, "value": {"k": "s"}, "other": {"k": "s"},
                "mergingList": {"k": "l", "e": item("MergeItem"), "ps": "merge", "mk": "name"},
                "nonMergingList": {"k": "l", "e": item("MergeItem")},
                "mergingIntList": {"k": "l", "e": {"k": "s"}, "ps": "merge"},
                "nonMergingIntList": {"k": "l", "e": {"k": "s"}},
                "mergeItemPtr": {"k": "o", "t": "MergeItem", "p": 1, "ps": "merge", "mk": "name"},
                "simpleMap": {"k": "m", "e": {"k": "s"}},
                "replacingItem": {"k": "o", "t": "Raw", "ps": "replace"},
                "retainKeysMap": {"k": "o", "t": "MergeItem", "ps": "retainKeys"},
                "retainKeysMergingList": {"k": "l", "e": item("MergeItem"), "ps": "merge,retainKeys", "mk": "name"}
            },
            "Raw": {}
        }
    });
    PatchSchema::from_test_schema(&doc).expect("test schema")
}

const KEYS: &[&str] = &[
    "name",
    "value",
    "other",
    "mergingList",
    "nonMergingList",
    "mergingIntList",
    "nonMergingIntList",
    "mergeItemPtr",
    "simpleMap",
    "replacingItem",
    "retainKeysMap",
    "retainKeysMergingList",
    "$patch",
    "$retainKeys",
    "$setElementOrder/mergingList",
    "$setElementOrder/mergingIntList",
    "$deleteFromPrimitiveList/mergingIntList",
    "$setElementOrder/nonMergingList",
    "$deleteFromPrimitiveList/nonMergingIntList",
    "$setElementOrder",
    "$deleteFromPrimitiveList",
    "MergingList",
    "unknown",
    "a",
    "b",
];
const STRS: &[&str] = &[
    "delete", "replace", "merge", "a", "b", "c", "name", "value", "1",
];

/// Any JSON value over the vocabulary.
pub fn any_value(u: &mut Unstructured, depth: usize) -> Result<Value> {
    let top = if depth >= 5 { 5 } else { 8 };
    Ok(match u.int_in_range(0..=top)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.int_in_range(-2i64..=5)?),
        3 => Value::from(*u.choose(&[0.5f64, 1.0, 2.0, -1.5])?),
        4 | 5 => Value::from(*u.choose(STRS)?),
        6 => {
            let n = u.int_in_range(0..=4)?;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                v.push(any_value(u, depth + 1)?);
            }
            Value::Array(v)
        }
        _ => Value::Object(any_map(u, depth + 1)?),
    })
}

/// Any JSON object over the vocabulary.
pub fn any_map(u: &mut Unstructured, depth: usize) -> Result<Map<String, Value>> {
    let n = u.int_in_range(0..=5)?;
    let mut m = Map::new();
    for _ in 0..n {
        let k = *u.choose(KEYS)?;
        m.insert(k.to_string(), any_value(u, depth + 1)?);
    }
    Ok(m)
}

fn pick_subset(u: &mut Unstructured, pool: &[&str]) -> Result<Vec<String>> {
    let mut chosen: Vec<String> = Vec::new();
    for p in pool {
        if u.arbitrary()? {
            chosen.push(p.to_string());
        }
    }
    // shuffle
    for i in (1..chosen.len()).rev() {
        let j = u.int_in_range(0..=i)?;
        chosen.swap(i, j);
    }
    Ok(chosen)
}

/// A well-formed `MergeItem` document: no nulls, no directives, unique merge keys and
/// unique members of merging primitive lists.
pub fn merge_item(u: &mut Unstructured, depth: usize) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    let s =
        |u: &mut Unstructured| -> Result<Value> { Ok(Value::from(*u.choose(&["a", "b", "c"])?)) };
    if u.arbitrary()? {
        m.insert("value".into(), s(u)?);
    }
    if u.arbitrary()? {
        m.insert("other".into(), s(u)?);
    }
    if u.arbitrary()? {
        let mut sm = Map::new();
        for k in pick_subset(u, &["x", "y", "z"])? {
            sm.insert(k, s(u)?);
        }
        m.insert("simpleMap".into(), Value::Object(sm));
    }
    if u.arbitrary()? {
        let ints: Vec<Value> = pick_subset(u, &["1", "2", "3", "4"])?
            .into_iter()
            .map(|x| Value::from(x.parse::<i64>().unwrap_or(0)))
            .collect();
        m.insert("mergingIntList".into(), Value::Array(ints));
    }
    if u.arbitrary()? {
        let n = u.int_in_range(0..=3)?;
        let mut v = Vec::new();
        for _ in 0..n {
            v.push(Value::from(u.int_in_range(0i64..=3)?));
        }
        m.insert("nonMergingIntList".into(), Value::Array(v));
    }
    if depth < 2 {
        for list in ["mergingList", "retainKeysMergingList", "nonMergingList"] {
            if u.arbitrary()? {
                let mut v = Vec::new();
                for name in pick_subset(u, &["n1", "n2", "n3", "n4"])? {
                    let mut e = merge_item(u, depth + 1)?;
                    e.insert("name".into(), Value::from(name));
                    v.push(Value::Object(e));
                }
                m.insert(list.into(), Value::Array(v));
            }
        }
        if u.arbitrary()? {
            m.insert(
                "retainKeysMap".into(),
                Value::Object(merge_item(u, depth + 1)?),
            );
        }
    }
    Ok(m)
}
