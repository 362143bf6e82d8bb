//! A running `rmmguard serve` for the tests that talk to it: its tokens,
//! curl, and waiting for the engine.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{command, rmmguard};

/// A running server and its tokens.
pub struct Server {
    child: Child,
    pub http: String,
    pub udp: String,
    pub tcp: String,
    pub ingest: String,
    pub viewer: String,
    pub analyst: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn new_token(data: &Path, name: &str, role: &str) -> (String, String) {
    let output = rmmguard(data, &["serve", "--new-token", name, "--role", role]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let token = output
        .stdout
        .lines()
        .find_map(|line| line.trim_start_matches('#').trim().strip_prefix("rmg_"))
        .map(|rest| format!("rmg_{rest}"))
        .expect("token line");
    let config = output
        .stdout
        .lines()
        .filter(|line| !line.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    (token, config)
}

pub fn start(data: &Path, dir: &Path, policy: Option<&Path>) -> Server {
    let (ingest, ingest_config) = new_token(data, "shipper", "ingest");
    let (viewer, viewer_config) = new_token(data, "vic", "viewer");
    let (analyst, analyst_config) = new_token(data, "ana", "analyst");
    let policy = policy.map_or(String::new(), |p| {
        format!("policy = {:?}\n", p.display().to_string())
    });
    let config = format!(
        "listen = \"127.0.0.1:0\"\ninterval_ms = 50\n{policy}\
         [limits]\nmax_body = 4194304\nmax_decoded = 16777216\n\
         [syslog]\nudp = \"127.0.0.1:0\"\ntcp = \"127.0.0.1:0\"\n\
         {ingest_config}\n{viewer_config}\n{analyst_config}\n"
    );
    let path = dir.join("serve.toml");
    fs::write(&path, config).expect("config");
    let mut child = command(data)
        .args(["serve", "--config"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = child.stderr.take().expect("stderr");
    let (lines, heard) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let mut server = Server {
        child,
        http: String::new(),
        udp: String::new(),
        tcp: String::new(),
        ingest,
        viewer,
        analyst,
    };
    while server.http.is_empty() || server.udp.is_empty() || server.tcp.is_empty() {
        let line = heard
            .recv_timeout(Duration::from_secs(30))
            .expect("serve announces where it listens");
        if let Some(address) = line.strip_prefix("rmmguard: serve: listening on ") {
            server.http = address.to_owned();
        } else if let Some(address) = line.strip_prefix("rmmguard: serve: syslog on udp://") {
            server.udp = address.to_owned();
        } else if let Some(address) = line.strip_prefix("rmmguard: serve: syslog on tcp://") {
            server.tcp = address.to_owned();
        }
    }
    server
}

/// Runs curl; returns the HTTP status and the body.
pub fn curl(args: &[&str]) -> (u16, String) {
    let output = Command::new("curl")
        .args(["-sS", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl (Debian: apt-get install curl)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (status.trim().parse().unwrap_or(0), body.to_owned())
}

pub fn bearer(token: &str) -> String {
    format!("Authorization: Bearer {token}")
}

pub fn get(server: &Server, token: &str, path: &str) -> Value {
    let (status, body) = curl(&["-H", &bearer(token), &format!("{}{path}", server.http)]);
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).expect("JSON answer")
}

/// Waits until `check` holds (the engine reads the spool as it settles).
pub fn wait_until(what: &str, check: impl FnMut() -> bool) {
    assert!(waited(check), "timed out waiting for {what}");
}

/// Whether `check` came to hold within a minute.
pub fn waited(mut check: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while !check() {
        if started.elapsed() > Duration::from_secs(60) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    true
}
