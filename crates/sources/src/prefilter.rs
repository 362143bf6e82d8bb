//! The prefilter: one Aho-Corasick automaton over the detector's needles,
//! in UTF-8 and UTF-16LE, ASCII case-insensitive. Sources run it over raw
//! bytes (an EVTX chunk, a block of JSON lines) and parse only what it hits.
//!
//! It is sound because every matcher the detector uses has one of these
//! needles as a substring (see `rmmguard_detect::needles`); it is fast
//! because most evidence mentions no RMM tool at all.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::{Error, ErrorKind};

/// A compiled needle set. Build once per run and share.
#[derive(Debug, Clone)]
pub struct Prefilter {
    utf8: AhoCorasick,
    both: AhoCorasick,
    needles: usize,
}

impl Prefilter {
    /// Compiles lower-case ASCII-or-UTF-8 needles.
    ///
    /// # Errors
    ///
    /// Fails only if the automaton cannot be built (too many needles).
    pub fn new(needles: &[String]) -> Result<Prefilter, Error> {
        let utf16: Vec<Vec<u8>> = needles
            .iter()
            .map(|n| n.encode_utf16().flat_map(u16::to_le_bytes).collect())
            .collect();
        let build = |patterns: Vec<&[u8]>| {
            let builder = |kind| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostFirst)
                    .kind(kind)
                    .build(&patterns)
            };
            // A full DFA is fastest; very large needle sets fall back to the
            // automatic choice rather than failing.
            builder(Some(AhoCorasickKind::DFA))
                .or_else(|_| builder(None))
                .map_err(|e| Error::new(ErrorKind::Prefilter(e.to_string())))
        };
        let utf8 = build(needles.iter().map(|n| n.as_bytes()).collect())?;
        let both = build(
            needles
                .iter()
                .map(|n| n.as_bytes())
                .chain(utf16.iter().map(Vec::as_slice))
                .collect(),
        )?;
        Ok(Prefilter {
            utf8,
            both,
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
        self.utf8.is_match(bytes)
    }

    /// The first needle position at or after `from` in UTF-8 text.
    pub fn find_utf8(&self, bytes: &[u8], from: usize) -> Option<usize> {
        self.utf8
            .find(bytes.get(from..)?)
            .map(|m| from + m.start())
    }

    /// Whether bytes holding UTF-8 or UTF-16LE text (an EVTX chunk) contain a needle.
    pub fn hits_binary(&self, bytes: &[u8]) -> bool {
        self.both.is_match(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_both_encodings_case_insensitively() {
        let prefilter = Prefilter::new(&["anydesk.exe".into(), "relay.example".into()]).unwrap();
        assert!(prefilter.hits_utf8(b"C:\\Users\\x\\AnyDesk.EXE"));
        assert!(!prefilter.hits_utf8(b"notepad.exe"));
        let utf16: Vec<u8> = "C:\\AnyDesk.exe".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(prefilter.hits_binary(&utf16));
        assert!(!prefilter.hits_utf8(&utf16));
        assert_eq!(prefilter.find_utf8(b"xx relay.example yy", 1), Some(3));
        assert_eq!(prefilter.find_utf8(b"xx", 5), None);
        assert_eq!(prefilter.len(), 2);
    }
}
