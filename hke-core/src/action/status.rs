//! `helm status --show-resources`: the live objects of a release's manifest, and the
//! pods related to its workloads, as Helm's `kube.Client.Get(resources, related)`
//! collects them (keyed `VERSION/KIND`, pods under `v1/Pod(related)`).

use crate::kube::{Cluster, KubeError};
use crate::release::Release;
use serde_json::{Map, Value};

/// `Accept` of a server-side table, as kubectl asks for it.
pub const TABLE_ACCEPT: &str =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// The objects of `rel`'s manifest as the cluster has them now, with the pods that
/// workloads select. `table`: each as the server's `Table` (what the text output
/// prints), else as the object itself (JSON/YAML output). Objects that cannot be read
/// are left out, as Helm leaves them out; a kind the cluster does not serve is an error,
/// as in Helm's `Build`.
pub fn release_resources(
    cluster: &dyn Cluster,
    rel: &Release,
    table: bool,
) -> Result<Map<String, Value>, KubeError> {
    let docs = crate::yaml::parse_all_typed(&rel.manifest, "manifest").map_err(|e| {
        KubeError::Transport(format!("the manifest of release {:?}: {e}", rel.name))
    })?;
    let mut out: Map<String, Value> = Map::new();
    let mut selectors: Vec<Map<String, Value>> = Vec::new();
    for doc in docs {
        let obj = doc.to_json().map_err(|e| {
            KubeError::Transport(format!("the manifest of release {:?}: {e}", rel.name))
        })?;
        let s = |p: &str| {
            obj.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (api_version, kind, name) = (s("/apiVersion"), s("/kind"), s("/metadata/name"));
        if kind.is_empty() || name.is_empty() {
            continue;
        }
        // As Helm's Build: an object the cluster cannot map fails the whole command.
        let res = cluster.resource(&api_version, &kind).map_err(|e| {
            let ns = obj.pointer("/metadata/namespace").and_then(Value::as_str);
            KubeError::Transport(crate::kube::build_error(&name, ns.unwrap_or(""), &e))
        })?;
        let ns = Some(s("/metadata/namespace"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| rel.namespace.clone());
        let live = match cluster.get(&res, Some(&ns), &name) {
            Ok(Some(o)) => o,
            _ => continue,
        };
        let shown = if table {
            let path = format!("{}/{}", res.url_path(Some(&ns)), name);
            match cluster.get_as(&path, TABLE_ACCEPT) {
                Ok(Some(t)) => t,
                _ => live.clone(),
            }
        } else {
            live.clone()
        };
        push(&mut out, &format!("{}/{}", res.version, kind), shown);
        // Related pods, once per distinct selector.
        let selector = match kind.as_str() {
            "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => {
                live.pointer("/spec/selector/matchLabels")
            }
            "ReplicationController" => live.pointer("/spec/selector"),
            _ => None,
        };
        let Some(Value::Object(sel)) = selector.cloned() else {
            continue;
        };
        if selectors.contains(&sel) {
            continue;
        }
        selectors.push(sel.clone());
        let label_selector: Vec<String> = sel
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect();
        let label_selector = label_selector.join(",");
        let pods = crate::kube::Resource::core("Pod", "pods");
        let path = format!(
            "{}?labelSelector={}",
            pods.url_path(Some(&ns)),
            url::form_urlencoded::byte_serialize(label_selector.as_bytes()).collect::<String>()
        );
        let accept = if table {
            TABLE_ACCEPT
        } else {
            "application/json"
        };
        let listed = cluster.get_as(&path, accept).ok().flatten();
        let listed = match listed {
            Some(t) => t,
            None => match cluster.list(&pods, Some(&ns), &label_selector) {
                Ok(items) => serde_json::json!({
                    "apiVersion": "v1", "kind": "PodList",
                    "metadata": {"resourceVersion": ""}, "items": items,
                }),
                Err(_) => continue,
            },
        };
        push(&mut out, "v1/Pod(related)", listed);
    }
    Ok(out)
}

fn push(out: &mut Map<String, Value>, key: &str, v: Value) {
    match out
        .entry(key.to_string())
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(a) => a.push(v),
        other => *other = Value::Array(vec![v]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::{FakeCluster, WriteOptions};
    use serde_json::json;

    #[test]
    fn objects_by_version_and_kind_with_related_pods() {
        let c = FakeCluster::default();
        let w = WriteOptions::default();
        let d = c.resource("apps/v1", "Deployment").expect("kind");
        c.create(&d, Some("default"), &json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}}}), &w).expect("create");
        let p = c.resource("v1", "Pod").expect("pod");
        c.create(&p, Some("default"), &json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "labels": {"app": "web"}}}), &w).expect("pod");
        c.create(&p, Some("default"), &json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "other", "labels": {"app": "x"}}}), &w).expect("pod");
        let rel = Release {
            name: "r".into(),
            namespace: "default".into(),
            manifest: "---\n# Source: c/templates/d.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n".into(),
            ..Release::default()
        };
        let got = release_resources(&c, &rel, true).expect("resources");
        assert_eq!(
            got.keys().cloned().collect::<Vec<_>>(),
            ["v1/Deployment", "v1/Pod(related)"]
        );
        let pods = &got["v1/Pod(related)"][0];
        assert_eq!(pods["kind"], "PodList");
        assert_eq!(pods["items"].as_array().map(Vec::len), Some(1));
        let odd = Release {
            manifest: "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n".into(),
            ..rel
        };
        let e = release_resources(&c, &odd, false).expect_err("unknown kind");
        assert!(
            e.to_string().contains(r#"no matches for kind "Widget""#),
            "{e}"
        );
    }
}
