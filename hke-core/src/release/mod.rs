//! The release record: Helm 3's `release.Release` with its exact JSON shape.
//!
//! A release record is hke's contract with every Helm tool: what hke writes, `helm
//! list/history/get/rollback` read, and the reverse. The types here serialise field by
//! field as Go's `encoding/json` writes Helm's structs (field order, `omitempty` rules,
//! `null` for nil slices and maps, Helm's `time.Time` that writes a zero time as `""`).
//! Fields a newer Helm adds (Helm 4's, say) are kept as read and written back.

pub mod print;
pub mod record;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// One revision of a release (`release.Release`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Release {
    /// The release name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Status, times, description and notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// The chart that was released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<ChartRecord>,
    /// The user-supplied values (`--set`, `-f`) of this revision.
    #[serde(default, skip_serializing_if = "map_is_empty")]
    pub config: Option<Map<String, Value>>,
    /// The rendered manifest (hooks excluded).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    /// The hooks of the release.
    #[serde(default, skip_serializing_if = "vec_is_empty")]
    pub hooks: Option<Vec<Hook>>,
    /// The revision number, from 1.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: i64,
    /// The namespace of the release.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Custom labels. Helm keeps them in the storage object's metadata, not in the record.
    #[serde(skip)]
    pub labels: BTreeMap<String, String>,
    /// Fields this version of hke does not know (written by a newer Helm), kept as read.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Release {
    /// The record as Helm 3 prints it (`status -o json|yaml`): every zero time written
    /// as `""`, as Helm 3 marshals its structs whatever form the record had.
    pub fn helm3_view(&self) -> Release {
        let mut r = self.clone();
        let fill = |t: &mut GoTime| {
            if t.is_zero() {
                *t = GoTime::zero_empty();
            }
        };
        if let Some(i) = r.info.as_mut() {
            fill(&mut i.first_deployed);
            fill(&mut i.last_deployed);
            fill(&mut i.deleted);
        }
        for h in r.hooks.iter_mut().flatten() {
            fill(&mut h.last_run.started_at);
            fill(&mut h.last_run.completed_at);
        }
        r
    }

    /// The status, `unknown` when the record has no info.
    pub fn status(&self) -> Status {
        self.info
            .as_ref()
            .map(|i| i.status.clone())
            .unwrap_or(Status::Unknown)
    }

    /// Sets the status and description (`SetStatus`).
    pub fn set_status(&mut self, status: Status, description: &str) {
        let info = self.info.get_or_insert_with(Info::default);
        info.status = status;
        info.description = description.to_string();
    }
}

/// `release.Info`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Info {
    /// When the release was first deployed. Helm 3 writes a zero time as `""`, Helm 4
    /// omits it; a record keeps the form it was read in, and hke never writes empty times.
    #[serde(default, skip_serializing_if = "GoTime::is_omitted")]
    pub first_deployed: GoTime,
    /// When this revision was deployed.
    #[serde(default, skip_serializing_if = "GoTime::is_omitted")]
    pub last_deployed: GoTime,
    /// When the release was uninstalled.
    #[serde(default, skip_serializing_if = "GoTime::is_omitted")]
    pub deleted: GoTime,
    /// A human-friendly log entry.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The state of the release.
    #[serde(default, skip_serializing_if = "Status::is_empty")]
    pub status: Status,
    /// The rendered NOTES.txt.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Deployed resources (Helm fills this only for `status --show-resources`).
    #[serde(default, skip_serializing_if = "map_is_empty")]
    pub resources: Option<Map<String, Value>>,
}

/// A release status (`release.Status`). Unknown spellings are kept as read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Status {
    /// `unknown`
    #[default]
    Unknown,
    /// `deployed`
    Deployed,
    /// `uninstalled`
    Uninstalled,
    /// `superseded`
    Superseded,
    /// `failed`
    Failed,
    /// `uninstalling`
    Uninstalling,
    /// `pending-install`
    PendingInstall,
    /// `pending-upgrade`
    PendingUpgrade,
    /// `pending-rollback`
    PendingRollback,
    /// Any other string (including `""`), kept as written.
    Other(String),
}

