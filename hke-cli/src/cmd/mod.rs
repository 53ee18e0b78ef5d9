//! One module per `hke` verb. Each exposes clap arguments and a `run` returning the
//! process exit code; errors are printed as helm prints them (`Error: …` on stderr).

pub mod cluster;
pub mod locate;
pub mod package;
pub mod releases;
pub mod show;
pub mod template;

use std::process::ExitCode;

/// Prints `Error: MESSAGE` on stderr, as helm does, and returns exit code 1.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("Error: {message}");
    ExitCode::from(1)
}
