//! The [`Forwarder`]: hands every record to each target that wants it, in
//! batches, with bounded retries, and spools what a receiver does not take.
//!
//! Per target ("lane"), order is kept: while anything waits in the spool,
//! new records are spooled behind it, and the spool is replayed oldest
//! first before anything new is sent. After a lane fails, it is left alone
//! for `backoff_max_ms` (new full batches go straight to the spool), so a
//! dead receiver does not stall the caller on every batch; [`Forwarder::flush`]
//! tries every lane regardless.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use rmmguard_findings::Severity;
use rmmguard_words::counted;

use crate::backoff::Backoff;
use crate::bulk::Bulk;
use crate::config::{Config, Kind, TargetConfig};
use crate::counters::{Counters, Snapshot};
use crate::hec::Hec;
use crate::spool::Spool;
use crate::syslog::Syslog;
use crate::target::{Delivery, Target};
use crate::webhook::Webhook;
use crate::{Error, Item, Record};

/// Where warnings go: a function of one line.
pub type Warn = Arc<dyn Fn(&str) + Send + Sync>;

/// Ships records to every configured target.
pub struct Forwarder {
    lanes: Vec<Lane>,
}

struct Lane {
    name: String,
    target: Box<dyn Target>,
    spool: Option<Spool>,
    pending: Vec<Item>,
    min_severity: Severity,
    batch_size: usize,
    retries: u32,
    backoff: Backoff,
    pause: Duration,
    down_until: Option<Instant>,
    counters: Arc<Counters>,
    warn: Warn,
}

impl std::fmt::Debug for Forwarder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.lanes.iter().map(|l| l.name.as_str()).collect();
        f.debug_struct("Forwarder")
            .field("targets", &names)
            .finish()
    }
}

impl Forwarder {
    /// A forwarder for every target of `config`, warning on standard error.
    pub fn new(config: &Config) -> Result<Forwarder, Error> {
        let warn: Warn = Arc::new(|line: &str| eprintln!("rmmguard: warning: {line}"));
        Forwarder::with_warn(config, warn)
    }

    /// A forwarder whose warnings (drops, refusals, spooling) go to `warn`.
    pub fn with_warn(config: &Config, warn: Warn) -> Result<Forwarder, Error> {
        let mut spool_dirs = Vec::new();
        let mut lanes = Vec::with_capacity(config.forward.len());
        for target in &config.forward {
            if let Some(dir) = &target.spool_dir {
                if spool_dirs.contains(dir) {
                    return Err(Error::Config(format!(
                        "{}: spool_dir {} is already another target's",
                        target.name(),
                        dir.display()
                    )));
                }
                spool_dirs.push(dir.clone());
            }
            lanes.push(Lane::new(target, warn.clone())?);
        }
        Ok(Forwarder { lanes })
    }

    /// Queues a record for every target that wants it; a full batch is sent
    /// (or spooled, if its receiver is down) before this returns.
    pub fn submit(&mut self, item: &Item) {
        for lane in &mut self.lanes {
            if lane.wants(item) {
                lane.pending.push(item.clone());
                if lane.pending.len() >= lane.batch_size {
                    lane.flush(false);
                }
            }
        }
    }

    /// Replays every spool and sends everything queued, now (records that
    /// still do not go end in the spool).
    pub fn flush(&mut self) {
        for lane in &mut self.lanes {
            lane.flush(true);
        }
    }

    /// Each target's name and live counters (for a metrics exporter).
    pub fn counters(&self) -> Vec<(String, Arc<Counters>)> {
        self.lanes
            .iter()
            .map(|lane| (lane.name.clone(), lane.counters.clone()))
            .collect()
    }

    /// Each target's name and counters now.
    pub fn snapshots(&self) -> Vec<(String, Snapshot)> {
        self.lanes
            .iter()
            .map(|lane| (lane.name.clone(), lane.counters.snapshot()))
            .collect()
    }

    /// All targets' counters added up.
    pub fn total(&self) -> Snapshot {
        let snapshots: Vec<Snapshot> = self.snapshots().into_iter().map(|(_, s)| s).collect();
        Snapshot::sum(&snapshots)
    }
}

