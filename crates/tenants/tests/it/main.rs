//! Integration tests of `rmmguard-tenants`, one binary for all of them.
//!
//! - `records`: input handling end to end (bad records counted with file and
//!   line, unknown fields ignored, out-of-order input, CSV = JSON lines).
//! - `quality`: precision and recall on a small generated dataset, and the
//!   generator's determinism.
//! - `watch`: the incremental watcher survives crashes (in-process at chosen
//!   points, and a child process killed with SIGKILL) without double counting.

mod common;
mod quality;
mod records;
mod watch;
