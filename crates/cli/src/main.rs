//! The `rmmguard` binary: flags → config → one call into the library → exit code.

#![forbid(unsafe_code)]

mod args;
mod audit_cmd;
mod catalog_cmd;
mod controls_cmd;
mod forward_cmd;
mod hunt_cmd;
mod load;
mod output;
mod policy_cmd;
mod progress;
mod replay_cmd;
mod serve_cmd;
mod setup;
mod simulate_cmd;
mod tenants_cmd;
mod watch_cmd;

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use rmmguard::findings::rules;
use rmmguard::sinks::text::{Block, Document, Table};

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
        Command::Watch(args) => watch_cmd::watch(&args, &data_dir),
        Command::Serve(args) => serve_cmd::run(&args, &data_dir),
        Command::Replay(args) => replay_cmd::run(&args),
        Command::Incidents(command) => watch_cmd::incidents(command),
        Command::Rules { markdown } => {
            print_rules(markdown)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_rules(markdown: bool) -> anyhow::Result<()> {
    if markdown {
        let text = rules::reference_markdown();
        return output::write_to(Path::new("-"), |out| out.write_all(text.as_bytes()));
    }
    let rows = rules::ALL
        .iter()
        .map(|rule| {
            vec![
                rule.id.to_owned(),
                rule.severity.to_string(),
                rule.attack.to_owned(),
                rule.stage.map_or("-", |s| s.as_str()).to_owned(),
                rule.name.to_owned(),
                rule.title.to_owned(),
            ]
        })
        .collect();
    let document = Document(vec![Block::Table(Table::new(
        &["ID", "SEVERITY", "ATT&CK", "STAGE", "NAME", "TITLE"],
        rows,
    ))]);
    output::write_to(Path::new("-"), |out| document.write(out))
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
