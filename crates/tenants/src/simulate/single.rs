//! Abusive tenants that show exactly one of the vendor's three tells, with
//! otherwise ordinary behaviour (issue 20): an aged or freemail domain where
//! the tell is not the domain, a bland name, no abuse reports, no crew
//! links, and endpoints that stay enrolled and are used over weeks rather
//! than worked once and dropped.
//!
//! Each tell comes in variants, so the evaluation measures the tell and not
//! one shape of it: a fresh domain with or without endpoints yet, on any
//! plan, its `domain_info` before or after the account; wipes of a lab
//! behind one address, of a lab behind a few, or of office PCs in a few AD
//! domains, two to five regular cycles; 30 to 150 endpoints enrolled within
//! a month, spread over distinct AD domains, over home PCs, or both with a
//! few shared domains mixed in.

use crate::simulate::builder::{AccountSpec, EndpointSpec, Gen};
use crate::simulate::fleet::{Fleet, SessionStyle};
use crate::simulate::identity::{self, Identity};
use crate::simulate::legit::{home_pc, office_pc};
use crate::simulate::vocab;
use crate::time::{DAY, HOUR, MINUTE};

/// The one tell an abusive tenant of this module shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tell {
    /// Admin domain registered under an hour before signup (not freemail).
    Fresh,
    /// Two or more regular wipe-and-replace cycles.
    Wipes,
    /// At least 30 endpoints, at least 80 % alone in their AD domain or home PCs.
    Spread,
}

/// An abusive tenant showing `tell` and nothing else.
pub fn abuser(g: &mut Gen<'_>, tell: Tell) {
    let end = g.end();
    let mut fleet = Fleet::default();
    let created = match tell {
        Tell::Wipes => wipe_cycles(g, &mut fleet),
        _ => end - g.rng.range(25 * DAY, 150 * DAY),
    };
    match tell {
        Tell::Fresh => fresh_fleet(g, created, &mut fleet),
        Tell::Spread => spread_fleet(g, created, &mut fleet),
        Tell::Wipes => {}
    }
    let identity = sign_up(g, tell, created);
    let technicians: Vec<String> = if identity.freemail {
        vec![identity.email.clone()]
    } else {
        (0..1 + g.rng.below(3))
            .map(|_| format!("{}@{}", vocab::local_part(&mut g.rng), identity.domain))
            .collect()
    };
    let style = SessionStyle {
        attended: 0.5,
        minutes: (10, 60),
        technicians: technicians.len(),
    };
    for idx in 0..fleet.endpoints.len() {
        let count = 3 + g.rng.below(5);
        fleet.random_sessions(&mut g.rng, idx, end, count, style);
    }
    fleet.emit(g, &technicians);
}

fn sign_up(g: &mut Gen<'_>, tell: Tell, created: i64) -> Identity {
    let local = vocab::local_part(&mut g.rng);
    let name = (*g.rng.pick(vocab::BLAND_NAMES)).to_owned();
    let registrar = if g.rng.chance(0.5) {
        *g.rng.pick(vocab::CHEAP_REGISTRARS)
    } else {
        *g.rng.pick(vocab::POPULAR_REGISTRARS)
    };
    let identity = if tell == Tell::Fresh {
        let stem = name.replace(' ', "").to_ascii_lowercase();
        let domain = format!("{stem}{}.{}", g.rng.hex(6), g.rng.pick(vocab::CHEAP_TLDS));
        let identity = identity::own(&local, domain);
        let age = g.rng.range(MINUTE, 59 * MINUTE);
        identity::announce_fully(g, created, &identity, age, registrar);
        identity
    } else if g.rng.chance(0.5) {
        let identity = identity::freemail(&mut g.rng, &local);
        identity::announce(g, created, &identity, 0, registrar);
        identity
    } else {
        let domain = vocab::business_domain(&mut g.rng, &name.replace(' ', ""));
        let identity = identity::own(&local, domain);
        let age = g.rng.range(200 * DAY, 12 * 365 * DAY);
        identity::announce(g, created, &identity, age, registrar);
        identity
    };
    let plan = *g.rng.pick(&["trial", "trial", "paid", "free"]);
    let spec = AccountSpec {
        name: name.clone(),
        company: name,
        email: identity.email.clone(),
        signup_ip: vocab::public_ip(&mut g.rng),
        plan,
    };
    g.account(created, &spec);
    identity
}

/// None to nine endpoints, home PCs or each at its own organization: too
/// few for spread to count.
fn fresh_fleet(g: &mut Gen<'_>, created: i64, fleet: &mut Fleet) {
    let count = if g.rng.chance(0.2) {
        0
    } else {
        1 + g.rng.below(9)
    };
    for _ in 0..count {
        let spec = if g.rng.chance(0.7) {
            home_pc(g)
        } else {
            org_pc(g)
        };
        let at = created + g.rng.range(HOUR, 20 * DAY);
        let idx = fleet.add(spec, at);
        if g.rng.chance(0.1) {
            let when = at + g.rng.range(10 * DAY, 60 * DAY);
            fleet.remove(idx, when, "admin");
        }
    }
}

