//! How helm prints releases: `helm list`, `helm history` and `helm status` in their
//! table, JSON and YAML forms, byte for byte (gosuri/uitable padding, Go's time formats,
//! `encoding/json`'s HTML escaping, sigs.k8s.io/yaml's sorted keys).

use super::{ChartRecord, GoTime, Release};
use serde::Serialize;

/// `-o`: the output format of list, history and status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `table` (the default).
    Table,
    /// `json`.
    Json,
    /// `yaml`.
    Yaml,
}

impl Format {
    /// Reads `-o`'s value, with helm's error for others.
    pub fn parse(s: &str) -> Result<Format, String> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "yaml" => Ok(Format::Yaml),
            other => Err(format!("invalid format type {other}")),
        }
    }
}

/// gosuri/uitable as helm uses it: each cell padded with spaces to its column's width
/// (the last column too), cells joined by a tab, a newline after every row.
pub fn table(rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let w = cell.chars().count();
            match widths.get_mut(i) {
                Some(x) => *x = (*x).max(w),
                None => widths.push(w),
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(c.chars().count());
                format!("{c}{}", " ".repeat(pad))
            })
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

/// `encoding/json`'s encoder output: compact, `<`, `>`, `&`, U+2028 and U+2029 escaped,
/// a newline at the end.
pub fn go_json<T: Serialize>(v: &T) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let mut out = go_html_escape(&s);
    out.push('\n');
    out
}

/// `json.Marshal`'s HTML-safe escaping applied to compact JSON text: `<`, `>`, `&`,
/// U+2028 and U+2029 become `\u` escapes (they only occur inside strings).
pub fn go_html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// sigs.k8s.io/yaml's `Marshal` of a struct (through JSON: keys sorted).
pub fn go_yaml<T: Serialize>(v: &T) -> String {
    let json = serde_json::to_value(v).unwrap_or(serde_json::Value::Null);
    crate::yaml::marshal(&crate::value::Value::from_json_typed(&json))
}

/// Go's `time.Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`.
pub fn time_string(t: &GoTime) -> String {
    let Some(dt) = t.to_datetime() else {
        return "0001-01-01 00:00:00 +0000 UTC".into();
    };
    let nanos = dt.timestamp_subsec_nanos();
    let frac = if nanos == 0 {
        String::new()
    } else {
        format!(".{}", format!("{nanos:09}").trim_end_matches('0'))
    };
    let offset = dt.format("%z").to_string();
    let zone = if dt.offset().local_minus_utc() == 0 && t.as_str().is_some_and(|s| s.ends_with('Z'))
    {
        "UTC".to_string()
    } else {
        offset.clone()
    };
    format!("{}{frac} {offset} {zone}", dt.format("%Y-%m-%d %H:%M:%S"))
}

/// Go's `time.ANSIC` layout: `Mon Jan _2 15:04:05 2006`; the zero time for `""`.
pub fn time_ansic(t: &GoTime) -> String {
    match t.to_datetime() {
        Some(dt) => dt.format("%a %b %e %H:%M:%S %Y").to_string(),
        None => "Mon Jan  1 00:00:00 0001".into(),
    }
}

/// `formatChartName`: `NAME-VERSION`, or `MISSING`.
pub fn chart_name(c: Option<&ChartRecord>) -> String {
    match c {
        Some(c) if c.metadata_value().is_object() => {
            format!("{}-{}", c.metadata_str("name"), c.metadata_str("version"))
        }
        _ => "MISSING".into(),
    }
}

/// `formatAppVersion`: the chart's appVersion, or `MISSING`.
pub fn app_version(c: Option<&ChartRecord>) -> String {
    match c {
        Some(c) if c.metadata_value().is_object() => c.metadata_str("appVersion"),
        _ => "MISSING".into(),
    }
}

#[derive(Serialize)]
struct ListElement {
    name: String,
    namespace: String,
    revision: String,
    updated: String,
    status: String,
    chart: String,
    app_version: String,
}

