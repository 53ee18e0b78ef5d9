//! The plain value model shared by values files, `--set` flags, manifests and release
//! records.
//!
//! It mirrors what Helm holds in a `map[string]interface{}` after decoding YAML or JSON:
//! `nil`, `bool`, `int64`, `float64`, `string`, `[]interface{}` and
//! `map[string]interface{}`. Maps are ordered by key (byte order), which is the order in
//! which Go's `encoding/json` and `text/template`'s `range` visit map keys.
//!
//! Numbers keep Go's distinction: values read from YAML or JSON files are
//! [`Value::Float`] (Helm decodes through JSON into `float64`), while `--set` produces
//! [`Value::Int`] (`int64`). The template engine has its own richer, Go-typed value
//! (`crate::template::value`); this one is `Send`, cheap to reason about and serialisable.

use std::collections::BTreeMap;
use std::fmt;

/// A map with string keys, iterated in byte order of the keys.
pub type Map = BTreeMap<String, Value>;

/// A plain, owned value: what a values file, a `--set` flag or a manifest holds.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// YAML `null`/`~`/empty, JSON `null`, Go `nil`.
    #[default]
    Null,
    /// A boolean (YAML 1.1 spellings such as `yes`/`off` included).
    Bool(bool),
    /// A signed 64-bit integer (Go `int64`), e.g. from `--set n=1`.
    Int(i64),
    /// A 64-bit float (Go `float64`): every number read from a YAML or JSON file.
    Float(f64),
    /// A UTF-8 string.
    String(String),
    /// A list (Go `[]interface{}`).
    List(Vec<Value>),
    /// A map with string keys (Go `map[string]interface{}`).
    Map(Map),
}

impl Value {
    /// An empty map value (`{}`).
    pub fn empty_map() -> Value {
        Value::Map(Map::new())
    }

    /// The Go type name of the value as `%T` prints it for decoded YAML/JSON data.
    pub fn go_type_name(&self) -> &'static str {
        match self {
            Value::Null => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) => "[]interface {}",
            Value::Map(_) => "map[string]interface {}",
        }
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The map inside, if this is a map.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The map inside, mutably, if this is a map.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The list inside, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// Looks up a dotted path of map keys (`"a.b.c"`); `None` when any step is missing
    /// or not a map.
    pub fn path(&self, dotted: &str) -> Option<&Value> {
        let mut cur = self;
        for part in dotted.split('.') {
            cur = cur.as_map()?.get(part)?;
        }
        Some(cur)
    }

    /// Converts a JSON value the way Go's `encoding/json` decodes into `interface{}`:
    /// every number becomes a [`Value::Float`].
    pub fn from_json_go(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::List(a.iter().map(Value::from_json_go).collect()),
            serde_json::Value::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json_go(v)))
                    .collect(),
            ),
        }
    }

    /// Converts a JSON value keeping integers as [`Value::Int`] where they fit in `i64`
    /// (the typing Kubernetes' JSON decoding and the strategic merge patch use).
    pub fn from_json_typed(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => {
                Value::List(a.iter().map(Value::from_json_typed).collect())
            }
            serde_json::Value::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json_typed(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to a JSON value. Non-finite floats cannot be represented in JSON (Go's
    /// `json.Marshal` fails on them too) and produce an error.
    pub fn to_json(&self) -> Result<serde_json::Value, NonFiniteFloat> {
        Ok(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Value::Number(
                serde_json::Number::from_f64(*f).ok_or(NonFiniteFloat(*f))?,
            ),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(l) => {
                serde_json::Value::Array(l.iter().map(Value::to_json).collect::<Result<_, _>>()?)
            }
            Value::Map(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), v.to_json()?)))
                    .collect::<Result<_, NonFiniteFloat>>()?,
            ),
        })
    }
}

/// A float that JSON cannot represent (`NaN`, `+Inf`, `-Inf`).
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("json: unsupported value: {}", go_special_float(*.0))]
pub struct NonFiniteFloat(pub f64);

fn go_special_float(f: f64) -> &'static str {
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(l: Vec<Value>) -> Self {
        Value::List(l)
    }
}

impl fmt::Display for Value {
    /// A debugging rendering as compact JSON (non-finite floats as Go prints them).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_json() {
            Ok(j) => write!(f, "{j}"),
            Err(e) => write!(f, "<{e}>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_go_decoding_makes_every_number_a_float() {
        let j: serde_json::Value =
            serde_json::from_str(r#"{"a":1,"b":[2.5,"x",null,true]}"#).unwrap();
        let v = Value::from_json_go(&j);
        assert_eq!(v.path("a"), Some(&Value::Float(1.0)));
        assert_eq!(
            v.path("b"),
            Some(&Value::List(vec![
                Value::Float(2.5),
                Value::from("x"),
                Value::Null,
                Value::Bool(true)
            ]))
        );
        assert_eq!(v.go_type_name(), "map[string]interface {}");
    }

    #[test]
    fn typed_json_decoding_keeps_integers() {
        let j: serde_json::Value = serde_json::from_str(r#"{"a":1,"b":1.0}"#).unwrap();
        let v = Value::from_json_typed(&j);
        assert_eq!(v.path("a"), Some(&Value::Int(1)));
        assert_eq!(v.path("b"), Some(&Value::Float(1.0)));
        assert_eq!(v.to_json().unwrap(), j);
    }

    #[test]
    fn non_finite_floats_do_not_become_json() {
        let err = Value::Float(f64::INFINITY).to_json().unwrap_err();
        assert_eq!(err.to_string(), "json: unsupported value: +Inf");
        assert!(Value::List(vec![Value::Float(f64::NAN)]).to_json().is_err());
    }

    #[test]
    fn path_walks_maps_only() {
        let mut inner = Map::new();
        inner.insert("b".into(), Value::Int(3));
        let mut outer = Map::new();
        outer.insert("a".into(), Value::Map(inner));
        outer.insert("s".into(), Value::from("x"));
        let v = Value::Map(outer);
        assert_eq!(v.path("a.b"), Some(&Value::Int(3)));
        assert_eq!(v.path("s.b"), None);
        assert_eq!(v.path("missing"), None);
    }
}
