//! The on-disk spool: records a receiver did not take wait here, in order,
//! until it takes them.
//!
//! Each append writes one new segment file (`00000000000000000001.spool`,
//! JSON lines of [`Item`]s), fsyncs it and the folder, and never changes it
//! again; a partly delivered segment is replaced whole by a new file renamed
//! over it. Segments are replayed oldest first and deleted once delivered.
//! The total size is bounded: what does not fit is refused, for the caller
//! to count as dropped.

use std::collections::VecDeque;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::{Error, Item};

const EXTENSION: &str = "spool";

/// A bounded spool in one folder (one folder per target), held with an
/// exclusive lock on its `.lock` file while open, so two processes never
/// replay (and send twice) the same segments.
#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    limit: u64,
    segments: VecDeque<Segment>,
    next_seq: u64,
    _lock: File,
}

#[derive(Debug)]
struct Segment {
    path: PathBuf,
    bytes: u64,
    records: u64,
}

/// The oldest segment's records.
#[derive(Debug)]
pub struct Head {
    /// The records that parsed, in order.
    pub items: Vec<Item>,
    /// Lines that did not parse: (file, byte offset, why).
    pub damaged: Vec<(PathBuf, u64, String)>,
}

/// What an append stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// Records written.
    pub stored: usize,
    /// Records that did not fit under the limit (the newest).
    pub refused: usize,
}

impl Spool {
    /// Opens (creating) the spool in `dir`, finding the segments a previous
    /// run left; half-written temporary files are removed.
    pub fn open(dir: &Path, limit: u64) -> Result<Spool, Error> {
        let io_error = |source| Error::Io {
            path: dir.to_owned(),
            source,
        };
        fs::create_dir_all(dir).map_err(io_error)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(".lock"))
            .map_err(io_error)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(Error::SpoolBusy(dir.to_owned())),
            Err(TryLockError::Error(e)) => return Err(io_error(e)),
        }
        let mut found = Vec::new();
        for entry in fs::read_dir(dir).map_err(io_error)? {
            let path = entry.map_err(io_error)?.path();
            match path.extension().and_then(|e| e.to_str()) {
                Some(EXTENSION) => {
                    if let Some(seq) = sequence(&path) {
                        found.push((seq, path));
                    }
                }
                Some("tmp") => fs::remove_file(&path).map_err(io_error)?,
                _ => {}
            }
        }
        found.sort();
        let next_seq = found.last().map_or(1, |(seq, _)| seq + 1);
        let mut segments = VecDeque::with_capacity(found.len());
        for (_, path) in found {
            let (bytes, records) = measure(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            segments.push_back(Segment {
                path,
                bytes,
                records,
            });
        }
        Ok(Spool {
            dir: dir.to_owned(),
            limit,
            segments,
            next_seq,
            _lock: lock,
        })
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Bytes held.
    pub fn bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.bytes).sum()
    }

    /// Records held.
    pub fn records(&self) -> u64 {
        self.segments.iter().map(|s| s.records).sum()
    }

    /// Writes `items` as one new segment, as many as fit under the limit
    /// (in order; the rest are refused), durably.
    pub fn append(&mut self, items: &[Item]) -> Result<Appended, Error> {
        let room = self.limit.saturating_sub(self.bytes());
        let mut body = Vec::new();
        let mut stored = 0;
        for item in items {
            let line = line_of(item);
            if (body.len() + line.len()) as u64 > room {
                break;
            }
            body.extend_from_slice(&line);
            stored += 1;
        }
        if stored > 0 {
            let path = self.segment_path(self.next_seq);
            self.next_seq += 1;
            self.write_durably(&path, &body)?;
            self.segments.push_back(Segment {
                path,
                bytes: body.len() as u64,
                records: stored as u64,
            });
        }
        Ok(Appended {
            stored,
            refused: items.len() - stored,
        })
    }

    /// Reads the oldest segment, if any.
    pub fn head(&self) -> Option<Result<Head, Error>> {
        let segment = self.segments.front()?;
        Some(read_segment(&segment.path).map_err(|source| Error::Io {
            path: segment.path.clone(),
            source,
        }))
    }

    /// Deletes the oldest segment: it was delivered.
    pub fn pop_head(&mut self) -> Result<(), Error> {
        if let Some(segment) = self.segments.pop_front() {
            fs::remove_file(&segment.path).map_err(|source| Error::Io {
                path: segment.path.clone(),
                source,
            })?;
        }
        Ok(())
    }

    /// Replaces the oldest segment by `items` (what is still undelivered of
    /// it), atomically: a new file renamed over the old.
    pub fn replace_head(&mut self, items: &[Item]) -> Result<(), Error> {
        if items.is_empty() {
            return self.pop_head();
        }
        let Some(segment) = self.segments.front_mut() else {
            return Ok(());
        };
        let body: Vec<u8> = items.iter().flat_map(line_of).collect();
        let tmp = segment.path.with_extension("tmp");
        let path = segment.path.clone();
        write_file(&tmp, &body).map_err(|source| Error::Io {
            path: tmp.clone(),
            source,
        })?;
        fs::rename(&tmp, &path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        segment.bytes = body.len() as u64;
        segment.records = items.len() as u64;
        self.sync_dir()
    }

    fn segment_path(&self, seq: u64) -> PathBuf {
        self.dir.join(format!("{seq:020}.{EXTENSION}"))
    }

    fn write_durably(&self, path: &Path, body: &[u8]) -> Result<(), Error> {
        write_file(path, body).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        self.sync_dir()
    }

    /// Makes the new name itself durable (a file's fsync does not cover the
    /// folder entry).
    fn sync_dir(&self) -> Result<(), Error> {
        File::open(&self.dir)
            .and_then(|dir| dir.sync_all())
            .map_err(|source| Error::Io {
                path: self.dir.clone(),
                source,
            })
    }
}

