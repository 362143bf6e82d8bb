//! Reading lines from a stream with bounded memory: a line longer than the
//! limit is skipped (and reported) instead of being buffered whole.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use rmmguard_events::Location;

use crate::FileStats;

/// The longest line kept; longer ones are skipped.
pub(crate) const MAX_LINE: usize = 16 << 20;

/// One line handed to the callback.
pub(crate) enum Line<'a> {
    /// A complete line without its terminator.
    Text(&'a [u8]),
    /// A line longer than [`MAX_LINE`], skipped; its length in bytes.
    TooLong(u64),
}

/// Counts a line over [`MAX_LINE`] as a skipped record, with its place.
pub(crate) fn skip_too_long(stats: &mut FileStats, path: &Path, location: Location, len: u64) {
    stats.records += 1;
    stats.error(
        path,
        location,
        format!("record skipped: line of {len} bytes is over the {MAX_LINE}-byte limit"),
    );
}

/// Calls `visit(line_number, offset, line)` for every line of `reader`.
pub(crate) fn for_each_line(
    reader: Box<dyn Read>,
    mut visit: impl FnMut(u64, u64, Line<'_>),
) -> std::io::Result<u64> {
    let mut reader = BufReader::with_capacity(256 << 10, reader);
    let mut line = Vec::new();
    let mut offset = 0u64;
    let mut number = 0u64;
    let mut overflow: Option<u64> = None;
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buffer.is_empty() {
            break;
        }
        let (chunk, ends_line) = match memchr::memchr(b'\n', buffer) {
            Some(i) => (&buffer[..=i], true),
            None => (buffer, false),
        };
        let taken = chunk.len();
        if ends_line && line.is_empty() && overflow.is_none() && taken <= MAX_LINE {
            // The whole line is in the buffer: hand it over without a copy.
            number += 1;
            visit(number, offset, Line::Text(trim_newline(chunk)));
            offset += taken as u64;
            reader.consume(taken);
            continue;
        }
        match overflow.as_mut() {
            Some(len) => *len += taken as u64,
            None if line.len() + taken > MAX_LINE => {
                overflow = Some((line.len() + taken) as u64);
                line.clear();
            }
            None => line.extend_from_slice(chunk),
        }
        reader.consume(taken);
        if ends_line {
            number += 1;
            let start = offset;
            match overflow.take() {
                Some(len) => {
                    visit(number, start, Line::TooLong(len));
                    offset += len;
                }
                None => {
                    offset += line.len() as u64;
                    visit(number, start, Line::Text(trim_newline(&line)));
                }
            }
            line.clear();
        }
    }
    if let Some(len) = overflow {
        number += 1;
        visit(number, offset, Line::TooLong(len));
        offset += len;
    } else if !line.is_empty() {
        number += 1;
        visit(number, offset, Line::Text(trim_newline(&line)));
        offset += line.len() as u64;
    }
    Ok(offset)
}

pub(crate) fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &'static [u8]) -> Vec<(u64, u64, String)> {
        let mut out = Vec::new();
        for_each_line(Box::new(input), |n, offset, line| {
            let text = match line {
                Line::Text(t) => String::from_utf8_lossy(t).into_owned(),
                Line::TooLong(len) => format!("<{len}>"),
            };
            out.push((n, offset, text));
        })
        .unwrap();
        out
    }

    #[test]
    fn numbers_offsets_and_last_line() {
        assert_eq!(
            lines(b"a\r\nbb\n\nccc"),
            [
                (1, 0, "a".into()),
                (2, 3, "bb".into()),
                (3, 6, "".into()),
                (4, 7, "ccc".into())
            ]
        );
        assert!(lines(b"").is_empty());
    }
}
