//! Finding the evidence: walk the paths given, sniff every file, and list
//! what will be read and what was passed over (and why).
//!
//! Folders are walked in sorted order. Symlinks are followed, folders once
//! each: a folder met again (a symlink loop, or a second link to it) is
//! told by its device and inode and passed over with a note. A pipe,
//! character device or `/dev/stdin` named as a path (`hunt <(zcat x.gz)`)
//! is read as one sequential stream: its first bytes are kept from sniffing
//! and read again with the rest, since a stream cannot be opened twice.
//! A file is read once however often it is met (named twice, inside a
//! folder also named, or a second hard or symbolic link), told by its
//! device and inode, so no event is counted twice.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::{self, File, Metadata};
use std::io::{Cursor, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::{Encoding, Error, ErrorKind, Format, sniff};

/// How many bytes sniffing reads (decompressed, for `.gz`).
const SNIFF_BYTES: usize = 64 << 10;

/// A file to read, with its sniffed format.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file.
    pub path: Arc<Path>,
    /// Its content format.
    pub format: Format,
    /// Whether the content is gzip-compressed.
    pub gzip: bool,
    /// The encoding of its text. UTF-16 is converted to UTF-8 as it is read;
    /// the byte offsets such an input's events name count the UTF-8 text.
    pub encoding: Encoding,
    /// The file's size on disk (0 for a stream).
    pub len: u64,
    /// The site (network) its events belong to, set by the caller.
    pub site: Option<Arc<str>>,
    /// A pipe or device, read once as it comes.
    stream: Option<Arc<Stream>>,
}

impl Input {
    /// An input read from memory or a fresh file (not a stream).
    pub(crate) fn new(path: Arc<Path>, format: Format, gzip: bool, len: u64) -> Input {
        Input {
            path,
            format,
            gzip,
            encoding: Encoding::Utf8,
            len,
            site: None,
            stream: None,
        }
    }

    /// Whether the input is a pipe or device read as one stream.
    pub fn is_stream(&self) -> bool {
        self.stream.is_some()
    }

    /// Whether parts of the input can be read on their own by positioned
    /// reads: a plain, UTF-8, regular file.
    pub fn is_seekable(&self) -> bool {
        !self.gzip && self.stream.is_none() && self.encoding == Encoding::Utf8
    }

    /// The raw bytes of the input from its start (still compressed and in
    /// its own encoding): a stream hands over what sniffing read and the
    /// rest, once; a file is opened.
    pub(crate) fn open_raw(&self) -> Result<Box<dyn Read>, Error> {
        let Some(stream) = &self.stream else {
            let file = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
            return Ok(Box::new(file));
        };
        let taken = stream
            .pending
            .lock()
            .ok()
            .and_then(|mut pending| pending.take());
        match taken {
            Some((head, file)) => Ok(Box::new(Cursor::new(head).chain(file))),
            None => Err(Error::format("a stream can be read only once").at(&self.path)),
        }
    }
}

/// A stream being read: the bytes sniffing took and the open file.
struct Stream {
    pending: Mutex<Option<(Vec<u8>, File)>>,
}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Stream")
    }
}

/// A file passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// Why it was not read.
    pub reason: String,
}

/// The result of walking the paths given.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Files to read, in path order.
    pub inputs: Vec<Input>,
    /// Files passed over.
    pub skipped: Vec<Skipped>,
}

/// Walks files and folders (recursively, in sorted order, following
/// symlinks and reading each folder once) and sniffs every file. Pipes and
/// devices named as paths are read as streams.
///
/// # Errors
///
/// A path given that does not exist. Unreadable or unrecognized files found
/// inside folders are listed in [`Discovery::skipped`] instead.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, Error> {
    let mut all = Discovery::default();
    for found in discover_each(paths)? {
        all.inputs.extend(found.inputs);
        all.skipped.extend(found.skipped);
    }
    Ok(all)
}

/// Like [`discover`], one [`Discovery`] per path given (for callers that
/// need each file's root), still reading every file and folder once across
/// all of them.
///
/// # Errors
///
/// As [`discover`].
pub fn discover_each(paths: &[PathBuf]) -> Result<Vec<Discovery>, Error> {
    let mut walk = Walk::default();
    let mut each = Vec::with_capacity(paths.len());
    for path in paths {
        let metadata = fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::new(ErrorKind::NotFound).at(path),
            _ => Error::io(path, e),
        })?;
        if metadata.is_dir() {
            walk.dir(path, &metadata);
        } else if metadata.is_file() {
            walk.file(path, &metadata);
        } else {
            walk.stream(path, &metadata);
        }
        each.push(std::mem::take(&mut walk.discovery));
    }
    Ok(each)
}

