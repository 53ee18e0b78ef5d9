//! [`KubeObjects`]: the Secrets or ConfigMaps of a namespace on a [`Cluster`], as the
//! [`ObjectStore`] the `secret` and `configmap` storage drivers write through.

use super::{Cluster, KubeError, Propagation, Resource, WriteOptions};
use crate::storage::{DriverKind, ObjectError, ObjectStore};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The Secret or ConfigMap objects of one namespace (or all, for `list -A`).
pub struct KubeObjects {
    cluster: Arc<dyn Cluster>,
    resource: Resource,
    namespace: Option<String>,
}

impl KubeObjects {
    /// The objects a storage driver of `kind` keeps in `namespace` (`None`: all
    /// namespaces, for `list -A`; writes then need the object's own namespace).
    pub fn new(cluster: Arc<dyn Cluster>, kind: DriverKind, namespace: Option<String>) -> Self {
        let resource = match kind {
            DriverKind::ConfigMap => Resource::core("ConfigMap", "configmaps"),
            DriverKind::Secret => Resource::core("Secret", "secrets"),
        };
        KubeObjects {
            cluster,
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
        self.cluster
            .get(&self.resource, self.namespace.as_deref(), name)
            .map_err(object_error)
    }

    fn list(&self, selector: &BTreeMap<String, String>) -> Result<Vec<Value>, ObjectError> {
        let sel: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.cluster
            .list(&self.resource, self.namespace.as_deref(), &sel.join(","))
            .map_err(object_error)
    }

    fn list_metadata(
        &self,
        selector: &BTreeMap<String, String>,
    ) -> Result<Vec<Value>, ObjectError> {
        let sel: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.cluster
            .list_metadata(&self.resource, self.namespace.as_deref(), &sel.join(","))
            .map_err(object_error)
    }

    fn list_selector(&self, selector: &str) -> Result<Vec<Value>, ObjectError> {
        self.cluster
            .list(&self.resource, self.namespace.as_deref(), selector)
            .map_err(object_error)
    }

    fn create(&self, obj: &Value) -> Result<(), ObjectError> {
        self.cluster
            .create(
                &self.resource,
                self.write_namespace(obj),
                obj,
                &WriteOptions::default(),
            )
            .map(|_| ())
            .map_err(object_error)
    }

    fn update(&self, obj: &Value) -> Result<(), ObjectError> {
        self.cluster
            .replace(
                &self.resource,
                self.write_namespace(obj),
                obj,
                &WriteOptions::default(),
            )
            .map(|_| ())
            .map_err(object_error)
    }

    fn delete(&self, name: &str) -> Result<(), ObjectError> {
        self.cluster
            .delete(
                &self.resource,
                self.namespace.as_deref(),
                name,
                Propagation::Background,
                &WriteOptions::default(),
            )
            .map_err(object_error)
    }
}
