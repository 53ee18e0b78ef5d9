//! Coalescing chart defaults with user values (Helm's `pkg/chartutil/coalesce.go`):
//! user values win, `null` deletes a default (when coalescing, not merging), lists and
//! scalars replace, maps merge, globals flow down to subcharts, and every subchart gets
//! its coalesced section. Warnings are collected with Helm's `coalesce.go:LINE:` prefix.

use crate::chart::Chart;
use crate::value::{Map, Value};

/// Helm's `global` key.
pub const GLOBAL_KEY: &str = "global";

/// A coalescing error (`type mismatch on NAME: %!t(string=x)`).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct CoalesceError(pub String);

/// Go's `%v` of a plain value.
pub fn go_sprint(v: &Value) -> String {
    crate::template::gofmt::sprint_value(&crate::template::value::Value::from_plain(v))
}

/// Go's `%t` of a plain value (`true`, or `%!t(string=x)` for non-bools).
fn go_t(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Null => "%!t(<nil>)".into(),
        other => format!("%!t({}={})", other.go_type_name(), go_sprint(other)),
    }
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

/// `CoalesceValues`: a copy of `vals` with the chart's defaults (and its subcharts')
/// coalesced in; nulls in user values delete defaults.
pub fn coalesce_values(
    chart: &Chart,
    vals: &Map,
    warnings: &mut Vec<String>,
) -> Result<Map, CoalesceError> {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, "", false, warnings)?;
    Ok(dest)
}

/// `MergeValues`: like [`coalesce_values`] but nulls are kept.
pub fn merge_values(
    chart: &Chart,
    vals: &Map,
    warnings: &mut Vec<String>,
) -> Result<Map, CoalesceError> {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, "", true, warnings)?;
    Ok(dest)
}

fn coalesce(
    chart: &Chart,
    dest: &mut Map,
    prefix: &str,
    merge: bool,
    w: &mut Vec<String>,
) -> Result<(), CoalesceError> {
    coalesce_chart_values(chart, dest, prefix, merge, w);
    coalesce_deps(chart, dest, prefix, merge, w)
}

fn coalesce_deps(
    chart: &Chart,
    dest: &mut Map,
    prefix: &str,
    merge: bool,
    w: &mut Vec<String>,
) -> Result<(), CoalesceError> {
    for sub in &chart.dependencies {
        let name = sub.name().to_string();
        match dest.get(&name) {
            None => {
                dest.insert(name.clone(), Value::Map(Map::new()));
            }
            Some(Value::Map(_)) => {}
            Some(other) => {
                return Err(CoalesceError(format!(
                    "type mismatch on {name}: {}",
                    go_t(other)
                )));
            }
        }
        let sub_prefix = concat_prefix(prefix, chart.name());
        let globals = dest.get(GLOBAL_KEY).cloned();
        let Some(Value::Map(dv)) = dest.get_mut(&name) else {
            continue;
        };
        coalesce_globals(dv, globals.as_ref(), &sub_prefix, w);
        coalesce(sub, dv, &sub_prefix, merge, w)?;
    }
    Ok(())
}

