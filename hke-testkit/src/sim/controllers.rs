//! Simulated controllers: what a cluster's controllers would write into `status`, so that
//! `kubectl rollout status`, `kubectl wait` and `helm --wait` / `helm test` finish.
//!
//! [`Controllers::tick`] runs every [`TICK`] on a background thread of the simulator:
//!
//! - Deployments own a ReplicaSet per pod template (`NAME-HASH`, labelled with
//!   `pod-template-hash`, old ones scaled to 0) and get `replicas`, `updatedReplicas`,
//!   `readyReplicas`, `availableReplicas`, `observedGeneration` and the `Available` /
//!   `Progressing` conditions from them.
//! - ReplicaSets, StatefulSets and DaemonSets (one simulated node) become ready.
//! - Jobs complete (`succeeded`, `SuccessCriteriaMet` and `Complete` conditions).
//! - Pods become `Running` and `Ready`, or `Succeeded` when `restartPolicy` is `Never` or
//!   `OnFailure`.
//! - LoadBalancer Services get an ingress IP; PersistentVolumeClaims become `Bound`.
//! - Events (core/v1, at most [`MAX_EVENTS`]) as the real controllers and kubelet write
//!   them: `ScalingReplicaSet`, `SuccessfulCreate`/`SuccessfulDelete` of Pods, Job
//!   `Completed`/`BackoffLimitExceeded`, Pod `Scheduled`, `Pulled`, `Created`, `Started`.
//! - About once a second, the garbage collector deletes objects whose owners are all gone
//!   ([`Store::collect_garbage`]).
//!   (Cluster IPs are allocated by the store at creation, as the API server does.)
//!
//! - ReplicaSets, StatefulSets (`NAME-0`...), DaemonSets (one pod: one simulated node) and
//!   Jobs (one pod per completion) get Pods from their template, owned by them (controller
//!   ownerReference), at most [`MAX_PODS`] each; extra ones are deleted on scale-down.
//!
//! Behaviour annotations on an object or its pod template (Deployments copy theirs to
//! their ReplicaSets, workloads to their Pods): [`FAIL`], [`STALL`], [`READY_AFTER`]; [`LOGS`] is what the
//! pod log endpoint serves. Workload status follows the workload's own annotations, not
//! its Pods.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::store::{now_rfc3339, Store};

/// How often the controllers run.
pub const TICK: Duration = Duration::from_millis(100);

/// `sim.hke.dev/fail: "reason"`: the object fails (Job `Failed`, Pod phase `Failed`,
/// Deployment `ProgressDeadlineExceeded`, workloads never ready).
pub const FAIL: &str = "sim.hke.dev/fail";
/// `sim.hke.dev/stall: "true"`: the object never becomes ready (nor completes).
pub const STALL: &str = "sim.hke.dev/stall";
/// `sim.hke.dev/ready-after-seconds: "N"`: ready (or complete) N seconds after the
/// controllers first saw it.
pub const READY_AFTER: &str = "sim.hke.dev/ready-after-seconds";
/// `sim.hke.dev/logs: "text"`: a Pod's log, served at
/// `GET /api/v1/namespaces/NS/pods/NAME/log`.
pub const LOGS: &str = "sim.hke.dev/logs";

/// Annotations a Deployment passes on to its ReplicaSets.
const BEHAVIOUR: &[&str] = &[FAIL, STALL, READY_AFTER];

/// Most Pods one workload gets.
pub const MAX_PODS: i64 = 100;

/// Where an object stands according to its behaviour annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Pending,
    Ready,
    Failed(String),
}

/// Controller state kept between ticks.
#[derive(Debug, Default)]
pub struct Controllers {
    /// When each object (by uid) was first seen.
    seen: HashMap<String, Instant>,
    lb_ips: u32,
    ticks: u64,
    /// Events recorded so far (namespace, name), oldest first, at most [`MAX_EVENTS`].
    events: std::collections::VecDeque<(String, String)>,
    event_counter: u64,
    /// The store revision after a pass that wrote nothing (the next passes rest until
    /// it changes).
    quiet_at: Option<u64>,
    /// Some object waits for its `ready-after-seconds`.
    waiting: bool,
    /// The store revision the garbage collector last ran at.
    gc_rev: u64,
}

/// Most Events the controllers keep (older ones are deleted).
pub const MAX_EVENTS: usize = 1000;

fn s<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

fn int(v: &Value, ptr: &str, default: i64) -> i64 {
    v.pointer(ptr).and_then(Value::as_i64).unwrap_or(default)
}

