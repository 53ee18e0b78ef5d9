//! `helm show chart|values|readme|crds|all` on every corpus chart and every subchart
//! folder below it, compared by hash with helm v3.17.2's stdout
//! (`tests/fixtures/chart/show_corpus.tsv`, made by `scripts/gen-chart-fixtures.py`).

use hke_core::chart::show::{show, ShowFormat};
use std::collections::BTreeMap;

fn fnv1a64(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[test]
fn corpus_show_matches_helm() {
    let Some(shared) = hke_testkit::shared_dir() else {
        return;
    };
    let charts = shared.join("corpus/charts");
    if !charts.is_dir() {
        eprintln!("skipping: no corpus charts in {}", charts.display());
        return;
    }
    let tsv = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/chart/show_corpus.tsv"),
    )
    .expect("show_corpus.tsv");
    // path -> [(format, rc, hash, len, stable)]
    let mut by_path: BTreeMap<&str, Vec<Vec<&str>>> = BTreeMap::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 6, "bad fixture line {line:?}");
        by_path.entry(cols[0]).or_default().push(cols[1..].to_vec());
    }
    let (mut checked, mut skipped) = (0, 0);
    let mut failures = Vec::new();
    for (path, rows) in &by_path {
        let loaded = hke_core::chart::load(charts.join(path));
        for row in rows {
            let (fmt, rc, hash, len, stable) = (row[0], row[1], row[2], row[3], row[4]);
            if stable != "stable" {
                skipped += 1;
                continue;
            }
            checked += 1;
            let format = match fmt {
                "chart" => ShowFormat::Chart,
                "values" => ShowFormat::Values,
                "readme" => ShowFormat::Readme,
                "crds" => ShowFormat::Crds,
                _ => ShowFormat::All,
            };
            match &loaded {
                Ok(c) if rc == "0" => {
                    let out = show(c, format);
                    if fnv1a64(&out) != hash {
                        failures.push(format!(
                            "{path} {fmt}: hash differs (len {} vs helm {len})",
                            out.len()
                        ));
                    }
                }
                Ok(_) => failures.push(format!("{path} {fmt}: helm failed, hke loaded")),
                Err(e) if rc == "0" => failures.push(format!("{path} {fmt}: hke failed: {e}")),
                Err(_) => {}
            }
        }
    }
    eprintln!(
        "show corpus: {checked} outputs checked, {skipped} unstable skipped, {} differ",
        failures.len()
    );
    assert!(checked > 900);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
