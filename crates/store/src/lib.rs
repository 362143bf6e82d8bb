//! rmmguard's embedded store: what `watch` (and later `serve`) keeps between
//! runs, in one SQLite file with WAL journaling.
//!
//! * **files**: every followed file's identity (device, inode, a hash of its
//!   first bytes) and how far it has been read (its *watermark*);
//! * **findings**: the latest version of every finding, by its
//!   deterministic id, as a wire record (`rmmguard_findings::wire`), with
//!   whether the latest judgement still produces it;
//! * **incidents**: numbered incidents with a lifecycle (open,
//!   acknowledged, closed), an assignee, a note, the ids of their findings,
//!   and a log of what happened to each.
//!
//! Everything one checkpoint learns is written by [`Store::commit`] in one
//! transaction, so after a crash (even `kill -9`) the watermarks and the
//! findings belong together: reading again from the watermarks gives every
//! finding once. The store knows nothing about detection; it holds records.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod incident;
mod store;

pub use error::Error;
pub use incident::{IncidentEvent, IncidentRow, Status};
pub use store::{Batch, FileRow, Store, StoredFinding};
