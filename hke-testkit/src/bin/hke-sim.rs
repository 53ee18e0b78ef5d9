//! `hke-sim`: runs the hke Kubernetes API simulator on 127.0.0.1 until interrupted and
//! prints (or writes) a kubeconfig for it.
//!
//! Usage: `hke-sim [--port N] [--token T]... [--kubeconfig PATH] [--tls] [--no-controllers]
//! [--error-rate F] [--error-codes C,C...] [--drop-rate F] [--latency-ms N]`

use std::path::PathBuf;
use std::process::ExitCode;

use hke_testkit::sim::{Config, Faults, Simulator};

fn usage() -> ExitCode {
    eprintln!(
        "usage: hke-sim [--port N] [--token T]... [--kubeconfig PATH] [--tls] [--no-controllers] \
         [--error-rate F] [--error-codes C,C...] [--drop-rate F] [--latency-ms N]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut port = 0u16;
    let mut tokens: Vec<String> = Vec::new();
    let mut kubeconfig: Option<PathBuf> = None;
    let mut no_controllers = false;
    let mut tls = false;
    let mut faults = Faults::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--no-controllers" {
            no_controllers = true;
            continue;
        }
        if a == "--tls" {
            tls = true;
            continue;
        }
        match (a.as_str(), args.next()) {
            ("--error-rate", Some(v)) => match v.parse::<f64>() {
                Ok(f) if (0.0..=1.0).contains(&f) => faults.error_rate = f,
                _ => {
                    eprintln!("hke-sim: --error-rate: not a fraction between 0 and 1: {v:?}");
                    return usage();
                }
            },
            ("--drop-rate", Some(v)) => match v.parse::<f64>() {
                Ok(f) if (0.0..=1.0).contains(&f) => faults.drop_rate = f,
                _ => {
                    eprintln!("hke-sim: --drop-rate: not a fraction between 0 and 1: {v:?}");
                    return usage();
                }
            },
            ("--error-codes", Some(v)) => {
                let codes: Result<Vec<u16>, _> = v.split(',').map(|c| c.trim().parse()).collect();
                match codes {
                    Ok(c) => faults.error_codes = c,
                    Err(_) => {
                        eprintln!("hke-sim: --error-codes: not a list of status codes: {v:?}");
                        return usage();
                    }
                }
            }
            ("--latency-ms", Some(v)) => match v.parse::<u64>() {
                Ok(ms) => faults.latency = std::time::Duration::from_millis(ms),
                Err(_) => {
                    eprintln!("hke-sim: --latency-ms: not a number: {v:?}");
                    return usage();
                }
            },
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
        no_controllers,
        faults,
        tls,
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
