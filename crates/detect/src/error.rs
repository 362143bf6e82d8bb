//! The detector's error type.

use std::fmt;

/// A detector that could not be built.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    file: Option<String>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A catalog entry could not be compiled into a matcher.
    Catalog(String),
    /// An IOC file could not be read as any supported format.
    Ioc(String),
    /// A setting the detector cannot use (an unknown `--phone-region`).
    Config(String),
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind, file: None }
    }

    /// The same error, naming the file it is about.
    pub fn in_file(mut self, file: &str) -> Error {
        self.file = Some(file.to_owned());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        match &self.kind {
            ErrorKind::Catalog(message) => write!(f, "catalog: {message}"),
            ErrorKind::Ioc(message) => write!(f, "{message}"),
            ErrorKind::Config(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for Error {}
