//! Text records with bounded memory: the one line loop that every
//! line-based reader (Windows JSON lines, osquery logs, Zeek TSV and JSON,
//! Suricata EVE) reads through, whether from a range of a plain file or
//! from a whole stream (`.gz`, a pipe, converted UTF-16).
//!
//! The [`Scanner`] hands over [`Block`]s of whole lines and deals, in one
//! place and with one message each, with what damaged or hostile text holds:
//!
//! * a UTF-8 byte order mark at the start is passed over;
//! * a line longer than [`MAX_LINE`] is skipped without being buffered and
//!   reported with its true length (the same limit and message for every
//!   reader and for plain and compressed input);
//! * zero padding (a run of NUL bytes that starts a line, or one of at least
//!   [`MIN_PADDING`] bytes anywhere: a preallocated, sparse or damaged log)
//!   is skipped at memory speed, however long, and reported once with its
//!   offset and length; text after it on the same line is read as a record.
//!
//! A line belongs to the range its first byte is in, so ranges of a plain
//! file read every line once, and a range and the whole stream cut the
//! same lines the same way.

use std::io::{self, Read};
use std::path::Path;

use rmmguard_events::Location;

use crate::FileStats;

/// The longest line read; longer ones are skipped and reported.
pub(crate) const MAX_LINE: usize = 16 << 20;

/// The shortest NUL run inside a line that counts as padding (a shorter one
/// is left in the text for the record's parser to judge).
pub(crate) const MIN_PADDING: usize = 16;

/// The warning for a record read with invalid UTF-8 replaced.
pub(crate) const LOSSY: &str = "invalid UTF-8 replaced by U+FFFD; the record was read";

/// How much is read at a time.
const BLOCK: usize = 512 << 10;

const BOM: &[u8] = b"\xef\xbb\xbf";

/// How places in the input are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Places {
    /// Byte offsets only: a range of a file, whose line numbers are not
    /// known (the engine turns the offsets it reports into line numbers).
    Offsets,
    /// Line numbers and offsets, counted from the start of the stream.
    Lines,
}

/// Whole lines handed to a reader.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Block<'a> {
    /// Offset of the first byte.
    pub offset: u64,
    /// Number of the first line (1-based; 0 with [`Places::Offsets`]).
    pub line: u64,
    /// One or more lines, each ending in `\n` except a last one that ends
    /// the input or is cut by padding.
    pub bytes: &'a [u8],
    places: Places,
}

impl<'a> Block<'a> {
    /// How many lines the block holds.
    pub fn count(&self) -> u64 {
        let newlines = memchr::memchr_iter(b'\n', self.bytes).count() as u64;
        newlines + u64::from(self.bytes.last().is_some_and(|&b| b != b'\n'))
    }

    /// The place of the line at `offset` whose number is `line`.
    pub fn location(&self, line: u64, offset: u64) -> Location {
        match self.places {
            Places::Offsets => Location::Offset(offset),
            Places::Lines => Location::Line { line, offset },
        }
    }

