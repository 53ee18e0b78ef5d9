//! JSON merge patch (RFC 7386) as `github.com/evanphx/json-patch` (v5.9 `merge.go`) and
//! `k8s.io/apimachinery/pkg/util/jsonmergepatch` implement it: [`apply`] (`MergePatch`),
//! [`diff`] (`CreateMergePatch`, what Helm 3 sends for objects it cannot strategic-merge)
//! and [`three_way`] (`CreateThreeWayJSONMergePatch`).
//!
//! Written by hand rather than with the `json-patch` crate because Helm's behaviour
//! depends on evanphx's null pruning (nulls are removed from inserted values, also inside
//! objects nested in arrays, but not from a value that replaces an existing one) and on
//! Go's all-float number decoding in the diff (`1` equals `1.0`), which the crate's
//! `merge` does not reproduce.

use serde_json::{Map, Value};

use super::govalue::fmt_v;
use super::{PatchError, Precondition, MAX_DEPTH};

fn too_deep(depth: usize) -> Result<(), PatchError> {
    if depth > MAX_DEPTH {
        Err(PatchError::TooDeep(MAX_DEPTH))
    } else {
        Ok(())
    }
}

/// `MergePatch(doc, patch)`: applies a JSON merge patch.
///
/// Errors: a `null` document (`invalid JSON document`), a `null` or scalar patch
/// (`invalid JSON patch`).
pub fn apply(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    super::check_depth(doc)?;
    super::check_depth(patch)?;
    if doc.is_null() {
        return Err(PatchError::InvalidDocument);
    }
    match patch {
        Value::Null => Err(PatchError::InvalidPatch),
        Value::Object(p) => match doc {
            Value::Object(d) => {
                let mut out = d.clone();
                merge_docs(&mut out, p, 0)?;
                Ok(Value::Object(out))
            }
            _ => {
                let mut v = patch.clone();
                prune_nulls(&mut v);
                Ok(v)
            }
        },
        Value::Array(_) => {
            let mut v = patch.clone();
            prune_nulls(&mut v);
            Ok(v)
        }
        _ => Err(PatchError::InvalidPatch),
    }
}

fn merge_docs(
    doc: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    depth: usize,
) -> Result<(), PatchError> {
    too_deep(depth)?;
    for (k, v) in patch {
        if v.is_null() {
            doc.remove(k);
            continue;
        }
        match doc.get_mut(k) {
            None | Some(Value::Null) => {
                let mut v = v.clone();
                prune_nulls(&mut v);
                doc.insert(k.clone(), v);
            }
            Some(cur) => match (cur, v) {
                (Value::Object(c), Value::Object(p)) => merge_docs(c, p, depth + 1)?,
                (Value::Object(_), v) => {
                    doc.insert(k.clone(), v.clone());
                }
                (_, v) => {
                    let mut v = v.clone();
                    prune_nulls(&mut v);
                    doc.insert(k.clone(), v);
                }
            },
        }
    }
    Ok(())
}

/// `pruneNulls`: null object members are removed at every depth (also in objects inside
/// arrays); null array members stay.
fn prune_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(prune_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(prune_nulls),
        _ => {}
    }
}

/// Go's plain JSON decoding makes every number a float64: types and equality follow that.
fn same_json_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn matches(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| matches(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| matches(v, w)))
        }
        _ => a == b,
    }
}

/// `CreateMergePatch(original, modified)`: both objects, or both arrays of objects (patched
/// pairwise). Keys of `original` missing from `modified` become `null`.
pub fn diff(original: &Value, modified: &Value) -> Result<Value, PatchError> {
    super::check_depth(original)?;
    super::check_depth(modified)?;
    match (original, modified) {
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Err(PatchError::InvalidPatch);
            }
            let mut out = Vec::with_capacity(a.len());
            for (x, y) in a.iter().zip(b) {
                out.push(diff(x, y)?);
            }
            Ok(Value::Array(out))
        }
        (Value::Array(_), _) | (_, Value::Array(_)) => {
            Err(PatchError::Invalid("Mismatched JSON Documents".into()))
        }
        _ => {
            let empty = Map::new();
            let a = object_or_empty(original)?.unwrap_or(&empty);
            let b = object_or_empty(modified)?.unwrap_or(&empty);
            Ok(Value::Object(get_diff(a, b, 0)?))
        }
    }
}

fn object_or_empty(v: &Value) -> Result<Option<&Map<String, Value>>, PatchError> {
    match v {
        Value::Null => Ok(None),
        Value::Object(m) => Ok(Some(m)),
        _ => Err(PatchError::InvalidDocument),
    }
}

