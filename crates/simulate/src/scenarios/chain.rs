//! The AA23-025A callback chains as one table. Each row is a chain variant:
//! the lure mail that starts it, the first-stage site, the downloader the
//! site drops, the portable RMM tool and the relay it talks to, and whether
//! the victim's bank is visited during the session. `Planter::chain`
//! plants any row on one victim, or on one victim per site for a campaign
//! (every victim then shares the row's relay, so the sites share an
//! indicator).
//!
//! Every string below is one the detector knows (the lure domains, the
//! vendor's names and paths): variants an attacker would use instead
//! belong in these rows, as lists to draw from.

use jiff::Timestamp;

use super::{ANYDESK, CHROME, Planter, Scenario, Stage, at};
use crate::environment::Host;
use crate::event::{Proc, WinEvent};
use crate::mail::{Delivery, LureSpec, order_number};
use crate::rng::Rng;

/// One chain variant: which stages it has and how each looks.
pub(super) struct Chain {
    /// The callback-phishing mail that starts it, if any.
    lure: Option<Lure>,
    /// The first-stage site the caller sends the victim to.
    site: Site,
    /// The downloader the site drops (a file name in Downloads), which
    /// fetches the RMM tool; without one, the browser saves the tool itself.
    downloader: Option<&'static str>,
    /// The portable RMM tool the victim ends up running.
    rmm: Rmm,
    /// The address of the relay (AnyDesk) or instance (ScreenConnect).
    relay_address: &'static str,
    /// Whether the victim's bank is visited during the session.
    banking: bool,
}

/// A lure mail: the brand it impersonates and where its number is.
struct Lure {
    brand: &'static str,
    delivery: Delivery,
    /// Seconds between the mail and the visit to the first-stage site.
    lead: i64,
}

/// A first-stage site.
struct Site {
    domain: &'static str,
    address: &'static str,
}

/// The portable RMM tool of a chain.
#[derive(Clone, Copy)]
enum Rmm {
    /// AnyDesk on one of AnyDesk's relays (the tool is not authorized).
    AnyDesk,
    /// A ScreenConnect client on the attacker's cloud instance (the tool is
    /// authorized, for the MSP's relay only).
    ScreenConnect,
}

/// The table: every chain scenario and its variant.
const CHAINS: &[(Scenario, Chain)] = &[
    (
        Scenario::CallbackAnydesk,
        Chain {
            lure: Some(Lure {
                brand: "Geek Squad",
                delivery: Delivery::Body,
                lead: 1500,
            }),
            site: Site {
                domain: "myhelpcare.online",
                address: "203.0.113.24",
            },
            downloader: Some("helpdesk_support_tool.exe"),
            rmm: Rmm::AnyDesk,
            relay_address: "195.181.174.182",
            banking: true,
        },
    ),
    (
        Scenario::CallbackScreenconnect,
        Chain {
            lure: Some(Lure {
                brand: "Norton",
                delivery: Delivery::Pdf,
                lead: 2700,
            }),
            site: Site {
                domain: "win03.xyz",
                address: "198.51.100.33",
            },
            downloader: Some("invoice_viewer.exe"),
            rmm: Rmm::ScreenConnect,
            relay_address: "147.75.83.11",
            banking: true,
        },
    ),
    (
        Scenario::Campaign,
        Chain {
            lure: None,
            site: Site {
                domain: "win01.xyz",
                address: "198.51.100.77",
            },
            downloader: None,
            rmm: Rmm::AnyDesk,
            relay_address: "195.181.175.40",
            banking: false,
        },
    ),
];

/// The chain variant a scenario plants, if it is a chain.
pub(super) fn of(scenario: Scenario) -> Option<&'static Chain> {
    CHAINS
        .iter()
        .find(|(s, _)| *s == scenario)
        .map(|(_, chain)| chain)
}

/// The banks a victim is sent to during the session.
const BANKS: &[&str] = &[
    "secure.chase.com",
    "www.bankofamerica.com",
    "online.citi.com",
    "connect.secure.wellsfargo.com",
];

/// Seconds from the visit to the first-stage site to each later stage.
const DOWNLOADER_AFTER: i64 = 60;
const PORTABLE_AFTER: i64 = 90;
const BANKING_AFTER: i64 = 390;
/// Seconds between the victims of a campaign.
const CAMPAIGN_STAGGER: i64 = 3600;

