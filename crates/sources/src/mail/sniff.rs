//! Recognizing mail from its first bytes: an RFC 5322 header block (field
//! lines `Name: value`, folded continuations, at least one field only mail
//! has) is a message; the same behind a `From ` line is an mbox.

use crate::Format;

/// Header fields that mark a header block as mail.
const MAIL_FIELDS: &[&str] = &[
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "delivered-to",
    "mime-version",
    "reply-to",
    "x-mailer",
    "dkim-signature",
    "authentication-results",
    "arc-seal",
    "x-original-to",
    "envelope-to",
];

/// `Eml` or `Mbox` when the content starts like mail.
pub(crate) fn mail_format(head: &[u8]) -> Option<Format> {
    if let Some(rest) = head.strip_prefix(b"From ") {
        let newline = memchr::memchr(b'\n', rest)?;
        return is_header_block(&rest[newline + 1..]).then_some(Format::Mbox);
    }
    is_header_block(head).then_some(Format::Eml)
}

/// Whether the text starts with header fields, two or more (or one that is
/// cut by the end of the sample), one of them a mail field.
fn is_header_block(text: &[u8]) -> bool {
    let mut fields = 0;
    let mut mail_fields = 0;
    let mut lines = text.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let complete = lines.peek().is_some();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if fields == 0 {
                return false;
            }
            continue;
        }
        let Some(name) = field_name(line) else {
            // The sample may end inside a line: judge by the lines before it.
            if complete {
                return false;
            }
            break;
        };
        fields += 1;
        let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
        if MAIL_FIELDS.contains(&lower.as_str()) {
            mail_fields += 1;
        }
    }
    mail_fields >= 1 && (fields >= 2 || mail_fields >= 1 && fields >= 1 && text.len() < 1024)
}

/// The field name of `Name: value` (printable ASCII without spaces or colons).
fn field_name(line: &[u8]) -> Option<&[u8]> {
    let colon = memchr::memchr(b':', line)?;
    let name = &line[..colon];
    (!name.is_empty() && name.iter().all(|&b| b.is_ascii_graphic() && b != b':')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_and_not_mail() {
        assert_eq!(
            mail_format(b"Received: from x\r\n\tby y\r\nFrom: a@b.c\r\nSubject: hi\r\n\r\nbody"),
            Some(Format::Eml)
        );
        assert_eq!(
            mail_format(b"From a@b.c Mon Jan  1 00:00:00 2024\nFrom: a@b.c\nTo: d@e.f\n\nx\n"),
            Some(Format::Mbox)
        );
        assert_eq!(mail_format(b"host,name,version\nws,AnyDesk,8\n"), None);
        assert_eq!(mail_format(b"#separator \\x09\n#fields\tts\n"), None);
        assert_eq!(mail_format(b"Note: this is text\nand more text\n"), None);
        assert_eq!(mail_format(b"Key: value\nOther: value\n\n"), None);
        assert_eq!(mail_format(b"From the start of the story\nit was\n"), None);
    }
}
