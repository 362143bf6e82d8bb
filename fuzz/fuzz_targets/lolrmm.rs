//! LOLRMM import: the first byte picks a YAML document (one tool file) or
//! the JSON export (`rmm_tools.json`, an array); the rest is written to a
//! file of that name (the importer reads files) and imported, and the
//! tools it gives are validated as a catalog. (Merging into the built-in
//! catalog re-validates its 82 tools and slowed this target to a few runs
//! a second.)
#![no_main]
use libfuzzer_sys::fuzz_target;
use rmmguard_catalog::{Catalog, lolrmm};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let name = if selector & 1 == 0 {
        "tool.yaml"
    } else {
        "rmm_tools.json"
    };
    let path = rmmguard_fuzz::scratch_dir().join(name);
    if std::fs::write(&path, rest).is_err() {
        return;
    }
    if let Ok(report) = lolrmm::import(&path) {
        let _ = Catalog::new("fuzz".to_owned(), report.tools);
    }
});
