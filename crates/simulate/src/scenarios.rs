//! The planted activities: each scenario writes the events of one kind of
//! RMM abuse (or of authorized MSP work) on chosen hosts, and records the
//! truth: what happened, and which findings it must produce.

use std::net::{IpAddr, Ipv4Addr};

use jiff::{SignedDuration, Timestamp};

use crate::environment::{Environment, Host};
use crate::event::{Proc, WinEvent};
use crate::mail::{Delivery, LureSpec};
use crate::network::{NetSession, Payload};
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
        match scenario {
            Scenario::Msp => planter.msp(),
            Scenario::CallbackAnydesk => planter.callback_anydesk(victims.next()),
            Scenario::CallbackScreenconnect => planter.callback_screenconnect(victims.next()),
            Scenario::ForeignTenant => planter.foreign_tenant(victims.next()),
            Scenario::Renamed => planter.renamed(victims.next()),
            Scenario::SilentInstall => planter.silent_install(victims.next()),
            Scenario::InMemory => planter.in_memory(victims.next()),
            Scenario::SelfHostedScreenconnect => planter.self_hosted(victims.next()),
            Scenario::CredentialTheft => planter.credential_theft(victims.next()),
            Scenario::OutsideVpn => planter.outside_vpn(victims.next()),
            Scenario::InboundPort => planter.inbound_port(victims.next()),
            Scenario::Campaign => {
                let hosts = victims.one_per_site(&hosts, 3);
                planter.campaign(&hosts);
            }
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

    /// Authorized MSP work on every host: must produce no flag.
    fn msp(&mut self) {
        let msp = self.env.msp.clone();
        let atera = r"C:\Program Files\ATERA Networks\AteraAgent\AteraAgent.exe";
        let sc_dir = format!(
            r"C:\Program Files (x86)\ScreenConnect Client ({})",
            msp.screenconnect_instance
        );
        let sc_service = format!(r"{sc_dir}\ScreenConnect.ClientService.exe");
        let sc_args = format!(
            "?e=Access&y=Guest&h={}&p=8041&s=9c1e4b02-6d3a-4f1e-9a87-{}&k=BgIAAACkAABSU0Ex&c=Contoso",
            msp.screenconnect_relay,
            self.rng.hex(12)
        );
        for host in 0..self.hosts.len() {
            let h = self.hosts[host];
            let t0 = at(self.env.start, 600 + self.rng.below(3600) as i64);
            let msi = format!(
                r#""C:\Windows\System32\msiexec.exe" /i "{}\Downloads\AteraAgentSetup.msi" /qn IntegratorLogin={} CompanyId=7 AccountId=001Q300000NwIT7"#,
                h.profile(),
                msp.atera_account
            );
            let events = vec![
                WinEvent::process_start(
                    h,
                    t0,
                    5120,
                    &Proc {
                        image: r"C:\Windows\System32\msiexec.exe",
                        command_line: &msi,
                        parent: r"C:\Windows\explorer.exe",
                        original_file_name: "msiexec.exe",
                        product: "Windows Installer - Unicode",
                        company: "Microsoft Corporation",
                        description: "Windows® installer",
                        file_version: "5.0.19041.1",
                        ..Proc::default()
                    },
                ),
                WinEvent::app_log(
                    h,
                    at(t0, 40),
                    "MsiInstaller",
                    11707,
                    "Product: AteraAgent -- Installation completed successfully.",
                ),
                WinEvent::service_install(h, at(t0, 45), "AteraAgent", &format!("\"{atera}\"")),
                WinEvent::process_start(
                    h,
                    at(t0, 50),
                    6204,
                    &Proc {
                        image: atera,
                        command_line: &format!("\"{atera}\""),
                        parent: r"C:\Windows\System32\services.exe",
                        original_file_name: "AteraAgent.exe",
                        product: "AteraAgent",
                        company: "Atera Networks",
                        description: "AteraAgent",
                        file_version: "1.8.7.2",
                        ..Proc::default()
                    },
                ),
                WinEvent::dns(h, at(t0, 55), atera, "agent-api.atera.com", "20.42.65.92"),
                WinEvent::service_install(
                    h,
                    at(t0, 300),
                    &format!("ScreenConnect Client ({})", msp.screenconnect_instance),
                    &format!("\"{sc_service}\" \"{sc_args}\""),
                ),
                WinEvent::process_start(
                    h,
                    at(t0, 305),
                    7311,
                    &Proc {
                        image: &sc_service,
                        command_line: &format!("\"{sc_service}\" \"{sc_args}\""),
                        parent: r"C:\Windows\System32\services.exe",
                        original_file_name: "ScreenConnect.ClientService.exe",
                        product: "ScreenConnect",
                        company: "ScreenConnect Software",
                        description: "ScreenConnect Client Service",
                        file_version: "23.9.8.8811",
                        ..Proc::default()
                    },
                ),
            ];
            let n = events.len() as u64;
            let end = at(t0, 305);
            for event in events {
                self.emit(host, event, false);
            }
            let atera = Stage {
                name: "authorized-rmm",
                tool: Some("atera"),
                tenant: Some(&msp.atera_account),
                expect: &[],
            };
            self.activity(host, None, &atera, false, (t0, end), 5);
            let screenconnect = Stage {
                name: "authorized-rmm",
                tool: Some("screenconnect"),
                tenant: Some(&msp.screenconnect_relay),
                expect: &[],
            };
            self.activity(host, None, &screenconnect, false, (t0, end), n - 5);
        }
    }

    /// The AA23-025A chain with a portable AnyDesk.
    fn callback_anydesk(&mut self, host: usize) {
        let h = self.hosts[host];
        let chain = self.chain_id();
        let t0 = self.when();
        let downloads = format!(r"{}\Downloads", h.profile());
        let loader = format!(r"{downloads}\helpdesk_support_tool.exe");
        let anydesk = format!(r"{downloads}\AnyDesk.exe");
        let relay = format!("relay-{}.net.anydesk.com", self.rng.hex(8));
        let lure_site = "myhelpcare.online";
        self.lure_mail(host, &chain, at(t0, -1500));
        let events = vec![
            WinEvent::dns(h, t0, CHROME, lure_site, "203.0.113.24"),
            WinEvent::connection(h, at(t0, 1), CHROME, ("203.0.113.24", 443), lure_site),
            WinEvent::file_create(h, at(t0, 40), CHROME, &loader),
        ];
        self.chain_stage(
            host,
            &chain,
            Stage {
                name: "first-stage-site",
                tool: None,
                tenant: None,
                expect: &[("E014", None)],
            },
            (t0, at(t0, 40)),
            events,
        );
        let t1 = at(t0, 90);
        let events = vec![
            WinEvent::process_start(
                h,
                t1,
                8044,
                &Proc {
                    image: &loader,
                    command_line: &format!("\"{loader}\""),
                    parent: r"C:\Windows\explorer.exe",
                    ..Proc::default()
                },
            ),
            WinEvent::dns(
                h,
                at(t1, 3),
                &loader,
                "download.anydesk.com",
                "104.18.12.81",
            ),
            WinEvent::file_create(h, at(t1, 20), &loader, &anydesk),
        ];
        self.chain_stage(
            host,
            &chain,
            Stage {
                name: "downloader",
                tool: Some("anydesk"),
                tenant: None,
                expect: &[("E007", Some("anydesk")), ("E015", Some("anydesk"))],
            },
            (t1, at(t1, 20)),
            events,
        );
        let t2 = at(t1, 30);
        let events = vec![
            WinEvent::process_start(
                h,
                t2,
                8120,
                &Proc {
                    image: &anydesk,
                    command_line: &format!("\"{anydesk}\""),
                    parent: &loader,
                    parent_command_line: &format!("\"{loader}\""),
                    ..ANYDESK
                },
            ),
            WinEvent::dns(
                h,
                at(t2, 4),
                &anydesk,
                "boot.net.anydesk.com",
                "51.91.16.117",
            ),
            WinEvent::dns(h, at(t2, 6), &anydesk, &relay, "195.181.174.182"),
            WinEvent::connection(h, at(t2, 7), &anydesk, ("195.181.174.182", 443), &relay),
        ];
        self.chain_stage(
            host,
            &chain,
            Stage {
                name: "portable-rmm",
                tool: Some("anydesk"),
                tenant: Some(&relay),
                expect: &[("E005", Some("anydesk")), ("E003", Some("anydesk"))],
            },
            (t2, at(t2, 7)),
            events,
        );
        self.banking(host, &chain, at(t2, 300));
    }

    /// The AA23-025A chain with a portable ScreenConnect client on an attacker instance.
    fn callback_screenconnect(&mut self, host: usize) {
        let h = self.hosts[host];
        let chain = self.chain_id();
        let t0 = self.when();
        let downloads = format!(r"{}\Downloads", h.profile());
        let loader = format!(r"{downloads}\invoice_viewer.exe");
        let instance = format!("instance-{}.screenconnect.com", self.rng.hex(6));
        let client = format!(
            r"{}\AppData\Local\Temp\ScreenConnect\23.9.8.8811\ScreenConnect.WindowsClient.exe",
            h.profile()
        );
        let lure_site = "win03.xyz";
        self.lure_mail(host, &chain, at(t0, -2700));
        let events = vec![
            WinEvent::dns(h, t0, CHROME, lure_site, "198.51.100.33"),
            WinEvent::connection(h, at(t0, 1), CHROME, ("198.51.100.33", 443), lure_site),
            WinEvent::file_create(h, at(t0, 30), CHROME, &loader),
        ];
        self.chain_stage(
            host,
            &chain,
            Stage {
                name: "first-stage-site",
                tool: None,
                tenant: None,
                expect: &[("E014", None)],
            },
            (t0, at(t0, 30)),
            events,
        );
        let t1 = at(t0, 60);
        let events = vec![
            WinEvent::process_start(
                h,
                t1,
                9012,
                &Proc {
                    image: &loader,
                    command_line: &format!("\"{loader}\""),
                    parent: r"C:\Windows\explorer.exe",
                    ..Proc::default()
                },
            ),
            WinEvent::dns(h, at(t1, 2), &loader, &instance, "147.75.83.11"),
            WinEvent::file_create(h, at(t1, 15), &loader, &client),
        ];
        self.chain_stage(
            host,
            &chain,
            Stage {
                name: "downloader",
                tool: Some("screenconnect"),
                tenant: Some(&instance),
                expect: &[
                    ("E007", Some("screenconnect")),
                    ("E015", Some("screenconnect")),
                ],
            },
            (t1, at(t1, 15)),
            events,
        );
        let t2 = at(t1, 25);
        let args = format!(
            "?e=Support&y=Guest&h={instance}&p=443&s=4f7a2c90-1b3e-4d5f-8e6a-{}&k=BgIAAACkAABSU0Ex",
            self.rng.hex(12)
        );
        let events = vec![
            WinEvent::process_start(
                h,
                t2,
                9100,
                &Proc {
                    image: &client,
                    command_line: &format!("\"{client}\" \"{args}\""),
                    parent: &loader,
                    original_file_name: "ScreenConnect.WindowsClient.exe",
                    product: "ScreenConnect",
                    company: "ScreenConnect Software",
                    description: "ScreenConnect Client",
                    file_version: "23.9.8.8811",
                    ..Proc::default()
                },
            ),
            WinEvent::connection(h, at(t2, 3), &client, ("147.75.83.11", 443), &instance),
        ];
        self.chain_stage(
            host,
            &chain,
            Stage {
                name: "portable-rmm",
                tool: Some("screenconnect"),
                tenant: Some(&instance),
                expect: &[
                    ("E005", Some("screenconnect")),
                    ("E004", Some("screenconnect")),
                ],
            },
            (t2, at(t2, 3)),
            events,
        );
        self.banking(host, &chain, at(t2, 240));
    }

    /// Banking-site visits during the RMM session (the refund-scam stage).
    fn banking(&mut self, host: usize, chain: &str, t: Timestamp) {
        let h = self.hosts[host];
        let bank = *self.rng.pick(&[
            "secure.chase.com",
            "www.bankofamerica.com",
            "online.citi.com",
            "connect.secure.wellsfargo.com",
        ]);
        let events = vec![
            WinEvent::dns(h, t, CHROME, bank, "159.53.44.60"),
            WinEvent::connection(h, at(t, 1), CHROME, ("159.53.44.60", 443), bank),
            WinEvent::dns(h, at(t, 600), CHROME, bank, "159.53.44.60"),
        ];
        self.chain_stage(
            host,
            chain,
            Stage {
                name: "banking-during-session",
                tool: None,
                tenant: None,
                expect: &[],
            },
            (t, at(t, 600)),
            events,
        );
    }

    fn chain_stage(
        &mut self,
        host: usize,
        chain: &str,
        stage: Stage<'_>,
        span: (Timestamp, Timestamp),
        events: Vec<WinEvent>,
    ) {
        let n = events.len() as u64;
        for event in events {
            self.emit(host, event, true);
        }
        self.activity(host, Some(chain), &stage, true, span, n);
    }

    /// The chain's first stage: a fake renewal or invoice asking the host's
    /// user to call a number, in the body, a PDF or an invitation in turn.
    /// Mail findings name the mailbox, so the expectation does too.
    fn lure_mail(&mut self, host: usize, chain: &str, time: Timestamp) {
        let h = self.hosts[host];
        let n = self.plan.lures.len();
        let brand = ["Geek Squad", "Norton", "McAfee", "PayPal"][n % 4];
        let delivery = [Delivery::Body, Delivery::Pdf, Delivery::Calendar][n % 3];
        let rule = match delivery {
            Delivery::Body => "M001",
            Delivery::Pdf | Delivery::Calendar => "M002",
        };
        let mut lure = LureSpec::new(
            brand,
            &format!(
                "+1 ({}) 555-01{:02}",
                // Area codes in service: the lure's number must be a real one.
                self.rng.pick(&["803", "832", "888", "877", "404", "213"]),
                self.rng.below(100)
            ),
            &h.mailbox(),
        )
        .with_delivery(delivery);
        lure.date = time.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string();
        lure.order = format!("INV-{}", self.rng.hex(8).to_uppercase());
        lure.message_id = format!("lure-{}-{}@rmmguard.simulate", n + 1, self.rng.hex(6));
        self.plan.lures.push((host, lure));
        self.activity(
            host,
            Some(chain),
            &Stage {
                name: "lure-mail",
                tool: None,
                tenant: None,
                expect: &[(rule, None)],
            },
            true,
            (time, time),
            1,
        );
        self.expect_findings_on(&h.mailbox());
    }

    /// The authorized Atera agent installed silently for a foreign account.
    fn foreign_tenant(&mut self, host: usize) {
        let h = self.hosts[host];
        let t0 = self.when();
        let account = "billing-help@proton-mailbox.example";
        let msi = format!(
            r#""C:\Windows\System32\msiexec.exe" /i "{}\Downloads\setup_undefined_atera.msi" /qn IntegratorLogin={account} CompanyId=1 AccountId=001Q3000006btEYIAY"#,
            h.profile()
        );
        let atera = r"C:\Program Files\ATERA Networks\AteraAgent\AteraAgent.exe";
        let events = vec![
            WinEvent::process_start(
                h,
                t0,
                4410,
                &Proc {
                    image: r"C:\Windows\System32\msiexec.exe",
                    command_line: &msi,
                    parent: r"C:\Windows\explorer.exe",
                    original_file_name: "msiexec.exe",
                    product: "Windows Installer - Unicode",
                    company: "Microsoft Corporation",
                    ..Proc::default()
                },
            ),
            WinEvent::service_install(h, at(t0, 30), "AteraAgent", &format!("\"{atera}\"")),
        ];
        self.single(
            host,
            Stage {
                name: "foreign-tenant-install",
                tool: Some("atera"),
                tenant: Some(account),
                expect: &[
                    ("E004", Some("atera")),
                    ("E008", Some("atera")),
                    ("E010", Some("atera")),
                ],
            },
            t0,
            events,
        );
    }

    fn single(&mut self, host: usize, stage: Stage<'_>, t0: Timestamp, events: Vec<WinEvent>) {
        let end = events.last().map_or(t0, |e| e.time);
        let n = events.len() as u64;
        for event in events {
            self.emit(host, event, true);
        }
        self.activity(host, None, &stage, true, (t0, end), n);
    }

    /// AnyDesk copied under a driver-helper name.
    fn renamed(&mut self, host: usize) {
        let h = self.hosts[host];
        let t0 = self.when();
        let image = r"C:\ProgramData\Intel\igfxCUIhelper.exe";
        let events = vec![WinEvent::process_start(
            h,
            t0,
            3020,
            &Proc {
                image,
                command_line: &format!("\"{image}\" --control"),
                parent: r"C:\Windows\System32\cmd.exe",
                ..ANYDESK
            },
        )];
        self.single(
            host,
            Stage {
                name: "renamed-rmm",
                tool: Some("anydesk"),
                tenant: None,
                expect: &[("E006", Some("anydesk")), ("E003", Some("anydesk"))],
            },
            t0,
            events,
        );
    }

    /// AnyDesk installed silently, password set on the command line.
    fn silent_install(&mut self, host: usize) {
        let h = self.hosts[host];
        let t0 = self.when();
        let download = format!(r"{}\Downloads\AnyDesk.exe", h.profile());
        let installed = r"C:\Program Files (x86)\AnyDesk\AnyDesk.exe";
        let events = vec![
            WinEvent::process_start(
                h,
                t0,
                2210,
                &Proc {
                    image: &download,
                    command_line: &format!(
                        r#""{download}" --install "C:\Program Files (x86)\AnyDesk" --start-with-win --silent"#
                    ),
                    parent: r"C:\Windows\System32\cmd.exe",
                    ..ANYDESK
                },
            ),
            WinEvent::service_install(
                h,
                at(t0, 8),
                "AnyDesk",
                &format!("\"{installed}\" --service"),
            ),
            WinEvent::process_start(
                h,
                at(t0, 20),
                2290,
                &Proc {
                    image: installed,
                    command_line: &format!("\"{installed}\" --set-password"),
                    parent: r"C:\Windows\System32\cmd.exe",
                    parent_command_line: &format!(
                        r#"cmd.exe /c echo Sup3rS3cret! | "{installed}" --set-password"#
                    ),
                    ..ANYDESK
                },
            ),
        ];
        self.single(
            host,
            Stage {
                name: "silent-install",
                tool: Some("anydesk"),
                tenant: None,
                expect: &[
                    ("E008", Some("anydesk")),
                    ("E009", Some("anydesk")),
                    ("E010", Some("anydesk")),
                    ("E003", Some("anydesk")),
                ],
            },
            t0,
            events,
        );
    }

    /// RMM relay traffic from powershell and rundll32.
    fn in_memory(&mut self, host: usize) {
        let h = self.hosts[host];
        let t0 = self.when();
        let powershell = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
        let rundll = r"C:\Windows\System32\rundll32.exe";
        let relay = format!("relay-{}.net.anydesk.com", self.rng.hex(8));
        let instance = format!("instance-{}.screenconnect.com", self.rng.hex(6));
        let events = vec![
            WinEvent::dns(h, t0, powershell, &relay, "195.181.170.19"),
            WinEvent::connection(h, at(t0, 1), powershell, ("195.181.170.19", 443), &relay),
        ];
        self.single(
            host,
            Stage {
                name: "in-memory-rmm",
                tool: Some("anydesk"),
                tenant: Some(&relay),
                expect: &[("E007", Some("anydesk")), ("E003", Some("anydesk"))],
            },
            t0,
            events,
        );
        let t1 = at(t0, 900);
        let events = vec![
            WinEvent::dns(h, t1, rundll, &instance, "147.75.80.9"),
            WinEvent::connection(h, at(t1, 1), rundll, ("147.75.80.9", 443), &instance),
        ];
        self.single(
            host,
            Stage {
                name: "in-memory-rmm",
                tool: Some("screenconnect"),
                tenant: Some(&instance),
                expect: &[
                    ("E007", Some("screenconnect")),
                    ("E004", Some("screenconnect")),
                ],
            },
            t1,
            events,
        );
    }

    /// A ScreenConnect client service pointed at a self-hosted relay on 8041.
    fn self_hosted(&mut self, host: usize) {
        let h = self.hosts[host];
        let t0 = self.when();
        let instance = self.rng.hex(16);
        let dir = format!(r"C:\Program Files (x86)\ScreenConnect Client ({instance})");
        let service = format!(r"{dir}\ScreenConnect.ClientService.exe");
        let relay = "rmm.helpdesk-secure.example";
        let args = format!(
            "?e=Access&y=Guest&h={relay}&p=8041&s=0b9c8d7e-6f5a-4b3c-2d1e-{}&k=BgIAAACkAABSU0Ex&t=&c=",
            self.rng.hex(12)
        );
        let events = vec![
            WinEvent::service_install(
                h,
                t0,
                &format!("ScreenConnect Client ({instance})"),
                &format!("\"{service}\" \"{args}\""),
            ),
            WinEvent::process_start(
                h,
                at(t0, 2),
                6610,
                &Proc {
                    image: &service,
                    command_line: &format!("\"{service}\" \"{args}\""),
                    parent: r"C:\Windows\System32\services.exe",
                    original_file_name: "ScreenConnect.ClientService.exe",
                    product: "ScreenConnect",
                    company: "ScreenConnect Software",
                    file_version: "23.9.8.8811",
                    ..Proc::default()
                },
            ),
            WinEvent::connection(h, at(t0, 4), &service, ("203.0.113.50", 8041), relay),
        ];
        self.single(
            host,
            Stage {
                name: "self-hosted-relay",
                tool: Some("screenconnect"),
                tenant: Some(relay),
                expect: &[
                    ("E004", Some("screenconnect")),
                    ("E010", Some("screenconnect")),
                ],
            },
            t0,
            events,
        );
    }

    /// A dumper reading TeamViewer's memory.
    fn credential_theft(&mut self, host: usize) {
        let h = self.hosts[host];
        let t0 = self.when();
        let teamviewer = r"C:\Program Files\TeamViewer\TeamViewer.exe";
        let dumper = format!(r"{}\AppData\Local\Temp\tvdump.exe", h.profile());
        let events = vec![
            WinEvent::service_install(
                h,
                t0,
                "TeamViewer",
                &format!(
                    "\"{}\"",
                    teamviewer.replace("TeamViewer.exe", "TeamViewer_Service.exe")
                ),
            ),
            WinEvent::process_access(h, at(t0, 3600), &dumper, teamviewer, "0x1410"),
        ];
        self.single(
            host,
            Stage {
                name: "credential-theft",
                tool: Some("teamviewer"),
                tenant: None,
                expect: &[("E013", Some("teamviewer"))],
            },
            t0,
            events,
        );
    }

    /// One campaign across sites: on one host per site, a lookup of the same
    /// lure domain and a portable AnyDesk talking to the same relay.
    fn campaign(&mut self, victims: &[usize]) {
        let relay = format!("relay-{}.net.anydesk.com", self.rng.hex(8));
        let campaign = format!("K{}", victims.first().copied().unwrap_or(0) + 1);
        let start = self.when();
        for (n, &host) in victims.iter().enumerate() {
            let h = self.hosts[host];
            let chain = self.chain_id();
            let t0 = at(start, 3600 * n as i64);
            let anydesk = format!(r"{}\Downloads\AnyDesk.exe", h.profile());
            let events = vec![WinEvent::dns(h, t0, CHROME, "win01.xyz", "198.51.100.77")];
            self.chain_stage(
                host,
                &chain,
                Stage {
                    name: "first-stage-site",
                    tool: None,
                    tenant: None,
                    expect: &[("E014", None)],
                },
                (t0, t0),
                events,
            );
            let t1 = at(t0, 300);
            let events = vec![
                WinEvent::process_start(
                    h,
                    t1,
                    8800,
                    &Proc {
                        image: &anydesk,
                        command_line: &format!("\"{anydesk}\""),
                        parent: CHROME,
                        ..ANYDESK
                    },
                ),
                WinEvent::dns(h, at(t1, 5), &anydesk, &relay, "195.181.175.40"),
                WinEvent::connection(h, at(t1, 6), &anydesk, ("195.181.175.40", 443), &relay),
            ];
            self.chain_stage(
                host,
                &chain,
                Stage {
                    name: "portable-rmm",
                    tool: Some("anydesk"),
                    tenant: Some(&relay),
                    expect: &[("E005", Some("anydesk")), ("E003", Some("anydesk"))],
                },
                (t1, at(t1, 6)),
                events,
            );
            if victims.len() > 1 {
                let len = self.plan.activities.len();
                for activity in &mut self.plan.activities[len - 2..] {
                    activity.campaign = Some(campaign.clone());
                }
            }
        }
    }

    /// The MSP's own ScreenConnect, but its relay port reached from a LAN
    /// host outside the approved VPN: the approved-path check (N006) and the
    /// outbound RMM port (N005) on the wire; nothing on the endpoint.
    fn outside_vpn(&mut self, host: usize) {
        let t0 = self.when();
        let h = self.hosts[host];
        let relay = self.env.msp.screenconnect_relay.clone();
        let session = NetSession {
            client: (IpAddr::V4(h.ip), self.ephemeral_port()),
            server: (IpAddr::V4(Ipv4Addr::new(203, 0, 113, 41)), 8041),
            start: t0,
            lookup: Some((relay.clone(), IpAddr::V4(resolver(h)))),
            payload: Payload::Opaque {
                client_bytes: 48_000,
                server_bytes: 1_400_000,
            },
        };
        self.network_activity(
            host,
            session,
            &Stage {
                name: "outside-vpn",
                tool: Some("screenconnect"),
                tenant: Some(&relay),
                expect: &[
                    ("N005", Some("screenconnect")),
                    ("N006", Some("screenconnect")),
                ],
            },
        );
    }

    /// A VNC server on a workstation answered a client on the internet: the
    /// inbound RMM port (N004), the session recognized by its RFB banners
    /// (N002), off the approved path (N006), and VNC unapproved (E003).
    fn inbound_port(&mut self, host: usize) {
        let t0 = self.when();
        let h = self.hosts[host];
        let octet = 10 + self.rng.below(200) as u8;
        let session = NetSession {
            client: (
                IpAddr::V4(Ipv4Addr::new(198, 51, 100, octet)),
                self.ephemeral_port(),
            ),
            server: (IpAddr::V4(h.ip), 5900),
            start: t0,
            lookup: None,
            payload: Payload::Rfb,
        };
        self.network_activity(
            host,
            session,
            &Stage {
                name: "inbound-port",
                tool: Some("vnc"),
                tenant: None,
                expect: &[
                    ("E003", Some("vnc")),
                    ("N002", Some("vnc")),
                    ("N004", Some("vnc")),
                    ("N006", Some("vnc")),
                ],
            },
        );
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

    fn ephemeral_port(&mut self) -> u16 {
        49_152 + self.rng.below(16_000) as u16
    }

    /// Records a network session and its truth. Network findings name the
    /// host by its address, so the expectations do too.
    fn network_activity(&mut self, host: usize, session: NetSession, stage: &Stage<'_>) {
        let h = self.hosts[host];
        let span = (session.start, at(session.start, 120));
        self.plan.sessions.push((host, session));
        self.activity(host, None, stage, true, span, 1);
        self.expect_findings_on(&h.ip.to_string());
    }
}

/// The site's resolver: `.0.2` of the host's /16 (hosts start at `.20`).
pub(crate) fn resolver(host: &Host) -> Ipv4Addr {
    let [a, b, _, _] = host.ip.octets();
    Ipv4Addr::new(a, b, 0, 2)
}