/// `helm list` output of already filtered and sorted releases. `time_format` is a Go
/// layout given by `--time-format` (only the common layouts are supported; others are
/// an error).
pub fn list(
    releases: &[Release],
    format: Format,
    no_headers: bool,
    time_format: Option<&str>,
) -> Result<String, String> {
    let mut elements = Vec::with_capacity(releases.len());
    for r in releases {
        let last = r
            .info
            .as_ref()
            .map(|i| i.last_deployed.clone())
            .unwrap_or_default();
        let updated = if last.is_zero() {
            "-".to_string()
        } else {
            match time_format {
                None | Some("") => time_string(&last),
                Some(layout) => go_layout(&last, layout)?,
            }
        };
        elements.push(ListElement {
            name: r.name.clone(),
            namespace: r.namespace.clone(),
            revision: r.version.to_string(),
            updated,
            status: r.status().to_string(),
            chart: chart_name(r.chart.as_ref()),
            app_version: app_version(r.chart.as_ref()),
        });
    }
    Ok(match format {
        Format::Json => go_json(&elements),
        Format::Yaml => go_yaml(&elements),
        Format::Table => {
            let mut rows = Vec::new();
            if !no_headers {
                rows.push(
                    [
                        "NAME",
                        "NAMESPACE",
                        "REVISION",
                        "UPDATED",
                        "STATUS",
                        "CHART",
                        "APP VERSION",
                    ]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                );
            }
            for e in &elements {
                rows.push(vec![
                    e.name.clone(),
                    e.namespace.clone(),
                    e.revision.clone(),
                    e.updated.clone(),
                    e.status.clone(),
                    e.chart.clone(),
                    e.app_version.clone(),
                ]);
            }
            table(&rows)
        }
    })
}

/// A few Go layouts by name or spelling (`--time-format`).
fn go_layout(t: &GoTime, layout: &str) -> Result<String, String> {
    let Some(dt) = t.to_datetime() else {
        return Ok(String::new());
    };
    let chrono_fmt = match layout {
        "2006-01-02" => "%Y-%m-%d",
        "2006-01-02 15:04:05" => "%Y-%m-%d %H:%M:%S",
        "2006-01-02T15:04:05Z07:00" => "%Y-%m-%dT%H:%M:%S%:z",
        "Mon Jan _2 15:04:05 2006" => "%a %b %e %H:%M:%S %Y",
        "15:04:05" => "%H:%M:%S",
        other => {
            return Err(format!(
                "--time-format {other:?} is not supported by hke yet"
            ))
        }
    };
    Ok(dt.format(chrono_fmt).to_string())
}

#[derive(Serialize)]
struct HistoryElement {
    revision: i64,
    updated: GoTime,
    status: String,
    chart: String,
    app_version: String,
    description: String,
}

/// `helm history` output; `releases` in any order, printed by revision (the last `max`).
pub fn history(releases: &[Release], format: Format, max: usize) -> String {
    let mut rs: Vec<&Release> = releases.iter().collect();
    rs.sort_by_key(|r| r.version);
    if max > 0 && rs.len() > max {
        rs.drain(..rs.len() - max);
    }
    let elements: Vec<HistoryElement> = rs
        .iter()
        .map(|r| HistoryElement {
            revision: r.version,
            updated: r
                .info
                .as_ref()
                .map(|i| i.last_deployed.clone())
                .unwrap_or_default(),
            status: r.status().to_string(),
            chart: chart_name(r.chart.as_ref()),
            app_version: app_version(r.chart.as_ref()),
            description: r
                .info
                .as_ref()
                .map(|i| i.description.clone())
                .unwrap_or_default(),
        })
        .collect();
    match format {
        Format::Json => go_json(&elements),
        Format::Yaml => go_yaml(&elements),
        Format::Table => {
            let mut rows = vec![[
                "REVISION",
                "UPDATED",
                "STATUS",
                "CHART",
                "APP VERSION",
                "DESCRIPTION",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()];
            for e in &elements {
                rows.push(vec![
                    e.revision.to_string(),
                    time_ansic(&e.updated),
                    e.status.clone(),
                    e.chart.clone(),
                    e.app_version.clone(),
                    e.description.clone(),
                ]);
            }
            table(&rows)
        }
    }
}

/// Options of `helm status`'s text form.
#[derive(Clone, Copy, Debug, Default)]
pub struct StatusOptions<'a> {
    /// `--show-desc`.
    pub show_description: bool,
    /// Hide NOTES (install/upgrade `--hide-notes`).
    pub hide_notes: bool,
    /// CHART, VERSION and APP_VERSION lines (`get all`).
    pub show_metadata: bool,
    /// User-supplied and computed values, hooks and manifest (`get all`, `--debug`).
    pub debug: bool,
    /// The `RESOURCES:` block, already rendered (`--show-resources`).
    pub resources: Option<&'a str>,
}

