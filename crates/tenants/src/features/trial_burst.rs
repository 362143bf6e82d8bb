//! Trial burst: many endpoints enrolled in a trial account's first hours.
//!
//! A scam crew signs up for a trial and starts working victims at once; a
//! legitimate evaluator usually tries a handful of machines first (an MSP
//! importing its fleet on day one is the known overlap, which is why the
//! cap is small). Counts endpoints enrolled within `window_hours` of
//! `account_created` on a `trial` plan, from any arrival order.

use serde::{Deserialize, Serialize};

use crate::event::Plan;
use crate::features::{Context, Feature, MAX_EVIDENCE, Reason};
use crate::time::HOUR;

/// Parameters and points of the trial-burst feature.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrialBurstConfig {
    /// Hours after signup that count as the first day.
    pub window_hours: f64,
    /// Endpoints in the window that earn half the cap.
    pub min_endpoints: u32,
    /// Endpoints in the window that earn the cap.
    pub full_endpoints: u32,
    /// The feature's cap.
    pub cap: u32,
}

impl Default for TrialBurstConfig {
    fn default() -> TrialBurstConfig {
        TrialBurstConfig {
            window_hours: 24.0,
            min_endpoints: 10,
            full_endpoints: 25,
            cap: 15,
        }
    }
}

/// Scores endpoints enrolled in a trial's first day.
pub fn evaluate(context: &Context<'_>, config: &TrialBurstConfig) -> Option<Reason> {
    let account = context.tenant.account?;
    if account.account.plan != Plan::Trial {
        return None;
    }
    let window = (config.window_hours * HOUR as f64) as i64;
    let mut count = 0u32;
    let mut evidence = vec![account.source];
    for endpoint in context.tenant.endpoints.iter().filter(|e| !e.implicit) {
        let offset = endpoint.enrolled - account.ts;
        if (0..=window).contains(&offset) {
            count += 1;
            if evidence.len() < MAX_EVIDENCE {
                evidence.push(endpoint.enrol_ref);
            }
        }
    }
    if count < config.min_endpoints.max(1) {
        return None;
    }
    let points = points(count, config);
    let summary = format!(
        "{count} endpoints enrolled in the trial's first {}h",
        config.window_hours
    );
    Some(Reason {
        feature: Feature::TrialBurst,
        points,
        summary,
        evidence,
    })
}

fn points(count: u32, config: &TrialBurstConfig) -> u32 {
    let half = config.cap / 2;
    if count >= config.full_endpoints || config.full_endpoints <= config.min_endpoints {
        return config.cap;
    }
    let above = f64::from(count - config.min_endpoints);
    let range = f64::from(config.full_endpoints - config.min_endpoints);
    half + ((above / range) * f64::from(config.cap - half)).round() as u32
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::features::Feature;
    use crate::features::testkit::{at, check, enrol_many};

    fn trial(plan: &str, count: usize, day: u32) -> String {
        format!(
            "{}T00:00:00Z account_created tenant=t1 admin_email=a@b.example plan={plan}\n{}",
            at(1),
            enrol_many("t1", &at(day), count, |_| String::new())
        )
    }

    #[test]
    fn thirty_endpoints_on_the_first_day_of_a_trial() {
        check(
            &trial("trial", 30, 1),
            Feature::TrialBurst,
            expect![[
                r#"15 trial_burst: 30 endpoints enrolled in the trial's first 24h [1 2 3 4 5 6]"#
            ]],
        );
    }

    #[test]
    fn twelve_endpoints_earn_about_half() {
        check(
            &trial("trial", 12, 1),
            Feature::TrialBurst,
            expect![[
                r#"8 trial_burst: 12 endpoints enrolled in the trial's first 24h [1 2 3 4 5 6]"#
            ]],
        );
    }

    #[test]
    fn paid_plans_and_later_enrolments_do_not_count() {
        check(
            &trial("paid", 30, 1),
            Feature::TrialBurst,
            expect![[r#"-"#]],
        );
        check(
            &trial("trial", 30, 3),
            Feature::TrialBurst,
            expect![[r#"-"#]],
        );
    }

    #[test]
    fn enrolments_read_before_the_account_still_count() {
        let script = format!(
            "{}\n{}T00:00:00Z account_created tenant=t1 admin_email=a@b.example plan=trial",
            enrol_many("t1", &at(1), 25, |_| String::new()),
            at(1)
        );
        check(
            &script,
            Feature::TrialBurst,
            expect![[
                r#"15 trial_burst: 25 endpoints enrolled in the trial's first 24h [26 1 2 3 4 5]"#
            ]],
        );
    }
}
