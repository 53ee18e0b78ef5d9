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

/// Go's `fmt.Sprintf` for template values: the verbs templates use (`%v %s %d %q %x
/// %X %o %b %c %U %e %E %f %F %g %G %t %T %%`), flags `+ - # 0 space`, width and
/// precision (also `*`), and Go's error markers (`%!d(string=x)`, `%!s(MISSING)`,
/// `%!(EXTRA int=1)`).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    let mut argi = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let mut spec = Spec::default();
        while i < chars.len() {
            match chars[i] {
                '+' => spec.plus = true,
                '-' => spec.minus = true,
                '#' => spec.sharp = true,
                '0' => spec.zero = true,
                ' ' => spec.space = true,
                _ => break,
            }
            i += 1;
        }
        // Width.
        if i < chars.len() && chars[i] == '*' {
            i += 1;
            match args.get(argi) {
                Some(Value::Int(n)) | Some(Value::Int64(n)) => {
                    if *n < 0 {
                        spec.minus = true;
                    }
                    spec.width = Some(n.unsigned_abs() as usize);
                }
                _ => out.push_str("%!(BADWIDTH)"),
            }
            argi += 1;
        } else {
            let mut w = String::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                w.push(chars[i]);
                i += 1;
            }
            if !w.is_empty() {
                spec.width = w.parse().ok();
            }
        }
        // Precision.
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            if i < chars.len() && chars[i] == '*' {
                i += 1;
                match args.get(argi) {
                    Some(Value::Int(n)) | Some(Value::Int64(n)) if *n >= 0 => {
                        spec.prec = Some(*n as usize)
                    }
                    _ => out.push_str("%!(BADPREC)"),
                }
                argi += 1;
            } else {
                let mut p = String::new();
                while i < chars.len() && chars[i].is_ascii_digit() {
                    p.push(chars[i]);
                    i += 1;
                }
                spec.prec = Some(p.parse().unwrap_or(0));
            }
        }
        if spec.minus {
            spec.zero = false;
        }
        let Some(&verb) = chars.get(i) else {
            out.push_str("%!(NOVERB)");
            break;
        };
        i += 1;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(argi) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        argi += 1;
        out.push_str(&format_arg(&spec, verb, arg));
    }
    if argi < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[argi..]
            .iter()
            .map(|a| match a {
                Value::Nil => "<nil>".to_string(),
                a => format!("{}={}", a.type_name(), sprint_value(a)),
            })
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

