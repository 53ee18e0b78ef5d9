//! [`ClusterLookup`]: the template function `lookup` answered by a [`Cluster`], as
//! Helm's dynamic-client lookup answers it.

use super::{Cluster, KubeError};
use crate::template::exec::Lookup;
use crate::value::{Map, Value};
use std::sync::Arc;

/// `lookup apiVersion kind namespace name` against a cluster: the object (or, with an
/// empty name, the list of all objects of the kind in the namespace, or in every
/// namespace when it is empty); an empty map when the object does not exist. Numbers
/// keep Kubernetes' typing (integers stay integers), as client-go's unstructured
/// decoding does.
pub struct ClusterLookup {
    cluster: Arc<dyn Cluster>,
}

impl ClusterLookup {
    /// A lookup over `cluster`.
    pub fn new(cluster: Arc<dyn Cluster>) -> ClusterLookup {
        ClusterLookup { cluster }
    }
}

fn to_map(v: &serde_json::Value) -> Map {
    match Value::from_json_typed(v) {
        Value::Map(m) => m,
        _ => Map::new(),
    }
}

impl Lookup for ClusterLookup {
    fn lookup(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Map, String> {
        let res = self
            .cluster
            .resource(api_version, kind)
            .map_err(|e| match e {
                KubeError::NoKind { .. } => format!(
                    "unable to get apiresource from unstructured: {api_version}, Kind={kind}: {e}"
                ),
                other => other.to_string(),
            })?;
        let ns = (res.namespaced && !namespace.is_empty()).then_some(namespace);
        if !name.is_empty() {
            return match self.cluster.get(&res, ns, name) {
                Ok(Some(obj)) => Ok(to_map(&obj)),
                Ok(None) | Err(KubeError::NotFound { .. }) => Ok(Map::new()),
                Err(e) => Err(e.to_string()),
            };
        }
        match self.cluster.list(&res, ns, "") {
            Ok(items) => {
                let list = serde_json::json!({
                    "apiVersion": api_version,
                    "kind": format!("{kind}List"),
                    "metadata": {"resourceVersion": ""},
                    "items": items,
                });
                Ok(to_map(&list))
            }
            Err(KubeError::NotFound { .. }) => Ok(Map::new()),
            Err(e) => Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::{FakeCluster, WriteOptions};
    use serde_json::json;

    #[test]
    fn objects_lists_and_absence() {
        let fake = Arc::new(FakeCluster::default());
        let cm = fake.resource("v1", "ConfigMap").expect("cm");
        fake.create(
            &cm,
            Some("default"),
            &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"n": "1"}}),
            &WriteOptions::default(),
        )
        .expect("create");
        let l = ClusterLookup::new(fake.clone());
        let got = l.lookup("v1", "ConfigMap", "default", "c").expect("lookup");
        assert_eq!(
            got.get("data")
                .and_then(|d| d.as_map())
                .and_then(|d| d.get("n")),
            Some(&Value::String("1".into()))
        );
        assert!(l
            .lookup("v1", "ConfigMap", "default", "missing")
            .expect("absent")
            .is_empty());
        let all = l.lookup("v1", "ConfigMap", "", "").expect("list");
        assert_eq!(
            all.get("kind"),
            Some(&Value::String("ConfigMapList".into()))
        );
        assert!(matches!(all.get("items"), Some(Value::List(items)) if items.len() == 1));
        let ns = l
            .lookup("v1", "Namespace", "", "default")
            .expect("cluster-scoped");
        assert!(!ns.is_empty());
        assert!(l.lookup("example.com/v1", "Foo", "", "x").is_err());
    }
}
