//! Rules over what network sensors saw (flows, DNS, TLS, HTTP, files on
//! the wire): RMM clouds and relays contacted (N001), remote-access
//! sessions recognized from their protocol whatever the port (N002, N003),
//! remote-access ports crossing the perimeter (N004, N005), sessions off
//! the approved paths (N006), RMM downloads (N007) and executables from
//! indicator domains (N008).
//!
//! Sensor events name no host. The host of a finding is the internal side
//! of the connection as an IP address (the policy's `networks.internal`,
//! or the private ranges when the policy names none); with two internal
//! sides it is the originator, with none the originator too.

use std::net::IpAddr;

use rmmguard_catalog::{Field, PortTransport};
use rmmguard_events::{DnsQuery, Endpoint, FileTransfer, Http, NetFlow, Tls, Transport, is_sha256};

use rmmguard_findings::{Fact, FactKey, Mode, Rule, rules};

use super::pass::Pass;
use crate::net_facts::TEAMVIEWER_PORT;
use crate::sensor;
use crate::tally::HitSpec;

/// File name endings of executables and installers (N008).
const EXECUTABLE_ENDINGS: &[&str] = &[
    ".exe", ".msi", ".dll", ".scr", ".zip", ".ps1", ".bat", ".cmd", ".vbs", ".js", ".hta", ".iso",
    ".jar",
];
/// Content types of executables and opaque downloads (N008).
const EXECUTABLE_TYPES: &[&str] = &[
    "application/x-dosexec",
    "application/x-msdownload",
    "application/x-msi",
    "application/octet-stream",
    "application/vnd.microsoft.portable-executable",
];

fn show(endpoint: &Endpoint) -> String {
    match (endpoint.ip, endpoint.port) {
        (Some(IpAddr::V6(ip)), Some(port)) => format!("[{ip}]:{port}"),
        (Some(ip), Some(port)) => format!("{ip}:{port}"),
        (Some(ip), None) => ip.to_string(),
        (None, _) => "an unknown address".to_owned(),
    }
}

fn show_ip(endpoint: &Endpoint) -> String {
    endpoint
        .ip
        .map_or_else(|| "an unknown address".to_owned(), |ip| ip.to_string())
}

/// How a contact with an RMM domain was seen.
#[derive(Debug, Clone, Copy)]
enum Via {
    Dns,
    Sni,
    HttpHost,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Dns => "dns",
            Via::Sni => "tls-sni",
            Via::HttpHost => "http-host",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Via::Dns => "looked up",
            Via::Sni => "opened TLS to",
            Via::HttpHost => "sent HTTP to",
        }
    }
}

/// A remote-access session recognized on the wire.
struct Session<'e> {
    tool: Option<usize>,
    /// `network.protocol` (`anydesk`, `rdp`, `rfb`, `teamviewer`).
    protocol: &'static str,
    client: &'e Endpoint,
    server: &'e Endpoint,
    /// What gave it away, for the summary (`TLS without SNI, certificate CN=…`).
    how: String,
    facts: Vec<Fact>,
}

