//! `rmmguard simulate` and `rmmguard eval`: generated evidence with ground
//! truth, and detection quality measured against it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use rmmguard::detect::{DetectConfig, Detector, IocSet};
use rmmguard::findings::Severity;
use rmmguard::{HuntConfig, NoProgress, eval, hunt};
use rmmguard_simulate::network::NetFormats;
use rmmguard_simulate::{Config, Formats, Scenario, Shape, Truth, generate};

use rmmguard_words::counted;

use crate::load;

/// Flags of `rmmguard simulate`.
#[derive(Debug, clap::Args)]
// Written out: clap's own usage line lists the flags given (`--seed <N>`)
// as if they were required, and hides that --out is.
#[command(override_usage = "rmmguard simulate [OPTIONS] --out <DIR>\n       \
    rmmguard simulate --list-scenarios")]
pub struct SimulateArgs {
    /// Seed: the same seed and flags give byte-identical output
    #[arg(long, default_value_t = 1, value_name = "N")]
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
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub sites: usize,

    /// Workstations per site
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub hosts: usize,

    /// Days simulated
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub days: u32,

    /// Benign background events per host per day (ignored with --size)
    #[arg(long, default_value_t = 400, value_name = "N")]
    pub background: u64,

    /// Fill with background up to this total size (e.g. 500MB, 10GB)
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub size: Option<u64>,

    /// Output format: jsonl (Winlogbeat), evtx, or both (in jsonl/ and evtx/ subfolders)
    #[arg(long, value_enum, default_value_t = EndpointFormat::Jsonl)]
    pub format: EndpointFormat,

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
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub sensor: Option<SensorFormat>,

    /// Write only a mailbox instead: DIR/inbox.mbox with N messages, one in 50
    /// a callback-phishing lure (in the body, a PDF or a calendar invitation),
    /// the rest benign look-alikes; the summary counts the lures (for the
    /// mail benchmark and for trying `hunt` on mail)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub mailbox: u64,

    /// Write only a corpus of callback lures instead: DIR/mail/*.eml with N
    /// lures in seven languages and sixteen countries' number formats (in
    /// the body, a PDF, a DOCX, an invitation or a picture) among benign
    /// look-alikes, and DIR/lures.json, the truth of every message (score it
    /// with `rmmguard eval DIR`)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub lures: u64,

    /// Benign look-alikes in the --lures corpus (tradesmen's invoices,
    /// vendors' own renewals, IT notices, shipping notices, appointment
    /// reminders; default: twice the lures)
    #[arg(long, value_name = "N", requires = "lures")]
    pub lookalikes: Option<u64>,

    /// Also write an RMM vendor's tenant dataset of N tenants (legitimate MSPs,
    /// small businesses, home users, abusive tenants) with its own truth.json,
    /// into DIR/vendor/ (score it with `rmmguard tenants score`, `tenants eval`)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub vendor_tenants: u64,

    /// List the scenarios and exit
    #[arg(long)]
    pub list_scenarios: bool,

    /// Write into --out even when it already holds files (they may be
    /// overwritten; files the generator does not write stay)
    #[arg(long)]
    pub force: bool,
}

/// Generated evidence replaces what a folder holds, so an existing folder
/// with something in it is only written with `--force`.
fn refuse_to_overwrite(dir: &Path, force: bool) -> Result<()> {
    let has_entries = match fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => false,
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", dir.display()));
        }
    };
    if has_entries && !force {
        bail!(
            "{} is not empty: simulate writes a whole folder of evidence and would overwrite \
             files in it; choose a new folder, or pass --force",
            dir.display()
        );
    }
    Ok(())
}

/// The endpoint evidence `simulate --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EndpointFormat {
    /// Winlogbeat JSON lines
    Jsonl,
    /// Windows event log files
    Evtx,
    /// Both, in jsonl/ and evtx/ subfolders
    Both,
}

/// The network sensor format `simulate --sensor` writes at every site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SensorFormat {
    /// A packet capture
    Pcap,
    /// Zeek TSV logs
    Zeek,
    /// Zeek JSON logs
    ZeekJson,
    /// Suricata EVE JSON
    Eve,
}

