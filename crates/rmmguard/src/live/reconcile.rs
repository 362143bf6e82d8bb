//! What changed since the last checkpoint: findings by id, incidents by the
//! findings they share with stored ones, and incidents gone quiet.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};
use rmmguard_findings::wire::{FindingRecord, IncidentRecord};
use rmmguard_findings::{Finding, Incident, Severity};
use rmmguard_store::{Batch, IncidentRow, Status, Store};

use crate::Error;

/// How often open incidents are checked for a quiet period.
const QUIET_CHECK: SignedDuration = SignedDuration::from_secs(60);

/// One change a checkpoint made, for the terminal and other outputs.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A finding seen for the first time.
    NewFinding(FindingRecord),
    /// A finding that gathered evidence or changed severity.
    FindingChanged {
        /// Its new version.
        record: FindingRecord,
        /// Its severity before.
        was: Severity,
    },
    /// A finding the latest judgement no longer produces (its file is gone,
    /// or later evidence changed it into another); it stays in the store.
    FindingRetired(String),
    /// A new incident.
    IncidentOpened {
        /// Its number in the store.
        number: u64,
        /// What it is.
        record: IncidentRecord,
    },
    /// An incident that grew (a finding, stage or host joined; the severity
    /// rose), or came back after it was closed.
    IncidentUpdated {
        /// Its number.
        number: u64,
        /// What it is now.
        record: IncidentRecord,
        /// What changed, in words.
        what: Vec<String>,
    },
    /// An incident closed: after a quiet period, merged into another, or
    /// no longer given by correlation.
    IncidentClosed {
        /// Its number.
        number: u64,
        /// What it was.
        record: IncidentRecord,
        /// Why, in words.
        why: String,
    },
}

/// What the store holds, as far as deciding what changed needs.
#[derive(Debug, Default)]
pub(crate) struct Known {
    /// Finding id → (hash of its record, severity, current).
    findings: HashMap<String, (u64, Severity, bool)>,
    /// Written by the batch being built; applied once it is committed.
    pending: Vec<(String, u64, Severity, bool)>,
    last_quiet_check: Option<Timestamp>,
}

impl Known {
    pub fn load(store: &Store) -> Result<Known, Error> {
        let mut known = Known::default();
        for stored in store.findings(Severity::Info, false)? {
            let hash = record_hash(&stored.record);
            let severity = stored.record.severity;
            known
                .findings
                .insert(stored.record.id, (hash, severity, stored.current));
        }
        Ok(known)
    }

    /// The batch was committed: what it wrote is now known.
    pub fn committed(&mut self) {
        for (id, hash, severity, current) in self.pending.drain(..) {
            self.findings.insert(id, (hash, severity, current));
        }
    }

    /// New, changed and retired findings, from the latest judgement.
    pub fn findings(&mut self, findings: &[Finding], batch: &mut Batch, changes: &mut Vec<Change>) {
        self.pending.clear();
        let mut produced = HashSet::with_capacity(findings.len());
        for finding in findings {
            let record = FindingRecord::from(finding);
            let hash = record_hash(&record);
            produced.insert(finding.id.as_str());
            match self.findings.get(&finding.id) {
                Some(&(old, _, true)) if old == hash => continue,
                Some(&(_, was, _)) => changes.push(Change::FindingChanged {
                    record: record.clone(),
                    was,
                }),
                None => changes.push(Change::NewFinding(record.clone())),
            }
            self.pending
                .push((finding.id.clone(), hash, finding.severity, true));
            batch.finding(record);
        }
        for (id, &(hash, severity, current)) in &self.findings {
            if current && !produced.contains(id.as_str()) {
                self.pending.push((id.clone(), hash, severity, false));
                batch.retire(id.clone());
                changes.push(Change::FindingRetired(id.clone()));
            }
        }
    }

