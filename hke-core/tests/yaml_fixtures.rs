//! hke's YAML/JSON layer against outputs of the real helm v3.17.2, generated once by
//! `scripts/gen-yaml-fixtures.py` into `tests/fixtures/yaml/` (no helm needed here).

use std::path::PathBuf;

use hke_core::value::Value;
use hke_core::{gojson, yaml};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml")
}

fn load(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(fixtures().join(name)).expect("fixture readable");
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn field<'a>(case: &'a serde_json::Value, k: &str) -> &'a str {
    case.get(k).and_then(|v| v.as_str()).expect("string field")
}

/// Compares outputs, printing the first mismatches; returns the number of passes.
fn check(kind: &str, total: &mut usize, fails: &mut Vec<String>, got: &str, want: &str, ctx: &str) {
    *total += 1;
    if got != want {
        fails.push(format!("[{kind}] {ctx}\n  want: {want:?}\n  got:  {got:?}"));
    }
}

#[test]
fn emit_matches_helm() {
    let cases = load("emit.json");
    let cases = cases.as_array().expect("list");
    let mut total = 0;
    let mut fails = Vec::new();
    let mut per_kind = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for case in cases {
        let v = Value::from_json_go(case.get("value").expect("value"));
        let ctx = format!("{v}");
        let outs: [(&str, String); 5] = [
            ("yaml", yaml::to_yaml(&v)),
            ("pretty", yaml::to_yaml_pretty(&v)),
            ("json", gojson::to_json(&v).unwrap_or_default()),
            ("pjson", gojson::to_json_pretty(&v).unwrap_or_default()),
            ("rjson", gojson::to_raw_json(&v).unwrap_or_default()),
        ];
        for (kind, got) in outs {
            let before = fails.len();
            check(kind, &mut total, &mut fails, &got, field(case, kind), &ctx);
            let e = per_kind.entry(kind).or_default();
            e.0 += 1;
            if fails.len() == before {
                e.1 += 1;
            }
        }
        // What toYaml prints reads back as the same value (except where helm's own
        // toYaml fails, or folds NEL characters through its JSON step).
        if field(case, "yaml").is_empty() || ctx.contains('\u{85}') {
            continue;
        }
        match yaml::parse(&format!("{}\n", field(case, "yaml")), "roundtrip") {
            Ok(back) => {
                if back != v && !(back.is_null() && v == Value::from("null")) {
                    fails.push(format!("[roundtrip] {ctx}: read back as {back}"));
                }
            }
            Err(e) => fails.push(format!("[roundtrip] {ctx}: {e}")),
        }
    }
    for (k, (n, ok)) in &per_kind {
        eprintln!("{k}: {ok}/{n} match helm");
    }
    for f in fails.iter().take(25) {
        eprintln!("{f}");
    }
    assert!(
        fails.is_empty(),
        "{} of {total} outputs differ from helm",
        fails.len()
    );
}

#[test]
fn int64_values_match_helm() {
    let cases = load("ints.json");
    for case in cases.as_array().expect("list") {
        let ints: Vec<Value> = case["ints"]
            .as_array()
            .expect("ints")
            .iter()
            .map(|s| Value::Int(s.as_str().and_then(|s| s.parse().ok()).expect("int")))
            .collect();
        let v = Value::List(ints);
        assert_eq!(yaml::to_yaml(&v), field(case, "yaml"));
        assert_eq!(yaml::to_yaml_pretty(&v), field(case, "pretty"));
        assert_eq!(gojson::to_json(&v).unwrap(), field(case, "json"));
    }
}

/// What `fromYaml | toJson` prints for a text, computed with hke.
fn from_yaml_to_json(text: &str) -> String {
    gojson::to_json(&from_yaml(text)).unwrap_or_default()
}

/// What Helm's `fromYaml` returns for a text, computed with hke.
fn from_yaml(text: &str) -> Value {
    let err_map = |msg: String| {
        let mut m = hke_core::value::Map::new();
        m.insert("Error".into(), Value::String(msg));
        Value::Map(m)
    };
    let v = match yaml::parse(text, "in.yaml") {
        Ok(Value::Null) => Value::empty_map(),
        Ok(v @ Value::Map(_)) => v,
        Ok(other) => {
            let kind = gojson::json_kind(&other);
            err_map(format!("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"))
        }
        Err(e) => err_map(e.to_string()),
    };
    v
}

