//! Compiles the built-in catalog into the library: every `catalog/*.toml` at the
//! repository root becomes one `(file name, contents)` entry of a generated table,
//! so adding a tool is adding a file.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let catalog_dir = manifest_dir.join("../../catalog");
    println!("cargo:rerun-if-changed={}", catalog_dir.display());

    let mut files: Vec<PathBuf> = match fs::read_dir(&catalog_dir) {
        Ok(dir) => dir
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect(),
        Err(error) => panic!("cannot read {}: {error}", catalog_dir.display()),
    };
    files.sort();

    let mut table = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = file_name(path);
        let absolute = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        table.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            absolute.display().to_string()
        ));
    }
    table.push(']');

    let version = fs::read_to_string(catalog_dir.join("VERSION"))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|_| "0".to_owned());
    println!(
        "cargo:rerun-if-changed={}",
        catalog_dir.join("VERSION").display()
    );

    let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default()).join("builtin.rs");
    let code = format!(
        "/// The catalog version (`catalog/VERSION`).\npub const VERSION: &str = {version:?};\n\
         /// Every built-in tool file: (file name, TOML text).\n\
         pub const FILES: &[(&str, &str)] = {table};\n"
    );
    if let Err(error) = fs::write(&out, code) {
        panic!("cannot write {}: {error}", out.display());
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
