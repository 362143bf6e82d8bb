//! Shared helpers for the controls integration tests: the fixture policy,
//! generation at a fixed time, temporary files, and running the real
//! validators (which must be installed: scripts/deps/controls.sh).

#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};
use std::process::{Command, Output as ProcessOutput};

use rmmguard_catalog::Catalog;
use rmmguard_controls::{Options, Output, Provenance, Target};
use rmmguard_policy::Policy;

/// 2026-11-26T00:00:00Z: the fixed generation time of every test output.
pub const GENERATED_AT: i64 = 1_795_651_200;

pub fn policy_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policy.toml");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("missing fixture {}: {e}", path.display()))
}

pub fn catalog() -> Catalog {
    Catalog::builtin().expect("built-in catalog")
}

pub fn options(catalog: &Catalog, text: &str) -> Options {
    let at = jiff::Timestamp::from_second(GENERATED_AT).expect("timestamp");
    Options::new(Provenance::new(catalog, Some(text), at))
}

/// Generates `target` from the fixture policy with default options.
pub fn generate(target: Target) -> Output {
    let catalog = catalog();
    let text = policy_text();
    let policy = Policy::parse(&text).expect("fixture policy parses");
    target
        .generate(&catalog, &policy, &options(&catalog, &text))
        .expect("generates")
}

/// Generates with options changed by `tweak`.
pub fn generate_with(target: Target, tweak: impl FnOnce(&mut Options)) -> Output {
    let catalog = catalog();
    let text = policy_text();
    let policy = Policy::parse(&text).expect("fixture policy parses");
    let mut options = options(&catalog, &text);
    tweak(&mut options);
    target
        .generate(&catalog, &policy, &options)
        .expect("generates")
}

/// The single file of a one-file target.
pub fn text(output: &Output) -> &str {
    assert_eq!(output.files.len(), 1, "expected one file");
    &output.files[0].text
}

/// Fails the test, naming the tool and the install script, when a
/// validator is missing; otherwise returns its path.
pub fn require(tool: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .chain(["/usr/sbin", "/sbin", "/usr/local/bin"].map(PathBuf::from))
            .map(|dir| dir.join(tool))
            .find(|candidate| candidate.is_file())
    });
    match found {
        Some(path) => path,
        None => panic!(
            "`{tool}` is not installed: run `sudo bash scripts/deps/controls.sh` \
             (it installs every validator the controls tests use)"
        ),
    }
}

/// Runs a validator and fails the test with its output unless it succeeds.
pub fn run_ok(mut command: Command, what: &str) -> ProcessOutput {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        output.status.success(),
        "{what} rejected the output ({shown}, {}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Writes `text` into a fresh temporary folder as `name`.
pub fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write temp file");
    (dir, path)
}

/// The repository root (two folders above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `examples/policy.toml`, the policy users start from.
pub fn example_policy_text() -> String {
    let path = repo_root().join("examples/policy.toml");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("missing example policy {}: {e}", path.display()))
}

/// The built-in catalog widened by the LOLRMM catalog in the shared
/// reference data (`../shared/reference/lolrmm`), as `catalog import` does.
pub fn lolrmm_catalog() -> Catalog {
    let folder = repo_root().join("../shared/reference/lolrmm");
    assert!(
        folder.is_dir(),
        "the LOLRMM reference catalog is missing: expected {}",
        folder.display()
    );
    let report = rmmguard_catalog::lolrmm::import(&folder)
        .unwrap_or_else(|e| panic!("cannot import {}: {e}", folder.display()));
    assert!(
        report.tools.len() > 200,
        "{} tools imported",
        report.tools.len()
    );
    catalog()
        .merge_imported(report.tools)
        .expect("the imported catalog validates")
}

/// Generates `target` from `catalog` and the policy `text`, options changed by `tweak`.
pub fn generate_from(
    catalog: &Catalog,
    text: &str,
    target: Target,
    tweak: impl FnOnce(&mut Options),
) -> Output {
    let policy = Policy::parse(text).expect("policy parses");
    let mut options = options(catalog, text);
    tweak(&mut options);
    target
        .generate(catalog, &policy, &options)
        .unwrap_or_else(|e| panic!("{target}: {e}"))
}

