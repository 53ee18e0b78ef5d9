//! Field ownership for server-side apply (simplified `managedFields`): the leaf field
//! paths of an object, who owns which, conflicts, and the `fieldsV1` rendering.
//!
//! Lists follow the patch metadata of built-in kinds (from `hke_core`'s table, through
//! the OpenAPI schemas of [`hke_core::patch::PatchSchema::builtin_openapi_schemas`]): a
//! list with a merge key is associative (its items are `k:{"name":"web"}` paths), a
//! merging list of scalars is a set (`v:"x"`), every other list is atomic (one leaf).
//! Custom resources have atomic lists.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use hke_core::patch::PatchSchema;

/// One field path: `f:name`, `k:{json}` or `v:json` elements.
pub type FieldPath = Vec<String>;

/// The OpenAPI schemas of one built-in kind, for walking objects.
#[derive(Debug)]
pub struct KindSchema {
    root: String,
    defs: Map<String, Value>,
}

impl KindSchema {
    /// The schema of a built-in kind (`api_version` as in objects), `None` for others.
    pub fn for_kind(api_version: &str, kind: &str) -> Option<KindSchema> {
        let key = format!("{api_version}/{kind}");
        let defs = PatchSchema::builtin_openapi_schemas(std::slice::from_ref(&key), true);
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let root = defs.iter().find_map(|(n, s)| {
            s.get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
                .is_some_and(|a| {
                    a.iter().any(|g| {
                        g["group"] == group && g["version"] == version && g["kind"] == kind
                    })
                })
                .then(|| n.clone())
        })?;
        Some(KindSchema { root, defs })
    }

    /// Follows `$ref` / `allOf: [{$ref}]` to the referenced schema.
    fn resolve<'a>(&'a self, s: &'a Value) -> &'a Value {
        let r = s.get("$ref").and_then(Value::as_str).or_else(|| {
            s.get("allOf")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(|x| x.get("$ref"))
                .and_then(Value::as_str)
        });
        match r.and_then(|r| r.rsplit('/').next()) {
            Some(name) => self.defs.get(name).unwrap_or(s),
            None => s,
        }
    }
}

/// Top-level and metadata fields that are never owned.
const UNOWNED_META: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
];

/// Most leaves collected from one object.
const MAX_LEAVES: usize = 100_000;

/// The owned leaf paths of an object (no `apiVersion`, `kind`, `status`, or server-set
/// metadata).
pub fn leaves(obj: &Value, schema: Option<&KindSchema>) -> BTreeSet<FieldPath> {
    let mut out = BTreeSet::new();
    let Some(m) = obj.as_object() else {
        return out;
    };
    let root = schema.and_then(|s| s.defs.get(&s.root));
    for (k, v) in m {
        if matches!(k.as_str(), "apiVersion" | "kind" | "status") {
            continue;
        }
        let prop = root.and_then(|r| r.pointer(&format!("/properties/{k}")));
        if k == "metadata" {
            if let Some(mm) = v.as_object() {
                let meta_schema = prop.and_then(|p| schema.map(|s| s.resolve(p)));
                for (mk, mv) in mm {
                    if UNOWNED_META.contains(&mk.as_str()) {
                        continue;
                    }
                    let mp = meta_schema.and_then(|s| s.pointer(&format!("/properties/{mk}")));
                    let path = vec!["f:metadata".to_string(), format!("f:{mk}")];
                    walk_field(mv, mp, schema, path, &mut out, 0);
                }
            }
            continue;
        }
        walk_field(v, prop, schema, vec![format!("f:{k}")], &mut out, 0);
    }
    out
}

/// Most nesting followed.
const MAX_DEPTH: usize = 64;

