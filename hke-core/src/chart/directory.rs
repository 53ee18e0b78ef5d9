//! Reading a chart directory like Helm's `LoadDir`: a lexical-order walk that follows
//! symbolic links (`internal/sympath`), `.helmignore` rules, irregular files refused,
//! BOMs stripped. Unlike Helm, a symbolic link back into one of its own ancestors is an
//! error instead of an endless walk.

use super::archive::BOM;
use super::error::LoadError;
use super::ignore::Rules;
use super::File;
use std::fs;
use std::path::{Path, PathBuf};

/// How deep a directory walk may go (symbolic links included).
const MAX_WALK_DEPTH: usize = 256;

/// Go's wording for common OS errors (`no such file or directory`).
pub(crate) fn os_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}

struct Walker<'a> {
    top: &'a Path,
    rules: Rules,
    files: Vec<File>,
    /// Lines Helm logs while walking (symbolic links followed).
    warnings: Vec<String>,
    /// Canonical paths of the directories being walked (to stop symlink loops).
    stack: Vec<PathBuf>,
}

impl Walker<'_> {
    fn walk(&mut self, path: &Path, rel: &str, depth: usize) -> Result<(), LoadError> {
        if depth > MAX_WALK_DEPTH {
            return Err(LoadError::Symlink {
                path: path.display().to_string(),
                message: format!("directory tree deeper than {MAX_WALK_DEPTH} levels"),
            });
        }
        let lmeta = fs::symlink_metadata(path).map_err(|e| LoadError::Read {
            path: rel.to_string(),
            message: os_message(&e),
        })?;
        let meta = if lmeta.file_type().is_symlink() {
            let resolved = fs::canonicalize(path).map_err(|e| LoadError::Symlink {
                path: path.display().to_string(),
                message: format!("lstat {}: {}", path.display(), os_message(&e)),
            })?;
            self.warnings.push(format!(
                "walk.go:75: found symbolic link in path: {} resolves to {}. Contents of linked file included and used",
                path.display(),
                resolved.display()
            ));
            fs::symlink_metadata(&resolved).map_err(|e| LoadError::Read {
                path: rel.to_string(),
                message: os_message(&e),
            })?
        } else {
            lmeta
        };
        if meta.is_dir() {
            if !rel.is_empty() && self.rules.ignore(rel, true) {
                return Ok(());
            }
            let canonical = fs::canonicalize(path).map_err(|e| LoadError::Read {
                path: rel.to_string(),
                message: os_message(&e),
            })?;
            if self.stack.contains(&canonical) {
                return Err(LoadError::Symlink {
                    path: path.display().to_string(),
                    message: "symlink loop: the link points back into its own directory tree"
                        .into(),
                });
            }
            let mut names: Vec<std::ffi::OsString> = fs::read_dir(path)
                .map_err(|e| LoadError::Read {
                    path: rel.to_string(),
                    message: os_message(&e),
                })?
                .map(|e| e.map(|e| e.file_name()))
                .collect::<Result<_, _>>()
                .map_err(|e| LoadError::Read {
                    path: rel.to_string(),
                    message: os_message(&e),
                })?;
            names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
            self.stack.push(canonical);
            for name in names {
                let child_rel = if rel.is_empty() {
                    name.to_string_lossy().into_owned()
                } else {
                    format!("{rel}/{}", name.to_string_lossy())
                };
                self.walk(&path.join(&name), &child_rel, depth + 1)?;
            }
            self.stack.pop();
            return Ok(());
        }
        if rel.is_empty() {
            return Ok(());
        }
        if self.rules.ignore(rel, false) {
            return Ok(());
        }
        if !meta.is_file() {
            return Err(LoadError::IrregularFile(path.display().to_string()));
        }
        let mut data = fs::read(path).map_err(|e| LoadError::Read {
            path: rel.to_string(),
            message: os_message(&e),
        })?;
        if data.starts_with(BOM) {
            data.drain(..BOM.len());
        }
        self.files.push(File {
            name: rel.to_string(),
            data,
        });
        Ok(())
    }
}

/// Reads the files of the chart directory `dir` (already known to be a directory), and
/// the lines Helm would log while walking it.
pub(crate) fn read_dir_files(dir: &Path) -> Result<(Vec<File>, Vec<String>), LoadError> {
    let top = std::path::absolute(dir).map_err(|e| LoadError::Stat {
        path: dir.display().to_string(),
        message: os_message(&e),
    })?;
    let mut rules = Rules::empty();
    let ignore_file = top.join(".helmignore");
    if ignore_file.exists() {
        let data = fs::read(&ignore_file).map_err(|e| LoadError::Read {
            path: ".helmignore".into(),
            message: os_message(&e),
        })?;
        rules = Rules::parse(&data)?;
    }
    rules.add_defaults();
    let mut walker = Walker {
        top: &top,
        rules,
        files: Vec::new(),
        warnings: Vec::new(),
        stack: Vec::new(),
    };
    let top_path = walker.top.to_path_buf();
    walker.walk(&top_path, "", 0)?;
    Ok((walker.files, walker.warnings))
}
