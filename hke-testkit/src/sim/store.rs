//! The simulator's object store: Kubernetes metadata semantics (uid, resourceVersion,
//! generation, creationTimestamp, generateName, namespaces that must exist), label and
//! field selectors, JSON merge patch, and `Status` errors.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

use super::resources::{builtin, Resource, VERBS};

/// An API error, rendered as a `Status` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub code: u16,
    /// `Status.reason` (`NotFound`, `AlreadyExists`, `Conflict`, ...).
    pub reason: String,
    /// `Status.message`.
    pub message: String,
    /// `Status.details` (name, group, kind), when known.
    pub details: Option<Value>,
}

impl ApiError {
    /// An error without details.
    pub fn new(code: u16, reason: &str, message: &str) -> ApiError {
        ApiError {
            code,
            reason: reason.to_string(),
            message: message.to_string(),
            details: None,
        }
    }

    /// 400 BadRequest.
    pub fn bad_request(message: &str) -> ApiError {
        ApiError::new(400, "BadRequest", message)
    }

    fn about(code: u16, reason: &str, res: &Resource, name: &str, message: String) -> ApiError {
        ApiError {
            code,
            reason: reason.to_string(),
            message,
            details: Some(json!({"name": name, "group": res.group, "kind": res.plural})),
        }
    }

    fn not_found(res: &Resource, name: &str) -> ApiError {
        let gr = group_resource(res);
        ApiError::about(
            404,
            "NotFound",
            res,
            name,
            format!("{gr} \"{name}\" not found"),
        )
    }

    fn invalid(res: &Resource, name: &str, message: &str) -> ApiError {
        ApiError::about(
            422,
            "Invalid",
            res,
            name,
            format!("{} \"{name}\" is invalid: {message}", res.kind),
        )
    }

    /// The `Status` object for this error.
    pub fn to_status(&self) -> Value {
        let mut v = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": self.message, "reason": self.reason, "code": self.code,
        });
        if let (Some(d), Some(m)) = (&self.details, v.as_object_mut()) {
            m.insert("details".into(), d.clone());
        }
        v
    }
}

fn group_resource(res: &Resource) -> String {
    if res.group.is_empty() {
        res.plural.clone()
    } else {
        format!("{}.{}", res.plural, res.group)
    }
}

/// (group, version, plural) of a resource type.
type ResourceKey = (String, String, String);
/// Objects of one type keyed by (namespace, name); namespace is empty when cluster-scoped.
type Objects = BTreeMap<(String, String), Value>;

/// Objects per resource type.
#[derive(Debug, Default)]
pub struct Store {
    resources: Vec<Resource>,
    objects: BTreeMap<ResourceKey, Objects>,
    revision: u64,
    uid_counter: u64,
    events: VecDeque<Event>,
    /// The last configuration each field manager applied (server-side apply), by
    /// (resource, namespace, name, manager).
    applied: BTreeMap<(ResourceKey, String, String, String), Value>,
    /// Field owners per object (resource, namespace, name).
    owners: BTreeMap<(ResourceKey, String, String), Vec<super::fields::Owner>>,
    /// The field manager of the write under way (`None`: the simulator itself).
    manager: Option<String>,
    /// Walking schemas per `apiVersion/kind` (built-in kinds).
    kind_schemas:
        std::collections::HashMap<String, Option<std::sync::Arc<super::fields::KindSchema>>>,
    /// Service cluster IPs and node ports handed out so far.
    allocated_ips: u32,
    allocated_ports: u32,
    /// Resource version of the newest event dropped from `events` (0: none dropped).
    dropped_upto: u64,
}

/// One change, kept for watches.
#[derive(Debug, Clone)]
struct Event {
    rv: u64,
    key: ResourceKey,
    ns: String,
    kind: &'static str,
    object: Value,
}

/// How dependents of a deleted object are handled (`propagationPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the owner now, then its dependents (the default).
    Background,
    /// Delete the dependents, then the owner.
    Foreground,
    /// Keep the dependents, removing their owner reference.
    Orphan,
}

/// Most dependents one delete removes.
const MAX_CASCADE: usize = 10_000;

/// Most change events kept for watches (older ones are dropped; watching from before them
/// answers 410 Expired, as a compacted etcd does).
pub const MAX_EVENTS: usize = 4096;

/// Namespaces that exist from the start.
const INITIAL_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

impl Store {
    /// A store with the built-in resources and the initial namespaces.
    pub fn new() -> Store {
        let mut s = Store {
            resources: builtin(),
            ..Store::default()
        };
        if let Some(ns) = s.resources.iter().find(|r| r.kind == "Namespace").cloned() {
            for name in INITIAL_NAMESPACES {
                let obj =
                    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
                let _ = s.create(&ns, None, obj, false);
            }
        }
        s
    }

    /// Server-side apply (`application/apply-patch+yaml`), simplified: the object is
    /// created when missing (201); otherwise the applied configuration is merged into the
    /// live object as a three-way patch (strategic merge for built-in kinds, JSON merge for
    /// others) against what the same field manager applied last, so fields that manager
    /// stopped applying are removed and fields set by others are kept. Ownership conflicts
    /// between managers: an applied leaf another manager owns with a different current
    /// value is a 409 `Conflict` (the API server's message and `FieldManagerConflict`
    /// causes) unless `force`, which takes the field over. `metadata.managedFields`
    /// lists the owners (see [`super::fields`]).
    #[allow(clippy::too_many_arguments)]
    pub fn server_side_apply(
        &mut self,
        res: &Resource,
        ns: Option<&str>,
        name: &str,
        applied: Value,
        dry_run: bool,
        manager: &str,
        force: bool,
        part: Part,
    ) -> Result<(u16, Value), ApiError> {
        if manager.is_empty() {
            return Err(ApiError::invalid(
                res,
                name,
                "metadata.managedFields.fieldManager: Required value: is required for apply patch",
            ));
        }
        if !applied.is_object() {
            return Err(ApiError::bad_request("apply patch must be an object"));
        }
        Self::check_kind(res, &applied, name)?;
        if applied
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .is_some_and(|n| n != name)
        {
            return Err(ApiError::bad_request(
                "the name of the object does not match the name on the URL",
            ));
        }
        let ns_s = ns.unwrap_or("").to_string();
        let key = (
            Self::key(res),
            ns_s.clone(),
            name.to_string(),
            manager.to_string(),
        );
        let okey = (Self::key(res), ns_s.clone(), name.to_string());
        let schema = self.kind_schema(res);
        let applied_leaves = super::fields::leaves(&applied, schema.as_deref());
        let old = self.get(res, &ns_s, name).ok();
        if let Some(current) = &old {
            let owners = self.owners.get(&okey).cloned().unwrap_or_default();
            let conflicts =
                super::fields::conflicts(&owners, manager, &applied_leaves, &applied, current);
            if !conflicts.is_empty() && !force {
                let causes: Vec<Value> = conflicts
                    .iter()
                    .map(|(m, av, p)| {
                        json!({"type": "FieldManagerConflict",
                               "message": format!("conflict with \"{m}\" using {av}"),
                               "field": super::fields::render_path(p)})
                    })
                    .collect();
                let mut e = ApiError::new(
                    409,
                    "Conflict",
                    &super::fields::conflict_message(&conflicts),
                );
                e.details = Some(json!({"name": name, "group": res.group, "kind": res.plural,
                                        "causes": causes}));
                return Err(e);
            }
            if !dry_run {
                let taken: BTreeSet<super::fields::FieldPath> =
                    conflicts.into_iter().map(|(_, _, p)| p).collect();
                if let Some(owners) = self.owners.get_mut(&okey) {
                    for o in owners.iter_mut() {
                        o.paths.retain(|p| !taken.contains(p));
                    }
                }
            }
        }
        let set_apply_owner = |st: &mut Store| {
            let owners = st.owners.entry(okey.clone()).or_default();
            let entry = super::fields::Owner {
                manager: manager.to_string(),
                operation: "Apply".into(),
                api_version: res.api_version(),
                time: now_rfc3339(),
                paths: applied_leaves.clone(),
            };
            match owners
                .iter_mut()
                .find(|o| o.manager == manager && o.operation == "Apply")
            {
                Some(o) => *o = entry,
                None => owners.push(entry),
            }
        };
        let saved_manager = self.manager.take();
        let result = match old {
            None => {
                let mut obj = applied.clone();
                let m = obj_map(
                    obj_map(&mut obj)
                        .entry("metadata")
                        .or_insert_with(|| json!({})),
                );
                m.insert("name".into(), json!(name));
                m.remove("managedFields");
                if !dry_run {
                    set_apply_owner(self);
                }
                match self.create(res, ns, obj, dry_run) {
                    Ok(created) => {
                        if !dry_run {
                            self.applied.insert(key, applied);
                        }
                        Ok((201, created))
                    }
                    Err(e) => {
                        if !dry_run {
                            self.owners.remove(&okey);
                        }
                        Err(e)
                    }
                }
            }
            Some(old) => {
                let original = self.applied.get(&key).cloned().unwrap_or(json!({}));
                let mut current = old.clone();
                if let Some(m) = current.get_mut("metadata").and_then(Value::as_object_mut) {
                    m.remove("managedFields");
                }
                let merged =
                    match hke_core::patch::PatchSchema::builtin(&res.api_version(), &res.kind) {
                        Some(schema) => {
                            hke_core::patch::three_way(&original, &applied, &current, &schema, true)
                                .and_then(|p| hke_core::patch::apply(&current, &p, &schema))
                        }
                        None => hke_core::patch::json_merge::three_way(
                            &original,
                            &applied,
                            &current,
                            &[],
                        )
                        .and_then(|p| hke_core::patch::json_merge::apply(&current, &p)),
                    };
                match merged {
                    Err(e) => Err(ApiError::invalid(res, name, &e.to_string())),
                    Ok(mut obj) => {
                        split_status(res, &old, &mut obj, part);
                        if !dry_run {
                            set_apply_owner(self);
                        }
                        self.store_update(res, &ns_s, name, &old, &mut obj, dry_run)
                            .map(|()| {
                                if !dry_run {
                                    self.applied.insert(key, applied);
                                }
                                (200, obj)
                            })
                    }
                }
            }
        };
        self.manager = saved_manager;
        result
    }

