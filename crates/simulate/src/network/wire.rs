//! Sessions expanded into connections with their exact payload bytes and
//! packet schedule: DNS messages, TLS hellos with a DER certificate, HTTP
//! heads and bodies, RFB and RDP openings, TeamViewer frames. Every writer
//! reads this one expansion, so a capture and the logs describing it agree
//! on every byte and packet count.

use std::net::IpAddr;

use jiff::{SignedDuration, Timestamp};

use super::{HttpExchange, NetSession, Payload, TlsHello};

/// TCP segment size.
const MSS: usize = 1460;
/// Largest HTTP body written.
const MAX_BODY: usize = 64 << 10;

/// The transport of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Proto {
    Tcp,
    Udp,
}

/// Which way bytes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dir {
    ToServer,
    ToClient,
}

/// What a connection carries, as the logs describe it.
#[derive(Debug, Clone)]
pub(super) enum App {
    Dns {
        id: u16,
        query: String,
        answers: Vec<IpAddr>,
    },
    Tls {
        hello: TlsHello,
        /// The DER certificate (TLS 1.2 with a subject only).
        certificate: Option<Vec<u8>>,
        fingerprint: String,
        serial: String,
    },
    Http {
        exchange: HttpExchange,
        fuid: String,
    },
    Rfb,
    Rdp {
        cookie: Option<String>,
    },
    TeamViewer,
    Opaque,
}

/// One message of the application protocol.
#[derive(Debug, Clone)]
pub(super) struct Message {
    pub dir: Dir,
    pub bytes: Vec<u8>,
}

/// One connection, fully described.
#[derive(Debug, Clone)]
pub(super) struct Conn {
    pub uid: String,
    pub flow_id: u64,
    pub proto: Proto,
    pub client: (IpAddr, u16),
    pub server: (IpAddr, u16),
    pub start: Timestamp,
    pub messages: Vec<Message>,
    pub app: App,
}

/// TCP flags of a scheduled packet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Flags {
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub psh: bool,
}

/// One packet of a connection.
#[derive(Debug, Clone)]
pub(super) struct Packet<'c> {
    pub dir: Dir,
    pub at: Timestamp,
    pub flags: Flags,
    pub seq: u32,
    pub ack: u32,
    pub payload: &'c [u8],
}

impl Conn {
    /// Every packet of the connection, in order.
    pub fn packets(&self) -> Vec<Packet<'_>> {
        match self.proto {
            Proto::Udp => self
                .messages
                .iter()
                .enumerate()
                .map(|(i, m)| Packet {
                    dir: m.dir,
                    at: self.at(i as i64 * 2),
                    flags: Flags::default(),
                    seq: 0,
                    ack: 0,
                    payload: &m.bytes,
                })
                .collect(),
            Proto::Tcp => self.tcp_packets(),
        }
    }

    fn tcp_packets(&self) -> Vec<Packet<'_>> {
        let client_isn: u32 = (self.flow_id as u32) | 1;
        let server_isn: u32 = (self.flow_id >> 32) as u32 | 2;
        let mut next = [client_isn.wrapping_add(1), server_isn.wrapping_add(1)];
        let mut packets = Vec::new();
        let control = |dir, at, flags, seq, ack| Packet {
            dir,
            at,
            flags,
            seq,
            ack,
            payload: &[],
        };
        packets.push(control(
            Dir::ToServer,
            self.at(0),
            Flags {
                syn: true,
                ..Flags::default()
            },
            client_isn,
            0,
        ));
        packets.push(control(
            Dir::ToClient,
            self.at(1),
            Flags {
                syn: true,
                ack: true,
                ..Flags::default()
            },
            server_isn,
            next[0],
        ));
        packets.push(control(Dir::ToServer, self.at(2), ack(), next[0], next[1]));
        let mut tick = 10;
        for message in &self.messages {
            let side = usize::from(message.dir == Dir::ToClient);
            for chunk in message.bytes.chunks(MSS) {
                packets.push(Packet {
                    dir: message.dir,
                    at: self.at(tick),
                    flags: Flags {
                        ack: true,
                        psh: true,
                        ..Flags::default()
                    },
                    seq: next[side],
                    ack: next[1 - side],
                    payload: chunk,
                });
                next[side] = next[side].wrapping_add(chunk.len() as u32);
                tick += 1;
            }
            tick += 9;
        }
        let fin = Flags {
            fin: true,
            ack: true,
            ..Flags::default()
        };
        packets.push(control(Dir::ToServer, self.at(tick), fin, next[0], next[1]));
        next[0] = next[0].wrapping_add(1);
        packets.push(control(
            Dir::ToClient,
            self.at(tick + 1),
            fin,
            next[1],
            next[0],
        ));
        next[1] = next[1].wrapping_add(1);
        packets.push(control(
            Dir::ToServer,
            self.at(tick + 2),
            ack(),
            next[0],
            next[1],
        ));
        packets
    }

    /// `start` plus `millis` milliseconds.
    pub fn at(&self, millis: i64) -> Timestamp {
        self.start
            .checked_add(SignedDuration::from_millis(millis))
            .unwrap_or(self.start)
    }

    /// The last packet's time.
    pub fn end(&self) -> Timestamp {
        self.packets().last().map_or(self.start, |p| p.at)
    }

    /// Packets and payload bytes each way: `[(to server), (to client)]`.
    pub fn counts(&self) -> [(u64, u64); 2] {
        let mut counts = [(0, 0); 2];
        for packet in self.packets() {
            let side = usize::from(packet.dir == Dir::ToClient);
            counts[side].0 += 1;
            counts[side].1 += packet.payload.len() as u64;
        }
        counts
    }

    /// The time of the first packet carrying payload in `dir`.
    pub fn first_data(&self, dir: Dir) -> Timestamp {
        self.packets()
            .into_iter()
            .find(|p| p.dir == dir && !p.payload.is_empty())
            .map_or(self.start, |p| p.at)
    }
}

