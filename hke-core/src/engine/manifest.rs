//! Rendered files → manifests and hooks, as Helm's `pkg/releaseutil` does it.
//!
//! One implementation serves `helm template`, install and upgrade:
//! [`split_manifests`] cuts a rendered file into YAML documents (with Helm's regular
//! expression and its quirks), [`sort_manifests_by_hooks`] parses each document's head,
//! separates hooks from plain manifests, drops documents with unknown hook events, and
//! stable-sorts both lists by Helm's `InstallOrder`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::value::Value;

/// Helm's install order of kinds; unknown kinds come after, alphabetically.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// The annotation that makes a document a hook.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";
/// The annotation that orders hooks of one event.
pub const HOOK_WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
/// The annotation listing when a hook resource is deleted.
pub const HOOK_DELETE_ANNOTATION: &str = "helm.sh/hook-delete-policy";

/// What `releaseutil.SimpleHead` keeps of a document: enough to sort and classify it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimpleHead {
    /// `apiVersion`
    pub api_version: String,
    /// `kind`
    pub kind: String,
    /// `metadata`, when present and not null.
    pub metadata: Option<HeadMetadata>,
}

/// `metadata` of a [`SimpleHead`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeadMetadata {
    /// `metadata.name`
    pub name: String,
    /// `metadata.annotations`, when present and not null.
    pub annotations: Option<BTreeMap<String, String>>,
}

/// A plain (non-hook) manifest: one YAML document of a rendered file.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The template path it came from (`chart/templates/x.yaml`).
    pub name: String,
    /// The document text, trimmed.
    pub content: String,
    /// Its parsed head.
    pub head: SimpleHead,
}

/// A hook event (`helm.sh/hook` values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HookEvent {
    /// `pre-install`
    PreInstall,
    /// `post-install`
    PostInstall,
    /// `pre-delete`
    PreDelete,
    /// `post-delete`
    PostDelete,
    /// `pre-upgrade`
    PreUpgrade,
    /// `post-upgrade`
    PostUpgrade,
    /// `pre-rollback`
    PreRollback,
    /// `post-rollback`
    PostRollback,
    /// `test` (also spelled `test-success`)
    Test,
}

impl HookEvent {
    /// Parses an event name as Helm does after trimming and lower-casing.
    pub fn parse(name: &str) -> Option<HookEvent> {
        Some(match name {
            "pre-install" => HookEvent::PreInstall,
            "post-install" => HookEvent::PostInstall,
            "pre-delete" => HookEvent::PreDelete,
            "post-delete" => HookEvent::PostDelete,
            "pre-upgrade" => HookEvent::PreUpgrade,
            "post-upgrade" => HookEvent::PostUpgrade,
            "pre-rollback" => HookEvent::PreRollback,
            "post-rollback" => HookEvent::PostRollback,
            "test" | "test-success" => HookEvent::Test,
            _ => return None,
        })
    }

    /// The name Helm stores in release records.
    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::PreInstall => "pre-install",
            HookEvent::PostInstall => "post-install",
            HookEvent::PreDelete => "pre-delete",
            HookEvent::PostDelete => "post-delete",
            HookEvent::PreUpgrade => "pre-upgrade",
            HookEvent::PostUpgrade => "post-upgrade",
            HookEvent::PreRollback => "pre-rollback",
            HookEvent::PostRollback => "post-rollback",
            HookEvent::Test => "test",
        }
    }
}

/// A hook document.
#[derive(Clone, Debug, PartialEq)]
pub struct Hook {
    /// `metadata.name`
    pub name: String,
    /// `kind`
    pub kind: String,
    /// The template path it came from.
    pub path: String,
    /// The document text.
    pub manifest: String,
    /// The events it runs on, in annotation order.
    pub events: Vec<HookEvent>,
    /// `helm.sh/hook-weight` (0 when absent or not an integer).
    pub weight: i64,
    /// `helm.sh/hook-delete-policy` values, trimmed and lower-cased.
    pub delete_policies: Vec<String>,
}

/// The result of classifying rendered files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sorted {
    /// Hooks, sorted by kind.
    pub hooks: Vec<Hook>,
    /// Plain manifests, sorted by kind.
    pub manifests: Vec<Manifest>,
    /// What Helm logs on the way (`manifest_sorter.go:190: info: skipping unknown hook: "x"`).
    pub warnings: Vec<String>,
}

