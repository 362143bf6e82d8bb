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

/// The counters of every target in the Prometheus text format (0.0.4):
/// `rmmguard_forward_sent_total{target="splunk"} 39` and so on, with
/// `HELP` and `TYPE` lines, for a `/metrics` endpoint to append.
pub fn prometheus(targets: &[(String, Snapshot)]) -> String {
    type Field = fn(&Snapshot) -> u64;
    const METRICS: [(&str, &str, &str, Field); 7] = [
        (
            "sent_total",
            "counter",
            "Records the receiver accepted.",
            |s| s.sent,
        ),
        (
            "retried_total",
            "counter",
            "Records sent again after a failed try.",
            |s| s.retried,
        ),
        (
            "spooled_total",
            "counter",
            "Records written to the spool.",
            |s| s.spooled,
        ),
        (
            "dropped_total",
            "counter",
            "Records lost: spool full or absent, or damaged.",
            |s| s.dropped,
        ),
        (
            "rejected_total",
            "counter",
            "Records the receiver refused for good.",
            |s| s.rejected,
        ),
        (
            "spool_records",
            "gauge",
            "Records waiting in the spool.",
            |s| s.spool_records,
        ),
        ("spool_bytes", "gauge", "Bytes in the spool.", |s| {
            s.spool_bytes
        }),
    ];
    let mut out = String::new();
    for (name, kind, help, field) in METRICS {
        out.push_str(&format!("# HELP rmmguard_forward_{name} {help}\n"));
        out.push_str(&format!("# TYPE rmmguard_forward_{name} {kind}\n"));
        for (target, snapshot) in targets {
            out.push_str(&format!(
                "rmmguard_forward_{name}{{target=\"{}\"}} {}\n",
                label(target),
                field(snapshot)
            ));
        }
    }
    out
}

/// A label value with `\\`, `"` and newlines escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_text_names_each_target() {
        let splunk = Snapshot {
            sent: 39,
            dropped: 2,
            spool_bytes: 100,
            ..Snapshot::default()
        };
        let text = prometheus(&[
            ("splunk".into(), splunk),
            ("we\"ird\n".into(), Snapshot::default()),
        ]);
        assert!(
            text.starts_with(
                "# HELP rmmguard_forward_sent_total Records the receiver accepted.\n\
             # TYPE rmmguard_forward_sent_total counter\n\
             rmmguard_forward_sent_total{target=\"splunk\"} 39\n\
             rmmguard_forward_sent_total{target=\"we\\\"ird\\n\"} 0\n"
            ),
            "{text}"
        );
        assert!(text.contains("rmmguard_forward_dropped_total{target=\"splunk\"} 2\n"));
        assert!(text.contains("# TYPE rmmguard_forward_spool_bytes gauge\n"));
        assert!(text.contains("rmmguard_forward_spool_bytes{target=\"splunk\"} 100\n"));
        assert_eq!(text.lines().count(), 7 * 4);
    }
}
