//! `helm template`: load a chart, build values, process dependencies, coalesce,
//! render, split and sort manifests, and print them as Helm does. The steps and the
//! order in which their errors surface follow Helm's `runInstall` + `Install.Run` with
//! `DryRun` and `ClientOnly`.

use std::path::Path;

use crate::chart::Chart;
use crate::engine::manifest::{go_trim_space, sort_manifests_by_hooks, Hook, Manifest};
use crate::engine::objects::{Capabilities, KubeVersion, DEFAULT_KUBE_VERSION};
use crate::engine::output::{release_manifest, show_only, template_stream, CrdFile};
use crate::engine::render::{render, RenderOptions};
use crate::values::ValueOptions;

/// The release name `helm template` uses when none is given.
pub const DEFAULT_RELEASE_NAME: &str = "release-name";

/// Options of `helm template`.
#[derive(Clone, Debug, Default)]
pub struct TemplateOptions {
    /// Release name (`None`: `release-name`).
    pub release_name: Option<String>,
    /// `--namespace` (`None`: `default`).
    pub namespace: Option<String>,
    /// `--kube-version`
    pub kube_version: Option<String>,
    /// `--api-versions`
    pub api_versions: Vec<String>,
    /// `--is-upgrade`
    pub is_upgrade: bool,
    /// `--include-crds`
    pub include_crds: bool,
    /// `--skip-tests`
    pub skip_tests: bool,
    /// `--no-hooks`
    pub no_hooks: bool,
    /// `--show-only`
    pub show_only: Vec<String>,
    /// `--skip-schema-validation`
    pub skip_schema_validation: bool,
    /// `--debug`: on a manifest error, print the rendered files first.
    pub debug: bool,
    /// The values flags.
    pub values: ValueOptions,
    /// `--validate`: the cluster gives the capabilities (server version, discovery) and
    /// must serve every rendered object's kind (`lookup` stays empty, as in helm).
    pub cluster: Option<std::sync::Arc<dyn crate::kube::Cluster>>,
    /// `lookup` reads the cluster (install and upgrade; `template` keeps it empty).
    pub live_lookup: bool,
}

/// What `helm template` produced: stdout, stderr lines, and the error (printed as
/// `Error: …` by the CLI; exit code 1).
#[derive(Clone, Debug, Default)]
pub struct TemplateOutput {
    /// Standard output.
    pub stdout: String,
    /// Lines for standard error (warnings), in order.
    pub stderr: Vec<String>,
    /// The failure, if any.
    pub error: Option<String>,
    /// The sorted manifests (for `--output-dir`).
    pub manifests: Vec<Manifest>,
    /// The sorted hooks.
    pub hooks: Vec<Hook>,
    /// The rendered NOTES.txt of the top chart (what install prints).
    pub notes: String,
    /// The loaded chart (what a release record stores).
    pub chart: Option<Chart>,
    /// The user-supplied values (a release's `config`).
    pub config: crate::value::Map,
    /// The release name used.
    pub release_name: String,
}

/// Helm's release name rule: DNS-1123 subdomain-ish, at most 53 characters.
pub fn validate_release_name(name: &str) -> Result<(), String> {
    let re =
        regex::Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
            .map_err(|e| e.to_string())?;
    if name.is_empty() || name.len() > 53 || !re.is_match(name) {
        return Err(format!(
            "release name {}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53",
            crate::template::funcs::conv::go_quote(name)
        ));
    }
    Ok(())
}

/// `chartutil.ParseKubeVersion`.
pub fn parse_kube_version(v: &str) -> Result<KubeVersion, String> {
    let sv =
        crate::semver::Version::parse(v).map_err(|e| format!("invalid kube version '{v}': {e}"))?;
    Ok(KubeVersion::new(format!("v{sv}"), sv.major(), sv.minor()))
}