    /// Serves `regs` for the CustomResourceDefinition `crd`, replacing what it served
    /// before; objects of types it no longer serves are dropped (with `DELETED` events).
    fn register_crd(&mut self, crd: &str, regs: Vec<Resource>) {
        let old: Vec<Resource> = self
            .resources
            .iter()
            .filter(|r| r.crd.as_deref() == Some(crd))
            .cloned()
            .collect();
        self.resources.retain(|r| r.crd.as_deref() != Some(crd));
        for r in &old {
            if regs.iter().any(|n| Self::key(n) == Self::key(r)) {
                continue;
            }
            let gone = self.objects.remove(&Self::key(r)).unwrap_or_default();
            for ((ns, _), mut o) in gone {
                let rv = self.next_rv();
                if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
                    m.insert("resourceVersion".into(), json!(rv));
                }
                let n = self.revision;
                self.record_key(Self::key(r), &ns, "DELETED", &o, n);
            }
        }
        for r in regs {
            // built-in kinds win over a CRD claiming the same plural
            if !self.resources.iter().any(|x| Self::key(x) == Self::key(&r)) {
                self.resources.push(r);
            }
        }
    }

    /// Sets the field manager of the writes that follow (`None`: the simulator's own
    /// writes, which change no ownership).
    pub fn set_field_manager(&mut self, manager: Option<String>) {
        self.manager = manager;
    }

    fn kind_schema(&mut self, res: &Resource) -> Option<std::sync::Arc<super::fields::KindSchema>> {
        let key = format!("{}/{}", res.api_version(), res.kind);
        self.kind_schemas
            .entry(key)
            .or_insert_with(|| {
                super::fields::KindSchema::for_kind(&res.api_version(), &res.kind)
                    .map(std::sync::Arc::new)
            })
            .clone()
    }

    /// Updates field ownership for a write of `obj` (the current manager takes the
    /// leaves it changed, with an `Update` entry; leaves gone from the object are
    /// forgotten) and writes `metadata.managedFields`.
    fn finish_owners(
        &mut self,
        res: &Resource,
        ns: &str,
        name: &str,
        old: Option<&Value>,
        obj: &mut Value,
    ) {
        let schema = self.kind_schema(res);
        let new_leaves = super::fields::leaves(obj, schema.as_deref());
        let key = (Self::key(res), ns.to_string(), name.to_string());
        let manager = self.manager.clone();
        let owners = self.owners.entry(key.clone()).or_default();
        if let Some(m) = manager {
            let changed: BTreeSet<super::fields::FieldPath> = new_leaves
                .iter()
                .filter(|p| match old {
                    Some(o) => !super::fields::same_at(o, obj, p),
                    None => true,
                })
                .cloned()
                .collect();
            if !changed.is_empty() {
                for o in owners.iter_mut() {
                    if !(o.manager == m && o.operation == "Update") {
                        o.paths.retain(|p| !changed.contains(p));
                    }
                }
                let now = now_rfc3339();
                match owners
                    .iter_mut()
                    .find(|o| o.manager == m && o.operation == "Update")
                {
                    Some(o) => {
                        o.paths.extend(changed);
                        o.time = now;
                        o.api_version = res.api_version();
                    }
                    None => owners.push(super::fields::Owner {
                        manager: m,
                        operation: "Update".into(),
                        api_version: res.api_version(),
                        time: now,
                        paths: changed,
                    }),
                }
            }
        }
        for o in owners.iter_mut() {
            o.paths.retain(|p| new_leaves.contains(p));
        }
        owners.retain(|o| !o.paths.is_empty());
        let entries: Vec<Value> = owners.iter().map(super::fields::Owner::entry).collect();
        if entries.is_empty() {
            self.owners.remove(&key);
        }
        let m = obj_map(obj_map(obj).entry("metadata").or_insert_with(|| json!({})));
        if entries.is_empty() {
            m.remove("managedFields");
        } else {
            m.insert("managedFields".into(), Value::Array(entries));
        }
    }

    /// Every stored object of `res` (all namespaces), in key order.
    pub fn objects_of(&self, res: &Resource) -> Vec<Value> {
        self.objects
            .get(&Self::key(res))
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The served resource of a kind (`api_version` as in objects).
    pub fn resource_of(&self, api_version: &str, kind: &str) -> Option<Resource> {
        self.resources
            .iter()
            .find(|r| r.api_version() == api_version && r.kind == kind)
            .cloned()
    }

    /// Replaces an object's `status` (as a controller does); no change when equal.
    pub fn set_status(
        &mut self,
        res: &Resource,
        ns: &str,
        name: &str,
        status: Value,
    ) -> Result<(), ApiError> {
        let old = self.get(res, ns, name)?;
        if old.get("status") == Some(&status) {
            return Ok(());
        }
        let mut obj = old.clone();
        obj_map(&mut obj).insert("status".into(), status);
        self.store_update(res, ns, name, &old, &mut obj, false)
    }

    /// Replaces an object's `spec` field `field` (as a controller scaling a ReplicaSet).
    pub fn set_spec_field(
        &mut self,
        res: &Resource,
        ns: &str,
        name: &str,
        field: &str,
        value: Value,
    ) -> Result<(), ApiError> {
        let old = self.get(res, ns, name)?;
        if old.pointer(&format!("/spec/{field}")) == Some(&value) {
            return Ok(());
        }
        let mut obj = old.clone();
        let spec = obj_map(obj_map(&mut obj).entry("spec").or_insert_with(|| json!({})));
        spec.insert(field.into(), value);
        self.store_update(res, ns, name, &old, &mut obj, false)
    }

    /// Server-side defaults the simulated controllers and helm's readiness checks rely on
    /// (replicas, update strategies, Job limits), and Service IP / node port allocation
    /// (kept from the old object on updates, as the API server does).
    fn apply_defaults(&mut self, res: &Resource, obj: &mut Value, old: Option<&Value>) {
        let group_kind = (res.group.as_str(), res.kind.as_str());
        if group_kind == ("batch", "Job") {
            default_job_selector(obj);
        }
        let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
            return;
        };
        let mut default = |k: &str, v: Value| {
            spec.entry(k.to_string()).or_insert(v);
        };
        match group_kind {
            ("apps", "Deployment") => {
                default("replicas", json!(1));
                default("revisionHistoryLimit", json!(10));
                default("progressDeadlineSeconds", json!(600));
                default_strategy(
                    spec,
                    "strategy",
                    &[("maxSurge", json!("25%")), ("maxUnavailable", json!("25%"))],
                );
            }
            ("apps", "StatefulSet") => {
                default("replicas", json!(1));
                default("podManagementPolicy", json!("OrderedReady"));
                default("revisionHistoryLimit", json!(10));
                default_strategy(spec, "updateStrategy", &[("partition", json!(0))]);
            }
            ("apps", "DaemonSet") => {
                default("revisionHistoryLimit", json!(10));
                default_strategy(
                    spec,
                    "updateStrategy",
                    &[("maxSurge", json!(0)), ("maxUnavailable", json!(1))],
                );
            }
            ("apps", "ReplicaSet") => default("replicas", json!(1)),
            ("batch", "Job") => {
                default("backoffLimit", json!(6));
                default("completions", json!(1));
                default("parallelism", json!(1));
            }
            ("", "Pod") => {
                default("restartPolicy", json!("Always"));
                default_container_ports(spec);
            }
            ("", "Service") => {
                default("type", json!("ClusterIP"));
                default("sessionAffinity", json!("None"));
                self.default_service(obj, old);
            }
            _ => {}
        }
    }

    fn default_service(&mut self, obj: &mut Value, old: Option<&Value>) {
        let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
            return;
        };
        let ty = spec
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("ClusterIP")
            .to_string();
        let old_ip = old.and_then(|o| o.pointer("/spec/clusterIP")).cloned();
        let has_ip = spec
            .get("clusterIP")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty());
        if ty != "ExternalName" && !has_ip {
            let ip = match old_ip {
                Some(ip) => ip,
                None => {
                    self.allocated_ips += 1;
                    let n = self.allocated_ips + 9;
                    json!(format!("10.96.{}.{}", n / 250, n % 250 + 1))
                }
            };
            spec.insert("clusterIP".into(), ip.clone());
            spec.insert("clusterIPs".into(), json!([ip]));
            spec.entry("ipFamilies").or_insert(json!(["IPv4"]));
            spec.entry("ipFamilyPolicy").or_insert(json!("SingleStack"));
        }
        let node_ports = ty == "NodePort" || ty == "LoadBalancer";
        let old_ports = old
            .and_then(|o| o.pointer("/spec/ports"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
            for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                p.entry("protocol").or_insert(json!("TCP"));
                if let Some(port) = p.get("port").cloned() {
                    p.entry("targetPort").or_insert(port);
                }
                if node_ports && !p.contains_key("nodePort") {
                    let same = old_ports
                        .iter()
                        .find(|o| o.get("port") == p.get("port") && o.get("nodePort").is_some());
                    let np = match same.and_then(|o| o.get("nodePort")) {
                        Some(np) => np.clone(),
                        None => {
                            self.allocated_ports += 1;
                            json!(30000 + self.allocated_ports % 2768)
                        }
                    };
                    p.insert("nodePort".into(), np);
                }
            }
        }
    }

    /// The current resource version (the counter of the last change).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn record(&mut self, res: &Resource, ns: &str, kind: &'static str, object: &Value) {
        let rv = object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .and_then(|r| r.parse().ok())
            .unwrap_or(self.revision);
        self.record_key(Self::key(res), ns, kind, object, rv);
    }

    fn record_key(
        &mut self,
        key: ResourceKey,
        ns: &str,
        kind: &'static str,
        object: &Value,
        rv: u64,
    ) {
        if self.events.len() >= MAX_EVENTS {
            if let Some(e) = self.events.pop_front() {
                self.dropped_upto = e.rv;
            }
        }
        self.events.push_back(Event {
            rv,
            key,
            ns: ns.to_string(),
            kind,
            object: object.clone(),
        });
    }

    /// Watch events (`{"type": ..., "object": ...}`) of `res` after resource version
    /// `since`, filtered by namespace and selectors, and the resource version they reach.
    /// 410 `Expired` when events after `since` were already dropped.
    pub fn watch_events(
        &self,
        res: &Resource,
        ns: Option<&str>,
        since: u64,
        label_selector: Option<&str>,
        field_selector: Option<&str>,
    ) -> Result<(Vec<Value>, u64), ApiError> {
        if since < self.dropped_upto {
            return Err(ApiError::new(
                410,
                "Expired",
                &format!("too old resource version: {since} ({})", self.dropped_upto),
            ));
        }
        let labels = parse_selector(label_selector.unwrap_or(""))?;
        let fields = parse_selector(field_selector.unwrap_or(""))?;
        let key = Self::key(res);
        let out = self
            .events
            .iter()
            .filter(|e| e.rv > since && e.key == key)
            .filter(|e| ns.is_none_or(|n| n == e.ns))
            .filter(|e| labels.iter().all(|r| r.matches_labels(&e.object)))
            .filter(|e| fields.iter().all(|r| r.matches_fields(&e.object)))
            .map(|e| json!({"type": e.kind, "object": e.object}))
            .collect();
        Ok((out, self.revision))
    }

    fn key(res: &Resource) -> ResourceKey {
        (res.group.clone(), res.version.clone(), res.plural.clone())
    }

    /// Every served resource type.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// The served resource `plural` in `group/version`.
    pub fn resource(&self, group: &str, version: &str, plural: &str) -> Result<Resource, ApiError> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
            .cloned()
            .ok_or_else(|| {
                ApiError::new(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                )
            })
    }

    /// `/apis` discovery document (APIGroupList).
    pub fn api_group_list(&self) -> Value {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for r in self.resources.iter().filter(|r| !r.group.is_empty()) {
            match groups.iter_mut().find(|(g, _)| *g == r.group) {
                Some((_, vs)) if !vs.contains(&r.version) => vs.push(r.version.clone()),
                Some(_) => {}
                None => groups.push((r.group.clone(), vec![r.version.clone()])),
            }
        }
        let groups: Vec<Value> = groups
            .into_iter()
            .map(|(g, vs)| {
                let versions: Vec<Value> = vs
                    .iter()
                    .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                    .collect();
                let preferred = versions.first().cloned().unwrap_or(Value::Null);
                json!({"name": g, "versions": versions, "preferredVersion": preferred})
            })
            .collect();
        json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
    }

    /// `/api/v1` or `/apis/G/V` discovery document (APIResourceList).
    pub fn resource_list(&self, group: &str, version: &str) -> Result<Value, ApiError> {
        let rs: Vec<&Resource> = self
            .resources
            .iter()
            .filter(|r| r.group == group && r.version == version)
            .collect();
        if rs.is_empty() {
            return Err(ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ));
        }
        let gv = rs.first().map(|r| r.api_version()).unwrap_or_default();
        let mut resources = Vec::new();
        for r in rs {
            let mut entry = json!({
                "name": r.plural, "singularName": r.kind.to_lowercase(), "namespaced": r.namespaced,
                "kind": r.kind, "verbs": VERBS, "shortNames": r.short_names,
            });
            if r.crd.is_none() && super::resources::IN_ALL.contains(&r.kind.as_str()) {
                entry["categories"] = json!(["all"]);
            }
            resources.push(entry);
            if has_status_subresource(r) {
                resources.push(json!({
                    "name": format!("{}/status", r.plural), "singularName": "", "namespaced": r.namespaced,
                    "kind": r.kind, "verbs": ["get", "patch", "update"],
                }));
            }
            if r.crd.is_none() && super::resources::SCALABLE.contains(&r.kind.as_str()) {
                resources.push(json!({
                    "name": format!("{}/scale", r.plural), "singularName": "", "namespaced": r.namespaced,
                    "group": "autoscaling", "version": "v1", "kind": "Scale",
                    "verbs": ["get", "patch", "update"],
                }));
            }
        }
        Ok(
            json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}),
        )
    }

    fn next_rv(&mut self) -> String {
        self.revision += 1;
        self.revision.to_string()
    }

    fn next_uid(&mut self) -> String {
        self.uid_counter += 1;
        let n = self.uid_counter;
        format!("00000000-0000-4000-8000-{n:012x}")
    }

    fn namespace_terminating(&self, ns: &str) -> bool {
        self.objects
            .get(&(String::new(), "v1".into(), "namespaces".into()))
            .and_then(|m| m.get(&(String::new(), ns.to_string())))
            .is_some_and(|o| o.pointer("/metadata/deletionTimestamp").is_some())
    }

    fn namespace_has_objects(&self, ns: &str) -> bool {
        self.objects
            .values()
            .any(|m| m.keys().any(|(ons, _)| ons == ns))
    }

    fn namespace_exists(&self, ns: &str) -> bool {
        self.objects
            .get(&(String::new(), "v1".into(), "namespaces".into()))
            .is_some_and(|m| m.contains_key(&(String::new(), ns.to_string())))
    }

    /// The stored object by `apiVersion` and kind.
    pub fn find(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Option<Value> {
        let res = self
            .resources
            .iter()
            .find(|r| r.api_version() == api_version && r.kind == kind)?;
        let ns = if res.namespaced { namespace } else { "" };
        self.objects
            .get(&Self::key(res))?
            .get(&(ns.to_string(), name.to_string()))
            .cloned()
    }

    /// GET one object.
    pub fn get(&self, res: &Resource, ns: &str, name: &str) -> Result<Value, ApiError> {
        self.objects
            .get(&Self::key(res))
            .and_then(|m| m.get(&(ns.to_string(), name.to_string())))
            .cloned()
            .ok_or_else(|| ApiError::not_found(res, name))
    }

    /// LIST with optional namespace, label selector and field selector.
    pub fn list(
        &self,
        res: &Resource,
        ns: Option<&str>,
        label_selector: Option<&str>,
        field_selector: Option<&str>,
    ) -> Result<Value, ApiError> {
        let items = self.select(res, ns, label_selector, field_selector, Value::clone)?;
        Ok(json!({
            "kind": format!("{}List", res.kind), "apiVersion": res.api_version(),
            "metadata": {"resourceVersion": self.revision.to_string()}, "items": items,
        }))
    }

    /// LIST as a `PartialObjectMetadataList`: each item reduced to its metadata (what
    /// clients get with `Accept: application/json;as=PartialObjectMetadataList;...`).
    pub fn list_metadata(
        &self,
        res: &Resource,
        ns: Option<&str>,
        label_selector: Option<&str>,
        field_selector: Option<&str>,
    ) -> Result<Value, ApiError> {
        let items = self.select(res, ns, label_selector, field_selector, |v| {
            json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                   "metadata": v.get("metadata").cloned().unwrap_or(Value::Null)})
        })?;
        Ok(json!({
            "kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": self.revision.to_string()}, "items": items,
        }))
    }

    fn select(
        &self,
        res: &Resource,
        ns: Option<&str>,
        label_selector: Option<&str>,
        field_selector: Option<&str>,
        view: impl Fn(&Value) -> Value,
    ) -> Result<Vec<Value>, ApiError> {
        let labels = parse_selector(label_selector.unwrap_or(""))?;
        let fields = parse_selector(field_selector.unwrap_or(""))?;
        Ok(self
            .objects
            .get(&Self::key(res))
            .map(|m| {
                m.iter()
                    .filter(|((ons, _), _)| match ns {
                        None => true,
                        Some(want) => want == ons,
                    })
                    .map(|(_, v)| v)
                    .filter(|v| labels.iter().all(|r| r.matches_labels(v)))
                    .filter(|v| fields.iter().all(|r| r.matches_fields(v)))
                    .map(&view)
                    .collect()
            })
            .unwrap_or_default())
    }

    fn check_kind(res: &Resource, obj: &Value, name: &str) -> Result<(), ApiError> {
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let av = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        if (!kind.is_empty() && kind != res.kind) || (!av.is_empty() && av != res.api_version()) {
            return Err(ApiError::bad_request(&format!(
                "the API version in the data ({av}) does not match the expected API version ({})",
                res.api_version()
            ))
            .with_name(res, name));
        }
        Ok(())
    }

    /// POST: create an object.
    pub fn create(
        &mut self,
        res: &Resource,
        ns: Option<&str>,
        mut obj: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let meta = obj.get("metadata").cloned().unwrap_or_else(|| json!({}));
        let mut name = meta
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if name.is_empty() {
            if let Some(prefix) = meta.get("generateName").and_then(Value::as_str) {
                name = format!("{prefix}{}", suffix(self.uid_counter + 1));
            }
        }
        if name.is_empty() {
            return Err(ApiError::invalid(
                res,
                "",
                "metadata.name: Required value: name or generateName is required",
            ));
        }
        if let Err(m) = validate_name(&name) {
            return Err(ApiError::invalid(
                res,
                &name,
                &format!("metadata.name: Invalid value: \"{name}\": {m}"),
            ));
        }
        Self::check_kind(res, &obj, &name)?;
        let ns = if res.namespaced {
            let body_ns = meta.get("namespace").and_then(Value::as_str);
            let ns = ns.or(body_ns).unwrap_or("default").to_string();
            if body_ns.is_some_and(|b| b != ns) {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            if !self.namespace_exists(&ns) {
                let nsres = self.resource("", "v1", "namespaces")?;
                return Err(ApiError::not_found(&nsres, &ns));
            }
            if self.namespace_terminating(&ns) {
                return Err(ApiError::about(
                    403,
                    "Forbidden",
                    res,
                    &name,
                    format!("{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", group_resource(res)),
                ));
            }
            ns
        } else {
            String::new()
        };
        let key = (ns.clone(), name.clone());
        if self
            .objects
            .get(&Self::key(res))
            .is_some_and(|m| m.contains_key(&key))
        {
            let gr = group_resource(res);
            return Err(ApiError::about(
                409,
                "AlreadyExists",
                res,
                &name,
                format!("{gr} \"{name}\" already exists"),
            ));
        }
        let rv = self.next_rv();
        let uid = self.next_uid();
        let o = obj_map(&mut obj);
        o.insert("apiVersion".into(), json!(res.api_version()));
        o.insert("kind".into(), json!(res.kind));
        let m = obj_map(o.entry("metadata").or_insert_with(|| json!({})));
        m.insert("name".into(), json!(name));
        if res.namespaced {
            m.insert("namespace".into(), json!(ns));
        }
        m.insert("uid".into(), json!(uid));
        m.insert("resourceVersion".into(), json!(rv));
        m.insert("creationTimestamp".into(), json!(now_rfc3339()));
        if has_spec(res) {
            m.insert("generation".into(), json!(1));
        }
        if !dry_run {
            self.apply_defaults(res, &mut obj, None);
        }
        let o = obj_map(&mut obj);
        if res.kind == "Namespace" {
            o.insert("status".into(), json!({"phase": "Active"}));
            o.entry("spec")
                .or_insert_with(|| json!({"finalizers": ["kubernetes"]}));
        }
        let crd = if is_crd(res) {
            let regs = crd_resources(&obj, &name).map_err(|m| ApiError::invalid(res, &name, &m))?;
            set_crd_status(&mut obj);
            Some(regs)
        } else {
            None
        };
        if let Some(schema) = &res.schema {
            prune_unknown(&mut obj, schema);
        }
        if !dry_run {
            self.finish_owners(res, &ns, &name, None, &mut obj);
            self.objects
                .entry(Self::key(res))
                .or_default()
                .insert(key, obj.clone());
            self.record(res, &ns, "ADDED", &obj);
            if let Some(regs) = crd {
                self.register_crd(&name, regs);
            }
        }
        Ok(obj)
    }

    /// PUT: replace an object, with optimistic concurrency on `resourceVersion`.
    pub fn update(
        &mut self,
        res: &Resource,
        ns: Option<&str>,
        name: &str,
        obj: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        self.update_part(res, ns, name, obj, dry_run, Part::Main)
    }

    /// PUT on the main resource or its `/status` subresource: for kinds with a status
    /// subresource, the main resource keeps the stored `status` and `/status` changes
    /// nothing but `status`, as on a real API server.
    pub fn update_part(
        &mut self,
        res: &Resource,
        ns: Option<&str>,
        name: &str,
        mut obj: Value,
        dry_run: bool,
        part: Part,
    ) -> Result<Value, ApiError> {
        let ns = ns.unwrap_or("").to_string();
        let old = self.get(res, &ns, name)?;
        Self::check_kind(res, &obj, name)?;
        let body_name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or(name);
        if body_name != name {
            return Err(ApiError::bad_request(
                "the name of the object does not match the name on the URL",
            ));
        }
        let old_rv = old
            .pointer("/metadata/resourceVersion")
            .cloned()
            .unwrap_or(Value::Null);
        if let Some(rv) = obj
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
        {
            if !rv.is_empty() && Some(rv) != old_rv.as_str() {
                let gr = group_resource(res);
                return Err(ApiError::about(
                    409,
                    "Conflict",
                    res,
                    name,
                    format!("Operation cannot be fulfilled on {gr} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"),
                ));
            }
        }
        split_status(res, &old, &mut obj, part);
        self.store_update(res, &ns, name, &old, &mut obj, dry_run)?;
        Ok(obj)
    }

    fn store_update(
        &mut self,
        res: &Resource,
        ns: &str,
        name: &str,
        old: &Value,
        obj: &mut Value,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        self.apply_defaults(res, obj, Some(old));
        if let Some(schema) = &res.schema {
            prune_unknown(obj, schema);
        }
        let crd = if is_crd(res) {
            let regs = crd_resources(obj, name).map_err(|m| ApiError::invalid(res, name, &m))?;
            set_crd_status(obj);
            Some(regs)
        } else {
            None
        };
        let changed_spec = old.get("spec") != obj.get("spec");
        let rv = if dry_run {
            old.pointer("/metadata/resourceVersion")
                .cloned()
                .unwrap_or(Value::Null)
        } else {
            json!(self.next_rv())
        };
        let o = obj_map(obj);
        o.insert("apiVersion".into(), json!(res.api_version()));
        o.insert("kind".into(), json!(res.kind));
        let m = obj_map(o.entry("metadata").or_insert_with(|| json!({})));
        m.insert("name".into(), json!(name));
        if res.namespaced {
            m.insert("namespace".into(), json!(ns));
        }
        for keep in [
            "uid",
            "creationTimestamp",
            "generation",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            match old.pointer(&format!("/metadata/{keep}")) {
                Some(v) => m.insert(keep.into(), v.clone()),
                None => m.remove(keep),
            };
        }
        if changed_spec && has_spec(res) {
            let g = old
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            m.insert("generation".into(), json!(g + 1));
        }
        m.insert("resourceVersion".into(), rv);
        if !dry_run {
            self.finish_owners(res, ns, name, Some(old), obj);
            self.objects
                .entry(Self::key(res))
                .or_default()
                .insert((ns.to_string(), name.to_string()), obj.clone());
            self.record(res, ns, "MODIFIED", obj);
            if let Some(regs) = crd {
                self.register_crd(name, regs);
            }
            // the last finalizer of an object being deleted is gone: delete it now
            if obj.pointer("/metadata/deletionTimestamp").is_some() && !has_finalizers(obj) {
                self.delete(res, ns, name, false)?;
            }
        }
        Ok(())
    }

    /// PATCH with a JSON merge patch, a JSON patch or a strategic merge patch (built-in
    /// kinds only); other patch types answer 415.
    pub fn patch(
        &mut self,
        res: &Resource,
        ns: Option<&str>,
        name: &str,
        content_type: &str,
        patch: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        self.patch_part(res, ns, name, content_type, patch, dry_run, Part::Main)
    }

    /// PATCH on the main resource or its `/status` subresource (see [`Store::update_part`]).
    #[allow(clippy::too_many_arguments)]
    pub fn patch_part(
        &mut self,
        res: &Resource,
        ns: Option<&str>,
        name: &str,
        content_type: &str,
        patch: Value,
        dry_run: bool,
        part: Part,
    ) -> Result<Value, ApiError> {
        let ns = ns.unwrap_or("").to_string();
        let old = self.get(res, &ns, name)?;
        let mut obj = match content_type {
            "application/merge-patch+json" => {
                let mut o = old.clone();
                merge_patch(&mut o, &patch, 0)?;
                o
            }
            "application/json-patch+json" => json_patch(&old, &patch)?,
            "application/strategic-merge-patch+json" => {
                let Some(schema) = hke_core::patch::PatchSchema::builtin(&res.api_version(), &res.kind) else {
                    return Err(ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
                    ));
                };
                hke_core::patch::apply(&old, &patch, &schema)
                    .map_err(|e| ApiError::bad_request(&e.to_string()))?
            }
            other => {
                return Err(ApiError::new(
                    415,
                    "UnsupportedMediaType",
                    &format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (the hke simulator does not support {other:?} yet)"),
                ))
            }
        };
        if let Some(rv) = patch
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
        {
            if Some(rv)
                != old
                    .pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
            {
                let gr = group_resource(res);
                return Err(ApiError::about(409, "Conflict", res, name, format!("Operation cannot be fulfilled on {gr} \"{name}\": the object has been modified; please apply your changes to the latest version and try again")));
            }
        }
        split_status(res, &old, &mut obj, part);
        self.store_update(res, &ns, name, &old, &mut obj, dry_run)?;
        Ok(obj)
    }

    /// DELETE with a propagation policy: dependents (objects whose `ownerReferences` name
    /// the deleted object's uid, and no other owner that still exists) are deleted too,
    /// recursively (`Background`; `Foreground` deletes them before the owner), or lose
    /// that owner reference (`Orphan`). Returns the deleted object.
    pub fn delete_with(
        &mut self,
        res: &Resource,
        ns: &str,
        name: &str,
        dry_run: bool,
        policy: Propagation,
    ) -> Result<Value, ApiError> {
        if dry_run {
            return self.delete(res, ns, name, true);
        }
        let obj = self.get(res, ns, name)?;
        let uid = obj
            .pointer("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if policy == Propagation::Orphan {
            for (dres, dns, dname) in self.dependents(&uid) {
                if let Ok(old) = self.get(&dres, &dns, &dname) {
                    let mut o = old.clone();
                    if let Some(refs) = o
                        .pointer_mut("/metadata/ownerReferences")
                        .and_then(Value::as_array_mut)
                    {
                        refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(&uid));
                    }
                    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
                        if m.get("ownerReferences")
                            .and_then(Value::as_array)
                            .is_some_and(Vec::is_empty)
                        {
                            m.remove("ownerReferences");
                        }
                    }
                    let _ = self.store_update(&dres, &dns, &dname, &old, &mut o, false);
                }
            }
            return self.delete(res, ns, name, false);
        }
        let deleted = if policy == Propagation::Background {
            Some(self.delete(res, ns, name, false)?)
        } else {
            None
        };
        // breadth-first over dependents, bounded
        let mut todo = vec![uid.clone()];
        let mut count = 0usize;
        while let Some(owner) = todo.pop() {
            for (dres, dns, dname) in self.dependents(&owner) {
                count += 1;
                if count > MAX_CASCADE {
                    break;
                }
                let Ok(d) = self.get(&dres, &dns, &dname) else {
                    continue;
                };
                let other_owner_alive = d
                    .pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.get("uid").and_then(Value::as_str))
                    .any(|u| u != owner && u != uid && self.uid_exists(u));
                if other_owner_alive {
                    continue;
                }
                if let Some(u) = d.pointer("/metadata/uid").and_then(Value::as_str) {
                    todo.push(u.to_string());
                }
                let _ = self.delete(&dres, &dns, &dname, false);
            }
        }
        match deleted {
            Some(d) => Ok(d),
            None => self.delete(res, ns, name, false),
        }
    }

    /// Objects with an owner reference to `uid`: (resource, namespace, name).
    fn dependents(&self, uid: &str) -> Vec<(Resource, String, String)> {
        let mut out = Vec::new();
        if uid.is_empty() {
            return out;
        }
        for ((g, v, p), m) in &self.objects {
            let Some(res) = self
                .resources
                .iter()
                .find(|r| &r.group == g && &r.version == v && &r.plural == p)
            else {
                continue;
            };
            for ((ns, name), o) in m {
                let owned = o
                    .pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .is_some_and(|refs| {
                        refs.iter()
                            .any(|r| r.get("uid").and_then(Value::as_str) == Some(uid))
                    });
                if owned {
                    out.push((res.clone(), ns.clone(), name.clone()));
                }
            }
        }
        out
    }

    /// Garbage collection of dangling dependents: objects whose `ownerReferences` all
    /// name uids that no longer exist are deleted (with their own dependents). Returns how
    /// many were deleted directly.
    pub fn collect_garbage(&mut self) -> usize {
        let uids: std::collections::HashSet<String> = self
            .objects
            .values()
            .flat_map(|m| m.values())
            .filter_map(|o| o.pointer("/metadata/uid").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        let mut dangling = Vec::new();
        for ((g, v, p), m) in &self.objects {
            for ((ns, name), o) in m {
                let Some(refs) = o
                    .pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .filter(|r| !r.is_empty())
                else {
                    continue;
                };
                let alive = refs.iter().any(|r| {
                    r.get("uid")
                        .and_then(Value::as_str)
                        .is_some_and(|u| uids.contains(u))
                });
                if !alive && o.pointer("/metadata/deletionTimestamp").is_none() {
                    dangling.push(((g.clone(), v.clone(), p.clone()), ns.clone(), name.clone()));
                }
            }
        }
        let mut n = 0;
        for ((g, v, p), ns, name) in dangling.into_iter().take(MAX_CASCADE) {
            let Ok(res) = self.resource(&g, &v, &p) else {
                continue;
            };
            if self
                .delete_with(&res, &ns, &name, false, Propagation::Background)
                .is_ok()
            {
                n += 1;
            }
        }
        n
    }

    fn uid_exists(&self, uid: &str) -> bool {
        self.objects.values().any(|m| {
            m.values()
                .any(|o| o.pointer("/metadata/uid").and_then(Value::as_str) == Some(uid))
        })
    }

    /// DELETE one object (no propagation); returns the deleted object.
    pub fn delete(
        &mut self,
        res: &Resource,
        ns: &str,
        name: &str,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let key = (ns.to_string(), name.to_string());
        let mut obj = self.get(res, ns, name)?;
        if res.group.is_empty() && res.kind == "Namespace" && !dry_run {
            // delete the contents first; what finalizers hold keeps the namespace
            // Terminating until it is gone
            let contents: Vec<(ResourceKey, String)> = self
                .objects
                .iter()
                .flat_map(|(k, m)| {
                    m.keys()
                        .filter(|(ons, _)| ons == name)
                        .map(move |(_, n)| (k.clone(), n.clone()))
                })
                .collect();
            for ((g, v, p), n) in contents.into_iter().take(MAX_CASCADE) {
                if let Ok(r) = self.resource(&g, &v, &p) {
                    let _ = self.delete(&r, name, &n, false);
                }
            }
            if self.namespace_has_objects(name) {
                if obj.pointer("/metadata/deletionTimestamp").is_none() {
                    let rv = self.next_rv();
                    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                        m.insert("deletionTimestamp".into(), json!(now_rfc3339()));
                        m.insert("resourceVersion".into(), json!(rv));
                    }
                    if let Some(st) = obj.get_mut("status").and_then(Value::as_object_mut) {
                        st.insert("phase".into(), json!("Terminating"));
                    }
                    self.objects
                        .entry(Self::key(res))
                        .or_default()
                        .insert(key, obj.clone());
                    self.record(res, ns, "MODIFIED", &obj);
                }
                return Ok(obj);
            }
        }
        if has_finalizers(&obj) {
            // finalizers hold the object: mark it deleted, keep it until they are removed
            if dry_run || obj.pointer("/metadata/deletionTimestamp").is_some() {
                return Ok(obj);
            }
            if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                m.insert("deletionTimestamp".into(), json!(now_rfc3339()));
                m.insert("deletionGracePeriodSeconds".into(), json!(0));
            }
            let rv = self.next_rv();
            if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                m.insert("resourceVersion".into(), json!(rv));
            }
            self.objects
                .entry(Self::key(res))
                .or_default()
                .insert(key, obj.clone());
            self.record(res, ns, "MODIFIED", &obj);
            return Ok(obj);
        }
        if !dry_run {
            if let Some(m) = self.objects.get_mut(&Self::key(res)) {
                m.remove(&key);
            }
            let rv = self.next_rv();
            if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
                m.insert("resourceVersion".into(), json!(rv));
            }
            self.record(res, ns, "DELETED", &obj);
            let k = Self::key(res);
            self.applied
                .retain(|(rk, ans, an, _), _| !(rk == &k && ans == ns && an == name));
            self.owners
                .remove(&(k.clone(), ns.to_string(), name.to_string()));
            if is_crd(res) {
                self.register_crd(name, Vec::new());
            }
            // the last object of a Terminating namespace is gone: so is the namespace
            if res.namespaced && self.namespace_terminating(ns) && !self.namespace_has_objects(ns) {
                if let Ok(nsres) = self.resource("", "v1", "namespaces") {
                    let _ = self.delete(&nsres, "", ns, false);
                }
            }
            if res.kind == "Namespace" {
                let mut gone = Vec::new();
                for (k, m) in self.objects.iter_mut() {
                    let (inside, kept): (Objects, Objects) = std::mem::take(m)
                        .into_iter()
                        .partition(|((ons, _), _)| ons == name);
                    *m = kept;
                    gone.extend(inside.into_values().map(|o| (k.clone(), o)));
                }
                for (k, mut o) in gone {
                    let rv = self.next_rv();
                    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
                        m.insert("resourceVersion".into(), json!(rv));
                    }
                    let n = rv.parse().unwrap_or(self.revision);
                    self.record_key(k, name, "DELETED", &o, n);
                }
            }
        }
        Ok(obj)
    }
}

