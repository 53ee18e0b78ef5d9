//! `Chart.yaml` (and `requirements.yaml`, `Chart.lock`) decoding and validation as Helm
//! 3.17.2 does it.
//!
//! Helm decodes these files with `sigs.k8s.io/yaml` into Go structs: go-yaml v2 typing,
//! then numbers and booleans that land in a string field are re-stringified (`%g` at
//! 32-bit precision for floats: `1.10` → `1.1`), then `encoding/json` fills the struct
//! (field names matched exactly, else case-insensitively; unknown fields ignored; `null`
//! leaves a field alone; a type mismatch is an error). [`Metadata::validate`] is
//! `chart.Metadata.Validate`: sanitising of strings and the `validation: …` checks.

use super::{Dependency, Maintainer, Metadata};
use crate::semver::Version;
use crate::value::{Map, Value};
use std::collections::BTreeMap;

/// The JSON type name Go's decoder reports for a value.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

/// A JSON decoding failure, rendered like Go's `json.UnmarshalTypeError`.
fn type_error(v: &Value, structure: &str, field: &str, go_type: &str) -> String {
    format!(
        "json: cannot unmarshal {} into Go struct field {structure}.{field} of type {go_type}",
        json_kind(v)
    )
}

/// A scalar converted the way `sigs.k8s.io/yaml` feeds a Go string field.
fn scalar_to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(crate::yaml::format_float32(*f)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Where a decoded field goes, for error messages (`Metadata.name`).
struct Ctx<'a> {
    structure: &'a str,
    prefix: &'a str,
}

impl Ctx<'_> {
    fn path(&self, field: &str) -> String {
        if self.prefix.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.prefix)
        }
    }

    fn string(&self, v: &Value, field: &str, out: &mut String) -> Result<(), String> {
        match v {
            Value::Null => Ok(()),
            other => match scalar_to_string(other) {
                Some(s) => {
                    *out = s;
                    Ok(())
                }
                None => Err(type_error(v, self.structure, &self.path(field), "string")),
            },
        }
    }

    fn boolean(&self, v: &Value, field: &str, out: &mut bool) -> Result<(), String> {
        match v {
            Value::Null => Ok(()),
            Value::Bool(b) => {
                *out = *b;
                Ok(())
            }
            _ => Err(type_error(v, self.structure, &self.path(field), "bool")),
        }
    }

    fn strings(&self, v: &Value, field: &str, out: &mut Vec<String>) -> Result<(), String> {
        match v {
            Value::Null => {
                out.clear();
                Ok(())
            }
            Value::List(items) => {
                let mut res = Vec::with_capacity(items.len());
                for item in items {
                    let mut s = String::new();
                    self.string(item, field, &mut s)?;
                    res.push(s);
                }
                *out = res;
                Ok(())
            }
            _ => Err(type_error(v, self.structure, &self.path(field), "[]string")),
        }
    }

    fn string_map(
        &self,
        v: &Value,
        field: &str,
        out: &mut BTreeMap<String, String>,
    ) -> Result<(), String> {
        match v {
            Value::Null => {
                out.clear();
                Ok(())
            }
            Value::Map(m) => {
                for (k, item) in m {
                    let mut s = String::new();
                    self.string(item, field, &mut s)?;
                    out.insert(k.clone(), s);
                }
                Ok(())
            }
            _ => Err(type_error(
                v,
                self.structure,
                &self.path(field),
                "map[string]string",
            )),
        }
    }
}

/// Fields of a JSON object in the order Go's decoder applies them (keys sorted, as the
/// YAML→JSON step marshals a Go map), each resolved to a known field name: exact match
/// first, else ASCII case-insensitive. Unknown keys are dropped.
fn fields<'a>(m: &'a Map, known: &[&'static str]) -> Vec<(&'static str, &'a Value)> {
    let mut out = Vec::new();
    for (k, v) in m {
        let exact = known.iter().find(|f| **f == k.as_str());
        let folded = exact.or_else(|| known.iter().find(|f| f.eq_ignore_ascii_case(k)));
        if let Some(f) = folded {
            out.push((*f, v));
        }
    }
    out
}

