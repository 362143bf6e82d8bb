//! Hostile mail, built by the test itself: a DOCX whose document inflates to
//! 1 GiB (declared honestly, and declared as 1 KB), 10 000 nested
//! multiparts, a truncated PDF, a 50 MB header line, and invalid charsets.
//! Each is an explained diagnostic with its file and offset; the messages
//! around them are still read; and memory stays bounded (the peak resident
//! size is checked at the end: inflating the bomb, or buffering the header
//! line twice, would blow through it). One test, so nothing else runs in
//! this process while the peak is measured.

use std::fs;
use std::io::Write;
use std::path::Path;

use rmmguard_events::{AttachmentKind, EventKind, Mail};
use rmmguard_sources::{DiagnosticLevel, Event, FileStats, ReadContext, discover, plan, read_unit};

/// Reads every input under `dir`: events and per-file stats, by file name.
fn read_all(dir: &Path) -> (Vec<Event>, Vec<(String, FileStats)>) {
    let discovery = discover(&[dir.to_path_buf()]).expect("discover");
    assert!(discovery.skipped.is_empty(), "{:?}", discovery.skipped);
    let mut events = Vec::new();
    let mut stats: Vec<(String, FileStats)> = discovery
        .inputs
        .iter()
        .map(|i| {
            (
                i.path.file_name().unwrap().to_string_lossy().into_owned(),
                FileStats::default(),
            )
        })
        .collect();
    for unit in plan(&discovery.inputs, 1 << 20) {
        let input = &discovery.inputs[unit.input];
        let unit_stats = read_unit(input, &unit, &ReadContext::default(), &mut |event| {
            events.push(event)
        });
        stats[unit.input].1.merge(unit_stats);
    }
    (events, stats)
}

fn mail(event: &Event) -> &Mail {
    match &event.kind {
        EventKind::Mail(mail) => mail,
        other => panic!("not mail: {other:?}"),
    }
}

fn messages_of(stats: &[(String, FileStats)], name: &str) -> Vec<(DiagnosticLevel, u64, String)> {
    let (_, stats) = stats.iter().find(|(n, _)| n == name).expect(name);
    stats
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.level,
                d.source.location.offset().unwrap_or(u64::MAX),
                d.message.clone(),
            )
        })
        .collect()
}

/// A peak-memory reading of this process, in KiB (Linux; 0 elsewhere).
fn peak_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

const HEADERS: &str = "From: \"Sender\" <sender@example.net>\r\nTo: victim@corp.example\r\nDate: Tue, 1 Jul 2025 10:00:00 +0000\r\n";

/// A raw deflate stream of `mib` MiB of zeros, about 1 KB per MiB: one
/// compressed MiB, full-flushed so it can be repeated.
fn zeros_deflated(mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0u8; 1 << 20];
    let mut compress = Compress::new(Compression::best(), false);
    let chunk = |compress: &mut Compress, input: &[u8], flush| {
        let mut out = Vec::with_capacity(64 << 10);
        compress
            .compress_vec(input, &mut out, flush)
            .expect("deflate");
        out
    };
    let first = chunk(&mut compress, &zeros, FlushCompress::Full);
    let steady = chunk(&mut compress, &zeros, FlushCompress::Full);
    assert_eq!(
        steady,
        chunk(&mut compress, &zeros, FlushCompress::Full),
        "full flushes repeat"
    );
    let mut stream = first;
    for _ in 1..mib {
        stream.extend_from_slice(&steady);
    }
    stream.extend(chunk(&mut compress, &[], FlushCompress::Finish));
    stream
}

