//! Dependency processing and values coalescing, end to end through `hke template`,
//! against real helm 3.17.2's output on a fixture chart (conditions, tags, aliases,
//! import-values, globals, null overrides, warnings). Fixtures:
//! `scripts/gen-values-fixtures.py`.

use std::path::Path;
use std::process::Command;

#[test]
fn dependency_cases_match_helm() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("hke-cli/tests/fixtures/deps-cases.json"))
        .expect("fixture");
    let cases: serde_json::Value = serde_json::from_str(&text).expect("json");
    let mut failures = Vec::new();
    let obj = cases.as_object().expect("cases");
    for (name, case) in obj {
        let args: Vec<String> = case["args"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let out = Command::new(env!("CARGO_BIN_EXE_hke"))
            .args(["template", "r", "hke-cli/tests/fixtures/charts/deps"])
            .args(&args)
            .current_dir(&root)
            .output()
            .expect("run hke");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let rc = i64::from(out.status.code().unwrap_or(-1));
        if rc != case["rc"].as_i64().unwrap_or(0)
            || stdout != case["stdout"].as_str().unwrap_or_default()
            || stderr != case["stderr"].as_str().unwrap_or_default()
        {
            failures.push(format!(
                "{name}: rc {rc}\n--- hke stdout\n{stdout}\n--- helm stdout\n{}\n--- hke stderr\n{stderr}\n--- helm stderr\n{}",
                case["stdout"].as_str().unwrap_or_default(),
                case["stderr"].as_str().unwrap_or_default()
            ));
        }
    }
    println!(
        "{}/{} dependency cases match helm",
        obj.len() - failures.len(),
        obj.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
