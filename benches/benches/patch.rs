//! Benchmarks of `hke_core::patch::three_way`, each beside the time `serde_json` takes to
//! parse the same three input documents from text (the bar: three-way on a realistic
//! Deployment costs at most 2x the parse; 10k merge-keyed elements cost at most 12x 1k).
//!
//! `two_way_cm` / `two_way_om` are the two diffs inside `three_way` (current→modified,
//! original→modified), shown for the breakdown.
//!
//! Run: `cargo bench -p hke-benches --bench patch`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hke_core::patch::{self, PatchSchema};
use serde_json::{json, Value};

fn container(i: usize, image_tag: &str, extra_env: bool) -> Value {
    let mut env: Vec<Value> = (0..10)
        .map(|e| json!({"name": format!("VAR_{i}_{e}"), "value": format!("value-{e}")}))
        .collect();
    env.push(json!({"name": "SECRET", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}));
    if extra_env {
        env.push(json!({"name": "INJECTED", "value": "1"}));
    }
    json!({
        "name": format!("c{i}"),
        "image": format!("registry.example.com/app/c{i}:{image_tag}"),
        "args": ["--port=8080", "--verbose", format!("--id={i}")],
        "env": env,
        "ports": [{"containerPort": 8080 + i as i64, "name": "http", "protocol": "TCP"},
                  {"containerPort": 9090 + i as i64, "name": "metrics", "protocol": "TCP"}],
        "volumeMounts": [{"name": "data", "mountPath": format!("/data/{i}")},
                         {"name": "config", "mountPath": format!("/etc/c{i}"), "readOnly": true}],
        "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "initialDelaySeconds": 5},
    })
}

fn deployment(image_tag: &str, replicas: i64, live: bool) -> Value {
    let mut containers: Vec<Value> = (0..5)
        .map(|i| container(i, image_tag, live && i == 0))
        .collect();
    if live {
        containers.push(json!({"name": "istio-proxy", "image": "proxy:1.20", "args": ["proxy"]}));
    }
    let mut d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default",
                     "labels": {"app": "web", "tier": "frontend", "app.kubernetes.io/managed-by": "Helm"},
                     "annotations": {"meta.helm.sh/release-name": "web", "meta.helm.sh/release-namespace": "default"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": containers,
                    "volumes": [{"name": "data", "emptyDir": {}},
                                {"name": "config", "configMap": {"name": "web-config"}},
                                {"name": "secret", "secret": {"secretName": "web-secret"}},
                                {"name": "cache", "emptyDir": {"medium": "Memory"}},
                                {"name": "tmp", "emptyDir": {}}],
                    "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}],
                    "nodeSelector": {"disk": "ssd"},
                }
            }
        }
    });
    if live {
        d["metadata"]["uid"] = json!("6f1c2b7e-0000-4000-8000-000000000001");
        d["metadata"]["resourceVersion"] = json!("123456");
        d["spec"]["progressDeadlineSeconds"] = json!(600);
        d["status"] = json!({"replicas": replicas, "readyReplicas": replicas,
                             "conditions": [{"type": "Available", "status": "True"}]});
    }
    d
}

/// A ConfigMap-free stress input: one container whose `env` list has `n` merge-keyed
/// elements; the new manifest changes every tenth value, the live object has extra ones.
fn env_list(n: usize, variant: usize) -> Value {
    let mut env: Vec<Value> = (0..n)
        .map(|e| {
            let v = if variant == 1 && e % 10 == 0 {
                "changed"
            } else {
                "v"
            };
            json!({"name": format!("VAR_{e:06}"), "value": v})
        })
        .collect();
    if variant == 2 {
        env.extend((0..n / 20).map(|e| json!({"name": format!("LIVE_{e:06}"), "value": "x"})));
    }
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "big"},
           "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "a:1", "env": env}]}}}})
}

fn bench_case(c: &mut Criterion, name: &str, docs: [Value; 3]) {
    let schema = PatchSchema::builtin("apps/v1", "Deployment").expect("schema");
    let texts: Vec<String> = docs.iter().map(Value::to_string).collect();
    let mut c = c.benchmark_group(name);
    if name.contains("100000") {
        c.sample_size(10);
    }
    c.bench_function("parse_inputs", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(serde_json::from_str::<Value>(black_box(t)).expect("json"));
            }
        })
    });
    c.bench_function("two_way_cm", |b| {
        b.iter(|| {
            black_box(
                patch::two_way(black_box(&docs[2]), black_box(&docs[1]), &schema).expect("2w"),
            )
        })
    });
    c.bench_function("two_way_om", |b| {
        b.iter(|| {
            black_box(
                patch::two_way(black_box(&docs[0]), black_box(&docs[1]), &schema).expect("2w"),
            )
        })
    });
    c.bench_function("three_way", |b| {
        b.iter(|| {
            black_box(
                patch::three_way(
                    black_box(&docs[0]),
                    black_box(&docs[1]),
                    black_box(&docs[2]),
                    &schema,
                    true,
                )
                .expect("three_way"),
            )
        })
    });
    c.finish();
}

fn benches(c: &mut Criterion) {
    bench_case(
        c,
        "deployment",
        [
            deployment("1.0", 2, false),
            deployment("1.1", 3, false),
            deployment("1.0", 5, true),
        ],
    );
    // 100k shows the growth past the CPU caches stays linear.
    for n in [1_000, 10_000, 100_000] {
        bench_case(
            c,
            &format!("env_{n}"),
            [env_list(n, 0), env_list(n, 1), env_list(n, 2)],
        );
    }
}

criterion_group!(patch_benches, benches);
criterion_main!(patch_benches);
