//! Property test against the real kubectl: random Deployments, Services and ConfigMaps
//! (original = old manifest, modified = new manifest, current = live object with extra
//! live-only fields, an injected sidecar, extra env entries, finalizers, drift), then
//! `patch = three_way(original, modified, current)` applied to `current` both by hke and
//! by `kubectl patch --local --type strategic`; the results must be identical.
//!
//! Runs 80 cases by default (a few seconds); `HKE_LONG=1` runs 2,500;
//! `HKE_PATCH_PROP_CASES=<n>` and `HKE_PATCH_PROP_SEED=<n>` override count and seed.
//! Skips, printing why, when kubectl is not installed.

use std::path::PathBuf;
use std::process::Command;

use hke_core::patch::{self, PatchSchema};
use serde_json::{json, Map, Value};

/// SplitMix64: small, seedable, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len() as u64) as usize;
        &items[i.min(items.len() - 1)]
    }
    /// A random subset in random order.
    fn subset<T: Clone>(&mut self, items: &[T], percent: u64) -> Vec<T> {
        let mut v: Vec<T> = items
            .iter()
            .filter(|_| self.chance(percent))
            .cloned()
            .collect();
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
        v
    }
}

fn map_of(rng: &mut Rng, keys: &[&str], values: &[&str], percent: u64) -> Value {
    let mut m = Map::new();
    for k in rng.subset(keys, percent) {
        m.insert(k.to_string(), json!(rng.pick(values)));
    }
    Value::Object(m)
}

fn container(rng: &mut Rng, name: &str) -> Value {
    let mut c = Map::new();
    c.insert("name".into(), json!(name));
    c.insert(
        "image".into(),
        json!(format!("{}:{}", name, rng.pick(&["1.0", "1.1", "2.0"]))),
    );
    if rng.chance(40) {
        let args: Vec<Value> = rng
            .subset(&["--a", "--b", "--c", "--v=2"], 50)
            .into_iter()
            .map(Value::from)
            .collect();
        c.insert("args".into(), Value::Array(args));
    }
    if rng.chance(60) {
        let env: Vec<Value> = rng
            .subset(&["A", "B", "C", "D"], 50)
            .into_iter()
            .map(|n| {
                if rng.chance(75) {
                    json!({"name": n, "value": rng.pick(&["1", "2", "x"])})
                } else {
                    json!({"name": n, "valueFrom": {"configMapKeyRef": {"name": "cm", "key": rng.pick(&["k1", "k2"])}}})
                }
            })
            .collect();
        c.insert("env".into(), Value::Array(env));
    }
    if rng.chance(50) {
        let ports: Vec<Value> = rng
            .subset(&[80i64, 443, 8080], 50)
            .into_iter()
            .map(|p| {
                let mut m = json!({"containerPort": p, "name": format!("p{p}")});
                if rng.chance(50) {
                    m["protocol"] = json!(rng.pick(&["TCP", "UDP"]));
                }
                m
            })
            .collect();
        c.insert("ports".into(), Value::Array(ports));
    }
    if rng.chance(40) {
        let mounts: Vec<Value> = rng
            .subset(&["/data", "/cache", "/etc/conf"], 50)
            .into_iter()
            .map(|p| json!({"mountPath": p, "name": rng.pick(&["data", "cache", "conf"])}))
            .collect();
        c.insert("volumeMounts".into(), Value::Array(mounts));
    }
    if rng.chance(30) {
        c.insert(
            "resources".into(),
            json!({"limits": map_of(rng, &["cpu", "memory"], &["1", "500m", "1Gi"], 60)}),
        );
    }
    Value::Object(c)
}

fn volume(rng: &mut Rng, name: &str) -> Value {
    match rng.below(3) {
        0 => json!({"name": name, "emptyDir": {}}),
        1 => json!({"name": name, "configMap": {"name": rng.pick(&["cm1", "cm2"])}}),
        _ => json!({"name": name, "secret": {"secretName": rng.pick(&["s1", "s2"])}}),
    }
}

