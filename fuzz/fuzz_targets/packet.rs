//! The packet decoder: the first byte picks a link type (Ethernet, Linux
//! SLL and SLL2, raw IP, BSD loopback, an unknown one); the rest is cut
//! into packets (see `rmmguard_fuzz::chunks`) of one capture.
#![no_main]
use libfuzzer_sys::fuzz_target;

const LINKS: [u32; 8] = [1, 113, 276, 101, 0, 12, 108, 147];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let link = LINKS[usize::from(selector) % LINKS.len()];
    let packets: Vec<Vec<u8>> = rmmguard_fuzz::chunks(rest)
        .iter()
        .map(|chunk| chunk.bytes.to_vec())
        .collect();
    rmmguard_fuzz::read_capture(&rmmguard_fuzz::pcap(link, &packets));
});
