//! `rmmguard serve` fed by real senders: `curl` (gzip) to the events API,
//! the `_bulk` bodies Winlogbeat, Filebeat and Fluent Bit send, and
//! `logger` over syslog UDP and TCP in both RFC formats. What it finds
//! equals a `hunt` of the same events; tokens, roles, limits and the
//! incident workflow hold.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::serve::{Server, bearer, curl, get, start, wait_until, waited};
use common::{command, incident_key, repo, rmmguard};
use serde_json::{Value, json};

/// Posts a file; `gzip` compresses it first, as Beats do.
fn post(server: &Server, token: &str, path: &str, body: &Path, gzip: bool) -> (u16, Value) {
    let mut args = vec![
        "-H".to_owned(),
        bearer(token),
        "-H".to_owned(),
        "Content-Type: application/x-ndjson".to_owned(),
    ];
    // The compressed body lives in a temporary file, never beside the
    // fixtures (a hunt of their folder would read it too).
    let zipped = tempfile::Builder::new()
        .suffix(".gz")
        .tempfile()
        .expect("temp file");
    let sent = if gzip {
        let mut encoder = flate2::write::GzEncoder::new(
            fs::File::create(zipped.path()).expect("gz"),
            flate2::Compression::fast(),
        );
        encoder
            .write_all(&fs::read(body).expect("body"))
            .expect("compress");
        encoder.finish().expect("gz end");
        args.extend(["-H".to_owned(), "Content-Encoding: gzip".to_owned()]);
        zipped.path().to_path_buf()
    } else {
        body.to_path_buf()
    };
    args.extend([
        "--data-binary".to_owned(),
        format!("@{}", sent.display()),
        format!("{}{path}", server.http),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (status, text) = curl(&args);
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A finding as compared: what does not depend on which file or order the
/// evidence was read in.
fn comparable(finding: &Value) -> (String, Value) {
    let id = finding["id"].as_str().unwrap_or_default().to_owned();
    let fields = [
        "rule_id",
        "severity",
        "tool",
        "tenant",
        "count",
        "first_seen",
        "last_seen",
        "authorization",
    ];
    let picked: serde_json::Map<String, Value> = fields
        .iter()
        .map(|f| ((*f).to_owned(), finding[*f].clone()))
        .collect();
    (id, Value::Object(picked))
}

fn lines_of(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .expect("read")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

fn files_under(dir: &Path, wanted: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("list").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if wanted(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn logger(args: &[&str], file: &Path) {
    let status = Command::new("logger")
        .args(args)
        .args(["--size", "65000", "-t", "nxlog", "-f"])
        .arg(file)
        .status()
        .expect("logger (Debian: bsdutils)");
    assert!(status.success(), "logger {args:?}");
}

#[test]
fn events_from_real_senders_give_the_findings_a_hunt_gives() {
    let data = tempfile::tempdir().expect("data");
    let work = tempfile::tempdir().expect("work");
    let generated = work.path().join("generated");
    let output = rmmguard(
        data.path(),
        &[
            "simulate",
            "--seed",
            "4",
            "--sites",
            "4",
            "--hosts",
            "1",
            "--days",
            "1",
            "--background",
            "15",
            "--out",
            generated.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let policy = generated.join("policy.toml");
    let server = start(data.path(), work.path(), Some(&policy));
    // What the hunt reads: the same events, as native files.
    let same = work.path().join("same");
    fs::create_dir_all(&same).expect("dir");
    let windows = |site: &str| {
        files_under(&generated.join(site), &|p: &Path| {
            p.extension().is_some_and(|e| e == "jsonl")
        })
    };

    // hq: Windows events as JSON lines, gzip, to the events API.
    let hq: Vec<String> = windows("hq").iter().flat_map(|p| lines_of(p)).collect();
    let hq_file = work.path().join("hq.jsonl");
    fs::write(&hq_file, hq.join("\n") + "\n").expect("write");
    fs::copy(&hq_file, same.join("hq.jsonl")).expect("copy");
    let (status, answer) = post(&server, &server.ingest, "/api/v1/events", &hq_file, true);
    assert_eq!(
        (status, answer["refused_count"].as_u64()),
        (200, Some(0)),
        "{answer}"
    );
    assert_eq!(answer["accepted"].as_u64(), Some(hq.len() as u64));

    // branch1: Windows events over syslog, 20 by UDP (RFC 5424), the rest by
    // TCP (RFC 3164, octet-counted frames; then RFC 5424, one per line).
    let branch1: Vec<String> = windows("branch1")
        .iter()
        .flat_map(|p| lines_of(p))
        .collect();
    let (udp_part, tcp_part) = branch1.split_at(20.min(branch1.len()));
    let (counted, newline) = tcp_part.split_at(tcp_part.len() / 2);
    let (udp_host, udp_port) = server.udp.rsplit_once(':').expect("udp address");
    let (tcp_host, tcp_port) = server.tcp.rsplit_once(':').expect("tcp address");
    for (name, lines, args) in [
        (
            "udp.txt",
            udp_part,
            vec![
                "--udp",
                "--rfc5424",
                "--server",
                udp_host,
                "--port",
                udp_port,
            ],
        ),
        (
            "counted.txt",
            counted,
            vec![
                "--tcp",
                "--octet-count",
                "--rfc3164",
                "--server",
                tcp_host,
                "--port",
                tcp_port,
            ],
        ),
        (
            "newline.txt",
            newline,
            vec![
                "--tcp",
                "--rfc5424",
                "--server",
                tcp_host,
                "--port",
                tcp_port,
            ],
        ),
    ] {
        let file = work.path().join(name);
        fs::write(&file, lines.join("\n") + "\n").expect("write");
        logger(&args, &file);
    }
    fs::write(same.join("branch1.jsonl"), branch1.join("\n") + "\n").expect("write");

    // branch2: Windows events as Winlogbeat sends them; EVE as Filebeat does.
    let branch2: Vec<String> = windows("branch2")
        .iter()
        .flat_map(|p| lines_of(p))
        .collect();
    let mut body = String::new();
    for line in &branch2 {
        body.push_str("{\"create\":{\"_index\":\"winlogbeat-8.11.0\"}}\n");
        body.push_str(line);
        body.push('\n');
    }
    let winlogbeat = work.path().join("winlogbeat.ndjson");
    fs::write(&winlogbeat, body).expect("write");
    let (status, answer) = post(&server, &server.ingest, "/_bulk", &winlogbeat, true);
    assert_eq!(
        (status, answer["errors"].as_bool()),
        (200, Some(false)),
        "{answer}"
    );
    assert_eq!(
        answer["items"].as_array().map(Vec::len),
        Some(branch2.len())
    );
    fs::write(same.join("branch2.jsonl"), branch2.join("\n") + "\n").expect("write");

    let eve = generated.join("branch2/network/eve.json");
    let mut body = String::new();
    for (offset, line) in lines_of(&eve).iter().enumerate() {
        body.push_str("{\"create\":{\"_index\":\"filebeat-8.11.0\"}}\n");
        let document = json!({"@timestamp": "2026-11-20T00:00:00.000Z", "message": line,
            "log": {"offset": offset, "file": {"path": "/var/log/suricata/eve.json"}},
            "input": {"type": "filestream"}, "agent": {"type": "filebeat"}, "ecs": {"version": "8.0.0"}});
        body.push_str(&document.to_string());
        body.push('\n');
    }
    let filebeat = work.path().join("filebeat.ndjson");
    fs::write(&filebeat, body).expect("write");
    let (status, answer) = post(
        &server,
        &server.ingest,
        "/filebeat-8.11.0/_bulk",
        &filebeat,
        true,
    );
    assert_eq!(
        (status, answer["errors"].as_bool()),
        (200, Some(false)),
        "{answer}"
    );
    fs::copy(&eve, same.join("eve.json")).expect("copy");

    // plant: Zeek JSON logs as Fluent Bit's tail input and es output send them.
    for log in files_under(&generated.join("plant"), &|p: &Path| {
        p.extension().is_some_and(|e| e == "log")
    }) {
        let mut body = String::new();
        for line in lines_of(&log) {
            body.push_str("{\"index\":{\"_index\":\"fluent-bit\",\"_type\":\"_doc\"}}\n");
            body.push_str(
                &json!({"@timestamp": "2026-11-20T00:00:00.000Z", "log": line}).to_string(),
            );
            body.push('\n');
        }
        let fluentbit = work.path().join("fluentbit.ndjson");
        fs::write(&fluentbit, body).expect("write");
        let (status, answer) = post(&server, &server.ingest, "/_bulk", &fluentbit, false);
        assert_eq!(
            (status, answer["errors"].as_bool()),
            (200, Some(false)),
            "{answer}"
        );
        let name = log.file_name().expect("name");
        fs::copy(&log, same.join(name)).expect("copy");
    }

    // The hunt of the same events.
    let hunt_out = work.path().join("hunt.jsonl");
    let incidents_out = work.path().join("incidents.jsonl");
    let output = rmmguard(
        data.path(),
        &[
            "hunt",
            "--quiet",
            "--policy",
            policy.to_str().expect("utf-8"),
            "--jsonl",
            hunt_out.to_str().expect("utf-8"),
            "--incidents",
            incidents_out.to_str().expect("utf-8"),
            same.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let hunted: BTreeMap<String, Value> = lines_of(&hunt_out)
        .iter()
        .map(|l| comparable(&serde_json::from_str(l).expect("json")))
        .collect();
    assert!(hunted.len() >= 15, "{} findings", hunted.len());

    let mut served = BTreeMap::new();
    let equal = waited(|| {
        let findings = get(&server, &server.viewer, "/api/v1/findings?limit=100000");
        served = findings
            .as_array()
            .into_iter()
            .flatten()
            .map(comparable)
            .collect();
        served == hunted
    });
    if !equal {
        let differ: Vec<String> = hunted
            .iter()
            .filter(|(id, f)| served.get(*id) != Some(f))
            .map(|(id, f)| format!("{id}: hunt {f}, served {:?}", served.get(id)))
            .chain(
                served
                    .keys()
                    .filter(|id| !hunted.contains_key(*id))
                    .map(|id| format!("{id}: only served {}", served[id])),
            )
            .collect();
        panic!(
            "served findings differ from the hunt's:\n{}",
            differ.join("\n")
        );
    }
    let mut hunted_incidents: Vec<_> = lines_of(&incidents_out)
        .iter()
        .map(|l| incident_key(&serde_json::from_str(l).expect("json")))
        .collect();
    hunted_incidents.sort();
    let served_incidents = get(&server, &server.viewer, "/api/v1/incidents");
    let mut served_incidents: Vec<_> = served_incidents
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| incident_key(&i["incident"]))
        .collect();
    served_incidents.sort();
    assert!(!hunted_incidents.is_empty());
    assert_eq!(served_incidents, hunted_incidents);
    let metrics = curl(&[
        "-H",
        &bearer(&server.viewer),
        &format!("{}/metrics", server.http),
    ])
    .1;
    assert!(
        metrics.contains(&format!(
            "rmmguard_syslog_messages_total {}\n",
            branch1.len()
        )),
        "{metrics}"
    );
    assert!(
        metrics.contains("rmmguard_syslog_without_json_total 0\n"),
        "{metrics}"
    );
}

#[test]
fn tokens_roles_limits_and_the_incident_workflow() {
    let data = tempfile::tempdir().expect("data");
    let work = tempfile::tempdir().expect("work");
    let server = start(data.path(), work.path(), None);
    let url = |path: &str| format!("{}{path}", server.http);
    let fixtures = repo().join("crates/cli/tests/data/serve");

    assert_eq!(curl(&[&url("/healthz")]), (200, "ok\n".to_owned()));
    assert_eq!(curl(&[&url("/api/v1/findings")]).0, 401);
    assert_eq!(
        curl(&["-H", &bearer("not-a-token"), &url("/api/v1/findings")]).0,
        401
    );
    assert_eq!(
        curl(&["-H", &bearer(&server.ingest), &url("/api/v1/findings")]).0,
        403
    );
    assert_eq!(
        curl(&[
            "-H",
            &bearer(&server.viewer),
            "--data-binary",
            "{}",
            &url("/api/v1/events")
        ])
        .0,
        403
    );
    let (status, root) = curl(&["-u", &format!("elastic:{}", server.ingest), &url("/")]);
    assert_eq!(status, 200, "Beats authenticate with a password: {root}");
    assert!(root.contains("\"number\":\"8.11.0\""), "{root}");

    let (status, answer) = post(
        &server,
        &server.ingest,
        "/_bulk",
        &fixtures.join("winlogbeat-bulk.ndjson"),
        true,
    );
    assert_eq!(status, 200);
    assert_eq!(answer["errors"], json!(false));
    let statuses: Vec<u64> = answer["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["create"]["status"].as_u64())
        .collect();
    assert_eq!(statuses, [201, 201]);
    let (status, answer) = post(
        &server,
        &server.ingest,
        "/filebeat-8.11.0/_bulk",
        &fixtures.join("filebeat-bulk.ndjson"),
        true,
    );
    assert_eq!(
        (status, answer["errors"].clone()),
        (200, json!(false)),
        "{answer}"
    );
    let (status, answer) = post(
        &server,
        &server.ingest,
        "/fluent-bit/_bulk",
        &fixtures.join("fluentbit-bulk.ndjson"),
        false,
    );
    assert_eq!(status, 200);
    assert_eq!(
        answer["errors"],
        json!(true),
        "update and delete are refused item by item"
    );
    let items: Vec<(String, u64)> = answer["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| {
            i.as_object()?
                .iter()
                .next()
                .map(|(k, v)| (k.clone(), v["status"].as_u64().unwrap_or(0)))
        })
        .collect();
    assert_eq!(
        items,
        [
            ("index".into(), 201),
            ("update".into(), 400),
            ("delete".into(), 400)
        ]
    );

    // One bad line among good ones is refused alone; a body over the limit
    // (as sent or once inflated) is refused whole.
    let mixed = work.path().join("mixed.jsonl");
    let good = lines_of(&fixtures.join("winlogbeat-bulk.ndjson"))
        .into_iter()
        .nth(1)
        .expect("document");
    fs::write(
        &mixed,
        format!("{good}\nnot json at all\n{{\"just\":\"an object\"}}\n"),
    )
    .expect("write");
    let (status, answer) = post(&server, &server.ingest, "/api/v1/events", &mixed, false);
    assert_eq!(
        (
            status,
            answer["accepted"].as_u64(),
            answer["refused_count"].as_u64()
        ),
        (200, Some(1), Some(2)),
        "{answer}"
    );
    let big = work.path().join("big.jsonl");
    fs::write(&big, vec![b' '; 5 << 20]).expect("write");
    assert_eq!(
        post(&server, &server.ingest, "/api/v1/events", &big, false).0,
        413
    );
    let bomb = work.path().join("bomb.jsonl");
    fs::write(&bomb, vec![b' '; 40 << 20]).expect("write");
    assert_eq!(
        post(&server, &server.ingest, "/api/v1/events", &bomb, true).0,
        413,
        "inflates past max_decoded"
    );

    wait_until("the fixtures' findings", || {
        let findings = get(&server, &server.viewer, "/api/v1/findings");
        let rules: BTreeSet<String> = findings
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| {
                Some(format!(
                    "{} {}",
                    f["rule_id"].as_str()?,
                    f["host"].as_str()?
                ))
            })
            .collect();
        [
            "E005 BULK-WS-01.corp.example",
            "E014 10.20.0.15",
            "N001 10.30.0.9",
        ]
        .iter()
        .all(|r| rules.contains(*r))
    });
    let only_host = get(
        &server,
        &server.viewer,
        "/api/v1/findings?host=bulk-ws-01.corp.example&min_severity=high",
    );
    assert!(
        only_host.as_array().is_some_and(
            |f| !f.is_empty() && f.iter().all(|f| f["host"] == "BULK-WS-01.corp.example")
        )
    );

    // The incident workflow: viewers look, analysts act, the log keeps it.
    let mut incidents = Value::Null;
    wait_until("an incident", || {
        incidents = get(&server, &server.viewer, "/api/v1/incidents");
        incidents.as_array().is_some_and(|i| !i.is_empty())
    });
    let number = incidents[0]["number"].as_u64().expect("number");
    let act = |token: &str, action: &str, body: &str| {
        curl(&[
            "-H",
            &bearer(token),
            "-H",
            "Content-Type: application/json",
            "--data",
            body,
            &url(&format!("/api/v1/incidents/{number}/{action}")),
        ])
        .0
    };
    assert_eq!(act(&server.viewer, "acknowledge", "{}"), 403);
    assert_eq!(act(&server.analyst, "acknowledge", "{}"), 200);
    assert_eq!(act(&server.analyst, "assign", r#"{"to":"bob"}"#), 200);
    assert_eq!(act(&server.analyst, "close", r#"{"note":""}"#), 400);
    assert_eq!(
        act(
            &server.analyst,
            "close",
            r#"{"note":"<script>alert(1)</script> lab machine"}"#
        ),
        200
    );
    let incident = get(
        &server,
        &server.viewer,
        &format!("/api/v1/incidents/{number}"),
    );
    assert_eq!(incident["status"], "closed");
    assert_eq!(incident["assignee"], "bob");
    let log: Vec<&str> = incident["log"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["what"].as_str())
        .collect();
    assert_eq!(log.len(), 4, "{log:?}");
    assert_eq!(
        &log[1..],
        [
            "acknowledged by ana",
            "assigned to bob",
            "closed: <script>alert(1)</script> lab machine (ana)"
        ]
    );
    assert_eq!(
        curl(&[
            "-H",
            &bearer(&server.viewer),
            &url("/api/v1/incidents/999999")
        ])
        .0,
        404
    );
    let all = get(&server, &server.viewer, "/api/v1/incidents?status=closed");
    assert!(
        all.as_array()
            .is_some_and(|i| i.iter().any(|i| i["number"] == number))
    );
}

/// Validates `value` against `#/components/schemas/NAME` of the document.
fn check_against(document: &Value, name: &str, value: &Value) {
    let mut schema = document["components"]["schemas"][name].clone();
    // References inside resolve against the whole document's components.
    schema["components"] = document["components"].clone();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema {name}: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}");
}

#[test]
fn the_api_answers_validate_against_its_openapi_document() {
    let data = tempfile::tempdir().expect("data");
    let work = tempfile::tempdir().expect("work");
    let server = start(
        data.path(),
        work.path(),
        Some(&repo().join("examples/policy.toml")),
    );
    let document = get(&server, &server.viewer, "/api/v1/openapi.json");
    assert_eq!(document["openapi"], "3.1.0");
    let path = work.path().join("openapi.json");
    fs::write(&path, document.to_string()).expect("write");
    let validator = std::env::var_os("RMMGUARD_OPENAPI_VENV")
        .map_or_else(
            || PathBuf::from("/opt/rmmguard/openapi-venv"),
            PathBuf::from,
        )
        .join("bin/openapi-spec-validator");
    let checked = Command::new(&validator)
        .arg(&path)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{} ({e}): run scripts/deps/live.sh as root",
                validator.display()
            )
        });
    assert!(
        checked.status.success(),
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );

    let events = work.path().join("events.jsonl");
    let lines: Vec<String> = files_under(&repo().join("examples/evidence/jsonl"), &|p: &Path| {
        p.extension().is_some_and(|e| e == "jsonl")
    })
    .iter()
    .flat_map(|p| lines_of(p))
    .collect();
    fs::write(&events, lines.join("\n") + "\nnot json\n").expect("write");
    let (status, answer) = post(&server, &server.ingest, "/api/v1/events", &events, true);
    assert_eq!(status, 200);
    check_against(&document, "EventsAnswer", &answer);
    let (status, answer) = post(
        &server,
        &server.ingest,
        "/fluent-bit/_bulk",
        &repo().join("crates/cli/tests/data/serve/fluentbit-bulk.ndjson"),
        false,
    );
    assert_eq!(status, 200);
    check_against(&document, "BulkAnswer", &answer);
    let mut incidents = Value::Null;
    wait_until("incidents", || {
        incidents = get(&server, &server.viewer, "/api/v1/incidents");
        incidents.as_array().is_some_and(|i| i.len() >= 2)
    });
    check_against(&document, "IncidentList", &incidents);
    let number = incidents[0]["number"].as_u64().expect("number");
    check_against(
        &document,
        "StoredIncident",
        &get(
            &server,
            &server.viewer,
            &format!("/api/v1/incidents/{number}"),
        ),
    );
    let findings = get(
        &server,
        &server.viewer,
        "/api/v1/findings?min_severity=info&current=false",
    );
    assert!(findings.as_array().is_some_and(|f| f.len() >= 20));
    check_against(&document, "FindingList", &findings);
    let (status, error) = curl(&[
        "-H",
        &bearer(&server.viewer),
        &format!("{}/api/v1/incidents/424242", server.http),
    ]);
    assert_eq!(status, 404);
    check_against(
        &document,
        "Error",
        &serde_json::from_str(&error).expect("json error"),
    );
    let (status, error) = curl(&[&format!("{}/api/v1/findings", server.http)]);
    assert_eq!(status, 401);
    check_against(
        &document,
        "Error",
        &serde_json::from_str(&error).expect("json error"),
    );
}

/// `replay` posts a folder's events: the README's demo in one command.
#[test]
fn replay_feeds_the_example_evidence() {
    let data = tempfile::tempdir().expect("data");
    let work = tempfile::tempdir().expect("work");
    let server = start(
        data.path(),
        work.path(),
        Some(&repo().join("examples/policy.toml")),
    );
    let out = command(data.path())
        .args([
            "replay",
            "--rate",
            "5000",
            "--batch",
            "100",
            "--url",
            &server.http,
            "examples/evidence/jsonl",
        ])
        .env("RMMGUARD_TOKEN", &server.ingest)
        .output()
        .expect("replay");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("rmmguard: replay: 286 events accepted, 0 refused, in 3 requests"),
        "{stderr}"
    );
    wait_until("the example's incidents", || {
        get(&server, &server.viewer, "/api/v1/incidents")
            .as_array()
            .is_some_and(|i| i.len() == 2)
    });
    let wrong = command(data.path())
        .args([
            "replay",
            "--url",
            &server.http,
            "--token",
            &server.viewer,
            "examples/evidence/jsonl",
        ])
        .output()
        .expect("replay");
    assert_eq!(
        wrong.status.code(),
        Some(2),
        "a viewer token may not ingest"
    );
}
