//! Cluster access: the [`Cluster`] trait that every part of hke talks to a cluster
//! through, its real implementation over the `kube` crate ([`KubeClient`]), an in-memory
//! one for unit tests ([`FakeCluster`]), and the adapters that put a cluster behind
//! release storage ([`KubeObjects`]) and the `lookup` template function
//! ([`ClusterLookup`]).
//!
//! The trait is synchronous: actions are plain functions (a server calls them from
//! `spawn_blocking`); [`KubeClient`] owns a single-threaded tokio runtime and blocks on
//! it. Objects are `serde_json::Value`s of any kind, addressed by a [`Resource`] that
//! [`Cluster::resource`] maps from `apiVersion` and `kind` (discovery, cached). Transient
//! failures (429, 5xx, broken connections) are retried a bounded number of times with
//! backoff; everything else is reported with the object and the API's message.

mod client;
pub mod fake;
mod lookup;
mod objects;
pub mod selector;

pub use client::KubeClient;
pub use fake::FakeCluster;
pub use lookup::ClusterLookup;
pub use objects::KubeObjects;

use crate::patch::PatchSchema;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// How many times a transient failure is tried in all.
pub const MAX_ATTEMPTS: u32 = 5;

/// Errors of cluster access.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KubeError {
    /// No usable configuration (kubeconfig missing or invalid, not in a cluster).
    #[error("Kubernetes cluster unreachable: {0}")]
    Config(String),
    /// The object does not exist.
    #[error("{what} not found")]
    NotFound {
        /// `secrets "x"`, as the API names it.
        what: String,
    },
    /// The object exists already.
    #[error("{what} already exists")]
    AlreadyExists {
        /// The object.
        what: String,
    },
    /// The cluster serves no such kind (as client-go's REST mapper words it).
    #[error("no matches for kind {kind:?} in version {api_version:?}")]
    NoKind {
        /// `apiVersion` asked for.
        api_version: String,
        /// `kind` asked for.
        kind: String,
    },
    /// The API refused the request.
    #[error("{message} ({reason}, HTTP {code})")]
    Api {
        /// HTTP status.
        code: u16,
        /// The Status reason (`Conflict`, `Forbidden`, ...).
        reason: String,
        /// The API's message.
        message: String,
    },
    /// The request did not reach the API or its answer was unreadable.
    #[error("{0}")]
    Transport(String),
}

impl KubeError {
    /// Whether retrying the same request may succeed (429, 5xx, transport failures).
    pub fn is_transient(&self) -> bool {
        match self {
            KubeError::Transport(_) => true,
            KubeError::Api { code, .. } => *code == 429 || (500..600).contains(code),
            _ => false,
        }
    }

    /// Whether this is a 409 Conflict on a stale `resourceVersion`.
    pub fn is_conflict(&self) -> bool {
        matches!(self, KubeError::Api { code: 409, .. })
    }
}

/// Connection settings, as helm's global flags and environment give them.
#[derive(Clone, Debug, Default)]
pub struct ConnectOptions {
    /// `--kubeconfig` (else `KUBECONFIG`, else `~/.kube/config`, else in-cluster).
    pub kubeconfig: Option<PathBuf>,
    /// `--kube-context`.
    pub context: Option<String>,
    /// `--kube-token`: a bearer token replacing the kubeconfig's credentials.
    pub token: Option<String>,
    /// `--kube-apiserver`: the API server address.
    pub api_server: Option<String>,
    /// `--kube-as-user`: impersonate this user.
    pub as_user: Option<String>,
    /// `--kube-as-group`: impersonate these groups.
    pub as_groups: Vec<String>,
    /// `--kube-insecure-skip-tls-verify`.
    pub insecure_skip_tls_verify: bool,
    /// `--kube-ca-file`: the certificate authority of the API server.
    pub ca_file: Option<PathBuf>,
}

/// A kind as the API serves it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Resource {
    /// API group (`""` for the core group).
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Plural resource name (`secrets`).
    pub plural: String,
    /// Whether objects of the kind live in a namespace.
    pub namespaced: bool,
}

impl Resource {
    /// A namespaced kind of the core (`v1`) group.
    pub fn core(kind: &str, plural: &str) -> Resource {
        Resource {
            group: String::new(),
            version: "v1".into(),
            kind: kind.into(),
            plural: plural.into(),
            namespaced: true,
        }
    }

    /// `group/version`, or `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The collection's URL path (`/api/v1/namespaces/NS/secrets`, `/apis/G/V/...`).
    /// Cluster-scoped kinds ignore the namespace.
    pub fn url_path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace.filter(|_| self.namespaced) {
            Some(ns) => format!("{base}/namespaces/{ns}/{}", self.plural),
            None => format!("{base}/{}", self.plural),
        }
    }

    /// How the API names one object of the kind in messages: `secrets "x"`,
    /// `deployments.apps "web"`.
    pub fn describe(&self, name: &str) -> String {
        let plural = if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        };
        format!("{plural} {name:?}")
    }
}

