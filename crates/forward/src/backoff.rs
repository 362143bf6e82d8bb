//! Exponential backoff with jitter, bounded: how long to wait before the
//! next try, so many senders do not hammer a receiver that just came back
//! in lockstep.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Backoff doubling from `initial` up to `max`.
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    random: SplitMix,
}

/// splitmix64: a tiny seeded generator, for jitter and ids that need no
/// cryptographic randomness.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl Backoff {
    /// Backoff from `initial`, never longer than `max`.
    pub fn new(initial: Duration, max: Duration) -> Backoff {
        // Jitter needs no cryptographic randomness: the clock seeds it.
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Backoff {
            initial,
            max: max.max(initial),
            random: SplitMix(seed),
        }
    }

    /// The wait before try `attempt` (1 is the first retry): half the
    /// exponential step fixed, half random ("equal jitter"), capped.
    pub fn delay(&mut self, attempt: u32) -> Duration {
        let step = self
            .initial
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.max);
        let half = step / 2;
        let random = self.random.next() % (half.as_micros() as u64 + 1);
        half + Duration::from_micros(random)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_with_jitter_and_stay_bounded() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..100 {
            let first = backoff.delay(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = backoff.delay(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let late = backoff.delay(40);
            assert!(late >= Duration::from_millis(500) && late <= Duration::from_secs(1));
        }
    }
}
