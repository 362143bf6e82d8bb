//! The AA23-025A chain, per host: findings that stand for chain stages,
//! clustered in time, become one incident when they show at least
//! `min_chain_stages` distinct stages.
//!
//! Banking visits only count inside a session: from the first portable run
//! or RMM session of the chain to its last sign plus `session_grace`.
//!
//! Score: 20 per stage; +20 when all stages fall within an hour, +10
//! within six; +15 for banking during the session; +10 for a lure mail.
//! Severity: critical with banking during an RMM session, high with three
//! or more stages, medium otherwise.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use rmmguard_findings::{
    FactKey, Finding, Incident, IncidentKind, Severity, Stage, TimelineEntry, ToolRef, rules,
};

use crate::stage;
use rmmguard_words::counted;

use crate::{Config, Entities, sorted, span};

/// One finding standing for one stage on one host.
struct Entry<'a> {
    finding: &'a Finding,
    stage: Stage,
}

/// Every chain incident in the findings.
pub fn chains(findings: &[Finding], entities: &Entities, config: &Config) -> Vec<Incident> {
    let mut by_host: BTreeMap<String, (String, Vec<Entry<'_>>)> = BTreeMap::new();
    for finding in findings {
        let (Some(stage), Some((key, name))) = (stage::of(finding), entities.host_of(finding))
        else {
            continue;
        };
        by_host
            .entry(key)
            .or_insert_with(|| (name, Vec::new()))
            .1
            .push(Entry { finding, stage });
    }
    let mut incidents = Vec::new();
    for (_, (host, mut entries)) in by_host {
        // RMM infrastructure reached by a non-RMM process is the download
        // step when the tool then ran portably; otherwise it is the session
        // itself, held in memory.
        let portable = entries.iter().any(|e| e.stage == Stage::PortableRmm);
        for entry in &mut entries {
            if entry.finding.rule.id == rules::NON_RMM_PROCESS_RMM_INFRA.id && !portable {
                entry.stage = Stage::RmmSession;
            }
        }
        entries.sort_by_key(|e| (e.finding.first_seen, e.stage));
        let (banking, steps): (Vec<Entry<'_>>, Vec<Entry<'_>>) =
            entries.into_iter().partition(|e| e.stage == Stage::Banking);
        for cluster in clusters(steps, config.chain_window) {
            if let Some(incident) = chain(&host, cluster, &banking, config) {
                incidents.push(incident);
            }
        }
    }
    incidents
}

/// Splits time-ordered entries where the next one is more than `window`
/// after the first of the current cluster.
fn clusters(entries: Vec<Entry<'_>>, window: SignedDuration) -> Vec<Vec<Entry<'_>>> {
    let mut clusters: Vec<Vec<Entry<'_>>> = Vec::new();
    let mut start: Option<Timestamp> = None;
    for entry in entries {
        let time = entry.finding.first_seen;
        let fits = match (start, time) {
            (Some(start), Some(time)) => time.duration_since(start) <= window,
            _ => true,
        };
        match clusters.last_mut() {
            Some(cluster) if fits => cluster.push(entry),
            _ => {
                start = time;
                clusters.push(vec![entry]);
            }
        }
        if start.is_none() {
            start = time;
        }
    }
    clusters
}

fn chain<'a>(
    host: &str,
    mut entries: Vec<Entry<'a>>,
    banking: &[Entry<'a>],
    config: &Config,
) -> Option<Incident> {
    let session: Vec<&Entry<'_>> = entries
        .iter()
        .filter(|e| matches!(e.stage, Stage::PortableRmm | Stage::RmmSession))
        .collect();
    let session_start = session.iter().filter_map(|e| e.finding.first_seen).min();
    let session_end = session
        .iter()
        .filter_map(|e| e.finding.last_seen.or(e.finding.first_seen))
        .max()
        .and_then(|end| end.checked_add(config.session_grace).ok());
    let during: Vec<&Entry<'_>> = match (session_start, session_end) {
        (Some(start), Some(end)) => banking
            .iter()
            .filter(|e| {
                let first = e.finding.first_seen.unwrap_or(start);
                let last = e.finding.last_seen.unwrap_or(first);
                first <= end && last >= start
            })
            .collect(),
        _ => Vec::new(),
    };
    let tool = session
        .iter()
        .find_map(|e| e.finding.tool.clone())
        .or_else(|| entries.iter().find_map(|e| e.finding.tool.clone()));
    for entry in during {
        entries.push(Entry {
            finding: entry.finding,
            stage: Stage::Banking,
        });
    }
    let mut stages: Vec<Stage> = entries.iter().map(|e| e.stage).collect();
    stages.sort();
    stages.dedup();
    if stages.len() < config.min_chain_stages {
        return None;
    }
    entries.sort_by_key(|e| (e.finding.first_seen, e.stage));
    let timeline: Vec<TimelineEntry> = entries
        .iter()
        .map(|e| TimelineEntry::of(e.finding, Some(e.stage)))
        .collect();
    let findings: Vec<&Finding> = entries.iter().map(|e| e.finding).collect();
    let (first_seen, last_seen) = span(&timeline, &findings);
    let (score, reasons, severity) = score(&stages, first_seen, last_seen, &findings);
    let tenant = findings.iter().find_map(|f| f.tenant.clone());
    Some(Incident {
        id: String::new(),
        kind: IncidentKind::Chain,
        title: title(host, &stages, tool.as_ref()),
        severity,
        score,
        reasons,
        hosts: vec![host.to_owned()],
        sites: sorted(
            findings
                .iter()
                .filter_map(|f| f.site.as_deref().map(str::to_owned)),
        ),
        tool,
        tenant,
        indicator: None,
        stages,
        timeline,
        first_seen,
        last_seen,
    })
}

fn title(host: &str, stages: &[Stage], tool: Option<&ToolRef>) -> String {
    let path: Vec<&str> = stages.iter().map(|s| s.as_str()).collect();
    match tool {
        Some(tool) => format!(
            "AA23-025A chain on {host} with {}: {}",
            tool.name,
            path.join(" → ")
        ),
        None => format!("AA23-025A chain on {host}: {}", path.join(" → ")),
    }
}

fn score(
    stages: &[Stage],
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    findings: &[&Finding],
) -> (u32, Vec<String>, Severity) {
    let names: Vec<&str> = stages.iter().map(|s| s.as_str()).collect();
    let mut score = 20 * stages.len() as u32;
    let mut reasons = vec![format!(
        "{} of 6 chain stages: {}",
        stages.len(),
        names.join(", ")
    )];
    if let (Some(first), Some(last)) = (first, last) {
        let spread = last.duration_since(first);
        let minutes = spread.as_secs() / 60;
        if spread <= SignedDuration::from_hours(1) {
            score += 20;
            reasons.push(format!("all within {}", counted(minutes, "minute")));
        } else if spread <= SignedDuration::from_hours(6) {
            score += 10;
            reasons.push(format!(
                "all within {}",
                counted((minutes + 59) / 60, "hour")
            ));
        }
    }
    let banking = stages.contains(&Stage::Banking);
    let session = stages
        .iter()
        .any(|s| matches!(s, Stage::PortableRmm | Stage::RmmSession));
    if banking {
        score += 15;
        let sites: Vec<String> = sorted(
            findings
                .iter()
                .filter(|f| f.rule.id == "E016")
                .filter_map(|f| f.fact(FactKey::FinancialSite).map(str::to_owned)),
        );
        reasons.push(format!(
            "banking sites visited during the RMM session: {}",
            sites.join(", ")
        ));
    }
    if stages.contains(&Stage::LureMail) {
        score += 10;
        reasons.push("it began with a callback-phishing lure".into());
    }
    let severity = if banking && session {
        Severity::Critical
    } else if stages.len() >= 3 {
        Severity::High
    } else {
        Severity::Medium
    };
    (score, reasons, severity)
}