impl ApiError {
    fn with_name(mut self, res: &Resource, name: &str) -> ApiError {
        self.details = Some(json!({"name": name, "group": res.group, "kind": res.plural}));
        self
    }
}

/// Which part of an object a write addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The main resource.
    Main,
    /// The `/status` subresource.
    Status,
}

/// Built-in kinds with a `/status` subresource.
const STATUS_KINDS: &[&str] = &[
    "Namespace",
    "Service",
    "Pod",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "Node",
    "ReplicationController",
    "ResourceQuota",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "Ingress",
    "CustomResourceDefinition",
];

/// Whether a kind has a `/status` subresource (custom resources: not modelled, so no).
pub fn has_status_subresource(res: &Resource) -> bool {
    res.crd.is_none() && STATUS_KINDS.contains(&res.kind.as_str())
}

/// Keeps the stored status on main-resource writes, and everything but the status on
/// `/status` writes.
fn split_status(res: &Resource, old: &Value, obj: &mut Value, part: Part) {
    if !has_status_subresource(res) {
        return;
    }
    match part {
        Part::Main => {
            let o = obj_map(obj);
            match old.get("status") {
                Some(st) => o.insert("status".into(), st.clone()),
                None => o.remove("status"),
            };
        }
        Part::Status => {
            let st = obj.get("status").cloned();
            let mut new = old.clone();
            let n = obj_map(&mut new);
            match st {
                Some(st) => n.insert("status".into(), st),
                None => n.remove("status"),
            };
            *obj = new;
        }
    }
}

