//! A fault-injecting HTTP reverse proxy, put in front of moto or the DigitalOcean
//! emulator (`Stack::through`) to see that `iac` survives the faults real clouds have.
//!
//! Each request gets at most one fault, decided by the proxy's seed, the kind of call
//! (service and action, or method and path without its digits) and how many calls of
//! that kind came before: a run of a stack meets the same faults in each kind of call
//! whatever order its concurrent requests arrive in (which of several concurrent calls
//! of one kind gets it may vary), and a retried call is decided afresh. The faults:
//! - a server error (500 or 503) in the service's own error format;
//! - throttling in the service's own format: EC2's `RequestLimitExceeded` (503), the
//!   query and REST-XML APIs' `Throttling` (RDS, ELBv2, STS, Route 53: 400), JSON 1.1's
//!   `ThrottlingException` (ACM: 400), S3's `SlowDown` (503), DigitalOcean's 429 with
//!   `retry-after`;
//! - a connection reset before the request reaches the emulator;
//! - a lost response, for mutating requests only: the emulator does the work, then the
//!   connection is reset instead of answering. Besides the drawn ones, the answer of the
//!   first call of each action named to [`FaultProxy::lose_first_answers`] is lost.
//!
//! The AWS service comes from the SigV4 credential scope of the `Authorization` header
//! (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`); a request without one is
//! DigitalOcean's. Counters say what was injected, so a test can check faults happened.

use std::collections::{BTreeMap, HashMap};
use std::net::TcpListener;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use sha2::{Digest, Sha256};

/// How often each fault is injected: fractions of requests, decided with `seed`.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    pub seed: u64,
    /// 500 or 503.
    pub server_error: f64,
    /// The service's throttling error.
    pub throttle: f64,
    /// The connection is reset without an answer; the emulator never sees the request.
    pub reset: f64,
    /// Of mutating requests: the emulator does the work, the answer is lost.
    pub lost_response: f64,
}

impl Faults {
    /// No drawn faults: only the answers named to [`FaultProxy::lose_first_answers`]
    /// are lost.
    pub fn none() -> Faults {
        Faults {
            seed: 0,
            server_error: 0.0,
            throttle: 0.0,
            reset: 0.0,
            lost_response: 0.0,
        }
    }

    /// The rates of issue 10: 10% server errors, 5% throttling, 3% resets, and
    /// `lost_response` of the mutating requests answered by a reset after the work.
    pub fn issue(seed: u64, lost_response: f64) -> Faults {
        Faults {
            seed,
            server_error: 0.10,
            throttle: 0.05,
            reset: 0.03,
            lost_response,
        }
    }
}

/// A kind of fault the proxy injects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    ServerError,
    Throttle,
    Reset,
    LostResponse,
}

impl Fault {
    pub const ALL: [Fault; 4] = [
        Fault::ServerError,
        Fault::Throttle,
        Fault::Reset,
        Fault::LostResponse,
    ];
}

