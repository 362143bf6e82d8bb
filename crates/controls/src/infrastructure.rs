//! The ports no generated control ever blocks: the network's own
//! infrastructure (name resolution, time, directory, file and management
//! protocols, the VPNs that carry the policy's approved paths). A catalog
//! entry that lists one of them (LOLRMM names tcp/22 for SSH-based tools,
//! tcp/3389 for RDP) would otherwise cut the operator's own sessions.
//!
//! `docs/CONTROLS.md` carries the same table; a test keeps them equal.

use rmmguard_catalog::{PortRange, PortTransport};

/// One infrastructure port (or run of ports) and why it stays open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InfrastructurePort {
    /// The transports it is kept open on.
    pub transports: &'static [PortTransport],
    /// First port.
    pub first: u16,
    /// Last port (equal to `first` for one port).
    pub last: u16,
    /// The service.
    pub service: &'static str,
    /// Why blocking it would hurt.
    pub reason: &'static str,
}

impl InfrastructurePort {
    /// Whether this entry holds the whole of `range`'s ports on its transport.
    pub fn covers(&self, transport: PortTransport, first: u16, last: u16) -> bool {
        self.transports.contains(&transport) && self.first <= first && last <= self.last
    }

    /// The entry's ranges, one per transport.
    pub fn ranges(&self) -> impl Iterator<Item = PortRange> + '_ {
        self.transports.iter().map(|transport| PortRange {
            transport: *transport,
            first: self.first,
            last: self.last,
        })
    }

    /// `tcp+udp/137-139`.
    pub fn label(&self) -> String {
        let transports: Vec<&str> = self
            .transports
            .iter()
            .map(|t| crate::ports::transport_name(*t))
            .collect();
        let ports = if self.first == self.last {
            self.first.to_string()
        } else {
            format!("{}-{}", self.first, self.last)
        };
        format!("{}/{ports}", transports.join("+"))
    }
}

const TCP: &[PortTransport] = &[PortTransport::Tcp];
const UDP: &[PortTransport] = &[PortTransport::Udp];
const BOTH: &[PortTransport] = &[PortTransport::Tcp, PortTransport::Udp];

const fn port(
    transports: &'static [PortTransport],
    first: u16,
    last: u16,
    service: &'static str,
    reason: &'static str,
) -> InfrastructurePort {
    InfrastructurePort {
        transports,
        first,
        last,
        service,
        reason,
    }
}

/// Every infrastructure port, by number. RDP (3389) is here too: it can be
/// blocked only when the operator names it (`--block-infrastructure tcp/3389`),
/// that is when banning RDP is itself the policy's choice.
pub const INFRASTRUCTURE: &[InfrastructurePort] = &[
    port(
        TCP,
        22,
        22,
        "SSH",
        "remote administration of servers and network devices, the operator's own session",
    ),
    port(
        BOTH,
        53,
        53,
        "DNS",
        "name resolution for everything; RMM names are blocked by the DNS formats instead",
    ),
    port(UDP, 67, 68, "DHCP", "address assignment"),
    port(
        BOTH,
        80,
        80,
        "HTTP",
        "the web and software updates; block RMM names by DNS, not the port",
    ),
    port(BOTH, 88, 88, "Kerberos", "Active Directory authentication"),
    port(
        UDP,
        123,
        123,
        "NTP",
        "time synchronization; Kerberos fails when clocks drift",
    ),
    port(
        BOTH,
        135,
        135,
        "RPC endpoint mapper",
        "Windows management: WMI, DCOM, Active Directory replication",
    ),
    port(
        BOTH,
        137,
        139,
        "NetBIOS",
        "Windows name service, datagrams and sessions",
    ),
    port(
        BOTH,
        161,
        162,
        "SNMP",
        "monitoring of network devices, and their traps",
    ),
    port(
        BOTH,
        389,
        389,
        "LDAP",
        "the Active Directory directory service",
    ),
    port(
        BOTH,
        443,
        443,
        "HTTPS, QUIC",
        "the web and software updates; block RMM names by DNS, not the port",
    ),
    port(
        TCP,
        445,
        445,
        "SMB",
        "file shares, Group Policy, remote administration",
    ),
    port(
        BOTH,
        464,
        464,
        "Kerberos password change",
        "Active Directory password changes",
    ),
    port(
        UDP,
        500,
        500,
        "IKE",
        "IPsec VPNs, which may carry the policy's approved paths",
    ),
    port(BOTH, 514, 514, "syslog", "logs on their way to the SIEM"),
    port(
        TCP,
        636,
        636,
        "LDAPS",
        "the Active Directory directory service over TLS",
    ),
    port(TCP, 853, 853, "DNS over TLS", "encrypted name resolution"),
    port(
        BOTH,
        1194,
        1194,
        "OpenVPN",
        "VPNs, which may carry the policy's approved paths",
    ),
    port(
        UDP,
        1701,
        1701,
        "L2TP",
        "VPNs, which may carry the policy's approved paths",
    ),
    port(
        TCP,
        1723,
        1723,
        "PPTP",
        "VPNs, which may carry the policy's approved paths",
    ),
    port(UDP, 1812, 1813, "RADIUS", "VPN and Wi-Fi authentication"),
    port(
        TCP,
        3268,
        3269,
        "Global Catalog",
        "Active Directory forest-wide lookups",
    ),
    port(
        BOTH,
        3389,
        3389,
        "RDP",
        "Windows remote administration; blocked only with --block-infrastructure tcp/3389",
    ),
    port(
        UDP,
        4500,
        4500,
        "IPsec NAT traversal",
        "IPsec VPNs, which may carry the policy's approved paths",
    ),
    port(
        TCP,
        5985,
        5986,
        "WinRM",
        "PowerShell remoting and Windows Admin Center",
    ),
    port(
        TCP,
        9389,
        9389,
        "AD Web Services",
        "the PowerShell Active Directory module",
    ),
    port(
        UDP,
        51820,
        51820,
        "WireGuard",
        "VPNs, which may carry the policy's approved paths",
    ),
];

