//! The watch state file: SQLite holding every tenant's state, the domains'
//! facts, the reorder buffer, and where in the input the state stops.
//!
//! A checkpoint writes the changed tenants and domains and the position in
//! one transaction, so after a crash (even `kill -9`) the file holds a state
//! and a position that belong together: records after the position are
//! read again and applied once. WAL journaling keeps commits cheap.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::config::Config;
use crate::engine::Engine;
use crate::error::Error;
use crate::event::TenantIdx;
use crate::hash::HashedMap;
use crate::reorder::Reorder;
use crate::watch::codec::{self, FORMAT, Reader, Writer};

/// Where the state stops in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Byte offset of the next record (files) or 0 (stdin).
    pub offset: u64,
    /// Lines consumed so far (the next record's line is `lines + 1`).
    pub lines: u64,
    /// Records read (valid or not).
    pub records: u64,
    /// Records skipped as invalid.
    pub skipped: u64,
    /// Hash of the input's first bytes, to notice a replaced file (0: stdin).
    pub identity: u64,
}

/// An open state file.
#[derive(Debug)]
pub struct Store {
    connection: Connection,
}

impl Store {
    /// Opens (or creates) a state file.
    ///
    /// # Errors
    ///
    /// The file cannot be opened, or holds another format.
    pub fn open(path: &Path) -> Result<Store, Error> {
        let connection = Connection::open(path).map_err(|error| Error::state(error).at(path))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
                 CREATE TABLE IF NOT EXISTS tenants (idx INTEGER PRIMARY KEY, id TEXT NOT NULL, state BLOB NOT NULL);
                 CREATE TABLE IF NOT EXISTS domains (hash INTEGER PRIMARY KEY, facts BLOB NOT NULL);",
            )
            .map_err(|error| Error::state(error).at(path))?;
        let store = Store { connection };
        match store.meta("format")? {
            None => {}
            Some(bytes) if bytes == FORMAT.to_le_bytes() => {}
            Some(_) => {
                return Err(
                    Error::state("state file written by another version; start a new one").at(path),
                );
            }
        }
        Ok(store)
    }

    /// Where the last checkpoint stopped, or `None` for a new state file.
    ///
    /// # Errors
    ///
    /// The state file is damaged.
    pub fn position(&self) -> Result<Option<Position>, Error> {
        self.meta("position")?
            .map(|bytes| decode_position(&bytes))
            .transpose()
    }

    /// Loads the engine and position, or `None` for a new state file.
    ///
    /// # Errors
    ///
    /// The state file is damaged.
    pub fn load(&self, config: Config) -> Result<Option<(Engine, Position)>, Error> {
        let Some(position) = self.meta("position")? else {
            return Ok(None);
        };
        let position = decode_position(&position)?;
        let tenants = self.load_tenants()?;
        let domains = self.load_domains()?;
        let engine_meta = self
            .meta("engine")?
            .ok_or_else(|| Error::state("no engine record"))?;
        let mut r = Reader::new(&engine_meta, "engine");
        let (now, applied, late) = (r.i64()?, r.u64()?, r.u64()?);
        let counters = [r.i64()?, r.i64()?, r.i64()?, r.i64()?];
        r.finish()?;
        let held = codec::decode_held(&self.meta("held")?.unwrap_or_default())?;
        if held
            .iter()
            .any(|h| h.event.tenant.is_some_and(|t| t as usize >= tenants.len()))
        {
            return Err(Error::state("held event of an unknown tenant"));
        }
        let reorder = Reorder::restore(held, counters, late);
        Ok(Some((
            Engine::restore(config, tenants, domains, reorder, now, applied),
            position,
        )))
    }

    /// Writes a checkpoint: the tenants and domains that changed, the
    /// reorder buffer, the clock and the position, in one transaction.
    ///
    /// # Errors
    ///
    /// SQLite fails; the previous checkpoint stays intact.
    pub fn save(
        &mut self,
        engine: &Engine,
        tenants: &[TenantIdx],
        domains: &[u64],
        position: Position,
    ) -> Result<(), Error> {
        let transaction = self.connection.transaction()?;
        {
            let mut upsert = transaction.prepare_cached(
                "INSERT OR REPLACE INTO tenants (idx, id, state) VALUES (?1, ?2, ?3)",
            )?;
            for &idx in tenants {
                let tenant = &engine.tenants[idx as usize];
                upsert.execute(params![
                    i64::from(idx),
                    &*tenant.id,
                    codec::encode_tenant(tenant)
                ])?;
            }
            let mut upsert = transaction
                .prepare_cached("INSERT OR REPLACE INTO domains (hash, facts) VALUES (?1, ?2)")?;
            for domain in domains {
                if let Some(known) = engine.domains.get(domain) {
                    upsert.execute(params![*domain as i64, codec::encode_domain(known)])?;
                }
            }
            let mut meta = transaction
                .prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?;
            let (held, counters) = engine.reorder.snapshot();
            let mut w = Writer::default();
            w.i64(engine.now);
            w.u64(engine.applied);
            w.u64(engine.reorder.late());
            for counter in counters {
                w.i64(counter);
            }
            meta.execute(params!["format", FORMAT.to_le_bytes().to_vec()])?;
            meta.execute(params!["engine", w.0])?;
            meta.execute(params!["held", codec::encode_held(&held)])?;
            meta.execute(params!["position", encode_position(position)])?;
        }
        transaction.commit()?;
        Ok(())
    }

    fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let value = self
            .connection
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get::<_, Vec<u8>>(0)
            })
            .optional()?;
        Ok(value)
    }

    fn load_tenants(&self) -> Result<Vec<crate::state::TenantState>, Error> {
        let mut statement = self
            .connection
            .prepare("SELECT idx, id, state FROM tenants ORDER BY idx")?;
        let mut rows = statement.query([])?;
        let mut tenants = Vec::new();
        while let Some(row) = rows.next()? {
            let idx: i64 = row.get(0)?;
            if idx != tenants.len() as i64 {
                return Err(Error::state(format!(
                    "tenant rows are not contiguous at {idx}"
                )));
            }
            let id: String = row.get(1)?;
            let bytes: Vec<u8> = row.get(2)?;
            tenants.push(codec::decode_tenant(&id, &bytes)?);
        }
        Ok(tenants)
    }

    fn load_domains(&self) -> Result<HashedMap<crate::state::KnownDomain>, Error> {
        let mut statement = self.connection.prepare("SELECT hash, facts FROM domains")?;
        let mut rows = statement.query([])?;
        let mut domains = HashedMap::default();
        while let Some(row) = rows.next()? {
            let hash: i64 = row.get(0)?;
            let bytes: Vec<u8> = row.get(1)?;
            domains.insert(hash as u64, codec::decode_domain(&bytes)?);
        }
        Ok(domains)
    }
}

fn encode_position(position: Position) -> Vec<u8> {
    let mut w = Writer::default();
    for value in [
        position.offset,
        position.lines,
        position.records,
        position.skipped,
        position.identity,
    ] {
        w.u64(value);
    }
    w.0
}

fn decode_position(bytes: &[u8]) -> Result<Position, Error> {
    let mut r = Reader::new(bytes, "position");
    let position = Position {
        offset: r.u64()?,
        lines: r.u64()?,
        records: r.u64()?,
        skipped: r.u64()?,
        identity: r.u64()?,
    };
    r.finish()?;
    Ok(position)
}
