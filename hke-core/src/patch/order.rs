//! Ordering of merged lists (`normalizeSliceOrder`, `normalizeElementOrder`,
//! `mergeSortedSlice`): patch items keep the patch's order, server-only items keep the
//! live order, and the two are interleaved using positions in the live list.
//!
//! Go looks positions up with a linear `index` scan; here an [`OrderIndex`] maps each
//! merge-key value (or primitive value) to its first position, so ordering stays
//! O(n log n).

use foldhash::{HashMap, HashMapExt};

use serde_json::Value;

use super::govalue::{go_type_name, key_id, KeyId};
use super::PatchError;

/// The value a list element is identified by: its merge key for maps (`nil` when absent or
/// not a map), the element itself for primitives.
pub(crate) fn item_key<'a>(item: &'a Value, merge_key: &str, is_map: bool) -> &'a Value {
    static NULL: Value = Value::Null;
    if is_map {
        item.as_object()
            .and_then(|m| m.get(merge_key))
            .unwrap_or(&NULL)
    } else {
        item
    }
}

/// First position of every key in a list.
pub(crate) struct OrderIndex<'a> {
    pos: HashMap<KeyId<'a>, usize>,
}

impl<'a> OrderIndex<'a> {
    /// Index of `keys` (already extracted with [`item_key`]).
    pub(crate) fn new(keys: impl Iterator<Item = &'a Value>) -> Self {
        let mut pos = HashMap::new();
        for (i, k) in keys.enumerate() {
            pos.entry(key_id(k)).or_insert(i);
        }
        OrderIndex { pos }
    }

    /// Index of a list's elements.
    pub(crate) fn of_list(list: &'a [Value], merge_key: &str, is_map: bool) -> Self {
        Self::new(list.iter().map(|v| item_key(v, merge_key, is_map)))
    }

    pub(crate) fn get(&self, key: &Value) -> Option<usize> {
        self.pos.get(&key_id(key)).copied()
    }
}

/// `ErrBadArgType`.
pub(crate) fn bad_arg_type(expected: &str, actual: &Value) -> PatchError {
    PatchError::Invalid(format!(
        "expected a {expected}, but received a {}",
        go_type_name(actual)
    ))
}

/// `ErrNoMergeKey`.
pub(crate) fn no_merge_key(m: &Value, merge_key: &str) -> PatchError {
    PatchError::Invalid(format!(
        "map: {} does not contain declared merge key: {merge_key}",
        super::govalue::fmt_v(m)
    ))
}

/// `validateMergeKeyInLists` for one list.
pub(crate) fn validate_merge_keys(list: &[Value], merge_key: &str) -> Result<(), PatchError> {
    for item in list {
        match item.as_object() {
            None => return Err(bad_arg_type("map[string]interface {}", item)),
            Some(m) if !m.contains_key(merge_key) => return Err(no_merge_key(item, merge_key)),
            Some(_) => {}
        }
    }
    Ok(())
}

fn is_delete_item(v: &Value) -> bool {
    v.get("$patch").and_then(Value::as_str) == Some("delete")
}

/// `normalizeSliceOrder`: stable sort of `to_sort` by position in `order` (items not found
/// there compare as Go's `less` does: "less" in both directions); for lists of maps the
/// `$patch: delete` items go last. Validation of merge keys is the caller's.
pub(crate) fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &OrderIndex<'_>,
    merge_key: &str,
    is_map: bool,
) -> Vec<Value> {
    let (mut items, deletes): (Vec<Value>, Vec<Value>) = if is_map {
        to_sort.into_iter().partition(|v| !is_delete_item(v))
    } else {
        (to_sort, Vec::new())
    };
    let idx: Vec<Option<usize>> = items
        .iter()
        .map(|v| order.get(item_key(v, merge_key, is_map)))
        .collect();
    if items.len() <= 20 || idx.iter().any(Option::is_none) && items.len() <= 200 {
        // Go's insertion sort (sort.SliceStable on short inputs), with its exact `less`.
        let mut perm: Vec<usize> = (0..items.len()).collect();
        let less = |a: usize, b: usize| match (idx[a], idx[b]) {
            (Some(x), Some(y)) => x < y,
            _ => true,
        };
        for i in 1..perm.len() {
            let mut j = i;
            while j > 0 && less(perm[j], perm[j - 1]) {
                perm.swap(j, j - 1);
                j -= 1;
            }
        }
        let mut slots: Vec<Option<Value>> = items.into_iter().map(Some).collect();
        items = perm.iter().filter_map(|&p| slots[p].take()).collect();
    } else {
        let mut keyed: Vec<(usize, Value)> = idx
            .into_iter()
            .map(|i| i.unwrap_or(usize::MAX))
            .zip(items)
            .collect();
        keyed.sort_by_key(|(i, _)| *i);
        items = keyed.into_iter().map(|(_, v)| v).collect();
    }
    items.extend(deletes);
    items
}

/// `mergeSortedSlice(left = server-only, right = patch items, serverOrder)`.
pub(crate) fn merge_sorted(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &OrderIndex<'_>,
    merge_key: &str,
    is_map: bool,
) -> Vec<Value> {
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    loop {
        let take_left = match (l.peek(), r.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => {
                let li = server_order.get(item_key(a, merge_key, is_map));
                let ri = server_order.get(item_key(b, merge_key, is_map));
                matches!((li, ri), (Some(x), Some(y)) if x < y)
            }
        };
        let next = if take_left { l.next() } else { r.next() };
        if let Some(v) = next {
            out.push(v);
        }
    }
    out
}

/// `normalizeElementOrder(patch, serverOnly, patchOrder, serverOrder)`.
pub(crate) fn normalize_element_order(
    patch_items: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &OrderIndex<'_>,
    server_order: &OrderIndex<'_>,
    merge_key: &str,
    is_map: bool,
) -> Vec<Value> {
    let p = normalize_slice_order(patch_items, patch_order, merge_key, is_map);
    let s = normalize_slice_order(server_only, server_order, merge_key, is_map);
    merge_sorted(s, p, server_order, merge_key, is_map)
}