/// Values in `import-values` went through JSON: every number is a float64.
fn json_numbers(v: &Value) -> Value {
    match v {
        Value::Int(i) => Value::Float(*i as f64),
        Value::List(l) => Value::List(l.iter().map(json_numbers).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), json_numbers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

const MAINTAINER_FIELDS: &[&str] = &["name", "email", "url"];
const DEPENDENCY_FIELDS: &[&str] = &[
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "enabled",
    "import-values",
    "alias",
];
const METADATA_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];

fn decode_maintainer(v: &Value, out: &mut Maintainer) -> Result<(), String> {
    let ctx = Ctx {
        structure: "Maintainer",
        prefix: "maintainers",
    };
    let Value::Map(m) = v else {
        return Err(type_error(v, "Metadata", "maintainers", "chart.Maintainer"));
    };
    for (f, v) in fields(m, MAINTAINER_FIELDS) {
        match f {
            "name" => ctx.string(v, f, &mut out.name)?,
            "email" => ctx.string(v, f, &mut out.email)?,
            _ => ctx.string(v, f, &mut out.url)?,
        }
    }
    Ok(())
}

/// Decodes one `dependencies` entry; `structure`/`prefix` name it in errors.
fn decode_dependency(v: &Value, out: &mut Dependency, structure: &str) -> Result<(), String> {
    let ctx = Ctx {
        structure: "Dependency",
        prefix: "dependencies",
    };
    let Value::Map(m) = v else {
        return Err(type_error(v, structure, "dependencies", "chart.Dependency"));
    };
    for (f, v) in fields(m, DEPENDENCY_FIELDS) {
        match f {
            "name" => ctx.string(v, f, &mut out.name)?,
            "version" => ctx.string(v, f, &mut out.version)?,
            "repository" => ctx.string(v, f, &mut out.repository)?,
            "condition" => ctx.string(v, f, &mut out.condition)?,
            "tags" => ctx.strings(v, f, &mut out.tags)?,
            "enabled" => ctx.boolean(v, f, &mut out.enabled)?,
            "import-values" => match v {
                Value::Null => out.import_values.clear(),
                Value::List(l) => out.import_values = l.iter().map(json_numbers).collect(),
                _ => {
                    return Err(type_error(
                        v,
                        "Dependency",
                        "dependencies.import-values",
                        "[]interface {}",
                    ))
                }
            },
            _ => ctx.string(v, f, &mut out.alias)?,
        }
    }
    Ok(())
}

/// Decodes a `dependencies` list: `None` entries are YAML nulls (rejected by
/// validation, as Helm's nil pointers are).
fn decode_dependencies(
    v: &Value,
    structure: &str,
) -> Result<Option<Vec<Option<Dependency>>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::List(items) => {
            let mut res = Vec::with_capacity(items.len());
            for item in items {
                if item.is_null() {
                    res.push(None);
                } else {
                    let mut d = Dependency::default();
                    decode_dependency(item, &mut d, structure)?;
                    res.push(Some(d));
                }
            }
            Ok(Some(res))
        }
        _ => Err(type_error(
            v,
            structure,
            "dependencies",
            "[]*chart.Dependency",
        )),
    }
}

/// `Chart.yaml` as decoded, before validation: remembers YAML-null list entries, which
/// Helm keeps as nil pointers and then rejects.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawMetadata {
    pub(crate) md: Metadata,
    pub(crate) null_maintainer: bool,
    pub(crate) null_dependency: bool,
}

