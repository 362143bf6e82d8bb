//! The evidence generator: writes realistic evidence of whole RMM-abuse
//! campaigns, at any size, with the truth attached.
//!
//! [`generate`] builds an [`Environment`] (sites, hosts, users, the MSP)
//! from a seed, plants the chosen [`Scenario`]s on victim hosts, fills every
//! host's logs with benign background until the requested size or period,
//! and writes:
//!
//! * `<site>/<host>/<Channel>.jsonl` (Winlogbeat/ECS) or `.evtx`; with both
//!   formats, `jsonl/<site>/<host>/…` and `evtx/<site>/<host>/…`;
//! * `<site>/network/`: what the site's network sensor recorded (benign
//!   browsing and the planted sessions), as a pcap, Zeek TSV, Suricata EVE
//!   or Zeek JSON — one format per site in turn, so every reader is used;
//! * `<site>/mail/<user>/*.eml`: the users' mail, benign look-alikes and the
//!   callback lures that start the chains;
//! * `assets.csv`: host, address, user, mailbox and site of every host, which
//!   joins network and mail findings to hosts (`hunt --assets`);
//! * `policy.toml`, authorizing the MSP's tools and tenants;
//! * `truth.json`, every planted activity and the findings it must produce.
//!
//! Every scenario gets a victim host of its own (the shape grows if needed).
//! Hosts are generated in parallel, each from its own random stream, so the
//! output is byte-identical for a seed whatever the thread count.
//!
//! ```no_run
//! use rmmguard_simulate::{Config, generate};
//!
//! let truth = generate(&Config::default(), std::path::Path::new("out"))?;
//! assert!(truth.activities.iter().any(|a| a.malicious));
//! # Ok::<(), std::io::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod background;
mod environment;
mod event;
pub mod lures;
pub mod mail;
pub mod network;
mod output;
mod rng;
mod scenarios;
pub mod truth;

use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;

pub use environment::{Environment, Shape};
pub use output::Formats;
pub use scenarios::Scenario;
pub use truth::{Activity, Expect, Truth};

use crate::background::Background;
use crate::event::WinEvent;
use crate::output::HostWriter;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// The seed: same seed, same bytes.
    pub seed: u64,
    /// Scenarios to plant.
    pub scenarios: Vec<Scenario>,
    /// Sites, hosts and days.
    pub shape: Shape,
    /// Output formats.
    pub formats: Formats,
    /// Benign background events per host per day (when no size is given).
    pub background_per_day: u64,
    /// Total output size to reach (bytes); background fills up to it.
    pub size: Option<u64>,
    /// Web sessions per host per day on the network sensors (default:
    /// one for every 40 background events).
    pub browsing_per_day: Option<u64>,
    /// The format every site's sensor writes (default: pcap, Zeek TSV, EVE
    /// and Zeek JSON by site in turn).
    pub sensor: Option<network::NetFormats>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 1,
            scenarios: Scenario::ALL.to_vec(),
            shape: Shape::default(),
            formats: Formats {
                jsonl: true,
                evtx: false,
                network: true,
                mail: true,
            },
            background_per_day: 400,
            size: None,
            browsing_per_day: None,
            sensor: None,
        }
    }
}

/// Generates an evidence folder in `out` and returns its truth.
///
/// # Errors
///
/// Any file that cannot be written.
pub fn generate(config: &Config, out: &Path) -> io::Result<Truth> {
    let env = Environment::new(config.seed, shape_for(config));
    let mut plan = scenarios::plant(&env, &config.scenarios, config.seed);
    // Activities only the evidence left out would show are not expected.
    plan.activities.retain(|a| match a.stage.as_str() {
        "lure-mail" => config.formats.mail,
        "outside-vpn" | "inbound-port" => config.formats.network,
        _ => true,
    });
    let hosts: Vec<&environment::Host> = env.hosts().collect();
    let mut planted: Vec<Vec<(WinEvent, bool)>> = vec![Vec::new(); hosts.len()];
    for (host, event, malicious) in plan.events.iter().cloned() {
        if let Some(list) = planted.get_mut(host) {
            list.push((event, malicious));
        }
    }
    for list in &mut planted {
        list.sort_by_key(|(event, _)| event.time);
    }
    fs::create_dir_all(out)?;
    let quota = config.size.map(|size| size / hosts.len().max(1) as u64);
    let counts: Vec<io::Result<(u64, u64, u64)>> = hosts
        .par_iter()
        .zip(planted)
        .enumerate()
        .map(|(index, (host, events))| write_host(config, &env, host, index, events, quota, out))
        .collect();
    let mut truth = Truth {
        version: truth::TRUTH_VERSION,
        seed: config.seed,
        scenarios: config
            .scenarios
            .iter()
            .map(|s| s.name().to_owned())
            .collect(),
        policy: "policy.toml".into(),
        activities: plan.activities,
        counts: truth::Counts::default(),
    };
    for result in counts {
        let (events, malicious, authorized) = result?;
        truth.counts.events += events;
        truth.counts.malicious += malicious;
        truth.counts.authorized += authorized;
    }
    if config.formats.network {
        write_network(config, &env, &plan.sessions, out)?;
    }
    if config.formats.mail {
        write_mail(config, &env, &plan.lures, out)?;
    }
    fs::write(out.join("assets.csv"), assets(&env))?;
    fs::write(out.join("policy.toml"), policy(&env))?;
    let json = serde_json::to_string_pretty(&truth).map_err(io::Error::other)?;
    fs::write(out.join("truth.json"), json + "\n")?;
    Ok(truth)
}

