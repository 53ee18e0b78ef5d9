//! `helm package`: writing a loaded chart as `NAME-VERSION.tgz` (Helm's
//! `chartutil.Save`).
//!
//! Layout as Helm writes it: `NAME/Chart.yaml` re-marshalled from the metadata (for
//! apiVersion v1 without `dependencies`, which stay in `requirements.yaml`),
//! `NAME/Chart.lock` (v2, when present), the raw `values.yaml`, `values.schema.json`
//! (must be valid JSON), templates, other files, then every subchart, recursively, as a
//! folder under `NAME/charts/`. Entries are regular files with mode 0644; the gzip header
//! carries Helm's comment and extra field.

use super::{Chart, LoadError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The gzip "extra" field Helm writes into every package.
const HEADER_EXTRA: &[u8] = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";

/// Names of dependencies declared in `Chart.yaml` (or `requirements.yaml`) with no
/// loaded subchart of that chart name, in declaration order (Helm's
/// `CheckDependencies`).
pub fn missing_dependencies(chart: &Chart) -> Vec<String> {
    chart
        .metadata
        .dependencies
        .iter()
        .filter(|d| !chart.dependencies.iter().any(|sc| sc.name() == d.name))
        .map(|d| d.name.clone())
        .collect()
}

/// The `.tgz` bytes of `chart`, as `helm package` would write them. `mtime` (seconds
/// since the epoch) stamps every entry.
pub fn archive_bytes(chart: &Chart, mtime: u64) -> Result<Vec<u8>, LoadError> {
    let gz = flate2::GzBuilder::new()
        .extra(HEADER_EXTRA)
        .comment("Helm")
        .write(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    write_chart(&mut tar, chart, "", mtime)?;
    let gz = tar
        .into_inner()
        .map_err(|e| LoadError::Save(format!("writing archive: {e}")))?;
    gz.finish()
        .map_err(|e| LoadError::Save(format!("writing archive: {e}")))
}

fn add(
    tar: &mut tar::Builder<impl Write>,
    name: &str,
    data: &[u8],
    mtime: u64,
) -> Result<(), LoadError> {
    let mut h = tar::Header::new_ustar();
    h.set_mode(0o644);
    h.set_size(data.len() as u64);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut h, name, data)
        .map_err(|e| LoadError::Save(format!("writing {name}: {e}")))
}

fn write_chart(
    tar: &mut tar::Builder<impl Write>,
    chart: &Chart,
    prefix: &str,
    mtime: u64,
) -> Result<(), LoadError> {
    let name = chart.name();
    if super::ignore::go_base(name) != name {
        return Err(LoadError::Save(format!(
            "\"{name}\" is not a valid chart name"
        )));
    }
    let base = if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    };
    let mut md = chart.metadata.clone();
    if md.api_version == "v1" {
        md.dependencies.clear();
    }
    add(
        tar,
        &format!("{base}/Chart.yaml"),
        crate::yaml::marshal(&md.to_value()).as_bytes(),
        mtime,
    )?;
    if chart.metadata.api_version == "v2" {
        if let Some(lock) = &chart.lock {
            add(
                tar,
                &format!("{base}/Chart.lock"),
                crate::yaml::marshal(&lock.to_value()).as_bytes(),
                mtime,
            )?;
        }
    }
    if let Some(values) = &chart.raw_values {
        add(tar, &format!("{base}/values.yaml"), values, mtime)?;
    }
    if let Some(schema) = &chart.schema {
        if serde_json::from_slice::<serde_json::Value>(schema).is_err() {
            return Err(LoadError::Save(
                "Invalid JSON in values.schema.json".to_string(),
            ));
        }
        add(tar, &format!("{base}/values.schema.json"), schema, mtime)?;
    }
    for f in chart.templates.iter().chain(chart.files.iter()) {
        add(tar, &format!("{base}/{}", f.name), &f.data, mtime)?;
    }
    let charts = format!("{base}/charts");
    for dep in &chart.dependencies {
        write_chart(tar, dep, &charts, mtime)?;
    }
    Ok(())
}

/// `helm package CHART_DIR -d DIR`: loads nothing itself; writes `chart` to
/// `DIR/NAME-VERSION.tgz` (creating `DIR`) and returns that path. Fails like Helm when a
/// declared dependency is missing from `charts/`.
pub fn save(chart: &Chart, out_dir: &Path) -> Result<PathBuf, LoadError> {
    let missing = missing_dependencies(chart);
    if !missing.is_empty() {
        return Err(LoadError::Save(format!(
            "found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        )));
    }
    let file = out_dir.join(format!("{}-{}.tgz", chart.name(), chart.metadata.version));
    match std::fs::metadata(out_dir) {
        Ok(m) if !m.is_dir() => {
            return Err(LoadError::Save(format!(
                "failed to save: is not a directory: {}",
                out_dir.display()
            )))
        }
        Ok(_) => {}
        Err(_) => std::fs::create_dir_all(out_dir)
            .map_err(|e| LoadError::Save(format!("failed to save: {e}")))?,
    }
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let bytes =
        archive_bytes(chart, mtime).map_err(|e| LoadError::Save(format!("failed to save: {e}")))?;
    std::fs::write(&file, bytes).map_err(|e| LoadError::Save(format!("failed to save: {e}")))?;
    Ok(file)
}