/// Decodes a YAML document (go-yaml typed, see [`crate::yaml::parse_typed`]) into
/// `raw` like `json.Unmarshal` into an existing `chart.Metadata`: only the keys present
/// change fields. Errors are Go's `json:` texts.
pub(crate) fn decode_metadata_into(doc: &Value, raw: &mut RawMetadata) -> Result<(), String> {
    let m = match doc {
        Value::Null => return Ok(()),
        Value::Map(m) => m,
        other => {
            return Err(format!(
                "json: cannot unmarshal {} into Go value of type chart.Metadata",
                json_kind(other)
            ))
        }
    };
    let ctx = Ctx {
        structure: "Metadata",
        prefix: "",
    };
    let md = &mut raw.md;
    for (f, v) in fields(m, METADATA_FIELDS) {
        match f {
            "name" => ctx.string(v, f, &mut md.name)?,
            "home" => ctx.string(v, f, &mut md.home)?,
            "sources" => ctx.strings(v, f, &mut md.sources)?,
            "version" => ctx.string(v, f, &mut md.version)?,
            "description" => ctx.string(v, f, &mut md.description)?,
            "keywords" => ctx.strings(v, f, &mut md.keywords)?,
            "maintainers" => match v {
                Value::Null => {
                    md.maintainers.clear();
                    raw.null_maintainer = false;
                }
                Value::List(items) => {
                    let mut res = Vec::with_capacity(items.len());
                    raw.null_maintainer = false;
                    for item in items {
                        if item.is_null() {
                            raw.null_maintainer = true;
                            continue;
                        }
                        let mut mt = Maintainer::default();
                        decode_maintainer(item, &mut mt)?;
                        res.push(mt);
                    }
                    md.maintainers = res;
                }
                _ => {
                    return Err(type_error(
                        v,
                        "Metadata",
                        "maintainers",
                        "[]*chart.Maintainer",
                    ))
                }
            },
            "icon" => ctx.string(v, f, &mut md.icon)?,
            "apiVersion" => ctx.string(v, f, &mut md.api_version)?,
            "condition" => ctx.string(v, f, &mut md.condition)?,
            "tags" => ctx.string(v, f, &mut md.tags)?,
            "appVersion" => ctx.string(v, f, &mut md.app_version)?,
            "deprecated" => ctx.boolean(v, f, &mut md.deprecated)?,
            "annotations" => ctx.string_map(v, f, &mut md.annotations)?,
            "kubeVersion" => ctx.string(v, f, &mut md.kube_version)?,
            "dependencies" => {
                let deps = decode_dependencies(v, "Metadata")?.unwrap_or_default();
                raw.null_dependency = deps.iter().any(Option::is_none);
                md.dependencies = deps.into_iter().flatten().collect();
            }
            _ => ctx.string(v, f, &mut md.chart_type)?,
        }
    }
    Ok(())
}

/// `Chart.lock` / `requirements.lock` (Helm's `chart.Lock`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lock {
    /// `generated`: an RFC 3339 timestamp, as written.
    pub generated: String,
    /// `digest`
    pub digest: String,
    /// `dependencies`
    pub dependencies: Vec<Dependency>,
}

/// Whether `s` is accepted by Go's `time.Time.UnmarshalJSON` (RFC 3339).
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !(b[10] == b'T' || b[10] == b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z'] | [b'z'] => true,
        [sign, h1, h2, b':', m1, m2] => {
            (*sign == b'+' || *sign == b'-') && [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
        }
        _ => false,
    }
}

/// Decodes a lock file document like `json.Unmarshal` into `chart.Lock`.
pub(crate) fn decode_lock(doc: &Value) -> Result<Option<Lock>, String> {
    let m = match doc {
        Value::Null => return Ok(None),
        Value::Map(m) => m,
        other => {
            return Err(format!(
                "json: cannot unmarshal {} into Go value of type chart.Lock",
                json_kind(other)
            ))
        }
    };
    let ctx = Ctx {
        structure: "Lock",
        prefix: "",
    };
    let mut lock = Lock::default();
    for (f, v) in fields(m, &["generated", "digest", "dependencies"]) {
        match f {
            "generated" => match v {
                Value::Null => {}
                Value::String(s) if is_rfc3339(s) => lock.generated = s.clone(),
                Value::String(s) => {
                    return Err(format!(
                    "parsing time {} as \"2006-01-02T15:04:05Z07:00\": cannot parse {} as \"2006\"",
                    go_quote(s),
                    go_quote(s)
                ))
                }
                _ => return Err(type_error(v, "Lock", "generated", "time.Time")),
            },
            "digest" => ctx.string(v, f, &mut lock.digest)?,
            _ => {
                lock.dependencies = decode_dependencies(v, "Lock")?
                    .unwrap_or_default()
                    .into_iter()
                    .flatten()
                    .collect();
            }
        }
    }
    Ok(Some(lock))
}

