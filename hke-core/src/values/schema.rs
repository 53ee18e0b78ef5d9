//! `values.schema.json` validation of the coalesced values of a chart and each of its
//! subcharts, reported in Helm's layout:
//!
//! ```text
//! values don't meet the specifications of the schema(s) in the following chart(s):
//! CHART:
//! - FIELD: DESCRIPTION
//! ```
//!
//! Helm 3.17 uses gojsonschema (drafts 4, 6, 7); hke uses the `jsonschema` crate and
//! words the common errors as gojsonschema does (`is required`, `Invalid type.
//! Expected: …, given: …`, `Must be greater than or equal to …`, …).

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value as Json;

use crate::chart::Chart;
use crate::value::{Map, Value};

/// Validates `values` (the coalesced values of `chart`) against the chart's schema and
/// its subcharts' schemas. `Err` holds Helm's whole message.
pub fn validate(chart: &Chart, values: &Map) -> Result<(), String> {
    let mut report = String::new();
    collect(chart, values, &mut report);
    if report.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "values don't meet the specifications of the schema(s) in the following chart(s):\n{report}"
        ))
    }
}

fn collect(chart: &Chart, values: &Map, report: &mut String) {
    if let Some(schema) = &chart.schema {
        if let Err(e) = validate_single(values, schema) {
            report.push_str(&format!("{}:\n{e}", chart.name()));
        }
    }
    for sub in &chart.dependencies {
        let sub_values = match values.get(sub.name()) {
            Some(Value::Map(m)) => m.clone(),
            _ => Map::new(),
        };
        collect(sub, &sub_values, report);
    }
}

/// The values as gojsonschema sees them: YAML-marshalled then converted to JSON, so
/// integral floats become integers.
fn values_json(values: &Map) -> Json {
    fn conv(v: &Value) -> Json {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    Json::from(*f as i64)
                } else {
                    serde_json::Number::from_f64(*f)
                        .map(Json::Number)
                        .unwrap_or(Json::Null)
                }
            }
            Value::String(s) => Json::String(s.clone()),
            Value::List(l) => Json::Array(l.iter().map(conv).collect()),
            Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), conv(v))).collect()),
        }
    }
    conv(&Value::Map(values.clone()))
}

