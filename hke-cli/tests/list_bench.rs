//! Whole-process timing of `hke list` against `helm3 list` on 1,000 releases of 10
//! revisions each in one namespace of the API simulator, with the API requests each
//! sends. Flag-gated (it writes 10,000 records): `HKE_LONG=1 cargo test --release -p
//! hke-cli --test list_bench -- --nocapture`. It prints the figures and checks that both
//! list the same releases.

use hke_core::release::Status;
use hke_testkit::records::{secret_storage, RecordSpec};
use hke_testkit::sim::{Config, Simulator};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn timed(bin: &Path, kubeconfig: &Path, sim: &Simulator) -> (Duration, usize, String) {
    let before = sim.requests().len();
    let t = Instant::now();
    let out = Command::new(bin)
        .args(["list", "--max", "0"])
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", kubeconfig.parent().unwrap_or(Path::new("/tmp")))
        .env_remove("HELM_NAMESPACE")
        .env_remove("HELM_DRIVER")
        .output()
        .expect("run");
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        took,
        sim.requests().len() - before,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn list_1000_releases_against_helm3() {
    if std::env::var_os("HKE_LONG").is_none() {
        println!("skipped: set HKE_LONG=1 to time hke list against helm3 list on 10,000 records");
        return;
    }
    let Some(helm) = hke_testkit::helm3() else {
        println!("skipped: helm3 not installed (run ../shared/tools/get-helm.sh)");
        return;
    };
    let sim = Simulator::start(Config::default()).expect("simulator");
    let dir = std::env::temp_dir().join(format!("hke-list-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let kc = dir.join("kubeconfig");
    sim.write_kubeconfig(&kc).expect("kubeconfig");
    let storage = secret_storage(&kc, "default").expect("storage");
    let manifest: String = "---\n# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n".to_string()
        + &(0..60).map(|i| format!("  k{i}: value-{i}\n")).collect::<String>();
    for r in 0..1000 {
        let name = format!("rel-{r:04}");
        for v in 1..=10 {
            let spec = RecordSpec {
                name: &name,
                namespace: "default",
                version: v,
                status: if v == 10 {
                    Status::Deployed
                } else {
                    Status::Superseded
                },
                description: "Upgrade complete",
                manifest: &manifest,
                notes: "",
                chart: "app",
                chart_version: "1.0.0",
                app_version: "2.0",
            };
            storage.create(&spec.build()).expect("store");
        }
    }
    let hke = PathBuf::from(env!("CARGO_BIN_EXE_hke"));
    let mut hke_t = Vec::new();
    let mut helm_t = Vec::new();
    let (mut hke_req, mut helm_req) = (0, 0);
    for _ in 0..5 {
        let (t, n, out_hke) = timed(&hke, &kc, &sim);
        hke_t.push(t);
        hke_req = n;
        let (t, n, out_helm) = timed(&helm, &kc, &sim);
        helm_t.push(t);
        helm_req = n;
        assert_eq!(out_hke, out_helm, "hke and helm3 list differently");
        assert_eq!(out_hke.lines().count(), 1001);
    }
    hke_t.sort();
    helm_t.sort();
    let (h, k) = (helm_t[2].as_secs_f64(), hke_t[2].as_secs_f64());
    println!(
        "list of 1000 releases x 10 revisions (median of 5 whole-process runs): hke {k:.3} s, {hke_req} API request(s); helm3 {h:.3} s, {helm_req} API request(s); helm3/hke = {:.2}x",
        h / k
    );
    let _ = std::fs::remove_dir_all(&dir);
}
