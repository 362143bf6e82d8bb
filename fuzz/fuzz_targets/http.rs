//! HTTP/1.x: the chunks (see `rmmguard_fuzz::chunks`) are the two
//! directions of a connection to port 80, so request and response heads,
//! pipelining, bodies and the download sniffing behind them are read.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let chunks = rmmguard_fuzz::chunks(data);
    let packets = rmmguard_fuzz::tcp_conversation(80, &chunks);
    rmmguard_fuzz::read_capture(&rmmguard_fuzz::pcap(rmmguard_fuzz::LINK_RAW, &packets));
});
