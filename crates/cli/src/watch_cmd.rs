//! `rmmguard watch`: follow files and folders as they grow, keep findings and
//! incidents in a state file, print what changes; and `rmmguard incidents`:
//! list, show, acknowledge, assign and close the incidents it keeps.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use rmmguard::findings::Severity;
use rmmguard::live::{Change, Live, LiveConfig, Polled};
use rmmguard::sinks::safe::terminal;
use rmmguard::sinks::text::{Block, Document, Table};
use rmmguard::store::{IncidentRow, Status, Store};
use rmmguard_words::counted;

use crate::args::{DetectArgs, parse_severity};

/// Where the state is kept unless --state says otherwise.
const DEFAULT_STATE: &str = "rmmguard-state.db";

/// Flags of `rmmguard watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Files and folders to follow (new files, appends, renames, rotation)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub detect: DetectArgs,

    /// The state file (SQLite): read positions, findings, incidents. Watch
    /// resumes from it after a restart or a crash, with no finding lost or
    /// doubled
    #[arg(long, value_name = "FILE", default_value = DEFAULT_STATE)]
    pub state: PathBuf,

    /// How often to look for new data (e.g. 500ms, 2s)
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_duration)]
    pub interval: Duration,

    /// How long a file must be still before a whole-file format (EVTX,
    /// Zeek, EVE, pcap, mail, .gz) is read (again). JSON lines are read line
    /// by line as each line break is written
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    pub settle: Duration,

    /// Close open incidents that had no new finding for this long
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = parse_duration)]
    pub close_after: Duration,

    /// Read everything there is now, store it, print what changed and exit
    /// (the batch view: the same findings and incidents as `hunt`)
    #[arg(long)]
    pub once: bool,

    /// Send each new or changed finding and incident to the SIEM and chat
    /// receivers of a forwarding file as it happens (see docs/FORWARD.md);
    /// the receivers' own minimum severity applies
    #[arg(long, value_name = "FILE")]
    pub forward: Option<PathBuf>,

    /// Print changed findings at or above this severity: info, low, medium,
    /// high or critical (incidents are always printed)
    #[arg(long, default_value = "low", value_name = "SEVERITY", value_parser = parse_severity)]
    pub min_severity: Severity,
}

/// `rmmguard incidents …`.
#[derive(Debug, Subcommand)]
pub enum IncidentsCommand {
    /// List the incidents (open and acknowledged; --all adds closed ones)
    List {
        #[command(flatten)]
        state: StateArg,
        /// Closed incidents too
        #[arg(long)]
        all: bool,
    },
    /// Show one incident: its story, its findings and its log
    Show {
        /// The incident's number
        number: u64,
        #[command(flatten)]
        state: StateArg,
    },
    /// Acknowledge an incident (and take it, if nobody has)
    Ack {
        /// The incident's number
        number: u64,
        /// Who acknowledges it
        #[arg(long = "as", value_name = "NAME")]
        who: String,
        #[command(flatten)]
        state: StateArg,
    },
    /// Assign an incident to someone
    Assign {
        /// The incident's number
        number: u64,
        /// Who takes it
        #[arg(value_name = "NAME")]
        to: String,
        #[command(flatten)]
        state: StateArg,
    },
    /// Close an incident with a note saying why
    Close {
        /// The incident's number
        number: u64,
        /// Why it is closed (kept in its log)
        #[arg(long, value_name = "TEXT")]
        note: String,
        #[command(flatten)]
        state: StateArg,
    },
}

/// The state file flag of `incidents`.
#[derive(Debug, Args)]
pub struct StateArg {
    /// The state file `watch` writes
    #[arg(long, value_name = "FILE", default_value = DEFAULT_STATE)]
    pub state: PathBuf,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let span: jiff::SignedDuration = text
        .parse()
        .map_err(|e| format!("{e} (write e.g. 500ms, 2s, 15m, 24h)"))?;
    Duration::try_from(span).map_err(|_| "a duration cannot be negative".to_owned())
}

