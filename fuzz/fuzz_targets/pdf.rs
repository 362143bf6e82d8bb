//! PDF attachments: the input is the PDF, attached to a message, so the
//! bomb pre-scan, the page-tree checks and the text extraction run on it.
//!
//! The PDF reader runs `pdf-extract` on its own thread under
//! `catch_unwind` by design; libFuzzer's panic hook would abort on those
//! caught panics, so panics on that thread are left to the reader here,
//! and any other panic still aborts (a crash).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_sources::{Format, ReadContext, read_bytes};

fuzz_target!(|data: &[u8]| {
    rmmguard_fuzz::leave_pdf_panics_to_the_reader();
    let message =
        rmmguard_fuzz::mime::message_with_part("application/pdf", Some("invoice.pdf"), data);
    read_bytes(
        Format::Eml,
        "fuzz.eml",
        &message,
        &ReadContext::default(),
        &mut |_| {},
    );
});
