//! What `helm template` prints: the manifest stream with `# Source:` lines, CRDs first
//! with `--include-crds`, hooks after, `--show-only` filtering, and `--output-dir`.

use std::path::{Path, PathBuf};

use super::manifest::{split_manifests, Hook, HookEvent, Manifest};

/// A CRD file as Helm prints it: its path under the chart tree and its bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct CrdFile {
    /// `<chart full path>/crds/<file>`.
    pub filename: String,
    /// The file content, verbatim.
    pub data: String,
}

/// The release manifest text Helm builds in `renderResources`: each CRD (when
/// included) then each sorted manifest as `---\n# Source: P\nCONTENT\n`.
pub fn release_manifest(crds: &[CrdFile], manifests: &[Manifest]) -> String {
    let mut b = String::new();
    for crd in crds {
        b.push_str("---\n# Source: ");
        b.push_str(&crd.filename);
        b.push('\n');
        b.push_str(&crd.data);
        b.push('\n');
    }
    for m in manifests {
        b.push_str("---\n# Source: ");
        b.push_str(&m.name);
        b.push('\n');
        b.push_str(&m.content);
        b.push('\n');
    }
    b
}

/// Whether a hook is a test hook (`helm template --skip-tests` drops these).
pub fn is_test_hook(h: &Hook) -> bool {
    h.events.contains(&HookEvent::Test)
}

/// `helm template`'s stdout before `--show-only`: the trimmed release manifest and a
/// newline, then (unless `no_hooks`) every hook (tests dropped with `skip_tests`).
pub fn template_stream(manifest: &str, hooks: &[Hook], no_hooks: bool, skip_tests: bool) -> String {
    let mut out = String::new();
    out.push_str(super::manifest::go_trim_space(manifest));
    out.push('\n');
    if !no_hooks {
        for h in hooks {
            if skip_tests && is_test_hook(h) {
                continue;
            }
            out.push_str("---\n# Source: ");
            out.push_str(&h.path);
            out.push('\n');
            out.push_str(&h.manifest);
            out.push('\n');
        }
    }
    out
}

/// `--show-only`: for each pattern (in order), the documents whose template path (after
/// the chart name) matches it with Go's `filepath.Match`, printed as `---\nDOC\n`.
/// Errors with Helm's text when a pattern matches nothing.
pub fn show_only(stream: &str, patterns: &[String]) -> Result<String, String> {
    let docs = split_manifests(stream);
    let mut out = String::new();
    for pattern in patterns {
        let f = pattern.replace('\\', "/");
        let mut missing = true;
        for doc in &docs {
            let Some(name) = source_path(doc) else {
                continue;
            };
            if crate::chart::gomatch::go_match(&f, name).unwrap_or(false) {
                out.push_str("---\n");
                out.push_str(doc);
                out.push('\n');
                missing = false;
            }
        }
        if missing {
            return Err(format!("could not find template {f} in chart"));
        }
    }
    Ok(out)
}

/// The path after the first segment in the document's first `# Source: X/...` line
/// (Helm's `# Source: [^/]+/(.+)`).
fn source_path(doc: &str) -> Option<&str> {
    let at = doc.find("# Source: ")?;
    let rest = &doc[at + "# Source: ".len()..];
    let line = rest.split('\n').next().unwrap_or(rest);
    let slash = line.find('/')?;
    if slash == 0 {
        return None;
    }
    let tail = &line[slash + 1..];
    (!tail.is_empty()).then_some(tail)
}

/// `--output-dir`: writes each document to `DIR/<source path>` as Helm does (the first
/// document of a file creates it, later ones are appended after `---`), and returns the
/// `wrote PATH` lines Helm prints, in order. With `use_release_name` the files go under
/// `DIR/<release name>/`.
pub fn write_output_dir(
    dir: &Path,
    release_name: Option<&str>,
    docs: &[(String, String)],
) -> std::io::Result<Vec<String>> {
    let base: PathBuf = match release_name {
        Some(n) => dir.join(n),
        None => dir.to_path_buf(),
    };
    let mut written: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for (name, content) in docs {
        if name.split('/').any(|seg| seg == "..") || name.starts_with('/') {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("refusing to write outside {}: {name}", base.display()),
            ));
        }
        // Helm joins with a plain separator (no cleaning), and prints that path.
        let path = PathBuf::from(format!("{}/{name}", base.display()));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let first = !written.contains(name);
        let text = format!("---\n# Source: {name}\n{content}\n");
        if first {
            std::fs::write(&path, text)?;
            written.push(name.clone());
        } else {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().append(true).open(&path)?;
            f.write_all(text.as_bytes())?;
        }
        lines.push(format!("wrote {}", path.display()));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::manifest::SimpleHead;

    fn manifest(name: &str, content: &str) -> Manifest {
        Manifest {
            name: name.into(),
            content: content.into(),
            head: SimpleHead::default(),
        }
    }

    fn hook(path: &str, events: Vec<HookEvent>) -> Hook {
        Hook {
            name: "h".into(),
            kind: "Pod".into(),
            path: path.into(),
            manifest: "kind: Pod".into(),
            events,
            weight: 0,
            delete_policies: vec![],
        }
    }

    #[test]
    fn only_hooks_start_with_an_empty_line() {
        // C8 of the spec.
        let hooks = [hook("hk/templates/h.yaml", vec![HookEvent::Test])];
        let out = template_stream("", &hooks, false, false);
        assert_eq!(out, "\n---\n# Source: hk/templates/h.yaml\nkind: Pod\n");
        assert_eq!(template_stream("", &hooks, false, true), "\n");
    }

    #[test]
    fn crds_come_first_verbatim() {
        let crds = [CrdFile {
            filename: "ord/crds/foo.yaml".into(),
            data: "kind: CustomResourceDefinition\n".into(),
        }];
        let m = release_manifest(&crds, &[manifest("ord/templates/a.yaml", "kind: A")]);
        assert_eq!(
            m,
            "---\n# Source: ord/crds/foo.yaml\nkind: CustomResourceDefinition\n\n---\n# Source: ord/templates/a.yaml\nkind: A\n"
        );
    }

    #[test]
    fn show_only_filters_by_template_path() {
        let stream = template_stream(
            &release_manifest(
                &[],
                &[
                    manifest("c/templates/a.yaml", "kind: A"),
                    manifest("c/templates/b.yaml", "kind: B"),
                    manifest("c/charts/s/templates/a.yaml", "kind: S"),
                ],
            ),
            &[],
            false,
            false,
        );
        assert_eq!(
            show_only(&stream, &["templates/b.yaml".into()]).unwrap(),
            "---\n# Source: c/templates/b.yaml\nkind: B\n"
        );
        assert_eq!(
            show_only(&stream, &["charts/s/templates/*".into()]).unwrap(),
            "---\n# Source: c/charts/s/templates/a.yaml\nkind: S\n"
        );
        assert_eq!(
            show_only(&stream, &["templates/x.yaml".into()]).unwrap_err(),
            "could not find template templates/x.yaml in chart"
        );
    }
}
