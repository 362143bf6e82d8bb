//! The thread that runs the live engine over the spool and the watched
//! paths, and tells the HTTP side what changed.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use rmmguard::detect::Detector;
use rmmguard::live::{Change, Live, LiveConfig};
use rmmguard::store::Store;
use tokio::sync::broadcast;

use crate::metrics::{Metrics, add};
use crate::spool::Spool;

/// What the engine thread needs.
pub(crate) struct EngineParts {
    pub detector: Arc<Detector>,
    pub config: LiveConfig,
    pub store: Store,
    pub paths: Vec<PathBuf>,
    pub interval: Duration,
    pub spool: Arc<Spool>,
    pub metrics: Arc<Metrics>,
    pub changes: broadcast::Sender<Arc<Change>>,
    pub stop: Arc<AtomicBool>,
}

/// Starts the engine thread; it runs until `stop` is set.
pub(crate) fn spawn(
    parts: EngineParts,
) -> std::io::Result<JoinHandle<Result<(), rmmguard::Error>>> {
    std::thread::Builder::new()
        .name("rmmguard-engine".into())
        .spawn(move || run(parts))
}

fn run(parts: EngineParts) -> Result<(), rmmguard::Error> {
    let EngineParts {
        detector,
        config,
        store,
        paths,
        interval,
        spool,
        metrics,
        changes,
        stop,
    } = parts;
    let mut live = Live::new(&paths, &detector, config, store)?;
    while !stop.load(Ordering::Relaxed) {
        spool.close_stale();
        let polled = live.poll(false);
        let changed = live.checkpoint(jiff::Timestamp::now())?;
        add(&metrics.engine_checkpoints_total, 1);
        add(&metrics.engine_bytes_read_total, polled.bytes);
        metrics
            .engine_unread_bytes
            .store(live.unread_bytes(), Ordering::Relaxed);
        metrics
            .engine_files
            .store(polled.files as u64, Ordering::Relaxed);
        for change in changed {
            match &change {
                Change::NewFinding(_) | Change::FindingChanged { .. } => {
                    add(&metrics.findings_changed_total, 1);
                }
                Change::IncidentOpened { .. } => add(&metrics.incidents_opened_total, 1),
                _ => {}
            }
            // Nobody listening is fine: the store has it.
            let _ = changes.send(Arc::new(change));
        }
        if polled.bytes == 0 {
            std::thread::sleep(interval);
        }
    }
    Ok(())
}
