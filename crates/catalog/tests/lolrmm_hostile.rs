//! Regression tests for hostile LOLRMM documents found by fuzzing
//! (`fuzz/fuzz_targets/lolrmm.rs`) or predicted by issue 13: the importer
//! must never panic, whatever the text of a field.

use std::path::Path;

use rmmguard_catalog::lolrmm;

fn import_yaml(yaml: &str) -> lolrmm::Report {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.yaml");
    std::fs::write(&path, yaml).unwrap();
    lolrmm::import(Path::new(&path)).unwrap()
}

/// `ŉ` upper-cases to two characters (3 bytes from 2): an offset found in
/// the upper-cased key used to be applied to the original and cut `é` in half.
#[test]
fn registry_key_whose_upper_case_is_longer_reads_its_service() {
    let report = import_yaml(
        "Name: Hostile\nCategory: RMM\nDescription: hostile test entry\nArtifacts:\n  Registry:\n    - Path: HKLM\\\u{149}\\Services\\\u{e9}t\u{e9}\n",
    );
    assert_eq!(report.entries, 1);
    assert_eq!(report.tools.len(), 1);
    assert_eq!(report.tools[0].install.services, ["\u{e9}t\u{e9}"]);
}

/// `ﬀ` upper-cases to `FF` (2 bytes from 3): the service name must still be
/// the one after `\Services\`, not a piece of it.
#[test]
fn registry_key_whose_upper_case_is_shorter_reads_its_service() {
    let report = import_yaml(
        "Name: Hostile\nCategory: RMM\nDescription: hostile test entry\nArtifacts:\n  Registry:\n    - Path: HKLM\\\u{fb00}\\Services\\AgentSvc\n",
    );
    assert_eq!(report.tools[0].install.services, ["AgentSvc"]);
}

/// A dotless `ı` in the hive upper-cases to `I`: the hive must be matched
/// on the key as written, so the rest of the key is not shifted.
#[test]
fn hive_spelt_with_look_alike_letters_is_not_a_known_hive() {
    let report = import_yaml(
        "Name: Hostile\nCategory: RMM\nDescription: hostile test entry\nArtifacts:\n  Registry:\n    - Path: HKEY_LOCAL_MACH\u{131}NE\\SOFTWARE\\Hostile\\Agent\n",
    );
    assert!(report.tools[0].install.registry_keys.is_empty());
    assert_eq!(
        report.skipped.get("registry path without a known hive"),
        Some(&1)
    );
}

/// `İ` lower-cases to three bytes and the Kelvin sign `K` to one: the whole
/// path keeps its length, but offsets found in the lower-cased copy shift,
/// and cutting the original at them used to land inside `K`.
#[test]
fn path_whose_lower_case_shifts_offsets_expands_its_variables() {
    let report = import_yaml(
        "Name: Hostile\nCategory: RMM\nDescription: hostile test entry\nDetails:\n  InstallationPaths:\n    - 'C:\\\u{130}\u{130}%TEMP%\\\u{212a}agent\\hostile.exe'\n",
    );
    assert_eq!(report.entries, 1);
    assert_eq!(
        report.tools[0].install.paths,
        ["C:\\\u{130}\u{130}*\\Temp\\\u{212a}agent\\hostile.exe"]
    );
}
