//! The one dispatch from format to reader. [`read_unit`] reads a unit of a
//! discovered input: a range of a file by positioned reads where the format
//! splits (EVTX chunks, JSON lines, mbox messages), otherwise the whole
//! input as a stream, decompressed and converted to UTF-8. [`read_bytes`]
//! reads evidence held in memory through the same stream readers.

use std::io::{BufReader, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use rmmguard_events::{Event, Location};

use crate::network::{eve, zeek};
use crate::unit::Split;
use crate::windows::{evtx, inventory, jsonl};
use crate::{Encoding, Error, EventSink, FileStats, Format, Input, ReadContext, Unit};

/// Reads one unit of an input, calling `emit` for every event, and returns
/// the unit's statistics. Never fails: an unreadable file or a bad record
/// becomes a diagnostic in the stats.
pub fn read_unit(
    input: &Input,
    unit: &Unit,
    context: &ReadContext<'_>,
    emit: &mut dyn FnMut(Event),
) -> FileStats {
    let mut stats = FileStats::default();
    let mut sink = EventSink::new(input, emit);
    let (start, end) = (unit.start, unit.end);
    let result = match Split::of(input) {
        Split::Chunks => evtx::read_range(input, start, end, context, &mut stats, &mut sink),
        Split::Lines => jsonl::read_range(input, start, end, context, &mut stats, &mut sink),
        #[cfg(feature = "mail")]
        Split::Messages => {
            crate::mail::read_mbox_range(input, start, end, context.ocr, &mut stats, &mut sink)
        }
        Split::Whole => open_stream(input)
            .and_then(|reader| read_stream(input.format, reader, context, &mut stats, &mut sink)),
    };
    if let Err(error) = result {
        stats.error(&input.path, Location::Offset(unit.start), error.to_string());
    }
    stats
}

/// Reads evidence held in memory (a message payload, a fuzzer's input) as
/// one stream of `format`, naming it `name` in every `SourceRef`. Text in
/// UTF-16 (told by its byte order mark) is converted as from a file.
pub fn read_bytes(
    format: Format,
    name: &str,
    bytes: &[u8],
    context: &ReadContext<'_>,
    emit: &mut dyn FnMut(Event),
) -> FileStats {
    let input = Input::new(
        Arc::from(Path::new(name)),
        format,
        false,
        bytes.len() as u64,
    );
    let mut stats = FileStats::default();
    let mut sink = EventSink::new(&input, emit);
    // The stream readers take owned streams; the caller's bytes are bounded.
    let owned: Box<dyn Read> = Box::new(Cursor::new(bytes.to_vec()));
    let reader = text_encoding(format, bytes).decode(owned);
    if let Err(error) = read_stream(format, reader, context, &mut stats, &mut sink) {
        stats.error(Path::new(name), Location::Offset(0), error.to_string());
    }
    stats
}

/// The encoding of `head` when `format` is text (binary formats are never converted).
fn text_encoding(format: Format, head: &[u8]) -> Encoding {
    match format {
        Format::Evtx | Format::Pcap | Format::Pcapng => Encoding::Utf8,
        _ => Encoding::of(head),
    }
}

/// Reads a whole stream of `format`.
fn read_stream(
    format: Format,
    reader: Box<dyn Read>,
    context: &ReadContext<'_>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    match format {
        Format::Evtx => evtx::read_stream(reader, context, stats, sink),
        Format::EventJson => jsonl::read_stream(reader, context, stats, sink),
        Format::InventoryCsv | Format::InventoryJson | Format::InventoryJsonLines => {
            inventory::read(format, reader, stats, sink)
        }
        // Mail is never prefiltered: the callback rules need no catalog needle.
        #[cfg(feature = "mail")]
        Format::Eml => crate::mail::read_eml(reader, context.ocr, stats, sink),
        #[cfg(feature = "mail")]
        Format::Mbox => crate::mail::read_mbox_stream(reader, context.ocr, stats, sink),
        #[cfg(not(feature = "mail"))]
        Format::Eml | Format::Mbox => Err(Error::format(
            "mail support is not built in (cargo feature `mail`)",
        )),
        // Captures are never prefiltered: a packet is not a record.
        #[cfg(feature = "network")]
        Format::Pcap | Format::Pcapng => crate::network::pcap::read_stream(reader, stats, sink),
        #[cfg(not(feature = "network"))]
        Format::Pcap | Format::Pcapng => Err(Error::format(
            "packet capture support is not built in (cargo feature `network`)",
        )),
        Format::ZeekTsv | Format::ZeekJson => {
            zeek::read_stream(format, reader, context, stats, sink)
        }
        Format::SuricataEve => eve::read_stream(reader, context, stats, sink),
    }
}

/// Opens an input for sequential reading: decompressed when it is gzip,
/// converted to UTF-8 when it is UTF-16.
fn open_stream(input: &Input) -> Result<Box<dyn Read>, Error> {
    let raw = BufReader::with_capacity(256 << 10, input.open_raw()?);
    let decompressed: Box<dyn Read> = if input.gzip {
        Box::new(BufReader::with_capacity(
            256 << 10,
            flate2::read::MultiGzDecoder::new(raw),
        ))
    } else {
        Box::new(raw)
    };
    Ok(input.encoding.decode(decompressed))
}
