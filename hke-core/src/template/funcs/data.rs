//! Data and utility functions: YAML/JSON/TOML (Helm's versions), encodings, hashes,
//! regular expressions, semver, reflection, defaults, paths, URLs, UUIDs and dates.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::conv::{deep_equal, empty, err, go_quote, i, s, strval, vs};
use super::{f, fv, Function};
use crate::template::value::{FuncError, Object, Signature, Type, Value};
use crate::value::Value as Plain;

use Type::{Any, Bool, Int, String as Str};

/// Registers the data and utility functions.
pub fn register(v: &mut Vec<Function>) {
    v.extend([
        // YAML / JSON / TOML (Helm's versions override Sprig's).
        f("toYaml", &[Any], |a| {
            Ok(vs(crate::yaml::to_yaml(&a[0].to_plain())))
        }),
        f("toYamlPretty", &[Any], |a| {
            Ok(vs(crate::yaml::to_yaml_pretty(&a[0].to_plain())))
        }),
        f("fromYaml", &[Str], |a| Ok(from_yaml(s(&a[0])))),
        f("fromYamlArray", &[Str], |a| Ok(from_yaml_array(s(&a[0])))),
        f("toJson", &[Any], |a| {
            Ok(vs(
                crate::gojson::to_json(&a[0].to_plain()).unwrap_or_default()
            ))
        }),
        f("mustToJson", &[Any], |a| {
            crate::gojson::to_json(&a[0].to_plain())
                .map(vs)
                .map_err(|e| err(e.to_string()))
        }),
        f("toPrettyJson", &[Any], |a| {
            Ok(vs(
                crate::gojson::to_json_pretty(&a[0].to_plain()).unwrap_or_default()
            ))
        }),
        f("mustToPrettyJson", &[Any], |a| {
            crate::gojson::to_json_pretty(&a[0].to_plain())
                .map(vs)
                .map_err(|e| err(e.to_string()))
        }),
        f("toRawJson", &[Any], |a| {
            Ok(vs(
                crate::gojson::to_raw_json(&a[0].to_plain()).unwrap_or_default()
            ))
        }),
        f("mustToRawJson", &[Any], |a| {
            crate::gojson::to_raw_json(&a[0].to_plain())
                .map(vs)
                .map_err(|e| err(e.to_string()))
        }),
        f("fromJson", &[Str], |a| Ok(from_json_map(s(&a[0])))),
        f("fromJsonArray", &[Str], |a| Ok(from_json_array(s(&a[0])))),
        f("mustFromJson", &[Str], |a| {
            serde_json::from_str::<serde_json::Value>(s(&a[0]))
                .map(|j| Value::from_plain(&Plain::from_json_go(&j)))
                .map_err(|e| err(e.to_string()))
        }),
        f("toToml", &[Any], |a| Ok(vs(to_toml(&a[0].to_plain())))),
        f("fromToml", &[Str], |a| Ok(from_toml(s(&a[0])))),
        f("getHostByName", &[Str], |_| Ok(vs(""))),
        // Encodings and hashes.
        f("b64enc", &[Str], |a| {
            Ok(vs(crate::template::value::base64_std(s(&a[0]).as_bytes())))
        }),
        f("b64dec", &[Str], |a| {
            Ok(vs(match base64_decode(s(&a[0])) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) => e,
            }))
        }),
        f("b32enc", &[Str], |a| {
            Ok(vs(data_encoding::BASE32.encode(s(&a[0]).as_bytes())))
        }),
        f("b32dec", &[Str], |a| {
            Ok(vs(
                match data_encoding::BASE32.decode(s(&a[0]).as_bytes()) {
                    Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                    Err(e) => format!("illegal base32 data at input byte {}", e.position),
                },
            ))
        }),
        f("sha1sum", &[Str], |a| {
            use sha1::Digest;
            Ok(vs(hex(&sha1::Sha1::digest(s(&a[0]).as_bytes()))))
        }),
        f("sha256sum", &[Str], |a| {
            use sha2::Digest;
            Ok(vs(hex(&sha2::Sha256::digest(s(&a[0]).as_bytes()))))
        }),
        f("adler32sum", &[Str], |a| {
            Ok(vs(adler32(s(&a[0]).as_bytes()).to_string()))
        }),
        // Regular expressions (Go RE2 syntax; Rust's regex accepts the same language).
        f("regexMatch", &[Str, Str], |a| {
            Ok(Value::Bool(re(s(&a[0]))?.is_match(s(&a[1]))))
        }),
        f("mustRegexMatch", &[Str, Str], |a| {
            Ok(Value::Bool(re(s(&a[0]))?.is_match(s(&a[1]))))
        }),
        f("regexFind", &[Str, Str], |a| {
            Ok(vs(re(s(&a[0]))?
                .find(s(&a[1]))
                .map(|m| m.as_str())
                .unwrap_or("")))
        }),
        f("mustRegexFind", &[Str, Str], |a| {
            Ok(vs(re(s(&a[0]))?
                .find(s(&a[1]))
                .map(|m| m.as_str())
                .unwrap_or("")))
        }),
        f("regexFindAll", &[Str, Str, Int], |a| regex_find_all(&a)),
        f("mustRegexFindAll", &[Str, Str, Int], |a| regex_find_all(&a)),
        f("regexReplaceAll", &[Str, Str, Str], |a| {
            Ok(vs(&*re(s(&a[0]))?.replace_all(s(&a[1]), s(&a[2]))))
        }),
        f("mustRegexReplaceAll", &[Str, Str, Str], |a| {
            Ok(vs(&*re(s(&a[0]))?.replace_all(s(&a[1]), s(&a[2]))))
        }),
        f("regexReplaceAllLiteral", &[Str, Str, Str], |a| {
            Ok(vs(
                &*re(s(&a[0]))?.replace_all(s(&a[1]), regex::NoExpand(s(&a[2])))
            ))
        }),
        f("mustRegexReplaceAllLiteral", &[Str, Str, Str], |a| {
            Ok(vs(
                &*re(s(&a[0]))?.replace_all(s(&a[1]), regex::NoExpand(s(&a[2])))
            ))
        }),
        f("regexSplit", &[Str, Str, Int], |a| regex_split(&a)),
        f("mustRegexSplit", &[Str, Str, Int], |a| regex_split(&a)),
        f("regexQuoteMeta", &[Str], |a| {
            Ok(vs(regex::escape(s(&a[0]))))
        }),
        // Semver.
        f("semver", &[Str], |a| {
            crate::semver::Version::parse(s(&a[0]))
                .map(|v| Value::Object(Rc::new(SemverObject(v))))
                .map_err(|e| err(e.to_string()))
        }),
        f("semverCompare", &[Str, Str], |a| {
            let c = crate::semver::Constraints::parse(s(&a[0])).map_err(|e| err(e.to_string()))?;
            let v = crate::semver::Version::parse(s(&a[1])).map_err(|e| err(e.to_string()))?;
            Ok(Value::Bool(c.check(&v)))
        }),
        // Reflection and defaults.
        f("typeOf", &[Any], |a| Ok(vs(a[0].type_name()))),
        f("typeIs", &[Str, Any], |a| {
            Ok(Value::Bool(s(&a[0]) == a[1].type_name()))
        }),
        f("typeIsLike", &[Str, Any], |a| {
            let t = a[1].type_name();
            Ok(Value::Bool(s(&a[0]) == t || format!("*{}", s(&a[0])) == t))
        }),
        f("kindOf", &[Any], |a| Ok(vs(a[0].kind_name()))),
        f("kindIs", &[Str, Any], |a| {
            Ok(Value::Bool(s(&a[0]) == a[1].kind_name()))
        }),
        f("deepEqual", &[Any, Any], |a| {
            Ok(Value::Bool(deep_equal(&a[0], &a[1])))
        }),
        fv("default", &[Any], Any, |a| {
            Ok(match a.get(1) {
                Some(given) if !empty(given) => given.clone(),
                _ => a[0].clone(),
            })
        }),
        f("empty", &[Any], |a| Ok(Value::Bool(empty(&a[0])))),
        fv("coalesce", &[], Any, |a| {
            Ok(a.iter().find(|x| !empty(x)).cloned().unwrap_or(Value::Nil))
        }),
        fv("all", &[], Any, |a| {
            Ok(Value::Bool(a.iter().all(|x| !empty(x))))
        }),
        fv("any", &[], Any, |a| {
            Ok(Value::Bool(a.iter().any(|x| !empty(x))))
        }),
        f("ternary", &[Any, Any, Bool], |a| {
            Ok(if matches!(a[2], Value::Bool(true)) {
                a[0].clone()
            } else {
                a[1].clone()
            })
        }),
        // Paths (Go's `path`, slash-separated) and URLs.
        f("base", &[Str], |a| Ok(vs(path_base(s(&a[0]))))),
        f("osBase", &[Str], |a| Ok(vs(path_base(s(&a[0]))))),
        f("dir", &[Str], |a| Ok(vs(path_dir(s(&a[0]))))),
        f("osDir", &[Str], |a| Ok(vs(path_dir(s(&a[0]))))),
        f("clean", &[Str], |a| Ok(vs(path_clean(s(&a[0]))))),
        f("osClean", &[Str], |a| Ok(vs(path_clean(s(&a[0]))))),
        f("ext", &[Str], |a| Ok(vs(path_ext(s(&a[0]))))),
        f("osExt", &[Str], |a| Ok(vs(path_ext(s(&a[0]))))),
        f("isAbs", &[Str], |a| {
            Ok(Value::Bool(s(&a[0]).starts_with('/')))
        }),
        f("osIsAbs", &[Str], |a| {
            Ok(Value::Bool(s(&a[0]).starts_with('/')))
        }),
        f("urlParse", &[Str], |a| url_parse(s(&a[0]))),
        f("urlJoin", &[Map_], |a| Ok(vs(url_join(&a[0])))),
        // Random and identity.
        f("uuidv4", &[], |_| Ok(vs(uuid::Uuid::new_v4().to_string()))),
        f("randBytes", &[Int], |a| {
            use rand::RngCore;
            let n = i(&a[0]);
            if n < 0 || n as usize > super::strings::MAX_STRING_BYTES {
                return Err(err(format!("randBytes: invalid count {n}")));
            }
            let mut b = vec![0u8; n as usize];
            rand::rng().fill_bytes(&mut b);
            Ok(vs(crate::template::value::base64_std(&b)))
        }),
        // Dates.
        f("now", &[], |_| {
            Ok(Value::Object(Rc::new(Time(
                chrono::Utc::now().fixed_offset(),
            ))))
        }),
        f("date", &[Str, Any], |a| {
            Ok(vs(format_date(s(&a[0]), &a[1], None)))
        }),
        f("date_in_zone", &[Str, Any, Str], |a| {
            Ok(vs(format_date(s(&a[0]), &a[1], Some(s(&a[2])))))
        }),
        f("dateInZone", &[Str, Any, Str], |a| {
            Ok(vs(format_date(s(&a[0]), &a[1], Some(s(&a[2])))))
        }),
        f("htmlDate", &[Any], |a| {
            Ok(vs(format_date("2006-01-02", &a[0], None)))
        }),
        f("htmlDateInZone", &[Any, Str], |a| {
            Ok(vs(format_date("2006-01-02", &a[0], Some(s(&a[1])))))
        }),
        f("unixEpoch", &[Any], |a| {
            Ok(vs(to_time(&a[0]).timestamp().to_string()))
        }),
        f("duration", &[Any], |a| {
            let n = match &a[0] {
                Value::String(t) => t.parse::<i64>().unwrap_or(0),
                Value::Int64(n) => *n,
                _ => 0,
            };
            Ok(vs(go_duration(i128::from(n) * 1_000_000_000)))
        }),
        f("dateModify", &[Str, Any], |a| date_modify(s(&a[0]), &a[1])),
        f("date_modify", &[Str, Any], |a| date_modify(s(&a[0]), &a[1])),
        f("mustDateModify", &[Str, Any], |a| {
            date_modify(s(&a[0]), &a[1])
        }),
        f("must_date_modify", &[Str, Any], |a| {
            date_modify(s(&a[0]), &a[1])
        }),
        f("ago", &[Any], |a| {
            let d = chrono::Utc::now().fixed_offset() - to_time(&a[0]);
            let secs = d.num_seconds();
            Ok(vs(go_duration(i128::from(secs) * 1_000_000_000)))
        }),
        f("toDate", &[Str, Str], |a| to_date(s(&a[0]), s(&a[1]))),
        f("mustToDate", &[Str, Str], |a| to_date(s(&a[0]), s(&a[1]))),
    ]);
}

