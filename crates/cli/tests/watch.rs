//! `rmmguard watch` as a live site sees it: a generated multi-site folder
//! grows (appended lines, lines cut mid-write, new files, rename, copytruncate
//! and gzip rotation, whole files copied in), the watcher is killed with
//! SIGKILL at random moments and restarted, and at the end its state holds
//! exactly what `hunt` finds in the final folder: every finding once, with
//! the same counts and times, and the same incidents.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use common::{command, incident_key, rmmguard};
use rmmguard::findings::Severity;
use rmmguard::store::{Status, Store};
use serde_json::Value;

/// A small deterministic random source (xorshift64*), so a failure replays.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// How a JSON-lines file is rotated halfway through.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Rotation {
    None,
    Rename,
    CopyTruncate,
    Gzip,
}

/// One generated JSON-lines file written out in pieces.
struct Feed {
    target: PathBuf,
    bytes: Vec<u8>,
    written: usize,
    rotation: Rotation,
    rotated: bool,
}

impl Feed {
    /// Appends the next piece: up to `max` bytes, sometimes ending mid-line.
    fn step(&mut self, dice: &mut Dice, max: usize) {
        if self.written >= self.bytes.len() {
            return;
        }
        if !self.rotated && self.rotation != Rotation::None && self.written * 2 >= self.bytes.len()
        {
            self.rotate();
        }
        // At most a third of the file per piece: every file takes several
        // pieces, so every planned rotation happens mid-file.
        let max = max.min(self.bytes.len() / 3).max(1);
        let end = (self.written + 1 + dice.below(max as u64) as usize).min(self.bytes.len());
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.target)
            .expect("open feed");
        file.write_all(&self.bytes[self.written..end])
            .expect("append");
        self.written = end;
    }

    /// Rotates the file at a line boundary, the three ways logrotate does.
    fn rotate(&mut self) {
        self.rotated = true;
        let name = |suffix: &str| {
            let mut name = self.target.clone().into_os_string();
            name.push(suffix);
            PathBuf::from(name)
        };
        let Ok(current) = fs::read(&self.target) else {
            return;
        };
        // Finish the line being written first: rotation happens between lines.
        let rest = self.bytes[self.written..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(self.bytes.len(), |i| self.written + i + 1);
        let mut whole = current;
        whole.extend_from_slice(&self.bytes[self.written..rest]);
        self.written = rest;
        match self.rotation {
            Rotation::Rename => {
                fs::write(&self.target, &whole).expect("finish line");
                fs::rename(&self.target, name(".1")).expect("rename");
            }
            Rotation::CopyTruncate => {
                fs::write(name(".1"), &whole).expect("copy");
                File::create(&self.target).expect("truncate");
            }
            Rotation::Gzip => {
                let gz = File::create(name(".1.gz")).expect("gz");
                let mut encoder = flate2::write::GzEncoder::new(gz, flate2::Compression::fast());
                encoder.write_all(&whole).expect("compress");
                encoder.finish().expect("finish gz");
                fs::remove_file(&self.target).expect("remove rotated");
            }
            Rotation::None => {}
        }
    }
}

/// Findings by id (comparable form) and incidents as kind and finding ids.
type Outcome = (BTreeMap<String, Value>, Vec<(String, BTreeSet<String>)>);

