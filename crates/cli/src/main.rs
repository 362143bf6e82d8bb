//! The `rmmguard` binary: flags → config → one call into the library → exit code.

mod args;
mod audit_cmd;
mod catalog_cmd;
mod controls_cmd;
mod hunt_cmd;
mod load;
mod policy_cmd;
mod progress;
mod simulate_cmd;
mod tenants_cmd;

use std::process::ExitCode;

use std::io::Write;

use clap::Parser;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // A closed pipe (`rmmguard … | head`) ends the output, not the world.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("rmmguard: error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let data_dir = load::data_dir(cli.data_dir.as_deref());
    match cli.command {
        Command::Hunt(args) => hunt_cmd::run(&args, &data_dir),
        Command::Audit(args) => audit_cmd::run(&args, &data_dir),
        Command::Catalog(command) => catalog_cmd::run(command, &data_dir),
        Command::Policy(command) => policy_cmd::run(command, &data_dir),
        Command::Controls(args) => controls_cmd::run(&args, &data_dir),
        Command::Simulate(args) => simulate_cmd::simulate(&args),
        Command::Eval(args) => simulate_cmd::eval(&args, &data_dir),
        Command::Tenants(command) => tenants_cmd::run(command, &data_dir),
        Command::Rules { markdown } => {
            print_rules(markdown)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_rules(markdown: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if markdown {
        return write!(out, "{}", rmmguard::detect::rules::reference_markdown());
    }
    for rule in rmmguard::detect::rules::ALL {
        writeln!(
            out,
            "{}  {:<9} {:<10} {:<32} {}",
            rule.id,
            rule.severity.as_str(),
            rule.attack,
            rule.name,
            rule.title
        )?;
    }
    Ok(())
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