    /// The line around byte `index` of the block: its place and its text
    /// without the line break, and the index just past it.
    pub fn line_at(&self, index: usize) -> (Location, &'a [u8], usize) {
        let bytes = self.bytes;
        let start = memchr::memrchr(b'\n', &bytes[..index]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let number = match self.places {
            Places::Offsets => 0,
            Places::Lines => self.line + memchr::memchr_iter(b'\n', &bytes[..start]).count() as u64,
        };
        let location = self.location(number, self.offset + start as u64);
        (location, trim_newline(&bytes[start..end]), end + 1)
    }

    /// Every line: its place and its text without the line break.
    pub fn lines(&self) -> impl Iterator<Item = (Location, &'a [u8])> + use<'a> {
        let block = *self;
        let mut cursor = 0;
        let mut number = block.line;
        std::iter::from_fn(move || {
            if cursor >= block.bytes.len() {
                return None;
            }
            let rest = &block.bytes[cursor..];
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
            let location = block.location(number, block.offset + cursor as u64);
            cursor += end;
            number += 1;
            Some((location, trim_newline(&rest[..end])))
        })
    }
}

/// A line without its `\n` or `\r\n`.
pub(crate) fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Parses a JSON record. A record that fails only because it is not valid
/// UTF-8 is parsed again with the bad bytes replaced by U+FFFD (counted as a
/// warning), so one stray byte does not cost the record.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    line: &[u8],
    stats: &mut FileStats,
    path: &Path,
    location: Location,
) -> Result<T, serde_json::Error> {
    let error = match serde_json::from_slice(line) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    if std::str::from_utf8(line).is_ok() {
        return Err(error);
    }
    let value = serde_json::from_str(&String::from_utf8_lossy(line))?;
    stats.warning(path, location, LOSSY.into());
    Ok(value)
}

/// Reads a whole stream line by line: `visit(stats, number, offset, text)`
/// for every line (text without its line break). Returns the bytes read.
pub(crate) fn for_each_line(
    reader: Box<dyn Read>,
    path: &Path,
    stats: &mut FileStats,
    mut visit: impl FnMut(&mut FileStats, u64, u64, &[u8]),
) -> io::Result<u64> {
    let scanner = Scanner::new(reader, path, Places::Lines, 0, u64::MAX);
    scanner.run(stats, &mut |stats, block| {
        for (location, text) in block.lines() {
            if let Location::Line { line, offset } = location {
                visit(stats, line, offset, text);
            }
        }
    })
}

/// Reads lines from `reader`, which is positioned at a line start.
pub(crate) struct Scanner<'p, R> {
    reader: R,
    path: &'p Path,
    places: Places,
    /// Bytes read and not yet handed over, from `pos`.
    buf: Vec<u8>,
    pos: usize,
    /// Offset of `buf[0]` in the input.
    base: u64,
    eof: bool,
    /// Number of the line at `pos`.
    line: u64,
    /// Lines that start at or after this offset are not read.
    end: u64,
    /// Padding not yet reported: its offset, end and line.
    padding: Option<(u64, u64, u64)>,
    /// A read error met after some bytes came in: those are read first.
    error: Option<io::Error>,
}

/// Where a line over the limit stopped.
enum Stop {
    /// At its line break (consumed).
    LineEnd,
    /// At a run of padding that follows it on the same line (at `pos`).
    Padding,
    /// At the end of the input.
    End,
}

impl<'p, R: Read> Scanner<'p, R> {
    /// A scanner over `reader`, whose first byte is at `offset` and starts a
    /// line; it stops before the first line that starts at or after `end`.
    pub fn new(reader: R, path: &'p Path, places: Places, offset: u64, end: u64) -> Self {
        Scanner {
            reader,
            path,
            places,
            buf: Vec::with_capacity(BLOCK),
            pos: 0,
            base: offset,
            eof: false,
            line: u64::from(places == Places::Lines),
            end,
            padding: None,
            error: None,
        }
    }