fn deployment(rng: &mut Rng) -> Value {
    let containers: Vec<Value> = {
        let mut names = rng.subset(&["app", "worker", "log", "proxy", "init"], 50);
        if names.is_empty() {
            names.push("app");
        }
        names.into_iter().map(|n| container(rng, n)).collect()
    };
    let mut pod = json!({"containers": containers});
    if rng.chance(50) {
        let vols: Vec<Value> = rng
            .subset(&["data", "cache", "conf"], 60)
            .into_iter()
            .map(|n| volume(rng, n))
            .collect();
        pod["volumes"] = Value::Array(vols);
    }
    if rng.chance(30) {
        pod["nodeSelector"] = map_of(rng, &["disk", "zone"], &["ssd", "a", "b"], 60);
    }
    if rng.chance(30) {
        let t: Vec<Value> = rng
            .subset(&["k1", "k2"], 60)
            .into_iter()
            .map(|k| json!({"key": k, "operator": "Exists", "effect": "NoSchedule"}))
            .collect();
        pod["tolerations"] = Value::Array(t);
    }
    if rng.chance(30) {
        let s: Vec<Value> = rng
            .subset(&["reg1", "reg2"], 60)
            .into_iter()
            .map(|n| json!({"name": n}))
            .collect();
        pod["imagePullSecrets"] = Value::Array(s);
    }
    let mut spec = json!({
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": pod},
    });
    if rng.chance(70) {
        spec["replicas"] = json!(rng.below(5) as i64 + 1);
    }
    if rng.chance(50) {
        spec["strategy"] = if rng.chance(50) {
            json!({"type": "Recreate"})
        } else {
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": rng.pick(&[json!(1), json!("25%")]).clone()}})
        };
    }
    let mut meta = json!({"name": "web", "namespace": "default"});
    meta["labels"] = map_of(rng, &["app", "tier", "team"], &["web", "a", "b"], 60);
    if rng.chance(40) {
        meta["annotations"] = map_of(rng, &["note", "owner"], &["x", "y"], 60);
    }
    if rng.chance(30) {
        let f: Vec<Value> = rng
            .subset(&["a.io/x", "a.io/y"], 60)
            .into_iter()
            .map(Value::from)
            .collect();
        meta["finalizers"] = Value::Array(f);
    }
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec})
}

fn service(rng: &mut Rng) -> Value {
    let ports: Vec<Value> = {
        let mut ps = rng.subset(&[80i64, 443, 9090], 60);
        if ps.is_empty() {
            ps.push(80);
        }
        ps.into_iter()
            .map(|p| {
                let mut m = json!({"port": p, "name": format!("p{p}")});
                if rng.chance(50) {
                    m["targetPort"] = json!(rng.pick(&[json!(8080), json!("http")]).clone());
                }
                if rng.chance(30) {
                    m["protocol"] = json!("TCP");
                }
                m
            })
            .collect()
    };
    let mut spec =
        json!({"ports": ports, "selector": map_of(rng, &["app", "tier"], &["web", "a"], 70)});
    if rng.chance(40) {
        spec["type"] = json!(rng.pick(&["ClusterIP", "NodePort"]));
    }
    json!({"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "svc", "labels": map_of(rng, &["app", "tier"], &["web", "a"], 50)},
           "spec": spec})
}

fn configmap(rng: &mut Rng) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "cm", "annotations": map_of(rng, &["a", "b"], &["1", "2"], 50)},
           "data": map_of(rng, &["k1", "k2", "k3", "k4"], &["v1", "v2", "v3"], 60)})
}

/// The live object: a variant of the original or the modified object plus live-only data.
fn live(rng: &mut Rng, base: &Value, other: &Value) -> Value {
    let mut c = if rng.chance(30) {
        other.clone()
    } else {
        base.clone()
    };
    let kind = c["kind"].as_str().unwrap_or("").to_string();
    c["metadata"]["uid"] = json!("1234");
    c["metadata"]["resourceVersion"] = json!("7");
    if rng.chance(50) {
        c["metadata"]["annotations"]["live.io/injected"] = json!("true");
    }
    if rng.chance(30) {
        c["metadata"]["labels"]["app"] = json!("drifted");
    }
    match kind.as_str() {
        "Deployment" => {
            c["status"] =
                json!({"replicas": 2, "conditions": [{"type": "Available", "status": "True"}]});
            c["spec"]["progressDeadlineSeconds"] = json!(600);
            if rng.chance(40) {
                c["spec"]["replicas"] = json!(7);
            }
            if rng.chance(50) {
                if let Some(cs) = c["spec"]["template"]["spec"]["containers"].as_array_mut() {
                    cs.push(json!({"name": "istio-proxy", "image": "proxy:1"}));
                    if let Some(first) = cs.first_mut() {
                        if rng.chance(50) {
                            first["image"] = json!("drift:9");
                        }
                        if rng.chance(50) {
                            if let Some(env) = first.get_mut("env").and_then(Value::as_array_mut) {
                                env.push(json!({"name": "INJECTED", "value": "1"}));
                            }
                        }
                    }
                }
            }
            if rng.chance(30) {
                let f = c["metadata"]
                    .get("finalizers")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut f = f;
                f.push(json!("live.io/protect"));
                c["metadata"]["finalizers"] = Value::Array(f);
            }
            if rng.chance(30) {
                if let Some(v) = c["spec"]["template"]["spec"]["volumes"].as_array_mut() {
                    v.push(json!({"name": "injected", "emptyDir": {}}));
                }
            }
        }
        "Service" => {
            c["spec"]["clusterIP"] = json!("10.0.0.1");
            if rng.chance(50) {
                if let Some(ps) = c["spec"]["ports"].as_array_mut() {
                    for p in ps.iter_mut() {
                        p["protocol"] = json!("TCP");
                        if p.get("targetPort").is_none() {
                            p["targetPort"] = p["port"].clone();
                        }
                    }
                }
            }
        }
        _ => {
            if rng.chance(50) {
                c["data"]["live-only"] = json!("x");
            }
        }
    }
    c
}

