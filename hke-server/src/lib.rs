//! hke-server: the in-cluster HTTP service wrapping `hke-core`.
//!
//! Not built yet: its issue comes after the release lifecycle. The crate exists so the
//! workspace has its final shape; it exposes only the engine version it wraps.

/// The Helm version whose behaviour the wrapped engine reproduces.
pub const HELM_COMPAT_VERSION: &str = "v3.17.2";

#[cfg(test)]
mod tests {
    #[test]
    fn reports_the_helm_version_it_follows() {
        assert!(super::HELM_COMPAT_VERSION.starts_with("v3."));
    }
}
