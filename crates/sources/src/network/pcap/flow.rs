//! The flow table: packets grouped into bidirectional flows (TCP and UDP
//! 5-tuples), each with its originator, counters, the application protocol
//! recognized from its payloads, and the parser that follows it.
//!
//! Memory is bounded: at most [`MAX_FLOWS`] flows (the idlest half is
//! evicted when the table is full), at most [`MAX_PARSED`] flows following
//! a TCP stream at once, and idle flows end after a timeout measured in
//! capture time. An ended flow reports its pending application events and
//! then one `NetFlow`.

use std::collections::HashMap;
use std::net::IpAddr;

use rmmguard_events::{Endpoint, Event, EventKind, Location, Meta, NetFlow, Transport};

use super::decode::{Proto, Segment};
use super::session::{At, DnsSession, Ends, HttpSession, QuicSession, TlsSession};
use super::stream::Stream;
use super::{Out, dns, quic, tells, timestamp};

/// Most flows tracked at once.
pub(crate) const MAX_FLOWS: usize = 1 << 17;
/// Most flows whose TCP streams are reassembled at once.
pub(crate) const MAX_PARSED: usize = 4096;
/// Payload packets looked at before giving up on recognizing a protocol.
const SNIFF_PACKETS: u8 = 8;
/// TeamViewer framing must show in this many packets.
const TEAMVIEWER_PACKETS: u8 = 2;

const SECOND: i128 = 1_000_000_000;
/// Idle time after which an open TCP flow ends (Zeek's default).
const TCP_TIMEOUT: i128 = 300 * SECOND;
/// Idle time after which a closed TCP flow (FIN both ways, or RST) ends.
const CLOSED_TIMEOUT: i128 = 5 * SECOND;
/// Idle time after which a UDP flow ends.
const UDP_TIMEOUT: i128 = 60 * SECOND;
/// How often (in capture time) idle flows are swept.
const SWEEP_EVERY: i128 = 10 * SECOND;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    proto: Proto,
    low: (IpAddr, u16),
    high: (IpAddr, u16),
}

impl Key {
    fn of(segment: &Segment<'_>) -> Key {
        let (low, high) = if segment.src <= segment.dst {
            (segment.src, segment.dst)
        } else {
            (segment.dst, segment.src)
        };
        Key {
            proto: segment.proto,
            low,
            high,
        }
    }
}

/// Which parser follows a flow.
#[derive(Debug)]
enum App {
    /// Still looking at payloads to recognize the protocol.
    Sniffing,
    Tls(Box<TlsSession>),
    Http(Box<HttpSession>),
    Quic(Box<QuicSession>),
    Dns(Box<DnsSession>),
    /// Nothing more to read.
    Done,
}

#[derive(Debug)]
struct Flow {
    proto: Proto,
    ends: Ends,
    first: At,
    last: i128,
    bytes: [u64; 2],
    packets: [u64; 2],
    protocol: Option<&'static str>,
    detail: Option<String>,
    sniffed: u8,
    teamviewer: u8,
    app: App,
    streams: [Stream; 2],
    fin: [bool; 2],
    reset: bool,
}

impl Flow {
    fn new(segment: &Segment<'_>, at: At) -> Flow {
        // The originator: the side that sent the SYN; otherwise the sender of
        // the first packet, unless it talks from a well-known port to a high one.
        let flip = match segment.proto {
            Proto::Tcp if segment.tcp.syn => segment.tcp.ack,
            _ => segment.src.1 < 1024 && segment.dst.1 >= 1024,
        };
        let ends = if flip {
            [segment.dst, segment.src]
        } else {
            [segment.src, segment.dst]
        };
        Flow {
            proto: segment.proto,
            ends,
            first: at,
            last: at.nanos,
            bytes: [0; 2],
            packets: [0; 2],
            protocol: None,
            detail: None,
            sniffed: 0,
            teamviewer: 0,
            app: App::Sniffing,
            streams: [Stream::default(), Stream::default()],
            fin: [false; 2],
            reset: false,
        }
    }

    fn timeout(&self) -> i128 {
        match self.proto {
            Proto::Udp => UDP_TIMEOUT,
            Proto::Tcp if self.reset || (self.fin[0] && self.fin[1]) => CLOSED_TIMEOUT,
            Proto::Tcp => TCP_TIMEOUT,
        }
    }

    fn parsing(&self) -> bool {
        matches!(self.app, App::Tls(_) | App::Http(_))
    }
}

/// All open flows of one capture.
#[derive(Debug, Default)]
pub(crate) struct FlowTable {
    // foldhash: the table is probed once per packet, SipHash showed in profiles.
    flows: HashMap<Key, Flow, foldhash::fast::RandomState>,
    parsed: usize,
    last_sweep: Option<i128>,
    now: i128,
    warned_parsed: bool,
}

