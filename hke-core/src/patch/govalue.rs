//! Go semantics of decoded JSON values that the patch algorithms depend on.
//!
//! Kubernetes decodes JSON into `interface{}` values: int64 for integer text, float64 for
//! any other number, and compares them with interface equality (type-sensitive). It sorts
//! by the `%v` rendering of values with a `<=` "less" function, de-duplicates with an
//! in-place swap-with-last loop, and (through Go's slice aliasing) can let that loop rewrite
//! the list it was appended to. This module reproduces each of those behaviours.

use foldhash::{HashSet, HashSetExt};
use std::borrow::Cow;

use serde_json::Value;

/// The dynamic Go type of a decoded JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GoType {
    Nil,
    Bool,
    Int,
    Float,
    Str,
    Map,
    Slice,
}

/// `reflect.TypeOf(v)` as the decoder would have produced it.
pub(crate) fn go_type(v: &Value) -> GoType {
    match v {
        Value::Null => GoType::Nil,
        Value::Bool(_) => GoType::Bool,
        Value::Number(n) if n.is_i64() => GoType::Int,
        Value::Number(_) => GoType::Float,
        Value::String(_) => GoType::Str,
        Value::Object(_) => GoType::Map,
        Value::Array(_) => GoType::Slice,
    }
}

/// `reflect.TypeOf(v).String()`.
pub(crate) fn go_type_name(v: &Value) -> &'static str {
    match go_type(v) {
        GoType::Nil => "<nil>",
        GoType::Bool => "bool",
        GoType::Int => "int64",
        GoType::Float => "float64",
        GoType::Str => "string",
        GoType::Map => "map[string]interface {}",
        GoType::Slice => "[]interface {}",
    }
}

fn as_go_float(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) if !n.is_i64() => n.as_f64(),
        _ => None,
    }
}

/// `reflect.DeepEqual` (and interface `==` for scalars): type-sensitive.
pub(crate) fn go_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            (None, None) => as_go_float(a) == as_go_float(b),
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| go_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| go_eq(v, w)))
        }
        _ => false,
    }
}

/// A hashable identity with the same equality as [`go_eq`] for scalars.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum KeyId<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(&'a str),
    Other(String),
}

/// The [`KeyId`] of a value.
pub(crate) fn key_id(v: &Value) -> KeyId<'_> {
    match v {
        Value::Null => KeyId::Nil,
        Value::Bool(b) => KeyId::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => KeyId::Int(i),
            None => {
                let f = n.as_f64().unwrap_or(0.0);
                KeyId::Float(if f == 0.0 { 0 } else { f.to_bits() })
            }
        },
        Value::String(s) => KeyId::Str(s),
        other => KeyId::Other(format!("{}:{}", go_type_name(other), canonical(other))),
    }
}

fn canonical(v: &Value) -> String {
    // serde_json's map is ordered by key, so this is canonical.
    serde_json::to_string(v).unwrap_or_default()
}

/// Go's `%v` of a float64.
pub(crate) fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let e = format!("{f:e}");
    let (mant, exp) = match e.split_once('e') {
        Some((m, x)) => (m, x.parse::<i32>().unwrap_or(0)),
        None => (e.as_str(), 0),
    };
    let (neg, mant) = match mant.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mant),
    };
    let sign = if neg { "-" } else { "" };
    if !(-4..21).contains(&exp) {
        let es = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{mant}e{es}{:02}", exp.abs());
    }
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let n = digits.len() as i32;
    if exp >= 0 {
        let int_len = exp + 1;
        if n <= int_len {
            format!("{sign}{digits}{}", "0".repeat((int_len - n) as usize))
        } else {
            let (a, b) = digits.split_at(int_len as usize);
            format!("{sign}{a}.{b}")
        }
    } else {
        format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
    }
}

/// Go's `%v` of a decoded value (`map[k:v …]` with sorted keys, `[a b]`, `<nil>`).
pub(crate) fn fmt_v(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v, false, 0);
    out
}

/// [`fmt_v`] without copying strings.
pub(crate) fn fmt_v_cow(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(fmt_v(other)),
    }
}

/// Go's `%s` of a decoded value (`%!s(int64=1)` for non-strings).
pub(crate) fn fmt_s(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v, true, 0);
    out
}

fn write_v(out: &mut String, v: &Value, s_verb: bool, depth: usize) {
    if depth > 64 {
        out.push_str("...");
        return;
    }
    match v {
        Value::Null if s_verb => out.push_str("%!s(<nil>)"),
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) if s_verb => out.push_str(&format!("%!s(bool={b})")),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let t = match n.as_i64() {
                Some(i) => (i.to_string(), "int64"),
                None => (fmt_float(n.as_f64().unwrap_or(0.0)), "float64"),
            };
            if s_verb {
                out.push_str(&format!("%!s({}={})", t.1, t.0));
            } else {
                out.push_str(&t.0);
            }
        }
        Value::String(s) => out.push_str(s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, x, s_verb, depth + 1);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push_str("map[");
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, x, s_verb, depth + 1);
            }
            out.push(']');
        }
    }
}

/// Go's `sort.Sort` with a `Less(i, j) = s[i] <= s[j]` on strings: for inputs up to 12
/// elements this is an insertion sort that puts equal elements in reverse order; the same
/// order is used for longer inputs (where Go's pdqsort leaves ties unspecified).
pub(crate) fn go_sort_by_string<T, K: Ord>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    go_sort_keyed(items, key)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

