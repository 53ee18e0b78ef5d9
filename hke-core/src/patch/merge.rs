//! The merge half of strategic merge patch (`mergeMap` and friends): applying a patch to a
//! document (server-side semantics), and combining the two partial patches of a three-way
//! diff (client-side semantics, where directives are carried instead of executed).

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use serde_json::{Map, Value};

use super::govalue::{decoded_cap, dedupe_appended, fmt_s, fmt_v, go_eq, go_type, key_id, GoType};
use super::order::{
    bad_arg_type, item_key, no_merge_key, normalize_element_order, validate_merge_keys, OrderIndex,
};
use super::schema::{Cursor, Strategy};
use super::{slice_element_type, PatchError, MAX_DEPTH};

const DELETE_PREFIX: &str = "$deleteFromPrimitiveList";
const ORDER_PREFIX: &str = "$setElementOrder";

/// `MergeOptions`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MergeOptions {
    /// Execute `$deleteFromPrimitiveList` / `$setElementOrder` (apply) instead of carrying
    /// them into the result (three-way combine). Also means lists came from a JSON decoder.
    pub(crate) merge_parallel_list: bool,
    /// Drop nulls for keys the original lacks, and nulls inside new values.
    pub(crate) ignore_unmatched_nulls: bool,
}

impl MergeOptions {
    /// `StrategicMergePatch`.
    pub(crate) const APPLY: MergeOptions = MergeOptions {
        merge_parallel_list: true,
        ignore_unmatched_nulls: true,
    };
    /// The combine step of `CreateThreeWayMergePatch`.
    pub(crate) const COMBINE: MergeOptions = MergeOptions {
        merge_parallel_list: false,
        ignore_unmatched_nulls: false,
    };
}

fn invalid(msg: impl Into<String>) -> PatchError {
    PatchError::Invalid(msg.into())
}

fn bad_patch_type(directive: &Value, patch: &Map<String, Value>) -> PatchError {
    invalid(format!(
        "unknown patch type: {} in map: {}",
        fmt_s(directive),
        fmt_v(&Value::Object(patch.clone()))
    ))
}

/// `extractKey`: the field name after `<prefix>/`.
fn extract_key(s: &str, prefix: &str) -> Result<String, PatchError> {
    match s.split_once('/') {
        Some((p, rest)) if p == prefix => Ok(rest.to_string()),
        _ => Err(invalid(if prefix == DELETE_PREFIX {
            "invalid patch format of primitive list"
        } else {
            "invalid patch format of setElementOrder list"
        })),
    }
}

