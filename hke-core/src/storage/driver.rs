//! Storage drivers (`HELM_DRIVER`): `secret` (Helm's default), `configmap` and `memory`.

use super::codec::{decode_release, encode_release};
use super::{StorageError, MAX_OBJECT_BYTES};
use crate::release::Release;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The labels Helm owns on storage objects; custom release labels may not use them.
pub const SYSTEM_LABELS: [&str; 6] = [
    "name",
    "owner",
    "status",
    "version",
    "createdAt",
    "modifiedAt",
];

/// A release storage driver (`driver.Driver`). Keys are [`super::make_key`]s.
pub trait Driver: Send + Sync {
    /// `Secret`, `ConfigMap` or `Memory`.
    fn name(&self) -> &'static str;
    /// Stores a new record; [`StorageError::Exists`] if the key is taken.
    fn create(&self, key: &str, rls: &Release) -> Result<(), StorageError>;
    /// Replaces a record.
    fn update(&self, key: &str, rls: &Release) -> Result<(), StorageError>;
    /// Deletes a record, returning it.
    fn delete(&self, key: &str) -> Result<Release, StorageError>;
    /// One record; [`StorageError::NotFound`] if absent. Its labels are the custom ones.
    fn get(&self, key: &str) -> Result<Release, StorageError>;
    /// Every record `filter` accepts (undecodable objects are skipped, as Helm does).
    fn list(&self, filter: &dyn Fn(&Release) -> bool) -> Result<Vec<Release>, StorageError>;
    /// Records whose labels hold every pair; [`StorageError::NotFound`] if none.
    fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError>;

    /// Every record `choose` picks by its namespace and storage labels (`name`, `status`,
    /// `version`, ...), decoding only those: listing many releases reads the labels of
    /// all revisions but decodes one per release. `Err(chosen key)` when a chosen record
    /// cannot be decoded, so that the caller can fall back to [`Driver::list`] (which
    /// skips such records, as Helm does).
    fn list_chosen(
        &self,
        choose: &dyn Fn(&[Header]) -> Vec<bool>,
    ) -> Result<Vec<Release>, StorageError> {
        let all = self.list(&|_| true)?;
        let headers: Vec<Header> = all
            .iter()
            .map(|r| Header {
                namespace: r.namespace.clone(),
                labels: system_labels(r),
            })
            .collect();
        let keep = choose(&headers);
        Ok(all
            .into_iter()
            .zip(keep)
            .filter_map(|(r, k)| k.then_some(r))
            .collect())
    }
}

/// What [`Driver::list_chosen`] shows of a record before decoding it.
#[derive(Clone, Debug)]
pub struct Header {
    /// The namespace of the storage object.
    pub namespace: String,
    /// Its labels (`name`, `owner`, `status`, `version`, custom ones).
    pub labels: BTreeMap<String, String>,
}

/// Which object kind an [`ObjectDriver`] stores records in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DriverKind {
    /// `Secret` of type `helm.sh/release.v1` (data is base64, as every Secret's).
    Secret,
    /// `ConfigMap`.
    ConfigMap,
}

impl DriverKind {
    /// Reads `HELM_DRIVER`'s values for object drivers (`secret`/`secrets`/`""`,
    /// `configmap`/`configmaps`); `None` for others (`memory`, `sql`).
    pub fn from_helm_driver(s: &str) -> Option<DriverKind> {
        match s {
            "" | "secret" | "secrets" => Some(DriverKind::Secret),
            "configmap" | "configmaps" => Some(DriverKind::ConfigMap),
            _ => None,
        }
    }

    fn kind(self) -> &'static str {
        match self {
            DriverKind::Secret => "Secret",
            DriverKind::ConfigMap => "ConfigMap",
        }
    }
}

/// An error of an [`ObjectStore`].
#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    /// The object does not exist.
    #[error("not found")]
    NotFound,
    /// An object of that name exists.
    #[error("already exists")]
    AlreadyExists,
    /// Anything else, with the API's message.
    #[error("{0}")]
    Other(String),
}

