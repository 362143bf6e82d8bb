//! The Zeek ASCII writer's TSV: `#separator`, `#set_separator`,
//! `#empty_field`, `#unset_field`, `#path` and `#fields` header lines (read
//! again wherever they reappear, so concatenated logs of different layouts
//! work), and records whose cells use `\xHH` escapes.

use std::borrow::Cow;
use std::collections::HashMap;

use rmmguard_events::Timestamp;

use super::Record;
use super::logs::Log;
use super::screen::{Cells, Field};
use crate::sensor;

/// The header of the log being read.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub separator: u8,
    pub set_separator: String,
    pub empty: String,
    pub unset: String,
    pub path: Option<String>,
    fields: HashMap<String, usize, foldhash::fast::RandomState>,
    /// Column of each screened field (see [`Field::index`]).
    layout: [Option<usize>; Field::ALL.len()],
    pub columns: usize,
    /// The log, from `#path` or else from the field names.
    pub log: Log,
}

impl Default for Header {
    fn default() -> Header {
        Header {
            separator: b'\t',
            set_separator: ",".into(),
            empty: "(empty)".into(),
            unset: "-".into(),
            path: None,
            fields: HashMap::default(),
            layout: [None; Field::ALL.len()],
            columns: 0,
            log: Log::Other,
        }
    }
}

impl Header {
    /// Reads a `#…` line into the header; returns `false` for a malformed one.
    pub fn read_line(&mut self, line: &str) -> bool {
        if let Some(rest) = line.strip_prefix("#separator") {
            return match unescape(rest.trim()).as_bytes() {
                [byte] => {
                    self.separator = *byte;
                    true
                }
                _ => false,
            };
        }
        let separator = self.separator as char;
        let Some((key, value)) = line.get(1..).and_then(|rest| rest.split_once(separator)) else {
            return true; // A bare comment line.
        };
        match key {
            "set_separator" => self.set_separator = unescape(value).into_owned(),
            "empty_field" => self.empty = unescape(value).into_owned(),
            "unset_field" => self.unset = unescape(value).into_owned(),
            "path" => {
                self.path = Some(value.to_owned());
                self.log = Log::of_path(value);
            }
            "fields" => {
                self.fields = value
                    .split(separator)
                    .enumerate()
                    .map(|(i, name)| (name.to_owned(), i))
                    .collect();
                self.columns = self.fields.len();
                self.layout = Field::ALL.map(|field| self.fields.get(field.name()).copied());
                self.log = match &self.path {
                    Some(path) => Log::of_path(path),
                    None => Log::of_fields(&|name| self.fields.contains_key(name)),
                };
            }
            _ => {}
        }
        true
    }

    /// Whether a `#fields` line has been read.
    pub fn has_fields(&self) -> bool {
        self.columns > 0
    }

    /// Whether the log has a field.
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
}

/// Splits a TSV line on the (ASCII) separator into `spans`, the byte range
/// of each cell; reusing `spans` saves an allocation per record.
pub(crate) fn split(text: &str, separator: u8, spans: &mut Vec<(usize, usize)>) {
    spans.clear();
    let mut start = 0;
    for end in memchr::memchr_iter(separator, text.as_bytes()) {
        spans.push((start, end));
        start = end + 1;
    }
    spans.push((start, text.len()));
}

/// One TSV record with its header.
pub(crate) struct TsvRecord<'a> {
    pub header: &'a Header,
    pub text: &'a str,
    pub spans: &'a [(usize, usize)],
}

impl TsvRecord<'_> {
    /// The cell in a column, `None` when unset or empty.
    fn column(&self, column: usize) -> Option<&str> {
        let &(start, end) = self.spans.get(column)?;
        // An ASCII separator always sits on a character boundary.
        let cell = self.text.get(start..end)?;
        let header = self.header;
        (!cell.is_empty() && cell != header.unset && cell != header.empty).then_some(cell)
    }

    fn cell(&self, name: &str) -> Option<&str> {
        self.column(*self.header.fields.get(name)?)
    }
}

impl Cells for TsvRecord<'_> {
    fn get(&self, field: Field) -> Option<&str> {
        self.column(self.header.layout.get(field.index()).copied().flatten()?)
    }

    fn set_separator(&self) -> &str {
        &self.header.set_separator
    }
}

impl Record for TsvRecord<'_> {
    fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        self.cell(name).map(unescape)
    }

    fn list(&self, name: &str) -> Vec<String> {
        let Some(cell) = self.cell(name) else {
            return Vec::new();
        };
        cell.split(self.header.set_separator.as_str())
            .filter(|item| !item.is_empty() && *item != self.header.unset)
            .map(|item| unescape(item).into_owned())
            .collect()
    }

    fn count(&self, name: &str) -> Option<u64> {
        self.cell(name)?.parse().ok()
    }

    fn number(&self, name: &str) -> Option<f64> {
        self.cell(name)?.parse().ok()
    }

    fn time(&self, name: &str) -> Option<Timestamp> {
        sensor::epoch_seconds(self.cell(name)?)
    }

    fn has(&self, name: &str) -> bool {
        self.header.has(name)
    }
}

/// Undoes the writer's `\xHH` escapes (and `\\`).
pub(crate) fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'x')
                && let Some(hex) = text.get(i + 2..i + 4)
                && let Ok(byte) = u8::from_str_radix(hex, 16)
            {
                out.push(byte);
                i += 4;
                continue;
            }
            if bytes.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_records_and_escapes() {
        let mut header = Header::default();
        assert!(header.read_line("#separator \\x09"));
        assert!(header.read_line("#set_separator\t,"));
        assert!(header.read_line("#path\tdns"));
        assert!(header.read_line("#fields\tts\tquery\tanswers\tTTLs"));
        assert_eq!(header.path.as_deref(), Some("dns"));
        let text = "1521911721.258458\twww.ex\\x09ample.com\t10.0.0.1,10.0.0.2\t(empty)";
        let mut spans = Vec::new();
        split(text, b'\t', &mut spans);
        let record = TsvRecord {
            header: &header,
            text,
            spans: &spans,
        };
        assert_eq!(header.log, Log::Dns);
        assert_eq!(record.get(Field::Query), Some("www.ex\\x09ample.com"));
        assert_eq!(record.get(Field::Answers), Some("10.0.0.1,10.0.0.2"));
        assert_eq!(record.get(Field::Ja3), None);
        assert_eq!(record.text("query").as_deref(), Some("www.ex\tample.com"));
        assert_eq!(record.list("answers"), ["10.0.0.1", "10.0.0.2"]);
        assert!(record.list("TTLs").is_empty());
        assert!(record.time("ts").is_some());
        assert_eq!(record.text("missing"), None);
        assert_eq!(unescape("a\\\\b\\xzz"), "a\\b\\xzz");
    }
}
