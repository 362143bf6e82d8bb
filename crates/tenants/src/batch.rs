//! Batch scoring: read every input file, then score every tenant.
//!
//! Each file has its own reorder buffer (flushed at its end), so files may
//! be split by tenant (shards) or by time (days) alike. Folders are read in
//! name order, taking `.jsonl`, `.ndjson`, `.json` (except `truth.json`) and
//! `.csv` files.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::engine::Engine;
use crate::error::Error;
use crate::input::{self, FileStats};
use crate::score::Score;

/// The outcome of a batch run.
#[derive(Debug)]
pub struct BatchRun {
    /// The engine, holding every tenant's state.
    pub engine: Engine,
    /// The files read, in input-number order.
    pub files: Vec<FileStats>,
    /// Every tenant's score, ranked.
    pub scores: Vec<Score>,
}

impl BatchRun {
    /// Records read in all files.
    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.records).sum()
    }

    /// Records skipped in all files.
    pub fn skipped(&self) -> u64 {
        self.files.iter().map(|f| f.skipped).sum()
    }

    /// The input files' paths, by input number (to resolve evidence).
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|f| f.path.clone()).collect()
    }
}

/// Expands folders into their event files, keeping the order given.
///
/// # Errors
///
/// A path does not exist or a folder cannot be listed.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|error| Error::io(path, error))?;
        if !metadata.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        for entry in std::fs::read_dir(path).map_err(|error| Error::io(path, error))? {
            let entry = entry.map_err(|error| Error::io(path, error))?;
            if is_event_file(&entry.path()) {
                found.push(entry.path());
            }
        }
        found.sort();
        files.extend(found);
    }
    if files.len() > usize::from(u16::MAX) {
        return Err(Error::format(format!(
            "too many input files ({}); at most {}",
            files.len(),
            u16::MAX
        )));
    }
    Ok(files)
}

/// Reads files (or folders) and scores every tenant.
///
/// # Errors
///
/// A file cannot be read (bad records are counted, not errors).
pub fn score_files(paths: &[PathBuf], config: Config) -> Result<BatchRun, Error> {
    let files = expand(paths)?;
    let mut engine = Engine::new(config);
    let mut stats = Vec::with_capacity(files.len());
    for (number, path) in files.iter().enumerate() {
        let file = input::read_path(path, number as u16, &mut |record, source| {
            engine.ingest(record, source)
        })?;
        engine.end_of_stream();
        stats.push(file);
    }
    let scores = engine.score_all();
    Ok(BatchRun {
        engine,
        files: stats,
        scores,
    })
}

fn is_event_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    path.is_file()
        && name != "truth.json"
        && matches!(extension.as_str(), "jsonl" | "ndjson" | "json" | "csv")
}