/// Inputs where hke's parser (libyaml-safer, a port of libyaml 0.2.5) and go-yaml v2's
/// older libyaml port disagree on malformed or exotic YAML; both reject or read them
/// differently in ways hke does not emulate.
const KNOWN_PARSE_DIVERGENCES: &[(&str, &str)] = &[
    (
        "r079.yaml",
        "go-yaml accepts `[`/`]` inside tag names (`![]`)",
    ),
    ("r459.yaml", "go-yaml accepts `,` inside tag names (`!,`)"),
    (
        "r231.yaml",
        "`:` before a flow indicator in a flow collection",
    ),
    (
        "r342.yaml",
        "`:` before a flow indicator in a flow collection",
    ),
    (
        "r154.yaml",
        "token lookahead order: which of two errors in a flow collection comes first",
    ),
];

#[test]
fn parse_matches_helm() {
    let cases = load("parse.json");
    let cases = cases.as_array().expect("list");
    let mut fails = Vec::new();
    let mut known = 0;
    for case in cases {
        let name = field(case, "input");
        let text = std::fs::read_to_string(fixtures().join("parse").join(name)).expect("input");
        let got = from_yaml_to_json(&text);
        let want = field(case, "from_yaml_to_json");
        if got != want {
            if KNOWN_PARSE_DIVERGENCES.iter().any(|(n, _)| *n == name) {
                known += 1;
            } else {
                fails.push(format!("{name} {text:?}\n  want: {want}\n  got:  {got}"));
            }
        }
    }
    eprintln!(
        "parse: {}/{} match helm ({known} known divergences)",
        cases.len() - fails.len() - known,
        cases.len()
    );
    for f in &fails {
        eprintln!("{f}");
    }
    assert!(
        fails.is_empty(),
        "{} of {} inputs differ",
        fails.len(),
        cases.len()
    );
}

fn fnv1a64(data: &[u8]) -> String {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    format!("{h:016x}")
}

/// Every YAML file of the shared chart corpus (outside `templates/`): `fromYaml`, then
/// toJson / toYaml / toYamlPretty, compared by hash with helm's outputs.
#[test]
fn corpus_files_match_helm() {
    let Some(shared) = hke_testkit::shared_dir() else {
        return;
    };
    let charts = shared.join("corpus/charts");
    let cases = load("corpus.json");
    let cases = cases.as_array().expect("list");
    let (mut checked, mut skipped) = (0, 0);
    let mut fails = Vec::new();
    let mut per_kind = std::collections::BTreeMap::<&str, usize>::new();
    for case in cases {
        let rel = field(case, "path");
        let Ok(bytes) = std::fs::read(charts.join(rel)) else {
            skipped += 1;
            continue;
        };
        if fnv1a64(&bytes) != field(case, "input") {
            skipped += 1;
            continue;
        }
        checked += 1;
        let text = String::from_utf8_lossy(&bytes);
        let v = from_yaml(&text);
        let outs = [
            ("json", gojson::to_json(&v).unwrap_or_default()),
            ("yaml", yaml::to_yaml(&v)),
            ("pretty", yaml::to_yaml_pretty(&v)),
        ];
        for (kind, got) in outs {
            if fnv1a64(got.as_bytes()) == field(case, kind) {
                *per_kind.entry(kind).or_default() += 1;
            } else {
                let want_len = &case[format!("{kind}_len")];
                fails.push(format!(
                    "[{kind}] {rel}: hash differs (len {} vs helm {want_len})",
                    got.len()
                ));
            }
        }
    }
    eprintln!("corpus: {checked} files checked, {skipped} skipped (missing or changed)");
    for (k, n) in &per_kind {
        eprintln!("{k}: {n}/{checked} match helm");
    }
    for f in fails.iter().take(30) {
        eprintln!("{f}");
    }
    assert!(fails.is_empty(), "{} outputs differ from helm", fails.len());
}
