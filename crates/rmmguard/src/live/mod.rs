//! The live engine behind `rmmguard watch`: the hunt engine run
//! continuously over growing files, with its state in a [`Store`].
//!
//! Each [`Live::poll`] lists the watched paths and reads what is new in each
//! file into that file's own [`Tally`](rmmguard_detect::Tally) (see
//! `follow.rs`). Each [`Live::checkpoint`] judges the sum of all tallies,
//! exactly as a batch hunt judges its merged tally, correlates the findings
//! with the same `correlate` code, compares both with the store
//! (`reconcile.rs`), and commits the changes together with every file's
//! watermark in one transaction. So a batch hunt is this engine run to the
//! end of its input, and after a crash the files are read again up to their
//! committed watermarks (not persisted tallies: the files are the state),
//! which gives the same findings: none lost, none doubled.

mod follow;
mod reconcile;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;
use rmmguard_detect::Detector;
use rmmguard_sources::{NetScreen, Prefilter, ReadContext};
use rmmguard_store::{Batch, FileRow, Store};

use crate::engine::{network_screen, site_of};
use crate::{Error, HuntConfig, SiteMode};
use follow::{Files, Followed, Seen};
pub use reconcile::Change;
use reconcile::Known;

/// How the live engine runs.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// Detection and correlation settings shared with `hunt` (threads and
    /// unit size are not used: files are read as they grow).
    pub hunt: HuntConfig,
    /// How long a file must be unchanged before a whole-file format is read
    /// (again).
    pub settle: Duration,
    /// Open incidents without a new finding for this long are closed.
    pub close_after: Duration,
}

impl Default for LiveConfig {
    fn default() -> LiveConfig {
        LiveConfig {
            hunt: HuntConfig::default(),
            settle: Duration::from_secs(2),
            close_after: Duration::from_secs(24 * 3600),
        }
    }
}

/// What one poll read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Polled {
    /// Bytes read.
    pub bytes: u64,
    /// Files followed after the poll.
    pub files: usize,
    /// Files that appeared (or were read again after a restart).
    pub new_files: usize,
    /// Files that disappeared.
    pub gone: usize,
}

/// The live engine: followed files, their tallies, and the store.
pub struct Live<'a> {
    detector: &'a Detector,
    config: LiveConfig,
    paths: Vec<PathBuf>,
    ignore: Vec<PathBuf>,
    store: Store,
    files: Files,
    /// Files not evidence, by identity and size: not sniffed again until they change.
    passed_over: HashMap<(u64, u64), u64>,
    /// Rows of the last run, used up by the first poll.
    resume: HashMap<(u64, u64), FileRow>,
    known: Known,
    prefilter: Option<Prefilter>,
    screen: Option<NetScreen>,
    dirty: bool,
}

