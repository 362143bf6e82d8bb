//! The server's error type.

use std::path::PathBuf;

/// What stops `serve` from starting or running.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The config file cannot be read or means nothing.
    #[error("{path}: {message}")]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong, with line and column where TOML says.
        message: String,
    },
    /// A file or socket operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
    /// The live engine failed.
    #[error(transparent)]
    Engine(#[from] rmmguard::Error),
    /// The state file failed.
    #[error(transparent)]
    Store(#[from] rmmguard::store::Error),
}

impl Error {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            what: what.into(),
            source,
        }
    }
}
