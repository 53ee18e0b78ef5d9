//! `hke install` against the API simulator, beside real `helm3 install` of the same chart:
//! the same output (but for times and names), the same live objects (but for
//! server-set metadata), a record helm reads, upgrades and rolls back, and helm's errors
//! for a name in use. Skips with a printed reason when helm3 is not installed.

use hke_testkit::sim::{Config, Simulator};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(bin: &Path, args: &[&str], kubeconfig: &Path) -> (i32, String) {
    let out = Command::new(bin)
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", kubeconfig.parent().unwrap_or(Path::new("/tmp")))
        .env_remove("HELM_NAMESPACE")
        .env_remove("HELM_DRIVER")
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The output with the deploy time and namespace masked.
fn masked(out: &str) -> String {
    out.lines()
        .map(|l| {
            if l.starts_with("LAST DEPLOYED:") {
                "LAST DEPLOYED: <time>".to_string()
            } else {
                l.replace("ns-helm", "NS").replace("ns-hke", "NS")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A live object without what the server sets.
fn comparable(mut o: Value) -> Value {
    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "namespace",
            "managedFields",
            "generation",
        ] {
            m.remove(k);
        }
        if let Some(a) = m.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("meta.helm.sh/release-namespace");
        }
    }
    if let Some(m) = o.as_object_mut() {
        m.remove("status");
    }
    o
}

#[test]
fn hke_installs_as_helm_does() {
    let Some(helm) = hke_testkit::helm3() else {
        println!("skipped: helm3 not installed (run ../shared/tools/get-helm.sh)");
        return;
    };
    let sim = Simulator::start(Config::default()).expect("simulator");
    let dir = std::env::temp_dir().join(format!("hke-install-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let kc = dir.join("kubeconfig");
    sim.write_kubeconfig(&kc).expect("kubeconfig");
    let hke = PathBuf::from(env!("CARGO_BIN_EXE_hke"));
    let chart = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/demo");
    let chart = chart.to_str().expect("path");
    let args = |ns: &'static str| {
        vec![
            "install",
            "web",
            chart,
            "-n",
            ns,
            "--create-namespace",
            "--set",
            "replicaCount=3",
            "--set",
            "config.greeting=<hi & bye>",
        ]
    };
    let (hrc, hout) = run(&helm, &args("ns-helm"), &kc);
    let (krc, kout) = run(&hke, &args("ns-hke"), &kc);
    assert_eq!((krc, masked(&kout)), (hrc, masked(&hout)), "install output");
    // The same objects, but for server-set metadata and the namespace.
    let live = |ns: &str| -> Vec<Value> {
        let mut v: Vec<Value> = [
            ("v1", "ConfigMap"),
            ("v1", "Service"),
            ("apps/v1", "Deployment"),
        ]
        .iter()
        .flat_map(|(av, k)| sim.objects(av, k))
        .filter(|o| o.pointer("/metadata/namespace").and_then(Value::as_str) == Some(ns))
        .map(comparable)
        .collect();
        v.sort_by_key(|o| o.to_string());
        v
    };
    let (h, k) = (live("ns-helm"), live("ns-hke"));
    assert_eq!(h.len(), 3, "{h:?}");
    for (a, b) in h.iter().zip(&k) {
        // Service cluster IPs differ by allocation.
        let strip = |mut o: Value| {
            if let Some(spec) = o.get_mut("spec").and_then(Value::as_object_mut) {
                spec.remove("clusterIP");
                spec.remove("clusterIPs");
            }
            o
        };
        assert_eq!(strip(a.clone()), strip(b.clone()), "live objects differ");
    }
    // helm reads hke's record as its own: the same views of both releases.
    let updated = regex::Regex::new(r#""updated":"[^"]*""#).expect("re");
    for c in [
        "get manifest web",
        "get values web -o json",
        "history web -o json",
        "get values web --all",
    ] {
        let mut a: Vec<&str> = c.split_whitespace().collect();
        a.extend(["-n", "ns-helm"]);
        let (_, from_helm) = run(&helm, &a, &kc);
        let last = a.len() - 1;
        a[last] = "ns-hke";
        let (_, from_hke) = run(&helm, &a, &kc);
        let norm = |s: &str| updated.replace_all(&masked(s), "").into_owned();
        assert_eq!(norm(&from_hke), norm(&from_helm), "helm {c}");
    }
    // A name in use: helm's error.
    let (hrc, hout) = run(&helm, &args("ns-helm"), &kc);
    let (krc, kout) = run(&hke, &args("ns-hke"), &kc);
    assert_eq!((krc, kout), (hrc, hout), "reinstall");
    // helm upgrades and rolls back what hke installed.
    let (rc, out) = run(
        &helm,
        &[
            "upgrade",
            "web",
            chart,
            "-n",
            "ns-hke",
            "--set",
            "replicaCount=1",
        ],
        &kc,
    );
    assert_eq!(rc, 0, "{out}");
    let (rc, out) = run(&helm, &["rollback", "web", "1", "-n", "ns-hke"], &kc);
    assert_eq!(rc, 0, "{out}");
    let (_, hist) = run(&hke, &["history", "web", "-n", "ns-hke"], &kc);
    assert!(hist.contains("Rollback to 1"), "{hist}");
    let _ = std::fs::remove_dir_all(&dir);
}
