//! The catalog's network facts compiled for the wire rules: each tool's
//! ports and TLS facts (certificate subjects, ALPN prefixes, whether its
//! relays send no SNI), and a port map of common remote-access ports for
//! the perimeter rules, taken from the catalog's remote-access tools plus
//! the generic remote-desktop ports no catalog tool owns (RDP).

use std::collections::HashMap;

use rmmguard_catalog::{Catalog, Category, PortRange, PortTransport};

use crate::needles::Needles;

/// Ports that no catalog tool owns but that mean remote access (RDP).
const GENERIC_PORTS: &[(PortTransport, u16, &str)] = &[
    (PortTransport::Tcp, 3389, "rdp"),
    (PortTransport::Udp, 3389, "rdp"),
];

/// Catalog ports too common to mean remote access by themselves (web
/// development servers, Android debugging).
const AMBIGUOUS_PORTS: &[u16] = &[4000, 5000, 5555];

/// Port ranges wider than this are not used to attribute single connections.
const MAX_RANGE: u16 = 16;

/// One tool's network facts.
#[derive(Debug, Default)]
pub(crate) struct ToolNet {
    pub ports: Vec<PortRange>,
    /// Whether the tool has vendor domains (cloud relays reached over 80/443).
    pub cloud: bool,
    pub sni_absent: bool,
    /// Lower-cased substrings of certificate subjects.
    pub cert_subjects: Vec<String>,
    /// Lower-cased ALPN values or prefixes (`anydesk/`).
    pub alpn: Vec<String>,
}

/// Who a remote-access port belongs to.
#[derive(Debug, Clone, Default)]
pub(crate) struct PortOwner {
    /// Catalog tools that use it.
    pub tools: Vec<usize>,
    /// A generic protocol (`rdp`) when no tool owns it.
    pub protocol: Option<&'static str>,
}

/// The compiled network facts of every tool.
#[derive(Debug, Default)]
pub(crate) struct NetFacts {
    by_id: HashMap<String, usize>,
    tools: Vec<ToolNet>,
    ports: HashMap<(PortTransport, u16), PortOwner>,
}

impl NetFacts {
    /// Compiles the catalog's network facts. Certificate subjects and ALPN
    /// values are admitted as prefilter needles (the network screen passes a
    /// TLS record on to these matchers only if it holds one); one without a
    /// usable needle is not used.
    pub fn build(catalog: &Catalog, needles: &mut Needles) -> NetFacts {
        let mut facts = NetFacts::default();
        for (index, tool) in catalog.tools().iter().enumerate() {
            facts.by_id.insert(tool.id.clone(), index);
            let network = &tool.network;
            let mut admitted = |values: &[String]| -> Vec<String> {
                lower(values)
                    .into_iter()
                    .filter(|value| needles.admit(value))
                    .collect()
            };
            facts.tools.push(ToolNet {
                ports: network.ports.clone(),
                cloud: !network.domains.is_empty(),
                sni_absent: network.tls.sni_absent,
                cert_subjects: admitted(&network.tls.cert_subjects),
                alpn: admitted(&network.tls.alpn),
            });
            if !matches!(
                tool.category,
                Category::Rmm | Category::RemoteDesktop | Category::Vnc
            ) {
                continue;
            }
            for range in &network.ports {
                if range.last - range.first >= MAX_RANGE {
                    continue;
                }
                for port in range.first..=range.last {
                    if AMBIGUOUS_PORTS.contains(&port) {
                        continue;
                    }
                    let owner = facts.ports.entry((range.transport, port)).or_default();
                    if !owner.tools.contains(&index) {
                        owner.tools.push(index);
                    }
                }
            }
        }
        for &(transport, port, protocol) in GENERIC_PORTS {
            facts.ports.entry((transport, port)).or_default().protocol = Some(protocol);
        }
        facts
    }

    /// The tool with this catalog id.
    pub fn tool(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn of(&self, tool: usize) -> Option<&ToolNet> {
        self.tools.get(tool)
    }

    /// Every (transport, port) the perimeter and session rules judge a
    /// flow by: the port map, and TeamViewer's 5938 (recognized by traffic
    /// both ways when no protocol is named).
    pub fn judged_ports(&self) -> Vec<(PortTransport, u16)> {
        let mut ports: Vec<(PortTransport, u16)> = self.ports.keys().copied().collect();
        ports.push((PortTransport::Tcp, TEAMVIEWER_PORT));
        ports.sort_unstable();
        ports.dedup();
        ports
    }

    /// Who a remote-access port belongs to, if anyone.
    pub fn port(&self, transport: PortTransport, port: u16) -> Option<&PortOwner> {
        self.ports.get(&(transport, port))
    }

    /// The tool whose certificate subject the (any-order) subject shows.
    pub fn tool_of_certificate(&self, subject: &str) -> Option<(usize, &str)> {
        let lower = subject.to_lowercase();
        self.tools.iter().enumerate().find_map(|(index, tool)| {
            tool.cert_subjects
                .iter()
                .find(|s| lower.contains(s.as_str()))
                .map(|s| (index, s.as_str()))
        })
    }

    /// The tool one of whose ALPN values (or prefixes) is offered.
    pub fn tool_of_alpn(&self, alpn: &[String]) -> Option<(usize, String)> {
        alpn.iter().find_map(|offered| {
            let lower = offered.to_lowercase();
            self.tools
                .iter()
                .position(|tool| tool.alpn.iter().any(|a| lower.starts_with(a.as_str())))
                .map(|index| (index, offered.clone()))
        })
    }

    /// Whether `port` is one a tool (or protocol) normally uses.
    pub fn is_standard_port(&self, tool: Option<usize>, protocol: &str, port: u16) -> bool {
        if let Some(net) = tool.and_then(|t| self.of(t)) {
            let catalog = net
                .ports
                .iter()
                .any(|r| r.transport == PortTransport::Tcp && r.first <= port && port <= r.last);
            return catalog || (net.cloud && matches!(port, 80 | 443));
        }
        GENERIC_PORTS
            .iter()
            .any(|(_, p, name)| *name == protocol && *p == port)
    }

    /// A tool's standard TCP ports, for explanations.
    pub fn standard_ports(&self, tool: Option<usize>, protocol: &str) -> String {
        let mut ports: Vec<String> = match tool.and_then(|t| self.of(t)) {
            Some(net) => {
                let mut list: Vec<String> = net
                    .ports
                    .iter()
                    .filter(|r| r.transport == PortTransport::Tcp)
                    .map(|r| r.to_string().trim_start_matches("tcp/").to_owned())
                    .collect();
                if net.cloud {
                    list.extend(["80".to_owned(), "443".to_owned()]);
                }
                list
            }
            None => GENERIC_PORTS
                .iter()
                .filter(|(t, _, name)| *t == PortTransport::Tcp && *name == protocol)
                .map(|(_, p, _)| p.to_string())
                .collect(),
        };
        ports.dedup();
        ports.join(", ")
    }
}

fn lower(values: &[String]) -> Vec<String> {
    values.iter().map(|v| v.to_lowercase()).collect()
}

/// TeamViewer's own port: a flow with data both ways on it is a session
/// even when the sensor names no protocol.
pub(crate) const TEAMVIEWER_PORT: u16 = 5938;

/// The protocols (as sensors name them) that make a flow a remote-access
/// session whatever its port; the network screen keeps flows of these.
pub const SESSION_PROTOCOLS: &[&str] = &["rfb", "vnc", "rdp", "teamviewer", "anydesk"];
