//! Which side of a network sensor's event is ours. Sensor events (flows,
//! DNS seen on the wire, TLS, HTTP, files) name no host: the host of a
//! finding is the internal side of the connection, by the policy's
//! `networks.internal` or, without them, the private ranges.

use std::net::IpAddr;

use rmmguard_events::{DnsQuery, Endpoint, Event, EventKind};
use rmmguard_policy::Policy;

/// The host a sensor event is about: its internal side, for events that
/// name no host (flows, TLS, HTTP, files, and DNS seen on the wire).
pub(crate) fn host_of(policy: Option<&Policy>, event: &Event) -> Option<IpAddr> {
    if event.meta.host.is_some() {
        return None;
    }
    let (a, b) = match &event.kind {
        EventKind::NetFlow(e) => (&e.source, &e.destination),
        EventKind::Tls(e) => (&e.client, &e.server),
        EventKind::Http(e) => (&e.client, &e.server),
        EventKind::FileTransfer(e) => (&e.client, &e.server),
        EventKind::DnsQuery(e) if is_wire_dns(e) => (&e.client, &e.server),
        _ => return None,
    };
    local_side(policy, a, b)
}

/// Whether a DNS query was seen on the wire rather than by an endpoint.
pub(crate) fn is_wire_dns(query: &DnsQuery) -> bool {
    query.process.executable.is_none() && query.process.pid.is_none() && query.client.ip.is_some()
}

fn local_side(policy: Option<&Policy>, first: &Endpoint, second: &Endpoint) -> Option<IpAddr> {
    match (first.ip, second.ip) {
        (Some(a), _) if is_internal(policy, a) => Some(a),
        (_, Some(b)) if is_internal(policy, b) => Some(b),
        (a, b) => a.or(b),
    }
}

/// Whether an address is inside the organization: the policy's internal
/// ranges, or the private, loopback and link-local ranges without them.
pub(crate) fn is_internal(policy: Option<&Policy>, ip: IpAddr) -> bool {
    if let Some(policy) = policy
        && !policy.networks.internal.is_empty()
    {
        return policy.networks.is_internal(ip);
    }
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || (v4.octets()[0] == 100 && v4.octets()[1] & 0xc0 == 64)
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}
