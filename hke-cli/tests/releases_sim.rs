//! Release records are hke's contract with helm, both ways, against the API simulator:
//!
//! 1. real `helm3` installs, upgrades, rolls back and uninstalls releases;
//!    `hke list/history/status/get` print exactly what `helm` prints for the same
//!    commands (every output format);
//! 2. hke writes records through its storage API (Secret driver over the cluster
//!    client); `helm3 list/history/status/get manifest` read them, and print what hke
//!    prints;
//! 3. the same as 1 with `HELM_DRIVER=configmap`.
//!
//! Release names are distinct across namespaces: helm orders equal names at random (and
//! `-d` ties within a second), so those orders are not compared.
//! Skips with a printed reason when helm3 is not installed.

use hke_core::release::{Release, Status};
use hke_testkit::records::{secret_storage, RecordSpec};
use hke_testkit::sim::{Config, Simulator};
use std::path::{Path, PathBuf};
use std::process::Command;

fn hke() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hke"))
}

fn run(bin: &Path, args: &[&str], kubeconfig: &Path) -> String {
    run_with_driver(bin, args, kubeconfig, "secret")
}

fn run_with_driver(bin: &Path, args: &[&str], kubeconfig: &Path, driver: &str) -> String {
    let out = Command::new(bin)
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("HELM_DRIVER", driver)
        .env_remove("HELM_NAMESPACE")
        .env("HOME", kubeconfig.parent().unwrap_or(Path::new("/tmp")))
        .output()
        .expect("run");
    format!(
        "{}{}rc {}\n",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        out.status.code().unwrap_or(-1)
    )
}

/// A revision of `by-hke` (chart written-1.2.3) as hke writes it.
fn written(version: i64, status: Status, description: &str, manifest: &str) -> Release {
    RecordSpec {
        name: "by-hke",
        namespace: "default",
        version,
        status,
        description,
        manifest,
        notes: "written by hke",
        chart: "written",
        chart_version: "1.2.3",
        app_version: "9.9",
    }
    .build()
}

fn demo_chart() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/demo")
}

fn compare(helm: &Path, kubeconfig: &Path, commands: &[&str]) -> Vec<String> {
    compare_with_driver(helm, kubeconfig, commands, "secret")
}

fn compare_with_driver(
    helm: &Path,
    kubeconfig: &Path,
    commands: &[&str],
    driver: &str,
) -> Vec<String> {
    let mut failures = Vec::new();
    for c in commands {
        let args: Vec<&str> = c.split_whitespace().collect();
        let h = run_with_driver(helm, &args, kubeconfig, driver);
        let k = run_with_driver(&hke(), &args, kubeconfig, driver);
        if h != k {
            failures.push(format!("`{c}`:\n--- helm\n{h}--- hke\n{k}"));
        }
    }
    println!(
        "{}/{} commands print the same as {}",
        commands.len() - failures.len(),
        commands.len(),
        helm.file_name().and_then(|n| n.to_str()).unwrap_or("helm")
    );
    failures
}

