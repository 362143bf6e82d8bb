//! The normalized event model of rmmguard.
//!
//! Every source (EVTX, JSON lines, inventories, pcap, Zeek and Suricata logs,
//! mail) turns what it reads into [`Event`]s, and every detector
//! reads only `Event`s. An event is a [`Meta`] (when, where, which evidence) plus
//! an [`EventKind`] (what happened, as typed fields whose names follow the
//! Elastic Common Schema: `process.executable`, `destination.ip`, …).
//!
//! Every event carries a [`SourceRef`], so every finding can point at the file
//! and record it came from.
//!
//! This crate is pure data: no IO, no parsing of formats. (RMM vendors'
//! tenant events are another model, in `rmmguard-tenants`.)
//!
//! ```
//! use rmmguard_events::{Event, EventKind, Location, Meta, Process, ProcessStart, SourceRef};
//!
//! let source = SourceRef::new("Sysmon.evtx", Location::Record(42));
//! let event = Event {
//!     meta: Meta::new(source).with_host("WS-01"),
//!     kind: EventKind::ProcessStart(ProcessStart {
//!         process: Process::with_executable(r"C:\Users\bob\Downloads\AnyDesk.exe"),
//!         ..ProcessStart::default()
//!     }),
//! };
//! assert_eq!(event.kind.process().and_then(|p| p.name()), Some("AnyDesk.exe"));
//! assert_eq!(event.meta.source.to_string(), "Sysmon.evtx#42");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod kind;
mod path;
mod source_ref;

pub use jiff::Timestamp;
pub use kind::{
    Address, AppLog, Attachment, AttachmentKind, AuthResult, DnsQuery, Endpoint, EventKind,
    FileAccess, FileCreate, FileTransfer, Http, ImageLoad, Mail, NetConnection, NetFlow, PeInfo,
    Process, ProcessAccess, ProcessStart, RegistrySet, ServiceInstall, Software, SoftwareKind, Tls,
    Transport, is_sha256,
};
pub use path::{basename, is_windows_path};
pub use source_ref::{Location, SourceRef};

use std::sync::Arc;

/// One normalized event: what happened ([`EventKind`]) and its context ([`Meta`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When, on which host, by whom, and where the evidence is.
    pub meta: Meta,
    /// What happened, as typed fields.
    pub kind: EventKind,
}

/// The context every event carries, whatever its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// `@timestamp`: when the event happened, in UTC.
    pub timestamp: Option<Timestamp>,
    /// `host.name`: the host the event was logged on, as the log names it.
    pub host: Option<String>,
    /// `user.name`: the account, `DOMAIN\user` where the log gives a domain.
    pub user: Option<String>,
    /// `observer.site`: the site (network) the evidence came from, set by the engine.
    pub site: Option<Arc<str>>,
    /// `event.provider`: the log provider (e.g. `Microsoft-Windows-Sysmon`).
    pub provider: Option<String>,
    /// `event.code`: the provider's event id (e.g. Sysmon `1`, Security `4688`).
    pub code: Option<u32>,
    /// Where the evidence is: file plus record number, line or byte offset.
    pub source: SourceRef,
}

impl Meta {
    /// A `Meta` with only its source reference set.
    pub fn new(source: SourceRef) -> Meta {
        Meta {
            timestamp: None,
            host: None,
            user: None,
            site: None,
            provider: None,
            code: None,
            source,
        }
    }

    /// The same meta with `host.name` set.
    pub fn with_host(mut self, host: &str) -> Meta {
        self.host = Some(host.to_owned());
        self
    }
}
