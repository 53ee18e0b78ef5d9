//! [`KubeClient`]: the [`Cluster`] of a real API server, over the `kube` crate.

use super::{
    split_api_version, with_retries, Cluster, ConnectOptions, KubeError, PatchKind, Propagation,
    Resource, ServerVersion, WatchEvent, WriteOptions,
};
use crate::patch::PatchSchema;
use futures::StreamExt;
use kube::api::{DeleteParams, ListParams, PostParams, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A synchronous Kubernetes client (a [`Cluster`] over a real API server).
pub struct KubeClient {
    rt: tokio::runtime::Runtime,
    client: kube::Client,
    namespace: String,
    requests: AtomicU64,
    /// Discovery: the resources of each group version, fetched once.
    discovery: Mutex<HashMap<String, Arc<Vec<Resource>>>>,
    /// Patch schemas read from OpenAPI v3, per `apiVersion/kind`.
    schemas: Mutex<HashMap<String, Option<PatchSchema>>>,
}

impl std::fmt::Debug for KubeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeClient")
            .field("namespace", &self.namespace)
            .field("requests", &self.request_count())
            .finish_non_exhaustive()
    }
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
            if let Some(ca) = &opts.ca_file {
                let pem = std::fs::read(ca).map_err(|e| {
                    KubeError::Config(format!("cannot read CA file {}: {e}", ca.display()))
                })?;
                let ders = pem_certificates(&pem)
                    .map_err(|e| KubeError::Config(format!("CA file {}: {e}", ca.display())))?;
                config.root_cert = Some(ders);
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
            requests: AtomicU64::new(0),
            discovery: Mutex::new(HashMap::new()),
            schemas: Mutex::new(HashMap::new()),
        })
    }

    /// Sends one request and reads the answer as JSON, retrying transient failures.
    fn send(&self, what: &str, req: http::Request<Vec<u8>>) -> Result<Value, KubeError> {
        with_retries(|| {
            self.requests.fetch_add(1, Ordering::Relaxed);
            self.rt
                .block_on(self.client.request::<Value>(clone_request(&req)))
                .map_err(|e| convert(what, e))
        })
    }

    fn get_json(&self, what: &str, path: &str) -> Result<Value, KubeError> {
        let req = http::Request::get(path)
            .body(Vec::new())
            .map_err(|e| KubeError::Transport(e.to_string()))?;
        self.send(what, req)
    }

    fn group_version(&self, api_version: &str) -> Result<Arc<Vec<Resource>>, KubeError> {
        if let Some(found) = lock(&self.discovery).get(api_version) {
            return Ok(found.clone());
        }
        let (group, version) = split_api_version(api_version);
        let path = if group.is_empty() {
            format!("/api/{version}")
        } else {
            format!("/apis/{group}/{version}")
        };
        let list = match self.get_json(api_version, &path) {
            Ok(l) => l,
            Err(KubeError::NotFound { .. }) => Value::Null,
            Err(e) => return Err(e),
        };
        let resources: Vec<Resource> = list
            .get("resources")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|r| {
                        let name = r.get("name")?.as_str()?;
                        if name.contains('/') {
                            return None;
                        }
                        Some(Resource {
                            group: group.to_string(),
                            version: version.to_string(),
                            kind: r.get("kind")?.as_str()?.to_string(),
                            plural: name.to_string(),
                            namespaced: r.get("namespaced").and_then(Value::as_bool) == Some(true),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let resources = Arc::new(resources);
        lock(&self.discovery).insert(api_version.to_string(), resources.clone());
        Ok(resources)
    }

    /// One LIST, read straight into JSON values (no typed intermediate: listing thousands
    /// of release records is what `hke list` spends its time on); `accept` asks for
    /// another form of the list.
    fn list_items(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        label_selector: &str,
        accept: Option<&'static str>,
    ) -> Result<Vec<Value>, KubeError> {
        let lp = ListParams::default().labels(label_selector);
        let mut req = kube::core::Request::new(res.url_path(namespace))
            .list(&lp)
            .map_err(|e| KubeError::Transport(e.to_string()))?;
        if let Some(a) = accept {
            req.headers_mut()
                .insert(http::header::ACCEPT, http::HeaderValue::from_static(a));
        }
        let mut list = self.send(&res.plural, req)?;
        match list.get_mut("items").map(Value::take) {
            Some(Value::Array(items)) => Ok(items),
            Some(Value::Null) | None => Ok(Vec::new()),
            Some(other) => Err(KubeError::Transport(format!(
                "the list of {} has items that are not a list: {other}",
                res.plural
            ))),
        }
    }

    fn object_path(res: &Resource, namespace: Option<&str>, name: &str) -> String {
        format!("{}/{}", res.url_path(namespace), name)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn clone_request(req: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut b = http::Request::builder()
        .method(req.method().clone())
        .uri(req.uri().clone());
    for (k, v) in req.headers() {
        b = b.header(k, v);
    }
    b.body(req.body().clone())
        .unwrap_or_else(|_| http::Request::new(req.body().clone()))
}

fn with_query(path: String, pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    let q = s.finish();
    if q.is_empty() {
        path
    } else {
        format!("{path}?{q}")
    }
}

fn write_query(opts: &WriteOptions) -> Vec<(&'static str, &str)> {
    let mut q = Vec::new();
    if opts.dry_run {
        q.push(("dryRun", "All"));
    }
    if let Some(m) = &opts.field_manager {
        q.push(("fieldManager", m.as_str()));
    }
    if opts.force {
        q.push(("force", "true"));
    }
    q
}

fn json_body(v: &Value) -> Result<Vec<u8>, KubeError> {
    serde_json::to_vec(v).map_err(|e| KubeError::Transport(format!("encoding the request: {e}")))
}

fn object_name(obj: &Value) -> &str {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
}

impl Cluster for KubeClient {
    fn default_namespace(&self) -> &str {
        &self.namespace
    }

    fn resource(&self, api_version: &str, kind: &str) -> Result<Resource, KubeError> {
        self.group_version(api_version)?
            .iter()
            .find(|r| r.kind == kind)
            .cloned()
            .ok_or_else(|| KubeError::NoKind {
                api_version: api_version.into(),
                kind: kind.into(),
            })
    }

    fn get(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Value>, KubeError> {
        match self.get_json(
            &res.describe(name),
            &Self::object_path(res, namespace, name),
        ) {
            Ok(v) => Ok(Some(v)),
            Err(KubeError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn list(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        label_selector: &str,
    ) -> Result<Vec<Value>, KubeError> {
        self.list_items(res, namespace, label_selector, None)
    }

    fn list_metadata(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        label_selector: &str,
    ) -> Result<Vec<Value>, KubeError> {
        self.list_items(
            res,
            namespace,
            label_selector,
            Some(
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
            ),
        )
    }

    fn create(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        obj: &Value,
        opts: &WriteOptions,
    ) -> Result<Value, KubeError> {
        let mut pp = PostParams {
            dry_run: opts.dry_run,
            ..Default::default()
        };
        pp.field_manager = opts.field_manager.clone();
        let req = kube::core::Request::new(res.url_path(namespace))
            .create(&pp, json_body(obj)?)
            .map_err(|e| KubeError::Transport(e.to_string()))?;
        self.send(&res.describe(object_name(obj)), req)
    }

    fn replace(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        obj: &Value,
        opts: &WriteOptions,
    ) -> Result<Value, KubeError> {
        let name = object_name(obj).to_string();
        let what = res.describe(&name);
        let mut obj = obj.clone();
        if obj.pointer("/metadata/resourceVersion").is_none() {
            let current = self
                .get(res, namespace, &name)?
                .ok_or(KubeError::NotFound { what: what.clone() })?;
            if let (Some(rv), Some(meta)) = (
                current.pointer("/metadata/resourceVersion").cloned(),
                obj.get_mut("metadata").and_then(Value::as_object_mut),
            ) {
                meta.insert("resourceVersion".into(), rv);
            }
        }
        let path = with_query(Self::object_path(res, namespace, &name), &write_query(opts));
        let req = http::Request::put(path)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(json_body(&obj)?)
            .map_err(|e| KubeError::Transport(e.to_string()))?;
        self.send(&what, req)
    }

    fn patch(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
        kind: PatchKind,
        patch: &Value,
        opts: &WriteOptions,
    ) -> Result<Value, KubeError> {
        if kind == PatchKind::Apply && opts.field_manager.is_none() {
            return Err(KubeError::Api {
                code: 422,
                reason: "Invalid".into(),
                message: "server-side apply needs a field manager".into(),
            });
        }
        let path = with_query(Self::object_path(res, namespace, name), &write_query(opts));
        let req = http::Request::patch(path)
            .header(http::header::CONTENT_TYPE, kind.content_type())
            .header(http::header::ACCEPT, "application/json")
            .body(json_body(patch)?)
            .map_err(|e| KubeError::Transport(e.to_string()))?;
        self.send(&res.describe(name), req)
    }

    fn delete(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
        propagation: Propagation,
        opts: &WriteOptions,
    ) -> Result<(), KubeError> {
        let mut dp = match propagation {
            Propagation::Background => DeleteParams::background(),
            Propagation::Foreground => DeleteParams::foreground(),
            Propagation::Orphan => DeleteParams::orphan(),
        };
        dp.dry_run = opts.dry_run;
        let req = kube::core::Request::new(res.url_path(namespace))
            .delete(name, &dp)
            .map_err(|e| KubeError::Transport(e.to_string()))?;
        self.send(&res.describe(name), req).map(|_| ())
    }

    fn watch(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        label_selector: &str,
        resource_version: Option<&str>,
        timeout: Duration,
        on_event: &mut dyn FnMut(WatchEvent) -> bool,
    ) -> Result<Option<String>, KubeError> {
        let deadline = Instant::now() + timeout;
        let mut rv = resource_version.map(str::to_string);
        if rv.is_none() {
            // "From now": the list's resourceVersion.
            let lp = ListParams::default().labels(label_selector).limit(1);
            let req = kube::core::Request::new(res.url_path(namespace))
                .list(&lp)
                .map_err(|e| KubeError::Transport(e.to_string()))?;
            let list = self.send(&res.plural, req)?;
            rv = list
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        // One watch request per bounded window; the server ends each after its timeout.
        for _ in 0..1000 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(rv);
            }
            let secs = left.as_secs().clamp(1, 290) as u32;
            let wp = WatchParams::default().labels(label_selector).timeout(secs);
            let req = kube::core::Request::new(res.url_path(namespace))
                .watch(&wp, rv.as_deref().unwrap_or("0"))
                .map_err(|e| KubeError::Transport(e.to_string()))?;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let what = res.plural.clone();
            let stop = self.rt.block_on(async {
                let stream = self
                    .client
                    .request_events::<Value>(req)
                    .await
                    .map_err(|e| convert(&what, e))?;
                let mut stream = std::pin::pin!(stream);
                loop {
                    let next = tokio::time::timeout_at(deadline.into(), stream.next()).await;
                    let Ok(next) = next else { return Ok(true) };
                    let Some(item) = next else { return Ok(false) };
                    let ev = item.map_err(|e| convert(&what, e))?;
                    use kube::core::WatchEvent as W;
                    let ev = match ev {
                        W::Added(o) => WatchEvent::Added(o),
                        W::Modified(o) => WatchEvent::Modified(o),
                        W::Deleted(o) => WatchEvent::Deleted(o),
                        W::Bookmark(b) => {
                            rv = Some(b.metadata.resource_version);
                            continue;
                        }
                        W::Error(e) => {
                            return Err(KubeError::Api {
                                code: e.code,
                                reason: e.reason.clone(),
                                message: e.message.clone(),
                            })
                        }
                    };
                    if let Some(v) = ev
                        .object()
                        .pointer("/metadata/resourceVersion")
                        .and_then(Value::as_str)
                    {
                        rv = Some(v.to_string());
                    }
                    if !on_event(ev) {
                        return Ok(true);
                    }
                }
            })?;
            if stop {
                return Ok(rv);
            }
        }
        Ok(rv)
    }

    fn api_versions(&self) -> Result<Vec<String>, KubeError> {
        let mut gvs: Vec<String> = Vec::new();
        let core = self.get_json("api", "/api")?;
        gvs.extend(
            core.get("versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string),
        );
        let groups = self.get_json("apis", "/apis")?;
        for g in groups
            .get("groups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for v in g
                .get("versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(gv) = v.get("groupVersion").and_then(Value::as_str) {
                    gvs.push(gv.to_string());
                }
            }
        }
        let mut out = Vec::new();
        for gv in gvs {
            let resources = self.group_version(&gv)?;
            out.push(gv.clone());
            out.extend(resources.iter().map(|r| format!("{gv}/{}", r.kind)));
        }
        Ok(out)
    }

    fn get_as(&self, path: &str, accept: &str) -> Result<Option<Value>, KubeError> {
        let req = http::Request::get(path)
            .header(http::header::ACCEPT, accept)
            .body(Vec::new())
            .map_err(|e| KubeError::Transport(e.to_string()))?;
        match self.send(path, req) {
            Ok(v) => Ok(Some(v)),
            Err(KubeError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn server_version(&self) -> Result<ServerVersion, KubeError> {
        let v = self.get_json("version", "/version")?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        Ok(ServerVersion {
            major: s("major"),
            minor: s("minor"),
            git_version: s("gitVersion"),
        })
    }

    fn patch_schema(&self, res: &Resource) -> Result<Option<PatchSchema>, KubeError> {
        let api_version = res.api_version();
        if let Some(s) = PatchSchema::builtin(&api_version, &res.kind) {
            return Ok(Some(s));
        }
        let key = format!("{api_version}/{}", res.kind);
        if let Some(found) = lock(&self.schemas).get(&key) {
            return Ok(found.clone());
        }
        let index = self.get_json("openapi/v3", "/openapi/v3")?;
        let gv_path = if res.group.is_empty() {
            format!("api/{}", res.version)
        } else {
            format!("apis/{}/{}", res.group, res.version)
        };
        let url = index
            .pointer(&format!("/paths/{}", gv_path.replace('/', "~1")))
            .and_then(|p| p.get("serverRelativeURL"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let schema = match url {
            Some(url) => {
                let doc = self.get_json(&format!("openapi/v3/{gv_path}"), &url)?;
                PatchSchema::from_openapi_v3(&doc, &api_version, &res.kind).map_err(|e| {
                    KubeError::Transport(format!("the OpenAPI v3 document of {gv_path}: {e}"))
                })?
            }
            None => None,
        };
        lock(&self.schemas).insert(key, schema.clone());
        Ok(schema)
    }

    fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// The DER certificates of a PEM file.
fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    use rustls_pki_types::pem::PemObject;
    let certs: Result<Vec<_>, _> = rustls_pki_types::CertificateDer::pem_slice_iter(pem).collect();
    let certs = certs.map_err(|e| format!("not a PEM certificate bundle: {e}"))?;
    if certs.is_empty() {
        return Err("no certificate in it".into());
    }
    Ok(certs.into_iter().map(|c| c.to_vec()).collect())
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
    fn queries_are_encoded() {
        let opts = WriteOptions {
            dry_run: true,
            field_manager: Some("helm x".into()),
            force: true,
        };
        assert_eq!(
            with_query("/p".into(), &write_query(&opts)),
            "/p?dryRun=All&fieldManager=helm+x&force=true"
        );
        assert_eq!(with_query("/p".into(), &[]), "/p");
    }
}
