//! `watch`: incremental scoring of a growing stream, with state that
//! survives restarts.
//!
//! Records are read one line at a time from a followed file or stdin and fed
//! to the same [`Engine`] as batch scoring. Every `checkpoint_every` records
//! (and whenever the input goes idle) a checkpoint rescores the tenants that
//! changed (all of them after a ban, since linkage may change; and tenants
//! whose one-shot windows have just closed), prints an alert line for each
//! verdict that changed, then commits state and input position to SQLite in
//! one transaction. After a crash, the records after the last checkpoint are
//! read again and applied once, so scores never double count; alerts are
//! at-least-once (one may repeat after a crash).

pub mod codec;
pub mod follow;
pub mod store;

use std::collections::{BTreeSet, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::Config;
use crate::engine::Engine;
use crate::error::{Error, RecordError};
use crate::event::{SourceRef, TenantIdx};
use crate::input::jsonl;
use crate::report::{self, Sources};
use crate::score::Score;
use crate::time::HOUR;
use crate::watch::follow::{Follower, Lines, Next, Stream};
use crate::watch::store::{Position, Store};

/// What `watch` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A JSON-lines file, followed as it grows.
    File(PathBuf),
    /// Standard input, until it ends.
    Stdin,
}

/// How `watch` runs.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    /// The scoring config.
    pub scoring: Config,
    /// Records between checkpoints.
    pub checkpoint_every: u64,
    /// Stop at the end of a followed file instead of waiting.
    pub exit_at_eof: bool,
    /// How long to wait before looking for more input.
    pub poll: Duration,
}

impl Default for WatchConfig {
    fn default() -> WatchConfig {
        WatchConfig {
            scoring: Config::default(),
            checkpoint_every: 10_000,
            exit_at_eof: false,
            poll: Duration::from_millis(250),
        }
    }
}

/// What a watch run did.
#[derive(Debug, Clone)]
pub struct WatchSummary {
    /// Records read in total (this run and earlier ones).
    pub records: u64,
    /// Records skipped in total.
    pub skipped: u64,
    /// Alerts printed by this run.
    pub alerts: u64,
    /// Records already read when this run started.
    pub resumed_at: u64,
    /// Every tenant's score at the end, ranked.
    pub scores: Vec<Score>,
    /// How to name evidence.
    pub sources: Sources,
}

/// Follows `input`, keeping state in `state_path`; writes alert lines to `out`.
///
/// # Errors
///
/// The state file cannot be used, the input fails or was replaced, or `out`
/// fails.
pub fn run(
    state_path: &Path,
    input: &Input,
    config: &WatchConfig,
    out: &mut dyn Write,
) -> Result<WatchSummary, Error> {
    match input {
        Input::File(path) => {
            let sources = Sources::files(vec![path.clone()]);
            let open = |position: Position| -> Result<Box<dyn Lines>, Error> {
                let follower =
                    Follower::open(path, position.offset, position.identity, config.exit_at_eof)?;
                Ok(Box::new(follower))
            };
            run_lines(state_path, open, Some(path), sources, config, out)
        }
        Input::Stdin => {
            let open = |position: Position| -> Result<Box<dyn Lines>, Error> {
                Ok(Box::new(Stream::open(
                    std::io::stdin().lock(),
                    position.lines,
                )?))
            };
            run_lines(
                state_path,
                open,
                None,
                Sources::stream("stdin"),
                config,
                out,
            )
        }
    }
}

/// Like [`run`], over any source of lines: `open` gets the position the state
/// stops at and returns the lines from there on. `path` (a followed file)
/// lets the state remember the file's identity.
///
/// # Errors
///
/// As [`run`]; an error from the lines leaves the state at its last
/// checkpoint, exactly as a crash would.
pub fn run_lines<'l>(
    state_path: &Path,
    open: impl FnOnce(Position) -> Result<Box<dyn Lines + 'l>, Error>,
    path: Option<&Path>,
    sources: Sources,
    config: &WatchConfig,
    out: &mut dyn Write,
) -> Result<WatchSummary, Error> {
    let store = Store::open(state_path)?;
    let (engine, position) = match store.load(config.scoring.clone())? {
        Some(loaded) => loaded,
        None => (Engine::new(config.scoring.clone()), Position::default()),
    };
    let mut lines = open(position)?;
    let mut watcher = Watcher {
        engine,
        store,
        position,
        config,
        out,
        aging: VecDeque::new(),
        alerts: 0,
        sources,
    };
    watcher.engine.track_touched();
    watcher.seed_aging();
    let resumed_at = watcher.position.records;
    watcher.follow(lines.as_mut(), path)?;
    watcher.engine.end_of_stream();
    watcher.checkpoint(true)?;
    let Watcher {
        engine,
        position,
        alerts,
        sources,
        ..
    } = watcher;
    Ok(WatchSummary {
        records: position.records,
        skipped: position.skipped,
        alerts,
        resumed_at,
        scores: engine.score_all(),
        sources,
    })
}

