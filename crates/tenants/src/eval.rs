//! Detection quality on a labelled dataset: precision and recall at the
//! review and suspend thresholds, a precision/recall curve over thresholds,
//! and how many tenants of each kind were flagged.
//!
//! Tenants labelled `banned` are already actioned (their `tenant_banned`
//! record is in the data) and are left out of both sides of the counts.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::Deserialize;

use crate::config::Thresholds;
use crate::error::Error;
use crate::score::Score;

/// Ground truth read from `truth.json`.
#[derive(Debug, Clone, Default)]
pub struct Truth {
    labels: BTreeMap<String, Label>,
}

/// One tenant's label.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Label {
    /// Whether the tenant is abusive.
    pub abusive: bool,
    /// Whether it was banned in the data (excluded from the counts).
    #[serde(default)]
    pub banned: bool,
    /// The generator's kind name.
    #[serde(default)]
    pub kind: String,
}

#[derive(Deserialize)]
struct TruthFile {
    labels: Vec<LabelRow>,
}

#[derive(Deserialize)]
struct LabelRow {
    tenant: String,
    #[serde(flatten)]
    label: Label,
}

impl Truth {
    /// Reads `truth.json`.
    ///
    /// # Errors
    ///
    /// The file cannot be read or is not a truth file.
    pub fn read(path: &Path) -> Result<Truth, Error> {
        let file = std::fs::File::open(path).map_err(|error| Error::io(path, error))?;
        let parsed: TruthFile = serde_json::from_reader(io::BufReader::new(file))
            .map_err(|error| Error::format(format!("not a truth file: {error}")).at(path))?;
        Ok(Truth {
            labels: parsed
                .labels
                .into_iter()
                .map(|row| (row.tenant, row.label))
                .collect(),
        })
    }

    /// Labels from pairs (for tests).
    pub fn from_labels(labels: impl IntoIterator<Item = (String, Label)>) -> Truth {
        Truth {
            labels: labels.into_iter().collect(),
        }
    }

    /// Tenants labelled.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether nothing is labelled.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// Counts at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Score at or above which a tenant is flagged.
    pub threshold: u32,
    /// Abusive and flagged.
    pub true_positives: u64,
    /// Legitimate and flagged.
    pub false_positives: u64,
    /// Abusive and not flagged.
    pub false_negatives: u64,
}

impl Point {
    /// Flagged tenants that are abusive (1 when none is flagged).
    pub fn precision(&self) -> f64 {
        let flagged = self.true_positives + self.false_positives;
        if flagged == 0 {
            1.0
        } else {
            self.true_positives as f64 / flagged as f64
        }
    }

    /// Abusive tenants that are flagged (1 when there are none).
    pub fn recall(&self) -> f64 {
        let abusive = self.true_positives + self.false_negatives;
        if abusive == 0 {
            1.0
        } else {
            self.true_positives as f64 / abusive as f64
        }
    }
}

/// Flag rate of one kind at the review threshold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KindRow {
    /// The kind.
    pub kind: String,
    /// Whether the kind is abusive.
    pub abusive: bool,
    /// Tenants of the kind.
    pub tenants: u64,
    /// Of those, flagged for review (or suspension).
    pub flagged: u64,
    /// Of those, at or above the suspend threshold.
    pub suspended: u64,
}

/// The evaluation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evaluation {
    /// The thresholds evaluated.
    pub thresholds: Thresholds,
    /// At the review threshold.
    pub review: Point,
    /// At the suspend threshold.
    pub suspend: Point,
    /// Every fifth threshold from 0.
    pub curve: Vec<Point>,
    /// Per kind, at the review threshold.
    pub kinds: Vec<KindRow>,
    /// Banned tenants left out.
    pub banned: u64,
    /// Labelled tenants with no score (no valid records), counted as 0.
    pub unscored: u64,
}

/// Compares scores with the truth.
pub fn evaluate(scores: &[Score], truth: &Truth, thresholds: Thresholds) -> Evaluation {
    let totals: BTreeMap<&str, u32> = scores
        .iter()
        .map(|s| (s.tenant.as_str(), s.total))
        .collect();
    let mut judged: Vec<(u32, &Label)> = Vec::with_capacity(truth.labels.len());
    let mut evaluation = Evaluation {
        thresholds,
        ..Evaluation::default()
    };
    for (tenant, label) in &truth.labels {
        if label.banned {
            evaluation.banned += 1;
            continue;
        }
        let total = totals.get(tenant.as_str()).copied().unwrap_or_else(|| {
            evaluation.unscored += 1;
            0
        });
        judged.push((total, label));
    }
    evaluation.review = point(&judged, thresholds.review);
    evaluation.suspend = point(&judged, thresholds.suspend);
    let top = judged.iter().map(|(total, _)| *total).max().unwrap_or(0);
    evaluation.curve = (0..=top + 5)
        .step_by(5)
        .map(|threshold| point(&judged, threshold))
        .collect();
    evaluation.kinds = kinds(&judged, thresholds);
    evaluation
}

