//! Cutting messages out of a byte stream with bounded memory: one message
//! per `.eml`, or many per mbox (a message starts at a `From ` line at the
//! start of the file or after a blank line; `>From ` lines are unescaped).
//!
//! Lines go straight into the message buffer, so nothing is buffered twice.
//! A header line longer than [`MAX_HEADER_LINE`] is dropped as it streams
//! by, and a message longer than [`MAX_MESSAGE`] keeps its first bytes only;
//! both are reported as notes on the message.

use std::io::{self, BufRead, BufReader, Read};

use crate::mail::limits::{MAX_HEADER_LINE, MAX_MESSAGE};

/// How messages are delimited in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// The whole stream is one message.
    Single,
    /// An mbox read from its start.
    Mbox,
    /// Part of an mbox: only messages whose `From ` line starts at or after
    /// `first` belong to it. The stream starts mid-line when `partial_first_line`.
    MboxRange {
        first: u64,
        partial_first_line: bool,
    },
}

/// One message cut out of the stream.
#[derive(Debug)]
pub(crate) struct RawMessage {
    /// Byte offset of the message (its `From ` line in an mbox).
    pub offset: u64,
    /// The message as it will be parsed.
    pub bytes: Vec<u8>,
    /// Limits hit while cutting it.
    pub notes: Vec<String>,
}

/// Calls `visit` for every message of the stream that starts before `stop`
/// (when given); returns the bytes consumed.
pub(crate) fn read_messages(
    reader: Box<dyn Read>,
    base: u64,
    framing: Framing,
    stop: Option<u64>,
    visit: &mut dyn FnMut(RawMessage),
) -> io::Result<u64> {
    let mut reader = BufReader::with_capacity(256 << 10, reader);
    let mut cutter = Cutter::new(base, framing, stop);
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buffer.is_empty() {
            break;
        }
        let (piece, ends_line) = match memchr::memchr(b'\n', buffer) {
            Some(i) => (&buffer[..=i], true),
            None => (buffer, false),
        };
        let taken = piece.len();
        cutter.piece(piece);
        reader.consume(taken);
        if ends_line {
            cutter.end_line(visit);
            if cutter.done {
                break;
            }
        }
    }
    if cutter.line.len > 0 {
        cutter.end_line(visit);
    }
    cutter.finish(visit);
    Ok(cutter.pos - base)
}

/// The message being gathered.
struct Current {
    offset: u64,
    bytes: Vec<u8>,
    notes: Vec<String>,
    in_headers: bool,
    /// Total length, including what was cut.
    len: u64,
    cut: bool,
}

/// The line being read.
#[derive(Default)]
struct Line {
    start: u64,
    len: u64,
    head: [u8; 8],
    head_len: usize,
    /// Where the line starts in the message buffer, while it is being kept.
    kept_from: Option<usize>,
    dropped: bool,
}

struct Cutter {
    framing: Framing,
    stop: Option<u64>,
    pos: u64,
    line: Line,
    current: Option<Current>,
    previous_blank: bool,
    first_line: bool,
    done: bool,
}

impl Cutter {
    fn new(base: u64, framing: Framing, stop: Option<u64>) -> Cutter {
        // An mbox read from its start gathers from its first byte, so one that
        // does not begin with a `From ` line is still read.
        let current = matches!(framing, Framing::Single | Framing::Mbox).then(|| new_message(base));
        Cutter {
            framing,
            stop,
            pos: base,
            line: Line {
                start: base,
                ..Line::default()
            },
            current,
            previous_blank: true,
            first_line: true,
            done: false,
        }
    }

    /// A piece of the current line (the whole line, or part of a long one).
    fn piece(&mut self, piece: &[u8]) {
        let line = &mut self.line;
        let room = line.head.len() - line.head_len;
        let head = &piece[..piece.len().min(room)];
        line.head[line.head_len..line.head_len + head.len()].copy_from_slice(head);
        line.head_len += head.len();
        line.len += piece.len() as u64;
        self.pos += piece.len() as u64;
        let Some(current) = self.current.as_mut() else {
            return;
        };
        current.len += piece.len() as u64;
        if line.dropped {
            return;
        }
        if current.in_headers && line.len > MAX_HEADER_LINE as u64 {
            if let Some(from) = line.kept_from.take() {
                current.bytes.truncate(from);
            }
            line.dropped = true;
            return;
        }
        if current.cut || current.bytes.len() + piece.len() > MAX_MESSAGE {
            current.cut = true;
            return;
        }
        if line.kept_from.is_none() {
            line.kept_from = Some(current.bytes.len());
        }
        current.bytes.extend_from_slice(piece);
    }

    fn end_line(&mut self, visit: &mut dyn FnMut(RawMessage)) {
        let line = std::mem::take(&mut self.line);
        self.line.start = self.pos;
        let head = &line.head[..line.head_len];
        let blank = matches!(head, b"\n" | b"\r\n" | b"\r" | b"");
        let partial = self.first_line
            && matches!(
                self.framing,
                Framing::MboxRange {
                    partial_first_line: true,
                    ..
                }
            );
        let separator = !partial && self.previous_blank && head.starts_with(b"From ");
        self.first_line = false;
        self.previous_blank = blank && !partial;
        match self.framing {
            Framing::Single => self.keep(&line, blank),
            Framing::Mbox | Framing::MboxRange { .. } if separator => {
                self.drop_line(&line);
                self.separator(line.start, visit);
            }
            Framing::Mbox | Framing::MboxRange { .. } => {
                self.unescape(&line);
                self.keep(&line, blank);
            }
        }
    }

