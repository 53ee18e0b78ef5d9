//! Turning a chart's files into a [`Chart`] (Helm's `loader.LoadFiles`), and the public
//! entry points for directories and archives.

use super::archive::{ensure_archive, read_archive_files};
use super::directory::{os_message, read_dir_files};
use super::error::LoadError;
use super::metadata::{decode_lock, decode_metadata_into, validate, RawMetadata};
use super::{Chart, File};
use crate::value::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Limits that keep a hostile chart from exhausting memory or stack.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Most bytes all archive files of one load may decompress to (default 100 MiB,
    /// Helm 3.18's limit). Nested `.tgz` subcharts share the budget.
    pub max_total_bytes: u64,
    /// Most bytes one archive file may decompress to (default 5 MiB).
    pub max_file_bytes: u64,
    /// Most entries one archive may hold (default 100 000).
    pub max_entries: usize,
    /// Deepest nesting of subcharts (default 32).
    pub max_depth: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_total_bytes: 100 * 1024 * 1024,
            max_file_bytes: 5 * 1024 * 1024,
            max_entries: 100_000,
            max_depth: 32,
        }
    }
}

/// What is left of [`LoadOptions::max_total_bytes`] during one load.
#[derive(Debug)]
pub(crate) struct Budget {
    left: u64,
}

impl Budget {
    fn new(opts: &LoadOptions) -> Budget {
        Budget {
            left: opts.max_total_bytes,
        }
    }

    /// Takes `n` bytes; false when that exceeds what is left.
    pub(crate) fn take(&mut self, n: u64) -> bool {
        match self.left.checked_sub(n) {
            Some(l) => {
                self.left = l;
                true
            }
            None => false,
        }
    }
}

/// Loads a chart from a directory or a `.tgz` file (Helm's `loader.Load`).
pub fn load(path: impl AsRef<Path>) -> Result<Chart, LoadError> {
    load_with(path, &LoadOptions::default())
}

/// [`load`] with explicit limits.
pub fn load_with(path: impl AsRef<Path>, opts: &LoadOptions) -> Result<Chart, LoadError> {
    let path = path.as_ref();
    let meta = std::fs::metadata(path).map_err(|e| LoadError::Stat {
        path: path.display().to_string(),
        message: os_message(&e),
    })?;
    if meta.is_dir() {
        load_dir_with(path, opts)
    } else {
        load_archive_with(path, opts)
    }
}

/// Loads a chart directory (`.helmignore` applied).
pub fn load_dir(path: impl AsRef<Path>) -> Result<Chart, LoadError> {
    load_dir_with(path, &LoadOptions::default())
}

/// [`load_dir`] with explicit limits (they bound `.tgz` subcharts in `charts/`).
pub fn load_dir_with(path: impl AsRef<Path>, opts: &LoadOptions) -> Result<Chart, LoadError> {
    let (files, walk_warnings) = read_dir_files(path.as_ref())?;
    let mut budget = Budget::new(opts);
    let mut c = load_files_inner(files, opts, &mut budget, 0)?;
    if !walk_warnings.is_empty() {
        c.warnings.splice(0..0, walk_warnings);
    }
    Ok(c)
}

/// Loads a chart archive file (Helm's `LoadFile`): a non-gzip file gets Helm's
/// `does not appear to be a gzipped archive` error.
pub fn load_archive(path: impl AsRef<Path>) -> Result<Chart, LoadError> {
    load_archive_with(path.as_ref(), &LoadOptions::default())
}

