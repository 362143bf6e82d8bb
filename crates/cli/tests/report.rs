//! The HTML report in a real browser: headless Chromium loads it from a
//! file:// URL with no console errors and no network requests, and its DOM
//! agrees with the JSON and CSV outputs; a 100,000-finding report still
//! renders. Screenshots land in the test's temporary target folder.
//! Chromium comes from `scripts/deps/report.sh`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use rmmguard::events::{Location, SourceRef};
use rmmguard::findings::{Evidence, Finding, Severity, ToolRef, rules};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn chromium() -> &'static str {
    let found = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "chromium is missing: run scripts/deps/report.sh (as root)"
    );
    "chromium"
}

struct Loaded {
    dom: String,
    console: Vec<String>,
    requests: Vec<String>,
}

/// Loads a page headless: its DOM after scripts ran, console messages, and
/// every URL the browser requested; saves a screenshot next to it.
fn load(page: &Path, screenshot: &Path) -> Loaded {
    let profile = tempfile::tempdir().unwrap();
    let net_log = profile.path().join("net.json");
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--enable-logging=stderr",
        "--v=0",
    ];
    let output = Command::new(chromium())
        .args(common)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg("--virtual-time-budget=10000")
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("run chromium");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    let requests = page_requests(&net_log);
    let shot = Command::new(chromium())
        .args(common)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--window-size=1400,2400")
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(&url)
        .output()
        .expect("run chromium for a screenshot");
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    Loaded {
        dom: String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
        requests,
    }
}

/// URLs the page itself asked for: the net log's request jobs that have an
/// initiator. (Chromium's own background traffic — time sync, update
/// checks — is browser-initiated, "not an origin", and not the page's.)
fn page_requests(net_log: &Path) -> Vec<String> {
    let text = fs::read_to_string(net_log).unwrap_or_default();
    let Ok(log) = serde_json::from_str::<serde_json::Value>(&text) else {
        return vec![format!("unreadable net log {}", net_log.display())];
    };
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].as_u64();
    let mut urls: Vec<String> = log["events"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|event| event["type"].as_u64() == start_job)
        .filter(|event| {
            event["params"]["initiator"]
                .as_str()
                .is_some_and(|i| i != "not an origin")
        })
        .filter_map(|event| event["params"]["url"].as_str().map(str::to_owned))
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

