//! The output schema of a finding (JSON lines; CSV flattens it).

use std::collections::BTreeMap;

use rmmguard_detect::{Evidence, Finding};
use rmmguard_events::Location;
use serde::Serialize;

use crate::SCHEMA_VERSION;

/// One finding as written to JSON lines.
#[derive(Debug, Serialize)]
pub struct FindingRecord<'a> {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Rule id (`E005`).
    pub rule_id: &'a str,
    /// Rule name (`portable-rmm`).
    pub rule: &'a str,
    /// Rule title.
    pub title: &'a str,
    /// ATT&CK technique.
    pub attack: &'a str,
    /// `info` … `critical`.
    pub severity: &'a str,
    /// One line saying what was found.
    pub summary: &'a str,
    /// Host name.
    pub host: Option<&'a str>,
    /// User name.
    pub user: Option<&'a str>,
    /// Site.
    pub site: Option<&'a str>,
    /// Tool id.
    pub tool: Option<&'a str>,
    /// Tool display name.
    pub tool_name: Option<&'a str>,
    /// Tenant, instance or relay.
    pub tenant: Option<&'a str>,
    /// `authorized`, `unauthorized` or `unreviewed`.
    pub authorization: Option<&'a str>,
    /// RFC 3339.
    pub first_seen: Option<String>,
    /// RFC 3339.
    pub last_seen: Option<String>,
    /// Events aggregated.
    pub count: u64,
    /// The first pieces of evidence.
    pub evidence: Vec<EvidenceRecord<'a>>,
    /// Named values explaining the finding.
    pub facts: BTreeMap<&'a str, &'a str>,
}

/// One piece of evidence as written to JSON lines.
#[derive(Debug, Serialize)]
pub struct EvidenceRecord<'a> {
    /// Short reference an analyst can paste: `file#record`, `file:line`, `file@offset`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The file.
    pub file: String,
    /// EVTX record id.
    pub record_id: Option<u64>,
    /// 1-based line.
    pub line: Option<u64>,
    /// Byte offset.
    pub offset: Option<u64>,
    /// When the event happened.
    pub timestamp: Option<String>,
    /// What the event was.
    pub what: &'a str,
}

impl<'a> FindingRecord<'a> {
    /// Converts a finding.
    pub fn from_finding(finding: &'a Finding) -> FindingRecord<'a> {
        FindingRecord {
            schema_version: SCHEMA_VERSION,
            rule_id: finding.rule.id,
            rule: finding.rule.name,
            title: finding.rule.title,
            attack: finding.rule.attack,
            severity: finding.severity.as_str(),
            summary: &finding.summary,
            host: finding.host.as_deref(),
            user: finding.user.as_deref(),
            site: finding.site.as_deref(),
            tool: finding.tool.as_ref().map(|t| &*t.id),
            tool_name: finding.tool.as_ref().map(|t| &*t.name),
            tenant: finding.tenant.as_deref(),
            authorization: finding.authorization.map(|a| a.as_str()),
            first_seen: finding.first_seen.map(|t| t.to_string()),
            last_seen: finding.last_seen.map(|t| t.to_string()),
            count: finding.count,
            evidence: finding
                .evidence
                .iter()
                .map(EvidenceRecord::from_evidence)
                .collect(),
            facts: finding
                .facts
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }
}

impl<'a> EvidenceRecord<'a> {
    /// Converts one piece of evidence.
    pub fn from_evidence(evidence: &'a Evidence) -> EvidenceRecord<'a> {
        let (record_id, line) = match evidence.source.location {
            Location::EvtxRecord { record_id, .. } => (Some(record_id), None),
            Location::Record(n) => (Some(n), None),
            Location::Line { line, .. } => (None, Some(line)),
            Location::Offset(_) => (None, None),
        };
        EvidenceRecord {
            reference: evidence.source.to_string(),
            file: evidence.source.file.display().to_string(),
            record_id,
            line,
            offset: evidence.source.location.offset(),
            timestamp: evidence.timestamp.map(|t| t.to_string()),
            what: &evidence.what,
        }
    }
}