#[derive(Default)]
struct Walk {
    discovery: Discovery,
    /// Folders read, by device and inode.
    folders: HashSet<(u64, u64)>,
    /// Files read, by device and inode, with the path they were first met at.
    files: HashMap<(u64, u64), PathBuf>,
}

impl Walk {
    fn skip(&mut self, path: &Path, reason: String) {
        self.discovery.skipped.push(Skipped {
            path: path.to_path_buf(),
            reason,
        });
    }

    fn dir(&mut self, dir: &Path, metadata: &Metadata) {
        if !self.folders.insert((metadata.dev(), metadata.ino())) {
            let reason = "folder already read (a symlink loop or a second link to it): passed over";
            return self.skip(dir, reason.into());
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => return self.skip(dir, format!("cannot list folder: {error}")),
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let Ok(link) = fs::symlink_metadata(&path) else {
                continue;
            };
            let metadata = if link.file_type().is_symlink() {
                match fs::metadata(&path) {
                    Ok(target) => target,
                    Err(error) => {
                        self.skip(&path, format!("broken symlink: {error}"));
                        continue;
                    }
                }
            } else {
                link
            };
            if metadata.is_dir() {
                self.dir(&path, &metadata);
            } else if metadata.is_file() {
                self.file(&path, &metadata);
            } else {
                let kind = kind_of(&metadata);
                let reason = format!(
                    "not a regular file ({kind}): name it as a path of its own to read it as a stream"
                );
                self.skip(&path, reason);
            }
        }
    }

    fn file(&mut self, path: &Path, metadata: &Metadata) {
        let len = metadata.len();
        match self.files.entry((metadata.dev(), metadata.ino())) {
            Entry::Occupied(first) => {
                let reason = format!(
                    "the same file as {} (named twice, or a second link to it): read once",
                    first.get().display()
                );
                return self.skip(path, reason);
            }
            Entry::Vacant(entry) => {
                entry.insert(path.to_path_buf());
            }
        }
        if len == 0 {
            return self.skip(path, "empty file".into());
        }
        let head = File::open(path).and_then(|mut file| read_head(&mut file));
        match head {
            Ok(head) => self.sniffed(path, len, &head, None),
            Err(error) => self.skip(path, format!("cannot read: {error}")),
        }
    }

    /// A pipe or device: its head is read once and kept for the reader.
    fn stream(&mut self, path: &Path, metadata: &Metadata) {
        let kind = kind_of(metadata);
        let opened = File::open(path).and_then(|mut file| Ok((read_head(&mut file)?, file)));
        match opened {
            Ok((head, _)) if head.is_empty() => self.skip(path, format!("empty stream ({kind})")),
            Ok((head, file)) => {
                let pending = Mutex::new(Some((head.clone(), file)));
                self.sniffed(path, 0, &head, Some(Arc::new(Stream { pending })));
            }
            Err(error) => self.skip(path, format!("cannot read {kind}: {error}")),
        }
    }

    fn sniffed(&mut self, path: &Path, len: u64, head: &[u8], stream: Option<Arc<Stream>>) {
        let (text, gzip) = match decompress_head(head) {
            Ok(text) => text,
            Err(error) => return self.skip(path, format!("cannot read: {error}")),
        };
        let encoding = Encoding::of(&text);
        let text = match encoding {
            Encoding::Utf8 => text,
            _ => {
                let mut decoded = Vec::with_capacity(text.len());
                // The head may end inside a character: what decodes is enough.
                let _ = encoding
                    .decode(Box::new(Cursor::new(text)))
                    .read_to_end(&mut decoded);
                decoded
            }
        };
        match sniff(&text) {
            Ok(format) => self.discovery.inputs.push(Input {
                path: Arc::from(path),
                format,
                gzip,
                encoding,
                len,
                site: None,
                stream,
            }),
            Err(reason) => match application_log(path) {
                Some(tool) => self.skip(
                    path,
                    format!("{tool} application log: not read yet (rmmguard reads the events it leaves in Windows logs)"),
                ),
                None => self.skip(path, format!("not evidence rmmguard reads: {reason}")),
            },
        }
    }
}

