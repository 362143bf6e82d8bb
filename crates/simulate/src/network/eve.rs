//! Suricata EVE JSON of the expanded connections: `dns` (v2: a query and
//! an answer record), `tls`, `http`, `fileinfo`, `rdp` and `rfb` records at
//! their times, and one `flow` record per connection when it ends; all
//! lines in time order, as Suricata writes them.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::wire::{App, Conn, Dir, Proto};

/// The EVE file's text.
pub(super) fn write(conns: &[Conn]) -> String {
    let mut lines: Vec<(Timestamp, usize, Value)> = Vec::new();
    for (index, conn) in conns.iter().enumerate() {
        for (at, record) in app_records(conn) {
            lines.push((at, index, record));
        }
        lines.push((conn.end(), index, flow(conn)));
    }
    lines.sort_by_key(|(at, index, _)| (*at, *index));
    let mut out = String::new();
    for (_, _, line) in lines {
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

fn time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.6f+0000").to_string()
}

/// The fields every record of a connection shares.
fn common(conn: &Conn, at: Timestamp, event_type: &str) -> Value {
    json!({
        "timestamp": time(at),
        "flow_id": conn.flow_id,
        "in_iface": "eth0",
        "event_type": event_type,
        "src_ip": conn.client.0.to_string(),
        "src_port": conn.client.1,
        "dest_ip": conn.server.0.to_string(),
        "dest_port": conn.server.1,
        "proto": match conn.proto { Proto::Tcp => "TCP", Proto::Udp => "UDP" },
    })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    if let Value::Object(object) = &mut base {
        object.insert(key.to_owned(), value);
    }
    base
}

fn app_proto(conn: &Conn) -> &'static str {
    match &conn.app {
        App::Dns { .. } => "dns",
        App::Tls { .. } => "tls",
        App::Http { .. } => "http",
        App::Rdp { .. } => "rdp",
        App::Rfb => "rfb",
        App::TeamViewer | App::Opaque => "failed",
    }
}

fn flow(conn: &Conn) -> Value {
    let [
        (to_server_pkts, to_server_bytes),
        (to_client_pkts, to_client_bytes),
    ] = conn.counts();
    let header = if conn.client.0.is_ipv4() { 34 } else { 54 }
        + if conn.proto == Proto::Tcp { 20 } else { 8 };
    let end = conn.end();
    let record = with(
        common(conn, end, "flow"),
        "app_proto",
        Value::from(app_proto(conn)),
    );
    with(
        record,
        "flow",
        json!({
            "pkts_toserver": to_server_pkts,
            "pkts_toclient": to_client_pkts,
            "bytes_toserver": to_server_bytes + to_server_pkts * header,
            "bytes_toclient": to_client_bytes + to_client_pkts * header,
            "start": time(conn.start),
            "end": time(end),
            "age": (end.as_second() - conn.start.as_second()).max(0),
            "state": if conn.proto == Proto::Tcp { "closed" } else { "established" },
            "reason": "shutdown",
            "alerted": false,
        }),
    )
}

