//! String functions: Sprig's string library (Go `strings`, `xstrings`, `goutils`).

use std::collections::BTreeMap;

use super::conv::{err, go_quote, i, s, strval, vs};
use super::{f, fv, Function};
use crate::template::gofmt::sprint_value;
use crate::template::value::{FuncError, MapKind, Type, Value};

use Type::{Any, Int, String as Str};

/// Registers the string functions.
pub fn register(v: &mut Vec<Function>) {
    v.extend([
        f("hello", &[], |_| Ok(vs("Hello!"))),
        f("trim", &[Str], |a| {
            Ok(vs(s(&a[0]).trim_matches(char::is_whitespace)))
        }),
        f("trimAll", &[Str, Str], |a| {
            Ok(vs(go_trim(s(&a[1]), s(&a[0]))))
        }),
        f("trimall", &[Str, Str], |a| {
            Ok(vs(go_trim(s(&a[1]), s(&a[0]))))
        }),
        f("trimSuffix", &[Str, Str], |a| {
            Ok(vs(s(&a[1]).strip_suffix(s(&a[0])).unwrap_or(s(&a[1]))))
        }),
        f("trimPrefix", &[Str, Str], |a| {
            Ok(vs(s(&a[1]).strip_prefix(s(&a[0])).unwrap_or(s(&a[1]))))
        }),
        f("upper", &[Str], |a| Ok(vs(s(&a[0]).to_uppercase()))),
        f("lower", &[Str], |a| Ok(vs(s(&a[0]).to_lowercase()))),
        f("title", &[Str], |a| Ok(vs(title(s(&a[0]))))),
        f("untitle", &[Str], |a| Ok(vs(untitle(s(&a[0]))))),
        f("substr", &[Int, Int, Str], |a| {
            substr(i(&a[0]), i(&a[1]), s(&a[2]))
        }),
        f("repeat", &[Int, Str], |a| repeat(i(&a[0]), s(&a[1]))),
        f("trunc", &[Int, Str], |a| Ok(vs(trunc(i(&a[0]), s(&a[1]))))),
        f("abbrev", &[Int, Str], |a| {
            Ok(vs(abbrev(i(&a[0]), s(&a[1]))))
        }),
        f("abbrevboth", &[Int, Int, Str], |a| {
            Ok(vs(abbrevboth(i(&a[0]), i(&a[1]), s(&a[2]))))
        }),
        f("initials", &[Str], |a| {
            Ok(vs(s(&a[0])
                .split(char::is_whitespace)
                .filter_map(|w| w.chars().next())
                .collect::<String>()))
        }),
        f("nospace", &[Str], |a| {
            Ok(vs(s(&a[0])
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()))
        }),
        f("swapcase", &[Str], |a| Ok(vs(swapcase(s(&a[0]))))),
        f("snakecase", &[Str], |a| {
            Ok(vs(delimited_case(s(&a[0]), '_')))
        }),
        f("kebabcase", &[Str], |a| {
            Ok(vs(delimited_case(s(&a[0]), '-')))
        }),
        f("camelcase", &[Str], |a| Ok(vs(camelcase(s(&a[0]))))),
        f("wrap", &[Int, Str], |a| {
            Ok(vs(wrap_custom(s(&a[1]), i(&a[0]), "", false)))
        }),
        f("wrapWith", &[Int, Str, Str], |a| {
            Ok(vs(wrap_custom(s(&a[2]), i(&a[0]), s(&a[1]), true)))
        }),
        f("contains", &[Str, Str], |a| {
            Ok(Value::Bool(s(&a[1]).contains(s(&a[0]))))
        }),
        f("hasPrefix", &[Str, Str], |a| {
            Ok(Value::Bool(s(&a[1]).starts_with(s(&a[0]))))
        }),
        f("hasSuffix", &[Str, Str], |a| {
            Ok(Value::Bool(s(&a[1]).ends_with(s(&a[0]))))
        }),
        fv("quote", &[], Any, |a| {
            Ok(vs(a
                .iter()
                .filter(|x| !matches!(x, Value::Nil))
                .map(|x| go_quote(&strval(x)))
                .collect::<Vec<_>>()
                .join(" ")))
        }),
        fv("squote", &[], Any, |a| {
            Ok(vs(a
                .iter()
                .filter(|x| !matches!(x, Value::Nil))
                .map(|x| format!("'{}'", strval(x)))
                .collect::<Vec<_>>()
                .join(" ")))
        }),
        fv("cat", &[], Any, |a| {
            Ok(vs(a
                .iter()
                .filter(|x| !matches!(x, Value::Nil))
                .map(sprint_value)
                .collect::<Vec<_>>()
                .join(" ")))
        }),
        f("indent", &[Int, Str], |a| {
            Ok(vs(indent(i(&a[0]), s(&a[1]))))
        }),
        f("nindent", &[Int, Str], |a| {
            Ok(vs(format!("\n{}", indent(i(&a[0]), s(&a[1])))))
        }),
        f("replace", &[Str, Str, Str], |a| {
            Ok(vs(go_replace(s(&a[2]), s(&a[0]), s(&a[1]))))
        }),
        f("plural", &[Str, Str, Int], |a| {
            Ok(if i(&a[2]) == 1 {
                a[0].clone()
            } else {
                a[1].clone()
            })
        }),
        f("toString", &[Any], |a| Ok(vs(strval(&a[0])))),
        f("split", &[Str, Str], |a| {
            Ok(split_map(go_split(s(&a[1]), s(&a[0]), -1)))
        }),
        f("splitn", &[Str, Int, Str], |a| {
            Ok(split_map(go_split(s(&a[2]), s(&a[0]), i(&a[1]))))
        }),
        f("splitList", &[Str, Str], |a| {
            Ok(Value::strings(
                go_split(s(&a[1]), s(&a[0]), -1)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            ))
        }),
        f("shuffle", &[Str], |a| {
            use rand::seq::SliceRandom;
            let mut c: Vec<char> = s(&a[0]).chars().collect();
            c.shuffle(&mut rand::rng());
            Ok(vs(c.into_iter().collect::<String>()))
        }),
        f("randAlphaNum", &[Int], |a| random_from(i(&a[0]), ALNUM)),
        f("randAlpha", &[Int], |a| random_from(i(&a[0]), ALPHA)),
        f("randNumeric", &[Int], |a| {
            random_from(i(&a[0]), b"0123456789")
        }),
        f("randAscii", &[Int], |a| {
            let all: Vec<u8> = (32u8..=126).collect();
            random_from(i(&a[0]), &all)
        }),
    ]);
}

