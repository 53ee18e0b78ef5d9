//! Helm 3's choice of patch for one object on upgrade and rollback (`createPatch` in
//! `pkg/kube/client.go`, spec §8.3).
//!
//! Objects of kinds Helm's scheme knows (client-go's built-in kinds plus apiextensions
//! `v1` CRDs) get a three-way strategic merge patch with `overwrite = true` and the Go
//! struct's metadata; everything else (custom resources, apiextensions `v1beta1` CRDs,
//! kinds outside client-go's scheme) gets a two-way JSON merge patch from the old manifest
//! to the new one, ignoring the live object.
//!
//! Helm also falls back to the JSON merge patch when a manifest fails to decode into the
//! kind's Go type; hke has no Go types, so such manifests are strategic-merged here.

use serde_json::Value;

use super::{json_merge, three_way, PatchError, PatchSchema};

/// The content type of a patch Helm sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/strategic-merge-patch+json`.
    StrategicMerge,
    /// `application/merge-patch+json`.
    JsonMerge,
}

impl PatchType {
    /// The HTTP `Content-Type` of the PATCH request.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::StrategicMerge => "application/strategic-merge-patch+json",
            PatchType::JsonMerge => "application/merge-patch+json",
        }
    }
}

/// The schema Helm 3 strategic-merges an object of this kind with, or `None` when Helm
/// treats it as unstructured (JSON merge patch).
pub fn helm_schema(api_version: &str, kind: &str) -> Option<PatchSchema> {
    if api_version == "apiextensions.k8s.io/v1beta1" && kind == "CustomResourceDefinition" {
        return None;
    }
    if !PatchSchema::builtin_in_client_go_scheme(api_version, kind) {
        return None;
    }
    PatchSchema::builtin(api_version, kind)
}

/// Helm's patch for one object: `original` is the object from the previous release
/// manifest, `target` the new one (with Helm's ownership label and annotations already
/// merged in), `current` the live object, `schema` from [`helm_schema`] (`None` for
/// unstructured objects). A patch equal to `{}` means Helm logs "Looks like there are no
/// changes" and sends nothing.
pub fn helm_patch(
    original: &Value,
    target: &Value,
    current: &Value,
    schema: Option<&PatchSchema>,
) -> Result<(PatchType, Value), PatchError> {
    match schema {
        Some(s) => Ok((
            PatchType::StrategicMerge,
            three_way(original, target, current, s, true)?,
        )),
        None => Ok((PatchType::JsonMerge, json_merge::diff(original, target)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn custom_resources_get_a_two_way_json_merge_patch() {
        assert!(helm_schema("example.com/v1", "Widget").is_none());
        assert!(helm_schema("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition").is_none());
        assert!(helm_schema("apiextensions.k8s.io/v1", "CustomResourceDefinition").is_some());
        let (t, p) = helm_patch(
            &json!({"spec": {"a": 1, "b": [1]}}),
            &json!({"spec": {"a": 2, "b": [1]}}),
            &json!({"spec": {"a": 5, "c": 1}}),
            None,
        )
        .expect("patch");
        assert_eq!(t, PatchType::JsonMerge);
        assert_eq!(p, json!({"spec": {"a": 2}}));
    }

    #[test]
    fn builtin_kinds_get_a_three_way_strategic_patch() {
        let s = helm_schema("apps/v1", "Deployment").expect("schema");
        let (t, p) = helm_patch(
            &json!({"spec": {"replicas": 1}}),
            &json!({"spec": {"replicas": 1}}),
            &json!({"spec": {"replicas": 3}}),
            Some(&s),
        )
        .expect("patch");
        assert_eq!(t, PatchType::StrategicMerge);
        assert_eq!(p, json!({"spec": {"replicas": 1}}));
        assert_eq!(t.content_type(), "application/strategic-merge-patch+json");
    }
}
