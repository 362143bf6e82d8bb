//! AD-domain spread: one agent on many endpoints in as many AD domains.
//!
//! An MSP manages many customer domains, but with several endpoints in each;
//! the advisory's abuse shape is one endpoint per domain (each victim at a
//! different organization), or home PCs with no domain at all. A home PC is
//! told from an office workgroup PC by its public IP: office PCs share their
//! site's address, home PCs are scattered one per address. Over every
//! endpoint ever enrolled: `spread = (endpoints alone in their AD domain +
//! null_weight × scattered endpoints with no AD domain) / endpoints`, scored
//! from `floor` to `full`. The tell is about breadth, so the points also
//! grow with the number of endpoints, from none at `min_endpoints` to all at
//! `full_endpoints`: a freelancer helping a dozen friends' home PCs has the
//! spread but not the breadth. With the defaults, 30 endpoints of which 80 %
//! sit alone in their AD domain or are home PCs reach the review threshold
//! alone.

use serde::{Deserialize, Serialize};

use crate::features::{Context, Feature, MAX_EVIDENCE, Reason, fraction};
use crate::hash::NONE;
use crate::time::DAY;

/// Parameters and points of the AD-spread feature.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdSpreadConfig {
    /// Endpoints needed before spread means anything.
    pub min_endpoints: u32,
    /// Endpoints enrolled within `window_days` that earn the full points
    /// (fewer earn a linear share from `min_endpoints`).
    pub full_endpoints: u32,
    /// The window for breadth: one agent put on many endpoints in a short
    /// time, not a repair shop's customers over the years.
    pub window_days: f64,
    /// Weight of an endpoint with no AD domain and a public IP no other
    /// endpoint of the tenant shares (a home PC).
    pub null_weight: f64,
    /// Spread that starts to earn points.
    pub floor: f64,
    /// Spread that earns the cap.
    pub full: f64,
    /// The feature's cap.
    pub cap: u32,
}

impl Default for AdSpreadConfig {
    fn default() -> AdSpreadConfig {
        AdSpreadConfig {
            min_endpoints: 10,
            full_endpoints: 30,
            window_days: 30.0,
            null_weight: 1.0,
            floor: 0.6,
            full: 0.8,
            cap: 55,
        }
    }
}

/// The counts behind the spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spread {
    /// Endpoints counted.
    pub endpoints: u32,
    /// Distinct AD domains.
    pub domains: u32,
    /// Endpoints that are the only one in their AD domain.
    pub singles: u32,
    /// Endpoints with no AD domain.
    pub nulls: u32,
    /// Of those, ones whose public IP no other endpoint of the tenant has
    /// (unknown IPs count as scattered).
    pub scattered: u32,
    /// Endpoints in the most common AD domain.
    pub largest_domain: u32,
}

impl Spread {
    /// Endpoints that look like the tenant's own office fleet: those in its
    /// most common AD domain, and those with no AD domain behind a public
    /// address another endpoint of the tenant shares.
    pub fn own_fleet(&self) -> u32 {
        self.largest_domain + self.nulls.saturating_sub(self.scattered)
    }
}

/// The most endpoints enrolled within any `window` seconds.
pub fn densest(context: &Context<'_>, window: i64) -> u32 {
    let mut times: Vec<i64> = context
        .tenant
        .endpoints
        .iter()
        .filter(|endpoint| !endpoint.implicit)
        .map(|endpoint| endpoint.enrolled)
        .collect();
    times.sort_unstable();
    let mut best = 0;
    let mut first = 0;
    for (last, &ts) in times.iter().enumerate() {
        while times.get(first).is_some_and(|&start| ts - start > window) {
            first += 1;
        }
        best = best.max(last + 1 - first);
    }
    best as u32
}

/// Counts endpoints, domains, single-endpoint domains and null domains.
pub fn measure(context: &Context<'_>) -> Spread {
    let endpoints = context
        .tenant
        .endpoints
        .iter()
        .filter(|endpoint| !endpoint.implicit);
    let mut domains: Vec<u64> = endpoints
        .clone()
        .map(|endpoint| endpoint.ad_domain)
        .collect();
    domains.sort_unstable();
    let mut spread = Spread {
        endpoints: domains.len() as u32,
        ..Spread::default()
    };
    for run in domains.chunk_by(|a, b| a == b) {
        if run[0] == NONE {
            spread.nulls = run.len() as u32;
            continue;
        }
        spread.domains += 1;
        spread.largest_domain = spread.largest_domain.max(run.len() as u32);
        if run.len() == 1 {
            spread.singles += 1;
        }
    }
    let mut addresses: Vec<u64> = endpoints
        .clone()
        .map(|endpoint| endpoint.public_ip)
        .filter(|&ip| ip != NONE)
        .collect();
    addresses.sort_unstable();
    let shared = |ip: u64| {
        let first = addresses.partition_point(|&a| a < ip);
        addresses.get(first + 1) == Some(&ip)
    };
    spread.scattered = endpoints
        .filter(|endpoint| endpoint.ad_domain == NONE)
        .filter(|endpoint| endpoint.public_ip == NONE || !shared(endpoint.public_ip))
        .count() as u32;
    spread
}

