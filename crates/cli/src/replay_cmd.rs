//! `rmmguard replay`: post a folder's JSON-lines events to a running
//! `rmmguard serve` at a chosen rate (a demo, a load test, a backfill).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use rmmguard::sources::{Format, discover};
use rmmguard_words::counted;

/// Flags of `rmmguard replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// JSON-lines evidence files and folders (Windows events, Zeek JSON,
    /// Suricata EVE, osquery results; other files are passed over)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The server
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8470")]
    pub url: String,

    /// An ingest token (or set RMMGUARD_TOKEN, which keeps it out of the
    /// process list)
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,

    /// Events per second at most (0: as fast as the server takes them)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub rate: u64,

    /// Events per request
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub batch: usize,
}

pub fn run(args: &ReplayArgs) -> Result<ExitCode> {
    if args.batch == 0 {
        bail!("--batch must be at least 1");
    }
    let token = match (&args.token, std::env::var("RMMGUARD_TOKEN")) {
        (Some(token), _) => token.clone(),
        (None, Ok(token)) => token,
        (None, Err(_)) => bail!("an ingest token is needed: --token or RMMGUARD_TOKEN"),
    };
    let found = discover(&args.paths)?;
    let files: Vec<_> = found
        .inputs
        .iter()
        .filter(|input| {
            !input.gzip
                && matches!(
                    input.format,
                    Format::EventJson
                        | Format::ZeekJson
                        | Format::SuricataEve
                        | Format::InventoryJsonLines
                )
        })
        .collect();
    if files.is_empty() {
        bail!("no JSON-lines evidence under the paths given");
    }
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .new_agent();
    let endpoint = format!("{}/api/v1/events", args.url.trim_end_matches('/'));
    let started = Instant::now();
    let mut sent = Sender {
        agent,
        endpoint,
        token: &token,
        accepted: 0,
        refused: 0,
        requests: 0,
    };
    let mut batch = String::new();
    let mut in_batch = 0;
    let mut events = 0u64;
    for input in files {
        let file = File::open(&input.path)
            .with_context(|| format!("cannot open {}", input.path.display()))?;
        for line in BufReader::new(file).lines() {
            let line = line.with_context(|| format!("cannot read {}", input.path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            batch.push_str(&line);
            batch.push('\n');
            in_batch += 1;
            events += 1;
            if in_batch == args.batch {
                sent.post(&batch)?;
                batch.clear();
                in_batch = 0;
                pace(args.rate, events, started);
            }
        }
    }
    if in_batch > 0 {
        sent.post(&batch)?;
    }
    let seconds = started.elapsed().as_secs_f64().max(1e-3);
    eprintln!(
        "rmmguard: replay: {} accepted, {} refused, in {} over {seconds:.1} s ({:.0} events/s)",
        counted(sent.accepted, "event"),
        sent.refused,
        counted(sent.requests, "request"),
        events as f64 / seconds
    );
    Ok(if sent.refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Sleeps as long as the events sent so far are ahead of `rate`.
fn pace(rate: u64, events: u64, started: Instant) {
    if rate == 0 {
        return;
    }
    let due = Duration::from_secs_f64(events as f64 / rate as f64);
    if let Some(ahead) = due.checked_sub(started.elapsed()) {
        std::thread::sleep(ahead);
    }
}

struct Sender<'a> {
    agent: ureq::Agent,
    endpoint: String,
    token: &'a str,
    accepted: u64,
    refused: u64,
    requests: u64,
}

impl Sender<'_> {
    /// Posts one batch; waits and retries while the server asks to (429, 503).
    fn post(&mut self, body: &str) -> Result<()> {
        for _attempt in 0..60 {
            let mut response = self
                .agent
                .post(&self.endpoint)
                .header("Authorization", format!("Bearer {}", self.token))
                .header("Content-Type", "application/x-ndjson")
                .send(body.as_bytes())
                .with_context(|| format!("cannot reach {}", self.endpoint))?;
            self.requests += 1;
            let status = response.status().as_u16();
            let text = response
                .body_mut()
                .with_config()
                .limit(1 << 20)
                .read_to_string()
                .unwrap_or_default();
            match status {
                200 | 400 => {
                    let answer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                    self.accepted += answer["accepted"].as_u64().unwrap_or(0);
                    self.refused += answer["refused_count"].as_u64().unwrap_or(0);
                    return Ok(());
                }
                429 | 503 => std::thread::sleep(Duration::from_secs(1)),
                _ => bail!("{} answered {status}: {}", self.endpoint, text.trim()),
            }
        }
        bail!("{} kept asking to retry for a minute", self.endpoint)
    }
}
