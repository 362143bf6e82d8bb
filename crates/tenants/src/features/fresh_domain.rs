//! Fresh admin domain: the account was created minutes after its admin
//! email domain was registered.
//!
//! Minutes from the domain's RDAP/WHOIS registration to `account_created`
//! earn points in brackets (an hour, a day, a week, a month); within the
//! hour the tell alone reaches review. A business that registers its domain
//! the week it signs up is the known look-alike: when the tenant's endpoints
//! are its own settled office fleet (most of them in one AD domain or behind
//! shared office addresses, see [`ad_spread::Spread::own_fleet`], and not
//! wiped and replaced regularly) the points stop at `own_fleet_max`. Freemail domains are judged separately: their age means
//! nothing, but a freemail admin on a trial that enrols a business-sized
//! fleet earns a few points. A missing registration date is neutral and said
//! so in a zero-point note.

use serde::{Deserialize, Serialize};

use crate::event::Plan;
use crate::features::ad_spread;
use crate::features::{Context, Feature, Reason};
use crate::time::{self, DAY, HOUR};

/// Freemail providers recognized even when `domain_info` says nothing.
pub const FREEMAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mail.com",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "web.de",
    "proton.me",
    "protonmail.com",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "qq.com",
    "163.com",
    "tutanota.com",
];

/// Points for the fresh-domain feature.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FreshDomainConfig {
    /// Registered at most an hour before signup.
    pub within_hour: u32,
    /// … at most a day before.
    pub within_day: u32,
    /// … at most a week before.
    pub within_week: u32,
    /// … at most 30 days before.
    pub within_month: u32,
    /// A freemail admin on a trial with at least `freemail_trial_endpoints` endpoints.
    pub freemail_trial: u32,
    /// Endpoints that make a freemail trial look like a business.
    pub freemail_trial_endpoints: u32,
    /// Most points when the tenant's endpoints are its own office fleet.
    pub own_fleet_max: u32,
    /// Endpoints needed before a fleet can count as the tenant's own.
    pub own_fleet_min: u32,
    /// Share of endpoints in one AD domain or behind shared office
    /// addresses that makes the fleet the tenant's own.
    pub own_fleet_share: f64,
    /// The feature's cap.
    pub cap: u32,
}

impl Default for FreshDomainConfig {
    fn default() -> FreshDomainConfig {
        FreshDomainConfig {
            within_hour: 60,
            within_day: 35,
            within_week: 20,
            within_month: 8,
            freemail_trial: 5,
            freemail_trial_endpoints: 10,
            own_fleet_max: 20,
            own_fleet_min: 3,
            own_fleet_share: 0.6,
            cap: 60,
        }
    }
}

/// Scores the time from domain registration to signup.
pub fn evaluate(context: &Context<'_>, config: &FreshDomainConfig) -> Option<Reason> {
    let account = context.tenant.account?;
    let domain_name = context.tenant.admin_domain.as_deref().unwrap_or("?");
    if context.freemail {
        return freemail_trial(context, config, domain_name);
    }
    let Some(known) = context.domain else {
        let summary =
            format!("no domain_info for admin domain {domain_name}: registration date unknown");
        return Some(note(summary, vec![account.source]));
    };
    let evidence = vec![known.source, account.source];
    let Some(registered) = known.facts.registered else {
        let summary = format!("admin domain {domain_name}: registration date unknown");
        return Some(note(summary, evidence));
    };
    let age = account.ts - registered;
    if age < 0 {
        let summary = format!(
            "admin domain {domain_name} registered {} after signup (re-registered?)",
            time::human_span(age)
        );
        return Some(note(summary, evidence));
    }
    let mut points = bracket(age, config).min(config.cap);
    if points == 0 {
        return None;
    }
    let mut summary = format!(
        "admin domain {domain_name} registered {} before signup ({})",
        time::human_span(age),
        time::format(registered)
    );
    // A fleet wiped and replaced again and again is not a settled office
    // (one cycle is: a hardware refresh).
    if points > config.own_fleet_max && context.tenant.wipes.regular == 0 {
        let spread = ad_spread::measure(context);
        let own = spread.own_fleet();
        if spread.endpoints >= config.own_fleet_min.max(1)
            && f64::from(own) >= config.own_fleet_share * f64::from(spread.endpoints)
        {
            points = config.own_fleet_max;
            summary.push_str(&format!(
                ", but {own} of its {} endpoints are its own office fleet",
                spread.endpoints
            ));
        }
    }
    Some(Reason {
        feature: Feature::FreshDomain,
        points,
        summary,
        evidence,
    })
}

