//! The Go-typed value the template engine evaluates.
//!
//! Go templates observe Go types: `typeOf` prints `int` for a literal `3`, `int64` for a
//! `--set` number and `float64` for a values-file number; `eq` refuses to compare an
//! `int` with a `float64`; `printf "%d"` of a float prints `%!d(float64=3)`. This enum
//! keeps exactly the distinctions templates can see.
//!
//! Maps are shared and mutable (`Rc<RefCell<…>>`), as Go maps are references: Sprig's
//! `set`, `unset` and `merge` mutate a dict in place and every holder sees the change.
//! Lists are immutable shared slices (Sprig never mutates a slice in place).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use crate::value::Value as Plain;

/// A value inside template evaluation.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// Go's untyped `nil` or a nil `interface{}` (missing map key, YAML `null`).
    #[default]
    Nil,
    /// `bool`.
    Bool(bool),
    /// Go `int` (64-bit): number literals, `len`, `until`, `atoi`, char constants.
    Int(i64),
    /// Go `int64`: `--set` numbers, `add`, `int64`, `toDecimal`.
    Int64(i64),
    /// Go `float64`: every number from a values file, `float64`, `addf`.
    Float(f64),
    /// Go `string`.
    String(Rc<str>),
    /// Go `[]byte` (`.Files.GetBytes`).
    Bytes(Rc<[u8]>),
    /// A Go slice.
    List(List),
    /// A Go map with string keys.
    Map(Map),
    /// A Go struct or pointer with fields and methods (`.Chart`, `.Capabilities`,
    /// `.Files`, `*semver.Version`, `time.Time`, certificates …).
    Object(Rc<dyn Object>),
}

/// The element type of a Go slice, which `typeOf` and argument checks can see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElemType {
    /// `[]interface {}`
    Interface,
    /// `[]string`
    String,
    /// `[]int`
    Int,
    /// `[]int64`
    Int64,
    /// `[]float64`
    Float64,
}

/// A Go slice: an element type and shared, immutable items.
#[derive(Clone, Debug)]
pub struct List {
    /// The declared element type.
    pub elem: ElemType,
    /// The elements.
    pub items: Rc<Vec<Value>>,
}

/// The Go type of a map value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    /// `map[string]interface {}`
    Interface,
    /// `chartutil.Values` (has the methods `YAML`, `Table`, `AsMap`, `Encode`, `PathValue`).
    Values,
    /// `map[string]string` (e.g. `.Chart.Annotations`).
    String,
}

/// A Go map with string keys, shared by reference like a Go map.
#[derive(Clone, Debug)]
pub struct Map {
    /// The Go type of the map.
    pub kind: MapKind,
    /// The entries, in byte order of the keys (Go's iteration order for `range`/`%v`).
    pub entries: Rc<RefCell<BTreeMap<String, Value>>>,
}

impl Map {
    /// A new empty map of the given kind.
    pub fn new(kind: MapKind) -> Map {
        Map {
            kind,
            entries: Rc::new(RefCell::new(BTreeMap::new())),
        }
    }

    /// Wraps entries into a new shared map.
    pub fn from_entries(kind: MapKind, entries: BTreeMap<String, Value>) -> Map {
        Map {
            kind,
            entries: Rc::new(RefCell::new(entries)),
        }
    }

    /// Looks up a key (cloning the value, which is cheap: containers are shared).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.entries.borrow().get(key).cloned()
    }

    /// True when both handles point at the same Go map.
    pub fn same(&self, other: &Map) -> bool {
        Rc::ptr_eq(&self.entries, &other.entries)
    }
}

/// The argument and result types of functions and methods, as far as Go's
/// `text/template` checks them before a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// `interface{}`: anything, including nil.
    Any,
    /// `string`
    String,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `float64`
    Float64,
    /// `bool`
    Bool,
    /// `[]interface{}`
    List,
    /// `[]string`
    Strings,
    /// `map[string]interface{}` (a `chartutil.Values` is assignable to it).
    Map,
    /// `[]byte`
    Bytes,
}

