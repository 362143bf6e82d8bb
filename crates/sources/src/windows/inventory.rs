//! Software and service inventories: CSV exports, osquery `--json` arrays
//! and osquery results logs. Each row becomes a `Software` event; column
//! names are matched case-insensitively against the common spellings
//! (osquery's `programs` and `services` tables, PowerShell and SCCM exports).
//!
//! Inventories are small (a row per program per host) and are never
//! prefiltered.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::rc::Rc;

use rmmguard_events::{Event, EventKind, Location, Meta, Software, SoftwareKind, SourceRef};
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use crate::lines::{LOSSY, MAX_LINE, for_each_line, parse_json};
use crate::windows::winevent::parse_time;
use crate::{Error, EventSink, FileStats, Format};

const HOST: &[&str] = &[
    "host",
    "hostname",
    "host_name",
    "computer",
    "computer_name",
    "computername",
    "device",
    "hostidentifier",
    "host_identifier",
    "machine",
];
const NAME: &[&str] = &[
    "name",
    "displayname",
    "program",
    "product",
    "service_name",
    "servicename",
];
const DISPLAY_NAME: &[&str] = &["display_name", "displayname"];
const VERSION: &[&str] = &["version", "displayversion", "product_version"];
const PUBLISHER: &[&str] = &["publisher", "vendor", "manufacturer"];
const PATH: &[&str] = &[
    "path",
    "install_location",
    "installlocation",
    "binary_path",
    "pathname",
    "image_path",
    "module_path",
    "executable",
];
/// Columns only service tables have.
const SERVICE_COLUMNS: &[&str] = &[
    "start_type",
    "service_type",
    "starttype",
    "servicetype",
    "win32_exit_code",
    "user_account",
    "startname",
];

pub(crate) fn read(
    format: Format,
    reader: Box<dyn Read>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    match format {
        Format::InventoryCsv => read_csv(reader, stats, sink),
        Format::InventoryJson => read_json_array(reader, stats, sink),
        _ => read_osquery_log(reader, stats, sink),
    }
}

/// A row, whatever it was read from: lower-cased column names and values.
struct Row {
    columns: Vec<(String, String)>,
}

impl Row {
    fn get(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| {
            self.columns
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.trim())
                .filter(|value| !value.is_empty())
        })
    }

    fn from_json(value: &Value) -> Option<Row> {
        let Value::Object(map) = value else {
            return None;
        };
        let columns = map
            .iter()
            .filter_map(|(key, value)| {
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return None,
                };
                Some((key.to_lowercase(), text))
            })
            .collect();
        Some(Row { columns })
    }

    fn event(
        &self,
        kind_hint: Option<SoftwareKind>,
        host: Option<&str>,
        source: SourceRef,
    ) -> Option<Event> {
        let kind = kind_hint.unwrap_or_else(|| {
            if self
                .columns
                .iter()
                .any(|(key, _)| SERVICE_COLUMNS.contains(&key.as_str()))
            {
                SoftwareKind::Service
            } else {
                SoftwareKind::Program
            }
        });
        let name = self.get(NAME)?.to_owned();
        let mut meta = Meta::new(source);
        meta.host = host.or_else(|| self.get(HOST)).map(str::to_owned);
        Some(Event {
            meta,
            kind: EventKind::Software(Software {
                kind,
                display_name: self
                    .get(DISPLAY_NAME)
                    .filter(|d| *d != name)
                    .map(str::to_owned),
                name,
                version: self.get(VERSION).map(str::to_owned),
                publisher: self.get(PUBLISHER).map(str::to_owned),
                path: self.get(PATH).map(str::to_owned),
            }),
        })
    }
}

fn emit(
    row: &Row,
    kind: Option<SoftwareKind>,
    host: Option<&str>,
    location: Location,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) {
    let path = sink.path().to_path_buf();
    stats.parsed += 1;
    match row.event(kind, host, SourceRef::new(&path, location)) {
        Some(event) => {
            stats.events += 1;
            sink.event(event);
        }
        None => stats.error(&path, location, "row skipped: no name column".into()),
    }
}

