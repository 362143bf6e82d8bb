//! The dashboard of `rmmguard serve` in headless Chromium, driven over the
//! DevTools protocol (`--remote-debugging-pipe`): token login, the incident
//! list equals the API's, a finding posted during the test arrives by SSE
//! without a reload, no console errors, no request leaves the origin, and
//! evidence carrying `<script>` / `onerror=` stays text. Screenshots go to
//! `target/dashboard-screenshots/`. Plus the session and CSRF rules with curl.
//! Chromium comes from `scripts/deps/report.sh`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::repo;
use common::serve::{Server, curl, get, start, wait_until};
use serde_json::{Value, json};

const SCRIPT_HOST: &str = "<script>alert(1)</script>";
const IMG_HOST: &str = "\"><img src=x onerror=alert(1)>";

/// A Sysmon start of a portable AnyDesk (a finding) whose command line
/// carries markup too.
fn hostile_event(host: &str, record: u32) -> String {
    common::sysmon_process_start(
        host,
        record,
        "C:\\Users\\bob\\Downloads\\AnyDesk.exe",
        "\"C:\\Users\\bob\\Downloads\\AnyDesk.exe\" --note \"><img src=x onerror=alert(2)><script>alert(3)</script>",
        "",
    )
}

fn post_events(server: &Server, dir: &Path, name: &str, body: &str) {
    let file = dir.join(name);
    fs::write(&file, body).expect("write");
    let (status, answer) = curl(&[
        "-H",
        &format!("Authorization: Bearer {}", server.ingest),
        "--data-binary",
        &format!("@{}", file.display()),
        &format!("{}/api/v1/events", server.http),
    ]);
    assert_eq!(status, 200, "{answer}");
}

fn post_bulk_fixture(server: &Server) {
    // Together these give findings on three hosts and an incident.
    for (path, fixture) in [
        ("/_bulk", "winlogbeat-bulk.ndjson"),
        ("/filebeat-8.11.0/_bulk", "filebeat-bulk.ndjson"),
        ("/fluent-bit/_bulk", "fluentbit-bulk.ndjson"),
    ] {
        let fixture = repo().join("crates/cli/tests/data/serve").join(fixture);
        let (status, answer) = curl(&[
            "-H",
            &format!("Authorization: Bearer {}", server.ingest),
            "-H",
            "Content-Type: application/x-ndjson",
            "--data-binary",
            &format!("@{}", fixture.display()),
            &format!("{}{path}", server.http),
        ]);
        assert_eq!(status, 200, "{answer}");
    }
}