pub fn watch(args: &WatchArgs, data_dir: &Path) -> Result<ExitCode> {
    let (detector, hunt, _) = crate::setup::engine(&args.detect, data_dir)?;
    for path in &args.paths {
        if !path.exists() {
            bail!("{}: no such file or folder", path.display());
        }
    }
    let mut forwarder = args
        .forward
        .as_deref()
        .map(crate::forward_cmd::open)
        .transpose()?;
    let store = Store::open(&args.state)?;
    let config = LiveConfig {
        hunt,
        settle: args.settle,
        close_after: args.close_after,
    };
    let mut live = Live::new(&args.paths, &detector, config, store)?;
    eprintln!(
        "rmmguard: watch: following {} with state in {}{}",
        counted(args.paths.len(), "path"),
        args.state.display(),
        if args.once {
            " (once)"
        } else {
            "; Ctrl-C stops (the state is always whole)"
        }
    );
    let stdout = io::stdout();
    let mut first = true;
    let mut failed: Option<io::Error> = None;
    // No stop flag: a signal ends the process, and the state is whole at every
    // instant (each checkpoint is one transaction).
    live.run(
        args.interval,
        args.once,
        &|| false,
        &mut |polled, changes| {
            if first || args.once {
                report_poll(polled);
                first = false;
            }
            let mut out = stdout.lock();
            for change in changes {
                if let Some(line) = describe(change, args.min_severity)
                    && let Err(error) = writeln!(out, "{line}")
                {
                    failed.get_or_insert(error);
                }
            }
            let _ = out.flush();
            if let Some(forwarder) = forwarder.as_mut() {
                forward(forwarder, changes);
            }
        },
    )?;
    if let Some(error) = failed {
        return Err(error).context("cannot write to standard output");
    }
    Ok(ExitCode::SUCCESS)
}

fn report_poll(polled: &Polled) {
    eprintln!(
        "rmmguard: watch: {} followed ({} new, {} gone), {} read",
        counted(polled.files, "file"),
        polled.new_files,
        polled.gone,
        counted(polled.bytes, "byte"),
    );
}

/// Sends what changed: findings by their id, incidents by their number.
fn forward(forwarder: &mut rmmguard_forward::Forwarder, changes: &[Change]) {
    use rmmguard_forward::Item;
    if changes.is_empty() {
        return;
    }
    for change in changes {
        match change {
            Change::NewFinding(record) | Change::FindingChanged { record, .. } => {
                forwarder.submit(&Item::finding(record.id.clone(), record.clone()));
            }
            Change::IncidentOpened { number, record }
            | Change::IncidentUpdated { number, record, .. }
            | Change::IncidentClosed { number, record, .. } => {
                forwarder.submit(&Item::incident(
                    format!("incident-{number}"),
                    record.clone(),
                ));
            }
            Change::FindingRetired(_) => {}
        }
    }
    forwarder.flush();
}

/// One line for a change, or nothing below the severity shown.
fn describe(change: &Change, min: Severity) -> Option<String> {
    let now = jiff::Timestamp::now().strftime("%H:%M:%S");
    let line = match change {
        Change::NewFinding(record) if record.severity >= min => format!(
            "{now} finding  new      {:<8} {} {} {}",
            record.severity,
            record.rule_id,
            record.id,
            terminal(&record.summary)
        ),
        Change::FindingChanged { record, was } if record.severity >= min => format!(
            "{now} finding  updated  {:<8} {} {} {} ({} events{})",
            record.severity,
            record.rule_id,
            record.id,
            terminal(&record.summary),
            record.count,
            if *was == record.severity {
                String::new()
            } else {
                format!(", was {was}")
            }
        ),
        Change::IncidentOpened { number, record } => format!(
            "{now} incident opened   {:<8} #{number} {}",
            record.severity,
            terminal(&record.title)
        ),
        Change::IncidentUpdated {
            number,
            record,
            what,
        } => format!(
            "{now} incident updated  {:<8} #{number} {} ({})",
            record.severity,
            terminal(&record.title),
            terminal(&what.join("; "))
        ),
        Change::IncidentClosed {
            number,
            record,
            why,
        } => format!(
            "{now} incident closed   {:<8} #{number} {} ({})",
            record.severity,
            terminal(&record.title),
            terminal(why.trim_start_matches("closed: "))
        ),
        _ => return None,
    };
    Some(line)
}