#[derive(Default, Clone)]
struct Spec {
    plus: bool,
    minus: bool,
    sharp: bool,
    zero: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

fn pad(spec: &Spec, s: String) -> String {
    let Some(w) = spec.width else {
        return s;
    };
    let n = s.chars().count();
    if n >= w {
        return s;
    }
    let fill = w - n;
    if spec.minus {
        format!("{s}{}", " ".repeat(fill))
    } else if spec.zero {
        // Zero padding goes after a sign.
        let (sign, rest) = match s.strip_prefix(['-', '+']) {
            Some(r) => (&s[..1], r),
            None => ("", s.as_str()),
        };
        format!("{sign}{}{rest}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

fn bad_verb(verb: char, v: &Value) -> String {
    match v {
        Value::Nil => format!("%!{verb}(<nil>)"),
        _ => format!("%!{verb}({}={})", v.type_name(), sprint_value(v)),
    }
}

fn fmt_int(spec: &Spec, verb: char, n: i64) -> Option<String> {
    let neg = n < 0;
    let u = n.unsigned_abs();
    let mut digits = match verb {
        'd' | 'v' => u.to_string(),
        'x' => format!("{u:x}"),
        'X' => format!("{u:X}"),
        'o' | 'O' => format!("{u:o}"),
        'b' => format!("{u:b}"),
        'c' => {
            return Some(pad(
                spec,
                char::from_u32(n as u32).unwrap_or('\u{FFFD}').to_string(),
            ))
        }
        'q' => {
            let c = char::from_u32(n as u32).unwrap_or('\u{FFFD}');
            let q = if c == '\'' {
                "\\'".to_string()
            } else {
                let dq = crate::template::funcs::conv::go_quote(&c.to_string());
                dq[1..dq.len() - 1].replace("\\\"", "\"")
            };
            return Some(pad(spec, format!("'{q}'")));
        }
        'U' => return Some(pad(spec, format!("U+{:04X}", n))),
        _ => return None,
    };
    if let Some(p) = spec.prec {
        while digits.len() < p {
            digits.insert(0, '0');
        }
        if p == 0 && n == 0 {
            digits.clear();
        }
    }
    let prefix = if spec.sharp {
        match verb {
            'x' => "0x",
            'X' => "0X",
            'o' => "0",
            'b' => "0b",
            _ => "",
        }
    } else if verb == 'O' {
        "0o"
    } else {
        ""
    };
    let sign = if neg {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let body = format!("{prefix}{digits}");
    let mut spec2 = spec.clone();
    if spec.prec.is_some() {
        spec2.zero = false;
    }
    Some(pad(&spec2, format!("{sign}{body}")))
}

fn exp_form(mant: &str, exp: i32, upper: bool) -> String {
    let e = if upper { 'E' } else { 'e' };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mant}{e}{sign}{:02}", exp.unsigned_abs())
}

fn fmt_float(spec: &Spec, verb: char, f: f64) -> Option<String> {
    let special = if f.is_nan() {
        Some("NaN".to_string())
    } else if f.is_infinite() {
        Some(if f > 0.0 {
            "+Inf".to_string()
        } else {
            "-Inf".to_string()
        })
    } else {
        None
    };
    let mut s = if let Some(sp) = special {
        if f.is_infinite() && f > 0.0 && !spec.plus {
            "Inf".to_string()
        } else {
            sp
        }
    } else {
        match verb {
            'v' | 'g' | 'G' => match spec.prec {
                None => {
                    let t = format_float(f);
                    if verb == 'G' {
                        t.to_uppercase()
                    } else {
                        t
                    }
                }
                Some(p) => {
                    let p = p.max(1);
                    let e = format!("{:.*e}", p - 1, f);
                    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
                    let exp: i32 = exp.parse().unwrap_or(0);
                    if exp < -4 || exp >= p as i32 {
                        let m = if spec.sharp {
                            mant.to_string()
                        } else {
                            trim_frac(mant)
                        };
                        exp_form(&m, exp, verb == 'G')
                    } else {
                        let decimals = (p as i32 - 1 - exp).max(0) as usize;
                        let t = format!("{:.*}", decimals, f);
                        if spec.sharp {
                            t
                        } else {
                            trim_frac(&t)
                        }
                    }
                }
            },
            'e' | 'E' => {
                let p = spec.prec.unwrap_or(6);
                let e = format!("{:.*e}", p, f);
                let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
                exp_form(mant, exp.parse().unwrap_or(0), verb == 'E')
            }
            'f' | 'F' => format!("{:.*}", spec.prec.unwrap_or(6), f),
            _ => return None,
        }
    };
    if !s.starts_with('-') {
        if spec.plus {
            s.insert(0, '+');
        } else if spec.space {
            s.insert(0, ' ');
        }
    }
    Some(pad(spec, s))
}

fn trim_frac(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

fn fmt_string(spec: &Spec, verb: char, s: &str) -> Option<String> {
    let s: String = match spec.prec {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    Some(pad(
        spec,
        match verb {
            's' | 'v' => s,
            'q' => {
                if spec.sharp && !s.contains('`') {
                    format!("`{s}`")
                } else {
                    crate::template::funcs::conv::go_quote(&s)
                }
            }
            'x' => s.bytes().map(|b| format!("{b:02x}")).collect(),
            'X' => s.bytes().map(|b| format!("{b:02X}")).collect(),
            _ => return None,
        },
    ))
}

fn format_arg(spec: &Spec, verb: char, arg: &Value) -> String {
    if verb == 'T' {
        return pad(spec, arg.type_name());
    }
    let r = match arg {
        Value::Nil => match verb {
            'v' => Some(pad(spec, "<nil>".into())),
            _ => None,
        },
        Value::Bool(b) => match verb {
            't' | 'v' => Some(pad(spec, b.to_string())),
            _ => None,
        },
        Value::Int(n) | Value::Int64(n) => fmt_int(spec, verb, *n),
        Value::Float(f) => fmt_float(spec, verb, *f),
        Value::String(s) => fmt_string(spec, verb, s),
        Value::Bytes(b) => match verb {
            's' | 'q' | 'x' | 'X' => fmt_string(spec, verb, &String::from_utf8_lossy(b)),
            _ => Some(compound(
                spec,
                verb,
                &b.iter()
                    .map(|x| Value::Int(i64::from(*x)))
                    .collect::<Vec<_>>(),
            )),
        },
        Value::List(l) => Some(compound(spec, verb, &l.items)),
        Value::Map(m) => {
            let parts: Vec<String> = m
                .entries
                .borrow()
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}:{}",
                        format_arg(&Spec::default(), verb, &Value::str(k)),
                        format_arg(&Spec::default(), verb, v)
                    )
                })
                .collect();
            Some(pad(spec, format!("map[{}]", parts.join(" "))))
        }
        Value::Object(o) => match verb {
            'v' | 's' => Some(pad(spec, o.go_format())),
            'q' => Some(pad(
                spec,
                crate::template::funcs::conv::go_quote(&o.go_format()),
            )),
            _ => None,
        },
    };
    r.unwrap_or_else(|| bad_verb(verb, arg))
}

fn compound(spec: &Spec, verb: char, items: &[Value]) -> String {
    let inner = Spec {
        width: spec.width,
        prec: spec.prec,
        ..spec.clone()
    };
    let parts: Vec<String> = items.iter().map(|x| format_arg(&inner, verb, x)).collect();
    format!("[{}]", parts.join(" "))
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
    fn sprintf_follows_go() {
        assert_eq!(
            sprintf(
                "%d|%v|%s",
                &[Value::Float(3.0), Value::Float(3.0), Value::Float(3.0)]
            ),
            "%!d(float64=3)|3|%!s(float64=3)"
        );
        assert_eq!(sprintf("%s-%s", &[Value::str("y"), Value::str("x")]), "y-x");
        assert_eq!(
            sprintf(
                "%05d|%-4s|%x|%q",
                &[
                    Value::Int(42),
                    Value::str("ab"),
                    Value::Int(255),
                    Value::str("a\"b")
                ]
            ),
            "00042|ab  |ff|\"a\\\"b\""
        );
        assert_eq!(sprintf("%d", &[]), "%!d(MISSING)");
        assert_eq!(sprintf("x", &[Value::Int(1)]), "x%!(EXTRA int=1)");
        assert_eq!(
            sprintf(
                "%.2f|%e|%g",
                &[Value::Float(1.23456), Value::Float(1e6), Value::Float(1e6)]
            ),
            "1.23|1.000000e+06|1e+06"
        );
        assert_eq!(
            sprintf("%q", &[Value::list(vec![Value::str("a"), Value::str("b")])]),
            "[\"a\" \"b\"]"
        );
        assert_eq!(sprintf("%s", &[Value::Nil]), "%!s(<nil>)");
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
