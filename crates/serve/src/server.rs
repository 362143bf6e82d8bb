//! Starting and stopping: bind the sockets, start the engine thread, serve
//! until Ctrl-C or SIGTERM, stop the engine after its checkpoint.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmmguard::detect::Detector;
use rmmguard::live::LiveConfig;
use rmmguard::store::Store;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{Semaphore, broadcast, mpsc, watch};

use crate::auth::Tokens;
use crate::dashboard::Sessions;
use crate::engine::{self, EngineParts};
use crate::http::{self, AppState};
use crate::ingest;
use crate::metrics::{Metrics, add};
use crate::spool::Spool;
use crate::syslog::{self, Frame, Framer};
use crate::{Error, ServeConfig};

/// Where the server listens, once bound (ports 0 are resolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Running {
    /// The HTTP address.
    pub http: SocketAddr,
    /// The syslog UDP address, if configured.
    pub syslog_udp: Option<SocketAddr>,
    /// The syslog TCP address, if configured.
    pub syslog_tcp: Option<SocketAddr>,
}

/// Syslog lines waiting for the spool writer; beyond this UDP messages are
/// dropped (counted) and TCP senders wait.
const SYSLOG_QUEUE: usize = 16_384;

/// Runs the server until Ctrl-C or SIGTERM; `ready` hears where it listens.
///
/// # Errors
///
/// A socket cannot be bound, the spool or state cannot be opened, or the
/// engine fails.
pub fn start(
    config: &ServeConfig,
    detector: Detector,
    live: LiveConfig,
    ready: &mut dyn FnMut(&Running),
) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("rmmguard-serve")
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))?;
    runtime.block_on(serve(config, detector, live, ready))
}

async fn serve(
    config: &ServeConfig,
    detector: Detector,
    live: LiveConfig,
    ready: &mut dyn FnMut(&Running),
) -> Result<(), Error> {
    let spool = Arc::new(Spool::new(&config.spool).map_err(|e| {
        Error::io(
            format!("cannot create the spool {}", config.spool.display()),
            e,
        )
    })?);
    let metrics = Arc::new(Metrics::default());
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| Error::io(format!("cannot listen on {}", config.listen), e))?;
    let mut running = Running {
        http: listener
            .local_addr()
            .map_err(|e| Error::io("local address", e))?,
        syslog_udp: None,
        syslog_tcp: None,
    };
    let (lines, queue) = mpsc::channel::<Vec<u8>>(SYSLOG_QUEUE);
    if let Some(address) = config.syslog.udp {
        let socket = UdpSocket::bind(address)
            .await
            .map_err(|e| Error::io(format!("cannot bind syslog UDP {address}"), e))?;
        running.syslog_udp = socket.local_addr().ok();
        tokio::spawn(syslog_udp(socket, lines.clone(), Arc::clone(&metrics)));
    }
    if let Some(address) = config.syslog.tcp {
        let listener = TcpListener::bind(address)
            .await
            .map_err(|e| Error::io(format!("cannot bind syslog TCP {address}"), e))?;
        running.syslog_tcp = listener.local_addr().ok();
        tokio::spawn(syslog_tcp(listener, lines.clone(), Arc::clone(&metrics)));
    }
    drop(lines);
    tokio::spawn(spool_writer(
        queue,
        Arc::clone(&spool),
        Arc::clone(&metrics),
    ));

    let stop = Arc::new(AtomicBool::new(false));
    let (changes, _) = broadcast::channel(1024);
    let dashboard_changes = changes.clone();
    // Live-update streams end when this turns true, so shutdown need not wait on them.
    let (stopping, stopping_seen) = watch::channel(false);
    let mut paths = vec![config.spool.clone()];
    paths.extend(config.watch.iter().cloned());
    let engine = engine::spawn(EngineParts {
        detector: Arc::new(detector),
        config: live,
        store: Store::open(&config.state)?,
        paths,
        interval: Duration::from_millis(config.interval_ms.max(10)),
        spool: Arc::clone(&spool),
        metrics: Arc::clone(&metrics),
        changes,
        stop: Arc::clone(&stop),
    })
    .map_err(|e| Error::io("cannot start the engine thread", e))?;
    let state = Arc::new(AppState {
        tokens: Tokens::new(&config.tokens),
        limits: config.limits.clone(),
        spool,
        metrics,
        in_flight: Semaphore::new(config.limits.max_in_flight.max(1)),
        store: Mutex::new(Store::open(&config.state)?),
        bulk_ids: AtomicU64::new(0),
        rates: Mutex::new(HashMap::new()),
        sessions: Sessions::default(),
        changes: dashboard_changes,
        stopping: stopping_seen,
    });
    ready(&running);
    let served = axum::serve(listener, http::router(state))
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            let _ = stopping.send(true);
        })
        .await
        .map_err(|e| Error::io("the HTTP server failed", e));
    stop.store(true, Ordering::Relaxed);
    let engine = tokio::task::spawn_blocking(move || engine.join()).await;
    match engine {
        Ok(Ok(Err(error))) => return Err(error.into()),
        Ok(Err(_)) | Err(_) => {
            return Err(Error::io(
                "the engine thread",
                std::io::Error::other("panicked"),
            ));
        }
        Ok(Ok(Ok(()))) => {}
    }
    served
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// Takes one syslog message: its JSON payload goes to the writer.
fn take(message: &[u8], metrics: &Metrics) -> Option<Vec<u8>> {
    add(&metrics.syslog_messages_total, 1);
    match syslog::payload(message) {
        Some(payload) => Some(payload.to_vec()),
        None => {
            add(&metrics.syslog_without_json_total, 1);
            None
        }
    }
}