/// `helm status` in table form (the form install and upgrade print too).
pub fn status_text(r: &Release, opts: StatusOptions<'_>) -> String {
    let info = r.info.clone().unwrap_or_default();
    let mut out = format!("NAME: {}\n", r.name);
    if !info.last_deployed.is_zero() {
        out.push_str(&format!(
            "LAST DEPLOYED: {}\n",
            time_ansic(&info.last_deployed)
        ));
    }
    out.push_str(&format!("NAMESPACE: {}\n", r.namespace));
    out.push_str(&format!("STATUS: {}\n", r.status()));
    out.push_str(&format!("REVISION: {}\n", r.version));
    if opts.show_metadata {
        let chart = r.chart.clone().unwrap_or_default();
        out.push_str(&format!("CHART: {}\n", chart.metadata_str("name")));
        out.push_str(&format!("VERSION: {}\n", chart.metadata_str("version")));
        out.push_str(&format!(
            "APP_VERSION: {}\n",
            chart.metadata_str("appVersion")
        ));
    }
    if opts.show_description {
        out.push_str(&format!("DESCRIPTION: {}\n", info.description));
    }
    if let Some(block) = opts.resources.filter(|b| !b.is_empty()) {
        out.push_str(&format!("RESOURCES:\n{block}\n"));
    }
    let tests: Vec<_> = r
        .hooks
        .iter()
        .flatten()
        .filter(|h| h.events.iter().flatten().any(|e| e == "test"))
        .collect();
    if tests.is_empty() {
        out.push_str("TEST SUITE: None\n");
    } else {
        for h in tests {
            if h.last_run.started_at.is_zero() {
                continue;
            }
            out.push_str(&format!(
                "TEST SUITE:     {}\nLast Started:   {}\nLast Completed: {}\nPhase:          {}\n",
                h.name,
                time_ansic(&h.last_run.started_at),
                time_ansic(&h.last_run.completed_at),
                h.last_run.phase
            ));
        }
    }
    if opts.debug {
        out.push_str("USER-SUPPLIED VALUES:\n");
        out.push_str(&go_yaml(&r.config));
        out.push('\n');
        out.push_str("COMPUTED VALUES:\n");
        out.push_str(&go_yaml(&super::computed_values(r)));
        out.push('\n');
    }
    if info.description.eq_ignore_ascii_case("Dry run complete") || opts.debug {
        out.push_str("HOOKS:\n");
        for h in r.hooks.iter().flatten() {
            out.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest));
        }
        out.push_str(&format!("MANIFEST:\n{}\n", r.manifest));
    }
    if !opts.hide_notes && !info.notes.is_empty() {
        out.push_str(&format!("NOTES:\n{}\n", info.notes.trim()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::{Info, Status};

    fn rel() -> Release {
        let chart: ChartRecord = serde_json::from_str(
            r#"{"metadata":{"name":"demo","version":"0.1.0","appVersion":"1.16.0"},"lock":null,"templates":null,"values":null,"schema":null,"files":null}"#,
        )
        .expect("chart");
        let mut r = Release {
            name: "web".into(),
            namespace: "default".into(),
            version: 2,
            chart: Some(chart),
            info: Some(Info {
                last_deployed: serde_json::from_str("\"2026-11-22T10:04:05.5Z\"").expect("t"),
                description: "Upgrade <complete>".into(),
                notes: "  hi\n".into(),
                ..Info::default()
            }),
            ..Release::default()
        };
        r.set_status(Status::Deployed, "Upgrade <complete>");
        r
    }

    #[test]
    fn list_table_pads_like_uitable() {
        let out = list(&[rel()], Format::Table, false, None).expect("list");
        let want = concat!(
            "NAME\tNAMESPACE\tREVISION\tUPDATED                        \tSTATUS  \tCHART     \tAPP VERSION\n",
            "web \tdefault  \t2       \t2026-11-22 10:04:05.5 +0000 UTC\tdeployed\tdemo-0.1.0\t1.16.0     \n"
        );
        assert_eq!(out, want);
    }

    #[test]
    fn json_escapes_html_like_go() {
        let out = history(&[rel()], Format::Json, 0);
        assert!(out.contains("Upgrade \\u003ccomplete\\u003e"), "{out}");
        assert!(out.starts_with("[{\"revision\":2,\"updated\":\"2026-11-22T10:04:05.5Z\""));
    }

    #[test]
    fn status_text_has_helms_lines() {
        let out = status_text(&rel(), StatusOptions::default());
        assert_eq!(
            out,
            "NAME: web\nLAST DEPLOYED: Sun Nov 22 10:04:05 2026\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 2\nTEST SUITE: None\nNOTES:\nhi\n"
        );
    }
}

/// `helm get metadata`'s fields (Helm's `action.Metadata`).
#[derive(Debug, Serialize)]
pub struct ReleaseMetadata {
    /// Release name.
    pub name: String,
    /// Chart name.
    pub chart: String,
    /// Chart version.
    pub version: String,
    /// Chart appVersion.
    #[serde(rename = "appVersion")]
    pub app_version: String,
    /// Chart annotations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<serde_json::Value>,
    /// Chart dependencies, as Chart.yaml declares them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dependencies: Option<serde_json::Value>,
    /// Release namespace.
    pub namespace: String,
    /// Revision.
    pub revision: i64,
    /// Status.
    pub status: String,
    /// `LastDeployed` in RFC 3339 (seconds, the zone's offset).
    #[serde(rename = "deployedAt")]
    pub deployed_at: String,
}

impl ReleaseMetadata {
    /// The metadata of a release record.
    pub fn of(r: &Release) -> ReleaseMetadata {
        let chart = r.chart.clone().unwrap_or_default();
        let meta = chart.metadata_value();
        let non_empty = |v: Option<&serde_json::Value>| {
            v.filter(|v| match v {
                serde_json::Value::Array(a) => !a.is_empty(),
                serde_json::Value::Object(o) => !o.is_empty(),
                serde_json::Value::Null => false,
                _ => true,
            })
            .cloned()
        };
        let info = r.info.clone().unwrap_or_default();
        ReleaseMetadata {
            name: r.name.clone(),
            chart: chart.metadata_str("name"),
            version: chart.metadata_str("version"),
            app_version: chart.metadata_str("appVersion"),
            annotations: non_empty(meta.get("annotations")),
            dependencies: non_empty(meta.get("dependencies")),
            namespace: r.namespace.clone(),
            revision: r.version,
            status: r.status().as_str().to_string(),
            deployed_at: info
                .last_deployed
                .to_datetime()
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_else(|| "0001-01-01T00:00:00Z".into()),
        }
    }

    /// The table form.
    pub fn table(&self) -> String {
        // k8s labels.Set(...).String(): sorted `k=v` joined by commas.
        let annotations = self
            .annotations
            .as_ref()
            .and_then(|a| a.as_object())
            .map(|m| {
                let mut kv: Vec<String> = m
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect();
                kv.sort();
                kv.join(",")
            })
            .unwrap_or_default();
        let mut deps: Vec<String> = self
            .dependencies
            .as_ref()
            .and_then(|d| d.as_array())
            .map(|a| {
                a.iter()
                    .map(|d| {
                        d.get("name")
                            .and_then(|n| n.as_str())
                            .unwrap_or("")
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default();
        deps.sort();
        format!(
            "NAME: {}\nCHART: {}\nVERSION: {}\nAPP_VERSION: {}\nANNOTATIONS: {}\nDEPENDENCIES: {}\nNAMESPACE: {}\nREVISION: {}\nSTATUS: {}\nDEPLOYED_AT: {}\n",
            self.name,
            self.chart,
            self.version,
            self.app_version,
            annotations,
            deps.join(","),
            self.namespace,
            self.revision,
            self.status,
            self.deployed_at
        )
    }
}

/// The `RESOURCES:` block of `helm status --show-resources` (without its heading): per
/// `VERSION/KIND`, `==> KEY`, the objects as kubectl prints server-side `Table`s (column
/// headers upper-cased, priority-0 columns only, cells aligned as Go's tabwriter with
/// padding 3 and minimum width 6, headers repeated only when the columns change), then
/// a blank line.
pub fn resources_block(resources: &serde_json::Map<String, serde_json::Value>) -> String {
    let mut out = String::new();
    let mut last_columns: Option<Vec<String>> = None;
    for (key, objs) in resources {
        out.push_str(&format!("==> {key}\n"));
        for obj in objs.as_array().into_iter().flatten() {
            let (columns, rows) = table_of(obj);
            let mut lines: Vec<Vec<String>> = Vec::new();
            if last_columns.as_ref() != Some(&columns) {
                lines.push(columns.iter().map(|c| c.to_uppercase()).collect());
                last_columns = Some(columns.clone());
            }
            lines.extend(rows);
            out.push_str(&tabwrite(&lines));
        }
        out.push('\n');
    }
    out
}

/// Column names (priority 0) and rows of a `Table`, or NAME/AGE of any other object or
/// list.
fn table_of(obj: &serde_json::Value) -> (Vec<String>, Vec<Vec<String>>) {
    use serde_json::Value;
    if obj.get("kind").and_then(Value::as_str) == Some("Table") {
        let defs: Vec<&Value> = obj
            .get("columnDefinitions")
            .and_then(Value::as_array)
            .map(|d| d.iter().collect())
            .unwrap_or_default();
        let shown: Vec<usize> = defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.get("priority").and_then(Value::as_i64).unwrap_or(0) == 0)
            .map(|(i, _)| i)
            .collect();
        let columns = shown
            .iter()
            .map(|&i| {
                defs[i]
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        let rows = obj
            .get("rows")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|r| {
                let cells = r.get("cells").and_then(Value::as_array);
                shown
                    .iter()
                    .map(|&i| match cells.and_then(|c| c.get(i)) {
                        None | Some(Value::Null) => String::new(),
                        Some(Value::String(s)) => s
                            .split(['\n', '\r', '\x0c'])
                            .next()
                            .unwrap_or("")
                            .to_string(),
                        Some(v) => v.to_string(),
                    })
                    .collect()
            })
            .collect();
        return (columns, rows);
    }
    let items: Vec<&Value> = match obj.get("items").and_then(Value::as_array) {
        Some(items) => items.iter().collect(),
        None => vec![obj],
    };
    let now = chrono::Utc::now();
    let rows = items
        .iter()
        .map(|o| {
            let name = o
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let age = o
                .pointer("/metadata/creationTimestamp")
                .and_then(Value::as_str)
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| human_duration((now - t.with_timezone(&chrono::Utc)).num_seconds()))
                .unwrap_or_else(|| "<unknown>".into());
            vec![name, age]
        })
        .collect();
    (vec!["Name".into(), "Age".into()], rows)
}

/// Kubernetes' `duration.HumanDuration` of a number of seconds.
fn human_duration(secs: i64) -> String {
    let s = secs.max(0);
    let (m, h, d) = (s / 60, s / 3600, s / 86400);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
        let r = s % 60;
        if r == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{r}s")
        }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        let r = m % 60;
        if r == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{r}m")
        }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 192 {
        let r = h % 24;
        if r == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{r}h")
        }
    } else if d < 365 * 2 {
        format!("{d}d")
    } else {
        let (y, r) = (d / 365, d % 365);
        if r == 0 {
            format!("{y}y")
        } else {
            format!("{y}y{r}d")
        }
    }
}

/// Go's tabwriter as kubectl sets it up (minwidth 6, padding 3, spaces): every cell but
/// a line's last padded to its column's width.
fn tabwrite(lines: &[Vec<String>]) -> String {
    let ncols = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; ncols];
    for l in lines {
        for (i, c) in l.iter().enumerate() {
            if i + 1 < l.len() {
                widths[i] = widths[i].max((c.chars().count() + 3).max(6));
            }
        }
    }
    let mut out = String::new();
    for l in lines {
        for (i, c) in l.iter().enumerate() {
            out.push_str(c);
            if i + 1 < l.len() {
                out.push_str(&" ".repeat(widths[i] - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}
