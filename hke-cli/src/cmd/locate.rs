//! Finding a chart given on the command line (helm's `ChartPathOptions.LocateChart`,
//! without repositories: hke resolves local paths only).

use std::path::PathBuf;

/// The absolute path of a local chart, or helm's error text for a name that is not one.
pub fn locate_chart(name: &str) -> Result<PathBuf, String> {
    let name = name.trim();
    if std::fs::metadata(name).is_ok() {
        return std::path::absolute(name).map_err(|e| e.to_string());
    }
    if name.starts_with('/') || name.starts_with('.') {
        return Err(format!("path {name:?} not found"));
    }
    match name.split_once('/') {
        Some((repo, _)) => Err(format!("repo {repo} not found")),
        None => Err(format!(
            "non-absolute URLs should be in form of repo_name/path_to_chart, got: {name}"
        )),
    }
}