fn get_diff(
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    depth: usize,
) -> Result<Map<String, Value>, PatchError> {
    too_deep(depth)?;
    let mut into = Map::new();
    for (key, bv) in b {
        let Some(av) = a.get(key) else {
            into.insert(key.clone(), bv.clone());
            continue;
        };
        if !same_json_type(av, bv) {
            into.insert(key.clone(), bv.clone());
            continue;
        }
        match (av, bv) {
            (Value::Object(x), Value::Object(y)) => {
                let d = get_diff(x, y, depth + 1)?;
                if !d.is_empty() {
                    into.insert(key.clone(), Value::Object(d));
                }
            }
            (Value::Null, Value::Null) => {}
            _ => {
                if !matches(av, bv) {
                    into.insert(key.clone(), bv.clone());
                }
            }
        }
    }
    for key in a.keys() {
        if !b.contains_key(key) {
            into.insert(key.clone(), Value::Null);
        }
    }
    Ok(into)
}

/// `keepOrDeleteNullInObj`.
fn keep_or_delete_null(
    m: &Map<String, Value>,
    keep_null: bool,
    depth: usize,
) -> Result<Map<String, Value>, PatchError> {
    too_deep(depth)?;
    let mut out = Map::new();
    for (k, v) in m {
        match v {
            Value::Null if keep_null => {
                out.insert(k.clone(), Value::Null);
            }
            Value::Null => {}
            Value::Object(sub) if sub.is_empty() => {
                if !keep_null {
                    out.insert(k.clone(), v.clone());
                }
            }
            Value::Object(sub) => {
                let f = keep_or_delete_null(sub, keep_null, depth + 1)?;
                if !f.is_empty() {
                    out.insert(k.clone(), Value::Object(f));
                }
            }
            _ => {
                if !keep_null {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    Ok(out)
}

/// `mergepatch.HasConflicts`.
fn has_conflicts(left: &Value, right: &Value, depth: usize) -> Result<bool, PatchError> {
    too_deep(depth)?;
    Ok(match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            for (k, lv) in l {
                if let Some(rv) = r.get(k) {
                    if has_conflicts(lv, rv, depth + 1)? {
                        return Ok(true);
                    }
                }
            }
            false
        }
        (Value::Object(_), _) => true,
        (Value::Array(l), Value::Array(r)) => {
            if l.len() != r.len() {
                return Ok(true);
            }
            for (a, b) in l.iter().zip(r) {
                if has_conflicts(a, b, depth + 1)? {
                    return Ok(true);
                }
            }
            false
        }
        (Value::Array(_), _) => true,
        _ => !matches(left, right),
    })
}

/// `jsonmergepatch.CreateThreeWayJSONMergePatch(original, modified, current, preconditions…)`:
/// additions and changes from `current` to `modified`, deletions from `original` to
/// `modified`. `null` inputs count as `{}`. A failed precondition is a plain
/// [`PatchError::Invalid`] error (`precondition failed for: …`), as in apimachinery.
pub fn three_way(
    original: &Value,
    modified: &Value,
    current: &Value,
    preconditions: &[Precondition],
) -> Result<Value, PatchError> {
    let additions = match diff(current, modified)? {
        Value::Object(m) => keep_or_delete_null(&m, false, 0)?,
        _ => return Err(PatchError::InvalidDocument),
    };
    let deletions = match diff(original, modified)? {
        Value::Object(m) => keep_or_delete_null(&m, true, 0)?,
        _ => return Err(PatchError::InvalidDocument),
    };
    let additions = Value::Object(additions);
    let deletions = Value::Object(deletions);
    if has_conflicts(&additions, &deletions, 0)? {
        return Err(PatchError::Conflict {
            patch: super::render(&additions),
            changes: super::render(&deletions),
        });
    }
    let patch = apply(&deletions, &additions)?;
    if let Value::Object(m) = &patch {
        for p in preconditions {
            if !p.holds(m) {
                return Err(PatchError::Invalid(format!(
                    "precondition failed for: {}",
                    fmt_v(&patch)
                )));
            }
        }
    }
    Ok(patch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn apply_prunes_nulls_only_in_inserted_values() {
        let doc = json!({"a": {"b": 1}, "c": [1]});
        let patch =
            json!({"a": {"b": null, "x": {"y": null}}, "c": [{"k": null}, null], "d": {"e": null}});
        let out = apply(&doc, &patch).expect("apply");
        assert_eq!(out, json!({"a": {"x": {}}, "c": [{}, null], "d": {}}));
    }

    #[test]
    fn diff_treats_numbers_as_floats() {
        let p = diff(
            &json!({"a": 1, "b": [1]}),
            &json!({"a": 1.0, "b": [1.0], "c": null}),
        )
        .expect("diff");
        assert_eq!(p, json!({"c": null}));
    }
}