/// Helm's error for an object of a rendered manifest that cannot be mapped to a served
/// resource (`KubeClient.Build`): client-go's mapping message for a kind the cluster does
/// not serve, the API's error otherwise.
pub fn build_error(name: &str, namespace: &str, e: &KubeError) -> String {
    match e {
        KubeError::NoKind { .. } => format!(
            "unable to build kubernetes objects from release manifest: resource mapping not found for name: {name:?} namespace: {namespace:?} from \"\": {e}\nensure CRDs are installed first"
        ),
        other => format!("unable to build kubernetes objects from release manifest: {other}"),
    }
}

/// Splits `apiVersion` into group and version (`v1` → `("", "v1")`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// The body types of PATCH.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchKind {
    /// `application/strategic-merge-patch+json`.
    Strategic,
    /// `application/merge-patch+json` (RFC 7386).
    Merge,
    /// `application/json-patch+json` (RFC 6902).
    Json,
    /// `application/apply-patch+yaml` (server-side apply; needs a field manager).
    Apply,
}

impl PatchKind {
    /// The request's content type.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchKind::Strategic => "application/strategic-merge-patch+json",
            PatchKind::Merge => "application/merge-patch+json",
            PatchKind::Json => "application/json-patch+json",
            PatchKind::Apply => "application/apply-patch+yaml",
        }
    }
}

/// Deletion propagation (`--cascade`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Propagation {
    /// Dependents are deleted in the background (helm's default).
    #[default]
    Background,
    /// Dependents are deleted before the owner.
    Foreground,
    /// Dependents are left.
    Orphan,
}

impl Propagation {
    /// The API's name of the policy.
    pub fn as_str(self) -> &'static str {
        match self {
            Propagation::Background => "Background",
            Propagation::Foreground => "Foreground",
            Propagation::Orphan => "Orphan",
        }
    }
}

/// Options of a write.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// `dryRun=All`: validated and answered, not persisted.
    pub dry_run: bool,
    /// `fieldManager` (required by server-side apply).
    pub field_manager: Option<String>,
    /// `force=true` for server-side apply conflicts.
    pub force: bool,
}

/// The API server's version (`/version`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerVersion {
    /// `major`.
    pub major: String,
    /// `minor`.
    pub minor: String,
    /// `gitVersion` (`v1.32.0`).
    pub git_version: String,
}

/// One event of a watch.
#[derive(Clone, Debug, PartialEq)]
pub enum WatchEvent {
    /// An object appeared.
    Added(Value),
    /// An object changed.
    Modified(Value),
    /// An object went away.
    Deleted(Value),
}

impl WatchEvent {
    /// The object of the event.
    pub fn object(&self) -> &Value {
        match self {
            WatchEvent::Added(o) | WatchEvent::Modified(o) | WatchEvent::Deleted(o) => o,
        }
    }
}

/// Everything hke does to a cluster. [`KubeClient`] talks to a real API server,
/// [`FakeCluster`] keeps objects in memory for unit tests.
pub trait Cluster: Send + Sync + std::fmt::Debug {
    /// The namespace of the current context (`default` when it names none).
    fn default_namespace(&self) -> &str;

    /// The resource serving `kind` in `apiVersion` (discovery, cached), or
    /// [`KubeError::NoKind`].
    fn resource(&self, api_version: &str, kind: &str) -> Result<Resource, KubeError>;

