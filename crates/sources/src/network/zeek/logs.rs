//! Zeek logs mapped to events, one function per log: conn, dns, ssl (with
//! its certificate's names joined from x509), http, files (with the file
//! name joined from http when the server gave none), rdp, rfb and notice.
//! Other logs are counted and passed over.

use std::borrow::Cow;

use rmmguard_events::{
    AppLog, DnsQuery, EventKind, FileTransfer, Http, NetFlow, Timestamp, Tls, Transport,
};

use super::Record;
use crate::network::sensor::{self, BoundedMap};

/// Most certificates (x509 records) and file names (http records) remembered for joins.
pub(crate) const MAX_JOIN: usize = 1 << 20;

/// Which log a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Log {
    Conn,
    Dns,
    Ssl,
    X509,
    Http,
    Files,
    Rdp,
    Rfb,
    Notice,
    Other,
}

impl Log {
    /// The log of a `#path`/`_path` value.
    pub fn of_path(path: &str) -> Log {
        match path {
            "conn" => Log::Conn,
            "dns" => Log::Dns,
            "ssl" => Log::Ssl,
            "x509" => Log::X509,
            "http" => Log::Http,
            "files" => Log::Files,
            "rdp" => Log::Rdp,
            "rfb" => Log::Rfb,
            "notice" => Log::Notice,
            _ => Log::Other,
        }
    }

    /// The log a record without a path belongs to, from its fields.
    pub fn of_fields(has: &dyn Fn(&str) -> bool) -> Log {
        if has("conn_state") || has("orig_bytes") {
            Log::Conn
        } else if has("qtype_name") || has("trans_id") {
            Log::Dns
        } else if has("certificate.subject") {
            Log::X509
        } else if has("server_name") || has("cipher") || has("cert_chain_fps") {
            Log::Ssl
        } else if has("trans_depth") || has("status_code") {
            Log::Http
        } else if has("fuid") && (has("mime_type") || has("analyzers")) {
            Log::Files
        } else if has("security_protocol") || has("cookie") {
            Log::Rdp
        } else if has("client_major_version") {
            Log::Rfb
        } else if has("note") {
            Log::Notice
        } else {
            Log::Other
        }
    }
}

/// What records remember of other records, to join them.
#[derive(Debug)]
pub(crate) struct Joins {
    /// Certificate fingerprint (or file id, before Zeek 4) → subject and issuer.
    pub certs: BoundedMap<String, (Option<String>, Option<String>)>,
    /// File id → the file name its HTTP transaction names.
    pub file_names: BoundedMap<String, String>,
}

impl Default for Joins {
    fn default() -> Joins {
        Joins {
            certs: BoundedMap::new(MAX_JOIN),
            file_names: BoundedMap::new(MAX_JOIN),
        }
    }
}

/// The event a record gives, with its time; `None` for records that only
/// feed joins or are not modelled.
pub(crate) fn event(
    log: Log,
    record: &dyn Record,
    joins: &mut Joins,
) -> Option<(Option<Timestamp>, EventKind)> {
    let ts = record.time("ts");
    let kind = match log {
        Log::Conn => EventKind::NetFlow(conn(record, ts)),
        Log::Dns => EventKind::DnsQuery(dns(record)?),
        Log::Ssl => EventKind::Tls(ssl(record, joins)),
        Log::X509 => {
            x509(record, joins);
            return None;
        }
        Log::Http => EventKind::Http(http(record, joins)),
        Log::Files => EventKind::FileTransfer(files(record, joins)),
        Log::Rdp => EventKind::NetFlow(session(record, ts, "rdp", rdp_detail(record))),
        Log::Rfb => EventKind::NetFlow(session(record, ts, "rfb", rfb_detail(record))),
        Log::Notice => EventKind::AppLog(notice(record)?),
        Log::Other => return None,
    };
    Some((ts, kind))
}

fn text(record: &dyn Record, name: &str) -> Option<String> {
    record.text(name).map(Cow::into_owned)
}

fn orig(record: &dyn Record) -> rmmguard_events::Endpoint {
    sensor::endpoint(
        record.text("id.orig_h").as_deref(),
        record.count("id.orig_p"),
    )
}

fn resp(record: &dyn Record) -> rmmguard_events::Endpoint {
    sensor::endpoint(
        record.text("id.resp_h").as_deref(),
        record.count("id.resp_p"),
    )
}

fn conn(record: &dyn Record, ts: Option<Timestamp>) -> NetFlow {
    let end = match (ts, record.number("duration")) {
        (Some(start), Some(seconds)) if seconds.is_finite() && seconds >= 0.0 => {
            let micros = (seconds * 1e6).round() as i64;
            start
                .checked_add(jiff::SignedDuration::from_micros(micros))
                .ok()
        }
        _ => ts,
    };
    NetFlow {
        transport: record.text("proto").map(|p| transport(&p)),
        source: orig(record),
        destination: resp(record),
        start: ts,
        end,
        bytes_out: record.count("orig_bytes").unwrap_or(0),
        bytes_in: record.count("resp_bytes").unwrap_or(0),
        packets_out: record.count("orig_pkts").unwrap_or(0),
        packets_in: record.count("resp_pkts").unwrap_or(0),
        protocol: record.text("service").and_then(|s| sensor::protocol(&s)),
        detail: None,
        uid: text(record, "uid"),
    }
}

