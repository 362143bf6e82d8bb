//! JSON lines: one record per line, parsed in place from a reused buffer.
//!
//! Blank lines are ignored; a UTF-8 byte-order mark on the first line is
//! dropped; a line longer than [`super::MAX_RECORD_BYTES`] is skipped without
//! being held in memory.

use std::io::{BufRead, ErrorKind as IoErrorKind};

use crate::error::{Error, RecordError};
use crate::event::SourceRef;
use crate::input::{FileStats, MAX_RECORD_BYTES, Sink, flat};
use crate::schema::Record;

/// Reads every line of `reader` into `sink`, counting in `stats`.
///
/// Lines are parsed where they lie in the reader's buffer; only a line that
/// spans two buffer fills is copied.
///
/// # Errors
///
/// The reader fails.
pub fn read(
    reader: &mut dyn BufRead,
    file: u16,
    stats: &mut FileStats,
    sink: &mut Sink<'_>,
) -> Result<(), Error> {
    let mut partial: Vec<u8> = Vec::new();
    let mut too_long = false;
    let mut line = 0u64;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == IoErrorKind::Interrupted => continue,
            Err(error) => return Err(Error::from_io(error)),
        };
        if available.is_empty() {
            if too_long || !partial.is_empty() {
                line += 1;
                take(&partial, too_long, SourceRef::new(file, line), stats, sink);
            }
            return Ok(());
        }
        let mut rest = available;
        while let Some(end) = memchr::memchr(b'\n', rest) {
            line += 1;
            let source = SourceRef::new(file, line);
            if partial.is_empty() && !too_long {
                take(&rest[..end], end > MAX_RECORD_BYTES, source, stats, sink);
            } else {
                too_long |= partial.len() + end > MAX_RECORD_BYTES;
                if !too_long {
                    partial.extend_from_slice(&rest[..end]);
                }
                take(&partial, too_long, source, stats, sink);
                partial.clear();
                too_long = false;
            }
            rest = &rest[end + 1..];
        }
        too_long |= partial.len() + rest.len() > MAX_RECORD_BYTES;
        if too_long {
            partial.clear();
        } else {
            partial.extend_from_slice(rest);
        }
        let used = available.len();
        stats.bytes += used as u64;
        reader.consume(used);
    }
}

/// Counts and parses one line (skipping blank ones).
fn take(
    line: &[u8],
    too_long: bool,
    source: SourceRef,
    stats: &mut FileStats,
    sink: &mut Sink<'_>,
) {
    if too_long {
        let error = RecordError::Syntax(format!("line longer than {MAX_RECORD_BYTES} bytes"));
        stats.record(source.line(), Err(error));
        return;
    }
    let text = trim_line(line, source.line());
    if text.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    stats.record(source.line(), parse(text, source, sink));
}

/// Parses one line and hands it to the sink.
///
/// # Errors
///
/// The line is not a JSON object, or the sink rejects it.
pub fn parse(line: &[u8], source: SourceRef, sink: &mut Sink<'_>) -> Result<(), RecordError> {
    let syntax = |error: serde_json::Error| RecordError::Syntax(error.to_string());
    let Ok(text) = std::str::from_utf8(line) else {
        // serde_json decides: it only checks strings it keeps, and names the bad byte.
        let record: Record<'_> = serde_json::from_slice(line).map_err(syntax)?;
        return sink(&record, source);
    };
    let mut record = Record::default();
    if flat::parse(text, &mut record) {
        return sink(&record, source);
    }
    sink(
        &serde_json::from_str::<Record<'_>>(text).map_err(syntax)?,
        source,
    )
}

/// Whether a line fit in the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineOutcome {
    /// The whole line is in the buffer.
    Complete,
    /// The line was longer than the limit and was dropped.
    TooLong,
}

