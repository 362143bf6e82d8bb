//! Per-file statistics and diagnostics, kept per unit and merged per file.

use std::path::Path;

use rmmguard_events::{Location, SourceRef};

/// How many diagnostics are kept per file (the rest are only counted).
const MAX_DIAGNOSTICS: usize = 20;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiagnosticLevel {
    /// A record (or chunk) was skipped.
    Error,
    /// Something is off, but the records were still read.
    Warning,
    /// Worth knowing, but nothing is wrong (packets a capture's snap length
    /// cut, as it was asked to).
    Note,
}

/// One problem found while reading, at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Where.
    pub source: SourceRef,
    /// Error (skipped) or warning (read anyway).
    pub level: DiagnosticLevel,
    /// What is wrong.
    pub message: String,
}

/// What reading a file (or part of one) amounted to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileStats {
    /// Bytes read from disk (compressed size for `.gz`).
    pub bytes: u64,
    /// Records in the file: parsed plus passed over by the prefilter.
    pub records: u64,
    /// Records parsed in full.
    pub parsed: u64,
    /// Events produced (parsed records of a kind rmmguard models).
    pub events: u64,
    /// Records skipped because they are malformed.
    pub skipped: u64,
    /// Warnings (damaged but still read).
    pub warnings: u64,
    /// The first diagnostics, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileStats {
    /// Records a skipped record or chunk.
    pub fn error(&mut self, path: &Path, location: Location, message: String) {
        self.skipped += 1;
        self.push(path, location, DiagnosticLevel::Error, message);
    }

    /// Records a warning.
    pub fn warning(&mut self, path: &Path, location: Location, message: String) {
        self.warnings += 1;
        self.push(path, location, DiagnosticLevel::Warning, message);
    }

    /// Records a note: nothing is wrong, nothing is counted as a problem.
    pub fn note(&mut self, path: &Path, location: Location, message: String) {
        self.push(path, location, DiagnosticLevel::Note, message);
    }

    fn push(&mut self, path: &Path, location: Location, level: DiagnosticLevel, message: String) {
        let diagnostic = Diagnostic {
            source: SourceRef::new(path, location),
            level,
            message,
        };
        let at = self.diagnostics.partition_point(|d| d < &diagnostic);
        if at < MAX_DIAGNOSTICS {
            self.diagnostics.insert(at, diagnostic);
            self.diagnostics.truncate(MAX_DIAGNOSTICS);
        }
    }

    /// Adds another unit's statistics of the same file.
    pub fn merge(&mut self, other: FileStats) {
        self.bytes += other.bytes;
        self.records += other.records;
        self.parsed += other.parsed;
        self.events += other.events;
        self.skipped += other.skipped;
        self.warnings += other.warnings;
        for diagnostic in other.diagnostics {
            let at = self.diagnostics.partition_point(|d| d < &diagnostic);
            if at < MAX_DIAGNOSTICS {
                self.diagnostics.insert(at, diagnostic);
            }
        }
        self.diagnostics.truncate(MAX_DIAGNOSTICS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_the_first_diagnostics_in_file_order() {
        let path = Path::new("f");
        let mut a = FileStats::default();
        for offset in (0..30).rev() {
            a.error(path, Location::Offset(offset * 2), "bad".into());
        }
        let mut b = FileStats::default();
        b.warning(path, Location::Offset(1), "odd".into());
        a.merge(b);
        assert_eq!(a.skipped, 30);
        assert_eq!(a.warnings, 1);
        assert_eq!(a.diagnostics.len(), MAX_DIAGNOSTICS);
        assert_eq!(a.diagnostics[1].source.location, Location::Offset(1));
        assert_eq!(a.diagnostics[0].source.location, Location::Offset(0));
    }
}
