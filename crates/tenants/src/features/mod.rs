//! The features: one module per tell, each a documented function over one
//! tenant's state that returns a [`Reason`] (points, a sentence, and the
//! events behind it) or nothing.
//!
//! Each feature caps its own points, so no single tell decides alone unless
//! its cap says so; [`crate::score`] adds the reasons up.

pub mod abuse_reports;
pub mod ad_spread;
pub mod fresh_domain;
pub mod linkage;
pub mod naming;
pub mod one_shot;
pub mod trial_burst;
pub mod wipe_replace;

use crate::config::Config;
use crate::event::{SourceRef, TenantIdx};
use crate::state::{KnownDomain, TenantState};

/// The tells, in the order reasons are listed when points tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    /// The admin email domain was registered just before signup.
    FreshDomain,
    /// Endpoints are repeatedly all removed and replaced by new ones.
    WipeReplace,
    /// Endpoints spread over many AD domains, one each, or home PCs.
    AdSpread,
    /// Endpoints enrolled for one or two attended sessions, then gone.
    OneShot,
    /// Many endpoints enrolled in a trial's first day.
    TrialBurst,
    /// Shares hardware, technicians, signup IP, domain … with banned tenants.
    Linkage,
    /// Brand or help-desk words in the tenant's names.
    Naming,
    /// Abuse reports against the tenant.
    AbuseReports,
}

impl Feature {
    /// Every feature.
    pub const ALL: [Feature; 8] = [
        Feature::FreshDomain,
        Feature::WipeReplace,
        Feature::AdSpread,
        Feature::OneShot,
        Feature::TrialBurst,
        Feature::Linkage,
        Feature::Naming,
        Feature::AbuseReports,
    ];

    /// The feature's name in output and config.
    pub fn name(self) -> &'static str {
        match self {
            Feature::FreshDomain => "fresh_domain",
            Feature::WipeReplace => "wipe_replace",
            Feature::AdSpread => "ad_spread",
            Feature::OneShot => "one_shot",
            Feature::TrialBurst => "trial_burst",
            Feature::Linkage => "linkage",
            Feature::Naming => "naming",
            Feature::AbuseReports => "abuse_reports",
        }
    }
}

/// Why a tenant got points: the feature, how many, a sentence for the
/// analyst, and the input records behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The feature.
    pub feature: Feature,
    /// Points after the feature's cap (0 for a note such as "registration date unknown").
    pub points: u32,
    /// One sentence.
    pub summary: String,
    /// The records behind it (at most [`MAX_EVIDENCE`]).
    pub evidence: Vec<SourceRef>,
}

/// Most evidence records listed per reason.
pub const MAX_EVIDENCE: usize = 6;

/// What a feature may read: the tenant, its admin domain's facts, the index
/// of banned tenants' fingerprints, and the stream's clock.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The tenant's index.
    pub idx: TenantIdx,
    /// The tenant.
    pub tenant: &'a TenantState,
    /// Facts about the admin email domain, if a `domain_info` gave them.
    pub domain: Option<&'a KnownDomain>,
    /// Whether the admin domain is freemail (flag or built-in list).
    pub freemail: bool,
    /// Fingerprints of banned tenants.
    pub links: &'a linkage::LinkIndex,
    /// All tenants (to name linked ones).
    pub tenants: &'a [TenantState],
    /// The latest event time seen in the whole input.
    pub now: i64,
}

/// Runs every feature on one tenant, appending the reasons found.
pub fn evaluate_all(context: &Context<'_>, config: &Config, reasons: &mut Vec<Reason>) {
    let found = [
        fresh_domain::evaluate(context, &config.fresh_domain),
        wipe_replace::evaluate(context, &config.wipe_replace),
        ad_spread::evaluate(context, &config.ad_spread),
        one_shot::evaluate(context, &config.one_shot),
        trial_burst::evaluate(context, &config.trial_burst),
        linkage::evaluate(context, &config.linkage),
        naming::evaluate(context, &config.naming),
        abuse_reports::evaluate(context, &config.abuse_reports),
    ];
    reasons.extend(found.into_iter().flatten().map(|mut reason| {
        reason.points = config.weights.apply(reason.feature, reason.points);
        reason
    }));
}