/// `mergeMap(original, patch)`.
pub(crate) fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    schema: Cursor<'_>,
    opts: MergeOptions,
    depth: usize,
) -> Result<Map<String, Value>, PatchError> {
    if depth > MAX_DEPTH {
        return Err(PatchError::TooDeep(MAX_DEPTH));
    }
    if let Some(d) = patch.get("$patch") {
        return match d.as_str() {
            Some("replace") => {
                patch.remove("$patch");
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(bad_patch_type(d, &patch)),
        };
    }
    apply_retain_keys(&mut original, &mut patch, opts)?;
    merge_element_order(&mut original, &mut patch, schema, opts, depth)?;

    for (key, pv) in patch {
        let (k, is_delete_list) = if key.starts_with(DELETE_PREFIX) {
            if !opts.merge_parallel_list {
                original.insert(key, pv);
                continue;
            }
            (extract_key(&key, DELETE_PREFIX)?, true)
        } else {
            (key, false)
        };
        if pv.is_null() {
            original.remove(&k);
            if opts.ignore_unmatched_nulls {
                continue;
            }
        }
        let Some(ov) = original.remove(&k) else {
            if !is_delete_list {
                insert_new(&mut original, k, pv, opts)?;
            }
            continue;
        };
        if go_type(&ov) != go_type(&pv) {
            if is_delete_list {
                original.insert(k, ov);
            } else {
                insert_new(&mut original, k, pv, opts)?;
            }
            continue;
        }
        let at = k.clone();
        let merged = merge_value(ov, pv, &k, is_delete_list, schema, opts, depth)
            .map_err(|e| e.within(&at))?;
        if let Some(v) = merged {
            original.insert(k, v);
        }
    }
    Ok(original)
}

/// One key of `mergeMap` where the original and the patch hold values of the same type.
fn merge_value(
    ov: Value,
    pv: Value,
    k: &str,
    is_delete_list: bool,
    schema: Cursor<'_>,
    opts: MergeOptions,
    depth: usize,
) -> Result<Option<Value>, PatchError> {
    {
        match (ov, pv) {
            (Value::Object(om), Value::Object(pm)) => {
                let (sub, meta) = schema.lookup_struct(k)?;
                let (_, strategy) = meta.split()?;
                let merged = if strategy == Strategy::Replace {
                    pm
                } else {
                    merge_map(om, pm, sub, opts, depth + 1)?
                };
                Ok(Some(Value::Object(merged)))
            }
            (Value::Array(oa), Value::Array(pa)) => {
                let (sub, meta) = schema.lookup_slice(k)?;
                let (_, strategy) = meta.split()?;
                let merged = if strategy == Strategy::Merge || is_delete_list {
                    merge_slice(oa, pa, sub, meta.merge_key, opts, is_delete_list, depth + 1)?.0
                } else {
                    pa
                };
                Ok(Some(Value::Array(merged)))
            }
            (_, pv) => Ok(remove_directives(pv)),
        }
    }
}

/// A value for a key the original lacks (or holds with another type).
fn insert_new(
    original: &mut Map<String, Value>,
    k: String,
    mut pv: Value,
    opts: MergeOptions,
) -> Result<(), PatchError> {
    let keep =
        clean_new_value(&mut pv, opts.ignore_unmatched_nulls, 0).map_err(|e| e.within(&k))?;
    if keep {
        original.insert(k, pv);
    }
    Ok(())
}

/// Prepares a value the original lacks for insertion, in one walk: checks its depth, then
/// at every level (as Go's two passes would) drops null map members when `discard_nulls`
/// (`discardNullValuesFromPatch`) and removes `$patch` maps (`removeDirectives`).
/// `Ok(false)` when the value itself is a `$patch` map.
fn clean_new_value(v: &mut Value, discard_nulls: bool, depth: usize) -> Result<bool, PatchError> {
    if depth > super::MAX_DEPTH {
        return Err(PatchError::TooDeep(super::MAX_DEPTH));
    }
    match v {
        Value::Object(m) => {
            if discard_nulls {
                m.retain(|_, x| !x.is_null());
            }
            if m.contains_key("$patch") {
                // Dropped, but its depth still counts.
                super::check_depth_from(v, depth)?;
                return Ok(false);
            }
            let mut result = Ok(());
            m.retain(|_, x| match clean_new_value(x, discard_nulls, depth + 1) {
                Ok(keep) => keep,
                Err(e) => {
                    result = Err(e);
                    true
                }
            });
            result.map(|()| true)
        }
        Value::Array(a) => {
            let mut result = Ok(());
            a.retain_mut(|x| match clean_new_value(x, discard_nulls, depth + 1) {
                Ok(keep) => keep,
                Err(e) => {
                    result = Err(e);
                    true
                }
            });
            result.map(|()| true)
        }
        _ => Ok(true),
    }
}

/// `removeDirectives`: `None` when the value itself is a `$patch` map; nested `$patch` maps
/// are removed from maps and lists.
pub(crate) fn remove_directives(mut v: Value) -> Option<Value> {
    strip_directives(&mut v).then_some(v)
}

/// [`remove_directives`] in place (no map or list is rebuilt): `false` when `v` itself is a
/// `$patch` map and must go.
fn strip_directives(v: &mut Value) -> bool {
    match v {
        Value::Object(m) => {
            if m.contains_key("$patch") {
                return false;
            }
            m.retain(|_, x| strip_directives(x));
            true
        }
        Value::Array(a) => {
            a.retain_mut(strip_directives);
            true
        }
        _ => true,
    }
}

/// `applyRetainKeysDirective`.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    opts: MergeOptions,
) -> Result<(), PatchError> {
    let Some(rk) = patch.remove("$retainKeys") else {
        return Ok(());
    };
    if !opts.merge_parallel_list {
        match original.get("$retainKeys") {
            Some(existing) if !go_eq(existing, &rk) => {
                return Err(invalid(format!(
                    "{} and {} are not deep equal: this may happen when calculating the 3-way diff patch",
                    fmt_v(existing),
                    fmt_v(&rk)
                )))
            }
            Some(_) => {}
            None => {
                original.insert("$retainKeys".into(), rk);
            }
        }
        return Ok(());
    }
    let Value::Array(list) = rk else {
        return Err(invalid("invalid patch format of retainKeys"));
    };
    let keep: HashSet<&str> = list.iter().filter_map(Value::as_str).collect();
    for (k, v) in patch.iter() {
        if v.is_null() || k.starts_with(DELETE_PREFIX) || k.starts_with(ORDER_PREFIX) {
            continue;
        }
        if !keep.contains(k.as_str()) {
            return Err(invalid("invalid patch format of retainKeys"));
        }
    }
    original.retain(|k, _| keep.contains(k.as_str()));
    Ok(())
}

