//! Strategic merge patch and JSON merge patch, as Kubernetes' `strategicpatch` package
//! and Helm 3's upgrade code use them (spec: `shared/docs/smp.md`).
//!
//! - [`two_way`]: `CreateTwoWayMergePatch(original, modified)`.
//! - [`three_way`]: `CreateThreeWayMergePatch(original, modified, current, overwrite)`, the
//!   patch Helm sends on upgrade and rollback: additions and changes from the live object
//!   to the new manifest, deletions from the old manifest to the new one.
//! - [`apply`]: `StrategicMergePatch(document, patch)`, every directive included.
//! - [`json_merge`]: RFC 7386 merge patch (custom resources).
//! - [`helm_patch`]: Helm's choice between the two for one object.
//!
//! Documents are `serde_json::Value`s decoded from JSON text: integers (`is_i64`) and
//! floats are different types, as Go's int64 and float64 are. A `null` document means "no
//! input" and counts as `{}`; any other non-object document is an error.
//!
//! Submodules: [`schema`] (patch metadata), `diff`, `merge`, `conflict`, `order` (list
//! ordering), `govalue` (Go value semantics), [`json_merge`], `helm`.

mod conflict;
mod diff;
mod govalue;
mod helm;
pub mod json_merge;
mod merge;
mod order;
pub mod schema;

use serde_json::{Map, Value};

pub use helm::{helm_patch, helm_schema, PatchType};
pub use schema::PatchSchema;

use diff::{diff_maps, DiffOptions};
use govalue::{fmt_v, go_type, GoType};
use merge::{merge_map, MergeOptions};

/// Maximum nesting the algorithms recurse to: the merge and diff walks and the cleaning of
/// new values stop with [`PatchError::TooDeep`] beyond it. (Documents parsed by
/// `serde_json` are limited to 128 levels anyway.)
pub const MAX_DEPTH: usize = 200;

/// Why a patch could not be created or applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatchError {
    /// A document is not a JSON object (`mergepatch.ErrBadJSONDoc`).
    #[error("invalid JSON document")]
    InvalidDocument,
    /// A JSON merge patch is `null` or a scalar.
    #[error("invalid JSON patch")]
    InvalidPatch,
    /// With `overwrite = false`, the patch changes something the live object changed
    /// differently since the original (`mergepatch.ErrConflict`). The documents are
    /// rendered as JSON.
    #[error("patch:\n{patch}\nconflicts with changes made from original to current:\n{changes}\n")]
    Conflict {
        /// The patch that would have been returned.
        patch: String,
        /// The changes from original to current.
        changes: String,
    },
    /// A precondition of [`check_preconditions`] failed (`mergepatch.ErrPreconditionFailed`).
    #[error("precondition failed for: {0}")]
    PreconditionFailed(String),
    /// The data cannot be patched; the message is Kubernetes' own text (e.g. `unable to
    /// find api field in struct DeploymentSpec for the json field "extra"`).
    #[error("{0}")]
    Invalid(String),
    /// A patch schema document is malformed.
    #[error("invalid patch schema: {0}")]
    Schema(String),
    /// Input nested deeper than [`MAX_DEPTH`].
    #[error("document nesting exceeds {0} levels")]
    TooDeep(usize),
    /// An error at a position inside the documents. It displays as the inner error alone,
    /// so messages stay Kubernetes' (and Helm's) text; [`PatchError::path`] locates it.
    #[error("{source}")]
    At {
        /// Where: `spec.template.spec.containers[name=app].env`.
        path: String,
        /// What went wrong there.
        source: Box<PatchError>,
    },
}

impl PatchError {
    /// Prefixes the location with one map key or list element segment.
    pub(crate) fn within(self, segment: &str) -> PatchError {
        let join = |rest: String| {
            if rest.starts_with('[') {
                format!("{segment}{rest}")
            } else {
                format!("{segment}.{rest}")
            }
        };
        match self {
            PatchError::At { path, source } => PatchError::At {
                path: join(path),
                source,
            },
            e @ (PatchError::Invalid(_) | PatchError::TooDeep(_)) => PatchError::At {
                path: segment.to_string(),
                source: Box::new(e),
            },
            other => other,
        }
    }

