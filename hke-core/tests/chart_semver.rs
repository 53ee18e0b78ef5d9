//! Masterminds/semver v3.3.0 as helm3's templates see it (`semverCompare`, `semver`),
//! compared with `tests/fixtures/chart/semver.json` (made by
//! `scripts/gen-chart-fixtures.py` from helm v3.17.2).

use hke_core::semver::{Constraints, Version};

fn fixture() -> serde_json::Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chart/semver.json");
    serde_json::from_slice(&std::fs::read(path).expect("semver.json")).expect("json")
}

/// sprig's `semverCompare`: constraint first, then version; the first error wins.
fn semver_compare(c: &str, v: &str) -> Result<bool, String> {
    let c = Constraints::parse(c).map_err(|e| e.to_string())?;
    let v = Version::parse(v).map_err(|e| e.to_string())?;
    Ok(c.check(&v))
}

#[test]
fn semver_compare_matches_helm() {
    let f = fixture();
    let cases = f["compare"].as_array().expect("compare");
    assert!(cases.len() > 70);
    let mut failures = Vec::new();
    for case in cases {
        let (c, v) = (
            case["constraint"].as_str().unwrap(),
            case["version"].as_str().unwrap(),
        );
        let got = match semver_compare(c, v) {
            Ok(b) => format!("ok:{b}"),
            Err(e) => format!("error:{e}"),
        };
        let want = match (case.get("ok"), case.get("error")) {
            (Some(ok), _) => format!("ok:{}", ok.as_str().unwrap()),
            (_, Some(e)) => format!("error:{}", e.as_str().unwrap()),
            _ => panic!("bad fixture entry {case}"),
        };
        if got != want {
            failures.push(format!("semverCompare {c:?} {v:?}: helm {want}, hke {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn semver_fields_match_helm() {
    let f = fixture();
    for case in f["versions"].as_array().expect("versions") {
        let text = case["version"].as_str().unwrap();
        let got = match Version::parse(text) {
            Ok(v) => format!(
                "ok:{}|{}|{}|{}|{}|{}|{}",
                v.major(),
                v.minor(),
                v.patch(),
                v.prerelease(),
                v.metadata(),
                v.original(),
                v
            ),
            Err(e) => format!("error:{e}"),
        };
        let want = match (case.get("ok"), case.get("error")) {
            (Some(ok), _) => format!("ok:{}", ok.as_str().unwrap()),
            (_, Some(e)) => format!("error:{}", e.as_str().unwrap()),
            _ => panic!("bad fixture entry {case}"),
        };
        assert_eq!(got, want, "semver {text:?}");
    }
}
