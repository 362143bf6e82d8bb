//! Byte offsets to line numbers, for the few offsets a report cites: one
//! streaming pass over the file up to the last offset, counting newlines.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Line numbers of a sorted set of byte offsets in one file.
#[derive(Debug)]
pub(crate) struct LineIndex {
    offsets: Vec<(u64, u64)>,
}

impl LineIndex {
    /// Scans `path` once and records the 1-based line of each offset.
    pub fn build(path: &Path, mut offsets: Vec<u64>) -> std::io::Result<LineIndex> {
        offsets.sort_unstable();
        offsets.dedup();
        let mut file = File::open(path)?;
        let mut buffer = vec![0u8; 1 << 20];
        let mut resolved = Vec::with_capacity(offsets.len());
        let mut position = 0u64;
        let mut newlines = 0u64;
        let mut next = 0;
        while next < offsets.len() {
            let read = file.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            let block = &buffer[..read];
            let block_end = position + read as u64;
            while next < offsets.len() && offsets[next] < block_end {
                let upto = usize::try_from(offsets[next] - position).unwrap_or(read);
                let line = newlines + memchr::memchr_iter(b'\n', &block[..upto]).count() as u64 + 1;
                resolved.push((offsets[next], line));
                next += 1;
            }
            newlines += memchr::memchr_iter(b'\n', block).count() as u64;
            position = block_end;
        }
        Ok(LineIndex { offsets: resolved })
    }

    /// The line an offset is on, if it was asked for.
    pub fn line_of(&self, offset: u64) -> Option<u64> {
        self.offsets
            .binary_search_by_key(&offset, |(o, _)| *o)
            .ok()
            .map(|i| self.offsets[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_to_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "a\nbb\nccc\n").unwrap();
        let index = LineIndex::build(&path, vec![5, 0, 2]).unwrap();
        assert_eq!(index.line_of(0), Some(1));
        assert_eq!(index.line_of(2), Some(2));
        assert_eq!(index.line_of(5), Some(3));
        assert_eq!(index.line_of(1), None);
    }
}
