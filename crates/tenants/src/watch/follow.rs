//! Reading a stream that grows: lines of a file being appended to (resumed
//! at a byte offset, a partial last line left until its newline arrives),
//! or standard input (resumed by skipping the lines already consumed).

use std::fs::File;
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind};
use crate::hash;
use crate::input::MAX_RECORD_BYTES;
use crate::input::jsonl::{self, LineOutcome};

/// Bytes hashed to recognize the file on resume.
const IDENTITY_BYTES: u64 = 256;

/// What the next read found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// A line (in the caller's buffer unless too long), and the bytes it took.
    Line {
        /// Bytes consumed, newline included.
        consumed: u64,
        /// The line was longer than the limit and was dropped.
        too_long: bool,
    },
    /// Nothing more yet (a growing file).
    Idle,
    /// The stream ended.
    End,
}

/// A source of lines.
pub trait Lines {
    /// Reads the next line into `line` (cleared first).
    ///
    /// # Errors
    ///
    /// The input fails or was replaced.
    fn next_line(&mut self, line: &mut Vec<u8>) -> Result<Next, Error>;
}

/// A file followed as it grows.
#[derive(Debug)]
pub struct Follower {
    path: PathBuf,
    file: File,
    pending: Vec<u8>,
    start: usize,
    offset: u64,
    discarding: bool,
    final_partial: bool,
}

impl Follower {
    /// Opens `path` at byte `offset`, checking it is the same file (by the
    /// hash of its first bytes, `identity`, when not 0).
    ///
    /// # Errors
    ///
    /// The file cannot be read, is shorter than `offset`, or was replaced.
    pub fn open(
        path: &Path,
        offset: u64,
        identity: u64,
        final_partial: bool,
    ) -> Result<Follower, Error> {
        let mut file = File::open(path).map_err(|error| Error::io(path, error))?;
        let length = file
            .metadata()
            .map_err(|error| Error::io(path, error))?
            .len();
        if length < offset {
            return Err(changed(path, "it is shorter than where the state stopped"));
        }
        if identity != 0 && file_identity(path, offset)? != identity {
            return Err(changed(
                path,
                "its first bytes differ from the file the state was built from",
            ));
        }
        file.seek(SeekFrom::Start(offset))
            .map_err(|error| Error::io(path, error))?;
        Ok(Follower {
            path: path.to_path_buf(),
            file,
            pending: Vec::new(),
            start: 0,
            offset,
            discarding: false,
            final_partial,
        })
    }

    fn take_line(&mut self, end: usize, line: &mut Vec<u8>) -> Next {
        let consumed = (end + 1 - self.start) as u64;
        let too_long = self.discarding || end - self.start > MAX_RECORD_BYTES;
        if !too_long {
            line.extend_from_slice(&self.pending[self.start..end]);
        }
        self.start = end + 1;
        self.discarding = false;
        self.offset += consumed;
        Next::Line { consumed, too_long }
    }

    fn check_not_truncated(&self) -> Result<(), Error> {
        let length = std::fs::metadata(&self.path)
            .map_err(|error| Error::io(&self.path, error))?
            .len();
        if length < self.offset {
            return Err(changed(&self.path, "it was truncated"));
        }
        Ok(())
    }
}

impl Lines for Follower {
    fn next_line(&mut self, line: &mut Vec<u8>) -> Result<Next, Error> {
        line.clear();
        loop {
            if let Some(found) = memchr::memchr(b'\n', &self.pending[self.start..]) {
                return Ok(self.take_line(self.start + found, line));
            }
            self.pending.drain(..self.start);
            self.start = 0;
            if self.pending.len() > MAX_RECORD_BYTES {
                // Keep counting the overlong line's bytes, but not holding them.
                self.discarding = true;
                self.offset += self.pending.len() as u64;
                self.pending.clear();
            }
            let mut chunk = [0u8; 1 << 16];
            let read = self
                .file
                .read(&mut chunk)
                .map_err(|error| Error::io(&self.path, error))?;
            if read > 0 {
                self.pending.extend_from_slice(&chunk[..read]);
                continue;
            }
            if self.final_partial && !self.pending.is_empty() {
                self.pending.push(b'\n');
                let end = self.pending.len() - 1;
                // The newline was added here, not read: it takes no byte of the file.
                if let Next::Line { consumed, too_long } = self.take_line(end, line) {
                    self.offset -= 1;
                    return Ok(Next::Line {
                        consumed: consumed - 1,
                        too_long,
                    });
                }
            }
            self.check_not_truncated()?;
            return Ok(if self.final_partial {
                Next::End
            } else {
                Next::Idle
            });
        }
    }
}

