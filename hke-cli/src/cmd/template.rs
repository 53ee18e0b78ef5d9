//! `hke template [NAME] CHART`: helm's `template`, same flags, same output.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Args;
use hke_core::action::template::{template, TemplateOptions};
use hke_core::values::ValueOptions;

use super::{fail, locate::locate_chart};

/// The values flags shared by install, upgrade and template.
#[derive(Args, Debug, Default, Clone)]
pub struct ValuesArgs {
    /// Specify values in a YAML file (can specify multiple).
    #[arg(short = 'f', long = "values", value_delimiter = ',')]
    pub values: Vec<String>,
    /// Set values on the command line (key1=val1,key2=val2).
    #[arg(long = "set")]
    pub set: Vec<String>,
    /// Set STRING values on the command line.
    #[arg(long = "set-string")]
    pub set_string: Vec<String>,
    /// Set JSON values on the command line.
    #[arg(long = "set-json")]
    pub set_json: Vec<String>,
    /// Set values from files (key=path).
    #[arg(long = "set-file")]
    pub set_file: Vec<String>,
    /// Set a literal STRING value on the command line.
    #[arg(long = "set-literal")]
    pub set_literal: Vec<String>,
}

impl ValuesArgs {
    /// The library's view of the flags.
    pub fn options(&self) -> ValueOptions {
        ValueOptions {
            value_files: self.values.clone(),
            json_values: self.set_json.clone(),
            values: self.set.clone(),
            string_values: self.set_string.clone(),
            file_values: self.set_file.clone(),
            literal_values: self.set_literal.clone(),
        }
    }
}

/// Reads a values file (`-` is standard input) with Go's error wording.
pub fn read_file(path: &str) -> Result<Vec<u8>, String> {
    if path.trim() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string())?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("open {path}: no such file or directory"),
        _ => format!("open {path}: {e}"),
    })
}

/// Arguments of `hke template`.
#[derive(Args, Debug)]
pub struct TemplateArgs {
    /// `[NAME] CHART`
    #[arg(num_args = 1.., required = true)]
    pub args: Vec<String>,
    /// Values flags.
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Namespace scope for this request.
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// Kubernetes version used for Capabilities.KubeVersion.
    #[arg(long = "kube-version")]
    pub kube_version: Option<String>,
    /// Kubernetes api versions used for Capabilities.APIVersions.
    #[arg(short = 'a', long = "api-versions", value_delimiter = ',')]
    pub api_versions: Vec<String>,
    /// Only show manifests rendered from the given templates.
    #[arg(short = 's', long = "show-only")]
    pub show_only: Vec<String>,
    /// Include CRDs in the templated output.
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// If set, no CRDs will be installed (no effect on output without --include-crds).
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// Skip tests from templated output.
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// Set .Release.IsUpgrade instead of .Release.IsInstall.
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
    /// Prevent hooks from being printed.
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Generate the name (and omit the NAME parameter).
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// Specify a Go template for naming the release.
    #[arg(long = "name-template")]
    pub name_template: Option<String>,
    /// Disable JSON schema validation.
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// Validate the manifests against the cluster of the kubeconfig (capabilities and
    /// lookups from it; every kind must be served).
    #[arg(long)]
    pub validate: bool,
    /// Write the executed templates to files in this directory instead of stdout.
    #[arg(long = "output-dir")]
    pub output_dir: Option<String>,
    /// Use the release name in the output-dir path.
    #[arg(long = "release-name")]
    pub use_release_name: bool,
    /// Enable verbose output.
    #[arg(long)]
    pub debug: bool,
}

/// Runs `hke template`.
pub fn run(a: &TemplateArgs) -> ExitCode {
    // Install's NameAndChart with template's default name `release-name`.
    let (name, chart) = match a.args.as_slice() {
        [chart] => match &a.name_template {
            Some(t) => match hke_core::action::template::template_name(t) {
                Ok(n) => (Some(n), chart.clone()),
                Err(e) => return fail(e),
            },
            None => (None, chart.clone()),
        },
        [name, chart] => {
            if a.generate_name {
                return fail("cannot set --generate-name and also specify a name");
            }
            if a.name_template.is_some() {
                return fail("cannot set --name-template and also specify a name");
            }
            (Some(name.clone()), chart.clone())
        }
        [_, _, rest @ ..] => {
            return fail(format!(
                "expected at most two arguments, unexpected arguments: {}",
                rest.join(", ")
            ))
        }
        [] => return fail("\"hke template\" requires at least 1 argument"),
    };
    // --validate: the cluster of the kubeconfig (KUBECONFIG, HELM_KUBECONTEXT) gives the
    // capabilities, answers lookup, and must serve every rendered kind.
    let cluster: Option<std::sync::Arc<dyn hke_core::kube::Cluster>> = if a.validate {
        let opts = hke_core::kube::ConnectOptions {
            context: std::env::var("HELM_KUBECONTEXT")
                .ok()
                .filter(|c| !c.is_empty()),
            ..Default::default()
        };
        match hke_core::kube::KubeClient::connect(&opts) {
            Ok(c) => Some(std::sync::Arc::new(c)),
            Err(e) => return fail(e.to_string()),
        }
    } else {
        None
    };
    let path = match locate_chart(&chart) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let opts = TemplateOptions {
        release_name: name,
        namespace: a.namespace.clone(),
        kube_version: a.kube_version.clone(),
        api_versions: a.api_versions.clone(),
        is_upgrade: a.is_upgrade,
        include_crds: a.include_crds,
        skip_tests: a.skip_tests,
        no_hooks: a.no_hooks,
        show_only: a.show_only.clone(),
        skip_schema_validation: a.skip_schema_validation,
        debug: a.debug,
        values: a.values.options(),
        cluster,
        live_lookup: false,
    };
    let out = template(&path, &opts, &mut read_file);
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for line in &out.stderr {
        let _ = writeln!(err, "{line}");
    }
    drop(err);
    if let Some(dir) = &a.output_dir {
        if out.error.is_none() {
            let mut docs: Vec<(String, String)> = out
                .manifests
                .iter()
                .map(|m| (m.name.clone(), m.content.clone()))
                .collect();
            if !a.no_hooks {
                docs.extend(
                    out.hooks
                        .iter()
                        .filter(|h| !(a.skip_tests && hke_core::engine::output::is_test_hook(h)))
                        .map(|h| (h.path.clone(), h.manifest.clone())),
                );
            }
            let release = if a.use_release_name {
                Some(opts.release_name.as_deref().unwrap_or("release-name"))
            } else {
                None
            };
            match hke_core::engine::output::write_output_dir(
                std::path::Path::new(dir),
                release,
                &docs,
            ) {
                Ok(lines) => {
                    for l in lines {
                        println!("{l}");
                    }
                }
                Err(e) => return fail(e),
            }
            return ExitCode::SUCCESS;
        }
    }
    let stdout = std::io::stdout();
    let mut o = stdout.lock();
    if o.write_all(out.stdout.as_bytes())
        .and_then(|()| o.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    match out.error {
        Some(e) => fail(e),
        None => ExitCode::SUCCESS,
    }
}