/// The namespaced Secret or ConfigMap API that object drivers write through.
pub trait ObjectStore: Send + Sync {
    /// An object by name.
    fn get(&self, name: &str) -> Result<Option<Value>, ObjectError>;
    /// Objects whose labels hold every pair of `selector`.
    fn list(&self, selector: &BTreeMap<String, String>) -> Result<Vec<Value>, ObjectError>;
    /// Like [`ObjectStore::list`], but objects may carry only their metadata (cheaper
    /// to send when only labels are read).
    fn list_metadata(
        &self,
        selector: &BTreeMap<String, String>,
    ) -> Result<Vec<Value>, ObjectError> {
        self.list(selector)
    }
    /// Objects matching a label selector in Kubernetes' string form (`a=b,c!=d`).
    fn list_selector(&self, selector: &str) -> Result<Vec<Value>, ObjectError> {
        let sel = crate::kube::selector::Selector::parse(selector).map_err(ObjectError::Other)?;
        Ok(self
            .list(&BTreeMap::new())?
            .into_iter()
            .filter(|o| sel.matches_object(o))
            .collect())
    }
    /// Creates an object.
    fn create(&self, obj: &Value) -> Result<(), ObjectError>;
    /// Replaces an object.
    fn update(&self, obj: &Value) -> Result<(), ObjectError>;
    /// Deletes an object by name.
    fn delete(&self, name: &str) -> Result<(), ObjectError>;
}

/// An in-memory [`ObjectStore`] (one namespace), for tests and offline use.
#[derive(Default)]
pub struct MemoryObjects {
    objects: Mutex<BTreeMap<String, Value>>,
}

impl MemoryObjects {
    /// A copy of every stored object.
    pub fn objects(&self) -> Vec<Value> {
        self.lock().values().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Value>> {
        self.objects.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn object_name(obj: &Value) -> Result<String, ObjectError> {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| ObjectError::Other("object has no metadata.name".into()))
}

fn object_labels(obj: &Value) -> BTreeMap<String, String> {
    obj.pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn labels_match(labels: &BTreeMap<String, String>, selector: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

impl ObjectStore for MemoryObjects {
    fn get(&self, name: &str) -> Result<Option<Value>, ObjectError> {
        Ok(self.lock().get(name).cloned())
    }

    fn list(&self, selector: &BTreeMap<String, String>) -> Result<Vec<Value>, ObjectError> {
        Ok(self
            .lock()
            .values()
            .filter(|o| labels_match(&object_labels(o), selector))
            .cloned()
            .collect())
    }

    fn create(&self, obj: &Value) -> Result<(), ObjectError> {
        let name = object_name(obj)?;
        let mut m = self.lock();
        if m.contains_key(&name) {
            return Err(ObjectError::AlreadyExists);
        }
        m.insert(name, obj.clone());
        Ok(())
    }

    fn update(&self, obj: &Value) -> Result<(), ObjectError> {
        let name = object_name(obj)?;
        let mut m = self.lock();
        match m.get_mut(&name) {
            Some(slot) => {
                *slot = obj.clone();
                Ok(())
            }
            None => Err(ObjectError::NotFound),
        }
    }

    fn delete(&self, name: &str) -> Result<(), ObjectError> {
        self.lock()
            .remove(name)
            .map(|_| ())
            .ok_or(ObjectError::NotFound)
    }
}

/// The `secret` and `configmap` drivers: one object per revision, exactly as Helm 3
/// writes them.
pub struct ObjectDriver {
    kind: DriverKind,
    store: Box<dyn ObjectStore>,
}

impl ObjectDriver {
    /// A driver storing `kind` objects in `store`.
    pub fn new(kind: DriverKind, store: Box<dyn ObjectStore>) -> ObjectDriver {
        ObjectDriver { kind, store }
    }

    /// The object Helm writes for a revision (`newSecretsObject`/`newConfigMapsObject`).
    pub fn object_for(
        &self,
        key: &str,
        rls: &Release,
        mut labels: BTreeMap<String, String>,
    ) -> Result<Value, StorageError> {
        let encoded = encode_release(rls)?;
        if encoded.len() > MAX_OBJECT_BYTES {
            return Err(StorageError::TooLarge {
                name: rls.name.clone(),
                version: rls.version,
                driver: self.kind.kind(),
                size: encoded.len(),
                limit: MAX_OBJECT_BYTES,
            });
        }
        for (k, v) in &rls.labels {
            labels.insert(k.clone(), v.clone());
        }
        labels.insert("name".into(), rls.name.clone());
        labels.insert("owner".into(), "helm".into());
        labels.insert("status".into(), rls.status().to_string());
        labels.insert("version".into(), rls.version.to_string());
        let labels: Map<String, Value> = labels
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        Ok(match self.kind {
            DriverKind::Secret => json!({
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": key, "labels": labels},
                "type": "helm.sh/release.v1",
                "data": {"release": data_encoding::BASE64.encode(encoded.as_bytes())},
            }),
            DriverKind::ConfigMap => json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": key, "labels": labels},
                "data": {"release": encoded},
            }),
        })
    }

    /// The release in a stored object, with all the object's labels.
    pub fn release_of(&self, obj: &Value) -> Result<Release, StorageError> {
        let data = obj
            .pointer("/data/release")
            .and_then(Value::as_str)
            .ok_or_else(|| StorageError::Decode("the object has no data.release".into()))?;
        let text = match self.kind {
            DriverKind::Secret => {
                let bytes = data_encoding::BASE64
                    .decode(data.as_bytes())
                    .map_err(|e| StorageError::Decode(format!("illegal base64 data: {e}")))?;
                String::from_utf8(bytes)
                    .map_err(|e| StorageError::Decode(format!("release data: {e}")))?
            }
            DriverKind::ConfigMap => data.to_string(),
        };
        let mut r = decode_release(&text)?;
        r.labels = object_labels(obj);
        Ok(r)
    }

    fn api(op: &str) -> impl FnOnce(ObjectError) -> StorageError + '_ {
        move |source| StorageError::Api {
            op: op.to_string(),
            source,
        }
    }
}

fn now_unix() -> String {
    chrono::Utc::now().timestamp().to_string()
}

impl Driver for ObjectDriver {
    fn name(&self) -> &'static str {
        self.kind.kind()
    }

