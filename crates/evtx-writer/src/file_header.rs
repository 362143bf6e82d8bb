//! The 4 KiB block that starts an EVTX file: a 128-byte header (chunk range, next record ID,
//! version, flags, CRC32 of its first 120 bytes) and zero padding.

use crate::chunk::{put_u32, put_u64};

/// The size of the header block; the first chunk starts after it.
pub(crate) const FILE_HEADER_SIZE: usize = 4096;

const MAGIC: &[u8; 8] = b"ElfFile\0";
const HEADER_SIZE_FIELD: u32 = 128;
const MINOR_VERSION: u16 = 1;
const MAJOR_VERSION: u16 = 3;
const FLAGS_AT: usize = 120;
const CRC_AT: usize = 124;

/// The header flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// The log is being written; the counts may be stale (flag 0x1, "dirty").
    Open,
    /// The log was closed and the header describes every chunk (no flags).
    Closed,
}

/// What the header says about the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileHeader {
    /// The number of chunks after the header.
    pub(crate) chunk_count: u16,
    /// The ID the next record would get.
    pub(crate) next_record_id: u64,
    pub(crate) state: State,
}

impl FileHeader {
    /// The header block's bytes.
    pub(crate) fn to_bytes(self) -> [u8; FILE_HEADER_SIZE] {
        let mut block = [0; FILE_HEADER_SIZE];
        block[..8].copy_from_slice(MAGIC);
        // The oldest chunk is the first one, and the current one is the last.
        put_u64(&mut block, 8, 0);
        put_u64(
            &mut block,
            16,
            u64::from(self.chunk_count.saturating_sub(1)),
        );
        put_u64(&mut block, 24, self.next_record_id);
        put_u32(&mut block, 32, HEADER_SIZE_FIELD);
        block[36..38].copy_from_slice(&MINOR_VERSION.to_le_bytes());
        block[38..40].copy_from_slice(&MAJOR_VERSION.to_le_bytes());
        block[40..42].copy_from_slice(&(FILE_HEADER_SIZE as u16).to_le_bytes());
        block[42..44].copy_from_slice(&self.chunk_count.to_le_bytes());
        let flags = match self.state {
            State::Open => 0x1,
            State::Closed => 0x0,
        };
        put_u32(&mut block, FLAGS_AT, flags);
        let crc = crc32fast::hash(&block[..FLAGS_AT]);
        put_u32(&mut block, CRC_AT, crc);
        block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_matches_what_windows_writes_for_a_closed_log() {
        let block = FileHeader {
            chunk_count: 3,
            next_record_id: 250,
            state: State::Closed,
        }
        .to_bytes();
        let header = evtx::EvtxFileHeader::from_bytes(&block).unwrap();
        assert_eq!(
            header,
            evtx::EvtxFileHeader {
                first_chunk_number: 0,
                last_chunk_number: 2,
                next_record_id: 250,
                header_size: 128,
                minor_version: 1,
                major_version: 3,
                header_block_size: 4096,
                chunk_count: 3,
                flags: evtx::HeaderFlags::EMPTY,
                checksum: crc32fast::hash(&block[..120]),
                computed_checksum: crc32fast::hash(&block[..120]),
            }
        );
        assert!(header.validate_checksum());
        assert!(block[128..].iter().all(|&byte| byte == 0));
    }

    #[test]
    fn an_open_log_is_dirty() {
        let block = FileHeader {
            chunk_count: 0,
            next_record_id: 1,
            state: State::Open,
        }
        .to_bytes();
        let header = evtx::EvtxFileHeader::from_bytes(&block).unwrap();
        assert_eq!(header.flags, evtx::HeaderFlags::DIRTY);
        assert_eq!(header.last_chunk_number, 0);
        assert!(header.validate_checksum());
    }
}