const ALPHA: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// The longest string a function may build (so `repeat`/`randAlpha` with huge counts
/// fail cleanly instead of exhausting memory).
pub const MAX_STRING_BYTES: usize = 64 << 20;

fn random_from(count: i64, alphabet: &[u8]) -> Result<Value, FuncError> {
    use rand::Rng;
    if count < 0 {
        return Err(err(format!(
            "requested random string length {count} is less than 0"
        )));
    }
    if count as usize > MAX_STRING_BYTES {
        return Err(err(format!(
            "requested random string length {count} exceeds hke's limit of {MAX_STRING_BYTES}"
        )));
    }
    let mut rng = rand::rng();
    Ok(vs((0..count)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect::<String>()))
}

/// Go's `strings.Trim(s, cutset)`.
fn go_trim<'a>(s: &'a str, cutset: &str) -> &'a str {
    s.trim_matches(|c| cutset.contains(c))
}

/// Go's `strings.Title`.
pub fn title(s: &str) -> String {
    fn is_sep(r: char) -> bool {
        if r.is_ascii() {
            return !(r.is_ascii_alphanumeric() || r == '_');
        }
        if r.is_alphabetic() || r.is_numeric() {
            return false;
        }
        r.is_whitespace()
    }
    let mut prev = ' ';
    let mut out = String::with_capacity(s.len());
    for r in s.chars() {
        if is_sep(prev) {
            out.extend(r.to_uppercase());
        } else {
            out.push(r);
        }
        prev = r;
    }
    out
}

fn untitle(s: &str) -> String {
    let mut space = true;
    let mut out = String::with_capacity(s.len());
    for r in s.chars() {
        if r.is_whitespace() {
            space = true;
            out.push(r);
        } else if space {
            space = false;
            out.extend(r.to_lowercase());
        } else {
            out.push(r);
        }
    }
    out
}

