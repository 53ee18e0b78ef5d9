//! Real helm 3 and helm 4 run release lifecycles of corpus charts against the simulator
//! (skips when helm3 or the shared corpus is absent), and every strategic merge patch
//! helm 3 sends on `upgrade` and `rollback` is recomputed with
//! `hke_core::patch::helm_patch` and compared.
//!
//! For each chart, helm 3: `install --wait`, `upgrade --set ...` (a change of a workload
//! field), `history`, `list -A`, `status`, `rollback 1`, `uninstall`. Around `upgrade` and
//! `rollback` the test snapshots the store, then for every object of the new revision's
//! manifest that the previous revision also held, computes hke's patch from
//! - original: the object in the previous revision's manifest (from the release Secret),
//! - target: the object in the new revision's manifest with helm's ownership metadata,
//! - current: the live object before the command,
//!
//! and checks it equals the body of helm's `PATCH` for that object (and that helm sent
//! none when hke's patch is `{}`). Helm 4 (server-side apply) runs `install --wait`,
//! `upgrade --wait`, `rollback 1`, `history`, `status`, `uninstall` for each chart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hke_testkit::sim::resources::{builtin, Resource};
use hke_testkit::sim::{Config, LoggedRequest, Simulator};
use serde_json::{json, Value};

const SMP: &str = "application/strategic-merge-patch+json";
const NAMESPACE: &str = "default";
/// The longest one helm command may take before the test kills it.
const COMMAND_DEADLINE: Duration = Duration::from_secs(150);

/// One corpus chart and the upgrade exercised on it.
struct Case {
    chart: &'static str,
    release: &'static str,
    /// `--set` arguments of the upgrade.
    set: &'static [&'static str],
    /// The workload kind whose field the upgrade changes (the first of the manifest).
    kind: &'static str,
    /// JSON pointer into that workload.
    pointer: &'static str,
    /// The value after the upgrade, and after `rollback 1` (`None`: absent).
    upgraded: Value,
    rolled_back: Option<Value>,
    /// CustomResourceDefinitions the chart's `crds/` installs.
    crds: usize,
    /// Whether the chart has hooks (run on install and upgrade).
    hooks: bool,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            chart: "prometheus-community_helm-charts__prometheus-pushgateway",
            release: "pgw",
            set: &["replicaCount=2", "podAnnotations.rev=r2"],
            kind: "Deployment",
            pointer: "/spec/replicas",
            upgraded: json!(2),
            rolled_back: Some(json!(1)),
            crds: 0,
            hooks: false,
        },
        Case {
            chart: "prometheus-community_helm-charts__kube-state-metrics",
            release: "ksm",
            set: &["replicas=2", "customLabels.tier=metrics"],
            kind: "Deployment",
            pointer: "/metadata/labels/tier",
            upgraded: json!("metrics"),
            rolled_back: None,
            crds: 0,
            hooks: false,
        },
        Case {
            chart: "prometheus-community_helm-charts__prometheus-node-exporter",
            release: "nodex",
            set: &["podAnnotations.rev=r2", "commonLabels.tier=nodes"],
            kind: "DaemonSet",
            pointer: "/spec/template/metadata/annotations/rev",
            upgraded: json!("r2"),
            rolled_back: None,
            crds: 0,
            hooks: false,
        },
        Case {
            chart: "bitnami_charts__memcached",
            release: "memc",
            // replicaCount > 1 needs the high-availability architecture (a StatefulSet)
            set: &["podAnnotations.rev=r2", "commonLabels.tier=cache"],
            kind: "Deployment",
            pointer: "/spec/template/metadata/annotations/rev",
            upgraded: json!("r2"),
            rolled_back: None,
            crds: 0,
            hooks: false,
        },
        // crds/: two CustomResourceDefinitions installed before the templates
        Case {
            chart: "bitnami_charts__whereabouts",
            release: "wab",
            set: &["commonLabels.tier=cni", "podAnnotations.rev=r2"],
            kind: "DaemonSet",
            pointer: "/metadata/labels/tier",
            upgraded: json!("cni"),
            rolled_back: None,
            crds: 2,
            hooks: false,
        },
        // hooks: pre-install/pre-upgrade ServiceAccount, roles and a Job creating the
        // webhook Secret, a post-install/post-upgrade Job patching the webhook
        Case {
            chart: "kubernetes_ingress-nginx__ingress-nginx",
            release: "ingx",
            set: &[
                "controller.replicaCount=2",
                "controller.podAnnotations.rev=r2",
            ],
            kind: "Deployment",
            pointer: "/spec/replicas",
            upgraded: json!(2),
            rolled_back: Some(json!(1)),
            crds: 0,
            hooks: true,
        },
    ]
}