impl<'a> Live<'a> {
    /// Starts following `paths` with `store` as the state; what the store
    /// holds from an earlier run is resumed by the first [`Live::poll`].
    ///
    /// # Errors
    ///
    /// The store cannot be read, or the prefilter cannot be built.
    pub fn new(
        paths: &[PathBuf],
        detector: &'a Detector,
        config: LiveConfig,
        store: Store,
    ) -> Result<Live<'a>, Error> {
        let (prefilter, screen) = if config.hunt.prefilter {
            (
                Some(Prefilter::new(detector.needles().as_slice())?),
                Some(network_screen(detector)),
            )
        } else {
            (None, None)
        };
        let resume = store
            .files()?
            .into_iter()
            .map(|row| ((row.dev, row.ino), row))
            .collect();
        let known = Known::load(&store)?;
        // The state file and its journal may sit inside a watched folder.
        let state = store.path().to_path_buf();
        let ignore = ["", "-wal", "-shm", "-journal"]
            .iter()
            .map(|suffix| {
                let mut name = state.clone().into_os_string();
                name.push(suffix);
                PathBuf::from(name)
            })
            .collect();
        Ok(Live {
            detector,
            config,
            paths: paths.to_vec(),
            ignore,
            store,
            files: Files::new(),
            passed_over: HashMap::new(),
            resume,
            known,
            prefilter,
            screen,
            dirty: false,
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Bytes of the followed files not read yet, as of the last poll (a
    /// whole-read file waiting to settle counts whole): how far behind the
    /// engine is.
    pub fn unread_bytes(&self) -> u64 {
        self.files.values().map(Followed::unread).sum()
    }

    /// Lists the watched paths and reads what is new. With `end_of_input`,
    /// everything there is read now (no settle time): the batch view.
    pub fn poll(&mut self, end_of_input: bool) -> Polled {
        let context = ReadContext {
            prefilter: self.prefilter.as_ref(),
            screen: self.screen.as_ref(),
            ocr: self.config.hunt.ocr.as_ref(),
        };
        let settle_ns = self.config.settle.as_nanos() as i64;
        let mut seen = follow::list(&self.paths, &self.ignore);
        let present: HashSet<(u64, u64)> = seen.iter().map(Seen::key).collect();
        let mut polled = Polled::default();
        let before = self.files.len();
        self.files.retain(|key, _| present.contains(key));
        polled.gone = before - self.files.len();
        self.dirty |= polled.gone > 0;
        for seen in &mut seen {
            let key = seen.key();
            if let Some(file) = self.files.get(&key)
                && (seen.size, seen.mtime_ns) != (file.size, file.mtime_ns)
                && !file.is(seen)
            {
                self.files.remove(&key); // The inode now holds another file.
            }
            if !self.files.contains_key(&key) {
                if self.passed_over.get(&key) == Some(&seen.size) {
                    continue;
                }
                let Some(mut file) = Followed::sniff(seen, self.detector) else {
                    self.passed_over.insert(key, seen.size);
                    continue;
                };
                file.input.site = self.site(seen);
                if let Some(row) = self.resume.remove(&key)
                    && file.matches(&row)
                {
                    file.replay(&row, self.detector, &context);
                }
                polled.new_files += 1;
                self.files.insert(key, file);
            }
            let Some(file) = self.files.get_mut(&key) else {
                continue;
            };
            file.update(seen);
            let read = file.read_new(seen, self.detector, &context, settle_ns, end_of_input);
            polled.bytes += read;
            self.dirty |= read > 0;
        }
        if polled.new_files > 0 {
            self.dirty = true;
        }
        self.resume.clear();
        polled.files = self.files.len();
        polled
    }

    /// Judges everything read, compares it with the store, and commits the
    /// changes and every file's watermark in one transaction. Returns what
    /// changed (nothing when nothing was read since the last checkpoint,
    /// apart from incidents closing after their quiet period).
    ///
    /// # Errors
    ///
    /// The store cannot be written.
    pub fn checkpoint(&mut self, now: Timestamp) -> Result<Vec<Change>, Error> {
        let mut batch = Batch::default();
        let mut changes = Vec::new();
        if self.dirty {
            let mut tally = self.detector.tally();
            for file in self.files.values() {
                tally.merge(file.tally.clone());
            }
            let report = self.detector.finish(tally);
            let incidents = rmmguard_correlate::correlate(
                &report.findings,
                &self.config.hunt.entities,
                &self.config.hunt.correlate,
            );
            self.known
                .findings(&report.findings, &mut batch, &mut changes);
            self.known
                .incidents(&self.store, &incidents, &mut batch, &mut changes)?;
        }
        let quiet = jiff::SignedDuration::try_from(self.config.close_after)
            .unwrap_or(jiff::SignedDuration::MAX);
        self.known
            .close_quiet(&self.store, now, quiet, &mut batch, &mut changes)?;
        if self.dirty || batch.has_changes() {
            let mut rows: Vec<FileRow> = self.files.values().map(Followed::row).collect();
            rows.sort_by(|a, b| a.path.cmp(&b.path));
            batch.files(rows);
            self.store.commit(&batch, now)?;
            self.known.committed();
        }
        self.dirty = false;
        Ok(changes)
    }

    /// Polls and checkpoints until `stop` says so, every `interval`; with
    /// `once`, reads everything there is, checkpoints and returns.
    ///
    /// # Errors
    ///
    /// The store cannot be written.
    pub fn run(
        &mut self,
        interval: Duration,
        once: bool,
        stop: &dyn Fn() -> bool,
        on_change: &mut dyn FnMut(&Polled, &[Change]),
    ) -> Result<(), Error> {
        loop {
            let polled = self.poll(once);
            let changes = self.checkpoint(Timestamp::now())?;
            on_change(&polled, &changes);
            if once || stop() {
                return Ok(());
            }
            std::thread::sleep(interval);
            if stop() {
                return Ok(());
            }
        }
    }

    fn site(&self, seen: &Seen) -> Option<std::sync::Arc<str>> {
        match &self.config.hunt.site {
            SiteMode::None => None,
            SiteMode::Fixed(name) => Some(std::sync::Arc::from(name.as_str())),
            SiteMode::FromDir => self
                .paths
                .get(seen.root)
                .and_then(|root| site_of(root, &seen.path)),
        }
    }
}