fn swapcase(s: &str) -> String {
    s.chars()
        .flat_map(|c| -> Vec<char> {
            if c.is_uppercase() {
                c.to_lowercase().collect()
            } else if c.is_lowercase() {
                c.to_uppercase().collect()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Cuts `s` at byte offsets, as Go slicing does; a cut inside a UTF-8 sequence is
/// repaired with U+FFFD (hke strings are always valid UTF-8).
fn byte_slice(s: &str, start: usize, end: usize) -> String {
    String::from_utf8_lossy(&s.as_bytes()[start..end]).into_owned()
}

fn substr(start: i64, end: i64, s: &str) -> Result<Value, FuncError> {
    let len = s.len() as i64;
    let oob = |a: i64, b: i64| {
        err(format!(
            "runtime error: slice bounds out of range [{a}:{b}]"
        ))
    };
    if start < 0 {
        if end < 0 || end > len {
            return Err(err(format!(
                "runtime error: slice bounds out of range [:{end}] with length {len}"
            )));
        }
        return Ok(vs(byte_slice(s, 0, end as usize)));
    }
    if end < 0 || end > len {
        if start > len {
            return Err(err(format!(
                "runtime error: slice bounds out of range [{start}:{len}]"
            )));
        }
        return Ok(vs(byte_slice(s, start as usize, len as usize)));
    }
    if start > end {
        return Err(oob(start, end));
    }
    Ok(vs(byte_slice(s, start as usize, end as usize)))
}

fn repeat(count: i64, s: &str) -> Result<Value, FuncError> {
    if count < 0 {
        return Err(err("strings: negative Repeat count"));
    }
    if (s.len() as u128) * (count as u128) > MAX_STRING_BYTES as u128 {
        return Err(err(format!(
            "repeat: the result would exceed hke's limit of {MAX_STRING_BYTES} bytes"
        )));
    }
    Ok(vs(s.repeat(count as usize)))
}

fn trunc(c: i64, s: &str) -> String {
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return byte_slice(s, (len + c) as usize, s.len());
    }
    if c >= 0 && len > c {
        return byte_slice(s, 0, c as usize);
    }
    s.to_string()
}

fn abbrev_full(s: &str, offset: i64, max: i64) -> String {
    let len = s.len() as i64;
    if s.is_empty() || max < 4 {
        return if max < 4 {
            String::new()
        } else {
            s.to_string()
        };
    }
    if len <= max {
        return s.to_string();
    }
    let mut offset = offset.min(len);
    if len - offset < max - 3 {
        offset = len - (max - 3);
    }
    if offset <= 4 {
        return format!("{}...", byte_slice(s, 0, (max - 3) as usize));
    }
    if max < 7 {
        return String::new();
    }
    if offset + max - 3 < len {
        let rest = byte_slice(s, offset as usize, s.len());
        return format!("...{}", abbrev_full(&rest, 0, max - 3));
    }
    format!("...{}", byte_slice(s, (len - (max - 3)) as usize, s.len()))
}

fn abbrev(width: i64, s: &str) -> String {
    if width < 4 {
        return s.to_string();
    }
    abbrev_full(s, 0, width)
}

fn abbrevboth(left: i64, right: i64, s: &str) -> String {
    if right < 4 || (left > 0 && right < 7) {
        return s.to_string();
    }
    abbrev_full(s, left, right)
}

/// goutils `WrapCustom` (byte offsets, as Go).
fn wrap_custom(s: &str, width: i64, newline: &str, wrap_long: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let nl = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len + 8);
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = (width + offset + 1).min(len);
        let space = b[offset..end].iter().rposition(|c| *c == b' ');
        match space {
            Some(sp) => {
                out.extend_from_slice(&b[offset..offset + sp]);
                out.extend_from_slice(nl.as_bytes());
                offset += sp + 1;
            }
            None if wrap_long => {
                out.extend_from_slice(&b[offset..offset + width]);
                out.extend_from_slice(nl.as_bytes());
                offset += width;
            }
            None => {
                let end = width + offset;
                match b[end..].iter().position(|c| *c == b' ') {
                    None => {
                        out.extend_from_slice(&b[offset..]);
                        offset = len;
                    }
                    Some(idx) => {
                        out.extend_from_slice(&b[offset..end + idx]);
                        out.extend_from_slice(nl.as_bytes());
                        offset = end + idx + 1;
                    }
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    String::from_utf8_lossy(&out).into_owned()
}

fn indent(spaces: i64, v: &str) -> String {
    let pad = " ".repeat(spaces.max(0) as usize);
    format!("{pad}{}", v.replace('\n', &format!("\n{pad}")))
}

/// Go's `strings.Replace(s, old, new, -1)` (an empty `old` inserts between runes).
fn go_replace(s: &str, old: &str, new: &str) -> String {
    if old.is_empty() {
        let mut out = String::from(new);
        for c in s.chars() {
            out.push(c);
            out.push_str(new);
        }
        return out;
    }
    s.replace(old, new)
}

/// Go's `strings.SplitN` (`n < 0` = all; an empty separator splits into runes).
pub fn go_split<'a>(s: &'a str, sep: &str, n: i64) -> Vec<&'a str> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let mut parts: Vec<&str> = Vec::new();
        let mut it = s.char_indices().peekable();
        while let Some((idx, c)) = it.next() {
            if n > 0 && parts.len() as i64 == n - 1 {
                parts.push(&s[idx..]);
                return parts;
            }
            parts.push(&s[idx..idx + c.len_utf8()]);
            let _ = it.peek();
        }
        return parts;
    }
    if n < 0 {
        s.split(sep).collect()
    } else {
        s.splitn(n as usize, sep).collect()
    }
}

fn split_map(parts: Vec<&str>) -> Value {
    let m: BTreeMap<String, Value> = parts
        .into_iter()
        .enumerate()
        .map(|(idx, p)| (format!("_{idx}"), vs(p)))
        .collect();
    Value::Map(crate::template::value::Map::from_entries(
        MapKind::String,
        m,
    ))
}

fn camelcase(s: &str) -> String {
    fn is_conn(r: char) -> bool {
        r == '-' || r == '_' || r.is_whitespace()
    }
    let mut out = String::new();
    let mut chars = s.chars();
    let mut r0 = None;
    for c in chars.by_ref() {
        if !is_conn(c) {
            r0 = Some(c.to_uppercase().next().unwrap_or(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = r0 else {
        return out;
    };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_conn(r0) && is_conn(r1) {
            out.push(r1);
            continue;
        }
        if is_conn(r1) {
            r0 = r0.to_uppercase().next().unwrap_or(r0);
        } else {
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

/// `snakecase`/`kebabcase`: words split at separators, lower→upper changes and
/// acronym ends (`HTTPServer` → `http_server`), joined lower-case with `sep`.
fn delimited_case(s: &str, sep: char) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (idx, &c) in chars.iter().enumerate() {
        if c == '_' || c == '-' || c.is_whitespace() || c == '.' {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = chars[idx - 1];
            let next_lower = chars.get(idx + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_numeric() || (prev.is_uppercase() && next_lower) {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words.join(&sep.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Value>) -> String {
        sprint_value(&super::super::call(name, args).unwrap())
    }

    #[test]
    fn doc_examples() {
        assert_eq!(title("hello world-foo bar_baz"), "Hello World-Foo Bar_baz");
        assert_eq!(title("o'neil"), "O'Neil");
        assert_eq!(camelcase("http_server"), "HttpServer");
        assert_eq!(camelcase("foo-bar baz"), "FooBarBaz");
        assert_eq!(camelcase("fooBar"), "FooBar");
        assert_eq!(delimited_case("FirstName", '_'), "first_name");
        assert_eq!(delimited_case("HTTPServer", '_'), "http_server");
        assert_eq!(delimited_case("foo bar", '_'), "foo_bar");
        assert_eq!(delimited_case("foo_bar Baz", '-'), "foo-bar-baz");
        assert_eq!(abbrev(5, "hello world"), "he...");
        assert_eq!(abbrevboth(5, 10, "1234 5678 9123"), "...5678...");
        assert_eq!(
            wrap_custom("hello world foo", 5, "", false),
            "hello\nworld\nfoo"
        );
        assert_eq!(go_replace("ab", "", "-"), "-a-b-");
        assert_eq!(trunc(-3, "hello"), "llo");
        assert_eq!(call("initials", vec![vs("hello  big-world")]), "hb");
        assert_eq!(
            call("quote", vec![vs("a"), Value::Int(1), Value::Nil]),
            "\"a\" \"1\""
        );
        assert_eq!(call("squote", vec![Value::Float(1.5)]), "'1.5'");
        assert_eq!(call("cat", vec![vs("a"), Value::Nil, Value::Int(1)]), "a 1");
        assert_eq!(call("indent", vec![Value::Int(2), vs("a\nb")]), "  a\n  b");
        assert_eq!(call("nindent", vec![Value::Int(2), vs("a")]), "\n  a");
        assert_eq!(call("split", vec![vs("/"), vs("a/b")]), "map[_0:a _1:b]");
        assert_eq!(call("splitList", vec![vs("/"), vs("a/b")]), "[a b]");
    }

    #[test]
    fn go_panics_become_errors() {
        let e = substr(3, 1, "hello").unwrap_err();
        assert_eq!(e.0, "runtime error: slice bounds out of range [3:1]");
        assert!(repeat(-1, "a").is_err());
        assert!(repeat(1 << 40, "a").is_err());
        assert_eq!(substr(1, 3, "hello").unwrap().type_name(), "string");
    }

    #[test]
    fn random_strings_have_the_right_alphabet() {
        let v = random_from(20, ALNUM).unwrap();
        let s = sprint_value(&v);
        assert_eq!(s.len(), 20);
        assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
