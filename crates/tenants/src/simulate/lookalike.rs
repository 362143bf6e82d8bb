//! Legitimate tenants that show part of one vendor tell (issue 20): the
//! overlaps the scorer must keep below review.
//!
//! An MSP that loses one client and removes its endpoints at once, now and
//! then its dominant client, so the removal is a wipe (wipe-and-replace); a
//! trial that imports a whole fleet of one AD domain on its first day
//! (trial burst); a new business that registered its domain the week it
//! signed up, sometimes within the hour, and enrols its own PCs in its own
//! AD domain or office workgroup (fresh domain). The freelancer helping a
//! few friends' home PCs (AD spread) is [`legit::freelancer`].

use crate::simulate::builder::Gen;
use crate::simulate::fleet::{Fleet, SessionStyle};
use crate::simulate::identity::{self, Identity};
use crate::simulate::legit::{self, office_pc};
use crate::simulate::vocab::{self, title};
use crate::simulate::world::World;
use crate::time::{DAY, HOUR, MINUTE};

/// An MSP with two to six clients that loses one and removes all its
/// endpoints within the hour; in two of five, the lost client held nearly
/// the whole fleet, and a new client follows within days.
pub fn msp_lost_client(g: &mut Gen<'_>, world: &World) {
    let created = g.end() - g.rng.range(120 * DAY, 5 * 365 * DAY);
    let company = format!(
        "{} {}",
        title(g.rng.word(vocab::PLACES)),
        g.rng.pick(vocab::MSP_SUFFIXES)
    );
    let identity = own_identity(g, &company);
    let age = g.rng.range(365 * DAY, 15 * 365 * DAY);
    legit::sign_up(
        g, world, created, &identity, &company, &company, "paid", age,
    );
    let technicians = staff(g, &identity, 2, 6);
    let dominant = g.rng.chance(0.4);
    let clients = g.rng.range(2, 7) as usize;
    let mut fleet = Fleet::default();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for client in 0..clients {
        let domain = client_domain(g);
        let size = match (dominant, client) {
            (true, 0) => g.rng.range(25, 80),
            (true, _) => 1,
            (false, _) => g.rng.range(3, 30),
        };
        let onboard = created + g.rng.range(MINUTE, 60 * DAY);
        let list = (0..size)
            .map(|_| {
                let spec = office_pc(g, &domain);
                fleet.add(spec, onboard + g.rng.range(MINUTE, 2 * DAY))
            })
            .collect();
        members.push(list);
    }
    let lost = if dominant {
        0
    } else {
        g.rng.below(clients as u64) as usize
    };
    let at = g
        .rng
        .range(created + 90 * DAY, g.end().max(created + 91 * DAY));
    for &idx in &members[lost] {
        fleet.remove(idx, at + g.rng.range(0, HOUR), "admin");
    }
    if dominant || g.rng.chance(0.5) {
        let domain = client_domain(g);
        let onboard = at + g.rng.range(DAY, 6 * DAY);
        for _ in 0..g.rng.range(5, 30) {
            let spec = office_pc(g, &domain);
            fleet.add(spec, onboard + g.rng.range(MINUTE, DAY));
        }
    }
    managed_sessions(g, &mut fleet, technicians.len());
    fleet.emit(g, &technicians);
}

/// A trial that enrols a whole office fleet of one AD domain within its
/// first hours, then keeps using it.
pub fn trial_import(g: &mut Gen<'_>, world: &World) {
    let created = g.end() - g.rng.range(10 * DAY, 120 * DAY);
    let company = format!(
        "{} {}",
        title(g.rng.word(vocab::PLACES)),
        title(g.rng.word(vocab::TRADES))
    );
    let identity = own_identity(g, &company);
    let age = identity::business_domain_age(&mut g.rng);
    legit::sign_up(
        g, world, created, &identity, &company, &company, "trial", age,
    );
    let technicians = staff(g, &identity, 1, 4);
    let ad_domain = format!(
        "{}.local",
        company
            .split(' ')
            .next()
            .unwrap_or("corp")
            .to_ascii_lowercase()
    );
    let mut fleet = Fleet::default();
    let size = g.rng.log_uniform(25.0, 300.0) as usize;
    for _ in 0..size {
        let domain = if g.rng.chance(0.03) { "" } else { &ad_domain };
        let spec = office_pc(g, domain);
        fleet.add(spec, created + g.rng.range(10 * MINUTE, 20 * HOUR));
    }
    managed_sessions(g, &mut fleet, technicians.len());
    fleet.emit(g, &technicians);
}

/// A new business: its own domain registered within the week before it
/// signed up (a third of them within the hour), always with a registration
/// date, and three to forty of its own PCs in its AD domain or behind its
/// office address.
pub fn fresh_business(g: &mut Gen<'_>, world: &World) {
    let created = g.end() - g.rng.range(10 * DAY, 400 * DAY);
    let company = format!(
        "{} {}",
        title(g.rng.word(vocab::PLACES)),
        title(g.rng.word(vocab::TRADES))
    );
    let identity = own_identity(g, &company);
    let age = match g.rng.below(3) {
        0 => g.rng.range(3 * MINUTE, 59 * MINUTE),
        1 => g.rng.range(HOUR, DAY),
        _ => g.rng.range(DAY, 7 * DAY),
    };
    let registrar = identity::business_registrar(&mut g.rng);
    identity::announce_fully(g, created, &identity, age, registrar);
    let plan = *g.rng.pick(&["trial", "trial", "paid", "paid", "paid"]);
    let spec = crate::simulate::builder::AccountSpec {
        name: company.clone(),
        company: company.clone(),
        email: identity.email.clone(),
        signup_ip: if g.rng.chance(0.003) {
            world.crew(g.rng.below(world.crews)).signup_ip
        } else {
            vocab::public_ip(&mut g.rng)
        },
        plan,
    };
    g.account(created, &spec);
    let technicians = staff(g, &identity, 1, 3);
    let ad_domain = if g.rng.chance(0.7) {
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
    let mut fleet = Fleet::default();
    for _ in 0..g.rng.log_uniform(3.0, 40.0) as usize {
        let spec = office_pc(g, &ad_domain);
        fleet.add(spec, created + g.rng.range(10 * MINUTE, 10 * DAY));
    }
    managed_sessions(g, &mut fleet, technicians.len());
    fleet.emit(g, &technicians);
}

fn own_identity(g: &mut Gen<'_>, company: &str) -> Identity {
    let local = vocab::local_part(&mut g.rng);
    let domain = vocab::business_domain(&mut g.rng, company);
    identity::own(&local, domain)
}

fn staff(g: &mut Gen<'_>, identity: &Identity, low: u64, high: u64) -> Vec<String> {
    (0..g.rng.range(low as i64, high as i64 + 1))
        .map(|_| format!("{}@{}", vocab::local_part(&mut g.rng), identity.domain))
        .collect()
}

fn client_domain(g: &mut Gen<'_>) -> String {
    format!(
        "{}.{}",
        g.rng.pick(&["corp", "ad", "office", "hq"]),
        vocab::business_domain(&mut g.rng, "c")
    )
}

/// A few mostly unattended sessions per endpoint over its life.
fn managed_sessions(g: &mut Gen<'_>, fleet: &mut Fleet, technicians: usize) {
    let style = SessionStyle {
        attended: 0.2,
        minutes: (5, 45),
        technicians,
    };
    let end = g.end();
    for idx in 0..fleet.endpoints.len() {
        let count = g.rng.below(5);
        fleet.random_sessions(&mut g.rng, idx, end, count, style);
    }
}
