//! The detection rules: one entry per rule, with its stable id, meaning,
//! ATT&CK technique, default severity and false-positive notes.
//!
//! The table lives here, below the detector, because every stage after it
//! reads it: the correlator (each rule's chain [`Stage`]), the sinks (titles,
//! ATT&CK ids) and the Sigma export. The logic that fires each rule is in
//! `rmmguard-detect` (`src/rules/`, one file per vantage point).
//!
//! `docs/RULES.md` is generated from this table (`rmmguard rules --markdown`)
//! and a test keeps it current. Tool facts never live here: they are
//! catalog data.

use crate::{Severity, Stage};

/// A detection rule.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id (`E005`); never reused for another meaning.
    pub id: &'static str,
    /// Stable kebab-case name (`portable-rmm`).
    pub name: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Default severity; some rules adjust it per finding (documented below).
    pub severity: Severity,
    /// MITRE ATT&CK technique id.
    pub attack: &'static str,
    /// The AA23-025A chain stage the rule's findings stand for, if any.
    /// `unreviewed-rmm` and `unauthorized-rmm` have none here: the detector
    /// marks the findings of a tool seen only online as an RMM session
    /// ([`crate::Finding::stage`]).
    pub stage: Option<Stage>,
    /// What the rule means and when it fires.
    pub meaning: &'static str,
    /// Which evidence it reads.
    pub evidence: &'static str,
    /// Known benign causes and how to handle them.
    pub false_positives: &'static str,
}

