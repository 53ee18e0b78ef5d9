//! `hke package CHART_DIR… [-d DIR] [--version V] [--app-version V]`: helm's `package`
//! (no signing, no dependency update).

use super::fail;
use clap::Args;
use hke_core::semver::Version;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `hke package`.
#[derive(Args, Debug)]
pub struct PackageArgs {
    /// Chart directories to package.
    #[arg(required = true)]
    pub charts: Vec<PathBuf>,
    /// Location to write the chart.
    #[arg(short = 'd', long = "destination", default_value = ".")]
    pub destination: PathBuf,
    /// Set the version on the chart to this semver version.
    #[arg(long)]
    pub version: Option<String>,
    /// Set the appVersion on the chart to this version.
    #[arg(long = "app-version")]
    pub app_version: Option<String>,
}

/// Runs `hke package …`.
pub fn run(args: &PackageArgs) -> ExitCode {
    for chart in &args.charts {
        let path = match std::path::absolute(chart) {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        if let Err(e) = std::fs::metadata(chart) {
            let msg = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                _ => e.to_string(),
            };
            return fail(format!("stat {}: {msg}", chart.display()));
        }
        let mut c = match hke_core::chart::load_dir(&path) {
            Ok(c) => c,
            Err(e) => return fail(e),
        };
        if let Some(v) = &args.version {
            c.metadata.version = v.clone();
        }
        if let Err(e) = Version::parse(&c.metadata.version) {
            return fail(e);
        }
        if let Some(v) = &args.app_version {
            c.metadata.app_version = v.clone();
        }
        let dest = match std::path::absolute(&args.destination) {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        match hke_core::chart::save::save(&c, &dest) {
            Ok(file) => println!(
                "Successfully packaged chart and saved it to: {}",
                file.display()
            ),
            Err(e) => return fail(e),
        }
    }
    ExitCode::SUCCESS
}
