//! Syslog (RFC 5424) carrying CEF, over UDP (one message per datagram,
//! RFC 5426) or TCP (octet-counted frames, RFC 6587, on one connection
//! that is opened again after a failure).
//!
//! Syslog has no acknowledgement: a record counts as sent once the socket
//! took it, and a TCP connection that breaks mid-batch has the whole batch
//! sent again (at least once; the CEF `externalId` lets a receiver drop
//! the repeat).

use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use rmmguard_findings::Severity;

use crate::config::Transport;
use crate::target::{Delivery, Target};
use crate::{Error, Item, Record, TargetConfig, cef};

/// Messages longer than `max_message_bytes` are cut (at a character, never
/// inside an escape); over UDP never longer than this, the largest UDP
/// payload over IPv4.
const MAX_DATAGRAM: usize = 65_507;

/// A syslog receiver.
#[derive(Debug)]
pub struct Syslog {
    address: String,
    transport: Transport,
    facility: u8,
    hostname: String,
    max_message: usize,
    connect_timeout: Duration,
    timeout: Duration,
    tcp: Option<TcpStream>,
    udp: Option<UdpSocket>,
}

impl Syslog {
    /// From a `kind = "syslog"` table.
    pub fn new(config: &TargetConfig) -> Result<Syslog, Error> {
        Ok(Syslog {
            address: config.address.clone().unwrap_or_default(),
            transport: config.transport,
            facility: config.facility.unwrap_or(10),
            hostname: config
                .hostname
                .clone()
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "-".into()),
            max_message: match config.transport {
                Transport::Udp => config
                    .max_message_bytes
                    .unwrap_or(MAX_DATAGRAM)
                    .min(MAX_DATAGRAM),
                Transport::Tcp => config.max_message_bytes.unwrap_or(usize::MAX),
            },
            connect_timeout: config.connect_timeout(),
            timeout: config.timeout(),
            tcp: None,
            udp: None,
        })
    }

    /// The RFC 5424 message of one record.
    pub fn message(&self, item: &Item) -> String {
        let (severity, msgid, cef) = match &item.record {
            Record::Finding(f) => (f.severity, "finding", cef::finding(&item.id, f)),
            Record::Incident(i) => (i.severity, "incident", cef::incident(&item.id, i)),
        };
        let pri = u32::from(self.facility) * 8 + u32::from(syslog_severity(severity));
        let now = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%S%.3fZ");
        format!(
            "<{pri}>1 {now} {} rmmguard {} {msgid} - {cef}",
            printable(&self.hostname),
            std::process::id()
        )
    }

    fn resolve(&self) -> io::Result<SocketAddr> {
        self.address
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "address resolves to nothing"))
    }

    fn send_tcp(&mut self, messages: &[String]) -> io::Result<()> {
        let mut stream = match self.tcp.take().filter(still_open) {
            Some(stream) => stream,
            None => {
                let stream = TcpStream::connect_timeout(&self.resolve()?, self.connect_timeout)?;
                stream.set_write_timeout(Some(self.timeout))?;
                stream
            }
        };
        let mut frames = Vec::new();
        for message in messages {
            let message = truncate(message, self.max_message);
            frames.extend_from_slice(format!("{} ", message.len()).as_bytes());
            frames.extend_from_slice(message.as_bytes());
        }
        stream.write_all(&frames)?;
        stream.flush()?;
        self.tcp = Some(stream);
        Ok(())
    }

    /// Sends each message; returns how many went before an error.
    fn send_udp(&mut self, messages: &[String]) -> (usize, io::Result<()>) {
        let socket = match self.udp.take() {
            Some(socket) => socket,
            None => match self.resolve().and_then(|addr| {
                let local = if addr.is_ipv4() {
                    "0.0.0.0:0"
                } else {
                    "[::]:0"
                };
                let socket = UdpSocket::bind(local)?;
                socket.connect(addr)?;
                Ok(socket)
            }) {
                Ok(socket) => socket,
                Err(e) => return (0, Err(e)),
            },
        };
        for (sent, message) in messages.iter().enumerate() {
            let bytes = truncate(message, self.max_message);
            if let Err(e) = socket.send(bytes.as_bytes()) {
                return (sent, Err(e));
            }
        }
        self.udp = Some(socket);
        (messages.len(), Ok(()))
    }
}

impl Target for Syslog {
    fn deliver(&mut self, batch: &[Item]) -> Delivery {
        let messages: Vec<String> = batch.iter().map(|item| self.message(item)).collect();
        match self.transport {
            Transport::Tcp => match self.send_tcp(&messages) {
                Ok(()) => Delivery::done(),
                Err(e) => Delivery::failed(format!("tcp {}: {e}", self.address)),
            },
            Transport::Udp => match self.send_udp(&messages) {
                (_, Ok(())) => Delivery::done(),
                (0, Err(e)) => Delivery::failed(format!("udp {}: {e}", self.address)),
                (sent, Err(e)) => Delivery::Partial {
                    retry: (sent..batch.len()).collect(),
                    rejected: Vec::new(),
                    why: format!("udp {}: {e}", self.address),
                },
            },
        }
    }
}

/// Whether the receiver has not closed a kept connection: writing to a
/// closed one succeeds into the kernel's buffer and is lost, so a closed
/// one is replaced before the batch is written.
fn still_open(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let open = match stream.peek(&mut [0u8; 1]) {
        Ok(0) => false,
        Ok(_) => true,
        Err(e) => e.kind() == io::ErrorKind::WouldBlock,
    };
    stream.set_nonblocking(false).is_ok() && open
}

/// Syslog severity: critical → 2 (crit) … info → 6 (informational).
pub fn syslog_severity(severity: Severity) -> u8 {
    match severity {
        Severity::Critical => 2,
        Severity::High => 3,
        Severity::Medium => 4,
        Severity::Low => 5,
        Severity::Info => 6,
    }
}

/// RFC 5424 header fields are printable US-ASCII without spaces.
fn printable(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(255)
        .collect();
    if clean.is_empty() { "-".into() } else { clean }
}

/// At most `max` bytes, cut at a character, and not after a lone escaping
/// backslash (which would escape nothing).
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &text[..end];
    let trailing = cut.len() - cut.trim_end_matches('\\').len();
    &cut[..cut.len() - trailing % 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_keeps_characters_and_escapes_whole() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("aé", 2), "a");
        assert_eq!(truncate(r"ab\\\=", 4), r"ab\\");
        assert_eq!(truncate(r"ab\\\=", 5), r"ab\\");
        assert_eq!(printable("ws 01\n"), "ws01");
    }
}