/// Helm's `sanitizeString`: Unicode white space becomes a space, other non-printable
/// characters are removed.
pub(crate) fn sanitize(s: &mut String) {
    if s.chars()
        .all(|c| (c == ' ' || !c.is_whitespace()) && is_go_print(c))
    {
        return;
    }
    *s = s
        .chars()
        .filter_map(|c| {
            if go_is_space(c) {
                Some(' ')
            } else if is_go_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect();
}

/// Go's `unicode.IsSpace`.
fn go_is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// Go's `unicode.IsPrint` (letters, marks, numbers, punctuation, symbols and the ASCII
/// space), approximated with Rust's classes: controls, unassigned/private/format
/// characters and separators other than U+0020 are not printable.
fn is_go_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    // Format characters (Cf), private use, and non-characters are not graphic in Go.
    let format = matches!(u, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    let nonchar = (u & 0xFFFE) == 0xFFFE || (0xFDD0..=0xFDEF).contains(&u);
    !(format || private || nonchar)
}

/// Go's `filepath.Base` on a name.
fn go_base(name: &str) -> &str {
    super::ignore::go_base(name)
}

/// Why metadata is invalid: the text after Helm's `validation: ` prefix.
pub(crate) fn validate(raw: &mut RawMetadata) -> Result<(), String> {
    let md = &mut raw.md;
    for s in [
        &mut md.name,
        &mut md.description,
        &mut md.home,
        &mut md.icon,
        &mut md.condition,
        &mut md.tags,
        &mut md.app_version,
        &mut md.kube_version,
    ] {
        sanitize(s);
    }
    md.sources.iter_mut().for_each(sanitize);
    md.keywords.iter_mut().for_each(sanitize);
    if md.api_version.is_empty() {
        return Err("chart.metadata.apiVersion is required".into());
    }
    if md.name.is_empty() {
        return Err("chart.metadata.name is required".into());
    }
    if go_base(&md.name) != md.name {
        return Err(format!(
            "chart.metadata.name {} is invalid",
            go_quote(&md.name)
        ));
    }
    if md.version.is_empty() {
        return Err("chart.metadata.version is required".into());
    }
    if Version::parse(&md.version).is_err() {
        return Err(format!(
            "chart.metadata.version {} is invalid",
            go_quote(&md.version)
        ));
    }
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        return Err("chart.metadata.type must be application or library".into());
    }
    if raw.null_maintainer {
        return Err("maintainers must not contain empty or null nodes".into());
    }
    for m in &mut md.maintainers {
        sanitize(&mut m.name);
        sanitize(&mut m.email);
        sanitize(&mut m.url);
    }
    if raw.null_dependency {
        return Err("dependencies must not contain empty or null nodes".into());
    }
    let mut seen = std::collections::HashSet::new();
    for d in &mut md.dependencies {
        sanitize(&mut d.name);
        sanitize(&mut d.version);
        sanitize(&mut d.repository);
        sanitize(&mut d.condition);
        d.tags.iter_mut().for_each(sanitize);
        if !d.alias.is_empty()
            && !d
                .alias
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(format!(
                "dependency {} has disallowed characters in the alias",
                go_quote(&d.name)
            ));
        }
        let key = if d.alias.is_empty() {
            &d.name
        } else {
            &d.alias
        };
        if !seen.insert(key.clone()) {
            return Err(format!(
                "more than one dependency with name or alias {}",
                go_quote(key)
            ));
        }
    }
    Ok(())
}

/// Go's `strconv.Quote` (`%q`).
pub(crate) fn go_quote(s: &str) -> String {
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
            c if c == ' ' || is_go_print(c) => o.push(c),
            c if (c as u32) < 0x80 => o.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    o.push('"');
    o
}