impl Status {
    /// Helm's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Unknown => "unknown",
            Status::Deployed => "deployed",
            Status::Uninstalled => "uninstalled",
            Status::Superseded => "superseded",
            Status::Failed => "failed",
            Status::Uninstalling => "uninstalling",
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::PendingRollback => "pending-rollback",
            Status::Other(s) => s,
        }
    }

    /// Reads Helm's spelling.
    pub fn parse(s: &str) -> Status {
        match s {
            "unknown" => Status::Unknown,
            "deployed" => Status::Deployed,
            "uninstalled" => Status::Uninstalled,
            "superseded" => Status::Superseded,
            "failed" => Status::Failed,
            "uninstalling" => Status::Uninstalling,
            "pending-install" => Status::PendingInstall,
            "pending-upgrade" => Status::PendingUpgrade,
            "pending-rollback" => Status::PendingRollback,
            other => Status::Other(other.to_string()),
        }
    }

    /// Whether an operation is in progress (`IsPending`): Helm's lock.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback
        )
    }

    fn is_empty(&self) -> bool {
        matches!(self, Status::Other(s) if s.is_empty())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Status::parse(&String::deserialize(d)?))
    }
}

/// Helm's `time.Time`: RFC 3339 with nanoseconds. The zero time has two written forms:
/// Helm 3 writes `""`, Helm 4 leaves the field out. A time read from a record is kept as
/// written (text and form), so records round-trip byte for byte; a zero time hke makes
/// is left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoTime(Option<String>, bool);

impl GoTime {
    /// The zero time (left out of records).
    pub fn zero() -> GoTime {
        GoTime(None, false)
    }

    /// The zero time written as `""`, as Helm 3 writes and prints it.
    pub fn zero_empty() -> GoTime {
        GoTime(None, true)
    }

    /// Whether the field is left out when written (a zero time not read as `""`).
    pub fn is_omitted(&self) -> bool {
        self.0.is_none() && !self.1
    }

    /// The current time, as Go's `time.Now()` marshals it in UTC (RFC3339Nano: trailing
    /// zeros of the fraction dropped).
    pub fn now() -> GoTime {
        GoTime::from_datetime(chrono::Utc::now())
    }

    /// A given instant in Go's RFC3339Nano form.
    pub fn from_datetime(t: chrono::DateTime<chrono::Utc>) -> GoTime {
        let base = t.format("%Y-%m-%dT%H:%M:%S").to_string();
        let nanos = t.timestamp_subsec_nanos();
        let frac = if nanos == 0 {
            String::new()
        } else {
            let digits = format!("{nanos:09}");
            format!(".{}", digits.trim_end_matches('0'))
        };
        GoTime(Some(format!("{base}{frac}Z")), false)
    }

    /// The time as written (`None` for the zero time).
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// Whether this is the zero time.
    pub fn is_zero(&self) -> bool {
        self.0.is_none()
    }

    /// The instant, when the text is a valid RFC 3339 time.
    pub fn to_datetime(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.0
            .as_deref()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
    }
}

impl Serialize for GoTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_deref().unwrap_or(""))
    }
}

impl<'de> Deserialize<'de> for GoTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        let empty = s.as_deref() == Some("");
        Ok(GoTime(s.filter(|s| !s.is_empty()), empty))
    }
}

/// The chart as stored in a release (`chart.Chart`'s JSON: `metadata`, `lock`,
/// `templates`, `values`, `schema`, `files`; nil slices and maps are `null`).
/// `metadata` and `lock` are kept as the exact JSON text written (Go's struct field
/// order), since hke only reads fields from them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChartRecord {
    /// `Chart.yaml` as Helm's `chart.Metadata` marshals it.
    #[serde(default = "json_null")]
    pub metadata: Box<RawValue>,
    /// `Chart.lock`, or `null`.
    #[serde(default = "json_null")]
    pub lock: Box<RawValue>,
    /// The template files.
    #[serde(default)]
    pub templates: Option<Vec<File>>,
    /// The chart's default values.
    #[serde(default)]
    pub values: Option<Map<String, Value>>,
    /// `values.schema.json`, base64 as Go writes `[]byte`.
    #[serde(default)]
    pub schema: Option<String>,
    /// When the schema was modified (Helm 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schemamodtime: Option<String>,
    /// The other files.
    #[serde(default)]
    pub files: Option<Vec<File>>,
    /// When the chart was modified (Helm 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modtime: Option<String>,
    /// Fields a newer Helm writes, kept as read.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for ChartRecord {
    fn default() -> Self {
        ChartRecord {
            metadata: json_null(),
            lock: json_null(),
            templates: None,
            values: None,
            schema: None,
            schemamodtime: None,
            files: None,
            modtime: None,
            extra: Map::new(),
        }
    }
}

