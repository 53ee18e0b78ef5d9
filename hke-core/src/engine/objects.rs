//! The objects templates see besides `.Values`: `.Capabilities`, `.Files` and
//! `.Release`, with Helm's Go types, fields and methods.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::template::value::{FuncError, Object, Signature, Type, Value};
use crate::value::Value as Plain;

/// Helm 3.17.2's default `.Capabilities.APIVersions` (56 group-versions, in order).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1alpha1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1alpha1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// The Helm version hke reproduces, as `.Capabilities.HelmVersion` reports it.
pub const HELM_VERSION: &str = "v3.17.2";
/// Helm 3.17.2's git commit.
pub const HELM_GIT_COMMIT: &str = "cc0bbbd6d6276b83880042c1ecb34087e84d41eb";
/// The Go version Helm 3.17.2 was built with.
pub const HELM_GO_VERSION: &str = "go1.23.7";
/// `helm template`'s default Kubernetes version.
pub const DEFAULT_KUBE_VERSION: &str = "v1.32.0";

const NO_ARGS: Signature = Signature {
    params: &[],
    variadic: None,
};
const ONE_STRING: Signature = Signature {
    params: &[Type::String],
    variadic: None,
};

fn s(v: &str) -> Value {
    Value::str(v)
}

/// `chartutil.KubeVersion`: `Version` (`v1.31.0`), `Major`, `Minor`.
#[derive(Clone, Debug, PartialEq)]
pub struct KubeVersion {
    /// Full version with a `v` prefix.
    pub version: String,
    /// Major number as text.
    pub major: String,
    /// Minor number as text.
    pub minor: String,
}

