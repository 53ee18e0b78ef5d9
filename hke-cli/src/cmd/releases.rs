//! The read-only release commands, in local mode (the kubeconfig's cluster, as helm):
//! `hke list`, `hke history`, `hke status` and `hke get`.

use super::cluster::ClusterFlags;
use super::fail;
use clap::{Args, Subcommand};
use hke_core::release::print::{self, Format, StatusOptions};
use hke_core::release::{Release, Status};
use hke_core::storage::{Header, Storage, StorageError};
use std::process::ExitCode;

/// `hke list`.
#[derive(Args, Debug)]
pub struct ListArgs {
    /// Show all releases without any filter applied.
    #[arg(short = 'a', long)]
    all: bool,
    /// List releases across all namespaces.
    #[arg(short = 'A', long = "all-namespaces")]
    all_namespaces: bool,
    /// Sort by release date.
    #[arg(short = 'd', long)]
    date: bool,
    /// Show deployed releases.
    #[arg(long)]
    deployed: bool,
    /// Show failed releases.
    #[arg(long)]
    failed: bool,
    /// Show pending releases.
    #[arg(long)]
    pending: bool,
    /// Show superseded releases.
    #[arg(long)]
    superseded: bool,
    /// Show uninstalled releases (if `uninstall --keep-history` was used).
    #[arg(long)]
    uninstalled: bool,
    /// Show releases that are currently being uninstalled.
    #[arg(long)]
    uninstalling: bool,
    /// A regular expression; only releases whose names match are listed.
    #[arg(short = 'f', long)]
    filter: Option<String>,
    /// Maximum number of releases to fetch.
    #[arg(short = 'm', long, default_value_t = 256)]
    max: usize,
    /// Next release index in the list, used to offset from start value.
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Prints the output in the specified format (table, json, yaml).
    #[arg(short = 'o', long, default_value = "table")]
    output: String,
    /// Reverse the sort order.
    #[arg(short = 'r', long)]
    reverse: bool,
    /// Output short (quiet) listing format.
    #[arg(short = 'q', long)]
    short: bool,
    /// Don't print headers when using the default output format.
    #[arg(long = "no-headers")]
    no_headers: bool,
    /// Format time using a Go layout.
    #[arg(long = "time-format")]
    time_format: Option<String>,
    /// Label selector over the storage labels (`=`, `==`, `!=`, `in`, `notin`, `k`, `!k`).
    #[arg(short = 'l', long)]
    selector: Option<String>,
    #[command(flatten)]
    cluster: ClusterFlags,
}

/// `hke history NAME`.
#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// The release name.
    name: String,
    /// Maximum number of revisions to include in history.
    #[arg(long, default_value_t = 256)]
    max: usize,
    /// Prints the output in the specified format (table, json, yaml).
    #[arg(short = 'o', long, default_value = "table")]
    output: String,
    #[command(flatten)]
    cluster: ClusterFlags,
}

/// `hke status NAME`.
#[derive(Args, Debug)]
pub struct StatusArgs {
    /// The release name.
    name: String,
    /// The revision (default: the latest).
    #[arg(long, default_value_t = 0)]
    revision: i64,
    /// Prints the output in the specified format (table, json, yaml).
    #[arg(short = 'o', long, default_value = "table")]
    output: String,
    /// Show the description message of the release.
    #[arg(long = "show-desc")]
    show_desc: bool,
    /// Show the resources of the release (live, from the cluster).
    #[arg(long = "show-resources")]
    show_resources: bool,
    #[command(flatten)]
    cluster: ClusterFlags,
}

/// `hke get`.
#[derive(Subcommand, Debug)]
pub enum GetCommand {
    /// Download the manifest of a release.
    Manifest(GetArgs),
    /// Download the user-supplied values of a release.
    Values(GetValuesArgs),
    /// Download the notes of a release.
    Notes(GetArgs),
    /// Download the hooks of a release.
    Hooks(GetArgs),
    /// Download all information for a named release.
    All(GetAllArgs),
    /// Fetch metadata for a given release.
    Metadata(GetMetadataArgs),
}

