//! Evidence sources: find files, sniff their format from content, and read
//! them as a stream of normalized [`Event`]s.
//!
//! The flow: [`discover`] walks the paths given (recursing into folders,
//! looking inside `.gz`) and sniffs each file into an [`Input`]; [`plan`]
//! splits inputs into [`Unit`]s (EVTX chunk ranges, JSON-lines byte ranges)
//! that can be read in parallel; [`read_unit`] reads one unit, calling back
//! with each event and returning [`FileStats`]. A [`Prefilter`] lets the
//! readers skip raw records that cannot matter without parsing them, and a
//! [`NetScreen`] widens it for sensor logs (Zeek, EVE), whose flows matter
//! by port and protocol too.
//!
//! Every reader keeps memory bounded whatever the input size, puts a
//! `SourceRef` on every event, and turns a bad record into a counted
//! [`Diagnostic`] (file and offset) instead of failing the file.
//!
//! ```no_run
//! use rmmguard_sources::{ReadContext, discover, plan, read_unit};
//!
//! let discovery = discover(&["evidence/".into()])?;
//! for unit in plan(&discovery.inputs, 8 << 20) {
//!     let input = &discovery.inputs[unit.input];
//!     let stats = read_unit(input, &unit, &ReadContext::default(), &mut |event| {
//!         println!("{} {}", event.meta.source, event.kind.name());
//!     });
//!     println!("{} records", stats.records);
//! }
//! # Ok::<(), rmmguard_sources::Error>(())
//! ```

#![warn(missing_docs)]

mod error;
mod eve;
mod evtx;
mod inventory;
mod jsonl;
mod light;
mod lines;
#[cfg(feature = "mail")]
mod mail;
mod mail_sniff;
mod net_sniff;
#[cfg(feature = "network")]
mod pcap;
mod prefilter;
mod screen;
mod sensor;
mod sniff;
mod stats;
mod walk;
pub mod winevent;
mod zeek;

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

pub use error::{Error, ErrorKind};
pub use prefilter::Prefilter;
pub use rmmguard_events::Event;
pub use screen::NetScreen;
pub use sniff::{Format, sniff};
pub use stats::{Diagnostic, DiagnosticLevel, FileStats};
pub use walk::{Discovery, Input, Skipped, discover};

/// What every reader needs besides the input itself.
#[derive(Debug, Clone, Default)]
pub struct ReadContext<'a> {
    /// Skip raw records that contain no needle (`None`: parse everything).
    pub prefilter: Option<&'a Prefilter>,
    /// Skip sensor records no network rule could flag (used only together
    /// with the prefilter, which judges their names).
    pub screen: Option<&'a NetScreen>,
}

/// A piece of an input that one worker reads: a byte range of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Index of the input in the `inputs` slice given to [`plan`].
    pub input: usize,
    /// First byte (for EVTX: a chunk boundary).
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

/// Splits inputs into units of about `unit_bytes` that can be read in
/// parallel: EVTX files by chunk ranges and plain JSON-lines files by byte
/// ranges; compressed files and inventories stay whole.
pub fn plan(inputs: &[Input], unit_bytes: u64) -> Vec<Unit> {
    let mut units = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let whole = Unit {
            input: index,
            start: 0,
            end: input.len,
        };
        match (input.format, input.gzip) {
            (Format::Evtx, false) => units.extend(evtx::plan(index, input.len, unit_bytes)),
            #[cfg(feature = "mail")]
            (Format::Mbox, false) => units.extend(mail::plan(index, input.len, unit_bytes)),
            (Format::EventJson, false) if input.len > unit_bytes => {
                let mut start = 0;
                while start < input.len {
                    let end = (start + unit_bytes.max(1)).min(input.len);
                    units.push(Unit {
                        input: index,
                        start,
                        end,
                    });
                    start = end;
                }
            }
            _ => units.push(whole),
        }
    }
    units
}

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
    let mut sink = Sink {
        input,
        site: input.site.clone(),
        emit,
    };
    let result = match (input.format, input.gzip) {
        (Format::Evtx, false) => {
            evtx::read_range(input, unit.start, unit.end, context, &mut stats, &mut sink)
        }
        (Format::EventJson, false) => {
            jsonl::read_range(input, unit.start, unit.end, context, &mut stats, &mut sink)
        }
        // Mail is never prefiltered: the callback rules need no catalog needle.
        #[cfg(feature = "mail")]
        (Format::Mbox, false) => {
            mail::read_mbox_range(input, unit.start, unit.end, &mut stats, &mut sink)
        }
        (format, _) => open_stream(input).and_then(|reader| match format {
            Format::Evtx => evtx::read_stream(reader, context, &mut stats, &mut sink),
            Format::EventJson => jsonl::read_stream(reader, context, &mut stats, &mut sink),
            Format::InventoryCsv | Format::InventoryJson | Format::InventoryJsonLines => {
                inventory::read(format, reader, &mut stats, &mut sink)
            }
            #[cfg(feature = "mail")]
            Format::Eml => mail::read_eml(reader, &mut stats, &mut sink),
            #[cfg(feature = "mail")]
            Format::Mbox => mail::read_mbox_stream(reader, &mut stats, &mut sink),
            #[cfg(not(feature = "mail"))]
            Format::Eml | Format::Mbox => Err(Error::format(
                "mail support is not built in (cargo feature `mail`)",
            )),
            // Captures are never prefiltered: a packet is not a record.
            #[cfg(feature = "network")]
            Format::Pcap | Format::Pcapng => pcap::read_stream(reader, &mut stats, &mut sink),
            #[cfg(not(feature = "network"))]
            Format::Pcap | Format::Pcapng => Err(Error::format(
                "packet capture support is not built in (cargo feature `network`)",
            )),
            Format::ZeekTsv | Format::ZeekJson => {
                zeek::read_stream(format, reader, context, &mut stats, &mut sink)
            }
            Format::SuricataEve => eve::read_stream(reader, context, &mut stats, &mut sink),
        }),
    };
    if let Err(error) = result {
        stats.error(
            &input.path,
            rmmguard_events::Location::Offset(unit.start),
            error.to_string(),
        );
    }
    stats
}

