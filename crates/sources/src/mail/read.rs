//! Reading mail files: one `.eml` message, or the messages of an mbox
//! (whole, or the range of a plain file that one worker reads), each turned
//! into one `Mail` event or one diagnostic.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use rmmguard_events::{Event, EventKind, Location, Meta, SourceRef};

use crate::mail::framing::{self, Framing, RawMessage};
use crate::mail::message;
use crate::mail::ocr::Ocr;
use crate::{Error, EventSink, FileStats, Input, Unit};

/// Splits a plain mbox file into units of about `unit_bytes`; each unit reads
/// the messages whose `From ` line starts inside it.
pub(crate) fn plan(index: usize, len: u64, unit_bytes: u64) -> Vec<Unit> {
    let step = unit_bytes.max(1 << 20);
    let mut units = Vec::new();
    let mut start = 0;
    while start < len {
        let end = (start + step).min(len);
        units.push(Unit {
            input: index,
            start,
            end,
        });
        start = end;
    }
    if units.is_empty() {
        units.push(Unit {
            input: index,
            start: 0,
            end: len,
        });
    }
    units
}

/// Reads one `.eml` message from a stream.
pub(crate) fn read_eml(
    reader: Box<dyn Read>,
    ocr: Option<&Ocr>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let mut read = Reading { stats, sink, ocr };
    let bytes = framing::read_messages(reader, 0, Framing::Single, None, &mut |raw| {
        read.message(raw)
    })
    .map_err(|e| Error::io(read.sink.path(), e))?;
    read.stats.bytes += bytes;
    Ok(())
}

/// Reads a whole mbox stream (a `.gz`, or a file read in one unit).
pub(crate) fn read_mbox_stream(
    reader: Box<dyn Read>,
    ocr: Option<&Ocr>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let mut read = Reading { stats, sink, ocr };
    let bytes =
        framing::read_messages(reader, 0, Framing::Mbox, None, &mut |raw| read.message(raw))
            .map_err(|e| Error::io(read.sink.path(), e))?;
    read.stats.bytes += bytes;
    Ok(())
}

/// Reads the messages of a plain mbox file whose `From ` line starts in `[start, end)`.
pub(crate) fn read_mbox_range(
    input: &Input,
    start: u64,
    end: u64,
    ocr: Option<&Ocr>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let mut file = File::open(&input.path).map_err(|e| Error::io(&input.path, e))?;
    // A few bytes early: they tell whether a `From ` line at `start` follows a blank line.
    let read_from = start.saturating_sub(4);
    file.seek(SeekFrom::Start(read_from))
        .map_err(|e| Error::io(&input.path, e))?;
    let framing = Framing::MboxRange {
        first: start,
        partial_first_line: read_from > 0,
    };
    let mut read = Reading { stats, sink, ocr };
    framing::read_messages(Box::new(file), read_from, framing, Some(end), &mut |raw| {
        read.message(raw)
    })
    .map_err(|e| Error::io(&input.path, e))?;
    read.stats.bytes += end - start;
    Ok(())
}

/// Turns framed messages into events and diagnostics.
struct Reading<'s, 'k> {
    stats: &'s mut FileStats,
    sink: &'s mut EventSink<'k>,
    ocr: Option<&'s Ocr>,
}

impl Reading<'_, '_> {
    fn message(&mut self, raw: RawMessage) {
        self.stats.records += 1;
        let path = self.sink.path().to_path_buf();
        let location = Location::Offset(raw.offset);
        for note in &raw.notes {
            self.stats.warning(&path, location, note.clone());
        }
        let converted = match message::convert(&raw.bytes, self.ocr) {
            Ok(converted) => converted,
            Err(reason) => {
                self.stats
                    .error(&path, location, format!("mail message skipped: {reason}"));
                return;
            }
        };
        self.stats.parsed += 1;
        for note in converted.notes {
            self.stats.warning(&path, location, note);
        }
        let mut meta = Meta::new(SourceRef::new(&path, location));
        meta.timestamp = converted.timestamp;
        meta.user = converted.recipient;
        self.stats.events += 1;
        self.sink.event(Event {
            meta,
            kind: EventKind::Mail(Box::new(converted.mail)),
        });
    }
}
