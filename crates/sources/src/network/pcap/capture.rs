//! Framing of capture files: the legacy pcap record format and pcapng
//! blocks (via `pcap-parser`), read one record at a time from a stream with
//! bounded memory, each packet with its byte offset, time and link type.
//!
//! A record whose length field is absurd (over [`MAX_RECORD`]) or cut short
//! ends the file with one explained error: there is no reliable way to find
//! the next record boundary in a corrupted capture.

use std::io::{self, Read};

use pcap_parser::pcapng::{Block, parse_block_be, parse_block_le};

/// The largest record accepted (pcap snap lengths are at most 256 KiB).
pub(crate) const MAX_RECORD: usize = 1 << 20;

/// Link types rmmguard decodes (the rest are counted and skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    /// DLT_EN10MB.
    Ethernet,
    /// DLT_LINUX_SLL (cooked v1).
    LinuxSll,
    /// DLT_LINUX_SLL2 (cooked v2).
    LinuxSll2,
    /// Raw IPv4 or IPv6 (DLT_RAW and friends).
    RawIp,
    /// BSD loopback (DLT_NULL, DLT_LOOP): a 4-byte address family first.
    Null,
    /// Anything else, by its number.
    Other(u32),
}

impl Link {
    fn from_number(number: u32) -> Link {
        match number {
            1 => Link::Ethernet,
            113 => Link::LinuxSll,
            276 => Link::LinuxSll2,
            12 | 14 | 101 | 228 | 229 => Link::RawIp,
            0 | 108 => Link::Null,
            other => Link::Other(other),
        }
    }
}

/// One captured packet.
#[derive(Debug)]
pub(crate) struct Packet<'a> {
    /// Byte offset of its record in the (uncompressed) file.
    pub offset: u64,
    /// Capture time, in nanoseconds since the Unix epoch.
    pub nanos: i128,
    /// Its link layer.
    pub link: Link,
    /// The captured bytes.
    pub data: &'a [u8],
    /// Whether the packet was longer on the wire than what was captured
    /// (cut by the capture's snap length: ordinary, not damage).
    pub cut: bool,
}

/// What reading the next record gave.
pub(crate) enum Next<'a> {
    /// A packet.
    Packet(Packet<'a>),
    /// A record that is not a packet (an interface description, statistics).
    Other,
    /// A record that could not be used; reading goes on.
    Bad { offset: u64, message: String },
    /// The end of the file.
    End,
    /// Damage that ends the file: what is left cannot be framed.
    Fatal { offset: u64, message: String },
}

/// A capture file read record by record.
pub(crate) struct Capture<'r> {
    reader: Box<dyn Read + 'r>,
    kind: Kind,
    offset: u64,
    buffer: Vec<u8>,
}

enum Kind {
    Legacy {
        big_endian: bool,
        nanos: bool,
        link: Link,
    },
    Ng(NgState),
}

#[derive(Default)]
struct NgState {
    big_endian: bool,
    /// Per interface: link type, ticks per second, and time offset in seconds.
    interfaces: Vec<(Link, u64, i64)>,
}

impl<'r> Capture<'r> {
    /// Reads the file header and returns a capture positioned at the first record.
    ///
    /// # Errors
    ///
    /// A header that is neither pcap nor pcapng, or an IO error.
    pub fn open(mut reader: Box<dyn Read + 'r>) -> Result<Capture<'r>, String> {
        let mut magic = [0u8; 4];
        let filled = read_full(&mut reader, &mut magic)
            .map_err(|e| format!("cannot read the capture: {e}"))?;
        if filled < magic.len() {
            return Err("the capture header is cut short".into());
        }
        if magic == [0x0a, 0x0d, 0x0d, 0x0a] {
            // Give the section header block its first bytes back.
            let reader: Box<dyn Read + 'r> = Box::new(io::Cursor::new(magic).chain(reader));
            return Ok(Capture {
                reader,
                kind: Kind::Ng(NgState::default()),
                offset: 0,
                buffer: Vec::with_capacity(64 << 10),
            });
        }
        let (big_endian, nanos) = match magic {
            [0xd4, 0xc3, 0xb2, 0xa1] => (false, false),
            [0xa1, 0xb2, 0xc3, 0xd4] => (true, false),
            [0x4d, 0x3c, 0xb2, 0xa1] => (false, true),
            [0xa1, 0xb2, 0x3c, 0x4d] => (true, true),
            _ => return Err("not a pcap or pcapng capture".into()),
        };
        let mut rest = [0u8; 20];
        if read_full(&mut reader, &mut rest).map_err(|e| e.to_string())? < rest.len() {
            return Err("the pcap file header is cut short".into());
        }
        let link = Link::from_number(u32_at(&rest, 16, big_endian) & 0x0fff_ffff);
        Ok(Capture {
            reader,
            kind: Kind::Legacy {
                big_endian,
                nanos,
                link,
            },
            offset: 24,
            buffer: Vec::with_capacity(64 << 10),
        })
    }

    /// Reads the next record.
    pub fn next(&mut self) -> Next<'_> {
        match self.kind {
            Kind::Legacy {
                big_endian,
                nanos,
                link,
            } => self.next_legacy(big_endian, nanos, link),
            Kind::Ng(_) => self.next_ng(),
        }
    }

