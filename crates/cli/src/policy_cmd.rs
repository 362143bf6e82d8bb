//! `rmmguard policy check`: every problem in a policy file, with line and column.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use rmmguard::policy::{Policy, Severity};

use crate::args::PolicyCommand;
use crate::load;

pub fn run(command: PolicyCommand, data_dir: &Path) -> Result<ExitCode> {
    let PolicyCommand::Check { file } = command;
    let text =
        fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let catalog = load::catalog(data_dir, false)?;
    let known = |id: &str| catalog.tools().iter().any(|tool| tool.id == id);
    let today = jiff::Zoned::now().date();
    let diagnostics = match Policy::check(&text, &known, today) {
        Ok(diagnostics) => diagnostics,
        Err(error) => {
            eprintln!("{}:{error}", file.display());
            return Ok(ExitCode::from(1));
        }
    };
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    for diagnostic in &diagnostics {
        eprintln!("{}:{diagnostic}", file.display());
    }
    if errors > 0 {
        eprintln!(
            "{}: {errors} errors, {} warnings",
            file.display(),
            diagnostics.len() - errors
        );
        return Ok(ExitCode::from(1));
    }
    writeln!(
        std::io::stdout().lock(),
        "{}: ok ({} warnings)",
        file.display(),
        diagnostics.len()
    )?;
    Ok(ExitCode::SUCCESS)
}
