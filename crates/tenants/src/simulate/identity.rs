//! Who signs up: the admin email, its domain and what RDAP says about it.

use crate::simulate::builder::Gen;
use crate::simulate::rng::Rng;
use crate::simulate::vocab;
use crate::time::{DAY, MINUTE};

/// Share of `domain_info` records without a registration date.
pub const MISSING_REGISTRATION: f64 = 0.08;
/// Share of own domains with no `domain_info` at all.
pub const MISSING_DOMAIN_INFO: f64 = 0.04;

/// An admin identity.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The admin email.
    pub email: String,
    /// Its domain.
    pub domain: String,
    /// Whether the domain is a freemail provider.
    pub freemail: bool,
}

/// A freemail admin.
pub fn freemail(rng: &mut Rng, local: &str) -> Identity {
    let domain = (*rng.pick(vocab::FREEMAIL)).to_owned();
    let local = format!(
        "{local}{}",
        if rng.chance(0.5) {
            rng.range(1, 999).to_string()
        } else {
            String::new()
        }
    );
    Identity {
        email: format!("{local}@{domain}"),
        domain,
        freemail: true,
    }
}

/// An admin on the organization's own domain.
pub fn own(local: &str, domain: String) -> Identity {
    Identity {
        email: format!("{local}@{domain}"),
        domain,
        freemail: false,
    }
}

/// Emits what RDAP said about the admin domain around signup.
///
/// `age` is the time from registration to signup; freemail domains get a
/// record (old, flagged) a third of the time, own domains almost always,
/// sometimes without a registration date.
pub fn announce(
    g: &mut Gen<'_>,
    signup: i64,
    identity: &Identity,
    age: i64,
    registrar: (&str, &str),
) {
    let lookup = signup + g.rng.range(-10 * MINUTE, 10 * MINUTE);
    if identity.freemail {
        if g.rng.chance(0.33) {
            let registered = signup - 20 * 365 * DAY;
            g.domain(
                lookup,
                &identity.domain,
                Some(registered),
                true,
                ("MarkMonitor Inc.", "ns1.google.com"),
            );
        }
        return;
    }
    if g.rng.chance(MISSING_DOMAIN_INFO) {
        return;
    }
    let registered = (!g.rng.chance(MISSING_REGISTRATION)).then_some(signup - age);
    g.domain(lookup, &identity.domain, registered, false, registrar);
}

/// Emits a complete `domain_info` (with its registration date) for an own
/// domain, before or after signup: for tenants whose kind is defined by the
/// domain's age, which an export that lost the date could not show.
pub fn announce_fully(
    g: &mut Gen<'_>,
    signup: i64,
    identity: &Identity,
    age: i64,
    registrar: (&str, &str),
) {
    let lookup = signup + g.rng.range(-10 * MINUTE, 10 * MINUTE);
    g.domain(
        lookup,
        &identity.domain,
        Some(signup - age),
        false,
        registrar,
    );
}

/// How long before signup an ordinary business registered its domain:
/// mostly years, rarely days, very rarely the same hour.
pub fn business_domain_age(rng: &mut Rng) -> i64 {
    match rng.unit() {
        p if p < 0.002 => rng.range(5 * MINUTE, 60 * MINUTE),
        p if p < 0.007 => rng.range(MINUTE * 60, DAY),
        p if p < 0.02 => rng.range(DAY, 7 * DAY),
        p if p < 0.05 => rng.range(7 * DAY, 30 * DAY),
        p if p < 0.15 => rng.range(30 * DAY, 365 * DAY),
        _ => rng.range(365 * DAY, 20 * 365 * DAY),
    }
}

/// A registrar: mostly popular ones, sometimes one scam crews favour.
pub fn business_registrar(rng: &mut Rng) -> (&'static str, &'static str) {
    if rng.chance(0.04) {
        *rng.pick(vocab::CHEAP_REGISTRARS)
    } else {
        *rng.pick(vocab::POPULAR_REGISTRARS)
    }
}
