//! The built-in resource table served by the simulator: group, version, kind, plural,
//! scope. Kinds follow `shared/conformance/smp/k8s-patch-meta.json` (Kubernetes 1.32 API);
//! that file lacks plurals and scope, so they are written out here.

/// One served resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// API group (`""` for the core group).
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Plural resource name used in URLs.
    pub plural: String,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// `kubectl` short names.
    pub short_names: Vec<String>,
    /// The CustomResourceDefinition serving it (`None` for built-in kinds).
    pub crd: Option<String>,
    /// The CRD's `openAPIV3Schema` for this version, if it has one.
    pub schema: Option<serde_json::Value>,
    /// The CRD version's `additionalPrinterColumns` (empty: Name and Age).
    pub printer_columns: Vec<serde_json::Value>,
}

impl Resource {
    /// `apiVersion` as written in objects (`v1`, `apps/v1`).
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// (group, version, kind, plural, namespaced)
const BUILTIN: &[(&str, &str, &str, &str, bool)] = &[
    ("", "v1", "Namespace", "namespaces", false),
    ("", "v1", "ConfigMap", "configmaps", true),
    ("", "v1", "Secret", "secrets", true),
    ("", "v1", "Service", "services", true),
    ("", "v1", "ServiceAccount", "serviceaccounts", true),
    ("", "v1", "Pod", "pods", true),
    (
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        true,
    ),
    ("", "v1", "PersistentVolume", "persistentvolumes", false),
    ("", "v1", "Endpoints", "endpoints", true),
    ("", "v1", "Event", "events", true),
    ("", "v1", "LimitRange", "limitranges", true),
    ("", "v1", "ResourceQuota", "resourcequotas", true),
    (
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        true,
    ),
    ("", "v1", "Node", "nodes", false),
    ("apps", "v1", "Deployment", "deployments", true),
    ("apps", "v1", "ReplicaSet", "replicasets", true),
    ("apps", "v1", "StatefulSet", "statefulsets", true),
    ("apps", "v1", "DaemonSet", "daemonsets", true),
    (
        "apps",
        "v1",
        "ControllerRevision",
        "controllerrevisions",
        true,
    ),
    ("batch", "v1", "Job", "jobs", true),
    ("batch", "v1", "CronJob", "cronjobs", true),
    (
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
    ),
    (
        "autoscaling",
        "v1",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
    ),
    (
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        true,
    ),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", true),
    (
        "networking.k8s.io",
        "v1",
        "IngressClass",
        "ingressclasses",
        false,
    ),
    (
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        true,
    ),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        true,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
    ),
    (
        "storage.k8s.io",
        "v1",
        "StorageClass",
        "storageclasses",
        false,
    ),
    (
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        "priorityclasses",
        false,
    ),
    ("coordination.k8s.io", "v1", "Lease", "leases", true),
    (
        "discovery.k8s.io",
        "v1",
        "EndpointSlice",
        "endpointslices",
        true,
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        false,
    ),
];

/// The built-in resources (Kubernetes 1.32 kinds that charts use).
pub fn builtin() -> Vec<Resource> {
    BUILTIN
        .iter()
        .map(|&(g, v, k, p, n)| Resource {
            group: g.to_string(),
            version: v.to_string(),
            kind: k.to_string(),
            plural: p.to_string(),
            namespaced: n,
            short_names: short_names(p).iter().map(|s| s.to_string()).collect(),
            crd: None,
            schema: None,
            printer_columns: Vec::new(),
        })
        .collect()
}

/// `kubectl` short names of built-in resources (plural, short names).
pub const SHORT_NAMES: &[(&str, &[&str])] = &[
    ("namespaces", &["ns"]),
    ("configmaps", &["cm"]),
    ("services", &["svc"]),
    ("serviceaccounts", &["sa"]),
    ("pods", &["po"]),
    ("persistentvolumeclaims", &["pvc"]),
    ("persistentvolumes", &["pv"]),
    ("endpoints", &["ep"]),
    ("events", &["ev"]),
    ("limitranges", &["limits"]),
    ("resourcequotas", &["quota"]),
    ("replicationcontrollers", &["rc"]),
    ("nodes", &["no"]),
    ("deployments", &["deploy"]),
    ("replicasets", &["rs"]),
    ("statefulsets", &["sts"]),
    ("daemonsets", &["ds"]),
    ("cronjobs", &["cj"]),
    ("horizontalpodautoscalers", &["hpa"]),
    ("poddisruptionbudgets", &["pdb"]),
    ("ingresses", &["ing"]),
    ("networkpolicies", &["netpol"]),
    ("storageclasses", &["sc"]),
    ("priorityclasses", &["pc"]),
    ("customresourcedefinitions", &["crd", "crds"]),
];

/// Short names of a plural (empty when it has none).
pub fn short_names(plural: &str) -> &'static [&'static str] {
    SHORT_NAMES
        .iter()
        .find(|(p, _)| *p == plural)
        .map(|(_, s)| *s)
        .unwrap_or(&[])
}

/// Kinds in the `all` category (`kubectl get all`).
pub const IN_ALL: &[&str] = &[
    "Pod",
    "Service",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "HorizontalPodAutoscaler",
];

/// Kinds with a `/scale` subresource.
pub const SCALABLE: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "ReplicationController",
];

/// Verbs advertised in discovery for every resource.
pub const VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

#[cfg(test)]
mod tests {
    #[test]
    fn plurals_are_unique_per_group_version() {
        let all = super::builtin();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(
                    !(a.group == b.group && a.version == b.version && a.plural == b.plural),
                    "duplicate {}",
                    a.plural
                );
            }
        }
    }
}
