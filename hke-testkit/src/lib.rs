//! Test support shared by hke's crates.
//!
//! - [`shared_dir`]: where the shared oracles live (`../shared` beside the repository,
//!   or `$HKE_SHARED_DIR`).
//! - [`helm3`], [`helm4`], [`kubectl`]: the real binaries installed by
//!   `shared/tools/get-helm.sh`, when present.
//!
//! - [`sim`]: a loopback Kubernetes API server simulator for end-to-end tests.
//!
//! Tests that need an oracle call these and skip, printing why, when it is absent.

pub mod records;
pub mod sim;

use std::path::{Path, PathBuf};

/// The repository root (the workspace directory).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The shared oracle folder: `$HKE_SHARED_DIR`, else `../shared` next to the repository.
/// `None` (with a printed reason) when it does not exist.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("HKE_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => repo_root().join("..").join("shared"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: shared oracle folder {} not found (set HKE_SHARED_DIR)",
            dir.display()
        );
        None
    }
}

fn tool(env: &str, name: &str) -> Option<PathBuf> {
    let candidates = [
        std::env::var_os(env).map(PathBuf::from),
        std::env::var_os("HKE_TOOLS_DIR").map(|d| PathBuf::from(d).join("bin").join(name)),
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/hke-tools/bin").join(name)),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.is_file());
    if found.is_none() {
        eprintln!("skipping: {name} not installed (run ../shared/tools/get-helm.sh or set {env})");
    }
    found
}

/// Real helm v3.17.2 (`$HKE_HELM3`, or the get-helm.sh cache).
pub fn helm3() -> Option<PathBuf> {
    tool("HKE_HELM3", "helm3")
}

/// Real helm v4 (`$HKE_HELM4`, or the get-helm.sh cache).
pub fn helm4() -> Option<PathBuf> {
    tool("HKE_HELM4", "helm4")
}

/// Real kubectl 1.32 (`$HKE_KUBECTL`, the get-helm.sh cache, or `/usr/bin/kubectl`).
pub fn kubectl() -> Option<PathBuf> {
    tool("HKE_KUBECTL", "kubectl-1.32").or_else(|| {
        let p = PathBuf::from("/usr/bin/kubectl");
        p.is_file().then_some(p)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn repo_root_holds_the_workspace_manifest() {
        assert!(super::repo_root().join("Cargo.toml").is_file());
    }
}
