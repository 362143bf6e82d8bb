//! One raw message to one `Mail` event: headers (addresses lower-cased,
//! display names and subject normalized), the body a reader sees (the HTML
//! view when there is one, else the plain text), the links in it, and every
//! attachment with the text rmmguard can take from it.

use std::borrow::Cow;

use mail_parser::{
    Addr, Address as ParsedAddress, HeaderValue, Message, MessageParser, MimeHeaders, PartType,
};
use rmmguard_events::{Address, Attachment, AttachmentKind, Mail, Timestamp};

use crate::mail::limits::{
    MAX_ADDRESSES, MAX_ATTACHMENT, MAX_HIDDEN, MAX_LINKS, MAX_MULTIPARTS, MAX_PARTS, MAX_TEXT,
};
use crate::mail::normalize::{clean_line, push_clean};
use crate::mail::ocr::Ocr;
use crate::mail::{auth, docx, html, ics, links, pdf};

/// A message turned into an event, and what the reader should report.
#[derive(Debug)]
pub(crate) struct Converted {
    pub mail: Mail,
    pub timestamp: Option<Timestamp>,
    /// The mailbox owner: `Delivered-To`, `X-Original-To`, or the first `To`.
    pub recipient: Option<String>,
    /// Limits hit and attachments that could not be read.
    pub notes: Vec<String>,
}

/// Parses one message. Errors say why the message was skipped.
pub(crate) fn convert(raw: &[u8], ocr: Option<&Ocr>) -> Result<Converted, String> {
    let containers = multipart_count(raw);
    if containers > MAX_MULTIPARTS {
        return Err(format!(
            "{containers} multipart containers (limit {MAX_MULTIPARTS}): a MIME nesting bomb"
        ));
    }
    // mail-parser asserts on some corrupt MIME trees (a `debug_assert!`,
    // live in debug builds and fuzzing); a parser's panic costs the message,
    // never the run.
    let parsed = std::panic::catch_unwind(|| MessageParser::default().parse(raw))
        .map_err(|_| "the MIME parser failed on this message (a panic, caught)".to_owned())?;
    let message = parsed
        .filter(|message| !message.parts.is_empty())
        .ok_or("no mail headers found")?;
    if message.parts[0].headers.is_empty() {
        return Err("no mail headers found".into());
    }
    let mut builder = Builder {
        ocr,
        ..Builder::default()
    };
    builder.headers(&message);
    builder.content(&message, 0);
    let timestamp = message
        .date()
        .and_then(|date| Timestamp::from_second(date.to_timestamp()).ok());
    let recipient = header_text(&message, "Delivered-To")
        .or_else(|| header_text(&message, "X-Original-To"))
        .map(|value| value.trim_matches(['<', '>', ' ']).to_lowercase())
        .filter(|value| value.contains('@'))
        .or_else(|| builder.mail.to.first().map(|a| a.address.clone()));
    Ok(Converted {
        mail: builder.mail,
        timestamp,
        recipient,
        notes: builder.notes,
    })
}

/// How many `multipart/` content types the raw message declares (any case).
fn multipart_count(raw: &[u8]) -> usize {
    let finder = memchr::memmem::Finder::new(b"ultipart/");
    finder
        .find_iter(raw)
        .filter(|&i| i > 0 && raw[i - 1].eq_ignore_ascii_case(&b'm'))
        .count()
}

fn header_text(message: &Message<'_>, name: &str) -> Option<String> {
    message
        .header_raw(name)
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

#[derive(Default)]
struct Builder<'o> {
    mail: Mail,
    ocr: Option<&'o Ocr>,
    images_read: usize,
    notes: Vec<String>,
    parts_seen: usize,
    body_cut: bool,
}

