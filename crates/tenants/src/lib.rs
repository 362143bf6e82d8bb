//! The RMM vendor's view (issue 8): score tenant accounts for abuse from the
//! vendor's own tenant events, with reasons an analyst can check.
//!
//! Records (JSON lines or CSV, [`schema`], version [`schema::SCHEMA_VERSION`])
//! are read by [`input`], checked and compacted into [`event::Event`]s, put
//! back in time order by a bounded [`reorder`] buffer, and folded into one
//! [`state::TenantState`] per tenant by the [`Engine`]. Each module of
//! [`features`] reads a tenant's state and returns a capped, explained
//! [`features::Reason`]; [`score`] adds them up against the
//! [`config::Thresholds`]. [`batch`] scores files at once, [`watch`] follows a
//! stream with its state in SQLite, [`report`] writes ranked tables, JSON
//! lines and CSV, [`simulate`] writes labelled datasets and [`eval`] measures
//! precision and recall on them.
//!
//! ```
//! use rmmguard_tenants::{Config, Engine, event::SourceRef, schema::Record};
//!
//! let mut engine = Engine::new(Config::default());
//! let lines = [
//!     r#"{"type":"domain_info","ts":"2024-05-01T12:00:00Z","domain":"fresh.example","registered":"2024-05-01T12:00:00Z"}"#,
//!     r#"{"type":"account_created","ts":"2024-05-01T12:07:00Z","tenant":"t1","admin_email":"a@fresh.example"}"#,
//! ];
//! for (n, line) in lines.iter().enumerate() {
//!     let record: Record<'_> = serde_json::from_str(line).unwrap();
//!     engine.ingest(&record, SourceRef::new(0, n as u64 + 1)).unwrap();
//! }
//! engine.end_of_stream();
//! let scores = engine.score_all();
//! assert_eq!((scores[0].tenant.as_str(), scores[0].total), ("t1", 60));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod batch;
pub mod config;
pub mod engine;
pub mod error;
pub mod eval;
pub mod event;
pub mod features;
pub mod fit;
pub mod hash;
pub mod ingest;
pub mod input;
pub mod reorder;
pub mod report;
pub mod schema;
pub mod score;
pub mod simulate;
pub mod state;
pub mod time;
pub mod watch;

pub use config::Config;
pub use engine::Engine;
pub use error::{Error, ErrorKind, RecordError};
pub use score::{Score, Verdict};
