//! What is forwarded: a finding or an incident as its wire record, with a
//! deterministic id that lets receivers drop a resend.

use rmmguard_findings::Severity;
use rmmguard_findings::wire::{FindingRecord, IncidentRecord};
use serde::{Deserialize, Serialize};

/// One record to forward, with its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Deterministic id: the same finding gets the same id in every run, so
    /// a receiver that keys on it (Elasticsearch `_id`) stores a resend once.
    pub id: String,
    /// The record.
    #[serde(flatten)]
    pub record: Record,
}

/// A finding or an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Record {
    /// A finding.
    Finding(Box<FindingRecord>),
    /// An incident.
    Incident(Box<IncidentRecord>),
}

impl Item {
    /// A finding with the id the caller keeps (the live engine's).
    pub fn finding(id: impl Into<String>, record: FindingRecord) -> Item {
        Item {
            id: id.into(),
            record: Record::Finding(Box::new(record)),
        }
    }

    /// An incident with the id the caller keeps.
    pub fn incident(id: impl Into<String>, record: IncidentRecord) -> Item {
        Item {
            id: id.into(),
            record: Record::Incident(Box::new(record)),
        }
    }

    /// A finding with [`finding_id`] as its id.
    pub fn from_finding(record: FindingRecord) -> Item {
        Item::finding(finding_id(&record), record)
    }

    /// An incident with [`incident_id`] as its id.
    pub fn from_incident(record: IncidentRecord) -> Item {
        Item::incident(incident_id(&record), record)
    }

    /// How urgent.
    pub fn severity(&self) -> Severity {
        match &self.record {
            Record::Finding(f) => f.severity,
            Record::Incident(i) => i.severity,
        }
    }

    /// `finding` or `incident`.
    pub fn kind(&self) -> &'static str {
        match &self.record {
            Record::Finding(_) => "finding",
            Record::Incident(_) => "incident",
        }
    }
}

/// A finding's id: the record's own deterministic `id` (schema 3: the same
/// for the same rule, host, tool and subject however much evidence it
/// gathers). A record without one (made by hand) gets a hash of rule, host,
/// tool, tenant and evidence references (`f-` and 32 hex digits, FNV-1a).
pub fn finding_id(record: &FindingRecord) -> String {
    if !record.id.is_empty() {
        return record.id.clone();
    }
    let mut hash = Fnv128::default();
    hash.field(&record.rule_id);
    hash.field(record.host.as_deref().unwrap_or(""));
    hash.field(record.tool.as_deref().unwrap_or(""));
    hash.field(record.tenant.as_deref().unwrap_or(""));
    for evidence in &record.evidence {
        hash.field(&evidence.reference);
    }
    format!("f-{}", hash.hex())
}

/// An incident's id when the caller has none: kind, hosts, tool, tenant,
/// indicator and the timeline's rules and evidence (`i-` and 32 hex digits).
/// The run-local `I1` is left out: it changes when other incidents do.
pub fn incident_id(record: &IncidentRecord) -> String {
    let mut hash = Fnv128::default();
    hash.field(record.kind.as_str());
    for host in &record.hosts {
        hash.field(host);
    }
    hash.field(record.tool.as_deref().unwrap_or(""));
    hash.field(record.tenant.as_deref().unwrap_or(""));
    hash.field(record.indicator.as_deref().unwrap_or(""));
    for entry in &record.timeline {
        hash.field(&entry.rule_id);
        for evidence in &entry.evidence {
            hash.field(evidence);
        }
    }
    format!("i-{}", hash.hex())
}

/// Two FNV-1a 64 lanes with different offsets: 128 bits, enough that ids of
/// one deployment do not collide by chance.
struct Fnv128 {
    lanes: [u64; 2],
}

impl Default for Fnv128 {
    fn default() -> Fnv128 {
        Fnv128 {
            lanes: [0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142],
        }
    }
}

impl Fnv128 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    /// Adds a field and a separator no field contains, so `("ab", "c")`
    /// and `("a", "bc")` differ.
    fn field(&mut self, text: &str) {
        for byte in text.bytes().chain([0xff]) {
            for lane in &mut self.lanes {
                *lane ^= u64::from(byte);
                *lane = lane.wrapping_mul(Self::PRIME);
            }
            self.lanes[1] = self.lanes[1].rotate_left(5);
        }
    }

    fn hex(&self) -> String {
        format!("{:016x}{:016x}", self.lanes[0], self.lanes[1])
    }
}

#[cfg(test)]
mod tests {
    use rmmguard_findings::{Finding, rules};

    use super::*;

    #[test]
    fn ids_are_stable_and_tell_findings_apart() {
        let mut finding = Finding::new(rules::PORTABLE_RMM, "AnyDesk ran from Downloads");
        finding.host = Some("WS-01".into());
        let a = FindingRecord::from(&finding);
        let mut b = a.clone();
        b.summary = "another wording".into();
        assert_eq!(finding_id(&a), finding_id(&b));
        assert_eq!(finding_id(&a).len(), 34);
        b.host = Some("WS-02".into());
        assert_ne!(finding_id(&a), finding_id(&b));
        // Pinned: a change here re-keys every stored document.
        assert_eq!(finding_id(&a), "f-02c7764289390a259571bba696e82517");
        let mut named = a.clone();
        named.id = "F98937fea9a2844a0".into();
        assert_eq!(
            finding_id(&named),
            "F98937fea9a2844a0",
            "the detector's id wins"
        );
    }

    #[test]
    fn items_round_trip_through_the_spool_form() {
        let finding = Finding::new(rules::PORTABLE_RMM, "x");
        let item = Item::from_finding(FindingRecord::from(&finding));
        let line = serde_json::to_string(&item).unwrap();
        assert!(line.starts_with(r#"{"id":"f-"#), "{line}");
        assert!(line.contains(r#""finding":{"schema_version":3"#), "{line}");
        assert_eq!(serde_json::from_str::<Item>(&line).unwrap(), item);
    }
}