impl KubeVersion {
    /// Builds from a parsed version's parts (`major`, `minor`, and the canonical
    /// `vMAJOR.MINOR.PATCH[-pre][+meta]` text).
    pub fn new(version: String, major: u64, minor: u64) -> KubeVersion {
        KubeVersion {
            version,
            major: major.to_string(),
            minor: minor.to_string(),
        }
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> String {
        "*chartutil.KubeVersion".into()
    }
    fn kind(&self) -> &'static str {
        "ptr"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(s(&self.version)),
            "Major" => Some(s(&self.major)),
            "Minor" => Some(s(&self.minor)),
            _ => None,
        }
    }
    fn method(&self, name: &str) -> Option<Signature> {
        matches!(name, "String" | "GitVersion").then_some(NO_ARGS)
    }
    fn call_method(&self, name: &str, _args: Vec<Value>) -> Result<Value, FuncError> {
        match name {
            "String" | "GitVersion" => Ok(s(&self.version)),
            _ => Err(FuncError::new(format!("can't evaluate field {name}"))),
        }
    }
    fn go_format(&self) -> String {
        self.version.clone()
    }
    fn to_plain(&self) -> Plain {
        let mut m = BTreeMap::new();
        m.insert("Major".into(), Plain::from(self.major.as_str()));
        m.insert("Minor".into(), Plain::from(self.minor.as_str()));
        m.insert("Version".into(), Plain::from(self.version.as_str()));
        Plain::Map(m)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `chartutil.VersionSet`: the API versions a cluster serves, with `Has`.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionSet(pub Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> String {
        "chartutil.VersionSet".into()
    }
    fn kind(&self) -> &'static str {
        "slice"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Has").then_some(ONE_STRING)
    }
    fn call_method(&self, name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        match (name, args.first()) {
            ("Has", Some(Value::String(v))) => Ok(Value::Bool(self.0.iter().any(|x| **x == **v))),
            _ => Err(FuncError::new(format!("can't call method {name}"))),
        }
    }
    fn go_format(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn to_plain(&self) -> Plain {
        Plain::List(self.0.iter().map(|v| Plain::from(v.as_str())).collect())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn range_entries(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Int(i as i64), s(v)))
                .collect(),
        )
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// `version.BuildInfo` of the Helm whose behaviour hke reproduces.
#[derive(Clone, Debug, PartialEq)]
pub struct HelmVersion;

impl Object for HelmVersion {
    fn type_name(&self) -> String {
        "version.BuildInfo".into()
    }
    fn kind(&self) -> &'static str {
        "struct"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(s(HELM_VERSION)),
            "GitCommit" => Some(s(HELM_GIT_COMMIT)),
            "GitTreeState" => Some(s("clean")),
            "GoVersion" => Some(s(HELM_GO_VERSION)),
            _ => None,
        }
    }
    fn method(&self, _name: &str) -> Option<Signature> {
        None
    }
    fn call_method(&self, name: &str, _args: Vec<Value>) -> Result<Value, FuncError> {
        Err(FuncError::new(format!("can't call method {name}")))
    }
    fn go_format(&self) -> String {
        format!("{{{HELM_VERSION} {HELM_GIT_COMMIT} clean {HELM_GO_VERSION}}}")
    }
    fn to_plain(&self) -> Plain {
        let mut m = BTreeMap::new();
        m.insert("git_commit".into(), Plain::from(HELM_GIT_COMMIT));
        m.insert("git_tree_state".into(), Plain::from("clean"));
        m.insert("go_version".into(), Plain::from(HELM_GO_VERSION));
        m.insert("version".into(), Plain::from(HELM_VERSION));
        Plain::Map(m)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `*chartutil.Capabilities`.
#[derive(Clone, Debug, PartialEq)]
pub struct Capabilities {
    /// `.Capabilities.KubeVersion`
    pub kube_version: KubeVersion,
    /// `.Capabilities.APIVersions`
    pub api_versions: VersionSet,
}

impl Capabilities {
    /// A cluster's API versions (from discovery) plus extra ones (`--api-versions`).
    pub fn from_cluster(
        kube_version: KubeVersion,
        api_versions: Vec<String>,
        extra_api_versions: &[String],
    ) -> Capabilities {
        let mut v = api_versions;
        v.extend(extra_api_versions.iter().cloned());
        Capabilities {
            kube_version,
            api_versions: VersionSet(v),
        }
    }

    /// Helm's defaults plus extra API versions (`--api-versions`).
    pub fn new(kube_version: KubeVersion, extra_api_versions: &[String]) -> Capabilities {
        let mut v: Vec<String> = DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
        v.extend(extra_api_versions.iter().cloned());
        Capabilities {
            kube_version,
            api_versions: VersionSet(v),
        }
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> String {
        "*chartutil.Capabilities".into()
    }
    fn kind(&self) -> &'static str {
        "ptr"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(Rc::new(self.kube_version.clone()))),
            "APIVersions" => Some(Value::Object(Rc::new(self.api_versions.clone()))),
            "HelmVersion" => Some(Value::Object(Rc::new(HelmVersion))),
            _ => None,
        }
    }
    fn method(&self, _name: &str) -> Option<Signature> {
        None
    }
    fn call_method(&self, name: &str, _args: Vec<Value>) -> Result<Value, FuncError> {
        Err(FuncError::new(format!("can't call method {name}")))
    }
    fn go_format(&self) -> String {
        format!(
            "&{{{{{} {} {}}} {} {}}}",
            self.kube_version.version,
            self.kube_version.major,
            self.kube_version.minor,
            self.api_versions.go_format(),
            HelmVersion.go_format()
        )
    }
    fn to_plain(&self) -> Plain {
        let mut m = BTreeMap::new();
        m.insert("APIVersions".into(), self.api_versions.to_plain());
        m.insert("HelmVersion".into(), HelmVersion.to_plain());
        m.insert("KubeVersion".into(), self.kube_version.to_plain());
        Plain::Map(m)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `engine.files`: the chart's non-template files, with Helm's methods.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Files(pub BTreeMap<String, Rc<[u8]>>);

impl Files {
    /// Builds from a chart's files.
    pub fn new(files: &[crate::chart::File]) -> Files {
        Files(
            files
                .iter()
                .map(|f| (f.name.clone(), Rc::from(f.data.as_slice())))
                .collect(),
        )
    }

    fn basename(path: &str) -> &str {
        path.rsplit('/').next().unwrap_or(path)
    }

    fn as_yaml_map(&self, f: impl Fn(&[u8]) -> String) -> String {
        let mut m = BTreeMap::new();
        for (k, v) in &self.0 {
            m.insert(Self::basename(k).to_string(), Plain::String(f(v)));
        }
        crate::yaml::to_yaml(&Plain::Map(m))
    }
}

impl Object for Files {
    fn type_name(&self) -> String {
        "engine.files".into()
    }
    fn kind(&self) -> &'static str {
        "map"
    }
    fn field(&self, name: &str) -> Option<Value> {
        // A map type: `.Files.x` is a key lookup (nil []byte when missing).
        Some(match self.0.get(name) {
            Some(b) => Value::Bytes(b.clone()),
            None => Value::Bytes(Rc::from(&[][..])),
        })
    }
    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Get" | "GetBytes" | "Glob" | "Lines" => Some(ONE_STRING),
            "AsConfig" | "AsSecrets" => Some(NO_ARGS),
            _ => None,
        }
    }
    fn call_method(&self, name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        let arg = match args.first() {
            Some(Value::String(s)) => s.to_string(),
            _ => String::new(),
        };
        match name {
            "Get" => Ok(Value::str(
                &self
                    .0
                    .get(&arg)
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default(),
            )),
            "GetBytes" => Ok(Value::Bytes(
                self.0
                    .get(&arg)
                    .cloned()
                    .unwrap_or_else(|| Rc::from(&[][..])),
            )),
            "Glob" => {
                let pattern = Glob::compile(&arg).unwrap_or_else(|_| Glob::match_all());
                Ok(Value::Object(Rc::new(Files(
                    self.0
                        .iter()
                        .filter(|(k, _)| pattern.matches(k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ))))
            }
            "Lines" => match self.0.get(&arg) {
                None => Ok(Value::strings(vec![])),
                Some(b) if b.is_empty() => {
                    Err(FuncError::new("runtime error: index out of range [-1]"))
                }
                Some(b) => {
                    let text = String::from_utf8_lossy(b);
                    let text = text.strip_suffix('\n').unwrap_or(&text);
                    Ok(Value::strings(text.split('\n').map(String::from).collect()))
                }
            },
            "AsConfig" => Ok(Value::str(
                &self.as_yaml_map(|b| String::from_utf8_lossy(b).into_owned()),
            )),
            "AsSecrets" => Ok(Value::str(
                &self.as_yaml_map(crate::template::value::base64_std),
            )),
            _ => Err(FuncError::new(format!("can't call method {name}"))),
        }
    }
    fn go_format(&self) -> String {
        let mut out = String::from("map[");
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(k);
            out.push(':');
            out.push_str(&crate::template::gofmt::sprint_value(&Value::Bytes(
                v.clone(),
            )));
        }
        out.push(']');
        out
    }
    fn to_plain(&self) -> Plain {
        Plain::Map(
            self.0
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        Plain::String(crate::template::value::base64_std(v)),
                    )
                })
                .collect(),
        )
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn range_entries(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .iter()
                .map(|(k, v)| (Value::str(k), Value::Bytes(v.clone())))
                .collect(),
        )
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// `.Chart`: Helm's `struct { chart.Metadata; IsRoot bool }`, with Go field names.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartObject {
    /// The chart's metadata (for an aliased subchart, `name` is the alias).
    pub metadata: crate::chart::Metadata,
    /// Whether this is the chart being installed.
    pub is_root: bool,
}

