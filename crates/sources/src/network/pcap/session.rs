//! What one flow's application protocol says, turned into events: the TLS
//! handshake (over TCP records, or QUIC CRYPTO frames), HTTP exchanges and
//! their downloads, and DNS transactions. Each parser consumes a direction's
//! reassembled bytes and reports through [`Out`].

use std::collections::VecDeque;
use std::net::IpAddr;

use rmmguard_events::{
    DnsQuery, Endpoint, Event, EventKind, FileTransfer, Http, Location, Meta, SourceRef, Tls,
};

use super::fingerprint::{self, Carrier};
use super::hello::{self, Certificate, ClientHello, Message, ServerHello};
use super::http::{self, Head, Request, Response};
use super::quic::CryptoStream;
use super::stream::Stream;
use super::{Out, timestamp};

/// Most bytes of handshake messages buffered per direction.
const MAX_HANDSHAKE: usize = 32 << 10;
/// Most requests waiting for their responses.
const MAX_REQUESTS: usize = 16;
/// Most DNS queries waiting for their answers.
const MAX_QUERIES: usize = 32;
/// The largest TLS record (2^14 plus expansion).
const MAX_RECORD: usize = (1 << 14) + 2048;

/// Where a packet is in the file, and when it was captured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct At {
    pub offset: u64,
    pub nanos: i128,
}

/// The two ends of a flow: index 0 is the originator, 1 the responder.
pub(crate) type Ends = [(IpAddr, u16); 2];

fn endpoint(end: (IpAddr, u16)) -> Endpoint {
    Endpoint {
        ip: Some(end.0),
        port: Some(end.1),
        domain: None,
    }
}

fn event(base: &SourceRef, at: At, kind: EventKind) -> Event {
    let mut meta = Meta::new(base.at(Location::Offset(at.offset)));
    meta.timestamp = timestamp(at.nanos);
    Event { meta, kind }
}

/// A TLS handshake being read.
#[derive(Debug, Default)]
pub(crate) struct TlsSession {
    handshake: [Vec<u8>; 2],
    client: Option<(ClientHello, usize)>,
    /// ClientHellos answered by a HelloRetryRequest, reported on their own.
    retried: Vec<ClientHello>,
    /// A HelloRetryRequest was read: a second ClientHello is due.
    awaiting_retry: bool,
    server: Option<ServerHello>,
    certificate: Option<Certificate>,
    /// The first handshake packet.
    at: Option<At>,
    server_done: bool,
    emitted: bool,
}

impl TlsSession {
    /// Reads the TLS records available in `stream` (direction `dir`);
    /// returns `false` when the direction is not (or no longer) TLS.
    pub fn feed(&mut self, dir: usize, stream: &mut Stream, at: At, out: &mut Out<'_, '_>) -> bool {
        loop {
            let data = stream.data();
            let Some(header) = data.get(..5) else {
                return true;
            };
            let kind = header[0];
            let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
            if !(20..=24).contains(&kind) || header[1] != 3 || len > MAX_RECORD {
                return false;
            }
            let Some(record) = data.get(5..5 + len) else {
                return true;
            };
            match kind {
                22 if !self.direction_done(dir) => {
                    if self.handshake[dir].len() + record.len() > MAX_HANDSHAKE {
                        out.warning(
                            at.offset,
                            "TLS handshake over the 32 KiB limit: not read further",
                        );
                        return false;
                    }
                    self.at.get_or_insert(at);
                    self.handshake[dir].extend_from_slice(record);
                    self.messages(dir, at, out);
                }
                // After a HelloRetryRequest the server's ChangeCipherSpec is
                // only for middleboxes: the second ClientHello is still due.
                20 if self.is_server(dir) && !self.awaiting_retry => self.server_done = true,
                23 if self.is_server(dir) => self.server_done = true,
                _ => {}
            }
            stream.consume(5 + len);
            if self.complete() {
                return true;
            }
        }
    }

    /// Whether `dir` is the server's side (the originator's peer until a ClientHello says otherwise).
    fn is_server(&self, dir: usize) -> bool {
        match &self.client {
            Some((_, client)) => *client != dir,
            None => dir == 1,
        }
    }

    /// Whether nothing more is wanted from `dir`'s handshake: once the
    /// server's plaintext part is read. (The client may send a second
    /// ClientHello before that, after a HelloRetryRequest.)
    fn direction_done(&self, _dir: usize) -> bool {
        self.server_done
    }