/// `hke get all`.
#[derive(Args, Debug)]
pub struct GetAllArgs {
    #[command(flatten)]
    get: GetArgs,
    /// Go template for formatting the output, eg: {{.Release.Name}}.
    #[arg(long)]
    template: Option<String>,
}

/// `hke get metadata`.
#[derive(Args, Debug)]
pub struct GetMetadataArgs {
    #[command(flatten)]
    get: GetArgs,
    /// Prints the output in the specified format (table, json, yaml).
    #[arg(short = 'o', long, default_value = "table")]
    output: String,
}

/// The arguments every `get` subcommand takes.
#[derive(Args, Debug)]
pub struct GetArgs {
    /// The release name.
    name: String,
    /// Get the named release with revision.
    #[arg(long, default_value_t = 0)]
    revision: i64,
    #[command(flatten)]
    cluster: ClusterFlags,
}

/// `hke get values`.
#[derive(Args, Debug)]
pub struct GetValuesArgs {
    #[command(flatten)]
    get: GetArgs,
    /// Dump all (computed) values.
    #[arg(short = 'a', long)]
    all: bool,
    /// Prints the output in the specified format (table, json, yaml).
    #[arg(short = 'o', long, default_value = "table")]
    output: String,
}

/// Prints a command's output, or its error as helm does.
fn finish(r: Result<String, String>) -> ExitCode {
    match r {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn storage_error(e: StorageError) -> String {
    e.to_string()
}

/// Runs `hke list`.
pub fn list(a: &ListArgs) -> ExitCode {
    finish(list_inner(a))
}

fn list_inner(a: &ListArgs) -> Result<String, String> {
    let format = Format::parse(&a.output)?;
    let filter = match &a.filter {
        Some(f) => Some(regex::Regex::new(f).map_err(|e| format!("error parsing regexp: {e}"))?),
        None => None,
    };
    let (storage, _) = a.cluster.storage(a.all_namespaces)?;
    let states = state_mask(a);
    let only_superseded = states.as_ref().is_some_and(|s| s == &[Status::Superseded]);
    // Choose by the storage labels first (latest revision per release, then state), so
    // only the records shown are decoded; if one of those cannot be decoded, take Helm's
    // path (decode everything, skip what fails).
    let chosen = storage.driver.list_chosen(&|headers| {
        choose_latest(headers, only_superseded, states.as_deref(), filter.as_ref())
    });
    let mut rels: Vec<Release> = match chosen {
        Ok(r) => r,
        Err(StorageError::Decode(_)) => storage.list_releases().map_err(storage_error)?,
        Err(e) => return Err(storage_error(e)),
    }
    .into_iter()
    .filter(|r| filter.as_ref().is_none_or(|f| f.is_match(&r.name)))
    .collect();
    if !only_superseded {
        rels = latest_only(rels);
    }
    if let Some(states) = &states {
        rels.retain(|r| states.contains(&r.status()));
    }
    if let Some(sel) = &a.selector {
        let sel = hke_core::kube::selector::Selector::parse(sel)?;
        rels.retain(|r| sel.matches(&r.labels));
    }
    sort(&mut rels, a.date, a.reverse);
    let rels: Vec<Release> = rels
        .into_iter()
        .skip(a.offset)
        .take(if a.max > 0 { a.max } else { usize::MAX })
        .collect();
    if a.short {
        let names: Vec<String> = rels.iter().map(|r| r.name.clone()).collect();
        return Ok(match format {
            Format::Table => names.iter().map(|n| format!("{n}\n")).collect(),
            Format::Json => print::go_json(&names),
            Format::Yaml => print::go_yaml(&names),
        });
    }
    print::list(&rels, format, a.no_headers, a.time_format.as_deref())
}

/// Which records `hke list` decodes: per namespace and name the highest revision (all
/// revisions when only superseded ones are asked for), in one of the shown states.
fn choose_latest(
    headers: &[Header],
    all_revisions: bool,
    states: Option<&[Status]>,
    filter: Option<&regex::Regex>,
) -> Vec<bool> {
    let version = |h: &Header| {
        h.labels
            .get("version")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let name = |h: &Header| h.labels.get("name").cloned().unwrap_or_default();
    let mut latest: std::collections::HashMap<(String, String), i64> = Default::default();
    for h in headers {
        let slot = latest
            .entry((h.namespace.clone(), name(h)))
            .or_insert(i64::MIN);
        *slot = (*slot).max(version(h));
    }
    headers
        .iter()
        .map(|h| {
            let is_latest =
                all_revisions || latest.get(&(h.namespace.clone(), name(h))) == Some(&version(h));
            let status = Status::parse(h.labels.get("status").map(String::as_str).unwrap_or(""));
            is_latest
                && states.is_none_or(|s| s.contains(&status))
                && filter.is_none_or(|f| f.is_match(&name(h)))
        })
        .collect()
}

/// The statuses to show (`None`: all, for `--all`).
fn state_mask(a: &ListArgs) -> Option<Vec<Status>> {
    if a.all {
        return None;
    }
    let mut s = Vec::new();
    if a.deployed {
        s.push(Status::Deployed);
    }
    if a.uninstalled {
        s.push(Status::Uninstalled);
    }
    if a.uninstalling {
        s.push(Status::Uninstalling);
    }
    if a.pending {
        s.extend([
            Status::PendingInstall,
            Status::PendingRollback,
            Status::PendingUpgrade,
        ]);
    }
    if a.failed {
        s.push(Status::Failed);
    }
    if a.superseded {
        s.push(Status::Superseded);
    }
    if s.is_empty() {
        s = vec![Status::Deployed, Status::Failed];
    }
    Some(s)
}

/// `filterLatestReleases`: the highest revision per namespace and name.
fn latest_only(rels: Vec<Release>) -> Vec<Release> {
    let mut latest: std::collections::BTreeMap<(String, String), Release> = Default::default();
    for r in rels {
        let key = (r.namespace.clone(), r.name.clone());
        match latest.get(&key) {
            Some(l) if l.version > r.version => {}
            _ => {
                latest.insert(key, r);
            }
        }
    }
    latest.into_values().collect()
}

fn sort(rels: &mut [Release], by_date: bool, reverse: bool) {
    let date = |r: &Release| {
        r.info
            .as_ref()
            .and_then(|i| i.last_deployed.to_datetime())
            // Helm compares `LastDeployed.Unix()`: whole seconds (ties keep their order).
            .map(|d| d.timestamp())
            .unwrap_or(0)
    };
    if by_date {
        rels.sort_by_key(date);
        if !reverse {
            // Helm's ByDateDesc sorts ascending by date (SortByDate), ByDateAsc reverses it.
        } else {
            rels.reverse();
        }
    } else {
        rels.sort_by(|a, b| a.name.cmp(&b.name));
        if reverse {
            rels.reverse();
        }
    }
}

/// Runs `hke history`.
pub fn history(a: &HistoryArgs) -> ExitCode {
    let run = || -> Result<String, String> {
        let format = Format::parse(&a.output)?;
        let (storage, _) = a.cluster.storage(false)?;
        let h = storage.history(&a.name).map_err(storage_error)?;
        if h.is_empty() {
            return Err(StorageError::NotFound.to_string());
        }
        Ok(print::history(&h, format, a.max))
    };
    finish(run())
}

fn revision(storage: &Storage, name: &str, revision: i64) -> Result<Release, String> {
    if revision > 0 {
        storage.get(name, revision).map_err(storage_error)
    } else {
        storage.last(name).map_err(|e| match e {
            StorageError::NoRevision(_) => StorageError::NotFound.to_string(),
            other => other.to_string(),
        })
    }
}

/// Runs `hke status`.
pub fn status(a: &StatusArgs) -> ExitCode {
    let run = || -> Result<String, String> {
        let format = Format::parse(&a.output)?;
        let client = if a.show_resources {
            Some(std::sync::Arc::new(a.cluster.client()?))
        } else {
            None
        };
        let (storage, _) = a.cluster.storage_with(false, client.clone())?;
        let mut r = revision(&storage, &a.name, a.revision)?;
        // As helm, the chart is left out of status output.
        r.chart = None;
        let mut block = None;
        if let Some(c) = &client {
            let table = matches!(format, Format::Table);
            let res = hke_core::action::status::release_resources(c.as_ref(), &r, table)
                .map_err(|e| e.to_string())?;
            if table {
                block = Some(print::resources_block(&res));
            } else if let Some(info) = r.info.as_mut() {
                info.resources = Some(res);
            }
        }
        Ok(match format {
            Format::Table => print::status_text(
                &r,
                StatusOptions {
                    show_description: a.show_desc,
                    resources: block.as_deref(),
                    ..Default::default()
                },
            ),
            Format::Json => print::go_json(&r.helm3_view()),
            Format::Yaml => print::go_yaml(&r.helm3_view()),
        })
    };
    finish(run())
}

/// Runs `hke get ...`.
pub fn get(c: &GetCommand) -> ExitCode {
    let run = || -> Result<String, String> {
        let args = match c {
            GetCommand::Manifest(g) | GetCommand::Notes(g) | GetCommand::Hooks(g) => g,
            GetCommand::Values(v) => &v.get,
            GetCommand::All(a) => &a.get,
            GetCommand::Metadata(m) => &m.get,
        };
        if let GetCommand::All(GetAllArgs {
            template: Some(_), ..
        }) = c
        {
            return Err("get all --template (Go templates over Helm's Go structs) is not supported by hke; use -o json with status, or get manifest/values/hooks/notes".into());
        }
        let (storage, _) = args.cluster.storage(false)?;
        let r = revision(&storage, &args.name, args.revision)?;
        Ok(match c {
            GetCommand::Manifest(_) => format!("{}\n", r.manifest),
            GetCommand::Notes(_) => {
                let notes = r.info.map(|i| i.notes).unwrap_or_default();
                if notes.is_empty() {
                    String::new()
                } else {
                    format!("NOTES:\n{notes}\n")
                }
            }
            GetCommand::Hooks(_) => r
                .hooks
                .iter()
                .flatten()
                .map(|h| format!("---\n# Source: {}\n{}\n", h.path, h.manifest))
                .collect(),
            GetCommand::All(_) => print::status_text(
                &r,
                StatusOptions {
                    debug: true,
                    show_metadata: true,
                    ..Default::default()
                },
            ),
            GetCommand::Metadata(m) => {
                let md = print::ReleaseMetadata::of(&r);
                match Format::parse(&m.output)? {
                    Format::Table => md.table(),
                    Format::Json => print::go_json(&md),
                    Format::Yaml => print::go_yaml(&md),
                }
            }
            GetCommand::Values(v) => {
                let format = Format::parse(&v.output)?;
                if v.all {
                    let all = hke_core::release::computed_values(&r);
                    return Ok(match format {
                        Format::Table => format!("COMPUTED VALUES:\n{}", print::go_yaml(&all)),
                        Format::Json => print::go_json(&all),
                        Format::Yaml => print::go_yaml(&all),
                    });
                }
                let config = r.config.clone().filter(|m| !m.is_empty());
                match format {
                    Format::Table => format!("USER-SUPPLIED VALUES:\n{}", print::go_yaml(&config)),
                    Format::Json => print::go_json(&config),
                    Format::Yaml => print::go_yaml(&config),
                }
            }
        })
    };
    finish(run())
}
