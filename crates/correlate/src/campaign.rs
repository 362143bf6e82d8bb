//! Cross-site campaigns: the same indicator — a relay or tenant, a domain,
//! an IP, a TLS fingerprint, a file hash, a phone number — in findings from
//! several sites is one campaign, "related activity on N other networks".
//! Indicators come from the one extractor, `rmmguard_findings::indicators`.

use std::collections::{BTreeMap, BTreeSet};

use rmmguard_findings::{Finding, Incident, IncidentKind, Severity, TimelineEntry, indicators};

use rmmguard_words::counted;

use crate::{sorted, span};

/// The indicators a group of sites and hosts share, and the findings naming them.
type SharedIndicators<'a> = (Vec<String>, Vec<&'a Finding>);

/// One incident per group of indicators seen in flagged findings at two or
/// more sites: indicators shared by the same sites and hosts (a relay and
/// the lure domain of one campaign) make one incident, not one each.
pub fn campaigns(findings: &[Finding]) -> Vec<Incident> {
    // Keyed by (label, value) so indicators list in the same order in titles.
    let mut by_indicator: BTreeMap<(&'static str, String), Vec<&Finding>> = BTreeMap::new();
    for finding in findings
        .iter()
        .filter(|f| f.severity > Severity::Info && f.site.is_some())
    {
        for indicator in indicators(finding) {
            by_indicator
                .entry((indicator.kind.label(), indicator.value))
                .or_default()
                .push(finding);
        }
    }
    // (sites, hosts) → the indicators they share, and the findings naming them.
    let mut groups: BTreeMap<(Vec<String>, Vec<String>), SharedIndicators> = BTreeMap::new();
    for ((kind, value), group) in by_indicator {
        let sites: BTreeSet<String> = group
            .iter()
            .filter_map(|f| f.site.as_deref().map(str::to_owned))
            .collect();
        if sites.len() < 2 {
            continue;
        }
        let hosts = sorted(group.iter().filter_map(|f| f.host.clone()));
        let entry = groups
            .entry((sites.into_iter().collect(), hosts))
            .or_default();
        entry.0.push(format!("{kind} {value}"));
        for finding in group {
            if !entry.1.iter().any(|f| std::ptr::eq(*f, finding)) {
                entry.1.push(finding);
            }
        }
    }
    groups
        .into_iter()
        .map(|((sites, hosts), (shared, group))| campaign(sites, hosts, shared, &group))
        .collect()
}

fn campaign(
    sites: Vec<String>,
    hosts: Vec<String>,
    shared: Vec<String>,
    group: &[&Finding],
) -> Incident {
    let mut timeline: Vec<TimelineEntry> =
        group.iter().map(|f| TimelineEntry::of(f, None)).collect();
    timeline.sort_by(|a, b| a.time.cmp(&b.time).then(a.summary.cmp(&b.summary)));
    let (first_seen, last_seen) = span(&timeline, group);
    let tenant = shared
        .iter()
        .find_map(|s| s.strip_prefix("tenant or relay ").map(str::to_owned));
    Incident {
        id: String::new(),
        kind: IncidentKind::Campaign,
        title: format!(
            "Related activity on {} networks ({}): {}",
            sites.len(),
            sites.join(", "),
            shared.join("; ")
        ),
        severity: Severity::High,
        score: 50 + 10 * sites.len() as u32 + 5 * shared.len() as u32,
        reasons: vec![
            format!(
                "{} in {} at {}",
                counted(shared.len(), "shared indicator"),
                counted(group.len(), "finding"),
                counted(sites.len(), "site")
            ),
            format!(
                "hosts: {}",
                if hosts.is_empty() {
                    "-".to_owned()
                } else {
                    hosts.join(", ")
                }
            ),
        ],
        hosts,
        sites,
        tool: group.iter().find_map(|f| f.tool.clone()),
        tenant,
        indicator: shared.first().cloned(),
        stages: Vec::new(),
        timeline,
        first_seen,
        last_seen,
    }
}
