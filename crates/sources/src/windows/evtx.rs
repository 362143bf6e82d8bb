//! EVTX: Windows XML Event Log files, read chunk by chunk.
//!
//! An EVTX file is a 4 KiB header and 64 KiB chunks; a chunk holds its own
//! string and template tables, so chunks parse independently and ranges of
//! chunks are the units of parallel work. For every chunk this reader checks
//! the magic and both CRC32s (cheap), runs the prefilter over the chunk's
//! bytes (template text and record values alike, in UTF-16LE and UTF-8),
//! and only when it hits hands the chunk to the `evtx` crate to parse and
//! render each record. Chunks the prefilter passes over still count their
//! records from the chunk header.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use evtx::{EvtxChunkData, ParserSettings};
use rmmguard_events::{Location, SourceRef};

use crate::windows::winevent::{from_evtx_json, to_event};
use crate::{Error, EventSink, FileStats, Input, ReadContext, Unit};

const FILE_HEADER: u64 = 4096;
const CHUNK: usize = 65536;
const CHUNK_MAGIC: &[u8; 8] = b"ElfChnk\0";
const CHUNK_HEADER: usize = 512;
const NO_CRC32: u32 = 0x4;

/// Units of whole chunks, about `unit_bytes` each.
pub(crate) fn plan(input: usize, len: u64, unit_bytes: u64) -> Vec<Unit> {
    let chunks = len.saturating_sub(FILE_HEADER).div_ceil(CHUNK as u64);
    let per_unit = (unit_bytes / CHUNK as u64).max(1);
    let mut units = Vec::new();
    let mut first = 0;
    while first < chunks.max(1) {
        let last = (first + per_unit).min(chunks);
        units.push(Unit {
            input,
            start: if first == 0 {
                0
            } else {
                FILE_HEADER + first * CHUNK as u64
            },
            end: if last >= chunks {
                len
            } else {
                FILE_HEADER + last * CHUNK as u64
            },
        });
        first = last.max(first + 1);
    }
    units
}

fn settings() -> Arc<ParserSettings> {
    Arc::new(
        ParserSettings::new()
            .separate_json_attributes(false)
            .indent(false)
            .validate_checksums(false),
    )
}

/// Reads the chunks of `[start, end)` of a plain file with positioned reads.
pub(crate) fn read_range(
    input: &Input,
    start: u64,
    end: u64,
    context: &ReadContext<'_>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let file = File::open(&input.path).map_err(|e| Error::io(&input.path, e))?;
    let settings = settings();
    let mut buffer = vec![0u8; CHUNK];
    let mut scratch = Vec::with_capacity(CHUNK);
    let mut offset = start.max(FILE_HEADER);
    if start == 0 {
        let mut header = [0u8; 8];
        file.read_exact_at(&mut header, 0)
            .map_err(|e| Error::io(&input.path, e))?;
        stats.bytes += FILE_HEADER.min(input.len);
        if input.len < FILE_HEADER + CHUNK as u64 {
            no_whole_chunk(input.len, stats, &input.path);
            return Ok(());
        }
    }
    while offset < end {
        let available = usize::try_from((input.len - offset).min(CHUNK as u64)).unwrap_or(CHUNK);
        if available < CHUNK {
            stats.bytes += available as u64;
            cut_chunk(offset, available, stats, &input.path);
            break;
        }
        file.read_exact_at(&mut buffer, offset)
            .map_err(|e| Error::io(&input.path, e))?;
        stats.bytes += CHUNK as u64;
        chunk(
            &buffer,
            offset,
            context,
            &settings,
            &mut scratch,
            stats,
            sink,
        );
        offset += CHUNK as u64;
    }
    Ok(())
}

/// Reports a file too short to hold one whole chunk.
fn no_whole_chunk(len: u64, stats: &mut FileStats, path: &Path) {
    let partial = len.saturating_sub(FILE_HEADER);
    let detail = if partial > 0 {
        format!(" ({partial} trailing bytes of a cut chunk ignored)")
    } else {
        String::new()
    };
    stats.error(
        path,
        Location::Offset(0),
        format!(
            "truncated EVTX: {len} bytes, no complete chunk (a {FILE_HEADER}-byte header and {CHUNK}-byte chunks expected){detail}"
        ),
    );
}

/// Warns about a last chunk cut short (its records are not read).
fn cut_chunk(offset: u64, available: usize, stats: &mut FileStats, path: &Path) {
    stats.warning(
        path,
        Location::Offset(offset),
        format!(
            "truncated EVTX: the last chunk is cut after {available} of {CHUNK} bytes; {available} trailing bytes after the last whole chunk ignored"
        ),
    );
}

/// Reads a whole EVTX stream (a decompressed `.gz`) chunk after chunk.
pub(crate) fn read_stream(
    mut reader: Box<dyn Read>,
    context: &ReadContext<'_>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let path = sink.shared_path();
    let mut header = vec![0u8; FILE_HEADER as usize];
    let filled = read_full(&mut reader, &mut header).map_err(|e| Error::io(&path, e))?;
    stats.bytes += filled as u64;
    if filled < header.len() {
        no_whole_chunk(filled as u64, stats, &path);
        return Ok(());
    }
    let settings = settings();
    let mut buffer = vec![0u8; CHUNK];
    let mut scratch = Vec::with_capacity(CHUNK);
    let mut offset = FILE_HEADER;
    loop {
        let filled = read_full(&mut reader, &mut buffer).map_err(|e| Error::io(&path, e))?;
        stats.bytes += filled as u64;
        if filled < CHUNK && offset == FILE_HEADER {
            no_whole_chunk(FILE_HEADER + filled as u64, stats, &path);
            return Ok(());
        }
        if filled == 0 {
            return Ok(());
        }
        if filled < CHUNK {
            cut_chunk(offset, filled, stats, &path);
            return Ok(());
        }
        chunk(
            &buffer,
            offset,
            context,
            &settings,
            &mut scratch,
            stats,
            sink,
        );
        offset += CHUNK as u64;
    }
}

