//! `rmmguard controls`: deployable blocks and allowlists generated from the
//! catalog and the policy (firewall, DNS, IDS, AppLocker, Sigma).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use rmmguard::catalog::PortRange;
use rmmguard::policy::Policy;
use rmmguard_controls::{
    AppLockerDefaults, AppLockerMode, DnsAnswer, IdsAction, Options, Output, Provenance, Sinkhole,
    Target,
};

use crate::load;

/// Flags of `rmmguard controls`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Formats:\n  \
    nftables          nftables ruleset (nft -f): ingress/egress chains, port\n                    \
    and address sets\n  \
    iptables          iptables-restore --noflush file (IPv4); ip6tables: the\n                    \
    same for IPv6\n  \
    windows-firewall  PowerShell script of New-NetFirewallRule, idempotent by\n                    \
    rule group\n  \
    rpz               DNS response-policy zone (NXDOMAIN, or --sinkhole)\n  \
    hosts             hosts file (exact names only)\n  \
    unbound           Unbound local-zone include\n  \
    suricata          Suricata rules (dns.query, tls.sni, certificates, ports,\n                    \
    downloads)\n  \
    applocker         AppLocker policy XML (Exe rules; --mode audit|enforce)\n  \
    sigma             Sigma rules, one file per rule (--out FOLDER)\n\n\
    Examples:\n  \
    rmmguard controls --policy policy.toml --format rpz \\\n      \
    --out /etc/bind/rpz.rmmguard.zone\n  \
    rmmguard controls --policy policy.toml --format nftables --explain\n  \
    rmmguard controls --policy policy.toml --format suricata --action drop \\\n      \
    --sid-base 9100000\n  \
    rmmguard controls --policy policy.toml --format sigma --out sigma/\n\n\
    Infrastructure ports (SSH, DNS, DHCP, HTTP(S), Kerberos, NTP, RPC, NetBIOS,\n\
    SNMP, LDAP, SMB, RDP, WinRM, VPNs) are never blocked; ports only a LOLRMM\n\
    import lists are blocked only with --imported-ports. Values that fail a\n\
    format's grammar are skipped with a warning. Loaded firewall rules keep\n\
    loopback and sessions already up.\n\n\
    Outputs are reproducible: set SOURCE_DATE_EPOCH to fix the time in their\n\
    header.")]
pub struct ControlsArgs {
    /// Output format (see below)
    #[arg(long, short = 'f', value_name = "FORMAT", value_parser = parse_target)]
    pub format: Target,

