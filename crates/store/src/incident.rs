//! Incidents as the store keeps them: a number, a lifecycle and a log.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use rmmguard_findings::wire::IncidentRecord;

/// Where an incident is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// New or updated, nobody has looked yet.
    Open,
    /// An analyst has seen it and is on it.
    Acknowledged,
    /// Over: closed by an analyst, or after a quiet period.
    Closed,
}

impl Status {
    /// Lower-case name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Acknowledged => "acknowledged",
            Status::Closed => "closed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(text: &str) -> Result<Status, String> {
        match text {
            "open" => Ok(Status::Open),
            "acknowledged" => Ok(Status::Acknowledged),
            "closed" => Ok(Status::Closed),
            other => Err(format!(
                "unknown status {other:?} (open, acknowledged or closed)"
            )),
        }
    }
}

/// One incident in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRow {
    /// Its number, given when it opened and never reused.
    pub number: u64,
    /// Where it is in its lifecycle.
    pub status: Status,
    /// The incident as last correlated (its `id` is the run's, not the store's).
    pub record: IncidentRecord,
    /// The ids of its findings.
    pub findings: BTreeSet<String>,
    /// When it opened.
    pub opened_at: Timestamp,
    /// When correlation last changed it (a stage, host or finding joined, the
    /// severity rose).
    pub updated_at: Timestamp,
    /// When it closed, while it is closed.
    pub closed_at: Option<Timestamp>,
    /// Who is on it.
    pub assignee: Option<String>,
    /// The analyst's note (the reason given when closing).
    pub note: Option<String>,
}

/// One line of an incident's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentEvent {
    /// The incident.
    pub number: u64,
    /// When.
    pub at: Timestamp,
    /// What happened (`opened`, `stage download joined`, `acknowledged by ana`, …).
    pub what: String,
}
