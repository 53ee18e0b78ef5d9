//! Shared conversions with Go's and spf13/cast's rules, and argument accessors.

use std::rc::Rc;

use crate::template::gofmt::sprint_value;
use crate::template::value::{ElemType, FuncError, List, Value};

/// The string inside a `string` argument (the evaluator guarantees the type).
pub fn s(v: &Value) -> &str {
    match v {
        Value::String(s) => s,
        _ => "",
    }
}

/// The integer inside an `int`/`int64` argument.
pub fn i(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Float(f) => *f as i64,
        _ => 0,
    }
}

/// A string value.
pub fn vs(s: impl AsRef<str>) -> Value {
    Value::String(Rc::from(s.as_ref()))
}

/// A `[]int` value.
pub fn ints(v: Vec<i64>) -> Value {
    Value::List(List {
        elem: ElemType::Int,
        items: Rc::new(v.into_iter().map(Value::Int).collect()),
    })
}

/// Sprig's `strval`: strings as they are, `[]byte` as text, Stringers through
/// `String()`, everything else with `%v`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => sprint_value(other),
    }
}

/// Go's `strconv.Quote` (`%q` of a string).
pub fn go_quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\u{7}' => o.push_str("\\a"),
            '\u{8}' => o.push_str("\\b"),
            '\u{c}' => o.push_str("\\f"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '\u{b}' => o.push_str("\\v"),
            c if is_go_print(c) => o.push(c),
            c if (c as u32) < 0x80 => o.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    o.push('"');
    o
}

/// An approximation of Go's `strconv.IsPrint`: letters, marks, numbers, punctuation,
/// symbols and the ASCII space.
pub fn is_go_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    // Format characters, surrogates, private use and non-characters are not printable.
    !matches!(u, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xFFFE | 0xFFFF
        | 0xF0000..=0x10FFFF)
}

/// Sprig's (and Go templates') emptiness: nil, false, zero numbers, empty strings and
/// collections; structs are never empty.
pub fn empty(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.go_len().is_some_and(|n| n == 0),
        other => !other.truthy(),
    }
}

/// Go's `reflect.DeepEqual` on template values (types must match).
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.elem == y.elem
                && x.items.len() == y.items.len()
                && x.items
                    .iter()
                    .zip(y.items.iter())
                    .all(|(p, q)| deep_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.kind != y.kind {
                return false;
            }
            if x.same(y) {
                return true;
            }
            let (mx, my) = (x.entries.borrow(), y.entries.borrow());
            mx.len() == my.len()
                && mx
                    .iter()
                    .all(|(k, v)| my.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.type_name() == y.type_name() && x.go_format() == y.go_format()
        }
        _ => false,
    }
}

/// The items of a slice-like value, or Go's reflect kind name for the error message.
pub fn list_items(v: &Value) -> Result<Rc<Vec<Value>>, String> {
    match v {
        Value::List(l) => Ok(l.items.clone()),
        Value::Bytes(b) => Ok(Rc::new(
            b.iter().map(|x| Value::Int(i64::from(*x))).collect(),
        )),
        Value::Object(o) if o.kind() == "slice" => Ok(Rc::new(
            o.range_entries()
                .unwrap_or_default()
                .into_iter()
                .map(|(_, v)| v)
                .collect(),
        )),
        other => Err(reflect_kind(other).to_string()),
    }
}

/// Go's `reflect.Kind` name of a value (`ptr` for a nil value, as sprig's
/// `reflect.TypeOf(nil)` would panic — callers handle nil first).
pub fn reflect_kind(v: &Value) -> &'static str {
    v.kind_name()
}

/// spf13/cast `ToInt64`: never fails; unparsable input gives 0.
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Nil => 0,
        Value::Bool(b) => i64::from(*b),
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Float(f) => float_to_i64(*f),
        Value::String(s) => parse_cast_int(s).unwrap_or(0),
        _ => 0,
    }
}

/// Go's float → int64 conversion on amd64 (truncation; out of range gives i64::MIN).
pub fn float_to_i64(f: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f.trunc() as i64
    }
}

/// `strconv.ParseInt(trimZeroDecimal(s), 0, 0)`.
pub fn parse_cast_int(s: &str) -> Option<i64> {
    let t = trim_zero_decimal(s);
    parse_go_int_base0(t)
}

/// cast's `trimZeroDecimal`: `"3.000"` → `"3"`, anything else unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    match s.find('.') {
        Some(dot) if dot > 0 && s[dot + 1..].bytes().all(|b| b == b'0') => &s[..dot],
        _ => s,
    }
}

/// `strconv.ParseInt(s, 0, 64)`: sign, `0x`/`0o`/`0b`/leading-`0` prefixes, `_`
/// separators (only where Go allows them).
pub fn parse_go_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r.to_string(), true)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r.to_string(), true)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    if digits.contains('_') {
        // Underscores: only between digits, or right after a base prefix.
        let b = digits.as_bytes();
        let ok = !digits.ends_with('_')
            && !digits.contains("__")
            && (prefixed || !digits.starts_with('_'))
            && b.iter().all(|c| *c == b'_' || (*c as char).is_digit(radix));
        if !ok {
            return None;
        }
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    let mag = u64::from_str_radix(&clean, radix).ok()?;
    if neg {
        if mag > 1u64 << 63 {
            None
        } else {
            Some((mag as i64).wrapping_neg())
        }
    } else {
        i64::try_from(mag).ok()
    }
}

/// spf13/cast `ToFloat64`: never fails; unparsable input gives 0.
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Nil => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_go_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// `strconv.ParseFloat(s, 64)` for the forms charts use (decimal, exponent, `inf`,
/// `nan`, hex integers are rejected as Go does without a `p` exponent).
pub fn parse_go_float(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(['+', '-']);
    let lower = t.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity") {
        return Some(if s.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" {
        return Some(f64::NAN);
    }
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    s.parse::<f64>().ok()
}

/// A `FuncError` from any message.
pub fn err(msg: impl Into<String>) -> FuncError {
    FuncError::new(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cast_int_rules() {
        for (s, want) in [
            ("42", 42),
            ("010", 8),
            ("0x1F", 31),
            ("0b11", 3),
            ("0o17", 15),
            ("1_000", 1000),
            ("-0x10", -16),
            ("3.0", 3),
            ("3.9", 0),
            ("1e3", 0),
            (" 5", 0),
            ("08", 0),
            ("12abc", 0),
        ] {
            assert_eq!(to_int64(&vs(s)), want, "{s}");
        }
        assert_eq!(to_int64(&Value::Float(-3.9)), -3);
        assert_eq!(to_int64(&Value::Float(1.2345678901234567e19)), i64::MIN);
    }

    #[test]
    fn quoting_follows_strconv() {
        assert_eq!(go_quote("a\"b\\c\n\té"), "\"a\\\"b\\\\c\\n\\té\"");
        assert_eq!(go_quote("\u{1}"), "\"\\x01\"");
    }
}