    fn messages(&mut self, dir: usize, at: At, out: &mut Out<'_, '_>) {
        loop {
            let buffer = &self.handshake[dir];
            let Some(header) = buffer.get(..4) else {
                return;
            };
            let len = (usize::from(header[1]) << 16)
                | (usize::from(header[2]) << 8)
                | usize::from(header[3]);
            if buffer.len() < 4 + len {
                return;
            }
            match hello::parse_message(&buffer[..4 + len]) {
                Ok(Message::ClientHello(client)) => {
                    if let Some((first, _)) = self.client.take() {
                        self.retried.push(first);
                    }
                    self.awaiting_retry = false;
                    self.client = Some((client, dir));
                }
                Ok(Message::ServerHello(server)) if server.retry => self.awaiting_retry = true,
                Ok(Message::ServerHello(server)) => {
                    // TLS 1.3 encrypts everything after the ServerHello.
                    self.server_done |= server.negotiated() == 0x0304;
                    self.server = Some(server);
                }
                Ok(Message::Certificate(certificate)) => {
                    self.certificate = certificate;
                    self.server_done = true;
                }
                Ok(Message::Done) => self.server_done = true,
                Ok(Message::Other) => {}
                Err(message) => {
                    out.warning(at.offset, &message);
                    self.handshake[dir].clear();
                    return;
                }
            }
            self.handshake[dir].drain(..4 + len);
        }
    }

    /// Whether both hellos (and what the server shows in clear) were read.
    pub fn complete(&self) -> bool {
        self.client.is_some() && self.server_done && !self.awaiting_retry
    }

    /// Emits the handshake's event once, if anything of it was read.
    pub fn emit(&mut self, ends: &Ends, out: &mut Out<'_, '_>) {
        if self.emitted
            || (self.client.is_none() && self.server.is_none() && self.certificate.is_none())
        {
            return;
        }
        self.emitted = true;
        let client_dir = self.client.as_ref().map_or(0, |(_, d)| *d);
        let at = self.at.unwrap_or_default();
        for retried in std::mem::take(&mut self.retried) {
            let tls = Tls {
                client: endpoint(ends[client_dir]),
                server: endpoint(ends[1 - client_dir]),
                sni: retried.sni.clone(),
                alpn: retried.alpn.clone(),
                version: Some(hello::version_name(retried.version)),
                ja3: Some(fingerprint::ja3(&retried)),
                ja4: Some(fingerprint::ja4(&retried, Carrier::Tcp)),
                ..Tls::default()
            };
            out.event(event(out.base(), at, EventKind::Tls(tls)));
        }
        let client = self.client.as_ref().map(|(c, _)| c);
        let version = match (&self.server, client) {
            (Some(server), _) => Some(server.negotiated()),
            (None, Some(client)) => Some(client.version),
            (None, None) => None,
        };
        let tls = Tls {
            client: endpoint(ends[client_dir]),
            server: endpoint(ends[1 - client_dir]),
            sni: client.and_then(|c| c.sni.clone()),
            alpn: client.map(|c| c.alpn.clone()).unwrap_or_default(),
            version: version.map(hello::version_name),
            ja3: client.map(fingerprint::ja3),
            ja3s: self.server.as_ref().map(fingerprint::ja3s),
            ja4: client.map(|c| fingerprint::ja4(c, Carrier::Tcp)),
            subject: self.certificate.as_ref().map(|c| c.subject.clone()),
            issuer: self.certificate.as_ref().map(|c| c.issuer.clone()),
            uid: None,
        };
        out.event(event(out.base(), at, EventKind::Tls(tls)));
    }
}

/// A QUIC connection's client Initial packets being read.
#[derive(Debug, Default)]
pub(crate) struct QuicSession {
    crypto: CryptoStream,
    at: Option<At>,
    pub done: bool,
}

