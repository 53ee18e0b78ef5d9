//! Go `encoding/json` compatible encoding of [`Value`]s, and Go's float formatting.
//!
//! What `toJson` (`json.Marshal`), `toPrettyJson` (`json.MarshalIndent(v, "", "  ")`)
//! and `toRawJson` (an encoder with HTML escaping off) print: map keys in byte order,
//! `<` `>` `&` escaped as `\u003c` `\u003e` `\u0026` (except raw), U+2028/U+2029 always
//! escaped, control characters as `\n` `\r` `\t` `\b` `\f` or `\u00XX`, and floats in
//! Go's JSON float format (`1000000`, `1.5`, `1e-7`, `1e+21`, `-0`). Non-finite floats
//! are an error, as in Go.

use crate::value::{NonFiniteFloat, Value};

/// Compact JSON as Go's `json.Marshal` prints it (what `toJson` returns).
pub fn to_json(v: &Value) -> Result<String, NonFiniteFloat> {
    let mut out = String::new();
    write_value(&mut out, v, true, None, 0)?;
    Ok(out)
}

/// Compact JSON without HTML escaping (what `toRawJson` returns).
pub fn to_raw_json(v: &Value) -> Result<String, NonFiniteFloat> {
    let mut out = String::new();
    write_value(&mut out, v, false, None, 0)?;
    Ok(out)
}

/// JSON indented by two spaces (Go's `json.MarshalIndent(v, "", "  ")`, what
/// `toPrettyJson` returns).
pub fn to_json_pretty(v: &Value) -> Result<String, NonFiniteFloat> {
    let mut out = String::new();
    write_value(&mut out, v, true, Some("  "), 0)?;
    Ok(out)
}

/// The JSON kind of a value as Go's `encoding/json` names it in unmarshal errors
/// (`json: cannot unmarshal array into Go value of type map[string]interface {}`):
/// `null`, `bool`, `number`, `string`, `array` or `object`.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

fn newline_indent(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn write_value(
    out: &mut String,
    v: &Value,
    html: bool,
    indent: Option<&str>,
    depth: usize,
) -> Result<(), NonFiniteFloat> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&format_json_float(*f)?),
        Value::String(s) => write_string(out, s, html),
        Value::List(l) => {
            if l.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(out, indent, depth + 1);
                write_value(out, e, html, indent, depth + 1)?;
            }
            newline_indent(out, indent, depth);
            out.push(']');
        }
        Value::Map(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, e)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(out, indent, depth + 1);
                write_string(out, k, html);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_value(out, e, html, indent, depth + 1)?;
            }
            newline_indent(out, indent, depth);
            out.push('}');
        }
    }
    Ok(())
}

/// Writes a JSON string literal the way Go's encoder does.
pub fn write_string(out: &mut String, s: &str, html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: Option<&str> = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '<' if html => Some("\\u003c"),
            '>' if html => Some("\\u003e"),
            '&' if html => Some("\\u0026"),
            '\u{2028}' => Some("\\u2028"),
            '\u{2029}' => Some("\\u2029"),
            c if (c as u32) < 0x20 => None,
            _ => continue,
        };
        out.push_str(&s[start..i]);
        match esc {
            Some(e) => out.push_str(e),
            None => {
                let b = c as u32 as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xF) as usize] as char);
            }
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Decimal digits and exponent of the shortest representation that round-trips at
/// 64-bit (`bits32 == false`) or 32-bit precision: `("12345675", 6)` for 1234567.5
/// means 1.2345675e6. `f` must be finite and non-zero.
fn shortest_digits(f: f64, bits32: bool) -> (String, i32) {
    let e = if bits32 {
        format!("{:e}", (f as f32).abs())
    } else {
        format!("{:e}", f.abs())
    };
    let (mant, exp) = e.split_once('e').unwrap_or((e.as_str(), "0"));
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

/// Writes digits `d` with decimal exponent `exp` (value = d[0].d[1..] × 10^exp) in
/// plain decimal notation.
fn plain_decimal(out: &mut String, d: &str, exp: i32) {
    let n = d.len() as i32;
    if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(d);
    } else if exp + 1 >= n {
        out.push_str(d);
        for _ in 0..(exp + 1 - n) {
            out.push('0');
        }
    } else {
        let (a, b) = d.split_at((exp + 1) as usize);
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    }
}

