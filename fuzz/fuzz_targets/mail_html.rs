//! Mail HTML: the input is an inline `text/html` part, so the tag scanner,
//! entities, hidden elements and link extraction run on it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_sources::{Format, ReadContext, read_bytes};

fuzz_target!(|data: &[u8]| {
    rmmguard_fuzz::leave_pdf_panics_to_the_reader();
    let message = rmmguard_fuzz::mime::message_with_part("text/html; charset=utf-8", None, data);
    read_bytes(
        Format::Eml,
        "fuzz.eml",
        &message,
        &ReadContext::default(),
        &mut |_| {},
    );
});
