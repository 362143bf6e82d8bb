//! What a detection produces: an explained [`Finding`] with its evidence.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use rmmguard_events::{SourceRef, Timestamp};

use crate::rules::Rule;

/// How urgent a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Inventory and context; nothing to act on.
    Info,
    /// Worth a look when time allows.
    Low,
    /// Review soon.
    Medium,
    /// Act today.
    High,
    /// Act now.
    Critical,
}

impl Severity {
    /// Lower-case name (`high`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Severity, String> {
        match text.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!(
                "unknown severity {text:?} (expected info, low, medium, high or critical)"
            )),
        }
    }
}

/// How the policy judged the tool behind a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Authorization {
    /// No policy was given.
    Unreviewed,
    /// Authorized on this host, with this tenant.
    Authorized,
    /// Not authorized (tool, host or tenant).
    Unauthorized,
}

impl Authorization {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Authorization::Unreviewed => "unreviewed",
            Authorization::Authorized => "authorized",
            Authorization::Unauthorized => "unauthorized",
        }
    }
}

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
    /// The rule that fired.
    pub rule: &'static Rule,
    /// The severity of this finding (the rule's default unless adjusted).
    pub severity: Severity,
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
    /// Why it fired: named values from the evidence (`process.executable`, `reason`, …).
    pub facts: Vec<(String, String)>,
}

impl Finding {
    /// The value of a fact, if the finding has it.
    pub fn fact(&self, key: &str) -> Option<&str> {
        self.facts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("urgent".parse::<Severity>().is_err());
        assert_eq!(Severity::Medium.to_string(), "medium");
    }
}