/// Chromium under the DevTools protocol, over two named pipes.
struct Browser {
    child: Child,
    commands: fs::File,
    replies: mpsc::Receiver<Value>,
    next_id: u64,
    session: String,
    /// Every event heard so far.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch() -> Browser {
        let found = Command::new("chromium")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "chromium is missing: run scripts/deps/report.sh (as root)"
        );
        let profile = tempfile::tempdir().expect("profile");
        let to_browser = profile.path().join("in.fifo");
        let from_browser = profile.path().join("out.fifo");
        for fifo in [&to_browser, &from_browser] {
            let made = Command::new("mkfifo").arg(fifo).status().expect("mkfifo");
            assert!(made.success());
        }
        // The shell hands the pipes to Chromium as fds 3 and 4, which is
        // where --remote-debugging-pipe expects them.
        let child = Command::new("sh")
            .arg("-c")
            .arg(
                "exec chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
                 --disable-background-networking --disable-component-update --disable-sync \
                 --disable-dev-shm-usage --window-size=1400,1000 --remote-debugging-pipe \
                 --user-data-dir=\"$3\" about:blank 3<\"$1\" 4>\"$2\"",
            )
            .arg("sh")
            .arg(&to_browser)
            .arg(&from_browser)
            .arg(profile.path().join("data"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let commands = fs::OpenOptions::new()
            .write(true)
            .open(&to_browser)
            .expect("command pipe");
        let replies_pipe = fs::File::open(&from_browser).expect("reply pipe");
        let (sender, replies) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(replies_pipe);
            let mut message = Vec::new();
            let mut byte = [0u8; 1];
            while reader.read_exact(&mut byte).is_ok() {
                if byte[0] == 0 {
                    if let Ok(value) = serde_json::from_slice::<Value>(&message)
                        && sender.send(value).is_err()
                    {
                        return;
                    }
                    message.clear();
                } else {
                    message.push(byte[0]);
                }
            }
        });
        let mut browser = Browser {
            child,
            commands,
            replies,
            next_id: 0,
            session: String::new(),
            events: Vec::new(),
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().expect("target").to_owned();
        let attached = browser.call(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        browser.session = attached["sessionId"].as_str().expect("session").to_owned();
        for domain in [
            "Page.enable",
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
        ] {
            browser.call(domain, json!({}));
        }
        browser
    }

    /// Sends a command (to the page once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        self.commands.write_all(&bytes).expect("send to chromium");
        loop {
            let reply = self
                .replies
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("chromium did not answer {method}"));
            if reply["id"].as_u64() == Some(id) {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
            self.events.push(reply);
        }
    }

    /// Evaluates `expression` in the page; its value.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is true in the page.
    fn wait_for(&mut self, what: &str, expression: &str) {
        let started = Instant::now();
        while self.eval(expression) != json!(true) {
            if started.elapsed() > Duration::from_secs(60) {
                let seen = self.eval("location.href + ' ' + document.body.innerText.slice(0, 400)");
                panic!(
                    "timed out waiting for {what}; the page: {seen}; events: {:#?}",
                    self.complaints()
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn open(&mut self, url: &str, path: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for(
            path,
            &format!(
                "document.readyState === 'complete' && location.pathname === {}",
                json!(path)
            ),
        );
    }

    fn screenshot(&mut self, file: &Path) {
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        );
        let png = base64_decode(shot["data"].as_str().expect("png data"));
        fs::write(file, png).expect("write screenshot");
    }

    /// Console errors and warnings, exceptions, log errors, dialogs.
    fn complaints(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| {
                let method = e["method"].as_str().unwrap_or_default();
                match method {
                    "Runtime.consoleAPICalled" => {
                        matches!(
                            e["params"]["type"].as_str(),
                            Some("error" | "warning" | "assert")
                        )
                    }
                    "Runtime.exceptionThrown" | "Page.javascriptDialogOpening" => true,
                    "Log.entryAdded" => {
                        matches!(
                            e["params"]["entry"]["level"].as_str(),
                            Some("error" | "warning")
                        )
                    }
                    _ => false,
                }
            })
            .map(Value::to_string)
            .collect()
    }

    /// Every URL the page requested.
    fn requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_owned))
            .collect()
    }
}

