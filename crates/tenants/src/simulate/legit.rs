//! Legitimate tenants: home users, small businesses, MSPs, break-fix shops,
//! freelancers helping friends, and dormant sign-ups.
//!
//! They are drawn with the overlaps real data has: freemail admins, home
//! PCs with no AD domain, help-desk words in MSP names, MSP trials that
//! import a fleet on day one, hardware refreshes (one wipe-and-replace),
//! one-off cleanups of 3 endpoints, customer offboarding, break-fix jobs
//! that look one-shot, a few fresh domains, and stray abuse reports.

use crate::simulate::builder::{AccountSpec, EndpointSpec, Gen};
use crate::simulate::fleet::{Fleet, SessionStyle};
use crate::simulate::identity::{self, Identity};
use crate::simulate::vocab::{self, title};
use crate::simulate::world::World;
use crate::time::{DAY, HOUR, MINUTE};

/// Share of legitimate tenants that get one (mistaken) abuse report.
const STRAY_REPORT: f64 = 0.003;

/// A home user: freemail, one to three home PCs, family help sessions.
pub fn home(g: &mut Gen<'_>, world: &World) {
    let created = g.end() - g.rng.range(DAY, 3 * 365 * DAY);
    let local = vocab::local_part(&mut g.rng);
    let identity = if g.rng.chance(0.92) {
        identity::freemail(&mut g.rng, &local)
    } else {
        let last = g.rng.word(vocab::LAST);
        let domain = vocab::business_domain(&mut g.rng, last);
        identity::own(&local, domain)
    };
    let plan = *g.rng.pick(&["free", "free", "free", "trial", "trial", ""]);
    sign_up(
        g,
        world,
        created,
        &identity,
        &title(&local.replace('.', " ")),
        "",
        plan,
        10 * 365 * DAY,
    );
    let technicians = vec![identity.email.clone()];
    let mut fleet = Fleet::default();
    if g.rng.chance(0.25) {
        // Helped a relative once: one PC, one session, removed the same day.
        let idx = fleet.add(home_pc(g), created + g.rng.range(MINUTE, 3 * DAY));
        let enrolled = fleet.endpoints[idx].enrolled;
        fleet.endpoints[idx]
            .sessions
            .push((enrolled + 5 * MINUTE, 0, true, g.rng.range(10, 60)));
        fleet.remove(idx, enrolled + g.rng.range(HOUR, 6 * HOUR), "admin");
    } else {
        for _ in 0..1 + g.rng.below(3) {
            let idx = fleet.add(home_pc(g), created + g.rng.range(MINUTE, 30 * DAY));
            if g.rng.chance(0.2) {
                let when = fleet.endpoints[idx].enrolled + g.rng.range(7 * DAY, 700 * DAY);
                fleet.remove(idx, when, "admin");
            }
            let count = 1 + g.rng.below(6);
            let style = SessionStyle {
                attended: 0.9,
                minutes: (5, 60),
                technicians: 1,
            };
            let end = g.end();
            fleet.random_sessions(&mut g.rng, idx, end, count, style);
        }
    }
    fleet.emit(g, &technicians);
    stray_report(g, created);
}

/// A small business: own domain (rarely a fresh one), a few to forty PCs in
/// one AD domain or a workgroup, slow churn, sometimes a hardware refresh.
pub fn small_business(g: &mut Gen<'_>, world: &World) {
    let created = g.end() - g.rng.range(30 * DAY, 6 * 365 * DAY);
    let company = format!(
        "{} {}",
        title(g.rng.word(vocab::PLACES)),
        title(g.rng.word(vocab::TRADES))
    );
    let local = vocab::local_part(&mut g.rng);
    let identity = if g.rng.chance(0.15) {
        identity::freemail(&mut g.rng, &local)
    } else {
        let domain = vocab::business_domain(&mut g.rng, &company);
        identity::own(&local, domain)
    };
    let plan = *g.rng.pick(&[
        "paid", "paid", "paid", "paid", "paid", "paid", "trial", "trial", "trial", "",
    ]);
    let age = identity::business_domain_age(&mut g.rng);
    sign_up(g, world, created, &identity, &company, &company, plan, age);
    let ad_domain = if g.rng.chance(0.6) {
        format!(
            "{}.local",
            company
                .split(' ')
                .next()
                .unwrap_or("corp")
                .to_ascii_lowercase()
        )
    } else {
        String::new()
    };
    let technicians: Vec<String> = (0..1 + g.rng.below(3))
        .map(|_| format!("{}@{}", vocab::local_part(&mut g.rng), identity.domain))
        .collect();
    let mut fleet = Fleet::default();
    let size = g.rng.log_uniform(3.0, 40.0) as usize;
    for _ in 0..size {
        let enrolled = created + g.rng.range(MINUTE, 14 * DAY);
        fleet.add(office_pc(g, &ad_domain), enrolled);
    }
    churn(g, &mut fleet, &ad_domain, 0.12, 0.8);
    if g.rng.chance(0.08) {
        let first = refresh(g, &mut fleet, &ad_domain, created + 30 * DAY);
        if g.rng.chance(0.12) {
            // The next refresh, when the stream lasts long enough: years later.
            let next = first + g.rng.range(700 * DAY, 1400 * DAY);
            if next < g.end() {
                refresh(g, &mut fleet, &ad_domain, next);
            }
        }
    }
    if size >= 10 && g.rng.chance(0.15) {
        cleanup(g, &mut fleet, 3);
    }
    let style = SessionStyle {
        attended: 0.3,
        minutes: (5, 45),
        technicians: technicians.len(),
    };
    for idx in 0..fleet.endpoints.len() {
        let count = g.rng.below(5);
        let end = g.end();
        fleet.random_sessions(&mut g.rng, idx, end, count, style);
    }
    fleet.emit(g, &technicians);
    stray_report(g, created);
}

