//! The network screen: which sensor records are worth parsing in full.
//!
//! The [`Prefilter`](crate::Prefilter) cannot decide this alone, because
//! the port and protocol rules need no needle: a VNC session on port 5900
//! names no tool. So a sensor record is kept when any way it could produce
//! a finding is open:
//!
//! * a flow to a port the perimeter and session rules judge, or of a
//!   remote-access protocol the sensor recognized ([`NetScreen::port`],
//!   [`NetScreen::protocol`]);
//! * a name (DNS query, SNI, HTTP host or URI, certificate subject, ALPN,
//!   fingerprint) that holds a prefilter needle;
//! * an address that is an indicator;
//! * a TLS handshake without SNI (AnyDesk's relays send none);
//! * a record of a log the screen does not judge (rdp, rfb, files, notice,
//!   alerts), or that feeds a join (x509).
//!
//! The detector fills the screen from the same facts its rules use, so a
//! screened-out record is one no rule would have flagged; the soundness
//! tests run every reference log with and without it.

use std::collections::HashSet;
use std::net::IpAddr;

use ipnet::IpNet;
use rmmguard_events::Transport;

use crate::Prefilter;

/// What makes a sensor record worth parsing. Build once per run and share.
#[derive(Debug, Clone)]
pub struct NetScreen {
    tcp: PortSet,
    udp: PortSet,
    protocols: Vec<String>,
    addresses: HashSet<IpAddr, foldhash::fast::RandomState>,
    nets: Vec<IpNet>,
}

impl Default for NetScreen {
    fn default() -> NetScreen {
        NetScreen {
            tcp: PortSet::new(),
            udp: PortSet::new(),
            protocols: Vec::new(),
            addresses: HashSet::default(),
            nets: Vec::new(),
        }
    }
}

impl NetScreen {
    /// Keeps flows to this server port.
    pub fn watch_port(&mut self, transport: Transport, port: u16) {
        match transport {
            Transport::Tcp => self.tcp.insert(port),
            Transport::Udp => self.udp.insert(port),
            Transport::Other(_) => {}
        }
    }

    /// Keeps flows whose sensor-named protocol is this (`rfb`, `rdp`).
    pub fn watch_protocol(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        if !self.protocols.contains(&name) {
            self.protocols.push(name);
        }
    }

    /// Keeps records with this address at either end (an indicator).
    pub fn watch_address(&mut self, ip: IpAddr) {
        self.addresses.insert(ip);
    }

    /// Keeps records with an address in this block at either end.
    pub fn watch_net(&mut self, net: IpNet) {
        self.nets.push(net);
    }

    /// Whether a flow on `transport` (`tcp`, `UDP`) to server port `port`
    /// (decimal text) is kept.
    pub(crate) fn port(&self, transport: &str, port: &str) -> bool {
        let Ok(port) = port.parse::<u16>() else {
            return false;
        };
        if transport.eq_ignore_ascii_case("tcp") {
            self.tcp.contains(port)
        } else if transport.eq_ignore_ascii_case("udp") {
            self.udp.contains(port)
        } else {
            false
        }
    }

    /// Whether a sensor's protocol name (the first of a comma-separated
    /// list, as Zeek's `service` gives them) is kept.
    pub(crate) fn protocol(&self, names: &str) -> bool {
        let first = names.split(',').next().unwrap_or("").trim();
        self.protocols
            .iter()
            .any(|watched| watched.eq_ignore_ascii_case(first))
    }

    /// Whether any address is watched (else address checks can be skipped).
    pub(crate) fn watches_addresses(&self) -> bool {
        !self.addresses.is_empty() || !self.nets.is_empty()
    }

    /// Whether an address (text) is watched; text that is no address is not.
    pub(crate) fn address(&self, text: &str) -> bool {
        if !self.watches_addresses() {
            return false;
        }
        let Ok(ip) = text.trim().parse::<IpAddr>() else {
            return false;
        };
        self.addresses.contains(&ip) || self.nets.iter().any(|net| net.contains(&ip))
    }
}

/// Whether raw sensor text may name what a rule matches: it holds a
/// prefilter needle, or is escaped (`\x..` by Zeek, `\u..` in JSON, `%..`
/// in a URI) so that its decoded form might.
pub(crate) fn may_name(prefilter: &Prefilter, text: &[u8]) -> bool {
    memchr::memchr2(b'\\', b'%', text).is_some() || prefilter.hits_utf8(text)
}

/// A set of ports: one bit each.
#[derive(Debug, Clone)]
struct PortSet(Box<[u64]>);

impl PortSet {
    fn new() -> PortSet {
        PortSet(vec![0; (usize::from(u16::MAX) + 1) / 64].into_boxed_slice())
    }

    fn insert(&mut self, port: u16) {
        if let Some(word) = self.0.get_mut(usize::from(port) / 64) {
            *word |= 1 << (port % 64);
        }
    }

    fn contains(&self, port: u16) -> bool {
        self.0
            .get(usize::from(port) / 64)
            .is_some_and(|word| word & (1 << (port % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_protocols_and_addresses() {
        let mut screen = NetScreen::default();
        screen.watch_port(Transport::Tcp, 5938);
        screen.watch_port(Transport::Udp, 3389);
        screen.watch_port(Transport::Tcp, 65535);
        screen.watch_protocol("RFB");
        assert!(screen.port("tcp", "5938"));
        assert!(screen.port("TCP", "65535"));
        assert!(!screen.port("udp", "5938"));
        assert!(screen.port("udp", "3389"));
        assert!(!screen.port("icmp", "3389"));
        assert!(!screen.port("tcp", "-"));
        assert!(!screen.port("tcp", "70000"));
        assert!(screen.protocol("rfb"));
        assert!(screen.protocol("rfb,ssl"));
        assert!(!screen.protocol("ssl,rfb"));
        assert!(!screen.watches_addresses());
        assert!(!screen.address("203.0.113.7"));
        screen.watch_address("203.0.113.7".parse().unwrap());
        screen.watch_net("198.51.100.0/24".parse().unwrap());
        assert!(screen.address("203.0.113.7"));
        assert!(screen.address("198.51.100.200"));
        assert!(!screen.address("198.51.101.1"));
        assert!(!screen.address("not an address"));
    }
}
