//! The wire schema: findings and incidents as they cross process
//! boundaries (JSON lines, CSV, the message bus, stores).
//!
//! [`FindingRecord`] and [`IncidentRecord`] are the only serialized forms;
//! internal types convert to them by hand, so the internals can change
//! without breaking what a SIEM ingests. Every record carries
//! [`SCHEMA_VERSION`]; `docs/SCHEMA.md` documents every field and
//! `schema/*.json` holds the JSON Schemas that tests check real output
//! against. Any change to a record is a version bump.

use std::borrow::Cow;
use std::fmt;

use rmmguard_events::{Location, SourceRef, Timestamp};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{
    Authorization, Evidence, Fact, FactKey, Finding, Incident, IncidentKind, Severity, Stage,
    TimelineEntry, ToolRef, rules,
};

/// The version of the finding and incident records; bumped on any change.
///
/// History: 1 — first release (facts as `key: "a, b"` strings);
/// 2 — typed facts with ECS names and a list of values each, the chain
/// `stage` on findings, `tool_name` on incidents; 3 — the finding's
/// deterministic `id`, named by incident timelines as `finding_id`.
pub const SCHEMA_VERSION: u32 = 3;

/// One finding as written to JSON lines (CSV flattens it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRecord {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The finding's deterministic id (`F` and 16 hex digits): the same in
    /// every run and as the finding grows (`rmmguard_findings::finding_id`).
    pub id: String,
    /// Rule id (`E005`).
    pub rule_id: String,
    /// Rule name (`portable-rmm`).
    pub rule: String,
    /// Rule title.
    pub title: String,
    /// ATT&CK technique.
    pub attack: String,
    /// How urgent.
    pub severity: Severity,
    /// The AA23-025A chain stage the finding stands for.
    pub stage: Option<Stage>,
    /// One line saying what was found.
    pub summary: String,
    /// Host name.
    pub host: Option<String>,
    /// User name.
    pub user: Option<String>,
    /// Site.
    pub site: Option<String>,
    /// Tool id.
    pub tool: Option<String>,
    /// Tool display name.
    pub tool_name: Option<String>,
    /// Tenant, instance or relay.
    pub tenant: Option<String>,
    /// How the policy judged the tool.
    pub authorization: Option<Authorization>,
    /// RFC 3339.
    pub first_seen: Option<Timestamp>,
    /// RFC 3339.
    pub last_seen: Option<Timestamp>,
    /// Events aggregated.
    pub count: u64,
    /// The first pieces of evidence, in file order.
    pub evidence: Vec<EvidenceRecord>,
    /// Named values explaining the finding: key → values, in the order the
    /// detector found them.
    #[serde(serialize_with = "facts_as_map", deserialize_with = "facts_from_map")]
    pub facts: Vec<Fact>,
}

/// One piece of evidence as written to JSON lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    /// Short reference an analyst can paste: `file#record`, `file:line`, `file@offset`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The file.
    pub file: String,
    /// EVTX record id, or record number.
    pub record_id: Option<u64>,
    /// 1-based line.
    pub line: Option<u64>,
    /// Byte offset.
    pub offset: Option<u64>,
    /// When the event happened.
    pub timestamp: Option<Timestamp>,
    /// What the event was.
    pub what: String,
}

/// One incident as written to JSON lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentRecord {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `I1`, `I2`, … within a run.
    pub id: String,
    /// What kind.
    pub kind: IncidentKind,
    /// One line saying what happened.
    pub title: String,
    /// How urgent.
    pub severity: Severity,
    /// The score the severity comes from.
    pub score: u32,
    /// Why it scored so.
    pub reasons: Vec<String>,
    /// Hosts involved.
    pub hosts: Vec<String>,
    /// Sites involved.
    pub sites: Vec<String>,
    /// Tool id.
    pub tool: Option<String>,
    /// Tool display name.
    pub tool_name: Option<String>,
    /// Tenant or relay.
    pub tenant: Option<String>,
    /// The shared indicator of a campaign.
    pub indicator: Option<String>,
    /// Chain stages present, in chain order.
    pub stages: Vec<Stage>,
    /// RFC 3339.
    pub first_seen: Option<Timestamp>,
    /// RFC 3339.
    pub last_seen: Option<Timestamp>,
    /// The findings, in time order.
    pub timeline: Vec<TimelineRecord>,
}

