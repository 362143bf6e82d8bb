//! Counters and gauges, written in the Prometheus text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

macro_rules! metrics {
    ($($name:ident: $kind:literal, $help:literal;)*) => {
        /// Every counter and gauge `serve` exports.
        #[derive(Debug, Default)]
        pub(crate) struct Metrics {
            $(pub $name: AtomicU64,)*
        }

        impl Metrics {
            /// The Prometheus text exposition of every metric.
            pub fn render(&self) -> String {
                let mut out = String::new();
                $(
                    let name = concat!("rmmguard_", stringify!($name));
                    let _ = writeln!(out, "# HELP {name} {}", $help);
                    let _ = writeln!(out, "# TYPE {name} {}", $kind);
                    let _ = writeln!(out, "{name} {}", self.$name.load(Ordering::Relaxed));
                )*
                out
            }
        }
    };
}

metrics! {
    ingest_requests_total: "counter", "Ingest requests answered (events API and _bulk).";
    ingest_refused_total: "counter", "Ingest requests refused whole (size, gzip, protocol).";
    ingest_throttled_total: "counter", "Ingest requests answered 429 or 503 (back-pressure, rate, concurrency).";
    ingest_events_total: "counter", "Events accepted into the spool.";
    ingest_rejected_events_total: "counter", "Documents refused (not an event shape rmmguard reads).";
    ingest_bytes_total: "counter", "Bytes of events written to the spool.";
    syslog_messages_total: "counter", "Syslog messages received.";
    syslog_without_json_total: "counter", "Syslog messages without a JSON payload (not kept).";
    syslog_too_long_total: "counter", "Syslog frames over the size limit (passed over).";
    auth_failures_total: "counter", "Requests without a valid token for what they asked.";
    engine_checkpoints_total: "counter", "Checkpoints the live engine committed.";
    engine_bytes_read_total: "counter", "Bytes the live engine read from followed files.";
    engine_unread_bytes: "gauge", "Bytes of followed files not read yet (how far behind the engine is).";
    engine_files: "gauge", "Files the live engine follows.";
    findings_changed_total: "counter", "Findings new or changed.";
    incidents_opened_total: "counter", "Incidents opened.";
}

/// Adds `n` to a counter.
pub(crate) fn add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_help_type_and_value() {
        let metrics = Metrics::default();
        add(&metrics.ingest_events_total, 3);
        let text = metrics.render();
        assert!(text.contains(
            "# TYPE rmmguard_ingest_events_total counter\nrmmguard_ingest_events_total 3\n"
        ));
        assert!(text.contains("# TYPE rmmguard_engine_unread_bytes gauge\n"));
        assert_eq!(text.lines().count() % 3, 0);
    }
}