fn point(judged: &[(u32, &Label)], threshold: u32) -> Point {
    let mut point = Point {
        threshold,
        ..Point::default()
    };
    for (total, label) in judged {
        match (*total >= threshold, label.abusive) {
            (true, true) => point.true_positives += 1,
            (true, false) => point.false_positives += 1,
            (false, true) => point.false_negatives += 1,
            (false, false) => {}
        }
    }
    point
}

fn kinds(judged: &[(u32, &Label)], thresholds: Thresholds) -> Vec<KindRow> {
    let mut rows: BTreeMap<(bool, &str), KindRow> = BTreeMap::new();
    for (total, label) in judged {
        let row = rows
            .entry((label.abusive, label.kind.as_str()))
            .or_insert_with(|| KindRow {
                kind: label.kind.clone(),
                abusive: label.abusive,
                ..KindRow::default()
            });
        row.tenants += 1;
        row.flagged += u64::from(*total >= thresholds.review);
        row.suspended += u64::from(*total >= thresholds.suspend);
    }
    rows.into_values().collect()
}

/// Writes the evaluation as a readable report.
///
/// # Errors
///
/// The writer fails.
pub fn write_text(out: &mut dyn Write, evaluation: &Evaluation) -> io::Result<()> {
    let line = |out: &mut dyn Write, name: &str, p: &Point| {
        writeln!(
            out,
            "{name:<8} threshold {:>3}: precision {:.4}  recall {:.4}  (tp {}, fp {}, fn {})",
            p.threshold,
            p.precision(),
            p.recall(),
            p.true_positives,
            p.false_positives,
            p.false_negatives
        )
    };
    line(out, "review", &evaluation.review)?;
    line(out, "suspend", &evaluation.suspend)?;
    writeln!(
        out,
        "(left out: {} banned tenants; {} labelled tenants had no records)",
        evaluation.banned, evaluation.unscored
    )?;
    writeln!(
        out,
        "\nprecision/recall curve (flagged = score >= threshold):"
    )?;
    writeln!(
        out,
        "{:>9} {:>9} {:>9} {:>8} {:>8} {:>8}",
        "threshold", "precision", "recall", "tp", "fp", "fn"
    )?;
    for p in &evaluation.curve {
        writeln!(
            out,
            "{:>9} {:>9.4} {:>9.4} {:>8} {:>8} {:>8}",
            p.threshold,
            p.precision(),
            p.recall(),
            p.true_positives,
            p.false_positives,
            p.false_negatives
        )?;
    }
    writeln!(
        out,
        "\nby kind (recall for abusive kinds, false-alarm rate for legitimate ones):"
    )?;
    writeln!(
        out,
        "  {:<8} {:<16} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "", "kind", "tenants", "review", "share", "suspend", "share"
    )?;
    for row in &evaluation.kinds {
        let share = |n: u64| {
            if row.tenants == 0 {
                0.0
            } else {
                n as f64 / row.tenants as f64
            }
        };
        let side = if row.abusive { "abusive" } else { "legit" };
        writeln!(
            out,
            "  {side:<8} {:<16} {:>7} {:>7} {:>7.3} {:>7} {:>7.3}",
            row.kind,
            row.tenants,
            row.flagged,
            share(row.flagged),
            row.suspended,
            share(row.suspended)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Verdict;

    fn score(tenant: &str, total: u32) -> Score {
        Score {
            idx: 0,
            tenant: tenant.into(),
            total,
            verdict: Verdict::Clear,
            reasons: Vec::new(),
        }
    }

    fn label(abusive: bool, banned: bool) -> Label {
        Label {
            abusive,
            banned,
            kind: if abusive {
                "scam".into()
            } else {
                "home".into()
            },
        }
    }

    #[test]
    fn precision_recall_and_exclusions() {
        let truth = Truth::from_labels([
            ("a".to_owned(), label(true, false)),
            ("b".to_owned(), label(true, false)),
            ("c".to_owned(), label(false, false)),
            ("d".to_owned(), label(false, false)),
            ("e".to_owned(), label(true, true)),
            ("f".to_owned(), label(true, false)),
        ]);
        let scores = [
            score("a", 90),
            score("b", 40),
            score("c", 65),
            score("d", 10),
            score("e", 99),
        ];
        let evaluation = evaluate(&scores, &truth, Thresholds::default());
        assert_eq!(
            evaluation.review,
            Point {
                threshold: 55,
                true_positives: 1,
                false_positives: 1,
                false_negatives: 2
            }
        );
        assert_eq!(
            evaluation.suspend,
            Point {
                threshold: 85,
                true_positives: 1,
                false_positives: 0,
                false_negatives: 2
            }
        );
        assert_eq!((evaluation.banned, evaluation.unscored), (1, 1));
        assert_eq!(evaluation.curve.first().map(Point::recall), Some(1.0));
        assert_eq!(evaluation.curve.len(), 20);
        assert!((evaluation.review.precision() - 0.5).abs() < 1e-9);
        let kinds: Vec<(String, u64, u64)> = evaluation
            .kinds
            .iter()
            .map(|k| (k.kind.clone(), k.tenants, k.flagged))
            .collect();
        assert_eq!(kinds, vec![("home".into(), 2, 1), ("scam".into(), 3, 1)]);
    }
}