impl QuicSession {
    /// Reads one client datagram; emits the ClientHello once it is complete.
    pub fn feed(
        &mut self,
        payload: &[u8],
        at: At,
        ends: &Ends,
        client: usize,
        out: &mut Out<'_, '_>,
    ) {
        if self.done {
            return;
        }
        self.at.get_or_insert(at);
        if let Err(message) = super::quic::read_datagram(payload, &mut self.crypto) {
            out.warning(at.offset, &message);
            self.done = true;
            return;
        }
        let data = self.crypto.data();
        let Some(header) = data.get(..4) else { return };
        let len =
            (usize::from(header[1]) << 16) | (usize::from(header[2]) << 8) | usize::from(header[3]);
        let Some(message) = data.get(..4 + len) else {
            return;
        };
        self.done = true;
        match hello::parse_message(message) {
            Ok(Message::ClientHello(hello)) => {
                let tls = Tls {
                    client: endpoint(ends[client]),
                    server: endpoint(ends[1 - client]),
                    sni: hello.sni.clone(),
                    alpn: hello.alpn.clone(),
                    version: Some(hello::version_name(
                        hello
                            .supported_versions
                            .iter()
                            .copied()
                            .filter(|v| !fingerprint::is_grease(*v))
                            .max()
                            .unwrap_or(hello.version),
                    )),
                    ja3: Some(fingerprint::ja3(&hello)),
                    ja3s: None,
                    ja4: Some(fingerprint::ja4(&hello, Carrier::Quic)),
                    subject: None,
                    issuer: None,
                    uid: None,
                };
                let at = self.at.unwrap_or(at);
                out.event(event(out.base(), at, EventKind::Tls(tls)));
            }
            Ok(_) => {}
            Err(message) => out.warning(at.offset, &message),
        }
    }
}

/// A download seen in a response body, reported once its first bytes are in.
#[derive(Debug)]
struct PendingFile {
    file: FileTransfer,
    at: At,
}

/// How the server direction's bytes are being read.
#[derive(Debug)]
enum ResponseState {
    Head,
    Body { left: u64 },
    Chunked,
    UntilClose,
}

/// HTTP/1.x exchanges on one connection.
#[derive(Debug)]
pub(crate) struct HttpSession {
    requests: VecDeque<(Request, At)>,
    request_body_left: u64,
    response: ResponseState,
    file: Option<PendingFile>,
}

impl Default for HttpSession {
    fn default() -> HttpSession {
        HttpSession {
            requests: VecDeque::new(),
            request_body_left: 0,
            response: ResponseState::Head,
            file: None,
        }
    }
}

impl HttpSession {
    /// Reads the client's requests; returns `false` when the direction is not HTTP.
    pub fn feed_client(&mut self, stream: &mut Stream, at: At) -> bool {
        loop {
            let data = stream.data();
            if data.is_empty() {
                return true;
            }
            if self.request_body_left > 0 {
                let skip = data
                    .len()
                    .min(usize::try_from(self.request_body_left).unwrap_or(usize::MAX));
                self.request_body_left -= skip as u64;
                stream.consume(skip);
                continue;
            }
            match http::request(data) {
                Head::Complete(request, len) => {
                    self.request_body_left = request.body;
                    if self.requests.len() < MAX_REQUESTS {
                        self.requests.push_back((request, at));
                    }
                    stream.consume(len);
                }
                Head::Partial => return true,
                Head::Invalid => return false,
            }
        }
    }

    /// Reads the server's responses; returns `false` when it stops following them.
    pub fn feed_server(
        &mut self,
        stream: &mut Stream,
        at: At,
        ends: &Ends,
        out: &mut Out<'_, '_>,
    ) -> bool {
        loop {
            let data = stream.data();
            if data.is_empty() {
                return true;
            }
            match self.response {
                ResponseState::Body { left } => {
                    self.body_start(data, out);
                    let skip = data.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    stream.consume(skip);
                    let left = left - skip as u64;
                    self.response = if left == 0 {
                        ResponseState::Head
                    } else {
                        ResponseState::Body { left }
                    };
                }
                ResponseState::Chunked => {
                    // The first chunk's size line, then its data: enough for the file's type.
                    let Some(line) = memchr::memmem::find(data, b"\r\n") else {
                        return data.len() < 64;
                    };
                    if let Some(body) = data.get(line + 2..).filter(|b| !b.is_empty()) {
                        self.body_start(body, out);
                        return false;
                    }
                    return true;
                }
                ResponseState::UntilClose => {
                    self.body_start(data, out);
                    return false;
                }
                ResponseState::Head => match http::response(data) {
                    Head::Complete(response, len) => {
                        stream.consume(len);
                        self.response_head(response, at, ends, out);
                    }
                    Head::Partial => return true,
                    Head::Invalid => return false,
                },
            }
        }
    }

