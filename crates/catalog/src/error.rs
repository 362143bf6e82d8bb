//! The catalog's error type: what is wrong, in which file, where.

use std::fmt;

/// A catalog that could not be loaded, validated or imported.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    file: Option<String>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A TOML syntax or schema error, with a 1-based line and column.
    Toml {
        /// The parser's message.
        message: String,
        /// 1-based line (0 if unknown).
        line: usize,
        /// 1-based column (0 if unknown).
        column: usize,
    },
    /// A JSON or YAML document that is not what it should be.
    Document(String),
    /// Two tools share an id.
    DuplicateId(String),
    /// A tool entry breaks a rule of the format.
    Invalid {
        /// The tool's id.
        tool: String,
        /// What is wrong.
        message: String,
    },
    /// A file or folder could not be read or written.
    Io(std::io::Error),
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind, file: None }
    }

    pub(crate) fn invalid(tool: &str, message: String) -> Error {
        Error::new(ErrorKind::Invalid {
            tool: tool.to_owned(),
            message,
        })
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
            write!(f, "{file}")?;
            if let ErrorKind::Toml { line, column, .. } = self.kind {
                write!(f, ":{line}:{column}")?;
            }
            write!(f, ": ")?;
        }
        match &self.kind {
            ErrorKind::Toml { message, .. } => write!(f, "{}", message.trim_end()),
            ErrorKind::Document(message) => write!(f, "{message}"),
            ErrorKind::DuplicateId(id) => write!(f, "two tools have the id {id:?}"),
            ErrorKind::Invalid { tool, message } => write!(f, "tool {tool:?}: {message}"),
            ErrorKind::Io(error) => write!(f, "{error}"),
        }
    }
}

/// The OS error is part of the message (see `Display`), so it is not also
/// a source: a report that prints the chain would say it twice.
impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Error {
        Error::new(ErrorKind::Io(error))
    }
}
