//! The indicators an analyst blocks after a mail hunt, gathered from the
//! findings' facts: phone numbers (E.164), sender and Reply-To addresses,
//! and lure domains, each with how many findings named it.
//!
//! A pure function of the findings: the terminal summary lists the result,
//! and JSON lines already carry the same facts per finding (`mail.phone`,
//! `mail.from`, `mail.reply_to`, `mail.lure_domain`).

use rmmguard_detect::Finding;

/// Fact keys that hold indicators, and how each is labelled.
const KEYS: &[(&str, Kind)] = &[
    ("mail.phone", Kind::Phone),
    ("mail.from", Kind::Sender),
    ("mail.reply_to", Kind::Sender),
    ("mail.lure_domain", Kind::Domain),
];

/// What an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A phone number, E.164.
    Phone,
    /// A sender or Reply-To address.
    Sender,
    /// A domain from a lure (sender, Reply-To, links).
    Domain,
}

impl Kind {
    /// Plural label for listings.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Phone => "phone numbers",
            Kind::Sender => "sender addresses",
            Kind::Domain => "domains",
        }
    }
}

/// One indicator and how many findings named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// Phone, sender or domain.
    pub kind: Kind,
    /// The value.
    pub value: String,
    /// Findings that named it.
    pub findings: usize,
}

/// The indicators of the mail findings (rule ids starting with `M`), by
/// kind, then most named first, then by value.
pub fn mail_indicators(findings: &[Finding]) -> Vec<Indicator> {
    let mut out: Vec<Indicator> = Vec::new();
    for finding in findings.iter().filter(|f| f.rule.id.starts_with('M')) {
        for &(key, kind) in KEYS {
            let Some(values) = finding.fact(key) else {
                continue;
            };
            for value in values.split(", ").map(str::trim).filter(|v| !v.is_empty()) {
                match out.iter_mut().find(|i| i.kind == kind && i.value == value) {
                    Some(known) => known.findings += 1,
                    None => out.push(Indicator {
                        kind,
                        value: value.to_owned(),
                        findings: 1,
                    }),
                }
            }
        }
    }
    out.sort_by(|a, b| {
        (a.kind, std::cmp::Reverse(a.findings), &a.value).cmp(&(
            b.kind,
            std::cmp::Reverse(b.findings),
            &b.value,
        ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmmguard_detect::{Severity, rules};

    fn finding(rule: &'static rmmguard_detect::Rule, facts: &[(&str, &str)]) -> Finding {
        Finding {
            rule,
            severity: Severity::High,
            summary: String::new(),
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
            facts: facts
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn counted_and_ordered() {
        let findings = [
            finding(
                rules::MAIL_CALLBACK,
                &[("mail.phone", "+18035550186"), ("mail.from", "a@gmail.com")],
            ),
            finding(
                rules::MAIL_CALLBACK,
                &[
                    ("mail.phone", "+18035550186, +18455550100"),
                    ("mail.from", "b@x.example"),
                    ("mail.lure_domain", "x.example"),
                ],
            ),
            finding(rules::IOC_MATCH, &[("mail.from", "ignored@x.example")]),
        ];
        let indicators = mail_indicators(&findings);
        let listed: Vec<(Kind, &str, usize)> = indicators
            .iter()
            .map(|i| (i.kind, i.value.as_str(), i.findings))
            .collect();
        assert_eq!(listed.len(), 5);
        assert_eq!(listed[0], (Kind::Phone, "+18035550186", 2));
        assert_eq!(listed[4], (Kind::Domain, "x.example", 1));
    }
}