/// `mergePatchIntoOriginal`: the `$setElementOrder/<f>` directives and their lists.
fn merge_element_order(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: Cursor<'_>,
    opts: MergeOptions,
    depth: usize,
) -> Result<(), PatchError> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(ORDER_PREFIX))
        .cloned()
        .collect();
    for key in keys {
        let Some(order_v) = patch.remove(&key) else {
            continue;
        };
        if !opts.merge_parallel_list {
            match original.get(&key) {
                Some(existing) if !go_eq(existing, &order_v) => {
                    return Err(invalid("invalid patch format of setElementOrder list"))
                }
                Some(_) => {}
                None => {
                    original.insert(key.clone(), order_v.clone());
                }
            }
        }
        let Value::Array(order) = order_v else {
            return Err(bad_arg_type("[]interface {}", &order_v));
        };
        let field = extract_key(&key, ORDER_PREFIX)?;
        let original_list = match original.get(&field) {
            None => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => return Err(bad_arg_type("[]interface {}", other)),
        };
        let patch_list = match patch.get(&field) {
            None => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => return Err(bad_arg_type("[]interface {}", other)),
        };
        let (sub, meta) = schema.lookup_slice(&field).map_err(|e| e.within(&field))?;
        let (_, strategy) = meta.split()?;
        let merge_key = meta.merge_key;
        validate_with_order_list(patch_list.as_deref().unwrap_or(&[]), &order, merge_key)?;

        let orig_slice: Vec<Value> = original_list.clone().unwrap_or_default();
        let patch_slice: Vec<Value> = patch_list.clone().unwrap_or_default();
        let (merged, server_order_list) = match (original_list, patch_list) {
            (Some(o), None) => (o.clone(), o),
            (None, Some(p)) => {
                let mut p = Value::Array(p);
                clean_new_value(&mut p, false, 0).map_err(|e| e.within(&field))?;
                let cleaned = match p {
                    Value::Array(a) => a,
                    _ => Vec::new(),
                };
                (cleaned, Vec::new())
            }
            (Some(o), Some(p)) => {
                if strategy == Strategy::Merge {
                    let (m, aliased) =
                        merge_slice(o.clone(), p, sub, merge_key, opts, false, depth + 1)?;
                    (m, aliased.unwrap_or(o))
                } else {
                    (p, o)
                }
            }
            (None, None) => continue,
        };

        let (patch_items, server_only) = if merge_key.is_empty() {
            partition_primitives(merged, &order)?
        } else {
            partition_maps(merged, &order, merge_key)?
        };
        let kind = slice_element_type(&[&orig_slice, &patch_slice])?;
        let is_map = kind == GoType::Map;
        if is_map {
            validate_merge_keys(&order, merge_key)?;
            validate_merge_keys(&server_order_list, merge_key)?;
        }
        let patch_order = OrderIndex::of_list(&order, merge_key, is_map);
        let server_order = OrderIndex::of_list(&server_order_list, merge_key, is_map);
        let both = normalize_element_order(
            patch_items,
            server_only,
            &patch_order,
            &server_order,
            merge_key,
            is_map,
        );
        original.insert(field.clone(), Value::Array(both));
        patch.remove(&field);
    }
    Ok(())
}

