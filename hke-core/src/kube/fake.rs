//! [`FakeCluster`]: an in-memory [`Cluster`] for unit tests of everything above the
//! cluster boundary (storage drivers, actions).
//!
//! It keeps objects as JSON with the metadata semantics actions depend on: namespaces
//! that must exist, `generateName`, `uid`, `resourceVersion` with 409 Conflict on stale
//! updates, `generation`, label selectors, the four patch types (server-side apply is a
//! JSON merge of the applied configuration, without field ownership), finalizers,
//! owner-reference garbage collection by propagation policy, `dryRun`, and watches.
//! Failures can be injected per verb and kind with [`FakeCluster::inject`]. It runs no
//! controllers: tests set `status` themselves with [`FakeCluster::set_status`].

use super::selector::Selector;
use super::{
    Cluster, KubeError, PatchKind, Propagation, Resource, ServerVersion, WatchEvent, WriteOptions,
};
use crate::patch::{self, PatchSchema};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The verbs failures can be injected into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// get
    Get,
    /// list
    List,
    /// create
    Create,
    /// replace (PUT)
    Replace,
    /// patch
    Patch,
    /// delete
    Delete,
}

/// An injected failure: the next `times` requests of `verb` (any verb when `None`) on
/// `kind` (any kind when `None`) fail with `error`.
#[derive(Clone, Debug)]
pub struct Fault {
    /// The verb, or any.
    pub verb: Option<Verb>,
    /// The kind, or any.
    pub kind: Option<String>,
    /// The error returned.
    pub error: KubeError,
    /// How many requests fail.
    pub times: usize,
}

type Key = (String, String, String, String); // group, plural, namespace, name

#[derive(Default)]
struct Inner {
    objects: BTreeMap<Key, Value>,
    kinds: Vec<Resource>,
    rv: u64,
    uid: u64,
    events: Vec<(u64, String, String, String, WatchEvent)>, // rv, group, plural, namespace, event
    faults: Vec<Fault>,
    requests: u64,
}

/// An in-memory cluster (see the module documentation).
pub struct FakeCluster {
    namespace: String,
    version: ServerVersion,
    inner: Mutex<Inner>,
    changed: Condvar,
}

const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "StorageClass",
    "CustomResourceDefinition",
    "PriorityClass",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "APIService",
    "CSIDriver",
    "CSINode",
    "RuntimeClass",
    "VolumeAttachment",
    "PodSecurityPolicy",
    "CertificateSigningRequest",
    "FlowSchema",
    "PriorityLevelConfiguration",
];

/// The plural resource name Kubernetes gives a kind.
fn plural_of(kind: &str) -> String {
    let l = kind.to_ascii_lowercase();
    if l == "endpoints" {
        l
    } else if l.ends_with('s') || l.ends_with("ch") || l.ends_with('x') {
        format!("{l}es")
    } else if let Some(stem) = l.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{l}s")
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn now_rfc3339() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn invalid(res: &Resource, name: &str, msg: &str) -> KubeError {
    KubeError::Api {
        code: 422,
        reason: "Invalid".into(),
        message: format!("{} {name:?} is invalid: {msg}", res.kind),
    }
}

impl std::fmt::Debug for FakeCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCluster")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl Default for FakeCluster {
    fn default() -> Self {
        FakeCluster::new("default")
    }
}

impl FakeCluster {
    /// An empty cluster whose current context names `namespace`; the namespaces
    /// `default`, `kube-system` and `namespace` exist, and every built-in kind of hke's
    /// patch table is served.
    pub fn new(namespace: &str) -> FakeCluster {
        let mut kinds = Vec::new();
        for key in PatchSchema::builtin_kinds() {
            let Some((api_version, kind)) = key.rsplit_once('/') else {
                continue;
            };
            let (group, version) = super::split_api_version(api_version);
            kinds.push(Resource {
                group: group.into(),
                version: version.into(),
                kind: kind.into(),
                plural: plural_of(kind),
                namespaced: !CLUSTER_SCOPED.contains(&kind),
            });
        }
        let fake = FakeCluster {
            namespace: namespace.into(),
            version: ServerVersion {
                major: "1".into(),
                minor: "32".into(),
                git_version: "v1.32.0".into(),
            },
            inner: Mutex::new(Inner {
                kinds,
                ..Default::default()
            }),
            changed: Condvar::new(),
        };
        for ns in ["default", "kube-system", namespace] {
            fake.ensure_namespace(ns);
        }
        fake
    }