impl Builder<'_> {
    fn headers(&mut self, message: &Message<'_>) {
        let mail = &mut self.mail;
        mail.message_id = message.message_id().map(|id| id.trim().to_owned());
        mail.from = message.from().and_then(sender);
        mail.reply_to = addresses(message.reply_to());
        mail.return_path = return_path(message.return_path());
        mail.to = addresses(message.to());
        for cc in addresses(message.cc()) {
            if mail.to.len() < MAX_ADDRESSES {
                mail.to.push(cc);
            }
        }
        mail.subject = message
            .subject()
            .map(|subject| clean_line(subject, 4096))
            .filter(|subject| !subject.is_empty());
        mail.in_reply_to = reply_target(message);
        mail.authentication = auth::results(message.headers_raw());
    }

    /// The body and attachments of a message (or of a message inside it).
    fn content(&mut self, message: &Message<'_>, depth: usize) {
        let html_view = message
            .html_body
            .iter()
            .any(|&id| matches!(message.part(id).map(|p| &p.body), Some(PartType::Html(_))));
        let body_ids = if html_view {
            &message.html_body
        } else {
            &message.text_body
        };
        for &id in body_ids {
            if let Some(part) = message.part(id)
                && !is_calendar(part)
            {
                self.body_part(&part.body);
            }
        }
        for (index, part) in message.parts.iter().enumerate() {
            let id = u32::try_from(index).unwrap_or(u32::MAX);
            if body_ids.contains(&id)
                || message.text_body.contains(&id)
                || message.html_body.contains(&id)
            {
                if is_calendar(part) {
                    self.attachment(part);
                }
                continue;
            }
            match &part.body {
                PartType::Multipart(_) => {}
                PartType::Message(nested) if depth < 3 => {
                    if index > 0 {
                        self.content(nested, depth + 1);
                    }
                }
                PartType::Message(_) => {}
                _ => self.attachment(part),
            }
        }
    }

    fn body_part(&mut self, body: &PartType<'_>) {
        let (text, is_html) = match body {
            PartType::Text(text) => (text, html::looks_like_html(text)),
            PartType::Html(text) => (text, true),
            _ => return,
        };
        let text: Cow<'_, str> = if is_html {
            let converted = html::to_text(text, MAX_LINKS);
            self.add_links(converted.links);
            if !converted.hidden.trim().is_empty() {
                push_clean(&mut self.mail.hidden_text, &converted.hidden, MAX_HIDDEN);
                if self.mail.hidden_text.len() < MAX_HIDDEN {
                    self.mail.hidden_text.push('\n');
                }
            }
            Cow::Owned(converted.text)
        } else {
            links::collect(text, &mut self.mail.links, MAX_LINKS);
            Cow::Borrowed(text.as_ref())
        };
        if !self.mail.body.is_empty() {
            self.mail.body.push('\n');
        }
        if !push_clean(&mut self.mail.body, &text, MAX_TEXT) && !self.body_cut {
            self.body_cut = true;
            self.notes
                .push(format!("body text cut at {} KiB", MAX_TEXT >> 10));
        }
    }

    fn add_links(&mut self, found: Vec<String>) {
        for link in found {
            if self.mail.links.len() < MAX_LINKS && !self.mail.links.contains(&link) {
                self.mail.links.push(link);
            }
        }
    }

    fn attachment(&mut self, part: &mail_parser::MessagePart<'_>) {
        self.parts_seen += 1;
        if self.parts_seen > MAX_PARTS {
            if self.parts_seen == MAX_PARTS + 1 {
                self.notes.push(format!(
                    "more than {MAX_PARTS} attachments; the rest are not read"
                ));
            }
            return;
        }
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(subtype) => format!("{}/{}", ct.ctype(), subtype),
                None => ct.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned())
            .to_ascii_lowercase();
        let name = part
            .attachment_name()
            .map(|n| clean_line(n, 1024))
            .filter(|n| !n.is_empty());
        let bytes = part.contents();
        let kind = kind_of(&content_type, name.as_deref(), bytes);
        let mut attachment = Attachment {
            name,
            content_type,
            size: bytes.len() as u64,
            kind,
            text: None,
            note: None,
        };
        if bytes.len() > MAX_ATTACHMENT {
            attachment.note = Some(format!(
                "{} bytes: over the {} MiB limit, text not read",
                bytes.len(),
                MAX_ATTACHMENT >> 20
            ));
        } else {
            self.extract(&mut attachment, part, bytes);
        }
        if let Some(note) = &attachment.note {
            let label = attachment
                .name
                .as_deref()
                .unwrap_or(&attachment.content_type);
            self.notes.push(format!("attachment {label}: {note}"));
        }
        self.mail.attachments.push(attachment);
    }

    fn extract(
        &mut self,
        attachment: &mut Attachment,
        part: &mail_parser::MessagePart<'_>,
        bytes: &[u8],
    ) {
        let (text, found_links) = match attachment.kind {
            AttachmentKind::Pdf => match pdf::pdf_text(bytes, MAX_LINKS) {
                Ok(extracted) => {
                    if extracted.partial {
                        attachment.note = Some(format!(
                            "text of the first pages only ({} pages)",
                            extracted.pages
                        ));
                    }
                    (extracted.text, extracted.links)
                }
                Err(reason) => {
                    attachment.note = Some(reason);
                    return;
                }
            },
            AttachmentKind::Docx => match docx::docx_text(bytes, MAX_LINKS) {
                Ok(extracted) => (extracted.text, extracted.links),
                Err(reason) => {
                    attachment.note = Some(reason);
                    return;
                }
            },
            AttachmentKind::Archive if bytes.starts_with(b"PK") => match docx::entry_names(bytes) {
                Ok(names) => (names, Vec::new()),
                Err(reason) => {
                    attachment.note = Some(reason);
                    return;
                }
            },
            AttachmentKind::Calendar => {
                let text = part_text(part, bytes);
                let extracted = ics::to_text(&text, MAX_LINKS);
                (extracted.text, extracted.links)
            }
            AttachmentKind::Image => {
                let Some(ocr) = self.ocr else {
                    return;
                };
                if self.images_read >= ocr.max_images {
                    attachment.note = Some(format!(
                        "more than {} images in the message: not read by OCR",
                        ocr.max_images
                    ));
                    return;
                }
                self.images_read += 1;
                match ocr.read(bytes) {
                    Ok(text) => {
                        attachment.note = Some("text read by OCR".into());
                        (text, Vec::new())
                    }
                    Err(reason) => {
                        attachment.note = Some(reason);
                        return;
                    }
                }
            }
            AttachmentKind::Text => {
                let text = part_text(part, bytes);
                if html::looks_like_html(&text) {
                    let converted = html::to_text(&text, MAX_LINKS);
                    (converted.text, converted.links)
                } else {
                    let mut found = Vec::new();
                    links::collect(&text, &mut found, MAX_LINKS);
                    (text.into_owned(), found)
                }
            }
            _ => return,
        };
        self.add_links(found_links);
        let mut clean = String::new();
        if !push_clean(&mut clean, &text, MAX_TEXT) {
            attachment.note = Some(format!("text cut at {} KiB", MAX_TEXT >> 10));
        }
        attachment.text = Some(clean).filter(|t| !t.trim().is_empty());
    }
}

