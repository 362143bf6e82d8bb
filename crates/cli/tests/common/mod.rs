//! What the CLI tests share: the built binary run as a user runs it, and
//! evidence records written the way shippers write them.

// Each test file is its own crate and uses a part of this module.
#![allow(dead_code)]

pub mod serve;

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the binary left: its exit status and its text.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The binary with the private data directory `data`, no colours, run in
/// the repository root unless the caller says otherwise.
pub fn command(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rmmguard"));
    command
        .current_dir(repo())
        .env("RMMGUARD_DATA_DIR", data)
        .env("NO_COLOR", "1");
    command
}

/// Runs `command` to its end.
pub fn output(command: &mut Command) -> Output {
    let output = command.output().expect("run rmmguard");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the binary with `args` in the repository root and data dir `data`.
pub fn rmmguard(data: &Path, args: &[&str]) -> Output {
    output(command(data).args(args))
}

/// A Sysmon process start (event 1) as one Winlogbeat JSON line.
pub fn sysmon_process_start(
    host: &str,
    record: u32,
    image: &str,
    command_line: &str,
    hashes: &str,
) -> String {
    let minute = record % 60;
    let line = serde_json::json!({
        "@timestamp": format!("2026-11-20T09:{minute:02}:00.000Z"),
        "event": {"code": "1", "provider": "Microsoft-Windows-Sysmon", "kind": "event"},
        "host": {"name": host},
        "winlog": {
            "channel": "Microsoft-Windows-Sysmon/Operational",
            "computer_name": host,
            "event_id": "1",
            "provider_name": "Microsoft-Windows-Sysmon",
            "record_id": record,
            "event_data": {
                "UtcTime": format!("2026-11-20 09:{minute:02}:00.000"),
                "ProcessId": "4242",
                "Image": image,
                "CommandLine": command_line,
                "User": "CORP\\bob",
                "Hashes": hashes,
                "ParentImage": "C:\\Windows\\explorer.exe",
            },
        },
    });
    line.to_string() + "\n"
}

/// An incident as its kind and the ids of its findings.
pub fn incident_key(record: &serde_json::Value) -> (String, std::collections::BTreeSet<String>) {
    let kind = record["kind"].as_str().unwrap_or_default().to_owned();
    let ids = record["timeline"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry["finding_id"].as_str().map(str::to_owned))
        .collect();
    (kind, ids)
}