/// Reads until the buffer is full or the stream ends; returns the bytes read.
fn read_full(reader: &mut dyn Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..at + 8)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

/// Handles one 64 KiB chunk found at `offset` in the file.
#[allow(clippy::too_many_arguments)] // The reader's state, threaded through one call per chunk.
fn chunk(
    bytes: &[u8],
    offset: u64,
    context: &ReadContext<'_>,
    settings: &Arc<ParserSettings>,
    scratch: &mut Vec<u8>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) {
    let path = sink.shared_path();
    let at = Location::Offset(offset);
    if !bytes.starts_with(CHUNK_MAGIC) {
        if bytes.iter().all(|&b| b == 0) {
            return; // Preallocated, never written.
        }
        stats.error(
            &path,
            at,
            "chunk skipped: bad chunk magic (not \"ElfChnk\")".into(),
        );
        return;
    }
    let first_id = u64_at(bytes, 24);
    let last_id = u64_at(bytes, 32);
    let free_space = (u32_at(bytes, 48) as usize).clamp(CHUNK_HEADER, CHUNK);
    let records = last_id
        .checked_sub(first_id)
        .map(|n| n + 1)
        .filter(|&n| n <= (CHUNK / 24) as u64);
    let flags = u32_at(bytes, 120);
    if flags & NO_CRC32 == 0 {
        check_crcs(bytes, free_space, offset, stats, &path);
    }
    let used = &bytes[..free_space];
    if let Some(prefilter) = context.prefilter
        && !prefilter.hits_binary(used, scratch)
    {
        stats.records += records.unwrap_or(0);
        return;
    }
    parse_chunk(bytes, offset, records, settings, stats, sink);
}

/// Warns when a chunk's stored CRC32s do not match its bytes; such chunks
/// (often the last one of a log that was not closed cleanly) are still read.
fn check_crcs(
    bytes: &[u8],
    free_space: usize,
    offset: u64,
    stats: &mut FileStats,
    path: &std::path::Path,
) {
    let mut header = crc32fast::Hasher::new();
    header.update(&bytes[..120]);
    header.update(&bytes[128..CHUNK_HEADER]);
    let (stored_header, computed_header) = (u32_at(bytes, 124), header.finalize());
    let (stored_data, computed_data) = (
        u32_at(bytes, 52),
        crc32fast::hash(&bytes[CHUNK_HEADER..free_space]),
    );
    if stored_header != computed_header || stored_data != computed_data {
        let which = if stored_header != computed_header {
            "header"
        } else {
            "records"
        };
        stats.warning(
            path,
            Location::Offset(offset),
            format!("chunk {which} CRC32 mismatch (damaged or not closed cleanly); read anyway"),
        );
    }
}

fn parse_chunk(
    bytes: &[u8],
    offset: u64,
    records: Option<u64>,
    settings: &Arc<ParserSettings>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) {
    let path = sink.shared_path();
    let mut data = match EvtxChunkData::new(bytes.to_vec(), false) {
        Ok(data) => data,
        Err(error) => {
            stats.records += records.unwrap_or(0);
            stats.error(
                &path,
                Location::Offset(offset),
                format!("chunk skipped: {error}"),
            );
            return;
        }
    };
    let mut chunk = match data.parse(Arc::clone(settings)) {
        Ok(chunk) => chunk,
        Err(error) => {
            stats.records += records.unwrap_or(0);
            stats.skipped += records.unwrap_or(1).saturating_sub(1);
            stats.error(
                &path,
                Location::Offset(offset),
                format!(
                    "chunk skipped ({}): {error}",
                    rmmguard_words::counted(records.unwrap_or(0), "record")
                ),
            );
            return;
        }
    };
    for record in chunk.iter() {
        stats.records += 1;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                stats.error(
                    &path,
                    Location::Offset(offset),
                    format!("record skipped: {error}"),
                );
                continue;
            }
        };
        let location = Location::EvtxRecord {
            record_id: record.event_record_id,
            offset: offset + record.binxml_offset.saturating_sub(24),
        };
        let timestamp = record.timestamp;
        let json = match record.into_json_value() {
            Ok(json) => json,
            Err(error) => {
                stats.error(&path, location, format!("record skipped: {error}"));
                continue;
            }
        };
        stats.parsed += 1;
        let Some(event) = json.data.get("Event") else {
            stats.error(&path, location, "record skipped: no Event element".into());
            continue;
        };
        let mut record = from_evtx_json(event);
        // The record header's FILETIME is zero in some carved or synthetic
        // records; TimeCreated is the better source when present.
        if record.time.is_none() && timestamp.as_second() > -11_644_473_600 {
            record.time = Some(timestamp);
        }
        if let Some(event) = to_event(&record, SourceRef::new(&path, location)) {
            stats.events += 1;
            sink.event(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_whole_chunks() {
        let len = FILE_HEADER + 5 * CHUNK as u64;
        let units = plan(3, len, 2 * CHUNK as u64);
        let ranges: Vec<(u64, u64)> = units.iter().map(|u| (u.start, u.end)).collect();
        let c = CHUNK as u64;
        assert_eq!(
            ranges,
            [
                (0, FILE_HEADER + 2 * c),
                (FILE_HEADER + 2 * c, FILE_HEADER + 4 * c),
                (FILE_HEADER + 4 * c, len)
            ]
        );
        assert_eq!(plan(0, FILE_HEADER, 1 << 20).len(), 1);
    }
}
