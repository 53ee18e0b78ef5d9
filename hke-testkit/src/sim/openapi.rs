//! OpenAPI documents for the served kinds: `/openapi/v2` (Swagger 2.0, JSON) and
//! `/openapi/v3` (the index) plus `/openapi/v3/api/v1`, `/openapi/v3/apis/G/V`.
//!
//! Component schemas come from `hke_core`'s built-in patch metadata table
//! ([`hke_core::patch::PatchSchema::builtin_openapi_schemas`]): every struct type with its
//! fields, the `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` of the fields
//! that have them (what `kubectl apply` computes strategic merge patches from) and
//! `x-kubernetes-group-version-kind` on kinds. Scalars carry no type, so the documents are
//! permissive. Custom resources get their CRD version's `openAPIV3Schema`, or a bare
//! `type: object` schema.
//!
//! Paths list the usual operations per resource; every `PATCH`, `PUT` and `POST` declares
//! the `fieldValidation` query parameter, which is how kubectl and helm decide that the
//! server validates fields itself and skip client-side schema validation.

use serde_json::{json, Map, Value};

use hke_core::patch::PatchSchema;

use super::resources::Resource;

/// `apiVersion/kind` key of the built-in table.
fn kind_key(r: &Resource) -> String {
    format!("{}/{}", r.api_version(), r.kind)
}

/// OpenAPI name of a kind outside the built-in table (`com.example.v1.Widget`).
fn fallback_name(r: &Resource) -> String {
    let mut group: Vec<&str> = r.group.split('.').filter(|s| !s.is_empty()).collect();
    group.reverse();
    if group.is_empty() {
        format!("io.k8s.api.core.{}.{}", r.version, r.kind)
    } else {
        format!("{}.{}.{}", group.join("."), r.version, r.kind)
    }
}

fn gvk(r: &Resource) -> Value {
    json!({"group": r.group, "kind": r.kind, "version": r.version})
}

/// Schemas for `rs` keyed by name, and the name of each resource's kind schema.
fn schemas(rs: &[&Resource], v3: bool) -> (Map<String, Value>, Vec<String>) {
    let keys: Vec<String> = rs.iter().map(|r| kind_key(r)).collect();
    let mut out = PatchSchema::builtin_openapi_schemas(&keys, v3);
    let mut names = Vec::new();
    for r in rs {
        let found = out.iter().find_map(|(n, s)| {
            s.get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
                .is_some_and(|a| a.contains(&gvk(r)))
                .then(|| n.clone())
        });
        let name = match found {
            Some(n) => n,
            None => {
                let n = fallback_name(r);
                let mut schema = match &r.schema {
                    // a CRD's own schema
                    Some(s) if s.is_object() => s.clone(),
                    _ => json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
                };
                if let Some(m) = schema.as_object_mut() {
                    m.insert("x-kubernetes-group-version-kind".into(), json!([gvk(r)]));
                }
                out.insert(n.clone(), schema);
                n
            }
        };
        names.push(name);
    }
    (out, names)
}

/// The query parameters of a write operation (`dryRun`, `fieldManager`, `fieldValidation`,
/// and `force` for patches).
fn write_params(v3: bool, patch: bool) -> Vec<Value> {
    let mut names = vec!["dryRun", "fieldManager", "fieldValidation"];
    if patch {
        names.push("force");
    }
    names
        .into_iter()
        .map(|n| {
            let ty = if n == "force" { "boolean" } else { "string" };
            if v3 {
                json!({"name": n, "in": "query", "schema": {"type": ty, "uniqueItems": true}})
            } else {
                json!({"name": n, "in": "query", "type": ty, "uniqueItems": true})
            }
        })
        .collect()
}

fn path_param(name: &str, v3: bool) -> Value {
    if v3 {
        json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "uniqueItems": true}})
    } else {
        json!({"name": name, "in": "path", "required": true, "type": "string", "uniqueItems": true})
    }
}

fn operation(
    r: &Resource,
    schema: &str,
    action: &str,
    verb: &str,
    v3: bool,
    params: Vec<Value>,
) -> Value {
    let reference = if v3 {
        format!("#/components/schemas/{schema}")
    } else {
        format!("#/definitions/{schema}")
    };
    let response = if v3 {
        json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": reference}}}})
    } else {
        json!({"description": "OK", "schema": {"$ref": reference}})
    };
    let mut op = json!({
        "operationId": format!("{verb}{}{}", r.group.replace('.', ""), r.kind),
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": gvk(r),
        "parameters": params,
        "responses": {"200": response},
    });
    if v3 && matches!(action, "put" | "post" | "patch") {
        let types: &[&str] = if action == "patch" {
            &[
                "application/json-patch+json",
                "application/merge-patch+json",
                "application/strategic-merge-patch+json",
                "application/apply-patch+yaml",
            ]
        } else {
            &["application/json"]
        };
        let content: Map<String, Value> = types
            .iter()
            .map(|t| (t.to_string(), json!({"schema": {"$ref": reference}})))
            .collect();
        if let Some(m) = op.as_object_mut() {
            m.insert(
                "requestBody".into(),
                json!({"content": content, "required": true}),
            );
        }
    }
    op
}

