//! What each target did with the records it was handed, as counters a
//! metrics exporter can read from another thread.

use std::sync::atomic::{AtomicU64, Ordering};

/// Live counters of one target (monotonic, except the spool gauges).
#[derive(Debug, Default)]
pub struct Counters {
    sent: AtomicU64,
    retried: AtomicU64,
    spooled: AtomicU64,
    dropped: AtomicU64,
    rejected: AtomicU64,
    spool_records: AtomicU64,
    spool_bytes: AtomicU64,
}

/// The counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Records the receiver accepted (a duplicate it recognized counts).
    pub sent: u64,
    /// Records sent again after a failed try.
    pub retried: u64,
    /// Records written to the spool.
    pub spooled: u64,
    /// Records lost: the spool was full or absent, or a spooled line was
    /// damaged. Each drop is also a warning.
    pub dropped: u64,
    /// Records the receiver refused for good (malformed for it); warned.
    pub rejected: u64,
    /// Records waiting in the spool now.
    pub spool_records: u64,
    /// Bytes in the spool now.
    pub spool_bytes: u64,
}

impl Counters {
    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Snapshot {
            sent: get(&self.sent),
            retried: get(&self.retried),
            spooled: get(&self.spooled),
            dropped: get(&self.dropped),
            rejected: get(&self.rejected),
            spool_records: get(&self.spool_records),
            spool_bytes: get(&self.spool_bytes),
        }
    }

    pub(crate) fn sent(&self, n: usize) {
        self.sent.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn retried(&self, n: usize) {
        self.retried.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn spooled(&self, n: usize) {
        self.spooled.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn dropped(&self, n: usize) {
        self.dropped.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn rejected(&self, n: usize) {
        self.rejected.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn spool_level(&self, records: u64, bytes: u64) {
        self.spool_records.store(records, Ordering::Relaxed);
        self.spool_bytes.store(bytes, Ordering::Relaxed);
    }
}

impl Snapshot {
    /// The sum of several targets' counters.
    pub fn sum<'a>(snapshots: impl IntoIterator<Item = &'a Snapshot>) -> Snapshot {
        snapshots
            .into_iter()
            .fold(Snapshot::default(), |total, s| Snapshot {
                sent: total.sent + s.sent,
                retried: total.retried + s.retried,
                spooled: total.spooled + s.spooled,
                dropped: total.dropped + s.dropped,
                rejected: total.rejected + s.rejected,
                spool_records: total.spool_records + s.spool_records,
                spool_bytes: total.spool_bytes + s.spool_bytes,
            })
    }
}
