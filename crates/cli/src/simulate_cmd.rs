//! `rmmguard simulate` and `rmmguard eval`: generated evidence with ground
//! truth, and detection quality measured against it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use rmmguard::detect::{DetectConfig, Detector, IocSet, Severity};
use rmmguard::simulate::network::NetFormats;
use rmmguard::simulate::{Config, Formats, Scenario, Shape, Truth, generate};
use rmmguard::{HuntConfig, NoProgress, eval, hunt};

use crate::load;

/// Flags of `rmmguard simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Seed: the same seed and flags give byte-identical output
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Output folder (evidence, policy.toml, truth.json)
    #[arg(long, value_name = "DIR", required_unless_present = "list_scenarios")]
    pub out: Option<PathBuf>,

    /// Scenario to plant (repeatable; default: all). See --list-scenarios
    #[arg(long, value_name = "NAME")]
    pub scenario: Vec<String>,

    /// The small story of examples/evidence: MSP tools, a callback chain with
    /// portable AnyDesk, a ScreenConnect client on a foreign relay, a renamed binary,
    /// VNC answered from the internet (in a site's network capture)
    #[arg(long, conflicts_with = "scenario")]
    pub example: bool,

    /// Number of sites
    #[arg(long, default_value_t = 3)]
    pub sites: usize,

    /// Workstations per site
    #[arg(long, default_value_t = 4)]
    pub hosts: usize,

    /// Days simulated
    #[arg(long, default_value_t = 2)]
    pub days: u32,

    /// Benign background events per host per day (ignored with --size)
    #[arg(long, default_value_t = 400, value_name = "N")]
    pub background: u64,

    /// Fill with background up to this total size (e.g. 500MB, 10GB)
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub size: Option<u64>,

    /// Output format: jsonl (Winlogbeat), evtx, or both (in jsonl/ and evtx/ subfolders)
    #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "evtx", "both"])]
    pub format: String,

    /// Leave out the sites' mail (<site>/mail/: the users' benign mail and
    /// the callback lures that start the AA23-025A chains)
    #[arg(long)]
    pub no_mail: bool,

    /// Web sessions (DNS lookup and TLS) per host per day on the sites'
    /// network sensors (default: one per 40 background events)
    #[arg(long, value_name = "N")]
    pub browsing: Option<u64>,

    /// Leave out the sites' network evidence (<site>/network/: pcap, Zeek,
    /// Suricata EVE, one format per site in turn)
    #[arg(long)]
    pub no_network: bool,

    /// Every site's network sensor writes this format (default: pcap, Zeek
    /// TSV, Suricata EVE and Zeek JSON by site in turn)
    #[arg(long, value_name = "FORMAT", value_parser = ["pcap", "zeek", "zeek-json", "eve"])]
    pub sensor: Option<String>,

    /// Write only a mailbox instead: DIR/inbox.mbox with N messages, one in 50
    /// a callback-phishing lure (in the body, a PDF or a calendar invitation),
    /// the rest benign look-alikes; the summary counts the lures (for the
    /// mail benchmark and for trying `hunt` on mail)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub mailbox: u64,

    /// Also write an RMM vendor's tenant dataset of N tenants (legitimate MSPs,
    /// small businesses, home users, abusive tenants) with its own truth.json,
    /// into DIR/vendor/ (score it with `rmmguard tenants score`, `tenants eval`)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub vendor_tenants: u64,

    /// List the scenarios and exit
    #[arg(long)]
    pub list_scenarios: bool,
}

/// Flags of `rmmguard eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// A folder written by `rmmguard simulate` (holds truth.json and policy.toml)
    pub dir: PathBuf,

    /// Evidence to hunt (default: the folder itself; its jsonl/ or evtx/ subfolder with --format both)
    #[arg(long, value_name = "PATH")]
    pub evidence: Option<PathBuf>,

    /// Findings at or above this severity count as flags
    #[arg(long, default_value = "low", value_parser = |s: &str| s.parse::<Severity>())]
    pub min_severity: Severity,

    /// Worker threads (0: one per core)
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