    /// Policy file: authorized tools and tenants are carved out, approved
    /// VPN/VDI subnets and jump hosts are exempt from port blocks. Without
    /// one, every catalog tool is blocked
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Write to FILE (or into this folder; for sigma a folder, one file per
    /// rule) instead of standard output
    #[arg(long, short = 'o', value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// Print why each rule exists (catalog entry and field, policy line) and
    /// what was left out; to standard error when the output goes to standard output
    #[arg(long)]
    pub explain: bool,

    /// Use only the built-in catalog, ignoring an imported LOLRMM catalog
    #[arg(long)]
    pub builtin_catalog: bool,

    /// DNS formats: answer blocked names with this address instead of
    /// NXDOMAIN (repeat for one IPv4 and one IPv6 address)
    #[arg(long, value_name = "IP")]
    pub sinkhole: Vec<IpAddr>,

    /// Never block this port (shared with other software here); repeatable
    #[arg(long, value_name = "PROTO/PORT", value_parser = parse_port)]
    pub open_port: Vec<PortRange>,

    /// Also block the ports that only an imported LOLRMM catalog lists (by
    /// default an import never widens port blocks)
    #[arg(long)]
    pub imported_ports: bool,

    /// Block this infrastructure port anyway, such as tcp/3389 where banning
    /// RDP is the policy's choice; repeatable. Every other infrastructure
    /// port (SSH, DNS, Kerberos, SMB, RDP, WinRM, VPNs, ...; see
    /// docs/CONTROLS.md) is never blocked
    #[arg(long, value_name = "PROTO/PORT", value_parser = parse_port)]
    pub block_infrastructure: Vec<PortRange>,

    /// Suricata: rule action
    #[arg(long, value_enum, default_value_t = Action::Alert)]
    pub action: Action,

    /// Suricata: first sid of the range rmmguard may use
    #[arg(long, value_name = "N", default_value_t = 9_100_000)]
    pub sid_base: u32,

    /// Suricata: size of the sid range (each rule's sid is stable within it)
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub sid_span: u32,

    /// AppLocker: enforcement mode
    #[arg(long, value_enum, default_value_t = Mode::Audit)]
    pub mode: Mode,

    /// AppLocker: leave out Microsoft's default rules (when merging into a
    /// policy that has its own)
    #[arg(long)]
    pub no_default_rules: bool,

    /// AppLocker: the full certificate subject of a catalog signer, as
    /// Get-AppLockerFileInformation prints it; repeatable.
    /// Example: 'AnyDesk Software GmbH=O=ANYDESK SOFTWARE GMBH, L=STUTTGART, S=BADEN-WÜRTTEMBERG, C=DE'
    #[arg(long, value_name = "SIGNER=SUBJECT")]
    pub publisher: Vec<String>,

    /// Windows Firewall: rule group (the script removes this group's rules first)
    #[arg(long, value_name = "NAME", default_value = "rmmguard")]
    pub group: String,
}

pub fn run(args: &ControlsArgs, data_dir: &Path) -> Result<ExitCode> {
    let catalog = load::catalog(data_dir, args.builtin_catalog)?;
    let (policy, policy_text) = read_policy(args.policy.as_deref())?;
    let provenance = Provenance::new(&catalog, policy_text.as_deref(), generated_at()?);
    let options = options(args, provenance)?;
    let output = args
        .format
        .generate(&catalog, &policy, &options)
        .with_context(|| format!("cannot generate {} controls", args.format))?;
    // Skipped values and broad blocks are shown whether or not --explain is given.
    for warning in &output.warnings {
        eprintln!("rmmguard: warning: {}", warning.rule);
        if !args.explain {
            for reason in &warning.reasons {
                eprintln!("    because {reason}");
            }
        }
    }
    match &args.out {
        Some(path) => write_out(args.format, &output, path)?,
        None => write_stdout(&output)?,
    }
    if args.explain {
        let explanation = output.explain();
        if args.out.is_some() {
            print!("{explanation}");
        } else {
            eprint!("{explanation}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `--action`: what Suricata does on a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Action {
    /// Log an alert (IDS)
    Alert,
    /// Drop the packet and the flow, and log (IPS, inline)
    Drop,
}

/// `--mode`: whether AppLocker enforces the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Log what would be blocked, block nothing
    Audit,
    /// Block
    Enforce,
}

fn parse_target(text: &str) -> Result<Target, String> {
    text.parse()
}

fn parse_port(text: &str) -> Result<PortRange, String> {
    text.parse()
}

/// The policy and its text (read once, so the header's hash is of what was used).
fn read_policy(path: Option<&Path>) -> Result<(Policy, Option<String>)> {
    let Some(path) = path else {
        eprintln!(
            "rmmguard: warning: no --policy given: nothing is authorized, every catalog tool is blocked"
        );
        return Ok((Policy::default(), None));
    };
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read policy {}", path.display()))?;
    let policy =
        Policy::parse(&text).with_context(|| format!("invalid policy {}", path.display()))?;
    Ok((policy, Some(text)))
}

/// `SOURCE_DATE_EPOCH` (reproducible builds) or now.
fn generated_at() -> Result<jiff::Timestamp> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => {
            let seconds: i64 = value.trim().parse().with_context(|| {
                format!("SOURCE_DATE_EPOCH={value:?} is not a number of seconds")
            })?;
            jiff::Timestamp::from_second(seconds)
                .with_context(|| format!("SOURCE_DATE_EPOCH={value:?} is out of range"))
        }
        Err(_) => Ok(jiff::Timestamp::now()),
    }
}

fn options(args: &ControlsArgs, provenance: Provenance) -> Result<Options> {
    let mut options = Options::new(provenance);
    options.dns_answer = sinkhole(&args.sinkhole)?;
    options.ids_action = match args.action {
        Action::Alert => IdsAction::Alert,
        Action::Drop => IdsAction::Drop,
    };
    options.sid_base = args.sid_base;
    options.sid_span = args.sid_span;
    options.applocker_mode = match args.mode {
        Mode::Audit => AppLockerMode::Audit,
        Mode::Enforce => AppLockerMode::Enforce,
    };
    options.applocker_defaults = if args.no_default_rules {
        AppLockerDefaults::Omit
    } else {
        AppLockerDefaults::Include
    };
    options.publishers = publishers(&args.publisher)?;
    options.open_ports = args.open_port.clone();
    options.imported_ports = args.imported_ports;
    options.block_infrastructure = args.block_infrastructure.clone();
    options.firewall_group = args.group.clone();
    Ok(options)
}

fn sinkhole(addresses: &[IpAddr]) -> Result<DnsAnswer> {
    let mut sinkhole = Sinkhole { v4: None, v6: None };
    for address in addresses {
        match address {
            IpAddr::V4(v4) if sinkhole.v4.is_none() => sinkhole.v4 = Some(*v4),
            IpAddr::V6(v6) if sinkhole.v6.is_none() => sinkhole.v6 = Some(*v6),
            _ => bail!("--sinkhole takes at most one IPv4 and one IPv6 address"),
        }
    }
    if addresses.is_empty() {
        return Ok(DnsAnswer::Nxdomain);
    }
    Ok(DnsAnswer::Sinkhole(sinkhole))
}

fn publishers(values: &[String]) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for value in values {
        let Some((signer, subject)) = value.split_once('=') else {
            bail!(
                "--publisher {value:?} must look like 'Signer Name=O=SIGNER NAME, L=CITY, S=STATE, C=CC'"
            );
        };
        if signer.trim().is_empty() || subject.trim().is_empty() {
            bail!("--publisher {value:?} needs both a signer name and a subject");
        }
        map.insert(signer.trim().to_owned(), subject.trim().to_owned());
    }
    Ok(map)
}

