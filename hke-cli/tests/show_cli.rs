//! The `hke show` and `hke package` commands end to end: output bytes, errors and exit
//! codes as helm prints them, and packages that the real helm3 renders exactly like the
//! chart folder they came from.

use std::path::{Path, PathBuf};
use std::process::Command;

fn hke() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hke"))
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../hke-core/tests/fixtures/chart/cases")
}

#[test]
fn show_prints_helms_bytes_for_the_fixture_cases() {
    let expected: serde_json::Value = serde_json::from_slice(
        &std::fs::read(cases_dir().join("../cases.json")).expect("cases.json"),
    )
    .expect("json");
    for case in [
        "numbers",
        "quoting",
        "crds",
        "readme-order",
        "requirements-v2",
        "bad-version",
        "values-null",
    ] {
        for fmt in ["chart", "values", "readme", "crds", "all"] {
            let out = hke()
                .args(["show", fmt, case])
                .current_dir(cases_dir())
                .output()
                .unwrap();
            let want = &expected[case][fmt];
            assert_eq!(
                i64::from(out.status.code().unwrap_or(-1)),
                want["rc"].as_i64().unwrap(),
                "{case} {fmt} exit code"
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                want["stdout"].as_str().unwrap(),
                "{case} {fmt} stdout"
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                want["stderr"].as_str().unwrap(),
                "{case} {fmt} stderr"
            );
        }
    }
}

#[test]
fn show_locates_charts_like_helm() {
    let run = |arg: &str| {
        let out = hke()
            .args(["show", "chart", arg])
            .current_dir(cases_dir())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(
        run("./nonexist"),
        (Some(1), "Error: path \"./nonexist\" not found\n".into())
    );
    assert_eq!(run("a/b"), (Some(1), "Error: repo a not found\n".into()));
    assert_eq!(
        run("nonexist"),
        (
            Some(1),
            "Error: non-absolute URLs should be in form of repo_name/path_to_chart, got: nonexist\n"
                .into()
        )
    );
}

/// Packages corpus charts with hke and renders the archives with the real helm3: the
/// output must equal helm's own output for the chart folder (the corpus expectation).
/// About ten charts by default, all of them with `HKE_LONG=1`.
#[test]
fn packages_render_like_their_folders_in_helm3() {
    let (Some(shared), Some(helm)) = (hke_testkit::shared_dir(), hke_testkit::helm3()) else {
        return;
    };
    let corpus = shared.join("corpus");
    let Ok(manifest) = std::fs::read(corpus.join("manifest.json")) else {
        eprintln!("skipping: no corpus manifest");
        return;
    };
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).expect("manifest");
    let long = std::env::var_os("HKE_LONG").is_some();
    let cases: Vec<&serde_json::Value> = manifest["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["kind"] == "default" && c["rc"] == 0 && c["deterministic"] == true)
        .collect();
    let step = if long { 1 } else { (cases.len() / 10).max(1) };
    let out_dir = std::env::temp_dir().join(format!("hke-package-{}", std::process::id()));
    let mut checked = 0;
    for case in cases.iter().step_by(step) {
        let id = case["chart"].as_str().expect("chart id");
        let dir = out_dir.join(id);
        let out = hke()
            .args(["package", "-d"])
            .arg(&dir)
            .arg(corpus.join("charts").join(id))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let tgz = stdout
            .trim_end()
            .strip_prefix("Successfully packaged chart and saved it to: ")
            .unwrap_or_else(|| panic!("{id}: unexpected output {stdout:?}"))
            .to_string();
        let rendered = Command::new(&helm)
            .args([
                "template",
                "rel",
                &tgz,
                "--namespace",
                "ns",
                "--kube-version",
                "1.31.0",
            ])
            .env("HELM_CACHE_HOME", &out_dir)
            .env("HELM_CONFIG_HOME", &out_dir)
            .env("HELM_DATA_HOME", &out_dir)
            .output()
            .unwrap();
        let expected =
            std::fs::read(corpus.join(case["expected_stdout"].as_str().expect("path"))).unwrap();
        assert!(
            rendered.status.success(),
            "{id}: helm3 failed: {}",
            String::from_utf8_lossy(&rendered.stderr)
        );
        assert!(
            rendered.stdout == expected,
            "{id}: helm3 renders the package differently from the folder"
        );
        checked += 1;
    }
    eprintln!("packaged and rendered {checked} corpus charts");
    let _ = std::fs::remove_dir_all(&out_dir);
    assert!(checked >= 10 || (long && checked > 0));
}

/// Sorted `(name, mode, bytes)` of every entry of a `.tgz`.
fn entries(path: &Path) -> Vec<(String, u32, Vec<u8>)> {
    use std::io::Read;
    let file = std::fs::File::open(path).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        let mode = e.header().mode().unwrap();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        out.push((name, mode, data));
    }
    out.sort();
    out
}

/// `hke package` and `helm3 package` write the same entries with the same bytes (entry
/// order aside: helm orders subcharts by Go map iteration, i.e. randomly). About ten
/// corpus charts by default, all with `HKE_LONG=1`.
#[test]
fn package_writes_what_helm3_package_writes() {
    let (Some(shared), Some(helm)) = (hke_testkit::shared_dir(), hke_testkit::helm3()) else {
        return;
    };
    let charts = shared.join("corpus/charts");
    let Ok(rd) = std::fs::read_dir(&charts) else {
        eprintln!("skipping: no corpus charts");
        return;
    };
    let mut ids: Vec<String> = rd
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    let step = if std::env::var_os("HKE_LONG").is_some() {
        1
    } else {
        9
    };
    let out = std::env::temp_dir().join(format!("hke-package-cmp-{}", std::process::id()));
    let mut checked = 0;
    for id in ids.iter().step_by(step) {
        let (h, k) = (out.join("helm").join(id), out.join("hke").join(id));
        let hr = Command::new(&helm)
            .args(["package", "-d"])
            .arg(&h)
            .arg(charts.join(id))
            .env("HELM_CACHE_HOME", &out)
            .env("HELM_CONFIG_HOME", &out)
            .env("HELM_DATA_HOME", &out)
            .output()
            .unwrap();
        let kr = hke()
            .args(["package", "-d"])
            .arg(&k)
            .arg(charts.join(id))
            .output()
            .unwrap();
        assert_eq!(
            hr.status.success(),
            kr.status.success(),
            "{id}: exit status"
        );
        if !hr.status.success() {
            assert_eq!(
                String::from_utf8_lossy(&hr.stderr),
                String::from_utf8_lossy(&kr.stderr),
                "{id}: error text"
            );
            continue;
        }
        let only = |d: &Path| {
            std::fs::read_dir(d)
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "tgz"))
                .unwrap()
        };
        let (ht, kt) = (only(&h), only(&k));
        assert_eq!(ht.file_name(), kt.file_name(), "{id}: archive name");
        assert!(entries(&ht) == entries(&kt), "{id}: archive entries differ");
        checked += 1;
    }
    eprintln!("compared {checked} packages with helm3's");
    let _ = std::fs::remove_dir_all(&out);
    assert!(checked >= 8);
}
