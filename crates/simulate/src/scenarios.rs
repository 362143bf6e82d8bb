//! The planted activities: each scenario writes the events of one kind of
//! RMM abuse (or of authorized MSP work) on chosen hosts, and records the
//! truth: what happened, and which findings it must produce.
//!
//! The AA23-025A callback chains (and the cross-site campaign, which is one
//! of them planted at several sites) are rows of one table planted by one
//! function (`chain.rs`); the one-off scenarios are in `single.rs`. This
//! module hands out victims and keeps the truth's bookkeeping.

mod chain;
mod single;

use std::net::Ipv4Addr;

use jiff::{SignedDuration, Timestamp};

use crate::environment::{Environment, Host};
use crate::event::{Proc, WinEvent};
use crate::mail::LureSpec;
use crate::network::NetSession;
use crate::rng::Rng;
use crate::truth::{Activity, Expect};

/// A scenario that can be planted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scenario {
    /// Authorized MSP tools (Atera, ScreenConnect, TeamViewer) on every host.
    Msp,
    /// AA23-025A: lure site, downloader, portable AnyDesk, relay session, banking.
    CallbackAnydesk,
    /// AA23-025A with a portable ScreenConnect client on an attacker instance.
    CallbackScreenconnect,
    /// The authorized Atera agent installed with a foreign account.
    ForeignTenant,
    /// AnyDesk renamed to look like a driver helper.
    Renamed,
    /// AnyDesk installed silently with a password set on the command line.
    SilentInstall,
    /// RMM relay traffic from powershell / rundll32 (RMM only in memory).
    InMemory,
    /// A ScreenConnect client service pointed at a self-hosted relay on 8041.
    SelfHostedScreenconnect,
    /// A dumper reading TeamViewer's memory for its stored credentials.
    CredentialTheft,
    /// An authorized tool reached from outside the VPN path (network evidence).
    OutsideVpn,
    /// An RMM port open inbound at the perimeter (network evidence).
    InboundPort,
    /// One campaign at three sites: the same lure domain and AnyDesk relay.
    Campaign,
}

impl Scenario {
    /// Every scenario, in the order they are planted.
    pub const ALL: &[Scenario] = &[
        Scenario::Msp,
        // Campaign first: it needs a host on each of three sites.
        Scenario::Campaign,
        Scenario::CallbackAnydesk,
        Scenario::CallbackScreenconnect,
        Scenario::ForeignTenant,
        Scenario::Renamed,
        Scenario::SilentInstall,
        Scenario::InMemory,
        Scenario::SelfHostedScreenconnect,
        Scenario::CredentialTheft,
        Scenario::OutsideVpn,
        Scenario::InboundPort,
    ];

    /// The scenario's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Msp => "msp",
            Scenario::CallbackAnydesk => "callback-anydesk",
            Scenario::CallbackScreenconnect => "callback-screenconnect",
            Scenario::ForeignTenant => "foreign-tenant",
            Scenario::Renamed => "renamed",
            Scenario::SilentInstall => "silent-install",
            Scenario::InMemory => "in-memory",
            Scenario::SelfHostedScreenconnect => "self-hosted-screenconnect",
            Scenario::CredentialTheft => "credential-theft",
            Scenario::OutsideVpn => "outside-vpn",
            Scenario::InboundPort => "inbound-port",
            Scenario::Campaign => "campaign",
        }
    }

    /// How many victim hosts it needs (each on a host of its own).
    pub fn victims(self) -> usize {
        match self {
            Scenario::Msp => 0,
            Scenario::Campaign => 3,
            _ => 1,
        }
    }

    /// What it plants, for `--list-scenarios`.
    pub fn description(self) -> &'static str {
        match self {
            Scenario::Msp => {
                "authorized MSP tools (Atera, ScreenConnect, TeamViewer) with the MSP's tenant: must not be flagged"
            }
            Scenario::CallbackAnydesk => {
                "AA23-025A chain: lure site, downloader, portable AnyDesk from Downloads, relay session, banking visits"
            }
            Scenario::CallbackScreenconnect => {
                "AA23-025A chain with a portable ScreenConnect client on an attacker's cloud instance"
            }
            Scenario::ForeignTenant => {
                "the authorized Atera agent installed silently for a foreign account"
            }
            Scenario::Renamed => "AnyDesk copied under a driver-helper name",
            Scenario::SilentInstall => {
                "AnyDesk installed silently with an access password set on the command line"
            }
            Scenario::InMemory => {
                "RMM relay traffic from powershell.exe and rundll32.exe (in-memory RMM)"
            }
            Scenario::SelfHostedScreenconnect => {
                "a ScreenConnect client service pointed at a self-hosted relay on port 8041"
            }
            Scenario::CredentialTheft => {
                "a dumper reading TeamViewer's process memory for stored credentials"
            }
            Scenario::OutsideVpn => {
                "the MSP's ScreenConnect relay reached from a LAN host, not through the VPN (network evidence)"
            }
            Scenario::InboundPort => {
                "VNC reached from the internet on a workstation's port 5900 (network evidence)"
            }
            Scenario::Campaign => {
                "one campaign at three sites: the same lure domain and AnyDesk relay on a host at each"
            }
        }
    }

    /// The scenario with this name.
    pub fn from_name(name: &str) -> Option<Scenario> {
        Scenario::ALL.iter().copied().find(|s| s.name() == name)
    }
}

