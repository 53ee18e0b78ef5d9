//! Helm's actions, one module per action (Helm's `pkg/action`).
//!
//! - [`template`]: `helm template`, i.e. a client-only install dry run that prints the
//!   manifests.

pub mod template;
