//! A loopback Kubernetes API server simulator for end-to-end tests.
//!
//! [`Simulator::start`] binds `127.0.0.1:0` (plain HTTP, or HTTPS with [`Config::tls`])
//! and serves what kubectl 1.32 and helm 3/4 use: `/version`, legacy discovery for the
//! built-in kinds of [`resources::builtin`] and for custom resources of created CRDs,
//! OpenAPI v2/v3 documents ([`openapi`]), create/get/list/update/patch (merge, JSON,
//! strategic, simplified server-side apply)/delete with Kubernetes' metadata semantics
//! ([`store`]), watches, `/status` and `/scale` subresources, Tables ([`table`]), pod
//! logs, and simulated controllers that move workloads to ready ([`controllers`]).
//! Faults can be injected ([`Faults`]). Every request is recorded in a log that tests read
//! with [`Simulator::requests`]. The server stops when the handle is dropped.
//!
//! See `hke-testkit/README.md` for the details and for what the simulator does not do.

pub mod controllers;
pub mod fields;
pub mod http;
pub mod openapi;
pub mod proto;
pub mod resources;
pub mod store;
pub mod table;

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use http::Request;
use serde_json::{json, Value};
use store::{ApiError, Store};

/// Simulator configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Accepted bearer tokens. `None`: no authentication (every request is allowed).
    /// `Some(list)`: requests must carry `Authorization: Bearer <t>` with `t` in the list,
    /// otherwise they get a 401 `Unauthorized` Status (an empty list rejects everything).
    pub tokens: Option<Vec<String>>,
    /// Turns the simulated controllers off (objects then keep the status clients write).
    pub no_controllers: bool,
    /// Fault injection (none by default).
    pub faults: Faults,
    /// Serve HTTPS with a fresh self-signed certificate for `127.0.0.1` and `localhost`
    /// (the kubeconfig carries it as `certificate-authority-data`). client-go sends bearer
    /// tokens only over TLS, so this is how token auth is tested with kubectl and helm.
    pub tls: bool,
}

/// The TLS side of an HTTPS simulator.
struct Tls {
    config: Arc<rustls::ServerConfig>,
    /// The certificate, PEM.
    cert_pem: String,
}

fn make_tls() -> io::Result<Tls> {
    let err = |e: &dyn std::fmt::Display| io::Error::other(format!("tls setup: {e}"));
    let ck =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .map_err(|e| err(&e))?;
    let key = rustls::pki_types::PrivatePkcs8KeyDer::from(ck.key_pair.serialize_der());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| err(&e))?
    .with_no_client_auth()
    .with_single_cert(vec![ck.cert.der().clone()], key.into())
    .map_err(|e| err(&e))?;
    Ok(Tls {
        config: Arc::new(config),
        cert_pem: ck.cert.pem(),
    })
}

/// Injected faults: a fraction of API requests fail, and every request can be delayed.
///
/// Which requests fail is decided by a counter-seeded generator, so a run with the same
/// requests in the same order fails the same ones. `/version`, `/healthz`-style probes,
/// discovery and OpenAPI documents are exempt unless `include_discovery` is set.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Fraction of requests (0.0 to 1.0) answered with an error instead.
    pub error_rate: f64,
    /// Status codes to pick from for injected errors (500, 503 or 429 are typical; empty
    /// means 500). 429 and 503 answers carry `Retry-After: 1`.
    pub error_codes: Vec<u16>,
    /// Delay added before every answer (capped at 10 s).
    pub latency: Duration,
    /// Also fail discovery and OpenAPI requests.
    pub include_discovery: bool,
    /// Seed of the generator.
    pub seed: u64,
    /// Fraction of requests (0.0 to 1.0, drawn before `error_rate`) whose connection is
    /// closed without an answer (logged with status 0).
    pub drop_rate: f64,
}

/// What fault injection does to one request.
enum Fault {
    Error(ApiError),
    Drop,
}

/// One recorded request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path (decoded, without query).
    pub path: String,
    /// Raw query string.
    pub query: String,
    /// `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Request body, lossily decoded as UTF-8.
    pub body: String,
    /// Response status code.
    pub status: u16,
}