    /// The location of the error inside the documents, when known.
    pub fn path(&self) -> Option<&str> {
        match self {
            PatchError::At { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The error without its location.
    pub fn root(&self) -> &PatchError {
        match self {
            PatchError::At { source, .. } => source.root(),
            other => other,
        }
    }
}

/// A condition on a finished patch (`mergepatch.PreconditionFunc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `RequireKeyUnchanged(key)`: the patch must not contain top-level `key`.
    KeyUnchanged(String),
    /// `RequireMetadataKeyUnchanged(key)`: `patch.metadata` must not contain `key`.
    MetadataKeyUnchanged(String),
}

impl Precondition {
    /// Reads `"apiVersion"` / `"metadata.name"` forms.
    pub fn parse(s: &str) -> Precondition {
        match s.strip_prefix("metadata.") {
            Some(k) => Precondition::MetadataKeyUnchanged(k.to_string()),
            None => Precondition::KeyUnchanged(s.to_string()),
        }
    }

    /// Whether the patch satisfies it.
    pub fn holds(&self, patch: &Map<String, Value>) -> bool {
        match self {
            Precondition::KeyUnchanged(k) => !patch.contains_key(k),
            Precondition::MetadataKeyUnchanged(k) => match patch.get("metadata") {
                Some(Value::Object(m)) => !m.contains_key(k),
                _ => true,
            },
        }
    }
}

/// Runs preconditions on a strategic merge patch (what `CreateTwoWayMergePatch` /
/// `CreateThreeWayMergePatch` do with their `fns`).
pub fn check_preconditions(
    patch: &Value,
    preconditions: &[Precondition],
) -> Result<(), PatchError> {
    if let Value::Object(m) = patch {
        if let Some(p) = preconditions.iter().find(|p| !p.holds(m)) {
            let _ = p;
            return Err(PatchError::PreconditionFailed(fmt_v(patch)));
        }
    }
    Ok(())
}

/// JSON text of a value for error messages.
pub(crate) fn render(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn document(v: &Value) -> Result<Option<&Map<String, Value>>, PatchError> {
    match v {
        Value::Null => Ok(None),
        Value::Object(m) => Ok(Some(m)),
        _ => Err(PatchError::InvalidDocument),
    }
}

pub(crate) fn check_depth(v: &Value) -> Result<(), PatchError> {
    check_depth_from(v, 0)
}

/// [`check_depth`] of a value found at `depth`.
pub(crate) fn check_depth_from(v: &Value, depth: usize) -> Result<(), PatchError> {
    fn walk(v: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match v {
            Value::Object(m) => m.values().all(|x| walk(x, depth + 1)),
            Value::Array(a) => a.iter().all(|x| walk(x, depth + 1)),
            _ => true,
        }
    }
    if walk(v, depth) {
        Ok(())
    } else {
        Err(PatchError::TooDeep(MAX_DEPTH))
    }
}

/// `sliceElementType`: the common Go type of the elements of the lists.
pub(crate) fn slice_element_type(lists: &[&[Value]]) -> Result<GoType, PatchError> {
    let mut prev: Option<GoType> = None;
    for l in lists {
        for v in l.iter() {
            let t = go_type(v);
            match prev {
                None => {
                    if t == GoType::Slice {
                        return Err(PatchError::Invalid(
                            "lists of lists are not supported".into(),
                        ));
                    }
                    prev = Some(t);
                }
                Some(p) if p != t => {
                    let all =
                        Value::Array(lists.iter().map(|l| Value::Array(l.to_vec())).collect());
                    return Err(PatchError::Invalid(format!(
                        "list element types are not identical: {}",
                        fmt_v(&all)
                    )));
                }
                Some(_) => {}
            }
        }
    }
    prev.ok_or_else(|| PatchError::Invalid("no elements in any of the given slices".into()))
}

/// `CreateTwoWayMergePatch(original, modified)`: the patch that turns `original` into
/// `modified` (with `$setElementOrder` directives), under `schema`.
pub fn two_way(
    original: &Value,
    modified: &Value,
    schema: &PatchSchema,
) -> Result<Value, PatchError> {
    let empty = Map::new();
    let o = document(original)?.unwrap_or(&empty);
    let m = document(modified)?.unwrap_or(&empty);
    let opts = DiffOptions {
        set_element_order: true,
        ..DiffOptions::default()
    };
    Ok(Value::Object(diff_maps(o, m, schema.cursor(), opts, 0)?))
}

/// `CreateThreeWayMergePatch(original, modified, current, overwrite)`: additions and
/// changes from `current` to `modified` plus deletions from `original` to `modified`.
/// With `overwrite = false` a patch that conflicts with changes made from `original` to
/// `current` is refused with [`PatchError::Conflict`]; `overwrite` never changes the patch.
pub fn three_way(
    original: &Value,
    modified: &Value,
    current: &Value,
    schema: &PatchSchema,
    overwrite: bool,
) -> Result<Value, PatchError> {
    let empty = Map::new();
    let o = document(original)?.unwrap_or(&empty);
    let m = document(modified)?.unwrap_or(&empty);
    let c = document(current)?.unwrap_or(&empty);
    let root = schema.cursor();
    let delta = diff_maps(
        c,
        m,
        root,
        DiffOptions {
            ignore_deletions: true,
            set_element_order: true,
            ..DiffOptions::default()
        },
        0,
    )?;
    let deletions = diff_maps(
        o,
        m,
        root,
        DiffOptions {
            set_element_order: true,
            ignore_changes_and_additions: true,
            ..DiffOptions::default()
        },
        0,
    )?;
    let patch = merge_map(deletions, delta, root, MergeOptions::COMBINE, 0)?;
    if !overwrite {
        let changed = diff_maps(o, c, root, DiffOptions::default(), 0)?;
        if conflict::maps_have_conflicts(&patch, &changed, root)? {
            return Err(PatchError::Conflict {
                patch: render(&Value::Object(patch)),
                changes: render(&Value::Object(changed)),
            });
        }
    }
    Ok(Value::Object(patch))
}

/// `StrategicMergePatch(document, patch)`: applies a strategic merge patch the way the API
/// server (and `kubectl patch --local`) does, before typed decoding.
pub fn apply(document_v: &Value, patch: &Value, schema: &PatchSchema) -> Result<Value, PatchError> {
    let d = document(document_v)?.cloned().unwrap_or_default();
    let p = document(patch)?.cloned().unwrap_or_default();
    Ok(Value::Object(merge_map(
        d,
        p,
        schema.cursor(),
        MergeOptions::APPLY,
        0,
    )?))
}
