//! Zeek logs of the expanded connections, in the current field layouts:
//! conn, dns, ssl, x509, http, files, rdp and rfb, as TSV (the ASCII
//! writer's headers, `-` for unset, `(empty)`, `\xHH` escapes) or as JSON
//! lines in the json-streaming style (`_path`, `_write_ts`, ISO times,
//! unset fields left out).

use std::fs;
use std::io;
use std::net::IpAddr;
use std::path::Path;

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::wire::{App, Conn, Dir, Proto};

/// TSV or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Tsv,
    Json,
}

/// A field value.
#[derive(Debug, Clone)]
enum V {
    Time(Timestamp),
    Str(String),
    Count(u64),
    Addr(IpAddr),
    Bool(bool),
    Interval(f64),
    List(Vec<String>),
    Unset,
}

type Record = Vec<(&'static str, V)>;

/// The logs' field names and types, in order.
const LOGS: &[(&str, &str)] = &[
    (
        "conn",
        "ts:time uid:string id.orig_h:addr id.orig_p:port id.resp_h:addr id.resp_p:port proto:enum service:string duration:interval orig_bytes:count resp_bytes:count conn_state:string local_orig:bool local_resp:bool missed_bytes:count history:string orig_pkts:count orig_ip_bytes:count resp_pkts:count resp_ip_bytes:count tunnel_parents:set[string] ip_proto:count",
    ),
    (
        "dns",
        "ts:time uid:string id.orig_h:addr id.orig_p:port id.resp_h:addr id.resp_p:port proto:enum trans_id:count rtt:interval query:string qclass:count qclass_name:string qtype:count qtype_name:string rcode:count rcode_name:string AA:bool TC:bool RD:bool RA:bool Z:count answers:vector[string] TTLs:vector[interval] rejected:bool opcode:count opcode_name:string",
    ),
    (
        "files",
        "ts:time fuid:string uid:string id.orig_h:addr id.orig_p:port id.resp_h:addr id.resp_p:port source:string depth:count analyzers:set[string] mime_type:string filename:string duration:interval local_orig:bool is_orig:bool seen_bytes:count total_bytes:count missing_bytes:count overflow_bytes:count timedout:bool parent_fuid:string",
    ),
    (
        "http",
        "ts:time uid:string id.orig_h:addr id.orig_p:port id.resp_h:addr id.resp_p:port trans_depth:count method:string host:string uri:string referrer:string version:string user_agent:string origin:string request_body_len:count response_body_len:count status_code:count status_msg:string info_code:count info_msg:string tags:set[enum] username:string password:string proxied:set[string] orig_fuids:vector[string] orig_filenames:vector[string] orig_mime_types:vector[string] resp_fuids:vector[string] resp_filenames:vector[string] resp_mime_types:vector[string]",
    ),
    (
        "rdp",
        "ts:time uid:string id.orig_h:addr id.orig_p:port id.resp_h:addr id.resp_p:port cookie:string result:string security_protocol:string client_channels:vector[string] keyboard_layout:string client_build:string client_name:string client_dig_product_id:string desktop_width:count desktop_height:count requested_color_depth:string cert_type:string cert_count:count cert_permanent:bool encryption_level:string encryption_method:string",
    ),
    (
        "rfb",
        "ts:time uid:string id.orig_h:addr id.orig_p:port id.resp_h:addr id.resp_p:port client_major_version:string client_minor_version:string server_major_version:string server_minor_version:string authentication_method:string auth:bool share_flag:bool desktop_name:string width:count height:count",
    ),
    (
        "ssl",
        "ts:time uid:string id.orig_h:addr id.orig_p:port id.resp_h:addr id.resp_p:port version:string cipher:string curve:string server_name:string resumed:bool last_alert:string next_protocol:string established:bool ssl_history:string cert_chain_fps:vector[string] client_cert_chain_fps:vector[string] sni_matches_cert:bool",
    ),
    (
        "x509",
        "ts:time fingerprint:string certificate.version:count certificate.serial:string certificate.subject:string certificate.issuer:string certificate.not_valid_before:time certificate.not_valid_after:time certificate.key_alg:string certificate.sig_alg:string certificate.key_type:string certificate.key_length:count certificate.exponent:string certificate.curve:string san.dns:vector[string] san.uri:vector[string] san.email:vector[string] san.ip:vector[addr] basic_constraints.ca:bool basic_constraints.path_len:count host_cert:bool client_cert:bool",
    ),
];

/// Writes one file per log that has records.
pub(super) fn write(dir: &Path, conns: &[Conn], style: Style) -> io::Result<()> {
    let mut records: Vec<(&str, Timestamp, Record)> = Vec::new();
    for conn in conns {
        records.push(("conn", conn.start, conn_record(conn)));
        records.extend(app_records(conn));
    }
    records.sort_by_key(|(_, at, _)| *at);
    fs::create_dir_all(dir)?;
    for (path, fields) in LOGS {
        let mine: Vec<&(&str, Timestamp, Record)> =
            records.iter().filter(|(p, _, _)| p == path).collect();
        if mine.is_empty() {
            continue;
        }
        let text = match style {
            Style::Tsv => tsv(path, fields, &mine),
            Style::Json => json(path, &mine),
        };
        fs::write(dir.join(format!("{path}.log")), text)?;
    }
    Ok(())
}

fn ids(conn: &Conn) -> Record {
    vec![
        ("uid", V::Str(conn.uid.clone())),
        ("id.orig_h", V::Addr(conn.client.0)),
        ("id.orig_p", V::Count(u64::from(conn.client.1))),
        ("id.resp_h", V::Addr(conn.server.0)),
        ("id.resp_p", V::Count(u64::from(conn.server.1))),
    ]
}

fn seconds(from: Timestamp, to: Timestamp) -> f64 {
    (to.as_microsecond() - from.as_microsecond()) as f64 / 1e6
}

fn conn_record(conn: &Conn) -> Record {
    let [(orig_pkts, orig_bytes), (resp_pkts, resp_bytes)] = conn.counts();
    let tcp = conn.proto == Proto::Tcp;
    let header = if conn.client.0.is_ipv4() { 20 } else { 40 } + if tcp { 20 } else { 8 };
    let service = match &conn.app {
        App::Dns { .. } => V::Str("dns".into()),
        App::Tls { .. } => V::Str("ssl".into()),
        App::Http { .. } => V::Str("http".into()),
        App::Rdp { .. } => V::Str("rdp".into()),
        App::Rfb => V::Str("rfb".into()),
        App::TeamViewer | App::Opaque => V::Unset,
    };
    let mut record = vec![("ts", V::Time(conn.start))];
    record.extend(ids(conn));
    record.extend([
        ("proto", V::Str(if tcp { "tcp" } else { "udp" }.into())),
        ("service", service),
        ("duration", V::Interval(seconds(conn.start, conn.end()))),
        ("orig_bytes", V::Count(orig_bytes)),
        ("resp_bytes", V::Count(resp_bytes)),
        ("conn_state", V::Str("SF".into())),
        ("missed_bytes", V::Count(0)),
        (
            "history",
            V::Str(if tcp { "ShADadFf" } else { "Dd" }.into()),
        ),
        ("orig_pkts", V::Count(orig_pkts)),
        ("orig_ip_bytes", V::Count(orig_bytes + orig_pkts * header)),
        ("resp_pkts", V::Count(resp_pkts)),
        ("resp_ip_bytes", V::Count(resp_bytes + resp_pkts * header)),
        ("ip_proto", V::Count(if tcp { 6 } else { 17 })),
    ]);
    record
}

fn app_records(conn: &Conn) -> Vec<(&'static str, Timestamp, Record)> {
    let with_ids = |ts: Timestamp, rest: Record| -> Record {
        let mut record = vec![("ts", V::Time(ts))];
        record.extend(ids(conn));
        record.extend(rest);
        record
    };
    match &conn.app {
        App::Dns { id, query, answers } => vec![(
            "dns",
            conn.start,
            with_ids(
                conn.start,
                vec![
                    ("proto", V::Str("udp".into())),
                    ("trans_id", V::Count(u64::from(*id))),
                    ("rtt", V::Interval(0.002)),
                    ("query", V::Str(query.clone())),
                    ("qclass", V::Count(1)),
                    ("qclass_name", V::Str("C_INTERNET".into())),
                    ("qtype", V::Count(1)),
                    ("qtype_name", V::Str("A".into())),
                    ("rcode", V::Count(0)),
                    ("rcode_name", V::Str("NOERROR".into())),
                    ("AA", V::Bool(false)),
                    ("TC", V::Bool(false)),
                    ("RD", V::Bool(true)),
                    ("RA", V::Bool(true)),
                    ("Z", V::Count(0)),
                    (
                        "answers",
                        V::List(answers.iter().map(ToString::to_string).collect()),
                    ),
                    (
                        "TTLs",
                        V::List(answers.iter().map(|_| "60.000000".to_owned()).collect()),
                    ),
                    ("rejected", V::Bool(false)),
                    ("opcode", V::Count(0)),
                    ("opcode_name", V::Str("query".into())),
                ],
            ),
        )],
        App::Tls {
            hello,
            certificate,
            fingerprint,
            serial,
        } => {
            let mut out = Vec::new();
            let fps = if certificate.is_some() {
                vec![fingerprint.clone()]
            } else {
                Vec::new()
            };
            if let (Some(subject), Some(_)) = (&hello.subject, certificate) {
                out.push((
                    "x509",
                    conn.start,
                    vec![
                        ("ts", V::Time(conn.first_data(Dir::ToClient))),
                        ("fingerprint", V::Str(fingerprint.clone())),
                        ("certificate.version", V::Count(3)),
                        ("certificate.serial", V::Str(serial.clone())),
                        ("certificate.subject", V::Str(rfc4514(subject))),
                        ("certificate.issuer", V::Str(rfc4514(&hello.issuer))),
                        (
                            "certificate.not_valid_before",
                            V::Time(Timestamp::from_second(1_542_507_263).unwrap_or(conn.start)),
                        ),
                        (
                            "certificate.not_valid_after",
                            V::Time(Timestamp::from_second(1_857_867_263).unwrap_or(conn.start)),
                        ),
                        ("certificate.key_alg", V::Str("rsaEncryption".into())),
                        (
                            "certificate.sig_alg",
                            V::Str("sha256WithRSAEncryption".into()),
                        ),
                        ("certificate.key_type", V::Str("rsa".into())),
                        ("certificate.key_length", V::Count(512)),
                        ("certificate.exponent", V::Str("65537".into())),
                        ("basic_constraints.ca", V::Bool(false)),
                        ("host_cert", V::Bool(true)),
                        ("client_cert", V::Bool(false)),
                    ],
                ));
            }
            out.push((
                "ssl",
                conn.start,
                with_ids(
                    conn.start,
                    vec![
                        (
                            "version",
                            V::Str(if hello.tls13 { "TLSv13" } else { "TLSv12" }.into()),
                        ),
                        (
                            "cipher",
                            V::Str(
                                if hello.tls13 {
                                    "TLS_AES_128_GCM_SHA256"
                                } else {
                                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
                                }
                                .into(),
                            ),
                        ),
                        ("curve", V::Str("x25519".into())),
                        ("server_name", hello.sni.clone().map_or(V::Unset, V::Str)),
                        ("resumed", V::Bool(false)),
                        (
                            "next_protocol",
                            hello.alpn.first().cloned().map_or(V::Unset, V::Str),
                        ),
                        ("established", V::Bool(true)),
                        ("ssl_history", V::Str("CsxkfI".into())),
                        ("cert_chain_fps", V::List(fps)),
                        ("client_cert_chain_fps", V::List(Vec::new())),
                    ],
                ),
            ));
            out
        }
        App::Http { exchange, fuid } => {
            let request_at = conn.first_data(Dir::ToServer);
            let response_at = conn.first_data(Dir::ToClient);
            let has_body = exchange.body_size > 0;
            let mime = if exchange.executable {
                "application/x-dosexec".to_owned()
            } else {
                exchange.content_type.clone()
            };
            let list = |value: Option<String>| V::List(value.into_iter().collect());
            let mut out = vec![(
                "http",
                request_at,
                with_ids(
                    request_at,
                    vec![
                        ("trans_depth", V::Count(1)),
                        ("method", V::Str(exchange.method.clone())),
                        ("host", V::Str(exchange.host.clone())),
                        ("uri", V::Str(exchange.uri.clone())),
                        ("version", V::Str("1.1".into())),
                        ("user_agent", V::Str(exchange.user_agent.clone())),
                        ("request_body_len", V::Count(0)),
                        ("response_body_len", V::Count(exchange.body_size as u64)),
                        ("status_code", V::Count(u64::from(exchange.status))),
                        (
                            "status_msg",
                            V::Str(
                                if exchange.status == 200 {
                                    "OK"
                                } else {
                                    "Status"
                                }
                                .into(),
                            ),
                        ),
                        ("tags", V::List(Vec::new())),
                        ("resp_fuids", list(has_body.then(|| fuid.clone()))),
                        ("resp_filenames", list(exchange.attachment.clone())),
                        ("resp_mime_types", list(has_body.then(|| mime.clone()))),
                    ],
                ),
            )];
            if has_body {
                let mut files = vec![("ts", V::Time(response_at)), ("fuid", V::Str(fuid.clone()))];
                files.extend(ids(conn));
                files.extend([
                    ("source", V::Str("HTTP".into())),
                    ("depth", V::Count(0)),
                    ("analyzers", V::List(Vec::new())),
                    ("mime_type", V::Str(mime)),
                    (
                        "filename",
                        exchange.attachment.clone().map_or(V::Unset, V::Str),
                    ),
                    ("duration", V::Interval(0.0)),
                    ("is_orig", V::Bool(false)),
                    ("seen_bytes", V::Count(exchange.body_size as u64)),
                    ("total_bytes", V::Count(exchange.body_size as u64)),
                    ("missing_bytes", V::Count(0)),
                    ("overflow_bytes", V::Count(0)),
                    ("timedout", V::Bool(false)),
                ]);
                out.push(("files", response_at, files));
            }
            out
        }
        App::Rdp { cookie } => vec![(
            "rdp",
            conn.start,
            with_ids(
                conn.start,
                vec![
                    ("cookie", cookie.clone().map_or(V::Unset, V::Str)),
                    ("result", V::Str("encrypted".into())),
                    ("security_protocol", V::Str("HYBRID".into())),
                    ("cert_count", V::Count(0)),
                ],
            ),
        )],
        App::Rfb => vec![(
            "rfb",
            conn.start,
            with_ids(
                conn.start,
                vec![
                    ("client_major_version", V::Str("003".into())),
                    ("client_minor_version", V::Str("008".into())),
                    ("server_major_version", V::Str("003".into())),
                    ("server_minor_version", V::Str("008".into())),
                    ("authentication_method", V::Str("None".into())),
                    ("auth", V::Bool(true)),
                    ("share_flag", V::Bool(true)),
                    ("desktop_name", V::Str("desktop".into())),
                    ("width", V::Count(1024)),
                    ("height", V::Count(768)),
                ],
            ),
        )],
        App::TeamViewer | App::Opaque => Vec::new(),
    }
}

/// A name as Zeek writes it: RFC 4514, last RDN first, no spaces.
fn rfc4514(name: &[(String, String)]) -> String {
    name.iter()
        .rev()
        .map(|(k, v)| format!("{k}={}", v.replace(',', "\\,")))
        .collect::<Vec<_>>()
        .join(",")
}

fn find<'r>(record: &'r Record, name: &str) -> Option<&'r V> {
    record.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
}

