//! Hand-written charts (`tests/fixtures/chart/cases/`) loaded and shown, compared with
//! what helm v3.17.2 printed for `helm show FORMAT CASE` (`cases.json`, made by
//! `scripts/gen-chart-fixtures.py`): stdout byte for byte on success, the `Error:` line
//! on failure, and the loader's log lines.

use hke_core::chart::show::{show, ShowFormat};
use std::path::Path;

fn format_of(name: &str) -> ShowFormat {
    match name {
        "chart" => ShowFormat::Chart,
        "values" => ShowFormat::Values,
        "readme" => ShowFormat::Readme,
        "crds" => ShowFormat::Crds,
        _ => ShowFormat::All,
    }
}

/// Sorted entry names of a `.tgz`.
fn entry_names(bytes: &[u8]) -> Vec<String> {
    let mut a = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut names: Vec<String> = a
        .entries()
        .expect("entries")
        .map(|e| String::from_utf8_lossy(&e.expect("entry").path_bytes()).into_owned())
        .collect();
    names.sort();
    names
}

/// `helm package CASE`: the same error, or an archive with the same entry names.
fn check_package(
    name: &str,
    loaded: &Result<hke_core::chart::Chart, hke_core::chart::LoadError>,
    want: &serde_json::Value,
) -> Option<String> {
    let rc = want["rc"].as_i64().unwrap_or(-1);
    let stderr = want["stderr"].as_str().unwrap_or("");
    let result = loaded.as_ref().map_err(ToString::to_string).and_then(|c| {
        let missing = c.missing_dependencies();
        if !missing.is_empty() {
            return Err(format!(
                "found in Chart.yaml, but missing in charts/ directory: {}",
                missing.join(", ")
            ));
        }
        hke_core::chart::save::archive_bytes(c, 0).map_err(|e| e.to_string())
    });
    match result {
        Ok(bytes) if rc == 0 => {
            let want: Vec<String> = want["entries"]
                .as_array()
                .expect("entries")
                .iter()
                .map(|e| e.as_str().unwrap_or("").to_string())
                .collect();
            let got = entry_names(&bytes);
            (got != want).then(|| format!("{name} package: entries {got:?} vs helm {want:?}"))
        }
        Ok(_) => Some(format!(
            "{name} package: helm failed ({stderr}) but hke packaged"
        )),
        Err(e) if rc == 0 => Some(format!("{name} package: hke failed: {e}")),
        Err(e) => {
            let got = format!("Error: {e}\n");
            (got != stderr).then(|| format!("{name} package: error {got:?} vs helm {stderr:?}"))
        }
    }
}

#[test]
fn cases_match_helm_show() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chart");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("cases.json")).expect("cases.json"))
            .expect("cases.json parses");
    let cases = expected.as_object().expect("object");
    assert!(cases.len() >= 50);
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, formats) in cases {
        let loaded = hke_core::chart::load(root.join("cases").join(name));
        for (fmt, want) in formats.as_object().expect("formats") {
            checked += 1;
            if fmt == "package" {
                if let Some(f) = check_package(name, &loaded, want) {
                    failures.push(f);
                }
                continue;
            }
            let rc = want["rc"].as_i64().unwrap_or(-1);
            let stdout = want["stdout"].as_str().unwrap_or("");
            let stderr = want["stderr"].as_str().unwrap_or("");
            match &loaded {
                Ok(c) => {
                    let got = String::from_utf8_lossy(&show(c, format_of(fmt))).into_owned();
                    let logs: String = c.all_warnings().iter().map(|w| format!("{w}\n")).collect();
                    if rc != 0 {
                        failures.push(format!(
                            "{name} {fmt}: helm failed ({stderr}) but hke loaded it"
                        ));
                    } else if got != stdout {
                        failures.push(format!(
                            "{name} {fmt}: stdout\n--- helm\n{stdout}\n--- hke\n{got}"
                        ));
                    } else if logs != stderr {
                        failures.push(format!("{name} {fmt}: stderr {stderr:?} vs {logs:?}"));
                    }
                }
                Err(e) => {
                    let got = format!("Error: {e}\n");
                    if rc == 0 {
                        failures.push(format!("{name} {fmt}: helm succeeded but hke failed: {e}"));
                    } else if got != stderr {
                        failures.push(format!(
                            "{name} {fmt}: error\n  helm: {stderr}  hke:  {got}"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
