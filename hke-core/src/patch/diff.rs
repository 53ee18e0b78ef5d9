//! The diff half of strategic merge patch (`diffMaps` and friends): from two documents,
//! the patch that turns one into the other, with the option switches the two-way and
//! three-way entry points use.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::borrow::Cow;
use std::hash::BuildHasher;

use serde_json::{Map, Value};

use super::govalue::{
    dedupe, fmt_v, fmt_v_cow, go_eq, go_sort_by_string, go_sort_keyed, go_type, GoType,
};
use super::order::{no_merge_key, normalize_slice_order, OrderIndex};
use super::schema::{Cursor, Strategy};
use super::{slice_element_type, PatchError, MAX_DEPTH};

/// `DiffOptions`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DiffOptions {
    /// Generate `$setElementOrder` lists.
    pub(crate) set_element_order: bool,
    /// Leave out additions and changes (three-way "deletions" pass).
    pub(crate) ignore_changes_and_additions: bool,
    /// Leave out deletions (three-way "delta" pass).
    pub(crate) ignore_deletions: bool,
    /// The map being diffed has the `retainKeys` strategy.
    pub(crate) build_retain_keys: bool,
}

/// `diffMaps(original, modified)`.
pub(crate) fn diff_maps(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    schema: Cursor<'_>,
    opts: DiffOptions,
    depth: usize,
) -> Result<Map<String, Value>, PatchError> {
    if depth > MAX_DEPTH {
        return Err(PatchError::TooDeep(MAX_DEPTH));
    }
    let mut patch = Map::new();
    let mut retain_keys: Vec<String> = Vec::new();
    // Both maps iterate in key order: one merge walk pairs their keys (no lookups) and
    // finds the keys only `original` has.
    let mut only_original: Vec<&String> = Vec::new();
    let mut originals = original.iter().peekable();
    for (key, mv) in modified {
        if opts.build_retain_keys && !mv.is_null() {
            retain_keys.push(key.clone());
        }
        let mut paired = None;
        while let Some(&(ok, ov)) = originals.peek() {
            match ok.cmp(key) {
                std::cmp::Ordering::Less => only_original.push(ok),
                std::cmp::Ordering::Equal => paired = Some(ov),
                std::cmp::Ordering::Greater => break,
            }
            originals.next();
            if paired.is_some() {
                break;
            }
        }
        let Some(ov) = paired else {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        };
        if key == "$patch" {
            match (ov.as_str(), mv.as_str()) {
                (Some(o), Some(m)) => {
                    if o != m {
                        patch.insert(key.clone(), mv.clone());
                    }
                    continue;
                }
                _ => {
                    return Err(PatchError::Invalid(
                        "invalid value for special key: $patch".into(),
                    ))
                }
            }
        }
        if go_type(ov) != go_type(mv) {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        }
        match (ov, mv) {
            (Value::Object(om), Value::Object(mm)) => {
                handle_map_diff(key, om, mm, &mut patch, schema, opts, depth)
                    .map_err(|e| e.within(key))?
            }
            (Value::Array(oa), Value::Array(ma)) => {
                handle_slice_diff(key, oa, ma, &mut patch, schema, opts, depth)
                    .map_err(|e| e.within(key))?
            }
            _ => replace_if_not_equal(key, ov, mv, &mut patch, opts),
        }
    }
    if !opts.ignore_deletions {
        only_original.extend(originals.map(|(k, _)| k));
        for key in only_original {
            patch.insert(key.clone(), Value::Null);
        }
    }
    if !retain_keys.is_empty()
        && (!patch.is_empty() || has_additional_new_field(original, modified))
    {
        retain_keys.sort();
        patch.insert(
            "$retainKeys".into(),
            Value::Array(retain_keys.into_iter().map(Value::String).collect()),
        );
    }
    Ok(patch)
}

fn has_additional_new_field(original: &Map<String, Value>, modified: &Map<String, Value>) -> bool {
    original
        .iter()
        .any(|(k, v)| !v.is_null() && !modified.contains_key(k))
}

