//! The corpus test: every case of `../shared/corpus/manifest.json` (real charts and the
//! exact `helm template` output of Helm 3.17.2) rendered with the `hke` binary, scored
//! as the corpus README asks:
//!
//! - data equality: exit status agrees; on success the documents (split on `---` lines)
//!   have the same `# Source:` lines and the same YAML data (non-deterministic values
//!   masked); on failure the first `Error:` line is compared separately (error-text rate);
//! - byte equality: stdout identical, over deterministic cases.
//!
//! Rates are printed per upstream repository and overall. The test fails when a case
//! that is not listed in `tests/corpus-known-failures.txt` fails data equality, or (when
//! deterministic) byte equality: known failures are listed with their reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use hke_core::Value;
use serde_json::Value as Json;

struct Case {
    id: String,
    chart: String,
    args: Vec<String>,
    rc: i64,
    deterministic: bool,
    nondet: Vec<(usize, Vec<String>)>,
    expected_stdout: String,
    expected_stderr: Option<String>,
}

fn load_cases(corpus: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(corpus.join("manifest.json")).expect("manifest.json");
    let manifest: Json = serde_json::from_str(&text).expect("manifest.json is JSON");
    let mut out = Vec::new();
    for c in manifest["cases"].as_array().expect("cases") {
        let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
        let read = |k: &str| {
            c[k].as_str()
                .map(|p| std::fs::read_to_string(corpus.join(p)).unwrap_or_default())
        };
        let nondet = c["nondeterministic_docs"]
            .as_array()
            .map(|docs| {
                docs.iter()
                    .map(|d| {
                        let paths = d["paths"]
                            .as_array()
                            .map(|p| {
                                p.iter()
                                    .filter_map(|x| x.as_str().map(String::from))
                                    .collect()
                            })
                            .unwrap_or_default();
                        (d["doc"].as_u64().unwrap_or(0) as usize, paths)
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Case {
            id: s("case"),
            chart: s("chart"),
            args: c["args"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
            rc: c["rc"].as_i64().unwrap_or(0),
            deterministic: c["deterministic"].as_bool().unwrap_or(true),
            nondet,
            expected_stdout: read("expected_stdout").unwrap_or_default(),
            expected_stderr: read("expected_stderr"),
        });
    }
    out
}

/// Splits stdout on lines that are exactly `---`, dropping the text before the first.
fn split_docs(stdout: &str) -> Vec<String> {
    let mut docs: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in stdout.split_inclusive('\n') {
        if line.trim_end_matches('\n') == "---" {
            if let Some(d) = current.take() {
                docs.push(d);
            }
            current = Some(String::new());
        } else if let Some(d) = current.as_mut() {
            d.push_str(line);
        }
    }
    if let Some(d) = current {
        docs.push(d);
    }
    docs
}

fn source_line(doc: &str) -> Option<&str> {
    doc.lines().find(|l| l.starts_with("# Source: "))
}

fn mask(v: &mut Value, pointer: &str) -> bool {
    let mut cur = v;
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        cur = match cur {
            Value::Map(m) => match m.get_mut(&key) {
                Some(x) => x,
                None => return false,
            },
            Value::List(l) => match key.parse::<usize>().ok().and_then(|i| l.get_mut(i)) {
                Some(x) => x,
                None => return false,
            },
            _ => return false,
        };
    }
    *cur = Value::String("<nondeterministic>".into());
    true
}

/// Data equality of two outputs; `Err` says what differs first.
fn data_equal(case: &Case, got: &str) -> Result<(), String> {
    let want_docs = split_docs(&case.expected_stdout);
    let got_docs = split_docs(got);
    if want_docs.len() != got_docs.len() {
        return Err(format!(
            "{} documents, helm printed {}",
            got_docs.len(),
            want_docs.len()
        ));
    }
    for (i, (w, g)) in want_docs.iter().zip(&got_docs).enumerate() {
        if source_line(w) != source_line(g) {
            return Err(format!(
                "doc {i}: source {:?}, helm {:?}",
                source_line(g),
                source_line(w)
            ));
        }
        let parse = |t: &str| hke_core::yaml::parse(t, "doc").map_err(|e| e.to_string());
        let (mut wv, mut gv) = match (parse(w), parse(g)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(a), Err(b)) if a == b => continue,
            (a, b) => return Err(format!("doc {i}: parse differs: hke {b:?} helm {a:?}")),
        };
        if let Some((_, paths)) = case.nondet.iter().find(|(d, _)| *d == i) {
            for p in paths {
                let (in_w, in_g) = (mask(&mut wv, p), mask(&mut gv, p));
                if in_w != in_g {
                    return Err(format!(
                        "doc {i}: non-deterministic path {p} missing on one side"
                    ));
                }
            }
        }
        if wv != gv {
            return Err(format!("doc {i} ({:?}): data differs", source_line(w)));
        }
    }
    Ok(())
}

fn first_error_line(stderr: &str) -> Option<&str> {
    stderr.lines().find(|l| l.starts_with("Error:"))
}

fn repo_of(chart: &str) -> &str {
    chart.split("__").next().unwrap_or(chart)
}

#[derive(Default)]
struct Tally {
    cases: usize,
    data_ok: usize,
    deterministic: usize,
    bytes_ok: usize,
    errors: usize,
    error_text_ok: usize,
}

fn known_failures() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-known-failures.txt");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.splitn(2, char::is_whitespace);
            let id = parts.next().unwrap_or_default().to_string();
            (id, parts.next().unwrap_or_default().trim().to_string())
        })
        .collect()
}

