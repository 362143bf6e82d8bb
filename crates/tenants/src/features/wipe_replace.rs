//! Wipe-and-replace cycles: all (or nearly all) endpoints removed in a short
//! span, then new endpoints enrolled soon after, repeatedly.
//!
//! [`WipeTracker`] runs as events are applied (it needs the active count at
//! each removal): a *burst* is removals within `span_hours` of its first; it
//! becomes a *wipe* once it has removed `fraction` of the endpoints active
//! when it began (and at least `min_endpoints`); the wipe becomes a *cycle*
//! when at least `replace_fraction` of that many new endpoints enrol within
//! `replace_hours`. A legitimate hardware refresh is one cycle; points come
//! from *regular* repeats, cycles whose wipe came within `regular_days` of
//! the previous cycle's: with the defaults two such cycles reach the review
//! threshold alone, while two refreshes years apart stay one small cycle
//! each. Removals by the vendor itself are not counted.

use serde::{Deserialize, Serialize};

use crate::event::SourceRef;
use crate::features::{Context, Feature, MAX_EVIDENCE, Reason};
use crate::time::{DAY, HOUR};

/// Most cycles kept as evidence (all are counted).
pub const MAX_CYCLE_EVIDENCE: usize = 3;

/// Parameters and points of the wipe-and-replace feature.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct WipeConfig {
    /// Removals within this many hours of a burst's first belong to it.
    pub span_hours: f64,
    /// A wipe needs at least this many endpoints active before it.
    pub min_endpoints: u32,
    /// … and removes at least this share of them.
    pub fraction: f64,
    /// New enrolments count as replacements within this many hours.
    pub replace_hours: f64,
    /// A cycle needs this share of the wiped count enrolled again …
    pub replace_fraction: f64,
    /// … and at least this many.
    pub replace_min: u32,
    /// A cycle whose wipe comes within this many days of the previous
    /// cycle's is a regular repeat.
    pub regular_days: f64,
    /// Points for the first cycle.
    pub first_cycle: u32,
    /// Points for each regular repeat.
    pub further_cycle: u32,
    /// The feature's cap.
    pub cap: u32,
}

impl Default for WipeConfig {
    fn default() -> WipeConfig {
        WipeConfig {
            span_hours: 6.0,
            min_endpoints: 5,
            fraction: 0.9,
            replace_hours: 168.0,
            replace_fraction: 0.3,
            replace_min: 3,
            regular_days: 90.0,
            first_cycle: 10,
            further_cycle: 45,
            cap: 60,
        }
    }
}

/// The running state of the wipe detector for one tenant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WipeTracker {
    /// The current removal burst.
    pub(crate) burst: Option<Burst>,
    /// A wipe waiting for its replacements.
    pub(crate) pending: Option<Pending>,
    /// Completed cycles.
    pub cycles: u32,
    /// Of those, regular repeats (within `regular_days` of the one before).
    pub regular: u32,
    /// When the last completed cycle's wipe happened.
    pub last_cycle: Option<i64>,
    /// The largest wipe seen (endpoints removed).
    pub largest: u32,
    /// (first removal, first replacement) of the first cycles.
    pub evidence: Vec<(SourceRef, SourceRef)>,
}

/// Removals close together in time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Burst {
    pub(crate) start: i64,
    pub(crate) active_before: u32,
    pub(crate) removed: u32,
    pub(crate) first_ref: SourceRef,
    pub(crate) wiped: bool,
}

/// A wipe that has not (yet) been followed by enough new enrolments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pending {
    pub(crate) ts: i64,
    pub(crate) wiped: u32,
    pub(crate) replaced: u32,
    pub(crate) removal_ref: SourceRef,
    pub(crate) replace_ref: SourceRef,
}

impl WipeTracker {
    /// An active endpoint was removed; `active_before` were enrolled just before.
    pub fn on_remove(
        &mut self,
        ts: i64,
        source: SourceRef,
        active_before: u32,
        config: &WipeConfig,
    ) {
        let span = (config.span_hours * HOUR as f64) as i64;
        let burst = match &mut self.burst {
            Some(burst) if ts - burst.start <= span => burst,
            slot => slot.insert(Burst {
                start: ts,
                active_before,
                removed: 0,
                first_ref: source,
                wiped: false,
            }),
        };
        burst.removed += 1;
        if burst.wiped {
            if let Some(pending) = &mut self.pending {
                pending.wiped = pending.wiped.max(burst.removed);
                self.largest = self.largest.max(burst.removed);
            }
            return;
        }
        let enough = burst.active_before >= config.min_endpoints
            && f64::from(burst.removed) >= config.fraction * f64::from(burst.active_before);
        if enough {
            burst.wiped = true;
            self.largest = self.largest.max(burst.removed);
            self.pending = Some(Pending {
                ts,
                wiped: burst.removed,
                replaced: 0,
                removal_ref: burst.first_ref,
                replace_ref: SourceRef::NONE,
            });
        }
    }

