//! Network evidence end to end: the reference captures and Zeek logs give
//! exactly the remote-access findings their SOURCE.md describes, benign
//! captures give none, and one set of generated sessions written as pcap,
//! Zeek TSV, Zeek JSON and Suricata EVE gives the same findings four times.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{detector, keys, reference, render, run};
use rmmguard::findings::Finding;
use rmmguard_simulate::network::{
    HttpExchange, NetFormats, NetSession, Payload, TlsHello, write_sessions,
};

fn findings(paths: &[PathBuf], policy: Option<&str>) -> Vec<Finding> {
    let hunt = run(paths, &detector(policy), 2);
    for file in &hunt.files {
        assert_eq!(file.stats.skipped, 0, "{:?}", file.stats.diagnostics);
    }
    hunt.report.findings
}

fn summaries(findings: &[Finding], rule: &str) -> Vec<String> {
    let mut out: Vec<String> = findings
        .iter()
        .filter(|f| f.rule.id == rule)
        .map(|f| f.summary.clone())
        .collect();
    out.sort();
    out
}

#[test]
fn anydesk_capture_shows_relay_and_direct_sessions_and_relay_lookups() {
    let found = findings(&[reference("network/pcap/anydesk.pcapng")], None);
    assert_eq!(
        summaries(&found, "N002"),
        [
            "AnyDesk direct session (TLS without SNI, certificate CN=AnyDesk Client) from 192.168.1.178 to 192.168.1.187:7070",
            "AnyDesk direct session (TLS without SNI, certificate CN=AnyDesk Client) from 192.168.1.187 to 192.168.1.178:7070",
            "AnyDesk relay session (TLS without SNI, certificate CN=AnyNet Relay) from 192.168.149.129 to 51.83.238.219:80",
            "AnyDesk relay session (TLS without SNI, certificate CN=AnyNet Relay, ALPN anydesk/6.2.0/linux) from 192.168.1.128 to 195.181.174.176:443",
        ]
    );
    assert_eq!(
        summaries(&found, "N001"),
        [
            "192.168.1.187 looked up AnyDesk relay relay-3185a847.net.anydesk.com",
            "192.168.1.187 looked up AnyDesk relay relay-9b6827f2.net.anydesk.com",
        ]
    );
    let relays: BTreeSet<_> = found.iter().filter_map(|f| f.tenant.as_deref()).collect();
    assert_eq!(relays, BTreeSet::from(["3185a847", "9b6827f2"]));
    let rules: BTreeSet<_> = found.iter().map(|f| f.rule.id).collect();
    assert_eq!(rules, BTreeSet::from(["E002", "N001", "N002"]));
}

#[test]
fn vnc_on_6900_and_rdp_are_recognized_by_protocol() {
    let vnc = findings(&[reference("network/pcap/vnc.pcap")], None);
    assert_eq!(
        summaries(&vnc, "N002"),
        ["VNC (generic) session (RFB handshake) from 95.237.48.208 to 192.168.2.110:6900"]
    );
    assert_eq!(
        summaries(&vnc, "N003"),
        [
            "VNC (generic) on non-standard port 6900 from 95.237.48.208 to 192.168.2.110:6900 (standard: 5900-5910, 5800-5810, 5500)"
        ]
    );
    for (capture, session) in [
        (
            "network/pcap/rdp.pcap",
            "RDP session (RDP connection request) from 172.16.2.185 to 192.168.2.142:3389",
        ),
        (
            "network/pcap/rdp3.pcap",
            "RDP session (RDP connection request) from 10.150.9.21 to 10.157.4.161:3389",
        ),
    ] {
        let found = findings(&[reference(capture)], None);
        assert_eq!(summaries(&found, "N002"), [session], "{capture}");
        assert_eq!(found.len(), 1, "{capture}");
    }
}

#[test]
fn benign_captures_report_nothing() {
    for capture in [
        "network/pcap/ja4-http1.pcapng",
        "network/pcap/ja4-tls-handshake.pcapng",
        "network/pcap/ja4-tls-sni.pcapng",
    ] {
        let found = findings(&[reference(capture)], None);
        assert!(found.is_empty(), "{capture}: {found:#?}");
    }
}

#[test]
fn wrccdc_zeek_tsv_and_json_give_the_same_rdp_and_vnc_findings() {
    let tsv = findings(&[reference("network/zeek/tsv")], None);
    let json = findings(&[reference("network/zeek/json")], None);
    assert_eq!(keys(&tsv), keys(&json));
    let counts = |rule: &str, tool: Option<&str>| {
        tsv.iter()
            .filter(|f| f.rule.id == rule && f.tool.as_ref().map(|t| t.id.as_ref()) == tool)
            .count()
    };
    assert_eq!(
        counts("N002", None),
        22,
        "RDP sessions, per client and server"
    );
    assert_eq!(counts("N002", Some("vnc")), 3, "VNC sessions");
    assert_eq!(counts("N001", Some("chrome-remote-desktop")), 1);
}

