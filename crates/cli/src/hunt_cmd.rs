//! `rmmguard hunt`: build the detector, run the engine, write the outputs,
//! and pick the exit status.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use rmmguard::detect::{DetectConfig, Detector, Finding};
use rmmguard::sources::DiagnosticLevel;
use rmmguard::{Hunt, HuntConfig, SiteMode, hunt};
use rmmguard_sinks::terminal::{self, RunView};

use crate::args::HuntArgs;
use crate::load;
use crate::progress::Bar;

pub fn run(args: &HuntArgs, data_dir: &Path) -> Result<ExitCode> {
    let catalog = load::catalog(data_dir, args.builtin_catalog)?;
    let policy = args
        .policy
        .as_deref()
        .map(|path| load::policy(path, &catalog))
        .transpose()?;
    let iocs = load::iocs(&args.ioc)?;
    let today = args.today.unwrap_or_else(|| jiff::Zoned::now().date());
    let config = DetectConfig {
        max_evidence: args.max_evidence,
        today,
        financial_domains: load::domain_list(args.financial_domains.as_deref())?,
    };
    let detector =
        Detector::new(&catalog, policy, iocs, config).context("cannot compile the catalog")?;
    let hunt_config = HuntConfig {
        threads: args.threads,
        prefilter: !args.no_prefilter,
        site: match (&args.site.site, args.site.site_from_dir) {
            (Some(name), _) => SiteMode::Fixed(name.clone()),
            (None, true) => SiteMode::FromDir,
            (None, false) => SiteMode::None,
        },
        entities: match &args.assets {
            Some(path) => load::assets(path)?,
            None => Default::default(),
        },
        ..HuntConfig::default()
    };
    let run = hunt(&args.paths, &detector, &hunt_config, &Bar::new(args.quiet))?;
    if let Some(path) = &args.incidents {
        write_to(path, |out| {
            rmmguard_sinks::incidents::write(out, &run.incidents)
        })?;
    }
    if let Some(path) = &args.html {
        write_to(path, |out| {
            rmmguard_sinks::html::write(out, &html_report(&run))
        })?;
    }
    let findings = &run.report.findings;
    if let (Some(path), Some(policy)) = (&args.policy, detector.policy()) {
        for warning in crate::policy_cmd::expired_warnings(path, policy, today, findings) {
            eprintln!("{warning}");
        }
    }
    if let Some(path) = &args.jsonl {
        write_to(path, |out| rmmguard_sinks::jsonl::write(out, findings))?;
    }
    if let Some(path) = &args.csv {
        write_to(path, |out| rmmguard_sinks::csv::write(out, findings))?;
    }
    if !args.quiet {
        print_summary(&run, args)?;
    }
    let failed = args
        .fail_on
        .is_some_and(|threshold| findings.iter().any(|f| f.severity >= threshold));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_summary(run: &Hunt, args: &HuntArgs) -> Result<()> {
    let shown: Vec<Finding> = run
        .report
        .findings
        .iter()
        .filter(|f| f.severity >= args.min_severity)
        .cloned()
        .collect();
    let diagnostics = run
        .files
        .iter()
        .flat_map(|file| &file.stats.diagnostics)
        .map(|d| {
            let level = match d.level {
                DiagnosticLevel::Error => "error",
                DiagnosticLevel::Warning => "warning",
            };
            (&d.source, level, d.message.as_str())
        })
        .collect();
    let view = RunView {
        files: run.files.len(),
        bytes: run.bytes(),
        records: run.records(),
        parsed: run.files.iter().map(|f| f.stats.parsed).sum(),
        skipped_records: run.skipped_records(),
        skipped_files: run
            .skipped
            .iter()
            .map(|s| (s.path.display().to_string(), s.reason.clone()))
            .collect(),
        diagnostics,
        elapsed: run.elapsed,
        threads: run.threads,
        inventory: &run.report.inventory,
        incidents: &run.incidents,
        audit: &run.audit,
        findings: &shown,
        hidden: run.report.findings.len() - shown.len(),
        min_severity: args.min_severity,
        suppressed: run.report.suppressed.len(),
        color: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    terminal::write(&mut out, &view).context("cannot write the summary")?;
    out.flush().context("cannot write the summary")
}

/// The HTML report's view of a run.
fn html_report(run: &Hunt) -> rmmguard_sinks::html::HtmlReport<'_> {
    rmmguard_sinks::html::HtmlReport {
        generated: jiff::Timestamp::now()
            .strftime("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
        files: run.files.len(),
        bytes: run.bytes(),
        records: run.records(),
        seconds: run.elapsed.as_secs_f64(),
        incidents: &run.incidents,
        audit: &run.audit,
        inventory: &run.report.inventory,
        findings: &run.report.findings,
        indicators: &run.indicators,
    }
}

/// Writes an output to a file, or to stdout for `-`.
fn write_to(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    if path == Path::new("-") {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        return write(&mut out).context("cannot write to stdout");
    }
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    write(&mut out).with_context(|| format!("cannot write {}", path.display()))
}
