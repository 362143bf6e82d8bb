//! Finding the evidence: walk the paths given, sniff every file, and list
//! what will be read and what was passed over (and why).

use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{Error, ErrorKind, Format, sniff};

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
    /// The file's size on disk.
    pub len: u64,
    /// The site (network) its events belong to, set by the caller.
    pub site: Option<Arc<str>>,
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

/// Walks files and folders (recursively, in sorted order, not following
/// symlinked folders) and sniffs every file.
///
/// # Errors
///
/// A path given that does not exist. Unreadable or unrecognized files found
/// inside folders are listed in [`Discovery::skipped`] instead.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, Error> {
    let mut discovery = Discovery::default();
    for path in paths {
        let metadata = fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::new(ErrorKind::NotFound).at(path),
            _ => Error::io(path, e),
        })?;
        if metadata.is_dir() {
            walk_dir(path, &mut discovery);
        } else {
            add_file(path, metadata.len(), &mut discovery);
        }
    }
    Ok(discovery)
}

fn walk_dir(dir: &Path, discovery: &mut Discovery) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            discovery.skipped.push(Skipped {
                path: dir.to_path_buf(),
                reason: format!("cannot list folder: {error}"),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Ok(link) = fs::symlink_metadata(&path) else {
            continue;
        };
        if link.file_type().is_symlink() {
            match fs::metadata(&path) {
                Ok(target) if target.is_file() => add_file(&path, target.len(), discovery),
                _ => {}
            }
        } else if link.is_dir() {
            walk_dir(&path, discovery);
        } else if link.is_file() {
            add_file(&path, link.len(), discovery);
        }
    }
}

fn add_file(path: &Path, len: u64, discovery: &mut Discovery) {
    let skip = |discovery: &mut Discovery, reason: String| {
        discovery.skipped.push(Skipped {
            path: path.to_path_buf(),
            reason,
        });
    };
    if len == 0 {
        return skip(discovery, "empty file".into());
    }
    let (head, gzip) = match read_head(path) {
        Ok(head) => head,
        Err(error) => return skip(discovery, format!("cannot read: {error}")),
    };
    match sniff(&head) {
        Ok(format) => discovery.inputs.push(Input {
            path: Arc::from(path),
            format,
            gzip,
            len,
            site: None,
        }),
        Err(reason) => skip(discovery, format!("not evidence rmmguard reads: {reason}")),
    }
}

/// The first bytes of a file's content, decompressed if it is gzip.
fn read_head(path: &Path) -> std::io::Result<(Vec<u8>, bool)> {
    let mut file = File::open(path)?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    if !head.starts_with(&[0x1f, 0x8b]) {
        return Ok((head, false));
    }
    let file = File::open(path)?;
    let mut decoded = Vec::with_capacity(SNIFF_BYTES);
    let mut decoder = flate2::read::MultiGzDecoder::new(file).take(SNIFF_BYTES as u64);
    // A truncated archive still sniffs from what decompressed before the damage.
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
        let missing = discover(&[root.join("nope")]).unwrap_err();
        assert!(
            missing
                .to_string()
                .ends_with("nope: no such file or folder"),
            "{missing}"
        );
    }
}
