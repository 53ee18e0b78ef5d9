//! Release records written the way hke's storage writes them, for tests that check what
//! helm reads of them: a Secret-driver [`Storage`] on a cluster reached through a
//! kubeconfig, and minimal records.

use hke_core::kube::{ConnectOptions, KubeClient, KubeObjects};
use hke_core::release::{ChartRecord, GoTime, Info, Release, Status};
use hke_core::storage::{DriverKind, ObjectDriver, Storage};
use std::path::Path;
use std::sync::Arc;

/// The Secret-driver storage of `namespace` on the cluster of `kubeconfig`.
pub fn secret_storage(kubeconfig: &Path, namespace: &str) -> Result<Storage, String> {
    let client = KubeClient::connect(&ConnectOptions {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    Ok(Storage::new(Box::new(ObjectDriver::new(
        DriverKind::Secret,
        Box::new(KubeObjects::new(
            Arc::new(client),
            DriverKind::Secret,
            Some(namespace.into()),
        )),
    ))))
}

/// A revision of release `name` in `namespace` of a chart `chart-version` (appVersion
/// `app_version`), deployed now, with the given status, description, manifest and notes.
pub struct RecordSpec<'a> {
    /// Release name.
    pub name: &'a str,
    /// Namespace.
    pub namespace: &'a str,
    /// Revision.
    pub version: i64,
    /// Status.
    pub status: Status,
    /// Description.
    pub description: &'a str,
    /// Manifest.
    pub manifest: &'a str,
    /// NOTES.
    pub notes: &'a str,
    /// Chart name.
    pub chart: &'a str,
    /// Chart version.
    pub chart_version: &'a str,
    /// Chart appVersion.
    pub app_version: &'a str,
}

impl RecordSpec<'_> {
    /// The record.
    pub fn build(&self) -> Release {
        let metadata = serde_json::value::RawValue::from_string(
            serde_json::json!({"name": self.chart, "version": self.chart_version,
                               "apiVersion": "v2", "appVersion": self.app_version,
                               "type": "application"})
            .to_string(),
        )
        .unwrap_or_default();
        let mut r = Release {
            name: self.name.into(),
            namespace: self.namespace.into(),
            version: self.version,
            manifest: self.manifest.into(),
            chart: Some(ChartRecord {
                metadata,
                ..ChartRecord::default()
            }),
            info: Some(Info {
                first_deployed: GoTime::now(),
                last_deployed: GoTime::now(),
                notes: self.notes.into(),
                ..Info::default()
            }),
            ..Release::default()
        };
        r.set_status(self.status.clone(), self.description);
        r
    }
}