    /// Records what happened to a finished line of the current message.
    fn keep(&mut self, line: &Line, blank: bool) {
        let Some(current) = self.current.as_mut() else {
            return;
        };
        if line.dropped {
            current.notes.push(format!(
                "a header line of {} bytes at byte {} was dropped (limit {} KiB)",
                line.len,
                line.start,
                MAX_HEADER_LINE >> 10
            ));
        }
        if current.in_headers && blank {
            current.in_headers = false;
        }
    }

    /// Takes a separator line out of the message it was appended to.
    fn drop_line(&mut self, line: &Line) {
        if let (Some(current), Some(from)) = (self.current.as_mut(), line.kept_from) {
            current.bytes.truncate(from);
            current.len = current.len.saturating_sub(line.len);
        }
    }

    /// `>From ` → `From ` (mboxrd quoting), in the kept copy of the line.
    fn unescape(&mut self, line: &Line) {
        let head = &line.head[..line.head_len];
        let quoted = head.iter().take_while(|&&b| b == b'>').count();
        if quoted == 0 || !head[quoted..].starts_with(b"From ") {
            return;
        }
        if let (Some(current), Some(from)) = (self.current.as_mut(), line.kept_from) {
            current.bytes.remove(from);
        }
    }

    fn separator(&mut self, at: u64, visit: &mut dyn FnMut(RawMessage)) {
        if let Framing::MboxRange { first, .. } = self.framing
            && at < first
        {
            return;
        }
        self.finish(visit);
        if self.stop.is_some_and(|stop| at >= stop) {
            self.done = true;
            return;
        }
        self.current = Some(new_message(at));
    }

    fn finish(&mut self, visit: &mut dyn FnMut(RawMessage)) {
        let Some(mut current) = self.current.take() else {
            return;
        };
        if current.bytes.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        if current.cut {
            current.notes.push(format!(
                "message of {} bytes cut to its first {} MiB",
                current.len,
                MAX_MESSAGE >> 20
            ));
        }
        visit(RawMessage {
            offset: current.offset,
            bytes: current.bytes,
            notes: current.notes,
        });
    }
}

fn new_message(offset: u64) -> Current {
    Current {
        offset,
        bytes: Vec::new(),
        notes: Vec::new(),
        in_headers: true,
        len: 0,
        cut: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(input: &'static [u8], framing: Framing, stop: Option<u64>) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        read_messages(Box::new(input), 0, framing, stop, &mut |raw| {
            out.push((raw.offset, String::from_utf8_lossy(&raw.bytes).into_owned()))
        })
        .unwrap();
        out
    }

    #[test]
    fn mbox_messages_split_on_from_lines_after_blank_lines() {
        let mbox = b"From a@x Mon\nSubject: 1\n\nbody\nFrom here on\n>From quoted\n\nFrom b@y Tue\r\nSubject: 2\r\n\r\nx\r\n";
        let messages = cut(mbox, Framing::Mbox, None);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert_eq!(messages[0].0, 0);
        assert_eq!(
            messages[0].1,
            "Subject: 1\n\nbody\nFrom here on\nFrom quoted\n\n"
        );
        assert_eq!(messages[1].0, 57);
        assert_eq!(messages[1].1, "Subject: 2\r\n\r\nx\r\n");
    }

    #[test]
    fn ranges_own_the_messages_that_start_in_them() {
        let mbox = b"From a\nS: 1\n\nb\n\nFrom b\nS: 2\n\nc\n";
        let all = cut(mbox, Framing::Mbox, None);
        assert_eq!(all.len(), 2);
        let first = cut(mbox, Framing::Mbox, Some(10));
        assert_eq!(first.len(), 1);
        // The second range starts inside the first message: it owns message two only.
        let mut second = Vec::new();
        let from = 6u64;
        read_messages(
            Box::new(&mbox[from as usize..]),
            from,
            Framing::MboxRange {
                first: 10,
                partial_first_line: true,
            },
            None,
            &mut |raw| second.push(raw.offset),
        )
        .unwrap();
        assert_eq!(second, [16]);
    }

    #[test]
    fn long_header_lines_are_dropped_and_reported() {
        let mut message = b"Subject: x\nX-Junk: ".to_vec();
        message.extend(std::iter::repeat_n(b'a', MAX_HEADER_LINE * 2));
        message.extend_from_slice(b"\nFrom: a@b.c\n\nbody\n");
        let mut out = Vec::new();
        read_messages(
            Box::new(std::io::Cursor::new(message)),
            0,
            Framing::Single,
            None,
            &mut |raw| out.push(raw),
        )
        .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            String::from_utf8_lossy(&out[0].bytes),
            "Subject: x\nFrom: a@b.c\n\nbody\n"
        );
        assert!(
            out[0].notes[0].contains("header line of 131081 bytes at byte 11"),
            "{:?}",
            out[0].notes
        );
    }
}
