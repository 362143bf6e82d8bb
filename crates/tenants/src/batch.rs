//! Batch scoring: read every input file, then score every tenant.
//!
//! Each file has its own reorder buffer (flushed at its end), so files may
//! be split by tenant (shards) or by time (days) alike. Folders are read in
//! name order, taking `.jsonl`, `.ndjson`, `.json` and `.csv` files, except
//! the generator's `truth.json` and `bans.csv`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind};
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

    /// Records taken in all files.
    pub fn ingested(&self) -> u64 {
        self.files.iter().map(|f| f.ingested).sum()
    }

    /// Fails when no valid record was read at all: no input files, files
    /// with no records, or every record skipped. Scoring nothing would print
    /// an empty ranking that looks like "no abuse".
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NothingRead`], saying what was read and why it was skipped.
    pub fn ensure_read(&self) -> Result<(), Error> {
        if self.ingested() > 0 {
            return Ok(());
        }
        let files = self.files.len();
        let unreadable = self.files.iter().filter(|f| f.unreadable.is_some()).count();
        let mut reasons: BTreeMap<&str, u64> = BTreeMap::new();
        for file in &self.files {
            for (reason, count) in &file.reasons {
                *reasons.entry(reason).or_default() += count;
            }
        }
        let reasons: Vec<String> = reasons
            .iter()
            .map(|(reason, count)| format!("{count} {reason}"))
            .collect();
        let message = match (files, self.records()) {
            (0, _) => {
                "no tenant event files in the input (.jsonl, .ndjson, .json or .csv)".to_owned()
            }
            (_, 0) => format!(
                "no tenant records in {files} input file{}{}",
                if files == 1 { "" } else { "s" },
                if unreadable > 0 {
                    format!(" ({unreadable} unreadable)")
                } else {
                    String::new()
                }
            ),
            (_, records) => format!(
                "no valid tenant records in {files} input file{}: all {records} skipped ({})",
                if files == 1 { "" } else { "s" },
                reasons.join(", ")
            ),
        };
        Err(Error::new(ErrorKind::NothingRead(message)))
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
        && name != crate::simulate::TRUTH_FILE
        && name != crate::simulate::BANS_FILE
        && matches!(extension.as_str(), "jsonl" | "ndjson" | "json" | "csv")
}