/// The requested shape, grown so that every scenario gets a victim host of
/// its own: two scenarios on one host would change each other's findings
/// (an install planted by one explains away another's portable run).
/// The folders a site's evidence goes to: one per endpoint format tree.
fn trees(config: &Config, out: &Path) -> Vec<std::path::PathBuf> {
    if config.formats.jsonl && config.formats.evtx {
        vec![out.join("jsonl"), out.join("evtx")]
    } else {
        vec![out.to_path_buf()]
    }
}

/// Writes each site's network evidence: its hosts' browsing and the planted
/// sessions of its hosts, in the site's turn of the network formats.
fn write_network(
    config: &Config,
    env: &Environment,
    planted: &[(usize, network::NetSession)],
    out: &Path,
) -> io::Result<()> {
    let hosts: Vec<&environment::Host> = env.hosts().collect();
    let browsing = config
        .browsing_per_day
        .unwrap_or(config.background_per_day / 40);
    for (index, site) in env.sites.iter().enumerate() {
        let mut sessions = background::browsing(site, env, config.seed, browsing);
        sessions.extend(
            planted
                .iter()
                .filter(|(host, _)| hosts.get(*host).is_some_and(|h| h.site == site.name))
                .map(|(_, session)| session.clone()),
        );
        sessions.sort_by_key(|session| session.start);
        let formats = config
            .sensor
            .unwrap_or_else(|| network::NetFormats::nth(index));
        for tree in trees(config, out) {
            network::write_sessions(&tree.join(&site.name), Some("network"), &sessions, formats)?;
        }
    }
    Ok(())
}

/// Writes each user's mail: a few benign messages over the period, and the
/// lures planted for them.
fn write_mail(
    config: &Config,
    env: &Environment,
    lures: &[(usize, mail::LureSpec)],
    out: &Path,
) -> io::Result<()> {
    const KINDS: [mail::BenignKind; 4] = [
        mail::BenignKind::Colleague,
        mail::BenignKind::Shipping,
        mail::BenignKind::Newsletter,
        mail::BenignKind::GenuineRenewal,
    ];
    for tree in trees(config, out) {
        for (index, host) in env.hosts().enumerate() {
            let mailbox = host.mailbox();
            let user = mailbox.split('@').next().unwrap_or("user");
            let dir = tree.join(&host.site).join("mail").join(user);
            for n in 0..u64::from(env.days).min(7) * 2 {
                let mut spec = mail::BenignSpec::new(KINDS[(index + n as usize) % 4], &mailbox);
                let time = env
                    .start
                    .saturating_add(jiff::SignedDuration::from_secs(
                        (n as i64 * 43_200 + 3_600 * index as i64 % 40_000) % env.seconds().max(1),
                    ))
                    .unwrap_or(env.start);
                spec.date = time.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string();
                spec.message_id = format!("mail-{index}-{n}@contoso.example");
                mail::write_benign(&dir, &spec)?;
            }
            for (_, lure) in lures.iter().filter(|(h, _)| *h == index) {
                mail::write_lure(&dir, lure)?;
            }
        }
    }
    Ok(())
}