/// What the scenarios planted: events per host index, and the truth.
#[derive(Debug, Default)]
pub struct Plan {
    /// (host index in `Environment::hosts()`, event).
    pub events: Vec<(usize, WinEvent, bool)>,
    /// The truth of every activity.
    pub activities: Vec<Activity>,
    /// (host index, session): network sessions, written to the host's site.
    pub sessions: Vec<(usize, NetSession)>,
    /// (host index, lure): callback-phishing mail to the host's user.
    pub lures: Vec<(usize, LureSpec)>,
}

/// Plants the scenarios on hosts of the environment.
pub fn plant(env: &Environment, scenarios: &[Scenario], seed: u64) -> Plan {
    let hosts: Vec<&Host> = env.hosts().collect();
    let mut plan = Plan::default();
    let mut victims = Victims::new(hosts.len(), seed);
    for (ordinal, &scenario) in scenarios.iter().enumerate() {
        let mut rng = Rng::new(seed, 0x5CE0 + ordinal as u64);
        let mut planter = Planter {
            env,
            hosts: &hosts,
            plan: &mut plan,
            rng: &mut rng,
            scenario,
        };
        if let Some(chain) = chain::of(scenario) {
            let victims = match scenario.victims() {
                1 => vec![victims.next()],
                count => victims.one_per_site(&hosts, count),
            };
            planter.chain(chain, &victims);
            continue;
        }
        match scenario {
            Scenario::Msp => planter.msp(),
            Scenario::ForeignTenant => planter.foreign_tenant(victims.next()),
            Scenario::Renamed => planter.renamed(victims.next()),
            Scenario::SilentInstall => planter.silent_install(victims.next()),
            Scenario::InMemory => planter.in_memory(victims.next()),
            Scenario::SelfHostedScreenconnect => planter.self_hosted(victims.next()),
            Scenario::CredentialTheft => planter.credential_theft(victims.next()),
            Scenario::OutsideVpn => planter.outside_vpn(victims.next()),
            Scenario::InboundPort => planter.inbound_port(victims.next()),
            // Planted above, as rows of the chain table.
            Scenario::CallbackAnydesk | Scenario::CallbackScreenconnect | Scenario::Campaign => {}
        }
    }
    plan
}

/// Hands out victim hosts, each once while any are left, in a seeded order.
struct Victims {
    order: Vec<usize>,
    next: usize,
    used: Vec<usize>,
}

impl Victims {
    fn new(hosts: usize, seed: u64) -> Victims {
        let mut order: Vec<usize> = (0..hosts).collect();
        let mut rng = Rng::new(seed, 0x71C7);
        for i in (1..order.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            order.swap(i, j);
        }
        Victims {
            order,
            next: 0,
            used: Vec::new(),
        }
    }

