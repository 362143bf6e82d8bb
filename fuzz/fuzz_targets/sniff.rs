//! Format sniffing on arbitrary file heads.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = rmmguard_sources::sniff(data);
});