struct Env {
    sim: Simulator,
    dir: PathBuf,
    helm: PathBuf,
}

impl Env {
    fn new(tag: &str, helm: PathBuf) -> Result<Env, String> {
        let sim = Simulator::start(Config::default()).map_err(|e| format!("simulator: {e}"))?;
        let dir = std::env::temp_dir().join(format!(
            "hke-sim-corpus-{tag}-{}-{}",
            std::process::id(),
            sim.addr().port()
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        sim.write_kubeconfig(&dir.join("kubeconfig"))
            .map_err(|e| format!("kubeconfig: {e}"))?;
        Ok(Env { sim, dir, helm })
    }

    /// Runs helm (killed after [`COMMAND_DEADLINE`]); returns (success, stdout, stderr).
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let out_path = self.dir.join("stdout");
        let err_path = self.dir.join("stderr");
        let spawned = std::fs::File::create(&out_path)
            .and_then(|o| std::fs::File::create(&err_path).map(|e| (o, e)))
            .and_then(|(o, e)| {
                Command::new(&self.helm)
                    .args(args)
                    .env("KUBECONFIG", self.dir.join("kubeconfig"))
                    .env("HOME", &self.dir)
                    .env("HELM_CACHE_HOME", self.dir.join("cache"))
                    .env("HELM_CONFIG_HOME", self.dir.join("config"))
                    .env("HELM_DATA_HOME", self.dir.join("data"))
                    .current_dir(&self.dir)
                    .stdin(Stdio::null())
                    .stdout(o)
                    .stderr(e)
                    .spawn()
            });
        let mut child = match spawned {
            Ok(c) => c,
            Err(e) => return (false, String::new(), format!("cannot run helm: {e}")),
        };
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) if start.elapsed() < COMMAND_DEADLINE => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
            }
        };
        let read = |p: &Path| {
            std::fs::read(p)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        };
        let (out, mut err) = (read(&out_path), read(&err_path));
        if status.is_none() {
            err.push_str(&format!("\nkilled after {COMMAND_DEADLINE:?}"));
        }
        (status.is_some_and(|s| s.success()), out, err)
    }

    /// Runs helm and requires success and every `expect` substring in its output.
    fn step(&self, args: &[&str], expect: &[&str]) -> Result<String, String> {
        let (ok, out, err) = self.run(args);
        if !ok {
            return Err(format!("helm {}: failed\n{out}{err}", args.join(" ")));
        }
        for e in expect {
            if !out.contains(e) {
                return Err(format!("helm {}: no {e:?} in\n{out}{err}", args.join(" ")));
            }
        }
        Ok(out)
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Objects keyed by `apiVersion|kind|namespace|name`.
type Objects = HashMap<String, Value>;

fn key(api_version: &str, kind: &str, ns: &str, name: &str) -> String {
    format!("{api_version}|{kind}|{ns}|{name}")
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn resource<'a>(table: &'a [Resource], api_version: &str, kind: &str) -> Option<&'a Resource> {
    table
        .iter()
        .find(|r| r.api_version() == api_version && r.kind == kind)
}

/// Every stored object of the built-in kinds.
fn snapshot(sim: &Simulator, table: &[Resource]) -> Objects {
    let mut out = Objects::new();
    for r in table {
        let av = r.api_version();
        for o in sim.objects(&av, &r.kind) {
            let k = key(
                &av,
                &r.kind,
                str_at(&o, "/metadata/namespace"),
                str_at(&o, "/metadata/name"),
            );
            out.insert(k, o);
        }
    }
    out
}

