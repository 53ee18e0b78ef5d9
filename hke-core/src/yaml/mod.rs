//! YAML as Helm 3.17 reads and writes it.
//!
//! Reading ([`parse`], [`parse_all`], [`parse_typed`]) follows `sigs.k8s.io/yaml`
//! v1.4.0 over go-yaml v2: YAML 1.1 scalar resolution (`yes`/`on`/`y` booleans, also as
//! keys; `0755` octal; timestamps and sexagesimal numbers kept as text), anchors, aliases
//! and `<<` merges, non-string keys converted to strings, and, for [`parse`], the JSON
//! round trip that makes every number a float. Syntax errors carry go-yaml's wording and
//! line (`yaml: line 2: found character that cannot start any token`); the
//! [`YamlError`] display is Helm's (`error converting YAML to JSON: yaml: line 2: …`).
//!
//! Writing: [`to_yaml`] is Helm's `toYaml` (JSON then go-yaml v2, natural key order,
//! 80-column folding, trailing newline removed), [`marshal`] is `sigs.k8s.io/yaml.Marshal`
//! (newline kept) and [`to_yaml_pretty`] is `toYamlPretty` (go-yaml v3, indent 2).
//!
//! Submodules: [`resolve`] (scalar resolution), `decode` (events to values), `emit`
//! (the emitter), [`sort`] (natural key order).

mod decode;
mod emit;
pub mod resolve;
pub mod sort;

use crate::value::{NonFiniteFloat, Value};

pub use decode::{MAX_DECODED_NODES, MAX_DEPTH};

/// What went wrong while reading YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// The text is not well-formed YAML (scanner or parser error).
    Syntax,
    /// Well-formed YAML that go-yaml refuses to decode (bad tag value, unknown anchor,
    /// invalid merge, collection used as a key).
    Decode,
    /// The conversion to JSON failed (unsupported map key, non-finite float).
    Json,
    /// A depth, size or aliasing limit was exceeded.
    Limit,
}

/// A YAML reading error. `message` is Go's text (e.g. `yaml: line 2: did not find
/// expected key`); `line`/`column` (1-based) locate the problem precisely where known
/// (go-yaml's own line number in `message` can differ by one, as Helm prints it).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{}", if self.json_step { "error converting YAML to JSON: " } else { "" }, self.message)]
pub struct YamlError {
    /// The file or source name given by the caller.
    pub origin: String,
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// 1-based column of the problem, when known.
    pub column: Option<usize>,
    /// The class of error.
    pub kind: YamlErrorKind,
    /// Go's error text without the `error converting YAML to JSON: ` prefix.
    pub message: String,
    /// Whether the display carries `sigs.k8s.io/yaml`'s prefix (true for [`parse`],
    /// false for [`parse_typed`] and [`parse_all_typed`]).
    pub json_step: bool,
}

impl YamlError {
    /// `origin:line:column: display`, for diagnostics that should point at the text.
    pub fn located(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}: {self}", self.origin),
            (Some(l), None) => format!("{}:{l}: {self}", self.origin),
            _ => format!("{}: {self}", self.origin),
        }
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

/// Parses the first document of `text` as `sigs.k8s.io/yaml.Unmarshal` into
/// `interface{}` sees it: every number a [`Value::Float`], keys strings. An empty or
/// comment-only text gives [`Value::Null`] (callers decide whether that means `{}`).
/// `origin` names the source in errors.
pub fn parse(text: &str, origin: &str) -> Result<Value, YamlError> {
    let mut docs = decode::parse_stream(strip_bom(text), origin, decode::Mode::JsonStep, 1)?;
    Ok(docs.pop().unwrap_or(Value::Null))
}

/// Parses every document of a stream with [`parse`]'s typing. An empty stream gives no
/// document; an explicit empty document (`---` alone) gives [`Value::Null`].
pub fn parse_all(text: &str, origin: &str) -> Result<Vec<Value>, YamlError> {
    decode::parse_stream(strip_bom(text), origin, decode::Mode::JsonStep, usize::MAX)
}

/// Parses the first document as go-yaml v2 decodes it without the JSON step: integers
/// stay [`Value::Int`] (those beyond `i64` become floats), floats stay floats (`.inf`
/// and `.nan` included), keys are converted to strings as in [`parse`].
pub fn parse_typed(text: &str, origin: &str) -> Result<Value, YamlError> {
    let mut docs = decode::parse_stream(strip_bom(text), origin, decode::Mode::Typed, 1)
        .map_err(untyped_prefix)?;
    Ok(docs.pop().unwrap_or(Value::Null))
}

