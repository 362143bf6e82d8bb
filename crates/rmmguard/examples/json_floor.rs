//! The parsing floor for JSON lines: read every line of the files given and
//! parse it with `serde_json` into a `Value`, then throw it away. What any
//! tool that parses every record pays before it judges anything; used by
//! `bench/run.sh` as a baseline beside `rmmguard hunt`.
//!
//! `cargo run --release --example json_floor -- FILE_OR_DIR...`

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            files(&entry, out);
        }
    } else if path.extension().is_some_and(|e| e == "jsonl") {
        out.push(path.to_path_buf());
    }
}

fn main() -> std::io::Result<()> {
    let mut all = Vec::new();
    for arg in std::env::args().skip(1) {
        files(Path::new(&arg), &mut all);
    }
    let started = Instant::now();
    let (mut bytes, mut records, mut bad) = (0u64, 0u64, 0u64);
    let mut line = Vec::with_capacity(4096);
    for path in &all {
        let mut reader = BufReader::with_capacity(1 << 20, File::open(path)?);
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            bytes += n as u64;
            records += 1;
            if serde_json::from_slice::<serde_json::Value>(&line).is_err() {
                bad += 1;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "json_floor: {records} records, {:.1} MiB in {seconds:.2} s ({:.0} MiB/s, {:.0} records/s), {bad} unparsable",
        bytes as f64 / 1048576.0,
        bytes as f64 / 1048576.0 / seconds,
        records as f64 / seconds
    );
    Ok(())
}