    /// Creates a namespace if it does not exist.
    pub fn ensure_namespace(&self, ns: &str) {
        let res = Resource {
            group: String::new(),
            version: "v1".into(),
            kind: "Namespace".into(),
            plural: "namespaces".into(),
            namespaced: false,
        };
        let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
        let mut inner = lock(&self.inner);
        if !inner.objects.contains_key(&(
            String::new(),
            "namespaces".into(),
            String::new(),
            ns.into(),
        )) {
            let _ = Self::store_new(&mut inner, &res, None, obj);
        }
    }

    /// Serves another kind (a custom resource).
    pub fn add_kind(&self, res: Resource) {
        let mut inner = lock(&self.inner);
        inner
            .kinds
            .retain(|r| !(r.group == res.group && r.version == res.version && r.kind == res.kind));
        inner.kinds.push(res);
    }

    /// Makes matching requests fail (see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        lock(&self.inner).faults.push(fault);
    }

    /// Every stored object.
    pub fn objects(&self) -> Vec<Value> {
        lock(&self.inner).objects.values().cloned().collect()
    }

    /// Sets an object's `status` (what a controller would do).
    pub fn set_status(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
        status: Value,
    ) -> Result<(), KubeError> {
        let mut inner = lock(&self.inner);
        let key = Self::key(res, namespace, name);
        inner.rv += 1;
        let rv = inner.rv;
        let obj = inner
            .objects
            .get_mut(&key)
            .ok_or_else(|| KubeError::NotFound {
                what: res.describe(name),
            })?;
        obj["status"] = status;
        obj["metadata"]["resourceVersion"] = json!(rv.to_string());
        let ev = WatchEvent::Modified(obj.clone());
        Self::record(&mut inner, rv, res, namespace, ev);
        drop(inner);
        self.changed.notify_all();
        Ok(())
    }

    fn key(res: &Resource, namespace: Option<&str>, name: &str) -> Key {
        let ns = if res.namespaced {
            namespace.unwrap_or("")
        } else {
            ""
        };
        (
            res.group.clone(),
            res.plural.clone(),
            ns.into(),
            name.into(),
        )
    }

    fn record(inner: &mut Inner, rv: u64, res: &Resource, namespace: Option<&str>, ev: WatchEvent) {
        let ns = if res.namespaced {
            namespace.unwrap_or("")
        } else {
            ""
        };
        inner
            .events
            .push((rv, res.group.clone(), res.plural.clone(), ns.into(), ev));
        // Bounded: old events fall off (a watch from before them sees only newer ones).
        if inner.events.len() > 10_000 {
            inner.events.drain(..5_000);
        }
    }

    /// Counts a request and returns the injected failure it meets, if any.
    fn enter(&self, verb: Verb, res: &Resource) -> Result<(), KubeError> {
        let mut inner = lock(&self.inner);
        inner.requests += 1;
        let hit = inner.faults.iter_mut().find(|f| {
            f.times > 0
                && f.verb.is_none_or(|v| v == verb)
                && f.kind.as_deref().is_none_or(|k| k == res.kind)
        });
        if let Some(f) = hit {
            f.times -= 1;
            let e = f.error.clone();
            inner.faults.retain(|f| f.times > 0);
            return Err(e);
        }
        Ok(())
    }

    fn check_namespace(
        inner: &Inner,
        res: &Resource,
        namespace: Option<&str>,
    ) -> Result<(), KubeError> {
        if !res.namespaced {
            return Ok(());
        }
        let ns = namespace.unwrap_or("");
        if ns.is_empty() {
            return Err(KubeError::Api {
                code: 400,
                reason: "BadRequest".into(),
                message: "the namespace of the object does not match the namespace on the request"
                    .into(),
            });
        }
        if !inner.objects.contains_key(&(
            String::new(),
            "namespaces".into(),
            String::new(),
            ns.into(),
        )) {
            return Err(KubeError::NotFound {
                what: format!("namespaces {ns:?}"),
            });
        }
        Ok(())
    }

    /// Stores a new object, filling server-set metadata.
    fn store_new(
        inner: &mut Inner,
        res: &Resource,
        namespace: Option<&str>,
        mut obj: Value,
    ) -> Result<Value, KubeError> {
        let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else {
            return Err(invalid(res, "", "metadata: Required value"));
        };
        let mut name = meta
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if name.is_empty() {
            let prefix = meta
                .get("generateName")
                .and_then(Value::as_str)
                .unwrap_or("");
            if prefix.is_empty() {
                return Err(invalid(
                    res,
                    "",
                    "metadata.name: Required value: name or generateName is required",
                ));
            }
            inner.uid += 1;
            name = format!("{prefix}{:05x}", inner.uid % 0x100000);
            meta.insert("name".into(), json!(name));
        }
        let key = Self::key(res, namespace, &name);
        if inner.objects.contains_key(&key) {
            return Err(KubeError::AlreadyExists {
                what: res.describe(&name),
            });
        }
        inner.rv += 1;
        inner.uid += 1;
        if res.namespaced {
            meta.insert("namespace".into(), json!(namespace.unwrap_or("")));
        } else {
            meta.remove("namespace");
        }
        meta.insert(
            "uid".into(),
            json!(format!("00000000-0000-4000-8000-{:012x}", inner.uid)),
        );
        meta.insert("resourceVersion".into(), json!(inner.rv.to_string()));
        meta.insert("generation".into(), json!(1));
        meta.insert("creationTimestamp".into(), json!(now_rfc3339()));
        let rv = inner.rv;
        inner.objects.insert(key, obj.clone());
        Self::record(inner, rv, res, namespace, WatchEvent::Added(obj.clone()));
        Ok(obj)
    }

    /// Stores a changed object over `old`, keeping server-set metadata and bumping the
    /// generation when anything but metadata and status changed.
    fn store_update(
        inner: &mut Inner,
        res: &Resource,
        namespace: Option<&str>,
        old: &Value,
        mut new: Value,
    ) -> Result<Value, KubeError> {
        let name = old
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !new.is_object() {
            return Err(invalid(res, &name, "not an object"));
        }
        if !new.get("metadata").is_some_and(Value::is_object) {
            new["metadata"] = json!({});
        }
        for k in [
            "name",
            "namespace",
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
        ] {
            match old["metadata"].get(k) {
                Some(v) => new["metadata"][k] = v.clone(),
                None => {
                    if let Some(m) = new["metadata"].as_object_mut() {
                        m.remove(k);
                    }
                }
            }
        }
        let strip = |v: &Value| {
            let mut v = v.clone();
            if let Some(m) = v.as_object_mut() {
                m.remove("metadata");
                m.remove("status");
            }
            v
        };
        let generation = old
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let generation = if strip(old) != strip(&new) {
            generation + 1
        } else {
            generation
        };
        new["metadata"]["generation"] = json!(generation);
        inner.rv += 1;
        new["metadata"]["resourceVersion"] = json!(inner.rv.to_string());
        let rv = inner.rv;
        // A finalizer-held object goes once its last finalizer is removed.
        let deleting = new.pointer("/metadata/deletionTimestamp").is_some();
        let finalizers = new
            .pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
        let key = Self::key(res, namespace, &name);
        if deleting && !finalizers {
            inner.objects.remove(&key);
            Self::record(inner, rv, res, namespace, WatchEvent::Deleted(new.clone()));
        } else {
            inner.objects.insert(key, new.clone());
            Self::record(inner, rv, res, namespace, WatchEvent::Modified(new.clone()));
        }
        Ok(new)
    }

    fn remove(
        inner: &mut Inner,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
        propagation: Propagation,
        depth: usize,
    ) -> Result<(), KubeError> {
        let key = Self::key(res, namespace, name);
        let Some(obj) = inner.objects.get(&key).cloned() else {
            return Err(KubeError::NotFound {
                what: res.describe(name),
            });
        };
        inner.rv += 1;
        let rv = inner.rv;
        let has_finalizers = obj
            .pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
        if has_finalizers {
            let mut held = obj.clone();
            if held.pointer("/metadata/deletionTimestamp").is_none() {
                held["metadata"]["deletionTimestamp"] = json!(now_rfc3339());
            }
            held["metadata"]["resourceVersion"] = json!(rv.to_string());
            inner.objects.insert(key, held.clone());
            Self::record(inner, rv, res, namespace, WatchEvent::Modified(held));
        } else {
            inner.objects.remove(&key);
            Self::record(inner, rv, res, namespace, WatchEvent::Deleted(obj.clone()));
        }
        // Garbage collection of dependents (bounded depth).
        if propagation != Propagation::Orphan && depth < 16 {
            let uid = obj
                .pointer("/metadata/uid")
                .and_then(Value::as_str)
                .unwrap_or("");
            let dependents: Vec<(Resource, String, String)> = inner
                .objects
                .iter()
                .filter(|(_, o)| {
                    o.pointer("/metadata/ownerReferences")
                        .and_then(Value::as_array)
                        .is_some_and(|refs| {
                            refs.iter()
                                .any(|r| r.get("uid").and_then(Value::as_str) == Some(uid))
                        })
                })
                .filter_map(|((g, p, ns, n), _)| {
                    let r = inner
                        .kinds
                        .iter()
                        .find(|r| &r.group == g && &r.plural == p)?
                        .clone();
                    Some((r, ns.clone(), n.clone()))
                })
                .collect();
            for (r, ns, n) in dependents {
                let ns = (!ns.is_empty()).then_some(ns.as_str());
                let _ = Self::remove(inner, &r, ns, &n, propagation, depth + 1);
            }
        }
        Ok(())
    }
}