/// Standard input (or any reader): ends at its end.
pub struct Stream<R: BufRead> {
    reader: R,
    bytes: u64,
}

impl<R: BufRead> Stream<R> {
    /// Reads `reader`, skipping its first `skip` lines (already consumed).
    ///
    /// # Errors
    ///
    /// The reader fails.
    pub fn open(mut reader: R, skip: u64) -> Result<Stream<R>, Error> {
        let mut bytes = 0;
        let mut line = Vec::new();
        for _ in 0..skip {
            line.clear();
            if jsonl::next_line(&mut reader, &mut line, &mut bytes)?.is_none() {
                break;
            }
        }
        Ok(Stream { reader, bytes })
    }
}

impl<R: BufRead> Lines for Stream<R> {
    fn next_line(&mut self, line: &mut Vec<u8>) -> Result<Next, Error> {
        line.clear();
        let before = self.bytes;
        match jsonl::next_line(&mut self.reader, line, &mut self.bytes)? {
            None => Ok(Next::End),
            Some(outcome) => Ok(Next::Line {
                consumed: self.bytes - before,
                too_long: outcome == LineOutcome::TooLong,
            }),
        }
    }
}

/// The hash of a file's first bytes (up to `offset`), to recognize it.
///
/// # Errors
///
/// The file cannot be read.
pub fn file_identity(path: &Path, offset: u64) -> Result<u64, Error> {
    let mut file = File::open(path).map_err(|error| Error::io(path, error))?;
    let mut head = Vec::new();
    let take = offset.min(IDENTITY_BYTES);
    (&mut file)
        .take(take)
        .read_to_end(&mut head)
        .map_err(|error| Error::io(path, error))?;
    Ok(hash::hash_bytes(&head) ^ take)
}

fn changed(path: &Path, why: &str) -> Error {
    Error::new(ErrorKind::InputChanged(format!(
        "{why}; use a new --state file to start over"
    )))
    .at(path)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn collect(lines: &mut dyn Lines) -> Vec<String> {
        let mut out = Vec::new();
        let mut line = Vec::new();
        loop {
            match lines.next_line(&mut line) {
                Ok(Next::Line { consumed, too_long }) => out.push(format!(
                    "{}/{consumed}/{too_long}",
                    String::from_utf8_lossy(&line)
                )),
                Ok(Next::Idle) => {
                    out.push("idle".into());
                    return out;
                }
                Ok(Next::End) => return out,
                Err(error) => {
                    out.push(format!("error: {error}"));
                    return out;
                }
            }
        }
    }

    #[test]
    fn partial_lines_wait_for_their_newline() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("s.jsonl");
        let mut file = File::create(&path)?;
        file.write_all(b"one\ntw")?;
        file.flush()?;
        let mut follower = Follower::open(&path, 0, 0, false)?;
        assert_eq!(collect(&mut follower), ["one/4/false", "idle"]);
        file.write_all(b"o\nthree")?;
        file.flush()?;
        assert_eq!(collect(&mut follower), ["two/4/false", "idle"]);
        let identity = file_identity(&path, 8)?;
        let mut resumed = Follower::open(&path, 8, identity, true)?;
        assert_eq!(collect(&mut resumed), ["three/5/false"]);
        let other = Follower::open(&path, 8, identity ^ 1, false)
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert!(other.is_err_and(|message| message.contains("first bytes differ")));
        Ok(())
    }

    #[test]
    fn stdin_resumes_by_skipping_lines() -> Result<(), Box<dyn std::error::Error>> {
        let mut stream = Stream::open(&b"a\nb\nc"[..], 1)?;
        assert_eq!(collect(&mut stream), ["b/2/false", "c/1/false"]);
        Ok(())
    }
}