/// A document whose head cannot be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("YAML parse error on {file}: {message}")]
pub struct ManifestError {
    /// The template path.
    pub file: String,
    /// sigs.k8s.io/yaml's message (`error converting YAML to JSON: …` or
    /// `error unmarshaling JSON: while decoding JSON: …`).
    pub message: String,
}

/// Splits a rendered file into documents with Helm's `(?:^|\s*\n)---\s*` separator:
/// the text is trimmed, split, each piece trimmed, empty pieces dropped.
pub fn split_manifests(text: &str) -> Vec<String> {
    static SEP: OnceLock<Regex> = OnceLock::new();
    // Go's RE2 `\s` is `[\t\n\f\r ]`; `^` without the `m` flag is the start of the text.
    let sep = SEP.get_or_init(|| {
        Regex::new(r"(?:^|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*").expect("static regex")
    });
    let text = go_trim_space(text);
    let mut docs = Vec::new();
    let mut beg = 0;
    for m in sep.find_iter(text) {
        if m.end() != 0 {
            push_piece(&mut docs, &text[beg..m.start()]);
        }
        beg = m.end();
    }
    push_piece(&mut docs, &text[beg..]);
    docs
}

fn push_piece(docs: &mut Vec<String>, piece: &str) {
    if !piece.is_empty() {
        docs.push(go_trim_space(piece).to_string());
    }
}

/// Go's `strings.TrimSpace` (ASCII and Unicode white space).
pub fn go_trim_space(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// Classifies and sorts rendered files (`path → rendered text`), as Helm's
/// `releaseutil.SortManifests` with `InstallOrder`. Files are visited in byte order of
/// their paths; partials (`_*`) and whitespace-only files are skipped.
pub fn sort_manifests_by_hooks(files: &BTreeMap<String, String>) -> Result<Sorted, ManifestError> {
    let mut out = Sorted::default();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || go_trim_space(content).is_empty() {
            continue;
        }
        for doc in split_manifests(content) {
            let head = parse_head(&doc).map_err(|message| ManifestError {
                file: path.clone(),
                message,
            })?;
            let hook_types = head
                .metadata
                .as_ref()
                .and_then(|m| m.annotations.as_ref())
                .and_then(|a| a.get(HOOK_ANNOTATION))
                .cloned();
            let Some(hook_types) = hook_types else {
                out.manifests.push(Manifest {
                    name: path.clone(),
                    content: doc,
                    head,
                });
                continue;
            };
            let annotations = head
                .metadata
                .as_ref()
                .and_then(|m| m.annotations.clone())
                .unwrap_or_default();
            let mut events = Vec::new();
            let mut unknown = false;
            for t in hook_types.split(',') {
                match HookEvent::parse(&go_trim_space(t).to_lowercase()) {
                    Some(e) => events.push(e),
                    None => {
                        unknown = true;
                        break;
                    }
                }
            }
            if unknown {
                out.warnings.push(format!(
                    "manifest_sorter.go:190: info: skipping unknown hook: {}",
                    go_quote(&hook_types)
                ));
                continue;
            }
            let weight = annotations
                .get(HOOK_WEIGHT_ANNOTATION)
                .and_then(|w| parse_go_atoi(w))
                .unwrap_or(0);
            let delete_policies = annotations
                .get(HOOK_DELETE_ANNOTATION)
                .map(|v| {
                    v.split(',')
                        .map(|p| go_trim_space(p).to_lowercase())
                        .collect()
                })
                .unwrap_or_default();
            out.hooks.push(Hook {
                name: head
                    .metadata
                    .as_ref()
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
                kind: head.kind.clone(),
                path: path.clone(),
                manifest: doc,
                events,
                weight,
                delete_policies,
            });
        }
    }
    sort_by_kind(&mut out.manifests, |m| &m.head.kind, INSTALL_ORDER);
    sort_by_kind(&mut out.hooks, |h| &h.kind, INSTALL_ORDER);
    Ok(out)
}

/// Stable sort by kind with Helm's rule: known kinds by their index in `order`, unknown
/// kinds after all known ones, alphabetically among themselves.
pub fn sort_by_kind<T>(items: &mut [T], kind: impl Fn(&T) -> &str, order: &[&str]) {
    let rank = |k: &str| order.iter().position(|o| *o == k);
    items.sort_by(|a, b| {
        let (ka, kb) = (kind(a), kind(b));
        match (rank(ka), rank(kb)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => ka.cmp(kb),
        }
    });
}

