//! Chart archives: round trips through `save::archive_bytes`, Helm's path checks, and
//! hke's defences against hostile archives (links, duplicates, escapes, bombs, garbage).

use hke_core::chart::{self, load_archive_bytes, load_archive_bytes_with, LoadError, LoadOptions};
use std::io::Write;

/// One raw tar entry: name bytes as written, type flag, data.
struct Entry<'a> {
    name: &'a str,
    kind: u8,
    data: &'a [u8],
    link: &'a str,
}

fn entry<'a>(name: &'a str, data: &'a [u8]) -> Entry<'a> {
    Entry {
        name,
        kind: b'0',
        data,
        link: "",
    }
}

/// Builds a gzipped tar without any path sanitising (the `tar` crate's `append` writes
/// the header as given).
fn tgz(entries: &[Entry]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for e in entries {
        let mut h = tar::Header::new_gnu();
        {
            let old = h.as_old_mut();
            let n = e.name.as_bytes();
            old.name[..n.len()].copy_from_slice(n);
            let l = e.link.as_bytes();
            old.linkname[..l.len()].copy_from_slice(l);
        }
        h.set_mode(0o644);
        h.set_size(e.data.len() as u64);
        h.set_entry_type(tar::EntryType::new(e.kind));
        h.set_cksum();
        b.append(&h, e.data).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

const CHART: &[u8] = b"apiVersion: v2\nname: c\nversion: 0.1.0\n";

fn err_of(bytes: &[u8]) -> String {
    match load_archive_bytes("test.tgz", bytes) {
        Ok(_) => panic!("archive unexpectedly loaded"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn minimal_archive_loads() {
    let bytes = tgz(&[
        entry("c/Chart.yaml", CHART),
        entry("c/values.yaml", b"\xEF\xBB\xBFa: 1\n"),
        entry("c/templates/cm.yaml", b"kind: ConfigMap\n"),
        entry("c\\templates\\win.yaml", b"x: 1\n"),
    ]);
    let c = load_archive_bytes("c.tgz", &bytes).unwrap();
    assert_eq!(c.metadata.name, "c");
    assert_eq!(c.raw_values.as_deref(), Some(&b"a: 1\n"[..]));
    let names: Vec<&str> = c.templates.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["templates/cm.yaml", "templates/win.yaml"]);
}

#[test]
fn helm_path_checks() {
    let cases: &[(&str, &str)] = &[
        (
            "c/../../etc/passwd",
            "chart illegally references parent directory",
        ),
        ("c//etc/passwd", "chart illegally contains absolute paths"),
        (
            "README",
            "chart illegally contains content outside the base directory",
        ),
        ("c/c:/x", "chart contains illegally named files"),
        // A bare `Chart.yaml` is "outside the base directory" first (Helm's order).
        (
            "Chart.yaml",
            "chart illegally contains content outside the base directory",
        ),
        ("Chart.yaml/x", "chart yaml not in base directory"),
    ];
    for (name, msg) in cases {
        let bytes = tgz(&[entry("c/Chart.yaml", CHART), entry(name, b"x")]);
        let e = err_of(&bytes);
        assert!(e.starts_with(msg), "{name}: {e}");
        assert!(e.contains("test.tgz"), "{e}");
        assert!(e.contains(&format!("entry {name:?}")), "{e}");
    }
}

#[test]
fn hostile_entries_are_refused() {
    let symlink = Entry {
        name: "c/templates/l.yaml",
        kind: b'2',
        data: b"",
        link: "/etc/passwd",
    };
    let hardlink = Entry {
        name: "c/templates/h.yaml",
        kind: b'1',
        data: b"",
        link: "c/Chart.yaml",
    };
    let fifo = Entry {
        name: "c/fifo",
        kind: b'6',
        data: b"",
        link: "",
    };
    for (e, msg) in [
        (symlink, "link entry"),
        (hardlink, "link entry"),
        (fifo, "unsupported entry type"),
    ] {
        let bytes = tgz(&[entry("c/Chart.yaml", CHART), e]);
        let got = err_of(&bytes);
        assert!(got.contains(msg), "{got}");
    }
    let dup = tgz(&[entry("c/Chart.yaml", CHART), entry("c/./Chart.yaml", CHART)]);
    assert!(err_of(&dup).contains("duplicate entry"));
    let two_roots = tgz(&[
        entry("c/Chart.yaml", CHART),
        entry("d/templates/x.yaml", b"x"),
    ]);
    assert!(err_of(&two_roots).contains("outside the base directory"));
}

#[test]
fn size_limits() {
    let big = vec![b'a'; 64 * 1024];
    let bytes = tgz(&[entry("c/Chart.yaml", CHART), entry("c/big.txt", &big)]);
    let opts = LoadOptions {
        max_file_bytes: 32 * 1024,
        ..LoadOptions::default()
    };
    let e = load_archive_bytes_with("t.tgz", &bytes, &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("maximum file size 32768"), "{e}");
    assert!(e.contains("c/big.txt"), "{e}");
    let opts = LoadOptions {
        max_total_bytes: 100 * 1024,
        ..LoadOptions::default()
    };
    let bytes = tgz(&[
        entry("c/Chart.yaml", CHART),
        entry("c/a.txt", &big),
        entry("c/b.txt", &big),
    ]);
    let e = load_archive_bytes_with("t.tgz", &bytes, &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("maximum size 102400"), "{e}");
    // A gzip bomb: 6 MiB of zeros compresses to a few KiB; the default 5 MiB per-file
    // limit stops it.
    let zeros = vec![0u8; 6 * 1024 * 1024];
    let bytes = tgz(&[entry("c/Chart.yaml", CHART), entry("c/zeros", &zeros)]);
    assert!(bytes.len() < 64 * 1024);
    assert!(err_of(&bytes).contains("maximum file size"));
    let opts = LoadOptions {
        max_entries: 3,
        ..LoadOptions::default()
    };
    let bytes = tgz(&[
        entry("c/Chart.yaml", CHART),
        entry("c/1", b""),
        entry("c/2", b""),
        entry("c/3", b""),
    ]);
    let e = load_archive_bytes_with("t.tgz", &bytes, &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("more than 3 entries"), "{e}");
}

#[test]
fn garbage_and_empty_archives() {
    assert!(err_of(b"not gzip at all").starts_with("gzip: invalid header"));
    assert!(err_of(b"\x1f\x8b").starts_with("unexpected EOF"));
    let good = tgz(&[entry("c/Chart.yaml", CHART)]);
    let truncated = &good[..good.len() / 2];
    assert!(load_archive_bytes("t.tgz", truncated).is_err());
    let mut corrupt = good.clone();
    let mid = corrupt.len() / 2;
    corrupt[mid] ^= 0xFF;
    assert!(load_archive_bytes("t.tgz", &corrupt).is_err());
    let empty = tgz(&[]);
    assert!(err_of(&empty).starts_with("no files in chart archive"));
    let only_dirs = tgz(&[Entry {
        name: "c/",
        kind: b'5',
        data: b"",
        link: "",
    }]);
    assert!(err_of(&only_dirs).starts_with("no files in chart archive"));
}

#[test]
fn files_that_are_not_archives() {
    let dir = std::env::temp_dir().join(format!("hke-chart-archive-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let yaml = dir.join("values.yaml");
    std::fs::write(&yaml, "a: 1\n").unwrap();
    let e = chart::load(&yaml).unwrap_err();
    assert!(matches!(e, LoadError::YamlNotArchive(_)));
    assert!(e
        .to_string()
        .ends_with("seems to be a YAML file, but expected a gzipped archive"));
    let txt = dir.join("notes.txt");
    std::fs::write(&txt, "hello\n").unwrap();
    assert_eq!(
        chart::load(&txt).unwrap_err().to_string(),
        format!(
            "file '{}' does not appear to be a gzipped archive; got 'application/octet-stream'",
            txt.display()
        )
    );
    let e = chart::load(dir.join("missing")).unwrap_err().to_string();
    assert!(e.ends_with("missing: no such file or directory"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn nested_archives_and_depth_limit() {
    let inner = tgz(&[entry(
        "sub/Chart.yaml",
        b"apiVersion: v2\nname: sub\nversion: 1.0.0\n",
    )]);
    let outer = tgz(&[
        entry("c/Chart.yaml", CHART),
        entry("c/charts/sub-1.0.0.tgz", &inner),
    ]);
    let c = load_archive_bytes("c.tgz", &outer).unwrap();
    assert_eq!(c.dependencies.len(), 1);
    assert_eq!(c.dependencies[0].metadata.name, "sub");
    let opts = LoadOptions {
        max_depth: 0,
        ..LoadOptions::default()
    };
    let e = load_archive_bytes_with("c.tgz", &outer, &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("nest deeper than 0"), "{e}");
    // A broken nested archive names the subchart and the parent.
    let outer = tgz(&[
        entry("c/Chart.yaml", CHART),
        entry("c/charts/bad.tgz", b"junk"),
    ]);
    let e = load_archive_bytes("c.tgz", &outer).unwrap_err().to_string();
    assert!(
        e.starts_with("error unpacking subchart bad.tgz in c: unexpected EOF"),
        "{e}"
    );
    assert!(e.contains("charts/bad.tgz"), "{e}");
}

#[test]
fn save_then_load_round_trips_a_corpus_like_chart() {
    let dir = std::env::temp_dir().join(format!("hke-chart-rt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (p, d) in [
        ("c/Chart.yaml", &b"apiVersion: v2\nname: c\nversion: 1.2.3\ndependencies:\n- name: sub\n  repository: ''\n"[..]),
        ("c/values.yaml", b"a: 1 # comment kept\n"),
        ("c/templates/cm.yaml", b"kind: ConfigMap\n"),
        ("c/README.md", b"# readme\n"),
        ("c/charts/sub/Chart.yaml", b"apiVersion: v2\nname: sub\nversion: 0.1.0\n"),
        ("c/charts/sub/templates/s.yaml", b"kind: Secret\n"),
    ] {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::File::create(&path).unwrap().write_all(d).unwrap();
    }
    let c = chart::load(dir.join("c")).unwrap();
    let out = chart::save::save(&c, &dir.join("out")).unwrap();
    assert_eq!(out.file_name().unwrap(), "c-1.2.3.tgz");
    let back = chart::load(&out).unwrap();
    assert_eq!(back.metadata, c.metadata);
    assert_eq!(back.raw_values, c.raw_values);
    assert_eq!(back.templates, c.templates);
    assert_eq!(back.files, c.files);
    assert_eq!(back.dependencies.len(), 1);
    assert_eq!(back.dependencies[0].templates, c.dependencies[0].templates);
    // A declared dependency missing from charts/ stops packaging, as in Helm.
    let mut missing = c.clone();
    missing.dependencies.clear();
    assert_eq!(
        chart::save::save(&missing, &dir.join("out"))
            .unwrap_err()
            .to_string(),
        "found in Chart.yaml, but missing in charts/ directory: sub"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn gnu_and_pax_long_names_are_read() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chart/archives");
    let long = format!("templates/{}/x.yaml", "d".repeat(120));
    for f in ["gnu-longname.tgz", "pax-longname.tgz"] {
        let c = chart::load(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        let names: Vec<&str> = c.templates.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, [long.as_str()], "{f}");
    }
}

#[test]
fn huge_metadata_records_are_bounded() {
    // A GNU long-name record of 8 MiB (a zip bomb in the tar layer's own buffers).
    let long = vec![b'a'; 8 * 1024 * 1024];
    let bytes = tgz(&[
        entry("c/Chart.yaml", CHART),
        Entry {
            name: "././@LongLink",
            kind: b'L',
            data: &long,
            link: "",
        },
        entry("c/x", b"x"),
    ]);
    let opts = LoadOptions {
        max_total_bytes: 1024 * 1024,
        max_entries: 10,
        ..LoadOptions::default()
    };
    let e = load_archive_bytes_with("t.tgz", &bytes, &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("larger than the limits allow"), "{e}");
}
