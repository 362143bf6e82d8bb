//! Suricata EVE JSON lines, plain or `.gz`: `flow` records become
//! `NetFlow`s, `dns` (v2 query/answer and v3 request/response records,
//! joined by flow and transaction id within bounded memory) `DnsQuery`s,
//! `tls` and `quic` records `Tls`, `http` `Http`, `fileinfo`
//! `FileTransfer`, `rdp` and `rfb` remote-desktop `NetFlow`s, and `alert`
//! an `AppLog` with the signature. Other event types are counted and passed
//! over. Locations are line numbers. Sensor events carry no host name.

use std::io::Read;

use rmmguard_events::{
    AppLog, DnsQuery, Endpoint, EventKind, FileTransfer, Http, Location, NetFlow, SourceRef,
    Timestamp, Tls, Transport,
};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::lines::{LOSSY, for_each_line};
use crate::network::light::Text;
use crate::network::screen::may_name;
use crate::network::sensor::{self, BoundedMap};
use crate::{Error, EventSink, FileStats, NetScreen, Prefilter, ReadContext};

/// Most DNS queries waiting for their answers.
const MAX_PENDING_DNS: usize = 1 << 16;

/// Reads a whole EVE file.
pub(crate) fn read_stream(
    reader: Box<dyn Read>,
    context: &ReadContext<'_>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let screen = context.prefilter.zip(context.screen);
    let path = sink.shared_path();
    let base = SourceRef::new(&path, Location::Offset(0));
    let mut pending: BoundedMap<(u64, u64), PendingQuery> = BoundedMap::new(MAX_PENDING_DNS);
    let total = for_each_line(reader, &path, stats, |stats, number, offset, text| {
        let location = Location::Line {
            line: number,
            offset,
        };
        let text = text.trim_ascii();
        if text.is_empty() {
            return;
        }
        stats.records += 1;
        let outcome = match record_of(text, screen) {
            // Checked only for records that fail as they are: one stray byte
            // must not cost the record.
            Err(_) if std::str::from_utf8(text).is_err() => {
                stats.warning(&path, location, LOSSY.into());
                record_of(String::from_utf8_lossy(text).as_bytes(), screen)
            }
            outcome => outcome,
        };
        let record = match outcome {
            Ok(Some(record)) => record,
            Ok(None) => return,
            Err(error) => {
                stats.error(
                    &path,
                    location,
                    format!("record skipped: invalid JSON: {error}"),
                );
                return;
            }
        };
        stats.parsed += 1;
        let at = (number, offset);
        for (at, timestamp, kind) in events(&record, at, &mut pending) {
            let mut event = sensor::line_event(&base, at.0, at.1, timestamp, kind);
            event.meta.provider = Some("suricata".into());
            stats.events += 1;
            sink.event(event);
        }
    })
    .map_err(|e| Error::io(&path, e))?;
    for query in pending.drain() {
        let mut event = sensor::line_event(
            &base,
            query.at.0,
            query.at.1,
            query.timestamp,
            EventKind::DnsQuery(query.dns),
        );
        event.meta.provider = Some("suricata".into());
        stats.events += 1;
        sink.event(event);
    }
    stats.bytes += total;
    Ok(())
}

/// A record parsed in full, or `None` when the screen passes it over.
fn record_of(
    text: &[u8],
    screen: Option<(&Prefilter, &NetScreen)>,
) -> Result<Option<Map<String, Value>>, serde_json::Error> {
    if let Some((prefilter, net)) = screen
        && !keep(text, prefilter, net)?
    {
        return Ok(None);
    }
    serde_json::from_slice(text).map(Some)
}

