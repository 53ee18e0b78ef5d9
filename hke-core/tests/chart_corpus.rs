//! Loads every chart of the shared corpus (`../shared/corpus/charts`) and checks names,
//! versions, types and subchart counts against the manifest and the folders.

use hke_core::chart::{self, Chart};
use std::path::Path;

/// Entries of `charts/` Helm would load as subcharts: folders and `.tgz` files whose
/// names do not start with `_` or `.`, minus what `.helmignore` would hide (the corpus
/// charts do not ignore `charts/`).
fn expected_subcharts(dir: &Path) -> usize {
    let Ok(rd) = std::fs::read_dir(dir.join("charts")) else {
        return 0;
    };
    rd.filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            !n.starts_with('_') && !n.starts_with('.') && !n.ends_with(".prov")
        })
        .count()
}

fn check_tree(dir: &Path, c: &Chart, path: &str) {
    assert_eq!(
        c.dependencies.len(),
        expected_subcharts(dir),
        "subchart count of {path}"
    );
    for sc in &c.dependencies {
        let sub = dir.join("charts").join(sc.name());
        if sub.is_dir() {
            check_tree(&sub, sc, &format!("{path}/charts/{}", sc.name()));
        }
        assert!(!sc.metadata.version.is_empty());
    }
}

#[test]
fn every_corpus_chart_loads() {
    let Some(shared) = hke_testkit::shared_dir() else {
        return;
    };
    let corpus = shared.join("corpus");
    let manifest: serde_json::Value = match std::fs::read(corpus.join("manifest.json")) {
        Ok(b) => serde_json::from_slice(&b).expect("manifest.json parses"),
        Err(e) => {
            eprintln!("skipping: no corpus manifest ({e})");
            return;
        }
    };
    let charts = manifest["charts"].as_object().expect("charts map");
    assert_eq!(charts.len(), 87);
    let mut loaded = 0;
    for (id, info) in charts {
        let dir = corpus.join("charts").join(id);
        let c = chart::load(&dir).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(
            c.metadata.name,
            info["name"].as_str().unwrap_or(""),
            "{id} name"
        );
        assert_eq!(
            c.metadata.version,
            info["version"].as_str().unwrap_or(""),
            "{id} version"
        );
        let ty = info["type"].as_str().unwrap_or("");
        assert_eq!(
            if c.metadata.chart_type.is_empty() {
                "application"
            } else {
                &c.metadata.chart_type
            },
            if ty.is_empty() { "application" } else { ty },
            "{id} type"
        );
        assert_eq!(
            c.metadata.kube_version,
            info["kubeVersion"].as_str().unwrap_or(""),
            "{id} kubeVersion"
        );
        assert!(c.raw.iter().any(|f| f.name == "Chart.yaml"));
        check_tree(&dir, &c, id);
        loaded += 1;
    }
    eprintln!("loaded {loaded} corpus charts");
}
