//! `hke`: the Helm Kubernetes Executor command line.
//!
//! Speaks helm's verbs and flags. Commands that need no cluster run locally on
//! `hke-core`; cluster commands talk to an `hke-server`.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;

/// hke allocates many small, short-lived values (template values, YAML nodes); mimalloc
/// serves them faster and returns memory to the system less eagerly than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The Helm Kubernetes Executor.
#[derive(Parser, Debug)]
#[command(name = "hke", version, about = "The Helm Kubernetes Executor", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the hke and engine versions.
    Version,
    /// Show information of a chart.
    #[command(subcommand)]
    Show(cmd::show::ShowCommand),
    /// Package a chart directory into a chart archive.
    Package(cmd::package::PackageArgs),
    /// Locally render templates, as `helm template`.
    Template(Box<cmd::template::TemplateArgs>),
    /// Install a chart.
    Install(Box<cmd::install::InstallArgs>),
    /// List releases.
    #[command(alias = "ls")]
    List(Box<cmd::releases::ListArgs>),
    /// Fetch release history.
    #[command(alias = "hist")]
    History(cmd::releases::HistoryArgs),
    /// Display the status of the named release.
    Status(cmd::releases::StatusArgs),
    /// Download extended information of a named release.
    #[command(subcommand)]
    Get(cmd::releases::GetCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Version => {
            println!("hke {} (Helm 3.17 engine)", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Show(c) => cmd::show::run(&c),
        Command::Package(a) => cmd::package::run(&a),
        Command::Template(a) => cmd::template::run(&a),
        Command::Install(a) => cmd::install::run(&a),
        Command::List(a) => cmd::releases::list(&a),
        Command::History(a) => cmd::releases::history(&a),
        Command::Status(a) => cmd::releases::status(&a),
        Command::Get(c) => cmd::releases::get(&c),
    }
}
