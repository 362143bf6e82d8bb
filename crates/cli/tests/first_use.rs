//! What a newcomer meets first: the help at 80 columns, the messages of
//! common mistakes (each said once, in the right number), and the outputs
//! of the README's commands.

mod common;

use std::fs;
use std::path::Path;

use common::{Output, command, output};

/// Runs the binary with `args` in the repository root, a private data dir
/// and an 80-column terminal.
fn rmmguard(data: &Path, args: &[&str]) -> Output {
    output(command(data).args(args).env("COLUMNS", "80"))
}

const SUBCOMMANDS: &[&[&str]] = &[
    &[],
    &["hunt"],
    &["audit"],
    &["catalog"],
    &["catalog", "list"],
    &["catalog", "show"],
    &["catalog", "export"],
    &["catalog", "import"],
    &["policy"],
    &["policy", "check"],
    &["controls"],
    &["tenants"],
    &["tenants", "score"],
    &["tenants", "watch"],
    &["tenants", "simulate"],
    &["tenants", "eval"],
    &["tenants", "fit"],
    &["simulate"],
    &["eval"],
    &["rules"],
];

#[test]
fn every_help_fits_80_columns() {
    let data = tempfile::tempdir().unwrap();
    for command in SUBCOMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let out = rmmguard(data.path(), &args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        for line in out.stdout.lines() {
            assert!(
                line.chars().count() <= 80,
                "`rmmguard {}` has a line over 80 columns:\n{line}",
                args.join(" ")
            );
        }
    }
}

#[test]
fn simulate_usage_shows_only_what_is_required() {
    let data = tempfile::tempdir().unwrap();
    let help = rmmguard(data.path(), &["simulate", "--help"]);
    let usage = help
        .stdout
        .lines()
        .find(|l| l.starts_with("Usage:"))
        .unwrap();
    assert_eq!(usage, "Usage: rmmguard simulate [OPTIONS] --out <DIR>");
    let missing = rmmguard(data.path(), &["simulate"]);
    assert_eq!(missing.code, 2);
    assert!(!missing.stderr.contains("--seed <"), "{}", missing.stderr);
}

#[test]
fn catalog_export_writes_json_by_default() {
    let data = tempfile::tempdir().unwrap();
    let plain = rmmguard(data.path(), &["catalog", "export"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let json: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    assert!(json["tools"].as_array().unwrap().len() > 50);
    let flagged = rmmguard(data.path(), &["catalog", "export", "--json"]);
    assert_eq!(flagged.stdout, plain.stdout);
}

/// The message of a failed run, which must name `what` exactly once.
fn fails_saying_once(out: &Output, what: &str) -> String {
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr.matches(what).count(),
        1,
        "{what:?} said once:\n{}",
        out.stderr
    );
    out.stderr.clone()
}

#[test]
fn errors_say_each_thing_once() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nonexistent");
    let out = rmmguard(data.path(), &["hunt", missing.to_str().unwrap()]);
    let message = fails_saying_once(&out, "nonexistent");
    assert_eq!(
        message,
        format!(
            "rmmguard: error: {}: no such file or folder\n",
            missing.display()
        )
    );

    for command in [&["tenants", "score"][..], &["catalog", "import"]] {
        let mut args = command.to_vec();
        args.push(missing.to_str().unwrap());
        let out = rmmguard(data.path(), &args);
        fails_saying_once(&out, "nonexistent");
        fails_saying_once(&out, "os error 2");
    }

    let looped = dir.path().join("loop");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let out = rmmguard(data.path(), &["hunt", looped.to_str().unwrap()]);
    fails_saying_once(&out, "symbolic links");

    let ioc = dir.path().join("feed.json");
    fs::write(&ioc, "{not json").unwrap();
    let out = rmmguard(
        data.path(),
        &[
            "hunt",
            "--ioc",
            ioc.to_str().unwrap(),
            "examples/evidence/jsonl",
        ],
    );
    fails_saying_once(&out, "feed.json");

    let policy = dir.path().join("policy.toml");
    fs::write(&policy, "version = 1\n[[authorized]\n").unwrap();
    let out = rmmguard(
        data.path(),
        &[
            "hunt",
            "--policy",
            policy.to_str().unwrap(),
            "examples/evidence/jsonl",
        ],
    );
    let message = fails_saying_once(&out, "policy.toml");
    assert_eq!(message.matches("error").count(), 1, "{message}");
    assert!(
        message.starts_with(&format!(
            "rmmguard: error: invalid policy {}:2:",
            policy.display()
        )),
        "{message}"
    );
}

#[test]
fn unknown_ioc_values_are_named_with_their_lines() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ioc = dir.path().join("iocs.txt");
    fs::write(
        &ioc,
        "evil.example\nnot a value\n10.0.0.0/8\n# comment\n???\n198.51.100.7\nstill nothing\n",
    )
    .unwrap();
    let out = rmmguard(
        data.path(),
        &[
            "hunt",
            "-q",
            "--ioc",
            ioc.to_str().unwrap(),
            "examples/evidence/jsonl",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "rmmguard: warning: {}: 4 values of unknown shape (or CIDR blocks wider than an IPv4 /16) skipped: \
             line 2: \"not a value\", line 3: \"10.0.0.0/8\", line 5: \"???\" and 1 more; 2 indicators read\n",
            ioc.display()
        )
    );
}

/// The summary's headline and findings count.
fn summary_counts(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("Findings:") || l.contains("(+"))
        .collect()
}