// ---------------------------------------------------------------- real validators

/// `nft -c -f`: the ruleset parses and would load.
pub fn check_nft(text: &str) {
    let (_dir, path) = write_temp("rmmguard.nft", text);
    let mut command = Command::new(require("nft"));
    command.arg("-c").arg("-f").arg(&path);
    run_ok(command, "nft -c");
}

/// `iptables-restore --test --noflush` (or ip6tables-restore).
pub fn check_iptables(text: &str, v6: bool) {
    let tool = if v6 {
        "ip6tables-restore"
    } else {
        "iptables-restore"
    };
    let (_dir, path) = write_temp("rules", text);
    let mut command = Command::new(require(tool));
    command.arg("--test").arg("--noflush");
    command.stdin(std::fs::File::open(&path).expect("open rules"));
    run_ok(command, tool);
}

/// `named-checkzone -k fail`: the zone loads, and every owner name passes
/// BIND's host-name checks (what a primary zone enforces when loaded).
pub fn check_zone(text: &str) -> String {
    let (_dir, path) = write_temp("rpz.rmmguard.zone", text);
    let mut command = Command::new(require("named-checkzone"));
    command
        .args(["-k", "fail", "-i", "full", "rpz.rmmguard"])
        .arg(&path);
    let output = run_ok(command, "named-checkzone");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `unbound-checkconf` on a minimal unbound.conf that includes the output.
pub fn check_unbound(text: &str) {
    let (dir, include) = write_temp("rmmguard-unbound.conf", text);
    let conf = dir.path().join("unbound.conf");
    let wrapper = format!(
        "server:\n\tdirectory: \"{dir}\"\n\tchroot: \"\"\n\tusername: \"\"\n\tpidfile: \"\"\n\
         \tuse-syslog: no\n\tauto-trust-anchor-file: \"\"\ninclude: \"{include}\"\n",
        dir = dir.path().display(),
        include = include.display()
    );
    std::fs::write(&conf, wrapper).expect("write unbound.conf");
    let mut command = Command::new(require("unbound-checkconf"));
    command.arg(&conf);
    run_ok(command, "unbound-checkconf");
}

/// `xmllint --noout`: well-formed XML (the AppLocker policy).
pub fn check_xml(text: &str) {
    let (_dir, path) = write_temp("rmmguard-applocker.xml", text);
    let mut command = Command::new(require("xmllint"));
    command.arg("--noout").arg(&path);
    run_ok(command, "xmllint");
}

/// `sigma check --fail-on-issues` and `sigma convert` to Splunk and Lucene
/// over the given rule files; returns the number of queries per backend.
pub fn check_sigma(files: &[rmmguard_controls::OutputFile]) -> usize {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in files {
        std::fs::write(dir.path().join(&file.name), &file.text).expect("write rule");
    }
    let sigma = require("sigma");
    let mut check = Command::new(&sigma);
    // The ATT&CK and D3FEND tag validators download MITRE's data at run
    // time, which CI cannot; the tags come from a fixed table tested in src/sigma.rs.
    check
        .args([
            "check",
            "--fail-on-issues",
            "-x",
            "attacktag",
            "-x",
            "d3_fendtag",
        ])
        .arg(dir.path());
    let result = run_ok(check, "sigma check");
    let report = String::from_utf8_lossy(&result.stdout);
    assert!(
        report.contains("Found 0 errors, 0 condition errors and 0 issues"),
        "sigma check:\n{report}"
    );
    let mut counts = Vec::new();
    for (backend, pipeline) in [("splunk", "splunk_windows"), ("lucene", "ecs_windows")] {
        let mut convert = Command::new(&sigma);
        convert
            .args(["convert", "-t", backend, "-p", pipeline])
            .arg(dir.path());
        let result = run_ok(convert, &format!("sigma convert -t {backend}"));
        let queries = String::from_utf8_lossy(&result.stdout);
        counts.push(
            queries
                .lines()
                .filter(|line| !line.trim().is_empty())
                .count(),
        );
    }
    assert_eq!(counts[0], counts[1], "splunk and lucene query counts");
    counts[0]
}