impl ChartRecord {
    /// The decoded `metadata` object (`Value::Null` when absent or not an object).
    pub fn metadata_value(&self) -> Value {
        serde_json::from_str(self.metadata.get()).unwrap_or(Value::Null)
    }

    /// A metadata field as a string (`name`, `version`, `appVersion`, ...), empty if absent.
    pub fn metadata_str(&self, field: &str) -> String {
        self.metadata_value()
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }
}

/// JSON `null` (serde_json's default raw value).
fn json_null() -> Box<RawValue> {
    Box::<RawValue>::default()
}

/// A chart file (`chart.File`): its path and base64 data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct File {
    /// The path inside the chart.
    #[serde(default)]
    pub name: String,
    /// The contents, base64 (Go's `[]byte`); `null` for nil.
    #[serde(default)]
    pub data: Option<String>,
    /// When the file was modified (Helm 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modtime: Option<String>,
}

impl File {
    /// A file from its path and bytes.
    pub fn new(name: &str, data: &[u8]) -> File {
        File {
            name: name.to_string(),
            data: Some(data_encoding::BASE64.encode(data)),
            modtime: None,
        }
    }

    /// The decoded contents (empty when absent or not valid base64).
    pub fn bytes(&self) -> Vec<u8> {
        self.data
            .as_deref()
            .and_then(|d| data_encoding::BASE64.decode(d.as_bytes()).ok())
            .unwrap_or_default()
    }
}

/// A hook of the release (`release.Hook`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Hook {
    /// The hook resource's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Its kind.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// The template it came from (`chart/templates/x.yaml`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// The rendered manifest of the hook.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub manifest: String,
    /// The events it runs on (`pre-install`, `test`, ...).
    #[serde(default, skip_serializing_if = "vec_is_empty")]
    pub events: Option<Vec<String>>,
    /// The last execution (always written).
    #[serde(default)]
    pub last_run: HookExecution,
    /// `helm.sh/hook-weight`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub weight: i64,
    /// `helm.sh/hook-delete-policy` values.
    #[serde(default, skip_serializing_if = "vec_is_empty")]
    pub delete_policies: Option<Vec<String>>,
    /// Fields a newer Helm writes (e.g. output log policies), kept as read.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `release.HookExecution`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HookExecution {
    /// When the hook started.
    #[serde(default, skip_serializing_if = "GoTime::is_omitted")]
    pub started_at: GoTime,
    /// When it completed.
    #[serde(default, skip_serializing_if = "GoTime::is_omitted")]
    pub completed_at: GoTime,
    /// `Unknown`, `Running`, `Succeeded`, `Failed` (or `""`).
    #[serde(default)]
    pub phase: String,
}

fn map_is_empty(m: &Option<Map<String, Value>>) -> bool {
    m.as_ref().is_none_or(Map::is_empty)
}

