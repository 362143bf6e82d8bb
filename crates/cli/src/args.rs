//! The command line: every subcommand and flag, with the help text that
//! teaches them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use rmmguard::findings::Severity;

/// Find, judge and block malicious use of legitimate RMM software.
///
/// rmmguard reads the evidence you already have (Windows event logs as EVTX
/// or JSON lines, software inventories, network captures and sensor logs,
/// mail) and answers: which remote-access tools run where, installed or
/// portable, with which tenant or relay, and whether your policy approves
/// them. It implements the defences of CISA/NSA/MS-ISAC advisory AA23-025A.
///
/// Start with `rmmguard hunt <folder>`; then write a starter policy with
/// `rmmguard audit --write-policy policy.toml <folder>` (or start from
/// examples/policy.toml), edit it, and hunt again with `--policy`.
#[derive(Debug, Parser)]
#[command(name = "rmmguard", version, max_term_width = 100)]
pub struct Cli {
    /// Where imported catalogs are kept [env: RMMGUARD_DATA_DIR; default: the
    /// user's data directory]
    // Listed last in every subcommand's help: it is rarely what one looks for.
    #[arg(long, global = true, value_name = "DIR", display_order = 1000)]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Hunt through evidence files and folders for RMM tools and their abuse
    ///
    /// Reads endpoint logs (EVTX; JSON lines of Windows events from
    /// Winlogbeat/ECS, NXLog, evtx_dump; software/service inventories as CSV
    /// or osquery JSON), network evidence (pcap and pcapng; Zeek logs, TSV or
    /// JSON; Suricata EVE JSON) and mail (.eml, mbox, Maildir), recursing into
    /// folders and .gz files; formats are recognized from content. Prints the
    /// incidents, the RMM audit and the findings; --jsonl/--csv write them for
    /// a SIEM, --html writes a report.
    ///
    /// Exit status: 0 when no finding reaches --fail-on (or it is not given);
    /// 1 when one does; 2 on error: a bad flag or file, no evidence read at
    /// all, (with --fail-on, unless --lenient) an error listed while reading
    /// evidence, or (with --forward) a record dropped or refused.
    #[command(after_help = "Examples:\n  rmmguard hunt examples/evidence/evtx\n  \
        rmmguard hunt --policy policy.toml --fail-on high \\\n      \
        C:/Windows/System32/winevt/Logs\n  \
        rmmguard hunt --ioc iocs.txt --jsonl findings.jsonl --site-from-dir cases/\n  \
        rmmguard hunt --assets assets.csv --html report.html cases/")]
    Hunt(HuntArgs),
    /// Follow files and folders as they grow; keep findings and incidents in a state file
    ///
    /// The hunt engine run continuously: new files, appended lines, renamed
    /// and rotated logs (also copytruncate and .gz) are read as they come;
    /// findings and incidents are kept in a SQLite state file, and every
    /// change is printed as one line. Killed at any moment (Ctrl-C, kill -9,
    /// a crash), it resumes from the state file with no finding lost or
    /// doubled. `rmmguard incidents` lists and works the incidents it keeps.
    ///
    /// Plain JSON lines of Windows events are read by appended ranges; other
    /// formats (EVTX, Zeek, EVE, pcap, mail, .gz) are read whole again once
    /// they have been still for --settle.
    #[command(
        after_help = "Examples:\n  rmmguard watch --policy policy.toml /var/log/winlogbeat\n  \
        rmmguard watch --state /var/lib/rmmguard/state.db --site-from-dir /srv/logs\n  \
        rmmguard watch --once --state case.db examples/evidence\n  \
        rmmguard incidents list --state case.db"
    )]
    Watch(crate::watch_cmd::WatchArgs),
    /// Run live behind HTTP ingest (events API, Elasticsearch _bulk), syslog and an API
    ///
    /// Shippers send where they already can: POST JSON lines (gzip or not)
    /// to /api/v1/events; point Winlogbeat, Filebeat, Fluent Bit, Vector or
    /// Logstash's Elasticsearch output at this server; send NXLog or rsyslog
    /// JSON over syslog (UDP or TCP, RFC 3164 or 5424). Accepted events are
    /// synced to a spool folder before the answer, and the live engine of
    /// `watch` follows the spool: findings and incidents go to the state
    /// file and are served at /api/v1/findings and /api/v1/incidents.
    /// Every route but /healthz needs a token (Authorization: Bearer …).
    #[command(
        after_help = "Examples:\n  rmmguard serve --new-token winlogbeat --role ingest >> serve.toml\n  \
        rmmguard serve --config examples/serve.toml\n  \
        curl -H 'Authorization: Bearer TOKEN' --data-binary @events.jsonl http://127.0.0.1:8470/api/v1/events"
    )]
    Serve(crate::serve_cmd::ServeArgs),
    /// Post a folder's JSON-lines events to a running `serve`, at a chosen rate
    ///
    /// Exit status: 0 when every event was accepted, 1 when the server
    /// refused some (not an event shape it reads), 2 on error.
    #[command(
        after_help = "Example:\n  rmmguard replay --token demo-ingest-token-change-me --rate 200 examples/evidence/jsonl"
    )]
    Replay(crate::replay_cmd::ReplayArgs),
    /// List, show, acknowledge, assign and close the incidents `watch` keeps
    #[command(subcommand)]
    Incidents(crate::watch_cmd::IncidentsCommand),
    /// The RMM audit: every tool seen, per tool and tenant, and a starter policy
    Audit(crate::audit_cmd::AuditArgs),
    /// Inspect the RMM catalog, or widen it with LOLRMM's
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Work with policy files
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Generate firewall, DNS, IDS, AppLocker and Sigma controls from the catalog and policy
    Controls(crate::controls_cmd::ControlsArgs),
    /// RMM vendor view: score tenants for abuse from tenant event data
    #[command(subcommand)]
    Tenants(crate::tenants_cmd::TenantsCommand),
    /// Generate realistic RMM-abuse evidence with ground truth (truth.json)
    Simulate(crate::simulate_cmd::SimulateArgs),
    /// Hunt a generated folder and score the findings against its truth.json
    Eval(crate::simulate_cmd::EvalArgs),
    /// List the detection rules
    Rules {
        /// Print the rules reference as Markdown (docs/RULES.md)
        #[arg(long)]
        markdown: bool,
    },
}