fn ack() -> Flags {
    Flags {
        ack: true,
        ..Flags::default()
    }
}

/// A deterministic mixer for ids.
fn mix(seed: u64, n: u64) -> u64 {
    let mut z = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A Zeek-style id: a letter and 17 base-62 characters.
fn zeek_id(prefix: char, value: u64) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = String::from(prefix);
    let mut v = value;
    for _ in 0..17 {
        out.push(DIGITS[(v % 62) as usize] as char);
        v = (v / 62) ^ value.rotate_left(7);
    }
    out
}

/// Expands sessions into connections (a lookup becomes its own UDP connection first).
pub(super) fn expand(sessions: &[NetSession], seed: u64) -> Vec<Conn> {
    let mut conns = Vec::new();
    for (index, session) in sessions.iter().enumerate() {
        let id = mix(seed, index as u64);
        if let Some((name, resolver)) = &session.lookup {
            let start = session
                .start
                .checked_sub(SignedDuration::from_millis(50))
                .unwrap_or(session.start);
            let dns_id = (id & 0xffff) as u16;
            let query = dns_message(dns_id, name, &[]);
            let response = dns_message(dns_id, name, &[session.server.0]);
            conns.push(Conn {
                uid: zeek_id('C', mix(id, 1)),
                flow_id: mix(id, 2) >> 12,
                proto: Proto::Udp,
                client: (session.client.0, 49152 + (id % 16000) as u16),
                server: (*resolver, 53),
                start,
                messages: vec![
                    Message {
                        dir: Dir::ToServer,
                        bytes: query,
                    },
                    Message {
                        dir: Dir::ToClient,
                        bytes: response,
                    },
                ],
                app: App::Dns {
                    id: dns_id,
                    query: name.to_lowercase(),
                    answers: vec![session.server.0],
                },
            });
        }
        let (messages, app) = payload(&session.payload, id);
        conns.push(Conn {
            uid: zeek_id('C', mix(id, 3)),
            flow_id: mix(id, 4) >> 12,
            proto: Proto::Tcp,
            client: session.client,
            server: session.server,
            start: session.start,
            messages,
            app,
        });
    }
    conns.sort_by_key(|c| c.start);
    conns
}

fn to_server(bytes: Vec<u8>) -> Message {
    Message {
        dir: Dir::ToServer,
        bytes,
    }
}

fn to_client(bytes: Vec<u8>) -> Message {
    Message {
        dir: Dir::ToClient,
        bytes,
    }
}

fn filler(len: usize, id: u64) -> Vec<u8> {
    (0..len).map(|i| (mix(id, i as u64) & 0xff) as u8).collect()
}

