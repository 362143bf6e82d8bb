//! Indicators counted over a run's findings: what the terminal summary, the
//! HTML report and the mail indicator list show an analyst to block. Every
//! value comes from the one extractor, `rmmguard_findings::indicators`.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use rmmguard_findings::{Finding, IndicatorKind, Severity, indicators};

/// One indicator and how many findings named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// What it is.
    pub kind: IndicatorKind,
    /// The value, lower case.
    pub value: String,
    /// Findings that named it.
    pub findings: usize,
}

/// The indicators of the flagged (above info) findings, most named first,
/// then by kind and value.
pub fn flagged(findings: &[Finding]) -> Vec<Counted> {
    let mut counted = count(findings.iter().filter(|f| f.severity > Severity::Info));
    counted.sort_by(|a, b| {
        (Reverse(a.findings), a.kind.label(), &a.value).cmp(&(
            Reverse(b.findings),
            b.kind.label(),
            &b.value,
        ))
    });
    counted
}

/// The kinds an analyst blocks after a mail hunt.
const MAIL_KINDS: &[IndicatorKind] = &[
    IndicatorKind::Phone,
    IndicatorKind::Sender,
    IndicatorKind::LureDomain,
];

/// The phone numbers, senders and lure domains of the mail findings
/// (rule ids starting with `M`), by kind, then most named first, then by value.
pub fn mail(findings: &[Finding]) -> Vec<Counted> {
    let mut counted: Vec<Counted> = count(findings.iter().filter(|f| f.rule.id.starts_with('M')))
        .into_iter()
        .filter(|c| MAIL_KINDS.contains(&c.kind))
        .collect();
    counted.sort_by(|a, b| {
        (a.kind, Reverse(a.findings), &a.value).cmp(&(b.kind, Reverse(b.findings), &b.value))
    });
    counted
}

fn count<'a>(findings: impl Iterator<Item = &'a Finding>) -> Vec<Counted> {
    let mut counts: BTreeMap<(IndicatorKind, String), usize> = BTreeMap::new();
    for finding in findings {
        for indicator in indicators(finding) {
            *counts.entry((indicator.kind, indicator.value)).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|((kind, value), findings)| Counted {
            kind,
            value,
            findings,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use rmmguard_findings::{Fact, FactKey, rules};

    use super::*;

    fn mail_finding(phone: &str, from: &str) -> Finding {
        let mut finding = Finding::new(rules::MAIL_CALLBACK, "lure");
        finding.facts = vec![
            Fact::new(FactKey::PhoneE164, phone),
            Fact::new(FactKey::EmailFromAddress, from),
            Fact::new(FactKey::EmailSubject, "renewal"),
        ];
        finding
    }

    #[test]
    fn mail_indicators_by_kind_then_count() {
        let findings = [
            mail_finding("+18005550100", "a@x.example"),
            mail_finding("+18005550100", "b@x.example"),
            mail_finding("+18005550199", "a@x.example"),
        ];
        let listed: Vec<String> = mail(&findings)
            .iter()
            .map(|c| format!("{} {} {}", c.kind, c.value, c.findings))
            .collect();
        assert_eq!(
            listed,
            [
                "phone number +18005550100 2",
                "phone number +18005550199 1",
                "sender a@x.example 2",
                "sender b@x.example 1",
            ]
        );
        assert_eq!(flagged(&findings)[0].findings, 2);
    }
}
