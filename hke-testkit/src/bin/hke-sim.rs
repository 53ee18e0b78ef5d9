//! `hke-sim`: runs the hke Kubernetes API simulator on 127.0.0.1 until interrupted and
//! prints (or writes) a kubeconfig for it.
//!
//! Usage: `hke-sim [--port N] [--token T]... [--kubeconfig PATH]`

use std::path::PathBuf;
use std::process::ExitCode;

use hke_testkit::sim::{Config, Simulator};

fn usage() -> ExitCode {
    eprintln!("usage: hke-sim [--port N] [--token T]... [--kubeconfig PATH]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut port = 0u16;
    let mut tokens: Vec<String> = Vec::new();
    let mut kubeconfig: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--port", Some(v)) => match v.parse() {
                Ok(p) => port = p,
                Err(_) => {
                    eprintln!("hke-sim: --port: not a port number: {v:?}");
                    return usage();
                }
            },
            ("--token", Some(v)) => tokens.push(v),
            ("--kubeconfig", Some(v)) => kubeconfig = Some(PathBuf::from(v)),
            _ => return usage(),
        }
    }
    let config = Config {
        tokens: (!tokens.is_empty()).then_some(tokens),
        ..Config::default()
    };
    let sim = match Simulator::start_on(&format!("127.0.0.1:{port}"), config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hke-sim: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match &kubeconfig {
        Some(p) => {
            if let Err(e) = sim.write_kubeconfig(p) {
                eprintln!("hke-sim: cannot write {}: {e}", p.display());
                return ExitCode::FAILURE;
            }
            eprintln!(
                "hke-sim: serving {} (kubeconfig in {})",
                sim.url(),
                p.display()
            );
        }
        None => {
            eprintln!("hke-sim: serving {}", sim.url());
            print!("{}", sim.kubeconfig());
        }
    }
    loop {
        std::thread::park();
    }
}
