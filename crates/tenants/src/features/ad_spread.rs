//! AD-domain spread: one agent on many endpoints in as many AD domains.
//!
//! An MSP manages many customer domains, but with several endpoints in each;
//! the advisory's abuse shape is one endpoint per domain (each victim at a
//! different organization), or home PCs with no domain at all. A home PC is
//! told from an office workgroup PC by its public IP: office PCs share their
//! site's address, home PCs are scattered one per address. Over every
//! endpoint ever enrolled: `spread = (endpoints alone in their AD domain +
//! null_weight × scattered endpoints with no AD domain) / endpoints`, scored
//! from `floor` to `full` once the tenant has `min_endpoints`.

use serde::Deserialize;

use crate::features::{Context, Feature, MAX_EVIDENCE, Reason, ramp};
use crate::hash::NONE;

/// Parameters and points of the AD-spread feature.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdSpreadConfig {
    /// Endpoints needed before spread means anything.
    pub min_endpoints: u32,
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
            null_weight: 0.7,
            floor: 0.3,
            full: 0.8,
            cap: 30,
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
    let points = ramp(share, config.floor, config.full, config.cap);
    if points == 0 {
        return None;
    }
    let summary = format!(
        "{} endpoints in {} AD domains: {} alone in their domain, {} with no domain ({} of them home PCs, one per public IP); spread {:.2}",
        spread.endpoints, spread.domains, spread.singles, spread.nulls, spread.scattered, share
    );
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
            expect![
                "30 ad_spread: 100 endpoints in 100 AD domains: 100 alone in their domain, 0 with no domain (0 of them home PCs, one per public IP); spread 1.00 [1 2 3 4 5 6]"
            ],
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
            expect![
                "24 ad_spread: 100 endpoints in 0 AD domains: 0 alone in their domain, 100 with no domain (100 of them home PCs, one per public IP); spread 0.70 [1]"
            ],
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
        check(
            &script,
            Feature::AdSpread,
            expect![
                "3 ad_spread: 40 endpoints in 1 AD domains: 0 alone in their domain, 20 with no domain (20 of them home PCs, one per public IP); spread 0.35 [1 3]"
            ],
        );
    }

    #[test]
    fn small_tenants_are_not_judged() {
        let script = enrol_many("t1", &at(1), 9, |i| format!("ad_domain=d{i}.example"));
        check(&script, Feature::AdSpread, expect![[r#"-"#]]);
    }
}
