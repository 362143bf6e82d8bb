//! Network evidence of generated sessions, written the three ways sensors
//! record it: a packet capture (`pcap.rs`), Zeek logs as TSV and JSON
//! (`zeek.rs`) and Suricata EVE JSON (`eve.rs`). One [`NetSession`]
//! describes what happened (a client, a server, an optional DNS lookup
//! before it, and what the connection carried); [`write_sessions`] expands
//! every session into the same connections and payload bytes (`wire.rs`)
//! and each writer describes those, so the three formats agree.
//!
//! ```no_run
//! use rmmguard_simulate::network::{NetFormats, NetSession, Payload, TlsHello, write_sessions};
//!
//! let relay = NetSession {
//!     client: ("10.1.2.3".parse()?, 51000),
//!     server: ("203.0.113.80".parse()?, 443),
//!     start: "2026-03-02T09:15:00Z".parse()?,
//!     lookup: Some(("relay-0a1b2c3d.net.anydesk.com".into(), "10.1.0.53".parse()?)),
//!     payload: Payload::Tls(TlsHello::anydesk_relay()),
//! };
//! write_sessions("out".as_ref(), Some("hq"), &[relay], NetFormats::all())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod der;
mod eve;
mod pcap;
mod wire;
mod zeek;

use std::fs;
use std::io;
use std::net::IpAddr;
use std::path::Path;

use jiff::Timestamp;

/// One network session: who talked to whom, when, about what.
#[derive(Debug, Clone, PartialEq)]
pub struct NetSession {
    /// The client (originator) address and port.
    pub client: (IpAddr, u16),
    /// The server (responder) address and port.
    pub server: (IpAddr, u16),
    /// When the session starts (its first packet).
    pub start: Timestamp,
    /// A DNS lookup of a name (answered with the server's address) by the
    /// client, through the given resolver, just before the session.
    pub lookup: Option<(String, IpAddr)>,
    /// What the connection carries.
    pub payload: Payload,
}

/// What a session's connection carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// A TLS handshake, then some encrypted records.
    Tls(TlsHello),
    /// One HTTP/1.1 request and its response.
    Http(HttpExchange),
    /// A VNC session (RFB 003.008 banners, no authentication).
    Rfb,
    /// An RDP connection request with an optional `mstshash` cookie.
    Rdp {
        /// The user name in the cookie.
        cookie: Option<String>,
    },
    /// TeamViewer's own framing (its 5938 protocol).
    TeamViewer,
    /// Opaque bytes both ways, this many each.
    Opaque {
        /// Bytes the client sends.
        client_bytes: usize,
        /// Bytes the server sends.
        server_bytes: usize,
    },
}

/// The visible parts of a TLS handshake.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsHello {
    /// The server name the client sends (SNI), if any.
    pub sni: Option<String>,
    /// ALPN values offered.
    pub alpn: Vec<String>,
    /// TLS 1.3 (the certificate is then encrypted) rather than 1.2.
    pub tls13: bool,
    /// The server certificate's subject, as (attribute, value) in DER order
    /// (`C`, `O`, `OU`, `CN`); `None` sends no certificate.
    pub subject: Option<Vec<(String, String)>>,
    /// The certificate's issuer, in the same form.
    pub issuer: Vec<(String, String)>,
}

impl TlsHello {
    /// An AnyDesk relay: TLS 1.2, no SNI, the vendor's AnyNet Relay certificate.
    pub fn anydesk_relay() -> TlsHello {
        TlsHello {
            sni: None,
            alpn: Vec::new(),
            tls13: false,
            subject: Some(names(&[
                ("C", "DE"),
                ("O", "philandro Software GmbH"),
                ("CN", "AnyNet Relay"),
            ])),
            issuer: names(&[
                ("CN", "AnyNet Root CA"),
                ("O", "philandro Software GmbH"),
                ("C", "DE"),
            ]),
        }
    }

    /// An ordinary HTTPS client: TLS 1.3 with SNI and ALPN h2, http/1.1.
    pub fn browser(sni: &str) -> TlsHello {
        TlsHello {
            sni: Some(sni.to_owned()),
            alpn: vec!["h2".into(), "http/1.1".into()],
            tls13: true,
            subject: None,
            issuer: Vec::new(),
        }
    }
}

fn names(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// One HTTP/1.1 exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpExchange {
    /// `GET`, `POST`, …
    pub method: String,
    /// The Host header.
    pub host: String,
    /// The request target (`/download/AnyDesk.exe`).
    pub uri: String,
    /// The User-Agent header.
    pub user_agent: String,
    /// The response status.
    pub status: u16,
    /// The response Content-Type.
    pub content_type: String,
    /// A `Content-Disposition: attachment; filename=…` name, if any.
    pub attachment: Option<String>,
    /// Body bytes (kept small: at most 64 KiB are written).
    pub body_size: usize,
    /// Whether the body is a Windows executable (starts with `MZ`).
    pub executable: bool,
}

/// Which formats [`write_sessions`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetFormats {
    /// `capture.pcap` (Ethernet, classic pcap, microsecond times).
    pub pcap: bool,
    /// `zeek/<log>.log`, Zeek's ASCII writer.
    pub zeek_tsv: bool,
    /// `zeek-json/<log>.log`, json-streaming style (`_path`, ISO times).
    pub zeek_json: bool,
    /// `eve.json`, Suricata EVE.
    pub eve: bool,
}

impl NetFormats {
    /// Every format.
    pub fn all() -> NetFormats {
        NetFormats {
            pcap: true,
            zeek_tsv: true,
            zeek_json: true,
            eve: true,
        }
    }
}

impl NetFormats {
    /// The `n`th of the four formats in turn: pcap, Zeek TSV, EVE, Zeek JSON.
    pub fn nth(n: usize) -> NetFormats {
        let none = NetFormats::default();
        match n % 4 {
            0 => NetFormats { pcap: true, ..none },
            1 => NetFormats {
                zeek_tsv: true,
                ..none
            },
            2 => NetFormats { eve: true, ..none },
            _ => NetFormats {
                zeek_json: true,
                ..none
            },
        }
    }
}

/// Writes the sessions in the chosen formats under `out` (in `out/<site>`
/// when a site is given).
///
/// # Errors
///
/// Any file that cannot be written.
pub fn write_sessions(
    out: &Path,
    site: Option<&str>,
    sessions: &[NetSession],
    formats: NetFormats,
) -> io::Result<()> {
    let dir = match site {
        Some(site) => out.join(site),
        None => out.to_path_buf(),
    };
    fs::create_dir_all(&dir)?;
    let seed = site.map_or(0, |s| {
        s.bytes()
            .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
    });
    let conns = wire::expand(sessions, seed);
    if formats.pcap {
        fs::write(dir.join("capture.pcap"), pcap::write(&conns))?;
    }
    if formats.zeek_tsv {
        zeek::write(&dir.join("zeek"), &conns, zeek::Style::Tsv)?;
    }
    if formats.zeek_json {
        zeek::write(&dir.join("zeek-json"), &conns, zeek::Style::Json)?;
    }
    if formats.eve {
        fs::write(dir.join("eve.json"), eve::write(&conns))?;
    }
    Ok(())
}
