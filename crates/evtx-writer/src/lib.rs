//! Writes Windows XML Event Log (EVTX) files, so that rmmguard's evidence generator can make
//! realistic event logs whose ground truth is known.
//!
//! [`EvtxWriter`] takes [`Record`]s (one event each: the System fields and the EventData
//! items) and streams them to any `Write + Seek` sink, one 64 KiB chunk at a time.
//!
//! # Layout
//!
//! - **File header** (4 KiB block): magic `ElfFile\0`, first and last chunk number, next
//!   record ID, version 3.1, chunk count, flags, and a CRC32 of its first 120 bytes. It is
//!   written as "dirty" (being written) first and rewritten by [`EvtxWriter::finish`].
//! - **Chunks** (64 KiB each): a 512-byte header (magic `ElfChnk\0`, first and last record
//!   number and ID, offset of the last record, free space offset, CRC32 of the records, flags,
//!   CRC32 of the header, the 64-bucket string table and the template table, which is left
//!   empty), then records back to back, then zeros.
//! - **Records**: magic `**\0\0`, size, record ID, FILETIME, BinXML, zero padding to a
//!   multiple of 8 bytes, and a copy of the size.
//! - **BinXML**, as Windows writes it: each record instantiates a System template (Provider,
//!   EventID, …, Security) whose values are typed (UInt16 event ID, FILETIME, SID, …) and
//!   whose last value is an EventData fragment instantiating a second template, with one
//!   string value per `Data` element. A chunk holds each template's definition once, at its
//!   first use, and each element or attribute name once, in its string table; later records
//!   point to them.
//!
//! All offsets inside a chunk are relative to the chunk, so a record that does not fit in
//! the chunk's free space is encoded again at the start of a new chunk.
//!
//! # Example
//!
//! ```
//! use std::io::Cursor;
//! use rmmguard_evtx_writer::{EvtxWriter, Record};
//!
//! let data = [("ServiceName", "AnyDesk"), ("ImagePath", r"C:\ProgramData\AnyDesk.exe")];
//! let record = Record {
//!     provider: "Service Control Manager",
//!     event_id: 7045,
//!     qualifiers: Some(16384),
//!     timestamp: "2024-05-01T10:00:00Z".parse().unwrap(),
//!     channel: "System",
//!     computer: "WS-01",
//!     data: &data,
//!     ..Record::default()
//! };
//! let mut writer = EvtxWriter::new(Cursor::new(Vec::new())).unwrap();
//! assert_eq!(writer.write(&record).unwrap(), 1);
//! assert_eq!(writer.write(&record).unwrap(), 2);
//! let file = writer.finish().unwrap().into_inner();
//! assert_eq!(file.len(), 4096 + 65536);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod binxml;
mod chunk;
mod file_header;
mod record;
mod sid;

use std::io::{self, Seek, SeekFrom, Write};

use crate::binxml::EncodeError;
use crate::chunk::{CHUNK_SIZE, Chunk};
use crate::file_header::{FILE_HEADER_SIZE, FileHeader, State};

/// One event record to write.
///
/// `Record::default()` is an empty record at the Unix epoch; set what the event needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Record<'a> {
    /// `System/Provider/@Name`, e.g. `Microsoft-Windows-Sysmon`.
    pub provider: &'a str,
    /// `System/Provider/@Guid`, written as given, e.g. `{5770385f-c22a-43e0-bf4c-06f5698ffbd9}`.
    /// `None` leaves the attribute out.
    pub provider_guid: Option<&'a str>,
    /// `System/EventID`.
    pub event_id: u16,
    /// `System/EventID/@Qualifiers` (classic providers: System 7045 has 16384). `None` leaves
    /// the attribute out, and the event ID renders as a plain number.
    pub qualifiers: Option<u16>,
    /// `System/Version`.
    pub version: u8,
    /// `System/Level`.
    pub level: u8,
    /// `System/Task`.
    pub task: u16,
    /// `System/Opcode`.
    pub opcode: u8,
    /// `System/Keywords`, rendered in hex (`0x8000000000000000`).
    pub keywords: u64,
    /// `System/TimeCreated/@SystemTime` and the record header's FILETIME. FILETIMEs count
    /// 100 ns intervals, so finer digits are dropped.
    pub timestamp: jiff::Timestamp,
    /// `System/Execution/@ProcessID`.
    pub process_id: u32,
    /// `System/Execution/@ThreadID`.
    pub thread_id: u32,
    /// `System/Channel`, e.g. `Microsoft-Windows-Sysmon/Operational`, `Security`, `System`.
    pub channel: &'a str,
    /// `System/Computer`.
    pub computer: &'a str,
    /// `System/Security/@UserID` in text form (`S-1-5-18`). `None` gives `<Security/>`.
    pub user_sid: Option<&'a str>,
    /// The EventData items in order: `(name, value)` gives `<Data Name="name">value</Data>`,
    /// and an empty name gives an unnamed `<Data>value</Data>` (classic Application events).
    /// No items give an empty `<EventData/>`.
    ///
    /// Every value is stored as a string, where Windows stores some typed (Sysmon's
    /// `ProcessId` is a UInt32, `ProcessGuid` a GUID), so JSON renderers show `"7312"` where
    /// a real log shows `7312`. The `evtx` crate renders named items as
    /// `{"Name": "value", …}` (a repeated name gets `_1`, `_2`, … suffixes), unnamed ones as
    /// `{"Data": {"#text": "value"}}` or, for several, `{"Data": {"#text": ["v1", "v2"]}}`,
    /// and drops the unnamed items of a list that also has named ones.
    pub data: &'a [(&'a str, &'a str)],
}

