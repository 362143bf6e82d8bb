//! The crate's errors: [`Error`] for whole operations (a file that cannot be
//! read, a bad config, a broken state file) and [`RecordError`] for one bad
//! input record, which is counted and skipped rather than fatal.

use std::fmt;
use std::path::{Path, PathBuf};

/// An operation that failed as a whole, with the file it concerned.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    path: Option<PathBuf>,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The operating system refused or failed a read or write.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The scoring config file is not valid.
    #[error("invalid config: {0}")]
    Config(String),
    /// The watch state database failed or holds something unexpected.
    #[error("state database: {0}")]
    State(String),
    /// A file is not in the shape its name or content promised.
    #[error("{0}")]
    Format(String),
    /// Input that `watch` follows was replaced or truncated under it.
    #[error("input changed under the watcher: {0}")]
    InputChanged(String),
    /// No valid record could be read from any input.
    #[error("{0}")]
    NothingRead(String),
    /// Weights could not be fitted to the labels.
    #[error("cannot fit: {0}")]
    Fit(String),
}

impl Error {
    /// An error of this kind, not tied to a file.
    pub fn new(kind: ErrorKind) -> Error {
        Error { kind, path: None }
    }

    /// An IO error on `path`.
    pub fn io(path: &Path, error: std::io::Error) -> Error {
        Error::new(ErrorKind::Io(error)).at(path)
    }

    /// An IO error not (yet) tied to a file.
    pub fn from_io(error: std::io::Error) -> Error {
        Error::new(ErrorKind::Io(error))
    }

    /// A format error with a message.
    pub fn format(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Format(message.into()))
    }

    /// A state database error with a message.
    pub fn state(message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::State(message.to_string()))
    }

    /// The same error, said to concern `path`.
    pub fn at(mut self, path: &Path) -> Error {
        self.path = Some(path.to_path_buf());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The file concerned, when there is one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}: ", path.display())?;
        }
        write!(f, "{}", self.kind)
    }
}

/// The OS error is part of the message (see `Display`), so it is not also
/// a source: a report that prints the chain would say it twice.
impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Error {
        Error::state(error)
    }
}

/// Why one input record was skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The line is not a JSON object of the schema's shape.
    #[error("not a valid record: {0}")]
    Syntax(String),
    /// A required field is absent or empty.
    #[error("missing field `{0}`")]
    Missing(&'static str),
    /// A field has a value of the wrong shape.
    #[error("bad value for `{field}`: {value:?}")]
    Value {
        /// The field's name.
        field: &'static str,
        /// The value as found (shortened).
        value: String,
    },
    /// The `type` is not one this schema version knows.
    #[error("unknown record type {0:?}")]
    UnknownType(String),
    /// The record declares a schema version this build cannot read.
    #[error("unsupported schema version {0}")]
    Version(u64),
}

impl RecordError {
    /// A bad value, keeping at most 60 characters of it for the message.
    pub fn value(field: &'static str, value: &str) -> RecordError {
        let value = value.chars().take(60).collect();
        RecordError::Value { field, value }
    }

    /// A short, stable name of the reason, used to count skips.
    pub fn reason(&self) -> &'static str {
        match self {
            RecordError::Syntax(_) => "syntax",
            RecordError::Missing(_) => "missing field",
            RecordError::Value { .. } => "bad value",
            RecordError::UnknownType(_) => "unknown type",
            RecordError::Version(_) => "unsupported version",
        }
    }
}