/// Most nesting [`prune_unknown`] follows.
const MAX_PRUNE_DEPTH: usize = 64;

/// Removes the fields of a custom resource that its CRD's structural schema does not
/// declare (what the API server's pruning does), returning their paths (`spec.color`,
/// `spec.items[0].x`). `apiVersion`, `kind` and `metadata` are left alone; a node with
/// `x-kubernetes-preserve-unknown-fields: true` or `x-kubernetes-embedded-resource`
/// keeps everything below it.
pub fn prune_unknown(obj: &mut Value, schema: &Value) -> Vec<String> {
    fn walk(v: &mut Value, s: &Value, path: &str, out: &mut Vec<String>, depth: usize) {
        if depth > MAX_PRUNE_DEPTH
            || s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
            || s.get("x-kubernetes-embedded-resource") == Some(&Value::Bool(true))
        {
            return;
        }
        match v {
            Value::Object(m) => {
                let props = s.get("properties").and_then(Value::as_object);
                let extra = s.get("additionalProperties");
                let keys: Vec<String> = m.keys().cloned().collect();
                for k in keys {
                    if depth == 0 && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                        continue;
                    }
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    let child_schema = props.and_then(|ps| ps.get(&k)).or(match extra {
                        Some(Value::Object(_)) => extra,
                        _ => None,
                    });
                    match child_schema {
                        Some(cs) => {
                            if let Some(child) = m.get_mut(&k) {
                                walk(child, cs, &p, out, depth + 1);
                            }
                        }
                        None if extra == Some(&Value::Bool(true)) => {}
                        None => {
                            m.remove(&k);
                            out.push(p);
                        }
                    }
                }
            }
            Value::Array(items) => {
                if let Some(is) = s.get("items") {
                    for (i, item) in items.iter_mut().enumerate() {
                        walk(item, is, &format!("{path}[{i}]"), out, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(obj, schema, "", &mut out, 0);
    out
}

/// A Job without `manualSelector` selects its Pods by its uid: `spec.selector` and the
/// template's `controller-uid` / `job-name` labels, as the API server sets them.
fn default_job_selector(obj: &mut Value) {
    let uid = obj
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if uid.is_empty() || obj.pointer("/spec/manualSelector") == Some(&Value::Bool(true)) {
        return;
    }
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    spec.entry("selector")
        .or_insert_with(|| json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}));
    let template = obj_map(spec.entry("template").or_insert_with(|| json!({})));
    let meta = obj_map(template.entry("metadata").or_insert_with(|| json!({})));
    let labels = obj_map(meta.entry("labels").or_insert_with(|| json!({})));
    for (k, v) in [
        ("batch.kubernetes.io/controller-uid", &uid),
        ("batch.kubernetes.io/job-name", &name),
        ("controller-uid", &uid),
        ("job-name", &name),
    ] {
        labels.entry(k).or_insert_with(|| json!(v));
    }
}

/// Defaults an update strategy field: `type: RollingUpdate`, and for that type the
/// `rollingUpdate` parameters that are missing.
fn default_strategy(spec: &mut Map<String, Value>, field: &str, rolling: &[(&str, Value)]) {
    let st = obj_map(spec.entry(field).or_insert_with(|| json!({})));
    st.entry("type").or_insert_with(|| json!("RollingUpdate"));
    if st.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let ru = obj_map(st.entry("rollingUpdate").or_insert_with(|| json!({})));
        for (k, v) in rolling {
            ru.entry(k.to_string()).or_insert_with(|| v.clone());
        }
    }
}

/// Container ports default to `protocol: TCP`.
fn default_container_ports(spec: &mut Map<String, Value>) {
    for key in ["containers", "initContainers"] {
        let Some(cs) = spec.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        for c in cs {
            if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                    p.entry("protocol").or_insert_with(|| json!("TCP"));
                }
            }
        }
    }
}