/// Flags of `rmmguard eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// A folder written by `rmmguard simulate` (holds truth.json and policy.toml)
    pub dir: PathBuf,

    /// Evidence to hunt (default: the folder itself; its jsonl/ or evtx/ subfolder with --format both)
    #[arg(long, value_name = "PATH")]
    pub evidence: Option<PathBuf>,

    /// Findings at or above this severity (info, low, medium, high, critical)
    /// count as flags
    #[arg(long, default_value = "low", value_name = "SEVERITY", value_parser = crate::args::parse_severity)]
    pub min_severity: Severity,

    /// Worker threads (0: one per core)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,

    /// For a lure corpus: read pictures with OCR (Tesseract), so picture
    /// lures count towards recall
    #[arg(long)]
    pub ocr: bool,

    /// For a lure corpus: the country national numbers default to
    /// (as `hunt --phone-region`)
    #[arg(long, value_name = "CC", default_value = "US")]
    pub phone_region: String,

    /// For a lure corpus: how many misses and false callbacks to list
    #[arg(long, default_value_t = 40, value_name = "N")]
    pub list: usize,
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
    refuse_to_overwrite(dir, args.force)?;
    if args.lures > 0 {
        let config = rmmguard_simulate::lures::CorpusConfig::new(
            args.seed,
            args.lures,
            args.lookalikes.unwrap_or(args.lures * 2),
        );
        let truth = rmmguard_simulate::lures::write_corpus(dir, &config)
            .with_context(|| format!("cannot write {}", dir.display()))?;
        let lures = truth.messages.iter().filter(|m| m.lure).count();
        writeln!(
            out,
            "wrote {} messages ({lures} lures, {} look-alikes) to {} (truth in {})",
            truth.messages.len(),
            truth.messages.len() - lures,
            dir.join("mail").display(),
            dir.join(rmmguard_simulate::lures::LURE_TRUTH_FILE)
                .display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.mailbox > 0 {
        let path = dir.join("inbox.mbox");
        fs::create_dir_all(dir)?;
        let summary = rmmguard_simulate::mail::write_mbox(&path, args.seed, args.mailbox, 50)
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
        "wrote {} ({:.1} MiB) to {} in {seconds:.1} s ({:.0} MiB/s): {} malicious, {} authorized-RMM, {}",
        counted(truth.counts.events, "event"),
        bytes as f64 / 1048576.0,
        dir.display(),
        bytes as f64 / 1048576.0 / seconds.max(1e-6),
        truth.counts.malicious,
        truth.counts.authorized,
        counted(truth.activities.len(), "activity"),
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
            "wrote {} for {} to {} (truth in {})",
            counted(summary.records, "vendor tenant event"),
            counted(summary.tenants, "tenant"),
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
            jsonl: args.format != EndpointFormat::Evtx,
            evtx: args.format != EndpointFormat::Jsonl,
            network: !args.no_network,
            mail: !args.no_mail,
        },
        background_per_day: background,
        size: args.size,
        browsing_per_day: args.browsing,
        sensor: args.sensor.map(sensor_formats),
    })
}

/// The generator's formats for one `--sensor` choice.
fn sensor_formats(sensor: SensorFormat) -> NetFormats {
    let none = NetFormats::default();
    match sensor {
        SensorFormat::Pcap => NetFormats { pcap: true, ..none },
        SensorFormat::Zeek => NetFormats {
            zeek_tsv: true,
            ..none
        },
        SensorFormat::ZeekJson => NetFormats {
            zeek_json: true,
            ..none
        },
        SensorFormat::Eve => NetFormats { eve: true, ..none },
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
    if args
        .dir
        .join(rmmguard_simulate::lures::LURE_TRUTH_FILE)
        .is_file()
    {
        return eval_lures(args, data_dir);
    }
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
    let incidents = eval::score_incidents(&truth, &run.incidents);
    let document = eval::document(&score, &incidents);
    crate::output::write_to(Path::new("-"), |out| document.write(out))?;
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

/// `eval` of a lure corpus: recall and false callbacks by language and country.
fn eval_lures(args: &EvalArgs, data_dir: &Path) -> Result<ExitCode> {
    let truth_path = args.dir.join(rmmguard_simulate::lures::LURE_TRUTH_FILE);
    let text = fs::read_to_string(&truth_path)
        .with_context(|| format!("cannot read {}", truth_path.display()))?;
    let truth: rmmguard_simulate::lures::LureTruth = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a lure truth file", truth_path.display()))?;
    let catalog = load::catalog(data_dir, true)?;
    let detector = Detector::new(
        &catalog,
        None,
        IocSet::builtin(),
        DetectConfig {
            phone_region: Some(args.phone_region.clone()),
            ..DetectConfig::default()
        },
    )?;
    let ocr = if args.ocr {
        let ocr = rmmguard::sources::Ocr::default();
        ocr.version()
            .map_err(anyhow::Error::msg)
            .context("--ocr needs Tesseract (Debian: apt-get install tesseract-ocr)")?;
        Some(ocr)
    } else {
        None
    };
    let config = HuntConfig {
        threads: args.threads,
        ocr,
        ..HuntConfig::default()
    };
    let evidence = args
        .evidence
        .clone()
        .unwrap_or_else(|| args.dir.join("mail"));
    let run = hunt(&[evidence], &detector, &config, &NoProgress)?;
    let score = rmmguard::lure_eval::score(&truth, &run.report.findings, args.ocr);
    let document = rmmguard::lure_eval::document(&score, args.list);
    crate::output::write_to(Path::new("-"), |out| document.write(out))?;
    let perfect = score.misses.is_empty() && score.false_callbacks.is_empty();
    Ok(if perfect {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
