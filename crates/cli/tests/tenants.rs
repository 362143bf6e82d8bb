//! `rmmguard tenants` as users run it: nothing readable is an error (exit
//! 2), a fitted config is read back by `score --config`, and CSV cells that
//! a spreadsheet would run as formulas come out inert.

mod common;

use std::path::Path;

use common::{Output, command, output};

/// Runs the binary with `args` in `dir`, with its data under `dir/data`.
fn rmmguard(dir: &Path, args: &[&str]) -> Output {
    output(command(&dir.join("data")).current_dir(dir).args(args))
}

#[test]
fn score_exits_2_when_nothing_could_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let sparse = dir.path().join("sparse");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(4 << 20)
        .unwrap();
    let out = rmmguard(dir.path(), &["tenants", "score", "sparse"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "rmmguard: sparse: skipped 1 of 1 record (1 syntax)\n\
             rmmguard:   sparse:1: not a valid record: line longer than 1048576 bytes\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("no valid tenant records in 1 input file: all 1 skipped (1 syntax)"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn fit_writes_a_config_that_score_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out = rmmguard(
        dir.path(),
        &[
            "tenants",
            "simulate",
            "--seed",
            "5",
            "--tenants",
            "1500",
            "--out",
            "set",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = rmmguard(
        dir.path(),
        &[
            "tenants",
            "fit",
            "set",
            "--labels",
            "set/bans.csv",
            "--out",
            "fitted.toml",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("\nweights (multipliers on each feature's points):\n")
    );
    assert!(
        out.stdout.ends_with("\nwrote fitted.toml\n"),
        "{}",
        out.stdout
    );
    let config = std::fs::read_to_string(dir.path().join("fitted.toml")).unwrap();
    assert!(config.starts_with("# rmmguard tenants: a fitted scoring config"));
    assert!(config.contains("\n[weights]\nfresh_domain = "), "{config}");
    let out = rmmguard(
        dir.path(),
        &[
            "tenants",
            "score",
            "set",
            "--config",
            "fitted.toml",
            "--top",
            "1",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("suspend"), "{}", out.stdout);
}

#[test]
fn csv_cells_that_look_like_formulas_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("events.jsonl"),
        "{\"type\":\"abuse_report\",\"ts\":\"2024-05-01T14:00:00Z\",\"tenant\":\"=HYPERLINK(\\\"http://x.example\\\")\"}\n\
         {\"type\":\"abuse_report\",\"ts\":\"2024-05-01T14:00:00Z\",\"tenant\":\"@SUM(1+1)*cmd|' /C calc'!A0\"}\n",
    )
    .unwrap();
    let out = rmmguard(
        dir.path(),
        &["tenants", "score", "events.jsonl", "--csv", "scores.csv"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let csv = std::fs::read_to_string(dir.path().join("scores.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(
        rows,
        [
            "1,\"'=HYPERLINK(\"\"http://x.example\"\")\",15,clear,0,0,0,0,0,0,0,15,1 abuse report",
            "2,'@SUM(1+1)*cmd|' /C calc'!A0,15,clear,0,0,0,0,0,0,0,15,1 abuse report",
        ]
    );
}