/// Writes records to an EVTX file.
///
/// It holds one chunk (64 KiB) in memory, plus, while it encodes a record that will not
/// fit, at most about one more record's worth. The file header is written when the writer
/// is created, marked "dirty", and rewritten with the final counts by [`EvtxWriter::finish`],
/// which is why the sink must be seekable. A writer dropped without `finish` leaves a file
/// whose header counts no chunks and whose last chunk is missing.
#[derive(Debug)]
pub struct EvtxWriter<W: Write + Seek> {
    out: W,
    /// Where in `out` the file header starts.
    start: u64,
    chunk: Chunk,
    chunks_written: u16,
    next_record_id: u64,
}

impl<W: Write + Seek> EvtxWriter<W> {
    /// Starts an EVTX file at `out`'s current position by writing a provisional file header.
    ///
    /// # Errors
    ///
    /// Any error from `out`.
    pub fn new(mut out: W) -> io::Result<Self> {
        let start = out.stream_position()?;
        let header = FileHeader {
            chunk_count: 0,
            next_record_id: 1,
            state: State::Open,
        };
        out.write_all(&header.to_bytes())?;
        Ok(EvtxWriter {
            out,
            start,
            chunk: Chunk::default(),
            chunks_written: 0,
            next_record_id: 1,
        })
    }

    /// Adds a record and returns its EventRecordID: 1 for the first record, then 2, 3, …
    ///
    /// The record goes in the current chunk, or, when it does not fit there, in a new one
    /// after the current chunk has been written to the sink.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when the record cannot be stored: it is larger than a chunk holds
    /// (about 64 KiB of encoded record, and a value at most 32767 UTF-16 units), its
    /// timestamp is before 1601, its user SID is not a SID, or it has more than 65535 data
    /// items. The ID is not used then, and the writer goes on as before, except that a record
    /// too large for a chunk may have made it close the current chunk early.
    /// `FileTooLarge` when the file would need more than 65535 chunks.
    /// Any error from the sink.
    pub fn write(&mut self, record: &Record<'_>) -> io::Result<u64> {
        let id = self.next_record_id;
        match record::append(&mut self.chunk, record, id) {
            Ok(()) => {}
            Err(EncodeError::ChunkFull) if !self.chunk.is_empty() => {
                self.flush_chunk()?;
                record::append(&mut self.chunk, record, id)
                    .map_err(|error| record_error(error, id))?;
            }
            Err(error) => return Err(record_error(error, id)),
        }
        self.next_record_id += 1;
        Ok(id)
    }

    /// Writes the last chunk and the final file header, and returns the sink, positioned at
    /// the end of the file and flushed.
    ///
    /// # Errors
    ///
    /// Any error from the sink.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.chunk.is_empty() {
            self.flush_chunk()?;
        }
        let header = FileHeader {
            chunk_count: self.chunks_written,
            next_record_id: self.next_record_id,
            state: State::Closed,
        };
        self.out.seek(SeekFrom::Start(self.start))?;
        self.out.write_all(&header.to_bytes())?;
        let end = FILE_HEADER_SIZE as u64 + u64::from(self.chunks_written) * CHUNK_SIZE as u64;
        self.out.seek(SeekFrom::Start(self.start + end))?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// Writes the current chunk to the sink and starts an empty one.
    fn flush_chunk(&mut self) -> io::Result<()> {
        let Some(chunks_written) = self.chunks_written.checked_add(1) else {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "an EVTX file holds at most 65535 chunks (4 GiB)",
            ));
        };
        self.out.write_all(self.chunk.seal())?;
        self.chunk.reset();
        self.chunks_written = chunks_written;
        Ok(())
    }
}

/// The error for a record that cannot be stored.
fn record_error(error: EncodeError, id: u64) -> io::Error {
    let message = match error {
        EncodeError::ChunkFull => format!(
            "record {id} does not fit in an EVTX chunk: its encoding would take more than the \
             {} bytes a chunk has for records",
            CHUNK_SIZE - chunk::CHUNK_HEADER_SIZE
        ),
        EncodeError::Invalid(reason) => format!("record {id} cannot be written: {reason}"),
    };
    io::Error::new(io::ErrorKind::InvalidInput, message)
}