impl Metadata {
    /// The metadata as `json.Marshal(chart.Metadata)` sees it (field names, `omitempty`),
    /// ready for [`crate::yaml::marshal`] (`helm show chart`, `helm package`).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        let put_str = |m: &mut Map, k: &str, v: &str| {
            if !v.is_empty() {
                m.insert(k.to_string(), Value::String(v.to_string()));
            }
        };
        put_str(&mut m, "name", &self.name);
        put_str(&mut m, "home", &self.home);
        put_str(&mut m, "version", &self.version);
        put_str(&mut m, "description", &self.description);
        put_str(&mut m, "icon", &self.icon);
        put_str(&mut m, "apiVersion", &self.api_version);
        put_str(&mut m, "condition", &self.condition);
        put_str(&mut m, "tags", &self.tags);
        put_str(&mut m, "appVersion", &self.app_version);
        put_str(&mut m, "kubeVersion", &self.kube_version);
        put_str(&mut m, "type", &self.chart_type);
        let strs = |v: &[String]| Value::List(v.iter().cloned().map(Value::String).collect());
        if !self.sources.is_empty() {
            m.insert("sources".into(), strs(&self.sources));
        }
        if !self.keywords.is_empty() {
            m.insert("keywords".into(), strs(&self.keywords));
        }
        if !self.maintainers.is_empty() {
            let list = self
                .maintainers
                .iter()
                .map(|mt| {
                    let mut e = Map::new();
                    put_str(&mut e, "name", &mt.name);
                    put_str(&mut e, "email", &mt.email);
                    put_str(&mut e, "url", &mt.url);
                    Value::Map(e)
                })
                .collect();
            m.insert("maintainers".into(), Value::List(list));
        }
        if self.deprecated {
            m.insert("deprecated".into(), Value::Bool(true));
        }
        if !self.annotations.is_empty() {
            m.insert(
                "annotations".into(),
                Value::Map(
                    self.annotations
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect(),
                ),
            );
        }
        if !self.dependencies.is_empty() {
            m.insert(
                "dependencies".into(),
                Value::List(self.dependencies.iter().map(Dependency::to_value).collect()),
            );
        }
        Value::Map(m)
    }
}

impl Dependency {
    /// The dependency as `json.Marshal(chart.Dependency)` sees it (`name` and
    /// `repository` always present, the rest `omitempty`).
    pub fn to_value(&self) -> Value {
        let mut e = Map::new();
        e.insert("name".into(), Value::String(self.name.clone()));
        e.insert("repository".into(), Value::String(self.repository.clone()));
        for (k, v) in [
            ("version", &self.version),
            ("condition", &self.condition),
            ("alias", &self.alias),
        ] {
            if !v.is_empty() {
                e.insert(k.into(), Value::String(v.clone()));
            }
        }
        if !self.tags.is_empty() {
            e.insert(
                "tags".into(),
                Value::List(self.tags.iter().cloned().map(Value::String).collect()),
            );
        }
        if self.enabled {
            e.insert("enabled".into(), Value::Bool(true));
        }
        if !self.import_values.is_empty() {
            e.insert(
                "import-values".into(),
                Value::List(self.import_values.clone()),
            );
        }
        Value::Map(e)
    }
}

