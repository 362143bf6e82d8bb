//! The simulated organization: sites (networks) with hosts, users and AD
//! domains, and the MSP whose RMM tools the policy authorizes.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use jiff::Timestamp;
use serde::Serialize;

use crate::rng::Rng;

/// The first names users get (combined with last names).
const FIRST: &[&str] = &[
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki",
];
const LAST: &[&str] = &[
    "adams", "baker", "clark", "diaz", "evans", "fischer", "garcia", "hughes", "ito", "jones",
    "kim", "lopez", "moreau", "nguyen", "okafor", "patel", "quinn", "rossi", "silva", "tanaka",
];
const SITE_NAMES: &[&str] = &[
    "hq",
    "branch1",
    "branch2",
    "plant",
    "lab",
    "warehouse",
    "store1",
    "store2",
    "dc-east",
    "dc-west",
];

/// The organization and its environment.
#[derive(Debug, Clone, Serialize)]
pub struct Environment {
    /// Organization name.
    pub organization: String,
    /// Sites (networks).
    pub sites: Vec<Site>,
    /// The managed service provider and its authorized tools.
    pub msp: Msp,
    /// The VPN subnet admins come from (the approved remote-access path).
    pub vpn_subnet: String,
    /// The MSP technician's host on the VPN.
    pub admin_host: Host,
    /// Start of the simulated period.
    pub start: Timestamp,
    /// Length of the simulated period in days.
    pub days: u32,
}

/// One site (a network).
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    /// Site name (`hq`).
    pub name: String,
    /// Its address block.
    pub cidr: String,
    /// Its Active Directory domain.
    pub ad_domain: String,
    /// Its hosts.
    pub hosts: Vec<Host>,
}

/// One host.
#[derive(Debug, Clone, Serialize)]
pub struct Host {
    /// Short name (`HQ-WS-003`).
    pub name: String,
    /// Fully qualified name, as event logs name it.
    pub fqdn: String,
    /// Its address.
    pub ip: Ipv4Addr,
    /// Its user, `DOMAIN\user`.
    pub user: String,
    /// Its site.
    pub site: String,
}

impl Host {
    /// The user's mailbox (`jdoe@contoso.example`).
    pub fn mailbox(&self) -> String {
        let user = self.user.rsplit('\\').next().unwrap_or("user");
        format!("{}@contoso.example", user.to_lowercase())
    }

    /// The user's profile folder.
    pub fn profile(&self) -> String {
        let user = self.user.rsplit('\\').next().unwrap_or("user");
        format!(r"C:\Users\{user}")
    }
}

/// The MSP: its tenants of the authorized tools.
#[derive(Debug, Clone, Serialize)]
pub struct Msp {
    /// Company name.
    pub name: String,
    /// Atera integrator login (the account the agents belong to).
    pub atera_account: String,
    /// The MSP's ScreenConnect relay host.
    pub screenconnect_relay: String,
    /// The MSP's ScreenConnect instance id (the service name suffix).
    pub screenconnect_instance: String,
}

/// Knobs of the environment.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Number of sites.
    pub sites: usize,
    /// Workstations per site.
    pub hosts_per_site: usize,
    /// Days simulated.
    pub days: u32,
}

impl Default for Shape {
    fn default() -> Shape {
        Shape {
            sites: 3,
            hosts_per_site: 4,
            days: 2,
        }
    }
}

impl Environment {
    /// Builds the environment for a seed.
    pub fn new(seed: u64, shape: Shape) -> Environment {
        let mut rng = Rng::new(seed, 0xE4E);
        let start =
            Timestamp::from_second(1_774_000_000 + rng.below(86_400 * 30) as i64 / 3600 * 3600)
                .unwrap_or(Timestamp::UNIX_EPOCH);
        let mut users = BTreeSet::new();
        let sites = (0..shape.sites.max(1))
            .map(|i| site(i, shape.hosts_per_site.max(1), &mut rng, &mut users))
            .collect();
        Environment {
            organization: "Contoso Freight".into(),
            sites,
            msp: Msp {
                name: "Northwind IT".into(),
                atera_account: "ops@northwind-msp.example".into(),
                screenconnect_relay: "support.northwind-msp.example".into(),
                screenconnect_instance: "5f1c2a7e9b3d4e60".into(),
            },
            vpn_subnet: "10.250.0.0/16".into(),
            admin_host: Host {
                name: "NW-TECH-01".into(),
                fqdn: "NW-TECH-01.northwind.local".into(),
                ip: Ipv4Addr::new(10, 250, 0, 5),
                user: r"NORTHWIND\tech".into(),
                site: "vpn".into(),
            },
            start,
            days: shape.days.max(1),
        }
    }

    /// Every host, site by site.
    pub fn hosts(&self) -> impl Iterator<Item = &Host> {
        self.sites.iter().flat_map(|site| &site.hosts)
    }

    /// Seconds in the simulated period.
    pub fn seconds(&self) -> i64 {
        i64::from(self.days) * 86_400
    }
}

/// A site and its hosts; `users` holds the user names taken so far, so that
/// no two hosts share a user (and a mailbox: mail findings are joined to a
/// host by its mailbox).
fn site(index: usize, hosts: usize, rng: &mut Rng, users: &mut BTreeSet<String>) -> Site {
    let name = SITE_NAMES
        .get(index)
        .map_or_else(|| format!("site{index}"), |n| (*n).to_owned());
    let octet = u8::try_from(10 + index).unwrap_or(250);
    let upper = name.to_uppercase();
    let hosts = (0..hosts)
        .map(|n| {
            let short = format!("{upper}-WS-{:03}", n + 1);
            let user = user_name(rng, users, &short);
            Host {
                fqdn: format!("{short}.contoso.local"),
                name: short,
                ip: Ipv4Addr::new(10, octet, (n / 200) as u8, 20 + (n % 200) as u8),
                user: format!(r"CONTOSO\{user}"),
                site: name.clone(),
            }
        })
        .collect();
    Site {
        cidr: format!("10.{octet}.0.0/16"),
        ad_domain: "contoso.local".into(),
        name,
        hosts,
    }
}

/// A user name not taken yet: a few draws of first and last name, then the
/// last draw with the host's number (more hosts than name pairs).
fn user_name(rng: &mut Rng, users: &mut BTreeSet<String>, host: &str) -> String {
    let mut name = String::new();
    for _ in 0..8 {
        name = format!("{}.{}", rng.pick(FIRST), rng.pick(LAST));
        if !users.contains(&name) {
            break;
        }
    }
    if users.contains(&name) {
        name = format!("{name}.{}", host.to_lowercase());
    }
    users.insert(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_and_determinism() {
        let a = Environment::new(7, Shape::default());
        let b = Environment::new(7, Shape::default());
        assert_eq!(a.hosts().count(), 12);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        assert_eq!(a.sites[0].hosts[0].name, "HQ-WS-001");
        assert!(a.sites[1].hosts[0].ip.to_string().starts_with("10.11."));
        assert!(a.sites[0].hosts[0].profile().starts_with(r"C:\Users\"));
    }

    #[test]
    fn no_two_hosts_share_a_user() {
        // 10 x 60 hosts: more than the 400 first/last pairs.
        let shape = Shape {
            sites: 10,
            hosts_per_site: 60,
            days: 1,
        };
        for seed in 0..20 {
            let env = Environment::new(seed, shape);
            let users: BTreeSet<&str> = env.hosts().map(|h| h.user.as_str()).collect();
            assert_eq!(users.len(), 600, "seed {seed}");
        }
    }
}
