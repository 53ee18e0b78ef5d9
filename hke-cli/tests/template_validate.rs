//! `hke template --validate` against the API simulator prints what `helm3 template
//! --validate` prints: capabilities from the cluster (server version, discovery), empty
//! lookups (a client dry run), and an error for a kind the cluster does not serve. Skips with a printed reason when helm3 is not installed.

use hke_testkit::sim::{Config, Simulator};
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(bin: &Path, args: &[&str], kubeconfig: &Path) -> String {
    let out = Command::new(bin)
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", kubeconfig.parent().unwrap_or(Path::new("/tmp")))
        .env_remove("HELM_NAMESPACE")
        .env_remove("HELM_KUBECONTEXT")
        .output()
        .expect("run");
    format!(
        "{}{}rc {}\n",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        out.status.code().unwrap_or(-1)
    )
}

fn chart(dir: &Path, name: &str, template: &str) -> PathBuf {
    let c = dir.join(name);
    std::fs::create_dir_all(c.join("templates")).expect("chart dir");
    std::fs::write(
        c.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"),
    )
    .expect("Chart.yaml");
    std::fs::write(c.join("templates/t.yaml"), template).expect("template");
    c
}

#[test]
fn validate_reads_the_cluster_as_helm() {
    let Some(helm) = hke_testkit::helm3() else {
        println!("skipped: helm3 not installed (run ../shared/tools/get-helm.sh)");
        return;
    };
    let sim = Simulator::start(Config::default()).expect("simulator");
    let dir = std::env::temp_dir().join(format!("hke-template-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let kc = dir.join("kubeconfig");
    sim.write_kubeconfig(&kc).expect("kubeconfig");
    let hke = PathBuf::from(env!("CARGO_BIN_EXE_hke"));
    let caps = chart(
        &dir,
        "caps",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caps\ndata:\n  kube: {{ .Capabilities.KubeVersion.Version | quote }}\n  minor: {{ .Capabilities.KubeVersion.Minor | quote }}\n  apps: {{ .Capabilities.APIVersions.Has \"apps/v1/Deployment\" | quote }}\n  widget: {{ .Capabilities.APIVersions.Has \"example.com/v1\" | quote }}\n  ns: {{ (lookup \"v1\" \"Namespace\" \"\" \"kube-system\") | len | quote }}\n  missing: {{ lookup \"v1\" \"ConfigMap\" \"default\" \"nope\" | len | quote }}\n",
    );
    let unknown = chart(
        &dir,
        "unknown",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
    );
    let mut failures = Vec::new();
    for (c, extra) in [(&caps, ""), (&caps, "--api-versions example.com/v1")] {
        let mut args = vec!["template", "r", c.to_str().expect("path"), "--validate"];
        args.extend(extra.split_whitespace());
        let (h, k) = (run(&helm, &args, &kc), run(&hke, &args, &kc));
        if h != k {
            failures.push(format!("{args:?}:\n--- helm\n{h}--- hke\n{k}"));
        }
    }
    // A kind the cluster does not serve. (helm 3 validates with the OpenAPI v2 document
    // in protobuf first, which the simulator does not serve, so its message here is not
    // a real server's; hke's is client-go's mapping error, which helm prints for it.)
    let out = run(
        &hke,
        &[
            "template",
            "r",
            unknown.to_str().expect("path"),
            "--validate",
        ],
        &kc,
    );
    if !(out.contains(r#"no matches for kind "Widget" in version "example.com/v1""#)
        && out.contains("ensure CRDs are installed first")
        && out.ends_with("rc 1\n"))
    {
        failures.push(format!("unknown kind:\n{out}"));
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