#[test]
fn hke_reads_what_helm_writes_and_helm_reads_what_hke_writes() {
    let Some(helm) = hke_testkit::helm3() else {
        println!("skipped: helm3 not installed (run ../shared/tools/get-helm.sh)");
        return;
    };
    let sim = Simulator::start(Config::default()).expect("simulator");
    let dir = std::env::temp_dir().join(format!("hke-releases-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let kc = dir.join("kubeconfig");
    sim.write_kubeconfig(&kc).expect("kubeconfig");
    let chart = demo_chart();
    let chart = chart.to_str().expect("path");

    // 1. helm writes.
    for (name, ns, extra) in [
        ("web", "default", "--set replicaCount=3"),
        ("api", "default", ""),
        ("site", "kube-public", "--set config.greeting=hi"),
    ] {
        let mut args = vec![
            "install",
            name,
            chart,
            "-n",
            ns,
            "--disable-openapi-validation",
        ];
        args.extend(extra.split_whitespace());
        let out = run(&helm, &args, &kc);
        assert!(out.ends_with("rc 0\n"), "helm install failed: {out}");
    }
    // Upgrade (a strategic merge patch through the simulator), roll back, uninstall
    // keeping history: more revisions and every common status.
    for args in [
        "upgrade web CHART --set replicaCount=4 --disable-openapi-validation",
        "rollback web 1",
        "uninstall api --keep-history",
    ] {
        let args: Vec<&str> = args
            .split_whitespace()
            .map(|a| if a == "CHART" { chart } else { a })
            .collect();
        let out = run(&helm, &args, &kc);
        assert!(out.ends_with("rc 0\n"), "helm {args:?} failed: {out}");
    }
    let mut failures = Vec::new();
    // --show-resources: Helm prints its sections in Go map order (random) and ages as
    // they are; compare the sections as a set, ages masked.
    let sections = |out: &str| -> Vec<String> {
        let age = regex::Regex::new(r"[0-9]+[smhd]$").expect("re");
        let mut v: Vec<String> = out
            .split("==> ")
            .flat_map(|s| s.split("\n\n"))
            .map(|s| {
                s.lines()
                    .map(|l| age.replace(l, "AGE").into_owned())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect();
        v.sort();
        v
    };
    for c in [
        "status web --show-resources",
        "status api --show-resources --show-desc",
    ] {
        let args: Vec<&str> = c.split_whitespace().collect();
        let (h, k) = (run(&helm, &args, &kc), run(&hke(), &args, &kc));
        if sections(&h) != sections(&k) {
            failures.push(format!("`{c}`:\n--- helm\n{h}--- hke\n{k}"));
        }
    }
    let c = ["status", "web", "--show-resources", "-o", "json"];
    let h: serde_json::Value =
        serde_json::from_str(run(&helm, &c, &kc).trim_end_matches("rc 0\n")).expect("helm json");
    let k: serde_json::Value =
        serde_json::from_str(run(&hke(), &c, &kc).trim_end_matches("rc 0\n")).expect("hke json");
    if h != k {
        failures.push(format!(
            "`status web --show-resources -o json`:\n--- helm\n{h}\n--- hke\n{k}"
        ));
    }
    failures.extend(compare(
        &helm,
        &kc,
        &[
            "list --all",
            "list --superseded",
            "list --uninstalled -o json",
            "list -a -A -r",
            "history api",
            "status web --revision 2",
            "status web --revision 2 -o json",
            "get values web --revision 2",
            "get manifest web --revision 2",
            "get values web --revision 3 -o yaml",
            "list",
            "list -A",
            "list -A -o json",
            "list -A -o yaml",
            "list -q",
            "list -n kube-public",
            "list --all -r",
            "list -l status=deployed",
            "list --all -l name!=web,owner=helm",
            "history web",
            "history web -o json",
            "history web -o yaml",
            "status web",
            "status web -o json",
            "status web -o yaml",
            "status site -n kube-public --show-desc",
            "get manifest web",
            "get values web",
            "get values web -o json",
            "get values api -o yaml",
            "get notes web",
            "get hooks web",
            "get all web",
            "get all web --revision 2",
            "get all api",
            "get metadata web",
            "get metadata web -o json",
            "get metadata api -o yaml",
            "get values web --all",
            "get values web -a -o json",
            "get values api --all -o yaml --revision 1",
            "status missing",
            "history missing",
        ],
    ));

    // 2. hke writes two revisions of a release; helm reads them.
    let storage = secret_storage(&kc, "default").expect("storage");
    for (version, status, desc) in [
        (1, Status::Superseded, "Install complete"),
        (2, Status::Deployed, "Upgrade complete"),
    ] {
        let manifest = format!("---\n# Source: written/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rev{version}\n");
        storage
            .create(&written(version, status, desc, &manifest))
            .expect("store");
    }
    let helm_history = run(&helm, &["history", "by-hke"], &kc);
    assert!(
        helm_history.contains("superseded") && helm_history.contains("Upgrade complete"),
        "{helm_history}"
    );
    let helm_manifest = run(&helm, &["get", "manifest", "by-hke"], &kc);
    assert!(helm_manifest.contains("name: rev2"), "{helm_manifest}");
    failures.extend(compare(
        &helm,
        &kc,
        &[
            "list",
            "list -o json",
            "history by-hke",
            "history by-hke -o json",
            "status by-hke",
            "status by-hke -o json",
            "get manifest by-hke",
            "get manifest by-hke --revision 1",
            "get notes by-hke",
        ],
    ));
    // 3. The configmap driver (HELM_DRIVER=configmap), written by helm.
    for args in [
        vec!["install", "cm", chart, "--disable-openapi-validation"],
        vec![
            "upgrade",
            "cm",
            chart,
            "--set",
            "replicaCount=2",
            "--disable-openapi-validation",
        ],
    ] {
        let out = run_with_driver(&helm, &args, &kc, "configmap");
        assert!(out.ends_with("rc 0\n"), "helm {args:?} failed: {out}");
    }
    failures.extend(compare_with_driver(
        &helm,
        &kc,
        &[
            "list",
            "list -o json",
            "history cm",
            "status cm -o json",
            "get values cm",
        ],
        "configmap",
    ));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Helm 4 (client-side apply: the simulator has no server-side apply yet) writes and
/// reads records beside hke: hke prints what helm 4 prints for the commands whose
/// output helm 3 and 4 share, and helm 4 reads records hke writes.
#[test]
fn helm4_and_hke_read_each_others_records() {
    let Some(helm) = hke_testkit::helm4() else {
        println!("skipped: helm4 not installed (run ../shared/tools/get-helm.sh)");
        return;
    };
    let sim = Simulator::start(Config::default()).expect("simulator");
    let dir = std::env::temp_dir().join(format!("hke-releases-sim4-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let kc = dir.join("kubeconfig");
    sim.write_kubeconfig(&kc).expect("kubeconfig");
    let chart = demo_chart();
    let chart = chart.to_str().expect("path");
    for args in [
        "install web CHART --set replicaCount=3 --server-side=false --disable-openapi-validation",
        "install api CHART --server-side=false --disable-openapi-validation",
        "upgrade web CHART --set config.greeting=<b>hi</b> --disable-openapi-validation",
        "rollback web 1",
        "uninstall api --keep-history",
    ] {
        let args: Vec<&str> = args
            .split_whitespace()
            .map(|a| if a == "CHART" { chart } else { a })
            .collect();
        let out = run(&helm, &args, &kc);
        assert!(out.ends_with("rc 0\n"), "helm4 {args:?} failed: {out}");
    }
    let mut failures = compare(
        &helm,
        &kc,
        &[
            "list --uninstalled -o yaml",
            "list --deployed",
            "history web",
            "history web -o json",
            "history api -o yaml",
            "get values web",
            "get values web --revision 2 -o json",
            "get values web --all -o json",
            "get manifest web",
            "get manifest web --revision 2",
            "get notes web",
            "get hooks web",
            "status missing",
        ],
    );
    // hke writes a release; helm 4 reads it.
    let storage = secret_storage(&kc, "default").expect("storage");
    let manifest = "---\n# Source: written/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n";
    storage
        .create(&written(1, Status::Deployed, "Install complete", manifest))
        .expect("store");
    failures.extend(compare(
        &helm,
        &kc,
        &[
            "history by-hke",
            "history by-hke -o json",
            "get manifest by-hke",
            "get notes by-hke",
            "get values by-hke -o json",
        ],
    ));
    // Helm 4's `list` shows every status (it has no `--all`): hke's `list --all`.
    for (h4, ours) in [
        ("list", "list --all"),
        ("list -o json", "list --all -o json"),
        ("list -r", "list --all -r"),
    ] {
        let h = run(&helm, &h4.split_whitespace().collect::<Vec<_>>(), &kc);
        let k = run(&hke(), &ours.split_whitespace().collect::<Vec<_>>(), &kc);
        if h != k {
            failures.push(format!("`{h4}` / `{ours}`:\n--- helm4\n{h}--- hke\n{k}"));
        }
    }
    // Helm 4's `list` shows every status (it has no `--all`): hke's `list --all`.
    for (h4, ours) in [
        ("list", "list --all"),
        ("list -o json", "list --all -o json"),
        ("list -r", "list --all -r"),
    ] {
        let h = run(&helm, &h4.split_whitespace().collect::<Vec<_>>(), &kc);
        let k = run(&hke(), &ours.split_whitespace().collect::<Vec<_>>(), &kc);
        if h != k {
            failures.push(format!("`{h4}` / `{ours}`:\n--- helm4\n{h}--- hke\n{k}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