/// Whether a record may produce a finding and must be parsed in full (see
/// `crate::network::screen`): any name, fingerprint or indicator a rule matches
/// holds a needle (escaped text might hide one); otherwise a flow counts
/// by its protocol and server port, a TLS or QUIC handshake when it has no
/// SNI, a DNS record when addresses are watched (so that queries and
/// answers stay paired), and rdp, rfb and alert records always.
fn keep(line: &[u8], prefilter: &Prefilter, screen: &NetScreen) -> Result<bool, serde_json::Error> {
    if may_name(prefilter, line) {
        return Ok(true);
    }
    let envelope: Envelope<'_> = serde_json::from_slice(line)?;
    let address = |text: &Text<'_>| text.as_deref().is_some_and(|ip| screen.address(ip));
    if screen.watches_addresses() && (address(&envelope.src_ip) || address(&envelope.dest_ip)) {
        return Ok(true);
    }
    let sni_absent = |part: &Option<Handshake<'_>>| {
        part.as_ref()
            .is_none_or(|handshake| handshake.sni.as_deref().is_none())
    };
    Ok(match envelope.event_type.as_deref().unwrap_or("") {
        "flow" => {
            envelope
                .app_proto
                .as_deref()
                .is_some_and(|name| screen.protocol(name))
                || matches!(
                    (envelope.proto.as_deref(), envelope.dest_port.as_deref()),
                    (Some(proto), Some(port)) if screen.port(proto, port)
                )
        }
        "dns" => screen.watches_addresses(),
        "tls" => sni_absent(&envelope.tls),
        "quic" => sni_absent(&envelope.quic),
        "rdp" | "rfb" | "alert" => true,
        _ => false,
    })
}

/// The fields of an EVE record the screen reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Envelope<'a> {
    #[serde(borrow)]
    event_type: Text<'a>,
    #[serde(borrow)]
    proto: Text<'a>,
    #[serde(borrow)]
    src_ip: Text<'a>,
    #[serde(borrow)]
    dest_ip: Text<'a>,
    #[serde(borrow)]
    dest_port: Text<'a>,
    #[serde(borrow)]
    app_proto: Text<'a>,
    #[serde(borrow)]
    tls: Option<Handshake<'a>>,
    #[serde(borrow)]
    quic: Option<Handshake<'a>>,
}

/// The SNI of a `tls` or `quic` object.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Handshake<'a> {
    #[serde(borrow)]
    sni: Text<'a>,
}

/// A DNS query waiting for its answer record.
#[derive(Debug)]
struct PendingQuery {
    at: (u64, u64),
    timestamp: Option<Timestamp>,
    dns: DnsQuery,
}

type Emitted = ((u64, u64), Option<Timestamp>, EventKind);

/// The events one record gives (none, one, or a joined DNS transaction).
fn events(
    record: &Map<String, Value>,
    at: (u64, u64),
    pending: &mut BoundedMap<(u64, u64), PendingQuery>,
) -> Vec<Emitted> {
    let timestamp = str_of(record, "timestamp").and_then(sensor::iso_time);
    let kind = match str_of(record, "event_type").unwrap_or("") {
        "flow" => EventKind::NetFlow(flow(record)),
        "dns" => return dns(record, at, timestamp, pending),
        "tls" => EventKind::Tls(tls(record)),
        "quic" => match quic(record) {
            Some(tls) => EventKind::Tls(tls),
            None => return Vec::new(),
        },
        "http" => EventKind::Http(http(record)),
        "fileinfo" => EventKind::FileTransfer(fileinfo(record)),
        "rdp" => match rdp(record) {
            Some(flow) => EventKind::NetFlow(flow),
            None => return Vec::new(),
        },
        "rfb" => EventKind::NetFlow(rfb(record)),
        "alert" => match alert(record) {
            Some(log) => EventKind::AppLog(log),
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    vec![(at, timestamp, kind)]
}

fn str_of<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    object.get(name)?.as_str().filter(|s| !s.is_empty())
}

fn u64_of(object: &Map<String, Value>, name: &str) -> Option<u64> {
    object.get(name)?.as_u64()
}

fn object<'a>(record: &'a Map<String, Value>, name: &str) -> Option<&'a Map<String, Value>> {
    record.get(name)?.as_object()
}

fn source(record: &Map<String, Value>) -> Endpoint {
    sensor::endpoint(str_of(record, "src_ip"), u64_of(record, "src_port"))
}

fn destination(record: &Map<String, Value>) -> Endpoint {
    sensor::endpoint(str_of(record, "dest_ip"), u64_of(record, "dest_port"))
}

fn flow_id(record: &Map<String, Value>) -> Option<String> {
    record.get("flow_id").map(|id| match id {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    })
}

