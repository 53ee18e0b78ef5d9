//! Fuzz target: the chart archive loader never panics, whatever the bytes. The first
//! input byte picks the mode: gzip the rest as a tar stream (so the tar and chart layers
//! get exercised), feed the rest as a raw `.tgz`, or use it as a `Chart.yaml` /
//! `values.yaml` / `.helmignore` / semver text. Whatever loads is also shown and
//! packaged again, which must not panic either.
#![no_main]

use hke_core::chart::{self, show, File, LoadOptions};
use hke_core::semver::{Constraints, Version};
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fn exercise(c: &chart::Chart) {
    let _ = show::show(c, show::ShowFormat::All);
    if let Ok(bytes) = chart::save::archive_bytes(c, 0) {
        let _ = chart::load_archive_bytes("repacked.tgz", &bytes);
    }
}

/// hke's YAML reader catches the panics of libyaml-safer 0.3 on some inputs and turns
/// them into errors; libFuzzer's panic hook would abort first. Stay silent for panics
/// raised inside libyaml-safer (any other panic still aborts and is reported).
fn quiet_libyaml_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let inside = info
                .location()
                .is_some_and(|l| l.file().contains("libyaml-safer"));
            if !inside {
                default(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    quiet_libyaml_panics();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let opts = LoadOptions {
        max_total_bytes: 1 << 20,
        max_file_bytes: 256 << 10,
        max_entries: 1000,
        max_depth: 4,
    };
    match mode % 4 {
        0 => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            if gz.write_all(rest).is_err() {
                return;
            }
            let Ok(bytes) = gz.finish() else { return };
            if let Ok(c) = chart::load_archive_bytes_with("fuzz.tgz", &bytes, &opts) {
                exercise(&c);
            }
        }
        1 => {
            if let Ok(c) = chart::load_archive_bytes_with("fuzz.tgz", rest, &opts) {
                exercise(&c);
            }
        }
        2 => {
            // Chart.yaml and values.yaml from the input, split at the first NUL.
            let (chart_yaml, values) = match rest.iter().position(|&b| b == 0) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &b""[..]),
            };
            let files = vec![
                File {
                    name: "Chart.yaml".into(),
                    data: chart_yaml.to_vec(),
                },
                File {
                    name: "values.yaml".into(),
                    data: values.to_vec(),
                },
                File {
                    name: "requirements.yaml".into(),
                    data: values.to_vec(),
                },
                File {
                    name: "Chart.lock".into(),
                    data: chart_yaml.to_vec(),
                },
            ];
            if let Ok(c) = chart::load_files(files) {
                exercise(&c);
            }
        }
        _ => {
            if let Ok(rules) = chart::ignore::Rules::parse(rest) {
                let _ = rules.ignore("templates/a.yaml", false);
                let _ = rules.ignore("charts/sub", true);
            }
            if let Ok(text) = std::str::from_utf8(rest) {
                let v = Version::parse(text);
                if let Ok(c) = Constraints::parse(text) {
                    let _ = c.to_string();
                    if let Ok(v) = &v {
                        let _ = c.check(v);
                    }
                    let _ = c.check(&Version::new(1, 2, 3, "beta.1", ""));
                }
            }
        }
    }
});
