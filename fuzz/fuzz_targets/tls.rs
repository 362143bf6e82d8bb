//! TLS over TCP: the chunks (see `rmmguard_fuzz::chunks`) are the two
//! directions of a connection to port 443, so records, handshake messages,
//! hello extensions, JA3/JA3S/JA4 and the server certificate are read.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let chunks = rmmguard_fuzz::chunks(data);
    let packets = rmmguard_fuzz::tcp_conversation(443, &chunks);
    rmmguard_fuzz::read_capture(&rmmguard_fuzz::pcap(rmmguard_fuzz::LINK_RAW, &packets));
});
