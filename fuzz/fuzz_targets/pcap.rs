//! Classic pcap files (any byte order, micro- or nanosecond stamps, any
//! link type) through the capture reader and everything behind it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rmmguard_fuzz::read_capture(data);
});
