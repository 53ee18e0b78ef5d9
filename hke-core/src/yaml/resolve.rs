//! YAML 1.1 implicit scalar resolution exactly as go-yaml v2's `resolve` does it.
//!
//! A plain scalar is looked up in a fixed table (booleans in every 1.1 spelling, nulls,
//! `.inf`/`.nan`, the merge key `<<`), then, depending on its first byte, tried as a
//! timestamp (kept as text by the decoder), an integer in Go's `strconv.ParseInt(s, 0,
//! 64)` syntax after removing `_` (so `0755` is octal, `0x1F`, `0o17`, `0b101`), an
//! unsigned integer, and a float matching go-yaml's float pattern. Anything else is a
//! string. The same function decides, when emitting, whether a string must be quoted.

/// What a scalar resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// `null`, `~`, `Null`, `NULL` or the empty plain scalar.
    Null,
    /// A YAML 1.1 boolean spelling.
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// An integer that only fits in `u64`.
    Uint(u64),
    /// A float (including `.inf` and `.nan` spellings).
    Float(f64),
    /// A timestamp-looking scalar (`2001-12-14`); decoded as its text.
    Timestamp,
    /// Plain text.
    Str,
}

/// The table go-yaml v2 consults first for scalars starting with `y Y n N t T f F o O ~`
/// and for the special float and null spellings.
fn table(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// The hint class of a scalar's first byte (go-yaml's `resolveTable`).
#[derive(Clone, Copy, PartialEq)]
enum Hint {
    None,
    Map,
    Dot,
    Digit,
    Sign,
}

fn hint(s: &str) -> Hint {
    match s.as_bytes().first() {
        None => Hint::Map,
        Some(b'+' | b'-') => Hint::Sign,
        Some(b'0'..=b'9') => Hint::Digit,
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => {
            Hint::Map
        }
        Some(b'.') => Hint::Dot,
        _ => Hint::None,
    }
}

/// Resolves a plain (untagged) scalar the way go-yaml v2 does.
pub fn resolve_plain(s: &str) -> Resolved {
    resolve_inner(s, true)
}

/// Resolves with timestamps considered (`with_timestamp`, as for untagged or
/// `!!timestamp` scalars) or not (other explicit tags).
pub(crate) fn resolve_inner(s: &str, with_timestamp: bool) -> Resolved {
    let h = hint(s);
    if h == Hint::None {
        return Resolved::Str;
    }
    if let Some(r) = table(s) {
        return r;
    }
    match h {
        Hint::Dot => {
            if let Some(f) = parse_go_float(s) {
                return Resolved::Float(f);
            }
        }
        Hint::Digit | Hint::Sign => {
            if with_timestamp && is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: std::borrow::Cow<'_, str> = if s.contains('_') {
                s.replace('_', "").into()
            } else {
                s.into()
            };
            if let Some(i) = parse_go_int(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = parse_go_uint(&plain) {
                return Resolved::Uint(u);
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = parse_go_float(&plain) {
                    return Resolved::Float(f);
                }
            }
        }
        Hint::Map | Hint::None => {}
    }
    Resolved::Str
}

/// Splits Go's base prefix after an optional sign has been removed: returns the radix
/// and the digits (`ParseInt(s, 0, …)` rules: `0x`, `0o`, `0b`, leading `0` = octal).
fn split_radix(s: &str) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => return Some((16, &s[2..])),
            b'o' | b'O' => return Some((8, &s[2..])),
            b'b' | b'B' => return Some((2, &s[2..])),
            _ => return Some((8, &s[1..])),
        }
    }
    Some((10, s))
}

fn parse_magnitude(s: &str) -> Option<u64> {
    let (radix, digits) = split_radix(s)?;
    if digits.is_empty() {
        return None;
    }
    let mut acc: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)? as u64;
        acc = acc.checked_mul(radix as u64)?.checked_add(d)?;
    }
    Some(acc)
}

/// Go's `strconv.ParseInt(s, 0, 64)` on text without underscores.
pub(crate) fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let m = parse_magnitude(rest)?;
    if neg {
        if m <= i64::MAX as u64 {
            Some(-(m as i64))
        } else if m == i64::MAX as u64 + 1 {
            Some(i64::MIN)
        } else {
            None
        }
    } else if m <= i64::MAX as u64 {
        Some(m as i64)
    } else {
        None
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` (no sign allowed).
fn parse_go_uint(s: &str) -> Option<u64> {
    parse_magnitude(s)
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal syntax (`[+-]digits[.digits][e[+-]digits]`
/// with at least one mantissa digit): `None` for syntax errors and for overflow (Go
/// returns `ErrRange` there); underflow gives 0 as in Go.
pub(crate) fn parse_go_float(s: &str) -> Option<f64> {
    if s.contains('_') {
        // Go accepts `_` between digits (strconv's underscoreOK).
        if !underscores_ok(s) {
            return None;
        }
        return parse_go_float(&s.replace('_', ""));
    }
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let mut mant = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mant += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mant += 1;
        }
    }
    if mant == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() {
        None
    } else {
        Some(f)
    }
}

/// Go's `strconv.underscoreOK` for decimal text: each `_` between two digits.
fn underscores_ok(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let mut saw = b'^';
    for &c in b {
        if c.is_ascii_digit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// go-yaml's `parseTimestamp`: four digits then `-`, and one of Go's layouts
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999`,
/// or `2006-1-2`, with Go's range checks.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: i32 = s[..4].parse().unwrap_or(0);
    let mut i = 5;
    let Some(month) = num12(b, &mut i) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = num12(b, &mut i) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let with_zone = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    let Some(h) = num12(b, &mut i) else {
        return false;
    };
    if b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(m) = num12(b, &mut i) else {
        return false;
    };
    if b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    let Some(sec) = num12(b, &mut i) else {
        return false;
    };
    if h >= 24 || m >= 60 || sec >= 60 {
        return false;
    }
    // Optional fraction: a period or comma followed by digits.
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if !with_zone {
        return i == b.len();
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let z = &b[i + 1..];
            z.len() == 5
                && z[0].is_ascii_digit()
                && z[1].is_ascii_digit()
                && z[2] == b':'
                && z[3].is_ascii_digit()
                && z[4].is_ascii_digit()
                && (z[0] - b'0') * 10 + (z[1] - b'0') <= 24
                && (z[3] - b'0') * 10 + (z[4] - b'0') <= 60
        }
        _ => false,
    }
}