macro_rules! rules {
    ($( $konst:ident = { $($field:ident : $value:expr),* $(,)? } )*) => {
        $( #[doc = concat!("Rule ", stringify!($konst), ".")] pub const $konst: &Rule = &Rule { $($field: $value),* }; )*
        /// Every rule, in id order.
        pub const ALL: &[&Rule] = &[$($konst),*];
    };
}

rules! {
    AUTHORIZED_RMM = {
        id: "E001",
        name: "authorized-rmm",
        title: "Authorized RMM tool in use",
        severity: Severity::Info,
        attack: "T1219",
        stage: None,
        meaning: "An RMM tool the policy authorizes was seen on a host where it is allowed, with an \
                  allowed tenant (or none shown). Inventory only: the audit trail the advisory asks for.",
        evidence: "Any event attributed to the tool: process starts, services, inventories, DNS, app logs.",
        false_positives: "None by design; it is informational.",
    }
    UNREVIEWED_RMM = {
        id: "E002",
        name: "unreviewed-rmm",
        title: "RMM tool seen, no policy to judge it",
        severity: Severity::Medium,
        attack: "T1219",
        stage: None,
        meaning: "An RMM tool was seen and no policy was given, so nobody has said whether it is \
                  approved. One finding per host and tool.",
        evidence: "Any event attributed to the tool.",
        false_positives: "Every legitimate RMM shows up here until a policy authorizes it: run \
                          `rmmguard audit --write-policy` and mark what is approved.",
    }
    UNAUTHORIZED_RMM = {
        id: "E003",
        name: "unauthorized-rmm",
        title: "Unauthorized RMM tool",
        severity: Severity::High,
        attack: "T1219",
        stage: None,
        meaning: "An RMM tool the policy does not authorize (or authorizes only on other hosts) \
                  was seen. One finding per host and tool.",
        evidence: "Any event attributed to the tool.",
        false_positives: "Tools that are approved but missing from the policy; add them under \
                          [[authorized]] with the hosts that may run them.",
    }
    FOREIGN_TENANT = {
        id: "E004",
        name: "foreign-tenant",
        title: "Authorized RMM tool connected to a foreign tenant or relay",
        severity: Severity::Critical,
        attack: "T1219",
        stage: Some(Stage::RmmSession),
        meaning: "The tool is authorized, but the evidence names a tenant, instance or relay the \
                  policy does not list (a ScreenConnect client whose h= relay is not ours, an \
                  Atera agent of another account). A legitimate tool pointed at an attacker's \
                  infrastructure is the most important finding rmmguard makes.",
        evidence: "Tenant values read by the catalog's tenant rules from command lines, service \
                   image paths, DNS names and app logs.",
        false_positives: "A second instance the organization really owns (a vendor's support \
                          instance, a new relay host): add it to the tool's tenants.",
    }
    PORTABLE_RMM = {
        id: "E005",
        name: "portable-rmm",
        title: "RMM tool run portably from a user-writable folder",
        severity: Severity::High,
        attack: "T1219",
        stage: Some(Stage::PortableRmm),
        meaning: "An RMM binary ran from Downloads, Desktop, Documents, a Temp or AppData folder, \
                  Users\\Public, or a non-system drive, and the host shows no install or service \
                  of that tool: the AA23-025A pattern that bypasses \"users cannot install software\".",
        evidence: "Process starts (Sysmon 1, Security 4688, EDR process events) with the image path; \
                   services, MSI installs, inventories and installed-path runs as counter-evidence.",
        false_positives: "Help-desk staff who run a support client on demand; authorize the tool \
                          with `portable = true` for their hosts.",
    }
    RENAMED_RMM = {
        id: "E006",
        name: "renamed-rmm",
        title: "Renamed RMM binary",
        severity: Severity::High,
        attack: "T1036.003",
        stage: Some(Stage::PortableRmm),
        meaning: "The PE metadata (OriginalFileName or a distinctive ProductName) names an RMM tool, \
                  but the image name is none of that tool's names: a copy renamed to hide.",
        evidence: "Process starts and image loads with PE metadata (Sysmon 1/7, EDR exports).",
        false_positives: "Browser download duplicates (`AnyDesk (1).exe`) are covered by the \
                          catalog's name globs; vendor-rebranded builds may need a catalog alias.",
    }
    NON_RMM_PROCESS_RMM_INFRA = {
        id: "E007",
        name: "rmm-infra-from-non-rmm-process",
        title: "RMM infrastructure or module used by a non-RMM process",
        severity: Severity::High,
        attack: "T1219",
        stage: Some(Stage::Download),
        meaning: "A process that is not an RMM binary (and not a browser) resolved or connected \
                  to an RMM vendor's relay or cloud, or loaded an RMM module: an RMM client \
                  running only in memory or injected into another process.",
        evidence: "DNS queries (Sysmon 22), network connections (Sysmon 3) and image loads \
                   (Sysmon 7) with the process image.",
        false_positives: "Updaters or security tools that check vendor sites; scripts that \
                          download the installer. Check the process and command line.",
    }
    SILENT_INSTALL = {
        id: "E008",
        name: "rmm-silent-install",
        title: "RMM tool installed silently from the command line",
        severity: Severity::Medium,
        attack: "T1219",
        stage: None,
        meaning: "An RMM installer or binary ran with its silent-install arguments \
                  (AnyDesk --install --silent, an agent MSI with /q).",
        evidence: "Process command lines, matched against the catalog's silent-install tells.",
        false_positives: "Software deployment by IT (SCCM, Intune, the MSP's own scripts).",
    }
    CLI_PASSWORD = {
        id: "E009",
        name: "rmm-cli-password",
        title: "RMM access password set on the command line",
        severity: Severity::High,
        attack: "T1219",
        stage: None,
        meaning: "An unattended-access password was set from the command line (AnyDesk \
                  --set-password, often piped from echo): a way to keep access without the user.",
        evidence: "Process command lines, matched against the catalog's password-set tells.",
        false_positives: "Scripted deployments by IT; the password should then come from a secret store.",
    }
    RMM_INSTALLED = {
        id: "E010",
        name: "rmm-installed",
        title: "RMM service or package installed",
        severity: Severity::Medium,
        attack: "T1543.003",
        stage: None,
        meaning: "A service (System 7045, Security 4697) or Windows Installer package \
                  (MsiInstaller 1033/11707) of an RMM tool was installed. Severity is info when \
                  the policy authorizes the tool on that host.",
        evidence: "Service installs and MsiInstaller records.",
        false_positives: "Approved deployments; authorize the tool in the policy.",
    }
    REMOTE_COMMAND = {
        id: "E011",
        name: "rmm-remote-command",
        title: "Command run through an RMM tool",
        severity: Severity::Medium,
        attack: "T1059",
        stage: None,
        meaning: "A shell or script host started under an RMM process, or the tool's own log \
                  recorded a remote command (ScreenConnect event 200). Severity is info when \
                  the tool and tenant are authorized.",
        evidence: "Process starts with an RMM parent; application-log records.",
        false_positives: "Routine MSP scripting through an authorized agent.",
    }
    FILE_TRANSFER = {
        id: "E012",
        name: "rmm-file-transfer",
        title: "Files transferred through an RMM tool",
        severity: Severity::Medium,
        attack: "T1105",
        stage: None,
        meaning: "The tool's own log recorded a file transfer (ScreenConnect event 201). \
                  Severity is info when the tool and tenant are authorized.",
        evidence: "Application-log records.",
        false_positives: "Support staff sending tools or logs.",
    }
    CREDENTIAL_ACCESS = {
        id: "E013",
        name: "rmm-credential-access",
        title: "RMM credentials or configuration accessed by a foreign process",
        severity: Severity::High,
        attack: "T1555",
        stage: None,
        meaning: "Another process read an RMM process's memory (Sysmon 10 with VM-read rights on, \
                  say, TeamViewer.exe), or an RMM configuration file that holds credentials \
                  (ultravnc.ini, AnyDesk service.conf) was read by another process or over a share \
                  (Security 4663/5145).",
        evidence: "Process access (Sysmon 10), object and share access (Security 4663, 5145).",
        false_positives: "Backup agents and antivirus scanning files; the rule skips the tool's own \
                          processes and core Windows processes.",
    }
    IOC_MATCH = {
        id: "E014",
        name: "ioc-match",
        title: "Indicator of compromise matched",
        severity: Severity::High,
        attack: "T1219",
        stage: Some(Stage::LureSite),
        meaning: "An event names a domain, IP, file hash or file name from the built-in AA23-025A \
                  indicators or a user IOC file (--ioc: plain list, CSV, STIX 2.1 bundle).",
        evidence: "DNS queries, connections, process images, hashes and command lines; in mail, \
                   link hosts and URLs, sender domains, attachment names and domains written \
                   in the text.",
        false_positives: "Stale indicators: IOC domains change hands. Check the date of the indicator.",
    }
    RMM_DROPPED = {
        id: "E015",
        name: "rmm-binary-dropped",
        title: "RMM binary or installer written to a user-writable folder",
        severity: Severity::Low,
        attack: "T1105",
        stage: Some(Stage::Download),
        meaning: "A file whose name is an RMM binary or installer was written to Downloads, \
                  Desktop, Temp or AppData: the download step before a portable run.",
        evidence: "File creation (Sysmon 11).",
        false_positives: "Users downloading an approved tool from the vendor's site.",
    }
    FINANCIAL_SITE = {
        id: "E016",
        name: "financial-site-visit",
        title: "Banking or payment site visited",
        severity: Severity::Info,
        attack: "T1657",
        stage: Some(Stage::Banking),
        meaning: "A host looked up or connected to a banking, brokerage or payment site (a built-in \
                  list plus --financial-domains). Harmless alone and kept at info level; the \
                  correlator uses it for the refund-scam stage of AA23-025A: banking visits while \
                  an unapproved RMM session is open.",
        evidence: "DNS queries and connections with a destination name (Sysmon 22/3, DNS logs).",
        false_positives: "Everyone banks: the finding only matters inside an incident.",
    }
    MAIL_CALLBACK = {
        id: "M001",
        name: "mail-callback-lure",
        title: "Callback-phishing lure: a fake invoice or renewal asks to phone a number",
        severity: Severity::High,
        attack: "T1566.004",
        stage: Some(Stage::LureMail),
        meaning: "A message asks its reader to call a phone number about a charge, order, renewal \
                  or refund, the first step of AA23-025A: the call leads to a portable RMM and a \
                  refund scam. It fires when, after normalization (NFKC, invisible characters \
                  removed, digit look-alikes folded inside numbers), the subject or body has a \
                  valid phone number (E.164 in `mail.phone`) right after a call to action, lure \
                  content (an impersonated brand, transaction words or an amount), an untrusted \
                  sender (freemail, a display name that does not fit the address, a brand named \
                  from outside its domains, or a Reply-To elsewhere), and a score of 4 or more: \
                  brand +2, transaction words +1/+2, amount +1, no links +1, short body +1, \
                  freemail +1, display-name mismatch +1, sender outside the brand +1, Reply-To \
                  differs +1; more than 10 links -2, a reply in a thread -2, bank-statement \
                  wording -3. Every signal that fired is a `signal.*` fact with the text it fired \
                  on and its place (`body:812`).",
        evidence: "Mail messages (.eml, mbox, Maildir): subject, body (HTML as text), sender, \
                   Reply-To, links. Indicators to block: `mail.phone`, `mail.from`, \
                   `mail.reply_to`, `mail.lure_domain`.",
        false_positives: "Genuine renewal notices that give a support number are cleared by the \
                          sender gate when they come from the brand's own domain; a reseller or \
                          small shop mailing from freemail about an order can still match. Check \
                          the number against the brand's published support line.",
    }
    MAIL_CALLBACK_ATTACHMENT = {
        id: "M002",
        name: "mail-callback-lure-attachment",
        title: "Callback-phishing lure hidden in an attachment (PDF, DOCX, calendar invite)",
        severity: Severity::High,
        attack: "T1566.001",
        stage: Some(Stage::LureMail),
        meaning: "As M001, but the number and its call to action are only in an attached PDF, \
                  Word document, calendar invitation or text file, not in the body (which is \
                  often nearly empty): a way around gateways that only read bodies. Scored as \
                  M001 plus one for the lure being only in the attachment.",
        evidence: "Text taken from attachments: PDF (first 16 pages), DOCX (document, headers, \
                   footers, notes), iCalendar (summary, description, location, organizer).",
        false_positives: "Real invoices from a small supplier mailing from freemail with a phone \
                          number for questions.",
    }
    MAIL_IMAGE_LURE = {
        id: "M003",
        name: "mail-image-only-lure",
        title: "Image-only lure: no text to read, images attached, brand or payment words",
        severity: Severity::Medium,
        attack: "T1566.004",
        stage: Some(Stage::LureMail),
        meaning: "A message whose body has almost no text (under 200 visible characters), whose \
                  content is in attached images, whose subject, sender name or body names an \
                  impersonated brand or transaction words, from an untrusted sender (as M001). \
                  rmmguard does not read images (no OCR), so the number cannot be shown: the \
                  finding says what was not read.",
        evidence: "Mail messages with image attachments and little or no text.",
        false_positives: "Newsletters and receipts sent as pictures from freemail; photos sent by \
                          colleagues with a subject that mentions an order.",
    }
    MAIL_RMM_LINK = {
        id: "M004",
        name: "mail-rmm-link",
        title: "Mail links to an RMM download or an RMM tenant's client invitation",
        severity: Severity::High,
        attack: "T1566.002",
        stage: Some(Stage::LureMail),
        meaning: "A link in a message (body, PDF, DOCX, invite) downloads an RMM installer \
                  (catalog installer or binary names, or an executable on an RMM vendor's \
                  domain) or joins a tenant (a client-join URL such as ScreenConnect's \
                  `e=Access&y=Guest&h=relay`, or a tenant host like `x.screenconnect.com`). The \
                  relay or instance is the finding's tenant. Links to a tool and tenant the \
                  policy authorizes are the organization's own support and do not fire.",
        evidence: "Links in mail bodies and attachments, read against the catalog's domains, \
                   installer names, client-join tells and tenant rules.",
        false_positives: "Support invitations from a vendor or MSP the policy does not list yet: \
                          authorize the tool and its tenant.",
    }
    MAIL_RMM_ATTACHMENT = {
        id: "M005",
        name: "mail-rmm-attachment",
        title: "RMM installer attached to a mail, or packed in an attached archive",
        severity: Severity::High,
        attack: "T1566.001",
        stage: Some(Stage::LureMail),
        meaning: "An attachment (or a file inside an attached ZIP) is named like an RMM \
                  installer or binary from the catalog (AnyDesk.exe, ScreenConnect.ClientSetup.msi, \
                  …). Tools the policy authorizes do not fire.",
        evidence: "Attachment names and the file names inside attached ZIP archives.",
        false_positives: "IT staff mailing an approved installer: authorize the tool.",
    }
    RMM_CLOUD_CONTACTED = {
        id: "N001",
        name: "rmm-cloud-contacted",
        title: "RMM cloud or relay contacted (seen on the wire)",
        severity: Severity::Medium,
        attack: "T1219",
        stage: Some(Stage::RmmSession),
        meaning: "A network sensor saw a host look up or connect to an RMM vendor's cloud or relay: \
                  a DNS query, TLS server name (SNI) or HTTP Host matches a catalog domain \
                  (reversed-label trie). The relay or tenant is named when the name shows it \
                  (AnyDesk relay-<id>). One finding per host, tool and tenant. Severity is info \
                  when the policy authorizes the tool and tenant.",
        evidence: "Sensor DNS (pcap, Zeek dns.log, Suricata dns), TLS (pcap, Zeek ssl.log, Suricata \
                   tls/quic) and HTTP records. The host is the internal side's IP address.",
        false_positives: "Browsing a vendor's website, software updaters, and approved tools: \
                          authorize the tool (and its tenant) in the policy.",
    }
    RMM_SESSION = {
        id: "N002",
        name: "rmm-session-on-wire",
        title: "Remote-access session recognized on the wire",
        severity: Severity::Medium,
        attack: "T1219",
        stage: Some(Stage::RmmSession),
        meaning: "A remote-access session was recognized from its protocol, whatever the port: \
                  AnyDesk TLS without SNI (its relay or client certificate, its anydesk/ ALPN, or \
                  no SNI on its own ports), TeamViewer framing (or data both ways on TCP 5938), \
                  VNC's RFB banner, RDP's X.224 connection request. One finding per host, \
                  protocol and server; relay sessions go to the vendor's cloud, direct sessions \
                  stay inside. Severity is info when the policy authorizes the tool.",
        evidence: "Flows with a recognized protocol (pcap payloads, Zeek conn/rdp/rfb, Suricata \
                   flow/rdp/rfb) and TLS handshakes with certificate and ALPN.",
        false_positives: "Administrators' RDP and VNC inside the network; approved RMM tools \
                          (authorize them). Use N006 with approved paths to separate the two.",
    }
    NON_STANDARD_PORT = {
        id: "N003",
        name: "remote-access-non-standard-port",
        title: "Remote-access protocol on a non-standard port",
        severity: Severity::High,
        attack: "T1571",
        stage: None,
        meaning: "A recognized remote-access protocol (N002) ran on a port that is not its own \
                  (VNC on 6900, RDP on 443): a way around port-based blocks, or a tunnel.",
        evidence: "The same as N002; the standard ports are the tool's catalog ports (and 80/443 \
                   for tools with cloud relays), or 3389 for RDP.",
        false_positives: "Deliberately moved services (RDP on a custom port); document them with \
                          a policy exclusion.",
    }
    RMM_PORT_INBOUND = {
        id: "N004",
        name: "rmm-port-inbound",
        title: "Remote-access port reached from outside",
        severity: Severity::High,
        attack: "T1133",
        stage: None,
        meaning: "A connection from outside the internal networks to an internal host on a common \
                  RMM or remote-access port (the catalog's remote-access tool ports such as 5938, \
                  6568, 7070, 8040/8041, 5405, 21115-21119, 5900-5910, 5500, 4899, plus 3389) \
                  was answered: the perimeter does not block it.",
        evidence: "Flow records (pcap, Zeek conn, Suricata flow) with the responder's reply; \
                   internal networks from the policy, or the private ranges without one.",
        false_positives: "Published remote-access services behind an approved gateway; scope \
                          them in the policy's internal networks or exclude them.",
    }
    RMM_PORT_OUTBOUND = {
        id: "N005",
        name: "rmm-port-outbound",
        title: "Remote-access port reached from inside",
        severity: Severity::Medium,
        attack: "T1219",
        stage: None,
        meaning: "An internal host connected out to a common RMM or remote-access port and the \
                  other side answered (self-hosted ScreenConnect on 8041, RustDesk on 21116, \
                  TeamViewer on 5938): the advisory asks to block these at the perimeter.",
        evidence: "Flow records with the responder's reply; internal networks as for N004.",
        false_positives: "Approved tools whose relays use these ports; authorize the tool, or \
                          exclude the rule for the hosts that may.",
    }
    UNAPPROVED_PATH = {
        id: "N006",
        name: "rmm-unapproved-path",
        title: "RMM session off the approved VPN, VDI or jump-host path",
        severity: Severity::High,
        attack: "T1219",
        stage: None,
        meaning: "A remote-access session (N002, or a remote-access port crossing the perimeter) \
                  has an internal side but neither end on an approved path (the policy's \
                  networks.approved subnets or jump hosts). Only judged when the policy names \
                  approved paths.",
        evidence: "The same flows and handshakes as N002, N004 and N005, with the policy.",
        false_positives: "Approved paths missing from the policy; add the VPN or VDI subnet.",
    }
    RMM_DOWNLOAD = {
        id: "N007",
        name: "rmm-download",
        title: "RMM installer or portable binary downloaded",
        severity: Severity::Medium,
        attack: "T1105",
        stage: Some(Stage::Download),
        meaning: "A file whose name is an RMM tool's installer or binary (catalog names and globs) \
                  was carried over HTTP or logged as a file transfer: the download step before a \
                  portable run.",
        evidence: "HTTP responses (file name from Content-Disposition or the URI) and file \
                   records (Zeek files.log, Suricata fileinfo, pcap response bodies).",
        false_positives: "IT fetching approved installers; the vendor's update traffic.",
    }
    IOC_DOWNLOAD = {
        id: "N008",
        name: "executable-from-ioc-domain",
        title: "Executable downloaded from an indicator domain",
        severity: Severity::Critical,
        attack: "T1204.002",
        stage: Some(Stage::Download),
        meaning: "An executable, installer or archive (by file name or content type) was \
                  downloaded from a domain in the built-in AA23-025A indicators or a user IOC \
                  file: the first-stage download of the refund-scam chain.",
        evidence: "HTTP records with Host, file name and content type.",
        false_positives: "Stale indicators (domains change hands); check the indicator's date.",
    }
}

/// The rule with this id or name.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|rule| rule.id.eq_ignore_ascii_case(id) || rule.name == id)
}

