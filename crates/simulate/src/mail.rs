//! Mail evidence with ground truth: callback-phishing lures (the number in
//! the body, only in a PDF invoice, or only in a calendar invitation) and
//! benign mail (a genuine renewal notice from the brand's own domain with its
//! support line, shipping notices, colleagues' mail with a phone number in
//! the signature, newsletters full of links), as `.eml` files or one mbox.
//!
//! The PDF is assembled by hand (one page, Helvetica, the lure as text
//! lines) so the generator needs no PDF library; the invitation is an
//! iCalendar object with folded lines. Everything is deterministic per seed.
//!
//! ```no_run
//! use rmmguard_simulate::mail::{Delivery, LureSpec, write_lure};
//!
//! let spec = LureSpec::new("Geek Squad", "+1 (803) 555-0142", "victim@corp.example")
//!     .with_delivery(Delivery::Pdf);
//! let path = write_lure(std::path::Path::new("out"), &spec)?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::rng::Rng;

/// Where a lure puts its phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// In the body (HTML and plain text).
    Body,
    /// Only in an attached one-page PDF invoice; the body is a line.
    Pdf,
    /// Only in a calendar invitation (`text/calendar` and `invite.ics`).
    Calendar,
}

impl Delivery {
    /// Lower-case name (`body`, `pdf`, `calendar`).
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Body => "body",
            Delivery::Pdf => "pdf",
            Delivery::Calendar => "calendar",
        }
    }
}

/// A callback lure to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LureSpec {
    /// The impersonated brand (`Norton`, `Geek Squad`, …).
    pub brand: String,
    /// The number as written in the lure (`+1 (803) 555-0100`).
    pub phone: String,
    /// The amount charged (`$399.99`).
    pub amount: String,
    /// The recipient's address.
    pub recipient: String,
    /// The sender's address (often freemail).
    pub sender: String,
    /// The sender's display name.
    pub sender_name: String,
    /// Where the number goes.
    pub delivery: Delivery,
    /// The order or invoice number.
    pub order: String,
    /// `Date:` as RFC 2822 (`Tue, 01 Jul 2025 10:00:00 +0000`).
    pub date: String,
    /// `Message-ID:` without brackets.
    pub message_id: String,
}

impl LureSpec {
    /// A body lure from a Gmail sender, with fixed defaults for the rest.
    pub fn new(brand: &str, phone: &str, recipient: &str) -> LureSpec {
        LureSpec {
            brand: brand.to_owned(),
            phone: phone.to_owned(),
            amount: "$399.99".to_owned(),
            recipient: recipient.to_owned(),
            sender: "billing.renewals.team@gmail.com".to_owned(),
            sender_name: format!("{brand} Billing"),
            delivery: Delivery::Body,
            order: "INV-20250701-4471".to_owned(),
            date: "Tue, 01 Jul 2025 10:00:00 +0000".to_owned(),
            message_id: "lure-1@rmmguard.simulate".to_owned(),
        }
    }

    /// The same lure delivered another way.
    pub fn with_delivery(mut self, delivery: Delivery) -> LureSpec {
        self.delivery = delivery;
        self
    }
}

/// What benign mail to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenignKind {
    /// A genuine renewal notice from the brand's own domain, with its support line and links.
    GenuineRenewal,
    /// A shop's shipping notice (order words, no phone).
    Shipping,
    /// A colleague's note with a phone number in the signature.
    Colleague,
    /// A newsletter with many links.
    Newsletter,
}

/// Benign mail to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenignSpec {
    /// Which kind.
    pub kind: BenignKind,
    /// The recipient's address.
    pub recipient: String,
    /// `Date:` as RFC 2822.
    pub date: String,
    /// `Message-ID:` without brackets.
    pub message_id: String,
}

impl BenignSpec {
    /// Benign mail of a kind, with fixed defaults.
    pub fn new(kind: BenignKind, recipient: &str) -> BenignSpec {
        BenignSpec {
            kind,
            recipient: recipient.to_owned(),
            date: "Tue, 01 Jul 2025 09:00:00 +0000".to_owned(),
            message_id: "benign-1@rmmguard.simulate".to_owned(),
        }
    }
}

/// Writes a lure as `<dir>/<message id>.eml`; returns its path.
///
/// # Errors
///
/// The file system's.
pub fn write_lure(dir: &Path, spec: &LureSpec) -> io::Result<PathBuf> {
    write_eml(dir, &spec.message_id, &lure_message(spec))
}

