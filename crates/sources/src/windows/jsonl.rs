//! JSON lines of Windows events (evtx_dump, Winlogbeat/ECS, NXLog).
//!
//! A plain file is read as byte ranges in parallel: a line belongs to the
//! range its first byte is in. Within a range the prefilter searches whole
//! blocks of lines at once and only the lines it hits are parsed; the rest
//! are counted by their newlines. Locations are byte offsets (the engine
//! turns them into line numbers for the findings it reports); a stream
//! (`.gz`, a pipe, converted UTF-16) is read line by line with line numbers
//! from the start. Both go through the shared line loop (`crate::lines`).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;

use rmmguard_events::{Location, SourceRef};
use serde_json::Value;

use crate::lines::{Block, Places, Scanner, parse_json};
use crate::windows::winevent::{from_json, to_event};
use crate::{Error, EventSink, FileStats, Input, ReadContext};

/// How much is read at a time while looking for a range's first line.
const SEARCH_STEP: usize = 64 << 10;

/// Reads the lines that start in `[start, end)` of a plain file.
pub(crate) fn read_range(
    input: &Input,
    start: u64,
    end: u64,
    context: &ReadContext<'_>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let mut file = File::open(&input.path).map_err(|e| Error::io(&input.path, e))?;
    stats.bytes += end - start;
    let first = match first_line_start(&file, start, end).map_err(|e| Error::io(&input.path, e))? {
        Some(first) => first,
        None => return Ok(()), // The whole range is inside a line owned by an earlier range.
    };
    file.seek(SeekFrom::Start(first))
        .map_err(|e| Error::io(&input.path, e))?;
    let path = sink.shared_path();
    Scanner::new(file, &path, Places::Offsets, first, end)
        .run(stats, &mut |stats, block| {
            stats.records += block.count();
            scan_block(block, context, stats, sink);
        })
        .map_err(|e| Error::io(&path, e))?;
    Ok(())
}

/// The first line that starts in `[start, end)`: at `start` itself when the
/// byte before it ends a line, else just after the first line break.
fn first_line_start(file: &File, start: u64, end: u64) -> std::io::Result<Option<u64>> {
    if start == 0 {
        return Ok(Some(0));
    }
    let mut buffer = vec![0u8; SEARCH_STEP];
    let mut from = start - 1;
    while from + 1 < end {
        let want = usize::try_from((end - 1 - from).min(SEARCH_STEP as u64)).unwrap_or(SEARCH_STEP);
        let read = file.read_at(&mut buffer[..want], from)?;
        if read == 0 {
            break;
        }
        if let Some(i) = memchr::memchr(b'\n', &buffer[..read]) {
            return Ok(Some(from + i as u64 + 1));
        }
        from += read as u64;
    }
    Ok(None)
}

/// Handles a block of lines: with the prefilter, only the lines it hits.
fn scan_block(
    block: Block<'_>,
    context: &ReadContext<'_>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) {
    let Some(prefilter) = context.prefilter else {
        for (location, line) in block.lines() {
            line_event(line, location, stats, sink);
        }
        return;
    };
    let mut cursor = 0;
    while cursor < block.bytes.len() {
        let Some(hit) = prefilter.find_utf8(block.bytes, cursor) else {
            break;
        };
        let (location, line, next) = block.line_at(hit);
        line_event(line, location, stats, sink);
        cursor = next;
    }
}

/// Parses one JSON line into an event.
fn line_event(line: &[u8], location: Location, stats: &mut FileStats, sink: &mut EventSink<'_>) {
    let line = line.trim_ascii();
    if line.is_empty() {
        return;
    }
    let path = sink.shared_path();
    let value: Value = match parse_json(line, stats, &path, location) {
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

/// Reads a whole stream line by line.
pub(crate) fn read_stream(
    reader: Box<dyn Read>,
    context: &ReadContext<'_>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let path = sink.shared_path();
    let total = Scanner::new(reader, &path, Places::Lines, 0, u64::MAX)
        .run(stats, &mut |stats, block| {
            for (location, text) in block.lines() {
                if text.trim_ascii().is_empty() {
                    continue;
                }
                stats.records += 1;
                if context.prefilter.is_none_or(|p| p.hits_utf8(text)) {
                    line_event(text, location, stats, sink);
                }
            }
        })
        .map_err(|e| Error::io(&path, e))?;
    stats.bytes += total;
    Ok(())
}
