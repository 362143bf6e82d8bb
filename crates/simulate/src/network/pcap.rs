//! A classic pcap file (microsecond times, Ethernet) of the expanded
//! connections: real Ethernet, IPv4/IPv6, TCP and UDP headers with correct
//! lengths and checksums, packets of all connections merged in time order.

use std::net::IpAddr;

use jiff::Timestamp;

use super::wire::{Conn, Dir, Packet, Proto};

/// The capture's bytes.
pub(super) fn write(conns: &[Conn]) -> Vec<u8> {
    let mut packets: Vec<(Timestamp, usize, usize, Vec<u8>)> = Vec::new();
    for (index, conn) in conns.iter().enumerate() {
        for (order, packet) in conn.packets().iter().enumerate() {
            packets.push((packet.at, index, order, frame(conn, packet)));
        }
    }
    packets.sort_by_key(|(at, index, order, _)| (*at, *index, *order));
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&262_144u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (at, _, _, frame) in packets {
        let micros = at.as_microsecond();
        out.extend_from_slice(&(micros.div_euclid(1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(micros.rem_euclid(1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend(frame);
    }
    out
}

fn frame(conn: &Conn, packet: &Packet<'_>) -> Vec<u8> {
    let (src, dst) = match packet.dir {
        Dir::ToServer => (conn.client, conn.server),
        Dir::ToClient => (conn.server, conn.client),
    };
    let transport = match conn.proto {
        Proto::Tcp => tcp(src, dst, packet),
        Proto::Udp => udp(src, dst, packet.payload),
    };
    let protocol = match conn.proto {
        Proto::Tcp => 6,
        Proto::Udp => 17,
    };
    let mut frame = Vec::with_capacity(transport.len() + 54);
    let mac = |ip: IpAddr| -> [u8; 6] {
        let o = match ip {
            IpAddr::V4(v4) => v4.octets().to_vec(),
            IpAddr::V6(v6) => v6.octets()[12..].to_vec(),
        };
        [0x02, 0x00, o[0], o[1], o[2], o[3]]
    };
    frame.extend_from_slice(&mac(dst.0));
    frame.extend_from_slice(&mac(src.0));
    match (src.0, dst.0) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            frame.extend_from_slice(&[0x08, 0x00]);
            let total = 20 + transport.len();
            let mut header = vec![
                0x45,
                0,
                (total >> 8) as u8,
                total as u8,
                0,
                0,
                0x40,
                0,
                64,
                protocol,
                0,
                0,
            ];
            header.extend_from_slice(&s.octets());
            header.extend_from_slice(&d.octets());
            let sum = checksum(&header, 0);
            header[10..12].copy_from_slice(&sum.to_be_bytes());
            frame.extend(header);
        }
        (s, d) => {
            frame.extend_from_slice(&[0x86, 0xdd]);
            let len = transport.len();
            frame.extend_from_slice(&[0x60, 0, 0, 0, (len >> 8) as u8, len as u8, protocol, 64]);
            frame.extend_from_slice(&v6(s));
            frame.extend_from_slice(&v6(d));
        }
    }
    frame.extend(with_checksum(transport, src.0, dst.0, protocol));
    frame
}

fn v6(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}

fn tcp(src: (IpAddr, u16), dst: (IpAddr, u16), packet: &Packet<'_>) -> Vec<u8> {
    let mut flags = 0u8;
    if packet.flags.fin {
        flags |= 0x01;
    }
    if packet.flags.syn {
        flags |= 0x02;
    }
    if packet.flags.psh {
        flags |= 0x08;
    }
    if packet.flags.ack {
        flags |= 0x10;
    }
    let mut segment = Vec::with_capacity(20 + packet.payload.len());
    segment.extend_from_slice(&src.1.to_be_bytes());
    segment.extend_from_slice(&dst.1.to_be_bytes());
    segment.extend_from_slice(&packet.seq.to_be_bytes());
    segment.extend_from_slice(&packet.ack.to_be_bytes());
    segment.extend_from_slice(&[0x50, flags, 0xfa, 0xf0, 0, 0, 0, 0]);
    segment.extend_from_slice(packet.payload);
    segment
}

fn udp(src: (IpAddr, u16), dst: (IpAddr, u16), payload: &[u8]) -> Vec<u8> {
    let len = 8 + payload.len();
    let mut datagram = Vec::with_capacity(len);
    datagram.extend_from_slice(&src.1.to_be_bytes());
    datagram.extend_from_slice(&dst.1.to_be_bytes());
    datagram.extend_from_slice(&(len as u16).to_be_bytes());
    datagram.extend_from_slice(&[0, 0]);
    datagram.extend_from_slice(payload);
    datagram
}

/// Fills in a TCP or UDP checksum over the pseudo-header.
fn with_checksum(mut segment: Vec<u8>, src: IpAddr, dst: IpAddr, protocol: u8) -> Vec<u8> {
    let mut pseudo = Vec::new();
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            pseudo.extend_from_slice(&s.octets());
            pseudo.extend_from_slice(&d.octets());
            pseudo.extend_from_slice(&[0, protocol]);
            pseudo.extend_from_slice(&(segment.len() as u16).to_be_bytes());
        }
        (s, d) => {
            pseudo.extend_from_slice(&v6(s));
            pseudo.extend_from_slice(&v6(d));
            pseudo.extend_from_slice(&(segment.len() as u32).to_be_bytes());
            pseudo.extend_from_slice(&[0, 0, 0, protocol]);
        }
    }
    let at = if protocol == 6 { 16 } else { 6 };
    let start = sum_words(&pseudo, 0);
    let mut sum = checksum(&segment, start);
    if protocol == 17 && sum == 0 {
        sum = 0xffff;
    }
    segment[at..at + 2].copy_from_slice(&sum.to_be_bytes());
    segment
}

fn sum_words(bytes: &[u8], start: u32) -> u32 {
    let mut sum = start;
    for pair in bytes.chunks(2) {
        let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
        sum = sum.wrapping_add(u32::from(word));
    }
    sum
}

fn checksum(bytes: &[u8], start: u32) -> u16 {
    let mut sum = sum_words(bytes, start);
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
