//! mbox files: `From ` framing (and its escapes), then each message.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_sources::{Format, ReadContext, read_bytes};

fuzz_target!(|data: &[u8]| {
    // A PDF attachment's extraction panics are caught by the reader (see pdf.rs).
    rmmguard_fuzz::leave_pdf_panics_to_the_reader();
    read_bytes(
        Format::Mbox,
        "fuzz.mbox",
        data,
        &ReadContext::default(),
        &mut |_| {},
    );
});