pub fn incidents(command: IncidentsCommand) -> Result<ExitCode> {
    let now = jiff::Timestamp::now();
    match command {
        IncidentsCommand::List { state, all } => {
            let store = open_existing(&state.state)?;
            let statuses: &[Status] = if all {
                &[Status::Open, Status::Acknowledged, Status::Closed]
            } else {
                &[Status::Open, Status::Acknowledged]
            };
            let rows = store.incidents(statuses)?;
            print_list(&rows)?;
        }
        IncidentsCommand::Show { number, state } => {
            let store = open_existing(&state.state)?;
            print_one(&store, number)?;
        }
        IncidentsCommand::Ack { number, who, state } => {
            open_existing(&state.state)?.acknowledge(number, &who, now)?;
            eprintln!("rmmguard: incident #{number} acknowledged by {who}");
        }
        IncidentsCommand::Assign { number, to, state } => {
            open_existing(&state.state)?.assign(number, &to, now)?;
            eprintln!("rmmguard: incident #{number} assigned to {to}");
        }
        IncidentsCommand::Close {
            number,
            note,
            state,
        } => {
            open_existing(&state.state)?.close(number, &note, now)?;
            eprintln!("rmmguard: incident #{number} closed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The state file, which must exist (a typo must not create an empty one).
fn open_existing(path: &Path) -> Result<Store> {
    if !path.exists() {
        bail!(
            "{}: no state file here (`rmmguard watch --state {}` writes it)",
            path.display(),
            path.display()
        );
    }
    Ok(Store::open(path)?)
}

fn print_list(rows: &[IncidentRow]) -> Result<()> {
    if rows.is_empty() {
        println!("No incidents.");
        return Ok(());
    }
    let table = Table::new(
        &[
            "#", "STATUS", "SEVERITY", "KIND", "ASSIGNEE", "UPDATED", "TITLE",
        ],
        rows.iter()
            .map(|row| {
                vec![
                    row.number.to_string(),
                    row.status.to_string(),
                    row.record.severity.to_string(),
                    row.record.kind.as_str().to_owned(),
                    terminal(row.assignee.as_deref().unwrap_or("-")).into_owned(),
                    row.updated_at.strftime("%Y-%m-%d %H:%M").to_string(),
                    terminal(&row.record.title).into_owned(),
                ]
            })
            .collect(),
    );
    crate::output::write_to(Path::new("-"), |out| {
        Document(vec![Block::Table(table)]).write(out)
    })
}

fn print_one(store: &Store, number: u64) -> Result<()> {
    let row = store.incident(number)?;
    let mut out = String::new();
    let record = &row.record;
    out.push_str(&format!(
        "#{number} {} {} ({})\n{}\n",
        record.severity,
        record.kind.as_str(),
        row.status,
        terminal(&record.title)
    ));
    if let Some(assignee) = &row.assignee {
        out.push_str(&format!("assigned to {}\n", terminal(assignee)));
    }
    for reason in &record.reasons {
        out.push_str(&format!("  why: {}\n", terminal(reason)));
    }
    out.push_str("timeline:\n");
    for entry in &record.timeline {
        out.push_str(&format!(
            "  {} {} {} {} {}\n",
            entry.time.map_or("-".to_owned(), |t| t.to_string()),
            entry.rule_id,
            entry.finding_id,
            entry.stage.map_or("-", |s| s.as_str()),
            terminal(&entry.summary)
        ));
    }
    out.push_str("log:\n");
    for event in store.log(number)? {
        out.push_str(&format!("  {} {}\n", event.at, terminal(&event.what)));
    }
    crate::output::write_to(Path::new("-"), |w| w.write_all(out.as_bytes()))
}
