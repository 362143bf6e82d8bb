//! Text encodings: UTF-16 text (what PowerShell 5's `>` writes) is told by
//! its byte order mark and converted to UTF-8 as it streams, so every text
//! reader sees UTF-8 whatever the file was written in.

use std::io::{self, Read};

/// The encoding of an input's text (after decompression).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Encoding {
    /// UTF-8 (or ASCII), and every binary format.
    #[default]
    Utf8,
    /// UTF-16, little-endian, marked by `FF FE`.
    Utf16Le,
    /// UTF-16, big-endian, marked by `FE FF`.
    Utf16Be,
}

impl Encoding {
    /// The encoding announced by the byte order mark `head` starts with.
    pub fn of(head: &[u8]) -> Encoding {
        match head {
            [0xff, 0xfe, ..] => Encoding::Utf16Le,
            [0xfe, 0xff, ..] => Encoding::Utf16Be,
            _ => Encoding::Utf8,
        }
    }

    /// Short name for summaries.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }

    /// `reader` converted to UTF-8 (the byte order mark dropped).
    pub(crate) fn decode<'r>(self, reader: Box<dyn Read + 'r>) -> Box<dyn Read + 'r> {
        match self {
            Encoding::Utf8 => reader,
            Encoding::Utf16Le => Box::new(Utf16Reader::new(reader, false)),
            Encoding::Utf16Be => Box::new(Utf16Reader::new(reader, true)),
        }
    }
}

/// How much UTF-16 is read at a time.
const CHUNK: usize = 64 << 10;

/// Converts a UTF-16 stream to UTF-8 with bounded memory. An unpaired
/// surrogate or a lone last byte becomes U+FFFD.
struct Utf16Reader<R> {
    inner: R,
    big_endian: bool,
    raw: Vec<u8>,
    /// Converted text not yet handed out, from `out_pos`.
    out: Vec<u8>,
    out_pos: usize,
    started: bool,
    eof: bool,
    /// A read error met after some bytes came in: those are converted first.
    error: Option<io::Error>,
}

impl<R: Read> Utf16Reader<R> {
    fn new(inner: R, big_endian: bool) -> Self {
        Utf16Reader {
            inner,
            big_endian,
            raw: Vec::with_capacity(CHUNK),
            out: Vec::with_capacity(CHUNK * 2),
            out_pos: 0,
            started: false,
            eof: false,
            error: None,
        }
    }

    /// Converts the next chunk into `out`; false at the end.
    fn convert(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.out_pos = 0;
        while self.out.is_empty() {
            if self.eof {
                return Ok(false);
            }
            let want = CHUNK.saturating_sub(self.raw.len()) as u64;
            let before = self.raw.len();
            let result = (&mut self.inner).take(want).read_to_end(&mut self.raw);
            let read = self.raw.len() - before;
            match result {
                Ok(_) => self.eof = read == 0,
                Err(error) if read > 0 => {
                    self.eof = true;
                    self.error = Some(error);
                }
                Err(error) => return Err(error),
            }
            // Keep an odd byte, and a high surrogate that may pair with the
            // next chunk's first unit, for the next round.
            let mut usable = self.raw.len() & !1;
            if !self.eof && usable >= 2 {
                let last = unit(&self.raw[usable - 2..usable], self.big_endian);
                if (0xd800..0xdc00).contains(&last) {
                    usable -= 2;
                }
            }
            let big_endian = self.big_endian;
            let units = self.raw[..usable]
                .chunks_exact(2)
                .map(|pair| unit(pair, big_endian));
            for decoded in char::decode_utf16(units) {
                let c = decoded.unwrap_or(char::REPLACEMENT_CHARACTER);
                if !self.started {
                    self.started = true;
                    if c == '\u{feff}' {
                        continue;
                    }
                }
                let mut utf8 = [0u8; 4];
                self.out
                    .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
            self.raw.drain(..usable);
            if self.eof && !self.raw.is_empty() {
                self.raw.clear();
                self.out.extend_from_slice("\u{fffd}".as_bytes());
            }
        }
        Ok(true)
    }
}

/// One UTF-16 code unit from two bytes.
fn unit(pair: &[u8], big_endian: bool) -> u16 {
    let bytes = [pair[0], pair[1]];
    if big_endian {
        u16::from_be_bytes(bytes)
    } else {
        u16::from_le_bytes(bytes)
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.out.len() && !self.convert()? {
            return match self.error.take() {
                Some(error) => Err(error),
                None => Ok(0),
            };
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(encoding: Encoding, bytes: Vec<u8>) -> String {
        let mut text = String::new();
        encoding
            .decode(Box::new(io::Cursor::new(bytes)))
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn utf16_both_ways_across_chunks() {
        let text: String = "Ünïcode 𝄞 AnyDesk\r\n".repeat(10_000);
        let mut le = vec![0xff, 0xfe];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(Encoding::of(&le), Encoding::Utf16Le);
        assert_eq!(decode(Encoding::Utf16Le, le), text);
        let mut be = vec![0xfe, 0xff];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(Encoding::of(&be), Encoding::Utf16Be);
        assert_eq!(decode(Encoding::Utf16Be, be), text);
    }

    #[test]
    fn broken_utf16_is_replaced_not_fatal() {
        // A lone high surrogate, then a lone last byte.
        let bytes = vec![0xff, 0xfe, b'a', 0, 0x00, 0xd8, b'b', 0, b'c'];
        assert_eq!(decode(Encoding::Utf16Le, bytes), "a\u{fffd}b\u{fffd}");
        assert_eq!(Encoding::of(b"{\"a\":1}"), Encoding::Utf8);
    }
}