fn replace_if_not_equal(
    key: &str,
    ov: &Value,
    mv: &Value,
    patch: &mut Map<String, Value>,
    opts: DiffOptions,
) {
    if opts.ignore_changes_and_additions || go_eq(ov, mv) {
        return;
    }
    patch.insert(key.to_string(), mv.clone());
}

fn handle_map_diff(
    key: &str,
    om: &Map<String, Value>,
    mm: &Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: Cursor<'_>,
    mut opts: DiffOptions,
    depth: usize,
) -> Result<(), PatchError> {
    let (sub, meta) = match schema.lookup_struct(key) {
        Ok(x) => x,
        Err(e) => {
            return if maps_equal(om, mm) { Ok(()) } else { Err(e) };
        }
    };
    let (retain, strategy) = meta.split()?;
    opts.build_retain_keys = retain;
    if strategy == Strategy::Replace {
        if !opts.ignore_changes_and_additions {
            patch.insert(key.to_string(), Value::Object(mm.clone()));
        }
        return Ok(());
    }
    let p = diff_maps(om, mm, sub, opts, depth + 1)?;
    if !p.is_empty() {
        patch.insert(key.to_string(), Value::Object(p));
    }
    Ok(())
}

fn maps_equal(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| go_eq(v, w)))
}

fn lists_equal(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| go_eq(x, y))
}

fn handle_slice_diff(
    key: &str,
    oa: &[Value],
    ma: &[Value],
    patch: &mut Map<String, Value>,
    schema: Cursor<'_>,
    mut opts: DiffOptions,
    depth: usize,
) -> Result<(), PatchError> {
    let (sub, meta) = match schema.lookup_slice(key) {
        Ok(x) => x,
        Err(e) => {
            return if lists_equal(oa, ma) { Ok(()) } else { Err(e) };
        }
    };
    let (retain, strategy) = meta.split()?;
    if strategy != Strategy::Merge {
        if !opts.ignore_changes_and_additions && !lists_equal(oa, ma) {
            patch.insert(key.to_string(), Value::Array(ma.to_vec()));
        }
        return Ok(());
    }
    opts.build_retain_keys = retain;
    let (add, del, order) = diff_lists(oa, ma, sub, meta.merge_key, opts, depth)?;
    if !add.is_empty() {
        patch.insert(key.to_string(), Value::Array(add));
    }
    if !del.is_empty() {
        patch.insert(format!("$deleteFromPrimitiveList/{key}"), Value::Array(del));
    }
    if !order.is_empty() {
        patch.insert(format!("$setElementOrder/{key}"), Value::Array(order));
    }
    Ok(())
}

type ListDiff = (Vec<Value>, Vec<Value>, Vec<Value>);

/// (changes and additions, deletion directives) of a list of maps.
type MapListDiff = (Vec<Value>, Vec<Value>);

