//! The generator's output buffer: records rendered as JSON lines or CSV
//! rows, each with its event time and its arrival time (events may arrive
//! late), sorted by arrival before a shard is written.

use std::io::Write;

use crate::schema::{FIELDS, SCHEMA_VERSION};
use crate::time;

/// A field the generator adds that is not in the schema (readers must ignore it).
pub const EXTRA_FIELD: &str = "agent_version";

/// How the dataset is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// `events-NNNNN.jsonl`.
    JsonLines,
    /// `events-NNNNN.csv` with a header row.
    Csv,
}

impl OutputFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::JsonLines => "jsonl",
            OutputFormat::Csv => "csv",
        }
    }
}

/// A field value.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// A string.
    Text(&'a str),
    /// A boolean.
    Flag(bool),
    /// A timestamp (seconds since the epoch), written as RFC 3339.
    Time(i64),
}

/// One rendered record.
#[derive(Debug, Clone)]
struct Line {
    arrival: i64,
    seq: u64,
    text: String,
}

/// Rendered records of one shard.
#[derive(Debug)]
pub struct Tape {
    format: OutputFormat,
    end: i64,
    lines: Vec<Line>,
    seq: u64,
}

impl Tape {
    /// An empty tape that drops records after `end`.
    pub fn new(format: OutputFormat, end: i64) -> Tape {
        Tape {
            format,
            end,
            lines: Vec::new(),
            seq: 0,
        }
    }

    /// The stream's end.
    pub fn end(&self) -> i64 {
        self.end
    }

    /// Records held.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds a record of `kind` at `ts` that arrives `lag` seconds late.
    /// Returns whether it was kept (it happened before the end).
    pub fn record(&mut self, ts: i64, lag: i64, kind: &str, fields: &[(&str, Value<'_>)]) -> bool {
        if ts > self.end {
            return false;
        }
        let text = match self.format {
            OutputFormat::JsonLines => json_line(ts, kind, fields),
            OutputFormat::Csv => csv_row(ts, kind, fields),
        };
        self.push(ts + lag.max(0), text);
        true
    }

    /// Adds a line that is not a valid record (readers must skip and count it).
    pub fn garbage(&mut self, ts: i64, variant: u64) {
        let text = match (self.format, variant % 3) {
            (OutputFormat::JsonLines, 0) => {
                "{\"type\":\"endpoint_enrolled\",\"ts\":\"2024-13-45T00:00:00Z\"".to_owned()
            }
            (OutputFormat::JsonLines, 1) => {
                "{\"type\":\"heartbeat\",\"ts\":\"2024-01-01T00:00:00Z\",\"tenant\":\"x\"}"
                    .to_owned()
            }
            (OutputFormat::JsonLines, _) => "not json at all".to_owned(),
            (OutputFormat::Csv, 0) => ",endpoint_enrolled,yesterday".to_owned(),
            (OutputFormat::Csv, 1) => {
                ",session_started,2024-01-01T00:00:00Z,t,,,,,,,,,,,,,,,,,,,,,,maybe".to_owned()
            }
            (OutputFormat::Csv, _) => ",heartbeat,2024-01-01T00:00:00Z,t".to_owned(),
        };
        self.push(ts, text);
    }

    /// Writes the records in arrival order (ties in creation order) and
    /// empties the tape; returns how many were written.
    ///
    /// # Errors
    ///
    /// The writer fails.
    pub fn drain_to(&mut self, out: &mut dyn Write) -> std::io::Result<u64> {
        self.lines
            .sort_unstable_by_key(|line| (line.arrival, line.seq));
        if self.format == OutputFormat::Csv {
            writeln!(out, "{},{EXTRA_FIELD}", FIELDS.join(","))?;
        }
        for line in &self.lines {
            out.write_all(line.text.as_bytes())?;
            out.write_all(b"\n")?;
        }
        let written = self.lines.len() as u64;
        self.lines.clear();
        Ok(written)
    }

    fn push(&mut self, arrival: i64, text: String) {
        self.lines.push(Line {
            arrival,
            seq: self.seq,
            text,
        });
        self.seq += 1;
    }
}

fn json_line(ts: i64, kind: &str, fields: &[(&str, Value<'_>)]) -> String {
    let mut text = String::with_capacity(160);
    text.push_str("{\"type\":\"");
    text.push_str(kind);
    text.push_str("\",\"ts\":\"");
    time::write_utc(ts, &mut text);
    text.push('"');
    for (name, value) in fields {
        text.push_str(",\"");
        text.push_str(name);
        text.push_str("\":");
        match value {
            Value::Text(value) => json_string(value, &mut text),
            Value::Flag(flag) => text.push_str(if *flag { "true" } else { "false" }),
            Value::Time(seconds) => {
                text.push('"');
                time::write_utc(*seconds, &mut text);
                text.push('"');
            }
        }
    }
    text.push('}');
    text
}

fn json_string(value: &str, out: &mut String) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn csv_row(ts: i64, kind: &str, fields: &[(&str, Value<'_>)]) -> String {
    let mut cells: Vec<String> = vec![String::new(); FIELDS.len() + 1];
    cells[0] = SCHEMA_VERSION.to_string();
    cells[1] = kind.to_owned();
    time::write_utc(ts, &mut cells[2]);
    for (name, value) in fields {
        let column = match FIELDS.iter().position(|field| field == name) {
            Some(column) => column,
            None if *name == EXTRA_FIELD => FIELDS.len(),
            None => continue,
        };
        cells[column] = match value {
            Value::Text(value) => csv_cell(value),
            Value::Flag(flag) => flag.to_string(),
            Value::Time(seconds) => {
                let mut text = String::new();
                time::write_utc(*seconds, &mut text);
                text
            }
        };
    }
    cells.join(",")
}

fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        return format!("\"{}\"", value.replace('"', "\"\""));
    }
    value.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_orders_by_arrival() {
        let mut tape = Tape::new(OutputFormat::JsonLines, 1_000_000);
        tape.record(500, 100, "abuse_report", &[("tenant", Value::Text("t\"1"))]);
        tape.record(
            550,
            0,
            "tenant_banned",
            &[("tenant", Value::Text("t1")), ("x", Value::Flag(true))],
        );
        assert!(!tape.record(2_000_000, 0, "abuse_report", &[]));
        let mut out = Vec::new();
        assert_eq!(tape.drain_to(&mut out).ok(), Some(2));
        let text = String::from_utf8(out).unwrap_or_default();
        assert_eq!(
            text,
            "{\"type\":\"tenant_banned\",\"ts\":\"1970-01-01T00:09:10Z\",\"tenant\":\"t1\",\"x\":true}\n\
             {\"type\":\"abuse_report\",\"ts\":\"1970-01-01T00:08:20Z\",\"tenant\":\"t\\\"1\"}\n"
        );
    }

    #[test]
    fn csv_rows_follow_the_header() {
        let mut tape = Tape::new(OutputFormat::Csv, 1_000_000);
        tape.record(
            0,
            0,
            "abuse_report",
            &[
                ("tenant", Value::Text("a,b")),
                (EXTRA_FIELD, Value::Text("7")),
            ],
        );
        let mut out = Vec::new();
        assert_eq!(tape.drain_to(&mut out).ok(), Some(1));
        let text = String::from_utf8(out).unwrap_or_default();
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .is_some_and(|header| header.starts_with("v,type,ts,tenant,")
                    && header.ends_with(",agent_version"))
        );
        assert!(lines.next().is_some_and(|row| {
            row.starts_with("1,abuse_report,1970-01-01T00:00:00Z,\"a,b\",") && row.ends_with(",7")
        }));
    }
}
