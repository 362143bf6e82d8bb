//! Batch-scoring throughput and memory, on one core (`cargo bench`, never
//! `cargo test`).
//!
//! ```text
//! cargo bench -p rmmguard-tenants --bench throughput -- [DIR] [--tenants N] [--seed N] [--csv] [--eval]
//! ```
//!
//! Without DIR it generates a dataset (default 100,000 tenants) in a temporary
//! folder first. It then times, on this thread only: reading and parsing
//! every record with a plain `serde_json` loop (the floor any JSON reader
//! pays), and full batch scoring (read, check, reorder, fold into state,
//! score and rank every tenant). Peak memory is the process's high-water
//! mark (VmHWM) before and after scoring, divided by the tenants. With
//! `--eval` and a `truth.json` beside the events, it also prints precision
//! and recall (as `rmmguard tenants eval` does).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rmmguard_tenants::Config;
use rmmguard_tenants::batch;
use rmmguard_tenants::eval::{self, Truth};
use rmmguard_tenants::simulate::{self, SimConfig, tape::OutputFormat};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let tenants = value_after(&args, "--tenants").unwrap_or(100_000);
    let seed = value_after(&args, "--seed").unwrap_or(100);
    let csv = args.iter().any(|a| a == "--csv");
    let given = args
        .iter()
        .find(|a| !a.starts_with("--") && a.parse::<u64>().is_err())
        .map(PathBuf::from);
    println!(
        "available cores: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let scratch =
        tempfile::tempdir().unwrap_or_else(|error| fail(&format!("no temporary folder: {error}")));
    let dir = match given {
        Some(dir) => dir,
        None => generate(scratch.path(), seed, tenants, csv),
    };
    let files =
        batch::expand(std::slice::from_ref(&dir)).unwrap_or_else(|error| fail(&error.to_string()));
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let cpu_before = cpu_seconds();
    let (records, parse_seconds) = plain_serde_loop(&files);
    let parse_cpu = (cpu_seconds() - cpu_before).max(0.01);
    println!(
        "plain serde_json loop: {records} records, {:.2} s, {:.0} records/s, {:.0} MB/s; {:.2} CPU s, {:.0} records per CPU second",
        parse_seconds,
        records as f64 / parse_seconds,
        bytes as f64 / parse_seconds / 1e6,
        parse_cpu,
        records as f64 / parse_cpu
    );
    let before = peak_rss_kib();
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let run = batch::score_files(&files, Config::default())
        .unwrap_or_else(|error| fail(&error.to_string()));
    let seconds = started.elapsed().as_secs_f64();
    let score_cpu = (cpu_seconds() - cpu_before).max(0.01);
    let after = peak_rss_kib();
    let tenants = run.scores.len().max(1);
    // On a shared machine the wall clock counts other processes' turns;
    // CPU seconds count only this one's.
    println!(
        "batch scoring: {} records, {} tenants, {:.2} s, {:.0} records/s, {:.0} MB/s (one thread); {:.2} CPU s, {:.0} records per CPU second",
        run.records(),
        tenants,
        seconds,
        run.records() as f64 / seconds,
        bytes as f64 / seconds / 1e6,
        score_cpu,
        run.records() as f64 / score_cpu
    );
    println!(
        "memory: peak RSS {} MiB (was {} MiB before scoring) = {:.0} bytes per tenant; state estimate {:.0} bytes per tenant",
        after / 1024,
        before / 1024,
        (after.saturating_sub(before) * 1024) as f64 / tenants as f64,
        run.engine.heap_bytes() as f64 / tenants as f64
    );
    println!(
        "cpu: {:.2} s user+system for the whole process",
        cpu_seconds()
    );
    if args.iter().any(|a| a == "--eval") {
        let truth = Truth::read(&dir.join(simulate::TRUTH_FILE))
            .unwrap_or_else(|error| fail(&error.to_string()));
        let evaluation = eval::evaluate(&run.scores, &truth, Config::default().thresholds);
        let mut out = std::io::stdout().lock();
        eval::write_text(&mut out, &evaluation).unwrap_or_else(|error| fail(&error.to_string()));
    }
}

/// User plus system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

fn generate(dir: &Path, seed: u64, tenants: u64, csv: bool) -> PathBuf {
    let config = SimConfig {
        seed,
        tenants,
        format: if csv {
            OutputFormat::Csv
        } else {
            OutputFormat::JsonLines
        },
        ..SimConfig::default()
    };
    let started = Instant::now();
    let summary = simulate::run(&config, dir).unwrap_or_else(|error| fail(&error.to_string()));
    println!(
        "generated {} tenants, {} records in {:.1} s",
        summary.tenants,
        summary.records,
        started.elapsed().as_secs_f64()
    );
    dir.to_path_buf()
}

/// What any JSON-lines reader pays: read each line, parse it into the schema's record.
fn plain_serde_loop(files: &[PathBuf]) -> (u64, f64) {
    use std::io::BufRead;
    let started = Instant::now();
    let mut records = 0u64;
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
    {
        let file = std::fs::File::open(path).unwrap_or_else(|error| fail(&error.to_string()));
        let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            if serde_json::from_slice::<rmmguard_tenants::schema::Record<'_>>(&line).is_ok() {
                records += 1;
            }
            line.clear();
        }
    }
    (records, started.elapsed().as_secs_f64().max(1e-9))
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

fn value_after(args: &[String], flag: &str) -> Option<u64> {
    let position = args.iter().position(|a| a == flag)?;
    args.get(position + 1)?.parse().ok()
}

fn fail(message: &str) -> ! {
    eprintln!("throughput: {message}");
    std::process::exit(2)
}