/// `diffLists`: (patch list, primitive deletion list, `$setElementOrder` list).
fn diff_lists(
    original: &[Value],
    modified: &[Value],
    schema: Cursor<'_>,
    merge_key: &str,
    opts: DiffOptions,
    depth: usize,
) -> Result<ListDiff, PatchError> {
    if original.is_empty() {
        if modified.is_empty() || opts.ignore_changes_and_additions {
            return Ok((Vec::new(), Vec::new(), Vec::new()));
        }
        return Ok((modified.to_vec(), Vec::new(), Vec::new()));
    }
    let kind = slice_element_type(&[original, modified])?;
    match kind {
        GoType::Map => {
            if let Some(r) =
                fused_string_keyed_diff(original, modified, schema, merge_key, opts, depth)
            {
                return Ok(r);
            }
            // Merge keys are read once per element (large lists are memory-bound).
            let okeys = merge_keys(original, merge_key)?;
            let mkeys = merge_keys(modified, merge_key)?;
            let (patch_list, delete_list, in_order) = diff_lists_of_maps(
                original, &okeys, modified, &mkeys, schema, merge_key, opts, depth,
            )?;
            let mut patch_list = if in_order {
                patch_list
            } else {
                let order = OrderIndex::new(mkeys.iter().copied());
                normalize_slice_order(patch_list, &order, merge_key, true)
            };
            let order_same =
                okeys.len() == mkeys.len() && okeys.iter().zip(&mkeys).all(|(a, b)| go_eq(a, b));
            patch_list.extend(delete_list);
            let mut set_order = Vec::new();
            if opts.set_element_order
                && ((!opts.ignore_changes_and_additions && (!patch_list.is_empty() || !order_same))
                    || (!opts.ignore_deletions && !patch_list.is_empty()))
            {
                set_order = mkeys
                    .iter()
                    .map(|k| {
                        let mut m = Map::new();
                        m.insert(merge_key.to_string(), (*k).clone());
                        Value::Object(m)
                    })
                    .collect();
            }
            Ok((patch_list, Vec::new(), set_order))
        }
        GoType::Slice => Err(PatchError::Invalid(
            "lists of lists are not supported".into(),
        )),
        _ => {
            // Go sorts `original` in place here; the sorted copy is what the later
            // DeepEqual sees.
            let sorted_original = go_sort_by_string(original.to_vec(), fmt_v);
            let (add, del) = diff_lists_of_scalars(&sorted_original, modified, opts);
            let order = OrderIndex::of_list(modified, "", false);
            let add = normalize_slice_order(add, &order, "", false);
            let set_order = if opts.set_element_order
                && ((!opts.ignore_deletions && !del.is_empty())
                    || (!opts.ignore_changes_and_additions
                        && !lists_equal(&sorted_original, modified)))
            {
                modified.to_vec()
            } else {
                Vec::new()
            };
            Ok((add, del, set_order))
        }
    }
}

/// The common case of [`diff_lists_of_maps`] without sorting: when no two elements of a
/// list share a merge key's `%v`, Go's sorted walk pairs equal keys, adds the others of
/// `modified` and deletes the others of `original` (in key order); the patch list is
/// re-ordered by `modified` afterwards, so it is built in that order directly. `None`
/// when a list has duplicate keys (then the walk itself decides the pairing).
#[allow(clippy::too_many_arguments)]
fn diff_unique_keyed_maps(
    original: &[Value],
    okeys: &[&Value],
    modified: &[Value],
    mkeys: &[&Value],
    schema: Cursor<'_>,
    merge_key: &str,
    opts: DiffOptions,
    depth: usize,
) -> Option<Result<MapListDiff, PatchError>> {
    let ostr: Vec<Cow<'_, str>> = okeys.iter().map(|k| fmt_v_cow(k)).collect();
    let mut opos: HashMap<&str, usize> = HashMap::with_capacity(ostr.len());
    for (i, k) in ostr.iter().enumerate() {
        if opos.insert(k, i).is_some() {
            return None;
        }
    }
    let mstr: Vec<Cow<'_, str>> = mkeys.iter().map(|k| fmt_v_cow(k)).collect();
    let mut seen: HashSet<&str> = HashSet::with_capacity(mstr.len());
    if !mstr.iter().all(|k| seen.insert(k)) {
        return None;
    }
    let run = || -> Result<MapListDiff, PatchError> {
        let mut matched = vec![false; original.len()];
        let mut patch = Vec::new();
        for (j, mv) in modified.iter().enumerate() {
            let key = mstr.get(j).map(|k| k.as_ref()).unwrap_or("");
            match opos.get(key) {
                Some(&i) => {
                    if let Some(m) = matched.get_mut(i) {
                        *m = true;
                    }
                    if let (Some(Value::Object(om)), Value::Object(mm)) = (original.get(i), mv) {
                        let mut p = diff_maps(om, mm, schema, opts, depth + 1).map_err(|e| {
                            e.within(&format!(
                                "[{merge_key}={}]",
                                fmt_v(mkeys.get(j).copied().unwrap_or(&Value::Null))
                            ))
                        })?;
                        if !p.is_empty() {
                            p.insert(
                                merge_key.to_string(),
                                mm.get(merge_key).cloned().unwrap_or(Value::Null),
                            );
                            patch.push(Value::Object(p));
                        }
                    }
                }
                None => {
                    if !opts.ignore_changes_and_additions {
                        patch.push(mv.clone());
                    }
                }
            }
        }
        let mut deletions = Vec::new();
        if !opts.ignore_deletions {
            let mut gone: Vec<usize> = (0..original.len())
                .filter(|&i| !matched.get(i).copied().unwrap_or(true))
                .collect();
            gone.sort_by(|&a, &b| ostr.get(a).cmp(&ostr.get(b)));
            for i in gone {
                let mut d = Map::new();
                d.insert(
                    merge_key.to_string(),
                    okeys.get(i).map(|k| (*k).clone()).unwrap_or(Value::Null),
                );
                d.insert("$patch".into(), Value::String("delete".into()));
                deletions.push(Value::Object(d));
            }
        }
        Ok((patch, deletions))
    };
    Some(run())
}