/// Flags of `rmmguard hunt`.
#[derive(Debug, Args)]
pub struct HuntArgs {
    /// Evidence files and folders
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub detect: DetectArgs,

    /// Show findings at or above this severity: info, low, medium, high or
    /// critical
    #[arg(long, default_value = "low", value_name = "SEVERITY", value_parser = parse_severity)]
    pub min_severity: Severity,

    /// Exit with status 1 if any finding is at or above this severity (info,
    /// low, medium, high, critical), and with 2 if reading the evidence listed
    /// an error: a gate must not pass on evidence it could not read
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,

    /// With --fail-on: judge the findings even when reading some evidence
    /// listed errors (status 1 or 0 instead of 2)
    #[arg(long, requires = "fail_on")]
    pub lenient: bool,

    /// Write every finding (all severities) as JSON lines to FILE ("-" for stdout)
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<PathBuf>,

    /// Write every finding (all severities) as CSV to FILE ("-" for stdout)
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,

    /// Write the incidents (findings joined into stories) as JSON lines to FILE
    #[arg(long, value_name = "FILE")]
    pub incidents: Option<PathBuf>,

    /// Write a self-contained HTML report to FILE (incidents, timelines, audit, findings)
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Send every finding and incident to the SIEM and chat receivers of a
    /// forwarding file ([[forward]] tables: Splunk HEC, Elasticsearch or
    /// OpenSearch bulk, syslog CEF, webhooks; see docs/FORWARD.md) at the end
    /// of the run, and print what each took. Exit status 2 if any record was
    /// dropped or refused
    #[arg(long, value_name = "FILE")]
    pub forward: Option<PathBuf>,

    /// Worker threads (0: one per core)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,

    /// Print no summary (outputs and exit status only)
    #[arg(long, short)]
    pub quiet: bool,
}

