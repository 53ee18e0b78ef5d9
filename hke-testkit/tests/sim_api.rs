//! The simulator's HTTP API, driven by a raw HTTP client: discovery, CRUD, Status errors,
//! auth, selectors, merge patch, dryRun, the request log.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use hke_testkit::sim::{Config, Simulator};
use serde_json::{json, Value};

fn call(
    sim: &Simulator,
    method: &str,
    path: &str,
    ct: &str,
    body: &str,
    token: Option<&str>,
) -> (u16, Value) {
    let mut s = TcpStream::connect(sim.addr()).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: {ct}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    let (head, body) = out.split_once("\r\n\r\n").expect("response head");
    let code: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status");
    (code, serde_json::from_str(body).expect("json body"))
}

fn get(sim: &Simulator, path: &str) -> (u16, Value) {
    call(sim, "GET", path, "application/json", "", None)
}

const CM: &str = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1","labels":{"app":"a"}},"data":{"k":"v"}}"#;

#[test]
fn version_and_discovery() {
    let sim = Simulator::start(Config::default()).unwrap();
    let (c, v) = get(&sim, "/version");
    assert_eq!((c, v["major"].as_str()), (200, Some("1")));
    let (_, apis) = get(&sim, "/apis");
    let names: Vec<&str> = apis["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert!(
        names.contains(&"apps") && names.contains(&"batch"),
        "{names:?}"
    );
    let (_, apps) = get(&sim, "/apis/apps/v1");
    let dep = apps["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "deployments")
        .unwrap();
    assert_eq!(dep["kind"], "Deployment");
    assert_eq!(dep["namespaced"], true);
    assert_eq!(get(&sim, "/apis/nope/v1").0, 404);
}

#[test]
fn create_get_conflict_and_status_errors() {
    let sim = Simulator::start(Config::default()).unwrap();
    let p = "/api/v1/namespaces/default/configmaps";
    let (c, obj) = call(&sim, "POST", p, "application/json", CM, None);
    assert_eq!(c, 201);
    assert_eq!(obj["metadata"]["namespace"], "default");
    assert!(obj["metadata"]["uid"]
        .as_str()
        .is_some_and(|u| !u.is_empty()));
    let rv = obj["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let (c, st) = call(&sim, "POST", p, "application/json", CM, None);
    assert_eq!(
        (c, st["reason"].as_str(), st["kind"].as_str()),
        (409, Some("AlreadyExists"), Some("Status"))
    );
    assert_eq!(st["message"], "configmaps \"c1\" already exists");
    let (c, st) = get(&sim, "/api/v1/namespaces/default/configmaps/nope");
    assert_eq!((c, st["reason"].as_str()), (404, Some("NotFound")));
    assert_eq!(st["message"], "configmaps \"nope\" not found");
    // missing namespace
    let (c, st) = call(
        &sim,
        "POST",
        "/api/v1/namespaces/ghost/configmaps",
        "application/json",
        CM,
        None,
    );
    assert_eq!(
        (c, st["message"].as_str()),
        (404, Some("namespaces \"ghost\" not found"))
    );
    // update with the current resourceVersion works, a stale one conflicts
    let mut upd: Value = serde_json::from_str(CM).unwrap();
    upd["metadata"]["resourceVersion"] = json!(rv);
    upd["data"]["k"] = json!("w");
    let (c, newer) = call(
        &sim,
        "PUT",
        &format!("{p}/c1"),
        "application/json",
        &upd.to_string(),
        None,
    );
    assert_eq!(c, 200);
    assert_ne!(newer["metadata"]["resourceVersion"], json!(rv));
    let (c, st) = call(
        &sim,
        "PUT",
        &format!("{p}/c1"),
        "application/json",
        &upd.to_string(),
        None,
    );
    assert_eq!((c, st["reason"].as_str()), (409, Some("Conflict")));
    // invalid name
    let bad = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}"#;
    let (c, st) = call(&sim, "POST", p, "application/json", bad, None);
    assert_eq!((c, st["reason"].as_str()), (422, Some("Invalid")));
}

#[test]
fn generate_name_generation_selectors_patch_dry_run_delete() {
    let sim = Simulator::start(Config::default()).unwrap();
    let p = "/apis/apps/v1/namespaces/default/deployments";
    let d = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generateName":"web-","labels":{"tier":"web"}},"spec":{"replicas":1}}"#;
    let (c, obj) = call(&sim, "POST", p, "application/json", d, None);
    assert_eq!(c, 201);
    let name = obj["metadata"]["name"].as_str().unwrap().to_string();
    assert!(name.starts_with("web-") && name.len() == 9, "{name}");
    assert_eq!(obj["metadata"]["generation"], 1);
    let (c, patched) = call(
        &sim,
        "PATCH",
        &format!("{p}/{name}"),
        "application/merge-patch+json",
        r#"{"spec":{"replicas":3}}"#,
        None,
    );
    assert_eq!(c, 200);
    assert_eq!(
        (
            patched["spec"]["replicas"].as_i64(),
            patched["metadata"]["generation"].as_i64()
        ),
        (Some(3), Some(2))
    );
    // metadata-only change keeps the generation
    let (_, p2) = call(
        &sim,
        "PATCH",
        &format!("{p}/{name}"),
        "application/merge-patch+json",
        r#"{"metadata":{"labels":{"x":"y"}}}"#,
        None,
    );
    assert_eq!(p2["metadata"]["generation"], 2);
    let (_, l) = get(&sim, &format!("{p}?labelSelector=tier%3Dweb"));
    assert_eq!(l["items"].as_array().map(Vec::len), Some(1));
    let (_, l) = get(&sim, &format!("{p}?labelSelector=tier%3Ddb"));
    assert_eq!(l["items"].as_array().map(Vec::len), Some(0));
    let (_, l) = get(
        &sim,
        &format!("/apis/apps/v1/deployments?fieldSelector=metadata.name%3D{name}"),
    );
    assert_eq!(l["items"].as_array().map(Vec::len), Some(1));
    // strategic merge patch goes through hke's patch core
    let (c, d) = call(
        &sim,
        "PATCH",
        &format!("{p}/{name}"),
        "application/strategic-merge-patch+json",
        r#"{"metadata":{"labels":{"smp":"yes"}}}"#,
        None,
    );
    assert_eq!(
        (c, d["metadata"]["labels"]["smp"].as_str()),
        (200, Some("yes"))
    );
    // server-side apply needs a field manager, and JSON bodies
    let (c, st) = call(
        &sim,
        "PATCH",
        &format!("{p}/{name}"),
        "application/apply-patch+yaml",
        "{}",
        None,
    );
    assert_eq!((c, st["reason"].as_str()), (422, Some("Invalid")));
    let (c, st) = call(
        &sim,
        "PATCH",
        &format!("{p}/{name}?fieldManager=t"),
        "application/apply-patch+yaml",
        "data:\n  k: v\n",
        None,
    );
    assert_eq!(
        (c, st["reason"].as_str()),
        (415, Some("UnsupportedMediaType"))
    );
    // an unknown patch type is a clear 415
    let (c, st) = call(
        &sim,
        "PATCH",
        &format!("{p}/{name}"),
        "application/x-nope",
        "{}",
        None,
    );
    assert_eq!(
        (c, st["reason"].as_str()),
        (415, Some("UnsupportedMediaType"))
    );
    // dryRun leaves the store alone
    let (c, _) = call(
        &sim,
        "DELETE",
        &format!("{p}/{name}?dryRun=All"),
        "application/json",
        "",
        None,
    );
    assert_eq!(c, 200);
    assert!(sim
        .object("apps/v1", "Deployment", "default", &name)
        .is_some());
    let (c, _) = call(
        &sim,
        "DELETE",
        &format!("{p}/{name}"),
        "application/json",
        "",
        None,
    );
    assert_eq!(c, 200);
    assert!(sim
        .object("apps/v1", "Deployment", "default", &name)
        .is_none());
    // the request log saw the patch body and content type
    let log = sim.requests();
    assert!(log.iter().any(|r| r.method == "PATCH"
        && r.content_type.as_deref() == Some("application/merge-patch+json")
        && r.body.contains("\"replicas\":3")));
}

#[test]
fn bearer_tokens() {
    let sim = Simulator::start(Config {
        tokens: Some(vec!["good".into()]),
        ..Config::default()
    })
    .unwrap();
    let (c, st) = call(
        &sim,
        "GET",
        "/api/v1/namespaces",
        "application/json",
        "",
        None,
    );
    assert_eq!((c, st["reason"].as_str()), (401, Some("Unauthorized")));
    let (c, _) = call(
        &sim,
        "GET",
        "/api/v1/namespaces",
        "application/json",
        "",
        Some("bad"),
    );
    assert_eq!(c, 401);
    let (c, l) = call(
        &sim,
        "GET",
        "/api/v1/namespaces",
        "application/json",
        "",
        Some("good"),
    );
    assert_eq!(c, 200);
    assert!(l["items"].as_array().is_some_and(|i| i.len() >= 4));
    let none = Simulator::start(Config {
        tokens: Some(vec![]),
        ..Config::default()
    })
    .unwrap();
    assert_eq!(
        call(
            &none,
            "GET",
            "/version",
            "application/json",
            "",
            Some("good")
        )
        .0,
        401
    );
    assert!(sim.kubeconfig().contains("token: \"good\""));
}

/// Reads a whole (chunked) watch response; returns the event lines.
fn watch_lines(addr: std::net::SocketAddr, path: &str) -> Vec<Value> {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("read");
    let out = String::from_utf8_lossy(&out).into_owned();
    let (head, mut rest) = out.split_once("\r\n\r\n").expect("head");
    assert!(head.contains("Transfer-Encoding: chunked"), "{head}");
    let mut body = String::new();
    for _ in 0..10_000 {
        let Some((size, after)) = rest.split_once("\r\n") else {
            break;
        };
        let n = usize::from_str_radix(size.trim(), 16).expect("chunk size");
        if n == 0 {
            break;
        }
        body.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
    body.lines()
        .map(|l| serde_json::from_str(l).expect("event json"))
        .collect()
}

#[test]
fn watch_streams_changes_from_a_resource_version() {
    let sim = Simulator::start(Config::default()).unwrap();
    let p = "/api/v1/namespaces/default/configmaps";
    assert_eq!(call(&sim, "POST", p, "application/json", CM, None).0, 201);
    let (_, list) = get(&sim, p);
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let addr = sim.addr();
    let w = std::thread::spawn(move || {
        watch_lines(
            addr,
            &format!("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={rv}&timeoutSeconds=2"),
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    let (c, _) = call(
        &sim,
        "PATCH",
        &format!("{p}/c1"),
        "application/merge-patch+json",
        r#"{"data":{"k":"v2"}}"#,
        None,
    );
    assert_eq!(c, 200);
    // another namespace and another kind do not show up
    let other = CM.replace("\"c1\"", "\"c2\"");
    assert_eq!(
        call(
            &sim,
            "POST",
            "/api/v1/namespaces/kube-system/configmaps",
            "application/json",
            &other,
            None
        )
        .0,
        201
    );
    assert_eq!(
        call(
            &sim,
            "DELETE",
            &format!("{p}/c1"),
            "application/json",
            "",
            None
        )
        .0,
        200
    );
    let start = std::time::Instant::now();
    let events = w.join().unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(kinds, ["MODIFIED", "DELETED"], "{events:#?}");
    assert_eq!(events[0]["object"]["data"]["k"], "v2");
    // without a resource version: the current objects as ADDED first
    let events = watch_lines(
        addr,
        "/api/v1/configmaps?watch=true&timeoutSeconds=1&labelSelector=app%3Da",
    );
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0]["type"], "ADDED");
    assert_eq!(events[0]["object"]["metadata"]["name"], "c2");
    // a watch on an unknown resource is a plain 404
    assert_eq!(get(&sim, "/api/v1/nope?watch=1").0, 404);
}

#[test]
fn injected_faults_and_latency() {
    use hke_testkit::sim::Faults;
    let sim = Simulator::start(Config {
        faults: Faults {
            error_rate: 1.0,
            error_codes: vec![503],
            ..Faults::default()
        },
        ..Config::default()
    })
    .unwrap();
    let (c, st) = get(&sim, "/api/v1/namespaces/default/configmaps");
    assert_eq!(
        (c, st["reason"].as_str()),
        (503, Some("ServiceUnavailable"))
    );
    // discovery is exempt by default
    assert_eq!(get(&sim, "/api/v1").0, 200);
    drop(sim);

    let sim = Simulator::start(Config {
        faults: Faults {
            error_rate: 0.3,
            error_codes: vec![500, 429],
            latency: Duration::from_millis(20),
            seed: 7,
            ..Faults::default()
        },
        ..Config::default()
    })
    .unwrap();
    let start = std::time::Instant::now();
    let codes: Vec<u16> = (0..100)
        .map(|_| get(&sim, "/api/v1/namespaces").0)
        .collect();
    assert!(start.elapsed() >= Duration::from_millis(2000));
    let failed = codes.iter().filter(|c| **c != 200).count();
    assert!((15..=45).contains(&failed), "{failed} of 100 failed");
    assert!(codes.contains(&500) && codes.contains(&429), "{codes:?}");
    assert!(sim.requests().iter().filter(|r| r.status != 200).count() == failed);
    drop(sim);

    // dropped connections: no answer at all
    let sim = Simulator::start(Config {
        faults: Faults {
            drop_rate: 1.0,
            ..Faults::default()
        },
        ..Config::default()
    })
    .unwrap();
    let mut s = TcpStream::connect(sim.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    assert!(out.is_empty());
    assert_eq!(sim.requests().last().map(|r| r.status), Some(0));
}

fn wait_for(sim: &Simulator, path: &str, ok: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..100 {
        let (c, v) = get(sim, path);
        if c == 200 && ok(&v) {
            return v;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {path}");
}

const DEPLOY: &str = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"NAME"}},"template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}"#;

#[test]
fn delete_propagation_and_owner_garbage_collection() {
    let sim = Simulator::start(Config::default()).unwrap();
    let deps = "/apis/apps/v1/namespaces/default/deployments";
    let rss = "/apis/apps/v1/namespaces/default/replicasets";
    for name in ["bg", "orphan", "fg"] {
        let body = DEPLOY.replace("NAME", name);
        assert_eq!(
            call(&sim, "POST", deps, "application/json", &body, None).0,
            201
        );
    }
    let count = |l: &Value| l["items"].as_array().map_or(0, Vec::len);
    wait_for(&sim, rss, |l| count(l) == 3);
    // default (Background): the ReplicaSet goes with its Deployment
    assert_eq!(
        call(
            &sim,
            "DELETE",
            &format!("{deps}/bg"),
            "application/json",
            "",
            None
        )
        .0,
        200
    );
    // Orphan via DeleteOptions: the ReplicaSet stays, without its owner reference
    let orphan = r#"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Orphan"}"#;
    assert_eq!(
        call(
            &sim,
            "DELETE",
            &format!("{deps}/orphan"),
            "application/json",
            orphan,
            None
        )
        .0,
        200
    );
    // Foreground via the query parameter
    assert_eq!(
        call(
            &sim,
            "DELETE",
            &format!("{deps}/fg?propagationPolicy=Foreground"),
            "application/json",
            "",
            None
        )
        .0,
        200
    );
    let (_, l) = get(&sim, rss);
    let items = l["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{l:#}");
    assert!(items[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .starts_with("orphan-"));
    assert!(items[0]["metadata"].get("ownerReferences").is_none());
    let name = items[0]["metadata"]["name"].as_str().unwrap();
    let (c, st) = call(
        &sim,
        "DELETE",
        &format!("{rss}/{name}?propagationPolicy=Sideways"),
        "application/json",
        "",
        None,
    );
    assert_eq!((c, st["reason"].as_str()), (422, Some("Invalid")));
}

#[test]
fn status_subresource_is_split_from_the_main_resource() {
    let sim = Simulator::start(Config {
        no_controllers: true,
        ..Config::default()
    })
    .unwrap();
    let deps = "/apis/apps/v1/namespaces/default/deployments";
    let body = DEPLOY.replace("NAME", "s");
    assert_eq!(
        call(&sim, "POST", deps, "application/json", &body, None).0,
        201
    );
    // a status sent to the main resource is ignored
    let (c, d) = call(
        &sim,
        "PATCH",
        &format!("{deps}/s"),
        "application/merge-patch+json",
        r#"{"spec":{"replicas":3},"status":{"readyReplicas":3}}"#,
        None,
    );
    assert_eq!(c, 200);
    assert_eq!(d["spec"]["replicas"], 3);
    assert!(d.get("status").is_none(), "{d:#}");
    // /status changes nothing but the status
    let (c, d) = call(
        &sim,
        "PATCH",
        &format!("{deps}/s/status"),
        "application/merge-patch+json",
        r#"{"spec":{"replicas":9},"status":{"readyReplicas":3}}"#,
        None,
    );
    assert_eq!(c, 200);
    assert_eq!(
        (
            d["spec"]["replicas"].as_i64(),
            d["status"]["readyReplicas"].as_i64()
        ),
        (Some(3), Some(3))
    );
    assert_eq!(d["metadata"]["generation"], 2);
    assert_eq!(
        call(
            &sim,
            "DELETE",
            &format!("{deps}/s/status"),
            "application/json",
            "",
            None
        )
        .0,
        405
    );
    // kinds without a status subresource have no /status
    let cms = "/api/v1/namespaces/default/configmaps";
    assert_eq!(call(&sim, "POST", cms, "application/json", CM, None).0, 201);
    assert_eq!(get(&sim, &format!("{cms}/c1/status")).0, 404);
    // without controllers nothing writes a status
    std::thread::sleep(Duration::from_millis(300));
    let (_, rs) = get(&sim, "/apis/apps/v1/namespaces/default/replicasets");
    assert_eq!(rs["items"].as_array().map(Vec::len), Some(0));
}

#[test]
fn finalizers_hold_deleted_objects() {
    let sim = Simulator::start(Config::default()).unwrap();
    let p = "/api/v1/namespaces/default/configmaps";
    let held = CM.replace(
        r#""name":"c1","#,
        r#""name":"c1","finalizers":["example.com/hold"],"#,
    );
    assert_eq!(
        call(&sim, "POST", p, "application/json", &held, None).0,
        201
    );
    let (c, d) = call(
        &sim,
        "DELETE",
        &format!("{p}/c1"),
        "application/json",
        "",
        None,
    );
    assert_eq!(c, 200);
    assert!(d["metadata"]["deletionTimestamp"].is_string(), "{d:#}");
    // still there, still marked, even after an update that leaves the mark out
    let (c, o) = get(&sim, &format!("{p}/c1"));
    assert_eq!(c, 200);
    let mut put = o.clone();
    put["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("deletionTimestamp");
    put["data"]["k"] = json!("v2");
    let (c, o) = call(
        &sim,
        "PUT",
        &format!("{p}/c1"),
        "application/json",
        &put.to_string(),
        None,
    );
    assert_eq!(c, 200);
    assert!(o["metadata"]["deletionTimestamp"].is_string());
    // removing the last finalizer deletes it
    let (c, _) = call(
        &sim,
        "PATCH",
        &format!("{p}/c1"),
        "application/merge-patch+json",
        r#"{"metadata":{"finalizers":null}}"#,
        None,
    );
    assert_eq!(c, 200);
    assert_eq!(get(&sim, &format!("{p}/c1")).0, 404);
}

#[test]
fn dangling_dependents_are_garbage_collected() {
    let sim = Simulator::start(Config::default()).unwrap();
    let p = "/api/v1/namespaces/default/configmaps";
    let owned = CM.replace(
        r#""name":"c1","#,
        r#""name":"c1","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"gone","uid":"no-such-uid"}],"#,
    );
    assert_eq!(
        call(&sim, "POST", p, "application/json", &owned, None).0,
        201
    );
    let kept = CM.replace(r#""name":"c1","#, r#""name":"c2","#);
    assert_eq!(
        call(&sim, "POST", p, "application/json", &kept, None).0,
        201
    );
    wait_for(&sim, p, |l| {
        l["items"]
            .as_array()
            .is_some_and(|i| i.len() == 1 && i[0]["metadata"]["name"] == "c2")
    });
}

#[test]
fn watch_bookmarks_when_allowed() {
    let sim = Simulator::start(Config::default()).unwrap();
    let events = watch_lines(
        sim.addr(),
        "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=11",
    );
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "BOOKMARK"
                && e["object"]["metadata"]["resourceVersion"].is_string()),
        "{events:#?}"
    );
}

#[test]
fn direct_store_access_for_tests() {
    let sim = Simulator::start(Config {
        no_controllers: true,
        ..Config::default()
    })
    .unwrap();
    let cm: Value = serde_json::from_str(CM).unwrap();
    let created = sim.create(cm.clone()).unwrap();
    assert_eq!(created["metadata"]["namespace"], "default");
    assert_eq!(sim.create(cm).unwrap_err().code, 409);
    assert_eq!(sim.objects("v1", "ConfigMap").len(), 1);
    let bad = json!({"apiVersion": "nope/v1", "kind": "X", "metadata": {"name": "x"}});
    assert_eq!(sim.create(bad).unwrap_err().code, 400);
    assert!(sim.requests().is_empty());
}

#[test]
fn namespaces_terminate_until_their_contents_are_gone() {
    let sim = Simulator::start(Config::default()).unwrap();
    let ns = r#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"t"}}"#;
    assert_eq!(
        call(
            &sim,
            "POST",
            "/api/v1/namespaces",
            "application/json",
            ns,
            None
        )
        .0,
        201
    );
    let p = "/api/v1/namespaces/t/configmaps";
    let plain = CM.replace(r#""name":"c1","#, r#""name":"plain","#);
    assert_eq!(
        call(&sim, "POST", p, "application/json", &plain, None).0,
        201
    );
    let held = CM.replace(
        r#""name":"c1","#,
        r#""name":"held","finalizers":["example.com/x"],"#,
    );
    assert_eq!(
        call(&sim, "POST", p, "application/json", &held, None).0,
        201
    );
    let (c, n) = call(
        &sim,
        "DELETE",
        "/api/v1/namespaces/t",
        "application/json",
        "",
        None,
    );
    assert_eq!(c, 200);
    assert_eq!(n["status"]["phase"], "Terminating", "{n:#}");
    // the plain object went at once; new content is refused
    assert_eq!(get(&sim, &format!("{p}/plain")).0, 404);
    let (c, st) = call(&sim, "POST", p, "application/json", &plain, None);
    assert_eq!((c, st["reason"].as_str()), (403, Some("Forbidden")));
    // removing the finalizer lets the object, then the namespace, go
    let (c, _) = call(
        &sim,
        "PATCH",
        &format!("{p}/held"),
        "application/merge-patch+json",
        r#"{"metadata":{"finalizers":null}}"#,
        None,
    );
    assert_eq!(c, 200);
    assert_eq!(get(&sim, "/api/v1/namespaces/t").0, 404);
}

#[test]
fn custom_resources_are_pruned_to_their_schema() {
    let sim = Simulator::start(Config::default()).unwrap();
    let crd = r#"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
        "metadata":{"name":"gizmos.example.com"},
        "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"gizmos","kind":"Gizmo"},
          "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{
            "type":"object","properties":{
              "spec":{"type":"object","properties":{"size":{"type":"integer"},
                "parts":{"type":"array","items":{"type":"object","properties":{"n":{"type":"string"}}}},
                "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}}}]}}"#;
    let crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    assert_eq!(
        call(&sim, "POST", crds, "application/json", crd, None).0,
        201
    );
    let p = "/apis/example.com/v1/namespaces/default/gizmos";
    let g = r#"{"apiVersion":"example.com/v1","kind":"Gizmo","metadata":{"name":"g"},
        "spec":{"size":1,"color":"red","parts":[{"n":"a","m":"b"}],"extra":{"anything":1}}}"#;
    let (c, st) = call(
        &sim,
        "POST",
        &format!("{p}?fieldValidation=Strict"),
        "application/json",
        g,
        None,
    );
    assert_eq!(c, 400);
    assert_eq!(
        st["message"],
        "Gizmo in version \"v1\" cannot be handled as a Gizmo: strict decoding error: unknown field \"spec.color\", unknown field \"spec.parts[0].m\""
    );
    let (c, o) = call(&sim, "POST", p, "application/json", g, None);
    assert_eq!(c, 201);
    assert_eq!(
        o["spec"],
        json!({"size": 1, "parts": [{"n": "a"}], "extra": {"anything": 1}})
    );
}
