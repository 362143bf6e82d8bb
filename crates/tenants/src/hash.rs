//! Stable 64-bit hashes of identifiers, and hashers for maps keyed by them.
//!
//! Tenant state keeps identifiers (endpoint ids, AD domains, hardware hashes,
//! technicians) as 64-bit hashes instead of strings: it keeps memory per
//! tenant small and makes state files independent of process randomness.
//! The hash is a fixed function (folded 128-bit multiplies), so it is the same
//! in every run and on every machine; `0` is reserved for "none".

use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const K1: u64 = 0xa076_1d64_78bd_642f;
const K2: u64 = 0xe703_7ed1_a0b4_28db;

/// The hash of the absent value; [`hash_str`] never returns it.
pub const NONE: u64 = 0;

/// Hashes a string exactly as given (identifiers that are case-sensitive).
pub fn hash_str(text: &str) -> u64 {
    hash_bytes(text.as_bytes())
}

/// Hashes a string after ASCII lowercasing (domains, emails, hostnames).
pub fn hash_lower(text: &str) -> u64 {
    let bytes = text.as_bytes();
    if !bytes.iter().any(u8::is_ascii_uppercase) {
        return hash_bytes(bytes);
    }
    let mut state = Fold::new(bytes.len());
    let mut chunk = [0u8; 8];
    let mut chunks = bytes.chunks_exact(8);
    for part in &mut chunks {
        for (slot, byte) in chunk.iter_mut().zip(part) {
            *slot = byte.to_ascii_lowercase();
        }
        state.word(u64::from_le_bytes(chunk));
    }
    state.tail_lower(chunks.remainder());
    state.finish()
}

/// Hashes raw bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut state = Fold::new(bytes.len());
    let mut chunks = bytes.chunks_exact(8);
    for part in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(part);
        state.word(u64::from_le_bytes(word));
    }
    state.tail(chunks.remainder());
    state.finish()
}

/// Combines two hashes into one (for pairs such as registrar + nameservers).
pub fn combine(a: u64, b: u64) -> u64 {
    non_zero(fold(a ^ K1, b ^ K2))
}

/// A map keyed by values that are already hashes: no second hashing.
pub type HashedMap<V> = std::collections::HashMap<u64, V, BuildHasherDefault<PassThrough>>;

/// A set of values that are already hashes.
pub type HashedSet = std::collections::HashSet<u64, BuildHasherDefault<PassThrough>>;

/// A map keyed by strings, hashed with the fast fixed hash.
pub type StrMap<V> = std::collections::HashMap<Box<str>, V, BuildHasherDefault<Fast>>;

/// Hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Debug, Default, Clone, Copy)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(bytes);
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// Hasher for string keys built on [`hash_bytes`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Fast(u64);

impl Hasher for Fast {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = fold(self.0 ^ hash_bytes(bytes), K1);
    }

    fn write_u8(&mut self, value: u8) {
        self.0 = fold(self.0 ^ u64::from(value), K2);
    }
}

struct Fold {
    acc: u64,
}

impl Fold {
    fn new(len: usize) -> Fold {
        Fold {
            acc: SEED ^ (len as u64).wrapping_mul(K2),
        }
    }

    fn word(&mut self, word: u64) {
        self.acc = fold(self.acc ^ word, K1);
    }

    fn tail(&mut self, rest: &[u8]) {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        self.acc = fold(self.acc ^ u64::from_le_bytes(word), K2);
    }

    fn tail_lower(&mut self, rest: &[u8]) {
        let mut word = [0u8; 8];
        for (slot, byte) in word.iter_mut().zip(rest) {
            *slot = byte.to_ascii_lowercase();
        }
        self.acc = fold(self.acc ^ u64::from_le_bytes(word), K2);
    }

    fn finish(&self) -> u64 {
        non_zero(fold(self.acc, K2 ^ 0x9e37_79b9_7f4a_7c15))
    }
}

fn fold(a: u64, b: u64) -> u64 {
    let product = u128::from(a).wrapping_mul(u128::from(b));
    (product as u64) ^ ((product >> 64) as u64)
}

fn non_zero(hash: u64) -> u64 {
    if hash == NONE { 1 } else { hash }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_matches_plain_on_lowercase_input() {
        for text in [
            "",
            "a",
            "corp.example.com",
            "ABCDEFGHIJKLMNOPQRSTU",
            "MiXeD.Domain",
        ] {
            assert_eq!(
                hash_lower(text),
                hash_str(&text.to_ascii_lowercase()),
                "{text}"
            );
        }
    }

    #[test]
    fn distinct_inputs_differ_and_never_none() {
        let hashes: HashedSet = (0..10_000)
            .map(|n| hash_str(&format!("endpoint-{n}")))
            .collect();
        assert_eq!(hashes.len(), 10_000);
        assert!(!hashes.contains(&NONE));
        assert_ne!(hash_str("abc"), hash_str("abc\0"));
    }

    #[test]
    fn fixed_across_runs() {
        // State files store these hashes: the function must never change.
        assert_eq!(hash_str("tenant-1"), hash_str("tenant-1"));
        assert_eq!(
            format!("{:016x}", hash_str("")),
            format!("{:016x}", hash_bytes(b""))
        );
    }
}