fn load_archive_with(path: &Path, opts: &LoadOptions) -> Result<Chart, LoadError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| LoadError::Stat {
        path: name.clone(),
        message: os_message(&e),
    })?;
    if meta.is_dir() {
        return Err(LoadError::IsDirectory);
    }
    // A compressed archive cannot legitimately be much larger than what it may expand to.
    let cap = opts.max_total_bytes.saturating_add(1 << 20);
    if meta.len() > cap {
        return Err(LoadError::Archive {
            archive: name,
            entry: None,
            kind: super::error::ArchiveError::TooLarge(opts.max_total_bytes),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| LoadError::Read {
        path: name.clone(),
        message: os_message(&e),
    })?;
    ensure_archive(&name, &bytes[..bytes.len().min(512)])?;
    load_archive_bytes_with(&name, &bytes, opts)
}

/// Loads a chart from the bytes of a `.tgz` (Helm's `LoadArchive`); `name` names the
/// archive in errors.
pub fn load_archive_bytes(name: &str, bytes: &[u8]) -> Result<Chart, LoadError> {
    load_archive_bytes_with(name, bytes, &LoadOptions::default())
}

/// [`load_archive_bytes`] with explicit limits.
pub fn load_archive_bytes_with(
    name: &str,
    bytes: &[u8],
    opts: &LoadOptions,
) -> Result<Chart, LoadError> {
    let mut budget = Budget::new(opts);
    let files = read_archive_files(name, bytes, opts, &mut budget)?;
    load_files_inner(files, opts, &mut budget, 0)
}

/// Builds a chart from in-memory files with `/`-separated chart-relative names (Helm's
/// `LoadFiles`).
pub fn load_files(files: Vec<File>) -> Result<Chart, LoadError> {
    let opts = LoadOptions::default();
    let mut budget = Budget::new(&opts);
    load_files_inner(files, &opts, &mut budget, 0)
}

/// What Helm logs for a `requirements.yaml` in a chart whose apiVersion is not v1.
const REQUIREMENTS_WARNING: &str = "load.go:120: Warning: Dependencies are handled in Chart.yaml since apiVersion \"v2\". We recommend migrating dependencies to Chart.yaml.";
/// What Helm logs for a `requirements.lock` in a chart whose apiVersion is not v1.
const REQUIREMENTS_LOCK_WARNING: &str = "load.go:138: Warning: Dependency locking is handled in Chart.lock since apiVersion \"v2\". We recommend migrating to Chart.lock.";

/// Text of a YAML file for the parser; go-yaml refuses invalid UTF-8.
fn yaml_text(data: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(data).map_err(|_| "yaml: invalid leading UTF-8 octet".to_string())
}

/// Parses with go-yaml typing; the error text as `sigs.k8s.io/yaml` words it.
fn parse_typed(data: &[u8], origin: &str) -> Result<Value, String> {
    let text = yaml_text(data).map_err(|m| format!("error converting YAML to JSON: {m}"))?;
    crate::yaml::parse_typed(text, origin)
        .map_err(|e| format!("error converting YAML to JSON: {}", e.message))
}

fn json_error(msg: String) -> String {
    format!("error unmarshaling JSON: while decoding JSON: {msg}")
}

/// `values.yaml` as Helm decodes it into `map[string]interface{}`.
fn parse_values(data: &[u8]) -> Result<Map, String> {
    let text = yaml_text(data).map_err(|m| format!("error converting YAML to JSON: {m}"))?;
    match crate::yaml::parse(text, "values.yaml").map_err(|e| e.to_string())? {
        Value::Null => Ok(Map::new()),
        Value::Map(m) => Ok(m),
        other => {
            let kind = match other {
                Value::List(_) => "array",
                Value::String(_) => "string",
                Value::Bool(_) => "bool",
                _ => "number",
            };
            Err(json_error(format!(
                "json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
            )))
        }
    }
}

fn load_files_inner(
    files: Vec<File>,
    opts: &LoadOptions,
    budget: &mut Budget,
    depth: usize,
) -> Result<Chart, LoadError> {
    let mut c = Chart::default();
    let mut raw_md: Option<RawMetadata> = None;

    // Chart.yaml first, wherever it is in the list.
    for f in &files {
        if f.name == "Chart.yaml" {
            let raw = raw_md.get_or_insert_with(RawMetadata::default);
            let doc = parse_typed(&f.data, "Chart.yaml").map_err(LoadError::ChartYaml)?;
            decode_metadata_into(&doc, raw).map_err(|m| LoadError::ChartYaml(json_error(m)))?;
            if raw.md.api_version.is_empty() {
                raw.md.api_version = "v1".into();
            }
        }
    }

    let mut subcharts: BTreeMap<String, Vec<File>> = BTreeMap::new();
    for f in &files {
        let name = f.name.as_str();
        match name {
            "Chart.yaml" => {}
            "Chart.lock" => {
                let doc =
                    parse_typed(&f.data, name).and_then(|d| decode_lock(&d).map_err(json_error));
                c.lock = doc.map_err(|message| LoadError::Lock {
                    file: name.into(),
                    message,
                })?;
            }
            "values.yaml" => {
                c.values = parse_values(&f.data).map_err(LoadError::Values)?;
                c.raw_values = Some(f.data.clone());
            }
            "values.schema.json" => c.schema = Some(f.data.clone()),
            "requirements.yaml" => {
                let raw = raw_md.get_or_insert_with(RawMetadata::default);
                if raw.md.api_version != "v1" {
                    c.warnings.push(REQUIREMENTS_WARNING.to_string());
                }
                let doc = parse_typed(&f.data, name).map_err(LoadError::Requirements)?;
                decode_metadata_into(&doc, raw)
                    .map_err(|m| LoadError::Requirements(json_error(m)))?;
                if raw.md.api_version == "v1" {
                    c.files.push(f.clone());
                }
            }
            "requirements.lock" => {
                let doc =
                    parse_typed(&f.data, name).and_then(|d| decode_lock(&d).map_err(json_error));
                c.lock = doc.map_err(|message| LoadError::Lock {
                    file: name.into(),
                    message,
                })?;
                let raw = raw_md.get_or_insert_with(RawMetadata::default);
                if raw.md.api_version != "v1" {
                    c.warnings.push(REQUIREMENTS_LOCK_WARNING.to_string());
                }
                if raw.md.api_version == "v1" {
                    c.files.push(f.clone());
                }
            }
            _ if name.starts_with("templates/") => c.templates.push(f.clone()),
            _ if name.starts_with("charts/") => {
                if go_ext(name) == ".prov" {
                    c.files.push(f.clone());
                    continue;
                }
                let fname = &name["charts/".len()..];
                let cname = fname.split('/').next().unwrap_or("").to_string();
                subcharts.entry(cname).or_default().push(File {
                    name: fname.to_string(),
                    data: f.data.clone(),
                });
            }
            _ => c.files.push(f.clone()),
        }
    }

    let mut raw = raw_md.ok_or(LoadError::ChartYamlMissing)?;
    validate(&mut raw).map_err(LoadError::Validation)?;
    c.metadata = raw.md;
    c.raw = files;

    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        if depth + 1 > opts.max_depth {
            return Err(LoadError::TooDeep {
                chart: c.metadata.name.clone(),
                limit: opts.max_depth,
            });
        }
        let wrap = |source: LoadError| LoadError::Subchart {
            name: n.clone(),
            parent: c.metadata.name.clone(),
            source: Box::new(source),
        };
        let sc = if go_ext(&n) == ".tgz" {
            let Some(file) = files.first() else { continue };
            if file.name != n {
                return Err(LoadError::SubchartTarName {
                    parent: c.metadata.name.clone(),
                    expected: n.clone(),
                    got: file.name.clone(),
                });
            }
            let archive = format!("charts/{n}");
            read_archive_files(&archive, &file.data, opts, budget)
                .and_then(|files| load_files_inner(files, opts, budget, depth + 1))
                .map_err(wrap)?
        } else {
            let prefix = format!("{n}/");
            let buff: Vec<File> = files
                .into_iter()
                .filter_map(|f| {
                    f.name.strip_prefix(&prefix).map(|rest| File {
                        name: rest.to_string(),
                        data: f.data,
                    })
                })
                .collect();
            load_files_inner(buff, opts, budget, depth + 1).map_err(wrap)?
        };
        c.dependencies.push(sc);
    }
    Ok(c)
}

/// Go's `filepath.Ext`.
fn go_ext(name: &str) -> &str {
    let base_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[base_start..].rfind('.') {
        Some(i) => &name[base_start + i..],
        None => "",
    }
}
