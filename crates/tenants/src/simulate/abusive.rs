//! Abusive tenants: refund-scam crews working victims through the RMM,
//! each kind showing one tell strongly (fresh admin domain, wipe-and-replace,
//! AD-domain spread, one-shot endpoints, trial burst, linkage to banned
//! tenants, brand naming), mixes of two, MSP mimics that hide victims among
//! a long-lived fleet, and already banned tenants (history).
//!
//! Every crew works victims the same way (enrol, one or two attended
//! sessions, usually gone soon); the tells decide the rest.

use crate::simulate::builder::{AccountSpec, EndpointSpec, Gen};
use crate::simulate::fleet::{Fleet, SessionStyle};
use crate::simulate::identity::{self, Identity};
use crate::simulate::legit::{home_pc, office_pc};
use crate::simulate::vocab::{self, title};
use crate::simulate::world::{Crew, World};
use crate::time::{DAY, HOUR, MINUTE};

/// Which tells an abusive tenant shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tells {
    /// Admin domain registered minutes before signup.
    pub fresh: bool,
    /// Regular wipe-and-replace of all endpoints.
    pub wipes: bool,
    /// Victims at organizations: one endpoint per AD domain.
    pub spread: bool,
    /// Many victims on the trial's first day.
    pub burst: bool,
    /// Shares fingerprints with a banned tenant's crew.
    pub linked: bool,
    /// Brand or help-desk name.
    pub brand: bool,
    /// Hides among a long-lived MSP-like fleet.
    pub mimic: bool,
}

impl Tells {
    /// Two tells drawn at random (the "mixed" kind).
    pub fn mixed(g: &mut Gen<'_>) -> Tells {
        let mut tells = Tells::default();
        let mut chosen = 0;
        while chosen < 2 {
            let flag = match g.rng.below(6) {
                0 => &mut tells.fresh,
                1 => &mut tells.wipes,
                2 => &mut tells.spread,
                3 => &mut tells.burst,
                4 => &mut tells.linked,
                _ => &mut tells.brand,
            };
            if !*flag {
                *flag = true;
                chosen += 1;
            }
        }
        tells
    }
}

/// An active abusive tenant.
pub fn abuser(g: &mut Gen<'_>, world: &World, tells: Tells) {
    let end = g.end();
    let created = end - g.rng.range(3 * DAY, 150 * DAY);
    let life = if tells.mimic {
        g.rng.range(60 * DAY, 200 * DAY)
    } else if tells.wipes || tells.spread {
        g.rng.range(20 * DAY, 90 * DAY)
    } else {
        g.rng.range(5 * DAY, 90 * DAY)
    };
    let crew = if tells.linked || g.rng.chance(0.25) {
        Some(world.crew(g.rng.below(world.crews)))
    } else {
        None
    };
    let stop = campaign(g, tells, created, created + life, crew.as_ref());
    reports(g, created, stop, 0.25);
}

/// A tenant banned in the past: a campaign that ended with a ban.
pub fn banned(g: &mut Gen<'_>, world: &World) {
    let end = g.end();
    let created = end - g.rng.range(60 * DAY, 400 * DAY);
    let crew = world.crew(g.rng.below(world.crews));
    let tells = Tells {
        fresh: g.rng.chance(0.3),
        wipes: g.rng.chance(0.2),
        brand: g.rng.chance(0.3),
        linked: true,
        ..Tells::default()
    };
    let life = g.rng.range(10 * DAY, 60 * DAY);
    let stop = campaign(g, tells, created, created + life, Some(&crew));
    reports(g, created, stop, 0.6);
    let when = stop + g.rng.range(HOUR, 10 * DAY);
    g.ban(when.min(end));
}

/// Signs up and works victims until `until`; returns when it stopped.
fn campaign(g: &mut Gen<'_>, tells: Tells, created: i64, until: i64, crew: Option<&Crew>) -> i64 {
    let stop = until.min(g.end());
    let identity = sign_up(g, tells, created, crew);
    let technicians = technicians(g, tells, crew, &identity);
    let mut fleet = Fleet::default();
    test_box(g, tells, crew, created, &mut fleet);
    if tells.mimic {
        cover_fleet(g, created, &mut fleet, technicians.len());
    }
    victims(g, tells, created, stop, &mut fleet);
    if tells.wipes {
        wipes(g, created, stop, &mut fleet);
    }
    fleet.emit(g, &technicians);
    stop
}

