//! Benign background activity: office apps, browsers, updaters, svchost,
//! DNS to common domains, TLS to CDNs, file writes. It dominates the
//! volume of every generated folder and names no RMM tool, so anything a
//! hunt finds in it is a false positive.

use std::net::{IpAddr, Ipv4Addr};

use jiff::{SignedDuration, Timestamp};

use crate::environment::{Environment, Host, Site};
use crate::event::{Proc, WinEvent};
use crate::network::{NetSession, Payload, TlsHello};
use crate::rng::Rng;
use crate::scenarios::resolver;

struct App {
    image: &'static str,
    original: &'static str,
    product: &'static str,
    company: &'static str,
    description: &'static str,
    args: &'static [&'static str],
}

const APPS: &[App] = &[
    App {
        image: r"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE",
        original: "WinWord.exe",
        product: "Microsoft Office",
        company: "Microsoft Corporation",
        description: "Microsoft Word",
        args: &[
            "/n",
            "/dde",
            r#""C:\Users\Public\Documents\Q3 report.docx""#,
        ],
    },
    App {
        image: r"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE",
        original: "Excel.exe",
        product: "Microsoft Office",
        company: "Microsoft Corporation",
        description: "Microsoft Excel",
        args: &["/dde", r#""C:\Users\Public\Documents\budget.xlsx""#],
    },
    App {
        image: r"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE",
        original: "Outlook.exe",
        product: "Microsoft Outlook",
        company: "Microsoft Corporation",
        description: "Microsoft Outlook",
        args: &["/recycle", ""],
    },
    App {
        image: r"C:\Program Files\Google\Chrome\Application\chrome.exe",
        original: "chrome.exe",
        product: "Google Chrome",
        company: "Google LLC",
        description: "Google Chrome",
        args: &[
            "--type=renderer --lang=en-US",
            "--type=gpu-process",
            "--profile-directory=Default",
        ],
    },
    App {
        image: r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
        original: "msedge.exe",
        product: "Microsoft Edge",
        company: "Microsoft Corporation",
        description: "Microsoft Edge",
        args: &[
            "--type=utility --utility-sub-type=network.mojom.NetworkService",
            "--single-argument",
        ],
    },
    App {
        image: r"C:\Windows\System32\svchost.exe",
        original: "svchost.exe",
        product: "Microsoft® Windows® Operating System",
        company: "Microsoft Corporation",
        description: "Host Process for Windows Services",
        args: &[
            "-k netsvcs -p -s Schedule",
            "-k LocalService -p -s DnsCache",
            "-k UnistackSvcGroup",
        ],
    },
    App {
        image: r"C:\Windows\System32\backgroundTaskHost.exe",
        original: "backgroundTaskHost.exe",
        product: "Microsoft® Windows® Operating System",
        company: "Microsoft Corporation",
        description: "Background Task Host",
        args: &["-ServerName:BackgroundTaskHost.WebAccountProvider"],
    },
    App {
        image: r"C:\Windows\System32\SearchProtocolHost.exe",
        original: "searchprotocolhost.exe",
        product: "Windows® Search",
        company: "Microsoft Corporation",
        description: "Microsoft Windows Search Protocol Host",
        args: &["Global\\UsGthrFltPipeMssGthrPipe5_ Global\\UsGthrCtrlFltPipeMssGthrPipe5 1"],
    },
    App {
        image: r"C:\Windows\System32\conhost.exe",
        original: "CONHOST.EXE",
        product: "Microsoft® Windows® Operating System",
        company: "Microsoft Corporation",
        description: "Console Window Host",
        args: &["0xffffffff -ForceV1"],
    },
    App {
        image: r"C:\Program Files\Microsoft OneDrive\OneDrive.exe",
        original: "OneDrive.exe",
        product: "Microsoft OneDrive",
        company: "Microsoft Corporation",
        description: "Microsoft OneDrive",
        args: &["/background"],
    },
    App {
        image: r"C:\Program Files\Notepad++\notepad++.exe",
        original: "notepad++.exe",
        product: "Notepad++",
        company: "Don HO don.h@free.fr",
        description: "Notepad++",
        args: &[r#""C:\Users\Public\notes.txt""#],
    },
    App {
        image: r"C:\Program Files\Adobe\Acrobat DC\Acrobat\Acrobat.exe",
        original: "Acrobat.exe",
        product: "Adobe Acrobat",
        company: "Adobe Inc.",
        description: "Adobe Acrobat",
        args: &[r#""C:\Users\Public\Documents\invoice-2231.pdf""#],
    },
    App {
        image: r"C:\Program Files\Git\cmd\git.exe",
        original: "git.exe",
        product: "Git",
        company: "The Git Development Community",
        description: "Git for Windows",
        args: &["fetch --all", "status"],
    },
];

const DOMAINS: &[&str] = &[
    "www.google.com",
    "outlook.office365.com",
    "login.microsoftonline.com",
    "www.bing.com",
    "cdn.jsdelivr.net",
    "fonts.gstatic.com",
    "www.wikipedia.org",
    "update.googleapis.com",
    "ctldl.windowsupdate.com",
    "settings-win.data.microsoft.com",
    "www.linkedin.com",
    "news.ycombinator.com",
    "www.nytimes.com",
    "slack.com",
    "zoom.us",
    "github.com",
    "api.github.com",
    "www.salesforce.com",
    "docs.google.com",
    "www.dropbox.com",
    "ocsp.digicert.com",
    "crl.globalsign.com",
    "www.weather.com",
    "www.amazon.com",
];

const BROWSERS: &[&str] = &[
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE",
    r"C:\Windows\System32\svchost.exe",
];

const FILES: &[&str] = &[
    r"Documents\Q3 report.docx",
    r"Documents\budget.xlsx",
    r"Downloads\invoice-2231.pdf",
    r"AppData\Local\Temp\~DF3A1B.tmp",
    r"AppData\Local\Microsoft\Windows\INetCache\IE\x.dat",
    r"Desktop\meeting notes.txt",
    r"Downloads\photo-0231.jpg",
    r"AppData\Roaming\Microsoft\Office\Recent\index.dat",
];

/// Generates the background events of one host in time order.
pub struct Background<'a> {
    host: &'a Host,
    rng: Rng,
    time: Timestamp,
    mean_gap: i64,
    pid: u32,
}

impl<'a> Background<'a> {
    /// A stream for `host` starting at `start`, about `per_day` events a day.
    pub fn new(
        host: &'a Host,
        seed: u64,
        stream: u64,
        start: Timestamp,
        per_day: u64,
    ) -> Background<'a> {
        Background {
            host,
            rng: Rng::new(seed, 0xB000 + stream),
            time: start,
            mean_gap: (86_400_000 / per_day.max(1)) as i64,
            pid: 1000,
        }
    }

    /// The next benign event (the stream never ends; the caller stops it).
    pub fn next_event(&mut self) -> WinEvent {
        let gap = self.rng.below((2 * self.mean_gap).max(1) as u64) as i64 + 1;
        self.time = self
            .time
            .saturating_add(SignedDuration::from_millis(gap))
            .unwrap_or(self.time);
        let t = self.time;
        let host = self.host;
        match self.rng.below(100) {
            0..=4 => {
                let app = self.rng.pick(APPS);
                let arg = self.rng.pick(app.args);
                let command_line = format!("\"{}\" {arg}", app.image);
                WinEvent::security_process(
                    host,
                    t,
                    app.image,
                    command_line.trim_end(),
                    r"C:\Windows\explorer.exe",
                )
            }
            5..=29 => {
                let app = self.rng.pick(APPS);
                let arg = self.rng.pick(app.args);
                self.pid = 1000 + (self.pid + 4 + self.rng.below(400) as u32) % 60_000;
                let command_line = format!("\"{}\" {arg}", app.image);
                WinEvent::process_start(
                    host,
                    t,
                    self.pid,
                    &Proc {
                        image: app.image,
                        command_line: command_line.trim_end(),
                        parent: r"C:\Windows\explorer.exe",
                        parent_command_line: r"C:\Windows\Explorer.EXE",
                        original_file_name: app.original,
                        product: app.product,
                        company: app.company,
                        description: app.description,
                        file_version: "10.0.19041.1",
                    },
                )
            }
            30..=59 => {
                let domain = self.rng.pick(DOMAINS);
                let image = self.rng.pick(BROWSERS);
                let answer = format!("142.250.{}.{}", self.rng.below(255), self.rng.below(255));
                WinEvent::dns(host, t, image, domain, &answer)
            }
            60..=84 => {
                let domain = self.rng.pick(DOMAINS);
                let image = self.rng.pick(BROWSERS);
                let ip = format!("151.101.{}.{}", self.rng.below(255), self.rng.below(255));
                WinEvent::connection(host, t, image, (&ip, 443), domain)
            }
            _ => {
                let file = self.rng.pick(FILES);
                let app = self.rng.pick(APPS);
                WinEvent::file_create(host, t, app.image, &format!(r"{}\{file}", host.profile()))
            }
        }
    }
}

/// A site's benign web browsing as its network sensor sees it: each host
/// looks up a common domain and opens TLS to it, about `per_host_day`
/// times a day.
pub fn browsing(site: &Site, env: &Environment, seed: u64, per_host_day: u64) -> Vec<NetSession> {
    let mut sessions = Vec::new();
    for (n, host) in site.hosts.iter().enumerate() {
        let mut rng = Rng::new(seed, 0xB800 + n as u64 * 131 + site.name.len() as u64);
        let count = per_host_day.max(1) * u64::from(env.days);
        for _ in 0..count {
            let domain = *rng.pick(DOMAINS);
            let start = env
                .start
                .saturating_add(SignedDuration::from_secs(
                    rng.below(env.seconds().max(1) as u64) as i64,
                ))
                .unwrap_or(env.start);
            sessions.push(NetSession {
                client: (IpAddr::V4(host.ip), 49_152 + rng.below(16_000) as u16),
                server: (IpAddr::V4(public_address(domain)), 443),
                start,
                lookup: Some((domain.to_owned(), IpAddr::V4(resolver(host)))),
                payload: Payload::Tls(TlsHello::browser(domain)),
            });
        }
    }
    sessions
}

/// A stable public-looking address for a domain (TEST-NET-3 is too small to
/// tell many domains apart, so a 93.184.0.0/16 address from its name).
fn public_address(domain: &str) -> Ipv4Addr {
    let hash = domain.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let [_, _, c, d] = hash.to_be_bytes();
    Ipv4Addr::new(93, 184, c, d.max(1))
}
