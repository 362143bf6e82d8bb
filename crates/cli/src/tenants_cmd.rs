//! `rmmguard tenants`: the RMM vendor's view. Score tenant accounts for abuse
//! from tenant event files (batch), follow a live stream (`watch`), write a
//! labelled dataset (`simulate`), measure quality on it (`eval`) and learn
//! the feature weights from the vendor's own bans (`fit`).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use rmmguard_tenants::batch::{self, BatchRun};
use rmmguard_tenants::fit::{self, FitOptions, Labels};
use rmmguard_tenants::report::{self, Sources};
use rmmguard_tenants::simulate::{self, SimConfig, tape::OutputFormat};
use rmmguard_tenants::watch::{self, Input, WatchConfig};
use rmmguard_tenants::{Config, Verdict, eval, time};
use rmmguard_words::counted;

/// `rmmguard tenants …`.
#[derive(Debug, clap::Subcommand)]
pub enum TenantsCommand {
    /// Score every tenant in event files (JSON lines or CSV) and rank them
    ///
    /// Exit status: 0, or 1 with --fail-on when a tenant reaches that
    /// verdict; 2 on error, including when no valid record could be read.
    #[command(
        after_help = "Examples:\n  rmmguard tenants score events/ --explain t1234\n  \
        rmmguard tenants score a.jsonl b.csv --config scoring.toml \\\n      \
        --jsonl scores.jsonl --csv scores.csv"
    )]
    Score(ScoreArgs),
    /// Follow a growing event stream, keep scores current, print an alert line
    /// when a tenant crosses a threshold; state survives restarts (SQLite)
    Watch(WatchArgs),
    /// Write a labelled vendor dataset: events-NNNNN.jsonl files plus
    /// truth.json and bans.csv
    Simulate(SimulateArgs),
    /// Score a simulated dataset and print precision, recall and the PR curve
    Eval(EvalArgs),
    /// Learn the feature weights from the vendor's bans and write them as a
    /// scoring config
    ///
    /// Fits a regularised logistic regression over the features' points on
    /// part of the tenants and reports precision and recall per threshold on
    /// the rest, beside the base config's. The config it writes is read by
    /// `tenants score --config`.
    #[command(
        after_help = "Examples:\n  rmmguard tenants fit events/ --labels bans.csv --out fitted.toml\n  \
        rmmguard tenants score events/ --config fitted.toml"
    )]
    Fit(FitArgs),
    /// Print the default scoring config (every key, commented)
    Config,
}

/// Flags of `rmmguard tenants fit`.
#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// Event files or folders of them
    #[arg(required = true, value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// The vendor's bans: CSV with a `tenant` column (and optionally
    /// `abusive`, true/false); unlisted tenants count as legitimate
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
    /// Where to write the fitted config (TOML)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Base config whose feature settings are fitted (default: the defaults)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// L2 penalty on the weights
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub l2: f64,
    /// Share of tenants held out for validation
    #[arg(long, default_value_t = 0.3, value_name = "SHARE")]
    pub validation: f64,
}

/// Flags of `rmmguard tenants score`.
#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// Event files or folders of them
    #[arg(required = true, value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// Scoring config (TOML; see `rmmguard tenants config`)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write every tenant's score as JSON lines
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<PathBuf>,
    /// Write every tenant's score as CSV
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Explain one tenant's score, quoting the records behind each reason
    #[arg(long, value_name = "TENANT")]
    pub explain: Vec<String>,
    /// Rows in the terminal table
    #[arg(long, default_value_t = 25, value_name = "N")]
    pub top: usize,
    /// Exit with status 1 when a tenant reaches this verdict
    #[arg(long, value_name = "VERDICT", value_parser = ["review", "suspend"])]
    pub fail_on: Option<String>,
}