/// Runs `helm template` on the chart at `chart_path`. `read` provides values files.
pub fn template(
    chart_path: &Path,
    opts: &TemplateOptions,
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> TemplateOutput {
    let mut out = TemplateOutput::default();
    if let Err(e) = run(chart_path, opts, read, &mut out) {
        out.error = Some(if opts.debug {
            e.trim_end_matches("\n\nUse --debug flag to render out invalid YAML")
                .to_string()
        } else {
            e
        });
    }
    out
}

fn run(
    chart_path: &Path,
    opts: &TemplateOptions,
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
    out: &mut TemplateOutput,
) -> Result<(), String> {
    let mut cluster_caps = None;
    let kube = match (&opts.cluster, &opts.kube_version) {
        (Some(c), _) => {
            let unreachable =
                |e: crate::kube::KubeError| format!("Kubernetes cluster unreachable: {e}");
            let v = c.server_version().map_err(unreachable)?;
            let num = |s: &str| {
                s.trim_end_matches(|ch: char| !ch.is_ascii_digit())
                    .parse::<u64>()
                    .unwrap_or(0)
            };
            let kv = KubeVersion::new(v.git_version.clone(), num(&v.major), num(&v.minor));
            cluster_caps = Some(
                c.api_versions()
                    .map_err(|e| format!("could not get apiVersions from Kubernetes: {e}"))?,
            );
            kv
        }
        (None, Some(v)) => parse_kube_version(v)?,
        (None, None) => KubeVersion::new(DEFAULT_KUBE_VERSION.into(), 1, 32),
    };
    let user = opts.values.merge_values(read).map_err(|e| e.0)?;
    let mut chart: Chart = crate::chart::load(chart_path).map_err(|e| e.to_string())?;
    out.stderr
        .extend(chart.all_warnings().into_iter().map(String::from));
    if chart.is_library() {
        return Err("library charts are not installable".into());
    }
    if chart.metadata.deprecated {
        out.stderr.push("WARNING: This chart is deprecated".into());
    }
    let missing = chart.missing_dependencies();
    if !missing.is_empty() {
        return Err(format!(
            "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        ));
    }
    let name = opts
        .release_name
        .clone()
        .unwrap_or_else(|| DEFAULT_RELEASE_NAME.into());
    validate_release_name(&name)?;
    let mut warnings = Vec::new();
    crate::values::dependencies::process_dependencies(&mut chart, &user, &mut warnings)
        .map_err(|e| e.0)?;
    let values =
        crate::values::coalesce::coalesce_values(&chart, &user, &mut warnings).map_err(|e| e.0);
    out.stderr.append(&mut warnings);
    let values = values?;
    if !opts.skip_schema_validation {
        crate::values::schema::validate(&chart, &values)?;
    }
    // renderResources: the kubeVersion gate, render, notes, manifests.
    chart
        .check_kube_version(&kube.version)
        .map_err(debug_hint)?;
    let ropts_name = name.clone();
    let lookup = opts
        .cluster
        .as_ref()
        .filter(|_| opts.live_lookup)
        .map(|c| crate::kube::ClusterLookup::new(c.clone()));
    let ropts = RenderOptions {
        release_name: name,
        namespace: opts.namespace.clone().unwrap_or_else(|| "default".into()),
        revision: 1,
        is_upgrade: opts.is_upgrade,
        capabilities: match cluster_caps {
            // As helm: `--api-versions` (like `--kube-version`) only counts without a
            // cluster.
            Some(found) => Capabilities::from_cluster(kube, found, &[]),
            None => Capabilities::new(kube, &opts.api_versions),
        },
        // `helm template --validate` is a client dry run: lookups stay empty there.
        lookup: lookup
            .as_ref()
            .map(|l| l as &dyn crate::template::exec::Lookup),
        lint_mode: false,
    };
    let (mut files, _log) = render(&chart, &values, &ropts).map_err(|e| debug_hint(e.0))?;
    out.notes = files
        .get(&format!("{}/templates/NOTES.txt", chart.name()))
        .cloned()
        .unwrap_or_default();
    files.retain(|k, _| !k.ends_with("NOTES.txt"));
    let sorted = match sort_manifests_by_hooks(&files) {
        Ok(s) => s,
        Err(e) => {
            if opts.debug {
                for (name, content) in &files {
                    if go_trim_space(content).is_empty() {
                        continue;
                    }
                    out.stdout
                        .push_str(&format!("---\n# Source: {name}\n{content}\n"));
                }
            }
            return Err(debug_hint(e.to_string()));
        }
    };
    out.stderr.extend(sorted.warnings.iter().cloned());
    let crds: Vec<CrdFile> = if opts.include_crds {
        crd_files(&chart, None)
    } else {
        Vec::new()
    };
    if let Some(c) = &opts.cluster {
        check_kinds_served(c.as_ref(), &sorted.manifests, opts.namespace.as_deref())?;
    }
    let manifest = release_manifest(&crds, &sorted.manifests);
    let stream = template_stream(&manifest, &sorted.hooks, opts.no_hooks, opts.skip_tests);
    out.stdout = if opts.show_only.is_empty() {
        stream
    } else {
        show_only(&stream, &opts.show_only)?
    };
    out.manifests = sorted.manifests;
    out.hooks = sorted.hooks;
    out.config = user;
    out.release_name = ropts_name;
    out.chart = Some(chart);
    Ok(())
}

/// Helm's `KubeClient.Build` of the rendered manifest against a cluster: every object's
/// kind must be served.
fn check_kinds_served(
    cluster: &dyn crate::kube::Cluster,
    manifests: &[Manifest],
    namespace: Option<&str>,
) -> Result<(), String> {
    for m in manifests {
        let head = &m.head;
        let (api_version, kind) = (head.api_version.as_str(), head.kind.as_str());
        if kind.is_empty() {
            continue;
        }
        if let Err(e) = cluster.resource(api_version, kind) {
            let name = head
                .metadata
                .as_ref()
                .map(|m| m.name.as_str())
                .unwrap_or("");
            return Err(crate::kube::build_error(name, namespace.unwrap_or(""), &e));
        }
    }
    Ok(())
}

/// Errors after the release exists get Helm's `--debug` hint.
fn debug_hint(e: String) -> String {
    format!("{e}\n\nUse --debug flag to render out invalid YAML")
}

/// CRD files of the chart tree (root first, then subcharts depth-first), with their
/// `# Source:` paths.
pub(crate) fn crd_files(chart: &Chart, parent: Option<&str>) -> Vec<CrdFile> {
    let full = match parent {
        None => chart.name().to_string(),
        Some(p) => format!("{p}/charts/{}", chart.name()),
    };
    let mut out: Vec<CrdFile> = chart
        .files
        .iter()
        .filter(|f| f.name.starts_with("crds/") && crate::chart::has_manifest_extension(&f.name))
        .map(|f| CrdFile {
            filename: format!("{full}/{}", f.name),
            data: String::from_utf8_lossy(&f.data).into_owned(),
        })
        .collect();
    for d in &chart.dependencies {
        out.extend(crd_files(d, Some(&full)));
    }
    out
}

/// `action.TemplateName`: the release name from `--name-template`, a Go template
/// executed with no data. (hke's function set is Helm's, a superset of the Sprig set
/// Helm uses here.)
pub fn template_name(name_template: &str) -> Result<String, String> {
    if name_template.is_empty() {
        return Ok(String::new());
    }
    let mut set = crate::template::exec::TemplateSet::new();
    set.parse_file("name-template", name_template)
        .map_err(|e| e.to_string())?;
    set.execute(
        "name-template",
        crate::template::value::Value::Nil,
        &crate::template::exec::RenderContext::default(),
    )
    .map_err(|e| e.to_string())
}
