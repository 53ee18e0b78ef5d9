//! Template benchmarks on a real template set: bitnami's `common` library plus the
//! bitnami kafka chart from the shared corpus (read at bench time; skipped with a
//! message when the shared folder is absent).
//!
//! - `template/parse`: parse every `.tpl`/`.yaml` template of the set into one
//!   `TemplateSet`.
//! - `template/render_chart`: the whole `helm template` pipeline on that chart (values,
//!   parsing, execution of every template, sorting).

use criterion::{criterion_group, criterion_main, Criterion};
use hke_core::action::template::{template, TemplateOptions};
use hke_core::template::exec::TemplateSet;
use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("HKE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    dir.join("corpus/charts").is_dir().then_some(dir)
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = format!(
            "{prefix}/{}",
            p.file_name().and_then(|n| n.to_str()).unwrap_or_default()
        );
        if p.is_dir() {
            collect(&p, &name, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "tpl" || e == "yaml" || e == "txt")
        {
            if let Ok(src) = std::fs::read_to_string(&p) {
                out.push((name, src));
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let Some(shared) = shared() else {
        eprintln!("template bench skipped: shared corpus not found (set HKE_SHARED_DIR)");
        return;
    };
    let chart = shared.join("corpus/charts/bitnami_charts__kafka");
    let mut files = Vec::new();
    collect(
        &chart.join("charts/common/templates"),
        "kafka/charts/common/templates",
        &mut files,
    );
    collect(&chart.join("templates"), "kafka/templates", &mut files);
    if files.is_empty() {
        eprintln!(
            "template bench skipped: {} has no templates",
            chart.display()
        );
        return;
    }
    let bytes: usize = files.iter().map(|(_, s)| s.len()).sum();
    eprintln!("template bench: {} files, {bytes} bytes", files.len());
    c.bench_function("template/parse", |b| {
        b.iter(|| {
            let mut set = TemplateSet::new();
            for (name, src) in &files {
                set.parse_file(name, src).expect("corpus template parses");
            }
            set
        })
    });
    let opts = TemplateOptions::default();
    c.bench_function("template/render_chart", |b| {
        b.iter(|| {
            let mut read = |p: &str| std::fs::read(p).map_err(|e| e.to_string());
            let out = template(&chart, &opts, &mut read);
            assert!(out.error.is_none(), "render failed: {:?}", out.error);
            out.stdout.len()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