fn coalesce_globals(dest: &mut Map, src_global: Option<&Value>, prefix: &str, w: &mut Vec<String>) {
    let mut dg = match dest.get(GLOBAL_KEY) {
        None => Map::new(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => {
            w.push("coalesce.go:138: warning: skipping globals because destination global is not a table.".into());
            return;
        }
    };
    let sg = match src_global {
        None => Map::new(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => {
            w.push(
                "coalesce.go:145: warning: skipping globals because source global is not a table."
                    .into(),
            );
            return;
        }
    };
    for (key, val) in sg {
        if let Value::Map(vm) = &val {
            let mut vv = vm.clone();
            match dg.get(&key) {
                None => {
                    dg.insert(key, Value::Map(vv));
                }
                Some(Value::Map(destv)) => {
                    let sub_prefix = concat_prefix(prefix, &key);
                    coalesce_tables(&mut vv, destv, &sub_prefix, true, w);
                    dg.insert(key, Value::Map(vv));
                }
                Some(_) => w.push(format!(
                    "coalesce.go:161: Conflict: cannot merge map onto non-map for {}. Skipping.",
                    crate::engine::manifest::go_quote(&key)
                )),
            }
        } else if matches!(dg.get(&key), Some(Value::Map(_))) {
            w.push(format!("coalesce.go:175: key {key} is table. Skipping"));
        } else {
            dg.insert(key, val);
        }
    }
    dest.insert(GLOBAL_KEY.into(), Value::Map(dg));
}

fn coalesce_chart_values(
    chart: &Chart,
    v: &mut Map,
    prefix: &str,
    merge: bool,
    w: &mut Vec<String>,
) {
    let sub_prefix = concat_prefix(prefix, chart.name());
    for (key, val) in &chart.values {
        match v.get_mut(key) {
            None => {
                v.insert(key.clone(), val.clone());
            }
            Some(Value::Null) if !merge => {
                v.remove(key);
            }
            Some(Value::Map(dest)) => match val {
                Value::Map(src) => {
                    let child_merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                    coalesce_tables(dest, src, &concat_prefix(&sub_prefix, key), child_merge, w);
                }
                Value::Null => {}
                _ => w.push(format!(
                    "coalesce.go:237: warning: skipped value for {sub_prefix}.{key}: Not a table."
                )),
            },
            Some(_) => {}
        }
    }
}

/// `coalesceTablesFullKey`: merges `src` into the authoritative `dst`.
pub fn coalesce_tables(dst: &mut Map, src: &Map, prefix: &str, merge: bool, w: &mut Vec<String>) {
    for (key, val) in src {
        let full = concat_prefix(prefix, key);
        match dst.get_mut(key) {
            Some(Value::Null) if !merge => {
                dst.remove(key);
            }
            None => {
                dst.insert(key.clone(), val.clone());
            }
            Some(dv) => match (dv, val) {
                (Value::Map(dm), Value::Map(sm)) => coalesce_tables(dm, sm, &full, merge, w),
                (_, Value::Map(_)) => w.push(format!(
                    "coalesce.go:298: warning: cannot overwrite table with non table for {full} ({})",
                    go_sprint(val)
                )),
                (Value::Map(_), v) if !v.is_null() => w.push(format!(
                    "coalesce.go:301: warning: destination for {full} is a table. Ignoring non-table value ({})",
                    go_sprint(v)
                )),
                _ => {}
            },
        }
    }
}

/// `MergeTables` without a prefix.
pub fn merge_tables(dst: &mut Map, src: &Map, w: &mut Vec<String>) {
    coalesce_tables(dst, src, "", true, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(y: &str) -> Map {
        match crate::yaml::parse(y, "t").unwrap() {
            Value::Map(m) => m,
            Value::Null => Map::new(),
            other => panic!("not a map: {other:?}"),
        }
    }

    fn chart(name: &str, values: &str, deps: Vec<Chart>) -> Chart {
        let mut c = Chart::default();
        c.metadata.name = name.into();
        c.values = map(values);
        c.dependencies = deps;
        c
    }

    fn json(m: &Map) -> String {
        crate::gojson::to_json(&Value::Map(m.clone())).unwrap()
    }

    #[test]
    fn user_nulls_delete_defaults_and_lists_replace() {
        // §10 row 83 and C35.
        let c = chart("c", "a: {b: 1, c: 2}\nd: 1\nl: [1, 2, 3]", vec![]);
        let mut user = Map::new();
        crate::values::strvals::parse_into("a.b=null,d=null,e=null,l[1]=x", &mut user).unwrap();
        let mut w = vec![];
        let out = coalesce_values(&c, &user, &mut w).unwrap();
        assert_eq!(json(&out), r#"{"a":{"c":2},"e":null,"l":[null,"x"]}"#);
        assert!(w.is_empty());
    }

    #[test]
    fn warnings_use_helms_text() {
        // C33, C34.
        let c = chart("c", "s: str\na: {b: 1}", vec![]);
        let mut user = Map::new();
        crate::values::strvals::parse_into("s.x=1,a.b.c=1", &mut user).unwrap();
        let mut w = vec![];
        let out = coalesce_values(&c, &user, &mut w).unwrap();
        assert_eq!(json(&out), r#"{"a":{"b":{"c":1}},"s":{"x":1}}"#);
        assert_eq!(
            w,
            vec![
                "coalesce.go:301: warning: destination for c.a.b is a table. Ignoring non-table value (1)",
                "coalesce.go:237: warning: skipped value for c.s: Not a table.",
            ]
        );
    }

    #[test]
    fn subcharts_get_sections_and_globals_flow_down() {
        let child = chart("child", "own: 1\nglobal: {g2: c}", vec![]);
        let c = chart("p", "global: {g: p}\nchild: {own: 2}", vec![child]);
        let mut w = vec![];
        let out = coalesce_values(&c, &Map::new(), &mut w).unwrap();
        assert_eq!(
            json(&out),
            r#"{"child":{"global":{"g":"p","g2":"c"},"own":2},"global":{"g":"p"}}"#
        );
        let mut user = Map::new();
        crate::values::strvals::parse_into("child=x", &mut user).unwrap();
        assert_eq!(
            coalesce_values(&c, &user, &mut w).unwrap_err().to_string(),
            "type mismatch on child: %!t(string=x)"
        );
    }
}
