//! Release storage as Helm 3 does it: drivers that keep one record per revision, and
//! the [`Storage`] queries the actions use (history, last deployed, `--history-max`).
//!
//! - [`codec`]: Helm's record encoding (JSON, gzip, base64).
//! - [`driver`]: the [`Driver`] trait, the `memory` driver, and the `secret` and
//!   `configmap` drivers, which write the exact objects Helm writes
//!   (`sh.helm.release.v1.NAME.vN`, type `helm.sh/release.v1`, labels `name`, `owner`,
//!   `status`, `version`, `createdAt`/`modifiedAt`) through an [`ObjectStore`]: the
//!   namespaced Secret or ConfigMap API of a cluster, or [`MemoryObjects`] in tests.

pub mod codec;
pub mod driver;

pub use codec::{decode_release, encode_release};
pub use driver::{
    Driver, DriverKind, Header, MemoryDriver, MemoryObjects, ObjectDriver, ObjectError, ObjectStore,
};

use crate::release::{Release, Status};
use std::collections::BTreeMap;

/// The largest object Kubernetes stores (etcd's request limit, 1 MiB).
pub const MAX_OBJECT_BYTES: usize = 1024 * 1024;

/// Errors of release storage, worded as Helm's drivers word them.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// `release: not found`
    #[error("release: not found")]
    NotFound,
    /// `release: already exists`
    #[error("release: already exists")]
    Exists,
    /// No deployed revision of a release.
    #[error("{0}: has no deployed releases")]
    NoDeployedReleases(String),
    /// A release has no revision at all.
    #[error("no revision for release {0:?}")]
    NoRevision(String),
    /// The encoded record does not fit in one Kubernetes object.
    #[error(
        "release {name} revision {version} is too large to store: its {driver} object would hold {size} bytes, over the Kubernetes limit of {limit} bytes (1 MiB); make the chart smaller (large files in the chart are stored in every revision)"
    )]
    TooLarge {
        /// Release name.
        name: String,
        /// Revision.
        version: i64,
        /// `Secret` or `ConfigMap`.
        driver: &'static str,
        /// Encoded size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A label value a query cannot use.
    #[error("invalid label value: {0:?}: {1}")]
    InvalidLabel(String, String),
    /// An unknown `HELM_DRIVER`.
    #[error("unknown driver {0:?}")]
    UnknownDriver(String),
    /// The record could not be encoded.
    #[error("failed to encode release: {0}")]
    Encode(String),
    /// The stored data could not be decoded.
    #[error("failed to decode release: {0}")]
    Decode(String),
    /// The object API failed.
    #[error("{op}: {source}")]
    Api {
        /// What was being done (`create: failed to create`, ...).
        op: String,
        /// The API's error.
        source: ObjectError,
    },
}

/// The storage key of a revision (`makeKey`): `sh.helm.release.v1.NAME.vN`.
pub fn make_key(name: &str, version: i64) -> String {
    format!("sh.helm.release.v1.{name}.v{version}")
}

/// Helm's `Storage`: a driver plus the history limit.
pub struct Storage {
    /// The driver records go through.
    pub driver: Box<dyn Driver>,
    /// `--history-max`: revisions kept per release (0 = no limit).
    pub max_history: usize,
}

impl Storage {
    /// Storage over `driver`, with no history limit.
    pub fn new(driver: Box<dyn Driver>) -> Storage {
        Storage {
            driver,
            max_history: 0,
        }
    }

    /// One revision.
    pub fn get(&self, name: &str, version: i64) -> Result<Release, StorageError> {
        self.driver.get(&make_key(name, version))
    }