struct Shared {
    config: Config,
    tls: Option<Tls>,
    /// Requests seen so far (drives fault injection).
    counter: std::sync::atomic::AtomicU64,
    store: Mutex<Store>,
    log: Mutex<Vec<LoggedRequest>>,
    stop: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running simulator; dropping it stops the server.
pub struct Simulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    controllers: Option<JoinHandle<()>>,
}

/// Longest a connection may stay silent before it is dropped.
const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// Most requests kept in the log (older ones are dropped).
const MAX_LOG: usize = 100_000;

impl Simulator {
    /// Starts a simulator on a free loopback port.
    pub fn start(config: Config) -> io::Result<Simulator> {
        Self::start_on("127.0.0.1:0", config)
    }

    /// Starts a simulator on the given loopback address (`127.0.0.1:PORT`).
    pub fn start_on(addr: &str, config: Config) -> io::Result<Simulator> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the simulator only binds loopback addresses",
            ));
        }
        listener.set_nonblocking(true)?;
        let tls = if config.tls { Some(make_tls()?) } else { None };
        let shared = Arc::new(Shared {
            config,
            tls,
            counter: std::sync::atomic::AtomicU64::new(0),
            store: Mutex::new(Store::new()),
            log: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let s = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("hke-sim-accept".into())
            .spawn(move || accept_loop(listener, s))?;
        let controllers = if shared.config.no_controllers {
            None
        } else {
            let s = Arc::clone(&shared);
            Some(
                std::thread::Builder::new()
                    .name("hke-sim-controllers".into())
                    .spawn(move || controller_loop(&s))?,
            )
        };
        Ok(Simulator {
            addr,
            shared,
            thread: Some(thread),
            controllers,
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` (`https://` with [`Config::tls`]).
    pub fn url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// The server certificate (PEM) of an HTTPS simulator.
    pub fn certificate_pem(&self) -> Option<String> {
        self.shared.tls.as_ref().map(|t| t.cert_pem.clone())
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A kubeconfig pointing at this simulator (with the first configured token, if any).
    pub fn kubeconfig(&self) -> String {
        let token = self
            .shared
            .config
            .tokens
            .as_ref()
            .and_then(|t| t.first())
            .map(|t| format!("\n    token: {}", serde_json::Value::String(t.clone())))
            .unwrap_or_default();
        let ca = self
            .certificate_pem()
            .map(|pem| {
                format!(
                    "\n    certificate-authority-data: {}",
                    data_encoding::BASE64.encode(pem.as_bytes())
                )
            })
            .unwrap_or_default();
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: hke-sim\n  cluster:\n    server: {}{ca}\ncontexts:\n- name: hke-sim\n  context:\n    cluster: hke-sim\n    user: hke-sim\n    namespace: default\ncurrent-context: hke-sim\nusers:\n- name: hke-sim\n  user:{}\n",
            self.url(),
            if token.is_empty() { " {}" } else { &token }
        )
    }

    /// Writes [`Self::kubeconfig`] to `path`.
    pub fn write_kubeconfig(&self, path: &Path) -> io::Result<()> {
        std::fs::write(path, self.kubeconfig())
    }

    /// A copy of the request log so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).clone()
    }

    /// The stored object, if any (`api_version` as in objects, `namespace` empty for
    /// cluster-scoped kinds).
    pub fn object(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Option<Value> {
        lock(&self.shared.store).find(api_version, kind, namespace, name)
    }

    /// Creates an object directly in the store (no HTTP, no request log), as a POST would:
    /// the kind is found by `apiVersion` and `kind`, the namespace from
    /// `metadata.namespace` (default `default`).
    pub fn create(&self, obj: Value) -> Result<Value, ApiError> {
        let av = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let mut st = lock(&self.shared.store);
        st.set_field_manager(None);
        let res = st.resource_of(av, kind).ok_or_else(|| {
            ApiError::bad_request(&format!("no kind {kind:?} is served in {av:?}"))
        })?;
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("default")
            .to_string();
        st.create(
            &res,
            Some(ns.as_str()).filter(|_| res.namespaced),
            obj,
            false,
        )
    }

    /// Every stored object of a kind (`api_version` as in objects), all namespaces.
    pub fn objects(&self, api_version: &str, kind: &str) -> Vec<Value> {
        let st = lock(&self.shared.store);
        st.resource_of(api_version, kind)
            .map(|r| st.objects_of(&r))
            .unwrap_or_default()
    }

    /// Stops the server and waits for the accept loop to end.
    pub fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(t) = self.controllers.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let s = Arc::clone(&shared);
                let _ = std::thread::Builder::new()
                    .name("hke-sim-conn".into())
                    .spawn(move || serve(stream, &s));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// Most latency [`Faults::latency`] adds.
const MAX_LATENCY: Duration = Duration::from_secs(10);

/// Sleeps the configured latency, then decides whether this request fails.
fn injected_fault(req: &Request, shared: &Shared) -> Option<Fault> {
    let f = &shared.config.faults;
    if !f.latency.is_zero() {
        std::thread::sleep(f.latency.min(MAX_LATENCY));
    }
    if f.error_rate <= 0.0 && f.drop_rate <= 0.0 {
        return None;
    }
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    let discovery = matches!(
        segs.as_slice(),
        [] | ["version"]
            | ["healthz"]
            | ["readyz"]
            | ["livez"]
            | ["api"]
            | ["apis"]
            | ["api", _]
            | ["apis", _, _]
            | ["openapi", ..]
    );
    if discovery && !f.include_discovery {
        return None;
    }
    let n = shared.counter.fetch_add(1, Ordering::SeqCst);
    // splitmix64 of (seed, n): uniform in [0, 1)
    let mut z = f.seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let x = (z >> 11) as f64 / (1u64 << 53) as f64;
    if x < f.drop_rate {
        return Some(Fault::Drop);
    }
    if x >= f.drop_rate + f.error_rate {
        return None;
    }
    let code = if f.error_codes.is_empty() {
        500
    } else {
        f.error_codes[(z % f.error_codes.len() as u64) as usize]
    };
    let (reason, message) = match code {
        429 => ("TooManyRequests", "the server has received too many requests and has asked us to try again later (injected by the hke simulator)"),
        503 => ("ServiceUnavailable", "the server is currently unable to handle the request (injected by the hke simulator)"),
        504 => ("Timeout", "the server was unable to return a response in the time allotted (injected by the hke simulator)"),
        _ => ("InternalError", "an error on the server has prevented the request from succeeding (injected by the hke simulator)"),
    };
    Some(Fault::Error(ApiError::new(code, reason, message)))
}

fn controller_loop(shared: &Shared) {
    let mut c = controllers::Controllers::default();
    while !shared.stop.load(Ordering::SeqCst) {
        c.tick(&mut lock(&shared.store));
        std::thread::sleep(controllers::TICK);
    }
}

/// `GET /api/v1/namespaces/NS/pods/NAME/log`: the pod's `sim.hke.dev/logs` annotation.
fn pod_log(req: &Request, shared: &Shared) -> Option<Result<String, ApiError>> {
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    let ["api", "v1", "namespaces", ns, "pods", name, "log"] = segs.as_slice() else {
        return None;
    };
    if req.method != "GET" {
        return None;
    }
    if !authorized(req, &shared.config) {
        return Some(Err(ApiError::new(401, "Unauthorized", "Unauthorized")));
    }
    let st = lock(&shared.store);
    let pods = match st.resource("", "v1", "pods") {
        Ok(p) => p,
        Err(e) => return Some(Err(e)),
    };
    Some(st.get(&pods, ns, name).map(|p| {
        let mut text = p
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(controllers::LOGS))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text
    }))
}

fn serve(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    match &shared.tls {
        Some(tls) => {
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(&tls.config)) else {
                return;
            };
            let mut s = rustls::StreamOwned::new(conn, stream);
            serve_conn(&mut s, shared);
            s.conn.send_close_notify();
            let _ = s.flush();
        }
        None => serve_conn(&mut stream, shared),
    }
}

fn serve_conn<S: Read + Write>(stream: &mut S, shared: &Shared) {
    let req = match http::read_request(&mut *stream) {
        Ok(r) => r,
        Err(e) => {
            let body = status_body(&ApiError::bad_request(&e.to_string()));
            let _ = http::write_response(&mut *stream, 400, "application/json", &body);
            return;
        }
    };
    match injected_fault(&req, shared) {
        Some(Fault::Error(e)) => {
            log_request(shared, &req, e.code);
            let _ =
                http::write_response(&mut *stream, e.code, "application/json", &status_body(&e));
            return;
        }
        Some(Fault::Drop) => {
            // the connection closes when it is dropped, without an answer
            log_request(shared, &req, 0);
            return;
        }
        None => {}
    }
    if let Some(r) = pod_log(&req, shared) {
        let (code, ct, body) = match r {
            Ok(text) => (200, "text/plain", text.into_bytes()),
            Err(e) => (e.code, "application/json", status_body(&e)),
        };
        log_request(shared, &req, code);
        let _ = http::write_response(&mut *stream, code, ct, &body);
        return;
    }
    if req.method == "GET" && matches!(req.param("watch").as_deref(), Some("1" | "true")) {
        match watch_spec(&req, shared) {
            Ok(spec) => {
                log_request(shared, &req, 200);
                watch_stream(stream, spec, shared);
            }
            Err(e) => {
                log_request(shared, &req, e.code);
                let _ = http::write_response(
                    &mut *stream,
                    e.code,
                    "application/json",
                    &status_body(&e),
                );
            }
        }
        return;
    }
    let (code, body) = match handle(&req, shared) {
        Ok((code, v)) => (code, v.to_string().into_bytes()),
        Err(e) => (e.code, status_body(&e)),
    };
    log_request(shared, &req, code);
    let _ = http::write_response(&mut *stream, code, "application/json", &body);
}

fn log_request(shared: &Shared, req: &Request, code: u16) {
    let mut log = lock(&shared.log);
    if log.len() >= MAX_LOG {
        log.remove(0);
    }
    log.push(LoggedRequest {
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        content_type: req.header("content-type").map(str::to_string),
        body: String::from_utf8_lossy(&req.body).into_owned(),
        status: code,
    });
}

/// Longest a watch stays open (`timeoutSeconds` beyond it is cut to it).
pub const MAX_WATCH: Duration = Duration::from_secs(60);
/// How often a watch looks for new events.
const WATCH_POLL: Duration = Duration::from_millis(50);

/// What one watch request asks for.
struct WatchSpec {
    res: resources::Resource,
    ns: Option<String>,
    labels: Option<String>,
    fields: Option<String>,
    since: Option<u64>,
    timeout: Duration,
    /// `sendInitialEvents=true` (client-go's watch-list): the current objects, then a
    /// `BOOKMARK` with the `k8s.io/initial-events-end` annotation.
    initial_events: bool,
    /// `Some(includeObject)` when the client asked for Tables (`kubectl get -w`).
    table: Option<String>,
    /// `allowWatchBookmarks=true`: a `BOOKMARK` with the current resource version every
    /// [`BOOKMARK_EVERY`].
    bookmarks: bool,
}

/// How often a watch that allows bookmarks gets one.
pub const BOOKMARK_EVERY: Duration = Duration::from_secs(10);

fn bookmark(res: &resources::Resource, rv: u64, initial_end: bool) -> Value {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    json!({"type": "BOOKMARK", "object": {
        "kind": res.kind, "apiVersion": res.api_version(), "metadata": meta}})
}

fn watch_spec(req: &Request, shared: &Shared) -> Result<WatchSpec, ApiError> {
    if !authorized(req, &shared.config) {
        return Err(ApiError::new(401, "Unauthorized", "Unauthorized"));
    }
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Err(not_found()),
    };
    let (ns, plural, name) = match rest {
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return Err(not_found()),
    };
    let res = lock(&shared.store).resource(group, version, plural)?;
    let ns = if res.namespaced { ns } else { None };
    let mut fields = req.param("fieldSelector").filter(|f| !f.is_empty());
    if let Some(n) = name {
        let by_name = format!("metadata.name={n}");
        fields = Some(match fields {
            Some(f) => format!("{f},{by_name}"),
            None => by_name,
        });
    }
    let initial_events = req.param("sendInitialEvents").is_some_and(|v| v == "true");
    let since = match req.param("resourceVersion").as_deref() {
        _ if initial_events => None,
        None | Some("") | Some("0") => None,
        Some(rv) => Some(
            rv.parse::<u64>()
                .map_err(|_| ApiError::bad_request(&format!("invalid resource version {rv:?}")))?,
        ),
    };
    let timeout = req
        .param("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(MAX_WATCH)
        .min(MAX_WATCH);
    Ok(WatchSpec {
        res,
        ns: ns.map(str::to_string),
        labels: req.param("labelSelector").filter(|l| !l.is_empty()),
        fields,
        since,
        timeout,
        initial_events,
        table: req
            .header("accept")
            .is_some_and(table::wanted)
            .then(|| req.param("includeObject").unwrap_or_default()),
        bookmarks: req
            .param("allowWatchBookmarks")
            .is_some_and(|b| b == "true"),
    })
}

fn not_found() -> ApiError {
    ApiError::new(
        404,
        "NotFound",
        "the server could not find the requested resource",
    )
}

/// An event as sent: with Tables, the object becomes a one-row Table (column definitions
/// only in the first event, as the API server does).
fn event_line(spec: &WatchSpec, event: Value, first: &mut bool) -> String {
    let ty = event.get("type").and_then(Value::as_str).unwrap_or("");
    let event = match (&spec.table, ty) {
        (Some(include), "ADDED" | "MODIFIED" | "DELETED") => {
            let obj = event.get("object").cloned().unwrap_or(Value::Null);
            let mut t = table::render(&spec.res, &obj, include);
            if !*first {
                if let Some(m) = t.as_object_mut() {
                    m.insert("columnDefinitions".into(), json!([]));
                }
            }
            *first = false;
            json!({"type": ty, "object": t})
        }
        _ => event,
    };
    format!("{event}\n")
}

/// Streams watch events as JSON lines in chunks until the timeout, a write error, an
/// expired resource version or the simulator's shutdown.
fn watch_stream<S: Write>(stream: &mut S, spec: WatchSpec, shared: &Shared) {
    if http::write_chunked_head(&mut *stream, "application/json").is_err() {
        return;
    }
    let deadline = std::time::Instant::now() + spec.timeout;
    let ns = spec.ns.as_deref();
    let (labels, fields) = (spec.labels.as_deref(), spec.fields.as_deref());
    let mut first = true;
    let mut last = match spec.since {
        Some(rv) => rv,
        None => {
            // no resource version: the current objects as ADDED, then changes
            let st = lock(&shared.store);
            let rv = st.revision();
            let items = st
                .list(&spec.res, ns, labels, fields)
                .ok()
                .and_then(|l| l.get("items").and_then(Value::as_array).cloned())
                .unwrap_or_default();
            drop(st);
            for o in items {
                let line = event_line(&spec, json!({"type": "ADDED", "object": o}), &mut first);
                if http::write_chunk(&mut *stream, line.as_bytes()).is_err() {
                    return;
                }
            }
            if spec.initial_events {
                let b = bookmark(&spec.res, rv, true);
                if http::write_chunk(&mut *stream, format!("{b}\n").as_bytes()).is_err() {
                    return;
                }
            }
            rv
        }
    };
    let mut next_bookmark = std::time::Instant::now() + BOOKMARK_EVERY;
    while !shared.stop.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
        let got = lock(&shared.store).watch_events(&spec.res, ns, last, labels, fields);
        match got {
            Ok((events, rv)) => {
                for e in events {
                    let line = event_line(&spec, e, &mut first);
                    if http::write_chunk(&mut *stream, line.as_bytes()).is_err() {
                        return;
                    }
                }
                last = rv;
                if spec.bookmarks && std::time::Instant::now() >= next_bookmark {
                    next_bookmark = std::time::Instant::now() + BOOKMARK_EVERY;
                    let b = bookmark(&spec.res, rv, false);
                    if http::write_chunk(&mut *stream, format!("{b}\n").as_bytes()).is_err() {
                        return;
                    }
                }
            }
            Err(e) => {
                let line = format!("{}\n", json!({"type": "ERROR", "object": e.to_status()}));
                let _ = http::write_chunk(&mut *stream, line.as_bytes());
                break;
            }
        }
        std::thread::sleep(WATCH_POLL);
    }
    let _ = http::finish_chunked(&mut *stream);
}

fn status_body(e: &ApiError) -> Vec<u8> {
    e.to_status().to_string().into_bytes()
}

fn authorized(req: &Request, config: &Config) -> bool {
    let Some(tokens) = &config.tokens else {
        return true;
    };
    req.header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .is_some_and(|t| tokens.iter().any(|ok| ok == t.trim()))
}

fn handle(req: &Request, shared: &Shared) -> Result<(u16, Value), ApiError> {
    if !authorized(req, &shared.config) {
        return Err(ApiError::new(401, "Unauthorized", "Unauthorized"));
    }
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    let store = &shared.store;
    match (req.method.as_str(), segs.as_slice()) {
        ("GET", ["version"]) => Ok((
            200,
            json!({
                "major": "1", "minor": "32", "gitVersion": "v1.32.0-hke-sim",
                "gitCommit": "0000000000000000000000000000000000000000",
                "gitTreeState": "clean", "buildDate": "2024-12-11T00:00:00Z",
                "goVersion": "go1.23.3", "compiler": "gc", "platform": "linux/amd64"
            }),
        )),
        ("GET", ["healthz"]) | ("GET", ["readyz"]) | ("GET", ["livez"]) => Ok((200, json!("ok"))),
        ("GET", ["api"]) => Ok((
            200,
            json!({"kind": "APIVersions", "versions": ["v1"],
                   "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        )),
        ("GET", ["apis"]) => Ok((200, lock(store).api_group_list())),
        ("GET", ["openapi", "v2"]) => {
            let accept = req.header("accept").unwrap_or("");
            if !(accept.is_empty() || accept.contains("json") || accept.contains("*/*")) {
                return Err(ApiError::new(
                    406,
                    "NotAcceptable",
                    "only application/json is supported for /openapi/v2 by the hke simulator",
                ));
            }
            Ok((200, openapi::v2(lock(store).resources())))
        }
        ("GET", ["openapi", "v3"]) => Ok((200, openapi::v3_index(lock(store).resources()))),
        ("GET", ["openapi", "v3", "api", v]) => gv_openapi(store, "", v),
        ("GET", ["openapi", "v3", "apis", g, v]) => gv_openapi(store, g, v),
        ("GET", ["api", v]) => lock(store).resource_list("", v).map(|r| (200, r)),
        ("GET", ["apis", g, v]) => lock(store).resource_list(g, v).map(|r| (200, r)),
        (_, ["api", v, rest @ ..]) => object_request(req, store, "", v, rest),
        (_, ["apis", g, v, rest @ ..]) => object_request(req, store, g, v, rest),
        _ => Err(ApiError::new(
            404,
            "NotFound",
            &format!(
                "the server could not find the requested resource ({} {})",
                req.method, req.path
            ),
        )),
    }
}

/// Most unknown fields one strict-validation error lists.
const MAX_UNKNOWN_FIELDS: usize = 20;

/// `fieldValidation=Strict`: unknown fields of a built-in kind (from `hke_core`'s patch
/// metadata table) or of a custom resource (its CRD's structural schema) are a 400, with
/// the API server's message.
fn strict_check(res: &resources::Resource, obj: &Value) -> Result<(), ApiError> {
    let unknown = match (
        &res.schema,
        hke_core::patch::PatchSchema::builtin(&res.api_version(), &res.kind),
    ) {
        // a custom resource: what pruning would remove
        (Some(crd_schema), _) => {
            let mut copy = obj.clone();
            let mut u = store::prune_unknown(&mut copy, crd_schema);
            u.truncate(MAX_UNKNOWN_FIELDS);
            u
        }
        (None, Some(schema)) => schema.unknown_fields(obj, MAX_UNKNOWN_FIELDS),
        (None, None) => return Ok(()),
    };
    if unknown.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = unknown
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .collect();
    Err(ApiError::bad_request(&format!(
        "{kind} in version \"{v}\" cannot be handled as a {kind}: strict decoding error: {}",
        list.join(", "),
        kind = res.kind,
        v = res.version
    )))
}

/// The field manager of a write: `fieldManager`, else the client's user agent up to the
/// first `/` (as the API server defaults it).
fn field_manager(req: &Request) -> String {
    req.param("fieldManager")
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| {
            req.header("user-agent")
                .and_then(|ua| ua.split('/').next())
                .unwrap_or("unknown")
                .chars()
                .take(128)
                .collect()
        })
}

/// The `autoscaling/v1` Scale of a scalable object.
fn scale_of(obj: &Value) -> Value {
    let meta = obj.get("metadata").cloned().unwrap_or(json!({}));
    let pick = |k: &str| meta.get(k).cloned().unwrap_or(Value::Null);
    let selector = obj
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": pick("name"), "namespace": pick("namespace"), "uid": pick("uid"),
                     "resourceVersion": pick("resourceVersion"),
                     "creationTimestamp": pick("creationTimestamp")},
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
        "status": {"replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)),
                   "selector": selector},
    })
}

/// `.../NAME/scale` of Deployments, ReplicaSets, StatefulSets, ReplicationControllers:
/// GET, PUT and PATCH (merge, JSON or strategic merge) of an `autoscaling/v1` Scale.
fn scale_request(
    req: &Request,
    store: &Mutex<Store>,
    group: &str,
    version: &str,
    ns: &str,
    plural: &str,
    name: &str,
) -> Result<(u16, Value), ApiError> {
    let mut st = lock(store);
    st.set_field_manager(Some(field_manager(req)));
    let res = st.resource(group, version, plural)?;
    if !resources::SCALABLE.contains(&res.kind.as_str()) {
        return Err(not_found());
    }
    let obj = st.get(&res, ns, name)?;
    let current = scale_of(&obj);
    let body = || -> Result<Value, ApiError> {
        serde_json::from_slice(&req.body)
            .map_err(|e| ApiError::bad_request(&format!("the request body is not valid JSON: {e}")))
    };
    let wanted = match req.method.as_str() {
        "GET" => return Ok((200, current)),
        "PUT" => {
            let b = body()?;
            if let Some(rv) = b
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
            {
                if !rv.is_empty()
                    && Some(rv)
                        != current
                            .pointer("/metadata/resourceVersion")
                            .and_then(Value::as_str)
                {
                    return Err(ApiError::new(409, "Conflict", &format!("Operation cannot be fulfilled on {plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again")));
                }
            }
            b
        }
        "PATCH" => {
            let ct = req.header("content-type").unwrap_or("");
            match ct.split(';').next().unwrap_or("").trim() {
                "application/json-patch+json" => store::json_patch(&current, &body()?)?,
                "application/merge-patch+json" | "application/strategic-merge-patch+json" => {
                    let mut s = current.clone();
                    store::merge_patch(&mut s, &body()?, 0)?;
                    s
                }
                other => {
                    return Err(ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        &format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (not {other:?})"),
                    ))
                }
            }
        }
        m => {
            return Err(ApiError::new(
                405,
                "MethodNotAllowed",
                &format!("the server does not allow this method on the requested resource ({m})"),
            ))
        }
    };
    let replicas = wanted
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .filter(|r| *r >= 0)
        .ok_or_else(|| {
            ApiError::new(422, "Invalid", &format!("Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0"))
        })?;
    if req.param("dryRun").is_some_and(|d| d == "All") {
        let mut s = current;
        s["spec"]["replicas"] = json!(replicas);
        return Ok((200, s));
    }
    st.set_spec_field(&res, ns, name, "replicas", json!(replicas))?;
    let obj = st.get(&res, ns, name)?;
    Ok((200, scale_of(&obj)))
}

