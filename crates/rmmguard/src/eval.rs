//! Detection quality against ground truth: the findings of a hunt over a
//! generated folder compared with its `truth.json`.
//!
//! A *flag* is a finding at or above a severity (low by default: info
//! findings are inventory, not alarms), keyed by (rule, host, tool). Each
//! expected flag in the truth is a true positive when some finding has its
//! key, a miss otherwise; every flag no expectation names is a false positive.
//! Expectations whose detector does not exist yet are pending: listed, not scored.

use std::collections::{BTreeMap, BTreeSet};

use rmmguard_detect::{Finding, Severity};
use rmmguard_simulate::truth::{Expect, Truth};

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

fn ratio(numerator: u64, denominator: u64) -> f64 {
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

fn key_of_finding(finding: &Finding) -> FlagKey {
    (
        finding.rule.id.to_owned(),
        finding.host.as_deref().unwrap_or("").to_lowercase(),
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
