//! `watch` survives crashes without double counting: after any crash and
//! restart, its final scores equal a batch run over the same input.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rmmguard_tenants::error::Error;
use rmmguard_tenants::report::Sources;
use rmmguard_tenants::simulate::tape::OutputFormat;
use rmmguard_tenants::watch::follow::{Lines, Next, Stream};
use rmmguard_tenants::watch::store::Store;
use rmmguard_tenants::watch::{self, Input, WatchConfig};
use rmmguard_tenants::{Config, Score, batch};

use crate::common::{generate, totals};

/// Environment variable that turns the kill test into the watcher child.
const CHILD: &str = "RMMGUARD_TENANTS_WATCH_CHILD";

/// Lines of an in-memory stream that fail ("crash") after `left` lines.
struct Crashing<'a> {
    inner: Stream<&'a [u8]>,
    left: usize,
}

impl Lines for Crashing<'_> {
    fn next_line(&mut self, line: &mut Vec<u8>) -> Result<Next, Error> {
        if self.left == 0 {
            return Err(Error::format("simulated crash"));
        }
        self.left -= 1;
        self.inner.next_line(line)
    }
}

fn batch_scores(path: &Path) -> Vec<Score> {
    batch::score_files(&[path.to_path_buf()], Config::default())
        .map(|run| run.scores)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn crashes_between_checkpoints_do_not_double_count() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let events = generate(dir.path(), 21, 300, OutputFormat::JsonLines);
    let data = std::fs::read(&events)?;
    let expected = batch_scores(&events);
    let state = dir.path().join("state.sqlite");
    let config = WatchConfig {
        checkpoint_every: 500,
        ..WatchConfig::default()
    };
    let mut alerts = Vec::new();
    // Crash 1,234 lines into each run: never on a checkpoint boundary.
    let mut crashes = 0;
    loop {
        let open = |position: watch::store::Position| -> Result<Box<dyn Lines + '_>, Error> {
            Ok(Box::new(Crashing {
                inner: Stream::open(&data[..], position.lines)?,
                left: 1_234,
            }))
        };
        match watch::run_lines(
            &state,
            open,
            None,
            Sources::files(vec![events.clone()]),
            &config,
            &mut alerts,
        ) {
            Err(error) => {
                assert_eq!(error.to_string(), "simulated crash");
                crashes += 1;
            }
            Ok(summary) => {
                assert!(crashes >= 10, "only {crashes} crashes");
                assert!(summary.resumed_at > 0);
                assert_eq!(totals(&summary.scores), totals(&expected));
                assert_eq!(summary.scores, expected, "evidence differs");
                break;
            }
        }
    }
    Ok(())
}

#[test]
fn kill_9_mid_stream_resumes_without_double_counting() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(spec) = std::env::var(CHILD) {
        run_child(&spec);
    }
    let dir = tempfile::tempdir()?;
    let events = generate(dir.path(), 31, 300, OutputFormat::JsonLines);
    let text = std::fs::read_to_string(&events)?;
    let lines: Vec<&str> = text.lines().collect();
    let expected = batch_scores(&events);
    let stream = dir.path().join("stream.jsonl");
    let state = dir.path().join("state.sqlite");
    let alerts = dir.path().join("alerts.jsonl");
    std::fs::write(&stream, "")?;
    let mut written = 0usize;
    let mut lost_work = 0;
    for (round, share) in [0.3, 0.25, 0.2].into_iter().enumerate() {
        let spec = format!(
            "{}|{}|{}",
            state.display(),
            stream.display(),
            alerts.display()
        );
        let mut child = Command::new(std::env::current_exe()?)
            .args([
                "--exact",
                "watch::kill_9_mid_stream_resumes_without_double_counting",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(CHILD, spec)
            .stdout(Stdio::null())
            .spawn()?;
        wait_for_progress(&state, written, Duration::from_secs(30))?;
        let end = (written + (lines.len() as f64 * share) as usize).min(lines.len());
        append(&stream, &lines[written..end])?;
        written = end;
        std::thread::sleep(Duration::from_millis(3 * round as u64));
        child.kill()?; // SIGKILL
        child.wait()?;
        let committed = Store::open(&state)?
            .position()?
            .map_or(0, |p| p.lines as usize);
        assert!(committed <= written, "committed {committed} of {written}");
        if committed < written {
            lost_work += 1;
        }
    }
    assert!(lost_work >= 1, "no kill landed mid-stream");
    append(&stream, &lines[written..])?;
    let config = WatchConfig {
        exit_at_eof: true,
        ..WatchConfig::default()
    };
    let mut out = Vec::new();
    let summary = watch::run(&state, &Input::File(stream.clone()), &config, &mut out)?;
    assert_eq!(
        summary.records as usize,
        lines.iter().filter(|l| !l.trim().is_empty()).count()
    );
    assert!(summary.resumed_at > 0);
    assert_eq!(totals(&summary.scores), totals(&expected));
    Ok(())
}

/// The watcher child: follows the stream until killed.
fn run_child(spec: &str) -> ! {
    let parts: Vec<&str> = spec.split('|').collect();
    let [state, stream, alerts] = parts[..] else {
        std::process::exit(3);
    };
    let config = WatchConfig {
        checkpoint_every: 250,
        poll: Duration::from_millis(5),
        ..WatchConfig::default()
    };
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(alerts)
        .unwrap_or_else(|_| std::process::exit(3));
    let result = watch::run(
        Path::new(state),
        &Input::File(stream.into()),
        &config,
        &mut out,
    );
    eprintln!("watch child stopped: {result:?}");
    std::process::exit(4)
}

/// Waits until the child has committed everything written so far (it is
/// following the stream).
fn wait_for_progress(
    state: &Path,
    written: usize,
    limit: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    loop {
        let committed = match Store::open(state) {
            Ok(store) => store
                .position()
                .ok()
                .flatten()
                .map_or(0, |p| p.lines as usize),
            Err(_) => 0,
        };
        if committed >= written && state.exists() {
            return Ok(());
        }
        if started.elapsed() > limit {
            return Err(
                format!("watch child did not catch up: {committed} of {written} lines").into(),
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn append(path: &Path, lines: &[&str]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    for chunk in lines.chunks(997) {
        let mut text = chunk.join("\n");
        text.push('\n');
        file.write_all(text.as_bytes())?;
        file.flush()?;
    }
    Ok(())
}