#[allow(non_upper_case_globals)]
const Map_: Type = Type::Map;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// Go's `base64.StdEncoding.DecodeString` with its error text.
fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    // Go skips \r and \n.
    let bytes: Vec<(usize, u8)> = s
        .bytes()
        .enumerate()
        .filter(|(_, c)| *c != b'\r' && *c != b'\n')
        .collect();
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let mut idx = 0;
    while idx < bytes.len() {
        let chunk = &bytes[idx..(idx + 4).min(bytes.len())];
        let mut acc = 0u32;
        let mut n = 0;
        for (j, &(pos, c)) in chunk.iter().enumerate() {
            if c == b'=' {
                // Padding: needs at least 2 data chars and must complete the quantum.
                if j < 2 || chunk.len() != 4 || (j == 2 && chunk[3].1 != b'=') {
                    return Err(format!("illegal base64 data at input byte {pos}"));
                }
                if idx + 4 < bytes.len() {
                    return Err(format!(
                        "illegal base64 data at input byte {}",
                        bytes[idx + 4].0
                    ));
                }
                break;
            }
            match val(c) {
                Some(v) => {
                    acc |= v << (18 - 6 * j);
                    n += 1;
                }
                None => return Err(format!("illegal base64 data at input byte {pos}")),
            }
        }
        if chunk.len() < 4 && !chunk.iter().any(|(_, c)| *c == b'=') {
            let pos = bytes.last().map(|p| p.0 + 1).unwrap_or(0);
            let pos = if n == 1 { bytes[idx].0 } else { pos };
            return Err(format!("illegal base64 data at input byte {pos}"));
        }
        let out_n = match n {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => 0,
        };
        out.extend_from_slice(&acc.to_be_bytes()[1..1 + out_n]);
        idx += 4;
    }
    Ok(out)
}