fn flow(record: &Map<String, Value>) -> NetFlow {
    let empty = Map::new();
    let flow = object(record, "flow").unwrap_or(&empty);
    NetFlow {
        transport: str_of(record, "proto").map(|p| match p.to_ascii_uppercase().as_str() {
            "TCP" => Transport::Tcp,
            "UDP" => Transport::Udp,
            "ICMP" => Transport::Other(1),
            _ => Transport::Other(0),
        }),
        source: source(record),
        destination: destination(record),
        start: str_of(flow, "start").and_then(sensor::iso_time),
        end: str_of(flow, "end").and_then(sensor::iso_time),
        bytes_out: u64_of(flow, "bytes_toserver").unwrap_or(0),
        bytes_in: u64_of(flow, "bytes_toclient").unwrap_or(0),
        packets_out: u64_of(flow, "pkts_toserver").unwrap_or(0),
        packets_in: u64_of(flow, "pkts_toclient").unwrap_or(0),
        protocol: str_of(record, "app_proto").and_then(sensor::protocol),
        detail: None,
        uid: flow_id(record),
    }
}

/// A v2 `query`/`answer` or v3 `request`/`response` record, joined by flow and id.
fn dns(
    record: &Map<String, Value>,
    at: (u64, u64),
    timestamp: Option<Timestamp>,
    pending: &mut BoundedMap<(u64, u64), PendingQuery>,
) -> Vec<Emitted> {
    let Some(dns) = object(record, "dns") else {
        return Vec::new();
    };
    let query = str_of(dns, "rrname")
        .or_else(|| {
            dns.get("queries")?
                .as_array()?
                .first()?
                .as_object()
                .and_then(|q| str_of(q, "rrname"))
        })
        .map(|q| q.trim_end_matches('.').to_lowercase());
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return Vec::new();
    };
    let response = matches!(str_of(dns, "type"), Some("answer" | "response"));
    let key = (
        record.get("flow_id").and_then(Value::as_u64).unwrap_or(0),
        u64_of(dns, "id").unwrap_or(0),
    );
    if !response {
        let event = DnsQuery {
            query,
            client: source(record),
            server: destination(record),
            uid: flow_id(record),
            ..DnsQuery::default()
        };
        if let Some(earlier) = pending.remove(&key) {
            // A repeated query: report the earlier one unanswered.
            pending.insert(
                key,
                PendingQuery {
                    at,
                    timestamp,
                    dns: event,
                },
            );
            return vec![(
                earlier.at,
                earlier.timestamp,
                EventKind::DnsQuery(earlier.dns),
            )];
        }
        pending.insert(
            key,
            PendingQuery {
                at,
                timestamp,
                dns: event,
            },
        );
        return Vec::new();
    }
    let answers = answers(dns);
    match pending.remove(&key) {
        Some(mut query) => {
            query.dns.answers = answers;
            vec![(query.at, query.timestamp, EventKind::DnsQuery(query.dns))]
        }
        None => {
            // An answer without its query: the answer flows from the resolver.
            let event = DnsQuery {
                query,
                answers,
                client: destination(record),
                server: source(record),
                uid: flow_id(record),
                ..DnsQuery::default()
            };
            vec![(at, timestamp, EventKind::DnsQuery(event))]
        }
    }
}

/// Answer data from `answers[].rdata` (detailed format) or `grouped` (grouped format).
fn answers(dns: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(list) = dns.get("answers").and_then(Value::as_array) {
        for answer in list.iter().filter_map(Value::as_object) {
            if matches!(str_of(answer, "rrtype"), Some("A" | "AAAA" | "CNAME"))
                && let Some(data) = str_of(answer, "rdata")
            {
                out.push(data.trim_end_matches('.').to_owned());
            }
        }
    }
    if let Some(grouped) = object(dns, "grouped") {
        for kind in ["A", "AAAA", "CNAME"] {
            for data in grouped
                .get(kind)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(data) = data.as_str() {
                    out.push(data.trim_end_matches('.').to_owned());
                }
            }
        }
    }
    out
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn hash_of(object: &Map<String, Value>, name: &str) -> Option<String> {
    match object.get(name)? {
        Value::Object(inner) => str_of(inner, "hash").map(str::to_owned),
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        _ => None,
    }
}

