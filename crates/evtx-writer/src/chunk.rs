//! One 64 KiB chunk being filled: its bytes, its string table and template cache, and the
//! 512-byte header (record range, offsets, CRC32s) that is filled in when the chunk is done.
//!
//! Every offset a chunk's BinXML holds (names, template definitions) is relative to the chunk's
//! start, which is why a chunk's records are encoded straight into its buffer, header space
//! included.

use std::collections::HashMap;

/// The size of a chunk in the file.
pub(crate) const CHUNK_SIZE: usize = 0x1_0000;
/// The size of the chunk header; records start right after it.
pub(crate) const CHUNK_HEADER_SIZE: usize = 512;

const MAGIC: &[u8; 8] = b"ElfChnk\0";
/// The header's own size field: the 128 bytes before the offset tables.
const HEADER_SIZE_FIELD: u32 = 128;
const STRING_BUCKETS: usize = 64;
const STRINGS_TABLE_AT: usize = 128;
/// The header's CRC32 covers bytes 0..120 and 128..512, which leaves out the flags and itself.
const FLAGS_AT: usize = 120;
const HEADER_CRC_AT: usize = 124;

/// A template definition written in the current chunk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TemplateRef {
    /// The chunk offset of the definition's header.
    pub(crate) offset: u32,
    /// The template identifier that instances repeat (the first 4 bytes of its GUID).
    pub(crate) id: u32,
}

/// The chunk being filled.
#[derive(Debug)]
pub(crate) struct Chunk {
    /// The chunk's bytes so far: the header space, then the records. It is longer than
    /// [`CHUNK_SIZE`] only while a record that does not fit is being encoded.
    pub(crate) buf: Vec<u8>,
    /// The ID of the first and last record committed, when there is one.
    records: Option<(u64, u64)>,
    last_record_offset: u32,
    /// The head of each string table bucket: the latest name written with that hash.
    string_heads: [u32; STRING_BUCKETS],
    /// Each name written in this chunk and its offset, so later references point to it.
    names: HashMap<String, u32>,
    /// Each template defined in this chunk, by the key [`Chunk::key`] held when it was defined.
    templates: HashMap<Vec<u8>, TemplateRef>,
    /// Scratch space for the key of the template being looked up.
    pub(crate) key: Vec<u8>,
}

/// What a chunk was before a record started, to undo the record with [`Chunk::rollback`].
#[derive(Debug)]
pub(crate) struct Mark {
    len: usize,
    string_heads: [u32; STRING_BUCKETS],
}

impl Default for Chunk {
    fn default() -> Self {
        let mut buf = Vec::with_capacity(CHUNK_SIZE);
        buf.resize(CHUNK_HEADER_SIZE, 0);
        Chunk {
            buf,
            records: None,
            last_record_offset: 0,
            string_heads: [0; STRING_BUCKETS],
            names: HashMap::new(),
            templates: HashMap::new(),
            key: Vec::new(),
        }
    }
}

impl Chunk {
    /// Whether no record has been committed to this chunk.
    pub(crate) fn is_empty(&self) -> bool {
        self.records.is_none()
    }

    /// The chunk offset the next byte written gets.
    ///
    /// Encoders stop a record as soon as the buffer passes [`CHUNK_SIZE`] by a bounded amount,
    /// so the offset always fits in a `u32`.
    pub(crate) fn offset(&self) -> u32 {
        debug_assert!(self.buf.len() <= u32::MAX as usize);
        self.buf.len() as u32
    }