    fn create(&self, key: &str, rls: &Release) -> Result<(), StorageError> {
        let mut labels = BTreeMap::new();
        labels.insert("createdAt".to_string(), now_unix());
        let obj = self.object_for(key, rls, labels)?;
        match self.store.create(&obj) {
            Ok(()) => Ok(()),
            Err(ObjectError::AlreadyExists) => Err(StorageError::Exists),
            Err(e) => Err(Self::api("create: failed to create")(e)),
        }
    }

    fn update(&self, key: &str, rls: &Release) -> Result<(), StorageError> {
        let mut labels = BTreeMap::new();
        labels.insert("modifiedAt".to_string(), now_unix());
        let obj = self.object_for(key, rls, labels)?;
        self.store
            .update(&obj)
            .map_err(Self::api("update: failed to update"))
    }

    fn delete(&self, key: &str) -> Result<Release, StorageError> {
        let r = self.get(key)?;
        self.store
            .delete(key)
            .map_err(Self::api("delete: failed to delete"))?;
        Ok(r)
    }

    fn get(&self, key: &str) -> Result<Release, StorageError> {
        let obj = self
            .store
            .get(key)
            .map_err(Self::api("get: failed to get"))?
            .ok_or(StorageError::NotFound)?;
        let mut r = self.release_of(&obj)?;
        r.labels.retain(|k, _| !SYSTEM_LABELS.contains(&k.as_str()));
        Ok(r)
    }

    fn list(&self, filter: &dyn Fn(&Release) -> bool) -> Result<Vec<Release>, StorageError> {
        let sel = BTreeMap::from([("owner".to_string(), "helm".to_string())]);
        let objs = self
            .store
            .list(&sel)
            .map_err(Self::api("list: failed to list"))?;
        Ok(objs
            .iter()
            .filter_map(|o| self.release_of(o).ok())
            .filter(|r| filter(r))
            .collect())
    }

