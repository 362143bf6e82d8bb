//! What a detection produces: an explained [`Finding`] with its evidence.

use std::sync::Arc;

use rmmguard_events::{SourceRef, Timestamp};

use crate::{Authorization, Fact, FactKey, Rule, Severity, Stage};

/// A tool as a finding names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ToolRef {
    /// Catalog id.
    pub id: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
}

/// One piece of evidence behind a finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Evidence {
    /// Where it is: file plus record, line or offset.
    pub source: SourceRef,
    /// When the event happened.
    pub timestamp: Option<Timestamp>,
    /// What the event was (`Sysmon 1 process start`, `System 7045 service install`).
    pub what: String,
}

/// An explained detection: which rule, about what, why, and the evidence.
///
/// Findings are aggregated: repeated hits of one rule on the same host,
/// tool and subject become one finding with a count and the first few
/// pieces of evidence (in file order).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// A deterministic id: the same rule about the same host, tool and
    /// subject has the same id in every run, however much evidence it has
    /// gathered (see [`finding_id`]). Empty until the detector names it.
    pub id: String,
    /// The rule that fired.
    pub rule: &'static Rule,
    /// The severity of this finding (the rule's default unless adjusted).
    pub severity: Severity,
    /// The chain stage this finding stands for: the rule's, unless the
    /// detector knew better (an unapproved tool seen only online is a session).
    pub stage: Option<Stage>,
    /// One line saying what was found, with names and values.
    pub summary: String,
    /// `host.name`, as first logged.
    pub host: Option<String>,
    /// `user.name` of the first event, if any.
    pub user: Option<String>,
    /// The site the evidence came from.
    pub site: Option<Arc<str>>,
    /// The tool, when the finding is about one.
    pub tool: Option<ToolRef>,
    /// The tenant, instance or relay, when the evidence shows one.
    pub tenant: Option<String>,
    /// How the policy judged the tool.
    pub authorization: Option<Authorization>,
    /// Earliest event time.
    pub first_seen: Option<Timestamp>,
    /// Latest event time.
    pub last_seen: Option<Timestamp>,
    /// How many events this finding aggregates.
    pub count: u64,
    /// The first few pieces of evidence, in file order.
    pub evidence: Vec<Evidence>,
    /// Why it fired: typed, named values from the evidence.
    pub facts: Vec<Fact>,
}

impl Finding {
    /// A finding of `rule` with its default severity and stage, one event,
    /// and nothing else known yet; detectors fill in the rest.
    pub fn new(rule: &'static Rule, summary: impl Into<String>) -> Finding {
        Finding {
            id: String::new(),
            rule,
            severity: rule.severity,
            stage: rule.stage,
            summary: summary.into(),
            host: None,
            user: None,
            site: None,
            tool: None,
            tenant: None,
            authorization: None,
            first_seen: None,
            last_seen: None,
            count: 1,
            evidence: Vec::new(),
            facts: Vec::new(),
        }
    }

    /// The first value of a fact, if the finding has it.
    pub fn fact(&self, key: FactKey) -> Option<&str> {
        self.facts
            .iter()
            .find(|fact| fact.key == key)
            .map(Fact::value)
    }

    /// Every value of a fact (empty if the finding does not have it).
    pub fn values(&self, key: FactKey) -> &[String] {
        self.facts
            .iter()
            .find(|fact| fact.key == key)
            .map_or(&[], |fact| fact.values.as_slice())
    }
}

/// The id of the finding that `parts` (rule id, host, tool, subject, …)
/// identify: `F` and 16 hex digits of their SHA-256, the parts separated by
/// a byte no text holds, so ("ab", "c") and ("a", "bc") differ. Callers
/// pass the host as the detector aggregates it (lowercase).
///
/// Stable across runs, versions and machines: a store, a SIEM or a hub can
/// use it to update a finding instead of adding it twice.
pub fn finding_id(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0x1f]);
    }
    let digest = hash.finalize();
    let mut id = String::with_capacity(17);
    id.push('F');
    for byte in digest.iter().take(8) {
        id.push_str(&format!("{byte:02x}"));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    #[test]
    fn new_takes_the_rule_defaults_and_facts_read_back() {
        let mut finding = Finding::new(rules::PORTABLE_RMM, "AnyDesk ran from Downloads");
        assert_eq!(finding.severity, Severity::High);
        assert_eq!(finding.stage, Some(Stage::PortableRmm));
        finding
            .facts
            .push(Fact::many(FactKey::RmmTenant, ["a", "b"]));
        assert_eq!(finding.fact(FactKey::RmmTenant), Some("a"));
        assert_eq!(finding.values(FactKey::RmmTenant), ["a", "b"]);
        assert_eq!(finding.fact(FactKey::TlsJa3), None);
        assert!(finding.values(FactKey::TlsJa3).is_empty());
    }

    #[test]
    fn finding_ids_are_stable_and_keep_parts_apart() {
        let id = finding_id(&["E005", "ws1", "anydesk", ""]);
        assert_eq!(id.len(), 17);
        assert!(id.starts_with('F'));
        assert_eq!(id, finding_id(&["E005", "ws1", "anydesk", ""]));
        assert_ne!(id, finding_id(&["E005", "ws1", "anydes", "k"]));
        assert_ne!(id, finding_id(&["E005", "ws2", "anydesk", ""]));
        // Pinned: a change here breaks every store and SIEM that keyed on ids.
        expect_test::expect!["F98937fea9a2844a0"].assert_eq(&id);
    }
}