const POLICY: &str = r#"
[networks]
internal = ["10.1.0.0/16"]
approved = ["10.1.250.0/24"]
"#;

fn at(minute: u32) -> jiff::Timestamp {
    format!("2026-03-02T09:{minute:02}:00Z")
        .parse()
        .expect("timestamp")
}

fn ip(text: &str) -> std::net::IpAddr {
    text.parse().expect("address")
}

fn session(client: (&str, u16), server: (&str, u16), minute: u32, payload: Payload) -> NetSession {
    NetSession {
        client: (ip(client.0), client.1),
        server: (ip(server.0), server.1),
        start: at(minute),
        lookup: None,
        payload,
    }
}

/// One of each kind of remote access, a download and a benign browser visit.
fn sessions() -> Vec<NetSession> {
    let resolver = ip("10.1.0.53");
    let mut relay = session(
        ("10.1.2.3", 51000),
        ("203.0.113.80", 443),
        1,
        Payload::Tls(TlsHello::anydesk_relay()),
    );
    relay.lookup = Some(("relay-0a1b2c3d.net.anydesk.com".into(), resolver));
    let mut download = session(
        ("10.1.2.5", 51002),
        ("192.0.2.44", 80),
        5,
        Payload::Http(HttpExchange {
            method: "GET".into(),
            host: "download.anydesk.com".into(),
            uri: "/AnyDesk.exe".into(),
            user_agent: "Mozilla/5.0".into(),
            status: 200,
            content_type: "application/octet-stream".into(),
            attachment: None,
            body_size: 4096,
            executable: true,
        }),
    );
    download.lookup = Some(("download.anydesk.com".into(), resolver));
    let mut browsing = session(
        ("10.1.2.6", 51003),
        ("192.0.2.80", 443),
        6,
        Payload::Tls(TlsHello::browser("www.example.org")),
    );
    browsing.lookup = Some(("www.example.org".into(), resolver));
    vec![
        relay,
        session(
            ("10.1.2.4", 51001),
            ("198.51.100.20", 5938),
            2,
            Payload::TeamViewer,
        ),
        session(
            ("198.51.100.7", 40000),
            ("10.1.2.10", 6900),
            3,
            Payload::Rfb,
        ),
        session(
            ("198.51.100.8", 40001),
            ("10.1.2.11", 3389),
            4,
            Payload::Rdp {
                cookie: Some("admin".into()),
            },
        ),
        download,
        browsing,
    ]
}

/// The (severity, rule, host, tool, tenant) of every finding, sorted.
fn shape(findings: &[Finding]) -> Vec<String> {
    let mut out: Vec<String> = render(findings, Path::new("/"))
        .lines()
        .map(|line| line.split(" count=").next().unwrap_or(line).to_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn the_same_sessions_as_pcap_zeek_and_eve_give_the_same_findings() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_sessions(dir.path(), None, &sessions(), NetFormats::all()).expect("write");
    let pcap = shape(&findings(&[dir.path().join("capture.pcap")], Some(POLICY)));
    let expected = [
        "high E003 host=10.1.2.10 tool=vnc tenant=-",
        "high E003 host=10.1.2.3 tool=anydesk tenant=-",
        "high E003 host=10.1.2.4 tool=teamviewer tenant=-",
        "high E003 host=10.1.2.5 tool=anydesk tenant=-",
        "high N003 host=10.1.2.10 tool=vnc tenant=-",
        "high N004 host=10.1.2.11 tool=- tenant=-",
        "high N006 host=10.1.2.10 tool=vnc tenant=-",
        "high N006 host=10.1.2.11 tool=- tenant=-",
        "high N006 host=10.1.2.3 tool=anydesk tenant=-",
        "high N006 host=10.1.2.4 tool=teamviewer tenant=-",
        "medium N001 host=10.1.2.3 tool=anydesk tenant=0a1b2c3d",
        "medium N001 host=10.1.2.5 tool=anydesk tenant=-",
        "medium N002 host=10.1.2.10 tool=vnc tenant=-",
        "medium N002 host=10.1.2.11 tool=- tenant=-",
        "medium N002 host=10.1.2.3 tool=anydesk tenant=-",
        "medium N002 host=10.1.2.4 tool=teamviewer tenant=-",
        "medium N005 host=10.1.2.4 tool=teamviewer tenant=-",
        "medium N007 host=10.1.2.5 tool=anydesk tenant=-",
    ];
    assert_eq!(pcap, expected);
    for other in ["zeek", "zeek-json", "eve.json"] {
        let found = shape(&findings(&[dir.path().join(other)], Some(POLICY)));
        assert_eq!(found, pcap, "{other} disagrees with the capture");
    }
}