fn start_watch(data: &Path, state: &Path, live: &Path) -> Child {
    command(data)
        .args([
            "watch",
            "--interval",
            "40ms",
            "--settle",
            "300ms",
            "--min-severity",
            "info",
        ])
        .arg("--policy")
        .arg(live.join("policy.toml"))
        .arg("--state")
        .arg(state)
        .arg("--site-from-dir")
        .arg(live.join("evidence"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start watch")
}

/// Findings as comparable rows: everything but the evidence list, whose
/// file names change with rotation (a renamed file's early evidence names
/// its old path).
fn comparable(mut record: Value) -> (String, Value) {
    let id = record["id"].as_str().unwrap_or_default().to_owned();
    if let Some(object) = record.as_object_mut() {
        object.remove("evidence");
    }
    (id, record)
}

fn hunt_findings(data: &Path, live: &Path) -> Outcome {
    let findings = live.join("hunt.jsonl");
    let incidents = live.join("hunt-incidents.jsonl");
    let policy = live.join("policy.toml");
    let output = rmmguard(
        data,
        &[
            "hunt",
            "--quiet",
            "--policy",
            policy.to_str().expect("utf-8"),
            "--site-from-dir",
            "--jsonl",
            findings.to_str().expect("utf-8"),
            "--incidents",
            incidents.to_str().expect("utf-8"),
            live.join("evidence").to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let lines = |path: &Path| -> Vec<Value> {
        fs::read_to_string(path)
            .expect("read output")
            .lines()
            .map(|line| serde_json::from_str(line).expect("json"))
            .collect()
    };
    let findings = lines(&findings).into_iter().map(comparable).collect();
    let incidents = lines(&incidents).iter().map(incident_key).collect();
    (findings, incidents)
}

fn stored(state: &Path) -> Outcome {
    let store = Store::open(state).expect("state file");
    let findings = store
        .findings(Severity::Info, true)
        .expect("findings")
        .into_iter()
        .map(|f| comparable(serde_json::to_value(&f.record).expect("record")))
        .collect();
    let mut incidents: Vec<(String, BTreeSet<String>)> = store
        .incidents(&[Status::Open, Status::Acknowledged])
        .expect("incidents")
        .iter()
        .map(|row| incident_key(&serde_json::to_value(&row.record).expect("record")))
        .collect();
    incidents.sort();
    (findings, incidents)
}

#[test]
fn watch_killed_at_random_moments_ends_equal_to_a_hunt_of_the_final_folder() {
    let data = tempfile::tempdir().expect("data dir");
    let work = tempfile::tempdir().expect("work dir");
    let generated = work.path().join("generated");
    let output = rmmguard(
        data.path(),
        &[
            "simulate",
            "--seed",
            "11",
            "--sites",
            "3",
            "--hosts",
            "2",
            "--days",
            "1",
            "--background",
            "60",
            "--format",
            "both",
            "--out",
            generated.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let live = work.path().join("live");
    fs::create_dir_all(live.join("evidence")).expect("live dir");
    fs::copy(generated.join("policy.toml"), live.join("policy.toml")).expect("policy");

    // Every generated evidence file, fed into the live folder in pieces.
    let mut dice = Dice(0x5eed_2026);
    let mut feeds = Vec::new();
    let mut wholes = Vec::new();
    let sources = walk(&generated);
    for source in &sources {
        let Ok(relative) = source.strip_prefix(&generated) else {
            continue;
        };
        let relative: PathBuf = relative.components().skip(1).collect(); // jsonl/ or evtx/
        if relative.as_os_str().is_empty()
            || source
                .file_name()
                .is_some_and(|n| n == "policy.toml" || n == "truth.json")
        {
            continue;
        }
        // generated/FORMAT/SITE/… becomes evidence/SITE/FORMAT/…, so sites are folders.
        let format_dir = source
            .strip_prefix(&generated)
            .ok()
            .and_then(|r| r.components().next())
            .map(|c| c.as_os_str().to_owned())
            .unwrap_or_default();
        let mut parts = relative.components();
        let site = parts
            .next()
            .map(|c| c.as_os_str().to_owned())
            .unwrap_or_default();
        let target = live
            .join("evidence")
            .join(site)
            .join(format_dir)
            .join(parts.as_path());
        fs::create_dir_all(target.parent().expect("parent")).expect("dirs");
        if source.extension().is_some_and(|e| e == "jsonl") {
            let rotation = match feeds.len() % 7 {
                1 => Rotation::Rename,
                3 => Rotation::CopyTruncate,
                5 => Rotation::Gzip,
                _ => Rotation::None,
            };
            feeds.push(Feed {
                target,
                bytes: fs::read(source).expect("read"),
                written: 0,
                rotation,
                rotated: false,
            });
        } else {
            wholes.push((source.clone(), target));
        }
    }
    assert!(
        feeds.len() >= 20 && wholes.len() >= 10,
        "{} feeds, {} whole files",
        feeds.len(),
        wholes.len()
    );
    let rotations = feeds
        .iter()
        .filter(|f| f.rotation != Rotation::None)
        .count();

    let state = work.path().join("state.db");
    let mut watch = start_watch(data.path(), &state, &live);
    let mut kills = 0;
    let steps = 80;
    for step in 0..steps {
        for feed in feeds.iter_mut() {
            if dice.below(3) == 0 {
                feed.step(&mut dice, 8 << 10);
            }
        }
        // Whole files arrive over the run; one of them in two writes.
        if let Some((source, target)) = wholes.pop_if(|_| dice.below(3) == 0 || step == steps - 1) {
            let bytes = fs::read(&source).expect("read whole");
            let half = bytes.len() / 2;
            fs::write(&target, &bytes[..half]).expect("first half");
            std::thread::sleep(Duration::from_millis(30));
            let mut file = OpenOptions::new()
                .append(true)
                .open(&target)
                .expect("reopen");
            file.write_all(&bytes[half..]).expect("second half");
        }
        std::thread::sleep(Duration::from_millis(20 + dice.below(60)));
        // Kills in the first half; the second half is read by one process, so
        // what it got wrong no restart would mend before the comparison.
        if step < steps / 2 && step % 5 == 4 {
            std::thread::sleep(Duration::from_millis(dice.below(60)));
            watch.kill().expect("SIGKILL");
            watch.wait().expect("reap");
            kills += 1;
            watch = start_watch(data.path(), &state, &live);
        }
    }
    // The rest of the feeds and whole files, then the watcher catches up.
    for feed in feeds.iter_mut() {
        while feed.written < feed.bytes.len() {
            feed.step(&mut dice, 64 << 10);
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    for (source, target) in wholes.drain(..) {
        fs::copy(&source, &target).expect("copy whole");
    }
    assert!(
        kills >= 4,
        "the run must kill the watcher several times ({kills})"
    );

    // The watcher that is still running catches up; its state is compared
    // before anything reads the folder afresh.
    let (hunt_findings, mut hunt_incidents) = hunt_findings(data.path(), &live);
    hunt_incidents.sort();
    assert!(
        hunt_findings.len() >= 20,
        "a multi-site story: {} findings",
        hunt_findings.len()
    );
    let mut watch_state = stored(&state);
    for _ in 0..100 {
        if watch_state.0 == hunt_findings && watch_state.1 == hunt_incidents {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
        watch_state = stored(&state);
    }
    watch.kill().expect("SIGKILL");
    watch.wait().expect("reap");
    let (watch_findings, watch_incidents) = watch_state;
    let missing: Vec<&String> = hunt_findings
        .keys()
        .filter(|id| !watch_findings.contains_key(*id))
        .collect();
    let extra: Vec<&String> = watch_findings
        .keys()
        .filter(|id| !hunt_findings.contains_key(*id))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?} ({kills} kills, {rotations} rotations)"
    );
    let differ: Vec<String> = hunt_findings
        .iter()
        .filter_map(|(id, finding)| {
            let watched = watch_findings.get(id)?;
            let fields: Vec<String> = finding
                .as_object()?
                .iter()
                .filter(|(key, value)| watched.get(key.as_str()) != Some(*value))
                .map(|(key, value)| format!("{key}: hunt {value}, watch {}", watched[key.as_str()]))
                .collect();
            (!fields.is_empty()).then(|| format!("{id} {}", fields.join("; ")))
        })
        .collect();
    assert!(differ.is_empty(), "findings differ:\n{}", differ.join("\n"));
    assert_eq!(hunt_incidents, watch_incidents, "incidents differ");

    // A restart reads every file again up to its watermark: nothing changes.
    let again = rmmguard(
        data.path(),
        &[
            "watch",
            "--once",
            "--site-from-dir",
            "--min-severity",
            "info",
            "--policy",
            live.join("policy.toml").to_str().expect("utf-8"),
            "--state",
            state.to_str().expect("utf-8"),
            live.join("evidence").to_str().expect("utf-8"),
        ],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, "", "a restart changes nothing");
    assert_eq!(stored(&state), (watch_findings, watch_incidents));
}

/// Every file under `dir`, sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("list").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