    fn list_chosen(
        &self,
        choose: &dyn Fn(&[Header]) -> Vec<bool>,
    ) -> Result<Vec<Release>, StorageError> {
        // Two requests instead of one big one: the labels of every record (metadata
        // only), then the bodies of what is shown. When nothing superseded is shown (the
        // usual case: superseded revisions are most of a long history), the second list
        // leaves superseded records out on the server.
        let sel = BTreeMap::from([("owner".to_string(), "helm".to_string())]);
        let heads = self
            .store
            .list_metadata(&sel)
            .map_err(Self::api("list: failed to list"))?;
        let headers: Vec<Header> = heads.iter().map(header_of).collect();
        let keep = choose(&headers);
        let mut wanted: std::collections::HashSet<(String, String)> = Default::default();
        let mut superseded = false;
        for (h, (o, k)) in headers.iter().zip(heads.iter().zip(&keep)) {
            if *k {
                superseded |= h.labels.get("status").map(String::as_str) == Some("superseded");
                wanted.insert((h.namespace.clone(), object_name(o).unwrap_or_default()));
            }
        }
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let bodies = if superseded {
            self.store.list(&sel)
        } else {
            self.store.list_selector("owner=helm,status!=superseded")
        }
        .map_err(Self::api("list: failed to list"))?;
        let found: Vec<&Value> = bodies
            .iter()
            .filter(|o| {
                let h = header_of(o);
                wanted.contains(&(h.namespace, object_name(o).unwrap_or_default()))
            })
            .collect();
        if found.len() != wanted.len() {
            // Records changed between the two requests: choose again on full objects.
            let objs = self
                .store
                .list(&sel)
                .map_err(Self::api("list: failed to list"))?;
            let headers: Vec<Header> = objs.iter().map(header_of).collect();
            let keep = choose(&headers);
            return objs
                .iter()
                .zip(keep)
                .filter(|(_, k)| *k)
                .map(|(o, _)| self.release_of(o))
                .collect();
        }
        found.into_iter().map(|o| self.release_of(o)).collect()
    }

    fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError> {
        for v in labels.values() {
            check_label_value(v)?;
        }
        let objs = self
            .store
            .list(labels)
            .map_err(Self::api("query: failed to query with labels"))?;
        if objs.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(objs
            .iter()
            .filter_map(|o| self.release_of(o).ok())
            .collect())
    }
}

/// What `list_chosen` reads of a storage object before decoding it.
fn header_of(o: &Value) -> Header {
    Header {
        namespace: o
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        labels: object_labels(o),
    }
}

/// Kubernetes' `IsValidLabelValue`: at most 63 characters, alphanumerics with `-`, `_`,
/// `.` inside.
fn check_label_value(v: &str) -> Result<(), StorageError> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut problems = Vec::new();
    if v.len() > 63 {
        problems.push("must be no more than 63 characters".to_string());
    }
    let valid = v.is_empty()
        || (v.chars().all(ok_char)
            && v.starts_with(|c: char| c.is_ascii_alphanumeric())
            && v.ends_with(|c: char| c.is_ascii_alphanumeric()));
    if !valid {
        problems.push(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_string(),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StorageError::InvalidLabel(
            v.to_string(),
            problems.join("; "),
        ))
    }
}

/// The `memory` driver: records in this process only, per namespace.
pub struct MemoryDriver {
    namespace: String,
    records: Mutex<BTreeMap<(String, String), Release>>,
}

