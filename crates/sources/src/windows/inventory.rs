//! Software and service inventories: CSV exports, osquery `--json` arrays
//! and osquery results logs. Each row becomes a `Software` event; column
//! names are matched case-insensitively against the common spellings
//! (osquery's `programs` and `services` tables, PowerShell and SCCM exports).
//!
//! Inventories are small (a row per program per host) and are never
//! prefiltered.

use std::fmt;
use std::io::Read;

use rmmguard_events::{Event, EventKind, Location, Meta, Software, SoftwareKind, SourceRef};
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use crate::lines::{Line, for_each_line};
use crate::winevent::parse_time;
use crate::{Error, FileStats, Format, Sink};

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
    sink: &mut Sink<'_>,
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
    sink: &mut Sink<'_>,
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
    sink: &mut Sink<'_>,
) -> Result<(), Error> {
    let path = sink.path().to_path_buf();
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers: Vec<String> = csv
        .headers()
        .map_err(|e| Error::format(format!("CSV header: {e}")).at(&path))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let mut record = csv::StringRecord::new();
    loop {
        let position = csv.position().clone();
        let location = Location::Line {
            line: position.line(),
            offset: position.byte(),
        };
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                stats.records += 1;
                let row = Row {
                    columns: headers
                        .iter()
                        .cloned()
                        .zip(record.iter().map(str::to_owned))
                        .collect(),
                };
                emit(&row, None, None, location, stats, sink);
            }
            Err(error) => {
                stats.records += 1;
                stats.error(&path, location, format!("row skipped: {error}"));
                if error.is_io_error() {
                    break;
                }
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
    sink: &mut Sink<'_>,
) -> Result<(), Error> {
    struct Rows<'a, 'b, 'c> {
        stats: &'a mut FileStats,
        sink: &'a mut Sink<'b>,
        _marker: std::marker::PhantomData<&'c ()>,
    }
    impl<'de> Visitor<'de> for Rows<'_, '_, '_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of inventory rows")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut index = 0u64;
            while let Some(value) = seq.next_element::<Value>()? {
                index += 1;
                self.stats.records += 1;
                let location = Location::Record(index);
                match Row::from_json(&value) {
                    Some(row) => emit(&row, None, None, location, self.stats, self.sink),
                    None => {
                        let path = self.sink.path().to_path_buf();
                        self.stats
                            .error(&path, location, "row skipped: not a JSON object".into());
                    }
                }
            }
            Ok(())
        }
    }
    let path = sink.path().to_path_buf();
    let counted = CountingReader {
        inner: reader,
        count: 0,
    };
    let mut deserializer = serde_json::Deserializer::from_reader(counted);
    let result = (&mut deserializer).deserialize_seq(Rows {
        stats,
        sink,
        _marker: std::marker::PhantomData,
    });
    if let Err(error) = result {
        stats.error(
            &path,
            Location::Offset(0),
            format!("rest of file skipped: {error}"),
        );
    }
    Ok(())
}

struct CountingReader {
    inner: Box<dyn Read>,
    count: u64,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// osquery results log: one JSON object per line, each a differential row
/// (`columns`) or a snapshot (`snapshot`: many rows), named by its query.
fn read_osquery_log(
    reader: Box<dyn Read>,
    stats: &mut FileStats,
    sink: &mut Sink<'_>,
) -> Result<(), Error> {
    let path = sink.path().to_path_buf();
    let total = for_each_line(reader, |number, offset, line| {
        let location = Location::Line {
            line: number,
            offset,
        };
        let text = match line {
            Line::Text(text) if text.trim_ascii().is_empty() => return,
            Line::Text(text) => text,
            Line::TooLong(len) => {
                stats.records += 1;
                stats.error(
                    &path,
                    location,
                    format!("record skipped: {len}-byte line is too long"),
                );
                return;
            }
        };
        stats.records += 1;
        let value: Value = match serde_json::from_slice(text) {
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
