//! Conflict detection of the three-way diff (`MergingMapsHaveConflicts`): does the patch
//! change anything the live object changed differently since the original? Only used when
//! `overwrite` is false (kubectl apply without `--overwrite`); Helm never runs it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::govalue::{dedupe, fmt_s, fmt_v, go_eq, go_sort_by_string, GoType};
use super::schema::{Cursor, Strategy};
use super::{slice_element_type, PatchError, MAX_DEPTH};

/// `MergingMapsHaveConflicts(left, right)`.
pub(crate) fn maps_have_conflicts(
    left: &Map<String, Value>,
    right: &Map<String, Value>,
    schema: Cursor<'_>,
) -> Result<bool, PatchError> {
    map_conflicts(left, right, schema, Strategy::None, 0)
}

fn map_conflicts(
    left: &Map<String, Value>,
    right: &Map<String, Value>,
    schema: Cursor<'_>,
    strategy: Strategy,
    depth: usize,
) -> Result<bool, PatchError> {
    let (lm, rm) = (left.get("$patch"), right.get("$patch"));
    if lm.is_some() || rm.is_some() {
        match (lm, rm) {
            (Some(a), Some(b)) if go_eq(a, b) => {}
            _ => return Ok(true),
        }
    }
    if strategy == Strategy::Replace {
        return Ok(false);
    }
    for (key, lv) in left {
        if key == "$patch" || key == "$retainKeys" {
            continue;
        }
        let Some(rv) = right.get(key) else { continue };
        let (sub, strategy, merge_key) = match lv {
            Value::Array(_) => {
                let (sub, meta) = schema.lookup_slice(key)?;
                (sub, meta.split()?.1, meta.merge_key)
            }
            Value::Object(_) => {
                let (sub, meta) = schema.lookup_struct(key)?;
                (sub, meta.split()?.1, meta.merge_key)
            }
            _ => (schema, Strategy::None, ""),
        };
        if fields_conflict(lv, rv, sub, strategy, merge_key, depth + 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn fields_conflict(
    left: &Value,
    right: &Value,
    schema: Cursor<'_>,
    strategy: Strategy,
    merge_key: &str,
    depth: usize,
) -> Result<bool, PatchError> {
    if depth > MAX_DEPTH {
        return Err(PatchError::TooDeep(MAX_DEPTH));
    }
    match left {
        Value::Object(l) => match right {
            Value::Object(r) => map_conflicts(l, r, schema, strategy, depth),
            _ => Ok(true),
        },
        Value::Array(l) => match right {
            Value::Array(r) => slice_conflicts(l, r, schema, strategy, merge_key, depth),
            _ => Ok(true),
        },
        _ => Ok(!go_eq(left, right)),
    }
}

fn slice_conflicts(
    left: &[Value],
    right: &[Value],
    schema: Cursor<'_>,
    strategy: Strategy,
    merge_key: &str,
    depth: usize,
) -> Result<bool, PatchError> {
    let kind = slice_element_type(&[left, right])?;
    if strategy == Strategy::Merge {
        if kind != GoType::Map {
            return Ok(false);
        }
        let l = by_merge_key(left, merge_key)?;
        let r = by_merge_key(right, merge_key)?;
        for (k, lv) in &l {
            if let Some(rv) = r.get(k) {
                if fields_conflict(lv, rv, schema, Strategy::None, "", depth + 1)? {
                    return Ok(true);
                }
            }
        }
        return Ok(false);
    }
    if left.len() != right.len() {
        return Ok(true);
    }
    let (l, r) = if kind != GoType::Map {
        (
            go_sort_by_string(dedupe(left.to_vec()), fmt_v),
            go_sort_by_string(dedupe(right.to_vec()), fmt_v),
        )
    } else {
        (left.to_vec(), right.to_vec())
    };
    for (a, b) in l.iter().zip(&r) {
        if fields_conflict(a, b, schema, Strategy::None, "", depth + 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `sliceOfMapsToMapOfMaps`: keyed by `%s` of the merge key (the last duplicate wins).
fn by_merge_key<'a>(
    list: &'a [Value],
    merge_key: &str,
) -> Result<BTreeMap<String, &'a Value>, PatchError> {
    let mut out = BTreeMap::new();
    for v in list {
        let Some(m) = v.as_object() else {
            return Err(PatchError::Invalid(format!(
                "invalid element type in merging list:{}",
                fmt_v(&Value::Array(list.to_vec()))
            )));
        };
        let Some(k) = m.get(merge_key) else {
            return Err(PatchError::Invalid(format!(
                "cannot find merge key `{merge_key}` in merging list element:{}",
                fmt_v(v)
            )));
        };
        out.insert(fmt_s(k), v);
    }
    Ok(out)
}
