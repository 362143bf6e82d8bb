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
