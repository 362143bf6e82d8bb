//! One-shot endpoints, the refund-scam shape: an endpoint enrolled, used for
//! one or two attended sessions, then removed or never seen again within
//! `window_hours`.
//!
//! Only endpoints whose window has closed (removed, or enrolled at least
//! `window_hours` before the stream's clock) are judged; the feature scores
//! the share of one-shot endpoints among them once there are `min_count`,
//! and, separately, their rate: a crew works several victims a day, while a
//! legitimate break-fix shop, whose jobs look the same one by one, does a
//! few a week. The rate also resists dilution: padding the tenant with
//! long-lived cover endpoints lowers the share, not the rate.

use serde::{Deserialize, Serialize};

use crate::features::{Context, Feature, MAX_EVIDENCE, Reason, ramp};
use crate::state::Endpoint;
use crate::time::{DAY, HOUR};

/// Parameters and points of the one-shot feature.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct OneShotConfig {
    /// An endpoint's whole life (enrolment to last event) fits in this many hours.
    pub window_hours: f64,
    /// At most this many sessions (and at least one), none unattended.
    pub max_sessions: u16,
    /// One-shot endpoints needed before the share means anything.
    pub min_count: u32,
    /// Share that starts to earn points.
    pub floor: f64,
    /// Share that earns `share_points`.
    pub full: f64,
    /// Points for the share.
    pub share_points: u32,
    /// One-shot endpoints per week (over the span of their enrolments, at
    /// least a week) that start to earn rate points.
    pub rate_floor: f64,
    /// Rate that earns `rate_points`.
    pub rate_full: f64,
    /// Points for the rate.
    pub rate_points: u32,
    /// The feature's cap.
    pub cap: u32,
}

impl Default for OneShotConfig {
    fn default() -> OneShotConfig {
        OneShotConfig {
            window_hours: 48.0,
            max_sessions: 2,
            min_count: 5,
            floor: 0.2,
            full: 0.7,
            share_points: 30,
            rate_floor: 2.0,
            rate_full: 8.0,
            rate_points: 25,
            cap: 55,
        }
    }
}

/// Judged and one-shot endpoint counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Endpoints whose window has closed.
    pub judged: u32,
    /// Of those, one-shot ones.
    pub one_shot: u32,
    /// First and last enrolment of a one-shot endpoint.
    pub span: (i64, i64),
}

/// Whether an endpoint is one-shot, given the stream's clock; `None` while
/// its window is still open (or its enrolment was never seen).
pub fn classify(endpoint: &Endpoint, now: i64, config: &OneShotConfig) -> Option<bool> {
    if endpoint.implicit {
        return None;
    }
    let window = (config.window_hours * HOUR as f64) as i64;
    let end = if endpoint.is_active() {
        endpoint.last_seen
    } else {
        endpoint.removed
    };
    if endpoint.is_active() && now - endpoint.enrolled < window {
        return None;
    }
    let shape = endpoint.sessions >= 1
        && endpoint.sessions <= config.max_sessions
        && endpoint.unattended == 0;
    Some(shape && end - endpoint.enrolled <= window)
}