fn case(rng: &mut Rng) -> (Value, Value, Value) {
    let gen: fn(&mut Rng) -> Value =
        *rng.pick(&[deployment as fn(&mut Rng) -> Value, service, configmap]);
    let original = gen(rng);
    let mut modified = if rng.chance(20) {
        original.clone()
    } else {
        gen(rng)
    };
    // Helm's ownership metadata on the new manifest.
    modified["metadata"]["labels"]["app.kubernetes.io/managed-by"] = json!("Helm");
    modified["metadata"]["annotations"]["meta.helm.sh/release-name"] = json!("rel");
    let current = live(rng, &original, &modified);
    (original, modified, current)
}

fn go_json(v: &Value) -> Value {
    match v {
        Value::Number(n) if !n.is_i64() => {
            let f = n.as_f64().unwrap_or(0.0);
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                Value::from(f as i64)
            } else {
                Value::from(f)
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(go_json).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), go_json(v))).collect()),
        other => other.clone(),
    }
}

fn kubectl_patch(
    kubectl: &PathBuf,
    dir: &std::path::Path,
    n: usize,
    object: &Value,
    p: &Value,
) -> Result<Value, String> {
    let file = dir.join(format!("case-{n}.json"));
    std::fs::write(&file, object.to_string()).map_err(|e| e.to_string())?;
    let out = Command::new(kubectl)
        .env("KUBECONFIG", "/dev/null")
        .args([
            "patch",
            "--local",
            "--type",
            "strategic",
            "-o",
            "json",
            "-f",
        ])
        .arg(&file)
        .arg("-p")
        .arg(p.to_string())
        .output()
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&file);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("kubectl output: {e}"))
}

#[test]
fn three_way_patches_apply_like_kubectl() {
    let Some(kubectl) = hke_testkit::kubectl() else {
        return;
    };
    let long = std::env::var("HKE_LONG").is_ok_and(|v| v == "1");
    let count: usize = std::env::var("HKE_PATCH_PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if long { 2500 } else { 80 });
    let seed: u64 = std::env::var("HKE_PATCH_PROP_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_2026);
    let dir = std::env::temp_dir().join(format!("hke-patch-prop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");

    let mut rng = Rng(seed);
    let cases: Vec<(usize, Value, Value, Value)> = (0..count)
        .map(|i| {
            let (o, m, c) = case(&mut rng);
            (i, o, m, c)
        })
        .collect();
    let workers = 4;
    let chunks: Vec<Vec<(usize, Value, Value, Value)>> = (0..workers)
        .map(|w| {
            cases
                .iter()
                .filter(|c| c.0 % workers == w)
                .cloned()
                .collect()
        })
        .collect();
    let results: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let kubectl = kubectl.clone();
                let dir = dir.clone();
                s.spawn(move || {
                    let (mut checked, mut patches_nonempty) = (0, 0);
                    let mut failures = Vec::new();
                    for (i, o, m, c) in chunk {
                        let gvk = format!("{}/{}", c["apiVersion"].as_str().unwrap_or(""), c["kind"].as_str().unwrap_or(""));
                        let (av, kind) = gvk.rsplit_once('/').unwrap_or(("", ""));
                        let Some(schema) = PatchSchema::builtin(av, kind) else {
                            failures.push(format!("case {i}: no schema for {gvk}"));
                            continue;
                        };
                        let p = match patch::three_way(&o, &m, &c, &schema, true) {
                            Ok(p) => p,
                            Err(e) => {
                                failures.push(format!("case {i}: three_way failed: {e}"));
                                continue;
                            }
                        };
                        if p.as_object().is_some_and(|m| !m.is_empty()) {
                            patches_nonempty += 1;
                        }
                        let ours = patch::apply(&c, &p, &schema).map_err(|e| e.to_string());
                        let theirs = kubectl_patch(&kubectl, &dir, i, &c, &p);
                        match (ours, theirs) {
                            (Ok(a), Ok(b)) if go_json(&a) == go_json(&b) => {}
                            (Err(_), Err(_)) => {}
                            (a, b) => failures.push(format!(
                                "case {i} (seed {seed}):\ncurrent {c}\npatch {p}\nhke {a:?}\nkubectl {b:?}"
                            )),
                        }
                        checked += 1;
                    }
                    (checked, patches_nonempty, failures)
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let _ = std::fs::remove_dir_all(&dir);
    let checked: usize = results.iter().map(|r| r.0).sum();
    let nonempty: usize = results.iter().map(|r| r.1).sum();
    let failures: Vec<&String> = results.iter().flat_map(|r| r.2.iter()).collect();
    eprintln!(
        "kubectl property test: {checked}/{count} cases compared ({nonempty} non-empty patches), {} failures",
        failures.len()
    );
    for f in failures.iter().take(5) {
        eprintln!("{f}");
    }
    assert!(failures.is_empty());
    assert_eq!(checked, count);
}