pub fn simulate(args: &SimulateArgs) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    if args.list_scenarios {
        for scenario in Scenario::ALL {
            writeln!(out, "{:<28} {}", scenario.name(), scenario.description())?;
        }
        writeln!(
            out,
            "{:<28} an RMM vendor's tenant events: MSPs, small businesses, home users, abusive tenants",
            "(--vendor-tenants N)"
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(dir) = &args.out else {
        bail!("--out is required")
    };
    if args.mailbox > 0 {
        let path = dir.join("inbox.mbox");
        fs::create_dir_all(dir)?;
        let summary = rmmguard::simulate::mail::write_mbox(&path, args.seed, args.mailbox, 50)
            .with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(
            out,
            "wrote {} messages ({:.1} MiB, {} lures) to {}",
            args.mailbox,
            summary.bytes as f64 / 1048576.0,
            summary.lures,
            path.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let config = config(args)?;
    let started = std::time::Instant::now();
    let truth =
        generate(&config, dir).with_context(|| format!("cannot write {}", dir.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let bytes = folder_size(dir);
    writeln!(
        out,
        "wrote {} events ({:.1} MiB) to {} in {seconds:.1} s ({:.0} MiB/s): {} malicious, {} authorized-RMM, {} activities",
        truth.counts.events,
        bytes as f64 / 1048576.0,
        dir.display(),
        bytes as f64 / 1048576.0 / seconds.max(1e-6),
        truth.counts.malicious,
        truth.counts.authorized,
        truth.activities.len(),
    )?;
    if args.vendor_tenants > 0 {
        let config = rmmguard_tenants::simulate::SimConfig {
            seed: args.seed,
            tenants: args.vendor_tenants,
            ..rmmguard_tenants::simulate::SimConfig::default()
        };
        let vendor = dir.join("vendor");
        let summary = rmmguard_tenants::simulate::run(&config, &vendor)
            .with_context(|| format!("cannot write {}", vendor.display()))?;
        writeln!(
            out,
            "wrote {} vendor tenant events for {} tenants to {} (truth in {})",
            summary.records,
            summary.tenants,
            vendor.display(),
            vendor.join("truth.json").display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn config(args: &SimulateArgs) -> Result<Config> {
    let scenarios = if args.example {
        vec![
            Scenario::Msp,
            Scenario::CallbackAnydesk,
            Scenario::SelfHostedScreenconnect,
            Scenario::Renamed,
            Scenario::InboundPort,
        ]
    } else if args.scenario.is_empty() || args.scenario.iter().any(|s| s == "all") {
        Scenario::ALL.to_vec()
    } else {
        let mut scenarios = vec![Scenario::Msp];
        for name in &args.scenario {
            let Some(scenario) = Scenario::from_name(name) else {
                bail!("unknown scenario {name:?}; see --list-scenarios");
            };
            if !scenarios.contains(&scenario) {
                scenarios.push(scenario);
            }
        }
        scenarios
    };
    let (sites, hosts, days, background) = if args.example {
        (2, 2, 1, 60)
    } else {
        (args.sites, args.hosts, args.days, args.background)
    };
    Ok(Config {
        seed: args.seed,
        scenarios,
        shape: Shape {
            sites,
            hosts_per_site: hosts,
            days,
        },
        formats: Formats {
            jsonl: args.format != "evtx",
            evtx: args.format != "jsonl",
            network: !args.no_network,
            mail: !args.no_mail,
        },
        background_per_day: background,
        size: args.size,
        browsing_per_day: args.browsing,
        sensor: args.sensor.as_deref().map(sensor_format),
    })
}

/// The one sensor format `--sensor` names (its parser admits only these).
fn sensor_format(name: &str) -> NetFormats {
    let none = NetFormats::default();
    match name {
        "pcap" => NetFormats { pcap: true, ..none },
        "zeek-json" => NetFormats {
            zeek_json: true,
            ..none
        },
        "eve" => NetFormats { eve: true, ..none },
        _ => NetFormats {
            zeek_tsv: true,
            ..none
        },
    }
}

fn parse_size(text: &str) -> Result<u64, String> {
    let upper = text.trim().to_uppercase();
    let (number, unit) = upper
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((upper.as_str(), ""), |i| upper.split_at(i));
    let value: f64 = number
        .parse()
        .map_err(|_| format!("bad size {text:?} (like 500MB or 10GB)"))?;
    let scale = match unit.trim() {
        "" | "B" => 1.0,
        "K" | "KB" | "KIB" => 1024.0,
        "M" | "MB" | "MIB" => 1024.0 * 1024.0,
        "G" | "GB" | "GIB" => 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("unknown size unit {other:?} (use KB, MB or GB)")),
    };
    Ok((value * scale) as u64)
}

fn folder_size(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => folder_size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

pub fn eval(args: &EvalArgs, data_dir: &Path) -> Result<ExitCode> {
    let truth_path = args.dir.join("truth.json");
    let text = fs::read_to_string(&truth_path)
        .with_context(|| format!("cannot read {}", truth_path.display()))?;
    let truth: Truth = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a truth file", truth_path.display()))?;
    let catalog = load::catalog(data_dir, true)?;
    let policy = load::policy(&args.dir.join(&truth.policy), &catalog)?;
    let detector = Detector::new(
        &catalog,
        Some(policy),
        IocSet::builtin(),
        DetectConfig::default(),
    )?;
    let evidence = args.evidence.clone().unwrap_or_else(|| {
        let jsonl = args.dir.join("jsonl");
        if jsonl.is_dir() {
            jsonl
        } else {
            args.dir.clone()
        }
    });
    // The generator writes <site>/<host>/…: each top-level folder is a site;
    // its assets.csv joins network and mail findings to hosts.
    let assets = args.dir.join("assets.csv");
    let config = HuntConfig {
        threads: args.threads,
        site: rmmguard::SiteMode::FromDir,
        entities: if assets.is_file() {
            load::assets(&assets)?
        } else {
            rmmguard::correlate::Entities::default()
        },
        ..HuntConfig::default()
    };
    let run = hunt(&[evidence], &detector, &config, &NoProgress)?;
    let score = eval::score(&truth, &run.report.findings, args.min_severity);
    print_score(&score)?;
    let incidents = eval::score_incidents(&truth, &run.incidents);
    print_incident_score(&incidents)?;
    let perfect = score.false_positives.is_empty()
        && score.misses.is_empty()
        && incidents.false_positives.is_empty()
        && incidents.misses.is_empty();
    Ok(if perfect {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_score(score: &eval::Score) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let o = &score.overall;
    writeln!(out, "precision: {:.3}", o.precision())?;
    writeln!(out, "recall: {:.3}", o.recall())?;
    writeln!(out, "f1: {:.3}", o.f1())?;
    writeln!(
        out,
        "({} true positives, {} false positives, {} misses)",
        o.true_positives, o.false_positives, o.misses
    )?;
    writeln!(
        out,
        "\n{:<6} {:>4} {:>4} {:>4} {:>9} {:>7} {:>6}",
        "RULE", "TP", "FP", "FN", "PRECISION", "RECALL", "F1"
    )?;
    for (rule, c) in &score.per_rule {
        writeln!(
            out,
            "{rule:<6} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>6.3}",
            c.true_positives,
            c.false_positives,
            c.misses,
            c.precision(),
            c.recall(),
            c.f1()
        )?;
    }
    let show = |key: &eval::FlagKey| {
        format!(
            "{} on {} ({})",
            key.0,
            key.1,
            key.2.as_deref().unwrap_or("-")
        )
    };
    if !score.false_positives.is_empty() {
        writeln!(out, "\nfalse positives:")?;
        for (key, summary) in &score.false_positives {
            writeln!(out, "  {}: {summary}", show(key))?;
        }
    }
    if !score.misses.is_empty() {
        writeln!(out, "\nmisses:")?;
        for key in &score.misses {
            writeln!(out, "  {}", show(key))?;
        }
    }
    if !score.pending.is_empty() {
        writeln!(out, "\npending (need detectors not built yet; not scored):")?;
        for expect in &score.pending {
            writeln!(
                out,
                "  {} on {} ({}): {}",
                expect.rule,
                expect.host,
                expect.tool.as_deref().unwrap_or("-"),
                expect.needs.as_deref().unwrap_or("")
            )?;
        }
    }
    Ok(())
}

fn print_incident_score(score: &eval::IncidentScore) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let o = &score.overall;
    writeln!(
        out,
        "\nincidents: precision {:.3}, recall {:.3} ({} true positives, {} false positives, {} misses)",
        o.precision(),
        o.recall(),
        o.true_positives,
        o.false_positives,
        o.misses
    )?;
    for (id, title) in &score.false_positives {
        writeln!(out, "  unexpected incident {id}: {title}")?;
    }
    for expected in &score.misses {
        let stages: Vec<&str> = expected.stages.iter().map(|s| s.as_str()).collect();
        writeln!(
            out,
            "  missed {} {} (stages: {})",
            expected.kind.as_str(),
            expected.key,
            stages.join(", ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10GB"), Ok(10 << 30));
        assert_eq!(parse_size("500mb"), Ok(500 << 20));
        assert_eq!(parse_size("1.5K"), Ok(1536));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("3PB").is_err());
    }
}
