//! Go's `fmt` formatting of template values: `%v` (what an action prints), `Sprint`,
//! `Sprintln`, and the float formatting Go uses everywhere (`1e+06`, `1.5`, `-0`).

use super::value::Value;

/// Formats a float64 as Go's `%v` (`strconv.FormatFloat(f, 'g', -1, 64)`): the shortest
/// digits that round-trip, in exponent form iff the decimal exponent is < -4 or >= 6
/// (`1e+06`, `123456`, `1e-05`).
pub fn format_float(f: f64) -> String {
    format_float_prec(f, 6)
}

/// Formats a float with the shortest round-trip digits, switching to exponent form when
/// the decimal exponent is < -4 or >= `eprec` (Go's `%g` rule; `%v` uses 6, JSON uses 21
/// with its own exponent-form rules elsewhere).
pub fn format_float_prec(f: f64, eprec: i32) -> String {
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
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.2345675e6", "-1e-7".
    let e = format!("{f:e}");
    let (mant, exp) = match e.split_once('e') {
        Some((m, x)) => (m, x.parse::<i32>().unwrap_or(0)),
        None => (e.as_str(), 0),
    };
    if exp < -4 || exp >= eprec {
        let sign = if exp < 0 { '-' } else { '+' };
        let abs = exp.unsigned_abs();
        if abs < 10 {
            format!("{mant}e{sign}0{abs}")
        } else {
            format!("{mant}e{sign}{abs}")
        }
    } else {
        // Plain decimal with the same shortest digits.
        format!("{f}")
    }
}

/// `fmt.Sprint` of one value with `%v`: nil prints `<nil>`.
pub fn sprint_value(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

/// Appends the `%v` form of a value.
pub fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Nil => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&format_float(*f)),
        Value::String(s) => out.push_str(s),
        Value::Bytes(b) => {
            out.push('[');
            for (i, byte) in b.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&byte.to_string());
            }
            out.push(']');
        }
        Value::List(l) => {
            out.push('[');
            for (i, item) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, item)) in m.entries.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(o) => out.push_str(&o.go_format()),
    }
}

/// `fmt.Sprint(args...)`: a space between two operands only when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            let prev_str = matches!(args[i - 1], Value::String(_));
            let this_str = matches!(a, Value::String(_));
            if !prev_str && !this_str {
                out.push(' ');
            }
        }
        write_value(&mut out, a);
    }
    out
}

/// `fmt.Sprintln(args...)`: spaces between all operands and a trailing newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_value(&mut out, a);
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn floats_print_as_go_prints_them() {
        let cases = [
            (1000000.0, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (123456.0, "123456"),
            (100000.5, "100000.5"),
            (1234567.5, "1.2345675e+06"),
            (1e10, "1e+10"),
            (1.5, "1.5"),
            (3.0, "3"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-0.0, "-0"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (9007199254740993.0, "9.007199254740992e+15"),
            (f64::INFINITY, "+Inf"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float(f), want, "{f}");
        }
    }

    #[test]
    fn collections_print_with_go_verbs() {
        let mut m = BTreeMap::new();
        m.insert(
            "b".to_string(),
            Value::list(vec![Value::Int(1), Value::Nil]),
        );
        m.insert("a".to_string(), Value::Nil);
        assert_eq!(sprint_value(&Value::dict(m)), "map[a:<nil> b:[1 <nil>]]");
    }

    #[test]
    fn sprint_spaces_only_between_non_strings() {
        let args = [
            Value::Int(1),
            Value::Int(2),
            Value::str("a"),
            Value::Int(3),
            Value::Nil,
        ];
        assert_eq!(sprint(&args), "1 2a3 <nil>");
        assert_eq!(sprintln(&args), "1 2 a 3 <nil>\n");
    }
}