#[test]
fn corpus_renders_like_helm() {
    let Some(shared) = hke_testkit::shared_dir() else {
        return;
    };
    let corpus = std::env::var_os("HKE_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared.join("corpus"));
    if !corpus.join("manifest.json").is_file() {
        eprintln!("skipping: no corpus at {}", corpus.display());
        return;
    }
    let cases = load_cases(&corpus);
    let known = known_failures();
    let only = std::env::var("HKE_CORPUS_ONLY").ok();
    let mut per_repo: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    let mut unexpected = Vec::new();
    let mut now_passing = BTreeSet::new();
    for case in &cases {
        if let Some(only) = &only {
            if !case.id.contains(only.as_str()) {
                continue;
            }
        }
        let output = Command::new(env!("CARGO_BIN_EXE_hke"))
            .args([
                "template",
                "rel",
                &case.chart,
                "--namespace",
                "ns",
                "--kube-version",
                "1.31.0",
            ])
            .args(&case.args)
            .current_dir(corpus.join("charts"))
            .output()
            .expect("run hke");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let rc_ok = (output.status.code() == Some(0)) == (case.rc == 0);
        let repo = per_repo
            .entry(repo_of(&case.chart).to_string())
            .or_default();
        for t in [&mut *repo, &mut total] {
            t.cases += 1;
        }
        let mut problem = None;
        if !rc_ok {
            problem = Some(format!(
                "exit status {:?}, helm {}: {}",
                output.status.code(),
                case.rc,
                first_error_line(&stderr).unwrap_or(stderr.lines().next().unwrap_or(""))
            ));
        } else if case.rc == 0 {
            match data_equal(case, &stdout) {
                Ok(()) => {
                    for t in [&mut *repo, &mut total] {
                        t.data_ok += 1;
                    }
                }
                Err(e) => problem = Some(format!("data: {e}")),
            }
            if case.deterministic {
                for t in [&mut *repo, &mut total] {
                    t.deterministic += 1;
                }
                if stdout == case.expected_stdout {
                    for t in [&mut *repo, &mut total] {
                        t.bytes_ok += 1;
                    }
                } else if problem.is_none() {
                    problem = Some("bytes differ (data equal)".into());
                }
            }
        } else {
            for t in [&mut *repo, &mut total] {
                t.data_ok += 1;
                t.errors += 1;
            }
            let want = case.expected_stderr.as_deref().and_then(first_error_line);
            if want == first_error_line(&stderr) {
                for t in [&mut *repo, &mut total] {
                    t.error_text_ok += 1;
                }
            } else {
                eprintln!(
                    "error text differs for {}:\n  hke:  {:?}\n  helm: {:?}",
                    case.id,
                    first_error_line(&stderr),
                    want
                );
            }
        }
        match (&problem, known.get(&case.id)) {
            (Some(p), None) => unexpected.push(format!("{}: {p}", case.id)),
            (Some(p), Some(_)) => eprintln!("known failure {}: {p}", case.id),
            (None, Some(_)) => {
                now_passing.insert(case.id.clone());
            }
            (None, None) => {}
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!(
        "{:<45} {:>5} {:>14} {:>16} {:>12}",
        "repository", "cases", "data-equal", "bytes (determ.)", "error-text"
    );
    for (name, t) in per_repo
        .iter()
        .chain(std::iter::once((&"OVERALL".to_string(), &total)))
    {
        println!(
            "{:<45} {:>5} {:>6}/{:<3} {:>5.1}% {:>5}/{:<3} {:>5.1}% {:>4}/{:<3}",
            name,
            t.cases,
            t.data_ok,
            t.cases,
            pct(t.data_ok, t.cases),
            t.bytes_ok,
            t.deterministic,
            pct(t.bytes_ok, t.deterministic),
            t.error_text_ok,
            t.errors
        );
    }
    for id in &now_passing {
        println!("now passing (remove from corpus-known-failures.txt): {id}");
    }
    assert!(
        unexpected.is_empty(),
        "{} corpus case(s) regressed (not in tests/corpus-known-failures.txt):\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