/// The RMM tool whose own log this file is, by its file name: logs an
/// analyst collects on purpose, so saying what they are (and that they are
/// not read yet) beats "not evidence".
fn application_log(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    match name {
        "ad.trace" | "ad_svc.trace" | "connection_trace.txt" => Some("AnyDesk"),
        "connections_incoming.txt" | "connections.txt" => Some("TeamViewer"),
        _ if name.starts_with("teamviewer") && name.ends_with("_logfile.log") => Some("TeamViewer"),
        _ => None,
    }
}

/// What kind of file that is not a regular file or folder this is.
fn kind_of(metadata: &Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_fifo() {
        "a pipe"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else if file_type.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

/// The first bytes of a file or stream.
fn read_head(file: &mut File) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    file.take(SNIFF_BYTES as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// The first bytes of content, decompressed if they are gzip.
fn decompress_head(head: &[u8]) -> std::io::Result<(Vec<u8>, bool)> {
    if !head.starts_with(&[0x1f, 0x8b]) {
        return Ok((head.to_vec(), false));
    }
    let mut decoded = Vec::with_capacity(SNIFF_BYTES);
    let mut decoder = flate2::read::MultiGzDecoder::new(head).take(SNIFF_BYTES as u64);
    // The head ends inside the archive: what decompressed before is enough.
    if let Err(error) = decoder.read_to_end(&mut decoded)
        && decoded.is_empty()
    {
        return Err(error);
    }
    Ok((decoded, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn walks_sorted_sniffs_and_explains_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("b")).unwrap();
        fs::write(root.join("b/events.json"), "{\"winlog\":{}}\n").unwrap();
        fs::write(root.join("a.txt"), "hello\n").unwrap();
        fs::write(root.join("empty.evtx"), "").unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"ElfFile\0").unwrap();
        fs::write(root.join("c.gz"), gz.finish().unwrap()).unwrap();
        let found = discover(&[root.to_path_buf()]).unwrap();
        let inputs: Vec<(String, Format, bool)> = found
            .inputs
            .iter()
            .map(|i| {
                (
                    i.path.file_name().unwrap().to_string_lossy().into_owned(),
                    i.format,
                    i.gzip,
                )
            })
            .collect();
        assert_eq!(
            inputs,
            [
                ("events.json".into(), Format::EventJson, false),
                ("c.gz".into(), Format::Evtx, true)
            ]
        );
        let skipped: Vec<&str> = found.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(
            skipped,
            [
                "not evidence rmmguard reads: text that is neither JSON events nor an inventory CSV",
                "empty file"
            ]
        );
        let same = discover(&[
            root.to_path_buf(),
            root.join("b/events.json"),
            root.join("b/../b/events.json"),
        ])
        .unwrap();
        assert_eq!(same.inputs.len(), 2);
        let reasons: Vec<String> = same.skipped.iter().map(|s| s.reason.clone()).collect();
        let first = root.join("b/events.json");
        let twice = format!(
            "the same file as {} (named twice, or a second link to it): read once",
            first.display()
        );
        assert_eq!(reasons[2..], [twice.clone(), twice]);
        let missing = discover(&[root.join("nope")]).unwrap_err();
        assert!(
            missing
                .to_string()
                .ends_with("nope: no such file or folder"),
            "{missing}"
        );
    }

    #[test]
    fn rmm_application_logs_are_named_not_read_yet() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "ad.trace",
            "connection_trace.txt",
            "Connections_incoming.txt",
            "notes.txt",
        ] {
            fs::write(root.join(name), "0\t2026-11-02 09:14:03\tUser\t123456789\n").unwrap();
        }
        let found = discover(&[root.to_path_buf()]).unwrap();
        let skipped: Vec<(String, &str)> = found
            .skipped
            .iter()
            .map(|s| {
                let name = s.path.file_name().unwrap().to_string_lossy().into_owned();
                (name, s.reason.split(':').next().unwrap())
            })
            .collect();
        assert_eq!(
            skipped,
            [
                (
                    "Connections_incoming.txt".into(),
                    "TeamViewer application log"
                ),
                ("ad.trace".into(), "AnyDesk application log"),
                ("connection_trace.txt".into(), "AnyDesk application log"),
                ("notes.txt".into(), "not evidence rmmguard reads"),
            ]
        );
    }
}
