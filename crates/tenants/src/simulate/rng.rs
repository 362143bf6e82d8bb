//! The dataset generator's random streams: ChaCha8 (RustCrypto's `chacha20`,
//! the same generator the evidence generator uses) with a few sampling
//! helpers.
//!
//! ChaCha is a fixed, published algorithm and `Cargo.lock` pins the crate,
//! so the same seed writes the same dataset on every machine; the stream
//! layout below (key from seed and stream, nonce from the item) is ours and
//! is pinned by a test of the first outputs.

use chacha20::ChaCha8Rng;
use chacha20::rand_core::{Rng as _, SeedableRng};

/// A ChaCha8 stream with the sampling helpers the generator uses.
#[derive(Debug)]
pub struct Rng(ChaCha8Rng);

impl Rng {
    /// A generator from a seed (stream 0, item 0 of it).
    pub fn new(seed: u64) -> Rng {
        Rng::derive(seed, 0, 0)
    }

    /// An independent generator for item `n` of stream `stream` under
    /// `seed`: the ChaCha key holds seed and stream, the nonce the item, so
    /// no two (seed, stream, item) triples share output.
    pub fn derive(seed: u64, stream: u64, n: u64) -> Rng {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&stream.to_le_bytes());
        let mut rng = ChaCha8Rng::from_seed(key);
        rng.set_stream(n);
        Rng(rng)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n) (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in [low, high) (low when the range is empty).
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        low + self.below((high - low) as u64) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One item of a non-empty slice.
    ///
    /// # Panics
    ///
    /// When `items` is empty (the generator's tables never are).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// One word of a non-empty word list.
    pub fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len() as u64) as usize]
    }

    /// Log-uniform in [low, high): many small values, a few large.
    pub fn log_uniform(&mut self, low: f64, high: f64) -> f64 {
        (low.ln() + self.unit() * (high.ln() - low.ln())).exp()
    }

    /// Picks an index by weight.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.unit() * total;
        for (idx, weight) in weights.iter().enumerate() {
            if target < *weight {
                return idx;
            }
            target -= weight;
        }
        weights.len().saturating_sub(1)
    }

    /// `digits` lowercase hex digits.
    pub fn hex(&mut self, digits: usize) -> String {
        let mut text = String::with_capacity(digits);
        while text.len() < digits {
            let word = self.next_u64();
            for shift in (0..16).map(|n| n * 4) {
                if text.len() == digits {
                    break;
                }
                text.push(char::from_digit(((word >> shift) & 0xf) as u32, 16).unwrap_or('0'));
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_in_range() {
        let mut a = Rng::derive(7, 1, 2);
        let mut b = Rng::derive(7, 1, 2);
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(
            Rng::derive(7, 1, 3).next_u64(),
            Rng::derive(7, 1, 2).next_u64()
        );
        for _ in 0..1000 {
            let value = a.range(-3, 5);
            assert!((-3..5).contains(&value));
            assert!(a.unit() < 1.0);
        }
        assert_eq!(a.hex(20).len(), 20);
        assert_eq!(a.weighted(&[0.0, 1.0, 0.0]), 1);
    }

    #[test]
    fn streams_are_independent_and_pinned() {
        // Seed, stream and item each change the output.
        let first = |seed, stream, n| Rng::derive(seed, stream, n).next_u64();
        let base = first(7, 1, 2);
        assert_ne!(base, first(8, 1, 2));
        assert_ne!(base, first(7, 2, 2));
        assert_ne!(base, first(7, 1, 3));
        assert_ne!(first(1, 2, 0), first(2, 1, 0));
        // Pinned: a dependency upgrade that changed the stream would change
        // every generated dataset, so it must show up here first.
        let mut rng = Rng::derive(7, 1, 2);
        let words: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        expect_test::expect![[r#"[fb4567de71db303, 42cd359884a4378b, eccef2da0df9e163]"#]]
            .assert_eq(&format!("{words:x?}"));
    }
}