/// Scales `value` linearly from 0 at `floor` to `cap` at `full`, rounded.
pub(crate) fn ramp(value: f64, floor: f64, full: f64, cap: u32) -> u32 {
    (fraction(value, floor, full) * f64::from(cap)).round() as u32
}

/// Where `value` lies from `floor` (0) to `full` (1), clamped; a step at
/// `full` when the range is empty.
pub(crate) fn fraction(value: f64, floor: f64, full: f64) -> f64 {
    if full <= floor {
        return if value >= full { 1.0 } else { 0.0 };
    }
    ((value - floor) / (full - floor)).clamp(0.0, 1.0)
}

#[cfg(test)]
pub(crate) mod testkit;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::testkit::{at, enrol_many, remove_many, run};

    /// Tenant `t1`'s total score and its reasons' points, by feature.
    fn total(script: &str) -> String {
        let engine = run(script);
        let Some(idx) = engine.tenant_idx("t1") else {
            return "no tenant t1".into();
        };
        let score = engine.score(idx, &engine.link_index());
        let reasons: Vec<String> = score
            .reasons
            .iter()
            .filter(|r| r.points > 0)
            .map(|r| format!("{} {}", r.points, r.feature.name()))
            .collect();
        format!(
            "{} {} ({})",
            score.total,
            score.verdict.name(),
            reasons.join(", ")
        )
    }

    #[test]
    fn the_known_overlaps_of_each_tell_stay_below_review() {
        // An MSP (old domain, paid) removes one lost client's endpoints once.
        let msp = [
            "2024-04-30T00:00:00Z domain_info domain=msp.example registered=2012-01-01T00:00:00Z"
                .into(),
            format!(
                "{}T00:00:00Z account_created tenant=t1 admin_email=ops@msp.example plan=paid",
                at(1)
            ),
            enrol_many("t1", &at(2), 36, |i| {
                format!("endpoint=m{i} ad_domain=client{}.local", i % 3)
            }),
            remove_many("t1", &at(50), 12, |i| format!("endpoint=m{}", i * 3)),
        ]
        .join("\n");
        assert_eq!(total(&msp), "0 clear ()");
        // A trial imports a fleet of one AD domain on its first day.
        let import = [
            format!(
                "{}T00:00:00Z account_created tenant=t1 admin_email=it@acme.example plan=trial",
                at(1)
            ),
            enrol_many("t1", &at(1), 200, |_| {
                "ad_domain=acme.local public_ip=192.0.2.1".into()
            }),
        ]
        .join("\n");
        assert_eq!(total(&import), "15 clear (15 trial_burst)");
        // A freelancer helps a few friends' home PCs.
        let freelancer = [
            format!(
                "{}T00:00:00Z account_created tenant=t1 admin_email=joe@gmail.com plan=free",
                at(1)
            ),
            enrol_many("t1", &at(2), 12, |i| {
                format!("ad_domain= public_ip=198.51.100.{i}")
            }),
        ]
        .join("\n");
        assert_eq!(total(&freelancer), "6 clear (6 ad_spread)");
        // A business registered its domain the week (here: the hour) it
        // signed up, and enrols its own PCs in its own AD domain.
        let business = [
            format!(
                "{}T00:00:00Z domain_info domain=newco.example registered={}T00:00:00Z",
                at(4),
                at(4)
            ),
            format!(
                "{}T00:30:00Z account_created tenant=t1 admin_email=it@newco.example plan=paid",
                at(4)
            ),
            enrol_many("t1", &at(5), 9, |_| {
                "ad_domain=newco.local public_ip=192.0.2.2".into()
            }),
        ]
        .join("\n");
        assert_eq!(total(&business), "20 clear (20 fresh_domain)");
    }

    #[test]
    fn ramp_is_linear_and_clamped() {
        assert_eq!(ramp(0.1, 0.2, 0.7, 30), 0);
        assert_eq!(ramp(0.45, 0.2, 0.7, 30), 15);
        assert_eq!(ramp(0.9, 0.2, 0.7, 30), 30);
        assert_eq!(ramp(5.0, 5.0, 5.0, 10), 10);
    }
}