/// A revision of a release from its Secret (`sh.helm.release.v1.NAME.vN`).
fn release(
    sim: &Simulator,
    name: &str,
    version: i64,
) -> Result<hke_core::release::Release, String> {
    let secret_name = format!("sh.helm.release.v1.{name}.v{version}");
    let secret = sim
        .object("v1", "Secret", NAMESPACE, &secret_name)
        .ok_or_else(|| format!("no Secret {secret_name}"))?;
    let data = str_at(&secret, "/data/release");
    let raw = data_encoding::BASE64
        .decode(data.as_bytes())
        .map_err(|e| format!("{secret_name}: base64: {e}"))?;
    let text = String::from_utf8(raw).map_err(|e| format!("{secret_name}: {e}"))?;
    hke_core::storage::decode_release(&text).map_err(|e| format!("{secret_name}: {e}"))
}

/// The manifest's objects as helm's builder reads them (namespaced objects without a
/// namespace get the release's), keyed like [`snapshot`].
fn manifest_objects(manifest: &str, table: &[Resource]) -> Result<Vec<(String, Value)>, String> {
    let docs = hke_core::yaml::parse_all_typed(manifest, "manifest").map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for d in docs {
        let mut obj = d.to_json().map_err(|e| e.to_string())?;
        if !obj.is_object() {
            continue;
        }
        let av = str_at(&obj, "/apiVersion").to_string();
        let kind = str_at(&obj, "/kind").to_string();
        let namespaced = resource(table, &av, &kind).is_none_or(|r| r.namespaced);
        let ns = if namespaced {
            let ns = str_at(&obj, "/metadata/namespace");
            let ns = if ns.is_empty() { NAMESPACE } else { ns }.to_string();
            obj["metadata"]["namespace"] = json!(ns);
            ns
        } else {
            String::new()
        };
        let name = str_at(&obj, "/metadata/name").to_string();
        out.push((key(&av, &kind, &ns, &name), obj));
    }
    Ok(out)
}

/// Helm's ownership label and annotations (`setMetadataVisitor`).
fn with_helm_metadata(mut obj: Value, release: &str) -> Value {
    let meta = &mut obj["metadata"];
    meta["labels"]["app.kubernetes.io/managed-by"] = json!("Helm");
    meta["annotations"]["meta.helm.sh/release-name"] = json!(release);
    meta["annotations"]["meta.helm.sh/release-namespace"] = json!(NAMESPACE);
    obj
}

/// The URL path of an object.
fn object_path(res: &Resource, ns: &str, name: &str) -> String {
    let base = if res.group.is_empty() {
        format!("/api/{}", res.version)
    } else {
        format!("/apis/{}/{}", res.group, res.version)
    };
    if res.namespaced {
        format!("{base}/namespaces/{ns}/{}/{name}", res.plural)
    } else {
        format!("{base}/{}/{name}", res.plural)
    }
}

/// The comparison of helm's strategic merge patches with hke's for one command.
#[derive(Default)]
struct PatchTally {
    /// PATCH requests with the strategic merge content type.
    sent: usize,
    /// Of those, equal to hke's patch.
    equal: usize,
    /// Objects both left alone (hke's patch `{}`, no request).
    unchanged: usize,
    differences: Vec<String>,
}

impl PatchTally {
    fn add(&mut self, other: PatchTally) {
        self.sent += other.sent;
        self.equal += other.equal;
        self.unchanged += other.unchanged;
        self.differences.extend(other.differences);
    }
}

