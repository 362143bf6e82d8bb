//! DOCX attachments: the input is the document (a zip), attached to a
//! message, so the zip reader, its limits and the XML text pass run on it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_sources::{Format, ReadContext, read_bytes};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fuzz_target!(|data: &[u8]| {
    rmmguard_fuzz::leave_pdf_panics_to_the_reader();
    let message = rmmguard_fuzz::mime::message_with_part(DOCX, Some("invoice.docx"), data);
    read_bytes(
        Format::Eml,
        "fuzz.eml",
        &message,
        &ReadContext::default(),
        &mut |_| {},
    );
});