    /// Matches the incidents correlation gives now with the stored ones:
    /// the same kind sharing a finding is the same incident.
    pub fn incidents(
        &mut self,
        store: &Store,
        incidents: &[Incident],
        batch: &mut Batch,
        changes: &mut Vec<Change>,
    ) -> Result<(), Error> {
        let stored = store.incidents(&[Status::Open, Status::Acknowledged, Status::Closed])?;
        let mut taken = HashSet::new();
        let mut now_holds: Vec<(u64, BTreeSet<String>)> = Vec::new();
        let mut next = store.next_incident()?;
        for incident in incidents {
            let ids: BTreeSet<String> = incident
                .timeline
                .iter()
                .map(|entry| entry.finding.clone())
                .collect();
            let mut record = IncidentRecord::from(incident);
            match best_match(&stored, &record, &ids, &taken) {
                Some(row) => {
                    taken.insert(row.number);
                    now_holds.push((row.number, ids.clone()));
                    record.id = format!("#{}", row.number);
                    if record == row.record && ids == row.findings {
                        continue;
                    }
                    let reopen = row.status == Status::Closed;
                    let mut what = describe(&row.record, &record, &row.findings, &ids);
                    if reopen {
                        what.insert(0, "reopened".to_owned());
                    }
                    if what.is_empty() {
                        what.push("details changed".to_owned());
                    }
                    for line in &what {
                        batch.log(row.number, line.clone());
                    }
                    batch.update(row.number, record.clone(), ids, reopen);
                    changes.push(Change::IncidentUpdated {
                        number: row.number,
                        record,
                        what,
                    });
                }
                None => {
                    let number = next;
                    next += 1;
                    record.id = format!("#{number}");
                    now_holds.push((number, ids.clone()));
                    batch.log(number, format!("opened: {}", record.title));
                    batch.open(number, record.clone(), ids);
                    changes.push(Change::IncidentOpened { number, record });
                }
            }
        }
        // What correlation no longer gives is over: merged into another
        // incident, or its findings are gone.
        for row in &stored {
            if row.status == Status::Closed || taken.contains(&row.number) {
                continue;
            }
            let into = now_holds
                .iter()
                .find(|(_, ids)| !ids.is_disjoint(&row.findings))
                .map(|(number, _)| *number);
            let why = match into {
                Some(number) => format!("closed: merged into #{number}"),
                None => "closed: correlation no longer gives it (its findings changed or are gone)"
                    .to_owned(),
            };
            batch.log(row.number, why.clone());
            batch.close(row.number);
            changes.push(Change::IncidentClosed {
                number: row.number,
                record: row.record.clone(),
                why,
            });
        }
        Ok(())
    }

    /// Closes open incidents that had no new finding for `quiet` (checked once a minute).
    pub fn close_quiet(
        &mut self,
        store: &Store,
        now: Timestamp,
        quiet: SignedDuration,
        batch: &mut Batch,
        changes: &mut Vec<Change>,
    ) -> Result<(), Error> {
        if self
            .last_quiet_check
            .is_some_and(|last| now.duration_since(last) < QUIET_CHECK)
        {
            return Ok(());
        }
        self.last_quiet_check = Some(now);
        for row in store.incidents(&[Status::Open, Status::Acknowledged])? {
            if now.duration_since(row.updated_at) >= quiet && !batch.touches(row.number) {
                let why = format!("closed: no new finding for {quiet:#}");
                batch.log(row.number, why.clone());
                batch.close(row.number);
                changes.push(Change::IncidentClosed {
                    number: row.number,
                    record: row.record,
                    why,
                });
            }
        }
        Ok(())
    }
}

/// The stored incident of the same kind sharing the most findings (open
/// ones before closed ones), not yet matched.
fn best_match<'s>(
    stored: &'s [IncidentRow],
    record: &IncidentRecord,
    ids: &BTreeSet<String>,
    taken: &HashSet<u64>,
) -> Option<&'s IncidentRow> {
    stored
        .iter()
        .filter(|row| row.record.kind == record.kind && !taken.contains(&row.number))
        .map(|row| (row.findings.intersection(ids).count(), row))
        .filter(|(shared, _)| *shared > 0)
        .max_by_key(|(shared, row)| (*shared, row.status != Status::Closed, row.number))
        .map(|(_, row)| row)
}

/// What changed between two versions of an incident, in words.
fn describe(
    old: &IncidentRecord,
    new: &IncidentRecord,
    old_ids: &BTreeSet<String>,
    new_ids: &BTreeSet<String>,
) -> Vec<String> {
    let mut what = Vec::new();
    for stage in new.stages.iter().filter(|s| !old.stages.contains(s)) {
        what.push(format!("stage {stage} joined"));
    }
    for host in new.hosts.iter().filter(|h| !old.hosts.contains(h)) {
        what.push(format!("host {host} joined"));
    }
    for site in new.sites.iter().filter(|s| !old.sites.contains(s)) {
        what.push(format!("site {site} joined"));
    }
    if new.severity > old.severity {
        what.push(format!("severity rose to {}", new.severity));
    }
    let joined = new_ids.difference(old_ids).count();
    if joined > 0 {
        what.push(rmmguard_words::counted(joined, "finding") + " joined");
    }
    what
}

/// A hash of a record's JSON: equal records hash equal.
fn record_hash(record: &FindingRecord) -> u64 {
    let text = serde_json::to_vec(record).unwrap_or_default();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
