//! Detection quality against ground truth: the findings of a hunt over a
//! generated folder compared with its `truth.json`.
//!
//! A *flag* is a finding at or above a severity (low by default: info
//! findings are inventory, not alarms), keyed by (rule, host, tool). Each
//! expected flag in the truth is a true positive when some finding has its
//! key, a miss otherwise; every flag no expectation names is a false positive.
//! Expectations whose detector does not exist yet are pending: listed, not scored.

use std::collections::{BTreeMap, BTreeSet};

use rmmguard_findings::{Finding, Incident, IncidentKind, Severity, Stage};
use rmmguard_simulate::truth::{Expect, Truth};
use rmmguard_sinks::text::{Block, Document, Table};

/// The identity of a flag: rule, host (lower-case), tool.
pub type FlagKey = (String, String, Option<String>);

/// True positives, false positives and misses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Expected and found.
    pub true_positives: u64,
    /// Found, not expected.
    pub false_positives: u64,
    /// Expected, not found.
    pub misses: u64,
}

impl Counts {
    /// TP / (TP + FP); 1.0 when nothing was flagged.
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// TP / (TP + FN); 1.0 when nothing was expected.
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.misses)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// `numerator / denominator`, 1 when there is nothing to count (no
/// expectation missed, no flag wrong).
pub(crate) fn ratio(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        1.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Over every rule.
    pub overall: Counts,
    /// Per rule id.
    pub per_rule: BTreeMap<String, Counts>,
    /// Flags nobody expected, with their summaries.
    pub false_positives: Vec<(FlagKey, String)>,
    /// Expectations nothing matched.
    pub misses: Vec<FlagKey>,
    /// Expectations waiting for detectors not built yet.
    pub pending: Vec<Expect>,
}

fn key_of_expect(expect: &Expect) -> FlagKey {
    (
        expect.rule.clone(),
        expect.host.to_lowercase(),
        expect.tool.clone(),
    )
}

/// Mail findings name no host but the mailbox (their user), as the truth does.
fn key_of_finding(finding: &Finding) -> FlagKey {
    (
        finding.rule.id.to_owned(),
        finding
            .host
            .as_deref()
            .or(finding.user.as_deref())
            .unwrap_or("")
            .to_lowercase(),
        finding.tool.as_ref().map(|t| t.id.to_string()),
    )
}

/// Scores findings against the truth, counting findings at or above `min` as flags.
pub fn score(truth: &Truth, findings: &[Finding], min: Severity) -> Score {
    let mut expected = BTreeSet::new();
    let mut score = Score::default();
    for expect in truth.activities.iter().flat_map(|a| &a.expect) {
        if expect.pending {
            score.pending.push(expect.clone());
        } else {
            expected.insert(key_of_expect(expect));
        }
    }
    let mut flagged: BTreeMap<FlagKey, String> = BTreeMap::new();
    for finding in findings.iter().filter(|f| f.severity >= min) {
        flagged
            .entry(key_of_finding(finding))
            .or_insert_with(|| finding.summary.clone());
    }
    for key in &expected {
        let counts = score.per_rule.entry(key.0.clone()).or_default();
        if flagged.contains_key(key) {
            counts.true_positives += 1;
        } else {
            counts.misses += 1;
            score.misses.push(key.clone());
        }
    }
    for (key, summary) in flagged {
        if !expected.contains(&key) {
            score
                .per_rule
                .entry(key.0.clone())
                .or_default()
                .false_positives += 1;
            score.false_positives.push((key, summary));
        }
    }
    for counts in score.per_rule.values() {
        score.overall.true_positives += counts.true_positives;
        score.overall.false_positives += counts.false_positives;
        score.overall.misses += counts.misses;
    }
    score
}

/// An expected incident: its kind, host (chains) or tool and tenant, and stages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExpectedIncident {
    /// What kind.
    pub kind: IncidentKind,
    /// The key: the host's short name for chains, `tool|tenant` for tenant mismatches.
    pub key: String,
    /// Chain stages that must all be present.
    pub stages: Vec<Stage>,
}

/// Incident-level quality: planted chains, foreign tenants and cross-site
/// campaigns against the incidents of a hunt.
#[derive(Debug, Clone, Default)]
pub struct IncidentScore {
    /// Over every incident kind scored.
    pub overall: Counts,
    /// Incidents nothing planted explains: (id, title).
    pub false_positives: Vec<(String, String)>,
    /// Planted incidents no incident matched (or matched without every stage).
    pub misses: Vec<ExpectedIncident>,
}

fn short(host: &str) -> String {
    host.split('.').next().unwrap_or(host).to_lowercase()
}

/// The incidents a truth file implies: one chain per planted chain (with the
/// stages its activities name), one tenant mismatch per (tool, tenant) whose
/// activities expect a foreign-tenant finding.
pub fn expected_incidents(truth: &Truth) -> Vec<ExpectedIncident> {
    let mut chains: BTreeMap<&str, ExpectedIncident> = BTreeMap::new();
    let mut tenants = BTreeSet::new();
    let mut campaigns: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for activity in &truth.activities {
        if let Some(campaign) = &activity.campaign {
            campaigns
                .entry(campaign)
                .or_default()
                .insert(activity.site.clone());
        }
        if let Some(chain) = &activity.chain {
            let expected = chains.entry(chain).or_insert_with(|| ExpectedIncident {
                kind: IncidentKind::Chain,
                key: short(&activity.host),
                stages: Vec::new(),
            });
            if let Some(stage) = Stage::from_name(&activity.stage)
                && !expected.stages.contains(&stage)
            {
                expected.stages.push(stage);
                expected.stages.sort();
            }
        }
        if activity
            .expect
            .iter()
            .any(|e| e.rule == "E004" && !e.pending)
            && let (Some(tool), Some(tenant)) = (&activity.tool, &activity.tenant)
        {
            tenants.insert(ExpectedIncident {
                kind: IncidentKind::TenantMismatch,
                key: format!("{tool}|{}", tenant.to_lowercase()),
                stages: Vec::new(),
            });
        }
    }
    let mut out: Vec<ExpectedIncident> = chains.into_values().collect();
    out.extend(tenants);
    out.extend(
        campaigns
            .into_values()
            .filter(|sites| sites.len() > 1)
            .map(|sites| ExpectedIncident {
                kind: IncidentKind::Campaign,
                key: sites.into_iter().collect::<Vec<_>>().join(","),
                stages: Vec::new(),
            }),
    );
    out
}

