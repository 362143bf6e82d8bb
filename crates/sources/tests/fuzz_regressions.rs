//! Inputs the fuzz targets (`fuzz/`, see `docs/FUZZING.md`) found to crash
//! or misread a reader, kept as tests through the public entry point.

use rmmguard_events::{EventKind, Mail};
use rmmguard_sources::{Format, NetScreen, Prefilter, ReadContext, read_bytes};

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

/// `eml` target: telling HTML from plain text looks at the first 4 KiB,
/// and cut a character in two when byte 4096 fell inside one (a panic).
#[test]
fn plain_text_body_with_a_character_across_the_4_kib_mark() {
    let body = format!("{}\u{e9}t\u{e9}", "a".repeat(4095));
    let mail = read_mail(&format!(
        "From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ));
    assert_eq!(mail.body.trim(), body);
}

/// `zeek_tsv` target: a `#fields` line naming `query` twice counted as one
/// column fewer, so a record one cell short was accepted and the screen
/// read `query` past the record's last cell (a debug assertion; in release
/// the field was missing). Now every name is a column.
#[test]
fn zeek_tsv_header_repeating_a_field_name_counts_every_column() {
    let log = "#separator \\x09\n#path\tdns\n#fields\tts\tuid\tquery\tquery\n\
               1714564800.0\tC1\tanydesk.com\n\
               1714564801.0\tC2\tfirst.example\trelay.net.anydesk.com\n";
    let prefilter = Prefilter::new(&["anydesk".to_owned()]).unwrap();
    let screen = NetScreen::default();
    for context in [
        ReadContext::default(),
        ReadContext {
            prefilter: Some(&prefilter),
            screen: Some(&screen),
            ocr: None,
        },
    ] {
        let mut queries = Vec::new();
        let stats = read_bytes(
            Format::ZeekTsv,
            "dns.log",
            log.as_bytes(),
            &context,
            &mut |event| {
                if let EventKind::DnsQuery(dns) = event.kind {
                    queries.push(dns.query);
                }
            },
        );
        assert_eq!(stats.skipped, 1, "{:?}", stats.diagnostics);
        assert!(
            stats.diagnostics[0]
                .message
                .contains("3 fields where the header names 4")
        );
        assert_eq!(queries, ["relay.net.anydesk.com"]);
    }
}

/// `ics` and `docx` targets: LeakSanitizer saw a PDF reader thread that had
/// sent its answer still alive (tearing down its thread-locals) when the
/// message was done. A reader that answered is now joined, so no finished
/// reader outlives the message. (The input is the `ics` target's artifact,
/// a broken PDF.)
#[test]
#[cfg(target_os = "linux")] // Threads are counted in /proc/self/task.
fn a_pdf_reader_that_answered_does_not_outlive_the_message() {
    let pdf = "JVBERi0AcxYAAAAAAAAAADsAAAAAAAAAAA0NADAwNVZDNS0wMTM5DQpEKzIgKDg0NSkxNWc=";
    let raw = format!(
        "From: a@b.example\r\nSubject: invoice\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nSee the invoice.\r\n\
         --b\r\nContent-Type: application/pdf; name=\"invoice.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{pdf}\r\n--b--\r\n"
    );
    for _ in 0..20 {
        read_bytes(
            Format::Eml,
            "fuzz.eml",
            raw.as_bytes(),
            &ReadContext::default(),
            &mut |_| {},
        );
        let readers = std::fs::read_dir("/proc/self/task")
            .expect("/proc")
            .filter_map(Result::ok)
            .filter(|task| {
                std::fs::read_to_string(task.path().join("comm"))
                    .is_ok_and(|name| name.trim() == "rmmguard-pdf")
            })
            .count();
        assert_eq!(readers, 0, "a finished PDF reader thread is still alive");
    }
}

/// `eml` target: a multipart whose parts hold `message/rfc822` parts cut
/// short made mail-parser 0.11 hit its own `debug_assert!` ("Invalid part
/// ID, could not find multipart"): a panic in debug builds, though release
/// builds recover. The parse is guarded; the message is read or skipped
/// with a reason, never a panic. (The target's artifact, minimized.)
#[test]
fn a_mime_tree_that_trips_the_parsers_assertion_costs_at_most_the_message() {
    let raw = "Fon0\nContent-Type: MULTIPART/MXED;BOUNDARY=\"16819560-2078917053-688350843:#11603\"JSVCbCiUl\n\n\
               --16819560-2078917053-688350843:#11603\nCo3\nContent-Type: MESSAGE/RFC822\nan39\n\nA\n\
               Content-Type: MESSAGE/RFC822\nnt-D e-\n\nYan39\n\n--16819560-2078917053-688350843:#11603--\n";
    let mut mails = 0;
    let stats = read_bytes(
        Format::Eml,
        "fuzz.eml",
        raw.as_bytes(),
        &ReadContext::default(),
        &mut |_| mails += 1,
    );
    assert_eq!(mails + stats.skipped, 1, "{:?}", stats.diagnostics);
}
