//! The network plan shared by the firewall targets (nftables, iptables,
//! Windows Firewall) and the Suricata port rules: internal ranges, approved
//! paths, blocked vendor addresses and RMM port segments.

use ipnet::IpNet;

use crate::Reason;
use crate::addresses::{self, AddressBlock};
use crate::ports::PortPlan;
use crate::scope::{Scope, policy_reason};

/// Everything a firewall needs, decided once.
pub(crate) struct NetworkPlan {
    /// The organization's internal ranges (to tell inbound from outbound).
    pub internal: Vec<AddressBlock>,
    /// Approved paths (VPN/VDI subnets, jump hosts), exempt from the blocks
    /// of authorized tools' ports.
    pub approved: Vec<AddressBlock>,
    /// Fixed vendor addresses of blocked tools.
    pub vendor_hosts: Vec<AddressBlock>,
    pub ports: PortPlan,
    /// What was left out, and why.
    pub remarks: Vec<(String, Reason)>,
}

impl NetworkPlan {
    pub fn new(scope: &Scope<'_>) -> NetworkPlan {
        let internal = scope
            .policy
            .networks
            .internal
            .iter()
            .map(|net| {
                (
                    *net,
                    policy_reason("networks.internal", &net.to_string(), "internal range"),
                )
            })
            .collect();
        let approved = scope
            .approved_paths()
            .into_iter()
            .map(|path| (path.net, path.reason))
            .collect();
        let (vendor_hosts, mut remarks) = addresses::blocked(scope);
        let ports = PortPlan::new(scope);
        remarks.extend(ports.remarks.iter().cloned());
        NetworkPlan {
            internal: addresses::collapse(internal),
            approved: addresses::collapse(approved),
            vendor_hosts,
            ports,
            remarks,
        }
    }
}

/// The blocks of one address family.
pub(crate) fn family(blocks: &[AddressBlock], v6: bool) -> impl Iterator<Item = &AddressBlock> {
    blocks
        .iter()
        .filter(move |block| matches!(block.net, IpNet::V6(_)) == v6)
}

/// The networks of `blocks`, for complement computations.
pub(crate) fn nets(blocks: &[AddressBlock]) -> Vec<IpNet> {
    blocks.iter().map(|block| block.net).collect()
}
