//! Cluster access: one synchronous client over the `kube` crate for everything hke does
//! to a cluster, configured as helm is (kubeconfig, context, token, API server,
//! impersonation, in-cluster ServiceAccount).
//!
//! The client owns a single-threaded tokio runtime and blocks on it, so actions are
//! plain functions (a server calls them from `spawn_blocking`). Objects are
//! `serde_json::Value`s of any kind, addressed by a [`Resource`]. Transient failures
//! (429, 5xx, broken connections) are retried a bounded number of times with backoff;
//! everything else is reported with the object and the API's message.
//!
//! [`KubeObjects`] adapts the client to [`crate::storage::ObjectStore`], which is how the
//! `secret` and `configmap` storage drivers reach a cluster.

use crate::storage::{ObjectError, ObjectStore};
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::ApiResource;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How many times a transient failure is tried in all.
pub const MAX_ATTEMPTS: u32 = 5;

/// Errors of cluster access.
#[derive(Debug, thiserror::Error)]
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
}

/// A kind as the API serves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// API group (`""` for the core group).
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Plural resource name (`secrets`).
    pub plural: String,
}

impl Resource {
    /// A kind of the core (`v1`) group.
    pub fn core(kind: &str, plural: &str) -> Resource {
        Resource {
            group: String::new(),
            version: "v1".into(),
            kind: kind.into(),
            plural: plural.into(),
        }
    }

    /// The collection's URL path (`/api/v1/namespaces/NS/secrets`, `/apis/G/V/...`).
    pub fn url_path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace {
            Some(ns) => format!("{base}/namespaces/{ns}/{}", self.plural),
            None => format!("{base}/{}", self.plural),
        }
    }

    fn api_resource(&self) -> ApiResource {
        let api_version = if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        };
        ApiResource {
            group: self.group.clone(),
            version: self.version.clone(),
            api_version,
            kind: self.kind.clone(),
            plural: self.plural.clone(),
        }
    }
}

/// A synchronous Kubernetes client.
pub struct KubeClient {
    rt: tokio::runtime::Runtime,
    client: kube::Client,
    namespace: String,
    requests: std::sync::atomic::AtomicU64,
}