    fn next(&mut self) -> usize {
        loop {
            let host = self
                .order
                .get(self.next % self.order.len().max(1))
                .copied()
                .unwrap_or(0);
            self.next += 1;
            // Skip hosts taken out of turn, unless every host is taken.
            if !self.used.contains(&host) || self.used.len() >= self.order.len() {
                self.used.push(host);
                return host;
            }
        }
    }

    /// Up to `count` unused hosts, each on a different site.
    fn one_per_site(&mut self, hosts: &[&Host], count: usize) -> Vec<usize> {
        let mut chosen: Vec<usize> = Vec::new();
        for &host in &self.order {
            if chosen.len() == count {
                break;
            }
            let site = &hosts[host].site;
            if !self.used.contains(&host) && !chosen.iter().any(|&c| hosts[c].site == *site) {
                chosen.push(host);
            }
        }
        self.used.extend(&chosen);
        chosen
    }
}

/// What one planted activity is: its stage name, tool, tenant, and the
/// findings it must produce as (rule, tool).
struct Stage<'a> {
    name: &'a str,
    tool: Option<&'a str>,
    tenant: Option<&'a str>,
    expect: &'a [(&'a str, Option<&'a str>)],
}

struct Planter<'a> {
    env: &'a Environment,
    hosts: &'a [&'a Host],
    plan: &'a mut Plan,
    rng: &'a mut Rng,
    scenario: Scenario,
}

fn at(start: Timestamp, seconds: i64) -> Timestamp {
    start
        .saturating_add(SignedDuration::from_secs(seconds))
        .unwrap_or(start)
}

const ANYDESK: Proc<'static> = Proc {
    image: "",
    command_line: "",
    parent: "",
    parent_command_line: "",
    original_file_name: "AnyDesk.exe",
    product: "AnyDesk",
    company: "AnyDesk Software GmbH",
    description: "AnyDesk",
    file_version: "8.0.10",
};

const CHROME: &str = r"C:\Program Files\Google\Chrome\Application\chrome.exe";

impl Planter<'_> {
    /// A time inside the simulated period, away from its edges.
    fn when(&mut self) -> Timestamp {
        let span = self.env.seconds();
        let offset = span / 5 + self.rng.below((span * 3 / 5).max(1) as u64) as i64;
        at(self.env.start, offset)
    }

    fn emit(&mut self, host: usize, event: WinEvent, malicious: bool) {
        self.plan.events.push((host, event, malicious));
    }

    fn activity(
        &mut self,
        host: usize,
        chain: Option<&str>,
        stage: &Stage<'_>,
        malicious: bool,
        span: (Timestamp, Timestamp),
        events: u64,
    ) {
        let h = self.hosts[host];
        let id = format!("A{}", self.plan.activities.len() + 1);
        self.plan.activities.push(Activity {
            id,
            scenario: self.scenario.name().to_owned(),
            chain: chain.map(str::to_owned),
            campaign: None,
            stage: stage.name.to_owned(),
            malicious,
            host: h.fqdn.clone(),
            user: h.user.clone(),
            site: h.site.clone(),
            tool: stage.tool.map(str::to_owned),
            tenant: stage.tenant.map(str::to_owned),
            start: span.0.to_string(),
            end: span.1.to_string(),
            expect: stage
                .expect
                .iter()
                .map(|(rule, tool)| Expect {
                    rule: (*rule).to_owned(),
                    host: h.fqdn.clone(),
                    tool: tool.map(str::to_owned),
                    pending: false,
                    needs: None,
                })
                .collect(),
            events,
        });
    }

    fn chain_id(&self) -> String {
        format!(
            "C{}",
            self.plan
                .activities
                .iter()
                .filter_map(|a| a.chain.as_ref())
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                + 1
        )
    }

    /// Makes the last activity's expected findings name `subject` (an
    /// address or a mailbox) instead of the host name.
    fn expect_findings_on(&mut self, subject: &str) {
        if let Some(activity) = self.plan.activities.last_mut() {
            for expect in &mut activity.expect {
                expect.host = subject.to_owned();
            }
        }
    }
}

/// The site's resolver: `.0.2` of the host's /16 (hosts start at `.20`).
pub(crate) fn resolver(host: &Host) -> Ipv4Addr {
    let [a, b, _, _] = host.ip.octets();
    Ipv4Addr::new(a, b, 0, 2)
}