/// What detection needs, shared by `hunt` and `watch`: policy, indicators,
/// assets, sites, and how to read.
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Policy file naming the authorized tools, tenants, hosts and networks;
    /// without one every tool is "unreviewed"
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Indicator file (one per line, CSV, or a STIX 2.1 bundle): domains,
    /// IPs, IPv4 blocks of /16 or narrower, hashes, JA3/JA4, file names,
    /// URLs; repeatable. The AA23-025A domains are always included
    #[arg(long, value_name = "FILE")]
    pub ioc: Vec<PathBuf>,

    /// Banking and payment domains to watch beyond the built-in list (one per
    /// line): visits during an unapproved RMM session are the refund-scam stage
    #[arg(long, value_name = "FILE")]
    pub financial_domains: Option<PathBuf>,

    /// Country (ISO 3166 code, e.g. DE) whose phone numbers a mail's national
    /// numbers are read as when the message itself (currency, language,
    /// domains, country names) does not say
    #[arg(long, value_name = "CC", default_value = "US")]
    pub phone_region: String,

    /// Read the text of mail images with OCR (Tesseract's `tesseract`
    /// program, Debian package tesseract-ocr; 10 s and 8 MiB per image, 4
    /// images per message), so a lure's number in a picture is found
    #[arg(long)]
    pub ocr: bool,

    /// Known assets: a CSV with columns host,ips,user,mailbox,site,group (IPs
    /// separated by ';'). Joins network and mail findings to hosts, names
    /// hosts seen only by address, and gives hosts their site
    #[arg(long, value_name = "FILE")]
    pub assets: Option<PathBuf>,

    #[command(flatten)]
    pub site: SiteArgs,

    /// Parse every record instead of only those that name an RMM tool or
    /// indicator, or in sensor logs go to a remote-access port or protocol
    /// (slower; also validates every record)
    #[arg(long)]
    pub no_prefilter: bool,

    /// Use only the built-in catalog, not an imported LOLRMM catalog
    #[arg(long)]
    pub builtin_catalog: bool,

    /// Pieces of evidence kept per finding
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max_evidence: usize,

    /// Judge exclusion expiry dates against this day instead of today (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub today: Option<jiff::civil::Date>,
}

/// How events get a site.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct SiteArgs {
    /// Label every event with this site (network) name
    #[arg(long, value_name = "NAME")]
    pub site: Option<String>,

    /// Treat each top-level folder under a PATH as one site
    #[arg(long)]
    pub site_from_dir: bool,
}

/// `rmmguard catalog …`.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List the tools in the catalog
    List,
    /// Show everything the catalog knows about one tool (by id, name or alias)
    Show {
        /// Tool id, name or alias
        tool: String,
    },
    /// Print the catalog as JSON (every tool and what rmmguard knows of it)
    Export {
        /// As JSON: the default and, for now, the only format
        #[arg(long)]
        json: bool,
        /// Write to FILE instead of stdout
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Import LOLRMM's catalog (its yaml/ folder, rmm_tools.json, or the
    /// repository root) and keep it for later runs
    #[command(
        after_help = "Built-in entries win: an imported tool that the built-in catalog already\n\
        describes only adds host-side facts it lacks (names, paths, services).\n\
        An import with errors, or without a single LOLRMM entry, is refused and the\n\
        stored catalog stays as it was; a good one replaces it atomically, and the one\n\
        it replaced is kept: `--rollback` restores it (run it again to undo).\n\
        Use `rmmguard hunt --builtin-catalog` to ignore the import."
    )]
    Import {
        /// LOLRMM folder or file
        #[arg(required_unless_present = "rollback")]
        path: Option<PathBuf>,
        /// Restore the imported catalog that the last import replaced (or the
        /// built-in catalog alone, if it replaced none)
        #[arg(long, conflicts_with = "path")]
        rollback: bool,
    },
}

/// `rmmguard policy …`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Check a policy file; report errors and warnings with line and column
    Check {
        /// The policy file
        file: PathBuf,
    },
}

pub(crate) fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
        .map_err(|e: rmmguard::findings::UnknownSeverity| e.to_string())
}