impl Cluster for FakeCluster {
    fn default_namespace(&self) -> &str {
        &self.namespace
    }

    fn resource(&self, api_version: &str, kind: &str) -> Result<Resource, KubeError> {
        let (group, version) = super::split_api_version(api_version);
        lock(&self.inner)
            .kinds
            .iter()
            .find(|r| r.group == group && r.version == version && r.kind == kind)
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
        self.enter(Verb::Get, res)?;
        Ok(lock(&self.inner)
            .objects
            .get(&Self::key(res, namespace, name))
            .cloned())
    }

    fn list(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        label_selector: &str,
    ) -> Result<Vec<Value>, KubeError> {
        self.enter(Verb::List, res)?;
        let sel = Selector::parse(label_selector).map_err(|m| KubeError::Api {
            code: 400,
            reason: "BadRequest".into(),
            message: m,
        })?;
        let inner = lock(&self.inner);
        Ok(inner
            .objects
            .iter()
            .filter(|((g, p, ns, _), o)| {
                g == &res.group
                    && p == &res.plural
                    && (!res.namespaced || namespace.is_none_or(|n| n == ns))
                    && sel.matches_object(o)
            })
            .map(|(_, o)| o.clone())
            .collect())
    }

    fn create(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        obj: &Value,
        opts: &WriteOptions,
    ) -> Result<Value, KubeError> {
        self.enter(Verb::Create, res)?;
        let mut inner = lock(&self.inner);
        Self::check_namespace(&inner, res, namespace)?;
        if opts.dry_run {
            let mut scratch = Inner {
                kinds: inner.kinds.clone(),
                objects: inner.objects.clone(),
                rv: inner.rv,
                uid: inner.uid,
                ..Default::default()
            };
            return Self::store_new(&mut scratch, res, namespace, obj.clone());
        }
        let out = Self::store_new(&mut inner, res, namespace, obj.clone())?;
        drop(inner);
        self.changed.notify_all();
        Ok(out)
    }

