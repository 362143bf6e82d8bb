//! Receivers written for the tests: a tiny HTTP/1.1 server that can be
//! stopped (connections refused) and started again on the same port, and
//! syslog listeners over UDP and TCP; plus findings to send.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rmmguard_findings::wire::{EvidenceRecord, FindingRecord, IncidentRecord, TimelineRecord};
use rmmguard_findings::{Evidence, Fact, FactKey, Finding, IncidentKind, Severity, ToolRef, rules};
use rmmguard_forward::{Config, Forwarder, Item, TargetConfig, Warn};
use serde_json::{Value, json};

/// One HTTP request as the receiver read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("utf-8 body")
    }
}

/// What the handler answers.
pub enum Answer {
    /// Status and body.
    Reply(u16, String),
    /// Close the connection without a word (a reply lost on the way).
    Hangup,
}

type Handler = Arc<dyn Fn(&Request) -> Answer + Send + Sync>;

/// An HTTP receiver on 127.0.0.1 that can go down and come back.
pub struct HttpReceiver {
    pub addr: SocketAddr,
    handler: Handler,
    running: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<TcpStream>>>,
    accept: Option<JoinHandle<()>>,
}

impl HttpReceiver {
    pub fn start(handler: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> HttpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut receiver = HttpReceiver {
            addr,
            handler: Arc::new(handler),
            running: Arc::new(AtomicBool::new(false)),
            connections: Arc::new(Mutex::new(Vec::new())),
            accept: None,
        };
        receiver.serve(listener);
        receiver
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops listening and cuts every open connection: connections are
    /// refused until [`HttpReceiver::resume`].
    pub fn stop(&mut self) {
        self.running.store(false, Ordering::SeqCst);
        // Wake the accept loop so it drops the listener.
        let _ = TcpStream::connect(self.addr);
        if let Some(handle) = self.accept.take() {
            handle.join().expect("accept thread");
        }
        for stream in self.connections.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    /// Listens again on the same port.
    pub fn resume(&mut self) {
        let listener = TcpListener::bind(self.addr).expect("bind the same port again");
        self.serve(listener);
    }

    fn serve(&mut self, listener: TcpListener) {
        self.running.store(true, Ordering::SeqCst);
        let running = self.running.clone();
        let handler = self.handler.clone();
        let connections = self.connections.clone();
        self.accept = Some(thread::spawn(move || {
            for stream in listener.incoming() {
                if !running.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                if let Ok(clone) = stream.try_clone() {
                    connections.lock().unwrap().push(clone);
                }
                let handler = handler.clone();
                thread::spawn(move || serve_connection(stream, &handler));
            }
        }));
    }
}

impl Drop for HttpReceiver {
    fn drop(&mut self) {
        if self.accept.is_some() {
            self.stop();
        }
    }
}

fn serve_connection(stream: TcpStream, handler: &Handler) {
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader) {
        match handler(&request) {
            Answer::Hangup => {
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
            Answer::Reply(status, body) => {
                // One write: a head and a body in two small writes meet
                // Nagle and delayed ACKs (40 ms a request).
                let reply = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                if writer.write_all(reply.as_bytes()).is_err() {
                    return;
                }
            }
        }
    }
}

pub fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().expect("content-length"))
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

/// A UDP syslog listener collecting datagrams.
pub struct UdpReceiver {
    pub addr: SocketAddr,
    pub messages: Arc<Mutex<Vec<String>>>,
}

impl UdpReceiver {
    pub fn start() -> UdpReceiver {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let addr = socket.local_addr().expect("addr");
        let messages = Arc::new(Mutex::new(Vec::new()));
        let sink = messages.clone();
        thread::spawn(move || {
            let mut buf = vec![0u8; 65_536];
            while let Ok(n) = socket.recv(&mut buf) {
                sink.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf[..n]).into_owned());
            }
        });
        UdpReceiver { addr, messages }
    }
}

/// A TCP syslog listener reading octet-counted frames.
pub struct TcpReceiver {
    pub addr: SocketAddr,
    pub messages: Arc<Mutex<Vec<String>>>,
}

impl TcpReceiver {
    pub fn start() -> TcpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let messages = Arc::new(Mutex::new(Vec::new()));
        let sink = messages.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let sink = sink.clone();
                thread::spawn(move || read_frames(stream, &sink));
            }
        });
        TcpReceiver { addr, messages }
    }
}

fn read_frames(stream: TcpStream, sink: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = Vec::new();
        match reader.read_until(b' ', &mut length) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let length: usize = std::str::from_utf8(&length[..length.len() - 1])
            .expect("ascii length")
            .parse()
            .expect("octet count");
        let mut message = vec![0; length];
        if reader.read_exact(&mut message).is_err() {
            return;
        }
        sink.lock()
            .unwrap()
            .push(String::from_utf8(message).expect("utf-8 message"));
    }
}

/// Waits (bounded) until `check` holds; for receivers fed over UDP/TCP.
pub fn eventually(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..500 {
        if check() {
            return true;
        }
        thread::sleep(Duration::from_millis(10));
    }
    false
}

