//! Directory loads: walk order, symbolic links (followed, loops refused), irregular
//! files, subchart folders.

#![cfg(unix)]

use hke_core::chart;
use std::path::PathBuf;

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hke-chart-dir-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("templates")).unwrap();
    std::fs::write(
        d.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    )
    .unwrap();
    d
}

#[test]
fn walk_order_is_per_directory_lexical() {
    let d = scratch("order");
    for p in [
        "templates/b.txt",
        "templates/b/x.yaml",
        "templates/B.yaml",
        "templates/a.yaml",
    ] {
        let path = d.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "x").unwrap();
    }
    let c = chart::load(&d).unwrap();
    let names: Vec<&str> = c.templates.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "templates/B.yaml",
            "templates/a.yaml",
            "templates/b/x.yaml",
            "templates/b.txt"
        ]
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn symlinks_are_followed_and_loops_refused() {
    let d = scratch("links");
    let outside = d.with_extension("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("ext.yaml"), "kind: External\n").unwrap();
    std::os::unix::fs::symlink(outside.join("ext.yaml"), d.join("templates/ext.yaml")).unwrap();
    std::os::unix::fs::symlink(&outside, d.join("templates/linked")).unwrap();
    let c = chart::load(&d).unwrap();
    let names: Vec<&str> = c.templates.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["templates/ext.yaml", "templates/linked/ext.yaml"]);
    assert_eq!(c.templates[0].data, b"kind: External\n");
    assert_eq!(c.warnings.len(), 2);
    assert!(c.warnings[0].starts_with("walk.go:75: found symbolic link in path: "));
    // A link back to an ancestor would make Helm walk forever; hke stops.
    std::os::unix::fs::symlink(&d, d.join("templates/loop")).unwrap();
    let e = chart::load(&d).unwrap_err().to_string();
    assert!(
        e.contains("error evaluating symlink") && e.contains("loop"),
        "{e}"
    );
    std::fs::remove_dir_all(&d).unwrap();
    std::fs::remove_dir_all(&outside).unwrap();
}

#[test]
fn broken_links_and_irregular_files_fail() {
    let d = scratch("irregular");
    std::os::unix::fs::symlink(d.join("nowhere"), d.join("templates/dangling.yaml")).unwrap();
    let e = chart::load(&d).unwrap_err().to_string();
    assert!(e.starts_with("error evaluating symlink"), "{e}");
    std::fs::remove_file(d.join("templates/dangling.yaml")).unwrap();
    let fifo = d.join("templates/pipe");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        let e = chart::load(&d).unwrap_err().to_string();
        assert!(
            e.starts_with("cannot load irregular file ")
                && e.ends_with("as it has file mode type bits set"),
            "{e}"
        );
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn dotfiles_in_templates_are_ignored_by_default() {
    let d = scratch("dot");
    std::fs::write(d.join("templates/.swp"), "junk").unwrap();
    std::fs::write(d.join("templates/ok.yaml"), "x").unwrap();
    std::fs::write(d.join(".hidden"), "kept").unwrap();
    let c = chart::load(&d).unwrap();
    assert_eq!(c.templates.len(), 1);
    assert!(c.files.iter().any(|f| f.name == ".hidden"));
    std::fs::remove_dir_all(&d).unwrap();
}