fn sign_up(g: &mut Gen<'_>, tells: Tells, created: i64, crew: Option<&Crew>) -> Identity {
    let local = match crew {
        Some(crew) if tells.linked && g.rng.chance(0.4) => crew.local.clone(),
        _ => vocab::local_part(&mut g.rng),
    };
    let name = if tells.brand {
        (*g.rng.pick(vocab::BRAND_NAMES)).to_owned()
    } else if tells.mimic {
        format!(
            "{} {}",
            title(g.rng.word(vocab::PLACES)),
            g.rng.pick(vocab::MSP_SUFFIXES)
        )
    } else if g.rng.chance(0.2) {
        format!("{} Tech Support", g.rng.pick(vocab::BLAND_NAMES))
    } else {
        (*g.rng.pick(vocab::BLAND_NAMES)).to_owned()
    };
    let (identity, age) = if tells.fresh {
        let age = if g.rng.chance(0.9) {
            g.rng.range(2 * MINUTE, 55 * MINUTE)
        } else {
            g.rng.range(HOUR, 10 * HOUR)
        };
        (scam_domain(g, &local, &name), age)
    } else if tells.mimic {
        let domain = vocab::business_domain(&mut g.rng, &name);
        (
            identity::own(&local, domain),
            g.rng.range(365 * DAY, 10 * 365 * DAY),
        )
    } else if g.rng.chance(0.45) {
        (identity::freemail(&mut g.rng, &local), 0)
    } else {
        let age = if g.rng.chance(0.3) {
            g.rng.range(HOUR, 30 * DAY)
        } else {
            g.rng.range(120 * DAY, 10 * 365 * DAY)
        };
        (scam_domain(g, &local, &name), age)
    };
    let registrar = match crew {
        Some(crew) if g.rng.chance(0.5) => crew.registrar,
        _ if !tells.mimic && g.rng.chance(0.6) => *g.rng.pick(vocab::CHEAP_REGISTRARS),
        _ => *g.rng.pick(vocab::POPULAR_REGISTRARS),
    };
    identity::announce(g, created, &identity, age, registrar);
    let plan = if tells.burst {
        "trial"
    } else if tells.mimic {
        "paid"
    } else {
        *g.rng.pick(&[
            "trial", "trial", "trial", "trial", "trial", "trial", "paid", "paid", "free", "free",
        ])
    };
    let signup_ip = match crew {
        Some(crew) if tells.linked && g.rng.chance(0.4) => crew.signup_ip.clone(),
        _ => vocab::public_ip(&mut g.rng),
    };
    let spec = AccountSpec {
        name: name.clone(),
        company: name,
        email: identity.email.clone(),
        signup_ip,
        plan,
    };
    g.account(created, &spec);
    identity
}

fn scam_domain(g: &mut Gen<'_>, local: &str, name: &str) -> Identity {
    let stem: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    // Random enough that two tenants never share a domain by chance (a
    // later tenant's `domain_info` would rewrite the first one's age).
    let domain = format!("{stem}{}.{}", g.rng.hex(6), g.rng.pick(vocab::CHEAP_TLDS));
    identity::own(local, domain)
}

fn technicians(
    g: &mut Gen<'_>,
    tells: Tells,
    crew: Option<&Crew>,
    identity: &Identity,
) -> Vec<String> {
    let mut technicians: Vec<String> = match crew {
        Some(crew) if (tells.linked && g.rng.chance(0.7)) || g.rng.chance(0.4) => {
            crew.technicians.clone()
        }
        _ => Vec::new(),
    };
    for _ in 0..1 + g.rng.below(3) {
        technicians.push(format!("agent{}@{}", g.rng.range(1, 99), identity.domain));
    }
    technicians
}

/// The crew's own PC, enrolled to test the agent (its hardware links tenants).
fn test_box(g: &mut Gen<'_>, tells: Tells, crew: Option<&Crew>, created: i64, fleet: &mut Fleet) {
    let Some(crew) = crew else {
        return;
    };
    let uses_own_box = (tells.linked && g.rng.chance(0.75)) || g.rng.chance(0.3);
    if !uses_own_box {
        return;
    }
    let mut spec = home_pc(g);
    spec.hw = g.rng.pick(&crew.hw).clone();
    let idx = fleet.add(spec, created + g.rng.range(5 * MINUTE, 2 * HOUR));
    let enrolled = fleet.endpoints[idx].enrolled;
    fleet.endpoints[idx]
        .sessions
        .push((enrolled + 10 * MINUTE, 0, false, g.rng.range(5, 30)));
}