/// Recomputes helm 3's strategic merge patches of one `upgrade`/`rollback`: `log` holds
/// the command's requests, `before` the store before it.
fn compare_patches(
    log: &[LoggedRequest],
    before: &Objects,
    original_manifest: &str,
    target_manifest: &str,
    release: &str,
    table: &[Resource],
) -> Result<PatchTally, String> {
    let originals: HashMap<String, Value> = manifest_objects(original_manifest, table)?
        .into_iter()
        .collect();
    let smp: Vec<&LoggedRequest> = log
        .iter()
        .filter(|r| r.method == "PATCH" && r.content_type.as_deref() == Some(SMP))
        .collect();
    let mut tally = PatchTally {
        sent: smp.len(),
        ..PatchTally::default()
    };
    let mut matched = vec![false; smp.len()];
    for (k, target) in manifest_objects(target_manifest, table)? {
        let av = str_at(&target, "/apiVersion").to_string();
        let kind = str_at(&target, "/kind").to_string();
        let (Some(original), Some(current), Some(res)) = (
            originals.get(&k),
            before.get(&k),
            resource(table, &av, &kind),
        ) else {
            continue; // created, or not a built-in kind
        };
        let Some(schema) = hke_core::patch::helm_schema(&av, &kind) else {
            continue; // helm sends a JSON merge patch
        };
        let target = with_helm_metadata(target, release);
        let (_, patch) = hke_core::patch::helm_patch(original, &target, current, Some(&schema))
            .map_err(|e| format!("{k}: hke: {e}"))?;
        let path = object_path(
            res,
            str_at(&target, "/metadata/namespace"),
            str_at(&target, "/metadata/name"),
        );
        let sent: Vec<usize> = (0..smp.len()).filter(|&i| smp[i].path == path).collect();
        match (sent.as_slice(), patch == json!({})) {
            ([], true) => tally.unchanged += 1,
            ([], false) => tally
                .differences
                .push(format!("{k}: helm sent nothing, hke computed {patch}")),
            ([i], _) => {
                matched[*i] = true;
                let body: Value = serde_json::from_str(&smp[*i].body)
                    .map_err(|e| format!("{k}: helm's patch is not JSON: {e}"))?;
                if body == patch {
                    tally.equal += 1;
                } else {
                    tally
                        .differences
                        .push(format!("{k}: helm sent {body}, hke computed {patch}"));
                }
            }
            (many, _) => {
                for i in many {
                    matched[*i] = true;
                }
                tally
                    .differences
                    .push(format!("{k}: helm sent {} patches", many.len()));
            }
        }
    }
    for (r, m) in smp.iter().zip(&matched) {
        if !m {
            tally.differences.push(format!(
                "PATCH {} matches no object of both manifests: {}",
                r.path, r.body
            ));
        }
    }
    Ok(tally)
}

/// The first object of `kind` in the release's manifest, live.
fn workload(env: &Env, release: &str, version: i64, kind: &str) -> Result<Value, String> {
    let table = builtin();
    let rls = self::release(&env.sim, release, version)?;
    let (k, _) = manifest_objects(&rls.manifest, &table)?
        .into_iter()
        .find(|(_, o)| str_at(o, "/kind") == kind)
        .ok_or_else(|| format!("no {kind} in {release} v{version}"))?;
    let parts: Vec<&str> = k.split('|').collect();
    env.sim
        .object(parts[0], parts[1], parts[2], parts[3])
        .ok_or_else(|| format!("{k} is not in the store"))
}

fn check_field(env: &Env, case: &Case, version: i64, want: Option<&Value>) -> Result<(), String> {
    let w = workload(env, case.release, version, case.kind)?;
    let got = w.pointer(case.pointer);
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "{} {}: {} is {got:?}, want {want:?}",
            case.release, case.kind, case.pointer
        ))
    }
}

fn chart_path(case: &Case) -> Option<String> {
    let p = hke_testkit::shared_dir()?
        .join("corpus/charts")
        .join(case.chart);
    if p.is_dir() {
        Some(p.to_string_lossy().into_owned())
    } else {
        eprintln!("skipping {}: not in the corpus", case.chart);
        None
    }
}

fn set_args(case: &Case) -> Vec<&str> {
    case.set.iter().flat_map(|s| ["--set", *s]).collect()
}

/// What one chart's runs gave.
struct ChartResult {
    index: usize,
    helm3: Result<Helm3Report, String>,
    /// `None` when helm 4 did not run this chart.
    helm4: Option<Result<(), String>>,
}

struct Helm3Report {
    patches: PatchTally,
    /// Hooks of revision 1.
    hooks: usize,
    /// Hook objects helm created (POST) over install, upgrade and rollback.
    hook_creates: usize,
    /// CustomResourceDefinitions in the store after install.
    crds: usize,
}

/// How many hook objects (annotated `helm.sh/hook`) helm created in `log`.
fn hook_creates(log: &[LoggedRequest]) -> usize {
    log.iter()
        .filter(|q| q.method == "POST" && q.status == 201 && q.body.contains("\"helm.sh/hook\""))
        .count()
}

