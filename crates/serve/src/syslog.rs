//! Syslog as NXLog, rsyslog and `logger` send it: RFC 5424 and RFC 3164
//! messages, over UDP (one per datagram) or TCP (octet-counted frames,
//! RFC 6587, or one message per line). rmmguard reads the message's JSON
//! payload (NXLog `to_json()`, rsyslog `%$!all-json%`); a message without one
//! carries no event shape rmmguard reads and is counted, not kept.

/// The largest message taken; a longer TCP frame is skipped whole.
pub const MAX_MESSAGE: usize = 1 << 20;

/// The JSON payload of one syslog message, if it has one.
pub fn payload(message: &[u8]) -> Option<&[u8]> {
    let text = message.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(message);
    let rest = strip_priority(text)?;
    let body = if rest.starts_with(b"1 ") {
        rfc5424_message(rest)?
    } else {
        rfc3164_message(rest)
    };
    let body = body
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(body)
        .trim_ascii();
    (body.first() == Some(&b'{')).then_some(body)
}

/// The message after `<PRI>`.
fn strip_priority(text: &[u8]) -> Option<&[u8]> {
    let rest = text.strip_prefix(b"<")?;
    let end = rest.iter().take(4).position(|b| *b == b'>')?;
    let digits = rest.get(..end)?;
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    rest.get(end + 1..)
}

/// RFC 5424: `1 TIMESTAMP HOST APP PROCID MSGID SD MSG`.
fn rfc5424_message(rest: &[u8]) -> Option<&[u8]> {
    let mut at = 0;
    // Version, timestamp, host, app, procid, msgid: six fields and their spaces.
    for _ in 0..6 {
        let space = rest.get(at..)?.iter().position(|b| *b == b' ')?;
        at += space + 1;
    }
    let sd = rest.get(at..)?;
    let after_sd = structured_data_len(sd)?;
    Some(
        sd.get(after_sd..)
            .unwrap_or_default()
            .strip_prefix(b" ")
            .unwrap_or_default(),
    )
}

/// Length of the structured data at the start: `-` or `[…]…`, brackets
/// escaped with `\` inside values.
fn structured_data_len(sd: &[u8]) -> Option<usize> {
    if sd.first() == Some(&b'-') {
        return Some(1);
    }
    let mut at = 0;
    while sd.get(at) == Some(&b'[') {
        let mut escaped = false;
        let mut quoted = false;
        loop {
            at += 1;
            match *sd.get(at)? {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => quoted = !quoted,
                b']' if !quoted => break,
                _ => {}
            }
        }
        at += 1;
    }
    (at > 0).then_some(at)
}

/// RFC 3164: `Mmm dd hh:mm:ss HOST TAG[PID]: MSG`; senders vary, so the
/// message is taken from the first `{` after the tag's colon, or the first
/// `{` at all.
fn rfc3164_message(rest: &[u8]) -> &[u8] {
    let after_tag = find(rest, b": ").map_or(rest, |at| rest.get(at + 2..).unwrap_or_default());
    let body = match after_tag.iter().position(|b| *b == b'{') {
        Some(at) => after_tag.get(at..),
        None => rest
            .iter()
            .position(|b| *b == b'{')
            .and_then(|at| rest.get(at..)),
    };
    body.unwrap_or_default()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits a TCP byte stream into messages: octet-counted frames (`LEN SP
/// MSG`) when a frame starts with a digit, else line-delimited (LF or NUL).
#[derive(Debug, Default)]
pub struct Framer {
    buffer: Vec<u8>,
    /// Bytes of an oversized frame still to pass over.
    skipping: usize,
}

/// What the framer found besides messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// A whole message.
    Message,
    /// A frame over [`MAX_MESSAGE`], passed over.
    TooLong,
}

impl Framer {
    /// Adds received bytes; calls `each` for every whole frame.
    pub fn push(&mut self, bytes: &[u8], each: &mut dyn FnMut(Frame, &[u8])) {
        let mut bytes = bytes;
        if self.skipping > 0 {
            let skip = self.skipping.min(bytes.len());
            self.skipping -= skip;
            bytes = bytes.get(skip..).unwrap_or_default();
        }
        self.buffer.extend_from_slice(bytes);
        let mut start = 0;
        loop {
            let rest = self.buffer.get(start..).unwrap_or_default();
            let Some((frame, used)) = next_frame(rest) else {
                break;
            };
            match frame {
                Some(message) => each(Frame::Message, message),
                None => {
                    each(Frame::TooLong, &[]);
                    // An oversized counted frame: pass over what has not arrived.
                    self.skipping = used.saturating_sub(rest.len());
                }
            }
            start += used.min(rest.len());
        }
        self.buffer.drain(..start.min(self.buffer.len()));
        if self.buffer.len() > MAX_MESSAGE + 16 {
            // A line longer than any message: drop it up to here.
            each(Frame::TooLong, &[]);
            self.buffer.clear();
        }
    }
}