/// Positions of the elements in Go's sort order of their merge keys' `%v`.
fn sorted_positions<'a>(keys: &[&'a Value]) -> Vec<(Cow<'a, str>, usize)> {
    let idx: Vec<usize> = (0..keys.len()).collect();
    go_sort_keyed(idx, |&i| {
        keys.get(i)
            .map(|k| fmt_v_cow(k))
            .unwrap_or(Cow::Borrowed(""))
    })
}

/// The usual list of maps (every element a map with a string merge key, no key twice in a
/// list) in two passes, one per list: large lists are memory-bound, so each element is
/// visited once. Gives the same result as Go's sorted walk (pairs by key, patch in
/// `modified`'s order, deletions in key order); `None` sends anything unusual (and any
/// error, so that Go's first error is reported) to the general path.
fn fused_string_keyed_diff(
    original: &[Value],
    modified: &[Value],
    schema: Cursor<'_>,
    merge_key: &str,
    opts: DiffOptions,
    depth: usize,
) -> Option<ListDiff> {
    fn key_of<'v>(v: &'v Value, merge_key: &str) -> Option<&'v str> {
        match v.as_object()?.get(merge_key)? {
            Value::String(k) => Some(k),
            _ => None,
        }
    }
    // The keys of `original` are read as the walk reaches each element (it is diffed
    // right after, while in cache): one pass over each list, not two. Elements the walk
    // does not reach are read at the end; any unusual element then sends the whole list
    // to the general path, as before.
    let mut okeys: Vec<Option<&str>> = vec![None; original.len()];
    // Lists usually keep their order between versions: an element is first looked for at
    // its own position, and the key index is built only when that fails.
    let mut opos: Option<HashMap<&str, usize>> = None;
    let mut mkey_strs: Vec<&str> = Vec::with_capacity(modified.len());
    let mut matched = vec![false; original.len()];
    let mut patch = Vec::new();
    let mut order_same = original.len() == modified.len();
    // Keys of `modified` in order; `$setElementOrder` is built from them only when the
    // patch needs it (building 10k one-key maps that are then dropped dominated large lists).
    let mut mkeys: Vec<&Value> = Vec::with_capacity(if opts.set_element_order {
        modified.len()
    } else {
        0
    });
    for (j, mv) in modified.iter().enumerate() {
        let mm = mv.as_object()?;
        let key_value = mm.get(merge_key)?;
        let Value::String(k) = key_value else {
            return None;
        };
        mkey_strs.push(k);
        if opts.set_element_order {
            mkeys.push(key_value);
        }
        let at_j = match (opos.is_none(), original.get(j)) {
            (true, Some(ov)) => {
                let ok = key_of(ov, merge_key)?;
                if let Some(slot) = okeys.get_mut(j) {
                    *slot = Some(ok);
                }
                ok == k.as_str()
            }
            _ => false,
        };
        let found = if at_j {
            Some(j)
        } else {
            if opos.is_none() {
                let mut index = HashMap::with_capacity(original.len());
                for (i, ov) in original.iter().enumerate() {
                    let ok = key_of(ov, merge_key)?;
                    if let Some(slot) = okeys.get_mut(i) {
                        *slot = Some(ok);
                    }
                    index.insert(ok, i);
                }
                opos = Some(index);
            }
            opos.as_ref().and_then(|o| o.get(k.as_str())).copied()
        };
        match found {
            Some(i) => {
                *matched.get_mut(i)? = true;
                order_same &= i == j;
                let Some(Value::Object(om)) = original.get(i) else {
                    return None;
                };
                let mut p = diff_maps(om, mm, schema, opts, depth + 1).ok()?;
                if !p.is_empty() {
                    p.insert(merge_key.to_string(), key_value.clone());
                    patch.push(Value::Object(p));
                }
            }
            None => {
                order_same = false;
                if !opts.ignore_changes_and_additions {
                    patch.push(mv.clone());
                }
            }
        }
    }
    if !all_distinct(&mkey_strs) {
        return None;
    }
    let mut okeys_all: Vec<&str> = Vec::with_capacity(original.len());
    for (i, k) in okeys.iter().enumerate() {
        match k {
            Some(k) => okeys_all.push(k),
            None => okeys_all.push(key_of(original.get(i)?, merge_key)?),
        }
    }
    let okeys = okeys_all;
    if !all_distinct(&okeys) {
        return None;
    }
    if !opts.ignore_deletions {
        let mut gone: Vec<usize> = (0..original.len())
            .filter(|&i| !matched.get(i).copied().unwrap_or(true))
            .collect();
        gone.sort_by(|&a, &b| okeys.get(a).cmp(&okeys.get(b)));
        for i in gone {
            let mut d = Map::new();
            d.insert(
                merge_key.to_string(),
                Value::String(okeys.get(i)?.to_string()),
            );
            d.insert("$patch".into(), Value::String("delete".into()));
            patch.push(Value::Object(d));
        }
    }
    let wanted = opts.set_element_order
        && ((!opts.ignore_changes_and_additions && (!patch.is_empty() || !order_same))
            || (!opts.ignore_deletions && !patch.is_empty()));
    let set_order = if wanted {
        mkeys
            .into_iter()
            .map(|k| {
                let mut m = Map::new();
                m.insert(merge_key.to_string(), k.clone());
                Value::Object(m)
            })
            .collect()
    } else {
        Vec::new()
    };
    Some((patch, Vec::new(), set_order))
}