fn read_csv(
    reader: Box<dyn Read>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let path = sink.shared_path();
    let budget = Rc::new(Budget::default());
    let guarded = Guarded::new(reader, Rc::clone(&budget), false);
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(guarded);
    let headers: Vec<String> = csv
        .byte_headers()
        .map_err(|e| Error::format(format!("CSV header: {e}")).at(&path))?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_lowercase()
        })
        .collect();
    let mut record = csv::ByteRecord::new();
    loop {
        budget.mark();
        let position = csv.position().clone();
        let location = Location::Line {
            line: position.line(),
            offset: position.byte(),
        };
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                stats.records += 1;
                let mut lossy = false;
                let columns = headers
                    .iter()
                    .cloned()
                    .zip(record.iter().map(|field| {
                        let text = String::from_utf8_lossy(field);
                        lossy |= matches!(text, Cow::Owned(_));
                        text.into_owned()
                    }))
                    .collect();
                if lossy {
                    stats.warning(&path, location, LOSSY.into());
                }
                emit(&Row { columns }, None, None, location, stats, sink);
            }
            Err(error) => {
                stats.records += 1;
                if error.is_io_error() {
                    stats.error(&path, location, format!("rest of file skipped: {error}"));
                    break;
                }
                stats.error(&path, location, format!("row skipped: {error}"));
            }
        }
    }
    stats.bytes += csv.position().byte();
    Ok(())
}

/// Streams the elements of a top-level JSON array without loading it whole.
fn read_json_array(
    reader: Box<dyn Read>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    struct Rows<'a, 'b> {
        stats: &'a mut FileStats,
        sink: &'a mut EventSink<'b>,
        budget: &'a Budget,
    }
    impl<'de> Visitor<'de> for Rows<'_, '_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of inventory rows")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut index = 0u64;
            while let Some(value) = seq.next_element::<Value>()? {
                self.budget.mark();
                index += 1;
                self.stats.records += 1;
                let location = Location::Record(index);
                match Row::from_json(&value) {
                    Some(row) => emit(&row, None, None, location, self.stats, self.sink),
                    None => {
                        let path = self.sink.shared_path();
                        self.stats
                            .error(&path, location, "row skipped: not a JSON object".into());
                    }
                }
            }
            Ok(())
        }
    }
    let path = sink.shared_path();
    let budget = Rc::new(Budget::default());
    let guarded = Guarded::new(reader, Rc::clone(&budget), true);
    let mut deserializer = serde_json::Deserializer::from_reader(guarded);
    let result = (&mut deserializer).deserialize_seq(Rows {
        stats,
        sink,
        budget: &budget,
    });
    if let Err(error) = result {
        stats.error(
            &path,
            Location::Offset(0),
            format!("rest of file skipped: {error}"),
        );
    }
    let replaced = budget.replaced.get();
    if replaced > 0 {
        stats.warning(
            &path,
            Location::Offset(0),
            format!("{replaced} invalid UTF-8 sequences replaced by U+FFFD; the rows were read"),
        );
    }
    stats.bytes += budget.read.get();
    Ok(())
}

/// Bookkeeping shared by a record reader and the [`Guarded`] stream under it.
#[derive(Debug, Default)]
struct Budget {
    /// Bytes read from the input.
    read: Cell<u64>,
    /// `read` when the last record ended.
    mark: Cell<u64>,
    /// Invalid UTF-8 sequences replaced.
    replaced: Cell<u64>,
}

impl Budget {
    /// A record ended: the next one's budget starts here.
    fn mark(&self) {
        self.mark.set(self.read.get());
    }
}

/// How much of the input [`Guarded`] reads at a time.
const GUARD_CHUNK: usize = 64 << 10;

/// The stream under a record reader that would otherwise buffer a record of
/// any size: it fails once one record has taken more than [`MAX_LINE`]
/// bytes (plus what is read ahead), and, for JSON, drops a leading byte
/// order mark and replaces invalid UTF-8 with U+FFFD as it streams.
struct Guarded {
    inner: Box<dyn Read>,
    budget: Rc<Budget>,
    lossy: bool,
    started: bool,
    /// An incomplete UTF-8 sequence at the end of the last chunk.
    pending: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    eof: bool,
    /// A read error met after some bytes came in: those are handed out first.
    error: Option<std::io::Error>,
}

impl Guarded {
    fn new(inner: Box<dyn Read>, budget: Rc<Budget>, lossy: bool) -> Self {
        Guarded {
            inner,
            budget,
            lossy,
            started: false,
            pending: Vec::new(),
            out: Vec::with_capacity(GUARD_CHUNK),
            out_pos: 0,
            eof: false,
            error: None,
        }
    }