impl Type {
    /// The Go spelling of the type, as error messages print it.
    pub fn go_name(self) -> &'static str {
        match self {
            Type::Any => "interface {}",
            Type::String => "string",
            Type::Int => "int",
            Type::Int64 => "int64",
            Type::Float64 => "float64",
            Type::Bool => "bool",
            Type::List => "[]interface {}",
            Type::Strings => "[]string",
            Type::Map => "map[string]interface {}",
            Type::Bytes => "[]uint8",
        }
    }
}

/// The parameter list of a function or method.
#[derive(Clone, Copy, Debug)]
pub struct Signature {
    /// Fixed parameters, in order.
    pub params: &'static [Type],
    /// The element type of a trailing `...T` parameter, if the function is variadic.
    pub variadic: Option<Type>,
}

/// An error raised by a function or method; the engine reports it as
/// `error calling NAME: MESSAGE` (Go recovers panics into the same shape).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct FuncError(pub String);

impl FuncError {
    /// Builds an error from any message.
    pub fn new(msg: impl Into<String>) -> FuncError {
        FuncError(msg.into())
    }
}

/// A Go struct or pointer value with fields and methods.
pub trait Object: fmt::Debug {
    /// The Go type as `%T` prints it (`*chartutil.Capabilities`, `*semver.Version`).
    fn type_name(&self) -> String;
    /// The reflect kind as `kindOf` prints it (`struct` or `ptr`).
    fn kind(&self) -> &'static str;
    /// An exported field by name.
    fn field(&self, name: &str) -> Option<Value>;
    /// The signature of a method by name, if the type has one.
    fn method(&self, name: &str) -> Option<Signature>;
    /// Calls a method with arguments already checked against [`Object::method`].
    fn call_method(&self, name: &str, args: Vec<Value>) -> Result<Value, FuncError>;
    /// How `fmt.Sprint` prints the value (its `String()` method, or Go's struct format).
    fn go_format(&self) -> String;
    /// The value `encoding/json` would produce (for `toJson`, `toYaml`).
    fn to_plain(&self) -> Plain;
    /// For downcasting to the concrete type.
    fn as_any(&self) -> &dyn std::any::Any;
    /// For Go maps and slices that have methods (`.Files`, `chartutil.VersionSet`): the
    /// `(key or index, element)` pairs `range` visits, in Go's order. `None` for structs.
    fn range_entries(&self) -> Option<Vec<(Value, Value)>> {
        None
    }
    /// For such maps and slices: what `len` returns. `None` for structs.
    fn go_len(&self) -> Option<usize> {
        None
    }
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::String(Rc::from(s))
    }

    /// A `[]interface{}` list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List {
            elem: ElemType::Interface,
            items: Rc::new(items),
        })
    }

    /// A `[]string` list.
    pub fn strings(items: Vec<String>) -> Value {
        Value::List(List {
            elem: ElemType::String,
            items: Rc::new(
                items
                    .into_iter()
                    .map(|s| Value::String(Rc::from(s)))
                    .collect(),
            ),
        })
    }

    /// A new `map[string]interface{}` holding the entries.
    pub fn dict(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Map::from_entries(MapKind::Interface, entries))
    }

    /// Converts a plain value (values file, `--set`, JSON) into a template value.
    /// Maps become `map[string]interface{}`; use [`Value::from_plain_values`] for the
    /// top-level `.Values` object.
    pub fn from_plain(v: &Plain) -> Value {
        match v {
            Plain::Null => Value::Nil,
            Plain::Bool(b) => Value::Bool(*b),
            Plain::Int(i) => Value::Int64(*i),
            Plain::Float(f) => Value::Float(*f),
            Plain::String(s) => Value::String(Rc::from(s.as_str())),
            Plain::List(l) => Value::list(l.iter().map(Value::from_plain).collect()),
            Plain::Map(m) => Value::Map(Map::from_entries(
                MapKind::Interface,
                m.iter()
                    .map(|(k, v)| (k.clone(), Value::from_plain(v)))
                    .collect(),
            )),
        }
    }

    /// Converts a plain map into a `chartutil.Values` template value.
    pub fn from_plain_values(m: &crate::value::Map) -> Value {
        Value::Map(Map::from_entries(
            MapKind::Values,
            m.iter()
                .map(|(k, v)| (k.clone(), Value::from_plain(v)))
                .collect(),
        ))
    }

    /// The Go type as `%T` / `typeOf` prints it.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Float(_) => "float64".into(),
            Value::String(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(l) => match l.elem {
                ElemType::Interface => "[]interface {}".into(),
                ElemType::String => "[]string".into(),
                ElemType::Int => "[]int".into(),
                ElemType::Int64 => "[]int64".into(),
                ElemType::Float64 => "[]float64".into(),
            },
            Value::Map(m) => match m.kind {
                MapKind::Interface => "map[string]interface {}".into(),
                MapKind::Values => "chartutil.Values".into(),
                MapKind::String => "map[string]string".into(),
            },
            Value::Object(o) => o.type_name(),
        }
    }

    /// The reflect kind as `kindOf` prints it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.kind(),
        }
    }

    /// Go template truthiness (`if`, `with`, `not`, `and`, `or`): false for `false`, zero
    /// numbers, `""`, nil and empty collections; true for everything else, structs included.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.entries.borrow().is_empty(),
            // Maps and slices with methods (`.Files`) are false when empty; structs never.
            Value::Object(o) => o.go_len().is_none_or(|n| n > 0),
        }
    }

    /// Converts to a plain value the way `encoding/json` sees it (ints and int64 stay
    /// integers, `[]byte` becomes base64 text as Go marshals it, objects use their JSON
    /// form).
    pub fn to_plain(&self) -> Plain {
        match self {
            Value::Nil => Plain::Null,
            Value::Bool(b) => Plain::Bool(*b),
            Value::Int(i) | Value::Int64(i) => Plain::Int(*i),
            Value::Float(f) => Plain::Float(*f),
            Value::String(s) => Plain::String(s.to_string()),
            Value::Bytes(b) => Plain::String(base64_std(b)),
            Value::List(l) => Plain::List(l.items.iter().map(Value::to_plain).collect()),
            Value::Map(m) => Plain::Map(
                m.entries
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_plain()))
                    .collect(),
            ),
            Value::Object(o) => o.to_plain(),
        }
    }
}

