//! `rmmguard serve`: the live engine fed where shippers already send, and
//! its findings and incidents served over HTTP.
//!
//! Ingested events are not held in memory: every accepted batch is appended
//! to a JSON-lines file in the *spool* folder (`spool.rs`) and synced before
//! the sender hears "accepted"; the live engine (`rmmguard::live`) follows
//! the spool like any other folder. So what `watch` promises (a restart
//! loses and doubles nothing; a batch hunt of the spool gives the same
//! findings) holds for ingested events too, and back-pressure is a question
//! of how far the engine is behind the spool, answered with 429.
//!
//! * `config.rs`: `serve.toml`;
//! * `auth.rs`: hashed bearer tokens, roles, constant-time compare;
//! * `ingest.rs`: the events API and the Elasticsearch `_bulk` endpoint;
//! * `syslog.rs`: RFC 3164 / 5424 over UDP and TCP (octet counting or lines);
//! * `http.rs`: the router (ingest, API, `/metrics`, `/healthz`);
//! * `dashboard/`: the web dashboard (sessions, CSRF, pages, live updates);
//! * `engine.rs`: the thread that runs the live engine;
//! * `metrics.rs`: counters in Prometheus text format;
//! * `openapi.rs`: the OpenAPI 3.1 document, from the route table and `schema/*.json`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod actions;
pub mod auth;
pub mod config;
mod dashboard;
mod engine;
mod error;
mod http;
pub mod ingest;
mod metrics;
mod openapi;
mod server;
mod spool;
pub mod syslog;

pub use config::ServeConfig;
pub use error::Error;
pub use server::{Running, start};