fn bracket(age: i64, config: &FreshDomainConfig) -> u32 {
    match age {
        age if age <= HOUR => config.within_hour,
        age if age <= DAY => config.within_day,
        age if age <= 7 * DAY => config.within_week,
        age if age <= 30 * DAY => config.within_month,
        _ => 0,
    }
}

fn freemail_trial(
    context: &Context<'_>,
    config: &FreshDomainConfig,
    domain_name: &str,
) -> Option<Reason> {
    let account = context.tenant.account?;
    let endpoints = context.tenant.endpoints.len();
    if account.account.plan != Plan::Trial || endpoints < config.freemail_trial_endpoints as usize {
        return None;
    }
    let points = config.freemail_trial.min(config.cap);
    let summary = format!("freemail admin ({domain_name}) on a trial with {endpoints} endpoints");
    Some(Reason {
        feature: Feature::FreshDomain,
        points,
        summary,
        evidence: vec![account.source],
    })
}

fn note(summary: String, evidence: Vec<crate::event::SourceRef>) -> Reason {
    Reason {
        feature: Feature::FreshDomain,
        points: 0,
        summary,
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::features::Feature;
    use crate::features::testkit::{at, check, enrol_many, remove_many};

    #[test]
    fn domain_registered_minutes_before_signup() {
        check(
            "2024-05-01T12:00:00Z domain_info domain=fresh.xyz registered=2024-05-01T12:00:00Z registrar=cheap
             2024-05-01T12:07:00Z account_created tenant=t1 admin_email=boss@fresh.xyz plan=trial",
            Feature::FreshDomain,
            expect![[r#"60 fresh_domain: admin domain fresh.xyz registered 7m before signup (2024-05-01T12:00:00Z) [1 2]"#]],
        );
    }

    #[test]
    fn fresh_domain_with_scattered_victims_keeps_its_points() {
        let script = format!(
            "2024-05-01T12:00:00Z domain_info domain=fresh.xyz registered=2024-05-01T12:00:00Z
             2024-05-01T12:07:00Z account_created tenant=t1 admin_email=boss@fresh.xyz plan=paid
             {}",
            enrol_many("t1", "2024-05-02", 6, |i| format!(
                "ad_domain= public_ip=198.51.100.{i}"
            ))
        );
        check(
            &script,
            Feature::FreshDomain,
            expect![[
                r#"60 fresh_domain: admin domain fresh.xyz registered 7m before signup (2024-05-01T12:00:00Z) [1 2]"#
            ]],
        );
    }

    #[test]
    fn business_registering_its_domain_at_signup_with_its_own_ad_fleet() {
        // The look-alike of issue 20: a new business, its own PCs in its own AD domain.
        let script = format!(
            "2024-05-01T12:00:00Z domain_info domain=newco.com registered=2024-05-01T11:40:00Z
             2024-05-01T12:07:00Z account_created tenant=t1 admin_email=it@newco.com plan=trial
             {}",
            enrol_many("t1", "2024-05-02", 8, |i| {
                let domain = if i == 7 { "" } else { "newco.local" };
                format!("ad_domain={domain} public_ip=203.0.113.9")
            })
        );
        check(
            &script,
            Feature::FreshDomain,
            expect![[
                r#"20 fresh_domain: admin domain newco.com registered 27m before signup (2024-05-01T11:40:00Z), but 8 of its 8 endpoints are its own office fleet [1 2]"#
            ]],
        );
    }

    #[test]
    fn a_lab_wiped_and_replaced_regularly_is_not_an_office_fleet() {
        let lab = |day: u32, set: usize| {
            [
                enrol_many("t1", &at(day), 6, |i| {
                    format!("endpoint=s{set}x{i} ad_domain= public_ip=192.0.2.7")
                }),
                remove_many("t1", &at(day + 3), 6, |i| format!("endpoint=s{set}x{i}")),
            ]
            .join("\n")
        };
        let script = format!(
            "2024-05-01T12:00:00Z domain_info domain=rotate.xyz registered=2024-05-01T11:40:00Z
             2024-05-01T12:07:00Z account_created tenant=t1 admin_email=it@rotate.xyz
             {}\n{}\n{}",
            lab(2, 0),
            lab(6, 1),
            enrol_many("t1", &at(10), 6, |i| format!(
                "endpoint=s2x{i} ad_domain= public_ip=192.0.2.7"
            ))
        );
        check(
            &script,
            Feature::FreshDomain,
            expect![
                "60 fresh_domain: admin domain rotate.xyz registered 27m before signup (2024-05-01T11:40:00Z) [1 2]"
            ],
        );
    }

    #[test]
    fn business_in_a_workgroup_behind_its_office_address_is_its_own_fleet() {
        let script = format!(
            "2024-05-01T12:00:00Z domain_info domain=newco.com registered=2024-05-01T11:40:00Z
             2024-05-01T12:07:00Z account_created tenant=t1 admin_email=it@newco.com
             {}",
            enrol_many("t1", "2024-05-02", 5, |i| format!(
                "ad_domain=WORKGROUP public_ip=203.0.113.{}",
                i % 2
            ))
        );
        check(
            &script,
            Feature::FreshDomain,
            expect![[
                r#"20 fresh_domain: admin domain newco.com registered 27m before signup (2024-05-01T11:40:00Z), but 5 of its 5 endpoints are its own office fleet [1 2]"#
            ]],
        );
    }

    #[test]
    fn domain_info_may_arrive_after_the_account() {
        check(
            "2024-05-01T12:07:00Z account_created tenant=t1 admin_email=boss@fresh.xyz plan=trial
             2024-05-01T12:09:00Z domain_info domain=FRESH.xyz registered=2024-04-28T12:00:00Z",
            Feature::FreshDomain,
            expect![[
                r#"20 fresh_domain: admin domain fresh.xyz registered 3d before signup (2024-04-28T12:00:00Z) [2 1]"#
            ]],
        );
    }

    #[test]
    fn old_domain_scores_nothing() {
        check(
            "2015-03-01T00:00:00Z domain_info domain=acme.com registered=2015-03-01T00:00:00Z
             2024-05-01T12:07:00Z account_created tenant=t1 admin_email=it@acme.com plan=paid",
            Feature::FreshDomain,
            expect![[r#"-"#]],
        );
    }

    #[test]
    fn missing_registration_date_is_a_neutral_note() {
        check(
            "2024-05-01T12:00:00Z domain_info domain=acme.io registrar=x
             2024-05-01T12:07:00Z account_created tenant=t1 admin_email=it@acme.io plan=trial",
            Feature::FreshDomain,
            expect![[r#"0 fresh_domain: admin domain acme.io: registration date unknown [1 2]"#]],
        );
        check(
            "2024-05-01T12:07:00Z account_created tenant=t1 admin_email=it@acme.io",
            Feature::FreshDomain,
            expect![[
                r#"0 fresh_domain: no domain_info for admin domain acme.io: registration date unknown [1]"#
            ]],
        );
    }

    #[test]
    fn freemail_is_not_judged_by_age() {
        // gmail.com was "registered" long ago, and a fresh freemail record must not count either.
        check(
            "2024-05-01T12:00:00Z domain_info domain=newmail.example registered=2024-05-01T12:00:00Z freemail=true
             2024-05-01T12:07:00Z account_created tenant=t1 admin_email=joe@newmail.example plan=trial",
            Feature::FreshDomain,
            expect![[r#"-"#]],
        );
        check(
            "2024-05-01T12:07:00Z account_created tenant=t1 admin_email=joe@gmail.com plan=free",
            Feature::FreshDomain,
            expect![[r#"-"#]],
        );
    }

    #[test]
    fn freemail_admin_on_a_business_sized_trial() {
        let script = format!(
            "2024-05-01T12:07:00Z account_created tenant=t1 admin_email=joe@gmail.com plan=trial\n{}",
            enrol_many("t1", "2024-05-02", 12, |_| "ad_domain=".into())
        );
        check(
            &script,
            Feature::FreshDomain,
            expect![[
                r#"5 fresh_domain: freemail admin (gmail.com) on a trial with 12 endpoints [1]"#
            ]],
        );
    }

    #[test]
    fn registered_after_signup_is_noted_not_scored() {
        check(
            "2024-05-01T12:00:00Z domain_info domain=acme.io registered=2024-06-01T00:00:00Z
             2024-05-01T12:07:00Z account_created tenant=t1 admin_email=it@acme.io",
            Feature::FreshDomain,
            expect![[
                r#"0 fresh_domain: admin domain acme.io registered 30d after signup (re-registered?) [1 2]"#
            ]],
        );
    }
}