/// Reads the next line (without its newline) into `buffer`; `None` at end
/// of input. A final line without a newline counts.
///
/// # Errors
///
/// The reader fails.
pub fn next_line(
    reader: &mut dyn BufRead,
    buffer: &mut Vec<u8>,
    bytes: &mut u64,
) -> Result<Option<LineOutcome>, Error> {
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == IoErrorKind::Interrupted => continue,
            Err(error) => return Err(Error::from_io(error)),
        };
        if available.is_empty() {
            return Ok(any.then_some(if too_long {
                LineOutcome::TooLong
            } else {
                LineOutcome::Complete
            }));
        }
        any = true;
        let (chunk, used, done) = match memchr::memchr(b'\n', available) {
            Some(end) => (&available[..end], end + 1, true),
            None => (available, available.len(), false),
        };
        if !too_long && buffer.len() + chunk.len() <= MAX_RECORD_BYTES {
            buffer.extend_from_slice(chunk);
        } else {
            too_long = true;
            buffer.clear();
        }
        reader.consume(used);
        *bytes += used as u64;
        if done {
            return Ok(Some(if too_long {
                LineOutcome::TooLong
            } else {
                LineOutcome::Complete
            }));
        }
    }
}

fn trim_line(buffer: &[u8], line: u64) -> &[u8] {
    let text = buffer.strip_suffix(b"\r").unwrap_or(buffer);
    if line == 1 {
        return text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8]) -> (FileStats, Vec<(u64, String)>) {
        let mut seen = Vec::new();
        let mut sink = |record: &Record<'_>, source: SourceRef| {
            let kind = record
                .kind
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default();
            if kind == "reject" {
                return Err(RecordError::Missing("tenant"));
            }
            seen.push((source.line(), kind));
            Ok(())
        };
        let mut stats = FileStats::default();
        let mut reader: &[u8] = input;
        let result = read(&mut reader, 0, &mut stats, &mut sink);
        assert!(matches!(result, Ok(())), "{result:?}");
        (stats, seen)
    }

    #[test]
    fn lines_blank_lines_bom_and_crlf() {
        let (stats, seen) = run(
            b"\xEF\xBB\xBF{\"type\":\"a\"}\r\n\n  \n{\"type\":\"b\",\"x\":[1]}\n{\"type\":\"c\"}",
        );
        assert_eq!(
            seen,
            vec![(1, "a".into()), (4, "b".into()), (5, "c".into())]
        );
        assert_eq!((stats.records, stats.ingested, stats.skipped), (3, 3, 0));
    }

    #[test]
    fn bad_lines_are_counted_with_their_line() {
        let (stats, seen) = run(b"{\"type\":\"a\"}\n{not json\n{\"type\":\"reject\"}\n[1,2]\n\xff\xfe\n{\"type\":\"z\"}\n");
        assert_eq!(seen, vec![(1, "a".into()), (6, "z".into())]);
        assert_eq!((stats.records, stats.ingested, stats.skipped), (6, 2, 4));
        let lines: Vec<u64> = stats.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5]);
        assert_eq!(stats.reasons.get("syntax"), Some(&3));
        assert_eq!(stats.diagnostics[1].message, "missing field `tenant`");
    }

    #[test]
    fn lines_spanning_buffer_refills_read_the_same() {
        let input = b"{\"type\":\"first\"}\n\n{\"type\":\"a-much-longer-second-record\",\"x\":1}\r\n{\"type\":\"last\"}";
        let whole = run(input);
        for capacity in [1, 3, 7, 16, 64] {
            let mut seen = Vec::new();
            let mut sink = |record: &Record<'_>, source: SourceRef| {
                seen.push((
                    source.line(),
                    record
                        .kind
                        .as_ref()
                        .map(|t| t.as_str().to_owned())
                        .unwrap_or_default(),
                ));
                Ok(())
            };
            let mut stats = FileStats::default();
            let mut reader = std::io::BufReader::with_capacity(capacity, &input[..]);
            assert!(read(&mut reader, 0, &mut stats, &mut sink).is_ok());
            assert_eq!(
                (stats.records, stats.bytes),
                (whole.0.records, input.len() as u64),
                "capacity {capacity}"
            );
            assert_eq!(seen, whole.1, "capacity {capacity}");
        }
    }

    #[test]
    fn overlong_lines_are_skipped_not_held() {
        let mut input = b"{\"type\":\"a\",\"pad\":\"".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 10));
        input.extend_from_slice(b"\"}\n{\"type\":\"b\"}\n");
        let (stats, seen) = run(&input);
        assert_eq!(seen, vec![(2, "b".into())]);
        assert_eq!(stats.skipped, 1);
    }
}