fn vec_is_empty<T>(v: &Option<Vec<T>>) -> bool {
    v.as_ref().is_none_or(Vec::is_empty)
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// `chartutil.CoalesceValues(rel.Chart, rel.Config)`: the record's user values with the
/// chart's defaults coalesced in (a record keeps no subcharts, so only the top chart's
/// defaults count), as `helm get values --all` and `get all` print them.
pub fn computed_values(r: &Release) -> Map<String, Value> {
    use crate::value::Value as V;
    let to_map = |m: Option<&Map<String, Value>>| -> crate::value::Map {
        match m.map(|m| V::from_json_typed(&Value::Object(m.clone()))) {
            Some(V::Map(m)) => m,
            _ => crate::value::Map::new(),
        }
    };
    let chart_rec = r.chart.clone().unwrap_or_default();
    let mut chart = crate::chart::Chart::default();
    chart.metadata.name = chart_rec.metadata_str("name");
    chart.values = to_map(chart_rec.values.as_ref());
    let config = to_map(r.config.as_ref());
    let mut warnings = Vec::new();
    let merged =
        crate::values::coalesce::coalesce_values(&chart, &config, &mut warnings).unwrap_or(config);
    match V::Map(merged).to_json() {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record in the shape Helm 3.17 writes (`helm install` of a one-template chart).
    const HELM_RECORD: &str = r#"{"name":"web","info":{"first_deployed":"2026-11-22T10:00:00.123456789Z","last_deployed":"2026-11-22T10:00:00.123456789Z","deleted":"","description":"Install complete","status":"deployed","notes":"hello\n"},"chart":{"metadata":{"name":"demo","version":"0.1.0","description":"A demo","apiVersion":"v2","appVersion":"1.0","type":"application"},"lock":null,"templates":[{"name":"templates/cm.yaml","data":"a2luZDogQ29uZmlnTWFwCg=="}],"values":{"replicaCount":1},"schema":null,"files":[]},"config":{"replicaCount":3},"manifest":"---\n# Source: demo/templates/cm.yaml\nkind: ConfigMap\n","hooks":[{"name":"t","kind":"Pod","path":"demo/templates/t.yaml","manifest":"kind: Pod","events":["test"],"last_run":{"started_at":"","completed_at":"","phase":""},"delete_policies":["before-hook-creation"]}],"version":1,"namespace":"default"}"#;

    #[test]
    fn helm_record_round_trips_byte_for_byte() {
        let r: Release = serde_json::from_str(HELM_RECORD).expect("decode");
        assert_eq!(r.name, "web");
        assert_eq!(r.status(), Status::Deployed);
        assert_eq!(r.version, 1);
        assert!(r.info.as_ref().is_some_and(|i| i.deleted.is_zero()));
        let hooks = r.hooks.as_deref().unwrap_or_default();
        assert_eq!(hooks.len(), 1);
        assert_eq!(
            r.chart
                .as_ref()
                .and_then(|c| c.templates.as_ref())
                .map(|t| t[0].bytes()),
            Some(b"kind: ConfigMap\n".to_vec())
        );
        assert_eq!(serde_json::to_string(&r).expect("encode"), HELM_RECORD);
    }

    #[test]
    fn unknown_fields_and_statuses_survive() {
        let text = r#"{"name":"a","info":{"first_deployed":"","last_deployed":"","deleted":"","status":"paused"},"version":2,"apply_method":"ssa"}"#;
        let r: Release = serde_json::from_str(text).expect("decode");
        assert_eq!(r.status(), Status::Other("paused".into()));
        assert_eq!(r.extra.get("apply_method"), Some(&Value::from("ssa")));
        assert_eq!(serde_json::to_string(&r).expect("encode"), text);
    }

    #[test]
    fn go_time_formats_like_rfc3339nano() {
        use chrono::TimeZone;
        let t = chrono::Utc
            .timestamp_opt(1_700_000_000, 120_000_000)
            .single()
            .expect("time");
        assert_eq!(
            GoTime::from_datetime(t).as_str(),
            Some("2023-11-14T22:13:20.12Z")
        );
        let whole = chrono::Utc
            .timestamp_opt(1_700_000_000, 0)
            .single()
            .expect("time");
        assert_eq!(
            GoTime::from_datetime(whole).as_str(),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(
            serde_json::to_string(&GoTime::zero_empty()).expect("json"),
            "\"\""
        );
        assert!(GoTime::zero().is_omitted());
        let read: Info =
            serde_json::from_str(r#"{"deleted":"","status":"deployed"}"#).expect("info");
        assert!(read.deleted.is_zero() && !read.deleted.is_omitted());
        assert_eq!(
            serde_json::to_string(&read).expect("json"),
            r#"{"deleted":"","status":"deployed"}"#
        );
    }

    #[test]
    fn pending_statuses_are_the_lock() {
        for s in ["pending-install", "pending-upgrade", "pending-rollback"] {
            assert!(Status::parse(s).is_pending());
        }
        assert!(!Status::Deployed.is_pending());
    }
}
