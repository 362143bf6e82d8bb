//! `rmmguard audit`: the RMM audit of evidence — every tool seen, per tool and
//! tenant — and a starter policy written from it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use rmmguard::correlate::audit::starter_policy;
use rmmguard::detect::{DetectConfig, Detector};
use rmmguard::sinks::{self, Sink};
use rmmguard::{HuntConfig, SiteMode, hunt};

use crate::load;
use crate::output::write_to;
use crate::progress::Bar;

/// Flags of `rmmguard audit`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  rmmguard audit evidence/\n  \
    rmmguard audit --write-policy policy.toml evidence/\n\n\
    Then edit policy.toml, check it with `rmmguard policy check policy.toml`,\n\
    and hunt with `rmmguard hunt --policy policy.toml evidence/`.")]
pub struct AuditArgs {
    /// Evidence files and folders
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Judge the tools against this policy (default: every tool is unreviewed)
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Write a starter policy authorizing every tool and tenant seen, to edit
    #[arg(long, value_name = "FILE")]
    pub write_policy: Option<PathBuf>,

    /// Organization name for the starter policy
    #[arg(long, default_value = "Our organization", value_name = "NAME")]
    pub organization: String,

    /// Write the audit as CSV to FILE ("-" for stdout)
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,

    /// Treat each top-level folder under a PATH as one site
    #[arg(long)]
    pub site_from_dir: bool,

    /// Worker threads (0: one per core)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
}

pub fn run(args: &AuditArgs, data_dir: &Path) -> Result<ExitCode> {
    let catalog = load::catalog(data_dir, false)?;
    let policy = args
        .policy
        .as_deref()
        .map(|path| load::policy(path, &catalog))
        .transpose()?;
    let detector = Detector::new(&catalog, policy, load::iocs(&[])?, DetectConfig::default())?;
    let config = HuntConfig {
        threads: args.threads,
        site: if args.site_from_dir {
            SiteMode::FromDir
        } else {
            SiteMode::None
        },
        ..HuntConfig::default()
    };
    let run = hunt(&args.paths, &detector, &config, &Bar::new(false))?;
    let view = run.view();
    write_to(Path::new("-"), |out| sinks::audit::Table.write(&view, out))?;
    if let Some(path) = &args.csv {
        write_to(path, |out| sinks::audit::Csv.write(&view, out))?;
    }
    if let Some(path) = &args.write_policy {
        let text = starter_policy(&run.audit, &args.organization);
        fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!(
            "\nwrote a starter policy for {} to {}: edit it, check it with `rmmguard policy check`, then hunt with --policy",
            rmmguard_words::counted(
                run.audit
                    .iter()
                    .map(|r| &r.tool.id)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len(),
                "tool"
            ),
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