/// Go's `getnum(s, false)`: one or two digits.
fn num12(b: &[u8], i: &mut usize) -> Option<u32> {
    let d0 = *b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    let mut n = (d0 - b'0') as u32;
    if let Some(d1) = b.get(*i).filter(|c| c.is_ascii_digit()) {
        n = n * 10 + (d1 - b'0') as u32;
        *i += 1;
    }
    Some(n)
}

fn days_in(month: u32, year: i32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// go-yaml v2's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
pub fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !b.contains(&b':') {
        return false;
    }
    let mut i = 0;
    if matches!(b[0], b'+' | b'-') {
        i = 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // [0-5]?[0-9]: one or two digits, the first of two in 0-5.
        match (b.get(i), b.get(i + 1)) {
            (Some(d0), Some(d1)) if (b'0'..=b'5').contains(d0) && d1.is_ascii_digit() => i += 2,
            (Some(d0), _) if d0.is_ascii_digit() => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_words() {
        for w in ["y", "Y", "yes", "On", "TRUE"] {
            assert_eq!(resolve_plain(w), Resolved::Bool(true), "{w}");
        }
        for w in ["n", "NO", "off", "False"] {
            assert_eq!(resolve_plain(w), Resolved::Bool(false), "{w}");
        }
        for w in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve_plain(w), Resolved::Null, "{w}");
        }
        for w in ["yEs", "nULL", "oN", "tRUE", "ok", "abc", ".iNf"] {
            assert_eq!(resolve_plain(w), Resolved::Str, "{w}");
        }
        // `<` has no resolution hint: `<<` resolves as a string (merges are detected
        // by the decoder on the raw text).
        assert_eq!(resolve_plain("<<"), Resolved::Str);
        assert_eq!(resolve_plain("-.inf"), Resolved::Float(f64::NEG_INFINITY));
    }

    #[test]
    fn integers_in_every_go_syntax() {
        let cases = [
            ("1000000", 1_000_000),
            ("1_000", 1000),
            ("0x1F", 31),
            ("0755", 493),
            ("0o17", 15),
            ("0b101", 5),
            ("+1", 1),
            ("-0b101", -5),
            ("-0", 0),
            ("0", 0),
            ("-9223372036854775808", i64::MIN),
        ];
        for (s, want) in cases {
            assert_eq!(resolve_plain(s), Resolved::Int(want), "{s}");
        }
        assert_eq!(
            resolve_plain("12345678901234567890"),
            Resolved::Uint(12_345_678_901_234_567_890)
        );
        assert_eq!(resolve_plain("09"), Resolved::Float(9.0));
        assert_eq!(resolve_plain("0x"), Resolved::Str);
    }

    #[test]
    fn floats_and_non_floats() {
        assert_eq!(resolve_plain("1.5"), Resolved::Float(1.5));
        assert_eq!(resolve_plain(".5"), Resolved::Float(0.5));
        assert_eq!(resolve_plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve_plain("1e-7"), Resolved::Float(1e-7));
        assert_eq!(resolve_plain("+.5"), Resolved::Float(0.5));
        assert_eq!(resolve_plain("1."), Resolved::Float(1.0));
        assert_eq!(resolve_plain("1e400"), Resolved::Str);
        assert_eq!(resolve_plain(".10_0"), Resolved::Float(0.1));
        assert_eq!(resolve_plain(".1_"), Resolved::Str);
        assert_eq!(resolve_plain("._1"), Resolved::Str);
        assert_eq!(resolve_plain("1:20"), Resolved::Str);
        assert_eq!(resolve_plain("1.2.3"), Resolved::Str);
        assert_eq!(resolve_plain("."), Resolved::Str);
        assert_eq!(resolve_plain("-"), Resolved::Str);
    }

    #[test]
    fn timestamps() {
        for s in [
            "2001-12-14",
            "2001-12-14T21:59:43.10Z",
            "2001-1-2",
            "2001-12-14t21:59:43+05:00",
            "2001-12-14 21:59:43.10",
            "2024-02-29",
        ] {
            assert!(is_timestamp(s), "{s}");
            assert_eq!(resolve_plain(s), Resolved::Timestamp);
        }
        for s in [
            "2001-13-14",
            "2023-02-29",
            "2001-12-14 21:59:43 -5",
            "20011-12-14",
            "2001-12-14T25:00:00Z",
            "2001-12-14T21:59:43",
        ] {
            assert!(!is_timestamp(s), "{s}");
        }
    }

    #[test]
    fn base60() {
        for s in ["1:20", "12:30:45", "-1:59", "190:20:30.15", "1_0:5"] {
            assert!(is_base60_float(s), "{s}");
        }
        for s in ["1:60", "1:", ":1", "a:1", "1:2:", "1"] {
            assert!(!is_base60_float(s), "{s}");
        }
    }
}