fn go_strings(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

fn string_map(m: &BTreeMap<String, String>) -> Value {
    Value::Map(crate::template::value::Map::from_entries(
        crate::template::value::MapKind::String,
        m.iter().map(|(k, v)| (k.clone(), s(v))).collect(),
    ))
}

impl Object for ChartObject {
    fn type_name(&self) -> String {
        "struct { chart.Metadata; IsRoot bool }".into()
    }
    fn kind(&self) -> &'static str {
        "struct"
    }
    fn field(&self, name: &str) -> Option<Value> {
        let m = &self.metadata;
        Some(match name {
            "Name" => s(&m.name),
            "Home" => s(&m.home),
            "Sources" => Value::strings(m.sources.clone()),
            "Version" => s(&m.version),
            "Description" => s(&m.description),
            "Keywords" => Value::strings(m.keywords.clone()),
            "Maintainers" => Value::list(
                m.maintainers
                    .iter()
                    .map(|x| Value::Object(Rc::new(MaintainerObject(x.clone()))))
                    .collect(),
            ),
            "Icon" => s(&m.icon),
            "APIVersion" => s(&m.api_version),
            "Condition" => s(&m.condition),
            "Tags" => s(&m.tags),
            "AppVersion" => s(&m.app_version),
            "Deprecated" => Value::Bool(m.deprecated),
            "Annotations" => string_map(&m.annotations),
            "KubeVersion" => s(&m.kube_version),
            "Dependencies" => Value::list(
                m.dependencies
                    .iter()
                    .map(|x| Value::Object(Rc::new(DependencyObject(x.clone()))))
                    .collect(),
            ),
            "Type" => s(&m.chart_type),
            "IsRoot" => Value::Bool(self.is_root),
            _ => return None,
        })
    }
    fn method(&self, name: &str) -> Option<Signature> {
        // `*chart.Metadata` has `Validate() error`; templates have no use for it.
        (name == "Validate").then_some(NO_ARGS)
    }
    fn call_method(&self, _name: &str, _args: Vec<Value>) -> Result<Value, FuncError> {
        Ok(Value::Nil)
    }
    fn go_format(&self) -> String {
        let m = &self.metadata;
        let ptrs = |n: usize| {
            let v: Vec<String> = (0..n)
                .map(|i| format!("0xc0000{:05x}", 0x1000 * (i + 1)))
                .collect();
            format!("[{}]", v.join(" "))
        };
        let ann: Vec<String> = m
            .annotations
            .iter()
            .map(|(k, v)| format!("{k}:{v}"))
            .collect();
        format!(
            "{{{{{} {} {} {} {} {} {} {} {} {} {} {} {} map[{}] {} {} {}}} {}}}",
            m.name,
            m.home,
            go_strings(&m.sources),
            m.version,
            m.description,
            go_strings(&m.keywords),
            ptrs(m.maintainers.len()),
            m.icon,
            m.api_version,
            m.condition,
            m.tags,
            m.app_version,
            m.deprecated,
            ann.join(" "),
            m.kube_version,
            ptrs(m.dependencies.len()),
            m.chart_type,
            self.is_root
        )
    }
    fn to_plain(&self) -> Plain {
        let mut v = self.metadata.to_value();
        if let Plain::Map(m) = &mut v {
            m.insert("IsRoot".into(), Plain::Bool(self.is_root));
        }
        v
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `*chart.Maintainer`.
#[derive(Clone, Debug, PartialEq)]
pub struct MaintainerObject(pub crate::chart::Maintainer);

impl Object for MaintainerObject {
    fn type_name(&self) -> String {
        "*chart.Maintainer".into()
    }
    fn kind(&self) -> &'static str {
        "ptr"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Name" => s(&self.0.name),
            "Email" => s(&self.0.email),
            "URL" => s(&self.0.url),
            _ => return None,
        })
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Validate").then_some(NO_ARGS)
    }
    fn call_method(&self, _name: &str, _args: Vec<Value>) -> Result<Value, FuncError> {
        Ok(Value::Nil)
    }
    fn go_format(&self) -> String {
        format!("&{{{} {} {}}}", self.0.name, self.0.email, self.0.url)
    }
    fn to_plain(&self) -> Plain {
        let mut m = BTreeMap::new();
        for (k, v) in [
            ("name", &self.0.name),
            ("email", &self.0.email),
            ("url", &self.0.url),
        ] {
            if !v.is_empty() {
                m.insert(k.to_string(), Plain::from(v.as_str()));
            }
        }
        Plain::Map(m)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `*chart.Dependency`.
#[derive(Clone, Debug, PartialEq)]
pub struct DependencyObject(pub crate::chart::Dependency);

impl Object for DependencyObject {
    fn type_name(&self) -> String {
        "*chart.Dependency".into()
    }
    fn kind(&self) -> &'static str {
        "ptr"
    }
    fn field(&self, name: &str) -> Option<Value> {
        let d = &self.0;
        Some(match name {
            "Name" => s(&d.name),
            "Version" => s(&d.version),
            "Repository" => s(&d.repository),
            "Condition" => s(&d.condition),
            "Tags" => Value::strings(d.tags.clone()),
            "Enabled" => Value::Bool(d.enabled),
            "ImportValues" => Value::list(d.import_values.iter().map(Value::from_plain).collect()),
            "Alias" => s(&d.alias),
            _ => return None,
        })
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Validate").then_some(NO_ARGS)
    }
    fn call_method(&self, _name: &str, _args: Vec<Value>) -> Result<Value, FuncError> {
        Ok(Value::Nil)
    }
    fn go_format(&self) -> String {
        let d = &self.0;
        format!(
            "&{{{} {} {} {} {} {} {} {}}}",
            d.name,
            d.version,
            d.repository,
            d.condition,
            go_strings(&d.tags),
            d.enabled,
            crate::template::gofmt::sprint_value(&Value::list(
                d.import_values.iter().map(Value::from_plain).collect()
            )),
            d.alias
        )
    }
    fn to_plain(&self) -> Plain {
        self.0.to_value()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `.Release` (a plain `map[string]interface{}` in Helm).
pub fn release_object(name: &str, namespace: &str, revision: i64, is_upgrade: bool) -> Value {
    let mut m = BTreeMap::new();
    m.insert("Name".into(), s(name));
    m.insert("Namespace".into(), s(namespace));
    m.insert("IsUpgrade".into(), Value::Bool(is_upgrade));
    m.insert("IsInstall".into(), Value::Bool(!is_upgrade));
    m.insert("Revision".into(), Value::Int(revision));
    m.insert("Service".into(), s("Helm"));
    Value::dict(m)
}

/// A compiled gobwas/glob pattern with `/` as separator, as `.Files.Glob` uses:
/// `*` (within a segment), `**` (across segments), `?`, `[...]`/`[!...]` classes,
/// `{a,b}` alternatives and `\` escapes.
#[derive(Clone, Debug, PartialEq)]
pub struct Glob(Vec<Tok>);

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Lit(char),
    Any,
    Star,
    SuperStar,
    Class(bool, Vec<(char, char)>),
    Alt(Vec<Glob>),
}

/// An invalid glob pattern (`.Files.Glob` then matches everything, as Helm does).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("invalid glob pattern: {0}")]
pub struct GlobError(pub String);

impl Glob {
    /// Matches every path.
    pub fn match_all() -> Glob {
        Glob(vec![Tok::SuperStar])
    }

    /// Compiles a pattern.
    pub fn compile(pattern: &str) -> Result<Glob, GlobError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let g = Self::parse_seq(&chars, &mut pos, false, 0)?;
        if pos != chars.len() {
            return Err(GlobError(pattern.into()));
        }
        Ok(g)
    }

    fn parse_seq(
        c: &[char],
        pos: &mut usize,
        in_alt: bool,
        depth: usize,
    ) -> Result<Glob, GlobError> {
        if depth > 32 {
            return Err(GlobError("nesting too deep".into()));
        }
        let mut toks = Vec::new();
        while *pos < c.len() {
            let ch = c[*pos];
            match ch {
                ',' | '}' if in_alt => break,
                '*' => {
                    if c.get(*pos + 1) == Some(&'*') {
                        *pos += 2;
                        toks.push(Tok::SuperStar);
                    } else {
                        *pos += 1;
                        toks.push(Tok::Star);
                    }
                }
                '?' => {
                    *pos += 1;
                    toks.push(Tok::Any);
                }
                '\\' => {
                    let next = c
                        .get(*pos + 1)
                        .ok_or_else(|| GlobError("dangling escape".into()))?;
                    toks.push(Tok::Lit(*next));
                    *pos += 2;
                }
                '[' => {
                    *pos += 1;
                    let neg = c.get(*pos) == Some(&'!');
                    if neg {
                        *pos += 1;
                    }
                    let mut ranges = Vec::new();
                    loop {
                        let a = *c
                            .get(*pos)
                            .ok_or_else(|| GlobError("unclosed class".into()))?;
                        if a == ']' {
                            *pos += 1;
                            break;
                        }
                        if c.get(*pos + 1) == Some(&'-')
                            && c.get(*pos + 2).is_some_and(|b| *b != ']')
                        {
                            ranges.push((a, c[*pos + 2]));
                            *pos += 3;
                        } else {
                            ranges.push((a, a));
                            *pos += 1;
                        }
                    }
                    toks.push(Tok::Class(neg, ranges));
                }
                '{' => {
                    *pos += 1;
                    let mut alts = Vec::new();
                    loop {
                        alts.push(Self::parse_seq(c, pos, true, depth + 1)?);
                        match c.get(*pos) {
                            Some(',') => *pos += 1,
                            Some('}') => {
                                *pos += 1;
                                break;
                            }
                            _ => return Err(GlobError("unclosed alternatives".into())),
                        }
                    }
                    toks.push(Tok::Alt(alts));
                }
                _ => {
                    *pos += 1;
                    toks.push(Tok::Lit(ch));
                }
            }
        }
        Ok(Glob(toks))
    }

    /// True when the whole path matches.
    pub fn matches(&self, path: &str) -> bool {
        let chars: Vec<char> = path.chars().collect();
        let mut budget = 100_000usize;
        match_toks(&self.0, &chars, &[], &mut budget)
    }
}