/// Two to five regular cycles: a set of endpoints enrolled within a day,
/// used for days or weeks, all removed within a few hours, and a new set
/// enrolled within days. The cycles are planned back from the stream's end,
/// so they have all happened by then.
fn wipe_cycles(g: &mut Gen<'_>, fleet: &mut Fleet) -> i64 {
    let cycles = g.rng.range(2, 6);
    let variant = g.rng.below(3);
    let lab_ips: Vec<String> = (0..g.rng.range(2, 4))
        .map(|_| vocab::public_ip(&mut g.rng))
        .collect();
    let domains: Vec<String> = (0..g.rng.range(2, 5))
        .map(|_| format!("corp.{}", vocab::business_domain(&mut g.rng, "site")))
        .collect();
    let size = g.rng.range(5, 21) as usize;
    // (life of a set until its wipe, pause until the next set) per cycle.
    let plan: Vec<(i64, i64)> = (0..cycles)
        .map(|_| {
            (
                DAY + g.rng.range(2 * DAY, 25 * DAY),
                g.rng.range(5 * HOUR, 4 * DAY),
            )
        })
        .collect();
    let total: i64 = plan.iter().map(|(life, pause)| life + pause).sum();
    let created = g.end() - total - g.rng.range(3 * DAY, 40 * DAY);
    let mut start = created + g.rng.range(HOUR, 3 * DAY);
    for set in 0..=plan.len() {
        let members: Vec<usize> = (0..size)
            .map(|_| {
                let spec = match variant {
                    0 => lab_pc(g, &lab_ips[0]),
                    1 => {
                        let ip = g.rng.pick(&lab_ips).clone();
                        lab_pc(g, &ip)
                    }
                    _ => {
                        let domain = g.rng.pick(&domains).clone();
                        office_pc(g, &domain)
                    }
                };
                fleet.add(spec, start + g.rng.range(0, 20 * HOUR))
            })
            .collect();
        let Some(&(life, pause)) = plan.get(set) else {
            break;
        };
        let wipe = start + life;
        let how = *g.rng.pick(&["api", "admin", "uninstall"]);
        for idx in members {
            fleet.remove(idx, wipe + g.rng.range(0, 4 * HOUR), how);
        }
        start = wipe + pause;
    }
    created
}

/// 30 to 150 endpoints enrolled within a month, at least 80 % alone in
/// their AD domain or home PCs.
fn spread_fleet(g: &mut Gen<'_>, created: i64, fleet: &mut Fleet) {
    let count = g.rng.range(30, 151) as usize;
    let variant = g.rng.below(3);
    let span = g.rng.range(3 * DAY, 30 * DAY).min(g.end() - created - HOUR);
    let shared_domains: Vec<String> = (0..2)
        .map(|_| format!("ad.{}", vocab::business_domain(&mut g.rng, "org")))
        .collect();
    // The mixed variant puts up to 15 % in a couple of shared domains.
    let shared = if variant == 2 {
        g.rng.below((count as u64 * 15 / 100).max(1)) as usize
    } else {
        0
    };
    for n in 0..count {
        let spec = match variant {
            _ if n < shared => office_pc(g, &shared_domains[n % 2]),
            0 => org_pc(g),
            1 => home_pc(g),
            _ if g.rng.chance(0.5) => org_pc(g),
            _ => home_pc(g),
        };
        let at = created + g.rng.range(HOUR, span);
        let idx = fleet.add(spec, at);
        if g.rng.chance(0.1) {
            let when = at + g.rng.range(14 * DAY, 90 * DAY);
            fleet.remove(idx, when, "admin");
        }
    }
}

/// A PC at an organization of its own (the only endpoint in its AD domain).
fn org_pc(g: &mut Gen<'_>) -> EndpointSpec {
    let place = g.rng.word(vocab::PLACES);
    let org = vocab::business_domain(&mut g.rng, place);
    let ad_domain = format!("{}.{org}", g.rng.pick(&["corp", "ad", "agency", "hq"]));
    let mut spec = office_pc(g, &ad_domain);
    spec.hostname = format!("WS-{}", g.rng.hex(6).to_ascii_uppercase());
    spec
}

/// A machine in the tenant's own lab: no AD domain, behind the lab's address.
fn lab_pc(g: &mut Gen<'_>, lab_ip: &str) -> EndpointSpec {
    let mut spec = home_pc(g);
    spec.public_ip = lab_ip.to_owned();
    spec
}
