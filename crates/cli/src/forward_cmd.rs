//! `hunt --forward FILE`: send the run's findings and incidents to the
//! receivers of a forwarding file, and say what each took.

use std::path::Path;

use anyhow::{Context, Result};
use rmmguard::findings::wire::{FindingRecord, IncidentRecord};
use rmmguard::findings::{Finding, Incident};
use rmmguard_forward::{Config, Forwarder, Item, Snapshot};
use rmmguard_words::counted;

/// Reads the forwarding file and opens every target's spool, before the
/// hunt, so a mistake in it costs no hunting time.
pub fn open(path: &Path) -> Result<Forwarder> {
    let config = Config::load(path)?;
    if config.forward.is_empty() {
        anyhow::bail!("{}: no [[forward]] table", path.display());
    }
    Forwarder::new(&config).with_context(|| format!("cannot set up {}", path.display()))
}

/// Sends every finding, then every incident, and prints each target's
/// counters unless `quiet`; the total comes back for the exit status.
pub fn send(
    forwarder: &mut Forwarder,
    findings: &[Finding],
    incidents: &[Incident],
    quiet: bool,
) -> Snapshot {
    for finding in findings {
        forwarder.submit(&Item::from_finding(FindingRecord::from(finding)));
    }
    for incident in incidents {
        forwarder.submit(&Item::from_incident(IncidentRecord::from(incident)));
    }
    forwarder.flush();
    if !quiet {
        for (name, counters) in forwarder.snapshots() {
            eprintln!("forward {name}: {}", describe(&counters));
        }
    }
    forwarder.total()
}

fn describe(c: &Snapshot) -> String {
    let mut text = format!(
        "{} sent, {} retried, {} spooled, {} dropped, {} rejected",
        c.sent, c.retried, c.spooled, c.dropped, c.rejected
    );
    if c.spool_records > 0 {
        text.push_str(&format!(
            "; {} waiting in the spool for the next run",
            counted(c.spool_records as usize, "record")
        ));
    }
    text
}