/// Scores chain and tenant-mismatch incidents against the truth.
pub fn score_incidents(truth: &Truth, incidents: &[Incident]) -> IncidentScore {
    let expected = expected_incidents(truth);
    let mut score = IncidentScore::default();
    let mut matched = vec![false; incidents.len()];
    for want in &expected {
        let found = incidents.iter().enumerate().find(|(i, incident)| {
            !matched[*i] && incident.kind == want.kind && incident_key(incident) == want.key
        });
        match found {
            Some((i, incident)) if want.stages.iter().all(|s| incident.stages.contains(s)) => {
                matched[i] = true;
                score.overall.true_positives += 1;
            }
            _ => {
                score.overall.misses += 1;
                score.misses.push(want.clone());
            }
        }
    }
    for (incident, matched) in incidents.iter().zip(matched) {
        let scored = matches!(
            incident.kind,
            IncidentKind::Chain | IncidentKind::TenantMismatch
        );
        if scored && !matched {
            score.overall.false_positives += 1;
            score
                .false_positives
                .push((incident.id.clone(), incident.title.clone()));
        }
    }
    score
}

fn incident_key(incident: &Incident) -> String {
    match incident.kind {
        IncidentKind::Chain => incident.hosts.first().map(|h| short(h)).unwrap_or_default(),
        IncidentKind::Campaign => incident.sites.join(","),
        _ => format!(
            "{}|{}",
            incident.tool.as_ref().map_or("", |t| &*t.id),
            incident.tenant.as_deref().unwrap_or("").to_lowercase()
        ),
    }
}

/// The evaluation as a text document (written by `rmmguard_sinks::text`):
/// overall and per-rule precision and recall, what went wrong, and the
/// incident score.
pub fn document(score: &Score, incidents: &IncidentScore) -> Document {
    let mut blocks = Vec::new();
    let o = &score.overall;
    blocks.push(Block::Line(format!("precision: {:.3}", o.precision())));
    blocks.push(Block::Line(format!("recall: {:.3}", o.recall())));
    blocks.push(Block::Line(format!("f1: {:.3}", o.f1())));
    blocks.push(Block::Line(format!(
        "({} true positives, {} false positives, {} misses)",
        o.true_positives, o.false_positives, o.misses
    )));
    blocks.push(Block::Blank);
    let rows = score
        .per_rule
        .iter()
        .map(|(rule, c)| {
            vec![
                rule.clone(),
                c.true_positives.to_string(),
                c.false_positives.to_string(),
                c.misses.to_string(),
                format!("{:.3}", c.precision()),
                format!("{:.3}", c.recall()),
                format!("{:.3}", c.f1()),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table::new(
        &["RULE", ">TP", ">FP", ">FN", ">PRECISION", ">RECALL", ">F1"],
        rows,
    )));
    let show = |key: &FlagKey| {
        format!(
            "{} on {} ({})",
            key.0,
            key.1,
            key.2.as_deref().unwrap_or("-")
        )
    };
    let mut list = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            blocks.push(Block::Blank);
            blocks.push(Block::Line(title.to_owned()));
            blocks.extend(
                lines
                    .into_iter()
                    .map(|line| Block::Line(format!("  {line}"))),
            );
        }
    };
    list(
        "false positives:",
        score
            .false_positives
            .iter()
            .map(|(key, summary)| format!("{}: {summary}", show(key)))
            .collect(),
    );
    list("misses:", score.misses.iter().map(show).collect());
    list(
        "pending (need detectors not built yet; not scored):",
        score
            .pending
            .iter()
            .map(|expect| {
                format!(
                    "{} on {} ({}): {}",
                    expect.rule,
                    expect.host,
                    expect.tool.as_deref().unwrap_or("-"),
                    expect.needs.as_deref().unwrap_or("")
                )
            })
            .collect(),
    );
    let o = &incidents.overall;
    blocks.push(Block::Blank);
    blocks.push(Block::Line(format!(
        "incidents: precision {:.3}, recall {:.3} ({} true positives, {} false positives, {} misses)",
        o.precision(),
        o.recall(),
        o.true_positives,
        o.false_positives,
        o.misses
    )));
    for (id, title) in &incidents.false_positives {
        blocks.push(Block::Line(format!("  unexpected incident {id}: {title}")));
    }
    for expected in &incidents.misses {
        let stages: Vec<&str> = expected.stages.iter().map(|s| s.as_str()).collect();
        blocks.push(Block::Line(format!(
            "  missed {} {} (stages: {})",
            expected.kind.as_str(),
            expected.key,
            stages.join(", ")
        )));
    }
    Document(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios() {
        let counts = Counts {
            true_positives: 3,
            false_positives: 1,
            misses: 0,
        };
        assert_eq!(counts.precision(), 0.75);
        assert_eq!(counts.recall(), 1.0);
        assert!((counts.f1() - 6.0 / 7.0).abs() < 1e-9);
        assert_eq!(Counts::default().precision(), 1.0);
    }
}
