//! The Zeek ASCII writer's TSV: `#separator`, `#set_separator`,
//! `#empty_field`, `#unset_field`, `#path` and `#fields` header lines (read
//! again wherever they reappear, so concatenated logs of different layouts
//! work), and records whose cells use `\xHH` escapes.

use std::borrow::Cow;
use std::collections::HashMap;

use rmmguard_events::Timestamp;

use super::Record;
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
    pub columns: usize,
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
            columns: 0,
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
        let Some((key, value)) = line[1..].split_once(separator) else {
            return true; // A bare comment line.
        };
        match key {
            "set_separator" => self.set_separator = unescape(value).into_owned(),
            "empty_field" => self.empty = unescape(value).into_owned(),
            "unset_field" => self.unset = unescape(value).into_owned(),
            "path" => self.path = Some(value.to_owned()),
            "fields" => {
                self.fields = value
                    .split(separator)
                    .enumerate()
                    .map(|(i, name)| (name.to_owned(), i))
                    .collect();
                self.columns = self.fields.len();
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

/// One TSV record with its header.
/// The cells of a TSV line, split on the (ASCII) separator.
pub(crate) fn cells(text: &str, separator: u8, columns: usize) -> Vec<&str> {
    let mut cells = Vec::with_capacity(columns.max(1));
    let mut start = 0;
    for end in memchr::memchr_iter(separator, text.as_bytes()) {
        // An ASCII separator always sits on a character boundary.
        cells.push(text.get(start..end).unwrap_or_default());
        start = end + 1;
    }
    cells.push(text.get(start..).unwrap_or_default());
    cells
}

pub(crate) struct TsvRecord<'a> {
    pub header: &'a Header,
    pub cells: Vec<&'a str>,
}

impl TsvRecord<'_> {
    fn cell(&self, name: &str) -> Option<&str> {
        let cell = *self.cells.get(*self.header.fields.get(name)?)?;
        (cell != self.header.unset && cell != self.header.empty && !cell.is_empty()).then_some(cell)
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
        let record = TsvRecord {
            header: &header,
            cells: "1521911721.258458\twww.ex\\x09ample.com\t10.0.0.1,10.0.0.2\t(empty)"
                .split('\t')
                .collect(),
        };
        assert_eq!(record.text("query").as_deref(), Some("www.ex\tample.com"));
        assert_eq!(record.list("answers"), ["10.0.0.1", "10.0.0.2"]);
        assert!(record.list("TTLs").is_empty());
        assert!(record.time("ts").is_some());
        assert_eq!(record.text("missing"), None);
        assert_eq!(unescape("a\\\\b\\xzz"), "a\\b\\xzz");
    }
}
