//! `helm show chart|values|readme|crds|all` output (Helm's `action.Show.Run`), byte for
//! byte.

use super::Chart;

/// What `helm show` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowFormat {
    /// `show chart`: the metadata re-marshalled as YAML.
    Chart,
    /// `show values`: the raw `values.yaml`.
    Values,
    /// `show readme`: the chart's README.
    Readme,
    /// `show crds`: every CRD file, subcharts included.
    Crds,
    /// `show all`: all of the above, separated by `---`.
    All,
}

/// README names Helm looks for, compared case-insensitively, in this order per file.
const README_NAMES: [&str; 3] = ["readme.md", "readme.txt", "readme"];

/// Helm's `findReadme`: the first file (in load order) named like a README.
fn find_readme(chart: &Chart) -> Option<&super::File> {
    chart.files.iter().find(|f| {
        README_NAMES
            .iter()
            .any(|n| f.name.eq_ignore_ascii_case(n) || unicode_fold_eq(&f.name, n))
    })
}

/// `strings.EqualFold` for the non-ASCII case (e.g. the Kelvin sign is not involved in
/// these names, but `ſ`/`s` could be).
fn unicode_fold_eq(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| {
            x == y || x.to_lowercase().eq(y.to_lowercase()) || (x == 'ſ' && (y == 's' || y == 'S'))
        })
}

/// Whether Helm's `Chart.Values` is non-nil: whenever a `values.yaml` was loaded (even
/// an empty or `~` one, as helm3 shows).
fn has_values(chart: &Chart) -> bool {
    chart.raw_values.is_some()
}

/// The bytes `helm show FORMAT` prints for `chart` (already loaded).
pub fn show(chart: &Chart, format: ShowFormat) -> Vec<u8> {
    let all = format == ShowFormat::All;
    let mut out: Vec<u8> = Vec::new();
    if format == ShowFormat::Chart || all {
        out.extend_from_slice(crate::yaml::marshal(&chart.metadata.to_value()).as_bytes());
        out.push(b'\n');
    }
    if (format == ShowFormat::Values || all) && has_values(chart) {
        if all {
            out.extend_from_slice(b"---\n");
        }
        for f in chart.raw.iter().filter(|f| f.name == "values.yaml") {
            out.extend_from_slice(&f.data);
            out.push(b'\n');
        }
    }
    if format == ShowFormat::Readme || all {
        if let Some(readme) = find_readme(chart) {
            if all {
                out.extend_from_slice(b"---\n");
            }
            out.extend_from_slice(&readme.data);
            out.push(b'\n');
        }
    }
    if format == ShowFormat::Crds || all {
        let crds = chart.crd_files();
        if let Some(first) = crds.first() {
            if all && !first.data.starts_with(b"---") {
                out.extend_from_slice(b"---\n");
            }
            for crd in crds {
                out.extend_from_slice(&crd.data);
                out.push(b'\n');
            }
        }
    }
    out
}
