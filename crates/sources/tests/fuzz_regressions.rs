//! Inputs the fuzz targets (`fuzz/`, see `docs/FUZZING.md`) found to crash
//! or misread a reader, kept as tests through the public entry point.

use rmmguard_events::{EventKind, Mail};
use rmmguard_sources::{Format, ReadContext, read_bytes};

fn read_mail(raw: &str) -> Mail {
    let mut mails = Vec::new();
    let stats = read_bytes(
        Format::Eml,
        "fuzz.eml",
        raw.as_bytes(),
        &ReadContext::default(),
        &mut |event| {
            if let EventKind::Mail(mail) = event.kind {
                mails.push(*mail);
            }
        },
    );
    assert_eq!(stats.skipped, 0, "{:?}", stats.diagnostics);
    assert_eq!(mails.len(), 1);
    mails.remove(0)
}

fn html_mail(html: &str) -> String {
    format!(
        "From: a@b.example\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n"
    )
}

/// `mail_html` target: after a bare `='x'` in a tag the scanner stepped one
/// more byte, into the middle of `é` (a panic on slicing).
#[test]
fn html_attribute_without_a_name_before_a_multibyte_character() {
    let mail = read_mail(&html_mail("<p ='x'\u{e9}>Call +1 (845) 555-0139</p>"));
    assert_eq!(mail.body.trim(), "Call +1 (845) 555-0139");
}

/// The same step skipped the tag's `>` when the value ended the tag, and
/// the text after it was read as attributes and lost.
#[test]
fn html_attribute_without_a_name_ending_the_tag_keeps_the_text() {
    let mail = read_mail(&html_mail("<p ='x'>Call us</p><p>now</p>"));
    assert_eq!(mail.body.trim(), "Call us\n\nnow");
}