/// The rules reference as Markdown (`docs/RULES.md`).
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Detection rules\n\n\
         Generated from `crates/findings/src/rules.rs` by `rmmguard rules --markdown`; \
         a test keeps this file current. Ids are stable: a retired rule's id is never reused.\n\n\
         | id | name | severity | ATT&CK | chain stage | title |\n|---|---|---|---|---|---|\n",
    );
    for rule in ALL {
        out.push_str(&format!(
            "| [{id}](#{anchor}) | `{name}` | {sev} | {attack} | {stage} | {title} |\n",
            id = rule.id,
            anchor = rule.id.to_lowercase(),
            name = rule.name,
            sev = rule.severity,
            attack = rule.attack,
            stage = rule.stage.map_or("", Stage::as_str),
            title = rule.title,
        ));
    }
    for rule in ALL {
        out.push_str(&format!(
            "\n## {id}\n\n**{title}** (`{name}`, {sev}, ATT&CK \
             [{attack}](https://attack.mitre.org/techniques/{path}/))\n\n\
             {meaning}\n\n*Evidence:* {evidence}\n\n*False positives:* {fp}\n",
            id = rule.id,
            title = rule.title,
            name = rule.name,
            sev = rule.severity,
            attack = rule.attack,
            path = rule.attack.replace('.', "/"),
            meaning = squeeze(rule.meaning),
            evidence = squeeze(rule.evidence),
            fp = squeeze(rule.false_positives),
        ));
    }
    out
}

/// Collapses the runs of spaces that line continuations leave in the texts.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_unique_and_ordered() {
        for pair in ALL.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} before {}",
                pair[0].id,
                pair[1].id
            );
        }
        let mut names: Vec<&str> = ALL.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        assert_eq!(by_id("e005").map(|r| r.name), Some("portable-rmm"));
        assert_eq!(by_id("renamed-rmm").map(|r| r.id), Some("E006"));
        assert!(by_id("E999").is_none());
    }
}
