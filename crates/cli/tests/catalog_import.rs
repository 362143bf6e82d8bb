//! `rmmguard catalog import` is all or nothing (issue 13): an import with
//! errors, or of something that is not LOLRMM, leaves the stored catalog as
//! it was; a good one replaces it atomically and `--rollback` brings back
//! the one it replaced.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::rmmguard;

/// A LOLRMM `yaml/` folder with one entry per name.
fn lolrmm(root: &Path, names: &[&str]) -> PathBuf {
    let yaml = root.join("yaml");
    fs::create_dir_all(&yaml).unwrap();
    for name in names {
        let file = format!("{}.yaml", name.to_lowercase().replace(' ', "_"));
        let exe = name.to_lowercase().replace(' ', "");
        fs::write(
            yaml.join(file),
            format!(
                "Name: {name}\nCategory: RMM\nDescription: test entry\nDetails:\n  InstallationPaths: [{exe}.exe]\n"
            ),
        )
        .unwrap();
    }
    root.to_path_buf()
}

/// The ids `catalog list` shows that come from an import.
fn imported(data: &Path) -> Vec<String> {
    let list = rmmguard(data, &["catalog", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    list.stdout
        .lines()
        .filter(|line| line.ends_with(" lolrmm"))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The files in the data directory, sorted.
fn files(data: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(data)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn issue_13_an_import_with_errors_or_of_another_shape_changes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let sources = tempfile::tempdir().unwrap();
    let good = lolrmm(&sources.path().join("good"), &["Alpha Remote", "Beta Desk"]);
    let out = rmmguard(data.path(), &["catalog", "import", good.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(imported(data.path()), ["alpha-remote", "beta-desk"]);
    let stored = fs::read(data.path().join("lolrmm-import.json")).unwrap();

    // One good entry and one file that is not LOLRMM at all.
    let mixed = lolrmm(&sources.path().join("mixed"), &["Gamma Help"]);
    fs::write(
        mixed.join("yaml/compose.yml"),
        "services:\n  web:\n    image: nginx\n",
    )
    .unwrap();
    let out = rmmguard(data.path(), &["catalog", "import", mixed.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "  error: compose.yml: not a LOLRMM entry: it lacks Name, Category, Description"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains(
            "not imported: 1 error reading it (listed above); the stored catalog is unchanged"
        ),
        "{}",
        out.stderr
    );

    // An rmmguard catalog export is JSON, but not LOLRMM's: no tool named after the file.
    let export = sources.path().join("export.json");
    let out = rmmguard(
        data.path(),
        &[
            "catalog",
            "export",
            "--json",
            "--out",
            export.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = rmmguard(
        data.path(),
        &["catalog", "import", export.to_str().unwrap()],
    );
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.starts_with("read 0 LOLRMM entries from ")
            && out
                .stdout
                .contains("  error: export.json: not a LOLRMM entry"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("not imported: no LOLRMM entry in it"),
        "{}",
        out.stderr
    );

    // A folder with nothing LOLRMM-shaped in it.
    let empty = sources.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let out = rmmguard(data.path(), &["catalog", "import", empty.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no LOLRMM data here"), "{}", out.stderr);

    assert_eq!(
        fs::read(data.path().join("lolrmm-import.json")).unwrap(),
        stored,
        "every refused import left the stored catalog as it was"
    );
    assert_eq!(imported(data.path()), ["alpha-remote", "beta-desk"]);
    assert_eq!(
        files(data.path()),
        ["lolrmm-import.json"],
        "no temporary file left"
    );
}

#[test]
fn issue_13_rollback_swaps_back_the_replaced_catalog() {
    let data = tempfile::tempdir().unwrap();
    let sources = tempfile::tempdir().unwrap();
    let none = rmmguard(data.path(), &["catalog", "import", "--rollback"]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("nothing to roll back"),
        "{}",
        none.stderr
    );

    let first = lolrmm(&sources.path().join("a"), &["Alpha Remote"]);
    let second = lolrmm(&sources.path().join("b"), &["Beta Desk"]);
    let import = |path: &Path| {
        let out = rmmguard(data.path(), &["catalog", "import", path.to_str().unwrap()]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let rollback = || {
        let out = rmmguard(data.path(), &["catalog", "import", "--rollback"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let said = import(&first);
    assert!(
        said.contains(
            "`rmmguard catalog import --rollback` goes back to the built-in catalog alone"
        ),
        "{said}"
    );
    assert_eq!(imported(data.path()), ["alpha-remote"]);
    assert!(rollback().starts_with("the import had replaced no catalog"));
    assert_eq!(imported(data.path()), Vec::<String>::new());
    assert!(rollback().starts_with("restored the imported catalog from "));
    assert_eq!(imported(data.path()), ["alpha-remote"]);

    let said = import(&second);
    assert!(
        said.contains("the catalog it replaced is kept as "),
        "{said}"
    );
    assert_eq!(imported(data.path()), ["beta-desk"]);
    let said = rollback();
    assert!(said.contains("(1 tool)"), "{said}");
    assert_eq!(imported(data.path()), ["alpha-remote"]);
    rollback();
    assert_eq!(imported(data.path()), ["beta-desk"]);
    assert_eq!(
        files(data.path()),
        ["lolrmm-import.json", "lolrmm-import.previous.json"]
    );
}