fn has_finalizers(obj: &Value) -> bool {
    obj.pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|f| !f.is_empty())
}

fn is_crd(res: &Resource) -> bool {
    res.group == "apiextensions.k8s.io" && res.kind == "CustomResourceDefinition"
}

/// The resources a CustomResourceDefinition serves (one per served version), or why it
/// is invalid.
fn crd_resources(obj: &Value, name: &str) -> Result<Vec<Resource>, String> {
    let str_at = |p: &str| obj.pointer(p).and_then(Value::as_str).unwrap_or("");
    let group = str_at("/spec/group");
    let plural = str_at("/spec/names/plural");
    let kind = str_at("/spec/names/kind");
    if group.is_empty() {
        return Err("spec.group: Required value".into());
    }
    if plural.is_empty() {
        return Err("spec.names.plural: Required value".into());
    }
    if kind.is_empty() {
        return Err("spec.names.kind: Required value".into());
    }
    if name != format!("{plural}.{group}") {
        return Err(format!(
            "metadata.name: Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"
        ));
    }
    let namespaced = match str_at("/spec/scope") {
        "Namespaced" => true,
        "Cluster" => false,
        other => {
            return Err(format!(
                "spec.scope: Unsupported value: \"{other}\": supported values: \"Cluster\", \"Namespaced\""
            ))
        }
    };
    let versions = obj
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .filter(|v| !v.is_empty())
        .ok_or(
            "spec.versions: Invalid value: must have exactly one version marked as storage version",
        )?;
    if versions.iter().filter(|v| v["storage"] == true).count() != 1 {
        return Err(
            "spec.versions: Invalid value: must have exactly one version marked as storage version"
                .into(),
        );
    }
    let short_names: Vec<String> = obj
        .pointer("/spec/names/shortNames")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok(versions
        .iter()
        .filter(|v| v["served"] == true)
        .filter_map(|v| Some((v.get("name").and_then(Value::as_str)?, v)))
        .map(|(version, v)| Resource {
            group: group.to_string(),
            version: version.to_string(),
            schema: v.pointer("/schema/openAPIV3Schema").cloned(),
            printer_columns: v
                .get("additionalPrinterColumns")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            kind: kind.to_string(),
            plural: plural.to_string(),
            namespaced,
            short_names: short_names.clone(),
            crd: Some(name.to_string()),
        })
        .collect())
}