/// A part's text: decoded by mail-parser for text parts, else read as UTF-8.
fn part_text<'a>(part: &'a mail_parser::MessagePart<'_>, bytes: &'a [u8]) -> Cow<'a, str> {
    match &part.body {
        PartType::Text(text) | PartType::Html(text) => Cow::Borrowed(text.as_ref()),
        _ => String::from_utf8_lossy(bytes),
    }
}

fn is_calendar(part: &mail_parser::MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("calendar") || s.eq_ignore_ascii_case("ics"))
    })
}

/// What an attachment is, from its content, then its name, then its declared type.
pub(crate) fn kind_of(content_type: &str, name: Option<&str>, bytes: &[u8]) -> AttachmentKind {
    let extension = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let head = &bytes[..bytes.len().min(64)];
    if head.starts_with(b"%PDF") || content_type == "application/pdf" || extension == "pdf" {
        return AttachmentKind::Pdf;
    }
    if head.starts_with(b"MZ")
        || is_executable_extension(&extension)
        || content_type.contains("msdownload")
    {
        return AttachmentKind::Executable;
    }
    if head.starts_with(b"PK\x03\x04") {
        return if docx::is_docx(bytes) {
            AttachmentKind::Docx
        } else {
            AttachmentKind::Archive
        };
    }
    if content_type.contains("wordprocessingml") || extension == "docx" {
        return AttachmentKind::Docx;
    }
    if content_type.ends_with("/calendar") || content_type.ends_with("/ics") || extension == "ics" {
        return AttachmentKind::Calendar;
    }
    let trimmed = String::from_utf8_lossy(&bytes[..bytes.len().min(256)])
        .trim_start()
        .to_ascii_uppercase();
    if trimmed.starts_with("BEGIN:VCALENDAR") {
        return AttachmentKind::Calendar;
    }
    if content_type.starts_with("image/")
        || head.starts_with(b"\x89PNG")
        || head.starts_with(b"\xFF\xD8\xFF")
        || head.starts_with(b"GIF8")
        || matches!(
            extension.as_str(),
            "png" | "jpg" | "jpeg" | "gif" | "bmp" | "webp" | "tif" | "tiff"
        )
    {
        return AttachmentKind::Image;
    }
    if matches!(
        extension.as_str(),
        "zip" | "rar" | "7z" | "gz" | "tar" | "cab"
    ) || content_type.contains("zip")
        || content_type.contains("compressed")
        || content_type.contains("x-rar")
        || content_type.contains("x-7z")
    {
        return AttachmentKind::Archive;
    }
    if content_type.starts_with("text/") || matches!(extension.as_str(), "txt" | "htm" | "html") {
        return AttachmentKind::Text;
    }
    AttachmentKind::Other
}

fn is_executable_extension(extension: &str) -> bool {
    matches!(
        extension,
        "exe"
            | "msi"
            | "scr"
            | "com"
            | "bat"
            | "cmd"
            | "ps1"
            | "vbs"
            | "js"
            | "jse"
            | "hta"
            | "lnk"
            | "iso"
            | "img"
            | "jar"
            | "msix"
            | "appx"
            | "dmg"
            | "pkg"
    )
}

/// A parsed address as an event address (lower-cased, name normalized).
fn address(addr: &Addr<'_>) -> Option<Address> {
    let address = addr.address.as_deref()?.trim().to_lowercase();
    if address.is_empty() {
        return None;
    }
    let name = addr
        .name
        .as_deref()
        .map(|name| clean_line(name, 1024))
        .filter(|name| !name.is_empty());
    Some(Address { name, address })
}