fn tls(record: &Map<String, Value>) -> Tls {
    let empty = Map::new();
    let tls = object(record, "tls").unwrap_or(&empty);
    let mut alpn = strings(tls.get("client_alpns"));
    if alpn.is_empty() {
        alpn = strings(tls.get("server_alpns"));
    }
    Tls {
        client: source(record),
        server: destination(record),
        sni: str_of(tls, "sni").map(str::to_lowercase),
        alpn,
        version: str_of(tls, "version").and_then(sensor::tls_version),
        ja3: hash_of(tls, "ja3"),
        ja3s: hash_of(tls, "ja3s"),
        ja4: str_of(tls, "ja4").map(str::to_owned),
        subject: str_of(tls, "subject").map(str::to_owned),
        issuer: str_of(tls, "issuerdn").map(str::to_owned),
        uid: flow_id(record),
    }
}

fn quic(record: &Map<String, Value>) -> Option<Tls> {
    let quic = object(record, "quic")?;
    let sni = str_of(quic, "sni").map(str::to_lowercase);
    let ja4 = str_of(quic, "ja4").map(str::to_owned);
    if sni.is_none() && ja4.is_none() {
        return None;
    }
    Some(Tls {
        client: source(record),
        server: destination(record),
        sni,
        version: str_of(quic, "version").map(|v| format!("QUIC {v}")),
        ja3: hash_of(quic, "ja3"),
        ja4,
        uid: flow_id(record),
        ..Tls::default()
    })
}

fn http(record: &Map<String, Value>) -> Http {
    let empty = Map::new();
    let http = object(record, "http").unwrap_or(&empty);
    let uri = str_of(http, "url").map(str::to_owned);
    Http {
        client: source(record),
        server: destination(record),
        method: str_of(http, "http_method").map(str::to_owned),
        host: str_of(http, "hostname").map(str::to_lowercase),
        file_name: uri.as_deref().and_then(sensor::uri_file_name),
        uri,
        user_agent: str_of(http, "http_user_agent").map(str::to_owned),
        status: u64_of(http, "status").and_then(|s| u16::try_from(s).ok()),
        content_type: str_of(http, "http_content_type")
            .map(|t| t.split(';').next().unwrap_or("").trim().to_lowercase()),
        body_bytes: u64_of(http, "length"),
        uid: flow_id(record),
    }
}

fn fileinfo(record: &Map<String, Value>) -> FileTransfer {
    let empty = Map::new();
    let file = object(record, "fileinfo").unwrap_or(&empty);
    // With a `direction`, src/dest follow the flow and the direction says
    // which way the file went; without one, src is the sender.
    let (receiver, sender) = match str_of(record, "direction") {
        Some("to_server") => (destination(record), source(record)),
        Some(_) => (source(record), destination(record)),
        None => (destination(record), source(record)),
    };
    FileTransfer {
        client: receiver,
        server: sender,
        file_name: str_of(file, "filename").and_then(sensor::uri_file_name),
        mime_type: str_of(file, "magic").and_then(sensor::mime_of_magic),
        size: u64_of(file, "size"),
        hash: str_of(file, "sha256")
            .or_else(|| str_of(file, "sha1"))
            .or_else(|| str_of(file, "md5"))
            .map(str::to_lowercase),
        uid: flow_id(record),
    }
}

fn session(record: &Map<String, Value>, protocol: &str, detail: Option<String>) -> NetFlow {
    NetFlow {
        transport: Some(Transport::Tcp),
        source: source(record),
        destination: destination(record),
        protocol: Some(protocol.to_owned()),
        detail,
        uid: flow_id(record),
        ..NetFlow::default()
    }
}

/// The client's connection request (the one record with the cookie).
fn rdp(record: &Map<String, Value>) -> Option<NetFlow> {
    let rdp = object(record, "rdp")?;
    if str_of(rdp, "event_type").is_some_and(|t| t != "initial_request") {
        return None;
    }
    let cookie = str_of(rdp, "cookie").map(|c| format!("cookie: {c}"));
    Some(session(record, "rdp", cookie))
}

fn rfb(record: &Map<String, Value>) -> NetFlow {
    let detail = object(record, "rfb")
        .and_then(|rfb| object(rfb, "server_protocol_version"))
        .and_then(|v| {
            Some(format!(
                "RFB {}.{}",
                str_of(v, "major")?,
                str_of(v, "minor")?
            ))
        });
    session(record, "rfb", detail)
}

fn alert(record: &Map<String, Value>) -> Option<AppLog> {
    let alert = object(record, "alert")?;
    let signature = str_of(alert, "signature")?;
    let id = u64_of(alert, "signature_id").unwrap_or(0);
    Some(AppLog {
        message: format!("[{id}] {signature}"),
    })
}
