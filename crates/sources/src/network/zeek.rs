//! Zeek logs, TSV or JSON, plain or `.gz`: conn, dns, ssl, x509, http,
//! files, rdp, rfb and notice records become events (see `logs.rs`); other
//! logs are counted and passed over.
//!
//! Records are read line by line with bounded memory. The joins Zeek's
//! logs need are bounded too: an ssl record names its certificate by
//! fingerprint, so the certificates of the x509 records met so far (in a
//! combined json-streaming log) or of the x509 log beside the ssl log
//! (`ssl.log` → `x509.log`, read first) give it its subject and issuer; an
//! http record gives its file ids' names to the files records that follow.
//! Locations are line numbers. Sensor events carry no host name.

mod json;
mod logs;
mod screen;
mod tsv;

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use rmmguard_events::{Location, SourceRef, Timestamp};
use serde_json::{Map, Value};

use crate::lines::{LOSSY, for_each_line};
use crate::network::sensor;
use crate::{Error, EventSink, FileStats, Format, NetScreen, Prefilter, ReadContext};
use logs::{Joins, Log};

/// Field access common to TSV and JSON records.
pub(crate) trait Record {
    /// A string field; `None` when unset or empty.
    fn text(&self, name: &str) -> Option<Cow<'_, str>>;
    /// A set or vector field's items.
    fn list(&self, name: &str) -> Vec<String>;
    /// A count or port field.
    fn count(&self, name: &str) -> Option<u64>;
    /// An interval or double field.
    fn number(&self, name: &str) -> Option<f64>;
    /// A time field.
    fn time(&self, name: &str) -> Option<Timestamp>;
    /// Whether the record's layout has the field.
    fn has(&self, name: &str) -> bool;
}

/// Reads a whole Zeek log.
pub(crate) fn read_stream(
    format: Format,
    reader: Box<dyn Read>,
    context: &ReadContext<'_>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let path = sink.shared_path();
    let mut state = State {
        header: tsv::Header::default(),
        spans: Vec::new(),
        screen: context.prefilter.zip(context.screen),
        screen_cells: 0,
        emitter: Emitter {
            base: SourceRef::new(&path, Location::Offset(0)),
            joins: Joins::default(),
            sibling_read: false,
        },
    };
    let total = for_each_line(reader, &path, stats, |stats, number, offset, text| {
        let location = Location::Line {
            line: number,
            offset,
        };
        let result = match format {
            Format::ZeekTsv => state.tsv_line(text, number, offset, stats, sink),
            _ => state.json_line(text, number, offset, stats, sink),
        };
        if let Err(message) = result {
            stats.error(&path, location, format!("record skipped: {message}"));
        }
    })
    .map_err(|e| Error::io(&path, e))?;
    stats.bytes += total;
    Ok(())
}

struct State<'c> {
    header: tsv::Header,
    /// Cell ranges of the TSV record being read (reused).
    spans: Vec<(usize, usize)>,
    /// The prefilter and network screen, when records may be passed over.
    screen: Option<(&'c Prefilter, &'c NetScreen)>,
    /// How many leading cells the screen reads in this log.
    screen_cells: usize,
    emitter: Emitter,
}

/// Turns records into events, keeping what joins need.
struct Emitter {
    base: SourceRef,
    joins: Joins,
    sibling_read: bool,
}