fn target_of(config: &TargetConfig) -> Result<Box<dyn Target>, Error> {
    Ok(match config.kind {
        Kind::Hec => Box::new(Hec::new(config)?),
        Kind::Elasticsearch => Box::new(Bulk::new(config)?),
        Kind::Syslog => Box::new(Syslog::new(config)?),
        Kind::Webhook => Box::new(Webhook::new(config)?),
    })
}

impl Lane {
    fn new(config: &TargetConfig, warn: Warn) -> Result<Lane, Error> {
        let spool = config
            .spool_dir
            .as_deref()
            .map(|dir| Spool::open(dir, config.spool_limit_bytes))
            .transpose()?;
        let lane = Lane {
            name: config.name().to_owned(),
            target: target_of(config)?,
            spool,
            pending: Vec::new(),
            min_severity: config.min_severity(),
            batch_size: config.batch_size,
            retries: config.retries,
            backoff: Backoff::new(
                Duration::from_millis(config.backoff_ms),
                Duration::from_millis(config.backoff_max_ms),
            ),
            pause: Duration::from_millis(config.backoff_max_ms),
            down_until: None,
            counters: Arc::new(Counters::default()),
            warn,
        };
        lane.show_spool_level();
        Ok(lane)
    }

    /// Incidents always; findings at or above the least severity, if the
    /// target takes them.
    fn wants(&self, item: &Item) -> bool {
        let urgent =
            matches!(item.record, Record::Incident(_)) || item.severity() >= self.min_severity;
        urgent && self.target.accepts(item)
    }

    fn warn(&self, text: &str) {
        (self.warn)(&format!("forward {}: {text}", self.name));
    }

    fn flush(&mut self, force: bool) {
        // Without a spool, resting would mean dropping: always try.
        let resting =
            self.spool.is_some() && self.down_until.is_some_and(|until| Instant::now() < until);
        if (resting && !force) || !self.replay() {
            let pending = std::mem::take(&mut self.pending);
            self.store(pending);
            return;
        }
        while !self.pending.is_empty() {
            let take = self.batch_size.min(self.pending.len());
            let batch: Vec<Item> = self.pending.drain(..take).collect();
            if let Err(rest) = self.send(batch) {
                let mut waiting = rest;
                waiting.append(&mut self.pending);
                self.store(waiting);
                self.down_until = Some(Instant::now() + self.pause);
                return;
            }
        }
        self.down_until = None;
    }

    /// Sends the spool, oldest first; true when it is empty afterwards.
    fn replay(&mut self) -> bool {
        let Some(mut spool) = self.spool.take() else {
            return true;
        };
        let emptied = loop {
            let head = match spool.head() {
                None => break true,
                Some(Err(e)) => {
                    self.warn(&format!("cannot read the spool: {e}"));
                    break false;
                }
                Some(Ok(head)) => head,
            };
            for (file, offset, why) in &head.damaged {
                self.warn(&format!(
                    "dropped a damaged spool record at {}@{offset}: {why}",
                    file.display()
                ));
            }
            self.counters.dropped(head.damaged.len());
            let delivered = self.send(head.items);
            let update = match &delivered {
                Ok(()) => spool.pop_head(),
                Err(rest) => spool.replace_head(rest),
            };
            if let Err(e) = update {
                self.warn(&format!("cannot update the spool: {e}"));
                break false;
            }
            if delivered.is_err() {
                break false;
            }
        };
        self.spool = Some(spool);
        self.show_spool_level();
        if !emptied {
            self.down_until = Some(Instant::now() + self.pause);
        }
        emptied
    }

