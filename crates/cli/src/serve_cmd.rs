//! `rmmguard serve`: the live engine behind HTTP ingest, syslog and an API.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use rmmguard::live::LiveConfig;
use rmmguard_serve::ServeConfig;
use rmmguard_serve::auth::new_token;

use crate::args::{DetectArgs, SiteArgs};

/// Flags of `rmmguard serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The config file (listen address, state, spool, policy, syslog,
    /// tokens); see examples/serve.toml
    #[arg(long, value_name = "FILE", required_unless_present = "new_token")]
    pub config: Option<PathBuf>,

    /// Print a new token for NAME and the [[token]] lines to add to the
    /// config (which keeps only its hash), then exit
    #[arg(long, value_name = "NAME", requires = "role")]
    pub new_token: Option<String>,

    /// The new token's role: ingest (send events), viewer (read), analyst
    /// (read and work incidents)
    #[arg(long, value_name = "ROLE", value_parser = ["ingest", "viewer", "analyst"])]
    pub role: Option<String>,
}

pub fn run(args: &ServeArgs, data_dir: &Path) -> Result<ExitCode> {
    if let (Some(name), Some(role)) = (&args.new_token, &args.role) {
        return print_new_token(name, role);
    }
    let Some(path) = &args.config else {
        bail!("--config is needed");
    };
    let config = ServeConfig::load(path)?;
    let detect = DetectArgs {
        policy: config.policy.clone(),
        ioc: config.ioc.clone(),
        financial_domains: None,
        phone_region: "US".into(),
        ocr: false,
        assets: config.assets.clone(),
        site: SiteArgs {
            site: None,
            site_from_dir: false,
        },
        no_prefilter: false,
        builtin_catalog: false,
        max_evidence: 5,
        today: None,
    };
    let (detector, hunt, _) = crate::setup::engine(&detect, data_dir)?;
    let live = LiveConfig {
        hunt,
        ..LiveConfig::default()
    };
    rmmguard_serve::start(&config, detector, live, &mut |running| {
        eprintln!("rmmguard: serve: listening on http://{}", running.http);
        if let Some(udp) = running.syslog_udp {
            eprintln!("rmmguard: serve: syslog on udp://{udp}");
        }
        if let Some(tcp) = running.syslog_tcp {
            eprintln!("rmmguard: serve: syslog on tcp://{tcp}");
        }
        eprintln!(
            "rmmguard: serve: state in {}, spool in {}; Ctrl-C stops",
            config.state.display(),
            config.spool.display()
        );
    })
    .context("serve stopped")?;
    eprintln!("rmmguard: serve: stopped");
    Ok(ExitCode::SUCCESS)
}

fn print_new_token(name: &str, role: &str) -> Result<ExitCode> {
    if name.is_empty() || name.contains(['"', '\n', '\\']) {
        bail!("--new-token: a name without quotes, backslashes or line breaks");
    }
    let (token, hash) = new_token().context("cannot read the system's random source")?;
    println!("# Give this token to {name}; it is shown once and not kept anywhere:");
    println!("#   {token}");
    println!("[[token]]\nname = \"{name}\"\nrole = \"{role}\"\nsha256 = \"{hash}\"");
    Ok(ExitCode::SUCCESS)
}