fn payload(payload: &Payload, id: u64) -> (Vec<Message>, App) {
    match payload {
        Payload::Tls(hello) => tls(hello, id),
        Payload::Http(exchange) => {
            let request = format!(
                "{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: */*\r\n\r\n",
                exchange.method, exchange.uri, exchange.host, exchange.user_agent
            );
            let mut body = if exchange.executable {
                b"MZ".to_vec()
            } else {
                Vec::new()
            };
            let size = exchange.body_size.min(MAX_BODY);
            body.extend(filler(size.saturating_sub(body.len()), id));
            body.truncate(size);
            let disposition = exchange
                .attachment
                .as_ref()
                .map(|name| format!("Content-Disposition: attachment; filename=\"{name}\"\r\n"))
                .unwrap_or_default();
            let mut response = format!(
                "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{disposition}\r\n",
                exchange.status,
                if exchange.status == 200 {
                    "OK"
                } else {
                    "Status"
                },
                exchange.content_type,
                body.len()
            )
            .into_bytes();
            response.extend(body);
            let mut exchange = exchange.clone();
            exchange.body_size = size;
            (
                vec![to_server(request.into_bytes()), to_client(response)],
                App::Http {
                    exchange,
                    fuid: zeek_id('F', mix(id, 5)),
                },
            )
        }
        Payload::Rfb => {
            let mut init = vec![
                0x04, 0x00, 0x03, 0x00, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0,
            ];
            init.extend_from_slice(&7u32.to_be_bytes());
            init.extend_from_slice(b"desktop");
            (
                vec![
                    to_client(b"RFB 003.008\n".to_vec()),
                    to_server(b"RFB 003.008\n".to_vec()),
                    to_client(vec![1, 1]),
                    to_server(vec![1]),
                    to_client(vec![0, 0, 0, 0]),
                    to_server(vec![1]),
                    to_client(init),
                ],
                App::Rfb,
            )
        }
        Payload::Rdp { cookie } => {
            let mut variable = Vec::new();
            if let Some(cookie) = cookie {
                variable.extend_from_slice(format!("Cookie: mstshash={cookie}\r\n").as_bytes());
            }
            variable.extend_from_slice(&[1, 0, 8, 0, 3, 0, 0, 0]);
            (
                vec![
                    to_server(x224(0xe0, &variable)),
                    to_client(x224(0xd0, &[2, 0, 8, 0, 2, 0, 0, 0])),
                    to_server(filler(300, id)),
                    to_client(filler(900, id ^ 1)),
                ],
                App::Rdp {
                    cookie: cookie.clone(),
                },
            )
        }
        Payload::TeamViewer => {
            let frame = |len: usize, salt: u64| {
                let mut bytes = vec![0x17, 0x24];
                bytes.extend(filler(len, id ^ salt));
                bytes
            };
            (
                vec![
                    to_server(frame(30, 1)),
                    to_client(frame(40, 2)),
                    to_server(frame(120, 3)),
                    to_client(frame(300, 4)),
                ],
                App::TeamViewer,
            )
        }
        Payload::Opaque {
            client_bytes,
            server_bytes,
        } => (
            vec![
                to_server(filler(*client_bytes, id)),
                to_client(filler(*server_bytes, id ^ 1)),
            ],
            App::Opaque,
        ),
    }
}

/// A TPKT-framed X.224 PDU (`0xe0` connection request, `0xd0` confirm).
fn x224(code: u8, variable: &[u8]) -> Vec<u8> {
    let length = 11 + variable.len();
    let mut pdu = vec![3, 0];
    pdu.extend_from_slice(&(length as u16).to_be_bytes());
    pdu.extend_from_slice(&[(length - 5) as u8, code, 0, 0, 0, 0, 0]);
    pdu.extend_from_slice(variable);
    pdu
}

