//! The correlator: findings joined into incidents an analyst can act on.
//!
//! Findings say what happened; incidents say what it adds up to. Four kinds:
//!
//! * [`IncidentKind::Chain`]: the AA23-025A chain on one host — callback
//!   lure mail → lure site → download → portable RMM → RMM session →
//!   banking sites during the session. Partial chains count, scored by how
//!   many stages they show and how close in time (see [`chain`]).
//! * [`IncidentKind::TenantMismatch`]: an authorized tool talking to a
//!   tenant or relay that is not ours, across every host it was seen on.
//! * [`IncidentKind::ApprovedPath`]: RMM sessions outside the approved
//!   VPN/VDI paths, per tool and tenant.
//! * [`IncidentKind::Campaign`]: the same indicator (relay, domain, IP,
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

#![warn(missing_docs)]

pub mod audit;
pub mod campaign;
pub mod chain;
mod entities;
mod groups;
mod stage;

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use rmmguard_detect::{Evidence, Finding, Severity, ToolRef};

pub use entities::{Asset, Entities, EntitiesError};
pub use stage::Stage;

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

/// What kind of incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IncidentKind {
    /// The AA23-025A chain (or part of it) on one host.
    Chain,
    /// An authorized tool on a foreign tenant or relay.
    TenantMismatch,
    /// RMM sessions outside the approved paths.
    ApprovedPath,
    /// One indicator at several sites.
    Campaign,
}

impl IncidentKind {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::Chain => "aa23-025a-chain",
            IncidentKind::TenantMismatch => "tenant-mismatch",
            IncidentKind::ApprovedPath => "approved-path",
            IncidentKind::Campaign => "cross-site-campaign",
        }
    }
}

/// One entry of an incident's timeline: a finding, in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    /// When it began.
    pub time: Option<Timestamp>,
    /// The chain stage it stands for, if any.
    pub stage: Option<Stage>,
    /// The finding's rule id.
    pub rule: &'static str,
    /// The finding's severity.
    pub severity: Severity,
    /// The finding's host.
    pub host: Option<String>,
    /// The finding's site.
    pub site: Option<Arc<str>>,
    /// The finding's summary.
    pub summary: String,
    /// The finding's evidence.
    pub evidence: Vec<Evidence>,
}

impl TimelineEntry {
    fn of(finding: &Finding, stage: Option<Stage>) -> TimelineEntry {
        TimelineEntry {
            time: finding.first_seen,
            stage,
            rule: finding.rule.id,
            severity: finding.severity,
            host: finding.host.clone(),
            site: finding.site.clone(),
            summary: finding.summary.clone(),
            evidence: finding.evidence.clone(),
        }
    }
}

/// An incident: related findings, their story, a score and its reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// Stable id within a run (`I1`, `I2`, … in severity order).
    pub id: String,
    /// What kind.
    pub kind: IncidentKind,
    /// One line saying what happened.
    pub title: String,
    /// How urgent.
    pub severity: Severity,
    /// The score the severity comes from.
    pub score: u32,
    /// Why it scored so: one line per reason.
    pub reasons: Vec<String>,
    /// Hosts involved.
    pub hosts: Vec<String>,
    /// Sites involved.
    pub sites: Vec<String>,
    /// The tool, when the incident is about one.
    pub tool: Option<ToolRef>,
    /// The tenant or relay, when the incident is about one.
    pub tenant: Option<String>,
    /// The shared indicator of a campaign.
    pub indicator: Option<String>,
    /// The chain stages present (chains only), in chain order.
    pub stages: Vec<Stage>,
    /// The findings, in time order.
    pub timeline: Vec<TimelineEntry>,
    /// Earliest finding.
    pub first_seen: Option<Timestamp>,
    /// Latest finding.
    pub last_seen: Option<Timestamp>,
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
