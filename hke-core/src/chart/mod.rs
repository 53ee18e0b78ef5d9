//! Charts: the in-memory model of a Helm chart and its loading from a directory or a
//! `.tgz` archive (Helm's `pkg/chart` and `pkg/chart/loader`).
//!
//! - [`load`], [`load_dir`], [`load_archive`], [`load_archive_bytes`] (and the `_with`
//!   variants taking [`LoadOptions`]) read a chart exactly as Helm 3.17.2 does: file
//!   classification, `Chart.yaml`/`requirements.yaml`/lock decoding and validation,
//!   `values.yaml`, subcharts in `charts/` (folders and `.tgz`), `.helmignore` for
//!   directories. Archives are read in memory with limits and rejected when hostile.
//! - [`save`]: `helm package` (`NAME-VERSION.tgz`).
//! - [`show`]: `helm show chart|values|readme|crds|all` text.
//!
//! Submodules: `metadata` (Chart.yaml decoding/validation), `ignore` (`.helmignore`),
//! `gomatch` (Go's `filepath.Match`), `archive`, `directory`, `loader` (classification).

pub(crate) mod archive;
mod directory;
mod error;
pub mod gomatch;
pub mod ignore;
mod loader;
mod metadata;
pub mod save;
pub mod show;

pub use error::LoadError;
pub use loader::{
    load, load_archive, load_archive_bytes, load_archive_bytes_with, load_dir, load_dir_with,
    load_files, load_with, LoadOptions,
};
pub use metadata::Lock;

use crate::value::Map;

/// A file of a chart: its `/`-separated path relative to the chart root and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// Path relative to the chart root, `/`-separated (`templates/deployment.yaml`).
    pub name: String,
    /// Contents (a leading UTF-8 BOM already removed).
    pub data: Vec<u8>,
}

/// A loaded chart and, recursively, its subcharts.
#[derive(Clone, Debug, Default)]
pub struct Chart {
    /// `Chart.yaml` (with `requirements.yaml` dependencies merged in for apiVersion v1).
    pub metadata: Metadata,
    /// The raw `values.yaml` bytes, if the chart has one (`helm show values` prints them).
    pub raw_values: Option<Vec<u8>>,
    /// The parsed default values (`{}` when there is no `values.yaml`).
    pub values: Map,
    /// The raw `values.schema.json`, if present.
    pub schema: Option<Vec<u8>>,
    /// Every file under `templates/`.
    pub templates: Vec<File>,
    /// Every other file of the chart (what `.Files` exposes), `crds/` included.
    pub files: Vec<File>,
    /// Subcharts loaded from `charts/`, ordered by their entry name in `charts/` (Helm
    /// iterates a Go map here, so its own order is random).
    pub dependencies: Vec<Chart>,
    /// `Chart.lock` (or `requirements.lock`), when present.
    pub lock: Option<Lock>,
    /// Every file read for this chart (not its subcharts), in load order, as Helm's
    /// `Chart.Raw`.
    pub raw: Vec<File>,
    /// Lines Helm's loader logs on stderr while loading this chart, verbatim (e.g.
    /// `load.go:120: Warning: Dependencies are handled in Chart.yaml since apiVersion
    /// "v2". …`). Subcharts keep their own.
    pub warnings: Vec<String>,
}

impl Chart {
    /// The chart name (`metadata.name`).
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Whether the chart is a library chart (`type: library`).
    pub fn is_library(&self) -> bool {
        self.metadata.chart_type == "library"
    }

    /// Names of dependencies declared in `Chart.yaml` (or `requirements.yaml`) that have
    /// no loaded subchart of that chart name, in declaration order (Helm's
    /// `CheckDependencies`; `helm template` wraps the list in ``An error occurred while
    /// checking for chart dependencies. You may need to run `helm dependency build` to
    /// fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory:
    /// A, B``).
    pub fn missing_dependencies(&self) -> Vec<String> {
        save::missing_dependencies(self)
    }