/// Whether no string occurs twice. Compares 64-bit hashes in a sorted array (cache
/// friendly on long lists) and confirms a repeated hash with the strings themselves.
fn all_distinct(keys: &[&str]) -> bool {
    let state = foldhash::fast::FixedState::default();
    let mut hashes: Vec<u64> = keys.iter().map(|k| state.hash_one(k)).collect();
    hashes.sort_unstable();
    if hashes.windows(2).all(|w| w.first() != w.get(1)) {
        return true;
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(keys.len());
    keys.iter().all(|k| seen.insert(k))
}

/// The merge key of every element; each must be a map holding it.
fn merge_keys<'a>(list: &'a [Value], merge_key: &str) -> Result<Vec<&'a Value>, PatchError> {
    list.iter()
        .map(|v| {
            v.as_object()
                .ok_or_else(|| super::order::bad_arg_type("map[string]interface {}", v))?
                .get(merge_key)
                .ok_or_else(|| no_merge_key(v, merge_key))
        })
        .collect()
}

/// `diffListsOfScalars` on the already sorted original: (additions, deletions).
fn diff_lists_of_scalars(
    sorted_original: &[Value],
    modified: &[Value],
    opts: DiffOptions,
) -> (Vec<Value>, Vec<Value>) {
    let sorted_modified = go_sort_by_string(modified.iter().collect::<Vec<_>>(), |v| fmt_v_cow(v));
    let os: Vec<String> = sorted_original.iter().map(fmt_v).collect();
    let ms: Vec<String> = sorted_modified.iter().map(|v| fmt_v(v)).collect();
    let (mut i, mut j) = (0, 0);
    let mut add = Vec::new();
    let mut del = Vec::new();
    while i < os.len() || j < ms.len() {
        let o_in = i < os.len();
        let m_in = j < ms.len();
        if o_in && m_in && os[i] == ms[j] {
            i += 1;
            j += 1;
        } else if !o_in || (m_in && os[i] > ms[j]) {
            if !opts.ignore_changes_and_additions {
                add.push(sorted_modified[j].clone());
            }
            j += 1;
        } else {
            if !opts.ignore_deletions {
                del.push(sorted_original[i].clone());
            }
            i += 1;
        }
    }
    (add, dedupe(del))
}

