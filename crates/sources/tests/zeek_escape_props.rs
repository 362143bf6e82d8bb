//! Property tests: `\xHH` escapes in Zeek TSV logs, through the reader.
//!
//! * Round trip: any bytes, escaped as Zeek's ASCII writer escapes them
//!   (non-printable and non-ASCII bytes, the separators and backslash as
//!   `\xHH`, backslash also as `\\`), read back as the original text (lossy
//!   UTF-8, as the reader documents) in a DNS query and in a set of answers.
//! * Any cell text: the reader decodes exactly the well-formed escapes (a
//!   backslash, `x` and two hex digits, or a doubled backslash) and leaves
//!   everything else as written.

use proptest::prelude::*;
use rmmguard_events::EventKind;
use rmmguard_sources::{Format, ReadContext, read_bytes};

/// Escapes bytes as Zeek's ASCII writer does; `doubled` writes a backslash
/// as `\\` instead of `\x5c`.
fn escape(bytes: &[u8], doubled: bool) -> String {
    let mut out = String::new();
    for &byte in bytes {
        match byte {
            b'\\' if doubled => out.push_str("\\\\"),
            b'\\' | b',' | b'\t' | 0..=0x1f | 0x7f..=0xff => {
                out.push_str(&format!("\\x{byte:02x}"))
            }
            _ => out.push(char::from(byte)),
        }
    }
    out
}

/// A reference decoder written from the rule: `\xHH` with two hex digits
/// is one byte, `\\` one backslash, anything else is itself.
fn reference_unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i..] {
            [b'\\', b'x', high, low, ..] if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                let hex = [high, low];
                let hex = std::str::from_utf8(&hex).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 4;
            }
            [b'\\', b'\\', ..] => {
                out.push(b'\\');
                i += 2;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A one-record Zeek dns.log with these raw `query` and `answers` cells.
fn dns_log(query: &str, answers: &str) -> String {
    format!(
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n\
         #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n\
         #types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tvector[string]\n\
         1714564800.000000\tC1\t10.0.0.7\t5353\t10.0.0.1\t53\tudp\t{query}\t{answers}\n"
    )
}

/// The query and answers of the log's one DNS event, if it gave one.
fn read_dns(log: &str) -> Option<(String, Vec<String>)> {
    let mut found = None;
    let stats = read_bytes(
        Format::ZeekTsv,
        "dns.log",
        log.as_bytes(),
        &ReadContext::default(),
        &mut |event| {
            if let EventKind::DnsQuery(dns) = event.kind {
                found = Some((dns.query, dns.answers));
            }
        },
    );
    assert_eq!(stats.skipped, 0, "{:?}", stats.diagnostics);
    found
}

/// What the reader makes of a query: lower-cased, without trailing dots.
fn as_query(text: &str) -> String {
    text.trim_end_matches('.').to_lowercase()
}

/// A cell the reader takes as a value (not empty, not the unset or empty markers).
fn is_value(cell: &str) -> bool {
    !cell.is_empty() && cell != "-" && cell != "(empty)"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn escaped_bytes_read_back_as_written(
        query in proptest::collection::vec(any::<u8>(), 1..40),
        answers in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..12), 1..4),
        doubled in any::<bool>(),
    ) {
        let query_cell = escape(&query, doubled);
        let answer_cells: Vec<String> = answers.iter().map(|a| escape(a, doubled)).collect();
        let expected_query = as_query(&String::from_utf8_lossy(&query));
        prop_assume!(is_value(&query_cell) && !expected_query.is_empty());
        prop_assume!(answer_cells.iter().all(|cell| is_value(cell)));
        let log = dns_log(&query_cell, &answer_cells.join(","));
        let (read_query, read_answers) = read_dns(&log).expect("one DNS event");
        prop_assert_eq!(read_query, expected_query);
        let expected_answers: Vec<String> =
            answers.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        prop_assert_eq!(read_answers, expected_answers);
    }

    #[test]
    fn only_well_formed_escapes_are_decoded(
        cell in "([a-f0-9+ x.-]|\\\\|\\\\x|\\\\x[0-9a-fA-F+-][0-9a-fA-F+ ]){1,12}",
    ) {
        prop_assume!(is_value(&cell));
        let expected = as_query(&reference_unescape(&cell));
        prop_assume!(!expected.is_empty());
        let (read_query, _) = read_dns(&dns_log(&cell, "-")).expect("one DNS event");
        prop_assert_eq!(read_query, expected, "cell {:?}", cell);
    }
}

/// Found by `only_well_formed_escapes_are_decoded`: `\x+0` was decoded as
/// a NUL byte, because the hex parser takes a leading sign.
#[test]
fn an_escape_needs_two_hex_digits() {
    let (query, answers) = read_dns(&dns_log("a\\x+0b\\x+fc", "\\x+1,\\x41")).unwrap();
    assert_eq!(query, "a\\x+0b\\x+fc");
    assert_eq!(answers, ["\\x+1", "A"]);
}

#[test]
fn the_escaper_and_the_reference_decoder_agree_on_examples() {
    assert_eq!(
        escape(b"a\\b,c\td\x01\xe9", false),
        "a\\x5cb\\x2cc\\x09d\\x01\\xe9"
    );
    assert_eq!(escape(b"a\\b", true), "a\\\\b");
    assert_eq!(
        reference_unescape("www.ex\\x09ample.com"),
        "www.ex\tample.com"
    );
    assert_eq!(reference_unescape("a\\\\b\\xzz\\x+f"), "a\\b\\xzz\\x+f");
}