/// Compiled patterns kept per thread: charts call the regex functions with the same
/// few patterns many times, and compiling one costs far more than matching.
const REGEX_CACHE_ENTRIES: usize = 256;

thread_local! {
    static REGEX_CACHE: std::cell::RefCell<std::collections::HashMap<String, regex::Regex>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn re(pattern: &str) -> Result<regex::Regex, FuncError> {
    if let Some(r) = REGEX_CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(r);
    }
    let r = compile_re(pattern)?;
    REGEX_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= REGEX_CACHE_ENTRIES {
            c.clear();
        }
        c.insert(pattern.to_string(), r.clone());
    });
    Ok(r)
}

fn compile_re(pattern: &str) -> Result<regex::Regex, FuncError> {
    regex::Regex::new(pattern).map_err(|e| {
        err(format!(
            "regexp: Compile({}): {}",
            go_backquote(pattern),
            e.to_string()
                .lines()
                .last()
                .unwrap_or("error parsing regexp")
                .trim()
        ))
    })
}

fn go_backquote(s: &str) -> String {
    if s.contains('`') {
        go_quote(s)
    } else {
        format!("`{s}`")
    }
}

fn regex_find_all(a: &[Value]) -> Result<Value, FuncError> {
    let r = re(s(&a[0]))?;
    let n = i(&a[2]);
    let mut out: Vec<String> = r
        .find_iter(s(&a[1]))
        .map(|m| m.as_str().to_string())
        .collect();
    if n >= 0 {
        out.truncate(n as usize);
    }
    Ok(Value::strings(out))
}

