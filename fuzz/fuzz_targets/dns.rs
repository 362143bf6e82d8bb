//! DNS messages: the first byte's bit 0 picks UDP (one message per chunk)
//! or TCP (the chunks are the two directions of a stream of length-prefixed
//! messages), both to port 53 (see `rmmguard_fuzz::chunks`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let chunks = rmmguard_fuzz::chunks(rest);
    let packets = if selector & 1 == 0 {
        rmmguard_fuzz::udp_conversation(53, &chunks)
    } else {
        rmmguard_fuzz::tcp_conversation(53, &chunks)
    };
    rmmguard_fuzz::read_capture(&rmmguard_fuzz::pcap(rmmguard_fuzz::LINK_RAW, &packets));
});
