//! Evidence sources: find files, sniff their format from content, and read
//! them as a stream of normalized [`Event`]s.
//!
//! The flow: [`discover`] walks the paths given (recursing into folders,
//! following symlinks once, looking inside `.gz`, reading pipes as streams)
//! and sniffs each file into an [`Input`]; [`plan`] splits inputs into
//! [`Unit`]s (EVTX chunk ranges, JSON-lines and mbox byte ranges) that can be
//! read in parallel; [`read_unit`] reads one unit, calling back with each
//! event and returning [`FileStats`]. A [`Prefilter`] lets the readers skip
//! raw records that cannot matter without parsing them, and a [`NetScreen`]
//! widens it for sensor logs (Zeek, EVE), whose flows matter by port and
//! protocol too.
//!
//! The readers live by family: `windows` (EVTX, JSON lines of Windows
//! events, inventories), `network` (pcap, Zeek, EVE) and `mail` (`.eml`,
//! mbox). Every line-based reader goes through one line loop (`lines`),
//! which bounds line length, skips zero padding and byte order marks, and
//! UTF-16 text is converted to UTF-8 as it is read ([`Encoding`]).
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

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod context;
mod encoding;
mod error;
mod lines;
mod mail;
mod network;
mod prefilter;
mod read;
mod sniff;
mod stats;
mod unit;
mod walk;
mod windows;

pub(crate) use context::EventSink;
pub use context::ReadContext;
pub use encoding::Encoding;
pub use error::{Error, ErrorKind};
pub use mail::ocr::Ocr;
pub use network::screen::NetScreen;
pub use prefilter::Prefilter;
pub use read::{read_bytes, read_unit};
pub use rmmguard_events::Event;
pub use sniff::{Format, sniff};
pub use stats::{Diagnostic, DiagnosticLevel, FileStats};
pub use unit::{Unit, plan};
pub use walk::{Discovery, Input, Skipped, discover, discover_each};
pub use windows::winevent;
