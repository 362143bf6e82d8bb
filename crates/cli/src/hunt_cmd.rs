//! `rmmguard hunt`: build the detector, run the engine, write the outputs,
//! and pick the exit status.

use std::io::{self, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use rmmguard::detect::{DetectConfig, Detector};
use rmmguard::sinks::{self, Sink};
use rmmguard::{HuntConfig, SiteMode, hunt};

use crate::args::HuntArgs;
use crate::load;
use crate::output::write_to;
use crate::progress::Bar;

pub fn run(args: &HuntArgs, data_dir: &Path) -> Result<ExitCode> {
    let catalog = load::catalog(data_dir, args.builtin_catalog)?;
    let policy = args.policy.as_deref().map(load::policy).transpose()?;
    let iocs = load::iocs(&args.ioc)?;
    let config = DetectConfig {
        max_evidence: args.max_evidence,
        today: args.today.unwrap_or_else(|| jiff::Zoned::now().date()),
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
    let view = run.view();
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
    let failed = args
        .fail_on
        .is_some_and(|threshold| view.findings.iter().any(|f| f.severity >= threshold));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
