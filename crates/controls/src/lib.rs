//! Controls: deployable blocks and allowlists generated from the catalog and
//! the policy, so that what rmmguard detects and what the network and the
//! endpoints block come from one source of truth (AA23-025A steps 5–7).
//!
//! Each [`Target`] is a pure function of (catalog, policy, [`Options`]) to
//! text: firewall rulesets (nftables, iptables, Windows Firewall), DNS
//! sinkholes (RPZ, hosts, Unbound), IDS rules (Suricata), application control
//! (AppLocker) and SIEM rules (Sigma). The policy decides the scope:
//!
//! * tools the policy does not authorize are blocked everywhere;
//! * authorized tools are carved out before the blocks: their tenants that
//!   are DNS names stay resolvable under a blocked vendor domain, and their
//!   ports stay open from the approved paths (VPN/VDI subnets, jump hosts);
//! * every output starts with a header naming the generator, the catalog
//!   version, the SHA-256 of the policy text and the generation time, and
//!   is sorted, so the same inputs give byte-identical output;
//! * no output can lock the operator out: [`INFRASTRUCTURE`] ports are never
//!   blocked (unless [`Options::block_infrastructure`] names one), ports
//!   only a LOLRMM import lists are blocked only with
//!   [`Options::imported_ports`], and firewall rulesets keep loopback and
//!   established sessions;
//! * every value is checked against the grammar of the formats that write
//!   it; one that fails is skipped and listed in [`Output::warnings`] with
//!   its tool and [`FactSource`], never written.
//!
//! ```
//! use rmmguard_catalog::Catalog;
//! use rmmguard_controls::{Options, Provenance, Target};
//! use rmmguard_policy::Policy;
//!
//! let catalog = Catalog::builtin()?;
//! let text = "[[authorized]]\ntool = \"screenconnect\"\ntenants = [\"acme.screenconnect.com\"]\n";
//! let policy = Policy::parse(text)?;
//! let provenance = Provenance::new(&catalog, Some(text), jiff::Timestamp::UNIX_EPOCH);
//! let output = Target::Rpz.generate(&catalog, &policy, &Options::new(provenance))?;
//! let zone = &output.files[0].text;
//! assert!(zone.contains("\nacme.screenconnect.com CNAME rpz-passthru.\n"));
//! assert!(zone.contains("\n*.screenconnect.com CNAME .\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod addresses;
mod applocker;
mod dns;
mod error;
mod grammar;
mod hosts;
mod infrastructure;
mod iptables;
mod network;
mod nftables;
mod ports;
mod provenance;
mod rpz;
mod scope;
mod sigma;
mod source;
mod suricata;
mod text;
mod unbound;
mod uuid;
mod windows_firewall;

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use rmmguard_catalog::{Catalog, PortRange};
use rmmguard_policy::Policy;

pub use error::{Error, ErrorKind};
pub use infrastructure::{INFRASTRUCTURE, InfrastructurePort};
pub use provenance::{Provenance, sha256_hex};
pub use source::FactSource;

use crate::scope::Scope;

/// An output format: one generator per target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// An nftables ruleset (`nft -f`): table `inet rmmguard`, ingress and egress chains.
    Nftables,
    /// An `iptables-restore --noflush` file (IPv4): RMMGUARD-* chains.
    Iptables,
    /// An `ip6tables-restore --noflush` file (IPv6): RMMGUARD-* chains.
    Ip6tables,
    /// A PowerShell script of `New-NetFirewallRule`, idempotent by rule group.
    WindowsFirewall,
    /// A DNS response-policy zone (BIND, Knot Resolver, PowerDNS Recursor).
    Rpz,
    /// A hosts file (exact names only).
    Hosts,
    /// An Unbound include of `local-zone` statements.
    Unbound,
    /// Suricata rules in the style of the public ET rules.
    Suricata,
    /// An AppLocker policy (XML) for the Exe rule collection.
    Applocker,
    /// Sigma rules, one per file.
    Sigma,
}