    /// Remembers the chunk's state before a record is encoded.
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            len: self.buf.len(),
            string_heads: self.string_heads,
        }
    }

    /// Undoes everything written since `mark`: bytes, names and templates.
    pub(crate) fn rollback(&mut self, mark: Mark) {
        let len = mark.len;
        self.buf.truncate(len);
        self.string_heads = mark.string_heads;
        self.names.retain(|_, offset| (*offset as usize) < len);
        self.templates
            .retain(|_, template| (template.offset as usize) < len);
    }

    /// Records that the record with ID `id` now starts at `mark`'s offset and ends at the
    /// buffer's end.
    pub(crate) fn commit(&mut self, mark: &Mark, id: u64) {
        debug_assert!(self.buf.len() <= CHUNK_SIZE);
        self.last_record_offset = mark.len as u32;
        self.records = Some(match self.records {
            Some((first, _)) => (first, id),
            None => (id, id),
        });
    }

    /// The definition of the template whose key is in [`Chunk::key`], if this chunk has one.
    pub(crate) fn template(&self) -> Option<TemplateRef> {
        self.templates.get(self.key.as_slice()).copied()
    }

    /// Remembers a template definition under the key in [`Chunk::key`].
    pub(crate) fn add_template(&mut self, template: TemplateRef) {
        self.templates.insert(self.key.clone(), template);
    }

    /// The offset of the name `name` written earlier in this chunk.
    pub(crate) fn name(&self, name: &str) -> Option<u32> {
        self.names.get(name).copied()
    }

    /// Adds the name that starts at `offset` and hashes to `hash` to the string table, and
    /// returns the offset of the name it must link to (the bucket's previous head, or 0).
    pub(crate) fn add_name(&mut self, name: &str, offset: u32, hash: u16) -> u32 {
        self.names.insert(name.to_owned(), offset);
        let bucket = usize::from(hash) % STRING_BUCKETS;
        std::mem::replace(&mut self.string_heads[bucket], offset)
    }

    /// Fills in the header of a chunk that holds at least one record, pads the chunk to
    /// [`CHUNK_SIZE`] and returns its bytes. Call [`Chunk::reset`] before reusing the chunk.
    pub(crate) fn seal(&mut self) -> &[u8] {
        debug_assert!(self.buf.len() <= CHUNK_SIZE);
        let free_space_offset = self.buf.len();
        let (first, last) = self.records.unwrap_or((0, 0));
        let events_crc = crc32fast::hash(&self.buf[CHUNK_HEADER_SIZE..free_space_offset]);
        self.buf.resize(CHUNK_SIZE, 0);

        let header = &mut self.buf[..CHUNK_HEADER_SIZE];
        header.fill(0);
        header[0..8].copy_from_slice(MAGIC);
        // Record numbers and IDs are the same in a log that was never cleared.
        put_u64(header, 8, first);
        put_u64(header, 16, last);
        put_u64(header, 24, first);
        put_u64(header, 32, last);
        put_u32(header, 40, HEADER_SIZE_FIELD);
        put_u32(header, 44, self.last_record_offset);
        put_u32(header, 48, free_space_offset as u32);
        put_u32(header, 52, events_crc);
        put_u32(header, FLAGS_AT, 0);
        for (index, head) in self.string_heads.iter().enumerate() {
            put_u32(header, STRINGS_TABLE_AT + 4 * index, *head);
        }
        // The template table (bytes 384..512) stays zero: readers find templates by the
        // offsets that instances hold, and how Windows buckets them is not documented.
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&header[..FLAGS_AT]);
        hasher.update(&header[HEADER_SIZE_FIELD as usize..]);
        put_u32(header, HEADER_CRC_AT, hasher.finalize());
        &self.buf
    }

    /// Empties the chunk for the next records, keeping its allocations.
    pub(crate) fn reset(&mut self) {
        self.buf.clear();
        self.buf.resize(CHUNK_HEADER_SIZE, 0);
        self.records = None;
        self.last_record_offset = 0;
        self.string_heads = [0; STRING_BUCKETS];
        self.names.clear();
        self.templates.clear();
    }
}

/// Writes `value` little-endian at `at`.
pub(crate) fn put_u32(buf: &mut [u8], at: usize, value: u32) {
    buf[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// Writes `value` little-endian at `at`.
pub(crate) fn put_u64(buf: &mut [u8], at: usize, value: u64) {
    buf[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_u32(buf: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(buf[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn sealed_header_describes_the_records() {
        let mut chunk = Chunk::default();
        let first = chunk.mark();
        chunk.buf.extend_from_slice(&[1; 16]);
        chunk.commit(&first, 7);
        let second = chunk.mark();
        chunk.buf.extend_from_slice(&[2; 8]);
        chunk.commit(&second, 8);
        let name = chunk.offset();
        assert_eq!(chunk.add_name("Data", name, 64 + 3), 0);

        let bytes = chunk.seal().to_vec();
        assert_eq!(bytes.len(), CHUNK_SIZE);
        assert_eq!(&bytes[..8], MAGIC);
        let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        assert_eq!(
            [u64_at(8), u64_at(16), u64_at(24), u64_at(32)],
            [7, 8, 7, 8]
        );
        assert_eq!(read_u32(&bytes, 40), 128);
        assert_eq!(read_u32(&bytes, 44), 512 + 16);
        assert_eq!(read_u32(&bytes, 48), 512 + 24);
        assert_eq!(read_u32(&bytes, 52), crc32fast::hash(&bytes[512..536]));
        assert_eq!(read_u32(&bytes, 128 + 3 * 4), name);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&bytes[..120]);
        hasher.update(&bytes[128..512]);
        assert_eq!(read_u32(&bytes, 124), hasher.finalize());
        assert!(bytes[536..].iter().all(|&b| b == 0));
    }

    #[test]
    fn rollback_forgets_names_and_templates_written_after_the_mark() {
        let mut chunk = Chunk::default();
        let kept = chunk.offset();
        chunk.add_name("System", kept, 5);
        chunk.buf.extend_from_slice(&[0; 20]);
        let mark = chunk.mark();
        let dropped = chunk.offset();
        assert_eq!(chunk.add_name("Data", dropped, 5), kept);
        chunk.key.extend_from_slice(b"key");
        chunk.add_template(TemplateRef {
            offset: dropped,
            id: 1,
        });
        chunk.buf.extend_from_slice(&[0; 20]);

        chunk.rollback(mark);
        assert_eq!(chunk.buf.len(), CHUNK_HEADER_SIZE + 20);
        assert_eq!(chunk.name("System"), Some(kept));
        assert_eq!(chunk.name("Data"), None);
        assert!(chunk.template().is_none());
        assert_eq!(chunk.string_heads[5], kept);
    }
}