struct Watcher<'a> {
    engine: Engine,
    store: Store,
    position: Position,
    config: &'a WatchConfig,
    out: &'a mut dyn Write,
    aging: VecDeque<(i64, TenantIdx)>,
    alerts: u64,
    sources: Sources,
}

impl Watcher<'_> {
    /// Reads until the input ends (or forever, for a followed file).
    fn follow(&mut self, lines: &mut dyn Lines, path: Option<&Path>) -> Result<(), Error> {
        let mut line = Vec::with_capacity(1024);
        let mut since_checkpoint = 0u64;
        loop {
            match lines.next_line(&mut line)? {
                Next::Line { consumed, too_long } => {
                    self.take_line(&line, consumed, too_long);
                    since_checkpoint += 1;
                    if since_checkpoint >= self.config.checkpoint_every {
                        self.note_identity(path)?;
                        self.checkpoint(false)?;
                        since_checkpoint = 0;
                    }
                }
                Next::End => return Ok(()),
                Next::Idle => {
                    if since_checkpoint > 0 {
                        self.note_identity(path)?;
                        self.checkpoint(false)?;
                        since_checkpoint = 0;
                    }
                    std::thread::sleep(self.config.poll);
                }
            }
        }
    }

    fn take_line(&mut self, line: &[u8], consumed: u64, too_long: bool) {
        self.position.offset += consumed;
        self.position.lines += 1;
        let text = line.strip_suffix(b"\r").unwrap_or(line);
        if !too_long && text.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        self.position.records += 1;
        let source = SourceRef::new(0, self.position.lines);
        let engine = &mut self.engine;
        let result = if too_long {
            Err(RecordError::Syntax("line too long".into()))
        } else {
            jsonl::parse(text, source, &mut |record, source| {
                engine.ingest(record, source)
            })
        };
        if result.is_err() {
            self.position.skipped += 1;
        }
    }

    fn note_identity(&mut self, path: Option<&Path>) -> Result<(), Error> {
        if let (Some(path), 0) = (path, self.position.identity) {
            self.position.identity = follow::file_identity(path, self.position.offset)?;
        }
        Ok(())
    }

    /// Rescores what changed, prints alerts, and commits.
    fn checkpoint(&mut self, all: bool) -> Result<(), Error> {
        let touched = self.engine.take_touched();
        let now = self.engine.now();
        let window = (self.engine.config().one_shot.window_hours * HOUR as f64) as i64;
        let mut rescore: BTreeSet<TenantIdx> = touched.tenants.iter().copied().collect();
        self.aging.extend(
            touched
                .tenants
                .iter()
                .map(|&idx| (now.saturating_add(window), idx)),
        );
        while self.aging.front().is_some_and(|&(due, _)| due <= now) {
            rescore.extend(self.aging.pop_front().map(|(_, idx)| idx));
        }
        let domains: BTreeSet<u64> = touched.domains.iter().copied().collect();
        for (idx, tenant) in self.engine.tenants().iter().enumerate() {
            let admin_domain = tenant.account.map(|a| a.account.admin_domain);
            if all || touched.bans || admin_domain.is_some_and(|d| domains.contains(&d)) {
                rescore.insert(idx as TenantIdx);
            }
        }
        let mut dirty: BTreeSet<TenantIdx> = touched.tenants.iter().copied().collect();
        let links = self.engine.link_index();
        for idx in rescore {
            let score = self.engine.score(idx, &links);
            let previous = self.engine.tenants[idx as usize].announced;
            if score.verdict == previous {
                continue;
            }
            report::jsonl::write_alert(self.out, now, &score, previous, &self.sources)
                .map_err(Error::from_io)?;
            self.alerts += 1;
            self.engine.tenants[idx as usize].announced = score.verdict;
            dirty.insert(idx);
        }
        self.out.flush().map_err(Error::from_io)?;
        let dirty: Vec<TenantIdx> = dirty.into_iter().collect();
        let domains: Vec<u64> = domains.into_iter().collect();
        self.store
            .save(&self.engine, &dirty, &domains, self.position)
    }

    /// After a restart: tenants active within the one-shot window may see
    /// their windows close, so they are rescored when that time comes.
    fn seed_aging(&mut self) {
        let now = self.engine.now();
        let window = (self.engine.config().one_shot.window_hours * HOUR as f64) as i64;
        let mut recent: Vec<(i64, TenantIdx)> = (self.engine.tenants().iter().enumerate())
            .filter(|(_, t)| t.last_ts > now.saturating_sub(window))
            .map(|(idx, t)| (t.last_ts.saturating_add(window), idx as TenantIdx))
            .collect();
        recent.sort_unstable();
        self.aging = recent.into();
    }
}