    fn replace(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        obj: &Value,
        opts: &WriteOptions,
    ) -> Result<Value, KubeError> {
        self.enter(Verb::Replace, res)?;
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut inner = lock(&self.inner);
        let key = Self::key(res, namespace, name);
        let Some(old) = inner.objects.get(&key).cloned() else {
            return Err(KubeError::NotFound {
                what: res.describe(name),
            });
        };
        if let Some(rv) = obj
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
        {
            if old
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                != Some(rv)
            {
                return Err(KubeError::Api {
                    code: 409,
                    reason: "Conflict".into(),
                    message: format!(
                        "Operation cannot be fulfilled on {}: the object has been modified; please apply your changes to the latest version and try again",
                        res.describe(name)
                    ),
                });
            }
        }
        let mut new = obj.clone();
        if new.get("status").is_none() {
            if let Some(s) = old.get("status") {
                new["status"] = s.clone();
            }
        }
        if opts.dry_run {
            return Ok(new);
        }
        let out = Self::store_update(&mut inner, res, namespace, &old, new)?;
        drop(inner);
        self.changed.notify_all();
        Ok(out)
    }

    fn patch(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
        kind: PatchKind,
        patch_body: &Value,
        opts: &WriteOptions,
    ) -> Result<Value, KubeError> {
        self.enter(Verb::Patch, res)?;
        let mut inner = lock(&self.inner);
        let key = Self::key(res, namespace, name);
        let old = inner.objects.get(&key).cloned();
        let Some(old) = old else {
            if kind == PatchKind::Apply {
                if opts.field_manager.is_none() {
                    return Err(invalid(res, name, "fieldManager: Required value"));
                }
                Self::check_namespace(&inner, res, namespace)?;
                let out = Self::store_new(&mut inner, res, namespace, patch_body.clone())?;
                drop(inner);
                self.changed.notify_all();
                return Ok(out);
            }
            return Err(KubeError::NotFound {
                what: res.describe(name),
            });
        };
        let bad = |e: String| KubeError::Api {
            code: 422,
            reason: "Invalid".into(),
            message: e,
        };
        let new = match kind {
            PatchKind::Strategic => {
                let Some(schema) = PatchSchema::builtin(&res.api_version(), &res.kind) else {
                    return Err(KubeError::Api {
                        code: 415,
                        reason: "UnsupportedMediaType".into(),
                        message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml".into(),
                    });
                };
                patch::apply(&old, patch_body, &schema).map_err(|e| bad(e.to_string()))?
            }
            PatchKind::Merge => {
                patch::json_merge::apply(&old, patch_body).map_err(|e| bad(e.to_string()))?
            }
            PatchKind::Json => {
                let ops: json_patch::Patch =
                    serde_json::from_value(patch_body.clone()).map_err(|e| KubeError::Api {
                        code: 400,
                        reason: "BadRequest".into(),
                        message: e.to_string(),
                    })?;
                let mut doc = old.clone();
                json_patch::patch(&mut doc, &ops).map_err(|e| bad(e.to_string()))?;
                doc
            }
            PatchKind::Apply => {
                if opts.field_manager.is_none() {
                    return Err(invalid(res, name, "fieldManager: Required value"));
                }
                patch::json_merge::apply(&old, patch_body).map_err(|e| bad(e.to_string()))?
            }
        };
        if opts.dry_run {
            return Ok(new);
        }
        let out = Self::store_update(&mut inner, res, namespace, &old, new)?;
        drop(inner);
        self.changed.notify_all();
        Ok(out)
    }