fn rmmguard(args: &[&str], data: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_rmmguard"))
        .args(args)
        .current_dir(repo())
        .env("RMMGUARD_DATA_DIR", data)
        .output()
        .expect("run rmmguard");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn report_of_the_examples_loads_offline_and_matches_the_json() {
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("report.html");
    let incidents = out.path().join("incidents.jsonl");
    let audit = out.path().join("audit.csv");
    rmmguard(
        &[
            "hunt",
            "-q",
            "--policy",
            "examples/policy.toml",
            "--assets",
            "examples/evidence/assets.csv",
            "examples/evidence/evtx",
            "--html",
            html.to_str().unwrap(),
            "--incidents",
            incidents.to_str().unwrap(),
        ],
        out.path(),
    );
    rmmguard(
        &[
            "audit",
            "--policy",
            "examples/policy.toml",
            "examples/evidence/evtx",
            "--csv",
            audit.to_str().unwrap(),
        ],
        out.path(),
    );
    let text = fs::read_to_string(&html).unwrap();
    assert!(
        !text.contains("http://") && !text.contains("https://"),
        "the report references nothing online"
    );
    let screenshot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-examples.png");
    let page = load(&html, &screenshot);
    assert_eq!(
        page.console,
        Vec::<String>::new(),
        "no console messages, errors included"
    );
    let online: Vec<&String> = page
        .requests
        .iter()
        .filter(|u| !u.starts_with("file://"))
        .collect();
    assert_eq!(online, Vec::<&String>::new(), "no network requests");
    let incident_count = fs::read_to_string(&incidents).unwrap().lines().count();
    assert_eq!(incident_count, 3);
    assert_eq!(page.dom.matches("data-incident=").count(), incident_count);
    let audit_rows = fs::read_to_string(&audit).unwrap().lines().count() - 1;
    assert_eq!(audit_rows, 6);
    assert_eq!(page.dom.matches("data-audit-row").count(), audit_rows);
    // The findings table is rendered by the page's script (low and above by default).
    assert_eq!(page.dom.matches("data-finding=").count(), 14);
    assert!(
        page.dom.contains("14 findings, page 1 of 1"),
        "the script ran"
    );
    assert!(
        fs::metadata(&screenshot).unwrap().len() > 10_000,
        "screenshot saved to {}",
        screenshot.display()
    );
}

fn synthetic(n: usize) -> Vec<Finding> {
    let rules = [
        rules::UNREVIEWED_RMM,
        rules::PORTABLE_RMM,
        rules::IOC_MATCH,
        rules::FINANCIAL_SITE,
    ];
    (0..n)
        .map(|i| {
            let rule = rules[i % rules.len()];
            Finding {
                id: rmmguard::findings::finding_id(&[rule.id, &i.to_string()]),
                rule,
                severity: rule.severity,
                stage: rule.stage,
                summary: format!("finding {i} with <markup> & \"quotes\""),
                host: Some(format!("WS-{:05}", i % 5000)),
                user: None,
                site: Some(Arc::from(["hq", "branch1", "branch2"][i % 3])),
                tool: Some(ToolRef {
                    id: Arc::from("anydesk"),
                    name: Arc::from("AnyDesk"),
                }),
                tenant: None,
                authorization: None,
                first_seen: None,
                last_seen: None,
                count: 1,
                evidence: vec![Evidence {
                    source: SourceRef::new(
                        format!("/evidence/host{}/Sysmon.evtx", i % 5000),
                        Location::Record(i as u64),
                    ),
                    timestamp: None,
                    what: "Sysmon 1 process_start".into(),
                }],
                facts: Vec::new(),
            }
        })
        .collect()
}

#[test]
fn a_report_with_100000_findings_renders() {
    let findings = synthetic(100_000);
    let run = rmmguard::sinks::Run {
        files: 1,
        bytes: 1,
        records: 100_000,
        elapsed: std::time::Duration::from_secs(1),
        findings: &findings,
        ..rmmguard::sinks::Run::default()
    };
    let report = rmmguard::sinks::html::Report {
        generated: "test".into(),
    };
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("big.html");
    fs::write(&html, report.render(&run)).unwrap();
    let screenshot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-100k.png");
    let page = load(&html, &screenshot);
    assert_eq!(page.console, Vec::<String>::new());
    // One page of 100 rows in the DOM, whatever the total.
    assert_eq!(page.dom.matches("data-finding=").count(), 100);
    let flagged = findings
        .iter()
        .filter(|f| f.severity >= Severity::Low)
        .count();
    assert!(
        page.dom.contains(&format!(
            "{flagged} findings, page 1 of {}",
            flagged.div_ceil(100)
        )),
        "paginated"
    );
    assert!(
        page.dom
            .contains("finding 0 with &lt;markup&gt; &amp; \"quotes\""),
        "summaries are text, not markup"
    );
}

/// Host names an attacker can write into forged or relayed logs: terminal
/// escapes (window title, screen clear), spreadsheet formulas, markup that
/// would close the report's script or open a comment, an event handler, and
/// a JavaScript line separator.
const HOSTILE_HOSTS: [&str; 5] = [
    "=HYPERLINK(\"http://evil.example/\",\"click\")",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "WS-7\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m",
    "</script><script>document.title='pwned'</script><!--",
    "\"><img src=x onerror=\"document.title='pwned'\">\u{2028}WS-9",
];

fn hostile_evidence(dir: &Path) -> PathBuf {
    let lines: String = HOSTILE_HOSTS
        .iter()
        .enumerate()
        .map(|(n, host)| {
            let event = serde_json::json!({
                "@timestamp": format!("2026-11-20T09:0{n}:00.000Z"),
                "event": {"code": "1", "provider": "Microsoft-Windows-Sysmon", "kind": "event"},
                "host": {"name": host},
                "winlog": {
                    "channel": "Microsoft-Windows-Sysmon/Operational",
                    "computer_name": host,
                    "event_id": "1",
                    "provider_name": "Microsoft-Windows-Sysmon",
                    "record_id": n + 1,
                    "event_data": {
                        "UtcTime": format!("2026-11-20 09:0{n}:00.000"),
                        "Image": "C:\\Users\\bob\\Downloads\\AnyDesk.exe",
                        "CommandLine": format!("AnyDesk.exe =cmd|'/C calc'!A{n} {host}"),
                        "User": host,
                    },
                },
            });
            event.to_string() + "\n"
        })
        .collect();
    let path = dir.join("Sysmon.jsonl");
    fs::write(&path, lines).unwrap();
    path
}

#[test]
fn hostile_evidence_comes_out_inert_in_every_output() {
    let out = tempfile::tempdir().unwrap();
    let evidence = hostile_evidence(out.path());
    let html = out.path().join("report.html");
    let jsonl = out.path().join("findings.jsonl");
    let csv = out.path().join("findings.csv");
    let terminal = Command::new(env!("CARGO_BIN_EXE_rmmguard"))
        .args(["hunt", "--html", html.to_str().unwrap()])
        .args([
            "--jsonl",
            jsonl.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ])
        .arg(&evidence)
        .env("RMMGUARD_DATA_DIR", out.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run rmmguard");
    assert!(
        terminal.status.success(),
        "{}",
        String::from_utf8_lossy(&terminal.stderr)
    );

    // JSON lines: every value round-trips exactly.
    let records: Vec<serde_json::Value> = fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    let hosts: std::collections::BTreeSet<&str> =
        records.iter().filter_map(|r| r["host"].as_str()).collect();
    let expected: std::collections::BTreeSet<&str> = HOSTILE_HOSTS.into_iter().collect();
    assert_eq!(hosts, expected);

    // Terminal: no control byte reaches it; the escapes are shown.
    let stdout = String::from_utf8_lossy(&terminal.stdout);
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the terminal:\n{stdout:?}"
    );
    assert!(
        stdout.contains("WS-7\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m"),
        "{stdout}"
    );
    assert!(stdout.contains("\\u{2028}WS-9"), "{stdout}");

    // CSV: no cell a spreadsheet would evaluate.
    let text = fs::read_to_string(&csv).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = 0;
    for row in reader.records() {
        let row = row.expect("CSV row");
        rows += 1;
        for cell in row.iter() {
            let first = cell.trim_start_matches(' ').chars().next();
            assert!(
                !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "formula cell {cell:?}"
            );
        }
    }
    assert_eq!(rows, records.len());
    assert!(text.contains("'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")"));
    assert!(text.contains("'@SUM(1+1)*cmd|' /C calc'!A0"));

    // HTML: the findings table is complete and no script from evidence ran.
    let screenshot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-hostile.png");
    let page = load(&html, &screenshot);
    assert_eq!(
        page.console,
        Vec::<String>::new(),
        "no console messages (a CSP refusal is one)"
    );
    assert!(
        page.dom.contains("<title>rmmguard report</title>"),
        "title changed"
    );
    assert!(!page.dom.contains("<title>pwned"));
    let shown = records.iter().filter(|r| r["severity"] != "info").count();
    assert_eq!(page.dom.matches("data-finding=").count(), shown);
    assert!(page.dom.contains(&format!("{shown} findings, page 1 of 1")));
    assert!(
        !page.dom.contains("<img src=\"x\""),
        "evidence markup became an element"
    );
}
