//! Facts shared across tenants: scam crews and their fingerprints.
//!
//! A crew runs several tenants over time; banned tenants and the crews'
//! later tenants share hardware (the crew's own test PCs), technicians,
//! signup IPs, email patterns and registrars. Crews are pure functions of
//! the seed, so tenants in different shards agree without shared state.

use crate::simulate::rng::Rng;
use crate::simulate::vocab;

/// Stream number of crew derivations.
const CREW_STREAM: u64 = 0xc4e3;

/// Dataset-wide facts.
#[derive(Debug, Clone, Copy)]
pub struct World {
    /// The dataset's seed.
    pub seed: u64,
    /// Number of scam crews.
    pub crews: u64,
}

/// A scam crew's fingerprints.
#[derive(Debug, Clone)]
pub struct Crew {
    /// Hardware hashes of the crew's own PCs.
    pub hw: Vec<String>,
    /// The crew's technician logins.
    pub technicians: Vec<String>,
    /// An IP the crew signs up from.
    pub signup_ip: String,
    /// The email local part the crew reuses.
    pub local: String,
    /// The crew's registrar and nameservers.
    pub registrar: (&'static str, &'static str),
}

impl World {
    /// The fingerprints of crew `id`.
    pub fn crew(&self, id: u64) -> Crew {
        let mut rng = Rng::derive(self.seed, CREW_STREAM, id);
        let hw = (0..3).map(|_| rng.hex(16)).collect();
        let technicians = (0..2)
            .map(|_| {
                format!(
                    "{}{}@{}",
                    rng.pick(vocab::FIRST),
                    rng.range(1, 99),
                    rng.pick(&["gmail.com", "outlook.com", "proton.me"])
                )
            })
            .collect();
        let handle = [
            "refunds", "billing", "helpline", "techdesk", "care", "secure", "desk", "renewals",
        ];
        let local = format!(
            "{}.{}{}",
            rng.pick(vocab::FIRST),
            rng.pick(&handle),
            rng.range(1, 99)
        );
        Crew {
            hw,
            technicians,
            signup_ip: vocab::public_ip(&mut rng),
            local,
            registrar: *rng.pick(vocab::CHEAP_REGISTRARS),
        }
    }
}
