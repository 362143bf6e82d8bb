//! Incidents that group findings by tool and tenant across hosts: an
//! authorized tool on a foreign tenant or relay, and RMM sessions outside
//! the approved VPN/VDI paths.

use std::collections::BTreeMap;

use rmmguard_findings::{FactKey, Finding, Incident, IncidentKind, Severity, TimelineEntry};

use rmmguard_words::counted;

use crate::{Entities, sorted, span};

/// One incident per (tool, tenant) of the foreign-tenant findings (E004).
pub fn tenant_mismatches(findings: &[Finding], entities: &Entities) -> Vec<Incident> {
    grouped(
        findings,
        entities,
        |f| f.rule.name == "foreign-tenant",
        IncidentKind::TenantMismatch,
    )
}

/// One incident per (tool, tenant) of the approved-path findings.
pub fn approved_paths(findings: &[Finding], entities: &Entities) -> Vec<Incident> {
    grouped(
        findings,
        entities,
        |f| f.rule.name.contains("approved-path") && f.severity > Severity::Info,
        IncidentKind::ApprovedPath,
    )
}

fn grouped(
    findings: &[Finding],
    entities: &Entities,
    wanted: impl Fn(&Finding) -> bool,
    kind: IncidentKind,
) -> Vec<Incident> {
    let mut groups: BTreeMap<(String, String), Vec<&Finding>> = BTreeMap::new();
    for finding in findings.iter().filter(|f| wanted(f)) {
        let tool = finding
            .tool
            .as_ref()
            .map_or_else(String::new, |t| t.id.to_string());
        let tenant = finding
            .tenant
            .clone()
            .or_else(|| finding.fact(FactKey::DestinationAddress).map(str::to_owned))
            .unwrap_or_default();
        groups.entry((tool, tenant)).or_default().push(finding);
    }
    groups
        .into_values()
        .map(|group| incident(&group, entities, kind))
        .collect()
}

fn incident(group: &[&Finding], entities: &Entities, kind: IncidentKind) -> Incident {
    let mut timeline: Vec<TimelineEntry> =
        group.iter().map(|f| TimelineEntry::of(f, None)).collect();
    timeline.sort_by(|a, b| a.time.cmp(&b.time).then(a.summary.cmp(&b.summary)));
    let hosts = sorted(
        group
            .iter()
            .filter_map(|f| entities.host_of(f).map(|(_, name)| name)),
    );
    let sites = sorted(
        group
            .iter()
            .filter_map(|f| f.site.as_deref().map(str::to_owned)),
    );
    let tool = group.iter().find_map(|f| f.tool.clone());
    let tenant = group.iter().find_map(|f| {
        f.tenant
            .clone()
            .or_else(|| f.fact(FactKey::DestinationAddress).map(str::to_owned))
    });
    let (first_seen, last_seen) = span(&timeline, group);
    let tool_name = tool.as_ref().map_or("an RMM tool", |t| &t.name);
    let tenant_text = tenant.as_deref().unwrap_or("an unknown tenant");
    let (title, severity, base) = match kind {
        IncidentKind::TenantMismatch => (
            format!(
                "{tool_name} connected to foreign tenant {tenant_text} on {}",
                counted(hosts.len(), "host")
            ),
            Severity::Critical,
            80,
        ),
        _ => (
            format!(
                "{tool_name} sessions with {tenant_text} outside the approved paths on {}",
                counted(hosts.len(), "host")
            ),
            Severity::High,
            60,
        ),
    };
    let mut reasons = vec![format!(
        "{} on {}",
        counted(group.len(), "finding"),
        hosts.join(", ")
    )];
    if sites.len() > 1 {
        reasons.push(format!(
            "seen at {}: {}",
            counted(sites.len(), "site"),
            sites.join(", ")
        ));
    }
    Incident {
        id: String::new(),
        kind,
        title,
        severity,
        score: base + 5 * hosts.len() as u32,
        reasons,
        hosts,
        sites,
        tool,
        tenant,
        indicator: None,
        stages: Vec::new(),
        timeline,
        first_seen,
        last_seen,
    }
}