/// Every document of a stream with [`parse_typed`]'s typing.
pub fn parse_all_typed(text: &str, origin: &str) -> Result<Vec<Value>, YamlError> {
    decode::parse_stream(strip_bom(text), origin, decode::Mode::Typed, usize::MAX)
        .map_err(untyped_prefix)
}

fn untyped_prefix(mut e: YamlError) -> YamlError {
    e.json_step = false;
    e
}

/// Why [`try_marshal`] failed (as `sigs.k8s.io/yaml.Marshal` fails).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MarshalError {
    /// A NaN or infinite float: Go's JSON encoder refuses it.
    #[error("error marshaling into JSON: {0}")]
    NonFinite(#[from] NonFiniteFloat),
    /// A string holding DEL, a C1 control or U+FFFE/U+FFFF: Go's JSON writes it raw
    /// and go-yaml's reader then refuses the JSON text.
    #[error("yaml: control characters are not allowed")]
    ControlCharacters,
    /// A map key holding NEL (U+0085): Go's JSON writes it raw, go-yaml reads it as a
    /// line break, and a multi-line key in the JSON text fails to parse.
    #[error("yaml: map key with a NEL line break cannot be read back")]
    LineBreakInKey,
    /// A map key whose JSON form (quotes and escapes included) exceeds 1024
    /// characters: go-yaml reads JSON keys as simple keys, which cannot be longer.
    #[error("yaml: did not find expected ',' or '}}'")]
    KeyTooLong,
}

/// `sigs.k8s.io/yaml.Marshal`: the JSON encoding of `v` re-read and emitted by go-yaml
/// v2, ending with a newline. Fails on non-finite floats and on strings go-yaml
/// cannot read back (see [`MarshalError`]).
pub fn try_marshal(v: &Value) -> Result<String, MarshalError> {
    check_marshalable(v)?;
    Ok(emit::Emitter::new(emit::Flavor::V2Json).document(v))
}

/// [`try_marshal`] with the failure mapped to an empty string (Helm's `toYaml` swallows
/// it the same way).
pub fn marshal(v: &Value) -> String {
    try_marshal(v).unwrap_or_default()
}

/// Helm's `toYaml`: [`marshal`] with the trailing newline removed; `""` when the value
/// cannot be encoded (non-finite float, DEL/C1 characters), as Helm swallows that error.
pub fn to_yaml(v: &Value) -> String {
    let mut s = marshal(v);
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

/// Helm's `toYamlPretty`: go-yaml v3's encoder with indent 2 on the value itself (no JSON
/// step: `1e+06` stays a float), trailing newline removed.
pub fn to_yaml_pretty(v: &Value) -> String {
    let mut s = emit::Emitter::new(emit::Flavor::V3).document(v);
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

fn check_marshalable(v: &Value) -> Result<(), MarshalError> {
    let bad_text = |s: &str| {
        s.as_bytes().contains(&0x7F) || (!s.is_ascii() && s.chars().any(emit::yaml_reader_rejects))
    };
    match v {
        Value::Float(f) if !f.is_finite() => Err(NonFiniteFloat(*f).into()),
        Value::String(s) if bad_text(s) => Err(MarshalError::ControlCharacters),
        Value::List(l) => l.iter().try_for_each(check_marshalable),
        Value::Map(m) => m.iter().try_for_each(|(k, e)| {
            if bad_text(k) {
                Err(MarshalError::ControlCharacters)
            } else if k.contains('\u{85}') {
                Err(MarshalError::LineBreakInKey)
            } else if k.len() > 170 && json_quoted_chars(k) > 1024 {
                Err(MarshalError::KeyTooLong)
            } else {
                check_marshalable(e)
            }
        }),
        _ => Ok(()),
    }
}

/// Length in characters of a string as Go's JSON encoder quotes it.
fn json_quoted_chars(s: &str) -> usize {
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            c if (c as u32) < 0x20 => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`, the 32-bit `%g` that `sigs.k8s.io/yaml`
/// uses when a number lands in a string field (Chart.yaml's `version: 1.10` → `1.1`)
/// or is a map key.
pub fn format_float32(f: f64) -> String {
    crate::gojson::format_float_g(f, true)
}

/// The text `sigs.k8s.io/yaml` puts into a Go `string` struct field (Chart.yaml's
/// `version`, `appVersion`, `description`, `keywords`…) for a scalar read with
/// [`parse_typed`]: ints in decimal, floats with 32-bit `%g` (`1.10` → `1.1`), bools as
/// `true`/`false`, strings as they are; `None` for null and collections.
pub fn go_string_field(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(format_float32(*f)),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::List(_) | Value::Map(_) => None,
    }
}

#[cfg(test)]
mod tests;