/// Reads evidence held in memory (a message payload, a fuzzer's input) as
/// one stream of `format`, naming it `name` in every `SourceRef`.
pub fn read_bytes(
    format: Format,
    name: &str,
    bytes: &[u8],
    context: &ReadContext<'_>,
    emit: &mut dyn FnMut(Event),
) -> FileStats {
    let input = Input {
        path: Arc::from(Path::new(name)),
        format,
        gzip: false,
        len: bytes.len() as u64,
        site: None,
    };
    let mut stats = FileStats::default();
    let mut sink = Sink {
        input: &input,
        site: None,
        emit,
    };
    // The stream readers take owned streams; the caller's bytes are bounded.
    let owned: Box<dyn Read> = Box::new(std::io::Cursor::new(bytes.to_vec()));
    let result = match format {
        Format::Evtx => evtx::read_stream(owned, context, &mut stats, &mut sink),
        Format::EventJson => jsonl::read_stream(owned, context, &mut stats, &mut sink),
        Format::InventoryCsv | Format::InventoryJson | Format::InventoryJsonLines => {
            inventory::read(format, owned, &mut stats, &mut sink)
        }
        #[cfg(feature = "mail")]
        Format::Eml => mail::read_eml(owned, &mut stats, &mut sink),
        #[cfg(feature = "mail")]
        Format::Mbox => mail::read_mbox_stream(owned, &mut stats, &mut sink),
        #[cfg(not(feature = "mail"))]
        Format::Eml | Format::Mbox => Err(Error::format(
            "mail support is not built in (cargo feature `mail`)",
        )),
        #[cfg(feature = "network")]
        Format::Pcap | Format::Pcapng => pcap::read_stream(owned, &mut stats, &mut sink),
        #[cfg(not(feature = "network"))]
        Format::Pcap | Format::Pcapng => Err(Error::format(
            "packet capture support is not built in (cargo feature `network`)",
        )),
        Format::ZeekTsv | Format::ZeekJson => {
            zeek::read_stream(format, owned, context, &mut stats, &mut sink)
        }
        Format::SuricataEve => eve::read_stream(owned, context, &mut stats, &mut sink),
    };
    if let Err(error) = result {
        stats.error(
            Path::new(name),
            rmmguard_events::Location::Offset(0),
            error.to_string(),
        );
    }
    stats
}

/// Opens an input for sequential reading, decompressing `.gz` content.
fn open_stream(input: &Input) -> Result<Box<dyn Read>, Error> {
    let file = File::open(&input.path).map_err(|e| Error::io(&input.path, e))?;
    let reader = BufReader::with_capacity(256 << 10, file);
    Ok(if input.gzip {
        Box::new(BufReader::with_capacity(
            256 << 10,
            flate2::read::MultiGzDecoder::new(reader),
        ))
    } else {
        Box::new(reader)
    })
}

/// Where readers hand their events: stamps the site and forwards.
pub(crate) struct Sink<'a> {
    pub input: &'a Input,
    pub site: Option<Arc<str>>,
    pub emit: &'a mut dyn FnMut(Event),
}

impl Sink<'_> {
    pub fn event(&mut self, mut event: Event) {
        if event.meta.site.is_none() {
            event.meta.site = self.site.clone();
        }
        (self.emit)(event);
    }

    pub fn path(&self) -> &Path {
        &self.input.path
    }
}