/// Go's `strconv.Atoi`: optional sign, decimal digits only, must fit in 64 bits.
fn parse_go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Go's `%q` of a string (`strconv.Quote`).
pub fn go_quote(s: &str) -> String {
    crate::template::funcs::conv::go_quote(s)
}

/// JSON's name for a value's type, as Go's `json.UnmarshalTypeError` prints it.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

const JSON_ERR: &str = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal";

/// A YAML scalar converted for a Go `string` target, as sigs.k8s.io/yaml does
/// (ints in decimal, floats with 32-bit `%g`, bools as words, null → empty).
fn scalar_to_string(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::yaml::format_float32(*f),
        Value::String(s) => s.clone(),
        Value::List(_) | Value::Map(_) => return None,
    })
}

/// Parses a document head the way `yaml.Unmarshal(doc, &SimpleHead{})` does, returning
/// sigs.k8s.io/yaml's message on failure.
pub fn parse_head(doc: &str) -> Result<SimpleHead, String> {
    // sigs.k8s.io/yaml converts to JSON first: its errors carry that prefix.
    let value = crate::yaml::parse_typed(doc, "").map_err(|mut e| {
        e.json_step = true;
        e.to_string()
    })?;
    head_from_value(&value)
}

fn head_from_value(v: &Value) -> Result<SimpleHead, String> {
    let map = match v {
        Value::Null => return Ok(SimpleHead::default()),
        Value::Map(m) => m,
        other => {
            return Err(format!(
                "{JSON_ERR} {} into Go value of type releaseutil.SimpleHead",
                json_kind(other)
            ))
        }
    };
    let mut head = SimpleHead::default();
    for (key, val) in map {
        match key.as_str() {
            "apiVersion" | "kind" => {
                let s = scalar_to_string(val).ok_or_else(|| {
                    format!(
                        "{JSON_ERR} {} into Go struct field SimpleHead.{key} of type string",
                        json_kind(val)
                    )
                })?;
                if key == "kind" {
                    head.kind = s;
                } else {
                    head.api_version = s;
                }
            }
            "metadata" => head.metadata = metadata_from_value(val)?,
            _ => {}
        }
    }
    Ok(head)
}