/// [`go_sort_by_string`], keeping each item's sort key.
pub(crate) fn go_sort_keyed<T, K: Ord>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<(K, T)> {
    let mut keyed: Vec<(K, usize, T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, t)| (key(&t), i, t))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    keyed.into_iter().map(|(k, _, t)| (k, t)).collect()
}

/// Go's `deduplicateScalars` applied to `original ++ patch` where `append` reused
/// `original`'s backing array when `aliased`: returns the de-duplicated list and the
/// contents of `original` afterwards (changed only when aliased and duplicates existed).
pub(crate) fn dedupe_appended(
    original: Vec<Value>,
    patch: Vec<Value>,
    aliased: bool,
) -> (Vec<Value>, Vec<Value>) {
    let orig_len = original.len();
    let mut s = original;
    s.extend(patch);
    let has_dup = {
        let mut seen = HashSet::with_capacity(s.len());
        !s.iter().all(|v| seen.insert(key_id(v)))
    };
    if !has_dup {
        let orig_view = s.iter().take(orig_len).cloned().collect();
        return (s, orig_view);
    }
    // The in-place loop of Go: a duplicate is overwritten by the last element and the
    // slice shrinks; the backing array keeps the stale tail.
    let mut length = s.len().saturating_sub(1);
    let mut i = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if go_eq(&s[i], &s[j]) {
                s[j] = s[length].clone();
                length -= 1;
            } else {
                j += 1;
            }
        }
        i += 1;
    }
    let deduped: Vec<Value> = s.iter().take(length + 1).cloned().collect();
    let orig_view = if aliased {
        s.iter().take(orig_len).cloned().collect()
    } else {
        Vec::new()
    };
    (deduped, orig_view)
}

/// Plain `deduplicateScalars` (no aliasing concern).
pub(crate) fn dedupe(list: Vec<Value>) -> Vec<Value> {
    dedupe_appended(list, Vec::new(), false).0
}

const SIZE_CLASSES: [usize; 68] = [
    0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320,
    352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
    2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
    10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672,
    32768,
];

fn roundupsize(bytes: usize) -> usize {
    if bytes <= 32768 {
        SIZE_CLASSES
            .iter()
            .copied()
            .find(|&c| c >= bytes)
            .unwrap_or(32768)
    } else {
        bytes.div_ceil(8192) * 8192
    }
}

/// The capacity Go's JSON decoder leaves on a decoded array of `len` elements (it appends
/// one element at a time to `make([]interface{}, 0)`; elements are 16 bytes).
pub(crate) fn decoded_cap(len: usize) -> usize {
    let mut cap = 0usize;
    while cap < len {
        let new_len = cap + 1;
        let double = cap * 2;
        let newcap = if new_len > double {
            new_len
        } else if cap < 256 {
            double
        } else {
            let mut c = cap;
            while c < new_len {
                c += (c + 768) >> 2;
            }
            c
        };
        cap = roundupsize(newcap * 16) / 16;
    }
    cap
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn float_formatting_matches_go_v() {
        assert_eq!(fmt_float(1.5), "1.5");
        assert_eq!(fmt_float(1e21), "1e+21");
        assert_eq!(fmt_float(1e20), "100000000000000000000");
        assert_eq!(fmt_float(0.0001), "0.0001");
        assert_eq!(fmt_float(0.00001), "1e-05");
        assert_eq!(fmt_float(-2.5e-7), "-2.5e-07");
        assert_eq!(fmt_float(123.456), "123.456");
    }

    #[test]
    fn v_and_s_formatting() {
        let v = json!({"b": [1, "x", null], "a": 1.5});
        assert_eq!(fmt_v(&v), "map[a:1.5 b:[1 x <nil>]]");
        assert_eq!(fmt_s(&json!(1)), "%!s(int64=1)");
    }

    #[test]
    fn equality_is_type_sensitive() {
        assert!(!go_eq(&json!(1), &json!(1.0)));
        assert!(go_eq(&json!({"a": [1]}), &json!({"a": [1]})));
        assert_ne!(key_id(&json!(1)), key_id(&json!("1")));
    }

    #[test]
    fn dedupe_reproduces_go_aliasing() {
        // live [a, a, b] (cap 4) + patch [c]
        let (merged, orig) = dedupe_appended(
            vec![json!("a"), json!("a"), json!("b")],
            vec![json!("c")],
            true,
        );
        assert_eq!(merged, vec![json!("a"), json!("c"), json!("b")]);
        assert_eq!(orig, vec![json!("a"), json!("c"), json!("b")]);
    }

    #[test]
    fn decoded_capacity_follows_append_growth() {
        assert_eq!(decoded_cap(0), 0);
        assert_eq!(decoded_cap(1), 1);
        assert_eq!(decoded_cap(3), 4);
        assert_eq!(decoded_cap(5), 8);
        assert_eq!(decoded_cap(300), 512);
    }

    #[test]
    fn go_sort_reverses_ties() {
        let v = go_sort_by_string(vec![("b", 1), ("a", 2), ("a", 3)], |x| x.0.to_string());
        assert_eq!(v, vec![("a", 3), ("a", 2), ("b", 1)]);
    }
}
