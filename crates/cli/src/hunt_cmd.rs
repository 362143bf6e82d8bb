//! `rmmguard hunt`: build the detector, run the engine, write the outputs,
//! and pick the exit status.

use std::io::{self, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use rmmguard::sinks::{self, Sink};
use rmmguard::sources::DiagnosticLevel;
use rmmguard::{Hunt, HuntConfig, hunt};
use rmmguard_words::counted;

use crate::args::HuntArgs;
use crate::forward_cmd;
use crate::output::write_to;
use crate::progress::Bar;

pub fn run(args: &HuntArgs, data_dir: &Path) -> Result<ExitCode> {
    let (detector, hunt_config, today) = crate::setup::engine(&args.detect, data_dir)?;
    let mut forwarder = args.forward.as_deref().map(forward_cmd::open).transpose()?;
    let hunt_config = HuntConfig {
        threads: args.threads,
        ..hunt_config
    };
    let run = hunt(&args.paths, &detector, &hunt_config, &Bar::new(args.quiet))?;
    if let (Some(path), Some(policy)) = (&args.detect.policy, detector.policy()) {
        for warning in
            crate::policy_cmd::expired_warnings(path, policy, today, &run.report.findings)
        {
            eprintln!("{warning}");
        }
    }
    let view = sinks::Run {
        assets: Some(&hunt_config.entities),
        ..run.view()
    };
    let html = sinks::html::Report {
        generated: jiff::Timestamp::now()
            .strftime("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
    };
    let outputs: [(&Option<std::path::PathBuf>, &dyn Sink); 4] = [
        (&args.incidents, &sinks::incidents::Incidents),
        (&args.html, &html),
        (&args.jsonl, &sinks::jsonl::Findings),
        (&args.csv, &sinks::csv::Findings),
    ];
    for (path, sink) in outputs {
        if let Some(path) = path {
            write_to(path, |out| sink.write(&view, out))?;
        }
    }
    if !args.quiet {
        let summary = sinks::terminal::Summary {
            min_severity: args.min_severity,
            color: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        write_to(Path::new("-"), |out| summary.write(&view, out))?;
    }
    if let Some(forwarder) = &mut forwarder {
        let sent = forward_cmd::send(forwarder, &run.report.findings, &run.incidents, args.quiet);
        if sent.dropped + sent.rejected > 0 {
            eprintln!(
                "rmmguard: error: forwarding lost {} (see the warnings above)",
                counted((sent.dropped + sent.rejected) as usize, "record")
            );
            return Ok(ExitCode::from(2));
        }
    }
    Ok(exit_status(&run, args))
}

/// The documented exit status: 2 when no evidence could be read at all, or
/// (with `--fail-on`, unless `--lenient`) when reading listed an error — a
/// gate must not pass because the evidence was unreadable; 1 when a finding
/// reaches `--fail-on`; 0 otherwise.
fn exit_status(run: &Hunt, args: &HuntArgs) -> ExitCode {
    if run.records() == 0 {
        eprintln!(
            "rmmguard: error: no evidence could be read ({} read, {} skipped; see the problems listed)",
            counted(run.files.len(), "file"),
            counted(run.skipped.len(), "file"),
        );
        return ExitCode::from(2);
    }
    let errors = run
        .files
        .iter()
        .flat_map(|file| &file.stats.diagnostics)
        .filter(|d| d.level == DiagnosticLevel::Error)
        .count();
    let Some(threshold) = args.fail_on else {
        return ExitCode::SUCCESS;
    };
    if errors > 0 && !args.lenient {
        eprintln!(
            "rmmguard: error: {} while reading evidence (listed above); --lenient judges the findings anyway",
            counted(errors, "error"),
        );
        return ExitCode::from(2);
    }
    if run.report.findings.iter().any(|f| f.severity >= threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