/// A CustomResourceDefinition's status once its names are accepted: `NamesAccepted` and
/// `Established` true, `acceptedNames`, `storedVersions`.
fn set_crd_status(obj: &mut Value) {
    let mut names = obj.pointer("/spec/names").cloned().unwrap_or(json!({}));
    if let Some(m) = names.as_object_mut() {
        let kind = m
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        m.entry("singular").or_insert(json!(kind.to_lowercase()));
        m.entry("listKind").or_insert(json!(format!("{kind}List")));
    }
    let stored: Vec<Value> = obj
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| v["storage"] == true)
        .filter_map(|v| v.get("name").cloned())
        .collect();
    let old_time = |ty: &str| {
        obj.pointer("/status/conditions")
            .and_then(Value::as_array)
            .and_then(|cs| cs.iter().find(|c| c["type"] == ty))
            .and_then(|c| c.get("lastTransitionTime").cloned())
            .unwrap_or_else(|| json!(now_rfc3339()))
    };
    let status = json!({
        "acceptedNames": names,
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
             "message": "no conflicts found", "lastTransitionTime": old_time("NamesAccepted")},
            {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
             "message": "the initial names have been accepted", "lastTransitionTime": old_time("Established")},
        ],
        "storedVersions": stored,
    });
    obj_map(obj).insert("status".into(), status);
}