/// An MSP: tens of customer AD domains with several endpoints each,
/// hundreds of endpoints, long-lived, slow churn, offboarding, cleanups;
/// some are on a trial and import their fleet on day one.
pub fn msp(g: &mut Gen<'_>, world: &World) {
    let trial = g.rng.chance(0.15);
    let created = if trial {
        g.end() - g.rng.range(10 * DAY, 120 * DAY)
    } else {
        g.end() - g.rng.range(90 * DAY, 6 * 365 * DAY)
    };
    let company = format!(
        "{} {}",
        title(g.rng.word(vocab::PLACES)),
        g.rng.pick(vocab::MSP_SUFFIXES)
    );
    let local = vocab::local_part(&mut g.rng);
    let identity = if g.rng.chance(0.03) {
        identity::freemail(&mut g.rng, &local)
    } else {
        let domain = vocab::business_domain(&mut g.rng, &company);
        identity::own(&local, domain)
    };
    let age = if trial {
        identity::business_domain_age(&mut g.rng)
    } else {
        g.rng.range(365 * DAY, 20 * 365 * DAY)
    };
    sign_up(
        g,
        world,
        created,
        &identity,
        &company,
        &company,
        if trial { "trial" } else { "paid" },
        age,
    );
    let technicians: Vec<String> = (0..2 + g.rng.below(14))
        .map(|_| format!("{}@{}", vocab::local_part(&mut g.rng), identity.domain))
        .collect();
    let mut fleet = Fleet::default();
    let customers = g.rng.range(8, 40);
    let mut customer_domains = Vec::new();
    for customer in 0..customers {
        let domain = format!(
            "{}.{}",
            g.rng.pick(&["corp", "ad", "office", "hq"]),
            vocab::business_domain(&mut g.rng, "c")
        );
        let onboard = if trial && customer < customers / 2 {
            created + g.rng.range(MINUTE, 20 * HOUR)
        } else {
            created + g.rng.range(MINUTE, (g.end() - created).max(DAY))
        };
        let size = g.rng.log_uniform(2.0, 25.0) as usize;
        for _ in 0..size {
            let ad = if g.rng.chance(0.05) {
                String::new()
            } else {
                domain.clone()
            };
            fleet.add(office_pc(g, &ad), onboard + g.rng.range(MINUTE, 2 * DAY));
        }
        customer_domains.push(domain);
    }
    churn(g, &mut fleet, "", 0.10, 0.7);
    if g.rng.chance(0.25) {
        offboard(g, &mut fleet, &customer_domains);
    }
    if g.rng.chance(0.3) {
        cleanup(g, &mut fleet, 3);
    }
    let style = SessionStyle {
        attended: 0.15,
        minutes: (5, 60),
        technicians: technicians.len(),
    };
    for idx in 0..fleet.endpoints.len() {
        let count = g.rng.below(3);
        let end = g.end();
        fleet.random_sessions(&mut g.rng, idx, end, count, style);
    }
    fleet.emit(g, &technicians);
    stray_report(g, created);
}

