//! The view across sites (networks) that EINSTEIN gave CISA: findings
//! grouped by site, and the indicators (domains, remote IPs, tenants and
//! relays, JA3/JA4 fingerprints, IOC values) that findings at more than one
//! site share: "related activity on N other networks".
//!
//! A pure function of the findings, so any sink can show it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rmmguard_findings::{Finding, Indicator, IndicatorKind, Severity, indicators};

/// Findings of one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSummary {
    /// The site's name.
    pub site: Arc<str>,
    /// Findings at each severity, most severe first (only those present).
    pub by_severity: Vec<(Severity, usize)>,
    /// Distinct hosts with findings.
    pub hosts: usize,
}

/// An indicator seen in findings at more than one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedIndicator {
    /// What it is.
    pub kind: IndicatorKind,
    /// The value, lower case.
    pub value: String,
    /// The sites, sorted.
    pub sites: Vec<Arc<str>>,
}

/// Findings by site and the indicators sites share.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteOverview {
    /// One entry per site with findings, sorted by name.
    pub sites: Vec<SiteSummary>,
    /// Indicators seen at two or more sites: most sites first, then by kind and value.
    pub shared: Vec<SharedIndicator>,
}

impl SiteOverview {
    /// Whether any finding had a site.
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }
}

/// Findings per severity and the hosts seen, for one site.
type SiteTally = (BTreeMap<Severity, usize>, BTreeSet<String>);

/// Groups findings by site and finds the indicators sites share.
pub fn overview(findings: &[Finding]) -> SiteOverview {
    let mut by_site: BTreeMap<Arc<str>, SiteTally> = BTreeMap::new();
    let mut shared_by: BTreeMap<(IndicatorKind, String), BTreeSet<Arc<str>>> = BTreeMap::new();
    for finding in findings {
        let Some(site) = &finding.site else { continue };
        let (severities, hosts) = by_site.entry(Arc::clone(site)).or_default();
        *severities.entry(finding.severity).or_default() += 1;
        if let Some(host) = &finding.host {
            hosts.insert(host.to_lowercase());
        }
        for Indicator { kind, value } in indicators(finding) {
            shared_by
                .entry((kind, value))
                .or_default()
                .insert(Arc::clone(site));
        }
    }
    let sites = by_site
        .into_iter()
        .map(|(site, (severities, hosts))| SiteSummary {
            site,
            by_severity: severities.into_iter().rev().collect(),
            hosts: hosts.len(),
        })
        .collect();
    let mut shared: Vec<SharedIndicator> = shared_by
        .into_iter()
        .filter(|(_, sites)| sites.len() > 1)
        .map(|((kind, value), sites)| SharedIndicator {
            kind,
            value,
            sites: sites.into_iter().collect(),
        })
        .collect();
    shared.sort_by(|a, b| {
        b.sites
            .len()
            .cmp(&a.sites.len())
            .then(a.kind.cmp(&b.kind))
            .then(a.value.cmp(&b.value))
    });
    SiteOverview { sites, shared }
}

#[cfg(test)]
mod tests {
    use rmmguard_findings::{Fact, FactKey, rules};

    use super::*;

    fn finding(site: &str, host: &str, facts: &[(FactKey, &str)]) -> Finding {
        let mut finding = Finding::new(rules::ALL[0], "");
        finding.severity = Severity::High;
        finding.host = Some(host.into());
        finding.site = Some(Arc::from(site));
        finding.facts = facts.iter().map(|&(k, v)| Fact::new(k, v)).collect();
        finding
    }

    #[test]
    fn shared_indicators_across_sites() {
        let findings = [
            finding(
                "hq",
                "10.0.0.5",
                &[(FactKey::DestinationDomain, "relay-1.net.anydesk.com")],
            ),
            finding(
                "branch",
                "10.1.0.9",
                &[(FactKey::DestinationDomain, "Relay-1.net.anydesk.com")],
            ),
            finding("branch", "10.1.0.9", &[(FactKey::RemoteIp, "203.0.113.7")]),
            finding("lab", "10.2.0.1", &[(FactKey::RemoteIp, "203.0.113.8")]),
        ];
        let view = overview(&findings);
        assert_eq!(view.sites.len(), 3);
        assert_eq!(view.sites[0].site.as_ref(), "branch");
        assert_eq!(view.sites[0].by_severity, [(Severity::High, 2)]);
        assert_eq!(view.sites[0].hosts, 1);
        assert_eq!(
            view.shared,
            [SharedIndicator {
                kind: IndicatorKind::Domain,
                value: "relay-1.net.anydesk.com".into(),
                sites: vec![Arc::from("branch"), Arc::from("hq")],
            }]
        );
        assert!(overview(&[]).is_empty());
    }
}
