//! Template conformance: every case of `tests/fixtures/template/cases/<area>.json` is
//! rendered by hke through the same one-file chart harness that
//! `scripts/gen-template-fixtures.py` ran against helm 3.17.2 (helm-engine.md §12), and
//! compared with `expected/<area>.json`: outputs exactly, errors exactly (an error case
//! where hke fails with a different message is counted separately as "error text").
//!
//! Failures listed in `known-failures.txt` (`id  reason`) are tolerated; any other failure
//! fails the test, and so does a listed case that now passes (so the list only shrinks).

use hke_core::action::template::{template, TemplateOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const CHART_YAML: &str = "apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: \"1.0\"\n";

fn base() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/template")
}

/// The outcome helm produced (`expected`) or hke produced.
#[derive(Debug, PartialEq)]
enum Outcome {
    Out(String),
    Error(String),
}

/// Applies the helm flags a case may carry; `Err` names an unsupported flag.
fn apply_flags(flags: &[String], opts: &mut TemplateOptions) -> Result<(), String> {
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        let (name, inline) = match f.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (f.clone(), None),
        };
        if name == "--is-upgrade" {
            opts.is_upgrade = true;
            continue;
        }
        let val = match inline {
            Some(v) => v,
            None => it
                .next()
                .cloned()
                .ok_or_else(|| format!("flag {name} needs a value"))?,
        };
        match name.as_str() {
            "--set" => opts.values.values.push(val),
            "--set-string" => opts.values.string_values.push(val),
            "--set-json" => opts.values.json_values.push(val),
            "--set-literal" => opts.values.literal_values.push(val),
            "-n" | "--namespace" => opts.namespace = Some(val),
            "--kube-version" => opts.kube_version = Some(val),
            "-a" | "--api-versions" => opts.api_versions.push(val),
            other => return Err(format!("unsupported flag {other}")),
        }
    }
    Ok(())
}

fn render(dir: &Path, case: &serde_json::Value) -> Outcome {
    let tpl = case["template"].as_str().unwrap_or_default();
    let values = case["values"].as_str().unwrap_or_default();
    let flags: Vec<String> = case["flags"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let chart = dir.join("c");
    std::fs::create_dir_all(chart.join("templates")).expect("create chart dir");
    std::fs::write(chart.join("Chart.yaml"), CHART_YAML).expect("write Chart.yaml");
    std::fs::write(chart.join("values.yaml"), values).expect("write values.yaml");
    std::fs::write(chart.join("templates/t.yaml"), format!("<<{tpl}>>")).expect("write t.yaml");
    let mut opts = TemplateOptions {
        release_name: Some("r".into()),
        debug: true,
        ..Default::default()
    };
    if let Err(e) = apply_flags(&flags, &mut opts) {
        return Outcome::Error(format!("harness: {e}"));
    }
    let mut read = |p: &str| std::fs::read(p).map_err(|e| e.to_string());
    let out = template(&chart, &opts, &mut read);
    // As with helm --debug: the rendered file is printed even when it is not valid YAML.
    let start = out.stdout.find("<<");
    let end = out.stdout.rfind(">>");
    if let (Some(s), Some(e)) = (start, end) {
        if e >= s + 2 {
            return Outcome::Out(out.stdout[s + 2..e].to_string());
        }
    }
    match out.error {
        Some(e) => Outcome::Error(e.lines().next().unwrap_or_default().to_string()),
        None => Outcome::Error("harness: no markers in stdout and no error".into()),
    }
}

fn known_failures() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(base().join("known-failures.txt")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((id, reason)) => (id.to_string(), reason.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

#[test]
fn template_conformance() {
    let known = known_failures();
    let mut areas: Vec<PathBuf> = std::fs::read_dir(base().join("cases"))
        .expect("cases dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    areas.sort();
    let tmp = std::env::temp_dir().join(format!("hke-template-conformance-{}", std::process::id()));
    let mut seen = BTreeSet::new();
    let mut regressions = Vec::new();
    let mut fixed = Vec::new();
    let (mut total, mut passed) = (0, 0);
    for path in &areas {
        let area = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let cases: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read cases"))
                .expect("cases JSON");
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(base().join("expected").join(format!("{area}.json")))
                .unwrap_or_else(|_| {
                    panic!("no expected/{area}.json: run scripts/gen-template-fixtures.py {area}")
                }),
        )
        .expect("expected JSON");
        let expected: BTreeMap<&str, Outcome> = expected
            .as_array()
            .expect("expected array")
            .iter()
            .map(|e| {
                let id = e["id"].as_str().unwrap_or_default();
                match (e.get("out"), e.get("error")) {
                    (Some(o), _) => (id, Outcome::Out(o.as_str().unwrap_or_default().into())),
                    (_, Some(er)) => (id, Outcome::Error(er.as_str().unwrap_or_default().into())),
                    _ => panic!("{id}: neither out nor error"),
                }
            })
            .collect();
        let (mut n, mut ok, mut err_text, mut wrong) = (0, 0, 0, 0);
        for case in cases["cases"].as_array().expect("cases array") {
            let id = case["id"].as_str().expect("case id").to_string();
            assert!(seen.insert(id.clone()), "duplicate case id {id}");
            let want = expected
                .get(id.as_str())
                .unwrap_or_else(|| panic!("{id}: no expected outcome; regenerate {area}"));
            let dir = tmp.join(&id);
            let got = render(&dir, case);
            let _ = std::fs::remove_dir_all(&dir);
            n += 1;
            let pass = &got == want;
            if pass {
                ok += 1;
            } else if matches!((&got, want), (Outcome::Error(_), Outcome::Error(_))) {
                err_text += 1;
            } else {
                wrong += 1;
            }
            match (pass, known.contains_key(&id)) {
                (true, true) => fixed.push(id),
                (false, false) => regressions.push(format!(
                    "{id}:\n  template: {:?}\n  want: {want:?}\n  got:  {got:?}",
                    case["template"]
                )),
                _ => {}
            }
        }
        println!("{area}: {ok}/{n} pass ({err_text} error text differs, {wrong} wrong outcome)");
        total += n;
        passed += ok;
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "total: {passed}/{total} pass, {} known failures",
        known.len()
    );
    for id in known.keys() {
        assert!(
            seen.contains(id),
            "known-failures.txt lists unknown case {id}"
        );
    }
    assert!(
        regressions.is_empty(),
        "{} unexpected failures:\n{}",
        regressions.len(),
        regressions.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "cases now pass; remove them from known-failures.txt: {fixed:?}"
    );
}
