//! `helm install` (Helm's `pkg/action/install.go`), on a [`Cluster`] with release
//! [`Storage`]: render as `template` does, check the name is free and that no rendered
//! object belongs to someone else, create the namespace (`--create-namespace`) and the
//! chart's CRDs, record the release as `pending-install`, create every object in
//! install order with Helm's ownership metadata, then record it `deployed` (or `failed`
//! with the reason). Hooks are not run yet: a chart with install hooks is refused unless
//! `--no-hooks` is given.

use crate::action::template::{crd_files, template, TemplateOptions};
use crate::kube::{Cluster, KubeError, WriteOptions};
use crate::release::{record::chart_record, GoTime, Hook as HookRecord, Info, Release, Status};
use crate::storage::{Storage, StorageError};
use serde_json::{json, Value};
use std::path::Path;

/// Options of an install.
#[derive(Debug, Default)]
pub struct InstallOptions {
    /// Rendering: release name, namespace, values, ...
    pub template: TemplateOptions,
    /// `--create-namespace`.
    pub create_namespace: bool,
    /// `--description`.
    pub description: Option<String>,
    /// `--no-hooks`.
    pub no_hooks: bool,
    /// `--skip-crds`.
    pub skip_crds: bool,
}

/// Helm's ownership metadata on an object of release `name` in `namespace`.
pub fn set_ownership(obj: &mut Value, name: &str, namespace: &str) {
    if !obj.get("metadata").is_some_and(Value::is_object) {
        obj["metadata"] = json!({});
    }
    let meta = &mut obj["metadata"];
    if !meta.get("labels").is_some_and(Value::is_object) {
        meta["labels"] = json!({});
    }
    meta["labels"]["app.kubernetes.io/managed-by"] = json!("Helm");
    if !meta.get("annotations").is_some_and(Value::is_object) {
        meta["annotations"] = json!({});
    }
    meta["annotations"]["meta.helm.sh/release-name"] = json!(name);
    meta["annotations"]["meta.helm.sh/release-namespace"] = json!(namespace);
}

/// Helm's `checkOwnership`: the errors for an existing object not owned by the release.
fn ownership_errors(live: &Value, name: &str, namespace: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let label = live.pointer("/metadata/labels/app.kubernetes.io~1managed-by");
    match label.and_then(Value::as_str) {
        Some("Helm") => {}
        Some(other) => errs.push(format!("label validation error: key \"app.kubernetes.io/managed-by\" must equal \"Helm\": current value is \"{other}\"")),
        None => errs.push("label validation error: missing key \"app.kubernetes.io/managed-by\": must be set to \"Helm\"".into()),
    }
    for (key, want) in [
        ("meta.helm.sh/release-name", name),
        ("meta.helm.sh/release-namespace", namespace),
    ] {
        let ptr = format!("/metadata/annotations/{}", key.replace('/', "~1"));
        match live.pointer(&ptr).and_then(Value::as_str) {
            Some(v) if v == want => {}
            Some(v) => errs.push(format!("annotation validation error: key {key:?} must equal {want:?}: current value is {v:?}")),
            None => errs.push(format!("annotation validation error: missing key {key:?}: must be set to {want:?}")),
        }
    }
    errs
}

fn failed(e: impl std::fmt::Display) -> String {
    format!("INSTALLATION FAILED: {e}")
}

/// One object of the manifest, ready to create.
struct Planned {
    res: crate::kube::Resource,
    namespace: Option<String>,
    obj: Value,
    exists: bool,
}

