//! ARCHITECTURE.md's map is the workspace: the crate edges it lists are
//! exactly those of the `Cargo.toml` files, and the seams it promises hold
//! (nothing downstream of the findings compiles the detector).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use common::repo;

type Edges = BTreeMap<String, BTreeSet<String>>;

/// `crate -> deps` lines of the first ```text block after "Dependency edges".
fn documented() -> Edges {
    let text = fs::read_to_string(repo().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let start = text.find("Dependency edges").expect("an edges section");
    let block = &text[start..];
    let block = &block[block.find("```text\n").expect("a ```text block") + 8..];
    let block = &block[..block.find("```").expect("block end")];
    block
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (name, deps) = line.split_once("->").expect("crate -> deps");
            let deps = deps
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned)
                .collect();
            (name.trim().to_owned(), deps)
        })
        .collect()
}

/// Workspace edges from each crate's `[dependencies]` (dev-dependencies are
/// test wiring, not architecture).
fn actual() -> Edges {
    let mut edges = Edges::new();
    for entry in fs::read_dir(repo().join("crates")).expect("crates/") {
        let dir = entry.expect("entry").path();
        let Ok(text) = fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let manifest: toml::Table = text.parse().expect("Cargo.toml parses");
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let deps = manifest
            .get("dependencies")
            .and_then(|d| d.as_table())
            .map(|table| {
                table
                    .keys()
                    .filter_map(|k| {
                        (k == "rmmguard")
                            .then(|| "rmmguard".to_owned())
                            .or_else(|| k.strip_prefix("rmmguard-").map(str::to_owned))
                    })
                    .collect()
            })
            .unwrap_or_default();
        edges.insert(name, deps);
    }
    edges
}

fn reaches(edges: &Edges, from: &str, to: &str) -> bool {
    let mut stack = vec![from.to_owned()];
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if seen.insert(name.clone())
            && let Some(deps) = edges.get(&name)
        {
            stack.extend(deps.iter().cloned());
        }
    }
    false
}

#[test]
fn documented_edges_are_the_cargo_edges() {
    assert_eq!(
        documented(),
        actual(),
        "ARCHITECTURE.md's edge list differs from the Cargo.toml files"
    );
}

#[test]
fn nothing_downstream_of_findings_compiles_the_detector() {
    let edges = actual();
    for name in ["findings", "correlate", "sinks", "controls", "forward"] {
        assert!(!reaches(&edges, name, "detect"), "{name} depends on detect");
    }
    assert!(reaches(&edges, "rmmguard", "detect"));
}

#[test]
fn every_crate_forbids_unsafe_code() {
    for entry in fs::read_dir(repo().join("crates")).expect("crates/") {
        let dir = entry.expect("entry").path();
        for root in ["src/lib.rs", "src/main.rs"] {
            if let Ok(text) = fs::read_to_string(dir.join(root)) {
                assert!(
                    text.contains("#![forbid(unsafe_code)]"),
                    "{} lacks #![forbid(unsafe_code)]",
                    dir.join(root).display()
                );
            }
        }
    }
}