    /// Helm's `kubeVersion` gate: `Err` with Helm's message (`chart requires kubeVersion:
    /// C which is incompatible with Kubernetes V`) when the chart's constraint is set and
    /// either does not parse or rejects `kube_version` (e.g. `v1.31.0`).
    pub fn check_kube_version(&self, kube_version: &str) -> Result<(), String> {
        let constraint = &self.metadata.kube_version;
        if constraint.is_empty() {
            return Ok(());
        }
        let ok = match (
            crate::semver::Constraints::parse(constraint),
            crate::semver::Version::parse(kube_version),
        ) {
            (Ok(c), Ok(v)) => c.check(&v),
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {kube_version}"
            ))
        }
    }

    /// [`Chart::warnings`] of this chart then of its subcharts, recursively: the order in
    /// which Helm logs them while loading.
    pub fn all_warnings(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.warnings.iter().map(String::as_str).collect();
        for dep in &self.dependencies {
            out.extend(dep.all_warnings());
        }
        out
    }

    /// CRD files of this chart then of its subcharts, recursively (Helm's
    /// `CRDObjects`): files under `crds/` ending in `.yaml`, `.yml` or `.json`
    /// (case-insensitively).
    pub fn crd_files(&self) -> Vec<&File> {
        let mut out: Vec<&File> = self
            .files
            .iter()
            .filter(|f| f.name.starts_with("crds/") && has_manifest_extension(&f.name))
            .collect();
        for dep in &self.dependencies {
            out.extend(dep.crd_files());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Chart;

    #[test]
    fn kube_version_gate() {
        let mut c = Chart::default();
        assert!(c.check_kube_version("v1.32.0").is_ok());
        c.metadata.kube_version = ">=1.33.0".into();
        assert_eq!(
            c.check_kube_version("v1.32.0").unwrap_err(),
            "chart requires kubeVersion: >=1.33.0 which is incompatible with Kubernetes v1.32.0"
        );
        c.metadata.kube_version = ">=1.20.0-0".into();
        assert!(c.check_kube_version("v1.31.0").is_ok());
        c.metadata.kube_version = "bogus".into();
        assert!(c.check_kube_version("v1.31.0").is_err());
    }
}

/// Helm's `hasManifestExtension`: `.yaml`, `.yml` or `.json`, any case.
pub fn has_manifest_extension(name: &str) -> bool {
    let base = ignore::go_base(name);
    match base.rfind('.') {
        Some(i) => matches!(
            base[i..].to_ascii_lowercase().as_str(),
            ".yaml" | ".yml" | ".json"
        ),
        None => false,
    }
}

/// `Chart.yaml`, with Helm's field names and semantics.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    /// `apiVersion` (`v1` when absent).
    pub api_version: String,
    /// `name`
    pub name: String,
    /// `home`
    pub home: String,
    /// `sources`
    pub sources: Vec<String>,
    /// `version` (SemVer 2)
    pub version: String,
    /// `description`
    pub description: String,
    /// `keywords`
    pub keywords: Vec<String>,
    /// `maintainers`
    pub maintainers: Vec<Maintainer>,
    /// `icon`
    pub icon: String,
    /// `appVersion`
    pub app_version: String,
    /// `deprecated`
    pub deprecated: bool,
    /// `annotations`
    pub annotations: std::collections::BTreeMap<String, String>,
    /// `kubeVersion` (a SemVer constraint)
    pub kube_version: String,
    /// `dependencies` (or `requirements.yaml` for apiVersion v1)
    pub dependencies: Vec<Dependency>,
    /// `type`: `""`, `application` or `library`
    pub chart_type: String,
    /// `condition` (legacy)
    pub condition: String,
    /// `tags` (legacy)
    pub tags: String,
}

/// A `maintainers` entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainer {
    /// `name`
    pub name: String,
    /// `email`
    pub email: String,
    /// `url`
    pub url: String,
}

/// A `dependencies` entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    /// `name`: the chart name of the subchart.
    pub name: String,
    /// `version`: a SemVer constraint.
    pub version: String,
    /// `repository`
    pub repository: String,
    /// `condition`: comma-separated values paths.
    pub condition: String,
    /// `tags`
    pub tags: Vec<String>,
    /// `enabled` (set by dependency processing)
    pub enabled: bool,
    /// `import-values`: strings or `{child, parent}` maps.
    pub import_values: Vec<crate::value::Value>,
    /// `alias`
    pub alias: String,
}