fn has_spec(res: &Resource) -> bool {
    !matches!(
        res.kind.as_str(),
        "ConfigMap" | "Secret" | "ServiceAccount" | "Endpoints" | "Event" | "Namespace"
    )
}

fn obj_map(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

/// Most nesting levels a merge patch may have.
const MAX_DEPTH: usize = 100;

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value, depth: usize) -> Result<(), ApiError> {
    if depth > MAX_DEPTH {
        return Err(ApiError::bad_request("merge patch nested too deeply"));
    }
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return Ok(());
    };
    let t = obj_map(target);
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v, depth + 1)?;
        }
    }
    Ok(())
}

/// RFC 6902 JSON patch (`add`, `remove`, `replace`, `move`, `copy`, `test`).
pub fn json_patch(doc: &Value, patch: &Value) -> Result<Value, ApiError> {
    let ops = patch
        .as_array()
        .ok_or_else(|| ApiError::bad_request("json patch must be a list of operations"))?;
    let mut doc = doc.clone();
    for (i, op) in ops.iter().enumerate() {
        let fail =
            |m: &str| ApiError::new(422, "Invalid", &format!("json patch operation {i}: {m}"));
        let name = op
            .get("op")
            .and_then(Value::as_str)
            .ok_or_else(|| fail("missing \"op\""))?;
        let path = op
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| fail("missing \"path\""))?;
        let from = op.get("from").and_then(Value::as_str);
        let value = op.get("value");
        match name {
            "add" | "replace" => {
                let v = value.ok_or_else(|| fail("missing \"value\""))?.clone();
                if name == "replace" {
                    pointer_remove(&mut doc, path).map_err(|m| fail(&m))?;
                }
                pointer_add(&mut doc, path, v).map_err(|m| fail(&m))?;
            }
            "remove" => {
                pointer_remove(&mut doc, path).map_err(|m| fail(&m))?;
            }
            "move" | "copy" => {
                let from = from.ok_or_else(|| fail("missing \"from\""))?;
                let v = if name == "move" {
                    pointer_remove(&mut doc, from).map_err(|m| fail(&m))?
                } else {
                    doc.pointer(from)
                        .cloned()
                        .ok_or_else(|| fail(&format!("missing path {from:?}")))?
                };
                pointer_add(&mut doc, path, v).map_err(|m| fail(&m))?;
            }
            "test" => {
                if doc.pointer(path) != value {
                    return Err(fail(&format!("testing value {path:?} failed")));
                }
            }
            other => return Err(fail(&format!("unknown op {other:?}"))),
        }
    }
    Ok(doc)
}

