//! `KubeClient`, hke's real cluster client, against the API simulator: discovery-mapped
//! resources, every verb of the `Cluster` trait, the four patch types, watches, OpenAPI
//! v3 patch schemas of kinds the built-in table lacks, and bounded retries of transient
//! failures (injected 503s and dropped connections).

use hke_core::kube::{
    Cluster, ConnectOptions, KubeClient, KubeError, PatchKind, Propagation, WatchEvent,
    WriteOptions,
};
use hke_testkit::sim::{Config, Faults, Simulator};
use serde_json::json;
use std::time::Duration;

fn client(sim: &Simulator, tag: &str) -> KubeClient {
    let dir = std::env::temp_dir().join(format!("hke-kube-sim-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let kc = dir.join("kubeconfig");
    sim.write_kubeconfig(&kc).expect("kubeconfig");
    KubeClient::connect(&ConnectOptions {
        kubeconfig: Some(kc),
        ..Default::default()
    })
    .expect("connect")
}

#[test]
fn every_verb_against_the_simulator() {
    let sim = Simulator::start(Config::default()).expect("sim");
    let c = client(&sim, "verbs");
    assert_eq!(c.default_namespace(), "default");
    let v = c.server_version().expect("version");
    assert_eq!(v.major, "1");
    let d = c.resource("apps/v1", "Deployment").expect("mapping");
    assert_eq!((d.plural.as_str(), d.namespaced), ("deployments", true));
    assert!(
        !c.resource("rbac.authorization.k8s.io/v1", "ClusterRole")
            .expect("cr")
            .namespaced
    );
    assert!(matches!(
        c.resource("example.com/v1", "Widget"),
        Err(KubeError::NoKind { .. })
    ));
    let w = WriteOptions::default();
    let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "a", "image": "x:1"}]}}}});
    // A watch from now sees what follows.
    let start = c.list(&d, Some("default"), "").expect("list");
    assert!(start.is_empty());
    let dry = c
        .create(
            &d,
            Some("default"),
            &obj,
            &WriteOptions {
                dry_run: true,
                ..Default::default()
            },
        )
        .expect("dry run");
    assert_eq!(dry["metadata"]["name"], "web");
    assert!(c.get(&d, Some("default"), "web").expect("get").is_none());
    c.create(&d, Some("default"), &obj, &w).expect("create");
    assert!(matches!(
        c.create(&d, Some("default"), &obj, &w),
        Err(KubeError::AlreadyExists { .. })
    ));
    let p =
        json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x:2"}]}}}});
    let out = c
        .patch(&d, Some("default"), "web", PatchKind::Strategic, &p, &w)
        .expect("strategic");
    assert_eq!(
        out.pointer("/spec/template/spec/containers/0/image"),
        Some(&json!("x:2"))
    );
    let out = c
        .patch(
            &d,
            Some("default"),
            "web",
            PatchKind::Merge,
            &json!({"metadata": {"labels": {"tier": "fe"}}}),
            &w,
        )
        .expect("merge");
    assert_eq!(out["metadata"]["labels"]["tier"], "fe");
    let out = c
        .patch(
            &d,
            Some("default"),
            "web",
            PatchKind::Json,
            &json!([{"op": "replace", "path": "/spec/replicas", "value": 2}]),
            &w,
        )
        .expect("json patch");
    assert_eq!(out["spec"]["replicas"], 2);
    let apply = WriteOptions {
        field_manager: Some("hke-test".into()),
        force: true,
        ..Default::default()
    };
    let out = c
        .patch(&d, Some("default"), "web", PatchKind::Apply,
               &json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "annotations": {"a": "b"}}}), &apply)
        .expect("server-side apply");
    assert_eq!(out["metadata"]["annotations"]["a"], "b");
    assert_eq!(
        c.list(&d, Some("default"), "tier=fe").expect("list").len(),
        1
    );
    assert_eq!(c.list(&d, None, "tier!=fe").expect("list").len(), 0);
    let mut replaced = c
        .get(&d, Some("default"), "web")
        .expect("get")
        .expect("exists");
    replaced["metadata"]["labels"]["tier"] = json!("be");
    c.replace(&d, Some("default"), &replaced, &w)
        .expect("replace");
    // Stale resourceVersion: 409 Conflict.
    assert!(c
        .replace(&d, Some("default"), &replaced, &w)
        .is_err_and(|e| e.is_conflict()));
    // Watch: a change made while watching is seen.
    let cm = c.resource("v1", "ConfigMap").expect("cm");
    let rv = c
        .create(
            &cm,
            Some("default"),
            &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w"}}),
            &w,
        )
        .expect("cm")["metadata"]["resourceVersion"]
        .as_str()
        .map(str::to_string);
    c.patch(
        &cm,
        Some("default"),
        "w",
        PatchKind::Merge,
        &json!({"data": {"k": "v"}}),
        &w,
    )
    .expect("change");
    let mut seen = Vec::new();
    c.watch(
        &cm,
        Some("default"),
        "",
        rv.as_deref(),
        Duration::from_secs(5),
        &mut |e| {
            seen.push(e.clone());
            !matches!(e, WatchEvent::Modified(_))
        },
    )
    .expect("watch");
    assert!(
        seen.iter()
            .any(|e| matches!(e, WatchEvent::Modified(o) if o["data"]["k"] == "v")),
        "{seen:?}"
    );
    c.delete(&d, Some("default"), "web", Propagation::Foreground, &w)
        .expect("delete");
    assert!(matches!(
        c.delete(&d, Some("default"), "web", Propagation::Background, &w),
        Err(KubeError::NotFound { .. })
    ));
    // The built-in table answers for built-in kinds; OpenAPI v3 for the rest.
    assert!(c.patch_schema(&d).expect("schema").is_some());
    assert!(c.request_count() > 10);
}

#[test]
fn transient_failures_are_retried_within_a_bound() {
    let sim = Simulator::start(Config {
        faults: Faults {
            error_rate: 0.4,
            error_codes: vec![503, 500, 429],
            drop_rate: 0.1,
            seed: 7,
            ..Faults::default()
        },
        ..Config::default()
    })
    .expect("sim");
    let c = client(&sim, "faults");
    let cm = c.resource("v1", "ConfigMap").expect("mapping (retried)");
    let w = WriteOptions::default();
    let mut ok = 0;
    for i in 0..20 {
        let obj =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("c{i}")}});
        match c.create(&cm, Some("default"), &obj, &w) {
            Ok(_) => ok += 1,
            // A retried create whose first attempt landed: the object is there.
            Err(KubeError::AlreadyExists { .. }) => ok += 1,
            Err(e) => assert!(
                e.is_transient(),
                "a permanent error from injected faults: {e}"
            ),
        }
    }
    assert!(
        ok >= 18,
        "only {ok}/20 creates succeeded through 40% injected failures"
    );
    assert!(c.request_count() > 20, "no request was retried");
}
