//! The chart as Helm stores it in a release record (`chart.Chart`'s JSON), built from a
//! loaded chart: `chart.Metadata` with Go's field order and `omitempty` rules, template
//! and other files as base64, default values, the schema.

use super::{ChartRecord, File};
use crate::chart::{Chart, Dependency, Metadata};
use serde_json::{json, Map, Value};

fn put_str(m: &mut Map<String, Value>, k: &str, v: &str) {
    if !v.is_empty() {
        m.insert(k.into(), Value::String(v.into()));
    }
}

fn put_list(m: &mut Map<String, Value>, k: &str, v: &[String]) {
    if !v.is_empty() {
        m.insert(k.into(), json!(v));
    }
}

/// `chart.Dependency` as Go marshals it.
fn dependency(d: &Dependency) -> Value {
    let mut m = Map::new();
    put_str(&mut m, "name", &d.name);
    put_str(&mut m, "version", &d.version);
    put_str(&mut m, "repository", &d.repository);
    put_str(&mut m, "condition", &d.condition);
    put_list(&mut m, "tags", &d.tags);
    if d.enabled {
        m.insert("enabled".into(), Value::Bool(true));
    }
    if !d.import_values.is_empty() {
        let iv: Vec<Value> = d
            .import_values
            .iter()
            .filter_map(|v| v.to_json().ok())
            .collect();
        m.insert("import-values".into(), Value::Array(iv));
    }
    put_str(&mut m, "alias", &d.alias);
    Value::Object(m)
}

/// `chart.Metadata` as Go's `encoding/json` writes it (struct field order, `omitempty`).
/// serde_json's map is sorted, so the text is built in order by hand.
pub fn metadata_json(md: &Metadata) -> String {
    let str_field = |v: &str| (!v.is_empty()).then(|| json!(v));
    let list_field = |v: &[String]| (!v.is_empty()).then(|| json!(v));
    let maintainers = (!md.maintainers.is_empty()).then(|| {
        Value::Array(
            md.maintainers
                .iter()
                .map(|m| {
                    let mut o = Map::new();
                    put_str(&mut o, "name", &m.name);
                    put_str(&mut o, "email", &m.email);
                    put_str(&mut o, "url", &m.url);
                    Value::Object(o)
                })
                .collect(),
        )
    });
    let fields: [(&str, Option<Value>); 17] = [
        ("name", str_field(&md.name)),
        ("home", str_field(&md.home)),
        ("sources", list_field(&md.sources)),
        ("version", str_field(&md.version)),
        ("description", str_field(&md.description)),
        ("keywords", list_field(&md.keywords)),
        ("maintainers", maintainers),
        ("icon", str_field(&md.icon)),
        ("apiVersion", str_field(&md.api_version)),
        ("condition", str_field(&md.condition)),
        ("tags", str_field(&md.tags)),
        ("appVersion", str_field(&md.app_version)),
        ("deprecated", md.deprecated.then_some(Value::Bool(true))),
        (
            "annotations",
            (!md.annotations.is_empty()).then(|| json!(md.annotations)),
        ),
        ("kubeVersion", str_field(&md.kube_version)),
        (
            "dependencies",
            (!md.dependencies.is_empty())
                .then(|| Value::Array(md.dependencies.iter().map(dependency).collect())),
        ),
        ("type", str_field(&md.chart_type)),
    ];
    let body: Vec<String> = fields
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{}:{v}", json!(k))))
        .collect();
    crate::release::print::go_html_escape(&format!("{{{}}}", body.join(",")))
}

/// The record of a chart (the chart itself, not its subcharts, as Helm stores it).
pub fn chart_record(chart: &Chart) -> ChartRecord {
    let raw = |s: String| {
        serde_json::value::RawValue::from_string(s).unwrap_or_else(|_| {
            serde_json::value::RawValue::from_string("null".into()).unwrap_or_default()
        })
    };
    let lock = match &chart.lock {
        Some(l) => {
            let deps: Vec<Value> = l.dependencies.iter().map(dependency).collect();
            raw(
                json!({"generated": l.generated, "digest": l.digest, "dependencies": deps})
                    .to_string(),
            )
        }
        None => raw("null".into()),
    };
    let files = |fs: &[crate::chart::File]| -> Option<Vec<File>> {
        Some(fs.iter().map(|f| File::new(&f.name, &f.data)).collect())
    };
    let values = crate::value::Value::Map(chart.values.clone())
        .to_json()
        .ok()
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        });
    ChartRecord {
        metadata: raw(metadata_json(&chart.metadata)),
        lock,
        templates: files(&chart.templates),
        values,
        schema: chart
            .schema
            .as_ref()
            .map(|s| data_encoding::BASE64.encode(s)),
        files: files(&chart.files),
        ..ChartRecord::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_in_go_field_order_without_empties() {
        let md = Metadata {
            api_version: "v2".into(),
            name: "demo".into(),
            version: "0.1.0".into(),
            description: "A <b> chart".into(),
            app_version: "1.27.0".into(),
            chart_type: "application".into(),
            ..Metadata::default()
        };
        assert_eq!(
            metadata_json(&md),
            r#"{"name":"demo","version":"0.1.0","description":"A \u003cb\u003e chart","apiVersion":"v2","appVersion":"1.27.0","type":"application"}"#
        );
    }
}
