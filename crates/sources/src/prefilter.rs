//! The prefilter: one Aho-Corasick automaton over the detector's needles,
//! ASCII case-insensitive. Sources run it over raw bytes (an EVTX chunk, a
//! block of JSON lines) and parse only what it hits.
//!
//! It is sound because every matcher the detector uses has one of these
//! needles as a substring (see `rmmguard_detect::needles`); it is fast
//! because most evidence mentions no RMM tool at all.
//!
//! EVTX stores text as UTF-16LE. Rather than search for every needle twice
//! (which doubles the automaton and halves its speed), a chunk is first
//! *squeezed*: its zero bytes are dropped, which turns UTF-16LE ASCII into
//! plain ASCII and leaves UTF-8 text as it was. Squeezing can only join
//! bytes that were apart, never part ones that were together, so a needle
//! present before is present after. Needles with non-ASCII characters also
//! get their squeezed UTF-16LE form as a pattern.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::{Error, ErrorKind};

/// A compiled needle set. Build once per run and share.
#[derive(Debug, Clone)]
pub struct Prefilter {
    automaton: AhoCorasick,
    needles: usize,
}

impl Prefilter {
    /// Compiles lower-case needles.
    ///
    /// # Errors
    ///
    /// Fails only if the automaton cannot be built (too many needles).
    pub fn new(needles: &[String]) -> Result<Prefilter, Error> {
        let mut patterns: Vec<Vec<u8>> = needles.iter().map(|n| n.as_bytes().to_vec()).collect();
        for needle in needles.iter().filter(|n| !n.is_ascii()) {
            let utf16: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let mut squeezed = Vec::new();
            squeeze(&utf16, &mut squeezed);
            patterns.push(squeezed);
        }
        let builder = |kind| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .kind(kind)
                .build(&patterns)
        };
        // A full DFA scans fastest; a set too large for one falls back to the
        // automatic choice rather than failing.
        let automaton = builder(Some(AhoCorasickKind::DFA))
            .or_else(|_| builder(None))
            .map_err(|e| Error::new(ErrorKind::Prefilter(e.to_string())))?;
        Ok(Prefilter {
            automaton,
            needles: needles.len(),
        })
    }

    /// How many needles it searches for.
    pub fn len(&self) -> usize {
        self.needles
    }

    /// Whether it has no needles (and so never hits).
    pub fn is_empty(&self) -> bool {
        self.needles == 0
    }

    /// Whether UTF-8 text contains a needle.
    pub fn hits_utf8(&self, bytes: &[u8]) -> bool {
        self.automaton.is_match(bytes)
    }

    /// The first needle position at or after `from` in UTF-8 text.
    pub fn find_utf8(&self, bytes: &[u8], from: usize) -> Option<usize> {
        self.automaton
            .find(bytes.get(from..)?)
            .map(|m| from + m.start())
    }

    /// Whether bytes holding UTF-16LE or UTF-8 text (an EVTX chunk) contain a
    /// needle; `scratch` is reused across calls to hold the squeezed bytes.
    pub fn hits_binary(&self, bytes: &[u8], scratch: &mut Vec<u8>) -> bool {
        squeeze(bytes, scratch);
        self.automaton.is_match(scratch.as_slice())
    }
}

/// Copies `src` into `dst` without its zero bytes.
fn squeeze(src: &[u8], dst: &mut Vec<u8>) {
    dst.clear();
    dst.reserve(src.len());
    dst.extend(src.iter().copied().filter(|&b| b != 0));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn matches_both_encodings_case_insensitively() {
        let prefilter = Prefilter::new(&["anydesk.exe".into(), "relay.example".into()]).unwrap();
        let mut scratch = Vec::new();
        assert!(prefilter.hits_utf8(b"C:\\Users\\x\\AnyDesk.EXE"));
        assert!(!prefilter.hits_utf8(b"notepad.exe"));
        assert!(prefilter.hits_binary(&utf16("C:\\AnyDesk.exe"), &mut scratch));
        assert!(prefilter.hits_binary(b"\x00\x01relay.example", &mut scratch));
        assert!(!prefilter.hits_binary(&utf16("C:\\notepad.exe"), &mut scratch));
        assert!(!prefilter.hits_utf8(&utf16("C:\\AnyDesk.exe")));
        assert_eq!(prefilter.find_utf8(b"xx relay.example yy", 1), Some(3));
        assert_eq!(prefilter.find_utf8(b"xx", 5), None);
        assert_eq!(prefilter.len(), 2);
    }

    #[test]
    fn non_ascii_needles_match_in_utf16() {
        let prefilter = Prefilter::new(&["splashtop® remote".into()]).unwrap();
        let mut scratch = Vec::new();
        assert!(prefilter.hits_binary(&utf16("Splashtop® Remote Service"), &mut scratch));
        assert!(prefilter.hits_binary("Splashtop® Remote Service".as_bytes(), &mut scratch));
    }
}