/// Helm 3's lifecycle of one chart.
fn helm3_lifecycle(case: &Case, chart: &str, helm: PathBuf) -> Result<Helm3Report, String> {
    let env = Env::new(&format!("h3-{}", case.release), helm)?;
    let table = builtin();
    let r = case.release;
    env.step(
        &["install", r, chart, "--wait", "--timeout", "120s"],
        &["STATUS: deployed", "REVISION: 1"],
    )?;
    let crds = env
        .sim
        .objects("apiextensions.k8s.io/v1", "CustomResourceDefinition")
        .len();
    if crds != case.crds {
        return Err(format!("{r}: {crds} CRDs installed, want {}", case.crds));
    }
    let mut tally = PatchTally::default();

    let before = snapshot(&env.sim, &table);
    let mark = env.sim.requests().len();
    let mut upgrade = vec!["upgrade", r, chart];
    upgrade.extend(set_args(case));
    env.step(
        &upgrade,
        &[
            &format!("Release \"{r}\" has been upgraded"),
            "STATUS: deployed",
            "REVISION: 2",
        ],
    )?;
    let log = env.sim.requests();
    let (v1, v2) = (release(&env.sim, r, 1)?, release(&env.sim, r, 2)?);
    tally.add(compare_patches(
        &log[mark..],
        &before,
        &v1.manifest,
        &v2.manifest,
        r,
        &table,
    )?);
    check_field(&env, case, 2, Some(&case.upgraded))?;

    let history = env.step(
        &["history", r],
        &["superseded", "deployed", "Upgrade complete"],
    )?;
    if !history.contains("Install complete") {
        return Err(format!("{r}: history\n{history}"));
    }
    let list = env.step(&["list", "-A"], &[r, "deployed"])?;
    if !list
        .lines()
        .any(|l| l.starts_with(r) && l.contains(NAMESPACE))
    {
        return Err(format!("{r}: list -A\n{list}"));
    }
    env.step(
        &["status", r],
        &[&format!("NAME: {r}"), "STATUS: deployed", "REVISION: 2"],
    )?;

    let before = snapshot(&env.sim, &table);
    let mark = env.sim.requests().len();
    env.step(
        &["rollback", r, "1"],
        &["Rollback was a success! Happy Helming!"],
    )?;
    let log = env.sim.requests();
    let v3 = release(&env.sim, r, 3)?;
    if v3.manifest != v1.manifest {
        return Err(format!("{r}: revision 3's manifest is not revision 1's"));
    }
    tally.add(compare_patches(
        &log[mark..],
        &before,
        &v2.manifest,
        &v3.manifest,
        r,
        &table,
    )?);
    check_field(&env, case, 3, case.rolled_back.as_ref())?;
    env.step(&["history", r], &["Rollback to 1"])?;
    env.step(&["status", r], &["STATUS: deployed", "REVISION: 3"])?;

    let live = workload(&env, r, 3, case.kind)?;
    env.step(
        &["uninstall", r],
        &[&format!("release \"{r}\" uninstalled")],
    )?;
    let (ns, name) = (
        str_at(&live, "/metadata/namespace"),
        str_at(&live, "/metadata/name"),
    );
    let av = str_at(&live, "/apiVersion");
    if env.sim.object(av, case.kind, ns, name).is_some() {
        return Err(format!("{r}: {} {name} survived uninstall", case.kind));
    }
    let list = env.step(&["list", "-A"], &[])?;
    if list.lines().any(|l| l.starts_with(r)) {
        return Err(format!("{r}: still listed after uninstall\n{list}"));
    }
    let hooks = v1.hooks.as_ref().map_or(0, Vec::len);
    // hook Jobs are deleted once helm saw them complete (`hook-succeeded`)
    let jobs = env.sim.objects("batch/v1", "Job");
    if !jobs.is_empty() {
        return Err(format!("{r}: {} hook Jobs left", jobs.len()));
    }
    let hook_creates = hook_creates(&env.sim.requests());
    if case.hooks != (hooks > 0) || hook_creates < 2 * hooks {
        return Err(format!(
            "{r}: {hooks} hooks, helm created {hook_creates} hook objects (install and upgrade)"
        ));
    }
    Ok(Helm3Report {
        patches: tally,
        hooks,
        hook_creates,
        crds,
    })
}

