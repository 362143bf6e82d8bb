//! The network plan shared by the firewall targets (nftables, iptables,
//! Windows Firewall) and the Suricata port rules: internal ranges, approved
//! paths, blocked vendor addresses and RMM port segments.

use ipnet::IpNet;

use crate::addresses::{self, AddressBlock};
use crate::ports::{PortClass, PortPlan};
use crate::scope::{Scope, policy_reason};
use crate::{Note, Reason};

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
    /// Values skipped for their grammar, and blocks that reach far.
    pub warnings: Vec<Note>,
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
        let (vendor_hosts, mut warnings) = addresses::blocked(scope);
        let ports = PortPlan::new(scope);
        let remarks = ports.remarks.clone();
        warnings.extend(ports.warnings.iter().cloned());
        let approved = addresses::collapse(approved);
        warn_approved(scope, &approved, &ports, &mut warnings);
        NetworkPlan {
            internal: addresses::collapse(internal),
            approved,
            vendor_hosts,
            ports,
            remarks,
            warnings,
        }
    }
}

/// Approved paths that let every source through, or none at all while
/// authorized tools have ports: either way the port rules reach further
/// than the policy probably means.
fn warn_approved(
    scope: &Scope<'_>,
    approved: &[AddressBlock],
    ports: &PortPlan,
    warnings: &mut Vec<Note>,
) {
    for block in approved {
        let wide = match block.net {
            IpNet::V4(_) => 8,
            IpNet::V6(_) => 16,
        };
        if block.net.prefix_len() < wide {
            warnings.push(Note {
                rule: format!(
                    "broad: approved path {} is wider than a /{wide}: authorized tools' ports are open from almost anywhere",
                    block.net
                ),
                reasons: block.reasons.clone(),
            });
        }
    }
    let authorized: Vec<Reason> = ports
        .of_class(PortClass::ApprovedOnly)
        .flat_map(|segment| segment.reasons.clone())
        .collect();
    if approved.is_empty() && !authorized.is_empty() {
        let reason = if scope.has_policy() {
            "the policy names no [networks] approved paths or jump hosts"
        } else {
            "no policy given"
        };
        let mut reasons = authorized;
        reasons.push(policy_reason("networks.approved", "[]", reason));
        warnings.push(Note {
            rule: "broad: no approved paths, so authorized tools' ports are blocked from everywhere (add [networks] approved to the policy)".to_owned(),
            reasons,
        });
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