fn dns_message(id: u16, name: &str, answers: &[IpAddr]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&id.to_be_bytes());
    let flags: u16 = if answers.is_empty() { 0x0100 } else { 0x8180 };
    out.extend_from_slice(&flags.to_be_bytes());
    out.extend_from_slice(&[0, 1]);
    out.extend_from_slice(&(answers.len() as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    for label in name.trim_end_matches('.').split('.') {
        out.push(label.len().min(63) as u8);
        out.extend_from_slice(&label.as_bytes()[..label.len().min(63)]);
    }
    out.push(0);
    out.extend_from_slice(&[0, 1, 0, 1]);
    for answer in answers {
        out.extend_from_slice(&[0xc0, 0x0c]);
        match answer {
            IpAddr::V4(v4) => {
                out.extend_from_slice(&[0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
                out.extend_from_slice(&v4.octets());
            }
            IpAddr::V6(v6) => {
                out.extend_from_slice(&[0, 28, 0, 1, 0, 0, 0, 60, 0, 16]);
                out.extend_from_slice(&v6.octets());
            }
        }
    }
    out
}

fn tls(hello: &TlsHello, id: u64) -> (Vec<Message>, App) {
    let certificate = match (&hello.subject, hello.tls13) {
        (Some(subject), false) => Some(super::der::certificate(subject, &hello.issuer, id)),
        _ => None,
    };
    let client_hello = record(22, &handshake(1, &client_hello(hello, id)));
    let mut server_flight = handshake(2, &server_hello(hello.tls13, hello.alpn.first(), id));
    if let Some(der) = &certificate {
        let mut chain = Vec::new();
        push_u24(&mut chain, der.len() + 3);
        push_u24(&mut chain, der.len());
        chain.extend_from_slice(der);
        server_flight.extend(handshake(11, &chain));
    }
    let mut messages = vec![to_server(client_hello)];
    if hello.tls13 {
        let mut flight = record(22, &server_flight);
        flight.extend(record(20, &[1]));
        flight.extend(record(23, &filler(2000, id ^ 7)));
        messages.push(to_client(flight));
        messages.push(to_server(
            [record(20, &[1]), record(23, &filler(80, id ^ 8))].concat(),
        ));
    } else {
        server_flight.extend(handshake(14, &[]));
        messages.push(to_client(record(22, &server_flight)));
        messages.push(to_server(
            [
                record(22, &filler(70, id ^ 3)),
                record(20, &[1]),
                record(22, &filler(40, id ^ 4)),
            ]
            .concat(),
        ));
        messages.push(to_client(
            [record(20, &[1]), record(22, &filler(40, id ^ 5))].concat(),
        ));
    }
    messages.push(to_server(record(23, &filler(600, id ^ 9))));
    messages.push(to_client(record(23, &filler(1800, id ^ 10))));
    let fingerprint: String = (0..4)
        .map(|i| format!("{:016x}", mix(id, 100 + i)))
        .collect();
    (
        messages,
        App::Tls {
            hello: hello.clone(),
            certificate,
            fingerprint,
            serial: format!("{:016X}", mix(id, 200)),
        },
    )
}

fn record(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind, 3, 3];
    out.extend_from_slice(&(body.len() as u16).to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    push_u24(&mut out, body.len());
    out.extend_from_slice(body);
    out
}

fn push_u24(out: &mut Vec<u8>, value: usize) {
    out.extend_from_slice(&(value as u32).to_be_bytes()[1..]);
}

fn extension(kind: u16, body: &[u8]) -> Vec<u8> {
    let mut out = kind.to_be_bytes().to_vec();
    out.extend_from_slice(&(body.len() as u16).to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn with_u16_len(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

fn client_hello(hello: &TlsHello, id: u64) -> Vec<u8> {
    let mut body = vec![3, 3];
    body.extend(filler(32, id ^ 11));
    body.push(32);
    body.extend(filler(32, id ^ 12));
    let ciphers: &[u16] = if hello.tls13 {
        &[0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030]
    } else {
        &[
            0xc02b, 0xc02f, 0xc02c, 0xc030, 0x009e, 0x009f, 0xc013, 0xc014,
        ]
    };
    let cipher_bytes: Vec<u8> = ciphers.iter().flat_map(|c| c.to_be_bytes()).collect();
    body.extend(with_u16_len(&cipher_bytes));
    body.extend_from_slice(&[1, 0]);
    let mut extensions = Vec::new();
    if let Some(sni) = &hello.sni {
        let mut entry = vec![0];
        entry.extend(with_u16_len(sni.as_bytes()));
        extensions.extend(extension(0, &with_u16_len(&entry)));
    }
    extensions.extend(extension(10, &with_u16_len(&[0, 0x1d, 0, 0x17, 0, 0x18])));
    extensions.extend(extension(11, &[1, 0]));
    extensions.extend(extension(
        13,
        &with_u16_len(&[4, 3, 8, 4, 4, 1, 5, 3, 8, 5, 5, 1]),
    ));
    if !hello.alpn.is_empty() {
        let mut list = Vec::new();
        for value in &hello.alpn {
            list.push(value.len() as u8);
            list.extend_from_slice(value.as_bytes());
        }
        extensions.extend(extension(16, &with_u16_len(&list)));
    }
    if hello.tls13 {
        extensions.extend(extension(43, &[4, 3, 4, 3, 3]));
        let mut share = vec![0, 0x1d, 0, 32];
        share.extend(filler(32, id ^ 13));
        extensions.extend(extension(51, &with_u16_len(&share)));
    }
    body.extend(with_u16_len(&extensions));
    body
}

fn server_hello(tls13: bool, alpn: Option<&String>, id: u64) -> Vec<u8> {
    let mut body = vec![3, 3];
    body.extend(filler(32, id ^ 14));
    body.push(32);
    body.extend(filler(32, id ^ 12));
    body.extend_from_slice(if tls13 { &[0x13, 0x01] } else { &[0xc0, 0x2f] });
    body.push(0);
    let mut extensions = if tls13 {
        let mut share = vec![0, 0x1d, 0, 32];
        share.extend(filler(32, id ^ 15));
        [extension(43, &[3, 4]), extension(51, &share)].concat()
    } else {
        [extension(0xff01, &[0]), extension(11, &[1, 0])].concat()
    };
    if let Some(alpn) = alpn {
        let mut list = vec![alpn.len() as u8];
        list.extend_from_slice(alpn.as_bytes());
        extensions.extend(extension(16, &with_u16_len(&list)));
    }
    body.extend(with_u16_len(&extensions));
    body
}