/// `diffListsOfMaps`: (changes and additions, deletion directives, whether the changes are
/// already in `modified`'s order). `okeys` / `mkeys` are the merge keys of the elements.
#[allow(clippy::too_many_arguments)]
fn diff_lists_of_maps(
    original: &[Value],
    okeys: &[&Value],
    modified: &[Value],
    mkeys: &[&Value],
    schema: Cursor<'_>,
    merge_key: &str,
    opts: DiffOptions,
    depth: usize,
) -> Result<(Vec<Value>, Vec<Value>, bool), PatchError> {
    if let Some(r) = diff_unique_keyed_maps(
        original, okeys, modified, mkeys, schema, merge_key, opts, depth,
    ) {
        return r.map(|(p, d)| (p, d, true));
    }
    let os = sorted_positions(okeys);
    let ms = sorted_positions(mkeys);
    let elem = |list: &'_ [Value], i: usize| list.get(i).cloned().unwrap_or(Value::Null);
    let mut patch = Vec::with_capacity(modified.len());
    let mut deletions = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < os.len() || j < ms.len() {
        let o_in = i < os.len();
        let m_in = j < ms.len();
        let ok = if o_in { Some(&os[i].0) } else { None };
        let mk = if m_in { Some(&ms[j].0) } else { None };
        match (ok, mk) {
            (Some(a), Some(b)) if a == b => {
                let (oi, mi) = (os[i].1, ms[j].1);
                if let (Some(Value::Object(om)), Some(Value::Object(mm))) =
                    (original.get(oi), modified.get(mi))
                {
                    let mut p = diff_maps(om, mm, schema, opts, depth + 1).map_err(|e| {
                        e.within(&format!(
                            "[{merge_key}={}]",
                            fmt_v(mkeys.get(mi).copied().unwrap_or(&Value::Null))
                        ))
                    })?;
                    if !p.is_empty() {
                        p.insert(
                            merge_key.to_string(),
                            mm.get(merge_key).cloned().unwrap_or(Value::Null),
                        );
                        patch.push(Value::Object(p));
                    }
                }
                i += 1;
                j += 1;
            }
            (a, Some(b)) if a.is_none_or(|a| a > b) => {
                if !opts.ignore_changes_and_additions {
                    patch.push(elem(modified, ms[j].1));
                }
                j += 1;
            }
            _ => {
                if !opts.ignore_deletions {
                    let mut d = Map::new();
                    d.insert(
                        merge_key.to_string(),
                        okeys
                            .get(os[i].1)
                            .map(|k| (*k).clone())
                            .unwrap_or(Value::Null),
                    );
                    d.insert("$patch".into(), Value::String("delete".into()));
                    deletions.push(Value::Object(d));
                }
                i += 1;
            }
        }
    }
    Ok((patch, deletions, false))
}