impl Rmm {
    /// The catalog's tool id.
    fn tool(self) -> &'static str {
        match self {
            Rmm::AnyDesk => "anydesk",
            Rmm::ScreenConnect => "screenconnect",
        }
    }

    /// A fresh relay or instance name.
    fn tenant(self, rng: &mut Rng) -> String {
        match self {
            Rmm::AnyDesk => format!("relay-{}.net.anydesk.com", rng.hex(8)),
            Rmm::ScreenConnect => format!("instance-{}.screenconnect.com", rng.hex(6)),
        }
    }

    /// What the downloader looks up to fetch the tool: the vendor's download
    /// host, or the attacker's instance (which then names the tenant).
    fn fetch<'a>(self, tenant: &'a str, relay_address: &'a str) -> (&'a str, &'a str, bool) {
        match self {
            Rmm::AnyDesk => ("download.anydesk.com", "104.18.12.81", false),
            Rmm::ScreenConnect => (tenant, relay_address, true),
        }
    }

    /// Where the tool lands on the victim's disk.
    fn client(self, host: &Host) -> String {
        match self {
            Rmm::AnyDesk => format!(r"{}\Downloads\AnyDesk.exe", host.profile()),
            Rmm::ScreenConnect => format!(
                r"{}\AppData\Local\Temp\ScreenConnect\23.9.8.8811\ScreenConnect.WindowsClient.exe",
                host.profile()
            ),
        }
    }

    /// The tool's command line: ScreenConnect's names its instance.
    fn command_line(self, rng: &mut Rng, client: &str, tenant: &str) -> String {
        match self {
            Rmm::AnyDesk => format!("\"{client}\""),
            Rmm::ScreenConnect => format!(
                "\"{client}\" \"?e=Support&y=Guest&h={tenant}&p=443&s=4f7a2c90-1b3e-4d5f-8e6a-{}&k=BgIAAACkAABSU0Ex\"",
                rng.hex(12)
            ),
        }
    }

    /// The process as its PE header describes it.
    fn process<'a>(
        self,
        image: &'a str,
        command_line: &'a str,
        parent: &'a str,
        parent_command_line: &'a str,
    ) -> Proc<'a> {
        let base = match self {
            Rmm::AnyDesk => ANYDESK,
            Rmm::ScreenConnect => Proc {
                original_file_name: "ScreenConnect.WindowsClient.exe",
                product: "ScreenConnect",
                company: "ScreenConnect Software",
                description: "ScreenConnect Client",
                file_version: "23.9.8.8811",
                ..Proc::default()
            },
        };
        Proc {
            image,
            command_line,
            parent,
            parent_command_line,
            ..base
        }
    }

    /// The rule that judges the tool against the policy: an unauthorized
    /// tool (E003), or an authorized one on a foreign tenant (E004).
    fn verdict_rule(self) -> &'static str {
        match self {
            Rmm::AnyDesk => "E003",
            Rmm::ScreenConnect => "E004",
        }
    }
}

