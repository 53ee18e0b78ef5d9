//! `hke`: the Helm Kubernetes Executor command line.
//!
//! Speaks helm's verbs and flags. Commands that need no cluster run locally on
//! `hke-core`; cluster commands talk to an `hke-server`.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Version => {
            println!("hke {} (Helm 3.17 engine)", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
    }
}
