//! The SQLite file and everything read from or written to it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rmmguard_findings::Severity;
use rmmguard_findings::wire::{FindingRecord, IncidentRecord};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::{Error, IncidentEvent, IncidentRow, Status};

/// The layout this build writes; a file with another is refused, not guessed at.
const FORMAT: &str = "1";

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS files (
        dev INTEGER NOT NULL, ino INTEGER NOT NULL, path TEXT NOT NULL,
        head_len INTEGER NOT NULL, head_hash INTEGER NOT NULL,
        size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, watermark INTEGER NOT NULL,
        PRIMARY KEY (dev, ino));
    CREATE TABLE IF NOT EXISTS findings (
        id TEXT PRIMARY KEY, severity INTEGER NOT NULL, rule_id TEXT NOT NULL,
        host TEXT, record TEXT NOT NULL, current INTEGER NOT NULL,
        stored_at TEXT NOT NULL, updated_at TEXT NOT NULL, revision INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS findings_by_severity ON findings (severity, updated_at);
    CREATE TABLE IF NOT EXISTS incidents (
        number INTEGER PRIMARY KEY, status TEXT NOT NULL, record TEXT NOT NULL,
        findings TEXT NOT NULL, opened_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        closed_at TEXT, assignee TEXT, note TEXT);
    CREATE TABLE IF NOT EXISTS incident_log (
        number INTEGER NOT NULL, at TEXT NOT NULL, what TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS incident_log_by_number ON incident_log (number);";

/// A followed file: who it is and how far it has been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    /// Where it was last seen.
    pub path: String,
    /// Device and inode: the file across renames.
    pub dev: u64,
    /// See `dev`.
    pub ino: u64,
    /// How many first bytes `head_hash` covers.
    pub head_len: u64,
    /// A hash of the first bytes: tells a new file that reused an inode.
    pub head_hash: u64,
    /// Size when last read.
    pub size: u64,
    /// Modification time when last read (nanoseconds since the epoch).
    pub mtime_ns: i64,
    /// Bytes read: everything before it has been judged.
    pub watermark: u64,
}

/// A finding as stored: its latest version and when it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFinding {
    /// The latest version.
    pub record: FindingRecord,
    /// Whether the latest judgement still produces it (a finding of a file
    /// since deleted, or one that later evidence changed into another, is
    /// kept but no longer current).
    pub current: bool,
    /// When it was first stored.
    pub stored_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// How many times it changed after it was first stored.
    pub revision: u64,
}

/// What one checkpoint writes, in one transaction.
#[derive(Debug, Default)]
pub struct Batch {
    files: Option<Vec<FileRow>>,
    findings: Vec<FindingRecord>,
    retired: Vec<String>,
    opened: Vec<(u64, IncidentRecord, BTreeSet<String>)>,
    updated: Vec<(u64, IncidentRecord, BTreeSet<String>, bool)>,
    closed: Vec<u64>,
    log: Vec<(u64, String)>,
}

impl Batch {
    /// Replaces the followed files with `files`.
    pub fn files(&mut self, files: Vec<FileRow>) {
        self.files = Some(files);
    }

    /// Stores a new finding, or a new version of one.
    pub fn finding(&mut self, record: FindingRecord) {
        self.findings.push(record);
    }

    /// Marks a finding as no longer produced.
    pub fn retire(&mut self, id: String) {
        self.retired.push(id);
    }

    /// Opens incident `number` (from [`Store::next_incident`]).
    pub fn open(&mut self, number: u64, record: IncidentRecord, findings: BTreeSet<String>) {
        self.opened.push((number, record, findings));
    }

    /// Replaces what correlation says of incident `number`; `reopen` puts a
    /// closed incident back to open.
    pub fn update(
        &mut self,
        number: u64,
        record: IncidentRecord,
        findings: BTreeSet<String>,
        reopen: bool,
    ) {
        self.updated.push((number, record, findings, reopen));
    }

    /// Closes incident `number` (a quiet period passed).
    pub fn close(&mut self, number: u64) {
        self.closed.push(number);
    }

    /// Adds a line to incident `number`'s log.
    pub fn log(&mut self, number: u64, what: String) {
        self.log.push((number, what));
    }

    /// Whether the batch already opens, updates or closes incident `number`.
    pub fn touches(&self, number: u64) -> bool {
        self.opened.iter().any(|(n, ..)| *n == number)
            || self.updated.iter().any(|(n, ..)| *n == number)
            || self.closed.contains(&number)
    }

