//! The correlator: findings joined into incidents an analyst can act on.
//!
//! Findings say what happened; incidents say what it adds up to. Four kinds:
//!
//! * `IncidentKind::Chain`: the AA23-025A chain on one host — callback
//!   lure mail → lure site → download → portable RMM → RMM session →
//!   banking sites during the session. Partial chains count, scored by how
//!   many stages they show and how close in time (see [`chain`]).
//! * `IncidentKind::TenantMismatch`: an authorized tool talking to a
//!   tenant or relay that is not ours, across every host it was seen on.
//! * `IncidentKind::ApprovedPath`: RMM sessions outside the approved
//!   VPN/VDI paths, per tool and tenant.
//! * `IncidentKind::Campaign`: the same indicator (relay, domain, IP,
//!   fingerprint, hash, phone number) at several sites — "related activity
//!   on N other networks".
//!
//! [`audit`] turns the per-host RMM inventory into the per-tool, per-tenant
//! audit table and writes a starter policy from it.
//!
//! Hosts are resolved across sources by [`Entities`] (short and full host
//! names, an optional `assets.csv` mapping IPs, users and mailboxes to hosts).
//! The correlator reads the findings of one run, which are already
//! aggregated per host, tool and subject, so its memory is bounded by them.
//!
//! ```
//! use rmmguard_correlate::{Config, Entities, correlate};
//!
//! let incidents = correlate(&[], &Entities::default(), &Config::default());
//! assert!(incidents.is_empty());
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod campaign;
pub mod chain;
mod entities;
mod groups;
pub mod indicators;
pub mod sites;
mod stage;

use jiff::{SignedDuration, Timestamp};
use rmmguard_findings::{Finding, Incident, TimelineEntry};

pub use entities::{Asset, Entities, EntitiesError};

/// Knobs of the correlator.
#[derive(Debug, Clone)]
pub struct Config {
    /// How far apart the stages of one chain may be.
    pub chain_window: SignedDuration,
    /// How long after the last sign of an RMM session banking visits still count.
    pub session_grace: SignedDuration,
    /// Chains with fewer distinct stages are not incidents.
    pub min_chain_stages: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            chain_window: SignedDuration::from_hours(24),
            session_grace: SignedDuration::from_hours(2),
            min_chain_stages: 2,
        }
    }
}

/// Joins findings into incidents, most severe first, with ids `I1`, `I2`, …
pub fn correlate(findings: &[Finding], entities: &Entities, config: &Config) -> Vec<Incident> {
    let mut incidents = chain::chains(findings, entities, config);
    incidents.extend(groups::tenant_mismatches(findings, entities));
    incidents.extend(groups::approved_paths(findings, entities));
    incidents.extend(campaign::campaigns(findings));
    incidents.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.score.cmp(&a.score))
            .then(a.first_seen.cmp(&b.first_seen))
            .then(a.title.cmp(&b.title))
    });
    for (n, incident) in incidents.iter_mut().enumerate() {
        incident.id = format!("I{}", n + 1);
    }
    incidents
}

/// First and last time over timeline entries.
fn span(
    timeline: &[TimelineEntry],
    findings: &[&Finding],
) -> (Option<Timestamp>, Option<Timestamp>) {
    let first = timeline.iter().filter_map(|e| e.time).min();
    let last = findings
        .iter()
        .filter_map(|f| f.last_seen.or(f.first_seen))
        .max();
    (first, last.or(first))
}

/// Sorted, deduplicated strings.
fn sorted<I: IntoIterator<Item = String>>(items: I) -> Vec<String> {
    let mut out: Vec<String> = items.into_iter().collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests;