impl Lock {
    /// The lock as `json.Marshal(chart.Lock)` sees it (no `omitempty`).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("generated".into(), Value::String(self.generated.clone()));
        m.insert("digest".into(), Value::String(self.digest.clone()));
        m.insert(
            "dependencies".into(),
            Value::List(self.dependencies.iter().map(Dependency::to_value).collect()),
        );
        Value::Map(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(text: &str) -> Result<RawMetadata, String> {
        let doc = crate::yaml::parse_typed(text, "Chart.yaml").map_err(|e| e.to_string())?;
        let mut raw = RawMetadata::default();
        decode_metadata_into(&doc, &mut raw)?;
        Ok(raw)
    }

    #[test]
    fn numbers_and_bools_are_restringified_like_helm() {
        let raw = decode(
            "name: off\nversion: 1.10\nappVersion: 1.10\ndescription: 010\nkeywords: [yes, 1.50]\nannotations: {a: 1.50, b: on}\n",
        )
        .unwrap();
        let md = raw.md;
        assert_eq!(md.name, "false");
        assert_eq!(md.version, "1.1");
        assert_eq!(md.app_version, "1.1");
        assert_eq!(md.description, "8");
        assert_eq!(md.keywords, vec!["true", "1.5"]);
        assert_eq!(md.annotations.get("a").map(String::as_str), Some("1.5"));
        assert_eq!(md.annotations.get("b").map(String::as_str), Some("true"));
    }

    #[test]
    fn case_insensitive_fields_and_type_errors() {
        let raw = decode("NAME: x\nApiVersion: v2\nversion: 1.0.0\nunknown: [1]\n").unwrap();
        assert_eq!(raw.md.name, "x");
        assert_eq!(raw.md.api_version, "v2");
        assert_eq!(
            decode("name: [a]\n").err().as_deref(),
            Some("json: cannot unmarshal array into Go struct field Metadata.name of type string")
        );
        assert_eq!(
            decode("deprecated: \"yes\"\n").err().as_deref(),
            Some("json: cannot unmarshal string into Go struct field Metadata.deprecated of type bool")
        );
        assert_eq!(
            decode("- a\n").err().as_deref(),
            Some("json: cannot unmarshal array into Go value of type chart.Metadata")
        );
    }

    #[test]
    fn validation_messages() {
        let check = |text: &str| {
            let mut raw = decode(text).unwrap();
            if raw.md.api_version.is_empty() {
                raw.md.api_version = "v1".into();
            }
            validate(&mut raw).err()
        };
        assert_eq!(
            check("version: 1.0.0\n").as_deref(),
            Some("chart.metadata.name is required")
        );
        assert_eq!(
            check("name: a/b\nversion: 1\n").as_deref(),
            Some("chart.metadata.name \"a/b\" is invalid")
        );
        assert_eq!(
            check("name: a\n").as_deref(),
            Some("chart.metadata.version is required")
        );
        assert_eq!(
            check("name: a\nversion: abc\n").as_deref(),
            Some("chart.metadata.version \"abc\" is invalid")
        );
        assert_eq!(
            check("name: a\nversion: 1.2.3.4\n").as_deref(),
            Some("chart.metadata.version \"1.2.3.4\" is invalid")
        );
        assert_eq!(
            check("name: a\nversion: 1\ntype: app\n").as_deref(),
            Some("chart.metadata.type must be application or library")
        );
        assert_eq!(
            check("name: a\nversion: 1\nmaintainers: [~]\n").as_deref(),
            Some("maintainers must not contain empty or null nodes")
        );
        assert_eq!(
            check("name: a\nversion: 1\ndependencies: [~]\n").as_deref(),
            Some("dependencies must not contain empty or null nodes")
        );
        assert_eq!(
            check("name: a\nversion: 1\ndependencies: [{name: b, alias: a.b}]\n").as_deref(),
            Some("dependency \"b\" has disallowed characters in the alias")
        );
        assert_eq!(
            check("name: a\nversion: 1\ndependencies: [{name: b}, {name: c, alias: b}]\n")
                .as_deref(),
            Some("more than one dependency with name or alias \"b\"")
        );
        assert_eq!(check("name: a\nversion: v1.2\napiVersion: v3\n"), None);
    }

    #[test]
    fn sanitising_strings() {
        let mut s = "a\tb\u{7}c\u{a0}d\u{200b}e".to_string();
        sanitize(&mut s);
        assert_eq!(s, "a bc de");
    }

    #[test]
    fn rfc3339() {
        assert!(is_rfc3339("2024-01-02T03:04:05.123456789Z"));
        assert!(is_rfc3339("2024-01-02T03:04:05+02:00"));
        assert!(!is_rfc3339("2024-01-02"));
    }
}