fn split_pointer(path: &str) -> Result<(String, String), String> {
    let (parent, last) = path
        .rsplit_once('/')
        .ok_or_else(|| format!("invalid path {path:?}"))?;
    Ok((
        parent.to_string(),
        last.replace("~1", "/").replace("~0", "~"),
    ))
}

fn pointer_add(doc: &mut Value, path: &str, v: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = v;
        return Ok(());
    }
    let (parent, last) = split_pointer(path)?;
    match doc.pointer_mut(&parent) {
        Some(Value::Object(m)) => {
            m.insert(last, v);
            Ok(())
        }
        Some(Value::Array(a)) => {
            let idx = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>()
                    .map_err(|_| format!("invalid index in {path:?}"))?
            };
            if idx > a.len() {
                return Err(format!("index out of range in {path:?}"));
            }
            a.insert(idx, v);
            Ok(())
        }
        _ => Err(format!("missing path {parent:?}")),
    }
}

fn pointer_remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(path)?;
    match doc.pointer_mut(&parent) {
        Some(Value::Object(m)) => m
            .remove(&last)
            .ok_or_else(|| format!("missing path {path:?}")),
        Some(Value::Array(a)) => {
            let idx: usize = last
                .parse()
                .map_err(|_| format!("invalid index in {path:?}"))?;
            if idx >= a.len() {
                return Err(format!("index out of range in {path:?}"));
            }
            Ok(a.remove(idx))
        }
        _ => Err(format!("missing path {parent:?}")),
    }
}

/// One requirement of a selector (`k=v`, `k==v`, `k!=v`, `k`, `!k`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Eq(String, String),
    NotEq(String, String),
    Exists(String),
    NotExists(String),
}

fn parse_selector(s: &str) -> Result<Vec<Requirement>, ApiError> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.contains(" in ") || part.contains(" notin ") || part.contains('(') {
            return Err(ApiError::bad_request(&format!(
                "unable to parse requirement {part:?}: set-based selectors are not supported by the hke simulator"
            )));
        }
        let r = if let Some((k, v)) = part.split_once("!=") {
            Requirement::NotEq(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = part.split_once("==") {
            Requirement::Eq(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = part.split_once('=') {
            Requirement::Eq(k.trim().into(), v.trim().into())
        } else if let Some(k) = part.strip_prefix('!') {
            Requirement::NotExists(k.trim().into())
        } else {
            Requirement::Exists(part.into())
        };
        out.push(r);
    }
    Ok(out)
}

impl Requirement {
    fn check(&self, get: impl Fn(&str) -> Option<String>) -> bool {
        match self {
            Requirement::Eq(k, v) => get(k).as_deref() == Some(v.as_str()),
            Requirement::NotEq(k, v) => get(k).as_deref() != Some(v.as_str()),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
        }
    }

    fn matches_labels(&self, obj: &Value) -> bool {
        self.check(|k| {
            obj.pointer("/metadata/labels")
                .and_then(|l| l.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
    }

    fn matches_fields(&self, obj: &Value) -> bool {
        self.check(|k| {
            let ptr = format!("/{}", k.replace('.', "/"));
            obj.pointer(&ptr).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        })
    }
}

fn validate_name(name: &str) -> Result<(), &'static str> {
    let ok = name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && name
            .bytes()
            .last()
            .is_some_and(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
    }
}

/// Five-character suffix for `generateName`, from Kubernetes' alphabet.
fn suffix(n: u64) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5bd1_e995;
    (0..5)
        .map(|_| {
            let c = ALPHABET[(x % ALPHABET.len() as u64) as usize] as char;
            x /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

/// Current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_follows_rfc7386() {
        let mut t = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut t, &json!({"a": "z", "c": {"f": null}}), 0).unwrap();
        assert_eq!(t, json!({"a": "z", "c": {"d": "e"}}));
    }

    #[test]
    fn json_patch_follows_rfc6902() {
        let doc = json!({"a": [1, 2], "b": {"c": 1}});
        let p = json!([
            {"op": "add", "path": "/a/1", "value": 9},
            {"op": "replace", "path": "/b/c", "value": 2},
            {"op": "move", "from": "/b", "path": "/d"},
            {"op": "test", "path": "/d/c", "value": 2},
            {"op": "remove", "path": "/a/0"}
        ]);
        assert_eq!(
            json_patch(&doc, &p).unwrap(),
            json!({"a": [9, 2], "d": {"c": 2}})
        );
        let bad = json!([{"op": "test", "path": "/a", "value": 0}]);
        assert_eq!(json_patch(&doc, &bad).unwrap_err().code, 422);
    }

    #[test]
    fn selectors_filter_labels() {
        let obj = json!({"metadata": {"labels": {"app": "x", "tier": "web"}}});
        let sel = parse_selector("app=x,tier!=db,!missing").unwrap();
        assert!(sel.iter().all(|r| r.matches_labels(&obj)));
        let sel = parse_selector("app==y").unwrap();
        assert!(!sel.iter().all(|r| r.matches_labels(&obj)));
    }

    #[test]
    fn timestamps_are_rfc3339() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20);
        assert!(t.ends_with('Z'));
    }
}

#[cfg(test)]
mod crd_tests {
    use super::*;

    #[test]
    fn deleting_a_crd_stops_serving_its_kind() {
        let mut st = Store::new();
        let crd = st
            .resource_of("apiextensions.k8s.io/v1", "CustomResourceDefinition")
            .unwrap();
        let obj = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                     "names": {"plural": "widgets", "kind": "Widget"},
                     "versions": [{"name": "v1", "served": true, "storage": true,
                                   "schema": {"openAPIV3Schema": {"type": "object"}}}]}});
        st.create(&crd, None, obj, false).unwrap();
        assert!(st.resource("example.com", "v1", "widgets").is_ok());
        st.delete_with(
            &crd,
            "",
            "widgets.example.com",
            false,
            Propagation::Background,
        )
        .unwrap();
        assert!(st.resource("example.com", "v1", "widgets").is_err());
    }
}