impl Pass<'_> {
    /// A DNS query a sensor saw: an RMM cloud or relay looked up.
    pub(super) fn sensor_dns(&mut self, query: &DnsQuery) {
        self.contacted(&query.query, Via::Dns, &query.server);
    }

    /// A network flow.
    pub(super) fn net_flow(&mut self, flow: &NetFlow) {
        let tcp = flow.transport == Some(Transport::Tcp);
        let server_port = flow.destination.port.unwrap_or(0);
        let detail = flow.detail.clone();
        let session = |tool: Option<usize>, protocol: &'static str, how: String| Session {
            tool,
            protocol,
            client: &flow.source,
            server: &flow.destination,
            how,
            facts: detail
                .iter()
                .map(|d| Fact::new(FactKey::NetworkProtocolDetail, d.clone()))
                .collect(),
        };
        let facts = &self.index.net;
        // Keep SESSION_PROTOCOLS in step with the protocols matched here.
        let recognized = match flow.protocol.as_deref() {
            Some("rfb" | "vnc") => Some(session(facts.tool("vnc"), "rfb", "RFB handshake".into())),
            Some("rdp") => Some(session(None, "rdp", "RDP connection request".into())),
            Some("teamviewer") => Some(session(
                facts.tool("teamviewer"),
                "teamviewer",
                "TeamViewer framing".into(),
            )),
            Some("anydesk") => Some(session(
                facts.tool("anydesk"),
                "anydesk",
                "AnyDesk protocol".into(),
            )),
            None if tcp
                && server_port == TEAMVIEWER_PORT
                && flow.bytes_out > 0
                && flow.bytes_in > 0 =>
            {
                Some(session(
                    facts.tool("teamviewer"),
                    "teamviewer",
                    "data both ways on TCP 5938, no other protocol".into(),
                ))
            }
            _ => None,
        };
        let recognized_tool = recognized.as_ref().and_then(|s| s.tool);
        if let Some(session) = recognized {
            self.session(session);
        }
        self.perimeter(flow, recognized_tool);
    }

    /// A TLS handshake.
    pub(super) fn tls(&mut self, tls: &Tls) {
        if let Some(sni) = tls.sni.as_deref() {
            self.contacted(sni, Via::Sni, &tls.server);
        }
        let facts = &self.index.net;
        let by_certificate = tls
            .subject
            .as_deref()
            .and_then(|subject| facts.tool_of_certificate(subject));
        let by_alpn = facts.tool_of_alpn(&tls.alpn);
        let mut tool = by_certificate
            .map(|(t, _)| t)
            .or(by_alpn.as_ref().map(|(t, _)| *t));
        let mut reasons = Vec::new();
        let mut extra = Vec::new();
        if tls.sni.is_none() {
            reasons.push("TLS without SNI".to_owned());
        }
        if let Some((_, _)) = by_certificate
            && let Some(subject) = tls.subject.as_deref()
        {
            let cn = common_name(subject).unwrap_or_else(|| subject.to_owned());
            reasons.push(format!("certificate CN={cn}"));
            extra.push(Fact::new(FactKey::TlsCertificateCommonName, cn));
        }
        if let Some((_, alpn)) = &by_alpn {
            reasons.push(format!("ALPN {alpn}"));
            extra.push(Fact::new(FactKey::TlsAlpn, alpn.clone()));
        }
        if tool.is_none() && tls.sni.is_none() {
            // The port pattern: a tool whose relays send no SNI, on one of its ports.
            let port = tls.server.port.unwrap_or(0);
            tool = self
                .index
                .net
                .port(PortTransport::Tcp, port)
                .and_then(|owner| {
                    owner
                        .tools
                        .iter()
                        .copied()
                        .find(|t| self.index.net.of(*t).is_some_and(|n| n.sni_absent))
                });
            if tool.is_some() {
                reasons.push(format!("on port {port}"));
            }
        }
        let Some(tool) = tool else { return };
        // A tool that sends SNI is recognized by its certificate or ALPN only.
        if tls.sni.is_some() && by_certificate.is_none() && by_alpn.is_none() {
            return;
        }
        let protocol = if self.name(tool) == "AnyDesk" {
            "anydesk"
        } else {
            "tls"
        };
        if tls.sni.is_none() {
            extra.push(Fact::new(FactKey::TlsServerName, "absent".to_owned()));
        }
        // Fingerprints support the recognition (sensors log them only when configured to).
        for (key, value) in [(FactKey::TlsJa3, &tls.ja3), (FactKey::TlsJa4, &tls.ja4)] {
            if let Some(value) = value {
                extra.push(Fact::new(key, value.to_lowercase()));
            }
        }
        self.session(Session {
            tool: Some(tool),
            protocol,
            client: &tls.client,
            server: &tls.server,
            how: reasons.join(", "),
            facts: extra,
        });
    }

    /// An HTTP exchange.
    pub(super) fn http(&mut self, http: &Http) {
        if let Some(host) = http.host.as_deref() {
            let host = host.split(':').next().unwrap_or(host);
            if host.parse::<IpAddr>().is_err() {
                self.contacted(host, Via::HttpHost, &http.server);
            }
        }
        if http.status.is_some_and(|s| !(200..300).contains(&s)) {
            return;
        }
        if let Some(name) = http.file_name.as_deref() {
            self.download(name, None, &http.client, &http.server);
        }
        self.ioc_download(http);
    }

    /// A file on the wire.
    pub(super) fn file_transfer(&mut self, file: &FileTransfer) {
        if let Some(name) = file.file_name.as_deref() {
            let hash = file.hash.as_deref().filter(|h| is_sha256(h));
            self.download(name, hash, &file.client, &file.server);
        }
    }

    /// N001: a host contacted an RMM vendor's domain.
    fn contacted(&mut self, domain: &str, via: Via, server: &Endpoint) {
        let Some(tool) = self.index.tool_of_domain(domain) else {
            return;
        };
        let domain = domain.to_lowercase();
        self.sight(tool, Mode::Network);
        self.tenant(tool, Field::Domain, &domain);
        let tenant = self
            .index
            .tenant(tool, Field::Domain, &domain)
            .map(|(tenant, label)| (tenant, label.to_owned()));
        let name = self.name(tool).to_owned();
        let host = self.host().into_owned();
        let what = match &tenant {
            Some((_, label)) => format!("{name} {label}"),
            None => name.clone(),
        };
        let summary = format!("{host} {} {what} {domain}", via.verb());
        // A tenant's own host names one customer; the vendor's shared cloud
        // names every customer, so it is evidence but not an indicator (two
        // sites reaching it are no campaign).
        let (domain_key, ip_key) = match tenant {
            Some(_) => (FactKey::DestinationDomain, FactKey::RemoteIp),
            None => (FactKey::RmmCloud, FactKey::DestinationIp),
        };
        let mut facts = vec![
            Fact::new(domain_key, domain.clone()),
            Fact::new(FactKey::NetworkEvidence, via.as_str().to_owned()),
        ];
        if !matches!(via, Via::Dns)
            && let Some(ip) = server
                .ip
                .filter(|ip| !sensor::is_internal(self.detector.policy(), *ip))
        {
            facts.push(Fact::new(ip_key, ip.to_string()));
        }
        if let Some((tenant, _)) = &tenant {
            facts.push(Fact::new(FactKey::RmmTenant, tenant.clone()));
        }
        self.hit(HitSpec {
            rule: rules::RMM_CLOUD_CONTACTED,
            tool: Some(tool),
            subject: tenant.as_ref().map(|(t, _)| t.clone()).unwrap_or_default(),
            tenant: tenant.map(|(t, _)| t),
            summary,
            facts,
        });
    }

    /// N002, N003 and N006 for a recognized remote-access session.
    fn session(&mut self, session: Session<'_>) {
        if let Some(tool) = session.tool {
            self.sight(tool, Mode::Network);
        }
        let label = match session.tool {
            Some(tool) => self.name(tool).to_owned(),
            None => session.protocol.to_uppercase(),
        };
        let remote_external = session
            .server
            .ip
            .is_some_and(|ip| !sensor::is_internal(self.detector.policy(), ip));
        let kind = match (
            session.tool.is_some()
                && self
                    .index
                    .net
                    .of(session.tool.unwrap_or(0))
                    .is_some_and(|n| n.cloud),
            remote_external,
        ) {
            (true, true) => "relay session",
            (true, false) => "direct session",
            (false, _) => "session",
        };
        let client = show_ip(session.client);
        let server = show(session.server);
        let mut facts = vec![
            Fact::new(FactKey::NetworkProtocol, session.protocol.to_owned()),
            Fact::new(FactKey::SourceIp, client.clone()),
            Fact::new(FactKey::DestinationAddress, server.clone()),
        ];
        for (ip, external) in [(session.client.ip, true), (session.server.ip, true)] {
            if let Some(ip) =
                ip.filter(|ip| external && !sensor::is_internal(self.detector.policy(), *ip))
            {
                facts.push(Fact::new(FactKey::RemoteIp, ip.to_string()));
            }
        }
        facts.extend(session.facts.iter().cloned());
        let subject = format!("{}|{server}", session.protocol);
        self.hit(HitSpec {
            rule: rules::RMM_SESSION,
            tool: session.tool,
            tenant: None,
            subject: subject.clone(),
            summary: format!("{label} {kind} ({}) from {client} to {server}", session.how),
            facts: facts.clone(),
        });
        let port = session.server.port.unwrap_or(0);
        if port != 0
            && !self
                .index
                .net
                .is_standard_port(session.tool, session.protocol, port)
        {
            let standard = self
                .index
                .net
                .standard_ports(session.tool, session.protocol);
            let mut facts = facts.clone();
            facts.push(Fact::new(FactKey::RmmStandardPorts, standard.clone()));
            self.hit(HitSpec {
                rule: rules::NON_STANDARD_PORT,
                tool: session.tool,
                tenant: None,
                subject: subject.clone(),
                summary: format!(
                    "{label} on non-standard port {port} from {client} to {server} (standard: {standard})"
                ),
                facts,
            });
        }
        self.approved_path(&label, session.tool, session.client, session.server);
    }

    /// N004/N005: a remote-access port crossing the perimeter, answered.
    /// `recognized` is the tool the flow's protocol showed, which names the
    /// tool where the port alone is shared (5900 is every VNC's).
    fn perimeter(&mut self, flow: &NetFlow, recognized: Option<usize>) {
        let transport = match flow.transport {
            Some(Transport::Tcp) => PortTransport::Tcp,
            Some(Transport::Udp) => PortTransport::Udp,
            _ => return,
        };
        let (Some(source), Some(destination), Some(port)) =
            (flow.source.ip, flow.destination.ip, flow.destination.port)
        else {
            return;
        };
        if flow.packets_in == 0 {
            return; // Nothing answered: blocked, or a scan.
        }
        let inbound = match (
            sensor::is_internal(self.detector.policy(), source),
            sensor::is_internal(self.detector.policy(), destination),
        ) {
            (false, true) => true,
            (true, false) => false,
            _ => return,
        };
        let Some(owner) = self.index.net.port(transport, port).cloned() else {
            return;
        };
        let tool = match owner.tools.as_slice() {
            _ if recognized.is_some() => recognized,
            [only] => Some(*only),
            _ => None,
        };
        let label = match (tool, owner.protocol) {
            (Some(tool), _) => self.name(tool).to_owned(),
            (None, Some(protocol)) => protocol.to_uppercase(),
            (None, None) => "remote access".to_owned(),
        };
        let transport_name = match transport {
            PortTransport::Tcp => "TCP",
            PortTransport::Udp => "UDP",
        };
        let (rule, direction, remote) = if inbound {
            (rules::RMM_PORT_INBOUND, "inbound", source)
        } else {
            (rules::RMM_PORT_OUTBOUND, "outbound", destination)
        };
        let client = show_ip(&flow.source);
        let server = show(&flow.destination);
        let mut facts = vec![
            Fact::new(FactKey::NetworkDirection, direction.to_owned()),
            Fact::new(FactKey::NetworkTransport, transport_name.to_lowercase()),
            Fact::new(FactKey::DestinationPort, port.to_string()),
            Fact::new(FactKey::SourceIp, client.clone()),
            Fact::new(FactKey::DestinationAddress, server.clone()),
            Fact::new(FactKey::RemoteIp, remote.to_string()),
        ];
        if tool.is_none() && !owner.tools.is_empty() {
            let names: Vec<String> = owner
                .tools
                .iter()
                .map(|t| self.name(*t).to_owned())
                .collect();
            facts.push(Fact::many(FactKey::RmmPortTools, names));
        }
        self.hit(HitSpec {
            rule,
            tool,
            tenant: None,
            subject: format!("{direction}|{transport_name}/{port}"),
            summary: format!(
                "{label} port {transport_name} {port} crossed the perimeter {direction}: {client} to {server}"
            ),
            facts,
        });
        self.approved_path(&label, tool, &flow.source, &flow.destination);
    }

    /// N006: an RMM session none of whose ends is on an approved path.
    fn approved_path(
        &mut self,
        label: &str,
        tool: Option<usize>,
        client: &Endpoint,
        server: &Endpoint,
    ) {
        let Some(policy) = self.detector.policy() else {
            return;
        };
        let networks = &policy.networks;
        if networks.approved.is_empty() && networks.jump_hosts.is_empty() {
            return;
        }
        let ends = [client.ip, server.ip];
        if ends
            .iter()
            .flatten()
            .any(|ip| networks.is_approved_path(*ip))
            || !ends
                .iter()
                .flatten()
                .any(|ip| sensor::is_internal(self.detector.policy(), *ip))
        {
            return;
        }
        let client_text = show_ip(client);
        let server_text = show(server);
        self.hit(HitSpec {
            rule: rules::UNAPPROVED_PATH,
            tool,
            tenant: None,
            subject: format!("{}|{server_text}", label.to_lowercase()),
            summary: format!(
                "{label} session from {client_text} to {server_text} is not on an approved VPN, VDI or jump-host path"
            ),
            facts: vec![
                Fact::new(FactKey::SourceIp, client_text),
                Fact::new(FactKey::DestinationAddress, server_text),
                Fact::many(
                    FactKey::RmmPolicyApprovedPaths,
                    networks
                        .approved
                        .iter()
                        .map(ToString::to_string)
                        .chain(networks.jump_hosts.iter().map(ToString::to_string)),
                ),
            ],
        });
    }

    /// N007: an RMM installer or binary carried over the network.
    fn download(
        &mut self,
        file_name: &str,
        hash: Option<&str>,
        client: &Endpoint,
        server: &Endpoint,
    ) {
        let name = crate::index::lower_basename(file_name.trim());
        let (tool, what) = match self.index.tool_of_installer(&name) {
            Some(tool) => (tool, "installer"),
            None => match self.index.tool_of_image(&name) {
                Some(tool) => (tool, "binary"),
                None => return,
            },
        };
        let tool_name = self.name(tool).to_owned();
        let host = self.host().into_owned();
        let from = show(server);
        let mut facts = vec![
            Fact::new(FactKey::FileName, file_name.to_owned()),
            Fact::new(FactKey::FileKind, what.to_owned()),
            Fact::new(FactKey::SourceIp, show_ip(server)),
            Fact::new(FactKey::DestinationIp, show_ip(client)),
        ];
        if let Some(hash) = hash {
            facts.push(Fact::new(FactKey::FileHashSha256, hash.to_lowercase()));
        }
        self.hit(HitSpec {
            rule: rules::RMM_DOWNLOAD,
            tool: Some(tool),
            tenant: None,
            subject: name.clone(),
            summary: format!("{host} downloaded {tool_name} {what} {file_name} from {from}"),
            facts,
        });
    }

    /// N008: an executable downloaded from an indicator domain.
    fn ioc_download(&mut self, http: &Http) {
        let Some(host) = http.host.as_deref() else {
            return;
        };
        let Some(ioc) = self.detector.iocs.domain(host) else {
            return;
        };
        let name = http.file_name.as_deref().unwrap_or("").to_lowercase();
        let content_type = http.content_type.as_deref().unwrap_or("").to_lowercase();
        if !EXECUTABLE_ENDINGS.iter().any(|e| name.ends_with(e))
            && !EXECUTABLE_TYPES.contains(&content_type.as_str())
        {
            return;
        }
        let file = http
            .file_name
            .clone()
            .unwrap_or_else(|| "a file".to_owned());
        let summary = format!(
            "{} downloaded {file} from {host}, an indicator from {}",
            self.host(),
            ioc.source
        );
        let mut facts = vec![
            Fact::new(FactKey::UrlDomain, host.to_owned()),
            Fact::new(FactKey::IocValue, ioc.value.clone()),
            Fact::new(FactKey::IocSource, ioc.source.to_string()),
        ];
        if let Some(uri) = &http.uri {
            facts.push(Fact::new(FactKey::UrlPath, uri.clone()));
        }
        let rule: &'static Rule = rules::IOC_DOWNLOAD;
        self.hit(HitSpec {
            rule,
            tool: None,
            tenant: None,
            subject: format!("{host}|{name}"),
            summary,
            facts,
        });
    }
}

/// The CN of a distinguished name in either order (`CN=x, O=y` or `O=y,CN=x`).
pub(crate) fn common_name(subject: &str) -> Option<String> {
    subject.split([',', '/']).find_map(|part| {
        let (key, value) = part.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("CN")
            .then(|| value.trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_names_in_both_orders() {
        assert_eq!(
            common_name("C=DE, O=philandro Software GmbH, CN=AnyNet Relay").as_deref(),
            Some("AnyNet Relay")
        );
        assert_eq!(
            common_name("CN=AnyNet Relay,O=philandro Software GmbH,C=DE").as_deref(),
            Some("AnyNet Relay")
        );
        assert_eq!(common_name("O=x"), None);
    }
}