fn walk_field(
    v: &Value,
    prop: Option<&Value>,
    schema: Option<&KindSchema>,
    path: FieldPath,
    out: &mut BTreeSet<FieldPath>,
    depth: usize,
) {
    if depth > MAX_DEPTH || out.len() >= MAX_LEAVES {
        out.insert(path);
        return;
    }
    match v {
        Value::Object(m) if !m.is_empty() => {
            let node = match (prop, schema) {
                (Some(p), Some(s)) => Some(s.resolve(p)),
                _ => None,
            };
            for (k, child) in m {
                let child_prop = node.and_then(|n| {
                    n.pointer(&format!("/properties/{k}"))
                        .or_else(|| n.get("additionalProperties"))
                });
                let mut p = path.clone();
                p.push(format!("f:{k}"));
                walk_field(child, child_prop, schema, p, out, depth + 1);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let strategy = prop
                .and_then(|p| p.get("x-kubernetes-patch-strategy"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let key = prop
                .and_then(|p| p.get("x-kubernetes-patch-merge-key"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let merging = strategy.split(',').any(|s| s == "merge");
            let item_prop = prop.and_then(|p| p.get("items"));
            if merging && !key.is_empty() && items.iter().all(|i| i.get(key).is_some()) {
                for item in items {
                    let mut p = path.clone();
                    p.push(format!("k:{}", json!({ key: item[key] })));
                    out.insert(p.clone());
                    walk_field(item, item_prop, schema, p, out, depth + 1);
                }
            } else if merging && key.is_empty() && items.iter().all(|i| !i.is_object()) {
                for item in items {
                    let mut p = path.clone();
                    p.push(format!("v:{item}"));
                    out.insert(p);
                }
            } else {
                out.insert(path);
            }
        }
        _ => {
            out.insert(path);
        }
    }
}

/// The value at a path (`None` when absent).
pub fn value_at<'a>(obj: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = obj;
    for el in path {
        if let Some(f) = el.strip_prefix("f:") {
            cur = cur.get(f)?;
        } else if let Some(k) = el.strip_prefix("k:") {
            let want: Map<String, Value> = serde_json::from_str(k).ok()?;
            cur = cur
                .as_array()?
                .iter()
                .find(|i| want.iter().all(|(kk, kv)| i.get(kk) == Some(kv)))?;
        } else if let Some(v) = el.strip_prefix("v:") {
            let want: Value = serde_json::from_str(v).ok()?;
            cur = cur.as_array()?.iter().find(|i| **i == want)?;
        } else {
            return None;
        }
    }
    Some(cur)
}

/// Whether two objects agree at a path: list items and set members by presence, other
/// leaves by value.
pub fn same_at(a: &Value, b: &Value, path: &[String]) -> bool {
    let item = path
        .last()
        .is_some_and(|l| l.starts_with("k:") || l.starts_with("v:"));
    match (value_at(a, path), value_at(b, path)) {
        (Some(_), Some(_)) if item => true,
        (x, y) => x == y,
    }
}

/// `.spec.template.spec.containers[name="web"].image`.
pub fn render_path(path: &[String]) -> String {
    let mut s = String::new();
    for el in path {
        if let Some(f) = el.strip_prefix("f:") {
            s.push('.');
            s.push_str(f);
        } else if let Some(k) = el.strip_prefix("k:") {
            let m: Map<String, Value> = serde_json::from_str(k).unwrap_or_default();
            let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
            s.push_str(&format!("[{}]", parts.join(",")));
        } else if let Some(v) = el.strip_prefix("v:") {
            s.push_str(&format!("[={v}]"));
        }
    }
    s
}

/// The `fieldsV1` tree of a set of paths (list items carry a `.` entry).
pub fn fields_v1(paths: &BTreeSet<FieldPath>) -> Value {
    let mut root = Map::new();
    for p in paths {
        let mut cur = &mut root;
        for el in p {
            let next = cur.entry(el.clone()).or_insert_with(|| json!({}));
            if !next.is_object() {
                *next = json!({});
            }
            let Value::Object(m) = next else {
                break;
            };
            if el.starts_with("k:") {
                m.entry(".".to_string()).or_insert_with(|| json!({}));
            }
            cur = m;
        }
    }
    Value::Object(root)
}

/// One field manager's entry.
#[derive(Debug, Clone)]
pub struct Owner {
    /// The manager name.
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: String,
    /// The API version it wrote with.
    pub api_version: String,
    /// When it last wrote.
    pub time: String,
    /// The leaves it owns.
    pub paths: BTreeSet<FieldPath>,
}

impl Owner {
    /// The `managedFields` entry.
    pub fn entry(&self) -> Value {
        json!({
            "manager": self.manager, "operation": self.operation,
            "apiVersion": self.api_version, "time": self.time,
            "fieldsType": "FieldsV1", "fieldsV1": fields_v1(&self.paths),
        })
    }
}

/// Conflicts of an apply by `manager`: (other manager, its API version, path) for every
/// applied leaf another manager owns where the applied value differs from the current.
pub fn conflicts(
    owners: &[Owner],
    manager: &str,
    applied_leaves: &BTreeSet<FieldPath>,
    applied: &Value,
    current: &Value,
) -> Vec<(String, String, FieldPath)> {
    let mut out = Vec::new();
    for o in owners {
        if o.manager == manager && o.operation == "Apply" {
            continue;
        }
        for p in o.paths.intersection(applied_leaves) {
            if !same_at(applied, current, p) {
                out.push((o.manager.clone(), o.api_version.clone(), p.clone()));
            }
        }
    }
    out
}

/// The API server's conflict message.
pub fn conflict_message(conflicts: &[(String, String, FieldPath)]) -> String {
    let n = conflicts.len();
    if let [(m, av, p)] = conflicts {
        return format!(
            "Apply failed with 1 conflict: conflict with \"{m}\" using {av}: {}",
            render_path(p)
        );
    }
    let mut managers: Vec<(&String, &String)> =
        conflicts.iter().map(|(m, av, _)| (m, av)).collect();
    managers.sort();
    managers.dedup();
    let mut lines = Vec::new();
    for (m, av) in managers {
        lines.push(format!("conflicts with \"{m}\" using {av}:"));
        for (_, _, p) in conflicts.iter().filter(|(cm, _, _)| cm == m) {
            lines.push(format!("- {}", render_path(p)));
        }
    }
    format!("Apply failed with {n} conflicts: {}", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_follow_list_semantics() {
        let schema = KindSchema::for_kind("apps/v1", "Deployment").unwrap();
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x", "labels": {"app": "x"}},
            "spec": {"replicas": 1, "template": {"spec": {
                "containers": [{"name": "web", "image": "i", "args": ["a", "b"]}]}}},
            "status": {"replicas": 1}});
        let l = leaves(&d, Some(&schema));
        let rendered: Vec<String> = l.iter().map(|p| render_path(p)).collect();
        assert_eq!(
            rendered,
            [
                ".metadata.labels.app",
                ".spec.replicas",
                ".spec.template.spec.containers[name=\"web\"]",
                ".spec.template.spec.containers[name=\"web\"].args",
                ".spec.template.spec.containers[name=\"web\"].image",
                ".spec.template.spec.containers[name=\"web\"].name",
            ]
        );
        let p = l
            .iter()
            .find(|p| render_path(p).ends_with(".image"))
            .unwrap();
        assert_eq!(value_at(&d, p), Some(&json!("i")));
        let v1 = fields_v1(&l);
        assert!(
            v1["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"web\"}"]["."]
                .is_object()
        );
    }

    #[test]
    fn conflicts_name_the_other_manager() {
        let a = json!({"spec": {"replicas": 3}});
        let cur = json!({"spec": {"replicas": 2}});
        let owners = vec![Owner {
            manager: "kubectl-edit".into(),
            operation: "Update".into(),
            api_version: "apps/v1".into(),
            time: String::new(),
            paths: leaves(&cur, None),
        }];
        let c = conflicts(&owners, "helm", &leaves(&a, None), &a, &cur);
        assert_eq!(
            conflict_message(&c),
            "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas"
        );
        assert!(conflicts(&owners, "helm", &leaves(&cur, None), &cur, &cur).is_empty());
    }
}
