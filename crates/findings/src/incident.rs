//! Incidents: findings joined into a story an analyst acts on.

use std::fmt;
use std::sync::Arc;

use rmmguard_events::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{Evidence, Finding, Severity, Stage, ToolRef};

/// What kind of incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IncidentKind {
    /// The AA23-025A chain (or part of it) on one host.
    #[serde(rename = "aa23-025a-chain")]
    Chain,
    /// An authorized tool on a foreign tenant or relay.
    #[serde(rename = "tenant-mismatch")]
    TenantMismatch,
    /// RMM sessions outside the approved paths.
    #[serde(rename = "approved-path")]
    ApprovedPath,
    /// One indicator at several sites.
    #[serde(rename = "cross-site-campaign")]
    Campaign,
}

impl IncidentKind {
    /// Every kind.
    pub const ALL: [IncidentKind; 4] = [
        IncidentKind::Chain,
        IncidentKind::TenantMismatch,
        IncidentKind::ApprovedPath,
        IncidentKind::Campaign,
    ];

    /// Lower-case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::Chain => "aa23-025a-chain",
            IncidentKind::TenantMismatch => "tenant-mismatch",
            IncidentKind::ApprovedPath => "approved-path",
            IncidentKind::Campaign => "cross-site-campaign",
        }
    }
}

impl fmt::Display for IncidentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of an incident's timeline: a finding, in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    /// When it began.
    pub time: Option<Timestamp>,
    /// The chain stage it stands for, if any.
    pub stage: Option<Stage>,
    /// The finding's id ([`crate::finding_id`]).
    pub finding: String,
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
    /// The entry for a finding, standing for `stage` in this incident.
    pub fn of(finding: &Finding, stage: Option<Stage>) -> TimelineEntry {
        TimelineEntry {
            time: finding.first_seen,
            stage,
            finding: finding.id.clone(),
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
    /// Stable id within a run (`I1`, `I2`, … in severity order); `#N`, the
    /// incident's number, in the state of `watch` and `serve`.
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
