//! The score: the sum of each feature's capped points, the verdict it earns
//! against the thresholds, and the reasons, ranked.

use std::cmp::Reverse;

use crate::config::Thresholds;
use crate::event::TenantIdx;
use crate::features::Reason;

/// What the score says to do with a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Verdict {
    /// Below the review threshold.
    #[default]
    Clear,
    /// At or above the review threshold.
    Review,
    /// At or above the suspend threshold: refuse new sessions pending review.
    Suspend,
    /// Already banned (a `tenant_banned` record).
    Banned,
}

impl Verdict {
    /// The verdict's name in output.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Clear => "clear",
            Verdict::Review => "review",
            Verdict::Suspend => "suspend",
            Verdict::Banned => "banned",
        }
    }

    /// The code used in state files.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Reads [`Verdict::code`].
    pub fn from_code(code: u8) -> Verdict {
        match code {
            1 => Verdict::Review,
            2 => Verdict::Suspend,
            3 => Verdict::Banned,
            _ => Verdict::Clear,
        }
    }

    /// The verdict a score earns.
    pub fn of(total: u32, banned: bool, thresholds: &Thresholds) -> Verdict {
        match total {
            _ if banned => Verdict::Banned,
            total if total >= thresholds.suspend => Verdict::Suspend,
            total if total >= thresholds.review => Verdict::Review,
            _ => Verdict::Clear,
        }
    }
}

/// One tenant's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    /// The tenant's index in the engine.
    pub idx: TenantIdx,
    /// The tenant id.
    pub tenant: String,
    /// The sum of the reasons' points.
    pub total: u32,
    /// What to do.
    pub verdict: Verdict,
    /// Why, highest points first (zero-point notes last).
    pub reasons: Vec<Reason>,
}

impl Score {
    /// Adds up reasons into a score.
    pub fn new(
        idx: TenantIdx,
        tenant: &str,
        mut reasons: Vec<Reason>,
        banned: bool,
        thresholds: &Thresholds,
    ) -> Score {
        reasons.sort_by_key(|reason| (Reverse(reason.points), reason.feature));
        let total = reasons.iter().map(|reason| reason.points).sum();
        Score {
            idx,
            tenant: tenant.to_owned(),
            total,
            verdict: Verdict::of(total, banned, thresholds),
            reasons,
        }
    }

    /// Points from one feature (0 when it gave none).
    pub fn points(&self, feature: crate::features::Feature) -> u32 {
        self.reasons
            .iter()
            .filter(|r| r.feature == feature)
            .map(|r| r.points)
            .sum()
    }
}

/// Sorts scores highest first, ties by tenant id, so output is stable.
pub fn rank(scores: &mut [Score]) {
    scores.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.tenant.cmp(&b.tenant)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::Feature;

    fn reason(feature: Feature, points: u32) -> Reason {
        Reason {
            feature,
            points,
            summary: String::new(),
            evidence: Vec::new(),
        }
    }

    #[test]
    fn sums_sorts_and_judges() {
        let thresholds = Thresholds::default();
        let score = Score::new(
            0,
            "t",
            vec![
                reason(Feature::Naming, 3),
                reason(Feature::FreshDomain, 0),
                reason(Feature::OneShot, 35),
                reason(Feature::FreshDomain, 30),
            ],
            false,
            &thresholds,
        );
        assert_eq!(score.total, 68);
        assert_eq!(score.verdict, Verdict::Review);
        let order: Vec<u32> = score.reasons.iter().map(|r| r.points).collect();
        assert_eq!(order, vec![35, 30, 3, 0]);
        assert_eq!(Verdict::of(85, false, &thresholds), Verdict::Suspend);
        assert_eq!(Verdict::of(54, false, &thresholds), Verdict::Clear);
        assert_eq!(Verdict::of(0, true, &thresholds), Verdict::Banned);
    }
}