/// A long-lived MSP-like fleet in a few AD domains, for cover.
fn cover_fleet(g: &mut Gen<'_>, created: i64, fleet: &mut Fleet, technicians: usize) {
    let domains: Vec<String> = (0..g.rng.range(4, 9))
        .map(|_| format!("corp.{}", vocab::business_domain(&mut g.rng, "client")))
        .collect();
    for _ in 0..g.rng.range(30, 80) {
        let ad_domain = g.rng.pick(&domains).clone();
        let spec = office_pc(g, &ad_domain);
        let idx = fleet.add(spec, created + g.rng.range(MINUTE, 14 * DAY));
        let style = SessionStyle {
            attended: 0.1,
            minutes: (5, 40),
            technicians,
        };
        let count = 1 + g.rng.below(3);
        let end = g.end();
        fleet.random_sessions(&mut g.rng, idx, end, count, style);
    }
}

fn victims(g: &mut Gen<'_>, tells: Tells, created: i64, stop: i64, fleet: &mut Fleet) {
    let per_day = if tells.mimic {
        g.rng.log_uniform(0.5, 2.0)
    } else {
        g.rng.log_uniform(1.0, 6.0)
    };
    let mut ts = created + g.rng.range(10 * MINUTE, 3 * HOUR);
    if tells.burst {
        for _ in 0..g.rng.range(20, 50) {
            let at = created + g.rng.range(10 * MINUTE, 22 * HOUR);
            victim(g, tells, at, fleet);
        }
        ts += DAY;
    }
    while ts < stop {
        victim(g, tells, ts, fleet);
        let gap = (DAY as f64 / per_day * (0.2 + 1.6 * g.rng.unit())) as i64;
        ts += gap.max(10 * MINUTE);
    }
}

fn victim(g: &mut Gen<'_>, tells: Tells, ts: i64, fleet: &mut Fleet) {
    let mut spec: EndpointSpec = home_pc(g);
    if (tells.spread && g.rng.chance(0.9)) || g.rng.chance(0.1) {
        let org = {
            let place = g.rng.word(vocab::PLACES);
            vocab::business_domain(&mut g.rng, place)
        };
        spec.ad_domain = format!("{}.{org}", g.rng.pick(&["corp", "ad", "agency", "hq"]));
        spec.hostname = format!("WS-{}", g.rng.hex(6).to_ascii_uppercase());
    }
    let idx = fleet.add(spec, ts);
    let sessions = match g.rng.unit() {
        p if p < 0.08 => 0,
        p if p < 0.83 => 1,
        _ => 2,
    };
    let first = ts + g.rng.range(2 * MINUTE, 15 * MINUTE);
    for n in 0..sessions {
        let start = first + n * g.rng.range(HOUR, 6 * HOUR);
        let technician = g.rng.below(3) as usize;
        fleet.endpoints[idx]
            .sessions
            .push((start, technician, true, g.rng.range(15, 90)));
    }
    let removal_share = if tells.wipes {
        0.15
    } else if tells.mimic {
        0.6
    } else {
        0.7
    };
    if g.rng.chance(removal_share) {
        let by = *g.rng.pick(&["admin", "admin", "api", "uninstall"]);
        fleet.remove(idx, first + g.rng.range(HOUR, 20 * HOUR), by);
    }
}

/// Every few days, all endpoints removed within the hour.
fn wipes(g: &mut Gen<'_>, created: i64, stop: i64, fleet: &mut Fleet) {
    let cycle = g.rng.range(3 * DAY, 10 * DAY);
    let mut at = created + cycle;
    while at < stop {
        for idx in fleet.active_at(at) {
            fleet.remove(idx, at + g.rng.range(0, 50 * MINUTE), "api");
        }
        at += cycle + g.rng.range(-DAY, DAY);
    }
}

fn reports(g: &mut Gen<'_>, created: i64, stop: i64, share: f64) {
    if !g.rng.chance(share) {
        return;
    }
    for _ in 0..1 + g.rng.below(3) {
        let when = g.rng.range(created + DAY, stop + 14 * DAY);
        g.report(when);
    }
}
