//! One module per `hke` verb. Each exposes clap arguments and a `run` returning the
//! process exit code; errors are printed as helm prints them (`Error: …` on stderr).

pub mod cluster;
pub mod install;
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

/// Prints a release as install and upgrade do (`helm status`'s text form).
pub fn releases_print_status(rel: &hke_core::release::Release, hide_notes: bool) -> ExitCode {
    print!(
        "{}",
        hke_core::release::print::status_text(
            rel,
            hke_core::release::print::StatusOptions {
                hide_notes,
                ..Default::default()
            }
        )
    );
    ExitCode::SUCCESS
}