/// The next frame in `rest`: `(Some(message) | None for too long, bytes used)`.
fn next_frame(rest: &[u8]) -> Option<(Option<&[u8]>, usize)> {
    let first = *rest.first()?;
    if first.is_ascii_digit() {
        let space = rest.iter().take(12).position(|b| *b == b' ')?;
        let len: usize = std::str::from_utf8(rest.get(..space)?).ok()?.parse().ok()?;
        let end = space + 1 + len;
        if len > MAX_MESSAGE {
            return Some((None, end));
        }
        let message = rest.get(space + 1..end)?;
        return Some((Some(message), end));
    }
    let end = rest.iter().position(|b| *b == b'\n' || *b == 0)?;
    let message = rest.get(..end)?;
    let message = message.strip_suffix(b"\r").unwrap_or(message);
    Some((Some(message), end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"EventID":1,"Hostname":"WS1"}"#;

    #[test]
    fn payloads_are_found_in_both_formats() {
        let rfc5424 = format!("<13>1 2026-12-03T10:00:00.000Z ws1 nxlog 42 - - {EVENT}");
        let with_sd = format!(
            r#"<13>1 2026-12-03T10:00:00Z ws1 app - ID47 [exampleSDID@32473 iut="3" eventSource="A]pp\"{{"] {EVENT}"#
        );
        let bom = format!("<13>1 2026-12-03T10:00:00Z ws1 app - - - \u{feff}{EVENT}");
        let rfc3164 = format!("<13>Dec  3 10:00:00 ws1 nxlog[42]: {EVENT}");
        let logger = format!("<13>Dec  3 10:00:00 ana: {EVENT}");
        for message in [rfc5424, with_sd, bom, rfc3164, logger] {
            assert_eq!(
                payload(message.as_bytes()),
                Some(EVENT.as_bytes()),
                "{message}"
            );
        }
        for message in [
            "<13>Dec  3 10:00:00 ws1 sshd[1]: accepted",
            "no priority {}",
            "<x>1 - - - - - - {}",
            "",
        ] {
            assert_eq!(payload(message.as_bytes()), None, "{message}");
        }
    }

    #[test]
    fn tcp_frames_split_whatever_the_reads() {
        let message = format!("<13>1 - h a - - - {EVENT}");
        let counted = format!("{} {message}", message.len());
        let stream =
            format!("{counted}<13>Dec  3 10:00:00 h t: {EVENT}\n<13>Dec  3 10:00:00 h t: x\r\n");
        for chunk in [1, 3, 7, 64, 4096] {
            let mut framer = Framer::default();
            let mut messages = Vec::new();
            for piece in stream.as_bytes().chunks(chunk) {
                framer.push(piece, &mut |frame, message| {
                    assert_eq!(frame, Frame::Message);
                    messages.push(String::from_utf8_lossy(message).into_owned());
                });
            }
            assert_eq!(messages.len(), 3, "chunks of {chunk}: {messages:?}");
            assert_eq!(payload(messages[0].as_bytes()), Some(EVENT.as_bytes()));
            assert_eq!(payload(messages[1].as_bytes()), Some(EVENT.as_bytes()));
        }
    }

    #[test]
    fn an_oversized_counted_frame_is_passed_over() {
        let mut framer = Framer::default();
        let mut seen = Vec::new();
        let huge = MAX_MESSAGE + 10;
        framer.push(format!("{huge} ").as_bytes(), &mut |f, _| seen.push(f));
        framer.push(&vec![b'x'; huge], &mut |f, _| seen.push(f));
        framer.push(b"5 hello", &mut |f, m| {
            seen.push(if m == b"hello" { f } else { Frame::TooLong })
        });
        assert_eq!(seen, [Frame::TooLong, Frame::Message]);
    }
}
