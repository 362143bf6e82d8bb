//! Reading tenant event files: JSON lines or CSV, sniffed from the name or
//! the first byte, streamed with bounded memory.
//!
//! Readers hand each [`Record`] to a sink with its [`SourceRef`]; a record
//! the sink rejects, or one that does not parse, is counted in
//! [`FileStats`] with its line and the reason, and reading goes on.

pub mod csv;
pub mod flat;
pub mod jsonl;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::error::{Error, RecordError};
use crate::event::SourceRef;
use crate::schema::Record;

/// Most diagnostics kept per file (all are counted).
pub const MAX_DIAGNOSTICS: usize = 20;

/// Longest line or CSV record read; longer ones are skipped.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// What a record sink does: take the record, or say why not.
pub type Sink<'s> = dyn FnMut(&Record<'_>, SourceRef) -> Result<(), RecordError> + 's;

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    JsonLines,
    /// CSV with a header row naming the fields.
    Csv,
}

impl Format {
    /// The format of a file: by extension, else by its first byte that is
    /// neither blank nor NUL (`{` is JSON lines, anything else CSV). A head
    /// of nothing but blanks and NULs (an empty or sparse file) reads as
    /// JSON lines, whose reader skips such runs as over-long lines without
    /// holding them.
    pub fn sniff(path: &Path, head: &[u8]) -> Format {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Format::Csv,
            "jsonl" | "ndjson" | "json" => Format::JsonLines,
            _ => match head.iter().find(|b| !b.is_ascii_whitespace() && **b != 0) {
                Some(b'{') | None => Format::JsonLines,
                Some(_) => Format::Csv,
            },
        }
    }
}

/// What reading one file did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileStats {
    /// The file.
    pub path: PathBuf,
    /// Records read (blank lines not counted).
    pub records: u64,
    /// Records taken by the sink.
    pub ingested: u64,
    /// Records skipped.
    pub skipped: u64,
    /// Skips by reason.
    pub reasons: BTreeMap<&'static str, u64>,
    /// The first skips, with line and message.
    pub diagnostics: Vec<Diagnostic>,
    /// Bytes read.
    pub bytes: u64,
    /// Why nothing in the file could be read (a CSV file without a usable
    /// header row), if so.
    pub unreadable: Option<String>,
}

/// One skipped record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The 1-based line.
    pub line: u64,
    /// Why it was skipped.
    pub message: String,
}

impl FileStats {
    /// Counts a record handed to the sink and its outcome.
    pub fn record(&mut self, line: u64, outcome: Result<(), RecordError>) {
        self.records += 1;
        match outcome {
            Ok(()) => self.ingested += 1,
            Err(error) => self.skip(line, &error),
        }
    }

    fn skip(&mut self, line: u64, error: &RecordError) {
        self.skipped += 1;
        *self.reasons.entry(error.reason()).or_default() += 1;
        if self.diagnostics.len() < MAX_DIAGNOSTICS {
            self.diagnostics.push(Diagnostic {
                line,
                message: error.to_string(),
            });
        }
    }
}

/// Reads one file, sniffing its format, as input number `file`.
///
/// # Errors
///
/// The file cannot be opened or read (bad records are not errors).
pub fn read_path(path: &Path, file: u16, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let handle = File::open(path).map_err(|error| Error::io(path, error))?;
    let mut reader = BufReader::with_capacity(1 << 16, handle);
    let head = reader.fill_buf().map_err(|error| Error::io(path, error))?;
    let format = Format::sniff(path, head);
    let mut stats = FileStats {
        path: path.to_path_buf(),
        ..FileStats::default()
    };
    let result = match format {
        Format::JsonLines => jsonl::read(&mut reader, file, &mut stats, sink),
        Format::Csv => csv::read(&mut reader, file, &mut stats, sink),
    };
    result.map_err(|error| error.at(path))?;
    Ok(stats)
}

/// Reads from any buffered reader in a known format.
///
/// # Errors
///
/// The reader fails.
pub fn read(
    reader: &mut dyn BufRead,
    format: Format,
    file: u16,
    sink: &mut Sink<'_>,
) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    match format {
        Format::JsonLines => jsonl::read(reader, file, &mut stats, sink)?,
        Format::Csv => csv::read(reader, file, &mut stats, sink)?,
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_extension_then_content() {
        assert_eq!(Format::sniff(Path::new("a.CSV"), b"{"), Format::Csv);
        assert_eq!(
            Format::sniff(Path::new("a.ndjson"), b"type,ts"),
            Format::JsonLines
        );
        assert_eq!(
            Format::sniff(Path::new("events"), b"  {\"type\""),
            Format::JsonLines
        );
        assert_eq!(
            Format::sniff(Path::new("events"), b"type,ts,tenant"),
            Format::Csv
        );
        assert_eq!(Format::sniff(Path::new("empty"), b""), Format::JsonLines);
        assert_eq!(
            Format::sniff(Path::new("sparse"), &[0; 64]),
            Format::JsonLines
        );
        assert_eq!(
            Format::sniff(Path::new("padded"), b"\0\0\0type,ts"),
            Format::Csv
        );
    }
}