    /// Reads every line, handing blocks of whole lines to `visit` and
    /// reporting lines over the limit and padding into `stats`. Returns the
    /// offset where reading stopped.
    ///
    /// # Errors
    ///
    /// A read that failed; what was read before it has been handed over.
    pub fn run(
        mut self,
        stats: &mut FileStats,
        visit: &mut dyn FnMut(&mut FileStats, Block<'_>),
    ) -> io::Result<u64> {
        let result = self.lines(stats, visit);
        self.flush_padding(stats);
        match (result, self.error.take()) {
            (Ok(()), Some(error)) | (Err(error), _) => Err(error),
            (Ok(()), None) => Ok(self.offset()),
        }
    }

    fn lines(
        &mut self,
        stats: &mut FileStats,
        visit: &mut dyn FnMut(&mut FileStats, Block<'_>),
    ) -> io::Result<()> {
        if self.base == 0 {
            while self.buf.len() < BOM.len() && self.fill()? {}
            if self.buf.starts_with(BOM) {
                self.pos = BOM.len();
            }
        }
        loop {
            if self.pos == self.buf.len() && !self.fill()? {
                return Ok(());
            }
            if self.offset() >= self.end {
                return Ok(());
            }
            if !self.whole_lines(stats, visit) {
                self.one_line(stats, visit)?;
            }
        }
    }

    /// The offset of `pos`.
    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn index(&self, offset: u64) -> usize {
        usize::try_from(offset - self.base).unwrap_or(usize::MAX)
    }

    /// Reads more, keeping what is at and after `pos`; false at the end.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        let before = self.buf.len();
        let result = (&mut self.reader)
            .take(BLOCK as u64)
            .read_to_end(&mut self.buf);
        let read = self.buf.len() - before;
        match result {
            Ok(_) => self.eof = read == 0,
            // A damaged stream (a cut `.gz`): what came before the damage is
            // read, then the error is reported.
            Err(error) if read > 0 => {
                self.eof = true;
                self.error = Some(error);
            }
            Err(error) => return Err(error),
        }
        Ok(read > 0)
    }

    /// The fast path: hands over the whole lines at `pos` that hold no NUL
    /// and are within the limit, in one block. False when the first line
    /// needs the careful path.
    fn whole_lines(
        &mut self,
        stats: &mut FileStats,
        visit: &mut dyn FnMut(&mut FileStats, Block<'_>),
    ) -> bool {
        let start = self.pos;
        let rest = &self.buf[start..];
        let Some(last) = memchr::memrchr(b'\n', rest) else {
            return false;
        };
        let mut end = start + last + 1;
        // Lines that start at or after `self.end` belong to the next range.
        let limit = self.index(self.end);
        if end > limit {
            let from = limit.saturating_sub(1).max(start);
            end = memchr::memchr(b'\n', &self.buf[from..end]).map_or(end, |i| from + i + 1);
        }
        if let Some(zero) = memchr::memchr(0, &self.buf[start..end]) {
            end = memchr::memrchr(b'\n', &self.buf[start..start + zero])
                .map_or(start, |i| start + i + 1);
        }
        let first = memchr::memchr(b'\n', &self.buf[start..end]);
        if first.is_none_or(|len| len > MAX_LINE) {
            return false;
        }
        self.flush_padding(stats);
        let block = Block {
            offset: self.offset(),
            line: self.line,
            bytes: &self.buf[start..end],
            places: self.places,
        };
        if self.places == Places::Lines {
            self.line += memchr::memchr_iter(b'\n', block.bytes).count() as u64;
        }
        visit(stats, block);
        self.pos = end;
        true
    }

    /// The careful path: one line, which may hold NUL runs, be over the
    /// limit, or not be in the buffer yet.
    fn one_line(
        &mut self,
        stats: &mut FileStats,
        visit: &mut dyn FnMut(&mut FileStats, Block<'_>),
    ) -> io::Result<()> {
        let line_start = self.offset();
        // The text not yet handed over starts at `pos`; `scanned` is how far
        // it is known to hold no line break and no padding.
        let mut scanned = line_start;
        loop {
            let from = self.index(scanned);
            match memchr::memchr2(b'\n', 0, &self.buf[from..]) {
                Some(i) if self.buf[from + i] == b'\n' => {
                    let newline = from + i;
                    self.text(newline + 1, line_start, stats, visit);
                    self.pos = newline + 1;
                    if self.places == Places::Lines {
                        self.line += 1;
                    }
                    return Ok(());
                }
                Some(i) => {
                    let zero = from + i;
                    let run_end = zero + first_nonzero(&self.buf[zero..]);
                    let at_line_start = self.base + zero as u64 == line_start;
                    let decided = run_end < self.buf.len() || self.eof;
                    if !at_line_start && run_end - zero < MIN_PADDING && !decided {
                        // Too few bytes yet to tell padding from a stray NUL.
                        scanned = self.base + zero as u64;
                        if !self.fill()? {
                            continue;
                        }
                        continue;
                    }
                    if at_line_start || run_end - zero >= MIN_PADDING {
                        self.text(zero, line_start, stats, visit);
                        self.pos = zero;
                        self.skip_padding(stats)?;
                        if self.pos == self.buf.len() && !self.fill()? {
                            return Ok(());
                        }
                        scanned = self.offset();
                        continue;
                    }
                    scanned = self.base + run_end as u64;
                }
                None if self.eof => {
                    let end = self.buf.len();
                    // A line cut by a read error is part of the damage the
                    // error reports, not a record.
                    if self.error.is_none() {
                        self.text(end, line_start, stats, visit);
                    }
                    self.pos = end;
                    return Ok(());
                }
                None => {
                    scanned = self.base + self.buf.len() as u64;
                    if self.buf.len() - self.pos > MAX_LINE {
                        match self.too_long(scanned, stats)? {
                            Stop::LineEnd | Stop::End => return Ok(()),
                            Stop::Padding => {
                                self.skip_padding(stats)?;
                                if self.pos == self.buf.len() && !self.fill()? {
                                    return Ok(());
                                }
                                scanned = self.offset();
                                continue;
                            }
                        }
                    }
                    self.fill()?;
                }
            }
        }
    }

    /// Hands over the text from `pos` to `end` (an index; a line break
    /// before it is part of the text), or reports it when over the limit.
    fn text(
        &mut self,
        end: usize,
        line_start: u64,
        stats: &mut FileStats,
        visit: &mut dyn FnMut(&mut FileStats, Block<'_>),
    ) {
        let offset = self.offset();
        let len = end - self.pos;
        let text_len = trim_newline(&self.buf[self.pos..end]).len();
        if text_len == 0 && (offset != line_start || len == 0) {
            // Nothing left after padding but the line break: part of it.
            if let Some((_, padding_end, _)) = self.padding.as_mut()
                && *padding_end == offset
            {
                *padding_end += len as u64;
            }
            return;
        }
        if text_len > MAX_LINE {
            self.report_too_long(offset, text_len as u64, stats);
            return;
        }
        self.flush_padding(stats);
        visit(
            stats,
            Block {
                offset,
                line: self.line,
                bytes: &self.buf[self.pos..end],
                places: self.places,
            },
        );
    }

    /// Skips a line over the limit whose text starts at `pos` and is known
    /// to hold no line break or padding before `scanned`, without keeping it.
    fn too_long(&mut self, mut scanned: u64, stats: &mut FileStats) -> io::Result<Stop> {
        let start = self.offset();
        loop {
            let from = self.index(scanned);
            match memchr::memchr2(b'\n', 0, &self.buf[from..]) {
                Some(i) if self.buf[from + i] == b'\n' => {
                    let newline = self.base + (from + i) as u64;
                    let end = if i > 0 && self.buf[from + i - 1] == b'\r' {
                        newline - 1
                    } else {
                        newline
                    };
                    self.report_too_long(start, end - start, stats);
                    self.pos = from + i + 1;
                    if self.places == Places::Lines {
                        self.line += 1;
                    }
                    return Ok(Stop::LineEnd);
                }
                Some(i) => {
                    let zero = from + i;
                    let run_end = zero + first_nonzero(&self.buf[zero..]);
                    if run_end - zero >= MIN_PADDING {
                        self.report_too_long(start, self.base + zero as u64 - start, stats);
                        self.pos = zero;
                        return Ok(Stop::Padding);
                    }
                    if run_end == self.buf.len() && !self.eof {
                        // Keep the run's start to tell whether it is padding.
                        self.pos = zero;
                        scanned = self.base + zero as u64;
                        self.fill()?;
                        continue;
                    }
                    scanned = self.base + run_end as u64;
                }
                None => {
                    self.pos = self.buf.len();
                    if !self.fill()? {
                        self.report_too_long(start, self.offset() - start, stats);
                        return Ok(Stop::End);
                    }
                    scanned = self.offset();
                }
            }
        }
    }

    fn report_too_long(&mut self, offset: u64, len: u64, stats: &mut FileStats) {
        self.flush_padding(stats);
        stats.records += 1;
        let location = self.location(self.line, offset);
        stats.error(
            self.path,
            location,
            format!("record skipped: line of {len} bytes is over the limit of {MAX_LINE} bytes"),
        );
    }

    /// Skips the NUL run at `pos`, however long, and notes it as padding.
    fn skip_padding(&mut self, stats: &mut FileStats) -> io::Result<()> {
        let start = self.offset();
        loop {
            let run = first_nonzero(&self.buf[self.pos..]);
            self.pos += run;
            if self.pos < self.buf.len() || !self.fill()? {
                break;
            }
        }
        let end = self.offset();
        match self.padding.as_mut() {
            Some((_, padding_end, _)) if *padding_end == start => *padding_end = end,
            _ => {
                self.flush_padding(stats);
                self.padding = Some((start, end, self.line));
            }
        }
        Ok(())
    }

    fn flush_padding(&mut self, stats: &mut FileStats) {
        if let Some((start, end, line)) = self.padding.take() {
            let location = self.location(line, start);
            stats.warning(
                self.path,
                location,
                format!(
                    "{} bytes of NUL padding skipped (a preallocated, sparse or damaged file)",
                    end - start
                ),
            );
        }
    }

    fn location(&self, line: u64, offset: u64) -> Location {
        match self.places {
            Places::Offsets => Location::Offset(offset),
            Places::Lines => Location::Line { line, offset },
        }
    }
}

/// The index of the first byte that is not NUL (the length when all are).
/// Whole pages are compared with a page of zeros (`memcmp`, vectorized),
/// so runs of gigabytes take a fraction of a second.
fn first_nonzero(bytes: &[u8]) -> usize {
    const PAGE: usize = 4096;
    static ZEROS: [u8; PAGE] = [0; PAGE];
    let mut skipped = 0;
    for page in bytes.chunks_exact(PAGE) {
        if page != ZEROS {
            break;
        }
        skipped += PAGE;
    }
    let rest = &bytes[skipped..];
    skipped + rest.iter().position(|&b| b != 0).unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` through a reader that returns at most `step` bytes a
    /// call, and renders what the scanner gave: lines and diagnostics.
    fn scan(input: &[u8], step: usize) -> Vec<String> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut stats = FileStats::default();
        let mut out = Vec::new();
        let scanner = Scanner::new(
            Trickle(input, step),
            Path::new("f"),
            Places::Lines,
            0,
            u64::MAX,
        );
        let end = scanner
            .run(&mut stats, &mut |_, block| {
                for (location, text) in block.lines() {
                    out.push(format!("{location} {}", String::from_utf8_lossy(text)));
                }
            })
            .unwrap();
        assert_eq!(end, input.len() as u64);
        for diagnostic in stats.diagnostics {
            out.push(format!(
                "{} {}",
                diagnostic.source.location, diagnostic.message
            ));
        }
        out
    }

    fn check(input: &[u8], expected: &[&str]) {
        for step in [1, 3, 7, 64, 1 << 20] {
            assert_eq!(scan(input, step), expected, "read {step} bytes at a time");
        }
    }

    #[test]
    fn numbers_offsets_and_last_line() {
        check(
            b"a\r\nbb\n\nccc",
            &[
                "line 1 (byte 0) a",
                "line 2 (byte 3) bb",
                "line 3 (byte 6) ",
                "line 4 (byte 7) ccc",
            ],
        );
        check(b"", &[]);
        check(b"\xef\xbb\xbf{}\n", &["line 1 (byte 3) {}"]);
    }

    #[test]
    fn padding_is_skipped_once_and_a_stray_nul_is_left_to_the_parser() {
        let mut input = b"{a}\n".to_vec();
        input.extend([0u8; 100]);
        input.extend(b"{b}\n\0\0\0\n\0\0\n{c}\0\0\x01\n{d}");
        input.extend([0u8; 16]);
        input.extend(b"{e}\n");
        check(
            &input,
            &[
                "line 1 (byte 0) {a}",
                "line 2 (byte 104) {b}",
                "line 5 (byte 115) {c}\0\0\u{1}",
                "line 6 (byte 122) {d}",
                "line 6 (byte 141) {e}",
                "line 2 (byte 4) 100 bytes of NUL padding skipped (a preallocated, sparse or damaged file)",
                "line 3 (byte 108) 7 bytes of NUL padding skipped (a preallocated, sparse or damaged file)",
                "line 6 (byte 125) 16 bytes of NUL padding skipped (a preallocated, sparse or damaged file)",
            ],
        );
    }

    #[test]
    fn first_nonzero_finds_the_end_of_a_run() {
        for len in [0, 1, 63, 4095, 4096, 4097, 10_000] {
            let mut bytes = vec![0u8; len];
            assert_eq!(first_nonzero(&bytes), len);
            bytes.push(b'x');
            bytes.extend([0u8; 70]);
            assert_eq!(first_nonzero(&bytes), len);
        }
    }
}
