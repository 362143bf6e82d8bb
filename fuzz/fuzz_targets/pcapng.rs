//! pcapng files (section headers, interface descriptions, enhanced and
//! simple packet blocks, either byte order) through the capture reader.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rmmguard_fuzz::read_capture(data);
});
