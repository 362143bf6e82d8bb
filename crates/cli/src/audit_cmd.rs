//! `rmmguard audit`: the RMM audit of evidence — every tool seen, per tool and
//! tenant — and a starter policy written from it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use rmmguard::correlate::audit::{AuditRow, starter_policy};
use rmmguard::detect::{DetectConfig, Detector};
use rmmguard::{HuntConfig, SiteMode, hunt};

use crate::load;
use crate::progress::Bar;

/// Flags of `rmmguard audit`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  rmmguard audit evidence/\n  \
    rmmguard audit --write-policy policy.toml evidence/   # then edit it, and hunt with --policy policy.toml")]
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
    let stdout = io::stdout();
    let mut out = stdout.lock();
    write_table(&mut out, &run.audit)?;
    if let Some(path) = &args.csv {
        let mut file: Box<dyn Write> = if path == Path::new("-") {
            Box::new(io::stdout())
        } else {
            Box::new(
                fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            )
        };
        write_csv(&mut file, &run.audit)?;
    }
    if let Some(path) = &args.write_policy {
        let text = starter_policy(&run.audit, &args.organization);
        fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(
            out,
            "\nwrote a starter policy for {} tools to {}: edit it, check it with `rmmguard policy check`, then hunt with --policy",
            run.audit
                .iter()
                .map(|r| &r.tool.id)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            path.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write_table(out: &mut dyn Write, rows: &[AuditRow]) -> io::Result<()> {
    writeln!(out, "RMM audit: {} tools × tenants", rows.len())?;
    writeln!(
        out,
        "  {:<22} {:<34} {:<12} {:<10} {:>5} {:<16} {:<16} SITES",
        "TOOL", "TENANT", "POLICY", "MODE", "HOSTS", "FIRST SEEN", "LAST SEEN"
    )?;
    for row in rows {
        writeln!(
            out,
            "  {:<22} {:<34} {:<12} {:<10} {:>5} {:<16} {:<16} {}",
            row.tool.name,
            row.tenant.as_deref().unwrap_or("-"),
            row.authorization.as_str(),
            row.install_mode(),
            row.hosts.len(),
            row.first_seen
                .map_or_else(|| "-".into(), |t| t.strftime("%Y-%m-%d %H:%M").to_string()),
            row.last_seen
                .map_or_else(|| "-".into(), |t| t.strftime("%Y-%m-%d %H:%M").to_string()),
            if row.sites.is_empty() {
                "-".into()
            } else {
                row.sites.join(",")
            }
        )?;
    }
    Ok(())
}

fn write_csv(out: &mut dyn Write, rows: &[AuditRow]) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "tool",
        "tool_name",
        "tenant",
        "authorization",
        "install_mode",
        "hosts",
        "sites",
        "first_seen",
        "last_seen",
        "versions",
        "events",
    ])?;
    for row in rows {
        writer.write_record([
            row.tool.id.to_string(),
            row.tool.name.to_string(),
            row.tenant.clone().unwrap_or_default(),
            row.authorization.as_str().to_owned(),
            row.install_mode().to_owned(),
            row.hosts.join(";"),
            row.sites.join(";"),
            row.first_seen.map(|t| t.to_string()).unwrap_or_default(),
            row.last_seen.map(|t| t.to_string()).unwrap_or_default(),
            row.versions.join(";"),
            row.events.to_string(),
        ])?;
    }
    writer.flush()
}
