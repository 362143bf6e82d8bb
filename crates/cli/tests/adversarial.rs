//! A hunt over a folder of adversarial files (issue 13): every seed of the
//! fuzz corpora (malformed captures, logs, mail, documents, catalogs,
//! policies — each read as evidence), plus huge generated files: 512 MiB of
//! NUL padding after three good records, a 40 MB line, nesting deeper than
//! any parser recurses, and an empty file. Under a cap on its address space
//! the hunt completes, explains what it skipped, keeps the findings of the
//! good records beside the hostile ones, and exits as documented.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

/// Address-space cap for the hunt, in KiB (`ulimit -v`): far below what
/// reading any of the huge files whole would take.
const MEMORY_CAP_KIB: u64 = 1_500_000;

/// A Sysmon process start of a portable AnyDesk run from Downloads (E005).
fn portable_anydesk(host: &str, record: u32) -> String {
    common::sysmon_process_start(
        host,
        record,
        "C:\\Users\\bob\\Downloads\\AnyDesk.exe",
        "\"C:\\Users\\bob\\Downloads\\AnyDesk.exe\"",
        "",
    )
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn write_evidence(root: &Path) {
    copy_tree(
        &common::repo().join("fuzz/corpus"),
        &root.join("fuzz-corpus"),
    );
    let huge = root.join("huge");
    fs::create_dir_all(&huge).unwrap();

    // Three good records, then NUL to 512 MiB (sparse where the file
    // system allows: the reader must skip it, not hold it).
    let mut padded = fs::File::create(huge.join("padded.jsonl")).unwrap();
    for record in 1..=3 {
        padded
            .write_all(portable_anydesk("PAD-WS-01", record).as_bytes())
            .unwrap();
    }
    padded.set_len(512 << 20).unwrap();

    // A 40 MB line between two good records.
    let mut long = portable_anydesk("LONG-WS-01", 1);
    long += &format!("{{\"message\":\"{}\"}}\n", "A".repeat(40_000_000));
    long += &portable_anydesk("LONG-WS-01", 2);
    fs::write(huge.join("long-line.jsonl"), long).unwrap();

    // Nesting deeper than any recursive parser should follow.
    let deep = "[".repeat(200_000) + &"]".repeat(200_000) + "\n";
    fs::write(huge.join("deep.json"), deep).unwrap();
    fs::write(huge.join("empty.jsonl"), "").unwrap();
}

/// `rmmguard hunt ARGS EVIDENCE` under the address-space cap.
fn capped_hunt(data: &Path, evidence: &Path, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_CAP_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_rmmguard"))
        .args(["hunt", "--threads", "2"])
        .args(args)
        .arg(evidence)
        .env("RMMGUARD_DATA_DIR", data)
        .env("NO_COLOR", "1")
        .output()
        .expect("run rmmguard through sh")
}

#[test]
fn a_folder_of_adversarial_files_is_hunted_under_a_memory_cap() {
    let evidence = tempfile::tempdir().unwrap();
    write_evidence(evidence.path());
    let data = tempfile::tempdir().unwrap();
    let findings = data.path().join("findings.jsonl");
    let findings_arg = findings.to_str().unwrap();

    let run = capped_hunt(data.path(), evidence.path(), &["--jsonl", findings_arg]);
    let said =
        String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{said}");

    // The skips are explained, not silent.
    for reason in [
        "bytes of NUL padding skipped",
        "bytes is over the limit of 16777216 bytes",
    ] {
        assert!(said.contains(reason), "no {reason:?} in:\n{said}");
    }
    // The good records around the hostile ones still make their findings.
    let written = fs::read_to_string(&findings).unwrap();
    let portable_hosts: Vec<String> = written
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|finding| finding["rule_id"] == "E005")
        .filter_map(|finding| finding["host"].as_str().map(str::to_owned))
        .collect();
    for host in ["PAD-WS-01", "LONG-WS-01"] {
        assert!(
            portable_hosts.iter().any(|h| h.eq_ignore_ascii_case(host)),
            "no E005 on {host}: {portable_hosts:?}\n{said}"
        );
    }

    // A gate: the errors listed while reading fail `--fail-on` (2) unless
    // `--lenient` judges the findings anyway (1: E005 is high).
    let gate = capped_hunt(data.path(), evidence.path(), &["-q", "--fail-on", "low"]);
    assert_eq!(
        gate.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&gate.stderr)
    );
    let lenient = capped_hunt(
        data.path(),
        evidence.path(),
        &["-q", "--fail-on", "low", "--lenient"],
    );
    assert_eq!(
        lenient.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&lenient.stderr)
    );
}