fn transport(proto: &str) -> Transport {
    match proto.to_ascii_lowercase().as_str() {
        "tcp" => Transport::Tcp,
        "udp" => Transport::Udp,
        "icmp" => Transport::Other(1),
        _ => Transport::Other(0),
    }
}

/// An rdp or rfb record: a session of that protocol, with what it showed.
fn session(
    record: &dyn Record,
    ts: Option<Timestamp>,
    protocol: &str,
    detail: Option<String>,
) -> NetFlow {
    NetFlow {
        transport: Some(Transport::Tcp),
        source: orig(record),
        destination: resp(record),
        start: ts,
        end: ts,
        protocol: Some(protocol.to_owned()),
        detail,
        uid: text(record, "uid"),
        ..NetFlow::default()
    }
}

fn rdp_detail(record: &dyn Record) -> Option<String> {
    record
        .text("cookie")
        .map(|cookie| format!("cookie: {cookie}"))
}

fn rfb_detail(record: &dyn Record) -> Option<String> {
    let major = record.text("server_major_version")?;
    let minor = record.text("server_minor_version")?;
    Some(format!("RFB {major}.{minor}"))
}

fn dns(record: &dyn Record) -> Option<DnsQuery> {
    let query = record.text("query")?.trim_end_matches('.').to_lowercase();
    if query.is_empty() {
        return None;
    }
    Some(DnsQuery {
        query,
        answers: record.list("answers"),
        client: orig(record),
        server: resp(record),
        uid: text(record, "uid"),
        ..DnsQuery::default()
    })
}

fn x509(record: &dyn Record, joins: &mut Joins) {
    let Some(key) = record.text("fingerprint").or_else(|| record.text("id")) else {
        return;
    };
    let names = (
        text(record, "certificate.subject"),
        text(record, "certificate.issuer"),
    );
    joins.certs.insert(key.into_owned(), names);
}

fn ssl(record: &dyn Record, joins: &Joins) -> Tls {
    let leaf = record
        .list("cert_chain_fps")
        .into_iter()
        .next()
        .or_else(|| record.list("cert_chain_fuids").into_iter().next());
    let joined = leaf.and_then(|key| joins.certs.get(&key));
    Tls {
        client: orig(record),
        server: resp(record),
        sni: record.text("server_name").map(|s| s.to_lowercase()),
        alpn: record.list("next_protocol"),
        version: record.text("version").and_then(|v| sensor::tls_version(&v)),
        ja3: text(record, "ja3"),
        ja3s: text(record, "ja3s"),
        ja4: text(record, "ja4"),
        subject: text(record, "subject").or_else(|| joined.and_then(|(s, _)| s.clone())),
        issuer: text(record, "issuer").or_else(|| joined.and_then(|(_, i)| i.clone())),
        uid: text(record, "uid"),
    }
}

fn http(record: &dyn Record, joins: &mut Joins) -> Http {
    let uri = text(record, "uri");
    let file_name = record
        .list("resp_filenames")
        .into_iter()
        .next()
        .or_else(|| uri.as_deref().and_then(sensor::uri_file_name));
    if let Some(name) = &file_name {
        for fuid in record.list("resp_fuids") {
            joins.file_names.insert(fuid, name.clone());
        }
    }
    Http {
        client: orig(record),
        server: resp(record),
        method: text(record, "method"),
        host: record.text("host").map(|h| h.to_lowercase()),
        uri,
        user_agent: text(record, "user_agent"),
        status: record
            .count("status_code")
            .and_then(|s| u16::try_from(s).ok()),
        content_type: record.list("resp_mime_types").into_iter().next(),
        file_name,
        body_bytes: record.count("response_body_len"),
        uid: text(record, "uid"),
    }
}

fn files(record: &dyn Record, joins: &Joins) -> FileTransfer {
    // New layout: the connection's ends and `is_orig` (did the originator send it?).
    // Before Zeek 5: `tx_hosts` (senders) and `rx_hosts` (receivers).
    let (receiver, sender) = if record.has("id.orig_h") {
        let sent_by_orig = record.text("is_orig").is_some_and(|v| v == "T");
        if sent_by_orig {
            (resp(record), orig(record))
        } else {
            (orig(record), resp(record))
        }
    } else {
        let first = |name: &str| record.list(name).into_iter().next();
        (
            sensor::endpoint(first("rx_hosts").as_deref(), None),
            sensor::endpoint(first("tx_hosts").as_deref(), None),
        )
    };
    let fuid = text(record, "fuid");
    let file_name = text(record, "filename").or_else(|| {
        fuid.as_ref()
            .and_then(|fuid| joins.file_names.get(fuid).cloned())
    });
    FileTransfer {
        client: receiver,
        server: sender,
        file_name,
        mime_type: text(record, "mime_type"),
        size: record
            .count("total_bytes")
            .or_else(|| record.count("seen_bytes")),
        hash: text(record, "sha256")
            .or_else(|| text(record, "sha1"))
            .or_else(|| text(record, "md5"))
            .map(|h| h.to_lowercase()),
        uid: text(record, "uid").or_else(|| record.list("conn_uids").into_iter().next()),
    }
}

fn notice(record: &dyn Record) -> Option<AppLog> {
    let note = record.text("note")?;
    let message = match record.text("msg") {
        Some(msg) => format!("{note}: {msg}"),
        None => note.into_owned(),
    };
    Some(AppLog { message })
}