/// Helm 4's lifecycle (server-side apply) of one chart.
fn helm4_lifecycle(case: &Case, chart: &str, helm: PathBuf) -> Result<(), String> {
    let env = Env::new(&format!("h4-{}", case.release), helm)?;
    let r = case.release;
    env.step(
        &["install", r, chart, "--wait", "--timeout", "120s"],
        &["STATUS: deployed", "REVISION: 1"],
    )?;
    let mark = env.sim.requests().len();
    let mut upgrade = vec!["upgrade", r, chart, "--wait", "--timeout", "120s"];
    upgrade.extend(set_args(case));
    env.step(
        &upgrade,
        &[&format!("Release \"{r}\" has been upgraded"), "REVISION: 2"],
    )?;
    let applied = env.sim.requests()[mark..].iter().any(|q| {
        q.method == "PATCH" && q.content_type.as_deref() == Some("application/apply-patch+yaml")
    });
    if !applied {
        return Err(format!("{r}: helm 4's upgrade sent no server-side apply"));
    }
    check_field(&env, case, 2, Some(&case.upgraded))?;
    env.step(
        &["rollback", r, "1"],
        &["Rollback was a success! Happy Helming!"],
    )?;
    check_field(&env, case, 3, case.rolled_back.as_ref())?;
    env.step(&["history", r], &["superseded", "Rollback to 1"])?;
    env.step(&["status", r], &["STATUS: deployed", "REVISION: 3"])?;
    let live = workload(&env, r, 3, case.kind)?;
    env.step(
        &["uninstall", r],
        &[&format!("release \"{r}\" uninstalled")],
    )?;
    if env
        .sim
        .object(
            str_at(&live, "/apiVersion"),
            case.kind,
            str_at(&live, "/metadata/namespace"),
            str_at(&live, "/metadata/name"),
        )
        .is_some()
    {
        return Err(format!("{r}: the {} survived uninstall", case.kind));
    }
    Ok(())
}

#[test]
fn corpus_charts_lifecycle_and_strategic_merge_patches() {
    let Some(helm3) = hke_testkit::helm3() else {
        return;
    };
    let helm4 = hke_testkit::helm4();
    let cases = cases();
    let started = Instant::now();
    // each chart against its own simulator; two charts at a time (helm mostly waits)
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (next, cases_ref, helm3, helm4) = (&next, &cases, &helm3, &helm4);
    let results: Vec<ChartResult> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(case) = cases_ref.get(i) else {
                            break;
                        };
                        let Some(chart) = chart_path(case) else {
                            continue;
                        };
                        let h3 = helm3_lifecycle(case, &chart, helm3.clone());
                        let h4 = helm4
                            .as_ref()
                            .map(|h| helm4_lifecycle(case, &chart, h.clone()));
                        out.push(ChartResult {
                            index: i,
                            helm3: h3,
                            helm4: h4,
                        });
                    }
                    out
                })
            })
            .collect();
        let mut all: Vec<_> = workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker thread"))
            .collect();
        all.sort_by_key(|r| r.index);
        all
    });
    let mut total = PatchTally::default();
    let mut failures = Vec::new();
    for r in results {
        let case = &cases[r.index];
        let h3_line = match r.helm3 {
            Ok(rep) => {
                let t = rep.patches;
                let line = format!(
                    "helm3 ok ({} hooks, {} hook objects created, {} CRDs), strategic merge patches {}/{} equal, {} unchanged objects agreed",
                    rep.hooks, rep.hook_creates, rep.crds, t.equal, t.sent, t.unchanged
                );
                total.add(t);
                line
            }
            Err(e) => {
                failures.push(format!("{}: helm3: {e}", case.chart));
                "helm3 FAILED".to_string()
            }
        };
        let h4_line = match r.helm4 {
            None => "helm4 not run".to_string(),
            Some(Ok(())) => "helm4 ok".to_string(),
            Some(Err(e)) => {
                failures.push(format!("{}: helm4: {e}", case.chart));
                "helm4 FAILED".to_string()
            }
        };
        println!("{}: {h3_line}; {h4_line}", case.chart);
    }
    println!(
        "strategic merge patches: {}/{} equal to hke's, {} unchanged objects agreed ({:.1?})",
        total.equal,
        total.sent,
        total.unchanged,
        started.elapsed()
    );
    for d in &total.differences {
        println!("difference: {d}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        total.differences.is_empty(),
        "{}",
        total.differences.join("\n")
    );
    assert_eq!(total.equal, total.sent);
}
