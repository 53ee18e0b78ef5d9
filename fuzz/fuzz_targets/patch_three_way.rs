//! Fuzz target: three-way invariants on well-formed documents. With
//! `patch = three_way(original, modified, current, overwrite = true)` and
//! `result = apply(current, patch)`:
//! - every scalar, atomic list and plain map field of `modified` holds in `result`
//!   (modified's fields win), recursively through merged maps and merge-keyed elements;
//! - a field only `current` has (absent from `original` and `modified`) survives
//!   unchanged, except under a `retainKeys` map, whose job is to drop such keys;
//! - a merge-keyed element only `current` has survives.
#![no_main]

#[allow(dead_code)]
#[path = "patch_gen.rs"]
mod patch_gen;

use hke_core::patch;
use libfuzzer_sys::{arbitrary::Unstructured, fuzz_target};
use serde_json::{Map, Value};

const MERGING: &[&str] = &["mergingList", "retainKeysMergingList"];

fn find<'a>(list: &'a [Value], name: &Value) -> Option<&'a Map<String, Value>> {
    list.iter()
        .filter_map(Value::as_object)
        .find(|e| e.get("name") == Some(name))
}

fn check(
    o: Option<&Map<String, Value>>,
    m: &Map<String, Value>,
    c: Option<&Map<String, Value>>,
    r: &Map<String, Value>,
    retain: bool,
    path: &str,
) -> Result<(), String> {
    for (k, mv) in m {
        let rv = r
            .get(k)
            .ok_or_else(|| format!("{path}.{k}: missing from result"))?;
        fn sub<'a>(x: Option<&'a Map<String, Value>>, k: &str) -> Option<&'a Map<String, Value>> {
            x.and_then(|x| x.get(k)).and_then(Value::as_object)
        }
        match mv {
            Value::Object(mm) if k == "simpleMap" || k == "retainKeysMap" => {
                let rm = rv
                    .as_object()
                    .ok_or_else(|| format!("{path}.{k}: not a map"))?;
                check(
                    sub(o, k),
                    mm,
                    sub(c, k),
                    rm,
                    k == "retainKeysMap",
                    &format!("{path}.{k}"),
                )?;
            }
            Value::Array(ml) if MERGING.contains(&k.as_str()) => {
                let rl = rv
                    .as_array()
                    .ok_or_else(|| format!("{path}.{k}: not a list"))?;
                let list = |x: Option<&Map<String, Value>>| {
                    x.and_then(|x| x.get(k))
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default()
                };
                let (ol, cl) = (list(o), list(c));
                for e in ml.iter().filter_map(Value::as_object) {
                    let name = e.get("name").cloned().unwrap_or(Value::Null);
                    let re =
                        find(rl, &name).ok_or_else(|| format!("{path}.{k}[{name}] missing"))?;
                    check(
                        find(&ol, &name),
                        e,
                        find(&cl, &name),
                        re,
                        k == "retainKeysMergingList",
                        &format!("{path}.{k}[{name}]"),
                    )?;
                }
                for e in cl.iter().filter_map(Value::as_object) {
                    let name = e.get("name").cloned().unwrap_or(Value::Null);
                    let in_o = find(&ol, &name).is_some();
                    let in_m = ml.iter().any(|x| x.get("name") == Some(&name));
                    if !in_o && !in_m {
                        if find(rl, &name).is_none() {
                            return Err(format!("{path}.{k}[{name}]: live-only element lost"));
                        }
                    }
                }
            }
            Value::Array(ml) if k == "mergingIntList" => {
                let rl = rv
                    .as_array()
                    .ok_or_else(|| format!("{path}.{k}: not a list"))?;
                if let Some(x) = ml.iter().find(|x| !rl.contains(x)) {
                    return Err(format!("{path}.{k}: {x} missing"));
                }
            }
            _ if rv != mv => return Err(format!("{path}.{k}: modified's value must win")),
            _ => {}
        }
    }
    if retain {
        return Ok(());
    }
    if let Some(c) = c {
        for (k, cv) in c {
            let in_o = o.is_some_and(|o| o.contains_key(k));
            if !in_o && !m.contains_key(k) {
                if r.get(k) != Some(cv) {
                    return Err(format!("{path}.{k}: live-only field changed"));
                }
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let schema = patch_gen::test_schema();
    let mut u = Unstructured::new(data);
    let (Ok(o), Ok(m), Ok(c)) = (
        patch_gen::merge_item(&mut u, 0),
        patch_gen::merge_item(&mut u, 0),
        patch_gen::merge_item(&mut u, 0),
    ) else {
        return;
    };
    let (ov, mv, cv) = (
        Value::Object(o.clone()),
        Value::Object(m.clone()),
        Value::Object(c.clone()),
    );
    let p = patch::three_way(&ov, &mv, &cv, &schema, true)
        .unwrap_or_else(|e| panic!("three_way failed: {e}\no {ov}\nm {mv}\nc {cv}"));
    let r = patch::apply(&cv, &p, &schema)
        .unwrap_or_else(|e| panic!("apply failed: {e}\nc {cv}\npatch {p}"));
    let rm = r.as_object().expect("object");
    let ctx = format!("\no {ov}\nm {mv}\nc {cv}\npatch {p}\nresult {r}");
    if let Err(msg) = check(Some(&o), &m, Some(&c), rm, false, "") {
        panic!("{msg}{ctx}");
    }
    // The conflict check fails only with a conflict, or with Kubernetes' own errors: the
    // lookup of a `$deleteFromPrimitiveList` key present on both sides (edge-3w-03), and
    // `sliceElementType` on two empty lists met inside compared values (regression test
    // `conflict_check_on_two_empty_lists_fails_like_go`).
    match patch::three_way(&ov, &mv, &cv, &schema, false) {
        Ok(_) | Err(patch::PatchError::Conflict { .. }) => {}
        Err(e) if e.to_string().contains("$deleteFromPrimitiveList") => {}
        Err(e) if e.to_string() == "no elements in any of the given slices" => {}
        Err(e) => panic!("overwrite=false failed: {e}{ctx}"),
    }
});
