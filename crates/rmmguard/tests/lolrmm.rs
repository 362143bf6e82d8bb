//! LOLRMM import: every entry of the shared snapshot imports without an
//! error, from the YAML folder and from the JSON export alike, and a tool
//! only the import knows is then detected in real evidence.

mod common;

use common::{reference, render, run};
use rmmguard::catalog::{Catalog, lolrmm};
use rmmguard::detect::{DetectConfig, Detector, IocSet};

#[test]
fn all_319_entries_import_with_zero_errors() {
    for source in ["lolrmm/yaml", "lolrmm/api/rmm_tools.json", "lolrmm"] {
        let report = lolrmm::import(&reference(source)).expect("import");
        assert_eq!(report.entries, 319, "{source}");
        assert_eq!(report.errors, Vec::<(String, String)>::new(), "{source}");
        // Duplicate names (two files, one product) merge: 313 names, 310 after normalization.
        assert_eq!(report.tools.len(), 310, "{source}");
        assert!(report.imported["domains"] > 600, "{:?}", report.imported);
        assert!(report.imported["names"] > 900, "{:?}", report.imported);
        assert!(report.skipped["placeholder, not a domain (self-hosted tool)"] > 0);
    }
}

#[test]
fn imported_tool_is_detected() {
    let builtin = Catalog::builtin().expect("built-in");
    assert!(
        builtin.get("rdpwrap").is_none(),
        "rdpwrap must be an import-only tool for this test"
    );
    let report = lolrmm::import(&reference("lolrmm/yaml")).expect("import");
    let merged = builtin.merge_imported(report.tools).expect("merge");
    assert!(merged.tools().len() > 250);
    assert_eq!(
        merged.get("anydesk").map(|t| t.origin),
        Some(rmmguard::catalog::Origin::BuiltinPlusLolrmm)
    );
    let config = DetectConfig {
        today: jiff::civil::date(2026, 11, 26),
        ..DetectConfig::default()
    };
    let detector = Detector::new(&merged, None, IocSet::builtin(), config).expect("detector");
    let root = reference("evtx/hayabusa-sample-evtx/EVTX-ATTACK-SAMPLES/Defense Evasion");
    let hunt = run(std::slice::from_ref(&root), &detector, 2);
    let rendered = render(&hunt.report.findings, &root);
    // RDP Wrapper (LOLRMM: rdpwrap.yaml) unpacked on the Desktop and run from there.
    assert!(
        rendered.contains("high E005 host=PC04.example.corp tool=rdpwrap"),
        "{rendered}"
    );
    assert!(
        rendered.contains("medium E002 host=PC04.example.corp tool=rdpwrap"),
        "{rendered}"
    );
}
