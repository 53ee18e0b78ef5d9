//! Real helm 3 against the simulator (skips when helm3 is absent): install of hke's
//! `examples/demo` chart with OpenAPI validation on.

use std::path::PathBuf;
use std::process::Command;

use hke_testkit::sim::{Config, Simulator};

struct Env {
    sim: Simulator,
    dir: PathBuf,
    helm: PathBuf,
}

impl Env {
    fn new(tag: &str) -> Option<Env> {
        Self::with(tag, hke_testkit::helm3()?)
    }

    fn with(tag: &str, helm: PathBuf) -> Option<Env> {
        Self::with_config(tag, helm, Config::default())
    }

    fn with_config(tag: &str, helm: PathBuf, config: Config) -> Option<Env> {
        let sim = Simulator::start(config).ok()?;
        let dir = std::env::temp_dir().join(format!(
            "hke-sim-helm-{tag}-{}-{}",
            std::process::id(),
            sim.addr().port()
        ));
        std::fs::create_dir_all(&dir).ok()?;
        sim.write_kubeconfig(&dir.join("kubeconfig")).ok()?;
        Some(Env { sim, dir, helm })
    }

    /// Runs helm; returns (success, stdout, stderr).
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(&self.helm)
            .args(args)
            .env("KUBECONFIG", self.dir.join("kubeconfig"))
            .env("HOME", &self.dir)
            .env("HELM_CACHE_HOME", self.dir.join("cache"))
            .env("HELM_CONFIG_HOME", self.dir.join("config"))
            .env("HELM_DATA_HOME", self.dir.join("data"))
            .current_dir(&self.dir)
            .output()
            .expect("run helm");
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

fn demo_chart() -> String {
    hke_testkit::repo_root()
        .join("examples/demo")
        .to_string_lossy()
        .into_owned()
}

fn paths(sim: &Simulator) -> Vec<String> {
    sim.requests()
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect()
}

#[test]
fn helm3_install_validates_against_openapi() {
    let Some(env) = Env::new("install") else {
        return;
    };
    let chart = demo_chart();
    let (ok, out, err) = env.run(&["install", "demo", &chart]);
    assert!(ok, "{err}\n{:#?}", paths(&env.sim));
    assert!(out.contains("STATUS: deployed"), "{out}");
    let log = env.sim.requests();
    assert!(
        log.iter().any(|r| r.path.starts_with("/openapi/v3")),
        "{:#?}",
        paths(&env.sim)
    );
    assert!(env
        .sim
        .object("apps/v1", "Deployment", "default", "demo-demo")
        .is_some());
    // no client-side validation against /openapi/v2: the v3 documents declare
    // fieldValidation, so helm leaves validation to the server
    assert!(
        log.iter().all(|r| r.path != "/openapi/v2"),
        "{:#?}",
        paths(&env.sim)
    );
}

#[test]
fn helm3_install_wait() {
    let Some(env) = Env::new("wait") else {
        return;
    };
    let chart = demo_chart();
    let (ok, out, err) = env.run(&["install", "demo", &chart, "--wait", "--timeout", "60s"]);
    assert!(ok, "{err}\n{:#?}", paths(&env.sim));
    assert!(out.contains("STATUS: deployed"), "{out}");
    // the Deployment's status follows its ReplicaSet's within a few controller ticks
    let mut d = serde_json::Value::Null;
    for _ in 0..50 {
        d = env
            .sim
            .object("apps/v1", "Deployment", "default", "demo-demo")
            .unwrap();
        if d["status"]["readyReplicas"] == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(d["status"]["readyReplicas"], 2, "{d:#}");
}

const TEST_CHART: &[(&str, &str)] = &[
    ("Chart.yaml", "apiVersion: v2\nname: tested\nversion: 0.1.0\n"),
    (
        "templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  a: b\n",
    ),
    (
        "templates/tests/test-pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n  annotations:\n    helm.sh/hook: test\n    sim.hke.dev/ready-after-seconds: \"1\"\n    sim.hke.dev/logs: |\n      connecting to {{ .Release.Name }}-cm\n      all good\nspec:\n  restartPolicy: Never\n  containers:\n  - name: t\n    image: busybox\n    command: [\"true\"]\n",
    ),
];

#[test]
fn helm3_test_prints_logs() {
    let Some(env) = Env::new("test") else {
        return;
    };
    let chart = env.dir.join("tested");
    for (p, text) in TEST_CHART {
        let path = chart.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let chart = chart.to_string_lossy().into_owned();
    let (ok, _, err) = env.run(&["install", "t", &chart]);
    assert!(ok, "{err}");
    let (ok, out, err) = env.run(&["test", "t", "--logs", "--timeout", "30s"]);
    assert!(ok, "{out}{err}\n{:#?}", paths(&env.sim));
    assert!(out.contains("Phase:          Succeeded"), "{out}");
    assert!(out.contains("POD LOGS: t-test"), "{out}");
    assert!(out.contains("connecting to t-cm\nall good"), "{out}");
}

const CRD_CHART: &[(&str, &str)] = &[
    ("Chart.yaml", "apiVersion: v2\nname: gadgets\nversion: 0.1.0\n"),
    (
        "crds/gadgets.yaml",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names:\n    plural: gadgets\n    kind: Gadget\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        x-kubernetes-preserve-unknown-fields: true\n",
    ),
    (
        "templates/gadget.yaml",
        "apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  color: blue\n",
    ),
];

#[test]
fn helm3_install_chart_with_crds() {
    let Some(env) = Env::new("crds") else {
        return;
    };
    let chart = env.dir.join("gadgets");
    for (p, text) in CRD_CHART {
        let path = chart.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let chart = chart.to_string_lossy().into_owned();
    let (ok, out, err) = env.run(&["install", "g", &chart, "--wait", "--timeout", "30s"]);
    assert!(ok, "{out}{err}\n{:#?}", paths(&env.sim));
    let g = env
        .sim
        .object("example.com/v1", "Gadget", "default", "g")
        .unwrap();
    assert_eq!(g["spec"]["color"], "blue");
    let (ok, _, err) = env.run(&["uninstall", "g"]);
    assert!(ok, "{err}");
    assert!(env
        .sim
        .object("example.com/v1", "Gadget", "default", "g")
        .is_none());
}

/// Helm 4 installs with server-side apply and waits with watch-list (initial events and a
/// bookmark).
#[test]
fn helm4_install_wait_and_upgrade() {
    let Some(helm) = hke_testkit::helm4() else {
        return;
    };
    let Some(env) = Env::with("helm4", helm) else {
        return;
    };
    let chart = demo_chart();
    let (ok, out, err) = env.run(&["install", "demo", &chart, "--wait", "--timeout", "60s"]);
    assert!(ok, "{err}\n{:#?}", paths(&env.sim));
    assert!(out.contains("STATUS: deployed"), "{out}");
    assert!(env.sim.requests().iter().any(|r| r.method == "PATCH"
        && r.content_type.as_deref() == Some("application/apply-patch+yaml")));
    let (ok, _, err) = env.run(&[
        "upgrade",
        "demo",
        &chart,
        "--set",
        "image.tag=1.27",
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert!(ok, "{err}");
    let d = env
        .sim
        .object("apps/v1", "Deployment", "default", "demo-demo")
        .unwrap();
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
    assert_eq!(d["metadata"]["managedFields"][0]["manager"], "helm");
    // another manager changes the replicas: helm 4's next upgrade conflicts, unless forced
    let code = merge_patch(
        &env.sim,
        "/apis/apps/v1/namespaces/default/deployments/demo-demo?fieldManager=kubectl-edit",
        r#"{"spec":{"replicas":5}}"#,
    );
    assert_eq!(code, 200);
    let (ok, _, err) = env.run(&["upgrade", "demo", &chart, "--set", "image.tag=1.28"]);
    assert!(!ok);
    assert!(
        err.contains("conflict with \"kubectl-edit\" using apps/v1: .spec.replicas"),
        "{err}"
    );
    let (ok, _, err) = env.run(&[
        "upgrade",
        "demo",
        &chart,
        "--set",
        "image.tag=1.28",
        "--force-conflicts",
    ]);
    assert!(ok, "{err}");
    let d = env
        .sim
        .object("apps/v1", "Deployment", "default", "demo-demo")
        .unwrap();
    assert_eq!(d["spec"]["replicas"], 2);
}

/// A merge patch over raw HTTP; returns the status code.
fn merge_patch(sim: &Simulator, path: &str, body: &str) -> u16 {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(sim.addr()).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    write!(
        s,
        "PATCH {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/merge-patch+json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn helm3_over_https_with_a_token() {
    let Some(helm) = hke_testkit::helm3() else {
        return;
    };
    let config = Config {
        tokens: Some(vec!["s3cret".into()]),
        tls: true,
        ..Config::default()
    };
    let Some(env) = Env::with_config("tls", helm, config) else {
        return;
    };
    let (ok, out, err) = env.run(&[
        "install",
        "demo",
        &demo_chart(),
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("STATUS: deployed"), "{out}");
    assert!(env.sim.requests().iter().all(|r| r.status != 401));
}

#[test]
fn helm4_test_logs_and_uninstall_wait() {
    let Some(helm) = hke_testkit::helm4() else {
        return;
    };
    let Some(env) = Env::with("helm4-test", helm) else {
        return;
    };
    let chart = env.dir.join("tested");
    for (p, text) in TEST_CHART {
        let path = chart.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let chart = chart.to_string_lossy().into_owned();
    let (ok, _, err) = env.run(&["install", "t", &chart, "--wait", "--timeout", "30s"]);
    assert!(ok, "{err}");
    let (ok, out, err) = env.run(&["test", "t", "--logs", "--timeout", "30s"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("connecting to t-cm\nall good"), "{out}");
    let (ok, _, err) = env.run(&["uninstall", "t", "--wait", "--timeout", "30s"]);
    assert!(ok, "{err}");
    assert!(env
        .sim
        .object("v1", "ConfigMap", "default", "t-cm")
        .is_none());
}

fn hook_chart(dir: &std::path::Path, annotations: &str) -> String {
    let chart = dir.join("hooked");
    let job = format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{{{ .Release.Name }}}}-migrate\n  annotations:\n    helm.sh/hook: post-install\n    helm.sh/hook-delete-policy: hook-succeeded\n{annotations}spec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: m\n        image: busybox\n"
    );
    for (p, text) in [
        (
            "Chart.yaml",
            "apiVersion: v2\nname: hooked\nversion: 0.1.0\n".to_string(),
        ),
        ("templates/job.yaml", job),
    ] {
        let path = chart.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    chart.to_string_lossy().into_owned()
}

/// Hook Jobs: helm watches them to completion (and deletes them on success); a failing
/// one fails the install.
#[test]
fn helm3_hook_jobs() {
    let Some(env) = Env::new("hooks") else {
        return;
    };
    let chart = hook_chart(&env.dir, "    sim.hke.dev/ready-after-seconds: \"1\"\n");
    let (ok, out, err) = env.run(&["install", "h", &chart, "--timeout", "30s"]);
    assert!(ok, "{out}{err}");
    assert!(env
        .sim
        .object("batch/v1", "Job", "default", "h-migrate")
        .is_none());
    let chart = hook_chart(&env.dir, "    sim.hke.dev/fail: migration failed\n");
    let (ok, _, err) = env.run(&["install", "f", &chart, "--timeout", "30s"]);
    assert!(!ok);
    assert!(err.contains("BackoffLimitExceeded"), "{err}");
}
