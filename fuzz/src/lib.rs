//! Helpers the fuzz targets share: they wrap a fuzzer's bytes into the
//! containers rmmguard reads (a packet capture, a TCP conversation, an
//! encrypted QUIC Initial, a MIME message), so that every decoder is
//! reached through the crates' public entry points
//! (`rmmguard_sources::read_bytes` first of all) and not through private
//! functions that move when the crates are reorganized.
//!
//! The input layouts are documented on each function and in
//! `docs/FUZZING.md`; the seed generator (`fuzz/make_seeds.py`) writes
//! seeds in the same layouts.

pub mod mime;
pub mod quic;

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use rmmguard_sources::{Format, NetScreen, Prefilter, ReadContext, read_bytes};

/// Link type of raw IPv4/IPv6 packets in a pcap file (`LINKTYPE_RAW`).
pub const LINK_RAW: u32 = 101;

/// Splits fuzz input into chunks: each chunk is a control byte, a
/// little-endian `u16` length, then that many bytes (cut short at the end of
/// the input). The control byte's bit 0 is the direction (0: client, 1:
/// server); bit 1 asks for the chunk to be sent again (a retransmission).
pub fn chunks(mut data: &[u8]) -> Vec<Chunk<'_>> {
    let mut out = Vec::new();
    while let [control, low, high, rest @ ..] = data {
        let len = usize::from(u16::from_le_bytes([*low, *high])).min(rest.len());
        let (bytes, tail) = rest.split_at(len);
        out.push(Chunk {
            dir: usize::from(control & 1),
            repeat: control & 2 != 0,
            bytes,
        });
        data = tail;
    }
    if !data.is_empty() {
        out.push(Chunk {
            dir: 0,
            repeat: false,
            bytes: data,
        });
    }
    out
}

/// One piece of a conversation (see [`chunks`]).
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    /// 0: from the client, 1: from the server.
    pub dir: usize,
    /// Send it twice (the second time as a retransmission).
    pub repeat: bool,
    /// The payload.
    pub bytes: &'a [u8],
}

/// A classic pcap file (microsecond timestamps, little-endian) of `link`
/// holding `packets`, one second apart.
pub fn pcap(link: u32, packets: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(24 + packets.iter().map(|p| p.len() + 16).sum::<usize>());
    out.extend_from_slice(&0xa1b2_c3d4_u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&262_144u32.to_le_bytes());
    out.extend_from_slice(&link.to_le_bytes());
    for (n, packet) in packets.iter().enumerate() {
        let len = u32::try_from(packet.len()).unwrap_or(u32::MAX);
        let seconds = 1_700_000_000u32.wrapping_add(u32::try_from(n).unwrap_or(0));
        out.extend_from_slice(&seconds.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(packet);
    }
    out
}

/// IP protocol numbers used here.
const TCP: u8 = 6;
const UDP: u8 = 17;

/// The client and server of generated conversations.
pub const CLIENT: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 7);
/// See [`CLIENT`].
pub const SERVER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 20);

fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, transport: &[u8]) -> Vec<u8> {
    // Payloads are cut so that the total length fits the 16-bit field.
    let transport = &transport[..transport.len().min(65_535 - 20)];
    let total = u16::try_from(20 + transport.len()).unwrap_or(u16::MAX);
    let mut header = [0u8; 20];
    header[0] = 0x45;
    header[2..4].copy_from_slice(&total.to_be_bytes());
    header[8] = 64;
    header[9] = protocol;
    header[12..16].copy_from_slice(&src.octets());
    header[16..20].copy_from_slice(&dst.octets());
    let mut sum = 0u32;
    for pair in header.chunks_exact(2) {
        sum += u32::from(u16::from_be_bytes([pair[0], pair[1]]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    let checksum = !u16::try_from(sum).unwrap_or(0);
    header[10..12].copy_from_slice(&checksum.to_be_bytes());
    let mut packet = header.to_vec();
    packet.extend_from_slice(transport);
    packet
}

/// TCP flag bits.
pub mod flags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// PSH.
    pub const PSH: u8 = 0x08;
    /// ACK.
    pub const ACK: u8 = 0x10;
}

/// A raw IPv4 packet carrying one TCP segment.
pub fn tcp_packet(
    src: (Ipv4Addr, u16),
    dst: (Ipv4Addr, u16),
    seq: u32,
    tcp_flags: u8,
    payload: &[u8],
) -> Vec<u8> {
    let mut segment = Vec::with_capacity(20 + payload.len());
    segment.extend_from_slice(&src.1.to_be_bytes());
    segment.extend_from_slice(&dst.1.to_be_bytes());
    segment.extend_from_slice(&seq.to_be_bytes());
    segment.extend_from_slice(&0u32.to_be_bytes());
    segment.push(5 << 4);
    segment.push(tcp_flags);
    segment.extend_from_slice(&65_535u16.to_be_bytes());
    segment.extend_from_slice(&[0, 0, 0, 0]);
    segment.extend_from_slice(payload);
    ipv4(src.0, dst.0, TCP, &segment)
}

/// A raw IPv4 packet carrying one UDP datagram.
pub fn udp_packet(src: (Ipv4Addr, u16), dst: (Ipv4Addr, u16), payload: &[u8]) -> Vec<u8> {
    let payload = &payload[..payload.len().min(65_535 - 28)];
    let len = u16::try_from(8 + payload.len()).unwrap_or(u16::MAX);
    let mut datagram = Vec::with_capacity(8 + payload.len());
    datagram.extend_from_slice(&src.1.to_be_bytes());
    datagram.extend_from_slice(&dst.1.to_be_bytes());
    datagram.extend_from_slice(&len.to_be_bytes());
    datagram.extend_from_slice(&[0, 0]);
    datagram.extend_from_slice(payload);
    ipv4(src.0, dst.0, UDP, &datagram)
}

/// A whole TCP conversation between [`CLIENT`] and [`SERVER`] on
/// `server_port`: the three-way handshake, one segment per chunk in its
/// direction (with sequence numbers that follow the bytes sent, and a
/// retransmission where a chunk asks for one), then FIN both ways.
pub fn tcp_conversation(server_port: u16, chunks: &[Chunk<'_>]) -> Vec<Vec<u8>> {
    let client = (CLIENT, 49_152);
    let server = (SERVER, server_port);
    let mut seq = [1_000u32, 500_000u32];
    let ends = [(client, server), (server, client)];
    let mut packets = vec![
        tcp_packet(client, server, seq[0], flags::SYN, &[]),
        tcp_packet(server, client, seq[1], flags::SYN | flags::ACK, &[]),
        tcp_packet(client, server, seq[0] + 1, flags::ACK, &[]),
    ];
    seq[0] += 1;
    seq[1] += 1;
    for chunk in chunks {
        let (src, dst) = ends[chunk.dir];
        let payload = &chunk.bytes[..chunk.bytes.len().min(60_000)];
        let packet = tcp_packet(src, dst, seq[chunk.dir], flags::ACK | flags::PSH, payload);
        if chunk.repeat {
            packets.push(packet.clone());
        }
        packets.push(packet);
        let len = u32::try_from(payload.len()).unwrap_or(0);
        seq[chunk.dir] = seq[chunk.dir].wrapping_add(len);
    }
    packets.push(tcp_packet(
        client,
        server,
        seq[0],
        flags::FIN | flags::ACK,
        &[],
    ));
    packets.push(tcp_packet(
        server,
        client,
        seq[1],
        flags::FIN | flags::ACK,
        &[],
    ));
    packets
}

/// UDP datagrams between [`CLIENT`] and [`SERVER`] on `server_port`, one
/// per chunk in its direction.
pub fn udp_conversation(server_port: u16, chunks: &[Chunk<'_>]) -> Vec<Vec<u8>> {
    let client = (CLIENT, 50_000);
    let server = (SERVER, server_port);
    let mut packets = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let (src, dst) = if chunk.dir == 0 {
            (client, server)
        } else {
            (server, client)
        };
        packets.push(udp_packet(src, dst, chunk.bytes));
        if chunk.repeat {
            packets.push(udp_packet(src, dst, chunk.bytes));
        }
    }
    packets
}

/// Reads a capture held in memory, unscreened (captures are never screened).
pub fn read_capture(bytes: &[u8]) -> u64 {
    let mut events = 0;
    read_bytes(
        Format::Pcap,
        "fuzz.pcap",
        bytes,
        &ReadContext::default(),
        &mut |_| events += 1,
    );
    events
}

/// Reads `bytes` as `format` twice: unscreened, and behind a prefilter and a
/// network screen that watch a few tool names, ports, protocols and an
/// address (so the sensor readers' light parse and screen run too).
pub fn read_both_ways(format: Format, name: &str, bytes: &[u8]) {
    read_bytes(format, name, bytes, &ReadContext::default(), &mut |_| {});
    let (prefilter, screen) = screen();
    let context = ReadContext {
        prefilter: Some(prefilter),
        screen: Some(screen),
        ocr: None,
    };
    read_bytes(format, name, bytes, &context, &mut |_| {});
}

fn screen() -> &'static (Prefilter, NetScreen) {
    static SCREEN: std::sync::OnceLock<(Prefilter, NetScreen)> = std::sync::OnceLock::new();
    SCREEN.get_or_init(|| {
        let needles: Vec<String> = ["anydesk", "screenconnect", "teamviewer", "net.anydesk.com"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let prefilter = match Prefilter::new(&needles) {
            Ok(prefilter) => prefilter,
            Err(error) => panic!("the fuzz prefilter does not build: {error}"),
        };
        let mut screen = NetScreen::default();
        screen.watch_port(rmmguard_events::Transport::Tcp, 5938);
        screen.watch_port(rmmguard_events::Transport::Tcp, 5900);
        screen.watch_port(rmmguard_events::Transport::Udp, 5938);
        screen.watch_protocol("rfb");
        screen.watch_protocol("rdp");
        screen.watch_address(std::net::IpAddr::V4(SERVER));
        (prefilter, screen)
    })
}

/// A folder of this process's own for targets whose entry point reads files
/// (the LOLRMM importer); under `$TMPDIR`, created once.
pub fn scratch_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rmmguard-fuzz-{}", std::process::id()));
        if let Err(error) = std::fs::create_dir_all(&dir) {
            panic!("cannot create {}: {error}", dir.display());
        }
        dir
    })
}

/// Replaces libFuzzer's abort-on-panic hook with one that lets panics on
/// the PDF reader's thread (`rmmguard-pdf`, which runs `pdf-extract` under
/// `catch_unwind` on purpose) unwind to that guard, and likewise panics
/// raised inside mail-parser (caught around the parse, `mail/message.rs`);
/// it still aborts on every other panic, which is a crash. Installed once.
pub fn leave_pdf_panics_to_the_reader() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some("rmmguard-pdf") {
                return;
            }
            // mail-parser's assertions on corrupt MIME trees: the reader
            // catches them around the parse (`mail/message.rs`) by design.
            if info
                .location()
                .is_some_and(|at| at.file().contains("mail-parser"))
            {
                return;
            }
            fuzzer_hook(info);
        }));
    });
}
