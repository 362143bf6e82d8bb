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
use crate::network::sensor;

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
    layout: [Option<usize>; Field::NAMES.len()],
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
            layout: [None; Field::NAMES.len()],
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
                // Every name is a column, repeated ones too (the map keeps
                // the last): counting distinct names let records one cell
                // short through, with fields read past their end.
                self.columns = value.split(separator).count();
                self.layout = Field::NAMES.map(|name| self.fields.get(name).copied());
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

    /// How many leading cells hold all of `fields` that the log has.
    pub fn cells_holding(&self, fields: &[Field]) -> usize {
        fields
            .iter()
            .filter_map(|field| self.layout.get(field.index()).copied().flatten())
            .map(|column| column + 1)
            .max()
            .unwrap_or(0)
    }
}

/// Splits a TSV line on the (ASCII) separator into `spans`, the byte range
/// of each cell; reusing `spans` saves an allocation per record.
///
/// Cells are short (a Zeek record has 20-odd in 150 bytes), so rather than
/// call `memchr` once per cell this looks at eight bytes at a time and
/// takes every separator in them from one bit mask.
pub(crate) fn split(text: &str, separator: u8, spans: &mut Vec<(usize, usize)>) {
    split_first(text, separator, usize::MAX, spans);
}

/// Like [`split`], but stops after the first `cells` cells: the screen
/// reads only the first few.
pub(crate) fn split_first(
    text: &str,
    separator: u8,
    cells: usize,
    spans: &mut Vec<(usize, usize)>,
) {
    spans.clear();
    if cells == 0 {
        return;
    }
    let bytes = text.as_bytes();
    let mut start = 0;
    let words = bytes.chunks_exact(8);
    let tail = words.remainder();
    for (index, word) in words.enumerate() {
        let mut word_bytes = [0u8; 8];
        word_bytes.copy_from_slice(word);
        let mut mask = separator_mask(u64::from_le_bytes(word_bytes), separator);
        while mask != 0 {
            let end = index * 8 + (mask.trailing_zeros() / 8) as usize;
            spans.push((start, end));
            if spans.len() == cells {
                return;
            }
            start = end + 1;
            mask &= mask - 1;
        }
    }
    let tail_start = bytes.len() - tail.len();
    for (offset, &byte) in tail.iter().enumerate() {
        if byte == separator {
            spans.push((start, tail_start + offset));
            if spans.len() == cells {
                return;
            }
            start = tail_start + offset + 1;
        }
    }
    spans.push((start, bytes.len()));
}

/// How many cells a TSV line has. Counting into a byte per lane, 255 bytes
/// at a time, lets the compiler compare and add 16 or 32 bytes at once.
pub(crate) fn count_cells(text: &str, separator: u8) -> usize {
    text.as_bytes()
        .chunks(255)
        .map(|chunk| {
            let in_chunk = chunk
                .iter()
                .fold(0u8, |count, &byte| count + u8::from(byte == separator));
            usize::from(in_chunk)
        })
        .sum::<usize>()
        + 1
}

/// The high bit of each byte of `word` that equals `separator`, and no
/// other bit (exact: no carries cross bytes).
fn separator_mask(word: u64, separator: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zeroed = word ^ u64::from_ne_bytes([separator; 8]);
    !(((zeroed & LOW7) + LOW7) | zeroed | LOW7)
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
        let column = self.header.layout.get(field.index()).copied().flatten()?;
        debug_assert!(
            column < self.spans.len(),
            "the screen read {field:?}, which `screen::reads` does not list"
        );
        self.column(column)
    }

    fn any(&self, field: Field, test: &mut dyn FnMut(&str) -> bool) -> bool {
        let Some(cell) = self.get(field) else {
            return false;
        };
        if field.is_list() {
            cell.split(self.header.set_separator.as_str()).any(test)
        } else {
            test(cell)
        }
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
            // Two hex digits: `from_str_radix` alone would take `+f` too.
            if bytes.get(i + 1) == Some(&b'x')
                && let Some(hex) = text.get(i + 2..i + 4)
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
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
    fn split_finds_every_separator_at_any_offset() {
        let mut spans = Vec::new();
        for line in [
            "",
            "a",
            "\t",
            "a\tb",
            "\t\t\t\t\t\t\t\t\t",
            "1521911721.258458\tCm7mBuaQYEr5Tiiiii\t10.11.1.53\t58843\t10.11.0.2\t53\tudp\tdns",
            "ünïcödé\t\u{80}\u{ff}\t\x7f\t\u{2009}x",
        ] {
            split(line, b'\t', &mut spans);
            let cells: Vec<&str> = spans.iter().map(|&(a, b)| &line[a..b]).collect();
            assert_eq!(cells, line.split('\t').collect::<Vec<_>>(), "{line:?}");
        }
        split("a,b", b',', &mut spans);
        assert_eq!(spans, [(0, 1), (2, 3)]);
        let line = "c0\tc1\tc2\tc3\tc4\tc5\tc6\tc7\tc8\tc9";
        split_first(line, b'\t', 3, &mut spans);
        assert_eq!(spans, [(0, 2), (3, 5), (6, 8)]);
        split_first(line, b'\t', 0, &mut spans);
        assert!(spans.is_empty());
        split_first(line, b'\t', 99, &mut spans);
        assert_eq!(spans.len(), 10);
        assert_eq!(count_cells(line, b'\t'), 10);
        assert_eq!(count_cells("", b'\t'), 1);
    }

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