/// Standard base64 with padding (Go's `encoding/base64.StdEncoding`), which is how
/// `encoding/json` marshals a `[]byte`.
pub fn base64_std(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(ALPHABET[(n >> 18) as usize & 63] as char);
        out.push(ALPHABET[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            ALPHABET[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            ALPHABET[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_type_names() {
        assert_eq!(Value::Int(1).type_name(), "int");
        assert_eq!(Value::Int64(1).type_name(), "int64");
        assert_eq!(Value::Float(1.0).type_name(), "float64");
        assert_eq!(Value::list(vec![]).type_name(), "[]interface {}");
        assert_eq!(Value::strings(vec![]).type_name(), "[]string");
        assert_eq!(
            Value::from_plain_values(&Default::default()).type_name(),
            "chartutil.Values"
        );
        assert_eq!(Value::Nil.kind_name(), "invalid");
    }

    #[test]
    fn truthiness_follows_go() {
        assert!(!Value::Nil.truthy());
        assert!(!Value::Float(0.0).truthy());
        assert!(Value::str("0").truthy());
        assert!(Value::str(" ").truthy());
        assert!(!Value::list(vec![]).truthy());
        assert!(!Value::dict(BTreeMap::new()).truthy());
    }

    #[test]
    fn maps_are_shared_like_go_maps() {
        let m = Map::new(MapKind::Interface);
        let alias = m.clone();
        alias.entries.borrow_mut().insert("k".into(), Value::Int(1));
        assert!(m.same(&alias));
        assert!(matches!(m.get("k"), Some(Value::Int(1))));
    }

    #[test]
    fn plain_round_trip_keeps_number_kinds() {
        let p = Plain::List(vec![
            Plain::Int(1),
            Plain::Float(1.5),
            Plain::from("x"),
            Plain::Null,
        ]);
        let t = Value::from_plain(&p);
        assert_eq!(t.to_plain(), p);
        assert_eq!(
            Value::Bytes(Rc::from(&b"hello"[..])).to_plain(),
            Plain::from("aGVsbG8=")
        );
    }
}
