//! JSON lines of Windows events (evtx_dump, Winlogbeat/ECS, NXLog).
//!
//! A plain file is read as byte ranges in parallel: a line belongs to the
//! range its first byte is in. Within a range the prefilter searches the
//! whole buffer at once and only the lines it hits are parsed; the rest are
//! counted by their newlines. Locations are byte offsets (the engine turns
//! them into line numbers for the findings it reports); a `.gz` stream is
//! read line by line with line numbers from the start.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;

use rmmguard_events::{Location, SourceRef};

use crate::lines::{Line, MAX_LINE, for_each_line, skip_too_long, trim_newline};
use crate::winevent::{from_json, to_event};
use crate::{Error, FileStats, Input, ReadContext, Sink};

/// Reads more past the end of a range, this much at a time, to finish its last line.
const TAIL_STEP: usize = 64 << 10;

/// Reads the lines that start in `[start, end)` of a plain file.
pub(crate) fn read_range(
    input: &Input,
    start: u64,
    end: u64,
    context: &ReadContext<'_>,
    stats: &mut FileStats,
    sink: &mut Sink<'_>,
) -> Result<(), Error> {
    let file = File::open(&input.path).map_err(|e| Error::io(&input.path, e))?;
    // Read from one byte early: it tells whether `start` begins a line.
    let read_from = start.saturating_sub(1);
    let mut buffer = read_at(&file, read_from, end, input)?;
    stats.bytes += end - start;
    let mut owned_end = buffer.len();
    // Extend until the last line that starts in range is complete.
    loop {
        let last_newline = memchr::memrchr(b'\n', &buffer).map_or(0, |i| i + 1);
        let range_len = usize::try_from(end - read_from).unwrap_or(usize::MAX);
        if last_newline >= range_len || read_from + buffer.len() as u64 >= input.len {
            break;
        }
        if buffer.len() > range_len + MAX_LINE {
            owned_end = range_len; // A huge final line: cut here, reported by the parse.
            break;
        }
        let more_from = read_from + buffer.len() as u64;
        let more_to = (more_from + TAIL_STEP as u64).min(input.len);
        buffer.extend(read_at(&file, more_from, more_to, input)?);
        owned_end = buffer.len();
    }
    let begin = if start == 0 {
        0
    } else {
        match memchr::memchr(b'\n', &buffer) {
            Some(i) => i + 1,
            None => return Ok(()), // The whole range is inside a line owned by an earlier range.
        }
    };
    let range_len = usize::try_from(end - read_from).unwrap_or(usize::MAX);
    let lines = Lines {
        buffer: &buffer[..owned_end],
        begin,
        range_len,
        base: read_from,
    };
    lines.scan(context, stats, sink);
    Ok(())
}

fn read_at(file: &File, from: u64, to: u64, input: &Input) -> Result<Vec<u8>, Error> {
    let len =
        usize::try_from(to.saturating_sub(from)).map_err(|_| Error::format("range too large"))?;
    let mut buffer = vec![0u8; len];
    file.read_exact_at(&mut buffer, from)
        .map_err(|e| Error::io(&input.path, e))?;
    Ok(buffer)
}

/// The lines of a buffer that start before `range_len`.
struct Lines<'a> {
    buffer: &'a [u8],
    begin: usize,
    range_len: usize,
    base: u64,
}

impl Lines<'_> {
    fn line_at(&self, start: usize) -> (usize, usize) {
        let end =
            memchr::memchr(b'\n', &self.buffer[start..]).map_or(self.buffer.len(), |i| start + i);
        (start, end)
    }

    fn scan(&self, context: &ReadContext<'_>, stats: &mut FileStats, sink: &mut Sink<'_>) {
        // Records: every line that starts in range (the one at `begin`, and one
        // after each newline that is followed by a byte still in range).
        let limit = self.range_len.min(self.buffer.len());
        if self.begin < limit {
            let newlines = memchr::memchr_iter(b'\n', &self.buffer[self.begin..limit - 1]).count();
            stats.records += 1 + newlines as u64;
        }
        let Some(prefilter) = context.prefilter else {
            let mut cursor = self.begin;
            while cursor < limit {
                let (start, end) = self.line_at(cursor);
                self.handle(start, end, stats, sink);
                cursor = end + 1;
            }
            return;
        };
        let mut cursor = self.begin;
        while cursor < limit {
            let Some(hit) = prefilter.find_utf8(self.buffer, cursor) else {
                break;
            };
            let start = memchr::memrchr(b'\n', &self.buffer[cursor..hit])
                .map_or(cursor, |i| cursor + i + 1);
            if start >= limit {
                break;
            }
            let (start, end) = self.line_at(start);
            self.handle(start, end, stats, sink);
            cursor = end + 1;
        }
    }

    fn handle(&self, start: usize, end: usize, stats: &mut FileStats, sink: &mut Sink<'_>) {
        let offset = self.base + start as u64;
        let line = trim_newline(&self.buffer[start..end]);
        line_event(line, Location::Offset(offset), stats, sink);
    }
}

/// Parses one JSON line into an event.
fn line_event(line: &[u8], location: Location, stats: &mut FileStats, sink: &mut Sink<'_>) {
    let line = line.trim_ascii();
    if line.is_empty() {
        return;
    }
    let path = sink.path().to_path_buf();
    let value: serde_json::Value = match serde_json::from_slice(line) {
        Ok(value) => value,
        Err(error) => {
            stats.error(
                &path,
                location,
                format!("record skipped: invalid JSON: {error}"),
            );
            return;
        }
    };
    stats.parsed += 1;
    let record = match from_json(&value) {
        Ok(record) => record,
        Err(reason) => {
            stats.error(&path, location, format!("record skipped: {reason}"));
            return;
        }
    };
    if let Some(event) = to_event(&record, SourceRef::new(&path, location)) {
        stats.events += 1;
        sink.event(event);
    }
}

/// Reads a whole stream (a decompressed `.gz`) line by line.
pub(crate) fn read_stream(
    reader: Box<dyn Read>,
    context: &ReadContext<'_>,
    stats: &mut FileStats,
    sink: &mut Sink<'_>,
) -> Result<(), Error> {
    let path = sink.path().to_path_buf();
    let total = for_each_line(reader, |number, offset, line| {
        let location = Location::Line {
            line: number,
            offset,
        };
        match line {
            Line::TooLong(len) => {
                skip_too_long(stats, &path, location, len);
            }
            Line::Text(text) => {
                if text.trim_ascii().is_empty() {
                    return;
                }
                stats.records += 1;
                if context.prefilter.is_none_or(|p| p.hits_utf8(text)) {
                    line_event(text, location, stats, sink);
                }
            }
        }
    })
    .map_err(|e| Error::io(&path, e))?;
    stats.bytes += total;
    Ok(())
}