/// Paths of one resource.
fn paths(r: &Resource, schema: &str, v3: bool, out: &mut Map<String, Value>) {
    let prefix = if r.group.is_empty() {
        format!("/api/{}", r.version)
    } else {
        format!("/apis/{}/{}", r.group, r.version)
    };
    let (coll, mut coll_params) = if r.namespaced {
        (
            format!("{prefix}/namespaces/{{namespace}}/{}", r.plural),
            vec![path_param("namespace", v3)],
        )
    } else {
        (format!("{prefix}/{}", r.plural), Vec::new())
    };
    let item = format!("{coll}/{{name}}");
    let mut item_params = coll_params.clone();
    item_params.insert(0, path_param("name", v3));
    coll_params.shrink_to_fit();
    let op = |action: &str, verb: &str, params: Vec<Value>| {
        operation(r, schema, action, verb, v3, params)
    };
    out.insert(
        coll.clone(),
        json!({
            "get": op("list", "list", Vec::new()),
            "post": op("post", "create", write_params(v3, false)),
            "delete": op("deletecollection", "deleteCollection", Vec::new()),
            "parameters": coll_params,
        }),
    );
    let item_ops = |sub: &str| {
        json!({
            "get": op("get", &format!("read{sub}"), Vec::new()),
            "put": op("put", &format!("replace{sub}"), write_params(v3, false)),
            "patch": op("patch", &format!("patch{sub}"), write_params(v3, true)),
            "parameters": item_params,
        })
    };
    let mut main = item_ops("");
    if let Some(m) = main.as_object_mut() {
        m.insert("delete".into(), op("delete", "delete", Vec::new()));
    }
    out.insert(item.clone(), main);
    if super::store::has_status_subresource(r) {
        out.insert(format!("{item}/status"), item_ops("Status"));
    }
    if r.namespaced {
        out.insert(
            format!("{prefix}/{}", r.plural),
            json!({"get": op("list", "listForAllNamespaces", Vec::new())}),
        );
    }
}

/// The OpenAPI v3 document of one group/version (`None` when nothing is served there).
pub fn v3_group_version(all: &[Resource], group: &str, version: &str) -> Option<Value> {
    let rs: Vec<&Resource> = all
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    if rs.is_empty() {
        return None;
    }
    let (schemas, names) = schemas(&rs, true);
    let mut p = Map::new();
    for (r, n) in rs.iter().zip(&names) {
        paths(r, n, true, &mut p);
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": p,
        "components": {"schemas": schemas},
    }))
}

/// FNV-1a over the resource names of a group/version: changes when the served kinds change.
fn gv_hash(all: &[Resource], group: &str, version: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for r in all
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        for b in format!("{}/{}/{};", r.plural, r.kind, r.namespaced).bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016X}")
}

/// The `/openapi/v3` index: one entry per served group/version.
pub fn v3_index(all: &[Resource]) -> Value {
    let mut paths = Map::new();
    for r in all {
        let key = if r.group.is_empty() {
            format!("api/{}", r.version)
        } else {
            format!("apis/{}/{}", r.group, r.version)
        };
        if !paths.contains_key(&key) {
            let url = format!(
                "/openapi/v3/{key}?hash={}",
                gv_hash(all, &r.group, &r.version)
            );
            paths.insert(key, json!({"serverRelativeURL": url}));
        }
    }
    json!({ "paths": paths })
}

/// The OpenAPI v2 (Swagger 2.0) document of every served kind.
pub fn v2(all: &[Resource]) -> Value {
    let rs: Vec<&Resource> = all.iter().collect();
    let (definitions, names) = schemas(&rs, false);
    let mut p = Map::new();
    for (r, n) in rs.iter().zip(&names) {
        paths(r, n, false, &mut p);
    }
    json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": p,
        "definitions": definitions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::builtin;

    #[test]
    fn v3_apps_has_deployment_with_patch_metadata_and_field_validation() {
        let all = builtin();
        let doc = v3_group_version(&all, "apps", "v1").unwrap();
        let dep = &doc["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(
            dep["x-kubernetes-group-version-kind"][0]["kind"],
            "Deployment"
        );
        let c =
            &doc["components"]["schemas"]["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"];
        assert_eq!(c["x-kubernetes-patch-merge-key"], "name");
        let patch =
            &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(
            patch["x-kubernetes-group-version-kind"]["kind"],
            "Deployment"
        );
        assert!(patch["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "fieldValidation"));
        assert!(v3_group_version(&all, "nope", "v1").is_none());
        let idx = v3_index(&all);
        assert!(idx["paths"]["api/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap()
            .starts_with("/openapi/v3/api/v1?hash="));
        let v2 = v2(&all);
        assert!(v2["definitions"]["io.k8s.api.core.v1.ConfigMap"].is_object());
    }
}