/// Flags of `rmmguard tenants watch`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// State file (SQLite); created if absent, resumed if present
    #[arg(long, default_value = "rmmguard-tenants.sqlite", value_name = "FILE")]
    pub state: PathBuf,
    /// Follow this JSON-lines file as it grows (default: read stdin)
    #[arg(long, value_name = "FILE")]
    pub follow: Option<PathBuf>,
    /// Scoring config (TOML); used when the state is created
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Commit state every N records
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub checkpoint_every: u64,
    /// Stop at the end of the input instead of waiting for more
    #[arg(long)]
    pub exit_at_eof: bool,
    /// On exit, write every tenant's score as JSON lines
    #[arg(long, value_name = "FILE")]
    pub scores: Option<PathBuf>,
}

/// Flags of `rmmguard tenants simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Seed: the same seed writes the same dataset
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Tenants to generate
    #[arg(long, default_value_t = 2_000, value_name = "N")]
    pub tenants: u64,
    /// Output folder
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write CSV instead of JSON lines
    #[arg(long)]
    pub csv: bool,
    /// Tenants per output file
    #[arg(long, default_value_t = 5_000, value_name = "N")]
    pub shard_tenants: u64,
}

/// Flags of `rmmguard tenants eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// A folder written by `rmmguard tenants simulate`
    pub dir: PathBuf,
    /// Scoring config (TOML)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(command: TenantsCommand, _data_dir: &Path) -> Result<ExitCode> {
    match command {
        TenantsCommand::Score(args) => score(&args),
        TenantsCommand::Watch(args) => watch(&args),
        TenantsCommand::Simulate(args) => simulate(&args),
        TenantsCommand::Eval(args) => evaluate(&args),
        TenantsCommand::Fit(args) => fit_weights(&args),
        TenantsCommand::Config => {
            print!("{}", rmmguard_tenants::config::DEFAULT_TOML);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn score(args: &ScoreArgs) -> Result<ExitCode> {
    let run = batch::score_files(&args.files, load_config(args.config.as_deref())?)?;
    print_diagnostics(&run);
    run.ensure_read()?;
    let sources = Sources::files(run.paths());
    if let Some(path) = &args.jsonl {
        write_to(path, |out| report::jsonl::write(out, &run.scores, &sources))?;
    }
    if let Some(path) = &args.csv {
        write_to(path, |out| report::csv::write(out, &run.scores))?;
    }
    let mut out = io::stdout().lock();
    report::table::write(&mut out, &run.scores, Verdict::Clear, args.top)?;
    for tenant in &args.explain {
        let idx = run
            .engine
            .tenant_idx(tenant)
            .with_context(|| format!("no tenant {tenant:?} in the input"))?;
        let score = run
            .scores
            .iter()
            .find(|s| s.idx == idx)
            .context("tenant has no score")?;
        writeln!(out)?;
        report::explain::write(
            &mut out,
            score,
            &run.engine.tenants()[idx as usize],
            &sources,
        )?;
    }
    let fail_on = match args.fail_on.as_deref() {
        Some("suspend") => Some(Verdict::Suspend),
        Some(_) => Some(Verdict::Review),
        None => None,
    };
    let failed = fail_on.is_some_and(|min| {
        run.scores
            .iter()
            .any(|s| s.verdict >= min && s.verdict != Verdict::Banned)
    });
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn watch(args: &WatchArgs) -> Result<ExitCode> {
    let config = WatchConfig {
        scoring: load_config(args.config.as_deref())?,
        checkpoint_every: args.checkpoint_every.max(1),
        exit_at_eof: args.exit_at_eof,
        ..WatchConfig::default()
    };
    let input = match &args.follow {
        Some(path) => Input::File(path.clone()),
        None => Input::Stdin,
    };
    let mut out = io::stdout().lock();
    let summary = watch::run(&args.state, &input, &config, &mut out)?;
    eprintln!(
        "rmmguard: watch: {} read ({} skipped), {}, resumed at record {}",
        counted(summary.records, "record"),
        summary.skipped,
        counted(summary.alerts, "alert"),
        summary.resumed_at
    );
    if let Some(path) = &args.scores {
        write_to(path, |out| {
            report::jsonl::write(out, &summary.scores, &summary.sources)
        })?;
    }
    Ok(ExitCode::SUCCESS)
}

fn simulate(args: &SimulateArgs) -> Result<ExitCode> {
    let config = SimConfig {
        seed: args.seed,
        tenants: args.tenants,
        shard_tenants: args.shard_tenants,
        format: if args.csv {
            OutputFormat::Csv
        } else {
            OutputFormat::JsonLines
        },
        ..SimConfig::default()
    };
    let summary = simulate::run(&config, &args.out)?;
    let abusive: u64 = summary
        .kinds
        .iter()
        .filter(|(k, _)| k.is_abusive())
        .map(|(_, n)| n)
        .sum();
    println!(
        "wrote {} ({abusive} abusive, banned included) and {} in {} to {}; labels in {}, the ban list in {}",
        counted(summary.tenants, "tenant"),
        counted(summary.records, "record"),
        counted(summary.files.len(), "file"),
        args.out.display(),
        simulate::TRUTH_FILE,
        simulate::BANS_FILE
    );
    for (kind, count) in &summary.kinds {
        println!("  {:<16} {count}", kind.name());
    }
    Ok(ExitCode::SUCCESS)
}

fn evaluate(args: &EvalArgs) -> Result<ExitCode> {
    let config = load_config(args.config.as_deref())?;
    let thresholds = config.thresholds;
    let truth = eval::Truth::read(&args.dir.join(simulate::TRUTH_FILE))?;
    let started = std::time::Instant::now();
    let run = batch::score_files(std::slice::from_ref(&args.dir), config)?;
    let seconds = started.elapsed().as_secs_f64();
    print_diagnostics(&run);
    run.ensure_read()?;
    let evaluation = eval::evaluate(&run.scores, &truth, thresholds);
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{}, {} ({} skipped) scored in {seconds:.1}s; stream clock {}",
        counted(run.scores.len(), "tenant"),
        counted(run.records(), "record"),
        run.skipped(),
        time::format(run.engine.now())
    )?;
    eval::write_text(&mut out, &evaluation)?;
    Ok(ExitCode::SUCCESS)
}

fn fit_weights(args: &FitArgs) -> Result<ExitCode> {
    let base = load_config(args.config.as_deref())?;
    let labels = Labels::read(&args.labels)?;
    let options = FitOptions {
        l2: args.l2,
        validation: args.validation,
    };
    let fitted = fit::fit_files(&args.files, &labels, &base, &options)?;
    write_to(&args.out, |out| {
        fit::write_config(out, &fitted).map_err(io::Error::other)
    })?;
    let mut out = io::stdout().lock();
    fit::write_report(&mut out, &fitted)?;
    writeln!(out, "\nwrote {}", args.out.display())?;
    Ok(ExitCode::SUCCESS)
}

fn load_config(path: Option<&Path>) -> Result<Config> {
    match path {
        Some(path) => Ok(Config::load(path)?),
        None => Ok(Config::default()),
    }
}

fn print_diagnostics(run: &BatchRun) {
    for file in &run.files {
        if let Some(why) = &file.unreadable {
            eprintln!("rmmguard: {}: not read: {why}", file.path.display());
        }
    }
    for file in run.files.iter().filter(|f| f.skipped > 0) {
        let reasons: Vec<String> = file
            .reasons
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        eprintln!(
            "rmmguard: {}: skipped {} of {} ({})",
            file.path.display(),
            file.skipped,
            counted(file.records, "record"),
            reasons.join(", ")
        );
        for diagnostic in file.diagnostics.iter().take(5) {
            eprintln!(
                "rmmguard:   {}:{}: {}",
                file.path.display(),
                diagnostic.line,
                diagnostic.message
            );
        }
    }
    if run.engine.late() > 0 {
        eprintln!(
            "rmmguard: {} arrived later than the reorder window",
            counted(run.engine.late(), "event")
        );
    }
}

fn write_to(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    write(&mut out).with_context(|| format!("cannot write {}", path.display()))?;
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}