    fn response_head(&mut self, response: Response, at: At, ends: &Ends, out: &mut Out<'_, '_>) {
        let request = self.requests.pop_front();
        let head_only = request.as_ref().is_some_and(|(r, _)| r.method == "HEAD")
            || matches!(response.status, 100..=199 | 204 | 304);
        let file_name = response.file_name.clone().or_else(|| {
            request
                .as_ref()
                .and_then(|(r, _)| crate::network::sensor::uri_file_name(&r.uri))
        });
        let request_at = request.as_ref().map_or(at, |(_, at)| *at);
        let http = Http {
            client: endpoint(ends[0]),
            server: endpoint(ends[1]),
            method: request.as_ref().map(|(r, _)| r.method.clone()),
            host: request.as_ref().and_then(|(r, _)| r.host.clone()),
            uri: request.as_ref().map(|(r, _)| r.uri.clone()),
            user_agent: request.as_ref().and_then(|(r, _)| r.user_agent.clone()),
            status: Some(response.status),
            content_type: response.content_type.clone(),
            file_name: file_name.clone(),
            body_bytes: response.content_length,
            uid: None,
        };
        out.event(event(out.base(), request_at, EventKind::Http(http)));
        self.flush_file(out);
        self.response = match (head_only, response.content_length, response.chunked) {
            (true, _, _) | (false, Some(0), false) => ResponseState::Head,
            (false, _, true) => ResponseState::Chunked,
            (false, Some(left), false) => ResponseState::Body { left },
            (false, None, false) => ResponseState::UntilClose,
        };
        if !matches!(self.response, ResponseState::Head) {
            self.file = Some(PendingFile {
                file: FileTransfer {
                    client: endpoint(ends[0]),
                    server: endpoint(ends[1]),
                    file_name,
                    mime_type: response.content_type,
                    size: response.content_length,
                    hash: None,
                    uid: None,
                },
                at,
            });
        }
    }

    fn body_start(&mut self, body: &[u8], out: &mut Out<'_, '_>) {
        if let Some(pending) = &mut self.file
            && let Some(mime) = http::sniff_mime(body)
        {
            pending.file.mime_type = Some(mime.to_owned());
        }
        self.flush_file(out);
    }

    fn flush_file(&mut self, out: &mut Out<'_, '_>) {
        if let Some(pending) = self.file.take() {
            out.event(event(
                out.base(),
                pending.at,
                EventKind::FileTransfer(pending.file),
            ));
        }
    }

    /// Reports what is left when the flow ends: requests never answered.
    pub fn finish(&mut self, ends: &Ends, out: &mut Out<'_, '_>) {
        self.flush_file(out);
        while let Some((request, at)) = self.requests.pop_front() {
            let http = Http {
                client: endpoint(ends[0]),
                server: endpoint(ends[1]),
                method: Some(request.method),
                file_name: crate::network::sensor::uri_file_name(&request.uri),
                host: request.host,
                uri: Some(request.uri),
                user_agent: request.user_agent,
                ..Http::default()
            };
            out.event(event(out.base(), at, EventKind::Http(http)));
        }
    }
}

/// DNS transactions of one flow, queries waiting for their answers.
#[derive(Debug, Default)]
pub(crate) struct DnsSession {
    queries: Vec<(u16, String, usize, At)>,
}

impl DnsSession {
    /// Reads one DNS message sent by side `dir`.
    pub fn message(
        &mut self,
        message: super::dns::Message,
        dir: usize,
        at: At,
        ends: &Ends,
        out: &mut Out<'_, '_>,
    ) {
        if !message.response {
            if self.queries.len() < MAX_QUERIES {
                self.queries.push((message.id, message.query, dir, at));
            } else {
                emit_dns(out, ends, dir, at, message.query, Vec::new());
            }
            return;
        }
        let found = self.queries.iter().position(|(id, query, client, _)| {
            *id == message.id && *query == message.query && *client != dir
        });
        match found {
            Some(index) => {
                let (_, query, client, at) = self.queries.remove(index);
                emit_dns(out, ends, client, at, query, message.answers);
            }
            None => emit_dns(out, ends, 1 - dir, at, message.query, message.answers),
        }
    }

    /// Reports queries never answered.
    pub fn finish(&mut self, ends: &Ends, out: &mut Out<'_, '_>) {
        for (_, query, client, at) in self.queries.drain(..) {
            emit_dns(out, ends, client, at, query, Vec::new());
        }
    }
}

fn emit_dns(
    out: &mut Out<'_, '_>,
    ends: &Ends,
    client: usize,
    at: At,
    query: String,
    answers: Vec<String>,
) {
    let dns = DnsQuery {
        query,
        answers,
        client: endpoint(ends[client]),
        server: endpoint(ends[1 - client]),
        ..DnsQuery::default()
    };
    out.event(event(out.base(), at, EventKind::DnsQuery(dns)));
}