    /// Whether the batch writes anything but file positions.
    pub fn has_changes(&self) -> bool {
        !(self.findings.is_empty()
            && self.retired.is_empty()
            && self.opened.is_empty()
            && self.updated.is_empty()
            && self.closed.is_empty())
    }
}

/// An open state file.
#[derive(Debug)]
pub struct Store {
    connection: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) a state file.
    ///
    /// # Errors
    ///
    /// The file cannot be opened or created, or another build's layout is in it.
    pub fn open(path: &Path) -> Result<Store, Error> {
        let connection = Connection::open(path).map_err(|source| Error::Sqlite {
            path: path.to_path_buf(),
            source,
        })?;
        let store = Store {
            connection,
            path: path.to_path_buf(),
        };
        store
            .connection
            .execute_batch(SCHEMA)
            .map_err(|e| store.sql(e))?;
        match store.meta("format")? {
            None => store.set_meta("format", FORMAT)?,
            Some(format) if format == FORMAT => {}
            Some(other) => {
                return Err(store.damaged(format!(
                    "layout {other}, this build reads {FORMAT}; start a new state file"
                )));
            }
        }
        Ok(store)
    }

    /// The state file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every followed file.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn files(&self) -> Result<Vec<FileRow>, Error> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT path, dev, ino, head_len, head_hash, size, mtime_ns, watermark
                 FROM files ORDER BY path",
            )
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(FileRow {
                    path: row.get(0)?,
                    dev: row.get::<_, i64>(1)? as u64,
                    ino: row.get::<_, i64>(2)? as u64,
                    head_len: row.get::<_, i64>(3)? as u64,
                    head_hash: row.get::<_, i64>(4)? as u64,
                    size: row.get::<_, i64>(5)? as u64,
                    mtime_ns: row.get(6)?,
                    watermark: row.get::<_, i64>(7)? as u64,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Findings at or above `min` severity, most severe and most recently
    /// changed first; with `current_only`, only those the latest judgement produces.
    ///
    /// # Errors
    ///
    /// SQLite fails, or a stored record does not parse.
    pub fn findings(&self, min: Severity, current_only: bool) -> Result<Vec<StoredFinding>, Error> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT record, current, stored_at, updated_at, revision FROM findings
                 WHERE severity >= ?1 AND (current = 1 OR ?2 = 0)
                 ORDER BY severity DESC, updated_at DESC, id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map(params![severity_rank(min), current_only], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, bool>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                ))
            })
            .map_err(|e| self.sql(e))?;
        let mut found = Vec::new();
        for row in rows {
            let (record, current, stored_at, updated_at, revision) =
                row.map_err(|e| self.sql(e))?;
            found.push(StoredFinding {
                record: self.json(&record)?,
                current,
                stored_at: self.time(&stored_at)?,
                updated_at: self.time(&updated_at)?,
                revision: revision as u64,
            });
        }
        Ok(found)
    }

    /// Incidents in any of `statuses`, most recently changed first.
    ///
    /// # Errors
    ///
    /// SQLite fails, or a stored record does not parse.
    pub fn incidents(&self, statuses: &[Status]) -> Result<Vec<IncidentRow>, Error> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT number, status, record, findings, opened_at, updated_at, closed_at,
                        assignee, note
                 FROM incidents ORDER BY updated_at DESC, number DESC",
            )
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], raw_incident)
            .map_err(|e| self.sql(e))?;
        let mut found = Vec::new();
        for row in rows {
            let incident = self.incident_of(row.map_err(|e| self.sql(e))?)?;
            if statuses.contains(&incident.status) {
                found.push(incident);
            }
        }
        Ok(found)
    }

    /// One incident.
    ///
    /// # Errors
    ///
    /// No such incident, SQLite fails, or the record does not parse.
    pub fn incident(&self, number: u64) -> Result<IncidentRow, Error> {
        let raw = self
            .connection
            .query_row(
                "SELECT number, status, record, findings, opened_at, updated_at, closed_at,
                        assignee, note
                 FROM incidents WHERE number = ?1",
                [number as i64],
                raw_incident,
            )
            .optional()
            .map_err(|e| self.sql(e))?
            .ok_or(Error::NoIncident(number))?;
        self.incident_of(raw)
    }

    /// An incident's log, oldest first.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn log(&self, number: u64) -> Result<Vec<IncidentEvent>, Error> {
        let mut statement = self
            .connection
            .prepare("SELECT at, what FROM incident_log WHERE number = ?1 ORDER BY rowid")
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([number as i64], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(|e| self.sql(e))?;
        let mut log = Vec::new();
        for row in rows {
            let (at, what) = row.map_err(|e| self.sql(e))?;
            log.push(IncidentEvent {
                number,
                at: self.time(&at)?,
                what,
            });
        }
        Ok(log)
    }

    /// The number the next incident gets.
    ///
    /// # Errors
    ///
    /// SQLite fails.
    pub fn next_incident(&self) -> Result<u64, Error> {
        let max: Option<i64> = self
            .connection
            .query_row("SELECT MAX(number) FROM incidents", [], |row| row.get(0))
            .map_err(|e| self.sql(e))?;
        Ok(max.map_or(1, |n| n as u64 + 1))
    }

    /// Writes a checkpoint in one transaction, stamped `now`.
    ///
    /// # Errors
    ///
    /// SQLite fails; nothing is written then.
    pub fn commit(&mut self, batch: &Batch, now: Timestamp) -> Result<(), Error> {
        let path = self.path.clone();
        let sql = |source| Error::Sqlite {
            path: path.clone(),
            source,
        };
        let now = now.to_string();
        let tx = self.connection.transaction().map_err(sql)?;
        if let Some(files) = &batch.files {
            tx.execute("DELETE FROM files", []).map_err(sql)?;
            let mut insert = tx
                .prepare(
                    "INSERT INTO files (path, dev, ino, head_len, head_hash, size, mtime_ns, watermark)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(sql)?;
            for f in files {
                insert
                    .execute(params![
                        f.path,
                        f.dev as i64,
                        f.ino as i64,
                        f.head_len as i64,
                        f.head_hash as i64,
                        f.size as i64,
                        f.mtime_ns,
                        f.watermark as i64
                    ])
                    .map_err(sql)?;
            }
        }
        {
            let mut upsert = tx
                .prepare(
                    "INSERT INTO findings (id, severity, rule_id, host, record, current,
                                           stored_at, updated_at, revision)
                     VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6, 0)
                     ON CONFLICT (id) DO UPDATE SET severity = excluded.severity,
                         host = excluded.host, record = excluded.record, current = 1,
                         updated_at = excluded.updated_at, revision = revision + 1",
                )
                .map_err(sql)?;
            for record in &batch.findings {
                let text = serde_json::to_string(record).map_err(|e| Error::Damaged {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                upsert
                    .execute(params![
                        record.id,
                        severity_rank(record.severity),
                        record.rule_id,
                        record.host,
                        text,
                        now
                    ])
                    .map_err(sql)?;
            }
            let mut retire = tx
                .prepare("UPDATE findings SET current = 0, updated_at = ?2 WHERE id = ?1")
                .map_err(sql)?;
            for id in &batch.retired {
                retire.execute(params![id, now]).map_err(sql)?;
            }
        }
        for (number, record, findings) in &batch.opened {
            tx.execute(
                "INSERT INTO incidents (number, status, record, findings, opened_at, updated_at)
                 VALUES (?1, 'open', ?2, ?3, ?4, ?4)",
                params![*number as i64, to_json(record), to_json(findings), now],
            )
            .map_err(sql)?;
        }
        for (number, record, findings, reopen) in &batch.updated {
            tx.execute(
                "UPDATE incidents SET record = ?2, findings = ?3, updated_at = ?4,
                     status = CASE WHEN ?5 THEN 'open' ELSE status END,
                     closed_at = CASE WHEN ?5 THEN NULL ELSE closed_at END
                 WHERE number = ?1",
                params![
                    *number as i64,
                    to_json(record),
                    to_json(findings),
                    now,
                    reopen
                ],
            )
            .map_err(sql)?;
        }
        for number in &batch.closed {
            tx.execute(
                "UPDATE incidents SET status = 'closed', closed_at = ?2 WHERE number = ?1",
                params![*number as i64, now],
            )
            .map_err(sql)?;
        }
        for (number, what) in &batch.log {
            tx.execute(
                "INSERT INTO incident_log (number, at, what) VALUES (?1, ?2, ?3)",
                params![*number as i64, now, what],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)
    }

    /// An analyst acknowledges an incident (and takes it, if nobody has).
    ///
    /// # Errors
    ///
    /// No such incident, or SQLite fails.
    pub fn acknowledge(&mut self, number: u64, who: &str, now: Timestamp) -> Result<(), Error> {
        let update =
            "UPDATE incidents SET status = 'acknowledged', assignee = COALESCE(assignee, ?2)
             WHERE number = ?1 AND status != 'closed'";
        self.analyst(
            number,
            update,
            &[&who],
            &format!("acknowledged by {who}"),
            now,
        )
    }

    /// An analyst assigns an incident to someone.
    ///
    /// # Errors
    ///
    /// No such incident, or SQLite fails.
    pub fn assign(&mut self, number: u64, to: &str, now: Timestamp) -> Result<(), Error> {
        let update = "UPDATE incidents SET assignee = ?2 WHERE number = ?1";
        self.analyst(number, update, &[&to], &format!("assigned to {to}"), now)
    }

    /// An analyst closes an incident with a note.
    ///
    /// # Errors
    ///
    /// No such incident, or SQLite fails.
    pub fn close(&mut self, number: u64, note: &str, now: Timestamp) -> Result<(), Error> {
        let update =
            "UPDATE incidents SET status = 'closed', note = ?2, closed_at = ?3 WHERE number = ?1";
        let at = now.to_string();
        self.analyst(
            number,
            update,
            &[&note, &at],
            &format!("closed: {note}"),
            now,
        )
    }

    /// Runs an analyst's `update` (`?1` is the number, then `values`) and logs `what`.
    fn analyst(
        &mut self,
        number: u64,
        update: &str,
        values: &[&dyn rusqlite::ToSql],
        what: &str,
        now: Timestamp,
    ) -> Result<(), Error> {
        let path = self.path.clone();
        let sql = |source| Error::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.connection.transaction().map_err(sql)?;
        let number_sql = number as i64;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT number FROM incidents WHERE number = ?1",
                [number_sql],
                |row| row.get(0),
            )
            .optional()
            .map_err(sql)?;
        if exists.is_none() {
            return Err(Error::NoIncident(number));
        }
        let mut bound: Vec<&dyn rusqlite::ToSql> = vec![&number_sql];
        bound.extend_from_slice(values);
        tx.execute(update, bound.as_slice()).map_err(sql)?;
        tx.execute(
            "INSERT INTO incident_log (number, at, what) VALUES (?1, ?2, ?3)",
            params![number_sql, now.to_string(), what],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)
    }

    fn meta(&self, key: &str) -> Result<Option<String>, Error> {
        self.connection
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()
            .map_err(|e| self.sql(e))
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), Error> {
        self.connection
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map(drop)
            .map_err(|e| self.sql(e))
    }

    fn incident_of(&self, raw: RawIncident) -> Result<IncidentRow, Error> {
        Ok(IncidentRow {
            number: raw.number as u64,
            status: raw.status.parse().map_err(|e| self.damaged(e))?,
            record: self.json(&raw.record)?,
            findings: self.json(&raw.findings)?,
            opened_at: self.time(&raw.opened_at)?,
            updated_at: self.time(&raw.updated_at)?,
            closed_at: raw.closed_at.map(|t| self.time(&t)).transpose()?,
            assignee: raw.assignee,
            note: raw.note,
        })
    }

    fn json<T: serde::de::DeserializeOwned>(&self, text: &str) -> Result<T, Error> {
        serde_json::from_str(text).map_err(|e| self.damaged(format!("a stored record: {e}")))
    }

    fn time(&self, text: &str) -> Result<Timestamp, Error> {
        text.parse()
            .map_err(|e| self.damaged(format!("a stored time {text:?}: {e}")))
    }

    fn sql(&self, source: rusqlite::Error) -> Error {
        Error::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn damaged(&self, message: String) -> Error {
        Error::Damaged {
            path: self.path.clone(),
            message,
        }
    }
}

struct RawIncident {
    number: i64,
    status: String,
    record: String,
    findings: String,
    opened_at: String,
    updated_at: String,
    closed_at: Option<String>,
    assignee: Option<String>,
    note: Option<String>,
}

fn raw_incident(row: &Row<'_>) -> rusqlite::Result<RawIncident> {
    Ok(RawIncident {
        number: row.get(0)?,
        status: row.get(1)?,
        record: row.get(2)?,
        findings: row.get(3)?,
        opened_at: row.get(4)?,
        updated_at: row.get(5)?,
        closed_at: row.get(6)?,
        assignee: row.get(7)?,
        note: row.get(8)?,
    })
}

/// Severity as a number that sorts (info 0 … critical 4).
fn severity_rank(severity: Severity) -> i64 {
    Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .map_or(0, |i| i as i64)
}

/// Our own records always serialize; an empty object would only hide a bug.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