    fn delete(
        &self,
        res: &Resource,
        namespace: Option<&str>,
        name: &str,
        propagation: Propagation,
        opts: &WriteOptions,
    ) -> Result<(), KubeError> {
        self.enter(Verb::Delete, res)?;
        let mut inner = lock(&self.inner);
        if opts.dry_run {
            return match inner.objects.contains_key(&Self::key(res, namespace, name)) {
                true => Ok(()),
                false => Err(KubeError::NotFound {
                    what: res.describe(name),
                }),
            };
        }
        if res.kind == "Namespace" && res.group.is_empty() {
            let doomed: Vec<Key> = inner
                .objects
                .keys()
                .filter(|k| k.2 == name)
                .cloned()
                .collect();
            for k in doomed {
                inner.objects.remove(&k);
            }
        }
        Self::remove(&mut inner, res, namespace, name, propagation, 0)?;
        drop(inner);
        self.changed.notify_all();
        Ok(())
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
        self.enter(Verb::List, res)?;
        let sel = Selector::parse(label_selector).map_err(|m| KubeError::Api {
            code: 400,
            reason: "BadRequest".into(),
            message: m,
        })?;
        let deadline = Instant::now() + timeout;
        let mut inner = lock(&self.inner);
        let mut seen: u64 = match resource_version {
            Some(v) => v.parse().map_err(|_| KubeError::Api {
                code: 400,
                reason: "BadRequest".into(),
                message: format!("invalid resource version {v:?}"),
            })?,
            None => inner.rv,
        };
        loop {
            let batch: Vec<(u64, WatchEvent)> = inner
                .events
                .iter()
                .filter(|(rv, g, p, ns, ev)| {
                    *rv > seen
                        && g == &res.group
                        && p == &res.plural
                        && namespace.is_none_or(|n| !res.namespaced || n == ns)
                        && sel.matches_object(ev.object())
                })
                .map(|(rv, _, _, _, ev)| (*rv, ev.clone()))
                .collect();
            seen = inner.rv.max(seen);
            drop(inner);
            for (rv, ev) in batch {
                if !on_event(ev) {
                    return Ok(Some(rv.to_string()));
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(Some(seen.to_string()));
            }
            inner = lock(&self.inner);
            if inner.rv == seen {
                inner = self
                    .changed
                    .wait_timeout(inner, left)
                    .map(|(g, _)| g)
                    .unwrap_or_else(|p| p.into_inner().0);
            }
        }
    }

    fn api_versions(&self) -> Result<Vec<String>, KubeError> {
        let kinds = lock(&self.inner).kinds.clone();
        let mut out: Vec<String> = Vec::new();
        for r in kinds {
            let gv = r.api_version();
            if !out.contains(&gv) {
                out.push(gv.clone());
            }
            out.push(format!("{gv}/{}", r.kind));
        }
        Ok(out)
    }

    fn server_version(&self) -> Result<ServerVersion, KubeError> {
        lock(&self.inner).requests += 1;
        Ok(self.version.clone())
    }

    fn patch_schema(&self, res: &Resource) -> Result<Option<PatchSchema>, KubeError> {
        Ok(PatchSchema::builtin(&res.api_version(), &res.kind))
    }

    fn request_count(&self) -> u64 {
        lock(&self.inner).requests
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deploy(name: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": name, "labels": {"app": name}},
               "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "a", "image": "x:1"}]}}}})
    }

    #[test]
    fn crud_with_metadata_semantics() {
        let c = FakeCluster::default();
        let d = c.resource("apps/v1", "Deployment").expect("kind");
        assert_eq!(d.plural, "deployments");
        assert!(d.namespaced);
        assert!(!c.resource("v1", "Namespace").expect("ns").namespaced);
        assert!(matches!(
            c.resource("example.com/v1", "Foo"),
            Err(KubeError::NoKind { .. })
        ));
        let w = WriteOptions::default();
        let made = c
            .create(&d, Some("default"), &deploy("web"), &w)
            .expect("create");
        assert_eq!(made["metadata"]["generation"], 1);
        assert!(matches!(
            c.create(&d, Some("default"), &deploy("web"), &w),
            Err(KubeError::AlreadyExists { .. })
        ));
        assert!(matches!(
            c.create(&d, Some("nope"), &deploy("web"), &w),
            Err(KubeError::NotFound { .. })
        ));
        // Stale resourceVersion: 409.
        let mut stale = made.clone();
        stale["metadata"]["resourceVersion"] = json!("0");
        assert!(c
            .replace(&d, Some("default"), &stale, &w)
            .is_err_and(|e| e.is_conflict()));
        // Strategic merge bumps the generation.
        let p = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x:2"}]}}}});
        let out = c
            .patch(&d, Some("default"), "web", PatchKind::Strategic, &p, &w)
            .expect("patch");
        assert_eq!(out["metadata"]["generation"], 2);
        assert_eq!(
            out.pointer("/spec/template/spec/containers/0/image"),
            Some(&json!("x:2"))
        );
        let out = c
            .patch(
                &d,
                Some("default"),
                "web",
                PatchKind::Json,
                &json!([{"op": "replace", "path": "/spec/replicas", "value": 3}]),
                &w,
            )
            .expect("json patch");
        assert_eq!(out["spec"]["replicas"], 3);
        let out = c
            .patch(
                &d,
                Some("default"),
                "web",
                PatchKind::Merge,
                &json!({"metadata": {"labels": {"x": "y"}}}),
                &w,
            )
            .expect("merge");
        assert_eq!(out["metadata"]["generation"], 3);
        assert_eq!(c.list(&d, Some("default"), "x=y").expect("list").len(), 1);
        assert_eq!(c.list(&d, None, "x!=y").expect("list").len(), 0);
        // dry run stores nothing.
        let dry = WriteOptions {
            dry_run: true,
            ..Default::default()
        };
        c.create(&d, Some("default"), &deploy("other"), &dry)
            .expect("dry");
        assert!(c.get(&d, Some("default"), "other").expect("get").is_none());
        c.delete(&d, Some("default"), "web", Propagation::Background, &w)
            .expect("delete");
        assert!(c.get(&d, Some("default"), "web").expect("get").is_none());
    }

    #[test]
    fn owners_finalizers_and_watches() {
        let c = FakeCluster::default();
        let w = WriteOptions::default();
        let cm = c.resource("v1", "ConfigMap").expect("cm");
        let owner = c
            .create(
                &cm,
                Some("default"),
                &json!({"metadata": {"name": "owner"}}),
                &w,
            )
            .expect("owner");
        let uid = owner["metadata"]["uid"].clone();
        c.create(&cm, Some("default"), &json!({"metadata": {"name": "dep", "ownerReferences": [{"uid": uid, "kind": "ConfigMap", "name": "owner", "apiVersion": "v1"}]}}), &w).expect("dep");
        c.create(
            &cm,
            Some("default"),
            &json!({"metadata": {"name": "held", "finalizers": ["x/y"]}}),
            &w,
        )
        .expect("held");
        let rv = owner["metadata"]["resourceVersion"]
            .as_str()
            .map(str::to_string);
        c.delete(&cm, Some("default"), "owner", Propagation::Background, &w)
            .expect("delete");
        assert!(
            c.get(&cm, Some("default"), "dep").expect("get").is_none(),
            "dependent collected"
        );
        c.delete(&cm, Some("default"), "held", Propagation::Background, &w)
            .expect("delete");
        let held = c
            .get(&cm, Some("default"), "held")
            .expect("get")
            .expect("held by its finalizer");
        assert!(held.pointer("/metadata/deletionTimestamp").is_some());
        let mut released = held.clone();
        released["metadata"]["finalizers"] = json!([]);
        c.replace(&cm, Some("default"), &released, &w)
            .expect("release");
        assert!(c.get(&cm, Some("default"), "held").expect("get").is_none());
        let mut seen = Vec::new();
        c.watch(
            &cm,
            Some("default"),
            "",
            rv.as_deref(),
            Duration::from_millis(50),
            &mut |e| {
                seen.push(match &e {
                    WatchEvent::Added(_) => "A",
                    WatchEvent::Modified(_) => "M",
                    WatchEvent::Deleted(_) => "D",
                });
                true
            },
        )
        .expect("watch");
        assert_eq!(seen.join(""), "AADDMD");
    }

    #[test]
    fn injected_faults_hit_the_named_verb_then_stop() {
        let c = FakeCluster::default();
        let cm = c.resource("v1", "ConfigMap").expect("cm");
        c.inject(Fault {
            verb: Some(Verb::Get),
            kind: Some("ConfigMap".into()),
            error: KubeError::Transport("connection reset".into()),
            times: 2,
        });
        assert!(c.list(&cm, None, "").is_ok());
        assert!(c.get(&cm, Some("default"), "x").is_err());
        assert!(c.get(&cm, Some("default"), "x").is_err());
        assert!(c.get(&cm, Some("default"), "x").is_ok());
        assert_eq!(c.request_count(), 4);
    }

    #[test]
    fn plurals_follow_kubernetes() {
        for (k, p) in [
            ("Ingress", "ingresses"),
            ("NetworkPolicy", "networkpolicies"),
            ("Endpoints", "endpoints"),
            ("StorageClass", "storageclasses"),
            ("Pod", "pods"),
        ] {
            assert_eq!(plural_of(k), p);
        }
    }
}
