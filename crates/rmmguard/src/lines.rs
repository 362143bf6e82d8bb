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
            // Newlines are counted once: from the last offset resolved in
            // this block to the next (many offsets per block stay linear).
            let mut counted = 0;
            while next < offsets.len() && offsets[next] < block_end {
                let upto = usize::try_from(offsets[next] - position).unwrap_or(read);
                newlines += memchr::memchr_iter(b'\n', &block[counted..upto]).count() as u64;
                counted = upto;
                resolved.push((offsets[next], newlines + 1));
                next += 1;
            }
            newlines += memchr::memchr_iter(b'\n', &block[counted..]).count() as u64;
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

    #[test]
    fn many_offsets_in_one_block_count_each_newline_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let text: String = (0..5000).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&path, &text).unwrap();
        let starts: Vec<u64> = text
            .match_indices('\n')
            .map(|(i, _)| i as u64 + 1)
            .filter(|&o| o < text.len() as u64)
            .collect();
        let index = LineIndex::build(&path, starts.clone()).unwrap();
        for (n, offset) in starts.iter().enumerate() {
            assert_eq!(index.line_of(*offset), Some(n as u64 + 2));
        }
    }
}