/// Writes benign mail as `<dir>/<message id>.eml`; returns its path.
///
/// # Errors
///
/// The file system's.
pub fn write_benign(dir: &Path, spec: &BenignSpec) -> io::Result<PathBuf> {
    write_eml(dir, &spec.message_id, &benign_message(spec))
}

fn write_eml(dir: &Path, id: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let name: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("{name}.eml"));
    fs::write(&path, bytes)?;
    Ok(path)
}

/// The raw message of a lure (RFC 5322, CRLF line ends).
pub fn lure_message(spec: &LureSpec) -> Vec<u8> {
    let lines = lure_lines(spec);
    let headers = headers(
        &format!("\"{}\" <{}>", spec.sender_name, spec.sender),
        &spec.recipient,
        &format!("{} subscription renewal {}", spec.brand, spec.order),
        &spec.date,
        &spec.message_id,
    );
    let boundary = format!(
        "=_rmmguard_{}",
        spec.order.replace(|c: char| !c.is_ascii_alphanumeric(), "")
    );
    let mut out = headers;
    match spec.delivery {
        Delivery::Body => {
            let html = format!(
                "<html><body><p><b>{}</b></p>{}</body></html>",
                spec.brand,
                lines
                    .iter()
                    .map(|l| format!("<p>{l}</p>"))
                    .collect::<String>()
            );
            out.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n"
            ));
            out.push_str(&format!(
                "--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
                lines.join("\r\n")
            ));
            out.push_str(&format!(
                "--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n"
            ));
            out.push_str(&format!("--{boundary}--\r\n"));
            out.into_bytes()
        }
        Delivery::Pdf => {
            let pdf = one_page_pdf(&lines);
            out.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
            ));
            out.push_str(&format!("--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease review the attached document.\r\n"));
            out.push_str(&format!(
                "--{boundary}\r\nContent-Type: application/pdf; name=\"{order}.pdf\"\r\nContent-Disposition: attachment; filename=\"{order}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                base64(&pdf),
                order = spec.order
            ));
            out.push_str(&format!("--{boundary}--\r\n"));
            out.into_bytes()
        }
        Delivery::Calendar => {
            let ics = invitation(spec, &lines);
            out.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
            ));
            out.push_str(&format!("--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYou have been invited to an event.\r\n"));
            out.push_str(&format!("--{boundary}\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\n{ics}\r\n"));
            out.push_str(&format!(
                "--{boundary}\r\nContent-Type: application/ics; name=\"invite.ics\"\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                base64(ics.as_bytes())
            ));
            out.push_str(&format!("--{boundary}--\r\n"));
            out.into_bytes()
        }
    }
}

/// The lure's text, one paragraph per line (rmmguard's own wording).
fn lure_lines(spec: &LureSpec) -> Vec<String> {
    vec![
        "Hello,".to_owned(),
        format!(
            "Thank you for staying with {}. Your membership renewed today and {} has been charged to your account.",
            spec.brand, spec.amount
        ),
        format!(
            "Invoice number: {}. Plan: Total Protection, 3 devices, 2 years.",
            spec.order
        ),
        format!(
            "Did not approve this renewal? To cancel and get a refund, call our billing desk at {} within 24 hours.",
            spec.phone
        ),
        format!("{} Customer Care", spec.brand),
    ]
}

/// The raw message of benign mail.
pub fn benign_message(spec: &BenignSpec) -> Vec<u8> {
    let (from, subject, body) = match spec.kind {
        BenignKind::GenuineRenewal => (
            "\"Norton\" <no-reply@norton.com>",
            "Your Norton subscription has renewed",
            (0..12)
                .map(|i| format!("<p><a href=\"https://my.norton.com/account/section{i}\">Manage section {i}</a></p>"))
                .chain([
                    "<p>Your Norton 360 subscription renewed and $99.99 was charged. Your invoice is in your account.</p>".to_owned(),
                    "<p>Questions? Contact Norton Support at 1-844-555-0140.</p>".to_owned(),
                ])
                .collect::<String>(),
        ),
        BenignKind::Shipping => (
            "\"Parts Shop\" <orders@parts-shop.example>",
            "Your order has shipped",
            "<p>Your order 112-4481 has shipped and will arrive Thursday. <a href=\"https://parts-shop.example/track/112-4481\">Track it</a>.</p><p>Payment received: $42.10.</p>".to_owned(),
        ),
        BenignKind::Colleague => (
            "\"Dana Whitfield\" <dana.whitfield@corp.example>",
            "Notes from today's planning meeting",
            "<p>Hi all, notes are in the shared folder. The budget review moved to Friday.</p><p>Dana Whitfield<br>Facilities, Corp Example<br>Call me: +1 (415) 555-0134</p>".to_owned(),
        ),
        BenignKind::Newsletter => (
            "\"Weekly Digest\" <digest@news.example>",
            "This week in security",
            (0..15)
                .map(|i| format!("<p><a href=\"https://news.example/story/{i}\">Story {i}: patch notes and advisories</a></p>"))
                .collect::<String>(),
        ),
    };
    let mut out = headers(from, &spec.recipient, subject, &spec.date, &spec.message_id);
    out.push_str("Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>");
    out.push_str(&body);
    out.push_str("</body></html>\r\n");
    out.into_bytes()
}