    /// Stores a new revision, first pruning the history to `max_history - 1` records
    /// (Helm keeps the last deployed revision when pruning).
    pub fn create(&self, rls: &Release) -> Result<(), StorageError> {
        if self.max_history > 0 {
            match self.remove_least_recent(&rls.name, self.max_history - 1) {
                Ok(()) | Err(StorageError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        self.driver.create(&make_key(&rls.name, rls.version), rls)
    }

    /// Rewrites a revision (status changes).
    pub fn update(&self, rls: &Release) -> Result<(), StorageError> {
        self.driver.update(&make_key(&rls.name, rls.version), rls)
    }

    /// Deletes a revision, returning it.
    pub fn delete(&self, name: &str, version: i64) -> Result<Release, StorageError> {
        self.driver.delete(&make_key(name, version))
    }

    /// Every record.
    pub fn list_releases(&self) -> Result<Vec<Release>, StorageError> {
        self.driver.list(&|_| true)
    }

    /// Records with status `deployed`.
    pub fn list_deployed(&self) -> Result<Vec<Release>, StorageError> {
        self.driver.list(&|r| r.status() == Status::Deployed)
    }

    /// Records with status `uninstalled`.
    pub fn list_uninstalled(&self) -> Result<Vec<Release>, StorageError> {
        self.driver.list(&|r| r.status() == Status::Uninstalled)
    }

    /// Every deployed revision of a release.
    pub fn deployed_all(&self, name: &str) -> Result<Vec<Release>, StorageError> {
        let q = labels(&[("name", name), ("owner", "helm"), ("status", "deployed")]);
        match self.driver.query(&q) {
            Ok(ls) => Ok(ls),
            Err(StorageError::NotFound) => Err(StorageError::NoDeployedReleases(name.into())),
            Err(e) => Err(e),
        }
    }

    /// The latest deployed revision.
    pub fn deployed(&self, name: &str) -> Result<Release, StorageError> {
        self.deployed_all(name)?
            .into_iter()
            .max_by_key(|r| r.version)
            .ok_or_else(|| StorageError::NoDeployedReleases(name.into()))
    }

    /// Every revision of a release (unordered, as the driver returns them).
    pub fn history(&self, name: &str) -> Result<Vec<Release>, StorageError> {
        self.driver
            .query(&labels(&[("name", name), ("owner", "helm")]))
    }

    /// The highest revision, whatever its status.
    pub fn last(&self, name: &str) -> Result<Release, StorageError> {
        self.history(name)?
            .into_iter()
            .max_by_key(|r| r.version)
            .ok_or_else(|| StorageError::NoRevision(name.into()))
    }

    /// `removeLeastRecent`: deletes the oldest revisions until `max` remain, never the
    /// last deployed one.
    fn remove_least_recent(&self, name: &str, max: usize) -> Result<(), StorageError> {
        let mut h = self.history(name)?;
        if h.len() <= max {
            return Ok(());
        }
        h.sort_by_key(|r| r.version);
        let last_deployed = match self.deployed(name) {
            Ok(r) => Some(r.version),
            Err(StorageError::NoDeployedReleases(_)) => None,
            Err(e) => return Err(e),
        };
        let mut to_delete = Vec::new();
        for r in &h {
            if h.len() - to_delete.len() == max {
                break;
            }
            if Some(r.version) != last_deployed {
                to_delete.push(r.version);
            }
        }
        let mut errors = Vec::new();
        for v in to_delete {
            if let Err(e) = self.delete(name, v) {
                errors.push(e);
            }
        }
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            n => Err(StorageError::Encode(format!(
                "encountered {n} deletion errors. First is: {}",
                errors.remove(0)
            ))),
        }
    }
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::Info;

    use crate::kube::{FakeCluster, KubeObjects};
    use std::sync::Arc;

    fn rev(name: &str, version: i64, status: Status) -> Release {
        let mut r = Release {
            name: name.into(),
            version,
            namespace: "default".into(),
            info: Some(Info::default()),
            ..Release::default()
        };
        r.set_status(status, "");
        r
    }

    fn storages() -> Vec<Storage> {
        vec![
            Storage::new(Box::new(MemoryDriver::new("default"))),
            Storage::new(Box::new(ObjectDriver::new(
                DriverKind::Secret,
                Box::new(MemoryObjects::default()),
            ))),
            Storage::new(Box::new(ObjectDriver::new(
                DriverKind::ConfigMap,
                Box::new(MemoryObjects::default()),
            ))),
            // Both object drivers through the cluster boundary, on the fake cluster.
            Storage::new(Box::new(ObjectDriver::new(
                DriverKind::Secret,
                Box::new(KubeObjects::new(
                    Arc::new(FakeCluster::default()),
                    DriverKind::Secret,
                    Some("default".into()),
                )),
            ))),
            Storage::new(Box::new(ObjectDriver::new(
                DriverKind::ConfigMap,
                Box::new(KubeObjects::new(
                    Arc::new(FakeCluster::default()),
                    DriverKind::ConfigMap,
                    Some("default".into()),
                )),
            ))),
        ]
    }

    #[test]
    fn records_on_the_fake_cluster_are_helms_objects() {
        let fake = Arc::new(FakeCluster::default());
        let s = Storage::new(Box::new(ObjectDriver::new(
            DriverKind::Secret,
            Box::new(KubeObjects::new(
                fake.clone(),
                DriverKind::Secret,
                Some("default".into()),
            )),
        )));
        s.create(&rev("web", 1, Status::Deployed)).expect("create");
        let objs = fake.objects();
        let secret = objs
            .iter()
            .find(|o| o["kind"] == "Secret")
            .expect("a secret");
        assert_eq!(secret["metadata"]["name"], "sh.helm.release.v1.web.v1");
        assert_eq!(secret["type"], "helm.sh/release.v1");
        assert_eq!(secret["metadata"]["labels"]["owner"], "helm");
        assert_eq!(secret["metadata"]["labels"]["status"], "deployed");
        let mut r = rev("web", 1, Status::Superseded);
        r.manifest = "x".into();
        s.update(&r).expect("update");
        assert_eq!(s.get("web", 1).expect("get").manifest, "x");
        assert_eq!(s.deployed("web").ok().map(|r| r.version), None);
        // A failing API is an error naming the operation, never a lost record.
        fake.inject(crate::kube::fake::Fault {
            verb: None,
            kind: None,
            error: crate::kube::KubeError::Api {
                code: 403,
                reason: "Forbidden".into(),
                message: "secrets is forbidden".into(),
            },
            times: 1,
        });
        let e = s
            .create(&rev("web", 2, Status::Deployed))
            .expect_err("forbidden");
        assert!(e.to_string().contains("forbidden"), "{e}");
        assert!(s.get("web", 2).is_err());
    }

    #[test]
    fn history_queries_work_on_every_driver() {
        for s in storages() {
            s.create(&rev("a", 1, Status::Superseded)).expect("create");
            s.create(&rev("a", 2, Status::Deployed)).expect("create");
            s.create(&rev("a", 3, Status::Failed)).expect("create");
            s.create(&rev("b", 1, Status::Deployed)).expect("create");
            assert!(matches!(
                s.create(&rev("b", 1, Status::Deployed)),
                Err(StorageError::Exists)
            ));
            assert_eq!(s.history("a").expect("history").len(), 3);
            assert_eq!(s.deployed("a").expect("deployed").version, 2);
            assert_eq!(s.last("a").expect("last").version, 3);
            assert_eq!(s.list_deployed().expect("list").len(), 2);
            assert!(matches!(
                s.deployed("zz"),
                Err(StorageError::NoDeployedReleases(n)) if n == "zz"
            ));
            let mut r = s.get("a", 3).expect("get");
            r.set_status(Status::Superseded, "x");
            s.update(&r).expect("update");
            assert_eq!(s.get("a", 3).expect("get").status(), Status::Superseded);
            assert_eq!(s.delete("b", 1).expect("delete").name, "b");
            assert!(matches!(s.get("b", 1), Err(StorageError::NotFound)));
        }
    }

    #[test]
    fn history_max_prunes_oldest_but_keeps_last_deployed() {
        for mut s in storages() {
            s.create(&rev("a", 1, Status::Deployed)).expect("create");
            s.create(&rev("a", 2, Status::Failed)).expect("create");
            s.create(&rev("a", 3, Status::Failed)).expect("create");
            s.max_history = 2;
            s.create(&rev("a", 4, Status::PendingUpgrade))
                .expect("create");
            let mut v: Vec<i64> = s
                .history("a")
                .expect("history")
                .iter()
                .map(|r| r.version)
                .collect();
            v.sort();
            assert_eq!(v, vec![1, 4], "revision 1 is the last deployed one");
        }
    }
}