/// One timeline entry of an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineRecord {
    /// When it began.
    pub time: Option<Timestamp>,
    /// The stage it stands for.
    pub stage: Option<Stage>,
    /// The finding's id.
    pub finding_id: String,
    /// Rule id.
    pub rule_id: String,
    /// Severity.
    pub severity: Severity,
    /// Host.
    pub host: Option<String>,
    /// Site.
    pub site: Option<String>,
    /// Summary.
    pub summary: String,
    /// Evidence references (`file#record`, `file:line`, `file@offset`).
    pub evidence: Vec<String>,
}

/// A record that does not convert back into a [`Finding`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The record names a rule this build does not know.
    #[error("unknown rule id {0:?}")]
    UnknownRule(String),
    /// The record was written by a newer or older schema.
    #[error("schema version {found} (this build reads {SCHEMA_VERSION})")]
    SchemaVersion {
        /// The record's version.
        found: u32,
    },
}

impl From<&Finding> for FindingRecord {
    fn from(finding: &Finding) -> FindingRecord {
        FindingRecord {
            schema_version: SCHEMA_VERSION,
            id: finding.id.clone(),
            rule_id: finding.rule.id.to_owned(),
            rule: finding.rule.name.to_owned(),
            title: finding.rule.title.to_owned(),
            attack: finding.rule.attack.to_owned(),
            severity: finding.severity,
            stage: finding.stage,
            summary: finding.summary.clone(),
            host: finding.host.clone(),
            user: finding.user.clone(),
            site: finding.site.as_deref().map(str::to_owned),
            tool: finding.tool.as_ref().map(|t| t.id.to_string()),
            tool_name: finding.tool.as_ref().map(|t| t.name.to_string()),
            tenant: finding.tenant.clone(),
            authorization: finding.authorization,
            first_seen: finding.first_seen,
            last_seen: finding.last_seen,
            count: finding.count,
            evidence: finding.evidence.iter().map(EvidenceRecord::from).collect(),
            facts: merged(&finding.facts),
        }
    }
}

impl TryFrom<FindingRecord> for Finding {
    type Error = Error;

    fn try_from(record: FindingRecord) -> Result<Finding, Error> {
        if record.schema_version != SCHEMA_VERSION {
            return Err(Error::SchemaVersion {
                found: record.schema_version,
            });
        }
        let Some(rule) = rules::by_id(&record.rule_id) else {
            return Err(Error::UnknownRule(record.rule_id));
        };
        Ok(Finding {
            id: record.id,
            rule,
            severity: record.severity,
            stage: record.stage,
            summary: record.summary,
            host: record.host,
            user: record.user,
            site: record.site.map(|s| s.into()),
            tool: record.tool.map(|id| ToolRef {
                name: record.tool_name.as_deref().unwrap_or(&id).into(),
                id: id.into(),
            }),
            tenant: record.tenant,
            authorization: record.authorization,
            first_seen: record.first_seen,
            last_seen: record.last_seen,
            count: record.count,
            evidence: record.evidence.into_iter().map(Evidence::from).collect(),
            facts: record.facts,
        })
    }
}

impl From<&Evidence> for EvidenceRecord {
    fn from(evidence: &Evidence) -> EvidenceRecord {
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
            timestamp: evidence.timestamp,
            what: evidence.what.clone(),
        }
    }
}

impl From<EvidenceRecord> for Evidence {
    fn from(record: EvidenceRecord) -> Evidence {
        let location = match (record.record_id, record.line, record.offset) {
            (Some(record_id), _, Some(offset)) => Location::EvtxRecord { record_id, offset },
            (Some(n), _, None) => Location::Record(n),
            (None, Some(line), offset) => Location::Line {
                line,
                offset: offset.unwrap_or(0),
            },
            (None, None, offset) => Location::Offset(offset.unwrap_or(0)),
        };
        Evidence {
            source: SourceRef::new(record.file, location),
            timestamp: record.timestamp,
            what: record.what,
        }
    }
}

impl From<&Incident> for IncidentRecord {
    fn from(incident: &Incident) -> IncidentRecord {
        IncidentRecord {
            schema_version: SCHEMA_VERSION,
            id: incident.id.clone(),
            kind: incident.kind,
            title: incident.title.clone(),
            severity: incident.severity,
            score: incident.score,
            reasons: incident.reasons.clone(),
            hosts: incident.hosts.clone(),
            sites: incident.sites.clone(),
            tool: incident.tool.as_ref().map(|t| t.id.to_string()),
            tool_name: incident.tool.as_ref().map(|t| t.name.to_string()),
            tenant: incident.tenant.clone(),
            indicator: incident.indicator.clone(),
            stages: incident.stages.clone(),
            first_seen: incident.first_seen,
            last_seen: incident.last_seen,
            timeline: incident.timeline.iter().map(TimelineRecord::from).collect(),
        }
    }
}