/// Standard base64 (the screenshot's PNG).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0);
    for sextet in text.bytes().filter_map(value) {
        buffer = (buffer << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

fn screenshots() -> PathBuf {
    let dir = repo().join("target/dashboard-screenshots");
    fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

fn texts(browser: &mut Browser, selector: &str) -> Vec<String> {
    let value = browser.eval(&format!(
        "Array.from(document.querySelectorAll({})).map(e => e.textContent)",
        json!(selector)
    ));
    serde_json::from_value(value).expect("strings")
}

#[test]
fn the_dashboard_in_a_browser() {
    let data = tempfile::tempdir().expect("data");
    let work = tempfile::tempdir().expect("work");
    let server = start(data.path(), work.path(), None);
    post_bulk_fixture(&server);
    post_events(
        &server,
        work.path(),
        "script.jsonl",
        &hostile_event(SCRIPT_HOST, 1),
    );
    let mut incidents = Value::Null;
    wait_until("an incident and the hostile finding", || {
        incidents = get(&server, &server.viewer, "/api/v1/incidents");
        let findings = get(&server, &server.viewer, "/api/v1/findings");
        incidents.as_array().is_some_and(|i| !i.is_empty())
            && findings
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f["host"] == SCRIPT_HOST))
    });

    let mut browser = Browser::launch();
    let origin = server.http.clone();
    browser.open(&format!("{origin}/dashboard"), "/dashboard/login");
    // Token login: the form, as a person fills it.
    browser.eval(&format!(
        "document.getElementById('token').value = {}; document.getElementById('login').click(); true",
        json!(server.analyst)
    ));
    browser.wait_for(
        "the dashboard after login",
        "location.pathname === '/dashboard' && document.readyState === 'complete'",
    );
    browser.wait_for(
        "the live stream",
        "document.getElementById('live').textContent === 'live'",
    );

    // The incident list equals the API's.
    let api: BTreeMap<String, (String, String)> = incidents
        .as_array()
        .expect("incidents")
        .iter()
        .map(|i| {
            (
                i["number"].to_string(),
                (
                    i["incident"]["title"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    i["incident"]["severity"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                ),
            )
        })
        .collect();
    let shown: BTreeMap<String, (String, String)> = serde_json::from_value(browser.eval(
        "Object.fromEntries(Array.from(document.querySelectorAll('#incident-rows tr')).map(r => \
         [r.dataset.number, [r.querySelector('td.title').firstChild.textContent, r.querySelector('td.sev').textContent]]))",
    ))
    .expect("incident rows");
    assert_eq!(shown, api);
    browser.screenshot(&screenshots().join("dashboard.png"));

    // A finding posted now arrives by SSE, without a reload.
    browser.eval("window.notReloaded = true; true");
    post_events(
        &server,
        work.path(),
        "img.jsonl",
        &hostile_event(IMG_HOST, 2),
    );
    browser.wait_for(
        "the live finding row",
        &format!(
            "Array.from(document.querySelectorAll('#finding-rows td.host')).some(td => td.textContent === {})",
            json!(IMG_HOST)
        ),
    );
    assert_eq!(browser.eval("window.notReloaded === true"), json!(true));
    browser.screenshot(&screenshots().join("dashboard-live.png"));

    // Markup in evidence is text: both hosts shown as written, nothing injected.
    let hosts = texts(&mut browser, "#finding-rows td.host");
    assert!(hosts.iter().any(|h| h == SCRIPT_HOST), "{hosts:?}");
    assert!(hosts.iter().any(|h| h == IMG_HOST), "{hosts:?}");
    assert_eq!(
        browser
            .eval("document.querySelectorAll('main img, main script, script:not([src])').length"),
        json!(0)
    );

    // The incident page, and an analyst's acknowledgement through its form.
    let number = api.keys().next().expect("an incident").clone();
    browser.open(
        &format!("{origin}/dashboard/incidents/{number}"),
        &format!("/dashboard/incidents/{number}"),
    );
    browser.screenshot(&screenshots().join("incident.png"));
    if browser.eval("document.getElementById('acknowledge') !== null") == json!(true) {
        browser.eval("document.getElementById('acknowledge').click(); true");
        browser.wait_for(
            "the acknowledgement",
            "document.readyState === 'complete' && Array.from(document.querySelectorAll('dl.facts dd')).some(d => d.textContent === 'acknowledged')",
        );
        let one = get(
            &server,
            &server.viewer,
            &format!("/api/v1/incidents/{number}"),
        );
        assert_eq!(one["status"], "acknowledged");
    }
    browser.open(&format!("{origin}/dashboard/hosts"), "/dashboard/hosts");
    let hosts = texts(&mut browser, "#hosts td.host");
    assert!(hosts.iter().any(|h| h == IMG_HOST), "{hosts:?}");
    browser.screenshot(&screenshots().join("hosts.png"));

    let complaints = browser.complaints();
    assert!(complaints.is_empty(), "{complaints:#?}");
    let foreign: Vec<String> = browser
        .requests()
        .into_iter()
        .filter(|url| {
            !url.starts_with(&format!("{origin}/"))
                && !url.starts_with("data:")
                && url != "about:blank"
        })
        .collect();
    assert!(foreign.is_empty(), "{foreign:?}");
    assert!(
        browser
            .requests()
            .iter()
            .any(|u| u.starts_with(&format!("{origin}/dashboard/events"))),
        "the page opened its live stream"
    );
}

/// `curl` with a cookie jar; status and body.
fn curl_jar(jar: &Path, args: &[&str]) -> (u16, String) {
    let jar = jar.display().to_string();
    let mut all = vec!["-b", &jar, "-c", &jar];
    all.extend_from_slice(args);
    curl(&all)
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..].split('"').next().expect("value").to_owned()
}

#[test]
fn sessions_csrf_and_headers() {
    let data = tempfile::tempdir().expect("data");
    let work = tempfile::tempdir().expect("work");
    let server = start(data.path(), work.path(), None);
    let url = |path: &str| format!("{}{path}", server.http);
    post_bulk_fixture(&server);
    let mut incidents = Value::Null;
    wait_until("an incident", || {
        incidents = get(&server, &server.viewer, "/api/v1/incidents");
        incidents.as_array().is_some_and(|i| !i.is_empty())
    });
    let number = incidents[0]["number"].as_u64().expect("number");
    let act = format!("/dashboard/incidents/{number}/acknowledge");

    // Without a session: the login page; bearer tokens do not log in here.
    let (status, _) = curl(&[&url("/dashboard")]);
    assert_eq!(status, 303);
    let bearer = format!("Authorization: Bearer {}", server.analyst);
    assert_eq!(curl(&["-H", &bearer, &url("/dashboard")]).0, 303);
    assert_eq!(curl(&[&url("/dashboard/events")]).0, 401);

    let jar = work.path().join("jar");
    let login = |token: &str| {
        curl_jar(
            &jar,
            &[
                "--data-urlencode",
                &format!("token={token}"),
                &url("/dashboard/login"),
            ],
        )
        .0
    };
    assert_eq!(login(&server.ingest), 403, "ingest tokens are refused");
    assert_eq!(login("rmg_not_a_token"), 401);
    let (status, _) = curl(&[
        "-H",
        "Origin: http://evil.example",
        "--data-urlencode",
        &format!("token={}", server.analyst),
        &url("/dashboard/login"),
    ]);
    assert_eq!(status, 403, "a login posted from another site");
    assert_eq!(login(&server.analyst), 303);
    let cookies = fs::read_to_string(&jar).expect("jar");
    assert!(
        cookies.contains("#HttpOnly_") && cookies.contains("rmmguard_session"),
        "{cookies}"
    );

    let headers = Command::new("curl")
        .args(["-sS", "-D", "-", "-o", "/dev/null", "-b"])
        .arg(&jar)
        .arg(url("/dashboard"))
        .output()
        .expect("curl");
    let headers = String::from_utf8_lossy(&headers.stdout).to_ascii_lowercase();
    assert!(headers.contains(
        "content-security-policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ), "{headers}");
    let (status, page) = curl_jar(&jar, &[&url(&format!("/dashboard/incidents/{number}"))]);
    assert_eq!(status, 200);
    let csrf = csrf_of(&page);

    // Forms act only on POST, with the session's CSRF token, from this origin.
    assert_eq!(curl_jar(&jar, &[&url(&act)]).0, 405);
    assert_eq!(curl_jar(&jar, &["-X", "POST", &url(&act)]).0, 403);
    assert_eq!(curl_jar(&jar, &["--data", "csrf=wrong", &url(&act)]).0, 403);
    let with_token = format!("csrf={csrf}");
    assert_eq!(
        curl_jar(
            &jar,
            &[
                "-H",
                "Origin: http://evil.example",
                "--data",
                &with_token,
                &url(&act)
            ]
        )
        .0,
        403
    );
    assert_eq!(
        curl_jar(
            &jar,
            &[
                "-H",
                "Sec-Fetch-Site: cross-site",
                "--data",
                &with_token,
                &url(&act)
            ]
        )
        .0,
        403
    );
    let one = get(
        &server,
        &server.viewer,
        &format!("/api/v1/incidents/{number}"),
    );
    assert_eq!(one["status"], "open", "nothing acted so far");
    assert_eq!(curl_jar(&jar, &["--data", &with_token, &url(&act)]).0, 303);
    let one = get(
        &server,
        &server.viewer,
        &format!("/api/v1/incidents/{number}"),
    );
    assert_eq!(one["status"], "acknowledged");

    // Viewers see but may not act.
    let viewer_jar = work.path().join("viewer-jar");
    let (status, _) = curl_jar(
        &viewer_jar,
        &[
            "--data-urlencode",
            &format!("token={}", server.viewer),
            &url("/dashboard/login"),
        ],
    );
    assert_eq!(status, 303);
    let (_, page) = curl_jar(
        &viewer_jar,
        &[&url(&format!("/dashboard/incidents/{number}"))],
    );
    assert!(!page.contains("/assign\""), "no analyst forms for viewers");
    let viewer_csrf = format!("csrf={}", csrf_of(&page));
    let close = format!("/dashboard/incidents/{number}/close");
    assert_eq!(
        curl_jar(
            &viewer_jar,
            &["--data", &format!("{viewer_csrf}&note=x"), &url(&close)]
        )
        .0,
        403
    );

    // Logout ends the session on the server, not only in the browser.
    let session = fs::read_to_string(&jar)
        .expect("jar")
        .lines()
        .find_map(|l| {
            l.split('\t')
                .nth(6)
                .filter(|_| l.contains("rmmguard_session"))
                .map(str::to_owned)
        })
        .expect("session id");
    assert_eq!(
        curl_jar(&jar, &["--data", &with_token, &url("/dashboard/logout")]).0,
        303
    );
    let stale = format!("Cookie: rmmguard_session={session}");
    assert_eq!(curl(&["-H", &stale, &url("/dashboard")]).0, 303);
}