fn metadata_from_value(v: &Value) -> Result<Option<HeadMetadata>, String> {
    let map = match v {
        Value::Null => return Ok(None),
        Value::Map(m) => m,
        other => {
            return Err(format!(
                "{JSON_ERR} {} into Go struct field SimpleHead.metadata of type struct {{ Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }}",
                json_kind(other)
            ))
        }
    };
    let mut meta = HeadMetadata::default();
    for (key, val) in map {
        match key.as_str() {
            "name" => {
                meta.name = scalar_to_string(val).ok_or_else(|| {
                    format!(
                        "{JSON_ERR} {} into Go struct field .metadata.name of type string",
                        json_kind(val)
                    )
                })?
            }
            "annotations" => {
                meta.annotations = match val {
                    Value::Null => None,
                    Value::Map(a) => {
                        let mut out = BTreeMap::new();
                        for (k, av) in a {
                            let s = scalar_to_string(av).ok_or_else(|| {
                                format!(
                                    "{JSON_ERR} {} into Go struct field .metadata.annotations of type string",
                                    json_kind(av)
                                )
                            })?;
                            out.insert(k.clone(), s);
                        }
                        Some(out)
                    }
                    other => {
                        return Err(format!(
                            "{JSON_ERR} {} into Go struct field .metadata.annotations of type map[string]string",
                            json_kind(other)
                        ))
                    }
                }
            }
            _ => {}
        }
    }
    Ok(Some(meta))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn split_follows_helms_regex_quirks() {
        // C1: `---⏎---` leaves one document `---`.
        assert_eq!(split_manifests("\n\n---\n---   \n\n"), vec!["---"]);
        // C2: a separator may be followed by anything.
        assert_eq!(
            split_manifests("a: 1\n---foo: bar\n"),
            vec!["a: 1", "foo: bar"]
        );
        // C5: a comment after the separator starts the next document.
        assert_eq!(
            split_manifests("--- # c\napiVersion: v1"),
            vec!["# c\napiVersion: v1"]
        );
        assert_eq!(split_manifests("---\n---\nX"), vec!["---\nX"]);
        assert!(split_manifests("---").is_empty());
        assert_eq!(split_manifests("a  \n\n---\nb"), vec!["a", "b"]);
        // `---` inside a line is no separator; four dashes leave one.
        assert_eq!(split_manifests("a---b\n----c"), vec!["a---b", "-c"]);
    }

    #[test]
    fn heads_convert_scalars_like_sigs_yaml() {
        let h =
            parse_head("kind: 5\nmetadata:\n  name: 1.10\n  annotations: {w: 5, b: yes, x: null}")
                .unwrap();
        assert_eq!(h.kind, "5");
        let m = h.metadata.unwrap();
        assert_eq!(m.name, "1.1");
        let a = m.annotations.unwrap();
        assert_eq!(a["w"], "5");
        assert_eq!(a["b"], "true");
        assert_eq!(a["x"], "");
        assert_eq!(
            parse_head("# only a comment").unwrap(),
            SimpleHead::default()
        );
    }

    #[test]
    fn head_errors_use_go_json_wording() {
        let e = parse_head("\"just a string\"").unwrap_err();
        assert_eq!(e, "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type releaseutil.SimpleHead");
        let e = parse_head("kind: [1]").unwrap_err();
        assert!(
            e.ends_with(
                "cannot unmarshal array into Go struct field SimpleHead.kind of type string"
            ),
            "{e}"
        );
        let e = parse_head("metadata: {annotations: x}").unwrap_err();
        assert!(e.ends_with("cannot unmarshal string into Go struct field .metadata.annotations of type map[string]string"), "{e}");
        let e = parse_head("metadata: {annotations: {a: [1]}}").unwrap_err();
        assert!(
            e.ends_with(
                "cannot unmarshal array into Go struct field .metadata.annotations of type string"
            ),
            "{e}"
        );
    }

    #[test]
    fn hooks_are_classified_and_unknown_ones_dropped() {
        let f = files(&[(
            "c/templates/h.yaml",
            "kind: Job\nmetadata:\n  name: j5\n  annotations:\n    helm.sh/hook: post-install\n    helm.sh/hook-weight: \"5\"\n---\n\
             kind: Job\nmetadata:\n  name: jm5\n  annotations:\n    helm.sh/hook: post-install\n    helm.sh/hook-weight: \"-5\"\n---\n\
             kind: ConfigMap\nmetadata:\n  name: cm\n  annotations:\n    helm.sh/hook: \" POST-INSTALL , pre-upgrade \"\n    helm.sh/hook-delete-policy: Hook-Succeeded, before-hook-creation\n---\n\
             kind: ConfigMap\nmetadata:\n  name: bogus\n  annotations:\n    helm.sh/hook: bogus\n",
        )]);
        let s = sort_manifests_by_hooks(&f).unwrap();
        assert!(s.manifests.is_empty());
        let names: Vec<&str> = s.hooks.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, vec!["cm", "j5", "jm5"]);
        assert_eq!(
            s.hooks[0].events,
            vec![HookEvent::PostInstall, HookEvent::PreUpgrade]
        );
        assert_eq!(
            s.hooks[0].delete_policies,
            vec!["hook-succeeded", "before-hook-creation"]
        );
        assert_eq!(s.hooks[2].weight, -5);
        assert_eq!(
            s.warnings,
            vec!["manifest_sorter.go:190: info: skipping unknown hook: \"bogus\""]
        );
    }

    #[test]
    fn kinds_sort_in_install_order_then_alphabetically() {
        let f = files(&[
            ("c/templates/a-misc.yaml", "kind: Zeta\n---\nkind: Namespace\n---\n# leading comment\n---\nkind: ConfigMap\n---\nkind: Alpha"),
            ("c/templates/b-deploy.yaml", "kind: Deployment\n---\nkind: Service"),
            ("c/templates/_helpers.tpl", "kind: Pod"),
            ("c/templates/empty.yaml", "  \n"),
        ]);
        let s = sort_manifests_by_hooks(&f).unwrap();
        let kinds: Vec<&str> = s.manifests.iter().map(|m| m.head.kind.as_str()).collect();
        assert_eq!(
            kinds,
            vec![
                "Namespace",
                "ConfigMap",
                "Service",
                "Deployment",
                "",
                "Alpha",
                "Zeta"
            ]
        );
    }

    #[test]
    fn unparsable_documents_name_the_file() {
        let f = files(&[("c/templates/bad.yaml", "a: [1")]);
        let e = sort_manifests_by_hooks(&f).unwrap_err();
        assert!(e.to_string().starts_with("YAML parse error on c/templates/bad.yaml: error converting YAML to JSON: yaml: line"), "{e}");
    }
}