fn regex_split(a: &[Value]) -> Result<Value, FuncError> {
    let r = re(s(&a[0]))?;
    let text = s(&a[1]);
    let n = i(&a[2]);
    if n == 0 {
        return Ok(Value::strings(vec![]));
    }
    if text.is_empty() {
        return Ok(Value::strings(vec![String::new()]));
    }
    let mut out: Vec<String> = Vec::new();
    let mut beg = 0;
    for m in r.find_iter(text) {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        let end = m.start();
        if m.end() == 0 {
            continue;
        }
        out.push(text[beg..end].to_string());
        beg = m.end();
    }
    out.push(text[beg..].to_string());
    Ok(Value::strings(out))
}

fn from_yaml(text: &str) -> Value {
    let mut m = BTreeMap::new();
    match crate::yaml::parse(text, "fromYaml") {
        Ok(Plain::Map(pm)) => return Value::from_plain(&Plain::Map(pm)),
        Ok(Plain::Null) => {}
        Ok(other) => {
            m.insert(
                "Error".to_string(),
                vs(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&other)
                )),
            );
        }
        Err(e) => {
            m.insert("Error".to_string(), vs(e.to_string()));
        }
    }
    Value::dict(m)
}

fn from_yaml_array(text: &str) -> Value {
    match crate::yaml::parse(text, "fromYamlArray") {
        Ok(Plain::List(l)) => Value::from_plain(&Plain::List(l)),
        Ok(Plain::Null) => Value::list(vec![]),
        Ok(other) => Value::list(vec![vs(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))]),
        Err(e) => Value::list(vec![vs(e.to_string())]),
    }
}

fn json_kind(v: &Plain) -> &'static str {
    match v {
        Plain::Null => "null",
        Plain::Bool(_) => "bool",
        Plain::Int(_) | Plain::Float(_) => "number",
        Plain::String(_) => "string",
        Plain::List(_) => "array",
        Plain::Map(_) => "object",
    }
}

fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => "unexpected end of JSON input".into(),
        _ => format!(
            "invalid character at line {} column {}",
            e.line(),
            e.column()
        ),
    }
}

fn from_json_map(text: &str) -> Value {
    let mut m = BTreeMap::new();
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(o)) => {
            return Value::from_plain(&Plain::from_json_go(&serde_json::Value::Object(o)))
        }
        Ok(serde_json::Value::Null) => {}
        Ok(other) => {
            m.insert(
                "Error".into(),
                vs(format!(
                    "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&Plain::from_json_go(&other))
                )),
            );
        }
        Err(e) => {
            m.insert("Error".into(), vs(json_error(&e)));
        }
    }
    Value::dict(m)
}