impl From<&TimelineEntry> for TimelineRecord {
    fn from(entry: &TimelineEntry) -> TimelineRecord {
        TimelineRecord {
            time: entry.time,
            stage: entry.stage,
            finding_id: entry.finding.clone(),
            rule_id: entry.rule.to_owned(),
            severity: entry.severity,
            host: entry.host.clone(),
            site: entry.site.as_deref().map(str::to_owned),
            summary: entry.summary.clone(),
            evidence: entry
                .evidence
                .iter()
                .map(|e| e.source.to_string())
                .collect(),
        }
    }
}

/// Facts with each key once: later facts of a key add their new values.
fn merged(facts: &[Fact]) -> Vec<Fact> {
    let mut out: Vec<Fact> = Vec::with_capacity(facts.len());
    for fact in facts {
        match out.iter_mut().find(|known| known.key == fact.key) {
            Some(known) => {
                for value in &fact.values {
                    if !known.values.contains(value) {
                        known.values.push(value.clone());
                    }
                }
            }
            None => out.push(fact.clone()),
        }
    }
    out
}

fn facts_as_map<S: Serializer>(facts: &[Fact], serializer: S) -> Result<S::Ok, S::Error> {
    let facts = merged(facts);
    let mut map = serializer.serialize_map(Some(facts.len()))?;
    for fact in &facts {
        map.serialize_entry(&fact.key, &fact.values)?;
    }
    map.end()
}

fn facts_from_map<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Fact>, D::Error> {
    deserializer.deserialize_map(FactsVisitor)
}

/// Reads the facts map in its written order. Unknown keys (from a newer
/// build) are left out rather than refused, so an older reader still gets
/// every fact it knows.
struct FactsVisitor;

impl<'de> Visitor<'de> for FactsVisitor {
    type Value = Vec<Fact>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of fact names to lists of strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<Fact>, A::Error> {
        let mut facts = Vec::new();
        while let Some((name, values)) = map.next_entry::<Cow<'de, str>, Vec<String>>()? {
            if let Some(key) = FactKey::from_name(&name) {
                facts.push(Fact { key, values });
            }
        }
        Ok(facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Finding {
        let mut finding = Finding::new(rules::FOREIGN_TENANT, "ScreenConnect on a foreign relay");
        finding.host = Some("WS-01".into());
        finding.site = Some("hq".into());
        finding.tool = Some(ToolRef {
            id: "screenconnect".into(),
            name: "ScreenConnect".into(),
        });
        finding.tenant = Some("relay.crook.example".into());
        finding.authorization = Some(Authorization::Authorized);
        finding.first_seen = Some(Timestamp::from_second(1_700_000_000).unwrap());
        finding.evidence.push(Evidence {
            source: SourceRef::new(
                "a.evtx",
                Location::EvtxRecord {
                    record_id: 7,
                    offset: 4096,
                },
            ),
            timestamp: finding.first_seen,
            what: "Sysmon 1 process_start".into(),
        });
        finding.facts = vec![
            Fact::new(FactKey::RmmTenant, "relay.crook.example"),
            Fact::new(FactKey::Reason, "not ours"),
            Fact::new(FactKey::RmmTenant, "second.example"),
        ];
        finding
    }

    #[test]
    fn a_finding_round_trips_through_json() {
        let finding = sample();
        let json = serde_json::to_string(&FindingRecord::from(&finding)).unwrap();
        assert!(
            json.contains(r#""facts":{"rmm.tenant":["relay.crook.example","second.example"],"event.reason":["not ours"]}"#),
            "{json}"
        );
        assert!(json.contains(r#""stage":"rmm-session""#), "{json}");
        let back: FindingRecord = serde_json::from_str(&json).unwrap();
        let back = Finding::try_from(back).unwrap();
        let mut expected = finding;
        expected.facts = merged(&expected.facts);
        assert_eq!(back, expected);
    }

    #[test]
    fn unknown_rules_and_versions_are_refused() {
        let mut record = FindingRecord::from(&sample());
        record.rule_id = "X999".into();
        assert_eq!(
            Finding::try_from(record.clone()),
            Err(Error::UnknownRule("X999".into()))
        );
        record.schema_version = 1;
        assert_eq!(
            Finding::try_from(record),
            Err(Error::SchemaVersion { found: 1 })
        );
    }
}