    /// An object by name (`None` when it does not exist).
    fn get(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Value>, KubeError>;

    /// Objects of a kind in a namespace (`None`: all namespaces) matching a label
    /// selector (`""`: all).
    fn list(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        label_selector: &str,
    ) -> Result<Vec<Value>, KubeError>;

    /// Like [`Cluster::list`], but the objects may carry only their `metadata` (a
    /// `PartialObjectMetadataList`: far less to send when only labels are read).
    fn list_metadata(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        label_selector: &str,
    ) -> Result<Vec<Value>, KubeError> {
        self.list(res, namespace, label_selector)
    }

    /// Creates an object; returns it as stored.
    fn create(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        obj: &Value,
        opts: &WriteOptions,
    ) -> Result<Value, KubeError>;

    /// Replaces an object (PUT). Without a `resourceVersion` in `obj`, the current one
    /// is read first (an unconditional replace).
    fn replace(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        obj: &Value,
        opts: &WriteOptions,
    ) -> Result<Value, KubeError>;

    /// Patches an object; returns it as stored.
    fn patch(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
        kind: PatchKind,
        patch: &Value,
        opts: &WriteOptions,
    ) -> Result<Value, KubeError>;

    /// Deletes an object.
    fn delete(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
        propagation: Propagation,
        opts: &WriteOptions,
    ) -> Result<(), KubeError>;

    /// Watches objects of a kind from `resource_version` (`None`: from now) for at most
    /// `timeout`, calling `on_event` for each event until it returns `false`. Returns
    /// the last resource version seen.
    fn watch(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        label_selector: &str,
        resource_version: Option<&str>,
        timeout: Duration,
        on_event: &mut dyn FnMut(WatchEvent) -> bool,
    ) -> Result<Option<String>, KubeError>;

    /// The server's version.
    fn server_version(&self) -> Result<ServerVersion, KubeError>;

    /// Every served group version and `group/version/Kind`, as Helm's `GetVersionSet`
    /// builds `.Capabilities.APIVersions` from discovery.
    fn api_versions(&self) -> Result<Vec<String>, KubeError>;

    /// A GET of an API path (a [`Resource::url_path`] with an optional `/name` and
    /// `?query`) asking for another representation with `Accept` (server-side
    /// `Table`s as kubectl prints them). `Ok(None)` when the object does not exist; a
    /// 406 [`KubeError::Api`] when the cluster cannot answer in that form.
    fn get_as(&self, path: &str, accept: &str) -> Result<Option<Value>, KubeError> {
        let _ = (path, accept);
        Err(KubeError::Api {
            code: 406,
            reason: "NotAcceptable".into(),
            message: "this cluster serves objects only as JSON".into(),
        })
    }

    /// The patch metadata of a kind: hke's built-in table, else the cluster's OpenAPI v3
    /// document; `None` when neither knows the kind (custom resources).
    fn patch_schema(&self, res: &Resource) -> Result<Option<PatchSchema>, KubeError>;

    /// How many API requests have been sent (retries included).
    fn request_count(&self) -> u64;
}

/// Bounded exponential backoff for transient failures: `f` is tried at most
/// [`MAX_ATTEMPTS`] times, sleeping 100 ms, 200 ms, ... (at most 2 s) between tries.
pub fn with_retries<T>(mut f: impl FnMut() -> Result<T, KubeError>) -> Result<T, KubeError> {
    let mut delay = Duration::from_millis(100);
    let mut attempt = 1;
    loop {
        match f() {
            Ok(v) => return Ok(v),
            Err(e) if attempt >= MAX_ATTEMPTS || !e.is_transient() => return Err(e),
            Err(_) => {}
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_secs(2));
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_errors_are_the_retried_ones() {
        assert!(KubeError::Transport("reset".into()).is_transient());
        for code in [429, 500, 503] {
            assert!(KubeError::Api {
                code,
                reason: String::new(),
                message: String::new()
            }
            .is_transient());
        }
        assert!(!KubeError::Api {
            code: 409,
            reason: "Conflict".into(),
            message: String::new()
        }
        .is_transient());
        assert!(!KubeError::NotFound { what: "x".into() }.is_transient());
    }

    #[test]
    fn retries_are_bounded_and_stop_on_permanent_errors() {
        let mut n = 0;
        let r: Result<(), _> = with_retries(|| {
            n += 1;
            Err(KubeError::Api {
                code: 503,
                reason: "ServiceUnavailable".into(),
                message: "busy".into(),
            })
        });
        assert!(r.is_err());
        assert_eq!(n, MAX_ATTEMPTS);
        let mut n = 0;
        let r: Result<(), _> = with_retries(|| {
            n += 1;
            Err(KubeError::NotFound { what: "x".into() })
        });
        assert!(r.is_err());
        assert_eq!(n, 1);
        let mut n = 0;
        let r = with_retries(|| {
            n += 1;
            if n < 3 {
                Err(KubeError::Transport("reset".into()))
            } else {
                Ok(n)
            }
        });
        assert_eq!(r.ok(), Some(3));
    }

    #[test]
    fn paths_and_names_follow_the_api() {
        let mut r = Resource::core("Secret", "secrets");
        assert_eq!(r.url_path(Some("x")), "/api/v1/namespaces/x/secrets");
        r.namespaced = false;
        assert_eq!(r.url_path(Some("x")), "/api/v1/secrets");
        let d = Resource {
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            plural: "deployments".into(),
            namespaced: true,
        };
        assert_eq!(d.describe("web"), "deployments.apps \"web\"");
        assert_eq!(d.api_version(), "apps/v1");
        assert_eq!(split_api_version("v1"), ("", "v1"));
        assert_eq!(
            split_api_version("rbac.authorization.k8s.io/v1"),
            ("rbac.authorization.k8s.io", "v1")
        );
    }
}
