//! Seeded random numbers for the generator: a thin wrapper over ChaCha8
//! (`chacha20::ChaCha8Rng`, driven through `rand_core`) with the few helpers
//! the scenarios and the background use.
//!
//! Output stays byte-identical per seed because every step is specified:
//! the key is the seed's eight little-endian bytes followed by zeros, the
//! independent sequences are ChaCha's own 64-bit stream ids, the words are
//! ChaCha8's keystream (fixed by the cipher, not by the crate), and the
//! helpers below map words to values by our own arithmetic. A test pins the
//! first words of one stream, so a dependency upgrade that changed them
//! would fail it rather than silently change generated evidence.

use chacha20::ChaCha8Rng;
use chacha20::rand_core::{Rng as _, SeedableRng};

/// Deterministic pseudo-random numbers for one (seed, stream) pair.
#[derive(Debug)]
pub struct Rng(ChaCha8Rng);

impl Rng {
    /// A generator for `seed`, with `stream` separating independent sequences
    /// (one per host, one per scenario) so they do not depend on each other.
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        let mut chacha = ChaCha8Rng::from_seed(key);
        chacha.set_stream(stream);
        Rng(chacha)
    }

    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `0..n` (0 when `n` is 0), by the high half of a 128-bit
    /// product: no division, and a bias below `n / 2^64`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A random element of a slice.
    ///
    /// # Panics
    ///
    /// If `items` is empty: every caller passes a constant, non-empty table.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let index = self.below(items.len() as u64) as usize;
        &items[index]
    }

    /// `n` lower-case hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(seed: u64, stream: u64) -> Vec<u64> {
        let mut rng = Rng::new(seed, stream);
        (0..4).map(|_| rng.next_u64()).collect()
    }

    #[test]
    fn same_seed_and_stream_same_numbers_other_streams_differ() {
        assert_eq!(words(7, 1), words(7, 1));
        assert_ne!(words(7, 1), words(7, 2));
        assert_ne!(words(7, 1), words(8, 1));
    }

    /// The stream our generated evidence is made of: the first ChaCha8
    /// keystream words for key `01 00 … 00`, stream 0, counter 0 (checked
    /// against a separate implementation of the ChaCha block function, not
    /// copied from the crate). If this fails after a dependency upgrade, the
    /// upgrade changed every generated corpus: keep the old version (see
    /// ARCHITECTURE.md, determinism).
    #[test]
    fn the_stream_is_the_chacha8_keystream() {
        assert_eq!(
            words(1, 0),
            [
                0x61a9_4a49_a0e9_5ecf,
                0x4b80_5b72_edd5_053e,
                0xcc5a_63ee_65a4_f412,
                0xea89_0474_e81d_313a,
            ]
        );
        let mut rng = Rng::new(42, 0x5CE0);
        assert_eq!(
            rng.hex(16),
            "5b832c4a5a26a2fd",
            "stream ids are ChaCha's nonce"
        );
    }

    #[test]
    fn helpers_stay_in_range() {
        let mut rng = Rng::new(1, 0);
        assert!((0..10_000).all(|_| rng.below(10) < 10));
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.below(1), 0);
        let mut seen = [false; 3];
        for _ in 0..100 {
            seen[*rng.pick(&[0usize, 1, 2])] = true;
        }
        assert_eq!(seen, [true; 3]);
        let hex = rng.hex(32);
        assert_eq!(hex.len(), 32);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }
}
