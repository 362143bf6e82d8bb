//! What rmmguard's detectors produce and every later stage reads: the seam
//! between detection and everything downstream.
//!
//! * [`Finding`]: an explained detection — its [`Rule`], [`Severity`], chain
//!   [`Stage`], host, tool, tenant, [`Evidence`] and typed [`Fact`]s.
//! * [`rules`]: the rule table (id, name, ATT&CK id, stage, meaning).
//! * [`FactKey`]: fact keys as a type, serialized as ECS-style names, and
//!   which of them are indicators ([`indicators`]: the one extractor).
//! * [`Incident`]: findings joined into a story; [`InventoryRow`] and [`Mode`]:
//!   the RMM inventory.
//! * [`wire`]: the versioned records ([`wire::SCHEMA_VERSION`]) that cross
//!   process boundaries — JSON lines, the message bus, stores.
//!
//! The crate sits below the detector and has no matcher in it, so the
//! correlator, the sinks and the controls read findings without compiling
//! the detection engine.
//!
//! ```
//! use rmmguard_findings::{Fact, FactKey, Finding, rules, wire};
//!
//! let mut finding = Finding::new(rules::PORTABLE_RMM, "AnyDesk ran from Downloads on WS-01");
//! finding.facts.push(Fact::new(FactKey::FileHashSha256, "AB12"));
//! let indicators = rmmguard_findings::indicators(&finding);
//! assert_eq!(indicators[0].to_string(), "file hash ab12");
//! let record = wire::FindingRecord::from(&finding);
//! assert_eq!(record.rule, "portable-rmm");
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod fact;
mod finding;
mod incident;
mod indicator;
mod inventory;
pub mod rules;
mod severity;
mod stage;
pub mod wire;

pub use fact::{Fact, FactKey};
pub use finding::{Evidence, Finding, ToolRef, finding_id};
pub use incident::{Incident, IncidentKind, TimelineEntry};
pub use indicator::{Indicator, IndicatorKind, indicators};
pub use inventory::{InventoryRow, Mode};
pub use rules::Rule;
pub use severity::{Authorization, Severity, UnknownSeverity};
pub use stage::Stage;
