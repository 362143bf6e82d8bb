//! JSON lines of Windows events in any shipper's shape.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_sources::{Format, ReadContext, read_bytes};

fuzz_target!(|data: &[u8]| {
    read_bytes(
        Format::EventJson,
        "fuzz.jsonl",
        data,
        &ReadContext::default(),
        &mut |_| {},
    );
});
