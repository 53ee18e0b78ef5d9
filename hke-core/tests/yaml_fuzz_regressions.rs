//! Inputs found by `fuzz/fuzz_targets/yaml_parse.rs` (kept in
//! `tests/fixtures/yaml/fuzz/`), replayed with the fuzz target's checks: parsing never
//! panics, and what `marshal` prints reads back as the same value.

use hke_core::{gojson, yaml};

fn check(text: &str) {
    let _ = yaml::parse_all(text, "fuzz.yaml");
    let _ = yaml::parse_typed(text, "fuzz.yaml");
    if let Ok(v) = yaml::parse(text, "fuzz.yaml") {
        let _ = yaml::to_yaml(&v);
        let _ = yaml::to_yaml_pretty(&v);
        let _ = gojson::to_json(&v);
        let out = yaml::marshal(&v);
        if !out.is_empty() && !format!("{v}").contains('\u{85}') {
            let back = yaml::parse(&out, "roundtrip.yaml")
                .unwrap_or_else(|e| panic!("{e}: {out:?} (from {text:?})"));
            assert_eq!(back, v, "round trip of {text:?} via {out:?}");
        }
    }
}

#[test]
fn fuzz_findings_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml/fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz fixture folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("readable");
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check(text);
            n += 1;
        }
    }
    assert!(n > 0, "no fuzz regression inputs in {}", dir.display());
    eprintln!("{n} fuzz regression inputs pass");
}
