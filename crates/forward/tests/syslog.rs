//! Syslog with CEF over UDP and TCP: receivers parse the RFC 5424 header
//! and the CEF back, and the hostile finding's text comes back whole.

mod common;

use std::sync::{Arc, Mutex};

use common::{TcpReceiver, UdpReceiver, eventually, forwarder, items, quick};
use rmmguard_forward::{Item, Kind, TargetConfig, Transport, cef};

/// One message taken apart: PRI, header fields, CEF header and extension.
struct Parsed {
    pri: u32,
    hostname: String,
    app: String,
    msgid: String,
    cef_header: Vec<String>,
    extension: Vec<(String, String)>,
}

impl Parsed {
    fn get(&self, key: &str) -> Option<&str> {
        self.extension
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn parse(message: &str) -> Parsed {
    let rest = message.strip_prefix('<').expect("PRI");
    let (pri, rest) = rest.split_once(">1 ").expect("version 1");
    let fields: Vec<&str> = rest.splitn(7, ' ').collect();
    assert_eq!(fields.len(), 7, "{message}");
    assert!(
        fields[0].ends_with('Z') && fields[0].contains('T'),
        "{}",
        fields[0]
    );
    assert_eq!(fields[5], "-", "no structured data");
    let cef::Parsed {
        header: cef_header,
        extension,
    } = cef::parse(fields[6]).expect("CEF");
    Parsed {
        pri: pri.parse().expect("PRI number"),
        hostname: fields[1].to_owned(),
        app: fields[2].to_owned(),
        msgid: fields[4].to_owned(),
        cef_header,
        extension,
    }
}

fn check(messages: &[String], items: &[Item]) {
    assert_eq!(messages.len(), items.len());
    let parsed: Vec<Parsed> = messages.iter().map(|m| parse(m)).collect();
    for (message, item) in parsed.iter().zip(items) {
        assert_eq!(message.get("externalId"), Some(item.id.as_str()));
        assert_eq!(message.msgid, item.kind());
        assert_eq!(message.app, "rmmguard");
        assert_eq!(message.hostname, "sensor-1");
    }
    let hostile = &parsed[0];
    // Facility 10 (authpriv) * 8 + 3 (err, a high finding).
    assert_eq!(hostile.pri, 83);
    assert_eq!(
        &hostile.cef_header[1..4],
        ["rmmguard", "rmmguard", env!("CARGO_PKG_VERSION")]
    );
    assert_eq!(hostile.cef_header[4], "E005");
    assert_eq!(hostile.cef_header[6], "8");
    assert_eq!(
        hostile.get("msg"),
        Some("AnyDesk|ran=1 <script>alert(1)</script>\nforged line \\ end")
    );
    assert_eq!(hostile.get("dhost"), Some("WS-00|evil=1"));
    assert_eq!(hostile.get("dst"), Some("203.0.113.7"));
    assert_eq!(
        hostile.get("sproc"),
        Some("C:\\Users\\u0\\Downloads\\AnyDesk.exe")
    );
    assert_eq!(hostile.get("cs1Label"), Some("tool"));
    assert_eq!(hostile.get("cs1"), Some("AnyDesk"));
    assert_eq!(hostile.get("start"), Some("1700000000000"));
    assert_eq!(hostile.get("evil"), None, "no forged key");
    let incident = parsed.last().expect("incident");
    // Critical: 10 * 8 + 2.
    assert_eq!(incident.pri, 82);
    assert_eq!(incident.cef_header[4], "aa23-025a-chain");
    assert_eq!(incident.cef_header[6], "10");
    assert_eq!(incident.get("dhost"), Some("WS-00|evil=1,WS-01"));
}

fn target(transport: Transport, address: String) -> TargetConfig {
    let mut target = quick(TargetConfig::new(Kind::Syslog));
    target.address = Some(address);
    target.transport = transport;
    target.hostname = Some("sensor-1".into());
    target.batch_size = 4;
    target
}

fn run(target: TargetConfig, messages: &Arc<Mutex<Vec<String>>>) {
    let items = items(9);
    let (mut forwarder, warnings) = forwarder(vec![target]);
    for item in &items {
        forwarder.submit(item);
    }
    forwarder.flush();
    assert!(eventually(|| messages.lock().unwrap().len() >= items.len()));
    check(&messages.lock().unwrap(), &items);
    assert_eq!(forwarder.total().sent, 10);
    assert!(warnings.lock().unwrap().is_empty());
}

#[test]
fn cef_over_udp_comes_back_field_for_field() {
    let receiver = UdpReceiver::start();
    run(
        target(Transport::Udp, receiver.addr.to_string()),
        &receiver.messages,
    );
}

#[test]
fn cef_over_tcp_is_octet_counted_and_comes_back_field_for_field() {
    let receiver = TcpReceiver::start();
    run(
        target(Transport::Tcp, receiver.addr.to_string()),
        &receiver.messages,
    );
}

#[test]
fn a_dead_tcp_receiver_means_spooled_records() {
    // A port nobody listens on: connections are refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let spool = tempfile::tempdir().expect("tempdir");
    let mut target = target(Transport::Tcp, port.to_string());
    target.spool_dir = Some(spool.path().to_owned());
    let (mut forwarder, warnings) = forwarder(vec![target]);
    for item in &items(2) {
        forwarder.submit(item);
    }
    forwarder.flush();
    let counters = forwarder.total();
    assert_eq!(
        (counters.sent, counters.spooled, counters.spool_records),
        (0, 3, 3)
    );
    assert_eq!(counters.retried, 6, "3 records, 2 retries");
    assert_eq!(warnings.lock().unwrap().len(), 1);
}

#[test]
fn messages_are_cut_to_max_message_bytes_at_a_whole_escape() {
    let receiver = TcpReceiver::start();
    let mut target = target(Transport::Tcp, receiver.addr.to_string());
    target.max_message_bytes = Some(480);
    let (mut forwarder, _) = forwarder(vec![target]);
    let items = items(1);
    for item in &items {
        forwarder.submit(item);
    }
    forwarder.flush();
    assert!(eventually(|| receiver.messages.lock().unwrap().len() == 2));
    let lengths: Vec<usize> = receiver
        .messages
        .lock()
        .unwrap()
        .iter()
        .map(String::len)
        .collect();
    assert!(
        lengths.iter().any(|&n| n >= 470),
        "something was cut: {lengths:?}"
    );
    for message in receiver.messages.lock().unwrap().iter() {
        assert!(message.len() <= 480, "{}", message.len());
        let cef = message.split_once(" - ").expect("CEF after the header").1;
        let trailing = cef.len() - cef.trim_end_matches('\\').len();
        assert_eq!(trailing % 2, 0, "no lone escape at the cut: {cef}");
        assert!(cef::parse(cef).is_some());
    }
}