impl Target {
    /// Every target, in the order `--help` lists them.
    pub const ALL: &'static [Target] = &[
        Target::Nftables,
        Target::Iptables,
        Target::Ip6tables,
        Target::WindowsFirewall,
        Target::Rpz,
        Target::Hosts,
        Target::Unbound,
        Target::Suricata,
        Target::Applocker,
        Target::Sigma,
    ];

    /// The name used on the command line (`windows-firewall`).
    pub fn name(self) -> &'static str {
        match self {
            Target::Nftables => "nftables",
            Target::Iptables => "iptables",
            Target::Ip6tables => "ip6tables",
            Target::WindowsFirewall => "windows-firewall",
            Target::Rpz => "rpz",
            Target::Hosts => "hosts",
            Target::Unbound => "unbound",
            Target::Suricata => "suricata",
            Target::Applocker => "applocker",
            Target::Sigma => "sigma",
        }
    }

    /// One line on what the target produces.
    pub fn description(self) -> &'static str {
        match self {
            Target::Nftables => "nftables ruleset: ingress/egress port and address blocks",
            Target::Iptables => "iptables-restore --noflush file (IPv4)",
            Target::Ip6tables => "ip6tables-restore --noflush file (IPv6)",
            Target::WindowsFirewall => "PowerShell script of New-NetFirewallRule (idempotent)",
            Target::Rpz => "DNS response-policy zone (NXDOMAIN or sinkhole)",
            Target::Hosts => "hosts file (exact names only)",
            Target::Unbound => "Unbound local-zone include",
            Target::Suricata => "Suricata rules (dns.query, tls.sni, cert subjects, ports)",
            Target::Applocker => "AppLocker policy XML (Exe rules; audit or enforce)",
            Target::Sigma => "Sigma rules for SIEMs, one file per rule",
        }
    }

    /// The file name used when writing this target into a folder.
    pub fn default_file_name(self) -> &'static str {
        match self {
            Target::Nftables => "rmmguard.nft",
            Target::Iptables => "rmmguard.rules.v4",
            Target::Ip6tables => "rmmguard.rules.v6",
            Target::WindowsFirewall => "rmmguard-firewall.ps1",
            Target::Rpz => "rpz.rmmguard.zone",
            Target::Hosts => "hosts.rmmguard",
            Target::Unbound => "rmmguard-unbound.conf",
            Target::Suricata => "rmmguard.rules",
            Target::Applocker => "rmmguard-applocker.xml",
            Target::Sigma => "rmmguard-sigma.yml",
        }
    }

    /// Generates this target's output.
    ///
    /// # Errors
    ///
    /// An option that does not suit the target, or a sid range too small for
    /// the Suricata rules.
    pub fn generate(
        self,
        catalog: &Catalog,
        policy: &Policy,
        options: &Options,
    ) -> Result<Output, Error> {
        let scope = Scope::new(catalog, policy, options);
        match self {
            Target::Nftables => Ok(nftables::generate(&scope)),
            Target::Iptables => Ok(iptables::generate(&scope, iptables::Family::V4)),
            Target::Ip6tables => Ok(iptables::generate(&scope, iptables::Family::V6)),
            Target::WindowsFirewall => windows_firewall::generate(&scope),
            Target::Rpz => rpz::generate(&scope),
            Target::Hosts => Ok(hosts::generate(&scope)),
            Target::Unbound => Ok(unbound::generate(&scope)),
            Target::Suricata => suricata::generate(&scope),
            Target::Applocker => Ok(applocker::generate(&scope)),
            Target::Sigma => Ok(sigma::generate(&scope)),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Target {
    type Err = String;

    fn from_str(text: &str) -> Result<Target, String> {
        let wanted = text.trim().to_ascii_lowercase();
        Target::ALL
            .iter()
            .copied()
            .find(|target| target.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
                format!("unknown format {text:?}; one of: {}", names.join(", "))
            })
    }
}

/// How the DNS targets answer for a blocked name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DnsAnswer {
    /// The name does not exist (RPZ `CNAME .`, Unbound `always_nxdomain`).
    #[default]
    Nxdomain,
    /// The name resolves to a sinkhole address, so blocked clients show up
    /// in the sinkhole's logs. At least one address is set.
    Sinkhole(Sinkhole),
}

/// Sinkhole addresses for [`DnsAnswer::Sinkhole`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sinkhole {
    /// Answer for A queries.
    pub v4: Option<Ipv4Addr>,
    /// Answer for AAAA queries.
    pub v6: Option<Ipv6Addr>,
}

/// What a Suricata rule does when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdsAction {
    /// Log an alert (IDS).
    #[default]
    Alert,
    /// Drop the packet and the flow (IPS / inline mode), and log.
    Drop,
}

/// Whether AppLocker enforces the rules or only logs what it would block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AppLockerMode {
    /// `EnforcementMode="AuditOnly"`: events 8003/8006, nothing blocked.
    #[default]
    Audit,
    /// `EnforcementMode="Enabled"`.
    Enforce,
}

/// Whether the AppLocker policy carries Microsoft's default Exe rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AppLockerDefaults {
    /// Include them (Program Files and Windows for everyone, anything for
    /// administrators): an Exe collection with rules denies everything it
    /// does not allow, so a policy deployed on its own needs them.
    #[default]
    Include,
    /// Leave them out, for merging into an existing policy that has its own.
    Omit,
}