/// Matches `toks` followed by `rest` (the continuation after an alternative).
fn match_toks(toks: &[Tok], s: &[char], rest: &[&[Tok]], budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let Some((first, tail)) = toks.split_first() else {
        return match rest.split_first() {
            Some((next, more)) => match_toks(next, s, more, budget),
            None => s.is_empty(),
        };
    };
    match first {
        Tok::Lit(c) => s.first() == Some(c) && match_toks(tail, &s[1..], rest, budget),
        Tok::Any => s.first().is_some_and(|c| *c != '/') && match_toks(tail, &s[1..], rest, budget),
        Tok::Class(neg, ranges) => {
            s.first().is_some_and(|c| {
                let inside = ranges.iter().any(|(a, b)| a <= c && c <= b);
                inside != *neg && *c != '/'
            }) && match_toks(tail, &s[1..], rest, budget)
        }
        Tok::Star | Tok::SuperStar => {
            let cross = matches!(first, Tok::SuperStar);
            let mut i = 0;
            loop {
                if match_toks(tail, &s[i..], rest, budget) {
                    return true;
                }
                if i >= s.len() || (!cross && s[i] == '/') {
                    return false;
                }
                i += 1;
            }
        }
        Tok::Alt(alts) => alts.iter().any(|alt| {
            let mut cont: Vec<&[Tok]> = vec![tail];
            cont.extend_from_slice(rest);
            match_toks(&alt.0, s, &cont, budget)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_follows_gobwas_rules() {
        let g = |p: &str| Glob::compile(p).unwrap();
        assert!(g("dashboards/*.json").matches("dashboards/a.json"));
        assert!(!g("dashboards/*.json").matches("dashboards/sub/a.json"));
        assert!(g("dashboards/**.json").matches("dashboards/sub/a.json"));
        assert!(g("**").matches("a/b/c"));
        assert!(g("files/{a,b}.txt").matches("files/b.txt"));
        assert!(!g("files/{a,b}.txt").matches("files/c.txt"));
        assert!(g("f?le[0-9].[!x]ml").matches("file1.yml"));
        assert!(!g("f?le[0-9].[!x]ml").matches("file1.xml"));
        assert!(Glob::compile("[abc").is_err());
    }

    #[test]
    fn files_methods() {
        let files = Files::new(&[
            crate::chart::File {
                name: "conf/a.txt".into(),
                data: b"x\ny\n".to_vec(),
            },
            crate::chart::File {
                name: "b.txt".into(),
                data: b"".to_vec(),
            },
        ]);
        let lines = files
            .call_method("Lines", vec![Value::str("conf/a.txt")])
            .unwrap();
        assert_eq!(crate::template::gofmt::sprint_value(&lines), "[x y]");
        assert!(files
            .call_method("Lines", vec![Value::str("b.txt")])
            .is_err());
        let missing = files.call_method("Get", vec![Value::str("nope")]).unwrap();
        assert_eq!(crate::template::gofmt::sprint_value(&missing), "");
        let globbed = files
            .call_method("Glob", vec![Value::str("conf/*")])
            .unwrap();
        match globbed {
            Value::Object(o) => assert_eq!(o.go_len(), Some(1)),
            other => panic!("not files: {other:?}"),
        }
    }

    #[test]
    fn chart_object_prints_like_go() {
        let c = ChartObject {
            metadata: crate::chart::Metadata {
                name: "c".into(),
                version: "0.1.0".into(),
                api_version: "v2".into(),
                app_version: "1.0".into(),
                ..Default::default()
            },
            is_root: true,
        };
        assert_eq!(
            c.go_format(),
            "{{c  [] 0.1.0  [] []  v2   1.0 false map[]  [] } true}"
        );
        assert_eq!(
            crate::yaml::to_yaml(&c.to_plain()),
            "IsRoot: true\napiVersion: v2\nappVersion: \"1.0\"\nname: c\nversion: 0.1.0"
        );
    }

    #[test]
    fn capabilities_have_helms_defaults() {
        let caps = Capabilities::new(KubeVersion::new("v1.31.0".into(), 1, 31), &["x/v1".into()]);
        assert_eq!(caps.api_versions.0.len(), DEFAULT_API_VERSIONS.len() + 1);
        let has = caps
            .api_versions
            .call_method("Has", vec![Value::str("apps/v1")])
            .unwrap();
        assert!(matches!(has, Value::Bool(true)));
        assert_eq!(caps.kube_version.go_format(), "v1.31.0");
    }
}