/// A break-fix shop: customers' home PCs and small offices, an attended
/// job or two, then the agent removed; the hardest legitimate look-alike.
pub fn break_fix(g: &mut Gen<'_>, world: &World) {
    let created = g.end() - g.rng.range(365 * DAY, 8 * 365 * DAY);
    let company = (*g.rng.pick(vocab::SHOP_NAMES)).to_owned();
    let local = vocab::local_part(&mut g.rng);
    let domain = vocab::business_domain(&mut g.rng, &company);
    let identity = identity::own(&local, domain);
    let age = g.rng.range(365 * DAY, 15 * 365 * DAY);
    sign_up(
        g, world, created, &identity, &company, &company, "paid", age,
    );
    let technicians: Vec<String> = (0..1 + g.rng.below(4))
        .map(|_| format!("{}@{}", vocab::local_part(&mut g.rng), identity.domain))
        .collect();
    let mut fleet = Fleet::default();
    let jobs = g.rng.range(20, 150);
    for _ in 0..jobs {
        let start = created + g.rng.range(DAY, (g.end() - created).max(2 * DAY));
        let office = g.rng.chance(0.25);
        let ad = if office {
            format!("office.{}", vocab::business_domain(&mut g.rng, "client"))
        } else {
            String::new()
        };
        let pcs = if office { 1 + g.rng.below(3) } else { 1 };
        for _ in 0..pcs {
            let spec = if office {
                office_pc(g, &ad)
            } else {
                home_pc(g)
            };
            let idx = fleet.add(spec, start + g.rng.range(0, HOUR));
            let enrolled = fleet.endpoints[idx].enrolled;
            if g.rng.chance(0.55) {
                // A quick job: one attended session, agent removed the same day.
                fleet.endpoints[idx].sessions.push((
                    enrolled + g.rng.range(2 * MINUTE, 30 * MINUTE),
                    0,
                    true,
                    g.rng.range(20, 120),
                ));
                fleet.remove(idx, enrolled + g.rng.range(2 * HOUR, 8 * HOUR), "admin");
                continue;
            }
            let job_length = g.rng.range(HOUR, 5 * DAY);
            let sessions = 1 + g.rng.below(3) as i64;
            for n in 0..sessions {
                let ts = start + 5 * MINUTE + n * job_length / sessions;
                let technician = g.rng.below(technicians.len() as u64) as usize;
                fleet.endpoints[idx]
                    .sessions
                    .push((ts, technician, true, g.rng.range(15, 120)));
            }
            if g.rng.chance(0.25) {
                let later = start + g.rng.range(14 * DAY, 400 * DAY);
                fleet.endpoints[idx]
                    .sessions
                    .push((later, 0, true, g.rng.range(15, 90)));
            } else if g.rng.chance(0.6) {
                fleet.remove(
                    idx,
                    start + job_length + g.rng.range(HOUR, 2 * DAY),
                    "admin",
                );
            }
        }
    }
    fleet.emit(g, &technicians);
    stray_report(g, created);
}

/// Someone helping friends and family: freemail, a handful of home PCs,
/// attended sessions over months.
pub fn freelancer(g: &mut Gen<'_>, world: &World) {
    let created = g.end() - g.rng.range(60 * DAY, 4 * 365 * DAY);
    let local = vocab::local_part(&mut g.rng);
    let identity = if g.rng.chance(0.85) {
        identity::freemail(&mut g.rng, &local)
    } else {
        let domain = vocab::business_domain(&mut g.rng, &local);
        identity::own(&local, domain)
    };
    let plan = *g.rng.pick(&["free", "free", "trial", "paid"]);
    let age = identity::business_domain_age(&mut g.rng);
    sign_up(
        g,
        world,
        created,
        &identity,
        &title(&local.replace('.', " ")),
        "",
        plan,
        age,
    );
    let mut fleet = Fleet::default();
    for _ in 0..g.rng.range(2, 16) {
        let idx = fleet.add(home_pc(g), created + g.rng.range(MINUTE, 120 * DAY));
        if g.rng.chance(0.1) {
            let when = fleet.endpoints[idx].enrolled + g.rng.range(3 * DAY, 300 * DAY);
            fleet.remove(idx, when, "uninstall");
        }
        let count = g.rng.range(2, 10) as u64;
        let style = SessionStyle {
            attended: 0.8,
            minutes: (5, 90),
            technicians: 1,
        };
        let end = g.end();
        fleet.random_sessions(&mut g.rng, idx, end, count, style);
    }
    fleet.emit(g, std::slice::from_ref(&identity.email));
}

/// A sign-up that never went anywhere: an account, maybe one endpoint.
pub fn dormant(g: &mut Gen<'_>, world: &World) {
    let created = g.end() - g.rng.range(DAY, 3 * 365 * DAY);
    let local = vocab::local_part(&mut g.rng);
    let identity = if g.rng.chance(0.6) {
        identity::freemail(&mut g.rng, &local)
    } else {
        let domain = vocab::business_domain(&mut g.rng, &local);
        identity::own(&local, domain)
    };
    let age = identity::business_domain_age(&mut g.rng);
    sign_up(
        g,
        world,
        created,
        &identity,
        &title(&local.replace('.', " ")),
        "",
        "trial",
        age,
    );
    if g.rng.chance(0.5) {
        let pc = home_pc(g);
        let at = created + g.rng.range(MINUTE, 2 * DAY);
        g.enrol(at, &pc);
    }
}