/// Scores the spread of endpoints over AD domains.
pub fn evaluate(context: &Context<'_>, config: &AdSpreadConfig) -> Option<Reason> {
    let spread = measure(context);
    if spread.endpoints < config.min_endpoints.max(1) {
        return None;
    }
    let weighted = f64::from(spread.singles) + config.null_weight * f64::from(spread.scattered);
    let share = weighted / f64::from(spread.endpoints);
    let dense = densest(context, (config.window_days * DAY as f64) as i64);
    let breadth = fraction(
        f64::from(dense),
        f64::from(config.min_endpoints),
        f64::from(config.full_endpoints),
    );
    let points = (fraction(share, config.floor, config.full) * breadth * f64::from(config.cap))
        .round() as u32;
    if points == 0 {
        return None;
    }
    let mut summary = format!(
        "{} endpoints in {} AD domains: {} alone in their domain, {} with no domain ({} of them home PCs, one per public IP); spread {:.2}",
        spread.endpoints, spread.domains, spread.singles, spread.nulls, spread.scattered, share
    );
    if breadth < 1.0 {
        summary.push_str(&format!(
            "; at most {dense} enrolled within {} days (full points from {})",
            config.window_days, config.full_endpoints
        ));
    }
    let evidence = examples(context);
    Some(Reason {
        feature: Feature::AdSpread,
        points,
        summary,
        evidence,
    })
}

/// The enrolments of a few endpoints in distinct domains (or none).
fn examples(context: &Context<'_>) -> Vec<crate::event::SourceRef> {
    let mut seen: Vec<u64> = Vec::with_capacity(MAX_EVIDENCE);
    let mut evidence = Vec::with_capacity(MAX_EVIDENCE);
    for endpoint in context.tenant.endpoints.iter().filter(|e| !e.implicit) {
        if seen.contains(&endpoint.ad_domain) {
            continue;
        }
        seen.push(endpoint.ad_domain);
        evidence.push(endpoint.enrol_ref);
        if evidence.len() == MAX_EVIDENCE {
            break;
        }
    }
    evidence
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::features::Feature;
    use crate::features::testkit::{at, check, enrol_many};

    #[test]
    fn one_agent_on_100_endpoints_in_100_domains() {
        let script = enrol_many("t1", &at(1), 100, |i| format!("ad_domain=agency{i}.gov"));
        check(
            &script,
            Feature::AdSpread,
            expect![[
                r#"55 ad_spread: 100 endpoints in 100 AD domains: 100 alone in their domain, 0 with no domain (0 of them home PCs, one per public IP); spread 1.00 [1 2 3 4 5 6]"#
            ]],
        );
    }

    #[test]
    fn msp_with_100_endpoints_in_8_domains_scores_nothing() {
        let script = enrol_many("t1", &at(1), 100, |i| {
            format!("ad_domain=customer{}.local", i % 8)
        });
        check(&script, Feature::AdSpread, expect![[r#"-"#]]);
    }

    #[test]
    fn home_pcs_without_a_domain_count_part() {
        let script = enrol_many("t1", &at(1), 100, |i| {
            format!("ad_domain= public_ip=198.51.{}.{}", i / 200, i % 200)
        });
        check(
            &script,
            Feature::AdSpread,
            expect![[
                r#"55 ad_spread: 100 endpoints in 0 AD domains: 0 alone in their domain, 100 with no domain (100 of them home PCs, one per public IP); spread 1.00 [1]"#
            ]],
        );
    }

    #[test]
    fn office_workgroup_behind_one_address_is_not_home_pcs() {
        let script = enrol_many("t1", &at(1), 40, |i| {
            format!("ad_domain=WORKGROUP public_ip=203.0.113.{}", i % 2)
        });
        check(&script, Feature::AdSpread, expect![[r#"-"#]]);
    }

    #[test]
    fn workgroup_and_case_variants_are_the_same_domain() {
        let script = enrol_many("t1", &at(1), 40, |i| {
            let domain = ["WORKGROUP", "null", "Corp.Example", "corp.example"][i % 4];
            format!("ad_domain={domain}")
        });
        check(&script, Feature::AdSpread, expect![[r#"-"#]]);
    }

    #[test]
    fn thirty_endpoints_eighty_percent_spread_is_the_full_tell() {
        // 24 alone in their domain, 6 in one: exactly the issue 20 line.
        let script = enrol_many("t1", &at(1), 30, |i| {
            let domain = if i < 24 {
                format!("org{i}.example")
            } else {
                "shared.example".into()
            };
            format!("ad_domain={domain}")
        });
        check(
            &script,
            Feature::AdSpread,
            expect![[
                r#"55 ad_spread: 30 endpoints in 25 AD domains: 24 alone in their domain, 0 with no domain (0 of them home PCs, one per public IP); spread 0.80 [1 2 3 4 5 6]"#
            ]],
        );
    }

    #[test]
    fn freelancer_helping_a_dozen_home_pcs_has_spread_but_not_breadth() {
        let script = enrol_many("t1", &at(1), 12, |i| {
            format!("ad_domain= public_ip=198.51.100.{i}")
        });
        check(
            &script,
            Feature::AdSpread,
            expect![
                "6 ad_spread: 12 endpoints in 0 AD domains: 0 alone in their domain, 12 with no domain (12 of them home PCs, one per public IP); spread 1.00; at most 12 enrolled within 30 days (full points from 30) [1]"
            ],
        );
    }

    #[test]
    fn trial_importing_a_fleet_of_one_ad_domain_has_no_spread() {
        let script = enrol_many("t1", &at(1), 200, |_| "ad_domain=corp.example".into());
        check(&script, Feature::AdSpread, expect![[r#"-"#]]);
    }

    #[test]
    fn small_tenants_are_not_judged() {
        let script = enrol_many("t1", &at(1), 9, |i| format!("ad_domain=d{i}.example"));
        check(&script, Feature::AdSpread, expect![[r#"-"#]]);
    }
}