/// The knobs of the generators. Every field has a safe default except the provenance.
#[derive(Debug, Clone)]
pub struct Options {
    /// What the output headers say about where it came from.
    pub provenance: Provenance,
    /// How DNS targets answer for blocked names.
    pub dns_answer: DnsAnswer,
    /// Suricata rule action.
    pub ids_action: IdsAction,
    /// First Suricata sid of the range rmmguard may use.
    pub sid_base: u32,
    /// Size of the sid range; each rule's sid is stable within it.
    pub sid_span: u32,
    /// AppLocker enforcement mode.
    pub applocker_mode: AppLockerMode,
    /// Whether the AppLocker policy carries the default rules.
    pub applocker_defaults: AppLockerDefaults,
    /// Full certificate subjects (`O=…, L=…, S=…, C=…`) for catalog signer
    /// names, keyed by the signer name as the catalog writes it (any case).
    pub publishers: BTreeMap<String, String>,
    /// Ports never blocked (shared with other software on this network).
    pub open_ports: Vec<PortRange>,
    /// Whether ports that only a LOLRMM import lists are blocked too
    /// (`--imported-ports`); by default imports never widen port blocks.
    pub imported_ports: bool,
    /// Infrastructure ports (see [`INFRASTRUCTURE`]) the operator chooses
    /// to block anyway, such as tcp/3389 where banning RDP is the policy's
    /// choice (`--block-infrastructure`). Every other one is never blocked.
    pub block_infrastructure: Vec<PortRange>,
    /// Windows Firewall rule group (the script removes this group's rules first).
    pub firewall_group: String,
}

impl Options {
    /// Options with the defaults: NXDOMAIN, Suricata `alert` with sids from
    /// 9,100,000 (a span of 100,000), AppLocker audit mode with the default
    /// rules, firewall group `rmmguard`.
    pub fn new(provenance: Provenance) -> Options {
        Options {
            provenance,
            dns_answer: DnsAnswer::Nxdomain,
            ids_action: IdsAction::Alert,
            sid_base: 9_100_000,
            sid_span: 100_000,
            applocker_mode: AppLockerMode::Audit,
            applocker_defaults: AppLockerDefaults::Include,
            publishers: BTreeMap::new(),
            open_ports: Vec::new(),
            imported_ports: false,
            block_infrastructure: Vec::new(),
            firewall_group: "rmmguard".to_owned(),
        }
    }
}

/// What a generator produced: the files, and why each rule exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The files, in write order; one for every target but Sigma.
    pub files: Vec<OutputFile>,
    /// One note per rule, for `--explain`, in output order.
    pub notes: Vec<Note>,
    /// What the catalog or policy asked for that this output leaves out
    /// (carve-outs, patterns the format cannot express), and why.
    pub remarks: Vec<Note>,
    /// What the operator must see even without `--explain`: values that
    /// fail their format's grammar (skipped, never written) and blocks that
    /// reach far (wide ranges, shared ports, policies without approved paths).
    pub warnings: Vec<Note>,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name (no folder), used when writing into a folder.
    pub name: String,
    /// The content, ending with a newline.
    pub text: String,
}

/// Why one rule of an output exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The rule as it appears in the output (a record, a rule name, a sid).
    pub rule: String,
    /// The catalog facts and policy entries behind it (at least one).
    pub reasons: Vec<Reason>,
}

/// One catalog fact or policy entry behind a rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reason {
    /// The catalog entry (tool id) the fact comes from; `None` for facts
    /// that come from the policy or the options alone.
    pub tool: Option<String>,
    /// The catalog field or policy key (`network.ports`, `networks.approved`).
    pub field: String,
    /// The value in that field.
    pub value: String,
    /// Where the catalog fact comes from (built-in file or LOLRMM import);
    /// `None` for policy entries and options.
    pub source: Option<FactSource>,
    /// What the policy says, with the line of its entry where there is one.
    pub policy: String,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.tool {
            Some(tool) => {
                write!(f, "catalog {tool} {} {:?}", self.field, self.value)?;
                if let Some(source) = &self.source {
                    write!(f, " ({source})")?;
                }
                write!(f, ": {}", self.policy)
            }
            None => write!(f, "{} {:?}: {}", self.field, self.value, self.policy),
        }
    }
}

impl Output {
    /// The `--explain` text: each rule, then the reasons it exists; then
    /// what was left out, and why.
    pub fn explain(&self) -> String {
        let mut out = String::new();
        for note in &self.notes {
            note.write(&mut out, "because");
        }
        if !self.remarks.is_empty() {
            out.push_str("\nLeft out:\n");
            for note in &self.remarks {
                note.write(&mut out, "because");
            }
        }
        if !self.warnings.is_empty() {
            out.push_str("\nWarnings:\n");
            for note in &self.warnings {
                note.write(&mut out, "because");
            }
        }
        out
    }
}

/// Notes from (rule, reason) pairs: consecutive pairs of one rule become
/// one note with all their reasons.
pub(crate) fn group_notes(pairs: Vec<(String, Reason)>) -> Vec<Note> {
    let mut notes: Vec<Note> = Vec::new();
    for (rule, reason) in pairs {
        match notes.last_mut() {
            Some(last) if last.rule == rule => {
                if !last.reasons.contains(&reason) {
                    last.reasons.push(reason);
                }
            }
            _ => notes.push(Note {
                rule,
                reasons: vec![reason],
            }),
        }
    }
    notes
}

impl Note {
    fn write(&self, out: &mut String, word: &str) {
        out.push_str(&self.rule);
        out.push('\n');
        for reason in &self.reasons {
            out.push_str("    ");
            out.push_str(word);
            out.push(' ');
            out.push_str(&reason.to_string());
            out.push('\n');
        }
    }
}