/// Installs a chart. `read` provides values files.
pub fn install(
    cluster: &dyn Cluster,
    storage: &Storage,
    chart_path: &Path,
    opts: &InstallOptions,
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<Release, String> {
    let out = template(chart_path, &opts.template, read);
    if let Some(e) = out.error {
        return Err(failed(e));
    }
    let name = out.release_name.clone();
    let namespace = opts
        .template
        .namespace
        .clone()
        .unwrap_or_else(|| cluster.default_namespace().to_string());
    // availableName: a name in use (its last revision neither uninstalled nor failed).
    match storage.history(&name) {
        Ok(h) => {
            if let Some(last) = h.iter().max_by_key(|r| r.version) {
                if !matches!(last.status(), Status::Uninstalled | Status::Failed) {
                    return Err(failed("cannot re-use a name that is still in use"));
                }
            }
        }
        Err(StorageError::NotFound) => {}
        Err(e) => return Err(failed(e)),
    }
    let install_hooks: Vec<&crate::engine::manifest::Hook> = out
        .hooks
        .iter()
        .filter(|h| !crate::engine::output::is_test_hook(h))
        .collect();
    if !opts.no_hooks && !install_hooks.is_empty() {
        return Err(failed(format!(
            "the chart has {} install hook(s), which hke does not run yet; use --no-hooks to install without them",
            install_hooks.len()
        )));
    }
    let chart = out
        .chart
        .clone()
        .ok_or_else(|| failed("no chart was loaded"))?;
    // Build every object first: kinds must be served, and nothing may belong to another
    // release (Helm's existingResourceConflict), before anything is written.
    let mut planned = Vec::new();
    for m in &out.manifests {
        // As in the release manifest, where each document is followed by a newline (a
        // final block scalar keeps it).
        let doc = crate::yaml::parse_typed(&format!("{}\n", m.content), &m.name).map_err(failed)?;
        let mut obj = doc
            .to_json()
            .map_err(|e| failed(format!("{}: {e}", m.name)))?;
        if obj.is_null() {
            continue;
        }
        let api_version = obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let kind = obj
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let obj_name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let res = cluster.resource(&api_version, &kind).map_err(|e| {
            let ns = obj.pointer("/metadata/namespace").and_then(Value::as_str);
            failed(crate::kube::build_error(&obj_name, ns.unwrap_or(""), &e))
        })?;
        let ns = res.namespaced.then(|| {
            obj.pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .unwrap_or(&namespace)
                .to_string()
        });
        let live = cluster
            .get(&res, ns.as_deref(), &obj_name)
            .map_err(failed)?;
        if let Some(live) = &live {
            let errs = ownership_errors(live, &name, &namespace);
            if !errs.is_empty() {
                return Err(failed(format!(
                    "Unable to continue with install: {kind} {obj_name:?} in namespace {:?} exists and cannot be imported into the current release: invalid ownership metadata; {}",
                    ns.as_deref().unwrap_or(""),
                    errs.join("; ")
                )));
            }
        }
        set_ownership(&mut obj, &name, &namespace);
        planned.push(Planned {
            res,
            namespace: ns,
            obj,
            exists: live.is_some(),
        });
    }
    let w = WriteOptions::default();
    if opts.create_namespace {
        let ns_res = cluster.resource("v1", "Namespace").map_err(failed)?;
        let ns_obj = json!({"apiVersion": "v1", "kind": "Namespace",
                            "metadata": {"name": namespace, "labels": {"name": namespace}}});
        match cluster.create(&ns_res, None, &ns_obj, &w) {
            Ok(_) | Err(KubeError::AlreadyExists { .. }) => {}
            Err(e) => return Err(failed(e)),
        }
    }
    if !opts.skip_crds {
        for crd in crd_files(&chart, None) {
            for doc in crate::yaml::parse_all_typed(&crd.data, &crd.filename).map_err(failed)? {
                let obj = doc
                    .to_json()
                    .map_err(|e| failed(format!("{}: {e}", crd.filename)))?;
                if obj.is_null() {
                    continue;
                }
                let av = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
                let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
                let res = cluster.resource(av, kind).map_err(failed)?;
                match cluster.create(&res, None, &obj, &w) {
                    Ok(_) | Err(KubeError::AlreadyExists { .. }) => {}
                    Err(e) => {
                        return Err(failed(format!(
                            "failed to install CRD {}: {e}",
                            crd.filename
                        )))
                    }
                }
            }
        }
    }
    let now = GoTime::now();
    let config = crate::value::Value::Map(out.config.clone())
        .to_json()
        .ok()
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        });
    let hooks: Vec<HookRecord> = out
        .hooks
        .iter()
        .map(|h| HookRecord {
            name: h.name.clone(),
            kind: h.kind.clone(),
            path: h.path.clone(),
            manifest: h.manifest.clone(),
            events: Some(h.events.iter().map(|e| e.as_str().to_string()).collect()),
            weight: h.weight,
            delete_policies: Some(h.delete_policies.clone()),
            ..HookRecord::default()
        })
        .collect();
    let mut rel = Release {
        name: name.clone(),
        namespace: namespace.clone(),
        version: 1,
        chart: Some(chart_record(&chart)),
        config,
        manifest: crate::engine::output::release_manifest(&[], &out.manifests),
        hooks: Some(hooks),
        info: Some(Info {
            first_deployed: now.clone(),
            last_deployed: now,
            notes: out.notes.clone(),
            ..Info::default()
        }),
        ..Release::default()
    };
    rel.set_status(Status::PendingInstall, "Initial install underway");
    storage.create(&rel).map_err(failed)?;
    let mut result = Ok(());
    for p in &planned {
        let r = if p.exists {
            cluster.replace(&p.res, p.namespace.as_deref(), &p.obj, &w)
        } else {
            cluster.create(&p.res, p.namespace.as_deref(), &p.obj, &w)
        };
        if let Err(e) = r {
            result = Err(e.to_string());
            break;
        }
    }
    match result {
        Ok(()) => {
            let desc = opts
                .description
                .clone()
                .unwrap_or_else(|| "Install complete".into());
            rel.set_status(Status::Deployed, &desc);
            storage.update(&rel).map_err(failed)?;
            Ok(rel)
        }
        Err(e) => {
            rel.set_status(Status::Failed, &format!("Release {name:?} failed: {e}"));
            let _ = storage.update(&rel);
            Err(failed(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::FakeCluster;
    use crate::storage::MemoryDriver;

    fn chart(dir: &Path, templates: &[(&str, &str)]) {
        std::fs::create_dir_all(dir.join("templates")).expect("dir");
        std::fs::write(
            dir.join("Chart.yaml"),
            "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        )
        .expect("Chart.yaml");
        for (n, t) in templates {
            std::fs::write(dir.join("templates").join(n), t).expect("template");
        }
    }

    fn opts(name: &str) -> InstallOptions {
        InstallOptions {
            template: TemplateOptions {
                release_name: Some(name.into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn installs_refuses_hooks_and_foreign_objects() {
        let dir = std::env::temp_dir().join(format!("hke-install-unit-{}", std::process::id()));
        let plain = dir.join("plain");
        chart(
            &plain,
            &[(
                "cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
            )],
        );
        let hooked = dir.join("hooked");
        chart(&hooked, &[("job.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n")]);
        let cluster = FakeCluster::default();
        let storage = Storage::new(Box::new(MemoryDriver::new("default")));
        let mut read = |p: &str| std::fs::read(p).map_err(|e| e.to_string());
        let rel = install(&cluster, &storage, &plain, &opts("a"), &mut read).expect("install");
        assert_eq!(rel.status(), Status::Deployed);
        let cm = cluster.resource("v1", "ConfigMap").expect("cm");
        let live = cluster
            .get(&cm, Some("default"), "cm")
            .expect("get")
            .expect("created");
        assert_eq!(
            live["metadata"]["annotations"]["meta.helm.sh/release-name"],
            "a"
        );
        assert_eq!(
            storage.last("a").expect("record").status(),
            Status::Deployed
        );
        // The name is in use; another release may not take the object.
        let e = install(&cluster, &storage, &plain, &opts("a"), &mut read).expect_err("in use");
        assert_eq!(
            e,
            "INSTALLATION FAILED: cannot re-use a name that is still in use"
        );
        let e = install(&cluster, &storage, &plain, &opts("b"), &mut read).expect_err("owned");
        assert!(e.contains("ConfigMap \"cm\" in namespace \"default\" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key \"meta.helm.sh/release-name\" must equal \"b\": current value is \"a\""), "{e}");
        assert!(
            storage.history("b").is_err(),
            "nothing recorded for a refused install"
        );
        // Hooks are refused, not skipped, unless --no-hooks.
        let e = install(&cluster, &storage, &hooked, &opts("h"), &mut read).expect_err("hooks");
        assert!(e.contains("--no-hooks"), "{e}");
        let mut no_hooks = opts("h");
        no_hooks.no_hooks = true;
        install(&cluster, &storage, &hooked, &no_hooks, &mut read).expect("no hooks");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
