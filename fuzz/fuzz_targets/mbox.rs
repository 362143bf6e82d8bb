//! mbox files: `From ` framing (and its escapes), then each message.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_sources::{Format, ReadContext, read_bytes};

fuzz_target!(|data: &[u8]| {
    read_bytes(
        Format::Mbox,
        "fuzz.mbox",
        data,
        &ReadContext::default(),
        &mut |_| {},
    );
});
