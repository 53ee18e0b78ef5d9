//! The public surface of `hke_core::patch` beyond the conformance vectors: error
//! locations, preconditions, and Helm's patch choice on built-in kinds.

use hke_core::patch::{
    self, check_preconditions, PatchError, PatchSchema, PatchType, Precondition,
};
use serde_json::json;

#[test]
fn errors_carry_the_path_but_display_kubernetes_text() {
    let s = PatchSchema::builtin("apps/v1", "Deployment").expect("schema");
    let doc = json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "extra": {"a": 1}}]}}}});
    let p = json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "extra": {"a": 2}}]}}}});
    let e = patch::apply(&doc, &p, &s).expect_err("unknown field");
    assert_eq!(
        e.to_string(),
        "unable to find api field in struct Container for the json field \"extra\""
    );
    assert_eq!(
        e.path(),
        Some("spec.template.spec.containers[name=app].extra")
    );
    let e = patch::two_way(&doc, &p, &s).expect_err("unknown field");
    assert_eq!(
        e.path(),
        Some("spec.template.spec.containers[name=app].extra")
    );
}

#[test]
fn non_object_documents_are_rejected() {
    let s = PatchSchema::unknown();
    assert_eq!(
        patch::apply(&json!([1]), &json!({}), &s),
        Err(PatchError::InvalidDocument)
    );
    assert_eq!(
        patch::apply(&json!(null), &json!({"a": 1}), &s),
        Ok(json!({"a": 1}))
    );
}

#[test]
fn preconditions() {
    let pre = [
        Precondition::parse("kind"),
        Precondition::parse("metadata.name"),
    ];
    assert!(check_preconditions(&json!({"spec": {}}), &pre).is_ok());
    assert!(matches!(
        check_preconditions(&json!({"metadata": {"name": "x"}}), &pre),
        Err(PatchError::PreconditionFailed(_))
    ));
}

#[test]
fn helm_choice_per_kind() {
    let svc = patch::helm_schema("v1", "Service").expect("service is typed");
    let (t, p) = patch::helm_patch(
        &json!({"spec": {"ports": [{"port": 80}]}}),
        &json!({"spec": {"ports": [{"port": 80}, {"port": 443}]}}),
        &json!({"spec": {"ports": [{"port": 80, "protocol": "TCP"}], "clusterIP": "10.0.0.1"}}),
        Some(&svc),
    )
    .expect("patch");
    assert_eq!(t, PatchType::StrategicMerge);
    assert_eq!(
        p,
        json!({"spec": {"$setElementOrder/ports": [{"port": 80}, {"port": 443}], "ports": [{"port": 443}]}})
    );
    assert!(patch::helm_schema("imagepolicy.k8s.io/v1alpha1", "ImageReview").is_none());
    assert_eq!(PatchSchema::builtin_kinds().len(), 151);
}
