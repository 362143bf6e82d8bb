//! The store's error type.

use std::path::PathBuf;

/// What went wrong with the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SQLite refused an operation.
    #[error("state file {path}: {source}")]
    Sqlite {
        /// The state file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The file holds something this build cannot read.
    #[error("state file {path}: {message}")]
    Damaged {
        /// The state file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An incident number that is not in the store.
    #[error("no incident #{0}")]
    NoIncident(u64),
}