fn headers(from: &str, to: &str, subject: &str, date: &str, message_id: &str) -> String {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n"
    )
}

/// A one-page PDF with the lines in 12-point Helvetica.
pub fn one_page_pdf(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 14 TL 56 760 Td\n");
    for line in lines {
        // Long lines wrap at about 80 characters.
        for piece in wrap(line, 80) {
            content.push_str(&format!("({}) Tj T*\n", pdf_escape(&piece)));
        }
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    for word in line.split(' ') {
        let current = out.last().map_or(0, String::len);
        if current > 0 && current + word.len() + 1 > width {
            out.push(String::new());
        }
        if let Some(last) = out.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    out
}

/// A PDF string in WinAnsiEncoding: Latin-1 letters and the euro sign as
/// octal escapes, anything else the font cannot show as `?`.
fn pdf_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            '€' => out.push_str("\\200"),
            '–' => out.push_str("\\226"),
            '—' => out.push_str("\\227"),
            '’' => out.push_str("\\222"),
            '\u{a0}'..='\u{ff}' => out.push_str(&format!("\\{:03o}", u32::from(c))),
            _ => out.push('?'),
        }
    }
    out
}

/// An invitation whose description is the lure.
fn invitation(spec: &LureSpec, lines: &[String]) -> String {
    let mut ics = String::from(
        "BEGIN:VCALENDAR\r\nPRODID:-//rmmguard//simulate//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n",
    );
    ics.push_str(&format!("UID:{}\r\n", spec.message_id));
    ics.push_str("DTSTART:20250702T150000Z\r\nDTEND:20250702T153000Z\r\n");
    ics.push_str(&fold(&format!(
        "ORGANIZER;CN={}:mailto:{}",
        spec.sender_name, spec.sender
    )));
    ics.push_str(&fold(&format!(
        "SUMMARY:{} receipt {} confirmed",
        spec.brand, spec.order
    )));
    let description = lines.join("\\n").replace(',', "\\,").replace(';', "\\;");
    ics.push_str(&fold(&format!("DESCRIPTION:{description}")));
    ics.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    ics
}

