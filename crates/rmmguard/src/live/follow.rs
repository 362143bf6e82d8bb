//! Following files: which files exist under the watched paths, who each one
//! is across renames, and what part of it has not been read yet.
//!
//! A file is known by device and inode, checked against a CRC of its first
//! bytes (an inode reused by a new file has other first bytes). Plain JSON
//! lines of Windows events are read by appended ranges, up to the last line
//! break. Every other format (EVTX, Zeek, EVE, pcap, mail, `.gz`) is read
//! whole again once it has stopped changing for the settle time, and its
//! tally replaced: exact, at the cost of reading it again.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, Metadata};
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rmmguard_detect::{Detector, Tally};
use rmmguard_sources::{Format, Input, ReadContext, Unit, discover, read_unit};
use rmmguard_store::FileRow;

/// Bytes of a file's start its identity checksum covers (fewer while it is shorter).
const HEAD: u64 = 256;
/// Bytes read backwards at a time when looking for the last line break.
const TAIL_BLOCK: u64 = 64 << 10;

/// A regular file found under the watched paths.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub path: PathBuf,
    /// Index of the watched path it was found under (for sites from folders).
    pub root: usize,
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i64,
}

impl Seen {
    fn of(path: PathBuf, root: usize, metadata: &Metadata) -> Seen {
        Seen {
            path,
            root,
            dev: metadata.dev(),
            ino: metadata.ino(),
            size: metadata.len(),
            mtime_ns: metadata.mtime() * 1_000_000_000 + metadata.mtime_nsec(),
        }
    }

    pub fn key(&self) -> (u64, u64) {
        (self.dev, self.ino)
    }

    /// Whether the file has not changed for `settle_ns` (or never will: end of input).
    pub fn settled(&self, settle_ns: i64, end_of_input: bool) -> bool {
        end_of_input || now_ns().saturating_sub(self.mtime_ns) >= settle_ns
    }
}

/// Every regular file under `paths` (recursively, sorted, symlinks followed,
/// each file and folder once), except the files `ignore` names (the state
/// file and its journal, which may sit inside a watched folder).
pub(crate) fn list(paths: &[PathBuf], ignore: &[PathBuf]) -> Vec<Seen> {
    let mut seen = Vec::new();
    let mut visited: HashSet<(u64, u64)> = ignore
        .iter()
        .filter_map(|path| fs::metadata(path).ok())
        .map(|m| (m.dev(), m.ino()))
        .collect();
    for (root, path) in paths.iter().enumerate() {
        walk(path, root, &mut visited, &mut seen);
    }
    seen
}

fn walk(path: &Path, root: usize, visited: &mut HashSet<(u64, u64)>, seen: &mut Vec<Seen>) {
    let Ok(metadata) = fs::metadata(path) else {
        return; // Gone between listing and looking: the next poll will tell.
    };
    if !visited.insert((metadata.dev(), metadata.ino())) {
        return;
    }
    if metadata.is_file() {
        seen.push(Seen::of(path.to_path_buf(), root, &metadata));
    } else if metadata.is_dir() {
        let Ok(entries) = fs::read_dir(path) else {
            return;
        };
        let mut children: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        children.sort();
        for child in children {
            walk(&child, root, visited, seen);
        }
    }
}

/// One followed file and what has been read of it.
#[derive(Debug)]
pub(crate) struct Followed {
    pub input: Input,
    pub dev: u64,
    pub ino: u64,
    pub head_len: u64,
    pub head_hash: u64,
    /// Size and modification time when last read.
    pub size: u64,
    pub mtime_ns: i64,
    /// Bytes read and judged.
    pub watermark: u64,
    /// Whether it is read by appended ranges (else whole, again, on change).
    pub appends: bool,
    pub tally: Tally,
    pub records: u64,
    pub skipped: u64,
}

impl Followed {
    /// A file seen for the first time, if it is evidence rmmguard reads.
    pub fn sniff(seen: &Seen, detector: &Detector) -> Option<Followed> {
        let found = discover(std::slice::from_ref(&seen.path)).ok()?;
        let input = found.inputs.into_iter().next()?;
        let appends = input.format == Format::EventJson && input.is_seekable();
        let (head_len, head_hash) = head(&seen.path, seen.size).ok()?;
        Some(Followed {
            input,
            dev: seen.dev,
            ino: seen.ino,
            head_len,
            head_hash,
            size: 0,
            mtime_ns: 0,
            watermark: 0,
            appends,
            tally: detector.tally(),
            records: 0,
            skipped: 0,
        })
    }

    /// Whether `seen` is still this file: its first bytes are the same.
    pub fn is(&self, seen: &Seen) -> bool {
        seen.key() == (self.dev, self.ino)
            && seen.size >= self.head_len
            && head(&seen.path, self.head_len).is_ok_and(|(_, hash)| hash == self.head_hash)
    }

    /// Whether `row` (from the store) describes this file as it is now.
    pub fn matches(&self, row: &FileRow) -> bool {
        row.dev == self.dev
            && row.ino == self.ino
            && row.head_len <= self.input.len
            && head(&self.input.path, row.head_len).is_ok_and(|(_, hash)| hash == row.head_hash)
    }