    /// A new endpoint was enrolled (or a removed one enrolled again).
    pub fn on_enrol(&mut self, ts: i64, source: SourceRef, config: &WipeConfig) {
        let Some(pending) = &mut self.pending else {
            return;
        };
        if (ts - pending.ts) as f64 > config.replace_hours * HOUR as f64 {
            self.pending = None;
            return;
        }
        pending.replaced += 1;
        if pending.replaced == 1 {
            pending.replace_ref = source;
        }
        let needed = (config.replace_fraction * f64::from(pending.wiped)).ceil() as u32;
        if pending.replaced >= needed.max(config.replace_min) {
            self.cycles += 1;
            let window = (config.regular_days * DAY as f64) as i64;
            if self
                .last_cycle
                .is_some_and(|last| pending.ts - last <= window)
            {
                self.regular += 1;
            }
            self.last_cycle = Some(pending.ts);
            if self.evidence.len() < MAX_CYCLE_EVIDENCE {
                self.evidence
                    .push((pending.removal_ref, pending.replace_ref));
            }
            self.pending = None;
        }
    }
}

/// Scores completed wipe-and-replace cycles.
pub fn evaluate(context: &Context<'_>, config: &WipeConfig) -> Option<Reason> {
    let wipes = &context.tenant.wipes;
    if wipes.cycles == 0 {
        return None;
    }
    let further = wipes.regular.saturating_mul(config.further_cycle);
    let points = config.first_cycle.saturating_add(further).min(config.cap);
    let summary = if wipes.cycles == 1 {
        format!(
            "1 wipe-and-replace cycle (largest wipe: {} endpoints)",
            wipes.largest
        )
    } else {
        format!(
            "{} wipe-and-replace cycles, {} within {} days of the one before (largest wipe: {} endpoints)",
            wipes.cycles, wipes.regular, config.regular_days, wipes.largest
        )
    };
    let evidence = wipes
        .evidence
        .iter()
        .flat_map(|&(removal, replacement)| [removal, replacement])
        .take(MAX_EVIDENCE)
        .collect();
    Some(Reason {
        feature: Feature::WipeReplace,
        points,
        summary,
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::features::Feature;
    use crate::features::testkit::{at, check, enrol_many, remove_many};

    fn cycle(day: u32, first: usize, count: usize) -> String {
        let enrol = enrol_many("t1", &at(day), count, |i| {
            format!("endpoint=w{}", first + i)
        });
        let remove = remove_many("t1", &at(day + 3), count, |i| {
            format!("endpoint=w{}", first + i)
        });
        format!("{enrol}\n{remove}")
    }

    #[test]
    fn weekly_wipes_of_twenty_score_high() {
        let script = [
            cycle(1, 0, 20),
            cycle(5, 100, 20),
            cycle(9, 200, 20),
            cycle(13, 300, 20),
        ]
        .join("\n");
        check(
            &script,
            Feature::WipeReplace,
            expect![[
                r#"60 wipe_replace: 3 wipe-and-replace cycles, 2 within 90 days of the one before (largest wipe: 20 endpoints) [21 41 61 81 101 121]"#
            ]],
        );
    }

    #[test]
    fn a_single_hardware_refresh_is_one_small_cycle() {
        let script = [
            cycle(1, 0, 10),
            enrol_many("t1", &at(5), 10, |i| format!("endpoint=n{i}")),
        ]
        .join("\n");
        check(
            &script,
            Feature::WipeReplace,
            expect![[
                r#"10 wipe_replace: 1 wipe-and-replace cycle (largest wipe: 10 endpoints) [11 21]"#
            ]],
        );
    }

    #[test]
    fn two_regular_cycles_are_the_full_tell() {
        let script = [cycle(1, 0, 8), cycle(6, 100, 8), cycle(11, 200, 8)].join("\n");
        check(
            &script,
            Feature::WipeReplace,
            expect![[
                r#"55 wipe_replace: 2 wipe-and-replace cycles, 1 within 90 days of the one before (largest wipe: 8 endpoints) [9 17 25 33]"#
            ]],
        );
    }

    #[test]
    fn two_hardware_refreshes_years_apart_are_not_regular() {
        let fleet = |day: u32, name: &'static str| {
            enrol_many("t1", &at(day), 12, move |i| {
                format!("endpoint={name}{i} ad_domain=corp.local")
            })
        };
        let retire = |day: u32, name: &'static str| {
            remove_many("t1", &at(day), 12, move |i| format!("endpoint={name}{i}"))
        };
        let script = [
            fleet(1, "a"),
            retire(100, "a"),
            fleet(101, "b"),
            retire(900, "b"),
            fleet(901, "c"),
        ]
        .join("\n");
        check(
            &script,
            Feature::WipeReplace,
            expect![[
                r#"10 wipe_replace: 2 wipe-and-replace cycles, 0 within 90 days of the one before (largest wipe: 12 endpoints) [13 25 37 49]"#
            ]],
        );
    }

    #[test]
    fn msp_losing_one_client_of_several_is_no_wipe() {
        // Three customers' domains; the largest (12 of 26 endpoints) leaves at once.
        let script = [
            enrol_many("t1", &at(1), 26, |i| {
                let customer = if i < 12 { 0 } else { 1 + i % 2 };
                format!("endpoint=m{i} ad_domain=customer{customer}.local")
            }),
            remove_many("t1", &at(60), 12, |i| format!("endpoint=m{i}")),
            enrol_many("t1", &at(62), 10, |i| {
                format!("endpoint=n{i} ad_domain=customer9.local")
            }),
        ]
        .join("\n");
        check(&script, Feature::WipeReplace, expect![[r#"-"#]]);
    }

    #[test]
    fn msp_whose_only_big_client_leaves_once_is_one_small_cycle() {
        let script = [
            enrol_many("t1", &at(1), 20, |i| {
                format!("endpoint=m{i} ad_domain=big.local")
            }),
            remove_many("t1", &at(60), 20, |i| format!("endpoint=m{i}")),
            enrol_many("t1", &at(63), 8, |i| {
                format!("endpoint=n{i} ad_domain=next.local")
            }),
        ]
        .join("\n");
        check(
            &script,
            Feature::WipeReplace,
            expect![[
                r#"10 wipe_replace: 1 wipe-and-replace cycle (largest wipe: 20 endpoints) [21 41]"#
            ]],
        );
    }

    #[test]
    fn one_off_cleanup_of_3_of_50_endpoints_is_no_wipe() {
        let script = [
            enrol_many("t1", &at(1), 50, |i| {
                format!("endpoint=e{i} ad_domain=corp.example")
            }),
            remove_many("t1", &at(40), 3, |i| format!("endpoint=e{i}")),
            enrol_many("t1", &at(41), 3, |i| {
                format!("endpoint=r{i} ad_domain=corp.example")
            }),
        ]
        .join("\n");
        check(&script, Feature::WipeReplace, expect![[r#"-"#]]);
    }

    #[test]
    fn wipe_without_replacement_is_no_cycle() {
        let script = [
            cycle(1, 0, 20),
            enrol_many("t1", &at(30), 20, |i| format!("endpoint=late{i}")),
        ]
        .join("\n");
        check(&script, Feature::WipeReplace, expect![[r#"-"#]]);
    }

    #[test]
    fn vendor_removals_do_not_count() {
        let enrol = enrol_many("t1", &at(1), 10, |i| format!("endpoint=v{i}"));
        let remove = remove_many("t1", &at(2), 10, |i| format!("endpoint=v{i} by=vendor"));
        let again = enrol_many("t1", &at(3), 10, |i| format!("endpoint=x{i}"));
        check(
            &[enrol, remove, again].join("\n"),
            Feature::WipeReplace,
            expect![[r#"-"#]],
        );
    }

    #[test]
    fn duplicated_removals_are_not_double_counted() {
        let enrol = enrol_many("t1", &at(1), 10, |i| format!("endpoint=d{i}"));
        // Only 5 distinct endpoints removed, each twice: 50%, not a wipe.
        let remove = remove_many("t1", &at(2), 10, |i| format!("endpoint=d{}", i / 2));
        let again = enrol_many("t1", &at(3), 10, |i| format!("endpoint=y{i}"));
        check(
            &[enrol, remove, again].join("\n"),
            Feature::WipeReplace,
            expect![[r#"-"#]],
        );
    }
}
