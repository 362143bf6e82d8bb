//! Address facts for the firewall targets: the fixed vendor addresses of
//! blocked tools, and the address space outside the approved paths (for
//! firewalls where a block rule always beats an allow rule).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use crate::grammar;
use crate::scope::Scope;
use crate::{Note, Reason};

/// A vendor address or block to drop in both directions.
#[derive(Debug, Clone)]
pub(crate) struct AddressBlock {
    pub net: IpNet,
    pub reasons: Vec<Reason>,
}

/// The catalog addresses of blocked tools, sorted and merged by network,
/// and warnings for values that may not be blocked (not an address, not a
/// vendor's public address, too wide, or one of the policy's own ranges).
pub(crate) fn blocked(scope: &Scope<'_>) -> (Vec<AddressBlock>, Vec<Note>) {
    let networks = &scope.policy.networks;
    let own: Vec<IpNet> = networks
        .internal
        .iter()
        .chain(&networks.approved)
        .copied()
        .chain(networks.jump_hosts.iter().map(|ip| IpNet::from(*ip)))
        .collect();
    let mut blocks: Vec<AddressBlock> = Vec::new();
    let mut warnings = Vec::new();
    for tool in scope.tools.iter().filter(|tool| !tool.is_authorized()) {
        for text in &tool.tool.network.addresses {
            let reason = tool.reason("network.addresses", text, scope);
            match grammar::vendor_address(text, &own) {
                Ok(net) => blocks.push(AddressBlock {
                    net,
                    reasons: vec![reason],
                }),
                Err(why) => warnings.push(Note {
                    rule: format!("skipped: address {text:?} of {}: {why}", tool.tool.id),
                    reasons: vec![reason],
                }),
            }
        }
    }
    let flat = blocks
        .into_iter()
        .flat_map(|block| {
            block
                .reasons
                .into_iter()
                .map(move |reason| (block.net, reason))
        })
        .collect();
    let blocks = collapse(flat);
    for block in &blocks {
        let wide = match block.net {
            IpNet::V4(_) => 24,
            IpNet::V6(_) => 48,
        };
        if block.net.prefix_len() < wide {
            warnings.push(Note {
                rule: format!(
                    "broad: vendor address block {} is wider than a /{wide}",
                    block.net
                ),
                reasons: block.reasons.clone(),
            });
        }
    }
    (blocks, warnings)
}

/// Networks with their reasons, nested networks folded into the ones that
/// contain them (interval sets reject overlaps), sorted.
pub(crate) fn collapse(mut nets: Vec<(IpNet, Reason)>) -> Vec<AddressBlock> {
    // Widest first, so a container is seen before what it contains.
    nets.sort_by_key(|(net, _)| (net.prefix_len(), *net));
    let mut out: Vec<AddressBlock> = Vec::new();
    for (net, reason) in nets {
        match out.iter_mut().find(|block| block.net.contains(&net)) {
            Some(block) => {
                if !block.reasons.contains(&reason) {
                    block.reasons.push(reason);
                }
            }
            None => out.push(AddressBlock {
                net,
                reasons: vec![reason],
            }),
        }
    }
    out.sort_by_key(|block| block.net);
    out
}

/// Inclusive address ranges of one family that lie outside every net in
/// `nets`, in ascending order; the whole family when `nets` holds none of it.
pub(crate) fn complement(nets: &[IpNet], v6: bool) -> Vec<(IpAddr, IpAddr)> {
    let (max, mut spans): (u128, Vec<(u128, u128)>) = if v6 {
        let spans = nets
            .iter()
            .filter_map(|net| match net {
                IpNet::V6(net) => Some((u128::from(net.network()), u128::from(net.broadcast()))),
                IpNet::V4(_) => None,
            })
            .collect();
        (u128::MAX, spans)
    } else {
        let spans = nets
            .iter()
            .filter_map(|net| match net {
                IpNet::V4(net) => Some((
                    u128::from(u32::from(net.network())),
                    u128::from(u32::from(net.broadcast())),
                )),
                IpNet::V6(_) => None,
            })
            .collect();
        (u128::from(u32::MAX), spans)
    };
    spans.sort();
    let mut out = Vec::new();
    let mut next: u128 = 0;
    let mut done = false;
    for (first, last) in spans {
        if first > next {
            out.push((next, first - 1));
        }
        if last >= max {
            done = true;
            break;
        }
        next = next.max(last + 1);
    }
    if !done {
        out.push((next, max));
    }
    out.into_iter()
        .map(|(a, b)| (to_ip(a, v6), to_ip(b, v6)))
        .collect()
}

fn to_ip(value: u128, v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(value))
    } else {
        // The value came from a u32, so it fits.
        IpAddr::V4(Ipv4Addr::from(u32::try_from(value).unwrap_or(u32::MAX)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(ranges: Vec<(IpAddr, IpAddr)>) -> Vec<String> {
        ranges
            .into_iter()
            .map(|(a, b)| format!("{a}-{b}"))
            .collect()
    }

    #[test]
    fn collapse_folds_nested_networks() {
        let reason = |v: &str| crate::scope::policy_reason("networks.approved", v, "approved");
        let nets = ["10.8.1.0/24", "10.8.0.0/16", "10.1.2.3/32", "10.8.0.0/16"]
            .iter()
            .map(|n| (n.parse().unwrap(), reason(n)))
            .collect();
        let got: Vec<String> = collapse(nets)
            .iter()
            .map(|b| format!("{} {}", b.net, b.reasons.len()))
            .collect();
        assert_eq!(got, ["10.1.2.3/32 1", "10.8.0.0/16 2"]);
    }

    #[test]
    fn complement_of_subnets_and_hosts() {
        let nets: Vec<IpNet> = ["10.8.0.0/16", "10.1.2.3/32", "10.8.4.0/24"]
            .iter()
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(
            show(complement(&nets, false)),
            [
                "0.0.0.0-10.1.2.2",
                "10.1.2.4-10.7.255.255",
                "10.9.0.0-255.255.255.255"
            ]
        );
        assert_eq!(
            show(complement(&nets, true)),
            ["::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]
        );
        assert_eq!(
            show(complement(&["0.0.0.0/0".parse().unwrap()], false)),
            Vec::<String>::new()
        );
    }
}
