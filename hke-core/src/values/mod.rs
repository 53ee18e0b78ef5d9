//! Values: from the command line's values flags to the coalesced `.Values` of every
//! chart (Helm's `pkg/cli/values`, `pkg/strvals`, `pkg/chartutil`).
//!
//! - [`strvals`]: the `--set` family of parsers.
//! - [`coalesce`]: chart defaults ⟵ user values, globals, warnings.
//! - [`dependencies`]: aliases, conditions, tags, import-values.
//! - [`schema`]: `values.schema.json` validation with Helm's report layout.
//! - [`ValueOptions::merge_values`]: the user values map, in Helm's category order.

pub mod coalesce;
pub mod dependencies;
pub mod schema;
pub mod strvals;

use crate::value::{Map, Value};

/// A values error with Helm's message.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ValuesError(pub String);

/// The values flags of `helm install/upgrade/template`, in command-line order within
/// each category.
#[derive(Clone, Debug, Default)]
pub struct ValueOptions {
    /// `-f/--values` files (`-` is standard input).
    pub value_files: Vec<String>,
    /// `--set-json`
    pub json_values: Vec<String>,
    /// `--set`
    pub values: Vec<String>,
    /// `--set-string`
    pub string_values: Vec<String>,
    /// `--set-file`
    pub file_values: Vec<String>,
    /// `--set-literal`
    pub literal_values: Vec<String>,
}

/// `mergeMaps`: maps merge recursively, anything else replaces.
pub fn merge_maps(a: Map, b: Map) -> Map {
    let mut out = a;
    for (k, v) in b {
        match (out.get_mut(&k), v) {
            (Some(Value::Map(existing)), Value::Map(vm)) => {
                let merged = merge_maps(std::mem::take(existing), vm);
                *existing = merged;
            }
            (_, v) => {
                out.insert(k, v);
            }
        }
    }
    out
}

impl ValueOptions {
    /// Builds the user values map as Helm's `MergeValues`: files, then `--set-json`,
    /// `--set`, `--set-string`, `--set-file`, `--set-literal`. `read` returns a file's
    /// bytes (the caller decides what `-` means) or the OS error text.
    pub fn merge_values(
        &self,
        read: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Map, ValuesError> {
        let mut base = Map::new();
        for path in &self.value_files {
            let bytes = read(path).map_err(ValuesError)?;
            let text = String::from_utf8_lossy(&bytes);
            let current = match crate::yaml::parse(&text, path) {
                Ok(Value::Map(m)) => m,
                Ok(Value::Null) => Map::new(),
                Ok(other) => {
                    return Err(ValuesError(format!(
                        "failed to parse {path}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                        json_kind(&other)
                    )))
                }
                Err(e) => return Err(ValuesError(format!("failed to parse {path}: {e}"))),
            };
            base = merge_maps(base, current);
        }
        for v in &self.json_values {
            strvals::parse_json(v, &mut base)
                .map_err(|e| ValuesError(format!("failed parsing --set-json data: {e}")))?;
        }
        for v in &self.values {
            strvals::parse_into(v, &mut base)
                .map_err(|e| ValuesError(format!("failed parsing --set data: {e}")))?;
        }
        for v in &self.string_values {
            strvals::parse_into_string(v, &mut base)
                .map_err(|e| ValuesError(format!("failed parsing --set-string data: {e}")))?;
        }
        for v in &self.file_values {
            let mut reader = |p: &str| read(p).map(|b| String::from_utf8_lossy(&b).into_owned());
            strvals::parse_into_file(v, &mut base, &mut reader)
                .map_err(|e| ValuesError(format!("failed parsing --set-file data: {e}")))?;
        }
        for v in &self.literal_values {
            strvals::parse_literal_into(v, &mut base)
                .map_err(|e| ValuesError(format!("failed parsing --set-literal data: {e}")))?;
        }
        Ok(base)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_apply_in_helms_order() {
        // §10 row 82: --set x=1 --set-string x=2 --set x=3 → "2".
        let opts = ValueOptions {
            values: vec!["x=1".into(), "x=3".into()],
            string_values: vec!["x=2".into()],
            ..Default::default()
        };
        let m = opts.merge_values(&mut |_| Err("no files".into())).unwrap();
        assert_eq!(m["x"], Value::from("2"));
    }

    #[test]
    fn files_merge_then_set_writes_into_them() {
        let opts = ValueOptions {
            value_files: vec!["f1".into(), "f2".into()],
            values: vec!["a.d.e=5".into()],
            ..Default::default()
        };
        let mut read = |p: &str| -> Result<Vec<u8>, String> {
            Ok(match p {
                "f1" => b"a: {b: 1, d: {x: 1}}\nl: [1]".to_vec(),
                _ => b"a: {c: 2, d: null}".to_vec(),
            })
        };
        // C32: walking through a null from a file fails.
        let e = opts.merge_values(&mut read).unwrap_err();
        assert_eq!(
            e.to_string(),
            "failed parsing --set data: unable to parse key: interface conversion: interface {} is nil, not map[string]interface {}"
        );
        let ok = ValueOptions {
            value_files: vec!["f1".into(), "f2".into()],
            ..Default::default()
        };
        let m = ok.merge_values(&mut read).unwrap();
        assert_eq!(
            crate::gojson::to_json(&Value::Map(m)).unwrap(),
            r#"{"a":{"b":1,"c":2,"d":null},"l":[1]}"#
        );
    }
}