/// The sender: the first entry with an address. A display name with an
/// unquoted comma (`Billing, Support <x@y>`) parses as a name-only entry
/// before it; its parts are joined back.
fn sender(parsed: &ParsedAddress<'_>) -> Option<Address> {
    let mut names: Vec<&str> = Vec::new();
    for addr in parsed.iter() {
        match address(addr) {
            Some(mut found) => {
                if let Some(name) = &found.name {
                    names.push(name);
                }
                let joined = clean_line(&names.join(" "), 1024);
                found.name = Some(joined).filter(|n| !n.trim_matches(['_', ' ', ',']).is_empty());
                return Some(found);
            }
            None => names.extend(addr.name.as_deref()),
        }
    }
    None
}

fn addresses(parsed: Option<&ParsedAddress<'_>>) -> Vec<Address> {
    parsed
        .map(|list| {
            list.iter()
                .filter_map(address)
                .take(MAX_ADDRESSES)
                .collect()
        })
        .unwrap_or_default()
}

fn return_path(value: &HeaderValue<'_>) -> Option<String> {
    let text = match value {
        HeaderValue::Text(text) => Some(text.as_ref()),
        HeaderValue::TextList(list) => list.last().map(AsRef::as_ref),
        _ => None,
    }?;
    let text = text.trim().trim_matches(['<', '>']).to_lowercase();
    (!text.is_empty()).then_some(text)
}

/// `In-Reply-To`, or the last id of `References`.
fn reply_target(message: &Message<'_>) -> Option<String> {
    let pick = |value: &HeaderValue<'_>| match value {
        HeaderValue::Text(text) => Some(text.to_string()),
        HeaderValue::TextList(list) => list.last().map(|t| t.to_string()),
        _ => None,
    };
    pick(message.in_reply_to())
        .or_else(|| pick(message.references()))
        .filter(|id| !id.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lure_with_html_and_an_invite() {
        let raw = concat!(
            "From: \"Norton Billing\" <Billing.Team@Gmail.com>\r\n",
            "Reply-To: refunds@example.net\r\n",
            "To: victim@corp.example\r\n",
            "Subject: =?UTF-8?B?T3JkZXIg4oCLQ29uZmlybWF0aW9u?=\r\n",
            "Date: Tue, 1 Jul 2025 10:00:00 +0000\r\n",
            "Message-ID: <abc@x>\r\n",
            "MIME-Version: 1.0\r\n",
            "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n",
            "--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n",
            "--b2\r\nContent-Type: text/plain\r\n\r\nplain view\r\n",
            "--b2\r\nContent-Type: text/html\r\n\r\n<p>Call&nbsp;+1 (845) 555-0139</p><a href=\"https://x.example/\">x</a>\r\n",
            "--b2--\r\n",
            "--b1\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nDESCRIPTION:Refund line 1-803-555-0150\r\nEND:VCALENDAR\r\n",
            "--b1--\r\n"
        );
        let converted = convert(raw.as_bytes(), None).unwrap();
        let mail = converted.mail;
        assert_eq!(
            mail.from,
            Some(Address {
                name: Some("Norton Billing".into()),
                address: "billing.team@gmail.com".into()
            })
        );
        assert_eq!(mail.reply_to[0].address, "refunds@example.net");
        assert_eq!(mail.subject.as_deref(), Some("Order Confirmation"));
        assert_eq!(mail.body.trim(), "Call +1 (845) 555-0139\nx");
        assert_eq!(mail.links, ["https://x.example/"]);
        assert_eq!(mail.attachments.len(), 1);
        assert_eq!(mail.attachments[0].kind, AttachmentKind::Calendar);
        assert_eq!(
            mail.attachments[0].text.as_deref(),
            Some("Refund line 1-803-555-0150\n")
        );
        assert_eq!(converted.recipient.as_deref(), Some("victim@corp.example"));
        assert_eq!(
            converted.timestamp.map(|t| t.to_string()).as_deref(),
            Some("2025-07-01T10:00:00Z")
        );
    }

    #[test]
    fn garbage_and_nesting_bombs_are_refused() {
        assert_eq!(convert(b"", None).unwrap_err(), "no mail headers found");
        let mut bomb = String::from("Content-Type: multipart/mixed; boundary=b0\r\n\r\n");
        for i in 1..100 {
            bomb.push_str(&format!(
                "--b{}\r\nContent-Type: multipart/mixed; boundary=b{i}\r\n\r\n",
                i - 1
            ));
        }
        assert!(
            convert(bomb.as_bytes(), None)
                .unwrap_err()
                .contains("nesting bomb")
        );
    }
}