fn annotation<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.pointer("/metadata/annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
}

/// A behaviour annotation of a workload: on the object, else on its pod template (so
/// the workload and its Pods agree).
fn behaviour<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    annotation(v, key).or_else(|| {
        v.pointer("/spec/template/metadata/annotations")
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
    })
}

/// Drops zero counts (Kubernetes omits `omitempty` int32 fields that are 0).
fn counts(pairs: &[(&str, i64)], always: &[&str]) -> Map<String, Value> {
    pairs
        .iter()
        .filter(|(k, v)| *v != 0 || always.contains(k))
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect()
}

/// A condition, keeping the old transition time when its status did not change.
fn condition(old: &Value, ty: &str, status: bool, reason: &str, message: &str) -> Value {
    let st = if status { "True" } else { "False" };
    let now = now_rfc3339();
    let prev = old
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["type"] == ty));
    let same = prev.is_some_and(|p| p["status"] == st);
    let transition = match prev {
        Some(p) if same => p["lastTransitionTime"].clone(),
        _ => json!(now),
    };
    let update = match prev {
        Some(p) if same && p["reason"] == reason => p
            .get("lastUpdateTime")
            .cloned()
            .unwrap_or_else(|| json!(now)),
        _ => json!(now),
    };
    json!({"type": ty, "status": st, "reason": reason, "message": message,
           "lastTransitionTime": transition, "lastUpdateTime": update})
}

/// Conditions without `lastUpdateTime` (kinds whose conditions have none).
fn plain(c: Value) -> Value {
    let mut c = c;
    if let Some(m) = c.as_object_mut() {
        m.remove("lastUpdateTime");
    }
    c
}

/// FNV-1a of the template, encoded with Kubernetes' safe alphabet.
fn template_hash(template: &Value) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u32 = 0x811c_9dc5;
    for b in template.to_string().bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h.to_string()
        .bytes()
        .map(|b| ALPHABET[usize::from(b) % ALPHABET.len()] as char)
        .collect()
}

/// Pod number `i` of a workload, from its template.
fn pod_for(owner: &Value, api_version: &str, kind: &str, i: i64) -> Value {
    let name = s(owner, "/metadata/name");
    let template = owner
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(json!({}));
    let mut labels = template
        .pointer("/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    let mut annotations = template
        .pointer("/metadata/annotations")
        .cloned()
        .unwrap_or(json!({}));
    if let Some(a) = annotations.as_object_mut() {
        for k in BEHAVIOUR.iter().chain([&LOGS]) {
            if let Some(v) = annotation(owner, k) {
                a.entry(k.to_string()).or_insert(json!(v));
            }
        }
    }
    let mut meta = Map::new();
    match kind {
        "StatefulSet" => {
            let pod = format!("{name}-{i}");
            if let Some(l) = labels.as_object_mut() {
                l.insert("statefulset.kubernetes.io/pod-name".into(), json!(pod));
                l.insert("apps.kubernetes.io/pod-index".into(), json!(i.to_string()));
            }
            meta.insert("name".into(), json!(pod));
        }
        "Job" => {
            if let Some(l) = labels.as_object_mut() {
                l.insert("batch.kubernetes.io/job-name".into(), json!(name));
                l.insert("job-name".into(), json!(name));
                l.insert(
                    "batch.kubernetes.io/controller-uid".into(),
                    json!(s(owner, "/metadata/uid")),
                );
            }
            meta.insert("generateName".into(), json!(format!("{name}-")));
        }
        _ => {
            meta.insert("generateName".into(), json!(format!("{name}-")));
        }
    }
    meta.insert("labels".into(), labels);
    meta.insert("annotations".into(), annotations);
    meta.insert(
        "ownerReferences".into(),
        json!([{"apiVersion": api_version, "kind": kind, "name": name,
                "uid": s(owner, "/metadata/uid"), "controller": true, "blockOwnerDeletion": true}]),
    );
    let mut spec = template.get("spec").cloned().unwrap_or(json!({}));
    if let Some(m) = spec.as_object_mut() {
        m.insert("nodeName".into(), json!("hke-sim-node"));
        if kind == "StatefulSet" {
            m.entry("hostname").or_insert(json!(format!("{name}-{i}")));
        }
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})
}

