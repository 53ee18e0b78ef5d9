//! Helm's actions, one module per action (Helm's `pkg/action`).
//!
//! - [`template`]: `helm template`, i.e. a client-only install dry run that prints the
//!   manifests.
//! - [`install`]: `helm install` (no hooks yet).
//! - [`status`]: the live resources of a release (`status --show-resources`).

pub mod install;
pub mod status;
pub mod template;
