//! Real `kubectl` against the simulator (skips when kubectl is absent).

use std::path::PathBuf;
use std::process::Command;

use hke_testkit::sim::{Config, Simulator};

struct Env {
    sim: Simulator,
    dir: PathBuf,
    kubectl: PathBuf,
}

impl Env {
    fn new(tag: &str, config: Config) -> Option<Env> {
        let kubectl = hke_testkit::kubectl()?;
        let sim = Simulator::start(config).ok()?;
        let dir = std::env::temp_dir().join(format!(
            "hke-sim-{tag}-{}-{}",
            std::process::id(),
            sim.addr().port()
        ));
        std::fs::create_dir_all(&dir).ok()?;
        sim.write_kubeconfig(&dir.join("kubeconfig")).ok()?;
        Some(Env { sim, dir, kubectl })
    }

    /// Runs kubectl; returns (success, stdout, stderr).
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(&self.kubectl)
            .args(args)
            .arg("--request-timeout=10s")
            .env("KUBECONFIG", self.dir.join("kubeconfig"))
            .env("HOME", &self.dir)
            .current_dir(&self.dir)
            .output()
            .expect("run kubectl");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  labels:\n    app: demo\ndata:\n  a: \"1\"\n";

#[test]
fn kubectl_create_get_patch_delete() {
    let Some(env) = Env::new("crud", Config::default()) else {
        return;
    };
    std::fs::write(env.dir.join("cm.yaml"), CM).unwrap();
    let (ok, out, err) = env.run(&["create", "--validate=false", "-f", "cm.yaml"]);
    assert!(ok, "{err}");
    assert_eq!(out, "configmap/demo created\n");
    let (ok, out, err) = env.run(&[
        "get",
        "cm",
        "demo",
        "-o",
        "jsonpath={.data.a} {.metadata.namespace}",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out, "1 default");
    let (ok, out, _) = env.run(&["get", "configmaps", "-l", "app=demo", "-o", "name"]);
    assert!(ok);
    assert_eq!(out, "configmap/demo\n");
    let (ok, _, err) = env.run(&["create", "--validate=false", "-f", "cm.yaml"]);
    assert!(!ok);
    assert!(err.contains("Error from server (AlreadyExists): error when creating \"cm.yaml\": configmaps \"demo\" already exists"), "{err}");
    let (ok, out, err) = env.run(&[
        "patch",
        "cm",
        "demo",
        "--type=merge",
        "-p",
        r#"{"data":{"b":"2"}}"#,
    ]);
    assert!(ok, "{err}");
    assert_eq!(out, "configmap/demo patched\n");
    let obj = env
        .sim
        .object("v1", "ConfigMap", "default", "demo")
        .unwrap();
    assert_eq!(obj["data"]["b"], "2");
    let (ok, out, _) = env.run(&["delete", "cm", "demo"]);
    assert!(ok);
    assert_eq!(out, "configmap \"demo\" deleted\n");
    let (ok, _, err) = env.run(&["get", "cm", "demo"]);
    assert!(!ok);
    assert_eq!(
        err.trim_end(),
        "Error from server (NotFound): configmaps \"demo\" not found"
    );
    // the request log saw kubectl's merge patch
    assert!(env.sim.requests().iter().any(|r| r.method == "PATCH"
        && r.content_type.as_deref() == Some("application/merge-patch+json")
        && r.body == r#"{"data":{"b":"2"}}"#));
}

/// client-go sends bearer tokens only over TLS, so against the plain-HTTP simulator with
/// tokens required kubectl gets the 401 path (as from a real API server without
/// credentials).
#[test]
fn kubectl_without_credentials_sees_unauthorized() {
    let Some(env) = Env::new(
        "auth",
        Config {
            tokens: Some(vec!["t0k3n".into()]),
            ..Config::default()
        },
    ) else {
        return;
    };
    let (ok, _, err) = env.run(&["get", "ns"]);
    assert!(!ok);
    assert!(
        err.contains("error: You must be logged in to the server (the server has asked for the client to provide credentials)"),
        "{err}"
    );
    assert!(env.sim.requests().iter().all(|r| r.status == 401));
}

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.26\n        ports:\n        - containerPort: 80\n";

/// `kubectl apply` validates against the OpenAPI v3 documents (no `--validate=false`) and
/// computes a strategic merge patch for the second apply.
#[test]
fn kubectl_apply_twice_with_validation() {
    let Some(env) = Env::new("apply", Config::default()) else {
        return;
    };
    std::fs::write(env.dir.join("d.yaml"), DEPLOY).unwrap();
    let (ok, out, err) = env.run(&["apply", "-f", "d.yaml"]);
    assert!(ok, "{err}");
    assert_eq!(out, "deployment.apps/web created\n");
    std::fs::write(
        env.dir.join("d.yaml"),
        DEPLOY.replace("nginx:1.26", "nginx:1.27"),
    )
    .unwrap();
    let (ok, out, err) = env.run(&["apply", "-f", "d.yaml"]);
    assert!(ok, "{err}");
    assert_eq!(out, "deployment.apps/web configured\n");
    assert!(!err.contains("warning"), "{err}");
    let obj = env
        .sim
        .object("apps/v1", "Deployment", "default", "web")
        .unwrap();
    assert_eq!(
        obj["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
    assert_eq!(obj["metadata"]["generation"], 2);
    let log = env.sim.requests();
    assert!(log.iter().any(|r| r.method == "PATCH"
        && r.content_type.as_deref() == Some("application/strategic-merge-patch+json")
        && r.query.contains("fieldValidation=Strict")));
    assert!(log.iter().any(|r| r.path == "/openapi/v3/apis/apps/v1"));
    // create validates too
    std::fs::write(env.dir.join("cm.yaml"), CM).unwrap();
    let (ok, _, err) = env.run(&["create", "-f", "cm.yaml"]);
    assert!(ok, "{err}");
    // unknown fields are refused (kubectl asks for fieldValidation=Strict)
    std::fs::write(
        env.dir.join("typo.yaml"),
        DEPLOY.replacen("name: web\n", "name: typo\n", 1).replace(
            "image: nginx:1.26",
            "image: nginx:1.26\n        imagePullPolicyy: Always",
        ),
    )
    .unwrap();
    let (ok, _, err) = env.run(&["apply", "-f", "typo.yaml"]);
    assert!(!ok);
    assert_eq!(
        err.trim_end(),
        "Error from server (BadRequest): error when creating \"typo.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""
    );
    let (ok, _, err) = env.run(&["apply", "--validate=false", "-f", "typo.yaml"]);
    assert!(ok, "{err}");
}

const JOB: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    sim.hke.dev/ready-after-seconds: \"1\"\nspec:\n  template:\n    metadata:\n      annotations:\n        sim.hke.dev/logs: job done\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox\n";

/// The simulated controllers move a Deployment to available and a Job to complete; kubectl
/// watches them (list + watch) until they do.
#[test]
fn kubectl_rollout_status_and_wait() {
    let Some(env) = Env::new("rollout", Config::default()) else {
        return;
    };
    std::fs::write(env.dir.join("d.yaml"), DEPLOY).unwrap();
    let (ok, _, err) = env.run(&["apply", "-f", "d.yaml"]);
    assert!(ok, "{err}");
    let (ok, out, err) = env.run(&["rollout", "status", "deployment/web", "--timeout=20s"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("successfully rolled out"), "{out}");
    // a new template rolls out a second ReplicaSet
    std::fs::write(
        env.dir.join("d.yaml"),
        DEPLOY.replace("nginx:1.26", "nginx:1.27"),
    )
    .unwrap();
    let (ok, _, err) = env.run(&["apply", "-f", "d.yaml"]);
    assert!(ok, "{err}");
    let (ok, out, err) = env.run(&["rollout", "status", "deployment/web", "--timeout=20s"]);
    assert!(ok, "{out}{err}");
    let (ok, out, _) = env.run(&[
        "get",
        "rs",
        "-o",
        "jsonpath={range .items[*]}{.spec.replicas} {end}",
    ]);
    assert!(ok);
    let mut replicas: Vec<&str> = out.split_whitespace().collect();
    replicas.sort();
    assert_eq!(replicas, ["0", "1"], "{out}");
    std::fs::write(env.dir.join("j.yaml"), JOB).unwrap();
    let (ok, _, err) = env.run(&["create", "-f", "j.yaml"]);
    assert!(ok, "{err}");
    let (ok, out, err) = env.run(&["wait", "--for=condition=complete", "job/j", "--timeout=20s"]);
    assert!(ok, "{out}{err}");
    assert_eq!(out, "job.batch/j condition met\n");
    // workloads have pods: one for the Deployment's current ReplicaSet, one for the Job
    let (ok, out, err) = env.run(&[
        "get",
        "pods",
        "-l",
        "app=web",
        "-o",
        "jsonpath={range .items[*]}{.spec.containers[0].image} {.status.phase}{end}",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out, "nginx:1.27 Running");
    let (ok, out, err) = env.run(&["logs", "job/j"]);
    assert!(ok, "{err}");
    assert_eq!(out, "job done\n");
    assert!(env
        .sim
        .requests()
        .iter()
        .any(|r| r.query.contains("watch=true")));
    // a failing Deployment: rollout status reports the progress deadline
    std::fs::write(
        env.dir.join("bad.yaml"),
        DEPLOY.replacen(
            "name: web\n",
            "name: bad\n  annotations:\n    sim.hke.dev/fail: image pull\n",
            1,
        ),
    )
    .unwrap();
    let (ok, _, err) = env.run(&["apply", "-f", "bad.yaml"]);
    assert!(ok, "{err}");
    let (ok, out, err) = env.run(&["rollout", "status", "deployment/bad", "--timeout=20s"]);
    assert!(!ok, "{out}");
    assert!(err.contains("exceeded its progress deadline"), "{err}");
    // a failing job
    std::fs::write(
        env.dir.join("f.yaml"),
        JOB.replace("name: j", "name: f").replace(
            "sim.hke.dev/ready-after-seconds: \"1\"",
            "sim.hke.dev/fail: boom",
        ),
    )
    .unwrap();
    let (ok, _, err) = env.run(&["create", "-f", "f.yaml"]);
    assert!(ok, "{err}");
    let (ok, out, err) = env.run(&["wait", "--for=condition=failed", "job/f", "--timeout=20s"]);
    assert!(ok, "{out}{err}");
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - name: Size
      type: integer
      jsonPath: .spec.size
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
";

const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
spec:
  size: 3
";

/// Creating a CRD serves its kind: discovery, OpenAPI, CRUD; deleting it removes them.
#[test]
fn kubectl_crd_serves_its_kind() {
    let Some(env) = Env::new("crd", Config::default()) else {
        return;
    };
    std::fs::write(env.dir.join("crd.yaml"), CRD).unwrap();
    std::fs::write(env.dir.join("w.yaml"), WIDGET).unwrap();
    let (ok, out, err) = env.run(&["apply", "-f", "crd.yaml"]);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n"
    );
    let (ok, out, err) = env.run(&[
        "wait",
        "--for=condition=established",
        "crd/widgets.example.com",
        "--timeout=20s",
    ]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = env.run(&["apply", "-f", "w.yaml"]);
    assert!(ok, "{err}");
    assert_eq!(out, "widget.example.com/w1 created\n");
    let (ok, out, err) = env.run(&["apply", "-f", "w.yaml"]);
    assert!(ok, "{err}");
    assert_eq!(out, "widget.example.com/w1 unchanged\n");
    let (ok, out, err) = env.run(&["get", "wd", "w1", "-o", "jsonpath={.spec.size}"]);
    assert!(ok, "{err}");
    assert_eq!(out, "3");
    let (ok, out, err) = env.run(&["get", "widgets"]);
    assert!(ok, "{err}");
    let rows: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0], ["NAME", "SIZE", "AGE"]);
    assert_eq!(rows[1][..2], ["w1", "3"]);
    let (ok, out, _) = env.run(&["get", "--raw", "/openapi/v3/apis/example.com/v1"]);
    assert!(ok);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schema = &doc["components"]["schemas"]["com.example.v1.Widget"];
    assert_eq!(schema["x-kubernetes-preserve-unknown-fields"], true);
    assert_eq!(
        schema["x-kubernetes-group-version-kind"][0]["kind"],
        "Widget"
    );
    let (ok, _, err) = env.run(&["delete", "crd", "widgets.example.com"]);
    assert!(ok, "{err}");
    let (ok, _, err) = env.run(&[
        "get",
        "--raw",
        "/apis/example.com/v1/namespaces/default/widgets",
    ]);
    assert!(!ok);
    assert!(
        err.contains("NotFound") || err.contains("not find"),
        "{err}"
    );
}

/// `kubectl apply --server-side`: created, then a field the manager stops applying is
/// removed while a field another manager set stays.
#[test]
fn kubectl_server_side_apply() {
    let Some(env) = Env::new("ssa", Config::default()) else {
        return;
    };
    let cm = CM.replace("  a: \"1\"\n", "  a: \"1\"\n  gone: \"x\"\n");
    std::fs::write(env.dir.join("cm.yaml"), &cm).unwrap();
    let (ok, out, err) = env.run(&["apply", "--server-side", "-f", "cm.yaml"]);
    assert!(ok, "{err}");
    assert_eq!(out, "configmap/demo serverside-applied\n");
    let (ok, _, err) = env.run(&[
        "patch",
        "cm",
        "demo",
        "--type=merge",
        "-p",
        r#"{"data":{"other":"y"}}"#,
    ]);
    assert!(ok, "{err}");
    std::fs::write(env.dir.join("cm.yaml"), CM.replace("\"1\"", "\"2\"")).unwrap();
    let (ok, _, err) = env.run(&["apply", "--server-side", "-f", "cm.yaml"]);
    assert!(ok, "{err}");
    let obj = env
        .sim
        .object("v1", "ConfigMap", "default", "demo")
        .unwrap();
    assert_eq!(obj["data"], serde_json::json!({"a": "2", "other": "y"}));
    let managers: Vec<(&str, &str)> = obj["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["manager"].as_str().unwrap(),
                e["operation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        managers,
        [("kubectl", "Apply"), ("kubectl-patch", "Update")]
    );
    assert!(obj["metadata"]["managedFields"][1]["fieldsV1"]["f:data"]["f:other"].is_object());
    // a field another manager changed is a conflict, unless forced
    let (ok, _, err) = env.run(&[
        "patch",
        "cm",
        "demo",
        "--type=merge",
        "-p",
        r#"{"data":{"a":"3"}}"#,
    ]);
    assert!(ok, "{err}");
    let (ok, _, err) = env.run(&["apply", "--server-side", "-f", "cm.yaml"]);
    assert!(!ok);
    assert!(
        err.contains(
            "Apply failed with 1 conflict: conflict with \"kubectl-patch\" using v1: .data.a"
        ),
        "{err}"
    );
    let (ok, _, err) = env.run(&[
        "apply",
        "--server-side",
        "--force-conflicts",
        "-f",
        "cm.yaml",
    ]);
    assert!(ok, "{err}");
    let obj = env
        .sim
        .object("v1", "ConfigMap", "default", "demo")
        .unwrap();
    assert_eq!(obj["data"]["a"], "2");
}

/// `kubectl get` asks for Tables: the printers' columns for the common kinds.
#[test]
fn kubectl_get_prints_tables() {
    let Some(env) = Env::new("table", Config::default()) else {
        return;
    };
    std::fs::write(env.dir.join("d.yaml"), DEPLOY).unwrap();
    let (ok, _, err) = env.run(&["apply", "-f", "d.yaml"]);
    assert!(ok, "{err}");
    let (ok, _, err) = env.run(&["rollout", "status", "deployment/web", "--timeout=20s"]);
    assert!(ok, "{err}");
    let (ok, out, err) = env.run(&["get", "deploy", "web", "-o", "wide"]);
    assert!(ok, "{err}");
    let lines: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines[0],
        [
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ]
    );
    assert_eq!(lines[1][..4], ["web", "1/1", "1", "1"]);
    assert_eq!(lines[1][5..], ["web", "nginx:1.26", "app=web"]);
    let (ok, out, err) = env.run(&["get", "pods", "--no-headers"]);
    assert!(ok, "{err}");
    let cols: Vec<&str> = out.split_whitespace().collect();
    assert!(cols[0].starts_with("web-"), "{out}");
    assert_eq!(cols[1..4], ["1/1", "Running", "0"]);
    let (ok, out, err) = env.run(&["get", "all", "-o", "name"]);
    assert!(ok, "{err}");
    let kinds: Vec<&str> = out.lines().filter_map(|l| l.split('/').next()).collect();
    assert!(
        kinds.contains(&"pod")
            && kinds.contains(&"deployment.apps")
            && kinds.contains(&"replicaset.apps"),
        "{out}"
    );
    let (ok, out, err) = env.run(&["get", "ns", "default"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("NAME      STATUS   AGE\ndefault   Active   "),
        "{out}"
    );
}

/// `kubectl get -w` reads Table rows from the watch.
#[test]
fn kubectl_get_watch_prints_rows() {
    let Some(env) = Env::new("getw", Config::default()) else {
        return;
    };
    let mut child = Command::new(&env.kubectl)
        .args(["get", "cm", "-w", "--output-watch-events"])
        .env("KUBECONFIG", env.dir.join("kubeconfig"))
        .env("HOME", &env.dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run kubectl");
    // wait (bounded) until kubectl's watch is open
    for _ in 0..200 {
        if env
            .sim
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/configmaps") && r.query.contains("watch=true"))
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (ok, _, err) = env.run(&["create", "cm", "w1", "--from-literal=a=b"]);
    assert!(ok, "{err}");
    let (ok, _, err) = env.run(&["delete", "cm", "w1"]);
    assert!(ok, "{err}");
    std::thread::sleep(std::time::Duration::from_millis(2000));
    let _ = child.kill();
    let out = child.wait_with_output().expect("kubectl output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    assert_eq!(rows[0], ["EVENT", "NAME", "DATA", "AGE"]);
    assert_eq!(rows[1][..3], ["ADDED", "w1", "1"]);
    assert_eq!(rows[2][..3], ["DELETED", "w1", "1"]);
}

/// `kubectl scale` through the `/scale` subresource; `describe` reads the defaulted
/// strategy, conditions and the new ReplicaSet.
#[test]
fn kubectl_scale_and_describe() {
    let Some(env) = Env::new("scale", Config::default()) else {
        return;
    };
    std::fs::write(
        env.dir.join("d.yaml"),
        DEPLOY.replace("  replicas: 1\n", "  replicas: 1\n  strategy: {}\n"),
    )
    .unwrap();
    let (ok, _, err) = env.run(&["apply", "-f", "d.yaml"]);
    assert!(ok, "{err}");
    let (ok, out, err) = env.run(&["scale", "deployment/web", "--replicas=3"]);
    assert!(ok, "{err}");
    assert_eq!(out, "deployment.apps/web scaled\n");
    let (ok, out, err) = env.run(&["rollout", "status", "deployment/web", "--timeout=20s"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = env.run(&["get", "pods", "-l", "app=web", "-o", "name"]);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 3, "{out}");
    let (ok, out, err) = env.run(&["describe", "deployment", "web"]);
    assert!(ok, "{err}");
    for want in [
        "StrategyType:           RollingUpdate",
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge",
        "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable",
        "Available      True    MinimumReplicasAvailable",
        "ScalingReplicaSet",
        "Scaled up replica set web-",
        // "from 1 to 3", or "from 0 to 3" when the scale lands before the controller's
        // first pass over the new Deployment.
        " to 3",
    ] {
        assert!(out.contains(want), "{want:?} in\n{out}");
    }
    let (ok, out, err) = env.run(&["describe", "pods", "-l", "app=web"]);
    assert!(ok, "{err}");
    let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Successfully assigned default/web-",
        "Started container web",
        "Status: Running",
        "Port: 80/TCP",
        "Controlled By: ReplicaSet/web-",
    ] {
        assert!(flat.contains(want), "{want:?} in\n{out}");
    }
    let (ok, out, _) = env.run(&[
        "get",
        "--raw",
        "/apis/apps/v1/namespaces/default/deployments/web/scale",
    ]);
    assert!(ok);
    let scale: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            scale["spec"]["replicas"].as_i64(),
            scale["status"]["selector"].as_str()
        ),
        (Some(3), Some("app=web"))
    );
}

/// Over HTTPS client-go sends the kubeconfig's bearer token: kubectl works with the right
/// token and sees 401 with a wrong one.
#[test]
fn kubectl_over_https_with_tokens() {
    let Some(env) = Env::new(
        "tls",
        Config {
            tokens: Some(vec!["t0k3n".into()]),
            tls: true,
            ..Config::default()
        },
    ) else {
        return;
    };
    assert!(env.sim.url().starts_with("https://127.0.0.1:"));
    std::fs::write(env.dir.join("cm.yaml"), CM).unwrap();
    let (ok, out, err) = env.run(&["apply", "-f", "cm.yaml"]);
    assert!(ok, "{err}");
    assert_eq!(out, "configmap/demo created\n");
    let (ok, out, err) = env.run(&["get", "cm", "demo", "-o", "jsonpath={.data.a}"]);
    assert!(ok, "{err}");
    assert_eq!(out, "1");
    let kc = std::fs::read_to_string(env.dir.join("kubeconfig")).unwrap();
    std::fs::write(env.dir.join("kubeconfig"), kc.replace("t0k3n", "wrong")).unwrap();
    let (ok, _, err) = env.run(&["get", "cm", "demo"]);
    assert!(!ok);
    assert!(err.contains("You must be logged in to the server"), "{err}");
}

/// `kubectl patch` with all three types and `get -o yaml`; the strategic merge patch
/// `kubectl apply` sends for a changed file equals hke's `three_way` on the same inputs
/// (original: the last-applied configuration; modified: the new file with its new
/// last-applied annotation; current: the live object).
#[test]
fn kubectl_patch_types_and_apply_patch_equal_three_way() {
    let Some(env) = Env::new("smp", Config::default()) else {
        return;
    };
    std::fs::write(env.dir.join("d.yaml"), DEPLOY).unwrap();
    let (ok, _, err) = env.run(&["apply", "-f", "d.yaml"]);
    assert!(ok, "{err}");
    for (ty, p) in [
        ("strategic", r#"{"metadata":{"labels":{"patched":"smp"}}}"#),
        ("merge", r#"{"metadata":{"labels":{"merged":"yes"}}}"#),
        (
            "json",
            r#"[{"op":"add","path":"/metadata/labels/json","value":"yes"}]"#,
        ),
    ] {
        let (ok, out, err) = env.run(&["patch", "deployment", "web", "--type", ty, "-p", p]);
        assert!(ok, "{ty}: {err}");
        assert_eq!(out, "deployment.apps/web patched\n", "{ty}");
    }
    let (ok, yaml, err) = env.run(&["get", "deployment", "web", "-o", "yaml"]);
    assert!(ok, "{err}");
    for l in [
        "patched: smp",
        "merged: \"yes\"",
        "json: \"yes\"",
        "kind: Deployment",
    ] {
        assert!(yaml.contains(l), "{l} missing from:\n{yaml}");
    }
    let live = env
        .sim
        .object("apps/v1", "Deployment", "default", "web")
        .unwrap();
    let last_applied: serde_json::Value = serde_json::from_str(
        live["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let before = env.sim.requests().len();
    let changed = DEPLOY.replace("nginx:1.26", "nginx:1.27");
    std::fs::write(env.dir.join("d.yaml"), &changed).unwrap();
    let (ok, _, err) = env.run(&["apply", "-f", "d.yaml"]);
    assert!(ok, "{err}");
    let sent = env.sim.requests()[before..]
        .iter()
        .find(|r| {
            r.method == "PATCH"
                && r.content_type.as_deref() == Some("application/strategic-merge-patch+json")
        })
        .map(|r| serde_json::from_str::<serde_json::Value>(&r.body).unwrap())
        .expect("kubectl apply sent a strategic merge patch");
    let mut modified = hke_core::yaml::parse_typed(&changed, "d.yaml")
        .unwrap()
        .to_json()
        .unwrap();
    // kubectl sets the namespace of the object it applies.
    modified["metadata"]["namespace"] = serde_json::json!("default");
    modified["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] =
        sent["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"].clone();
    let schema = hke_core::patch::PatchSchema::builtin("apps/v1", "Deployment").unwrap();
    let ours = hke_core::patch::three_way(&last_applied, &modified, &live, &schema, true).unwrap();
    assert_eq!(
        ours, sent,
        "kubectl's apply patch and hke's three_way differ"
    );
}
