//! `hke show chart|values|readme|crds|all CHART`: helm's `show`, byte for byte.

use super::{fail, locate::locate_chart};
use clap::{Args, Subcommand};
use hke_core::chart::show::{show, ShowFormat};
use std::io::Write;
use std::process::ExitCode;

/// What to show.
#[derive(Subcommand, Debug)]
pub enum ShowCommand {
    /// Show the chart's definition (Chart.yaml, re-marshalled).
    Chart(ShowArgs),
    /// Show the chart's values.yaml.
    Values(ShowArgs),
    /// Show the chart's README.
    Readme(ShowArgs),
    /// Show the chart's CRDs (subcharts included).
    Crds(ShowArgs),
    /// Show all of the above.
    All(ShowArgs),
}

/// The chart argument.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// A chart directory or packaged chart (`.tgz`).
    pub chart: String,
}

/// Runs `hke show …`.
pub fn run(cmd: &ShowCommand) -> ExitCode {
    let (format, args) = match cmd {
        ShowCommand::Chart(a) => (ShowFormat::Chart, a),
        ShowCommand::Values(a) => (ShowFormat::Values, a),
        ShowCommand::Readme(a) => (ShowFormat::Readme, a),
        ShowCommand::Crds(a) => (ShowFormat::Crds, a),
        ShowCommand::All(a) => (ShowFormat::All, a),
    };
    let path = match locate_chart(&args.chart) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let chart = match hke_core::chart::load(&path) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    for w in chart.all_warnings() {
        eprintln!("{w}");
    }
    let out = show(&chart, format);
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(&out)
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
