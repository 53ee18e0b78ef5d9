//! Dependency processing (Helm's `ProcessDependenciesWithMerge`): version matching,
//! aliases, tags and conditions that enable or remove subcharts, and `import-values`.

use crate::chart::Chart;
use crate::value::{Map, Value};

use super::coalesce::{coalesce_values, merge_tables, merge_values, CoalesceError};

/// Helm's `IsCompatibleRange`: the constraint parses, the version parses, and matches.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    match (
        crate::semver::Version::parse(version),
        crate::semver::Constraints::parse(constraint),
    ) {
        (Ok(v), Ok(c)) => c.check(&v),
        _ => false,
    }
}

/// `Values.Table`: walks a dotted path of maps.
pub fn table<'a>(v: &'a Map, path: &str) -> Result<&'a Map, String> {
    let mut cur = v;
    for part in path.split('.') {
        match cur.get(part) {
            Some(Value::Map(m)) => cur = m,
            _ => {
                return Err(format!(
                    "{} is not a table",
                    crate::engine::manifest::go_quote(part)
                ))
            }
        }
    }
    Ok(cur)
}

/// `Values.PathValue`: a non-table value at a dotted path.
pub fn path_value<'a>(v: &'a Map, path: &str) -> Option<&'a Value> {
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table(v, p).ok()?, k),
        None => (v, path),
    };
    match parent.get(key) {
        Some(Value::Map(_)) | None => None,
        Some(x) => Some(x),
    }
}

/// Processes the dependencies of `chart` in place with the user values `vals`, as Helm
/// does before rendering: matching subcharts are renamed by alias, disabled ones
/// removed (recursively), and `import-values` folded into each chart's values.
pub fn process_dependencies(
    chart: &mut Chart,
    vals: &Map,
    warnings: &mut Vec<String>,
) -> Result<(), CoalesceError> {
    process_enabled(chart, vals, "", warnings)?;
    process_import_values_rec(chart, warnings)
}

fn process_enabled(
    c: &mut Chart,
    v: &Map,
    path: &str,
    w: &mut Vec<String>,
) -> Result<(), CoalesceError> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut c.dependencies);
    let mut chart_deps: Vec<Chart> = existing
        .iter()
        .filter(|e| {
            !c.metadata
                .dependencies
                .iter()
                .any(|r| e.name() == r.name && is_compatible_range(&r.version, &e.metadata.version))
        })
        .cloned()
        .collect();
    for req in c.metadata.dependencies.iter_mut() {
        if let Some(found) = existing.iter().find(|e| {
            e.name() == req.name && is_compatible_range(&req.version, &e.metadata.version)
        }) {
            let mut copy = found.clone();
            if !req.alias.is_empty() {
                copy.metadata.name = req.alias.clone();
            }
            chart_deps.push(copy);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.dependencies = chart_deps;
    for r in c.metadata.dependencies.iter_mut() {
        r.enabled = true;
    }
    let cvals = coalesce_values(c, v, w)?;
    process_tags(c, &cvals, w);
    process_conditions(c, &cvals, path, w);
    let removed: Vec<String> = c
        .metadata
        .dependencies
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.dependencies
        .retain(|d| !removed.contains(&d.metadata.name));
    for t in c.dependencies.iter_mut() {
        let sub = format!("{path}{}.", t.metadata.name);
        process_enabled(t, &cvals, &sub, w)?;
    }
    c.metadata
        .dependencies
        .retain(|r| !removed.contains(&r.name));
    Ok(())
}

fn process_tags(c: &mut Chart, cvals: &Map, w: &mut Vec<String>) {
    let Ok(tags) = table(cvals, "tags") else {
        return;
    };
    for r in c.metadata.dependencies.iter_mut() {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            match tags.get(k) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                Some(_) => w.push(format!(
                    "dependencies.go:94: Warning: Tag '{k}' for chart {} returned non-bool value",
                    r.name
                )),
                None => {}
            }
        }
        if !has_true && has_false {
            r.enabled = false;
        } else if has_true || !has_false {
            r.enabled = true;
        }
    }
}

fn process_conditions(c: &mut Chart, cvals: &Map, path: &str, w: &mut Vec<String>) {
    for r in c.metadata.dependencies.iter_mut() {
        for cond in r.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            let full = format!("{path}{cond}");
            match path_value(cvals, &full) {
                Some(Value::Bool(b)) => {
                    r.enabled = *b;
                    break;
                }
                Some(_) => w.push(format!(
                    "dependencies.go:63: Warning: Condition path '{cond}' for chart {} returned non-bool value",
                    r.name
                )),
                None => {}
            }
        }
    }
}

fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let mut m = Map::new();
        m.insert(part.to_string(), Value::Map(cur));
        cur = m;
    }
    cur
}

fn process_import_values_rec(c: &mut Chart, w: &mut Vec<String>) -> Result<(), CoalesceError> {
    for d in c.dependencies.iter_mut() {
        process_import_values_rec(d, w)?;
    }
    process_import_values(c, w)
}

fn process_import_values(c: &mut Chart, w: &mut Vec<String>) -> Result<(), CoalesceError> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = merge_values(c, &Map::new(), w)?;
    let mut b = Map::new();
    for r in c.metadata.dependencies.iter_mut() {
        let mut out = Vec::new();
        for iv in &r.import_values {
            match iv {
                Value::Map(m) => {
                    let child = m
                        .get("child")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let parent = m
                        .get("parent")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let mut e = Map::new();
                    e.insert("child".into(), Value::String(child.clone()));
                    e.insert("parent".into(), Value::String(parent.clone()));
                    out.push(Value::Map(e));
                    match table(&cvals, &format!("{}.{child}", r.name)) {
                        Ok(vv) => merge_tables(&mut b, &path_to_map(&parent, vv.clone()), w),
                        Err(err) => w.push(format!(
                            "dependencies.go:269: Warning: ImportValues missing table from chart {}: {err}",
                            r.name
                        )),
                    }
                }
                Value::String(s) => {
                    let child = format!("exports.{s}");
                    let mut e = Map::new();
                    e.insert("child".into(), Value::String(child.clone()));
                    e.insert("parent".into(), Value::String(".".into()));
                    out.push(Value::Map(e));
                    match table(&cvals, &format!("{}.{child}", r.name)) {
                        Ok(vm) => merge_tables(&mut b, vm, w),
                        Err(err) => w.push(format!(
                            "dependencies.go:286: Warning: ImportValues missing table: {err}"
                        )),
                    }
                }
                _ => {}
            }
        }
        r.import_values = out;
    }
    let mut vals = cvals;
    merge_tables(&mut vals, &b, w);
    c.values = vals;
    Ok(())
}