/// A ZIP with one deflated entry, declaring `declared` bytes uncompressed.
fn zip_one(name: &str, deflated: &[u8], declared: u32) -> Vec<u8> {
    let mut zip = Vec::new();
    let header = |zip: &mut Vec<u8>, central: bool| {
        zip.extend_from_slice(if central {
            b"PK\x01\x02"
        } else {
            b"PK\x03\x04"
        });
        if central {
            zip.extend_from_slice(&20u16.to_le_bytes());
        }
        for field in [20u16, 0, 8, 0, 0x21] {
            zip.extend_from_slice(&field.to_le_bytes());
        }
        zip.extend_from_slice(&0u32.to_le_bytes()); // CRC: never reached
        zip.extend_from_slice(&(deflated.len() as u32).to_le_bytes());
        zip.extend_from_slice(&declared.to_le_bytes());
        zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        if central {
            zip.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
            zip.extend_from_slice(&0u32.to_le_bytes()); // external attributes
            zip.extend_from_slice(&0u32.to_le_bytes()); // local header offset
        }
        zip.extend_from_slice(name.as_bytes());
    };
    header(&mut zip, false);
    zip.extend_from_slice(deflated);
    let central_start = zip.len();
    header(&mut zip, true);
    let central_len = zip.len() - central_start;
    zip.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0");
    zip.extend_from_slice(&(central_len as u32).to_le_bytes());
    zip.extend_from_slice(&(central_start as u32).to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for j in 0..4 {
            out.push(if j <= chunk.len() {
                char::from(ALPHABET[((n >> (18 - 6 * j)) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

fn with_attachment(subject: &str, name: &str, content_type: &str, bytes: &[u8]) -> String {
    format!(
        "{HEADERS}Subject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n\
         --b\r\nContent-Type: {content_type}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        base64(bytes)
    )
}

/// A small valid one-page PDF with a line of text.
fn small_pdf() -> Vec<u8> {
    let content = "BT /F1 12 Tf 56 760 Td (Renewal invoice: call +1 (803) 555-0142) Tj ET\n";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    pdf
}

#[test]
fn hostile_mail_is_explained_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();

    // 1 GiB of zeros as word/document.xml, declared honestly and declared as 1 KB.
    let deflated = zeros_deflated(1024);
    assert!(
        deflated.len() < 2 << 20,
        "the bomb is small: {} bytes",
        deflated.len()
    );
    let honest = zip_one("word/document.xml", &deflated, 1 << 30);
    let liar = zip_one("word/document.xml", &deflated, 1024);
    let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    fs::write(
        root.join("bomb-declared.eml"),
        with_attachment("Invoice", "invoice.docx", docx, &honest),
    )
    .unwrap();
    fs::write(
        root.join("bomb-lying.eml"),
        with_attachment("Invoice", "invoice.docx", docx, &liar),
    )
    .unwrap();
    drop((deflated, honest, liar));

    // 10 000 nested multiparts, between two good messages in one mbox.
    let mut nested =
        format!("{HEADERS}Subject: nest\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n");
    for i in 1..10_000 {
        nested.push_str(&format!(
            "--b{}\r\nContent-Type: multipart/mixed; boundary=b{i}\r\n\r\n",
            i - 1
        ));
    }
    let good = format!("{HEADERS}Subject: fine\r\n\r\nAll good.\r\n");
    let mbox = format!(
        "From a Tue Jul  1 10:00:00 2025\n{good}\nFrom b Tue Jul  1 10:00:00 2025\n{nested}\nFrom c Tue Jul  1 10:00:00 2025\n{good}"
    );
    let nested_offset = mbox.find("From b").unwrap() as u64;
    fs::write(root.join("nested.mbox"), &mbox).unwrap();

    // A truncated PDF (and, for contrast, the whole one).
    let pdf = small_pdf();
    fs::write(
        root.join("pdf-truncated.eml"),
        with_attachment(
            "Invoice",
            "invoice.pdf",
            "application/pdf",
            &pdf[..pdf.len() / 2],
        ),
    )
    .unwrap();
    fs::write(
        root.join("pdf-whole.eml"),
        with_attachment("Invoice", "invoice.pdf", "application/pdf", &pdf),
    )
    .unwrap();

    // A 50 MB header line, streamed to disk.
    {
        let mut file = fs::File::create(root.join("long-header.eml")).unwrap();
        write!(file, "{HEADERS}Subject: long\r\nX-Padding: ").unwrap();
        let block = vec![b'a'; 1 << 20];
        for _ in 0..50 {
            file.write_all(&block).unwrap();
        }
        write!(file, "\r\nMIME-Version: 1.0\r\n\r\nThe body survives.\r\n").unwrap();
    }

    // Invalid charsets: an unknown one, bytes that are not UTF-8 under utf-8,
    // and an encoded word with a made-up charset.
    let mut charsets = format!("{HEADERS}Subject: =?x-bogus-42?B?w6nDqMOg?= and =?utf-8?Q?caf=FF?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"c\"\r\n\r\n").into_bytes();
    charsets.extend_from_slice(b"--c\r\nContent-Type: text/plain; charset=x-unknown-charset-42\r\nContent-Transfer-Encoding: 8bit\r\n\r\nbad \xff\xfe\x80 bytes\r\n");
    charsets.extend_from_slice(b"--c\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nmore =C3=28 =FF=FE broken\r\n--c--\r\n");
    fs::write(root.join("charsets.eml"), charsets).unwrap();

    let before = peak_kib();
    let (events, stats) = read_all(root);
    let peak = peak_kib();

    // The bombs: the messages are read, the documents are refused with the reason.
    for (name, reason) in [
        ("bomb-declared.eml", "declares 1073741824 bytes"),
        ("bomb-lying.eml", "inflates past"),
    ] {
        let diagnostics = messages_of(&stats, name);
        assert!(
            diagnostics.iter().any(
                |(level, offset, message)| *level == DiagnosticLevel::Warning
                    && *offset == 0
                    && message.contains(reason)
                    && message.contains("decompression bomb")
            ),
            "{name}: {diagnostics:?}"
        );
    }
    let bombs: Vec<&Mail> = events
        .iter()
        .map(mail)
        .filter(|m| m.attachments.iter().any(|a| a.kind == AttachmentKind::Docx))
        .collect();
    assert_eq!(bombs.len(), 2);
    assert!(
        bombs
            .iter()
            .all(|m| m.attachments[0].text.is_none() && m.attachments[0].note.is_some())
    );

    // The nesting bomb is skipped at its offset; its neighbours are read.
    let nested = messages_of(&stats, "nested.mbox");
    assert_eq!(nested.len(), 1, "{nested:?}");
    assert_eq!(nested[0].0, DiagnosticLevel::Error);
    assert_eq!(nested[0].1, nested_offset);
    assert!(
        nested[0].2.contains("10000 multipart containers"),
        "{nested:?}"
    );
    let (_, nested_stats) = stats.iter().find(|(n, _)| n == "nested.mbox").unwrap();
    assert_eq!(
        (
            nested_stats.records,
            nested_stats.events,
            nested_stats.skipped
        ),
        (3, 2, 1)
    );

    // The truncated PDF is explained; the whole one gives its text.
    let truncated = messages_of(&stats, "pdf-truncated.eml");
    assert!(
        truncated
            .iter()
            .any(|(_, _, m)| m.contains("invoice.pdf") && m.contains("PDF")),
        "{truncated:?}"
    );
    let whole = events.iter().map(mail).find(|m| {
        m.attachments
            .iter()
            .any(|a| a.text.as_deref().is_some_and(|t| t.contains("555-0142")))
    });
    assert!(whole.is_some(), "the valid PDF's text is read");

    // The long header line is dropped as it streams by; the body is intact.
    let long = messages_of(&stats, "long-header.eml");
    assert!(
        long.iter()
            .any(|(level, _, m)| *level == DiagnosticLevel::Warning
                && m.contains("header line of 52428813 bytes")),
        "{long:?}"
    );
    let body = events
        .iter()
        .map(mail)
        .find(|m| m.subject.as_deref() == Some("long"))
        .expect("long-header message");
    assert_eq!(body.body.trim(), "The body survives.");

    // Invalid charsets decode lossily, without a diagnostic.
    let odd = events
        .iter()
        .map(mail)
        .find(|m| m.body.contains("broken"))
        .expect("charset message");
    assert!(odd.body.contains("bad"), "{:?}", odd.body);
    assert!(messages_of(&stats, "charsets.eml").is_empty());

    // 7 files, 9 messages, 8 events (the nesting bomb is the skip).
    assert_eq!(events.len(), 8);
    // Bounded: the test's own buffers (the 50 MB line was streamed) plus
    // one message at a time; inflating the bomb would take a GiB.
    eprintln!(
        "peak resident memory: {} MiB before reading, {} MiB after",
        before >> 10,
        peak >> 10
    );
    if peak > 0 {
        assert!(peak < 256 << 10, "peak resident memory {} MiB", peak >> 10);
    }
}