    /// Reads and converts the next chunk; false at the end.
    fn fill(&mut self) -> std::io::Result<bool> {
        let over = self.budget.read.get() - self.budget.mark.get();
        if over > (MAX_LINE + 2 * GUARD_CHUNK) as u64 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a record longer than the limit of {MAX_LINE} bytes"),
            ));
        }
        self.out.clear();
        self.out_pos = 0;
        while self.out.is_empty() && !self.eof {
            let mut raw = std::mem::take(&mut self.pending);
            let before = raw.len();
            let result = (&mut self.inner)
                .take(GUARD_CHUNK as u64)
                .read_to_end(&mut raw);
            let read = raw.len() - before;
            self.budget.read.set(self.budget.read.get() + read as u64);
            match result {
                Ok(_) => self.eof = read == 0,
                Err(error) if read > 0 => {
                    self.eof = true;
                    self.error = Some(error);
                }
                Err(error) => return Err(error),
            }
            let mut rest = raw.as_slice();
            if !self.started && (rest.len() >= 3 || self.eof) {
                self.started = true;
                if self.lossy {
                    rest = rest.strip_prefix(b"\xef\xbb\xbf").unwrap_or(rest);
                }
            } else if !self.started {
                self.pending = raw;
                continue;
            }
            if !self.lossy {
                self.out.extend_from_slice(rest);
                continue;
            }
            while let Err(error) = std::str::from_utf8(rest) {
                let (valid, after) = rest.split_at(error.valid_up_to());
                self.out.extend_from_slice(valid);
                match error.error_len() {
                    None if !self.eof => {
                        self.pending = after.to_vec();
                        rest = &[];
                        break;
                    }
                    len => {
                        self.out.extend_from_slice("\u{fffd}".as_bytes());
                        self.budget.replaced.set(self.budget.replaced.get() + 1);
                        rest = &after[len.unwrap_or(after.len())..];
                    }
                }
            }
            self.out.extend_from_slice(rest);
        }
        Ok(!self.out.is_empty())
    }
}

impl Read for Guarded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.out_pos == self.out.len() && !self.fill()? {
            return match self.error.take() {
                Some(error) => Err(error),
                None => Ok(0),
            };
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// osquery results log: one JSON object per line, each a differential row
/// (`columns`) or a snapshot (`snapshot`: many rows), named by its query.
fn read_osquery_log(
    reader: Box<dyn Read>,
    stats: &mut FileStats,
    sink: &mut EventSink<'_>,
) -> Result<(), Error> {
    let path = sink.shared_path();
    let total = for_each_line(reader, &path, stats, |stats, number, offset, text| {
        let location = Location::Line {
            line: number,
            offset,
        };
        if text.trim_ascii().is_empty() {
            return;
        }
        stats.records += 1;
        let value: Value = match parse_json(text, stats, &path, location) {
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
        if value.get("action").and_then(Value::as_str) == Some("removed") {
            stats.parsed += 1;
            return;
        }
        let query = value
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_lowercase();
        let kind = if query.contains("service") {
            Some(SoftwareKind::Service)
        } else if query.contains("program")
            || query.contains("software")
            || query.contains("package")
        {
            Some(SoftwareKind::Program)
        } else {
            None
        };
        let host = value.get("hostIdentifier").and_then(Value::as_str);
        let time = value
            .get("calendarTime")
            .and_then(Value::as_str)
            .and_then(|t| {
                jiff::fmt::rfc2822::parse(t)
                    .ok()
                    .map(|z| z.timestamp())
                    .or_else(|| parse_time(t))
            });
        let rows: Vec<&Value> = match (value.get("columns"), value.get("snapshot")) {
            (Some(columns), _) => vec![columns],
            (None, Some(Value::Array(rows))) => rows.iter().collect(),
            _ => Vec::new(),
        };
        for row in rows {
            match Row::from_json(row) {
                Some(row) => {
                    stats.parsed += 1;
                    match row.event(kind, host, SourceRef::new(&path, location)) {
                        Some(mut event) => {
                            event.meta.timestamp = time;
                            stats.events += 1;
                            sink.event(event);
                        }
                        None => stats.error(&path, location, "row skipped: no name column".into()),
                    }
                }
                None => stats.error(
                    &path,
                    location,
                    "row skipped: columns are not an object".into(),
                ),
            }
        }
    })
    .map_err(|e| Error::io(&path, e))?;
    stats.bytes += total;
    Ok(())
}
