//! Ships rmmguard's findings and incidents to where security teams look:
//! Splunk HEC ([`hec`]), Elasticsearch/OpenSearch `_bulk` with ECS
//! documents ([`bulk`], [`ecs`]), syslog with CEF over UDP or TCP
//! ([`syslog`], [`cef`]), and Slack/Teams-compatible webhooks
//! ([`webhook`]).
//!
//! Records are the versioned wire records of `rmmguard_findings::wire`,
//! each with a deterministic id ([`Item`]; the caller's, or
//! [`finding_id`]/[`incident_id`]) that receivers can deduplicate on
//! (Elasticsearch `_id`) and that every body carries. A [`Forwarder`]
//! reads its targets from `[[forward]]` tables ([`Config`]), batches,
//! retries with exponential backoff and jitter, keeps what a receiver does
//! not take in a bounded on-disk [`Spool`] replayed in order when it comes
//! back, and counts sent / retried / spooled / dropped / rejected per target
//! ([`Counters`]). Delivery is at least once; nothing is dropped unless a
//! spool is full or absent, and then with a warning and a count.
//!
//! ```no_run
//! use rmmguard_forward::{Config, Forwarder, Item};
//! # fn records() -> Vec<rmmguard_findings::wire::FindingRecord> { Vec::new() }
//!
//! let config = Config::load("forward.toml".as_ref())?;
//! let mut forwarder = Forwarder::new(&config)?;
//! for record in records() {
//!     forwarder.submit(&Item::from_finding(record));
//! }
//! forwarder.flush();
//! assert_eq!(forwarder.total().dropped, 0);
//! # Ok::<(), rmmguard_forward::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod backoff;
pub mod bulk;
pub mod cef;
mod config;
mod counters;
pub mod ecs;
mod forwarder;
pub mod hec;
mod http;
mod item;
mod spool;
pub mod syslog;
mod target;
pub mod webhook;

use std::path::PathBuf;

pub use backoff::Backoff;
pub use config::{Config, Kind, Secret, TargetConfig, Transport};
pub use counters::{Counters, Snapshot, prometheus};
pub use forwarder::{Forwarder, Warn};
pub use item::{Item, Record, finding_id, incident_id};
pub use spool::{Appended, Head, Spool};
pub use target::{Delivery, Target};

/// What can go wrong setting up or keeping the forwarder's state.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A forwarding file or target is wrong.
    #[error("forward config: {0}")]
    Config(String),
    /// Reading or writing a file (the config, a CA file, the spool).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
    /// Another forwarder (this process or another) holds the spool folder.
    #[error("{}: the spool is in use by another rmmguard", .0.display())]
    SpoolBusy(PathBuf),
}
