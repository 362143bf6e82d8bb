//! QUIC Initials. Input: a version byte (0: v1, 1: v2, 2: draft 29), a
//! connection-id length byte and the id, then chunks (see
//! `rmmguard_fuzz::chunks`): a client chunk is the plaintext frames of one
//! Initial packet, encrypted here as RFC 9001 says so that the CRYPTO frame
//! reader and the ClientHello behind it are reached; a server-side chunk is
//! sent as a raw client datagram, to exercise the header parser.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_fuzz::quic::{DRAFT_29, VERSION_1, VERSION_2, client_initial};

fuzz_target!(|data: &[u8]| {
    let [selector, dcid_len, rest @ ..] = data else {
        return;
    };
    let version = [VERSION_1, VERSION_2, DRAFT_29][usize::from(*selector) % 3];
    let dcid_len = usize::from(*dcid_len % 21).min(rest.len());
    let (dcid, rest) = rest.split_at(dcid_len);
    let client = (rmmguard_fuzz::CLIENT, 50_000);
    let server = (rmmguard_fuzz::SERVER, 443);
    let mut packets = Vec::new();
    for (n, chunk) in rmmguard_fuzz::chunks(rest).iter().enumerate() {
        let datagram = if chunk.dir == 0 {
            let pn = u8::try_from(n % 256).unwrap_or(0);
            client_initial(version, dcid, pn, chunk.bytes)
        } else {
            chunk.bytes.to_vec()
        };
        packets.push(rmmguard_fuzz::udp_packet(client, server, &datagram));
        if chunk.repeat {
            packets.push(rmmguard_fuzz::udp_packet(client, server, &datagram));
        }
    }
    rmmguard_fuzz::read_capture(&rmmguard_fuzz::pcap(rmmguard_fuzz::LINK_RAW, &packets));
});
