//! Outputs: findings as JSON lines and CSV for SIEMs, and the terminal
//! summary an analyst reads first.
//!
//! Output types live here and only here: [`record::FindingRecord`] is the
//! versioned JSON schema ([`SCHEMA_VERSION`]), converted by hand from the
//! detector's internal `Finding`, so internal types can change without
//! breaking what a SIEM ingests.
//!
//! ```
//! use rmmguard_sinks::jsonl;
//!
//! let mut out = Vec::new();
//! jsonl::write(&mut out, &[]).unwrap();
//! assert!(out.is_empty());
//! ```

#![warn(missing_docs)]

pub mod csv;
pub mod html;
pub mod incidents;
pub mod indicators;
pub mod jsonl;
pub mod record;
pub mod terminal;

/// The version of the JSON-lines and CSV schemas; bumped on any change.
pub const SCHEMA_VERSION: u32 = 1;
