//! Where a piece of evidence is: a file and a place inside it.
//!
//! A `SourceRef` is cheap to clone (the path is shared), so every event and
//! every finding's evidence can hold one.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// A file plus a location inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceRef {
    /// The evidence file, as given on the command line or found below a folder.
    pub file: Arc<Path>,
    /// Where in the file.
    pub location: Location,
}

impl SourceRef {
    /// A reference to `location` in `file`.
    pub fn new(file: impl AsRef<Path>, location: Location) -> SourceRef {
        SourceRef {
            file: Arc::from(file.as_ref()),
            location,
        }
    }

    /// A reference to another location in the same file (shares the path).
    pub fn at(&self, location: Location) -> SourceRef {
        SourceRef {
            file: Arc::clone(&self.file),
            location,
        }
    }
}

/// A place inside an evidence file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    /// An EVTX record, by its `EventRecordID`, plus the byte offset of the record in the file.
    EvtxRecord {
        /// The record's `EventRecordID`.
        record_id: u64,
        /// Byte offset of the record header in the (uncompressed) file.
        offset: u64,
    },
    /// A record known only by its number (1-based).
    Record(u64),
    /// A line of a text file (1-based) and the byte offset where it starts.
    Line {
        /// 1-based line number.
        line: u64,
        /// Byte offset of the first byte of the line.
        offset: u64,
    },
    /// A byte offset in the (uncompressed) file.
    Offset(u64),
}

impl Location {
    /// The byte offset where the evidence starts, where the location knows it.
    pub fn offset(&self) -> Option<u64> {
        match *self {
            Location::EvtxRecord { offset, .. } => Some(offset),
            Location::Line { offset, .. } => Some(offset),
            Location::Offset(offset) => Some(offset),
            Location::Record(_) => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::EvtxRecord { record_id, offset } => {
                write!(f, "record {record_id} (byte {offset})")
            }
            Location::Record(n) => write!(f, "record {n}"),
            Location::Line { line, offset } => write!(f, "line {line} (byte {offset})"),
            Location::Offset(offset) => write!(f, "byte {offset}"),
        }
    }
}

impl fmt::Display for SourceRef {
    /// `file#record`, `file:line` or `file@offset`: short forms an analyst can paste.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match self.location {
            Location::EvtxRecord { record_id, .. } => write!(f, "{file}#{record_id}"),
            Location::Record(n) => write!(f, "{file}#{n}"),
            Location::Line { line, .. } => write!(f, "{file}:{line}"),
            Location::Offset(offset) => write!(f, "{file}@{offset}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms() {
        let evtx = SourceRef::new(
            "a.evtx",
            Location::EvtxRecord {
                record_id: 7,
                offset: 4608,
            },
        );
        assert_eq!(evtx.to_string(), "a.evtx#7");
        assert_eq!(evtx.location.to_string(), "record 7 (byte 4608)");
        let line = evtx.at(Location::Line {
            line: 3,
            offset: 120,
        });
        assert_eq!(line.to_string(), "a.evtx:3");
        assert_eq!(line.location.offset(), Some(120));
        assert_eq!(evtx.at(Location::Offset(9)).to_string(), "a.evtx@9");
        assert_eq!(Location::Record(2).offset(), None);
    }
}
