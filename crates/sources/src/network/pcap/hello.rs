//! TLS handshake messages: the ClientHello and ServerHello (parsed with
//! `tls-parser`, their extensions walked in wire order as fingerprints need
//! them) and the server certificate's subject and issuer (`x509-parser`).

use tls_parser::{TlsMessage, TlsMessageHandshake, parse_tls_message_handshake};
use x509_parser::prelude::{FromDer, X509Certificate};

/// What a ClientHello offers, in wire order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClientHello {
    /// The legacy `client_version` field.
    pub version: u16,
    pub ciphers: Vec<u16>,
    /// Extension types, in order.
    pub extensions: Vec<u16>,
    pub sni: Option<String>,
    pub alpn: Vec<String>,
    pub groups: Vec<u16>,
    pub point_formats: Vec<u8>,
    pub signature_algorithms: Vec<u16>,
    pub supported_versions: Vec<u16>,
}

/// What a ServerHello chose.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ServerHello {
    /// The legacy `server_version` field.
    pub version: u16,
    pub cipher: u16,
    pub extensions: Vec<u16>,
    /// The version from `supported_versions` (TLS 1.3), if any.
    pub selected_version: Option<u16>,
    pub alpn: Option<String>,
    /// A HelloRetryRequest (TLS 1.3): a second ClientHello follows.
    pub retry: bool,
}

/// The `random` of a HelloRetryRequest (SHA-256 of "HelloRetryRequest", RFC 8446 §4.1.3).
const RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

impl ServerHello {
    /// The version the connection uses.
    pub fn negotiated(&self) -> u16 {
        self.selected_version.unwrap_or(self.version)
    }
}

/// The leaf certificate's names.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Certificate {
    pub subject: String,
    pub issuer: String,
}

/// One handshake message that matters.
#[derive(Debug)]
pub(crate) enum Message {
    ClientHello(ClientHello),
    ServerHello(ServerHello),
    Certificate(Option<Certificate>),
    /// ServerHelloDone or Finished: the plaintext handshake is over.
    Done,
    Other,
}

/// Parses one complete handshake message (type, 24-bit length, body).
///
/// # Errors
///
/// Says what is malformed.
pub(crate) fn parse_message(message: &[u8]) -> Result<Message, String> {
    let Some(&kind) = message.first() else {
        return Err("empty handshake message".into());
    };
    match kind {
        1 | 2 | 11 => {}
        14 | 20 => return Ok(Message::Done),
        _ => return Ok(Message::Other),
    }
    let parsed = parse_tls_message_handshake(message)
        .map_err(|e| format!("TLS handshake message type {kind}: {e:?}"))?
        .1;
    Ok(match parsed {
        TlsMessage::Handshake(TlsMessageHandshake::ClientHello(hello)) => {
            let mut out = ClientHello {
                version: hello.version.0,
                ciphers: hello.ciphers.iter().map(|c| c.0).collect(),
                ..ClientHello::default()
            };
            client_extensions(hello.ext.unwrap_or(&[]), &mut out);
            Message::ClientHello(out)
        }
        TlsMessage::Handshake(TlsMessageHandshake::ServerHello(hello)) => {
            let mut out = ServerHello {
                version: hello.version.0,
                cipher: hello.cipher.0,
                retry: hello.random == RETRY_RANDOM,
                ..ServerHello::default()
            };
            server_extensions(hello.ext.unwrap_or(&[]), &mut out);
            Message::ServerHello(out)
        }
        TlsMessage::Handshake(TlsMessageHandshake::Certificate(chain)) => Message::Certificate(
            chain
                .cert_chain
                .first()
                .and_then(|leaf| certificate(leaf.data)),
        ),
        _ => Message::Other,
    })
}

/// Subject and issuer of a DER certificate, as `C=DE, O=…, CN=…`.
pub(crate) fn certificate(der: &[u8]) -> Option<Certificate> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    Some(Certificate {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
    })
}

/// Extensions as (type, body) in wire order; stops at the first malformed one.
fn extensions(mut rest: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let kind = u16_at(rest, 0)?;
        let len = usize::from(u16_at(rest, 2)?);
        let body = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((kind, body))
    })
}

fn client_extensions(raw: &[u8], hello: &mut ClientHello) {
    for (kind, body) in extensions(raw) {
        hello.extensions.push(kind);
        match kind {
            0 => hello.sni = server_name(body),
            10 => hello.groups = u16_list(body.get(2..).unwrap_or(&[])),
            11 => hello.point_formats = body.get(1..).unwrap_or(&[]).to_vec(),
            13 => hello.signature_algorithms = u16_list(body.get(2..).unwrap_or(&[])),
            16 => hello.alpn = alpn_list(body),
            43 => hello.supported_versions = u16_list(body.get(1..).unwrap_or(&[])),
            _ => {}
        }
    }
}

fn server_extensions(raw: &[u8], hello: &mut ServerHello) {
    for (kind, body) in extensions(raw) {
        hello.extensions.push(kind);
        match kind {
            43 => hello.selected_version = u16_at(body, 0),
            16 => hello.alpn = alpn_list(body).into_iter().next(),
            _ => {}
        }
    }
}

/// The host name of a `server_name` extension, lower-cased.
fn server_name(body: &[u8]) -> Option<String> {
    let mut rest = body.get(2..)?;
    while rest.len() >= 3 {
        let kind = rest[0];
        let len = usize::from(u16_at(rest, 1)?);
        let name = rest.get(3..3 + len)?;
        if kind == 0 {
            return Some(String::from_utf8_lossy(name).to_lowercase());
        }
        rest = &rest[3 + len..];
    }
    None
}

fn alpn_list(body: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = body.get(2..).unwrap_or(&[]);
    while let Some((&len, tail)) = rest.split_first() {
        let Some(name) = tail.get(..usize::from(len)) else {
            break;
        };
        names.push(String::from_utf8_lossy(name).into_owned());
        rest = &tail[usize::from(len)..];
    }
    names
}

fn u16_list(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect()
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let pair = bytes.get(at..at + 2)?;
    Some(u16::from_be_bytes([pair[0], pair[1]]))
}

/// A TLS version for people: `TLS 1.2`.
pub(crate) fn version_name(version: u16) -> String {
    match version {
        0x0300 => "SSL 3.0".into(),
        0x0301 => "TLS 1.0".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        0x0304 => "TLS 1.3".into(),
        other => format!("0x{other:04x}"),
    }
}
