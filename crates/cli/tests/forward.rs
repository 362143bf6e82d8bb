//! `hunt --forward`: the receiver gets exactly the findings `--jsonl`
//! writes and the incidents `--incidents` writes, each with its id; a
//! receiver that is gone means spooled records, or dropped ones and exit
//! status 2 without a spool.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::{fs, thread};

use common::rmmguard;
use serde_json::Value;

/// A HEC receiver on 127.0.0.1: every event it was sent, in order.
fn hec_receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/services/collector/event",
        listener.local_addr().expect("addr")
    );
    let events: Arc<Mutex<Vec<Value>>> = Arc::default();
    let store = events.clone();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let store = store.clone();
            thread::spawn(move || serve(stream, &store));
        }
    });
    (url, events)
}

fn serve(stream: TcpStream, store: &Mutex<Vec<Value>>) {
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0;
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            line.clear();
            reader.read_line(&mut line).expect("header");
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().expect("length");
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("body");
        let events = serde_json::Deserializer::from_slice(&body).into_iter::<Value>();
        store
            .lock()
            .unwrap()
            .extend(events.map(|e| e.expect("json event")));
        let answer = r#"{"text":"Success","code":0}"#;
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
        writer.write_all(reply.as_bytes()).expect("reply");
    }
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("json line"))
        .collect()
}

/// The record of a HEC event, without the id the forwarder added.
fn record(event: &Value, id_key: &str) -> (String, Value) {
    let mut record = event["event"].clone();
    let id = record
        .as_object_mut()
        .and_then(|r| r.remove(id_key))
        .and_then(|id| id.as_str().map(str::to_owned))
        .expect("an id");
    (id, record)
}

#[test]
fn the_receiver_gets_exactly_what_jsonl_and_incidents_write() {
    let (url, events) = hec_receiver();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("forward.toml");
    fs::write(
        &config,
        format!("[[forward]]\nkind = \"hec\"\nurl = \"{url}\"\ntoken = \"t\"\nbatch_size = 4\n"),
    )
    .unwrap();
    let jsonl = dir.path().join("findings.jsonl");
    let incidents = dir.path().join("incidents.jsonl");
    let out = rmmguard(
        dir.path(),
        &[
            "hunt",
            "--policy",
            "examples/policy.toml",
            "examples/evidence/jsonl",
            "--jsonl",
            jsonl.to_str().unwrap(),
            "--incidents",
            incidents.to_str().unwrap(),
            "--forward",
            config.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let findings = json_lines(&fs::read_to_string(&jsonl).unwrap());
    let incidents = json_lines(&fs::read_to_string(&incidents).unwrap());
    assert!(findings.len() >= 5 && !incidents.is_empty());
    let events = events.lock().unwrap();
    assert_eq!(events.len(), findings.len() + incidents.len());
    let (sent_findings, sent_incidents) = events.split_at(findings.len());
    let mut ids = Vec::new();
    for (event, expected) in sent_findings.iter().zip(&findings) {
        assert_eq!(event["sourcetype"], "rmmguard:finding");
        let (id, record) = record(event, "finding_id");
        assert_eq!(&record, expected);
        ids.push(id);
    }
    for (event, expected) in sent_incidents.iter().zip(&incidents) {
        assert_eq!(event["sourcetype"], "rmmguard:incident");
        let (id, record) = record(event, "incident_id");
        assert_eq!(&record, expected);
        ids.push(id);
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "ids are distinct");
    let total = count.to_string();
    assert!(
        out.stderr.contains(&format!(
            "forward hec: {total} sent, 0 retried, 0 spooled, 0 dropped, 0 rejected"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_receiver_that_is_gone_means_a_spool_or_exit_status_2() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool");
    let target = format!(
        "[[forward]]\nkind = \"elasticsearch\"\nurl = \"http://127.0.0.1:{port}\"\nretries = 1\nbackoff_ms = 1\n"
    );
    let dropping = dir.path().join("drop.toml");
    fs::write(&dropping, &target).unwrap();
    let spooling = dir.path().join("spool.toml");
    fs::write(
        &spooling,
        format!("{target}spool_dir = \"{}\"\n", spool.display()),
    )
    .unwrap();
    let args = ["hunt", "-q", "examples/evidence/jsonl", "--forward"];

    let out = rmmguard(
        dir.path(),
        &[&args[..], &[dropping.to_str().unwrap()]].concat(),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("no spool_dir is set"), "{}", out.stderr);
    assert!(
        out.stderr.contains("rmmguard: error: forwarding lost"),
        "{}",
        out.stderr
    );

    let out = rmmguard(
        dir.path(),
        &[&args[..], &[spooling.to_str().unwrap()]].concat(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let segments = fs::read_dir(&spool)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "spool"))
        })
        .count();
    assert!(segments > 0, "the records wait in the spool");
    assert!(!out.stderr.contains("rmmguard: error"), "{}", out.stderr);
}

/// `watch --forward` sends each finding as it appears, by its id, and each
/// incident by its number; a second pass that changes nothing sends nothing.
#[test]
fn watch_forwards_what_changes_and_nothing_twice() {
    let (url, events) = hec_receiver();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("forward.toml");
    fs::write(
        &config,
        format!(
            "[[forward]]\nkind = \"hec\"\nurl = \"{url}\"\ntoken = \"t\"\nmin_severity = \"info\"\n"
        ),
    )
    .unwrap();
    let state = dir.path().join("state.db");
    let args = [
        "watch",
        "--once",
        "--policy",
        "examples/policy.toml",
        "--state",
        state.to_str().unwrap(),
        "--forward",
        config.to_str().unwrap(),
        "examples/evidence/jsonl",
    ];
    let out = rmmguard(dir.path(), &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let jsonl = dir.path().join("findings.jsonl");
    let hunt = rmmguard(
        dir.path(),
        &[
            "hunt",
            "-q",
            "--policy",
            "examples/policy.toml",
            "--jsonl",
            jsonl.to_str().unwrap(),
            "examples/evidence/jsonl",
        ],
    );
    assert_eq!(hunt.code, 0, "{}", hunt.stderr);
    let mut expected: Vec<String> = json_lines(&fs::read_to_string(&jsonl).unwrap())
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    expected.sort();
    let sent = events.lock().unwrap().clone();
    let mut finding_ids: Vec<String> = sent
        .iter()
        .filter(|e| e["sourcetype"] == "rmmguard:finding")
        .map(|e| record(e, "finding_id").0)
        .collect();
    finding_ids.sort();
    assert_eq!(finding_ids, expected);
    let incidents: Vec<String> = sent
        .iter()
        .filter(|e| e["sourcetype"] == "rmmguard:incident")
        .map(|e| record(e, "incident_id").0)
        .collect();
    assert_eq!(incidents, ["incident-1", "incident-2", "incident-3"]);

    let again = rmmguard(dir.path(), &args);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        events.lock().unwrap().len(),
        sent.len(),
        "nothing changed, nothing sent"
    );
}