impl KubeClient {
    /// Connects as helm would with these options.
    pub fn connect(opts: &ConnectOptions) -> Result<KubeClient, KubeError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| KubeError::Config(format!("cannot start the I/O runtime: {e}")))?;
        let (client, namespace) = rt.block_on(async {
            let mut config = load_config(opts).await?;
            if let Some(server) = &opts.api_server {
                config.cluster_url = server.parse().map_err(|e| {
                    KubeError::Config(format!("invalid API server address {server:?}: {e}"))
                })?;
            }
            if let Some(token) = &opts.token {
                config.auth_info = kube::config::AuthInfo {
                    token: Some(token.clone().into()),
                    ..Default::default()
                };
            }
            if let Some(user) = &opts.as_user {
                config.auth_info.impersonate = Some(user.clone());
            }
            if !opts.as_groups.is_empty() {
                config.auth_info.impersonate_groups = Some(opts.as_groups.clone());
            }
            if opts.insecure_skip_tls_verify {
                config.accept_invalid_certs = true;
            }
            let namespace = config.default_namespace.clone();
            let client =
                kube::Client::try_from(config).map_err(|e| KubeError::Config(e.to_string()))?;
            Ok::<_, KubeError>((client, namespace))
        })?;
        Ok(KubeClient {
            rt,
            client,
            namespace,
            requests: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The namespace of the current context (`default` when it names none).
    pub fn default_namespace(&self) -> &str {
        &self.namespace
    }

    /// How many API requests this client has sent (retries included).
    pub fn request_count(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn api(&self, res: &Resource, namespace: Option<&str>) -> Api<DynamicObject> {
        let ar = res.api_resource();
        match namespace {
            Some(ns) => Api::namespaced_with(self.client.clone(), ns, &ar),
            None => Api::all_with(self.client.clone(), &ar),
        }
    }

    /// Runs one API call, retrying transient failures with backoff.
    fn call<T, F, Fut>(&self, what: &str, f: F) -> Result<T, KubeError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, kube::Error>>,
    {
        let mut delay = Duration::from_millis(100);
        let mut attempt = 1;
        loop {
            self.requests
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match self.rt.block_on(f()) {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let err = convert(what, e);
                    if attempt >= MAX_ATTEMPTS || !is_transient(&err) {
                        return Err(err);
                    }
                }
            }
            std::thread::sleep(delay);
            delay = (delay * 2).min(Duration::from_secs(2));
            attempt += 1;
        }
    }

    /// An object by name (`None` when it does not exist).
    pub fn get(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Value>, KubeError> {
        let api = self.api(res, namespace);
        let what = describe(res, name);
        match self.call(&what, || api.get(name)) {
            Ok(o) => to_value(o).map(Some),
            Err(KubeError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Objects of a kind in a namespace (or all namespaces), filtered by a label selector.
    pub fn list(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        label_selector: &str,
    ) -> Result<Vec<Value>, KubeError> {
        // The list is read straight into JSON values (no typed intermediate): listing
        // thousands of release records is what `hke list` spends its time on.
        let lp = ListParams::default().labels(label_selector);
        let req = kube::core::Request::new(res.url_path(namespace))
            .list(&lp)
            .map_err(|e| KubeError::Transport(e.to_string()))?;
        let mut list: Value =
            self.call(&res.plural, || self.client.request::<Value>(req.clone()))?;
        let items = match list.get_mut("items").map(Value::take) {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => Vec::new(),
            Some(other) => {
                return Err(KubeError::Transport(format!(
                    "the list of {} has items that are not a list: {other}",
                    res.plural
                )))
            }
        };
        Ok(items)
    }

    /// Creates an object.
    pub fn create(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        obj: &Value,
    ) -> Result<Value, KubeError> {
        let api = self.api(res, namespace);
        let dynobj = from_value(obj)?;
        let what = describe(res, dynobj.metadata.name.as_deref().unwrap_or(""));
        let pp = PostParams::default();
        to_value(self.call(&what, || api.create(&pp, &dynobj))?)
    }

    /// Replaces an object (PUT), reading its current `resourceVersion` when the given
    /// object has none.
    pub fn replace(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        obj: &Value,
    ) -> Result<Value, KubeError> {
        let api = self.api(res, namespace);
        let mut dynobj = from_value(obj)?;
        let name = dynobj.metadata.name.clone().unwrap_or_default();
        let what = describe(res, &name);
        if dynobj.metadata.resource_version.is_none() {
            let current = self.call(&what, || api.get(&name))?;
            dynobj.metadata.resource_version = current.metadata.resource_version;
        }
        let pp = PostParams::default();
        to_value(self.call(&what, || api.replace(&name, &pp, &dynobj))?)
    }

    /// Deletes an object (background propagation, as helm).
    pub fn delete(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<(), KubeError> {
        let api = self.api(res, namespace);
        let what = describe(res, name);
        let dp = DeleteParams::background();
        self.call(&what, || api.delete(name, &dp)).map(|_| ())
    }
}

async fn load_config(opts: &ConnectOptions) -> Result<kube::Config, KubeError> {
    let kopts = KubeConfigOptions {
        context: opts.context.clone(),
        ..Default::default()
    };
    let path = opts.kubeconfig.clone().or_else(|| {
        std::env::var_os("KUBECONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    if let Some(path) = path {
        // KUBECONFIG may list several files; the first one that exists is used.
        let first = std::env::split_paths(&path)
            .find(|p| p.exists())
            .ok_or_else(|| {
                KubeError::Config(format!("kubeconfig {} does not exist", path.display()))
            })?;
        let kc = Kubeconfig::read_from(&first)
            .map_err(|e| KubeError::Config(format!("{}: {e}", first.display())))?;
        return kube::Config::from_custom_kubeconfig(kc, &kopts)
            .await
            .map_err(|e| KubeError::Config(format!("{}: {e}", first.display())));
    }
    match kube::Config::from_kubeconfig(&kopts).await {
        Ok(c) => Ok(c),
        Err(kerr) if opts.context.is_none() => kube::Config::incluster().map_err(|ierr| {
            KubeError::Config(format!(
                "no kubeconfig ({kerr}) and not in a cluster ({ierr})"
            ))
        }),
        Err(e) => Err(KubeError::Config(e.to_string())),
    }
}

fn describe(res: &Resource, name: &str) -> String {
    let plural = if res.group.is_empty() {
        res.plural.clone()
    } else {
        format!("{}.{}", res.plural, res.group)
    };
    format!("{plural} {name:?}")
}

fn convert(what: &str, e: kube::Error) -> KubeError {
    match e {
        kube::Error::Api(s) => match s.code {
            404 => KubeError::NotFound { what: what.into() },
            409 if s.reason == "AlreadyExists" => KubeError::AlreadyExists { what: what.into() },
            code => KubeError::Api {
                code,
                reason: s.reason.clone(),
                message: s.message.clone(),
            },
        },
        other => KubeError::Transport(other.to_string()),
    }
}

fn is_transient(e: &KubeError) -> bool {
    match e {
        KubeError::Transport(_) => true,
        KubeError::Api { code, .. } => *code == 429 || (500..600).contains(code),
        _ => false,
    }
}

fn to_value(o: DynamicObject) -> Result<Value, KubeError> {
    serde_json::to_value(o).map_err(|e| KubeError::Transport(format!("decoding the answer: {e}")))
}

fn from_value(v: &Value) -> Result<DynamicObject, KubeError> {
    serde_json::from_value(v.clone()).map_err(|e| KubeError::Api {
        code: 0,
        reason: "Invalid".into(),
        message: format!("not a Kubernetes object: {e}"),
    })
}

/// The Secret or ConfigMap objects of one namespace, as a storage [`ObjectStore`].
pub struct KubeObjects {
    client: Arc<KubeClient>,
    resource: Resource,
    namespace: Option<String>,
}

impl KubeObjects {
    /// Objects of `resource` in `namespace` (`None`: all namespaces, for `list -A`;
    /// writes then need the object's own namespace).
    pub fn new(client: Arc<KubeClient>, resource: Resource, namespace: Option<String>) -> Self {
        KubeObjects {
            client,
            resource,
            namespace,
        }
    }

    fn write_namespace<'a>(&'a self, obj: &'a Value) -> Option<&'a str> {
        self.namespace
            .as_deref()
            .or_else(|| obj.pointer("/metadata/namespace").and_then(Value::as_str))
    }
}

fn object_error(e: KubeError) -> ObjectError {
    match e {
        KubeError::NotFound { .. } => ObjectError::NotFound,
        KubeError::AlreadyExists { .. } => ObjectError::AlreadyExists,
        other => ObjectError::Other(other.to_string()),
    }
}

impl ObjectStore for KubeObjects {
    fn get(&self, name: &str) -> Result<Option<Value>, ObjectError> {
        self.client
            .get(&self.resource, self.namespace.as_deref(), name)
            .map_err(object_error)
    }

    fn list(&self, selector: &BTreeMap<String, String>) -> Result<Vec<Value>, ObjectError> {
        let sel: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.client
            .list(&self.resource, self.namespace.as_deref(), &sel.join(","))
            .map_err(object_error)
    }

    fn create(&self, obj: &Value) -> Result<(), ObjectError> {
        self.client
            .create(&self.resource, self.write_namespace(obj), obj)
            .map(|_| ())
            .map_err(object_error)
    }

    fn update(&self, obj: &Value) -> Result<(), ObjectError> {
        self.client
            .replace(&self.resource, self.write_namespace(obj), obj)
            .map(|_| ())
            .map_err(object_error)
    }

    fn delete(&self, name: &str) -> Result<(), ObjectError> {
        self.client
            .delete(&self.resource, self.namespace.as_deref(), name)
            .map_err(object_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_kubeconfig_is_a_clear_error() {
        let opts = ConnectOptions {
            kubeconfig: Some(PathBuf::from("/nonexistent/hke/kubeconfig")),
            ..Default::default()
        };
        let e = KubeClient::connect(&opts).err().map(|e| e.to_string());
        assert!(
            e.as_deref()
                .is_some_and(|m| m.contains("unreachable") && m.contains("does not exist")),
            "{e:?}"
        );
    }

    #[test]
    fn transient_errors_are_the_retried_ones() {
        assert!(is_transient(&KubeError::Transport("reset".into())));
        for code in [429, 500, 503] {
            assert!(is_transient(&KubeError::Api {
                code,
                reason: String::new(),
                message: String::new()
            }));
        }
        assert!(!is_transient(&KubeError::Api {
            code: 409,
            reason: "Conflict".into(),
            message: String::new()
        }));
        assert!(!is_transient(&KubeError::NotFound { what: "x".into() }));
    }
}