    /// The file as the store keeps it.
    pub fn row(&self) -> FileRow {
        FileRow {
            path: self.input.path.display().to_string(),
            dev: self.dev,
            ino: self.ino,
            head_len: self.head_len,
            head_hash: self.head_hash,
            size: self.size,
            mtime_ns: self.mtime_ns,
            watermark: self.watermark,
        }
    }

    /// Bytes on disk not read yet.
    pub fn unread(&self) -> u64 {
        if self.appends {
            self.input.len.saturating_sub(self.watermark)
        } else if self.input.len != self.size {
            self.input.len
        } else {
            0
        }
    }

    /// Takes a new path (a rename) and the file's current size.
    pub fn update(&mut self, seen: &Seen) {
        if *self.input.path != *seen.path {
            self.input.path = Arc::from(seen.path.as_path());
        }
        self.input.len = seen.size;
        // A file that was shorter than HEAD when first seen widens its identity.
        if self.head_len < HEAD.min(seen.size)
            && let Ok((len, hash)) = head(&seen.path, seen.size)
        {
            self.head_len = len;
            self.head_hash = hash;
        }
    }

    /// Reads what is new in the file; returns the bytes read.
    pub fn read_new(
        &mut self,
        seen: &Seen,
        detector: &Detector,
        context: &ReadContext<'_>,
        settle_ns: i64,
        end_of_input: bool,
    ) -> u64 {
        if self.appends {
            if seen.size < self.watermark {
                self.reset(detector); // Truncated (copytruncate rotation): read it anew.
            }
            // A line is read once its line break is written: a slow writer
            // can pause mid-line for any time. Only the batch view (end of
            // input) takes a last line without one, as `hunt` does.
            let end = if end_of_input {
                seen.size
            } else {
                last_line_end(&seen.path, self.watermark, seen.size).unwrap_or(self.watermark)
            };
            if end <= self.watermark {
                return 0;
            }
            let start = self.watermark;
            self.read(detector, context, start, end);
            self.watermark = end;
            self.size = seen.size;
            self.mtime_ns = seen.mtime_ns;
            end - start
        } else {
            let unchanged = (seen.size, seen.mtime_ns) == (self.size, self.mtime_ns);
            if unchanged || !seen.settled(settle_ns, end_of_input) {
                return 0;
            }
            self.reset(detector);
            self.read(detector, context, 0, seen.size);
            self.watermark = seen.size;
            self.size = seen.size;
            self.mtime_ns = seen.mtime_ns;
            seen.size
        }
    }

    /// Reads the file up to `row`'s watermark again after a restart.
    pub fn replay(&mut self, row: &FileRow, detector: &Detector, context: &ReadContext<'_>) {
        let end = if self.appends {
            row.watermark
        } else if (self.input.len, row.mtime_ns) == (row.size, self.mtime_of_disk()) {
            row.size
        } else {
            return; // Changed while we were away: read as new when it settles.
        };
        self.read(detector, context, 0, end);
        self.watermark = end;
        self.size = row.size;
        self.mtime_ns = row.mtime_ns;
    }

    fn mtime_of_disk(&self) -> i64 {
        fs::metadata(&self.input.path)
            .map(|m| m.mtime() * 1_000_000_000 + m.mtime_nsec())
            .unwrap_or(-1)
    }

    fn reset(&mut self, detector: &Detector) {
        self.tally = detector.tally();
        self.watermark = 0;
    }

    fn read(&mut self, detector: &Detector, context: &ReadContext<'_>, start: u64, end: u64) {
        let unit = Unit {
            input: 0,
            start,
            end,
        };
        let tally = &mut self.tally;
        let stats = read_unit(&self.input, &unit, context, &mut |event| {
            detector.inspect(&event, tally);
        });
        self.records += stats.records;
        self.skipped += stats.skipped;
    }
}

/// The followed files by device and inode.
pub(crate) type Files = HashMap<(u64, u64), Followed>;

/// Length and CRC-32 of the first `min(size, HEAD)` bytes of `path`.
fn head(path: &Path, size: u64) -> std::io::Result<(u64, u64)> {
    let len = size.min(HEAD);
    let mut bytes = Vec::with_capacity(len as usize);
    File::open(path)?.take(len).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64, u64::from(crc32fast::hash(&bytes))))
}

/// The offset just past the last line break in `[start, end)`, if any.
fn last_line_end(path: &Path, start: u64, end: u64) -> Option<u64> {
    let mut file = File::open(path).ok()?;
    let mut block_end = end;
    let mut buffer = vec![0; TAIL_BLOCK as usize];
    while block_end > start {
        let block_start = block_end.saturating_sub(TAIL_BLOCK).max(start);
        let len = (block_end - block_start) as usize;
        let block = buffer.get_mut(..len)?;
        file.seek(SeekFrom::Start(block_start)).ok()?;
        file.read_exact(block).ok()?;
        if let Some(at) = memchr::memrchr(b'\n', block) {
            return Some(block_start + at as u64 + 1);
        }
        block_end = block_start;
    }
    None
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}