fn line_of(item: &Item) -> Vec<u8> {
    // Serializing our own records cannot fail (string keys, no maps of
    // non-string keys); an empty line would be reported as damaged.
    let mut line = serde_json::to_vec(item).unwrap_or_default();
    line.push(b'\n');
    line
}

fn write_file(path: &Path, body: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(body)?;
    file.sync_all()
}

fn sequence(path: &Path) -> Option<u64> {
    path.file_stem()?.to_str()?.parse().ok()
}

fn measure(path: &Path) -> io::Result<(u64, u64)> {
    let bytes = fs::metadata(path)?.len();
    let mut records = 0;
    let mut reader = BufReader::new(File::open(path)?);
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        records += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        let len = buf.len();
        reader.consume(len);
    }
    Ok((bytes, records))
}

fn read_segment(path: &Path) -> io::Result<Head> {
    let mut reader = BufReader::new(File::open(path)?);
    let mut head = Head {
        items: Vec::new(),
        damaged: Vec::new(),
    };
    let mut offset = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        match serde_json::from_slice::<Item>(&line) {
            Ok(item) => head.items.push(item),
            Err(error) => head
                .damaged
                .push((path.to_owned(), offset, error.to_string())),
        }
        offset += read as u64;
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use rmmguard_findings::wire::FindingRecord;
    use rmmguard_findings::{Finding, rules};

    use super::*;

    fn item(n: usize) -> Item {
        let finding = Finding::new(rules::PORTABLE_RMM, format!("finding {n}"));
        Item::finding(format!("id-{n}"), FindingRecord::from(&finding))
    }

    #[test]
    fn segments_replay_in_order_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::open(dir.path(), 1 << 20).unwrap();
        spool.append(&[item(1), item(2)]).unwrap();
        spool.append(&[item(3)]).unwrap();
        drop(spool);
        let mut spool = Spool::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(spool.records(), 3);
        let head = spool.head().unwrap().unwrap();
        let ids: Vec<&str> = head.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["id-1", "id-2"]);
        spool.replace_head(&head.items[1..]).unwrap();
        assert_eq!(spool.records(), 2);
        let head = spool.head().unwrap().unwrap();
        assert_eq!(head.items[0].id, "id-2");
        spool.pop_head().unwrap();
        assert_eq!(spool.head().unwrap().unwrap().items[0].id, "id-3");
        spool.pop_head().unwrap();
        assert!(spool.is_empty() && spool.head().is_none());
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [".lock"]);
    }

    #[test]
    fn one_spool_folder_has_one_owner() {
        let dir = tempfile::tempdir().unwrap();
        let first = Spool::open(dir.path(), 1 << 20).unwrap();
        let second = Spool::open(dir.path(), 1 << 20);
        assert!(matches!(second, Err(Error::SpoolBusy(_))), "{second:?}");
        drop(first);
        assert!(Spool::open(dir.path(), 1 << 20).is_ok());
    }

    #[test]
    fn the_limit_refuses_the_newest_and_damage_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let one = line_of(&item(1)).len() as u64;
        let mut spool = Spool::open(dir.path(), one * 2 + 5).unwrap();
        let appended = spool.append(&[item(1), item(2), item(3)]).unwrap();
        assert_eq!(
            appended,
            Appended {
                stored: 2,
                refused: 1
            }
        );
        assert_eq!(spool.append(&[item(4)]).unwrap().refused, 1);
        let path = spool.segments[0].path.clone();
        let mut text = fs::read(&path).unwrap();
        text.extend_from_slice(b"{\"id\":\"torn");
        fs::write(&path, text).unwrap();
        let head = spool.head().unwrap().unwrap();
        assert_eq!(head.items.len(), 2);
        assert_eq!(head.damaged.len(), 1);
        assert_eq!(head.damaged[0].1, one * 2);
    }
}