fn from_json_array(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(a)) => {
            Value::from_plain(&Plain::from_json_go(&serde_json::Value::Array(a)))
        }
        Ok(serde_json::Value::Null) => Value::list(vec![]),
        Ok(other) => Value::list(vec![vs(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&Plain::from_json_go(&other))
        ))]),
        Err(e) => Value::list(vec![vs(json_error(&e))]),
    }
}

/// BurntSushi/toml's encoder on decoded values: plain keys first, then tables.
pub fn to_toml(v: &Plain) -> String {
    let mut out = String::new();
    match v {
        Plain::Map(m) => toml_table(&mut out, m, &[], 0),
        _ => return "toml: top-level values must be Go maps or structs".into(),
    }
    out
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        go_quote(k)
    }
}

fn toml_value(v: &Plain) -> Option<String> {
    Some(match v {
        Plain::Null => return None,
        Plain::Bool(b) => b.to_string(),
        Plain::Int(i) => i.to_string(),
        Plain::Float(f) => {
            if f.is_nan() {
                "nan".into()
            } else if f.is_infinite() {
                if *f > 0.0 {
                    "inf".into()
                } else {
                    "-inf".into()
                }
            } else if f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{f:.1}")
            } else {
                let t = format!("{f}");
                if t.contains('.') || t.contains('e') {
                    t
                } else {
                    format!("{t}.0")
                }
            }
        }
        Plain::String(s) => go_quote(s),
        Plain::List(l) => format!(
            "[{}]",
            l.iter()
                .filter_map(toml_value)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Plain::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .filter_map(|(k, v)| toml_value(v).map(|x| format!("{} = {x}", toml_key(k))))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

fn toml_table(out: &mut String, m: &crate::value::Map, path: &[String], depth: usize) {
    let indent = "  ".repeat(depth);
    let is_table_list = |v: &Plain| matches!(v, Plain::List(l) if !l.is_empty() && l.iter().all(|x| matches!(x, Plain::Map(_))));
    for (k, v) in m {
        if matches!(v, Plain::Map(_)) || is_table_list(v) {
            continue;
        }
        if let Some(val) = toml_value(v) {
            out.push_str(&format!("{indent}{} = {val}\n", toml_key(k)));
        }
    }
    for (k, v) in m {
        let mut p = path.to_vec();
        p.push(toml_key(k));
        match v {
            Plain::Map(sub) => {
                let ind = "  ".repeat(depth);
                out.push_str(&format!("\n{ind}[{}]\n", p.join(".")));
                toml_table(out, sub, &p, depth + 1);
            }
            Plain::List(l) if is_table_list(v) => {
                for item in l {
                    if let Plain::Map(sub) = item {
                        let ind = "  ".repeat(depth);
                        out.push_str(&format!("\n{ind}[[{}]]\n", p.join(".")));
                        toml_table(out, sub, &p, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

fn from_toml(text: &str) -> Value {
    match text.parse::<toml::Table>() {
        Ok(t) => Value::from_plain(&toml_to_plain(&toml::Value::Table(t))),
        Err(e) => {
            let mut m = BTreeMap::new();
            m.insert("Error".to_string(), vs(format!("toml: {}", e.message())));
            Value::dict(m)
        }
    }
}

fn toml_to_plain(v: &toml::Value) -> Plain {
    match v {
        toml::Value::String(s) => Plain::String(s.clone()),
        toml::Value::Integer(i) => Plain::Int(*i),
        toml::Value::Float(f) => Plain::Float(*f),
        toml::Value::Boolean(b) => Plain::Bool(*b),
        toml::Value::Datetime(d) => Plain::String(d.to_string()),
        toml::Value::Array(a) => Plain::List(a.iter().map(toml_to_plain).collect()),
        toml::Value::Table(t) => Plain::Map(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_plain(v)))
                .collect(),
        ),
    }
}

fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

fn path_dir(p: &str) -> String {
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    path_clean(dir)
}

/// Go's `path.Clean` (shared with the chart loader).
pub fn path_clean(p: &str) -> String {
    crate::chart::archive::go_clean(p)
}

fn path_ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return p[i..].to_string();
        }
    }
    String::new()
}

fn url_parse(u: &str) -> Result<Value, FuncError> {
    let parsed = url::Url::parse(u).map_err(|e| err(format!("unable to parse url: {e}")))?;
    let mut m = BTreeMap::new();
    m.insert("scheme".into(), vs(parsed.scheme()));
    let host = match (parsed.host_str(), parsed.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    };
    m.insert("host".into(), vs(host));
    m.insert("hostname".into(), vs(parsed.host_str().unwrap_or("")));
    m.insert("path".into(), vs(parsed.path()));
    m.insert("query".into(), vs(parsed.query().unwrap_or("")));
    m.insert("opaque".into(), vs(""));
    m.insert("fragment".into(), vs(parsed.fragment().unwrap_or("")));
    let user = match (parsed.username(), parsed.password()) {
        ("", None) => String::new(),
        (u, Some(p)) => format!("{u}:{p}"),
        (u, None) => u.to_string(),
    };
    m.insert("userinfo".into(), vs(user));
    Ok(Value::dict(m))
}

fn url_join(d: &Value) -> String {
    let Value::Map(m) = d else {
        return String::new();
    };
    let get = |k: &str| m.get(k).map(|v| strval(&v)).unwrap_or_default();
    let mut out = String::new();
    let scheme = get("scheme");
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    let host = get("host");
    if !host.is_empty() || !get("userinfo").is_empty() {
        out.push_str("//");
        let ui = get("userinfo");
        if !ui.is_empty() {
            out.push_str(&ui);
            out.push('@');
        }
        out.push_str(&host);
    }
    out.push_str(&get("path"));
    let q = get("query");
    if !q.is_empty() {
        out.push('?');
        out.push_str(&q);
    }
    let f = get("fragment");
    if !f.is_empty() {
        out.push('#');
        out.push_str(&f);
    }
    out
}

/// `*semver.Version` as templates see it.
#[derive(Clone, Debug)]
pub struct SemverObject(pub crate::semver::Version);

const NO_ARGS: Signature = Signature {
    params: &[],
    variadic: None,
};

impl Object for SemverObject {
    fn type_name(&self) -> String {
        "*semver.Version".into()
    }
    fn kind(&self) -> &'static str {
        "ptr"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "Original" | "String" => {
                Some(NO_ARGS)
            }
            "Compare" | "LessThan" | "GreaterThan" | "Equal" => Some(Signature {
                params: &[Type::Any],
                variadic: None,
            }),
            _ => None,
        }
    }
    fn call_method(&self, name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        let v = &self.0;
        let other = || match args.first() {
            Some(Value::Object(o)) => o
                .as_any()
                .downcast_ref::<SemverObject>()
                .map(|x| x.0.clone())
                .ok_or_else(|| err("wrong type for value; expected *semver.Version")),
            _ => Err(err("wrong type for value; expected *semver.Version")),
        };
        Ok(match name {
            "Major" => Value::Int64(v.major() as i64),
            "Minor" => Value::Int64(v.minor() as i64),
            "Patch" => Value::Int64(v.patch() as i64),
            "Prerelease" => vs(v.prerelease()),
            "Metadata" => vs(v.metadata()),
            "Original" => vs(v.original()),
            "String" => vs(v.to_string()),
            "Compare" => Value::Int(i64::from(v.compare(&other()?))),
            "LessThan" => Value::Bool(v.compare(&other()?) < 0),
            "GreaterThan" => Value::Bool(v.compare(&other()?) > 0),
            "Equal" => Value::Bool(v.compare(&other()?) == 0),
            _ => return Err(err(format!("can't call method {name}"))),
        })
    }
    fn go_format(&self) -> String {
        self.0.to_string()
    }
    fn to_plain(&self) -> Plain {
        Plain::String(self.0.to_string())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `time.Time`.
#[derive(Clone, Debug)]
pub struct Time(pub chrono::DateTime<chrono::FixedOffset>);

impl Object for Time {
    fn type_name(&self) -> String {
        "time.Time".into()
    }
    fn kind(&self) -> &'static str {
        "struct"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Unix" | "Year" | "Day" | "Hour" | "Minute" | "Second" | "UTC" | "String" => {
                Some(NO_ARGS)
            }
            "Format" => Some(Signature {
                params: &[Type::String],
                variadic: None,
            }),
            _ => None,
        }
    }
    fn call_method(&self, name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        use chrono::{Datelike, Timelike};
        let t = &self.0;
        Ok(match name {
            "Unix" => Value::Int64(t.timestamp()),
            "Year" => Value::Int(i64::from(t.year())),
            "Day" => Value::Int(i64::from(t.day())),
            "Hour" => Value::Int(i64::from(t.hour())),
            "Minute" => Value::Int(i64::from(t.minute())),
            "Second" => Value::Int(i64::from(t.second())),
            "UTC" => Value::Object(Rc::new(Time(t.with_timezone(&chrono::Utc).fixed_offset()))),
            "String" => vs(self.go_format()),
            "Format" => vs(go_time_format(t, args.first().map(s).unwrap_or(""))),
            _ => return Err(err(format!("can't call method {name}"))),
        })
    }
    fn go_format(&self) -> String {
        go_time_format(&self.0, "2006-01-02 15:04:05.999999999 -0700 MST")
    }
    fn to_plain(&self) -> Plain {
        Plain::String(go_time_format(
            &self.0,
            "2006-01-02T15:04:05.999999999Z07:00",
        ))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn to_time(v: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    use chrono::TimeZone;
    match v {
        Value::Object(o) => {
            if let Some(t) = o.as_any().downcast_ref::<Time>() {
                return t.0;
            }
            chrono::Utc::now().fixed_offset()
        }
        Value::Int(n) | Value::Int64(n) => chrono::Utc
            .timestamp_opt(*n, 0)
            .single()
            .unwrap_or_default()
            .fixed_offset(),
        _ => chrono::Utc::now().fixed_offset(),
    }
}

fn format_date(layout: &str, date: &Value, zone: Option<&str>) -> String {
    let t = to_time(date);
    let t = match zone {
        Some("UTC") | Some("") | None => t.with_timezone(&chrono::Utc).fixed_offset(),
        Some(_) => t.with_timezone(&chrono::Utc).fixed_offset(),
    };
    go_time_format(&t, layout)
}

fn date_modify(fmt: &str, date: &Value) -> Result<Value, FuncError> {
    let nanos = parse_go_duration(fmt)
        .ok_or_else(|| err(format!("time: invalid duration {}", go_quote(fmt))))?;
    let t = to_time(date) + chrono::Duration::nanoseconds(nanos as i64);
    Ok(Value::Object(Rc::new(Time(t))))
}

fn to_date(layout: &str, text: &str) -> Result<Value, FuncError> {
    let fmt = go_layout_to_strftime(layout);
    if let Ok(t) = chrono::DateTime::parse_from_str(text, &fmt) {
        return Ok(Value::Object(Rc::new(Time(t))));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, &fmt) {
        return Ok(Value::Object(Rc::new(Time(t.and_utc().fixed_offset()))));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, &fmt) {
        let t = d
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .fixed_offset();
        return Ok(Value::Object(Rc::new(Time(t))));
    }
    Err(err(format!(
        "parsing time {} as {}: cannot parse",
        go_quote(text),
        go_quote(layout)
    )))
}

/// Parses a Go duration string (`1h30m`, `-2.5s`, `100ms`) into nanoseconds.
pub fn parse_go_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_end == 0 {
            return None;
        }
        let n: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += n * mult;
    }
    Some(if neg { -(total as i128) } else { total as i128 })
}

/// Go's `time.Duration.String`.
pub fn go_duration(nanos: i128) -> String {
    if nanos == 0 {
        return "0s".into();
    }
    let neg = nanos < 0;
    let u = nanos.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (unit, div) = if u < 1_000 {
            ("ns", 1u128)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac_str(u, div));
        out.push_str(unit);
    } else {
        let secs_total = u / 1_000_000_000;
        let h = secs_total / 3600;
        let m = (secs_total % 3600) / 60;
        let sec_part = u % 60_000_000_000;
        if h > 0 {
            out.push_str(&format!("{h}h{m}m"));
        } else if m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac_str(sec_part, 1_000_000_000));
        out.push('s');
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

fn frac_str(v: u128, div: u128) -> String {
    let whole = v / div;
    let frac = v % div;
    if frac == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let f = format!("{frac:0width$}");
    format!("{whole}.{}", f.trim_end_matches('0'))
}

fn go_layout_to_strftime(layout: &str) -> String {
    let mut out = String::new();
    let mut rest = layout;
    const TOKENS: &[(&str, &str)] = &[
        ("2006", "%Y"),
        ("January", "%B"),
        ("Monday", "%A"),
        ("Jan", "%b"),
        ("Mon", "%a"),
        ("MST", "%Z"),
        ("Z07:00", "%:z"),
        ("-07:00", "%:z"),
        ("-0700", "%z"),
        ("Z0700", "%z"),
        ("01", "%m"),
        ("02", "%d"),
        ("_2", "%e"),
        ("15", "%H"),
        ("03", "%I"),
        ("04", "%M"),
        ("05", "%S"),
        ("06", "%y"),
        ("PM", "%p"),
        ("pm", "%P"),
        (".000000000", "%.9f"),
        (".999999999", "%.f"),
        (".000000", "%.6f"),
        (".000", "%.3f"),
        ("1", "%-m"),
        ("2", "%-d"),
        ("3", "%-I"),
        ("4", "%-M"),
        ("5", "%-S"),
    ];
    'outer: while !rest.is_empty() {
        for (tok, rep) in TOKENS {
            if let Some(r) = rest.strip_prefix(tok) {
                out.push_str(rep);
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c == '%' {
            out.push_str("%%");
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Formats a time with a Go reference layout (`2006-01-02T15:04:05Z07:00`).
pub fn go_time_format(t: &chrono::DateTime<chrono::FixedOffset>, layout: &str) -> String {
    let fmt = go_layout_to_strftime(layout);
    let mut out = t.format(&fmt).to_string();
    if layout.contains("Z07:00") && t.offset().local_minus_utc() == 0 {
        out = out.replace("+00:00", "Z");
    }
    if layout.contains("MST") && t.offset().local_minus_utc() == 0 {
        out = out.replace("+00:00", "UTC");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::gofmt::sprint_value;

    fn call(name: &str, args: Vec<Value>) -> String {
        sprint_value(&super::super::call(name, args).unwrap())
    }

    #[test]
    fn helm_data_functions() {
        assert_eq!(
            call("fromYaml", vec![vs("a: [x, y, n]")]),
            "map[a:[x true false]]"
        );
        assert_eq!(
            call("fromYaml", vec![vs("- 1")]),
            "map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]"
        );
        assert_eq!(
            call("fromJson", vec![vs("[1]")]),
            "map[Error:json: cannot unmarshal array into Go value of type map[string]interface {}]"
        );
        assert_eq!(call("fromJsonArray", vec![vs("[1,2]")]), "[1 2]");
        let mut b = crate::value::Map::new();
        b.insert("c".into(), Plain::from("x"));
        let mut m = crate::value::Map::new();
        m.insert("a".into(), Plain::Float(1.0));
        m.insert("b".into(), Plain::Map(b));
        assert_eq!(to_toml(&Plain::Map(m)), "a = 1.0\n\n[b]\n  c = \"x\"\n");
    }

    #[test]
    fn encodings_hashes_and_paths() {
        assert_eq!(call("b64enc", vec![vs("hello")]), "aGVsbG8=");
        assert_eq!(call("b64dec", vec![vs("aGVsbG8=")]), "hello");
        assert_eq!(
            call("b64dec", vec![vs("a!")]),
            "illegal base64 data at input byte 1"
        );
        assert_eq!(
            call("sha256sum", vec![vs("abc")]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(call("adler32sum", vec![vs("Wikipedia")]), "300286872");
        assert_eq!(path_clean("a/../b/./c/"), "b/c");
        assert_eq!(path_dir("a/b/c.txt"), "a/b");
        assert_eq!(path_base("a/b/c.txt"), "c.txt");
        assert_eq!(path_ext("a/b.tar.gz"), ".gz");
    }

    #[test]
    fn regexes_and_semver() {
        assert_eq!(
            call(
                "regexReplaceAll",
                vec![vs("a(x*)b"), vs("-axb-"), vs("$1W")]
            ),
            "--"
        );
        assert_eq!(
            call(
                "regexReplaceAll",
                vec![vs("a(x*)b"), vs("-axb-"), vs("${1}W")]
            ),
            "-xW-"
        );
        assert_eq!(
            call("semverCompare", vec![vs(">=1.20"), vs("1.25.0-gke.1")]),
            "false"
        );
        assert_eq!(
            call("semverCompare", vec![vs(">=1.20-0"), vs("1.25.0-gke.1")]),
            "true"
        );
        assert_eq!(call("duration", vec![Value::Int(95)]), "0s");
        assert_eq!(call("duration", vec![vs("95")]), "1m35s");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(go_duration(100_000_000), "100ms");
    }

    #[test]
    fn defaults_and_reflection() {
        for e in [
            Value::Int(0),
            Value::Bool(false),
            vs(""),
            Value::list(vec![]),
        ] {
            assert_eq!(call("default", vec![vs("d"), e]), "d");
        }
        assert_eq!(call("default", vec![vs("d")]), "d");
        assert_eq!(call("typeOf", vec![Value::Float(1.0)]), "float64");
        assert_eq!(call("kindOf", vec![Value::Nil]), "invalid");
        assert_eq!(call("coalesce", vec![Value::Nil, vs(""), vs("x")]), "x");
        assert_eq!(
            call(
                "ternary",
                vec![Value::Int(1), Value::Int(2), Value::Bool(false)]
            ),
            "2"
        );
        let t = to_date("2006-01-02", "2024-03-05").unwrap();
        assert_eq!(
            call("date", vec![vs("2006/01/02 15:04"), t.clone()]),
            "2024/03/05 00:00"
        );
        assert_eq!(call("unixEpoch", vec![t]), "1709596800");
    }
}