impl FlowTable {
    /// Adds one segment to its flow.
    pub fn packet(&mut self, segment: &Segment<'_>, at: At, out: &mut Out<'_, '_>) {
        self.now = self.now.max(at.nanos);
        self.sweep(out);
        let key = Key::of(segment);
        if !self.flows.contains_key(&key) && self.flows.len() >= MAX_FLOWS {
            self.evict_idlest(out);
        }
        let flow = self
            .flows
            .entry(key)
            .or_insert_with(|| Flow::new(segment, at));
        let dir = usize::from(flow.ends[0] != segment.src);
        flow.last = flow.last.max(at.nanos);
        flow.packets[dir] += 1;
        flow.bytes[dir] += segment.payload.len() as u64;
        if segment.proto == Proto::Tcp {
            tcp_flags(flow, dir, segment);
        }
        if segment.payload.is_empty() {
            return;
        }
        let was_parsing = flow.parsing();
        if matches!(flow.app, App::Sniffing) {
            sniff(flow, dir, segment, self.parsed < MAX_PARSED);
        }
        follow(flow, dir, segment, at, out);
        match (was_parsing, flow.parsing()) {
            (false, true) => self.parsed += 1,
            (true, false) => self.parsed = self.parsed.saturating_sub(1),
            _ => {}
        }
        if self.parsed >= MAX_PARSED && !self.warned_parsed {
            self.warned_parsed = true;
            out.warning(
                at.offset,
                &format!("over {MAX_PARSED} TLS/HTTP connections open at once: later ones are counted, not parsed"),
            );
        }
    }

    /// Ends every flow still open (the end of the capture).
    pub fn finish(&mut self, out: &mut Out<'_, '_>) {
        let mut flows: Vec<Flow> = self.flows.drain().map(|(_, f)| f).collect();
        flows.sort_by_key(|f| f.first.offset);
        for flow in flows {
            end(flow, out);
        }
        self.parsed = 0;
    }

    fn sweep(&mut self, out: &mut Out<'_, '_>) {
        let last = *self.last_sweep.get_or_insert(self.now);
        if self.now - last < SWEEP_EVERY {
            return;
        }
        self.last_sweep = Some(self.now);
        let now = self.now;
        let idle: Vec<Key> = self
            .flows
            .iter()
            .filter(|(_, f)| now - f.last > f.timeout())
            .map(|(k, _)| *k)
            .collect();
        self.end_flows(&idle, out);
    }

    fn evict_idlest(&mut self, out: &mut Out<'_, '_>) {
        let mut by_age: Vec<(i128, Key)> = self.flows.iter().map(|(k, f)| (f.last, *k)).collect();
        by_age.sort_unstable_by_key(|(last, _)| *last);
        let half: Vec<Key> = by_age[..by_age.len() / 2].iter().map(|(_, k)| *k).collect();
        self.end_flows(&half, out);
    }

    fn end_flows(&mut self, keys: &[Key], out: &mut Out<'_, '_>) {
        let mut ended: Vec<Flow> = keys.iter().filter_map(|k| self.flows.remove(k)).collect();
        ended.sort_by_key(|f| f.first.offset);
        for flow in ended {
            if flow.parsing() {
                self.parsed = self.parsed.saturating_sub(1);
            }
            end(flow, out);
        }
    }
}

fn tcp_flags(flow: &mut Flow, dir: usize, segment: &Segment<'_>) {
    let tcp = segment.tcp;
    if tcp.syn {
        flow.streams[dir].syn(tcp.seq);
    }
    flow.fin[dir] |= tcp.fin;
    flow.reset |= tcp.rst;
}

/// Recognizes the protocol from a payload and picks the parser.
fn sniff(flow: &mut Flow, dir: usize, segment: &Segment<'_>, may_parse: bool) {
    let payload = segment.payload;
    let dns_port = segment.src.1 == 53 || segment.dst.1 == 53;
    flow.sniffed = flow.sniffed.saturating_add(1);
    if dns_port {
        flow.protocol = Some("dns");
        flow.app = App::Dns(Box::default());
        return;
    }
    let recognized = match segment.proto {
        Proto::Tcp => sniff_tcp(flow, dir, payload, may_parse),
        Proto::Udp => sniff_udp(flow, dir, payload),
    };
    if !recognized && flow.sniffed >= SNIFF_PACKETS {
        flow.app = App::Done;
    }
}