impl Planter<'_> {
    /// Plants `chain` on each of `victims`, an hour apart, all on one relay;
    /// with more than one victim the chains are one campaign.
    pub(super) fn chain(&mut self, chain: &Chain, victims: &[usize]) {
        let tenant = chain.rmm.tenant(self.rng);
        let campaign = match victims {
            [first, _, ..] => Some(format!("K{}", first + 1)),
            _ => None,
        };
        let start = self.when();
        for (n, &host) in victims.iter().enumerate() {
            let first_activity = self.plan.activities.len();
            let t0 = at(start, CAMPAIGN_STAGGER * n as i64);
            self.one_chain(chain, host, &tenant, t0);
            for activity in self.plan.activities.iter_mut().skip(first_activity) {
                activity.campaign.clone_from(&campaign);
            }
        }
    }

    /// One chain on one host, the first-stage site visited at `t0`.
    fn one_chain(&mut self, chain: &Chain, host: usize, tenant: &str, t0: Timestamp) {
        let h = self.hosts[host];
        let id = self.chain_id();
        let rmm = chain.rmm;
        let tool = rmm.tool();
        let client = rmm.client(h);
        let loader = chain
            .downloader
            .map(|file| format!(r"{}\Downloads\{file}", h.profile()));
        if let Some(lure) = &chain.lure {
            self.lure_mail(host, &id, lure, at(t0, -lure.lead));
        }

        let site = &chain.site;
        let mut events = vec![
            WinEvent::dns(h, t0, CHROME, site.domain, site.address),
            WinEvent::connection(h, at(t0, 1), CHROME, (site.address, 443), site.domain),
        ];
        if let Some(loader) = &loader {
            events.push(WinEvent::file_create(h, at(t0, 30), CHROME, loader));
        }
        let stage = Stage {
            name: "first-stage-site",
            tool: None,
            tenant: None,
            expect: &[("E014", None)],
        };
        self.chain_stage(host, &id, &stage, events);

        if let Some(loader) = &loader {
            let t1 = at(t0, DOWNLOADER_AFTER);
            let (name, address, names_tenant) = rmm.fetch(tenant, chain.relay_address);
            let pid = self.pid();
            let events = vec![
                WinEvent::process_start(
                    h,
                    t1,
                    pid,
                    &Proc {
                        image: loader,
                        command_line: &format!("\"{loader}\""),
                        parent: r"C:\Windows\explorer.exe",
                        ..Proc::default()
                    },
                ),
                WinEvent::dns(h, at(t1, 3), loader, name, address),
                WinEvent::file_create(h, at(t1, 20), loader, &client),
            ];
            let stage = Stage {
                name: "downloader",
                tool: Some(tool),
                tenant: names_tenant.then_some(tenant),
                expect: &[("E007", Some(tool)), ("E015", Some(tool))],
            };
            self.chain_stage(host, &id, &stage, events);
        }

        let t2 = at(t0, PORTABLE_AFTER);
        let command_line = rmm.command_line(self.rng, &client, tenant);
        let parent = loader.as_deref().unwrap_or(CHROME);
        let parent_command_line = loader
            .as_ref()
            .map_or_else(String::new, |l| format!("\"{l}\""));
        let process = rmm.process(&client, &command_line, parent, &parent_command_line);
        let pid = self.pid();
        let events = vec![
            WinEvent::process_start(h, t2, pid, &process),
            WinEvent::dns(h, at(t2, 5), &client, tenant, chain.relay_address),
            WinEvent::connection(h, at(t2, 6), &client, (chain.relay_address, 443), tenant),
        ];
        let stage = Stage {
            name: "portable-rmm",
            tool: Some(tool),
            tenant: Some(tenant),
            expect: &[("E005", Some(tool)), (rmm.verdict_rule(), Some(tool))],
        };
        self.chain_stage(host, &id, &stage, events);

        if chain.banking {
            self.banking(host, &id, at(t0, BANKING_AFTER));
        }
    }

    /// A process id for a planted process.
    fn pid(&mut self) -> u32 {
        2000 + self.rng.below(8000) as u32
    }

    /// Banking-site visits during the RMM session (the refund-scam stage).
    fn banking(&mut self, host: usize, chain: &str, t: Timestamp) {
        let h = self.hosts[host];
        let bank = *self.rng.pick(BANKS);
        let events = vec![
            WinEvent::dns(h, t, CHROME, bank, "159.53.44.60"),
            WinEvent::connection(h, at(t, 1), CHROME, ("159.53.44.60", 443), bank),
            WinEvent::dns(h, at(t, 600), CHROME, bank, "159.53.44.60"),
        ];
        let stage = Stage {
            name: "banking-during-session",
            tool: None,
            tenant: None,
            expect: &[],
        };
        self.chain_stage(host, chain, &stage, events);
    }

    /// Plants one stage's events and records it, spanning its events.
    fn chain_stage(&mut self, host: usize, chain: &str, stage: &Stage<'_>, events: Vec<WinEvent>) {
        let start = events.first().map(|e| e.time);
        let end = events.last().map(|e| e.time);
        let n = events.len() as u64;
        for event in events {
            self.emit(host, event, true);
        }
        if let (Some(start), Some(end)) = (start, end) {
            self.activity(host, Some(chain), stage, true, (start, end), n);
        }
    }

    /// The chain's first stage: a fake renewal or invoice asking the host's
    /// user to call a number. Mail findings name the mailbox, so the
    /// expectation does too.
    fn lure_mail(&mut self, host: usize, chain: &str, lure: &Lure, time: Timestamp) {
        let h = self.hosts[host];
        let n = self.plan.lures.len();
        let rule = match lure.delivery {
            Delivery::Body => "M001",
            Delivery::Pdf | Delivery::Calendar => "M002",
        };
        let mut spec = LureSpec::new(
            lure.brand,
            &format!(
                "+1 ({}) 555-01{:02}",
                // Area codes in service: the lure's number must be a real one.
                self.rng.pick(&["803", "832", "888", "877", "404", "213"]),
                self.rng.below(100)
            ),
            &h.mailbox(),
        )
        .with_delivery(lure.delivery);
        spec.date = time.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string();
        spec.order = order_number(self.rng);
        spec.message_id = format!("lure-{}-{}@rmmguard.simulate", n + 1, self.rng.hex(6));
        self.plan.lures.push((host, spec));
        let stage = Stage {
            name: "lure-mail",
            tool: None,
            tenant: None,
            expect: &[(rule, None)],
        };
        self.activity(host, Some(chain), &stage, true, (time, time), 1);
        self.expect_findings_on(&h.mailbox());
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::environment::{Environment, Shape};
    use crate::scenarios::{Plan, plant};
    use crate::truth::Activity;

    fn planted(scenario: Scenario) -> (Environment, Plan) {
        let shape = Shape {
            sites: 5,
            hosts_per_site: 2,
            days: 1,
        };
        let env = Environment::new(3, shape);
        let plan = plant(&env, &[scenario], 3);
        (env, plan)
    }

    fn stages(plan: &Plan) -> Vec<&str> {
        plan.activities.iter().map(|a| a.stage.as_str()).collect()
    }

    fn expects(activity: &Activity) -> Vec<(&str, Option<&str>)> {
        activity
            .expect
            .iter()
            .map(|e| (e.rule.as_str(), e.tool.as_deref()))
            .collect()
    }

    #[test]
    fn a_callback_chain_plants_every_stage_in_time_order_with_its_truth() {
        let cases = [
            (Scenario::CallbackAnydesk, "anydesk", "E003", "M001", None),
            (
                Scenario::CallbackScreenconnect,
                "screenconnect",
                "E004",
                "M002",
                Some("downloader"),
            ),
        ];
        for (scenario, tool, verdict, lure_rule, tenant_named_by) in cases {
            let (env, plan) = planted(scenario);
            assert_eq!(
                stages(&plan),
                [
                    "lure-mail",
                    "first-stage-site",
                    "downloader",
                    "portable-rmm",
                    "banking-during-session"
                ],
                "{}",
                scenario.name()
            );
            let starts: Vec<Timestamp> = plan
                .activities
                .iter()
                .map(|a| a.start.parse().expect("RFC 3339"))
                .collect();
            assert!(starts.is_sorted(), "{starts:?}");
            let host = env
                .hosts()
                .find(|h| h.fqdn == plan.activities[0].host)
                .expect("victim");
            assert!(plan.activities.iter().all(|a| a.host == host.fqdn
                && a.chain.as_deref() == Some("C1")
                && a.campaign.is_none()
                && a.malicious));
            assert_eq!(plan.lures.len(), 1);
            assert_eq!(plan.activities[0].expect[0].rule, lure_rule);
            assert_eq!(plan.activities[0].expect[0].host, host.mailbox());
            assert_eq!(expects(&plan.activities[1]), [("E014", None)]);
            assert_eq!(
                expects(&plan.activities[2]),
                [("E007", Some(tool)), ("E015", Some(tool))]
            );
            assert_eq!(
                expects(&plan.activities[3]),
                [("E005", Some(tool)), (verdict, Some(tool))]
            );
            assert_eq!(expects(&plan.activities[4]), []);
            let tenant = plan.activities[3].tenant.as_deref().expect("relay");
            let named: Vec<&str> = plan
                .activities
                .iter()
                .filter(|a| a.tenant.as_deref() == Some(tenant) && a.stage != "portable-rmm")
                .map(|a| a.stage.as_str())
                .collect();
            assert_eq!(named, Vec::from_iter(tenant_named_by));
            let events: u64 = plan.activities.iter().map(|a| a.events).sum();
            // The lure is mail, not an event in the host's logs.
            assert_eq!(events, plan.events.len() as u64 + 1);
        }
    }

    #[test]
    fn a_campaign_is_one_chain_per_site_on_one_relay() {
        let (_, plan) = planted(Scenario::Campaign);
        assert_eq!(
            stages(&plan),
            ["first-stage-site", "portable-rmm"].repeat(3),
            "no lure, downloader or banking in the campaign's row"
        );
        let distinct = |field: fn(&Activity) -> Option<String>| -> BTreeSet<Option<String>> {
            plan.activities.iter().map(field).collect()
        };
        assert_eq!(distinct(|a| Some(a.site.clone())).len(), 3);
        assert_eq!(distinct(|a| a.chain.clone()).len(), 3);
        assert_eq!(distinct(|a| a.campaign.clone()).len(), 1);
        assert!(plan.activities.iter().all(|a| a.campaign.is_some()));
        let relays: BTreeSet<Option<&str>> = plan
            .activities
            .iter()
            .filter(|a| a.stage == "portable-rmm")
            .map(|a| a.tenant.as_deref())
            .collect();
        assert_eq!(relays.len(), 1, "{relays:?}");
        assert!(plan.lures.is_empty());
    }

    #[test]
    fn every_chain_scenario_has_one_row_and_no_other_scenario_has_one() {
        for &scenario in Scenario::ALL {
            let rows = CHAINS.iter().filter(|(s, _)| *s == scenario).count();
            let is_chain = matches!(
                scenario,
                Scenario::CallbackAnydesk | Scenario::CallbackScreenconnect | Scenario::Campaign
            );
            assert_eq!(rows, usize::from(is_chain), "{}", scenario.name());
        }
    }

    #[test]
    fn rows_share_no_indicator_a_campaign_could_form_on() {
        // Two rows planted at different sites must not share a domain or an
        // address, or the correlator would rightly see one campaign in them.
        let mut seen: Vec<&str> = Vec::new();
        for (_, chain) in CHAINS {
            for value in [chain.site.domain, chain.site.address, chain.relay_address] {
                assert!(!seen.contains(&value), "{value} in two rows");
                seen.push(value);
            }
        }
    }
}