/// `n` findings of several rules and hosts, every third one medium, the
/// first one hostile: its texts carry CEF delimiters, newlines and markup.
pub fn findings(n: usize) -> Vec<FindingRecord> {
    let rules = [
        rules::PORTABLE_RMM,
        rules::FOREIGN_TENANT,
        rules::UNAUTHORIZED_RMM,
    ];
    (0..n)
        .map(|i| {
            let rule = rules[i % rules.len()];
            let mut finding = if i == 0 {
                Finding::new(
                    rule,
                    "AnyDesk|ran=1 <script>alert(1)</script>\nforged line \\ end",
                )
            } else {
                Finding::new(rule, format!("finding {i} on WS-{i:02}"))
            };
            finding.host = Some(if i == 0 {
                "WS-00|evil=1".into()
            } else {
                format!("WS-{i:02}")
            });
            if i % 3 == 2 {
                finding.severity = Severity::Medium;
            }
            finding.tool = Some(ToolRef {
                id: "anydesk".into(),
                name: "AnyDesk".into(),
            });
            finding.first_seen =
                Some(jiff::Timestamp::from_second(1_700_000_000 + i as i64).unwrap());
            finding.last_seen = finding.first_seen;
            finding.count = 1;
            finding.evidence.push(Evidence::from(EvidenceRecord {
                reference: String::new(),
                file: format!("case/ws{i}.evtx"),
                record_id: Some(i as u64 + 1),
                line: None,
                offset: None,
                timestamp: finding.first_seen,
                what: "Sysmon 1 process_start".into(),
            }));
            finding.facts = vec![
                Fact::new(
                    FactKey::ProcessExecutable,
                    format!("C:\\Users\\u{i}\\Downloads\\AnyDesk.exe"),
                ),
                Fact::new(FactKey::DestinationIp, "203.0.113.7"),
            ];
            FindingRecord::from(&finding)
        })
        .collect()
}

/// An incident joining the first findings.
pub fn incident(findings: &[FindingRecord]) -> IncidentRecord {
    IncidentRecord {
        schema_version: rmmguard_findings::wire::SCHEMA_VERSION,
        id: "I1".into(),
        kind: IncidentKind::Chain,
        title: "Chain <b>on</b> WS-01 & more".into(),
        severity: Severity::Critical,
        score: 90,
        reasons: vec!["portable RMM | then a foreign relay".into()],
        hosts: findings.iter().filter_map(|f| f.host.clone()).collect(),
        sites: vec!["hq".into()],
        tool: Some("anydesk".into()),
        tool_name: Some("AnyDesk".into()),
        tenant: None,
        indicator: None,
        stages: findings.iter().filter_map(|f| f.stage).collect(),
        first_seen: findings.first().and_then(|f| f.first_seen),
        last_seen: findings.last().and_then(|f| f.last_seen),
        timeline: findings
            .iter()
            .map(|f| TimelineRecord {
                time: f.first_seen,
                stage: f.stage,
                finding_id: f.id.clone(),
                rule_id: f.rule_id.clone(),
                severity: f.severity,
                host: f.host.clone(),
                site: f.site.clone(),
                summary: f.summary.clone(),
                evidence: f.evidence.iter().map(|e| e.reference.clone()).collect(),
            })
            .collect(),
    }
}

/// The items of some findings and one incident.
pub fn items(n: usize) -> Vec<Item> {
    let findings = findings(n);
    let mut items: Vec<Item> = findings.iter().cloned().map(Item::from_finding).collect();
    items.push(Item::from_incident(incident(&findings[..2.min(n)])));
    items
}

/// A target with fast retries for tests; a failed target rests a minute
/// (longer than any test), so which flushes try the receiver is exact.
pub fn quick(mut target: TargetConfig) -> TargetConfig {
    target.retries = 2;
    target.backoff_ms = 2;
    target.backoff_max_ms = 60_000;
    target.connect_timeout_ms = 1_000;
    target.timeout_ms = 5_000;
    target
}

/// A forwarder whose warnings are collected.
pub fn forwarder(targets: Vec<TargetConfig>) -> (Forwarder, Arc<Mutex<Vec<String>>>) {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = warnings.clone();
    let warn: Warn = Arc::new(move |line: &str| sink.lock().unwrap().push(line.to_owned()));
    let config = Config { forward: targets };
    (
        Forwarder::with_warn(&config, warn).expect("forwarder"),
        warnings,
    )
}

/// Segment files left in a spool folder (its `.lock` aside).
pub fn spool_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "spool"))
            .count()
    })
}

/// An index keyed by `_id`, as Elasticsearch keeps one: `create` of a
/// known id is a 409 conflict, never a second document.
#[derive(Default)]
pub struct Index {
    pub docs: BTreeMap<String, Value>,
    pub creates: usize,
    /// Ids to answer 429 for, once each.
    pub throttle_once: Vec<String>,
}

impl Index {
    pub fn bulk(&mut self, request: &Request) -> Answer {
        assert_eq!(request.path, "/_bulk");
        assert_eq!(request.header("content-type"), Some("application/x-ndjson"));
        let lines: Vec<Value> = request
            .text()
            .lines()
            .map(|line| serde_json::from_str(line).expect("json line"))
            .collect();
        let mut items = Vec::new();
        for pair in lines.chunks(2) {
            let action = &pair[0]["create"];
            let id = action["_id"].as_str().expect("_id").to_owned();
            self.creates += 1;
            let status = if let Some(at) = self.throttle_once.iter().position(|t| *t == id) {
                self.throttle_once.remove(at);
                429
            } else if self.docs.contains_key(&id) {
                409
            } else {
                self.docs.insert(id.clone(), pair[1].clone());
                201
            };
            let mut result = json!({ "_index": action["_index"], "_id": id, "status": status });
            if status == 429 {
                result["error"] = json!({"type": "es_rejected_execution_exception", "reason": "rejected execution"});
            } else if status == 409 {
                result["error"] = json!({"type": "version_conflict_engine_exception", "reason": "document already exists"});
            }
            items.push(json!({ "create": result }));
        }
        let errors = items.iter().any(|i| i["create"]["status"] != 201);
        Answer::Reply(
            200,
            json!({ "took": 5, "errors": errors, "items": items }).to_string(),
        )
    }
}