/// A running proxy; stopped when dropped.
pub struct FaultProxy {
    /// Where to send requests instead of the emulator: `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The emulator it forwards to.
    pub upstream: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Shared {
    upstream: String,
    faults: Faults,
    /// While false, every request is forwarded untouched.
    enabled: AtomicBool,
    /// While true, mutating requests are never answered (nor forwarded).
    holding: AtomicBool,
    client: reqwest::Client,
    /// How many calls of each kind (service and action) came.
    seen: Mutex<HashMap<String, u64>>,
    /// What was injected, by fault and service.
    injected: Mutex<BTreeMap<(Fault, String), u64>>,
    /// The requests whose responses were lost: `service action`.
    lost: Mutex<Vec<String>>,
    /// The actions whose next mutating call has its answer lost.
    lose_next: Mutex<Vec<String>>,
    forwarded: AtomicU64,
}

impl FaultProxy {
    /// Starts a proxy on a free port in front of `upstream` (an emulator's URL), on a
    /// thread and runtime of its own, so that it serves whatever the test thread does.
    pub fn start(upstream: &str, faults: Faults) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let endpoint = format!("http://{}", listener.local_addr().expect("bound"));
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            faults,
            enabled: AtomicBool::new(true),
            holding: AtomicBool::new(false),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
            seen: Mutex::default(),
            injected: Mutex::default(),
            lost: Mutex::default(),
            lose_next: Mutex::default(),
            forwarded: AtomicU64::new(0),
        });
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let serving = shared.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("proxy runtime");
            runtime.block_on(serve(listener, serving, stopped));
        });
        FaultProxy {
            endpoint,
            upstream: upstream.to_string(),
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Turns fault injection on or off (off: a plain proxy), for the steps of a test
    /// that check the outcome rather than provoke it.
    pub fn inject(&self, on: bool) {
        self.shared.enabled.store(on, Ordering::SeqCst);
    }

    /// While `on`, mutating requests hang: never forwarded, never answered (a cloud
    /// that stopped answering), for tests of what an interrupt does to a call in flight.
    pub fn hold_mutating(&self, on: bool) {
        self.shared.holding.store(on, Ordering::SeqCst);
    }

    /// Loses the answer of the first mutating call of each of `actions` (such as
    /// `CreateSecurityGroup`) from now on: the emulator does the work, the connection is
    /// reset instead of answering. Counted as [`Fault::LostResponse`], whether
    /// injection is on or not.
    pub fn lose_first_answers(&self, actions: &[&str]) {
        let mut lose_next = self.shared.lose_next.lock().unwrap();
        lose_next.extend(actions.iter().map(|a| a.to_string()));
    }

    /// How many faults of `fault` were injected, in all services.
    pub fn injected(&self, fault: Fault) -> u64 {
        let injected = self.shared.injected.lock().unwrap();
        injected
            .iter()
            .filter(|((f, _), _)| *f == fault)
            .map(|(_, n)| n)
            .sum()
    }

    /// How many faults of `fault` were injected into requests to `service` (a SigV4
    /// service name such as `ec2`, or `digitalocean`).
    pub fn injected_for(&self, fault: Fault, service: &str) -> u64 {
        let injected = self.shared.injected.lock().unwrap();
        injected
            .get(&(fault, service.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// How many requests reached the emulator.
    pub fn forwarded(&self) -> u64 {
        self.shared.forwarded.load(Ordering::SeqCst)
    }

    /// The requests whose answers were lost, as `service action`.
    pub fn lost_responses(&self) -> Vec<String> {
        self.shared.lost.lock().unwrap().clone()
    }

    /// One line per fault and service: what was injected.
    pub fn summary(&self) -> String {
        let injected = self.shared.injected.lock().unwrap();
        let mut text = format!("{} requests forwarded", self.forwarded());
        for ((fault, service), n) in injected.iter() {
            text.push_str(&format!("\n{fault:?} {service}: {n}"));
        }
        text
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            _ = &mut stopped => return,
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            // A second handle on the socket, to make its close a reset (RST).
            let Ok(socket) = stream.as_fd().try_clone_to_owned() else {
                return;
            };
            let socket = Arc::new(socket);
            let service = hyper::service::service_fn(move |request| {
                let (shared, socket) = (shared.clone(), socket.clone());
                async move { shared.handle(request, &socket).await }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The connection was dropped on purpose (hyper closes a connection whose service
/// fails, without answering).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the fault proxy")
    }
}

impl std::error::Error for Dropped {}

type Answer = Result<Response<Full<Bytes>>, Dropped>;

impl Shared {
    async fn handle(&self, request: Request<Incoming>, socket: &OwnedFd) -> Answer {
        let (parts, body) = request.into_parts();
        let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
            return Err(Dropped);
        };
        let call = Call::of(&parts.method, &parts.uri, &parts.headers, &body);
        if call.mutating && self.holding.load(Ordering::SeqCst) {
            return std::future::pending().await;
        }
        let (fault, second) = if self.named_loss(&call) {
            (Some(Fault::LostResponse), 0.0)
        } else {
            self.decide(&call)
        };
        match fault {
            Some(fault @ (Fault::ServerError | Fault::Throttle)) => {
                self.count(fault, &call);
                let status_503 = second < 0.5;
                Ok(error_answer(&call, fault, status_503))
            }
            Some(Fault::Reset) => {
                self.count(Fault::Reset, &call);
                reset(socket)
            }
            Some(Fault::LostResponse) => {
                let _ = self.forward(parts, body).await;
                self.count(Fault::LostResponse, &call);
                self.lost
                    .lock()
                    .unwrap()
                    .push(format!("{} {}", call.service, call.action));
                reset(socket)
            }
            None => self.forward(parts, body).await,
        }
    }

    /// Whether `call` is the first of an action named to lose its answer (it is no
    /// longer named then).
    fn named_loss(&self, call: &Call) -> bool {
        let mut lose_next = self.lose_next.lock().unwrap();
        let named = lose_next.iter().position(|a| *a == call.action);
        match named {
            Some(at) if call.mutating => {
                lose_next.remove(at);
                true
            }
            _ => false,
        }
    }

    /// The fault for `call`, if any, and a second draw (which of 500 and 503): uniform
    /// draws from the seed, the kind of call and how many of that kind came before.
    fn decide(&self, call: &Call) -> (Option<Fault>, f64) {
        if !self.enabled.load(Ordering::SeqCst) {
            return (None, 0.0);
        }
        let kind = format!("{} {}", call.service, call.action);
        let occurrence = {
            let mut seen = self.seen.lock().unwrap();
            let n = seen.entry(kind.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let digest = Sha256::new()
            .chain_update(self.faults.seed.to_le_bytes())
            .chain_update(kind)
            .chain_update(occurrence.to_le_bytes())
            .finalize();
        let (u, second) = (unit(&digest[..8]), unit(&digest[8..16]));
        let f = &self.faults;
        let edges = [
            (f.server_error, Fault::ServerError),
            (f.throttle, Fault::Throttle),
            (f.reset, Fault::Reset),
            (
                if call.mutating { f.lost_response } else { 0.0 },
                Fault::LostResponse,
            ),
        ];
        let mut edge = 0.0;
        for (rate, fault) in edges {
            edge += rate;
            if u < edge {
                return (Some(fault), second);
            }
        }
        (None, second)
    }

    fn count(&self, fault: Fault, call: &Call) {
        *self
            .injected
            .lock()
            .unwrap()
            .entry((fault, call.service.clone()))
            .or_insert(0) += 1;
    }

    /// Sends the request on to the emulator and returns its answer.
    async fn forward(&self, parts: hyper::http::request::Parts, body: Bytes) -> Answer {
        let target = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let url = format!("{}{target}", self.upstream);
        let mut headers = parts.headers.clone();
        strip_hop_by_hop(&mut headers);
        let sent = self
            .client
            .request(parts.method, url)
            .headers(headers)
            .body(body)
            .send()
            .await;
        self.forwarded.fetch_add(1, Ordering::SeqCst);
        let Ok(answer) = sent else {
            return Ok(plain(
                StatusCode::BAD_GATEWAY,
                "the emulator did not answer",
            ));
        };
        let status = answer.status();
        let mut headers = answer.headers().clone();
        strip_hop_by_hop(&mut headers);
        let Ok(bytes) = answer.bytes().await else {
            return Err(Dropped);
        };
        let mut response = Response::new(Full::new(bytes));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        Ok(response)
    }
}

/// Makes the socket's close a reset, then has hyper close it.
fn reset(socket: &OwnedFd) -> Answer {
    let _ = socket2::SockRef::from(socket).set_linger(Some(Duration::ZERO));
    Err(Dropped)
}

/// A number in [0, 1) from 8 bytes of a digest.
fn unit(bytes: &[u8]) -> f64 {
    let mut word = [0; 8];
    word.copy_from_slice(bytes);
    (u64::from_le_bytes(word) >> 11) as f64 / (1u64 << 53) as f64
}

/// Headers that belong to one connection, not to the request or answer; and the length,
/// which the body sets again.
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for name in [
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    ] {
        headers.remove(name);
    }
}

/// What a request is, as far as the faults care.
struct Call {
    /// The SigV4 service (`ec2`, `rds`, `elasticloadbalancing`, `acm`, `route53`, `s3`,
    /// `sts`, ...), or `digitalocean`.
    service: String,
    /// The API action (`RunInstances`, `CertificateManager.RequestCertificate`), or the
    /// method and path.
    action: String,
    /// Whether the request may change something.
    mutating: bool,
    /// Whether it is a JSON 1.1 call (an `X-Amz-Target` header names the action).
    json: bool,
}

impl Call {
    fn of(method: &hyper::Method, uri: &hyper::Uri, headers: &HeaderMap, body: &[u8]) -> Call {
        let read = method == hyper::Method::GET || method == hyper::Method::HEAD;
        // Numbers (ids, and the run's unique names) do not make another kind of call;
        // digits after a letter (`v2`) are part of a name.
        let rest = || {
            let mut path = String::new();
            let mut in_name = false;
            for c in uri.path().chars() {
                if !c.is_ascii_digit() {
                    in_name = c.is_ascii_alphabetic();
                    path.push(c);
                } else if in_name {
                    path.push(c);
                } else if !path.ends_with('#') {
                    path.push('#');
                }
            }
            format!("{method} {path}")
        };
        let Some(service) = sigv4_service(headers) else {
            return Call {
                service: "digitalocean".into(),
                action: rest(),
                mutating: !read,
                json: false,
            };
        };
        let named = |action: String| {
            let verb = action.rsplit('.').next().unwrap_or(&action);
            let mutating = !["Describe", "List", "Get"]
                .iter()
                .any(|p| verb.starts_with(p));
            (action, mutating)
        };
        let target = headers.get("x-amz-target");
        let (action, mutating) = if let Some(target) = target {
            named(target.to_str().unwrap_or_default().to_string())
        } else if let Some(action) = query_action(uri.query().unwrap_or_default())
            .or_else(|| query_action(&String::from_utf8_lossy(body)))
        {
            named(action)
        } else {
            (rest(), !read)
        };
        Call {
            service,
            action,
            mutating,
            json: target.is_some(),
        }
    }
}

/// The service of a SigV4 `Authorization` header's credential scope.
fn sigv4_service(headers: &HeaderMap) -> Option<String> {
    let auth = headers.get("authorization")?.to_str().ok()?;
    let scope = auth.split("Credential=").nth(1)?;
    let scope = scope.split([',', ' ']).next()?;
    scope.split('/').nth(3).map(str::to_string)
}

/// The `Action` parameter of a query-protocol form or query string.
fn query_action(form: &str) -> Option<String> {
    form.split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
        .map(str::to_string)
}

/// The error answer of `call`'s service for `fault` (a server error or throttling).
fn error_answer(call: &Call, fault: Fault, status_503: bool) -> Response<Full<Bytes>> {
    let throttle = fault == Fault::Throttle;
    let request_id = "fa017000-0000-4000-8000-000000000000";
    let xml = |status: StatusCode, body: String| {
        let mut r = plain(status, &body);
        set(&mut r, "content-type", "text/xml");
        set(&mut r, "x-amzn-requestid", request_id);
        r
    };
    let server = if status_503 {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    match call.service.as_str() {
        "digitalocean" => {
            let (status, id, message) = if throttle {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    "API Rate limit exceeded.",
                )
            } else if status_503 {
                (
                    server,
                    "service_unavailable",
                    "The service is temporarily unavailable.",
                )
            } else {
                (
                    server,
                    "server_error",
                    "Server was unable to give you a response.",
                )
            };
            let mut r = plain(
                status,
                &format!(r#"{{"id":"{id}","message":"{message}","request_id":"{request_id}"}}"#),
            );
            set(&mut r, "content-type", "application/json");
            if throttle {
                set(&mut r, "retry-after", "1");
                set(&mut r, "ratelimit-limit", "250");
                set(&mut r, "ratelimit-remaining", "0");
            }
            r
        }
        "ec2" => {
            let (status, code, message) = if throttle {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "RequestLimitExceeded",
                    "Request limit exceeded.",
                )
            } else if status_503 {
                (
                    server,
                    "Unavailable",
                    "The server is overloaded and can't handle the request.",
                )
            } else {
                (server, "InternalError", "An internal error has occurred.")
            };
            xml(
                status,
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"#
                ),
            )
        }
        "s3" => {
            let (status, code, message) = if throttle {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "SlowDown",
                    "Please reduce your request rate.",
                )
            } else if status_503 {
                (
                    server,
                    "ServiceUnavailable",
                    "Please reduce your request rate.",
                )
            } else {
                (
                    server,
                    "InternalError",
                    "We encountered an internal error. Please try again.",
                )
            };
            xml(
                status,
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request_id}</RequestId></Error>"#
                ),
            )
        }
        _ if call.json => {
            // JSON 1.1 (ACM): the target names the action.
            let (status, code, message) = if throttle {
                (
                    StatusCode::BAD_REQUEST,
                    "ThrottlingException",
                    "Rate exceeded",
                )
            } else if status_503 {
                (server, "ServiceUnavailable", "Service is unavailable")
            } else {
                (server, "InternalFailure", "Internal failure")
            };
            let mut r = plain(
                status,
                &format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
            );
            set(&mut r, "content-type", "application/x-amz-json-1.1");
            set(&mut r, "x-amzn-requestid", request_id);
            r
        }
        _ => {
            // The query APIs (RDS, ELBv2, STS) and Route 53's REST-XML.
            let (status, kind, code, message) = if throttle {
                (
                    StatusCode::BAD_REQUEST,
                    "Sender",
                    "Throttling",
                    "Rate exceeded",
                )
            } else if status_503 {
                (
                    server,
                    "Receiver",
                    "ServiceUnavailable",
                    "Service is unavailable",
                )
            } else {
                (server, "Receiver", "InternalFailure", "Internal failure")
            };
            xml(
                status,
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"#
                ),
            )
        }
    }
}

fn plain(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = status;
    r
}

fn set(response: &mut Response<Full<Bytes>>, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
}