/// Emits the domain facts and the account.
#[allow(clippy::too_many_arguments)] // One call per tenant kind; a struct would only rename the arguments.
pub fn sign_up(
    g: &mut Gen<'_>,
    world: &World,
    created: i64,
    identity: &Identity,
    name: &str,
    company: &str,
    plan: &'static str,
    domain_age: i64,
) {
    let registrar = identity::business_registrar(&mut g.rng);
    identity::announce(g, created, identity, domain_age, registrar);
    let signup_ip = if g.rng.chance(0.003) {
        world.crew(g.rng.below(world.crews)).signup_ip
    } else {
        vocab::public_ip(&mut g.rng)
    };
    let spec = AccountSpec {
        name: name.to_owned(),
        company: company.to_owned(),
        email: identity.email.clone(),
        signup_ip,
        plan,
    };
    g.account(created, &spec);
}

/// A home PC (no AD domain).
pub fn home_pc(g: &mut Gen<'_>) -> EndpointSpec {
    EndpointSpec {
        id: g.id("ep"),
        hostname: vocab::home_hostname(&mut g.rng),
        ad_domain: String::new(),
        public_ip: vocab::public_ip(&mut g.rng),
        os: g.rng.word(vocab::DESKTOP_OS),
        hw: g.rng.hex(16),
    }
}

/// An office PC, behind its site's public address.
pub fn office_pc(g: &mut Gen<'_>, ad_domain: &str) -> EndpointSpec {
    let prefix = ad_domain
        .split('.')
        .next()
        .unwrap_or("pc")
        .to_ascii_uppercase();
    let variant = u64::from(g.rng.chance(0.2));
    EndpointSpec {
        id: g.id("ep"),
        hostname: format!("{prefix}-PC{:03}", g.rng.below(1000)),
        ad_domain: ad_domain.to_owned(),
        public_ip: vocab::site_ip(&g.tenant, ad_domain, variant),
        os: g.rng.word(vocab::DESKTOP_OS),
        hw: g.rng.hex(16),
    }
}

/// Each endpoint is retired with probability `share` at a random time, and
/// replaced by a new one with probability `replace`.
fn churn(g: &mut Gen<'_>, fleet: &mut Fleet, ad_domain: &str, share: f64, replace: f64) {
    let end = g.end();
    for idx in 0..fleet.endpoints.len() {
        if !g.rng.chance(share) {
            continue;
        }
        let enrolled = fleet.endpoints[idx].enrolled;
        if end - enrolled < 2 * DAY {
            continue;
        }
        let when = g.rng.range(enrolled + DAY, end);
        fleet.remove(
            idx,
            when,
            if g.rng.chance(0.7) {
                "admin"
            } else {
                "uninstall"
            },
        );
        if g.rng.chance(replace) {
            let ad = if ad_domain.is_empty() {
                fleet.endpoints[idx].spec.ad_domain.clone()
            } else {
                ad_domain.to_owned()
            };
            let spec = office_pc(g, &ad);
            fleet.add(spec, when + g.rng.range(HOUR, 10 * DAY));
        }
    }
}

/// Every active endpoint replaced at once (new hardware), one cycle, at a
/// time from `earliest` to the stream's end; returns when.
fn refresh(g: &mut Gen<'_>, fleet: &mut Fleet, ad_domain: &str, earliest: i64) -> i64 {
    let end = g.end();
    let at = g.rng.range(earliest, end.max(earliest + DAY));
    let active = fleet.active_at(at);
    for &idx in &active {
        fleet.remove(idx, at + g.rng.range(0, 2 * HOUR), "admin");
    }
    for _ in 0..active.len() {
        let spec = office_pc(g, ad_domain);
        fleet.add(spec, at + g.rng.range(DAY, 3 * DAY));
    }
    at
}

/// A one-off cleanup: `count` endpoints removed in the same hour.
fn cleanup(g: &mut Gen<'_>, fleet: &mut Fleet, count: usize) {
    let end = g.end();
    let at = g.rng.range(end - 300 * DAY, end);
    let active = fleet.active_at(at);
    for &idx in active.iter().take(count) {
        fleet.remove(idx, at + g.rng.range(0, HOUR), "admin");
    }
}

/// One customer leaves: all its endpoints removed within the hour.
fn offboard(g: &mut Gen<'_>, fleet: &mut Fleet, domains: &[String]) {
    let end = g.end();
    let domain = g.rng.pick(domains).clone();
    let at = g.rng.range(end - 365 * DAY, end);
    for idx in fleet.active_at(at) {
        if fleet.endpoints[idx].spec.ad_domain == domain {
            fleet.remove(idx, at + g.rng.range(0, HOUR), "admin");
        }
    }
}

fn stray_report(g: &mut Gen<'_>, created: i64) {
    if g.rng.chance(STRAY_REPORT) {
        let when = g.rng.range(created, g.end());
        g.report(when);
    }
}
