//! `meta.k8s.io/v1` `Table` answers (what `kubectl get` asks for with
//! `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns of the API
//! server's printers for the common kinds, `Name` and `Age` for the others.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::resources::Resource;

/// Whether an `Accept` header asks for a Table.
pub fn wanted(accept: &str) -> bool {
    accept.contains("as=Table")
}

fn str_at<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
}

fn int_at(v: &Value, p: &str) -> i64 {
    v.pointer(p).and_then(Value::as_i64).unwrap_or(0)
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SSZ` (fractions and offsets ignored).
fn parse_time(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { t.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // days-from-civil (Howard Hinnant's algorithm)
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + s)
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Kubernetes' short human duration (`45s`, `3m12s`, `15m`, `5h2m`, `3d`, ...).
pub fn human_duration(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".into();
    }
    let secs = secs.max(0);
    if secs < 120 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        return match secs % 60 {
            0 => format!("{minutes}m"),
            s => format!("{minutes}m{s}s"),
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        return match minutes % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        return match hours % 24 {
            0 => format!("{}d", hours / 24),
            h => format!("{}d{h}h", hours / 24),
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        return match days {
            0 => format!("{}y", hours / 24 / 365),
            d => format!("{}y{d}d", hours / 24 / 365),
        };
    }
    format!("{}y", hours / 24 / 365)
}

fn age(o: &Value) -> String {
    match parse_time(str_at(o, "/metadata/creationTimestamp")) {
        Some(t) => human_duration(now_secs() - t),
        None => "<unknown>".into(),
    }
}

/// (name, type, priority) of the kind-specific columns between Name and Age.
fn columns(kind: &str) -> &'static [(&'static str, &'static str, u8)] {
    match kind {
        "Pod" => &[
            ("Ready", "string", 0),
            ("Status", "string", 0),
            ("Restarts", "string", 0),
            ("IP", "string", 1),
            ("Node", "string", 1),
            ("Nominated Node", "string", 1),
            ("Readiness Gates", "string", 1),
        ],
        "Deployment" => &[
            ("Ready", "string", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
            ("Selector", "string", 1),
        ],
        "ReplicaSet" => &[
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
        ],
        "StatefulSet" => &[("Ready", "string", 0)],
        "DaemonSet" => &[
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
            ("Node Selector", "string", 0),
        ],
        "Job" => &[
            ("Status", "string", 0),
            ("Completions", "string", 0),
            ("Duration", "string", 0),
        ],
        "Service" => &[
            ("Type", "string", 0),
            ("Cluster-IP", "string", 0),
            ("External-IP", "string", 0),
            ("Port(s)", "string", 0),
        ],
        "ConfigMap" => &[("Data", "integer", 0)],
        "Secret" => &[("Type", "string", 0), ("Data", "integer", 0)],
        "Namespace" => &[("Status", "string", 0)],
        "PersistentVolumeClaim" => &[
            ("Status", "string", 0),
            ("Volume", "string", 0),
            ("Capacity", "string", 0),
            ("Access Modes", "string", 0),
            ("StorageClass", "string", 0),
        ],
        "ServiceAccount" => &[("Secrets", "integer", 0)],
        _ => &[],
    }
}

fn cells(kind: &str, o: &Value) -> Vec<Value> {
    match kind {
        "Pod" => {
            let total = o
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let statuses = o
                .pointer("/status/containerStatuses")
                .and_then(Value::as_array);
            let ready = statuses.map_or(0, |s| s.iter().filter(|c| c["ready"] == true).count());
            let restarts: i64 = statuses.map_or(0, |s| {
                s.iter()
                    .map(|c| c["restartCount"].as_i64().unwrap_or(0))
                    .sum()
            });
            let phase = str_at(o, "/status/phase");
            let reason = statuses
                .and_then(|s| {
                    s.iter().find_map(|c| {
                        c.pointer("/state/terminated/reason")
                            .or_else(|| c.pointer("/state/waiting/reason"))
                            .and_then(Value::as_str)
                    })
                })
                .unwrap_or(if phase.is_empty() { "Pending" } else { phase });
            vec![
                json!(format!("{ready}/{total}")),
                json!(reason),
                json!(restarts.to_string()),
                json!(or_none(str_at(o, "/status/podIP"))),
                json!(or_none(str_at(o, "/spec/nodeName"))),
                json!("<none>"),
                json!("<none>"),
            ]
        }
        "Deployment" => {
            let containers: Vec<&Value> = o
                .pointer("/spec/template/spec/containers")
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default();
            let join = |k: &str| {
                containers
                    .iter()
                    .filter_map(|c| c[k].as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let selector = o
                .pointer("/spec/selector/matchLabels")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            vec![
                json!(format!(
                    "{}/{}",
                    int_at(o, "/status/readyReplicas"),
                    int_at(o, "/spec/replicas")
                )),
                json!(int_at(o, "/status/updatedReplicas")),
                json!(int_at(o, "/status/availableReplicas")),
                json!(join("name")),
                json!(join("image")),
                json!(or_none(&selector)),
            ]
        }
        "ReplicaSet" => vec![
            json!(int_at(o, "/spec/replicas")),
            json!(int_at(o, "/status/replicas")),
            json!(int_at(o, "/status/readyReplicas")),
        ],
        "StatefulSet" => vec![json!(format!(
            "{}/{}",
            int_at(o, "/status/readyReplicas"),
            int_at(o, "/spec/replicas")
        ))],
        "DaemonSet" => {
            let sel = o
                .pointer("/spec/template/spec/nodeSelector")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            vec![
                json!(int_at(o, "/status/desiredNumberScheduled")),
                json!(int_at(o, "/status/currentNumberScheduled")),
                json!(int_at(o, "/status/numberReady")),
                json!(int_at(o, "/status/updatedNumberScheduled")),
                json!(int_at(o, "/status/numberAvailable")),
                json!(or_none(&sel)),
            ]
        }
        "Job" => {
            let conds = o.pointer("/status/conditions").and_then(Value::as_array);
            let has = |t: &str| {
                conds.is_some_and(|c| c.iter().any(|x| x["type"] == t && x["status"] == "True"))
            };
            let status = if has("Complete") {
                "Complete"
            } else if has("Failed") {
                "Failed"
            } else {
                "Running"
            };
            let start = parse_time(str_at(o, "/status/startTime"));
            let end = parse_time(str_at(o, "/status/completionTime")).or(Some(now_secs()));
            let duration = match (start, end) {
                (Some(s), Some(e)) => human_duration(e - s),
                _ => String::new(),
            };
            vec![
                json!(status),
                json!(format!(
                    "{}/{}",
                    int_at(o, "/status/succeeded"),
                    o.pointer("/spec/completions")
                        .and_then(Value::as_i64)
                        .unwrap_or(1)
                )),
                json!(duration),
            ]
        }
        "Service" => {
            let ty = str_at(o, "/spec/type");
            let external = match ty {
                "LoadBalancer" => {
                    let ips: Vec<&str> = o
                        .pointer("/status/loadBalancer/ingress")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|i| i["ip"].as_str().or(i["hostname"].as_str()))
                                .collect()
                        })
                        .unwrap_or_default();
                    if ips.is_empty() {
                        "<pending>".to_string()
                    } else {
                        ips.join(",")
                    }
                }
                "ExternalName" => str_at(o, "/spec/externalName").to_string(),
                _ => "<none>".to_string(),
            };
            let ports: Vec<String> = o
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|p| {
                            let proto = p["protocol"].as_str().unwrap_or("TCP");
                            match p["nodePort"].as_i64() {
                                Some(np) => format!("{}:{np}/{proto}", p["port"]),
                                None => format!("{}/{proto}", p["port"]),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            vec![
                json!(ty),
                json!(or_none(str_at(o, "/spec/clusterIP"))),
                json!(external),
                json!(or_none(&ports.join(","))),
            ]
        }
        "ConfigMap" => {
            let n = ["data", "binaryData"]
                .iter()
                .filter_map(|k| o.get(*k).and_then(Value::as_object))
                .map(|m| m.len())
                .sum::<usize>();
            vec![json!(n)]
        }
        "Secret" => {
            let n = o
                .get("data")
                .and_then(Value::as_object)
                .map_or(0, |m| m.len());
            vec![json!(str_at(o, "/type")), json!(n)]
        }
        "Namespace" => vec![json!(str_at(o, "/status/phase"))],
        "PersistentVolumeClaim" => {
            let modes: Vec<&str> = o
                .pointer("/status/accessModes")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|m| match m {
                            "ReadWriteOnce" => "RWO",
                            "ReadOnlyMany" => "ROX",
                            "ReadWriteMany" => "RWX",
                            "ReadWriteOncePod" => "RWOP",
                            other => other,
                        })
                        .collect()
                })
                .unwrap_or_default();
            vec![
                json!(str_at(o, "/status/phase")),
                json!(str_at(o, "/spec/volumeName")),
                json!(str_at(o, "/status/capacity/storage")),
                json!(modes.join(",")),
                json!(or_none(str_at(o, "/spec/storageClassName"))),
            ]
        }
        "ServiceAccount" => vec![json!(o
            .get("secrets")
            .and_then(Value::as_array)
            .map_or(0, Vec::len))],
        _ => Vec::new(),
    }
}

/// The Table of one object or a list (`include_object`: `None`, `Metadata` (default) or
/// `Object`, as the `includeObject` parameter).
pub fn render(res: &Resource, v: &Value, include_object: &str) -> Value {
    if !res.printer_columns.is_empty() {
        return render_custom(res, v, include_object);
    }
    let kind = res.kind.as_str();
    let mut defs = vec![
        json!({"name": "Name", "type": "string", "format": "name", "description": "Name must be unique within a namespace.", "priority": 0}),
    ];
    let cols = columns(kind);
    let def = |(n, t, p): &(&str, &str, u8)| json!({"name": n, "type": t, "format": "", "description": "", "priority": p});
    // the printers put Age after the normal columns and before the wide ones
    defs.extend(cols.iter().filter(|c| c.2 == 0).map(def));
    defs.push(json!({"name": "Age", "type": "string", "format": "", "description": "CreationTimestamp is a timestamp representing the server time when this object was created.", "priority": 0}));
    defs.extend(cols.iter().filter(|c| c.2 != 0).map(def));
    let items: Vec<&Value> = match v.get("items").and_then(Value::as_array) {
        Some(items) => items.iter().collect(),
        None => vec![v],
    };
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let mut c = vec![json!(str_at(o, "/metadata/name"))];
            let values = cells(kind, o);
            let wide = |wide: bool| {
                cols.iter()
                    .zip(&values)
                    .filter(move |(col, _)| (col.2 != 0) == wide)
                    .map(|(_, v)| v.clone())
            };
            c.extend(wide(false));
            c.push(json!(age(o)));
            c.extend(wide(true));
            json!({"cells": c, "object": row_object(o, include_object)})
        })
        .collect();
    let rv = v
        .pointer("/metadata/resourceVersion")
        .cloned()
        .unwrap_or(json!(""));
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1",
           "metadata": {"resourceVersion": rv}, "columnDefinitions": defs, "rows": rows})
}

fn row_object(o: &Value, include_object: &str) -> Value {
    match include_object {
        "None" => Value::Null,
        "Object" => o.clone(),
        _ => json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                    "metadata": o.get("metadata").cloned().unwrap_or(json!({}))}),
    }
}

/// One step of a printer-column JSONPath.
#[derive(Debug, PartialEq)]
enum Step {
    Field(String),
    Index(usize),
    /// `[?(@.a.b=="v")]`: the first element whose `a.b` equals the literal.
    Filter(Vec<String>, Value),
}

/// Splits `.status.conditions[?(@.type=="Ready")].status` into steps (`None` when it
/// is not understood).
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut chars = path
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .chars()
        .peekable();
    let mut field = String::new();
    let flush = |field: &mut String, steps: &mut Vec<Step>| {
        if !field.is_empty() {
            steps.push(Step::Field(std::mem::take(field)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '.' => flush(&mut field, &mut steps),
            '[' => {
                flush(&mut field, &mut steps);
                let mut inner = String::new();
                let mut depth = 1;
                for c in chars.by_ref() {
                    match c {
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    inner.push(c);
                }
                let inner = inner.trim();
                if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
                    let (lhs, rhs) = f.split_once("==")?;
                    let lhs = lhs.trim().strip_prefix("@.")?;
                    let rhs = rhs.trim();
                    let lit = if (rhs.starts_with('"') && rhs.ends_with('"'))
                        || (rhs.starts_with('\'') && rhs.ends_with('\''))
                    {
                        json!(rhs.get(1..rhs.len().saturating_sub(1)).unwrap_or(""))
                    } else {
                        serde_json::from_str(rhs).ok()?
                    };
                    steps.push(Step::Filter(
                        lhs.split('.').map(str::to_string).collect(),
                        lit,
                    ));
                } else if inner == "*" {
                    steps.push(Step::Index(0));
                } else {
                    steps.push(Step::Index(inner.parse().ok()?));
                }
            }
            c => field.push(c),
        }
    }
    flush(&mut field, &mut steps);
    Some(steps)
}

/// A printer-column JSONPath (`.spec.size`, `.items[0].name`,
/// `.status.conditions[?(@.type=="Ready")].status`) into an object.
fn json_path<'a>(o: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = o;
    for step in parse_path(path)? {
        cur = match step {
            Step::Field(f) => cur.get(&f)?,
            Step::Index(i) => cur.get(i)?,
            Step::Filter(fields, lit) => cur.as_array()?.iter().find(|item| {
                let mut v = *item;
                for f in &fields {
                    match v.get(f) {
                        Some(x) => v = x,
                        None => return false,
                    }
                }
                *v == lit
            })?,
        };
    }
    Some(cur)
}

/// The Table of a custom resource with `additionalPrinterColumns`.
fn render_custom(res: &Resource, v: &Value, include_object: &str) -> Value {
    let mut defs = vec![
        json!({"name": "Name", "type": "string", "format": "name", "description": "Name must be unique within a namespace.", "priority": 0}),
    ];
    for c in &res.printer_columns {
        defs.push(json!({
            "name": c.get("name").cloned().unwrap_or(json!("")),
            "type": c.get("type").cloned().unwrap_or(json!("string")),
            "format": c.get("format").cloned().unwrap_or(json!("")),
            "description": c.get("description").cloned().unwrap_or(json!("")),
            "priority": c.get("priority").cloned().unwrap_or(json!(0)),
        }));
    }
    let items: Vec<&Value> = match v.get("items").and_then(Value::as_array) {
        Some(items) => items.iter().collect(),
        None => vec![v],
    };
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let mut cells = vec![json!(str_at(o, "/metadata/name"))];
            for c in &res.printer_columns {
                let path = c.get("jsonPath").and_then(Value::as_str).unwrap_or("");
                let value = json_path(o, path).cloned().unwrap_or(Value::Null);
                let cell = match (c.get("type").and_then(Value::as_str), &value) {
                    (Some("date"), Value::String(t)) => match parse_time(t) {
                        Some(t) => json!(human_duration(now_secs() - t)),
                        None => value.clone(),
                    },
                    (_, Value::Object(_) | Value::Array(_)) => json!(value.to_string()),
                    _ => value.clone(),
                };
                cells.push(cell);
            }
            json!({"cells": cells, "object": row_object(o, include_object)})
        })
        .collect();
    let rv = v
        .pointer("/metadata/resourceVersion")
        .cloned()
        .unwrap_or(json!(""));
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1",
           "metadata": {"resourceVersion": rv}, "columnDefinitions": defs, "rows": rows})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_column_paths() {
        let o = json!({"spec": {"size": 3, "items": [{"n": "a"}, {"n": "b"}]},
            "status": {"conditions": [{"type": "Synced", "status": "False"},
                                      {"type": "Ready", "status": "True"}]}});
        assert_eq!(json_path(&o, ".spec.size"), Some(&json!(3)));
        assert_eq!(json_path(&o, ".spec.items[1].n"), Some(&json!("b")));
        assert_eq!(
            json_path(&o, ".status.conditions[?(@.type==\"Ready\")].status"),
            Some(&json!("True"))
        );
        assert_eq!(
            json_path(&o, ".status.conditions[?(@.type=='Synced')].status"),
            Some(&json!("False"))
        );
        assert_eq!(json_path(&o, ".status.missing"), None);
    }

    #[test]
    fn human_durations_follow_kubernetes() {
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(192), "3m12s");
        assert_eq!(human_duration(900), "15m");
        assert_eq!(human_duration(5 * 3600 + 120), "5h2m");
        assert_eq!(human_duration(3 * 86_400), "3d");
    }

    #[test]
    fn times_parse() {
        assert_eq!(parse_time("1970-01-02T00:00:01Z"), Some(86_401));
        assert_eq!(parse_time("2024-03-01T00:00:00Z"), Some(1_709_251_200));
        assert!(wanted(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
        ));
        assert!(!wanted("application/json"));
    }
}
