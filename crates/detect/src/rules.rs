//! The detection rules: one entry per rule, with its stable id, meaning,
//! ATT&CK technique, default severity and false-positive notes.
//!
//! `docs/RULES.md` is generated from this table (`rmmguard rules --markdown`)
//! and a test keeps it current. Tool facts never live here: they are
//! catalog data.

use crate::Severity;

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
        meaning: "An event names a domain, IP, file hash or file name from the built-in AA23-025A \
                  indicators or a user IOC file (--ioc: plain list, CSV, STIX 2.1 bundle).",
        evidence: "DNS queries, connections, process images, hashes and command lines.",
        false_positives: "Stale indicators: IOC domains change hands. Check the date of the indicator.",
    }
    RMM_DROPPED = {
        id: "E015",
        name: "rmm-binary-dropped",
        title: "RMM binary or installer written to a user-writable folder",
        severity: Severity::Low,
        attack: "T1105",
        meaning: "A file whose name is an RMM binary or installer was written to Downloads, \
                  Desktop, Temp or AppData: the download step before a portable run.",
        evidence: "File creation (Sysmon 11).",
        false_positives: "Users downloading an approved tool from the vendor's site.",
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
         Generated from `crates/detect/src/rules.rs` by `rmmguard rules --markdown`; \
         a test keeps this file current. Ids are stable: a retired rule's id is never reused.\n\n\
         | id | name | severity | ATT&CK | title |\n|---|---|---|---|---|\n",
    );
    for rule in ALL {
        out.push_str(&format!(
            "| [{id}](#{anchor}) | `{name}` | {sev} | {attack} | {title} |\n",
            id = rule.id,
            anchor = rule.id.to_lowercase(),
            name = rule.name,
            sev = rule.severity,
            attack = rule.attack,
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