/// `assets.csv`: what a CMDB export would say about every host.
fn assets(env: &Environment) -> String {
    let mut csv = String::from("host,ips,user,mailbox,site,group\n");
    for host in env.hosts().chain(std::iter::once(&env.admin_host)) {
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            host.fqdn,
            host.ip,
            host.user,
            host.mailbox(),
            host.site,
            if host.site == "vpn" {
                "msp"
            } else {
                "workstations"
            }
        ));
    }
    csv
}

fn shape_for(config: &Config) -> Shape {
    let victims = config
        .scenarios
        .iter()
        .filter(|s| **s != Scenario::Msp)
        .count();
    let sites = config.shape.sites.max(1);
    let needed = victims.div_ceil(sites);
    Shape {
        hosts_per_site: config.shape.hosts_per_site.max(needed),
        ..config.shape
    }
}

/// Writes one host's logs: background and planted events merged in time order.
fn write_host(
    config: &Config,
    env: &Environment,
    host: &environment::Host,
    index: usize,
    planted: Vec<(WinEvent, bool)>,
    quota: Option<u64>,
    out: &Path,
) -> io::Result<(u64, u64, u64)> {
    let relative = Path::new(&host.site).join(&host.name);
    let both = config.formats.jsonl && config.formats.evtx;
    let tree = |enabled: bool, sub: &str| {
        enabled.then(|| {
            if both {
                out.join(sub).join(&relative)
            } else {
                out.join(&relative)
            }
        })
    };
    let jsonl_dir = tree(config.formats.jsonl, "jsonl");
    let evtx_dir = tree(config.formats.evtx, "evtx");
    let mut writer = HostWriter::new(jsonl_dir.as_deref(), evtx_dir.as_deref())?;
    let mut background = Background::new(
        host,
        config.seed,
        index as u64,
        env.start,
        config.background_per_day,
    );
    let end = env
        .start
        .saturating_add(jiff::SignedDuration::from_secs(env.seconds()))
        .unwrap_or(env.start);
    let (mut malicious, mut authorized) = (0, 0);
    let mut planted = planted.into_iter().peekable();
    let mut next_background = background.next_event();
    loop {
        let background_left = match quota {
            Some(quota) => writer.bytes < quota,
            None => next_background.time < end,
        };
        let take_planted = match planted.peek() {
            Some((event, _)) => !background_left || event.time <= next_background.time,
            None => false,
        };
        if take_planted {
            if let Some((event, is_malicious)) = planted.next() {
                if is_malicious {
                    malicious += 1;
                } else {
                    authorized += 1;
                }
                writer.write(&event)?;
            }
        } else if background_left {
            writer.write(&next_background)?;
            next_background = background.next_event();
        } else {
            break;
        }
    }
    let events = writer.events;
    writer.finish()?;
    Ok((events, malicious, authorized))
}

/// The policy the environment runs under: the MSP's tools and tenants are
/// authorized, its technicians come over the VPN.
fn policy(env: &Environment) -> String {
    let internal: Vec<String> = env
        .sites
        .iter()
        .map(|s| format!("\"{}\"", s.cidr))
        .collect();
    format!(
        r#"# Policy of the simulated organization, written by `rmmguard simulate`.
version = 1

[organization]
name = "{org}"

[networks]
internal = [{internal}, "{vpn}"]
approved = ["{vpn}"]
jump_hosts = ["{admin}"]

[[authorized]]
tool = "atera"
tenants = ["{atera}"]
reason = "{msp} manages our endpoints (contract 2026-014)"

[[authorized]]
tool = "screenconnect"
tenants = ["{relay}"]
reason = "{msp} remote support, own relay"

[[authorized]]
tool = "teamviewer"
reason = "{msp} legacy support on a few machines"
"#,
        org = env.organization,
        internal = internal.join(", "),
        vpn = env.vpn_subnet,
        admin = env.admin_host.ip,
        atera = env.msp.atera_account,
        relay = env.msp.screenconnect_relay,
        msp = env.msp.name,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let config = Config {
            background_per_day: 50,
            ..Config::default()
        };
        let ta = generate(&config, a.path()).unwrap();
        let tb = generate(&config, b.path()).unwrap();
        assert_eq!(ta, tb);
        let file = |root: &Path| fs::read(root.join("hq/HQ-WS-001/Sysmon.jsonl")).unwrap();
        assert_eq!(file(a.path()), file(b.path()));
        assert!(ta.counts.malicious > 0 && ta.counts.authorized > 0);
        assert!(ta.counts.events > ta.counts.malicious + ta.counts.authorized);
    }
}
