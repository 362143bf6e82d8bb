//! The one indicator extractor: which values of a finding are indicators an
//! analyst compares across findings and sites, and blocks.
//!
//! The terminal summary, the HTML report, cross-site campaigns and the mail
//! indicator list all read indicators through [`indicators`], so a key
//! renamed in a detector cannot fall out of one of them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Finding;

/// What an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndicatorKind {
    /// An RMM tenant, instance, relay or account.
    Tenant,
    /// A value from an indicator list that matched.
    Indicator,
    /// A domain name (DNS, SNI, HTTP host, URL).
    Domain,
    /// A domain from a lure mail (sender, Reply-To, links).
    LureDomain,
    /// A server as the evidence names it (host name or address).
    Destination,
    /// A remote address.
    Ip,
    /// A JA3 TLS client fingerprint.
    Ja3,
    /// A JA4 TLS client fingerprint.
    Ja4,
    /// A file hash (SHA-256).
    FileHash,
    /// A phone number (E.164).
    Phone,
    /// A sender or Reply-To address.
    Sender,
}

impl IndicatorKind {
    /// The label used in listings (`tenant or relay`, `JA3`).
    pub fn label(self) -> &'static str {
        match self {
            IndicatorKind::Tenant => "tenant or relay",
            IndicatorKind::Indicator => "indicator",
            IndicatorKind::Domain => "domain",
            IndicatorKind::LureDomain => "lure domain",
            IndicatorKind::Destination => "destination",
            IndicatorKind::Ip => "ip",
            IndicatorKind::Ja3 => "JA3",
            IndicatorKind::Ja4 => "JA4",
            IndicatorKind::FileHash => "file hash",
            IndicatorKind::Phone => "phone number",
            IndicatorKind::Sender => "sender",
        }
    }
}

impl fmt::Display for IndicatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One indicator: its kind and its value, normalized (lower case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Indicator {
    /// What it is.
    pub kind: IndicatorKind,
    /// The value, lower case.
    pub value: String,
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.label(), self.value)
    }
}

/// Values that name no indicator (`absent` SNI, an empty value).
fn is_placeholder(value: &str) -> bool {
    value.is_empty() || value == "absent"
}

/// The indicators of one finding, sorted and without repeats: its tenant,
/// and every value of a fact whose key is an indicator key
/// ([`crate::FactKey::indicator`]).
pub fn indicators(finding: &Finding) -> Vec<Indicator> {
    let mut out = Vec::new();
    if let Some(tenant) = &finding.tenant {
        out.push(Indicator {
            kind: IndicatorKind::Tenant,
            value: tenant.to_lowercase(),
        });
    }
    for fact in &finding.facts {
        let Some(kind) = fact.key.indicator() else {
            continue;
        };
        for value in fact.values.iter().map(|v| v.trim()) {
            if !is_placeholder(value) {
                out.push(Indicator {
                    kind,
                    value: value.to_lowercase(),
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Fact, FactKey, rules};

    #[test]
    fn tenant_and_indicator_facts_lower_cased_once() {
        let mut finding = Finding::new(rules::RMM_CLOUD_CONTACTED, "x");
        finding.tenant = Some("Relay.Example".into());
        finding.facts = vec![
            Fact::new(FactKey::TlsJa3, "ABC"),
            Fact::many(FactKey::RmmTenant, ["relay.example", "other.example"]),
            Fact::new(FactKey::TlsServerName, "absent"),
            Fact::new(FactKey::ProcessExecutable, "C:\\x.exe"),
        ];
        let found: Vec<String> = indicators(&finding).iter().map(|i| i.to_string()).collect();
        assert_eq!(
            found,
            [
                "tenant or relay other.example",
                "tenant or relay relay.example",
                "JA3 abc"
            ]
        );
    }
}
