//! The spool: ingested events as JSON-lines files the live engine follows.
//!
//! One folder per shape (`windows/`, `zeek/`, `eve/`, `osquery/`), because
//! the engine reads a file by its shape. Windows events are read by appended
//! ranges, so their files grow to `ROTATE_BYTES`; the other shapes are read
//! whole once a file is still, so their files are closed every
//! `ROTATE_AFTER` and the engine reads each one when it settles. An append is
//! synced to disk before the sender is told it was accepted.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rmmguard::sources::Format;

/// A Windows-events spool file is closed at this size.
const ROTATE_BYTES: u64 = 64 << 20;
/// A spool file of a whole-read shape is closed after this long.
const ROTATE_AFTER: Duration = Duration::from_secs(5);

/// The spool folder's shape subfolder for a format, if the spool takes it.
pub(crate) fn family(format: Format) -> Option<&'static str> {
    match format {
        Format::EventJson => Some("windows"),
        Format::ZeekJson => Some("zeek"),
        Format::SuricataEve => Some("eve"),
        Format::InventoryJsonLines => Some("osquery"),
        _ => None,
    }
}

struct Open {
    file: File,
    bytes: u64,
    opened: Instant,
}

/// The spool folder and its open files.
pub(crate) struct Spool {
    dir: PathBuf,
    open: Mutex<HashMap<&'static str, Open>>,
    sequence: AtomicU64,
    /// Bytes appended since start.
    pub written: AtomicU64,
}

impl Spool {
    pub fn new(dir: &Path) -> std::io::Result<Spool> {
        fs::create_dir_all(dir)?;
        Ok(Spool {
            dir: dir.to_path_buf(),
            open: Mutex::new(HashMap::new()),
            sequence: AtomicU64::new(0),
            written: AtomicU64::new(0),
        })
    }

    /// Appends whole lines (each ends with a line break) to the family's
    /// current file and syncs it.
    pub fn append(&self, family: &'static str, lines: &[u8]) -> std::io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let mut open = self
            .open
            .lock()
            .map_err(|_| std::io::Error::other("spool lock poisoned"))?;
        let rotate = open.get(family).is_none_or(|current| {
            current.bytes >= ROTATE_BYTES
                || (family != "windows" && current.opened.elapsed() >= ROTATE_AFTER)
        });
        if rotate {
            open.insert(family, self.create(family)?);
        }
        let current = open
            .get_mut(family)
            .ok_or_else(|| std::io::Error::other("spool file missing"))?;
        current.file.write_all(lines)?;
        current.file.sync_data()?;
        current.bytes += lines.len() as u64;
        self.written
            .fetch_add(lines.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Closes the files of whole-read shapes that have been open too long,
    /// so the engine reads them once they settle.
    pub fn close_stale(&self) {
        if let Ok(mut open) = self.open.lock() {
            open.retain(|family, current| {
                *family == "windows" || current.opened.elapsed() < ROTATE_AFTER
            });
        }
    }

    fn create(&self, family: &str) -> std::io::Result<Open> {
        let dir = self.dir.join(family);
        fs::create_dir_all(&dir)?;
        let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S");
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(
            "{stamp}-{}-{sequence:06}.jsonl",
            std::process::id()
        ));
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(Open {
            file,
            bytes: 0,
            opened: Instant::now(),
        })
    }
}
