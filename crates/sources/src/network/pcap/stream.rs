//! One direction of a TCP connection put back in order, with bounded
//! memory: only the bytes a protocol parser has not consumed yet are kept,
//! retransmissions are trimmed, and a few out-of-order segments wait for
//! the gap to fill. A parser that needs more than the cap (or a gap that
//! never fills) ends the stream: its parser stops, the flow is still counted.

/// Most bytes waiting for a parser in one direction.
pub(crate) const STREAM_CAP: usize = 64 << 10;
/// Most out-of-order segments held per direction.
const MAX_PENDING: usize = 16;

/// A direction's in-order bytes.
#[derive(Debug, Default)]
pub(crate) struct Stream {
    next_seq: Option<u32>,
    buffer: Vec<u8>,
    pending: Vec<(u32, Vec<u8>)>,
    /// No parser wants more of this direction (or it overflowed).
    pub closed: bool,
}

impl Stream {
    /// Notes a SYN: data starts at `seq + 1`.
    pub fn syn(&mut self, seq: u32) {
        if self.next_seq.is_none() {
            self.next_seq = Some(seq.wrapping_add(1));
        }
    }

    /// Adds a segment; returns whether new in-order bytes became available.
    pub fn push(&mut self, seq: u32, payload: &[u8]) -> bool {
        if self.closed || payload.is_empty() {
            return false;
        }
        let next = *self.next_seq.get_or_insert(seq);
        // Sequence numbers wrap: compare them as a signed distance.
        let ahead = seq.wrapping_sub(next) as i32;
        if ahead > 0 {
            if self.pending.len() < MAX_PENDING
                && self.pending.iter().map(|(_, p)| p.len()).sum::<usize>() + payload.len()
                    <= STREAM_CAP
            {
                self.pending.push((seq, payload.to_vec()));
            } else {
                self.close();
            }
            return false;
        }
        let added = self.append(seq, payload);
        let mut progress = added;
        while progress && !self.pending.is_empty() {
            progress = false;
            let Some(next) = self.next_seq else { break };
            if let Some(index) = self
                .pending
                .iter()
                .position(|(seq, _)| seq.wrapping_sub(next) as i32 <= 0)
            {
                let (seq, bytes) = self.pending.swap_remove(index);
                self.append(seq, &bytes);
                progress = true;
            }
        }
        added
    }

    /// Appends the part of a segment at or after `next_seq`.
    fn append(&mut self, seq: u32, payload: &[u8]) -> bool {
        let Some(next) = self.next_seq else {
            return false;
        };
        let behind = next.wrapping_sub(seq) as usize;
        if behind >= payload.len() {
            return false; // A retransmission of bytes already seen.
        }
        let fresh = &payload[behind..];
        if self.buffer.len() + fresh.len() > STREAM_CAP {
            self.close();
            return false;
        }
        self.buffer.extend_from_slice(fresh);
        self.next_seq = Some(next.wrapping_add(fresh.len() as u32));
        true
    }

    /// The bytes not yet consumed.
    pub fn data(&self) -> &[u8] {
        &self.buffer
    }

    /// Drops the first `n` bytes.
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.buffer.len());
        self.buffer.drain(..n);
    }

    /// Stops following this direction and frees its memory.
    pub fn close(&mut self) {
        self.closed = true;
        self.buffer = Vec::new();
        self.pending = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reorders_trims_and_bounds() {
        let mut stream = Stream::default();
        stream.syn(99);
        assert!(stream.push(100, b"hello "));
        assert!(!stream.push(111, b"!"), "a gap waits");
        assert!(
            stream.push(103, b"lo world"),
            "an overlapping retransmission adds its new part"
        );
        assert_eq!(stream.data(), b"hello world!");
        stream.consume(6);
        assert_eq!(stream.data(), b"world!");
        assert!(!stream.push(100, b"hello "), "old bytes are ignored");
        let big = vec![0u8; STREAM_CAP];
        stream.push(112, &big);
        assert!(stream.closed && stream.data().is_empty());
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut stream = Stream::default();
        stream.syn(u32::MAX - 1);
        assert!(stream.push(u32::MAX, b"ab"));
        assert!(stream.push(1, b"cd"));
        assert_eq!(stream.data(), b"abcd");
    }
}