/// Folds a content line at 73 octets (RFC 5545 allows 75).
pub(crate) fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 73 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// Standard base64, wrapped at 76 characters with CRLF.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + bytes.len() / 38 + 4);
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
        for (j, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if j <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Brands, numbers and amounts the generated lures draw from. The numbers
/// are in the 555-0100…0199 range reserved for fiction (they still pass
/// libphonenumber's validation, as real lures' numbers do).
const BRANDS: &[&str] = &[
    "Norton",
    "McAfee",
    "Geek Squad",
    "PayPal",
    "Microsoft Defender",
    "Coinbase",
];
const PHONES: &[&str] = &[
    "+1 (803) 555-0142",
    "1 (888) 555-0177",
    "(845) 555-0119",
    "+1 865-555-0163",
    "1 810 555 0108",
];
const AMOUNTS: &[&str] = &["$299.99", "$399.99", "$449.00", "$489.95", "USD 521.40"];

/// What a generated mailbox holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MboxSummary {
    /// Messages written.
    pub messages: u64,
    /// Of which lures (body, PDF, calendar).
    pub lures: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// Writes an mbox of `count` messages, one in every `lure_every` a lure
/// (cycling through body, PDF and calendar delivery), the rest benign; the
/// same seed gives the same bytes.
///
/// # Errors
///
/// The file system's.
pub fn write_mbox(path: &Path, seed: u64, count: u64, lure_every: u64) -> io::Result<MboxSummary> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut rng = Rng::new(seed, 0x6d61_696c);
    let mut summary = MboxSummary {
        messages: 0,
        lures: 0,
        bytes: 0,
    };
    let kinds = [
        BenignKind::Colleague,
        BenignKind::Shipping,
        BenignKind::Newsletter,
        BenignKind::GenuineRenewal,
    ];
    for i in 0..count {
        let recipient = format!("user{}@corp.example", rng.below(500));
        let date = format!(
            "Tue, {:02} Jul 2025 {:02}:{:02}:00 +0000",
            1 + i % 28,
            rng.below(24),
            rng.below(60)
        );
        let message_id = format!("{i}.{}@rmmguard.simulate", rng.hex(8));
        let is_lure = lure_every > 0 && i % lure_every == lure_every / 2;
        let message = if is_lure {
            summary.lures += 1;
            let delivery =
                [Delivery::Body, Delivery::Pdf, Delivery::Calendar][(summary.lures % 3) as usize];
            let brand = rng.pick(BRANDS);
            let spec = LureSpec {
                brand: (*brand).to_owned(),
                phone: (*rng.pick(PHONES)).to_owned(),
                amount: (*rng.pick(AMOUNTS)).to_owned(),
                recipient,
                sender: format!("{}.{}@gmail.com", rng.hex(6), rng.below(10_000)),
                sender_name: format!("{brand} Billing"),
                delivery,
                order: order_number(&mut rng),
                date,
                message_id,
            };
            lure_message(&spec)
        } else {
            let kind = *rng.pick(&kinds);
            benign_message(&BenignSpec {
                kind,
                recipient,
                date,
                message_id,
            })
        };
        let separator = "From sender@rmmguard.simulate Tue Jul  1 10:00:00 2025\n";
        out.write_all(separator.as_bytes())?;
        let escaped = escape_from_lines(&message);
        out.write_all(&escaped)?;
        out.write_all(b"\n")?;
        summary.messages += 1;
        summary.bytes += (separator.len() + escaped.len() + 1) as u64;
    }
    out.flush()?;
    Ok(summary)
}

/// A random order number (`INV-C0FFEE1234`) that cannot be read as a phone
/// number: it starts with a letter, so it never holds the ten digits in a
/// row of a North American number. The subject and body carry it, and a
/// PDF or invitation lure must not have a number there (its truth says the
/// number is only in the attachment).
pub(crate) fn order_number(rng: &mut Rng) -> String {
    let letter = char::from(b"ABCDEF"[rng.below(6) as usize]);
    format!("INV-{letter}{}", rng.hex(9).to_uppercase())
}

/// mboxrd quoting: `>` before every line that starts with `>*From `.
fn escape_from_lines(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 16);
    for line in message.split_inclusive(|&b| b == b'\n') {
        let quoted = line.iter().take_while(|&&b| b == b'>').count();
        if line[quoted..].starts_with(b"From ") {
            out.push(b'>');
        }
        out.extend_from_slice(line);
    }
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_never_hold_ten_digits_in_a_row() {
        let mut rng = Rng::new(11, 0);
        for _ in 0..10_000 {
            let order = order_number(&mut rng);
            assert_eq!(order.len(), 14, "{order}");
            let longest = order
                .split(|c: char| !c.is_ascii_digit())
                .map(str::len)
                .max();
            assert!(longest < Some(10), "{order}");
        }
    }

    #[test]
    fn base64_and_folding() {
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"M"), "TQ==");
        let folded = fold(&"x".repeat(100));
        assert!(folded.split("\r\n").all(|line| line.len() <= 75));
        assert_eq!(
            escape_from_lines(b"a\nFrom b\n>From c\n"),
            b"a\n>From b\n>>From c\n"
        );
    }

    #[test]
    fn mailboxes_are_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_mbox(&dir.path().join("a.mbox"), 7, 30, 10).unwrap();
        let b = write_mbox(&dir.path().join("b.mbox"), 7, 30, 10).unwrap();
        assert_eq!(a, b);
        assert_eq!((a.messages, a.lures), (30, 3));
        assert_eq!(
            fs::read(dir.path().join("a.mbox")).unwrap(),
            fs::read(dir.path().join("b.mbox")).unwrap()
        );
    }
}
