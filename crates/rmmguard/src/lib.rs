//! rmmguard finds, judges and blocks malicious use of legitimate remote
//! monitoring and management (RMM) software.
//!
//! This crate is the library the `rmmguard` binary is a thin layer over. It
//! re-exports the pipeline's crates and owns the engine that runs them in
//! parallel over evidence:
//!
//! * [`events`]: the normalized event model;
//! * [`sources`]: format sniffing and streaming readers;
//! * [`catalog`]: the built-in RMM catalog and the LOLRMM importer;
//! * [`policy`]: the organization's authorized tools, tenants and paths;
//! * [`findings`]: findings, incidents, rules, typed facts, the wire schema;
//! * [`detect`]: the compiled detector and the logic of its rules;
//! * [`correlate`]: findings joined into incidents, and the RMM audit;
//! * [`sinks`]: every output (terminal, JSON lines, CSV, HTML) through one trait;
//! * [`store`]: the SQLite state of `watch`: followed files, findings, incidents;
//! * [`live`]: the engine run continuously over growing files (`watch`);
//! * [`hunt`]: the engine, [`eval`]: quality against ground truth, and
//!   [`lure_eval`]: callback-lure quality on a generated mail corpus (this crate).
//!
//! The evidence generator (`rmmguard-simulate`) and the EVTX writer are
//! tools for testing, not part of this API; use their crates directly.
//!
//! ```no_run
//! use rmmguard::{HuntConfig, NoProgress, detect, hunt};
//!
//! let catalog = rmmguard::catalog::Catalog::builtin()?;
//! let detector = detect::Detector::new(&catalog, None, detect::IocSet::builtin(), Default::default())?;
//! let run = hunt(&["evidence/".into()], &detector, &HuntConfig::default(), &NoProgress)?;
//! for finding in &run.report.findings {
//!     println!("{} {} {}", finding.severity, finding.rule.id, finding.summary);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod engine;
pub mod eval;
mod lines;
pub mod live;
pub mod lure_eval;

pub use engine::{FileSummary, Hunt, HuntConfig, NoProgress, Progress, SiteMode, hunt};
pub use rmmguard_catalog as catalog;
pub use rmmguard_correlate as correlate;
pub use rmmguard_detect as detect;
pub use rmmguard_events as events;
pub use rmmguard_findings as findings;
pub use rmmguard_policy as policy;
pub use rmmguard_sinks as sinks;
pub use rmmguard_sources as sources;
pub use rmmguard_store as store;

/// The engine's error type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The evidence paths could not be walked.
    #[error(transparent)]
    Sources(#[from] rmmguard_sources::Error),
    /// The state file of `watch` could not be read or written.
    #[error(transparent)]
    Store(#[from] rmmguard_store::Error),
    /// The worker pool could not be started.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Why it failed.
        message: String,
    },
}