impl MemoryDriver {
    /// A memory driver working in `namespace`.
    pub fn new(namespace: &str) -> MemoryDriver {
        MemoryDriver {
            namespace: namespace.to_string(),
            records: Mutex::new(BTreeMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<(String, String), Release>> {
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn slot(&self, key: &str) -> (String, String) {
        (self.namespace.clone(), key.to_string())
    }
}

fn system_labels(r: &Release) -> BTreeMap<String, String> {
    let mut l = r.labels.clone();
    l.insert("name".into(), r.name.clone());
    l.insert("owner".into(), "helm".into());
    l.insert("status".into(), r.status().to_string());
    l.insert("version".into(), r.version.to_string());
    l
}

impl Driver for MemoryDriver {
    fn name(&self) -> &'static str {
        "Memory"
    }

    fn create(&self, key: &str, rls: &Release) -> Result<(), StorageError> {
        let mut m = self.lock();
        let slot = self.slot(key);
        if m.contains_key(&slot) {
            return Err(StorageError::Exists);
        }
        m.insert(slot, rls.clone());
        Ok(())
    }

    fn update(&self, key: &str, rls: &Release) -> Result<(), StorageError> {
        let mut m = self.lock();
        match m.get_mut(&self.slot(key)) {
            Some(r) => {
                *r = rls.clone();
                Ok(())
            }
            None => Err(StorageError::NotFound),
        }
    }

    fn delete(&self, key: &str) -> Result<Release, StorageError> {
        self.lock()
            .remove(&self.slot(key))
            .ok_or(StorageError::NotFound)
    }

    fn get(&self, key: &str) -> Result<Release, StorageError> {
        self.lock()
            .get(&self.slot(key))
            .cloned()
            .ok_or(StorageError::NotFound)
    }

    fn list(&self, filter: &dyn Fn(&Release) -> bool) -> Result<Vec<Release>, StorageError> {
        Ok(self
            .lock()
            .iter()
            .filter(|((ns, _), r)| *ns == self.namespace && filter(r))
            .map(|(_, r)| r.clone())
            .collect())
    }

    fn query(&self, labels: &BTreeMap<String, String>) -> Result<Vec<Release>, StorageError> {
        let found: Vec<Release> = self
            .lock()
            .iter()
            .filter(|((ns, _), r)| *ns == self.namespace && labels_match(&system_labels(r), labels))
            .map(|(_, r)| r.clone())
            .collect();
        if found.is_empty() {
            Err(StorageError::NotFound)
        } else {
            Ok(found)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::{Info, Status};
    use crate::storage::make_key;

    fn rel(version: i64) -> Release {
        let mut r = Release {
            name: "web".into(),
            version,
            namespace: "apps".into(),
            info: Some(Info::default()),
            ..Release::default()
        };
        r.set_status(Status::Deployed, "Install complete");
        r.labels.insert("team".into(), "blue".into());
        r
    }

    #[test]
    fn secret_objects_have_helms_shape() {
        let d = ObjectDriver::new(DriverKind::Secret, Box::new(MemoryObjects::default()));
        let obj = d
            .object_for(&make_key("web", 1), &rel(1), BTreeMap::new())
            .expect("object");
        assert_eq!(obj["type"], "helm.sh/release.v1");
        assert_eq!(obj["metadata"]["name"], "sh.helm.release.v1.web.v1");
        let labels = &obj["metadata"]["labels"];
        assert_eq!(labels["owner"], "helm");
        assert_eq!(labels["status"], "deployed");
        assert_eq!(labels["version"], "1");
        assert_eq!(labels["team"], "blue");
        // Secret data holds base64 of the encoded (itself base64) record.
        let back = d.release_of(&obj).expect("decode");
        assert_eq!(back.name, "web");
    }

    #[test]
    fn get_returns_custom_labels_and_update_marks_modified() {
        let store = std::sync::Arc::new(MemoryObjects::default());
        struct Shared(std::sync::Arc<MemoryObjects>);
        impl ObjectStore for Shared {
            fn get(&self, n: &str) -> Result<Option<Value>, ObjectError> {
                self.0.get(n)
            }
            fn list(&self, s: &BTreeMap<String, String>) -> Result<Vec<Value>, ObjectError> {
                self.0.list(s)
            }
            fn create(&self, o: &Value) -> Result<(), ObjectError> {
                self.0.create(o)
            }
            fn update(&self, o: &Value) -> Result<(), ObjectError> {
                self.0.update(o)
            }
            fn delete(&self, n: &str) -> Result<(), ObjectError> {
                self.0.delete(n)
            }
        }
        let d = ObjectDriver::new(DriverKind::ConfigMap, Box::new(Shared(store.clone())));
        d.create(&make_key("web", 1), &rel(1)).expect("create");
        let got = d.get(&make_key("web", 1)).expect("get");
        assert_eq!(
            got.labels,
            BTreeMap::from([("team".to_string(), "blue".to_string())])
        );
        d.update(&make_key("web", 1), &got).expect("update");
        let objs = store.objects();
        assert!(objs[0]["metadata"]["labels"]["modifiedAt"].is_string());
        assert!(objs[0]["data"]["release"].is_string());
    }

    #[test]
    fn oversized_records_are_refused_with_their_size() {
        let d = ObjectDriver::new(DriverKind::Secret, Box::new(MemoryObjects::default()));
        let mut r = rel(1);
        // Incompressible content: a pseudo-random manifest of 2 MiB.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        r.manifest = (0..2 * 1024 * 1024)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'!' + (x % 90) as u8)
            })
            .collect();
        let e = d.create(&make_key("web", 1), &r).expect_err("too large");
        let msg = e.to_string();
        assert!(
            msg.contains("too large") && msg.contains("1048576"),
            "{msg}"
        );
    }

    #[test]
    fn label_values_are_validated_in_queries() {
        let d = ObjectDriver::new(DriverKind::Secret, Box::new(MemoryObjects::default()));
        let q = BTreeMap::from([("name".to_string(), "bad name!".to_string())]);
        assert!(matches!(d.query(&q), Err(StorageError::InvalidLabel(..))));
    }
}
