//! EVTX bytes (a file header and chunks) through the chunk reader.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_sources::{Format, ReadContext, read_bytes};

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"ElfFile\0".to_vec();
    bytes.resize(4096, 0);
    bytes.extend_from_slice(data);
    read_bytes(
        Format::Evtx,
        "fuzz.evtx",
        &bytes,
        &ReadContext::default(),
        &mut |_| {},
    );
});