/// Validates one values map against one schema document; `Err` holds the `- FIELD:
/// DESCRIPTION` lines.
pub fn validate_single(values: &Map, schema_bytes: &[u8]) -> Result<(), String> {
    let mut schema: Json = serde_json::from_slice(schema_bytes).map_err(|e| format!("{e}\n"))?;
    let draft = match schema.get("$schema").and_then(Json::as_str) {
        Some(s) if s.contains("draft-04") => jsonschema::Draft::Draft4,
        Some(s) if s.contains("draft-06") => jsonschema::Draft::Draft6,
        _ => jsonschema::Draft::Draft7,
    };
    // The draft is chosen above; the meta-schema URL itself is never fetched (hke makes
    // no network calls, and gojsonschema accepts URLs such as `…/schema#`).
    if let Json::Object(o) = &mut schema {
        o.remove("$schema");
    }
    let validator = jsonschema::options()
        .with_draft(draft)
        .build(&schema)
        .map_err(|e| format!("{e}\n"))?;
    let instance = values_json(values);
    let raw = String::from_utf8_lossy(schema_bytes);
    let mut lines: Vec<(usize, String)> = Vec::new();
    for e in validator.iter_errors(&instance) {
        let path = e.instance_path.to_string();
        let field = if path.is_empty() {
            "(root)".to_string()
        } else {
            path.trim_start_matches('/').replace('/', ".")
        };
        let (field, desc) = describe(&field, &e.kind, &e.instance);
        // gojsonschema reports object-level errors first, then properties in the order
        // the schema declares them.
        let rank = if field == "(root)" {
            0
        } else {
            let last = field.rsplit('.').next().unwrap_or(&field);
            raw.find(&format!("\"{last}\""))
                .map(|p| p + 1)
                .unwrap_or(usize::MAX)
        };
        lines.push((rank, format!("- {field}: {desc}\n")));
    }
    lines.sort_by_key(|(r, _)| *r);
    let out: String = lines.into_iter().map(|(_, l)| l).collect();
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

fn json_type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn type_kind(t: &TypeKind) -> String {
    match t {
        TypeKind::Single(p) => format!("{p:?}").to_lowercase(),
        TypeKind::Multiple(ps) => {
            let names: Vec<String> = ps.iter().map(|p| format!("{p:?}").to_lowercase()).collect();
            names.join("/")
        }
    }
}

fn describe(field: &str, kind: &ValidationErrorKind, instance: &Json) -> (String, String) {
    let last = field.rsplit('.').next().unwrap_or(field).to_string();
    let d = match kind {
        ValidationErrorKind::Required { property } => {
            return (
                field.to_string(),
                format!("{} is required", property.as_str().unwrap_or_default()),
            )
        }
        ValidationErrorKind::Type { kind } => format!(
            "Invalid type. Expected: {}, given: {}",
            type_kind(kind),
            json_type_name(instance)
        ),
        ValidationErrorKind::Enum { options } => {
            let opts = match options {
                Json::Array(a) => a
                    .iter()
                    .map(|o| o.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            format!("{last} must be one of the following: {opts}")
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("Must be greater than or equal to {limit}")
        }
        ValidationErrorKind::Maximum { limit } => format!("Must be less than or equal to {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("Must be greater than {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("Must be less than {limit}"),
        ValidationErrorKind::Pattern { pattern } => format!("Does not match pattern '{pattern}'"),
        ValidationErrorKind::MinLength { limit } => {
            format!("String length must be greater than or equal to {limit}")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("String length must be less than or equal to {limit}")
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("Array must have at least {limit} items")
        }
        ValidationErrorKind::MaxItems { limit } => format!("Array must have at most {limit} items"),
        ValidationErrorKind::UniqueItems => "array items must be unique".to_string(),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!(
                "Additional property {} is not allowed",
                unexpected.join(", ")
            )
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("{last} does not match: {expected_value}")
        }
        ValidationErrorKind::Format { format } => format!("Does not match format '{format}'"),
        ValidationErrorKind::MultipleOf { multiple_of } => {
            format!("Must be a multiple of {multiple_of}")
        }
        ValidationErrorKind::AnyOf => "Must validate at least one schema (anyOf)".to_string(),
        ValidationErrorKind::OneOfNotValid | ValidationErrorKind::OneOfMultipleValid => {
            "Must validate one and only one schema (oneOf)".to_string()
        }
        ValidationErrorKind::Not { .. } => "Must not validate the schema (not)".to_string(),
        ValidationErrorKind::MinProperties { limit } => {
            format!("Must have at least {limit} properties")
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("Must have at most {limit} properties")
        }
        ValidationErrorKind::FalseSchema => "False always fails validation".to_string(),
        other => format!("{other:?}"),
    };
    (field.to_string(), d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(y: &str) -> Map {
        match crate::yaml::parse(y, "v").unwrap() {
            Value::Map(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn helm_layout_and_messages() {
        let schema = br#"{"type":"object","required":["mustHave"],"properties":{
            "mode":{"enum":["a","b"]},"port":{"type":"integer","minimum":1},
            "name":{"type":"string","pattern":"^[a-z]+$"}}}"#;
        let e = validate_single(&vals("mode: c\nport: 0\nname: X1"), schema).unwrap_err();
        assert!(e.contains("- (root): mustHave is required\n"), "{e}");
        assert!(
            e.contains("- mode: mode must be one of the following: \"a\", \"b\"\n"),
            "{e}"
        );
        assert!(
            e.contains("- port: Must be greater than or equal to 1\n"),
            "{e}"
        );
        assert!(
            e.contains("- name: Does not match pattern '^[a-z]+$'\n"),
            "{e}"
        );
        let e = validate_single(
            &vals("count: x"),
            br#"{"properties":{"count":{"type":"number"}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            e,
            "- count: Invalid type. Expected: number, given: string\n"
        );
        // 80.0 from a values file is the integer 80 for the schema.
        assert!(validate_single(
            &vals("p: 80.0"),
            br#"{"properties":{"p":{"type":"integer"}}}"#
        )
        .is_ok());
    }

    #[test]
    fn subcharts_are_reported_under_their_names() {
        let mut sub = Chart::default();
        sub.metadata.name = "sub".into();
        sub.schema = Some(br#"{"properties":{"count":{"type":"number"}}}"#.to_vec());
        let mut root = Chart::default();
        root.metadata.name = "sch".into();
        root.dependencies.push(sub);
        let e = validate(&root, &vals("sub: {count: x}")).unwrap_err();
        assert_eq!(
            e,
            "values don't meet the specifications of the schema(s) in the following chart(s):\nsub:\n- count: Invalid type. Expected: number, given: string\n"
        );
    }
}