/// `partitionPrimitivesByPresentInList`.
fn partition_primitives(
    list: Vec<Value>,
    by: &[Value],
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    if list.iter().chain(by).any(|v| v.is_object() || v.is_array()) {
        return Err(invalid(
            "runtime error: hash of unhashable type map[string]interface {}",
        ));
    }
    let set: HashSet<_> = by.iter().map(key_id).collect();
    Ok(list.into_iter().partition(|v| set.contains(&key_id(v))))
}

/// `partitionMapsByPresentInList`.
fn partition_maps(
    list: Vec<Value>,
    by: &[Value],
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut present = HashSet::new();
    for (i, v) in by.iter().enumerate() {
        match v.as_object() {
            Some(m) => {
                if let Some(k) = m.get(merge_key) {
                    present.insert(key_id(k));
                }
            }
            None => return Err(invalid(format!("value for key {i} is not a map."))),
        }
    }
    let mut patch_items = Vec::new();
    let mut server_only = Vec::new();
    for v in list {
        let Some(m) = v.as_object() else {
            return Err(bad_arg_type("map[string]interface {}", &v));
        };
        let Some(k) = m.get(merge_key) else {
            return Err(no_merge_key(&v, merge_key));
        };
        if !by.is_empty() && present.contains(&key_id(k)) {
            patch_items.push(v);
        } else {
            server_only.push(v);
        }
    }
    Ok((patch_items, server_only))
}

