//! `rmmguard controls`: deployable blocks and allowlists (issue 7, being built).

use std::path::Path;
use std::process::ExitCode;

/// Flags of `rmmguard controls`.
#[derive(Debug, clap::Args)]
pub struct ControlsArgs {}

pub fn run(_args: &ControlsArgs, _data_dir: &Path) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`rmmguard controls` is not available in this build yet")
}
