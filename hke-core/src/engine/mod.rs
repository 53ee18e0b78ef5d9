//! Rendering a chart tree into manifests, as Helm's `pkg/engine` and
//! `pkg/releaseutil` do.
//!
//! - [`objects`]: `.Capabilities`, `.Files`, `.Release` with Helm's types and methods.
//! - [`manifest`]: splitting rendered files into documents, hooks, kind ordering.
//! - [`output`]: what `helm template` prints (`# Source:` stream, CRDs, `--show-only`).

pub mod manifest;
pub mod objects;
pub mod output;
pub mod render;