impl State<'_> {
    fn tsv_line(
        &mut self,
        line: &[u8],
        number: u64,
        offset: u64,
        stats: &mut FileStats,
        sink: &mut EventSink<'_>,
    ) -> Result<(), String> {
        if line.first() == Some(&b'#') {
            let text = String::from_utf8_lossy(line);
            if !self.header.read_line(&text) {
                return Err(format!("malformed header line {text:?}"));
            }
            if let Some((_, net)) = self.screen {
                let reads = screen::reads(self.header.log, net.watches_addresses());
                self.screen_cells = self.header.cells_holding(reads);
            }
            return Ok(());
        }
        if line.is_empty() {
            return Ok(());
        }
        stats.records += 1;
        if !self.header.has_fields() {
            return Err("a record before any #fields header".into());
        }
        let lossy;
        let text = match std::str::from_utf8(line) {
            Ok(text) => text,
            Err(_) => {
                lossy = String::from_utf8_lossy(line);
                let location = Location::Line {
                    line: number,
                    offset,
                };
                stats.warning(&self.emitter.base.file, location, LOSSY.into());
                &lossy
            }
        };
        let separator = self.header.separator;
        let cells = tsv::count_cells(text, separator);
        if cells != self.header.columns {
            return Err(format!(
                "{cells} fields where the header names {}",
                self.header.columns
            ));
        }
        let log = self.header.log;
        self.emitter.before(log);
        if let Some((prefilter, net)) = self.screen {
            tsv::split_first(text, separator, self.screen_cells, &mut self.spans);
            let record = tsv::TsvRecord {
                header: &self.header,
                text,
                spans: &self.spans,
            };
            if !screen::keep(log, &record, net, prefilter, &self.emitter.joins) {
                return Ok(());
            }
        }
        tsv::split(text, separator, &mut self.spans);
        let record = tsv::TsvRecord {
            header: &self.header,
            text,
            spans: &self.spans,
        };
        stats.parsed += 1;
        self.emitter
            .record(log, &record, number, offset, stats, sink);
        Ok(())
    }

    fn json_line(
        &mut self,
        line: &[u8],
        number: u64,
        offset: u64,
        stats: &mut FileStats,
        sink: &mut EventSink<'_>,
    ) -> Result<(), String> {
        let line = line.trim_ascii();
        if line.is_empty() {
            return Ok(());
        }
        stats.records += 1;
        match self.json_record(line, number, offset, stats, sink) {
            Err(_) if std::str::from_utf8(line).is_err() => {
                let location = Location::Line {
                    line: number,
                    offset,
                };
                stats.warning(&self.emitter.base.file, location, LOSSY.into());
                let lossy = String::from_utf8_lossy(line);
                self.json_record(lossy.as_bytes(), number, offset, stats, sink)
            }
            result => result,
        }
    }

    fn json_record(
        &mut self,
        line: &[u8],
        number: u64,
        offset: u64,
        stats: &mut FileStats,
        sink: &mut EventSink<'_>,
    ) -> Result<(), String> {
        if let Some((prefilter, net)) = self.screen {
            let cells: json::JsonCells<'_> =
                serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
            let log = cells.log();
            self.emitter.before(log);
            if !screen::keep(log, &cells, net, prefilter, &self.emitter.joins) {
                return Ok(());
            }
        }
        let value: Map<String, Value> =
            serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
        stats.parsed += 1;
        let record = json::JsonRecord(&value);
        let log = json::log_of(&value);
        self.emitter.before(log);
        self.emitter
            .record(log, &record, number, offset, stats, sink);
        Ok(())
    }
}

impl Emitter {
    /// Readies the joins a record of `log` needs: the first ssl record
    /// reads the certificates of the x509 log beside it.
    fn before(&mut self, log: Log) {
        if log == Log::Ssl && !self.sibling_read {
            self.sibling_read = true;
            read_sibling_certificates(&self.base.file, &mut self.joins);
        }
    }

    fn record(
        &mut self,
        log: Log,
        record: &dyn Record,
        number: u64,
        offset: u64,
        stats: &mut FileStats,
        sink: &mut EventSink<'_>,
    ) {
        let Some((timestamp, kind)) = logs::event(log, record, &mut self.joins) else {
            return;
        };
        let mut event = sensor::line_event(&self.base, number, offset, timestamp, kind);
        event.meta.provider = Some(
            if log == Log::Notice {
                "zeek notice"
            } else {
                "zeek"
            }
            .into(),
        );
        stats.events += 1;
        sink.event(event);
    }
}

/// The x509 log beside an ssl log: same folder, `ssl` at the start of the
/// file name replaced by `x509`.
fn sibling_path(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix("ssl")?;
    Some(path.with_file_name(format!("x509{rest}")))
}

/// Reads the certificates of the sibling x509 log into the joins.
fn read_sibling_certificates(path: &Path, joins: &mut Joins) {
    let Some(sibling) = sibling_path(path).filter(|p| p.is_file()) else {
        return;
    };
    let Ok(file) = File::open(&sibling) else {
        return;
    };
    let mut reader = BufReader::new(file);
    let mut magic = [0u8; 2];
    let gzip = reader.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
    let Ok(file) = File::open(&sibling) else {
        return;
    };
    let reader: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
    } else {
        Box::new(BufReader::new(file))
    };
    let mut header = tsv::Header::default();
    let mut spans = Vec::new();
    // The sibling's own problems are reported when it is read as an input.
    let mut ignored = FileStats::default();
    let _ = for_each_line(reader, path, &mut ignored, |_, _, _, line| {
        let Ok(text) = std::str::from_utf8(line) else {
            return;
        };
        if text.starts_with('#') {
            header.read_line(text);
        } else if text.starts_with('{') {
            if let Ok(value) = serde_json::from_str::<Map<String, Value>>(text) {
                logs::event(Log::X509, &json::JsonRecord(&value), joins);
            }
        } else if header.has_fields() {
            tsv::split(text, header.separator, &mut spans);
            let record = tsv::TsvRecord {
                header: &header,
                text,
                spans: &spans,
            };
            logs::event(Log::X509, &record, joins);
        }
    });
}
