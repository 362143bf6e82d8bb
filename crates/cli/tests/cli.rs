//! The `rmmguard` binary as users run it: exit codes, outputs, messages.
//! Each test runs the built binary through [`rmmguard`] in a fresh data
//! directory, so no test sees another's imported catalog.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{repo, rmmguard};

#[test]
fn readme_command_one_hunts_the_examples() {
    let data = tempfile::tempdir().unwrap();
    let out = rmmguard(
        data.path(),
        &[
            "hunt",
            "--policy",
            "examples/policy.toml",
            "--assets",
            "examples/evidence/assets.csv",
            "examples/evidence/evtx",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("6 of 6 chain stages: lure-mail, lure-site"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Findings: 1 critical, 10 high, 2 medium, 1 low"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("E004 ScreenConnect on BRANCH1-WS-001.contoso.local connected to foreign relay host rmm.helpdesk-secure.example"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("E005 AnyDesk ran from the Downloads folder on HQ-WS-002.contoso.local"),
        "{}",
        out.stdout
    );
}

#[test]
fn fail_on_sets_the_exit_status() {
    let data = tempfile::tempdir().unwrap();
    let args = [
        "hunt",
        "-q",
        "--policy",
        "examples/policy.toml",
        "examples/evidence/jsonl",
        "--fail-on",
    ];
    let high = rmmguard(data.path(), &[&args[..], &["high"]].concat());
    assert_eq!(high.code, 1);
    let missing = rmmguard(data.path(), &["hunt", "no/such/folder"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("no/such/folder: no such file or folder"),
        "{}",
        missing.stderr
    );
    let bad_flag = rmmguard(data.path(), &["hunt", "--min-severity", "urgent", "x"]);
    assert_eq!(bad_flag.code, 2);
    assert!(
        bad_flag.stderr.contains("unknown severity \"urgent\""),
        "{}",
        bad_flag.stderr
    );
}

#[test]
fn jsonl_output_follows_the_schema() {
    let data = tempfile::tempdir().unwrap();
    let out = rmmguard(
        data.path(),
        &[
            "hunt",
            "-q",
            "--policy",
            "examples/policy.toml",
            "--jsonl",
            "-",
            "examples/evidence/jsonl",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let records: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 39);
    let critical = &records[0];
    assert_eq!(critical["schema_version"], 3);
    assert!(
        critical["id"]
            .as_str()
            .is_some_and(|id| id.len() == 17 && id.starts_with('F'))
    );
    assert_eq!(critical["rule_id"], "E004");
    assert_eq!(critical["severity"], "critical");
    assert_eq!(critical["tool"], "screenconnect");
    assert_eq!(critical["tenant"], "rmm.helpdesk-secure.example");
    assert_eq!(critical["authorization"], "unauthorized");
    assert_eq!(critical["stage"], "rmm-session");
    assert_eq!(
        critical["facts"]["rmm.tenant"],
        serde_json::json!(["rmm.helpdesk-secure.example"])
    );
    let evidence = &critical["evidence"][0];
    assert!(
        evidence["ref"]
            .as_str()
            .unwrap()
            .ends_with("BRANCH1-WS-001/Sysmon.jsonl:22"),
        "{evidence}"
    );
    assert_eq!(evidence["line"], 22);
    assert!(evidence["offset"].as_u64().is_some());
}

#[test]
fn csv_output_has_a_header_and_a_row_per_finding() {
    let data = tempfile::tempdir().unwrap();
    let out = rmmguard(
        data.path(),
        &["hunt", "-q", "--csv", "-", "examples/evidence/jsonl"],
    );
    let mut lines = out.stdout.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("schema_version,severity,rule_id,rule,attack,host")
    );
    assert_eq!(lines.count(), 37);
}

#[test]
fn policy_check_reports_line_and_column() {
    let data = tempfile::tempdir().unwrap();
    let good = rmmguard(data.path(), &["policy", "check", "examples/policy.toml"]);
    assert_eq!(good.code, 0, "{}", good.stderr);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    fs::write(
        &bad,
        "[[authorized]]\ntool = \"anydeks\"\n\n[networks]\napproved = [\"10.8.0.0/33\"]\n",
    )
    .unwrap();
    let out = rmmguard(data.path(), &["policy", "check", bad.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    let name = bad.display().to_string();
    assert!(
        out.stderr
            .contains(&format!("{name}:2:8: error: unknown tool \"anydeks\"")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "{name}:5:13: error: \"10.8.0.0/33\" is not a CIDR block"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn catalog_commands() {
    let data = tempfile::tempdir().unwrap();
    let list = rmmguard(data.path(), &["catalog", "list"]);
    assert!(
        list.stdout.contains("82 tools, catalog version"),
        "{}",
        list.stdout
    );
    let show = rmmguard(data.path(), &["catalog", "show", "ConnectWise Control"]);
    assert!(
        show.stdout.starts_with("id = \"screenconnect\""),
        "{}",
        show.stdout
    );
    let missing = rmmguard(data.path(), &["catalog", "show", "nonesuch"]);
    assert_eq!(missing.code, 2);
    let export = rmmguard(data.path(), &["catalog", "export", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&export.stdout).unwrap();
    assert_eq!(json["tools"].as_array().unwrap().len(), 82);
}

#[test]
fn catalog_import_is_kept_and_used() {
    let data = tempfile::tempdir().unwrap();
    let lolrmm = repo().join("../shared/reference/lolrmm");
    let out = rmmguard(
        data.path(),
        &["catalog", "import", lolrmm.to_str().unwrap()],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("read 319 LOLRMM entries"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(": 0 errors;"), "{}", out.stdout);
    assert!(data.path().join("lolrmm-import.json").exists());
    let list = rmmguard(data.path(), &["catalog", "list"]);
    assert!(
        list.stdout.contains("rdpwrap"),
        "the import widens later runs"
    );
    let builtin = rmmguard(
        data.path(),
        &[
            "hunt",
            "-q",
            "--builtin-catalog",
            "--jsonl",
            "-",
            "examples/evidence/jsonl",
        ],
    );
    assert_eq!(builtin.code, 0);
}

#[test]
fn simulate_is_deterministic() {
    let data = tempfile::tempdir().unwrap();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for dir in [&a, &b] {
        let out = rmmguard(
            data.path(),
            &[
                "simulate",
                "--seed",
                "5",
                "--sites",
                "2",
                "--hosts",
                "2",
                "--days",
                "1",
                "--format",
                "both",
                "--out",
                dir.path().to_str().unwrap(),
            ],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let files = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    out.push((
                        path.strip_prefix(root).unwrap().to_path_buf(),
                        fs::read(&path).unwrap(),
                    ));
                }
            }
        }
        out.sort();
        out
    };
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(
        fa.len(),
        161,
        "2 sites x 6 hosts (grown to fit 11 scenarios) x 4 channels x 2 formats, each site's \
         network files (hq's pcap; branch1's Zeek conn, dns, ssl and rfb logs: the VNC victim is \
         there for this seed) and mail (2 per user, 2 lures) in both trees, assets, truth and \
         policy"
    );
    assert!(fa == fb, "same seed, same bytes");
    let eval = rmmguard(data.path(), &["eval", a.path().to_str().unwrap()]);
    assert_eq!(eval.code, 0, "{}", eval.stdout);
    assert!(
        eval.stdout.starts_with("precision: 1.000\nrecall: 1.000\n"),
        "{}",
        eval.stdout
    );
}

#[test]
fn rules_reference_is_current() {
    let data = tempfile::tempdir().unwrap();
    let out = rmmguard(data.path(), &["rules", "--markdown"]);
    let doc = fs::read_to_string(repo().join("docs/RULES.md")).unwrap_or_default();
    assert!(
        out.stdout == doc,
        "docs/RULES.md is stale: run `cargo run -- rules --markdown > docs/RULES.md`"
    );
}

#[test]
fn audit_writes_a_starter_policy_that_authorizes_what_was_seen() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("starter.toml");
    let out = rmmguard(
        data.path(),
        &[
            "audit",
            "examples/evidence/jsonl",
            "--write-policy",
            policy.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("RMM audit: 6 tools × tenants"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("unreviewed"),
        "without a policy every tool is unreviewed"
    );
    let check = rmmguard(data.path(), &["policy", "check", policy.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    let judged = rmmguard(
        data.path(),
        &[
            "audit",
            "--policy",
            policy.to_str().unwrap(),
            "examples/evidence/jsonl",
        ],
    );
    assert!(
        !judged.stdout.contains("unreviewed") && !judged.stdout.contains("unauthorized"),
        "{}",
        judged.stdout
    );
    assert_eq!(
        judged.stdout.matches(" authorized ").count(),
        6,
        "{}",
        judged.stdout
    );
}
