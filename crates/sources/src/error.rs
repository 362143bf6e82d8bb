//! The sources' error type: what failed, on which file.

use std::fmt;
use std::path::{Path, PathBuf};

/// A file or folder that could not be read at all.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    path: Option<PathBuf>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The operating system refused or failed a read.
    Io(std::io::Error),
    /// A path given on the command line does not exist.
    NotFound,
    /// The prefilter could not be compiled.
    Prefilter(String),
    /// The content is not what the sniffed format promised.
    Format(String),
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind, path: None }
    }

    pub(crate) fn io(path: &Path, error: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io(error),
            path: Some(path.to_path_buf()),
        }
    }

    pub(crate) fn format(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Format(message.into()))
    }

    pub(crate) fn at(mut self, path: &Path) -> Error {
        self.path = Some(path.to_path_buf());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}: ", path.display())?;
        }
        match &self.kind {
            ErrorKind::Io(error) => write!(f, "{error}"),
            ErrorKind::NotFound => write!(f, "no such file or folder"),
            ErrorKind::Prefilter(message) => write!(f, "prefilter: {message}"),
            ErrorKind::Format(message) => write!(f, "{message}"),
        }
    }
}

/// The OS error is part of the message (see `Display`), so it is not also
/// a source: a report that prints the chain would say it twice.
impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_os_error_is_said_once() {
        let error = Error::io(
            Path::new("/evidence/loop"),
            std::io::Error::from_raw_os_error(40),
        );
        let text = error.to_string();
        assert!(text.starts_with("/evidence/loop: "), "{text}");
        assert!(std::error::Error::source(&error).is_none());
    }
}