fn write_stdout(output: &Output) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    for (index, file) in output.files.iter().enumerate() {
        // Several Sigma rules on one stream are YAML documents.
        if index > 0 {
            stdout.write_all(b"---\n")?;
        }
        stdout.write_all(file.text.as_bytes())?;
    }
    stdout.flush()?;
    Ok(())
}

fn write_out(target: Target, output: &Output, path: &Path) -> Result<()> {
    if target == Target::Sigma {
        return write_folder(output, path);
    }
    let file = output
        .files
        .first()
        .context("the generator produced no file")?;
    let path = if path.is_dir() {
        path.join(&file.name)
    } else {
        path.to_path_buf()
    };
    write_file(&path, &file.text)?;
    eprintln!(
        "rmmguard: wrote {} ({})",
        path.display(),
        rmmguard_words::counted(output.notes.len(), "rule")
    );
    Ok(())
}

/// Writes one file per rule, and removes `rmmguard_*.yml` files of rules
/// that no longer exist (a tool the policy now authorizes).
fn write_folder(output: &Output, dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut removed = 0;
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name.starts_with("rmmguard_") && name.ends_with(".yml");
        if ours && !output.files.iter().any(|file| file.name == name) {
            fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            removed += 1;
        }
    }
    for file in &output.files {
        write_file(&dir.join(&file.name), &file.text)?;
    }
    eprintln!(
        "rmmguard: wrote {} Sigma rules to {} ({removed} stale rules removed)",
        output.files.len(),
        dir.display()
    );
    Ok(())
}

/// Writes through a temporary file and a rename, so a reader never sees half a ruleset.
fn write_file(path: &Path, text: &str) -> Result<()> {
    let temporary = path.with_extension("rmmguard-tmp");
    fs::write(&temporary, text).with_context(|| format!("cannot write {}", temporary.display()))?;
    fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