impl Controllers {
    /// Records a core/v1 Event about `obj` (what `kubectl describe` lists).
    fn event(
        &mut self,
        store: &mut Store,
        obj: &Value,
        ty: &str,
        reason: &str,
        message: &str,
        component: &str,
    ) {
        let Some(res) = store.resource_of("v1", "Event") else {
            return;
        };
        let ns = s(obj, "/metadata/namespace");
        let ns = if ns.is_empty() { "default" } else { ns };
        self.event_counter += 1;
        let name = format!(
            "{}.{:016x}",
            s(obj, "/metadata/name"),
            0x1870_0000_0000_0000u64 + self.event_counter
        );
        let now = now_rfc3339();
        let ev = json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": ns},
            "involvedObject": {
                "apiVersion": obj.get("apiVersion").cloned().unwrap_or(Value::Null),
                "kind": obj.get("kind").cloned().unwrap_or(Value::Null),
                "name": s(obj, "/metadata/name"), "namespace": s(obj, "/metadata/namespace"),
                "uid": s(obj, "/metadata/uid"),
                "resourceVersion": s(obj, "/metadata/resourceVersion"),
            },
            "reason": reason, "message": message, "type": ty,
            "source": {"component": component},
            "firstTimestamp": now, "lastTimestamp": now, "count": 1,
            "reportingComponent": component, "reportingInstance": "",
        });
        if store.create(&res, Some(ns), ev, false).is_ok() {
            self.events.push_back((ns.to_string(), name));
        }
        while self.events.len() > MAX_EVENTS {
            if let Some((ns, n)) = self.events.pop_front() {
                let _ = store.delete(&res, &ns, &n, false);
            }
        }
    }

    fn phase(&mut self, obj: &Value, now: Instant) -> Phase {
        if let Some(r) = behaviour(obj, FAIL) {
            return Phase::Failed(r.to_string());
        }
        if behaviour(obj, STALL) == Some("true") {
            return Phase::Pending;
        }
        let uid = s(obj, "/metadata/uid").to_string();
        let first = *self.seen.entry(uid).or_insert(now);
        let after = behaviour(obj, READY_AFTER)
            .and_then(|n| n.trim().parse::<f64>().ok())
            .filter(|n| n.is_finite() && *n >= 0.0)
            .map(|n| Duration::from_secs_f64(n.min(86_400.0)))
            .unwrap_or_default();
        if now.duration_since(first) >= after {
            Phase::Ready
        } else {
            self.waiting = true;
            Phase::Pending
        }
    }

    /// One pass of every controller over the store.
    pub fn tick(&mut self, store: &mut Store) {
        let now = Instant::now();
        // the controllers' writes change no field ownership
        store.set_field_manager(None);
        // the garbage collector, about once a second when something changed
        self.ticks += 1;
        if self.ticks.is_multiple_of(10) && store.revision() != self.gc_rev {
            store.collect_garbage();
            self.gc_rev = store.revision();
        }
        // nothing changed since a pass that wrote nothing, and no timer runs: rest
        let before = store.revision();
        if Some(before) == self.quiet_at && !self.waiting {
            return;
        }
        self.waiting = false;
        self.deployments(store);
        self.workload_pods(store);
        self.replica_sets(store, now);
        self.stateful_sets(store, now);
        self.daemon_sets(store, now);
        self.jobs(store, now);
        self.pods(store, now);
        self.services(store);
        self.pvcs(store);
        let after = store.revision();
        self.quiet_at = (after == before).then_some(after);
        // forget objects that are gone (bounded memory)
        if self.seen.len() > 10_000 {
            self.seen.clear();
        }
    }

    fn deployments(&mut self, store: &mut Store) {
        let (Some(dres), Some(rsres)) = (
            store.resource_of("apps/v1", "Deployment"),
            store.resource_of("apps/v1", "ReplicaSet"),
        ) else {
            return;
        };
        let all_rs = store.objects_of(&rsres);
        for d in store.objects_of(&dres) {
            let (ns, name, uid) = (
                s(&d, "/metadata/namespace"),
                s(&d, "/metadata/name"),
                s(&d, "/metadata/uid"),
            );
            let desired = int(&d, "/spec/replicas", 1);
            let template = d.pointer("/spec/template").cloned().unwrap_or(json!({}));
            let hash = template_hash(&template);
            let rs_name = format!("{name}-{hash}");
            let owned: Vec<&Value> = all_rs
                .iter()
                .filter(|rs| {
                    rs.pointer("/metadata/ownerReferences")
                        .and_then(Value::as_array)
                        .is_some_and(|o| o.iter().any(|r| r["uid"] == uid))
                })
                .collect();
            let revision = owned.len() as i64 + 1;
            if !owned.iter().any(|rs| s(rs, "/metadata/name") == rs_name) {
                let mut t = template.clone();
                if let Some(m) = t.as_object_mut() {
                    let meta = m.entry("metadata").or_insert_with(|| json!({}));
                    if let Some(mm) = meta.as_object_mut() {
                        let labels = mm.entry("labels").or_insert_with(|| json!({}));
                        if let Some(l) = labels.as_object_mut() {
                            l.insert("pod-template-hash".into(), json!(hash));
                        }
                    }
                }
                let mut selector = d.pointer("/spec/selector").cloned().unwrap_or(json!({}));
                if let Some(m) = selector.as_object_mut() {
                    let ml = m.entry("matchLabels").or_insert_with(|| json!({}));
                    if let Some(l) = ml.as_object_mut() {
                        l.insert("pod-template-hash".into(), json!(hash));
                    }
                }
                let mut annotations = Map::new();
                annotations.insert(
                    "deployment.kubernetes.io/revision".into(),
                    json!(revision.to_string()),
                );
                for k in BEHAVIOUR {
                    if let Some(v) = behaviour(&d, k) {
                        annotations.insert((*k).into(), json!(v));
                    }
                }
                let rs = json!({
                    "apiVersion": "apps/v1", "kind": "ReplicaSet",
                    "metadata": {
                        "name": rs_name, "namespace": ns,
                        "labels": t.pointer("/metadata/labels").cloned().unwrap_or(json!({})),
                        "annotations": annotations,
                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                            "name": name, "uid": uid, "controller": true, "blockOwnerDeletion": true}],
                    },
                    "spec": {"replicas": desired, "selector": selector, "template": t},
                });
                if store.create(&rsres, Some(ns), rs, false).is_ok() {
                    let msg = format!("Scaled up replica set {rs_name} from 0 to {desired}");
                    self.event(
                        store,
                        &d,
                        "Normal",
                        "ScalingReplicaSet",
                        &msg,
                        "deployment-controller",
                    );
                }
            }
            for rs in &owned {
                let n = s(rs, "/metadata/name");
                let want = if n == rs_name { desired } else { 0 };
                let had = int(rs, "/spec/replicas", 1);
                if had != want
                    && store
                        .set_spec_field(&rsres, ns, n, "replicas", json!(want))
                        .is_ok()
                {
                    let dir = if want > had { "up" } else { "down" };
                    let msg = format!("Scaled {dir} replica set {n} from {had} to {want}");
                    self.event(
                        store,
                        &d,
                        "Normal",
                        "ScalingReplicaSet",
                        &msg,
                        "deployment-controller",
                    );
                }
            }
            // status from the ReplicaSets as they stand
            let (mut replicas, mut ready, mut available, mut updated) = (0, 0, 0, 0);
            for rs in &owned {
                replicas += int(rs, "/status/replicas", 0);
                ready += int(rs, "/status/readyReplicas", 0);
                available += int(rs, "/status/availableReplicas", 0);
                if s(rs, "/metadata/name") == rs_name {
                    updated = int(rs, "/status/replicas", 0);
                }
            }
            let failed = behaviour(&d, FAIL).is_some();
            let complete =
                updated == desired && replicas == desired && available == desired && !failed;
            let avail_cond = if available >= desired && !failed {
                condition(
                    &d,
                    "Available",
                    true,
                    "MinimumReplicasAvailable",
                    "Deployment has minimum availability.",
                )
            } else {
                condition(
                    &d,
                    "Available",
                    false,
                    "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.",
                )
            };
            let prog_cond = if failed {
                condition(
                    &d,
                    "Progressing",
                    false,
                    "ProgressDeadlineExceeded",
                    &format!("ReplicaSet \"{rs_name}\" has timed out progressing."),
                )
            } else if complete {
                condition(
                    &d,
                    "Progressing",
                    true,
                    "NewReplicaSetAvailable",
                    &format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
                )
            } else {
                condition(
                    &d,
                    "Progressing",
                    true,
                    "ReplicaSetUpdated",
                    &format!("ReplicaSet \"{rs_name}\" is progressing."),
                )
            };
            let mut st = counts(
                &[
                    ("replicas", replicas),
                    ("updatedReplicas", updated),
                    ("readyReplicas", ready),
                    ("availableReplicas", available),
                    ("unavailableReplicas", (desired - available).max(0)),
                ],
                &[],
            );
            st.insert(
                "observedGeneration".into(),
                json!(int(&d, "/metadata/generation", 1)),
            );
            st.insert("conditions".into(), json!([avail_cond, prog_cond]));
            let _ = store.set_status(&dres, ns, name, Value::Object(st));
        }
    }

    /// Creates and deletes the Pods of ReplicaSets, StatefulSets, DaemonSets and Jobs.
    fn workload_pods(&mut self, store: &mut Store) {
        let Some(pods) = store.resource_of("v1", "Pod") else {
            return;
        };
        let all_pods = store.objects_of(&pods);
        let mut owned: HashMap<String, Vec<&Value>> = HashMap::new();
        for p in &all_pods {
            let owner = p
                .pointer("/metadata/ownerReferences")
                .and_then(Value::as_array)
                .and_then(|o| o.iter().find(|r| r["controller"] == true))
                .and_then(|r| r.get("uid"))
                .and_then(Value::as_str);
            if let Some(uid) = owner {
                owned.entry(uid.to_string()).or_default().push(p);
            }
        }
        let kinds: [(&str, &str); 4] = [
            ("apps/v1", "ReplicaSet"),
            ("apps/v1", "StatefulSet"),
            ("apps/v1", "DaemonSet"),
            ("batch/v1", "Job"),
        ];
        let mut create = Vec::new();
        let mut delete = Vec::new();
        for (av, kind) in kinds {
            let Some(res) = store.resource_of(av, kind) else {
                continue;
            };
            for o in store.objects_of(&res) {
                let uid = s(&o, "/metadata/uid");
                let want = match kind {
                    "DaemonSet" => 1,
                    "Job" => int(&o, "/spec/completions", 1),
                    _ => int(&o, "/spec/replicas", 1),
                }
                .clamp(0, MAX_PODS);
                let mut have: Vec<&Value> = owned.get(uid).cloned().unwrap_or_default();
                have.sort_by_key(|p| s(p, "/metadata/name").to_string());
                let n = have.len() as i64;
                if n > want && kind != "Job" {
                    for p in have.iter().skip(want as usize) {
                        delete.push((o.clone(), s(p, "/metadata/name").to_string()));
                    }
                }
                for i in n..want {
                    create.push((o.clone(), pod_for(&o, av, kind, i)));
                }
            }
        }
        for (owner, pod) in create {
            let ns = s(&owner, "/metadata/namespace");
            if let Ok(p) = store.create(&pods, Some(ns), pod, false) {
                let (kind, pname) = (s(&owner, "/kind"), s(&p, "/metadata/name"));
                let (msg, component) = match kind {
                    "StatefulSet" => (
                        format!(
                            "create Pod {pname} in StatefulSet {} successful",
                            s(&owner, "/metadata/name")
                        ),
                        "statefulset-controller",
                    ),
                    "Job" => (format!("Created pod: {pname}"), "job-controller"),
                    "DaemonSet" => (format!("Created pod: {pname}"), "daemonset-controller"),
                    _ => (format!("Created pod: {pname}"), "replicaset-controller"),
                };
                self.event(store, &owner, "Normal", "SuccessfulCreate", &msg, component);
            }
        }
        for (owner, name) in delete {
            let ns = s(&owner, "/metadata/namespace");
            if store.delete(&pods, ns, &name, false).is_ok() {
                let msg = format!("Deleted pod: {name}");
                self.event(
                    store,
                    &owner,
                    "Normal",
                    "SuccessfulDelete",
                    &msg,
                    "replicaset-controller",
                );
            }
        }
    }

    fn replica_sets(&mut self, store: &mut Store, now: Instant) {
        let Some(res) = store.resource_of("apps/v1", "ReplicaSet") else {
            return;
        };
        for rs in store.objects_of(&res) {
            let n = int(&rs, "/spec/replicas", 1);
            let ready = if self.phase(&rs, now) == Phase::Ready {
                n
            } else {
                0
            };
            let mut st = counts(
                &[
                    ("replicas", n),
                    ("fullyLabeledReplicas", n),
                    ("readyReplicas", ready),
                    ("availableReplicas", ready),
                ],
                &["replicas"],
            );
            st.insert(
                "observedGeneration".into(),
                json!(int(&rs, "/metadata/generation", 1)),
            );
            let (ns, name) = (s(&rs, "/metadata/namespace"), s(&rs, "/metadata/name"));
            let _ = store.set_status(&res, ns, name, Value::Object(st));
        }
    }

    fn stateful_sets(&mut self, store: &mut Store, now: Instant) {
        let Some(res) = store.resource_of("apps/v1", "StatefulSet") else {
            return;
        };
        for o in store.objects_of(&res) {
            let n = int(&o, "/spec/replicas", 1);
            let (ns, name) = (s(&o, "/metadata/namespace"), s(&o, "/metadata/name"));
            let update_rev = format!(
                "{name}-{}",
                template_hash(o.pointer("/spec/template").unwrap_or(&Value::Null))
            );
            let ready = self.phase(&o, now) == Phase::Ready;
            let current_rev = if ready {
                update_rev.clone()
            } else {
                let c = s(&o, "/status/currentRevision");
                if c.is_empty() {
                    update_rev.clone()
                } else {
                    c.to_string()
                }
            };
            let r = if ready { n } else { 0 };
            let mut st = counts(
                &[
                    ("replicas", n),
                    ("readyReplicas", r),
                    ("currentReplicas", r),
                    ("updatedReplicas", r),
                    ("availableReplicas", r),
                ],
                &["replicas", "availableReplicas"],
            );
            st.insert(
                "observedGeneration".into(),
                json!(int(&o, "/metadata/generation", 1)),
            );
            st.insert("currentRevision".into(), json!(current_rev));
            st.insert("updateRevision".into(), json!(update_rev));
            st.insert("collisionCount".into(), json!(0));
            let _ = store.set_status(&res, ns, name, Value::Object(st));
        }
    }

    fn daemon_sets(&mut self, store: &mut Store, now: Instant) {
        let Some(res) = store.resource_of("apps/v1", "DaemonSet") else {
            return;
        };
        for o in store.objects_of(&res) {
            let r = i64::from(self.phase(&o, now) == Phase::Ready);
            let (ns, name) = (s(&o, "/metadata/namespace"), s(&o, "/metadata/name"));
            let mut st = counts(
                &[
                    ("currentNumberScheduled", 1),
                    ("desiredNumberScheduled", 1),
                    ("numberMisscheduled", 0),
                    ("numberReady", r),
                    ("numberAvailable", r),
                    ("numberUnavailable", 1 - r),
                    ("updatedNumberScheduled", 1),
                ],
                &["numberMisscheduled", "numberReady"],
            );
            st.insert(
                "observedGeneration".into(),
                json!(int(&o, "/metadata/generation", 1)),
            );
            let _ = store.set_status(&res, ns, name, Value::Object(st));
        }
    }

    fn jobs(&mut self, store: &mut Store, now: Instant) {
        let Some(res) = store.resource_of("batch/v1", "Job") else {
            return;
        };
        for o in store.objects_of(&res) {
            let (ns, name) = (s(&o, "/metadata/namespace"), s(&o, "/metadata/name"));
            let start = o
                .pointer("/status/startTime")
                .cloned()
                .unwrap_or_else(|| json!(now_rfc3339()));
            let done = o
                .pointer("/status/completionTime")
                .cloned()
                .unwrap_or_else(|| json!(now_rfc3339()));
            let st = match self.phase(&o, now) {
                Phase::Ready => {
                    let n = int(&o, "/spec/completions", 1);
                    json!({
                        "startTime": start, "completionTime": done, "succeeded": n,
                        "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
                        "conditions": [
                            plain(condition(&o, "SuccessCriteriaMet", true, "CompletionsReached", "Reached expected number of succeeded pods")),
                            plain(condition(&o, "Complete", true, "CompletionsReached", "Reached expected number of succeeded pods")),
                        ],
                    })
                }
                Phase::Pending => json!({
                    "startTime": start, "active": int(&o, "/spec/parallelism", 1),
                    "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
                }),
                Phase::Failed(reason) => {
                    let failed = int(&o, "/spec/backoffLimit", 6) + 1;
                    let msg = format!("Job has reached the specified backoff limit: {reason}");
                    json!({
                        "startTime": start, "failed": failed,
                        "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
                        "conditions": [
                            plain(condition(&o, "FailureTarget", true, "BackoffLimitExceeded", &msg)),
                            plain(condition(&o, "Failed", true, "BackoffLimitExceeded", &msg)),
                        ],
                    })
                }
            };
            let was_done = o
                .pointer("/status/conditions")
                .and_then(Value::as_array)
                .is_some_and(|c| {
                    c.iter()
                        .any(|x| x["type"] == "Complete" || x["type"] == "Failed")
                });
            let done = st
                .get("conditions")
                .and_then(Value::as_array)
                .and_then(|c| {
                    c.iter()
                        .find(|x| x["type"] == "Complete" || x["type"] == "Failed")
                })
                .and_then(|x| x["type"].as_str())
                .map(str::to_string);
            if store.set_status(&res, ns, name, st).is_ok() && !was_done {
                match done.as_deref() {
                    Some("Complete") => self.event(
                        store,
                        &o,
                        "Normal",
                        "Completed",
                        "Job completed",
                        "job-controller",
                    ),
                    Some(_) => self.event(
                        store,
                        &o,
                        "Warning",
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        "job-controller",
                    ),
                    None => {}
                }
            }
        }
    }

    fn pods(&mut self, store: &mut Store, now: Instant) {
        let Some(res) = store.resource_of("v1", "Pod") else {
            return;
        };
        for o in store.objects_of(&res) {
            let (ns, name) = (s(&o, "/metadata/namespace"), s(&o, "/metadata/name"));
            let start = o
                .pointer("/status/startTime")
                .cloned()
                .unwrap_or_else(|| json!(now_rfc3339()));
            let restart = s(&o, "/spec/restartPolicy");
            let uid = s(&o, "/metadata/uid");
            // a pod IP per pod, from the uid's counter
            let n = u64::from_str_radix(uid.rsplit('-').next().unwrap_or("0"), 16).unwrap_or(0);
            let pod_ip = format!("10.244.{}.{}", (n / 250) % 250, n % 250 + 1);
            let runs_to_completion = restart == "Never" || restart == "OnFailure";
            let containers: Vec<(String, String)> = o
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .map(|cs| {
                    cs.iter()
                        .map(|c| (s(c, "/name").to_string(), s(c, "/image").to_string()))
                        .collect()
                })
                .unwrap_or_default();
            let statuses = |state: Value, ready: bool| -> Value {
                containers
                    .iter()
                    .map(|(n, image)| {
                        let id = template_hash(&json!([uid, n]));
                        json!({"name": n, "image": image, "imageID": "", "ready": ready,
                               "containerID": format!("containerd://{id}"),
                               "restartCount": 0, "started": ready, "state": state})
                    })
                    .collect()
            };
            let cond = |ty: &str, ok: bool, reason: &str| {
                let mut c = plain(condition(&o, ty, ok, reason, ""));
                if let Some(m) = c.as_object_mut() {
                    m.remove("message");
                    if reason.is_empty() {
                        m.remove("reason");
                    }
                    m.insert("lastProbeTime".into(), Value::Null);
                }
                c
            };
            let base = |phase: &str, conds: Vec<Value>, cs: Value| {
                json!({"phase": phase, "conditions": conds, "containerStatuses": cs,
                       "hostIP": "10.244.0.1", "hostIPs": [{"ip": "10.244.0.1"}],
                       "podIP": pod_ip, "podIPs": [{"ip": pod_ip}],
                       "qosClass": "BestEffort", "startTime": start})
            };
            let st = match self.phase(&o, now) {
                Phase::Pending => {
                    json!({"phase": "Pending", "conditions": [cond("PodScheduled", true, "")],
                                         "qosClass": "BestEffort"})
                }
                Phase::Ready if runs_to_completion => base(
                    "Succeeded",
                    vec![
                        cond("Initialized", true, "PodCompleted"),
                        cond("Ready", false, "PodCompleted"),
                        cond("ContainersReady", false, "PodCompleted"),
                        cond("PodScheduled", true, ""),
                    ],
                    statuses(
                        json!({"terminated": {"exitCode": 0, "reason": "Completed",
                                              "startedAt": start, "finishedAt": now_rfc3339()}}),
                        false,
                    ),
                ),
                Phase::Ready => base(
                    "Running",
                    vec![
                        cond("Initialized", true, ""),
                        cond("Ready", true, ""),
                        cond("ContainersReady", true, ""),
                        cond("PodScheduled", true, ""),
                    ],
                    statuses(json!({"running": {"startedAt": start}}), true),
                ),
                Phase::Failed(reason) => {
                    let mut st = base(
                        "Failed",
                        vec![
                            cond("Initialized", true, ""),
                            cond("Ready", false, "PodFailed"),
                            cond("ContainersReady", false, "PodFailed"),
                            cond("PodScheduled", true, ""),
                        ],
                        statuses(
                            json!({"terminated": {"exitCode": 1, "reason": "Error", "message": reason,
                                                  "startedAt": start, "finishedAt": now_rfc3339()}}),
                            false,
                        ),
                    );
                    if let Some(m) = st.as_object_mut() {
                        m.insert("message".into(), json!(reason));
                        m.insert("reason".into(), json!("Error"));
                    }
                    st
                }
            };
            // terminated pods keep their first final status
            let old_phase = s(&o, "/status/phase");
            if old_phase == "Succeeded" || old_phase == "Failed" {
                continue;
            }
            let new_phase = st["phase"].as_str().unwrap_or("").to_string();
            if store.set_status(&res, ns, name, st).is_err() || new_phase == old_phase {
                continue;
            }
            if old_phase.is_empty() {
                let msg = format!("Successfully assigned {ns}/{name} to hke-sim-node");
                self.event(store, &o, "Normal", "Scheduled", &msg, "default-scheduler");
            }
            if new_phase != "Pending" {
                for (cname, image) in &containers {
                    let pulled = format!("Container image \"{image}\" already present on machine");
                    self.event(store, &o, "Normal", "Pulled", &pulled, "kubelet");
                    let created = format!("Created container: {cname}");
                    self.event(store, &o, "Normal", "Created", &created, "kubelet");
                    let started = format!("Started container {cname}");
                    self.event(store, &o, "Normal", "Started", &started, "kubelet");
                }
            }
        }
    }

    fn services(&mut self, store: &mut Store) {
        let Some(res) = store.resource_of("v1", "Service") else {
            return;
        };
        for o in store.objects_of(&res) {
            if s(&o, "/spec/type") != "LoadBalancer"
                || annotation(&o, STALL) == Some("true")
                || o.pointer("/status/loadBalancer/ingress").is_some()
            {
                continue;
            }
            self.lb_ips += 1;
            let ip = format!(
                "172.18.{}.{}",
                255 - self.lb_ips / 250,
                self.lb_ips % 250 + 1
            );
            let (ns, name) = (s(&o, "/metadata/namespace"), s(&o, "/metadata/name"));
            let st = json!({"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"}]}});
            let _ = store.set_status(&res, ns, name, st);
        }
    }

    fn pvcs(&mut self, store: &mut Store) {
        let Some(res) = store.resource_of("v1", "PersistentVolumeClaim") else {
            return;
        };
        for o in store.objects_of(&res) {
            if annotation(&o, STALL) == Some("true") || s(&o, "/status/phase") == "Bound" {
                continue;
            }
            let (ns, name) = (s(&o, "/metadata/namespace"), s(&o, "/metadata/name"));
            let st = json!({
                "phase": "Bound",
                "accessModes": o.pointer("/spec/accessModes").cloned().unwrap_or(json!(["ReadWriteOnce"])),
                "capacity": o.pointer("/spec/resources/requests").cloned().unwrap_or(json!({})),
            });
            let _ = store.set_status(&res, ns, name, st);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_gets_a_replica_set_and_becomes_available() {
        let mut store = Store::new();
        let d = store.resource_of("apps/v1", "Deployment").unwrap();
        let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "c", "image": "x"}]}}}});
        store.create(&d, Some("default"), obj, false).unwrap();
        let mut c = Controllers::default();
        for _ in 0..3 {
            c.tick(&mut store);
        }
        let got = store.get(&d, "default", "web").unwrap();
        assert_eq!(got["status"]["availableReplicas"], 2, "{got:#}");
        assert_eq!(
            got["status"]["conditions"][1]["reason"],
            "NewReplicaSetAvailable"
        );
        let rs = store.resource_of("apps/v1", "ReplicaSet").unwrap();
        assert_eq!(store.objects_of(&rs).len(), 1);
        let pods = store.resource_of("v1", "Pod").unwrap();
        assert_eq!(store.objects_of(&pods).len(), 2);
    }

    #[test]
    fn template_annotations_fail_the_workload_and_its_pods() {
        let mut store = Store::new();
        let j = store.resource_of("batch/v1", "Job").unwrap();
        let obj = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
            "spec": {"template": {"metadata": {"annotations": {FAIL: "boom"}},
                     "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "x"}]}}}});
        store.create(&j, Some("default"), obj, false).unwrap();
        let mut c = Controllers::default();
        for _ in 0..3 {
            c.tick(&mut store);
        }
        let got = store.get(&j, "default", "j").unwrap();
        assert_eq!(got["status"]["conditions"][1]["type"], "Failed", "{got:#}");
        let pods = store.resource_of("v1", "Pod").unwrap();
        let p = &store.objects_of(&pods)[0];
        assert_eq!(p["status"]["phase"], "Failed");
        let events = store.resource_of("v1", "Event").unwrap();
        let reasons: Vec<String> = store
            .objects_of(&events)
            .iter()
            .filter_map(|e| e["reason"].as_str().map(str::to_string))
            .collect();
        assert!(
            reasons.contains(&"BackoffLimitExceeded".to_string()),
            "{reasons:?}"
        );
    }
}