/// Ports many programs share: blocking one is allowed, but `--explain` warns.
pub(crate) const SHARED: &[(PortTransport, u16, &str)] = &[
    (PortTransport::Tcp, 1080, "SOCKS proxies"),
    (PortTransport::Tcp, 3128, "web proxies"),
    (PortTransport::Tcp, 3478, "STUN/TURN (Teams, WebRTC)"),
    (PortTransport::Udp, 3478, "STUN/TURN (Teams, WebRTC)"),
    (PortTransport::Tcp, 5000, "UPnP and development web servers"),
    (PortTransport::Tcp, 8000, "development web servers"),
    (PortTransport::Tcp, 8080, "alternate HTTP and web proxies"),
    (PortTransport::Tcp, 8443, "alternate HTTPS"),
    (PortTransport::Tcp, 8888, "alternate HTTP"),
];

/// A port range wider than this is "broad" for `--explain`.
pub(crate) const BROAD_RANGE: u32 = 64;

#[cfg(test)]
mod tests {
    use super::*;

    fn find(transport: PortTransport, port: u16) -> Option<&'static InfrastructurePort> {
        INFRASTRUCTURE
            .iter()
            .find(|entry| entry.covers(transport, port, port))
    }

    #[test]
    fn table_is_sorted_and_covers_the_issue_list() {
        assert!(INFRASTRUCTURE.windows(2).all(|w| w[0].last < w[1].first));
        for (transport, port) in [
            (PortTransport::Tcp, 22),
            (PortTransport::Udp, 53),
            (PortTransport::Udp, 67),
            (PortTransport::Udp, 68),
            (PortTransport::Tcp, 88),
            (PortTransport::Udp, 123),
            (PortTransport::Tcp, 135),
            (PortTransport::Udp, 137),
            (PortTransport::Tcp, 139),
            (PortTransport::Udp, 161),
            (PortTransport::Udp, 162),
            (PortTransport::Tcp, 389),
            (PortTransport::Tcp, 443),
            (PortTransport::Tcp, 80),
            (PortTransport::Tcp, 445),
            (PortTransport::Tcp, 464),
            (PortTransport::Tcp, 636),
            (PortTransport::Tcp, 3268),
            (PortTransport::Tcp, 3269),
            (PortTransport::Tcp, 3389),
            (PortTransport::Tcp, 5985),
            (PortTransport::Tcp, 5986),
        ] {
            assert!(find(transport, port).is_some(), "{transport:?}/{port}");
        }
        assert!(find(PortTransport::Tcp, 7070).is_none());
    }

    #[test]
    fn docs_carry_the_same_table() {
        let docs = include_str!("../../../docs/CONTROLS.md");
        let rows: Vec<&str> = docs
            .lines()
            .filter(|line| line.starts_with("| tcp") || line.starts_with("| udp"))
            .collect();
        let expected: Vec<String> = INFRASTRUCTURE
            .iter()
            .map(|e| format!("| {} | {} | {} |", e.label(), e.service, e.reason))
            .collect();
        assert_eq!(
            rows, expected,
            "docs/CONTROLS.md and INFRASTRUCTURE disagree"
        );
        assert_eq!(INFRASTRUCTURE[7].label(), "tcp+udp/137-139");
    }
}
