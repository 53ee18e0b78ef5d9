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
