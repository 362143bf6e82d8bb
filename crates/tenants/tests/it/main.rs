//! Integration tests of `rmmguard-tenants`, one binary for all of them.
//!
//! - `records`: input handling end to end (bad records counted with file and
//!   line, unknown fields ignored, out-of-order input, CSV = JSON lines).
//! - `handmade`: issue 20's hand-written tenants: each vendor tell alone
//!   reaches review, two reach suspend, the look-alikes stay below.
//! - `fit`: weights fitted to a generated ban list, and the written config
//!   read back by scoring.
//! - `quality`: precision and recall on a small generated dataset, and the
//!   generator's determinism.
//! - `watch`: the incremental watcher survives crashes (in-process at chosen
//!   points, and a child process killed with SIGKILL) without double counting.

mod common;
mod fit;
mod handmade;
mod quality;
mod records;
mod watch;