async fn syslog_udp(socket: UdpSocket, lines: mpsc::Sender<Vec<u8>>, metrics: Arc<Metrics>) {
    let mut buffer = vec![0u8; 65_536];
    loop {
        let Ok((len, _)) = socket.recv_from(&mut buffer).await else {
            continue;
        };
        let Some(message) = buffer.get(..len) else {
            continue;
        };
        if let Some(payload) = take(message, &metrics)
            && lines.try_send(payload).is_err()
        {
            add(&metrics.ingest_throttled_total, 1); // UDP has no back-pressure: counted drop.
        }
    }
}

async fn syslog_tcp(listener: TcpListener, lines: mpsc::Sender<Vec<u8>>, metrics: Arc<Metrics>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(syslog_connection(
            stream,
            lines.clone(),
            Arc::clone(&metrics),
        ));
    }
}

async fn syslog_connection(
    mut stream: TcpStream,
    lines: mpsc::Sender<Vec<u8>>,
    metrics: Arc<Metrics>,
) {
    let mut framer = Framer::default();
    let mut buffer = vec![0u8; 64 << 10];
    loop {
        let read = match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        let mut payloads = Vec::new();
        if let Some(bytes) = buffer.get(..read) {
            framer.push(bytes, &mut |frame, message| match frame {
                Frame::Message => payloads.extend(take(message, &metrics)),
                Frame::TooLong => add(&metrics.syslog_too_long_total, 1),
            });
        }
        for payload in payloads {
            // TCP senders wait when the writer is behind: back-pressure.
            if lines.send(payload).await.is_err() {
                return;
            }
        }
    }
}

/// Writes syslog payloads to the spool in batches (one sync per batch).
async fn spool_writer(
    mut queue: mpsc::Receiver<Vec<u8>>,
    spool: Arc<Spool>,
    metrics: Arc<Metrics>,
) {
    let mut batch = Vec::new();
    while queue.recv_many(&mut batch, 4096).await > 0 {
        let documents = std::mem::take(&mut batch);
        let spool = Arc::clone(&spool);
        let metrics = Arc::clone(&metrics);
        let _ = tokio::task::spawn_blocking(move || {
            let mut by_family: Vec<(&'static str, Vec<u8>)> = Vec::new();
            for document in documents {
                match ingest::shape(&document) {
                    Ok((family, line)) => {
                        add(&metrics.ingest_events_total, 1);
                        match by_family.iter_mut().find(|(f, _)| *f == family) {
                            Some((_, lines)) => {
                                lines.extend_from_slice(&line);
                                lines.push(b'\n');
                            }
                            None => by_family.push((family, [line, b"\n".to_vec()].concat())),
                        }
                    }
                    Err(_) => add(&metrics.ingest_rejected_events_total, 1),
                }
            }
            for (family, lines) in by_family {
                add(&metrics.ingest_bytes_total, lines.len() as u64);
                if spool.append(family, &lines).is_err() {
                    add(&metrics.ingest_throttled_total, 1);
                }
            }
        })
        .await;
    }
}