fn app_records(conn: &Conn) -> Vec<(Timestamp, Value)> {
    let request_at = conn.first_data(Dir::ToServer);
    let response_at = conn.first_data(Dir::ToClient);
    match &conn.app {
        App::Dns { id, query, answers } => {
            let question = common(conn, request_at, "dns");
            let question = with(
                question,
                "dns",
                json!({"version": 2, "type": "query", "id": id, "rrname": query, "rrtype": "A", "tx_id": 0, "opcode": 0}),
            );
            let rdata: Vec<Value> = answers
                .iter()
                .map(|ip| json!({"rrname": query, "rrtype": if ip.is_ipv4() { "A" } else { "AAAA" }, "ttl": 60, "rdata": ip.to_string()}))
                .collect();
            let answer = with(
                common(conn, response_at, "dns"),
                "dns",
                json!({"version": 2, "type": "answer", "id": id, "flags": "8180", "qr": true, "rd": true, "ra": true,
                       "opcode": 0, "rrname": query, "rrtype": "A", "rcode": "NOERROR", "answers": rdata}),
            );
            vec![(request_at, question), (response_at, answer)]
        }
        App::Tls {
            hello,
            certificate,
            fingerprint,
            serial,
        } => {
            let mut tls = json!({"version": if hello.tls13 { "TLS 1.3" } else { "TLS 1.2" }});
            if let Value::Object(object) = &mut tls {
                if let Some(sni) = &hello.sni {
                    object.insert("sni".into(), Value::from(sni.clone()));
                }
                if !hello.alpn.is_empty() {
                    object.insert("client_alpns".into(), Value::from(hello.alpn.clone()));
                }
                if let (Some(subject), Some(_)) = (&hello.subject, certificate) {
                    object.insert("subject".into(), Value::from(openssl_name(subject)));
                    object.insert("issuerdn".into(), Value::from(openssl_name(&hello.issuer)));
                    object.insert("serial".into(), Value::from(serial.clone()));
                    object.insert(
                        "fingerprint".into(),
                        Value::from(fingerprint[..40].to_owned()),
                    );
                    object.insert("notbefore".into(), Value::from("2018-11-18T02:14:23"));
                    object.insert("notafter".into(), Value::from("2028-11-15T02:14:23"));
                }
            }
            vec![(
                response_at,
                with(common(conn, response_at, "tls"), "tls", tls),
            )]
        }
        App::Http { exchange, .. } => {
            let http = json!({
                "hostname": exchange.host,
                "url": exchange.uri,
                "http_user_agent": exchange.user_agent,
                "http_content_type": exchange.content_type,
                "http_method": exchange.method,
                "protocol": "HTTP/1.1",
                "status": exchange.status,
                "length": exchange.body_size,
            });
            let mut out = vec![(
                response_at,
                with(common(conn, response_at, "http"), "http", http.clone()),
            )];
            if exchange.body_size > 0 {
                let mut file = json!({
                    "filename": exchange.attachment.clone().unwrap_or_else(|| exchange.uri.clone()),
                    "gaps": false,
                    "state": "CLOSED",
                    "stored": false,
                    "size": exchange.body_size,
                    "tx_id": 0,
                });
                if exchange.executable
                    && let Value::Object(object) = &mut file
                {
                    object.insert(
                        "magic".into(),
                        Value::from("PE32 executable (GUI) Intel 80386, for MS Windows"),
                    );
                }
                let record = with(
                    common(conn, response_at, "fileinfo"),
                    "app_proto",
                    Value::from("http"),
                );
                let record = with(record, "direction", Value::from("to_client"));
                let record = with(record, "http", http);
                out.push((response_at, with(record, "fileinfo", file)));
            }
            out
        }
        App::Rdp { cookie } => {
            let mut rdp = json!({"tx_id": 0, "event_type": "initial_request"});
            if let (Some(cookie), Value::Object(object)) = (cookie, &mut rdp) {
                object.insert("cookie".into(), Value::from(cookie.clone()));
            }
            vec![(
                request_at,
                with(common(conn, request_at, "rdp"), "rdp", rdp),
            )]
        }
        App::Rfb => {
            let version = json!({"major": "003", "minor": "008"});
            let rfb = json!({
                "server_protocol_version": version,
                "client_protocol_version": version,
                "authentication": {"security_type": 1},
                "framebuffer": {"width": 1024, "height": 768, "name": "desktop"},
            });
            vec![(
                response_at,
                with(common(conn, response_at, "rfb"), "rfb", rfb),
            )]
        }
        App::TeamViewer | App::Opaque => Vec::new(),
    }
}

/// A name as Suricata writes it: DER order, `, ` between attributes.
fn openssl_name(name: &[(String, String)]) -> String {
    name.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}
