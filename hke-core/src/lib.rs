//! # hke-core: the Helm 3 engine
//!
//! A pure library (no network, no global state) that reads charts and values the way
//! Helm 3.17 does, renders them with Go `text/template` semantics and the Sprig/Helm
//! function library, computes Kubernetes strategic merge patches, and (in later
//! modules) stores releases and runs Helm's actions.
//!
//! Module map (see `ARCHITECTURE.md` at the repository root for the long form):
//!
//! | module | concept | Helm's package |
//! |---|---|---|
//! | [`value`] | the plain value model shared by values, templates and manifests | `map[string]interface{}` |
//! | [`yaml`] | YAML 1.1 parsing and go-yaml v2 compatible emission | `sigs.k8s.io/yaml` |
//! | [`gojson`] | Go `encoding/json` compatible encoding (`toJson`, `toPrettyJson`, `toRawJson`) | `encoding/json` |
//! | [`semver`] | Masterminds SemVer versions and constraints | `Masterminds/semver/v3` |
//! | [`chart`] | chart model and loading (directories, archives, `.helmignore`) | `pkg/chart`, `pkg/chart/loader`, `pkg/ignore` |
//! | [`values`] | `--set` parsing, values files, coalescing, dependencies, schema | `pkg/strvals`, `pkg/chartutil`, `pkg/cli/values` |
//! | [`template`] | Go `text/template`: lexer, parser, evaluator, Sprig/Helm functions | `text/template`, `sprig`, `pkg/engine/funcs.go` |
//! | [`patch`] | strategic merge patch and JSON merge patch | `k8s.io/apimachinery/pkg/util/strategicpatch` |

pub mod action;
pub mod chart;
pub mod engine;
pub mod gojson;
pub mod kube;
pub mod patch;
pub mod release;
pub mod semver;
pub mod storage;
pub mod template;
pub mod value;
pub mod values;
pub mod yaml;

pub use value::Value;