/// Scores the share of one-shot endpoints.
pub fn evaluate(context: &Context<'_>, config: &OneShotConfig) -> Option<Reason> {
    let mut counts = Counts::default();
    let mut evidence = Vec::with_capacity(MAX_EVIDENCE);
    for endpoint in &context.tenant.endpoints {
        let Some(one_shot) = classify(endpoint, context.now, config) else {
            continue;
        };
        counts.judged += 1;
        if one_shot {
            counts.one_shot += 1;
            counts.span = match counts.one_shot {
                1 => (endpoint.enrolled, endpoint.enrolled),
                _ => (
                    counts.span.0.min(endpoint.enrolled),
                    counts.span.1.max(endpoint.enrolled),
                ),
            };
            if evidence.len() + 2 <= MAX_EVIDENCE {
                evidence.extend(
                    [endpoint.enrol_ref, endpoint.other_ref]
                        .into_iter()
                        .filter(|s| s.is_some()),
                );
            }
        }
    }
    if counts.one_shot < config.min_count.max(1) {
        return None;
    }
    let share = f64::from(counts.one_shot) / f64::from(counts.judged);
    let weeks = ((counts.span.1 - counts.span.0) as f64 / (7 * DAY) as f64).max(1.0);
    let rate = f64::from(counts.one_shot) / weeks;
    let share_points = ramp(share, config.floor, config.full, config.share_points);
    let rate_points = ramp(
        rate,
        config.rate_floor,
        config.rate_full,
        config.rate_points,
    );
    let points = (share_points + rate_points).min(config.cap);
    if points == 0 {
        return None;
    }
    let summary = format!(
        "{} of {} endpoints were one-shot (1-{} attended sessions, gone within {}h), {rate:.1} a week",
        counts.one_shot, counts.judged, config.max_sessions, config.window_hours
    );
    Some(Reason {
        feature: Feature::OneShot,
        points,
        summary,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::features::Feature;
    use crate::features::testkit::{at, check, victims};

    #[test]
    fn victims_enrolled_helped_once_and_removed() {
        check(
            &victims("t1", 1, 10, true),
            Feature::OneShot,
            expect![
                "55 one_shot: 10 of 10 endpoints were one-shot (1-2 attended sessions, gone within 48h), 10.0 a week [1 4 5 8 9 12]"
            ],
        );
    }

    #[test]
    fn victims_left_enrolled_but_never_seen_again() {
        // Not removed: judged once 48 hours have passed on the stream's clock.
        let script = format!(
            "{}\n{}T00:00:00Z account_created tenant=clock admin_email=a@b.example",
            victims("t1", 1, 8, false),
            at(20)
        );
        check(
            &script,
            Feature::OneShot,
            expect![
                "55 one_shot: 8 of 8 endpoints were one-shot (1-2 attended sessions, gone within 48h), 8.0 a week [1 2 4 5 7 8]"
            ],
        );
    }

    #[test]
    fn open_windows_are_not_judged_yet() {
        check(
            &victims("t1", 1, 8, false),
            Feature::OneShot,
            expect![[r#"-"#]],
        );
    }

    #[test]
    fn unattended_or_long_lived_endpoints_are_not_one_shot() {
        let script = [
            "2024-05-01T10:00:00Z endpoint_enrolled tenant=t1 endpoint=srv",
            "2024-05-01T10:05:00Z session_started tenant=t1 endpoint=srv session=s1 attended=false",
            "2024-05-01T10:30:00Z session_ended tenant=t1 endpoint=srv session=s1",
            "2024-05-01T11:00:00Z endpoint_removed tenant=t1 endpoint=srv",
            "2024-05-01T10:00:00Z endpoint_enrolled tenant=t1 endpoint=pc",
            "2024-05-01T10:05:00Z session_started tenant=t1 endpoint=pc session=s2 attended=true",
            "2024-05-20T10:30:00Z session_ended tenant=t1 endpoint=pc session=s2",
        ]
        .join("\n");
        check(&script, Feature::OneShot, expect![[r#"-"#]]);
    }

    #[test]
    fn a_few_one_shots_among_many_regular_endpoints_earn_only_rate_points() {
        let script = format!(
            "{}\n{}\n{}T00:00:00Z account_created tenant=clock admin_email=a@b.example",
            victims("t1", 1, 6, true),
            crate::features::testkit::enrol_many("t1", &at(2), 30, |i| format!(
                "endpoint=fleet{i}"
            )),
            at(20)
        );
        check(
            &script,
            Feature::OneShot,
            expect![[
                r#"17 one_shot: 6 of 36 endpoints were one-shot (1-2 attended sessions, gone within 48h), 6.0 a week [1 4 5 8 9 12]"#
            ]],
        );
    }
}