/// `validatePatchWithSetOrderList`.
fn validate_with_order_list(
    patch_list: &[Value],
    order: &[Value],
    merge_key: &str,
) -> Result<(), PatchError> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_delete: Vec<&Value> = if merge_key.is_empty() {
        patch_list.iter().collect()
    } else {
        let mut v = Vec::new();
        for item in patch_list {
            let Some(m) = item.as_object() else {
                return Err(bad_arg_type("map[string]interface {}", item));
            };
            if m.get("$patch").and_then(Value::as_str) != Some("delete") {
                v.push(item);
            }
        }
        v
    };
    let (mut pi, mut si) = (0, 0);
    while pi < non_delete.len() && si < order.len() {
        let p = non_delete[pi];
        if p.as_object().is_some_and(|m| m.contains_key("$patch")) {
            pi += 1;
            continue;
        }
        let equal = if merge_key.is_empty() {
            go_eq(p, &order[si])
        } else {
            let pm = p
                .as_object()
                .ok_or_else(|| bad_arg_type("map[string]interface {}", p))?;
            let om = order[si]
                .as_object()
                .ok_or_else(|| bad_arg_type("map[string]interface {}", &order[si]))?;
            let pk = pm
                .get(merge_key)
                .ok_or_else(|| no_merge_key(p, merge_key))?;
            let ok = om
                .get(merge_key)
                .ok_or_else(|| no_merge_key(&order[si], merge_key))?;
            go_eq(pk, ok)
        };
        if equal {
            pi += 1;
        }
        si += 1;
    }
    if pi < non_delete.len() && si >= order.len() {
        return Err(invalid(format!(
            "The order in patch list:\n{}\n doesn't match $setElementOrder list:\n{}\n",
            fmt_v(&Value::Array(patch_list.to_vec())),
            fmt_v(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

/// `mergeSlice`: the merged list, and (for primitive lists whose append aliased the
/// original's backing array) what the original list looks like afterwards.
pub(crate) fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Cursor<'_>,
    merge_key: &str,
    opts: MergeOptions,
    is_delete_list: bool,
    depth: usize,
) -> Result<(Vec<Value>, Option<Vec<Value>>), PatchError> {
    if original.is_empty() && patch.is_empty() {
        return Ok((original, None));
    }
    let kind = slice_element_type(&[&original, &patch])?;
    if kind != GoType::Map {
        if opts.merge_parallel_list && is_delete_list {
            let del: HashSet<_> = patch.iter().map(key_id).collect();
            let kept = original
                .into_iter()
                .filter(|v| !del.contains(&key_id(v)))
                .collect();
            return Ok((kept, None));
        }
        let aliased =
            opts.merge_parallel_list && original.len() + patch.len() <= decoded_cap(original.len());
        let patch_keys = patch.clone();
        let unaliased_copy = if aliased {
            Vec::new()
        } else {
            original.clone()
        };
        let (merged, orig_after) = dedupe_appended(original, patch, aliased);
        // Not aliased: Go's original slice is untouched by the de-duplication.
        let server = if aliased { orig_after } else { unaliased_copy };
        let (patch_items, server_only) = partition_primitives(merged, &patch_keys)?;
        let patch_order = OrderIndex::of_list(&patch_keys, "", false);
        let server_order = OrderIndex::of_list(&server, "", false);
        let out = normalize_element_order(
            patch_items,
            server_only,
            &patch_order,
            &server_order,
            "",
            false,
        );
        return Ok((out, aliased.then_some(server)));
    }
    if merge_key.is_empty() {
        return Err(invalid(format!(
            "cannot merge lists without merge key for {}",
            schema.type_name()
        )));
    }
    // Go's view of the original list through its first slice header (what
    // `mergePatchIntoOriginal` orders by afterwards): deletions shift the backing array in
    // place and appends may land in it while capacity lasts.
    let l0 = original.len();
    let mut view: Vec<Option<Value>> = original
        .iter()
        .map(|v| v.as_object().and_then(|m| m.get(merge_key)).cloned())
        .collect();
    let mut live_len = l0;
    let (original, patch, replaced) =
        merge_special_elements(original, patch, merge_key, &mut view, &mut live_len)?;
    // Keys of the original (after deletions) for the live order.
    let server_keys: Vec<Value> = original
        .iter()
        .map(|v| item_key(v, merge_key, true).clone())
        .collect();
    let server_has_all_keys = original
        .iter()
        .all(|v| v.as_object().is_some_and(|m| m.contains_key(merge_key)));
    let patch_keys: Vec<Value> = patch
        .iter()
        .map(|v| item_key(v, merge_key, true).clone())
        .collect();
    let (merged, appended) =
        merge_without_special_elements(original, patch, schema, merge_key, opts, depth)?;
    if !replaced {
        let cap = decoded_cap(l0);
        for k in appended {
            if live_len >= cap {
                break;
            }
            if let Some(slot) = view.get_mut(live_len) {
                *slot = Some(k);
            }
            live_len += 1;
        }
    }
    if !server_has_all_keys {
        let mut m = Map::new();
        m.insert(String::new(), Value::Null);
        return Err(no_merge_key(
            &merged
                .iter()
                .find(|v| !v.as_object().is_some_and(|m| m.contains_key(merge_key)))
                .cloned()
                .unwrap_or(Value::Object(m)),
            merge_key,
        ));
    }
    let (patch_items, server_only) = partition_maps(
        merged,
        &patch_as_key_maps(&patch_keys, merge_key),
        merge_key,
    )?;
    let patch_order = OrderIndex::new(patch_keys.iter());
    let server_order = OrderIndex::new(server_keys.iter());
    let out = normalize_element_order(
        patch_items,
        server_only,
        &patch_order,
        &server_order,
        merge_key,
        true,
    );
    let view = opts.merge_parallel_list.then(|| {
        view.into_iter()
            .map(|k| {
                let mut m = Map::new();
                if let Some(k) = k {
                    m.insert(merge_key.to_string(), k);
                }
                Value::Object(m)
            })
            .collect()
    });
    Ok((out, view))
}

fn patch_as_key_maps(keys: &[Value], merge_key: &str) -> Vec<Value> {
    keys.iter()
        .map(|k| {
            let mut m = Map::new();
            m.insert(merge_key.to_string(), k.clone());
            Value::Object(m)
        })
        .collect()
}

/// `mergeSliceWithSpecialElements`: executes `$patch` elements of a list of maps.
fn merge_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &str,
    view: &mut [Option<Value>],
    live_len: &mut usize,
) -> Result<(Vec<Value>, Vec<Value>, bool), PatchError> {
    let mut plain = Vec::with_capacity(patch.len());
    let mut replace = false;
    for v in patch {
        let Some(m) = v.as_object() else {
            return Err(bad_arg_type("map[string]interface {}", &v));
        };
        match m.get("$patch") {
            None => plain.push(v),
            Some(d) => match d.as_str() {
                Some("delete") => {
                    let Some(key) = m.get(merge_key) else {
                        return Err(no_merge_key(&v, merge_key));
                    };
                    for (i, e) in original.iter().enumerate() {
                        if !e.is_object() {
                            return Err(invalid(format!("value for key {i} is not a map.")));
                        }
                    }
                    original.retain(|e| !e.get(merge_key).is_some_and(|x| go_eq(x, key)));
                    // `append(original[:i], original[i+1:]...)` for every match.
                    while let Some(i) = view
                        .iter()
                        .take(*live_len)
                        .position(|k| k.as_ref().is_some_and(|x| go_eq(x, key)))
                    {
                        // Elements after `i` move left by one; the last slot keeps its value.
                        for j in i..live_len.saturating_sub(1) {
                            if let Some(next) = view.get(j + 1).cloned() {
                                view[j] = next;
                            }
                        }
                        *live_len -= 1;
                    }
                }
                Some("replace") => replace = true,
                Some("merge") => {
                    return Err(invalid(
                        "merging lists cannot yet be specified in the patch",
                    ))
                }
                _ => return Err(bad_patch_type(d, m)),
            },
        }
    }
    if replace {
        return Ok((plain, Vec::new(), true));
    }
    Ok((original, plain, false))
}

/// `mergeSliceWithoutSpecialElements`: merge each patch element into the first original
/// element with the same key, or append it verbatim.
fn merge_without_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    schema: Cursor<'_>,
    merge_key: &str,
    opts: MergeOptions,
    depth: usize,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut appended = Vec::new();
    let mut index: HashMap<super::govalue::KeyId<'static>, usize> = HashMap::new();
    for (i, e) in original.iter().enumerate() {
        let Some(m) = e.as_object() else {
            return Err(invalid(format!("value for key {i} is not a map.")));
        };
        if let Some(k) = m.get(merge_key) {
            index.entry(owned_key(k)).or_insert(i);
        }
    }
    for v in patch {
        let Value::Object(pm) = v else {
            return Err(bad_arg_type("map[string]interface {}", &v));
        };
        let Some(k) = pm.get(merge_key) else {
            return Err(no_merge_key(&Value::Object(pm), merge_key));
        };
        let kid = owned_key(k);
        match index.get(&kid).copied() {
            Some(i) => {
                let slot = original
                    .get_mut(i)
                    .ok_or_else(|| invalid("merge index out of range"))?;
                let om = match std::mem::take(slot) {
                    Value::Object(m) => m,
                    _ => Map::new(),
                };
                let at = format!("[{merge_key}={}]", fmt_v(k));
                *slot = Value::Object(
                    merge_map(om, pm, schema, opts, depth + 1).map_err(|e| e.within(&at))?,
                );
            }
            None => {
                index.insert(kid, original.len());
                appended.push(k.clone());
                original.push(Value::Object(pm));
            }
        }
    }
    Ok((original, appended))
}

fn owned_key(v: &Value) -> super::govalue::KeyId<'static> {
    use super::govalue::KeyId;
    match key_id(v) {
        KeyId::Str(s) => KeyId::Other(format!("string:{s}")),
        KeyId::Nil => KeyId::Nil,
        KeyId::Bool(b) => KeyId::Bool(b),
        KeyId::Int(i) => KeyId::Int(i),
        KeyId::Float(f) => KeyId::Float(f),
        KeyId::Other(s) => KeyId::Other(s),
    }
}
