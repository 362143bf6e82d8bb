//! The terminal table: rank, score, verdict, tenant and the top reasons.

use std::io::{self, Write};

use crate::score::{Score, Verdict};

/// Writes the `limit` highest scores at or above `min` as a table; tenants
/// already banned are left out (they are actioned) and counted below it.
///
/// # Errors
///
/// The writer fails.
pub fn write(out: &mut dyn Write, scores: &[Score], min: Verdict, limit: usize) -> io::Result<()> {
    writeln!(
        out,
        "{:>5} {:>5}  {:<8} {:<24} REASONS",
        "RANK", "SCORE", "VERDICT", "TENANT"
    )?;
    let banned = scores
        .iter()
        .filter(|s| s.verdict == Verdict::Banned)
        .count();
    let open = scores.iter().filter(|s| s.verdict != Verdict::Banned);
    for (rank, score) in open
        .enumerate()
        .filter(|(_, s)| s.verdict >= min)
        .take(limit)
    {
        let reasons: Vec<String> = score
            .reasons
            .iter()
            .filter(|r| r.points > 0)
            .map(|r| format!("{} +{}", r.feature.name(), r.points))
            .collect();
        writeln!(
            out,
            "{:>5} {:>5}  {:<8} {:<24} {}",
            rank + 1,
            score.total,
            score.verdict.name(),
            score.tenant,
            reasons.join(", ")
        )?;
    }
    if banned > 0 {
        let are = if banned == 1 { "is" } else { "are" };
        writeln!(
            out,
            "({} already banned {are} not listed)",
            rmmguard_words::counted(banned, "tenant")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{Feature, Reason};

    #[test]
    fn lists_flagged_tenants_with_reasons() {
        let reason = |feature, points| Reason {
            feature,
            points,
            summary: String::new(),
            evidence: Vec::new(),
        };
        let scores = [
            Score {
                idx: 0,
                tenant: "bad".into(),
                total: 75,
                verdict: Verdict::Review,
                reasons: vec![
                    reason(Feature::FreshDomain, 40),
                    reason(Feature::OneShot, 35),
                    reason(Feature::AdSpread, 0),
                ],
            },
            Score {
                idx: 1,
                tenant: "old".into(),
                total: 99,
                verdict: Verdict::Banned,
                reasons: vec![reason(Feature::OneShot, 45)],
            },
            Score {
                idx: 2,
                tenant: "ok".into(),
                total: 3,
                verdict: Verdict::Clear,
                reasons: vec![reason(Feature::Naming, 3)],
            },
        ];
        let mut out = Vec::new();
        assert!(write(&mut out, &scores, Verdict::Review, 10).is_ok());
        let text = String::from_utf8(out).unwrap_or_default();
        assert_eq!(
            text,
            " RANK SCORE  VERDICT  TENANT                   REASONS\n\
            \x20   1    75  review   bad                      fresh_domain +40, one_shot +35\n\
            (1 tenant already banned is not listed)\n"
        );
    }
}
