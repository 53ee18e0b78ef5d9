//! `hke template` on the README's example chart prints exactly what helm 3.17.2 prints
//! (fixtures made by `scripts/gen-demo-fixture.sh`).

use std::path::Path;
use std::process::Command;

fn hke(args: &[&str]) -> (String, String, i32) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO_BIN_EXE_hke"))
        .args(args)
        .current_dir(root)
        .output()
        .expect("run hke");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .expect("fixture")
}

#[test]
fn demo_chart_renders_like_helm() {
    let (stdout, stderr, code) = hke(&["template", "demo", "examples/demo", "--namespace", "web"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, fixture("demo-template.yaml"));
}

#[test]
fn set_flags_and_show_only_like_helm() {
    let (stdout, stderr, code) = hke(&[
        "template",
        "demo",
        "examples/demo",
        "--namespace",
        "web",
        "--set",
        "replicaCount=3,image.tag=1.25",
        "--show-only",
        "templates/deployment.yaml",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, fixture("demo-template-set.yaml"));
}

#[test]
fn errors_are_helms() {
    let (_, stderr, code) = hke(&["template", "Bad_Name", "examples/demo"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("Error: release name \"Bad_Name\": invalid release name"),
        "{stderr}"
    );
    let (_, stderr, code) = hke(&[
        "template",
        "demo",
        "examples/demo",
        "--show-only",
        "templates/nope.yaml",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "Error: could not find template templates/nope.yaml in chart\n"
    );
    let (_, stderr, code) = hke(&["template", "demo", "examples/demo", "--kube-version", "bad"]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "Error: invalid kube version 'bad': Invalid Semantic Version\n"
    );
}

#[test]
fn schema_errors_like_helm() {
    let (stdout, stderr, code) = hke(&["template", "r", "hke-cli/tests/fixtures/charts/schema"]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "");
    assert_eq!(stderr, fixture("schema-errors.err"));
    let (_, stderr, code) = hke(&[
        "template",
        "r",
        "hke-cli/tests/fixtures/charts/schema",
        "--skip-schema-validation",
    ]);
    assert_eq!(code, 0, "{stderr}");
}

/// `--name-template`, `--generate-name` and extra arguments as `helm template` handles
/// them (install's NameAndChart with template's default name).
#[test]
fn release_naming_flags_match_helm() {
    let Some(helm) = hke_testkit::helm3() else {
        println!("skipped: helm3 not installed (run ../shared/tools/get-helm.sh)");
        return;
    };
    let hke = std::path::PathBuf::from(env!("CARGO_BIN_EXE_hke"));
    let chart = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/demo");
    let chart = chart.to_str().expect("path");
    let run = |bin: &std::path::Path, args: &[&str]| {
        let out = std::process::Command::new(bin)
            .args(args)
            .output()
            .expect("run");
        format!(
            "{}{}rc {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            out.status.code().unwrap_or(-1)
        )
    };
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "template",
            chart,
            "--name-template",
            "{{ printf \"%s-%s\" \"web\" (lower \"ABC\") }}",
            "--show-only",
            "templates/configmap.yaml",
        ],
        vec!["template", chart, "--name-template", "{{ nope }}"],
        vec!["template", "x", chart, "--generate-name"],
        vec!["template", "x", chart, "--name-template", "y"],
        vec!["template", chart, "a", "b"],
        vec![
            "template",
            chart,
            "-g",
            "--show-only",
            "templates/service.yaml",
        ],
    ];
    for args in cases {
        assert_eq!(run(&hke, &args), run(&helm, &args), "{args:?}");
    }
}
