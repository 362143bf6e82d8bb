//! The remote-access tells (RFB banner, RDP X.224 cookie, SSH banner,
//! TeamViewer framing over TCP and UDP): the first byte picks the server
//! port and bit 7 of it UDP; the chunks (see `rmmguard_fuzz::chunks`) are
//! the conversation.
#![no_main]
use libfuzzer_sys::fuzz_target;

const PORTS: [u16; 8] = [5900, 3389, 22, 5938, 7070, 6568, 40_000, 8041];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let port = PORTS[usize::from(selector & 7)];
    let chunks = rmmguard_fuzz::chunks(rest);
    let packets = if selector & 0x80 == 0 {
        rmmguard_fuzz::tcp_conversation(port, &chunks)
    } else {
        rmmguard_fuzz::udp_conversation(port, &chunks)
    };
    rmmguard_fuzz::read_capture(&rmmguard_fuzz::pcap(rmmguard_fuzz::LINK_RAW, &packets));
});