#[test]
fn the_same_input_given_twice_is_read_once() {
    let data = tempfile::tempdir().unwrap();
    let once = rmmguard(data.path(), &["hunt", "examples/evidence/jsonl/hq"]);
    let twice = rmmguard(
        data.path(),
        &[
            "hunt",
            "examples/evidence/jsonl/hq",
            "examples/evidence/jsonl/hq/HQ-WS-002/Sysmon.jsonl",
            "examples/evidence/jsonl/hq",
        ],
    );
    assert_eq!(once.code, 0, "{}", once.stderr);
    assert_eq!(twice.code, 0, "{}", twice.stderr);
    assert_eq!(summary_counts(&once.stdout), summary_counts(&twice.stdout));
    assert!(
        twice.stdout.contains(
            "  skipped: examples/evidence/jsonl/hq/HQ-WS-002/Sysmon.jsonl: the same file as \
             examples/evidence/jsonl/hq/HQ-WS-002/Sysmon.jsonl (named twice, or a second link to it): read once\n"
        ),
        "{}",
        twice.stdout
    );
    assert!(
        twice.stdout.contains(
            "  skipped: examples/evidence/jsonl/hq: folder already read (a symlink loop or a second link to it): passed over\n"
        ),
        "{}",
        twice.stdout
    );
}

/// The column each header of a table line starts at.
fn column_starts(header: &str, names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .map(|name| header.find(name).unwrap_or(usize::MAX))
        .collect()
}

#[test]
fn audit_tables_align_and_cut_lists_at_whole_names() {
    let data = tempfile::tempdir().unwrap();
    let out = rmmguard(
        data.path(),
        &[
            "hunt",
            "--assets",
            "examples/evidence/assets.csv",
            "examples/evidence/jsonl",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let audit: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("RMM audit"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    let names = [
        "TOOL",
        "TENANT",
        "POLICY",
        "MODE",
        "HOSTS",
        "FIRST SEEN",
        "ON",
    ];
    let starts = column_starts(audit[0], &names);
    for row in &audit[1..] {
        // Every cell of a column starts where its header does.
        for (&start, name) in starts.iter().zip(names).skip(1) {
            let before = row.chars().nth(start - 1);
            assert_eq!(
                before,
                Some(' '),
                "{name} misaligned in\n{}",
                audit.join("\n")
            );
        }
        let hosts = &row[starts[6]..];
        for host in hosts.split(", ") {
            let host = host.split(" +").next().unwrap();
            assert!(
                host.ends_with(".contoso.local")
                    || host.ends_with(".northwind.local")
                    || host.ends_with(')'),
                "whole host names only: {host:?} in {row}"
            );
        }
    }

    let audit = rmmguard(data.path(), &["audit", "examples/evidence/jsonl"]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    let lines: Vec<&str> = audit.stdout.lines().skip(1).collect();
    let names = [
        "TOOL",
        "TENANT",
        "POLICY",
        "MODE",
        "HOSTS",
        "FIRST SEEN",
        "LAST SEEN",
        "SITES",
    ];
    let starts = column_starts(lines[0], &names);
    let mode = starts[3];
    for row in &lines[1..] {
        let cell = &row[mode..];
        assert!(
            [
                "portable",
                "in-memory",
                "service",
                "installed",
                "other folder",
                "network",
                "seen"
            ]
            .iter()
            .any(|m| cell.starts_with(m)),
            "MODE misaligned: {row}"
        );
    }
}

#[test]
fn the_report_names_hosts_and_sites_from_the_assets() {
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let html = out_dir.path().join("report.html");
    let out = rmmguard(
        data.path(),
        &[
            "hunt",
            "-q",
            "--policy",
            "examples/policy.toml",
            "--assets",
            "examples/evidence/assets.csv",
            "examples/evidence/jsonl",
            "--html",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = fs::read_to_string(&html).unwrap();
    // A host seen only by address is named, its address kept.
    assert!(
        text.contains("BRANCH1-WS-002.contoso.local (10.11.0.21)"),
        "host named by the assets"
    );
    // Every finding has a site: the assets give one to each host.
    assert!(!text.contains("(no site)"), "sites from assets.csv");
    assert!(text.contains("\"site\":\"branch1\""));
    // The foreign-tenant session is its own segment on the ScreenConnect bar.
    let screenconnect = text
        .split("<text ")
        .find(|row| row.contains("BRANCH1-WS-001.contoso.local · ScreenConnect"))
        .unwrap();
    assert!(screenconnect.contains("data-span"), "{screenconnect}");
    assert!(
        screenconnect.contains("data-segment=\"critical\""),
        "{screenconnect}"
    );
}

#[test]
fn policy_check_warns_about_a_screenconnect_cloud_instance_without_its_relay() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    fs::write(
        &policy,
        "version = 1\n[[authorized]]\ntool = \"screenconnect\"\ntenants = [\"acme.screenconnect.com\"]\n",
    )
    .unwrap();
    let out = rmmguard(data.path(), &["policy", "check", policy.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!(
            "{}:4:12: warning: \"acme.screenconnect.com\" is a ScreenConnect cloud instance; its clients \
             connect to its relay (instance-<id>-relay.screenconnect.com), which is not listed, so they \
             would be reported as a foreign tenant (E004): add the relay too (`rmmguard audit \
             --write-policy` writes the relay it sees)\n",
            policy.display()
        )
    );
    assert_eq!(
        out.stdout,
        format!("{}: ok (1 warning)\n", policy.display())
    );
}
