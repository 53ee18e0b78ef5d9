//! `hke install NAME CHART`: Helm's install against the kubeconfig's cluster (no hooks
//! yet; see `hke_core::action::install`).

use super::cluster::ClusterFlags;
use super::locate::locate_chart;
use super::template::{read_file, ValuesArgs};
use super::{fail, releases_print_status};
use clap::Args;
use hke_core::action::install::{install, InstallOptions};
use hke_core::action::template::TemplateOptions;
use std::process::ExitCode;
use std::sync::Arc;

/// `hke install [NAME] CHART`.
#[derive(Args, Debug)]
pub struct InstallArgs {
    /// `NAME CHART`.
    #[arg(num_args = 1.., required = true)]
    args: Vec<String>,
    #[command(flatten)]
    values: ValuesArgs,
    /// Create the release namespace if not present.
    #[arg(long = "create-namespace")]
    create_namespace: bool,
    /// Add a custom description.
    #[arg(long)]
    description: Option<String>,
    /// Prevent hooks from running during install.
    #[arg(long = "no-hooks")]
    no_hooks: bool,
    /// If set, no CRDs will be installed.
    #[arg(long = "skip-crds")]
    skip_crds: bool,
    /// Disable JSON schema validation.
    #[arg(long = "skip-schema-validation")]
    skip_schema_validation: bool,
    /// Do not show notes in the install output.
    #[arg(long = "hide-notes")]
    hide_notes: bool,
    #[command(flatten)]
    cluster: ClusterFlags,
}

/// Runs `hke install`.
pub fn run(a: &InstallArgs) -> ExitCode {
    let (name, chart) = match a.args.as_slice() {
        [name, chart] => (name.clone(), chart.clone()),
        [_] => {
            return fail(
                "INSTALLATION FAILED: must either provide a name or specify --generate-name",
            )
        }
        [_, _, rest @ ..] => {
            return fail(format!(
                "expected at most two arguments, unexpected arguments: {}",
                rest.join(", ")
            ))
        }
        [] => return fail("\"hke install\" requires at least 1 argument"),
    };
    let client = match a.cluster.client() {
        Ok(c) => Arc::new(c),
        Err(e) => return fail(format!("INSTALLATION FAILED: {e}")),
    };
    let (storage, namespace) = match a.cluster.storage_with(false, Some(client.clone())) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let path = match locate_chart(&chart) {
        Ok(p) => p,
        Err(e) => return fail(format!("INSTALLATION FAILED: {e}")),
    };
    let opts = InstallOptions {
        template: TemplateOptions {
            release_name: Some(name),
            namespace: Some(namespace),
            skip_schema_validation: a.skip_schema_validation,
            values: a.values.options(),
            cluster: Some(client.clone()),
            live_lookup: true,
            ..Default::default()
        },
        create_namespace: a.create_namespace,
        description: a.description.clone(),
        no_hooks: a.no_hooks,
        skip_crds: a.skip_crds,
    };
    let mut read = |p: &str| read_file(p);
    match install(client.as_ref(), &storage, &path, &opts, &mut read) {
        Ok(rel) => releases_print_status(&rel, a.hide_notes),
        Err(e) => fail(e),
    }
}