fn gv_openapi(store: &Mutex<Store>, group: &str, version: &str) -> Result<(u16, Value), ApiError> {
    let resources = lock(store).resources().to_vec();
    openapi::v3_group_version(&resources, group, version)
        .map(|d| (200, d))
        .ok_or_else(|| {
            ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        })
}

fn object_request(
    req: &Request,
    store: &Mutex<Store>,
    group: &str,
    version: &str,
    rest: &[&str],
) -> Result<(u16, Value), ApiError> {
    // [namespaces, NS, plural, name?] or [plural, name?]
    let main = store::Part::Main;
    let status = store::Part::Status;
    let (ns, plural, name, part) = match rest {
        ["namespaces", ns, plural] => (Some(*ns), *plural, None, main),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name), main),
        ["namespaces", ns, plural, name, "status"] => (Some(*ns), *plural, Some(*name), status),
        [plural] => (None, *plural, None, main),
        [plural, name] => (None, *plural, Some(*name), main),
        [plural, name, "status"] => (None, *plural, Some(*name), status),
        ["namespaces", ns, plural, name, "scale"] => {
            let (ns, plural, name) = (*ns, *plural, *name);
            return scale_request(req, store, group, version, ns, plural, name);
        }
        _ => {
            return Err(ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ))
        }
    };
    let mut st = lock(store);
    st.set_field_manager(Some(field_manager(req)));
    let res = st.resource(group, version, plural)?;
    if part == status && !store::has_status_subresource(&res) {
        return Err(not_found());
    }
    let ns = if res.namespaced { ns } else { None };
    let dry_run = req.param("dryRun").is_some_and(|d| d == "All");
    let strict = req.param("fieldValidation").is_some_and(|f| f == "Strict");
    let parse_body = || -> Result<Value, ApiError> {
        if req
            .header("content-type")
            .is_some_and(|t| t.starts_with(proto::CONTENT_TYPE))
        {
            return proto::decode(&req.body).map_err(|e| {
                ApiError::new(
                    415,
                    "UnsupportedMediaType",
                    &format!("the protobuf body cannot be read: {e}"),
                )
            });
        }
        serde_json::from_slice(&req.body)
            .map_err(|e| ApiError::bad_request(&format!("the request body is not valid JSON: {e}")))
    };
    if part == status && !matches!(req.method.as_str(), "GET" | "PUT" | "PATCH") {
        return Err(ApiError::new(
            405,
            "MethodNotAllowed",
            &format!(
                "the server does not allow this method on the requested resource ({})",
                req.method
            ),
        ));
    }
    let as_table = |v: Value| -> Value {
        if req.header("accept").is_some_and(table::wanted) {
            let include = req.param("includeObject").unwrap_or_default();
            table::render(&res, &v, &include)
        } else {
            v
        }
    };
    match (req.method.as_str(), name) {
        ("GET", None) => {
            let partial = req
                .header("accept")
                .is_some_and(|a| a.contains("as=PartialObjectMetadataList"));
            let list = if partial {
                Store::list_metadata
            } else {
                Store::list
            };
            list(
                &st,
                &res,
                ns,
                req.param("labelSelector").as_deref(),
                req.param("fieldSelector").as_deref(),
            )
            .map(|v| (200, as_table(v)))
        }
        ("GET", Some(n)) => st
            .get(&res, ns.unwrap_or(""), n)
            .map(|v| (200, as_table(v))),
        ("POST", None) => {
            let body = parse_body()?;
            if strict {
                strict_check(&res, &body)?;
            }
            st.create(&res, ns, body, dry_run).map(|v| (201, v))
        }
        ("PUT", Some(n)) => {
            let body = parse_body()?;
            if strict {
                strict_check(&res, &body)?;
            }
            st.update_part(&res, ns, n, body, dry_run, part)
                .map(|v| (200, v))
        }
        ("PATCH", Some(n)) => {
            let ct = req.header("content-type").unwrap_or("");
            let ct = ct.split(';').next().unwrap_or("").trim();
            if ct == "application/apply-patch+yaml" {
                let body: Value = serde_json::from_slice(&req.body).map_err(|_| {
                    ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        "the hke simulator reads apply patches written as JSON only (which is what client-go sends)",
                    )
                })?;
                let manager = req.param("fieldManager").unwrap_or_default();
                let force = req.param("force").is_some_and(|f| f == "true");
                return st.server_side_apply(&res, ns, n, body, dry_run, &manager, force, part);
            }
            let body = parse_body()?;
            if strict {
                let result = st.patch_part(&res, ns, n, ct, body.clone(), true, part)?;
                strict_check(&res, &result)?;
            }
            st.patch_part(&res, ns, n, ct, body, dry_run, part)
                .map(|v| (200, v))
        }
        ("DELETE", Some(n)) => {
            let opts: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            let policy = req
                .param("propagationPolicy")
                .or_else(|| {
                    opts.get("propagationPolicy")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .or_else(|| {
                    let orphan = req.param("orphanDependents").is_some_and(|o| o == "true")
                        || opts.get("orphanDependents") == Some(&Value::Bool(true));
                    orphan.then(|| "Orphan".to_string())
                });
            let policy = match policy.as_deref() {
                None | Some("Background") => store::Propagation::Background,
                Some("Foreground") => store::Propagation::Foreground,
                Some("Orphan") => store::Propagation::Orphan,
                Some(other) => {
                    return Err(ApiError::new(
                        422,
                        "Invalid",
                        &format!("propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\""),
                    ))
                }
            };
            st.delete_with(&res, ns.unwrap_or(""), n, dry_run, policy)
                .map(|v| (200, v))
        }
        _ => Err(ApiError::new(
            405,
            "MethodNotAllowed",
            &format!(
                "the server does not allow this method on the requested resource ({})",
                req.method
            ),
        )),
    }
}
