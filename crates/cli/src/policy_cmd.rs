//! `rmmguard policy check`: every problem in a policy file, with line and
//! column; and the warning `hunt` gives about exclusions that expired.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use jiff::civil::Date;
use rmmguard::findings::Finding;
use rmmguard::policy::{Context, Policy, Severity};
use rmmguard_words::counted;

use crate::args::PolicyCommand;
use crate::load;

pub fn run(command: PolicyCommand, data_dir: &Path) -> Result<ExitCode> {
    let PolicyCommand::Check { file } = command;
    let text =
        fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let catalog = load::catalog(data_dir, false)?;
    let known = load::known_tools(&catalog);
    let rules = load::rule_ids();
    let context = Context {
        known_tool: &known,
        rule_ids: &rules,
        today: jiff::Zoned::now().date(),
    };
    let diagnostics = match Policy::check_with(&text, &context) {
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
            "{}: {}, {}",
            file.display(),
            counted(errors, "error"),
            counted(diagnostics.len() - errors, "warning")
        );
        return Ok(ExitCode::from(1));
    }
    writeln!(
        std::io::stdout().lock(),
        "{}: ok ({})",
        file.display(),
        counted(diagnostics.len(), "warning")
    )?;
    Ok(ExitCode::SUCCESS)
}

/// One warning line per exclusion that expired before `today`, with how
/// many of this run's findings it would have covered (they are reported,
/// not dropped): an expired exclusion is never ignored silently.
pub fn expired_warnings(
    file: &Path,
    policy: &Policy,
    today: Date,
    findings: &[Finding],
) -> Vec<String> {
    let mut covered: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for finding in findings {
        let exclusion = policy.expired_exclusion_for(
            finding.rule.id,
            finding.tool.as_ref().map(|t| &*t.id),
            finding.host.as_deref(),
            finding.tenant.as_deref(),
            today,
        );
        if let Some(exclusion) = exclusion {
            *covered
                .entry((exclusion.line, exclusion.column))
                .or_default() += 1;
        }
    }
    policy
        .expired_exclusions(today)
        .map(|exclusion| {
            let count = covered
                .get(&(exclusion.line, exclusion.column))
                .copied()
                .unwrap_or(0);
            let effect = match count {
                0 => "no finding of this run falls under it".to_owned(),
                1 => "1 finding it would cover is reported".to_owned(),
                n => format!("{} it would cover are reported", counted(n, "finding")),
            };
            format!(
                "rmmguard: warning: {}:{}:{}: the exclusion for {} (\"{}\") expired on {} and no longer applies: {effect}; renew or remove it",
                file.display(),
                exclusion.line,
                exclusion.column,
                exclusion.scope(),
                exclusion.reason,
                exclusion.expires,
            )
        })
        .collect()
}