fn exp_form(out: &mut String, d: &str, exp: i32, min_exp_digits: usize) {
    let (first, rest) = d.split_at(1);
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs().to_string();
    for _ in a.len()..min_exp_digits {
        out.push('0');
    }
    out.push_str(&a);
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` (`bits32`: `…, 32)`, the value first
/// rounded to float32): `1e+06`, `1.5`, `1e-05`, `-0`, `+Inf`, `NaN`.
pub fn format_float_g(f: f64, bits32: bool) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    let f = if bits32 { f as f32 as f64 } else { f };
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    if f == 0.0 {
        out.push('0');
        return out;
    }
    let (d, exp) = shortest_digits(f, bits32);
    if !(-4..6).contains(&exp) {
        exp_form(&mut out, &d, exp, 2);
    } else {
        plain_decimal(&mut out, &d, exp);
    }
    out
}

/// Go's `encoding/json` float64 format: plain decimal when 1e-6 <= |f| < 1e21, else
/// exponent form with a one-digit minimum exponent (`1e-7`, `1e+21`).
pub fn format_json_float(f: f64) -> Result<String, NonFiniteFloat> {
    if !f.is_finite() {
        return Err(NonFiniteFloat(f));
    }
    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    if f == 0.0 {
        out.push('0');
        return Ok(out);
    }
    let abs = f.abs();
    let (d, exp) = shortest_digits(f, false);
    if !(1e-6..1e21).contains(&abs) {
        exp_form(&mut out, &d, exp, 1);
    } else {
        plain_decimal(&mut out, &d, exp);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Map;

    #[test]
    fn json_floats() {
        let cases = [
            (1e6, "1000000"),
            (3.0, "3"),
            (1.5, "1.5"),
            (1e-7, "1e-7"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (0.000001, "0.000001"),
            (-0.0, "-0"),
            (1234567.5, "1234567.5"),
            (12345678901234567890.0, "12345678901234567000"),
            (1.2345e-10, "1.2345e-10"),
            (0.1, "0.1"),
        ];
        for (f, want) in cases {
            assert_eq!(format_json_float(f).unwrap(), want, "{f}");
        }
        assert_eq!(
            format_json_float(f64::INFINITY).unwrap_err().to_string(),
            "json: unsupported value: +Inf"
        );
    }

    #[test]
    fn go_g_format() {
        let cases = [
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (1234567.5, "1.2345675e+06"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (-0.0, "-0"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float_g(f, false), want, "{f}");
        }
        assert_eq!(format_float_g(1.1, true), "1.1");
        assert_eq!(format_float_g(0.1, true), "0.1");
        assert_eq!(format_float_g(16777217.0, true), "1.6777216e+07");
        assert_eq!(format_float_g(f64::NAN, true), "NaN");
    }

    #[test]
    fn strings_and_structure() {
        let mut m = Map::new();
        m.insert("b".into(), Value::List(vec![Value::Int(1), Value::Null]));
        m.insert(
            "a<&>".into(),
            Value::from("x\u{1}\u{8}\u{c}\t\"\\\u{2028}é"),
        );
        m.insert("e".into(), Value::empty_map());
        m.insert("l".into(), Value::List(vec![]));
        let v = Value::Map(m);
        assert_eq!(
            to_json(&v).unwrap(),
            r#"{"a\u003c\u0026\u003e":"x\u0001\b\f\t\"\\\u2028é","b":[1,null],"e":{},"l":[]}"#
        );
        assert_eq!(
            to_raw_json(&v).unwrap(),
            r#"{"a<&>":"x\u0001\b\f\t\"\\\u2028é","b":[1,null],"e":{},"l":[]}"#
        );
        assert_eq!(
            to_json_pretty(&v).unwrap(),
            "{\n  \"a\\u003c\\u0026\\u003e\": \"x\\u0001\\b\\f\\t\\\"\\\\\\u2028é\",\n  \"b\": [\n    1,\n    null\n  ],\n  \"e\": {},\n  \"l\": []\n}"
        );
    }
}