    /// Delivers one batch with retries; what is still undelivered after
    /// the last try comes back.
    fn send(&mut self, mut batch: Vec<Item>) -> Result<(), Vec<Item>> {
        let mut why = String::new();
        for attempt in 0..=self.retries {
            if batch.is_empty() {
                return Ok(());
            }
            if attempt > 0 {
                thread::sleep(self.backoff.delay(attempt));
                self.counters.retried(batch.len());
            }
            match self.target.deliver(&batch) {
                Delivery::Done { rejected } => {
                    self.counters
                        .sent(batch.len().saturating_sub(rejected.len()));
                    self.reject(&rejected);
                    return Ok(());
                }
                Delivery::Partial {
                    retry,
                    rejected,
                    why: reason,
                } => {
                    self.counters
                        .sent(batch.len().saturating_sub(retry.len() + rejected.len()));
                    self.reject(&rejected);
                    batch = pick(batch, &retry);
                    why = reason;
                }
                Delivery::Failed {
                    retryable: false,
                    why,
                } => {
                    let all: Vec<(usize, String)> =
                        (0..batch.len()).map(|i| (i, why.clone())).collect();
                    self.reject(&all);
                    return Ok(());
                }
                Delivery::Failed { why: reason, .. } => why = reason,
            }
        }
        self.warn(&format!(
            "{} not delivered after {}: {why}",
            counted(batch.len(), "record"),
            counted(self.retries as usize + 1, "try")
        ));
        Err(batch)
    }

    fn reject(&self, rejected: &[(usize, String)]) {
        if let Some((_, why)) = rejected.first() {
            self.counters.rejected(rejected.len());
            self.warn(&format!(
                "the receiver refused {} for good (first: {why})",
                counted(rejected.len(), "record")
            ));
        }
    }

    /// Spools records, or drops them loudly when the spool is full or absent.
    fn store(&mut self, items: Vec<Item>) {
        if items.is_empty() {
            return;
        }
        let Some(spool) = &mut self.spool else {
            self.counters.dropped(items.len());
            self.warn(&format!(
                "dropped {}: the receiver is unreachable and no spool_dir is set",
                counted(items.len(), "record")
            ));
            return;
        };
        // One segment per batch, so a replay sends batches of the usual
        // size; once one record does not fit, the newer ones are refused too.
        let (mut stored, mut refused) = (0, 0);
        let mut failure = None;
        for chunk in items.chunks(self.batch_size) {
            if refused > 0 {
                refused += chunk.len();
                continue;
            }
            match spool.append(chunk) {
                Ok(appended) => {
                    stored += appended.stored;
                    refused += appended.refused;
                }
                Err(e) => {
                    failure = Some(e);
                    refused += chunk.len();
                }
            }
        }
        if let Some(e) = failure {
            self.warn(&format!("cannot write the spool: {e}"));
        }
        self.counters.spooled(stored);
        if refused > 0 {
            self.counters.dropped(refused);
            self.warn(&format!(
                "dropped {}: the spool is full",
                counted(refused, "record")
            ));
        }
        self.show_spool_level();
    }

    fn show_spool_level(&self) {
        if let Some(spool) = &self.spool {
            self.counters.spool_level(spool.records(), spool.bytes());
        }
    }
}

/// The items at `indices` (ascending), in order.
fn pick(batch: Vec<Item>, indices: &[usize]) -> Vec<Item> {
    batch
        .into_iter()
        .enumerate()
        .filter(|(i, _)| indices.binary_search(i).is_ok())
        .map(|(_, item)| item)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A live engine runs the forwarder on its own thread and reads the
    /// counters from another.
    #[test]
    fn the_forwarder_moves_between_threads_and_counters_are_shared() {
        fn send<T: Send>() {}
        fn shared<T: Send + Sync>() {}
        send::<Forwarder>();
        shared::<Counters>();
    }

    #[test]
    fn pick_keeps_order() {
        let items: Vec<Item> = (0..4)
            .map(|n| {
                let finding = rmmguard_findings::Finding::new(
                    rmmguard_findings::rules::PORTABLE_RMM,
                    format!("{n}"),
                );
                Item::finding(
                    format!("{n}"),
                    rmmguard_findings::wire::FindingRecord::from(&finding),
                )
            })
            .collect();
        let ids: Vec<String> = pick(items, &[1, 3]).into_iter().map(|i| i.id).collect();
        assert_eq!(ids, ["1", "3"]);
    }
}
