//! Calendar invitations: the input is the `.ics` text, attached to a
//! message, so line unfolding, escapes and the event fields are read.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_sources::{Format, ReadContext, read_bytes};

fuzz_target!(|data: &[u8]| {
    rmmguard_fuzz::leave_pdf_panics_to_the_reader();
    let message = rmmguard_fuzz::mime::message_with_part(
        "text/calendar; method=REQUEST; charset=utf-8",
        Some("invite.ics"),
        data,
    );
    read_bytes(
        Format::Eml,
        "fuzz.eml",
        &message,
        &ReadContext::default(),
        &mut |_| {},
    );
});