fn tsv(path: &str, fields: &str, records: &[&(&str, Timestamp, Record)]) -> String {
    let (names, types): (Vec<&str>, Vec<&str>) = fields
        .split(' ')
        .map(|f| f.split_once(':').unwrap_or((f, "string")))
        .unzip();
    let open = records.first().map_or_else(String::new, |(_, at, _)| {
        at.strftime("%Y-%m-%d-%H-%M-%S").to_string()
    });
    let mut out = format!(
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t{path}\n#open\t{open}\n#fields\t{}\n#types\t{}\n",
        names.join("\t"),
        types.join("\t")
    );
    for (_, _, record) in records {
        let cells: Vec<String> = names
            .iter()
            .map(|name| match find(record, name) {
                None | Some(V::Unset) => "-".to_owned(),
                Some(V::Time(t)) => format!("{:.6}", t.as_microsecond() as f64 / 1e6),
                Some(V::Str(s)) => escape(s),
                Some(V::Count(n)) => n.to_string(),
                Some(V::Addr(a)) => a.to_string(),
                Some(V::Bool(b)) => if *b { "T" } else { "F" }.to_owned(),
                Some(V::Interval(i)) => format!("{i:.6}"),
                Some(V::List(items)) if items.is_empty() => "(empty)".to_owned(),
                Some(V::List(items)) => items
                    .iter()
                    .map(|i| escape(i).replace(',', "\\x2c"))
                    .collect::<Vec<_>>()
                    .join(","),
            })
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    let close = records.last().map_or_else(String::new, |(_, at, _)| {
        at.strftime("%Y-%m-%d-%H-%M-%S").to_string()
    });
    out.push_str(&format!("#close\t{close}\n"));
    out
}

/// The ASCII writer's escapes: non-printable bytes (and the separator) as `\xHH`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte == b'\\' {
            out.push_str("\\\\");
        } else if byte == b'\t' || !(0x20..0x7f).contains(&byte) {
            out.push_str(&format!("\\x{byte:02x}"));
        } else {
            out.push(byte as char);
        }
    }
    out
}

fn iso(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn json(path: &str, records: &[&(&str, Timestamp, Record)]) -> String {
    let mut out = String::new();
    for (_, at, record) in records {
        let mut object = Map::new();
        object.insert("_path".into(), Value::String(path.to_owned()));
        object.insert("_write_ts".into(), Value::String(iso(*at)));
        for (name, value) in record {
            let value = match value {
                V::Unset => continue,
                V::Time(t) => Value::String(iso(*t)),
                V::Str(s) => Value::String(s.clone()),
                V::Count(n) => Value::from(*n),
                V::Addr(a) => Value::String(a.to_string()),
                V::Bool(b) => Value::Bool(*b),
                V::Interval(i) => Value::from(*i),
                V::List(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
            };
            object.insert((*name).to_owned(), value);
        }
        out.push_str(&Value::Object(object).to_string());
        out.push('\n');
    }
    out
}