fn sniff_tcp(flow: &mut Flow, dir: usize, payload: &[u8], may_parse: bool) -> bool {
    let app = if tells::tls_handshake(payload, 1) || tells::tls_handshake(payload, 2) {
        flow.protocol = Some("tls");
        may_parse.then(|| App::Tls(Box::default()))
    } else if tells::http_request(payload) || (dir == 1 && tells::http_response(payload)) {
        flow.protocol = Some("http");
        may_parse.then(|| App::Http(Box::default()))
    } else if matches!(payload, [0x17, 0x03, 0x01..=0x04, ..]) {
        flow.protocol = Some("tls");
        None
    } else if let Some(tell) = tells::rfb(payload)
        .or_else(|| tells::ssh(payload))
        .or_else(|| if dir == 0 { tells::rdp(payload) } else { None })
    {
        flow.protocol = Some(tell.protocol);
        flow.detail = tell.detail;
        None
    } else if tells::teamviewer_tcp(payload) {
        flow.teamviewer += 1;
        if flow.teamviewer < TEAMVIEWER_PACKETS {
            return true;
        }
        flow.protocol = Some("teamviewer");
        None
    } else {
        return false;
    };
    flow.app = app.unwrap_or(App::Done);
    true
}

fn sniff_udp(flow: &mut Flow, dir: usize, payload: &[u8]) -> bool {
    if dir == 0 && quic::looks_like_initial(payload) {
        flow.protocol = Some("quic");
        flow.app = App::Quic(Box::default());
        return true;
    }
    if tells::teamviewer_udp(payload) {
        flow.teamviewer += 1;
        if flow.teamviewer >= TEAMVIEWER_PACKETS {
            flow.protocol = Some("teamviewer");
            flow.app = App::Done;
        }
        return true;
    }
    false
}

/// Hands a payload to the flow's parser.
fn follow(flow: &mut Flow, dir: usize, segment: &Segment<'_>, at: At, out: &mut Out<'_, '_>) {
    let ends = flow.ends;
    match &mut flow.app {
        App::Sniffing | App::Done => {}
        App::Dns(session) => {
            let message = match segment.proto {
                Proto::Udp => dns::parse(segment.payload),
                Proto::Tcp => dns::parse_tcp(segment.payload),
            };
            if let Some(message) = message {
                session.message(message, dir, at, &ends, out);
            }
        }
        App::Quic(session) => {
            if dir == 0 {
                session.feed(segment.payload, at, &ends, 0, out);
            }
            if session.done {
                flow.app = App::Done;
            }
        }
        App::Tls(session) => {
            let stream = &mut flow.streams[dir];
            if stream.push(segment.tcp.seq, segment.payload) && !session.feed(dir, stream, at, out)
            {
                stream.close();
            }
            if session.complete() || (flow.streams[0].closed && flow.streams[1].closed) {
                session.emit(&ends, out);
                stop(flow);
            }
        }
        App::Http(session) => {
            let stream = &mut flow.streams[dir];
            if stream.push(segment.tcp.seq, segment.payload) {
                let keep = if dir == 0 {
                    session.feed_client(stream, at)
                } else {
                    session.feed_server(stream, at, &ends, out)
                };
                if !keep {
                    stream.close();
                }
            }
            if flow.streams[0].closed && flow.streams[1].closed {
                session.finish(&ends, out);
                stop(flow);
            }
        }
    }
}

/// Stops parsing a flow (it is still counted).
fn stop(flow: &mut Flow) {
    flow.app = App::Done;
    flow.streams[0].close();
    flow.streams[1].close();
}

/// Reports an ended flow: its parser's pending events, then the flow itself.
fn end(mut flow: Flow, out: &mut Out<'_, '_>) {
    let ends = flow.ends;
    match &mut flow.app {
        App::Tls(session) => session.emit(&ends, out),
        App::Http(session) => session.finish(&ends, out),
        App::Dns(session) => session.finish(&ends, out),
        App::Sniffing | App::Quic(_) | App::Done => {}
    }
    let endpoint = |end: (IpAddr, u16)| Endpoint {
        ip: Some(end.0),
        port: Some(end.1),
        domain: None,
    };
    let record = NetFlow {
        transport: Some(match flow.proto {
            Proto::Tcp => Transport::Tcp,
            Proto::Udp => Transport::Udp,
        }),
        source: endpoint(ends[0]),
        destination: endpoint(ends[1]),
        start: timestamp(flow.first.nanos),
        end: timestamp(flow.last),
        bytes_out: flow.bytes[0],
        bytes_in: flow.bytes[1],
        packets_out: flow.packets[0],
        packets_in: flow.packets[1],
        protocol: flow.protocol.map(str::to_owned),
        detail: flow.detail,
        uid: None,
    };
    let mut meta = Meta::new(out.base().at(Location::Offset(flow.first.offset)));
    meta.timestamp = timestamp(flow.first.nanos);
    out.event(Event {
        meta,
        kind: EventKind::NetFlow(record),
    });
}
