//! `rmmguard tenants`: the RMM vendor's tenant scoring (issue 8, being built).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `rmmguard tenants …`.
#[derive(Debug, clap::Subcommand)]
pub enum TenantsCommand {
    /// Score tenants from event files
    Score {
        /// Tenant event files
        files: Vec<PathBuf>,
    },
}

pub fn run(_command: TenantsCommand, _data_dir: &Path) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rmmguard tenants` is not available in this build yet")
}