    fn next_legacy(&mut self, big_endian: bool, nanos: bool, link: Link) -> Next<'_> {
        let offset = self.offset;
        let mut header = [0u8; 16];
        match read_full(&mut self.reader, &mut header) {
            Ok(0) => return Next::End,
            Ok(16) => {}
            Ok(_) => return cut_short(offset, "packet record header"),
            Err(error) => return fatal_io(offset, &error),
        }
        let seconds = i128::from(u32_at(&header, 0, big_endian));
        let fraction = i128::from(u32_at(&header, 4, big_endian));
        let captured = u32_at(&header, 8, big_endian) as usize;
        let on_wire = u32_at(&header, 12, big_endian) as usize;
        if captured > MAX_RECORD {
            return Next::Fatal {
                offset,
                message: format!(
                    "packet record of {captured} bytes is over the {MAX_RECORD}-byte limit: the file is damaged here"
                ),
            };
        }
        self.buffer.resize(captured, 0);
        match read_full(&mut self.reader, &mut self.buffer) {
            Ok(n) if n == captured => {}
            Ok(_) => return cut_short(offset, "packet"),
            Err(error) => return fatal_io(offset, &error),
        }
        self.offset += 16 + captured as u64;
        let sub_second = if nanos { fraction } else { fraction * 1000 };
        Next::Packet(Packet {
            offset,
            nanos: seconds * 1_000_000_000 + sub_second,
            link,
            data: &self.buffer,
            cut: on_wire > captured,
        })
    }

    fn next_ng(&mut self) -> Next<'_> {
        let offset = self.offset;
        let mut head = [0u8; 12];
        match read_full(&mut self.reader, &mut head) {
            Ok(0) => return Next::End,
            Ok(12) => {}
            Ok(_) => return cut_short(offset, "pcapng block"),
            Err(error) => return fatal_io(offset, &error),
        }
        let Kind::Ng(state) = &mut self.kind else {
            return Next::End;
        };
        let is_section = head[..4] == [0x0a, 0x0d, 0x0d, 0x0a];
        if is_section {
            // The byte-order magic decides how this and every later block is read.
            state.big_endian = head[8..12] == [0x1a, 0x2b, 0x3c, 0x4d];
            state.interfaces.clear();
        }
        let length = u32_at(&head, 4, state.big_endian) as usize;
        if !(12..=MAX_RECORD).contains(&length) || !length.is_multiple_of(4) {
            return Next::Fatal {
                offset,
                message: format!(
                    "pcapng block length {length} is invalid: the file is damaged here"
                ),
            };
        }
        self.buffer.clear();
        self.buffer.extend_from_slice(&head);
        self.buffer.resize(length, 0);
        match read_full(&mut self.reader, &mut self.buffer[12..]) {
            Ok(n) if n == length - 12 => {}
            Ok(_) => return cut_short(offset, "pcapng block"),
            Err(error) => return fatal_io(offset, &error),
        }
        self.offset += length as u64;
        self.ng_block(offset)
    }

    fn ng_block(&mut self, offset: u64) -> Next<'_> {
        let Kind::Ng(state) = &mut self.kind else {
            return Next::End;
        };
        let parsed = if state.big_endian {
            parse_block_be(&self.buffer)
        } else {
            parse_block_le(&self.buffer)
        };
        let block = match parsed {
            Ok((_, block)) => block,
            Err(error) => {
                return Next::Bad {
                    offset,
                    message: format!("pcapng block skipped: {error:?}"),
                };
            }
        };
        match block {
            Block::InterfaceDescription(idb) => {
                let ticks = idb.ts_resolution().unwrap_or(1_000_000);
                let link = Link::from_number(u32::try_from(idb.linktype.0).unwrap_or(u32::MAX));
                state.interfaces.push((link, ticks, idb.ts_offset()));
                Next::Other
            }
            Block::EnhancedPacket(epb) => {
                let Some(&(link, ticks, seconds)) = state.interfaces.get(epb.if_id as usize) else {
                    return Next::Bad {
                        offset,
                        message: format!(
                            "packet skipped: interface {} is not described",
                            epb.if_id
                        ),
                    };
                };
                let raw = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                let nanos = ticks_to_nanos(raw, ticks) + i128::from(seconds) * 1_000_000_000;
                let caplen = (epb.caplen as usize).min(epb.data.len());
                Next::Packet(Packet {
                    offset,
                    nanos,
                    link,
                    data: &epb.data[..caplen],
                    cut: epb.origlen as usize > caplen,
                })
            }
            Block::SimplePacket(spb) => {
                let Some(&(link, _, _)) = state.interfaces.first() else {
                    return Next::Bad {
                        offset,
                        message: "packet skipped: no interface is described".into(),
                    };
                };
                Next::Packet(Packet {
                    offset,
                    nanos: 0,
                    link,
                    data: spb.data,
                    cut: spb.origlen as usize > spb.data.len(),
                })
            }
            _ => Next::Other,
        }
    }
}

fn cut_short(offset: u64, what: &str) -> Next<'static> {
    Next::Fatal {
        offset,
        message: format!("the last {what} is cut short"),
    }
}

/// Raw pcapng ticks to nanoseconds.
fn ticks_to_nanos(raw: u64, ticks_per_second: u64) -> i128 {
    let ticks = i128::from(ticks_per_second.max(1));
    let raw = i128::from(raw);
    (raw / ticks) * 1_000_000_000 + (raw % ticks) * 1_000_000_000 / ticks
}

fn fatal_io(offset: u64, error: &io::Error) -> Next<'static> {
    Next::Fatal {
        offset,
        message: format!("cannot read the rest of the capture: {error}"),
    }
}

fn u32_at(bytes: &[u8], at: usize, big_endian: bool) -> u32 {
    let mut word = [0u8; 4];
    if let Some(slice) = bytes.get(at..at + 4) {
        word.copy_from_slice(slice);
    }
    if big_endian {
        u32::from_be_bytes(word)
    } else {
        u32::from_le_bytes(word)
    }
}

/// Fills as much of `buffer` as the stream has; returns how much that was.
fn read_full(reader: &mut dyn Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
