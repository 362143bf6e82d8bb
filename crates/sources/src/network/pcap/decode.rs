//! Layers 2 to 4 of one captured packet, via `etherparse` in its lax mode
//! (truncated captures still yield what they hold): Ethernet with VLAN and
//! QinQ tags, Linux cooked captures (SLL and SLL2), raw IP and BSD loopback;
//! IPv4 and IPv6; TCP and UDP.

use std::net::IpAddr;

use etherparse::{EtherType, LaxNetSlice, LaxSlicedPacket, TransportSlice};

use super::capture::Link;

/// The transport of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Proto {
    Tcp,
    Udp,
}

/// TCP header facts the flow table needs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TcpFlags {
    pub seq: u32,
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub rst: bool,
}

/// One TCP or UDP segment.
#[derive(Debug)]
pub(crate) struct Segment<'a> {
    pub proto: Proto,
    pub src: (IpAddr, u16),
    pub dst: (IpAddr, u16),
    pub tcp: TcpFlags,
    pub payload: &'a [u8],
}

/// What a packet turned out to be.
pub(crate) enum Decoded<'a> {
    /// A TCP or UDP segment.
    Segment(Segment<'a>),
    /// Something rmmguard does not follow (ARP, ICMP, a later IP fragment, an unknown link).
    Ignored,
    /// A packet too damaged to decode.
    Bad(String),
}

/// Decodes one packet captured on `link`.
pub(crate) fn decode(link: Link, data: &[u8]) -> Decoded<'_> {
    let sliced = match link {
        Link::Ethernet => match LaxSlicedPacket::from_ethernet(data) {
            Ok(sliced) => sliced,
            Err(error) => return Decoded::Bad(format!("Ethernet frame: {error}")),
        },
        Link::LinuxSll => match (data.get(14..16), data.get(16..)) {
            (Some(kind), Some(rest)) => LaxSlicedPacket::from_ether_type(
                EtherType(u16::from_be_bytes([kind[0], kind[1]])),
                rest,
            ),
            _ => return Decoded::Bad("Linux cooked header cut short".into()),
        },
        Link::LinuxSll2 => match (data.get(0..2), data.get(20..)) {
            (Some(kind), Some(rest)) => LaxSlicedPacket::from_ether_type(
                EtherType(u16::from_be_bytes([kind[0], kind[1]])),
                rest,
            ),
            _ => return Decoded::Bad("Linux cooked v2 header cut short".into()),
        },
        Link::RawIp => match LaxSlicedPacket::from_ip(data) {
            Ok(sliced) => sliced,
            Err(error) => return Decoded::Bad(format!("IP packet: {error}")),
        },
        Link::Null => match data.get(4..).map(LaxSlicedPacket::from_ip) {
            Some(Ok(sliced)) => sliced,
            Some(Err(error)) => return Decoded::Bad(format!("IP packet: {error}")),
            None => return Decoded::Bad("loopback header cut short".into()),
        },
        Link::Other(_) => return Decoded::Ignored,
    };
    segment(&sliced)
}

fn segment<'a>(sliced: &LaxSlicedPacket<'a>) -> Decoded<'a> {
    let (src_ip, dst_ip, fragmented): (IpAddr, IpAddr, bool) = match &sliced.net {
        Some(LaxNetSlice::Ipv4(ip)) => (
            ip.header().source_addr().into(),
            ip.header().destination_addr().into(),
            ip.is_payload_fragmented(),
        ),
        Some(LaxNetSlice::Ipv6(ip)) => (
            ip.header().source_addr().into(),
            ip.header().destination_addr().into(),
            ip.is_payload_fragmented(),
        ),
        Some(LaxNetSlice::Arp(_)) | None => return Decoded::Ignored,
    };
    if fragmented {
        return Decoded::Ignored;
    }
    match &sliced.transport {
        Some(TransportSlice::Tcp(tcp)) => Decoded::Segment(Segment {
            proto: Proto::Tcp,
            src: (src_ip, tcp.source_port()),
            dst: (dst_ip, tcp.destination_port()),
            tcp: TcpFlags {
                seq: tcp.sequence_number(),
                syn: tcp.syn(),
                ack: tcp.ack(),
                fin: tcp.fin(),
                rst: tcp.rst(),
            },
            payload: tcp.payload(),
        }),
        Some(TransportSlice::Udp(udp)) => Decoded::Segment(Segment {
            proto: Proto::Udp,
            src: (src_ip, udp.source_port()),
            dst: (dst_ip, udp.destination_port()),
            tcp: TcpFlags::default(),
            payload: udp.payload(),
        }),
        Some(_) => Decoded::Ignored,
        None => match &sliced.stop_err {
            Some((error, layer)) => Decoded::Bad(format!("{layer}: {error}")),
            None => Decoded::Ignored,
        },
    }
}
