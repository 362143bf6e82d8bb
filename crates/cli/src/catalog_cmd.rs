//! `rmmguard catalog list | show | export | import`.
//!
//! The imported catalog lives in the data directory. An import replaces it
//! only when it is whole (entries read, no errors, a catalog that validates
//! and reads back), through a temporary file in the same directory that is
//! synced and then renamed over it; the catalog it replaced is kept beside
//! it for `catalog import --rollback`.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use rmmguard::catalog::{Catalog, CatalogFile, FORMAT_VERSION, Origin, lolrmm};

use rmmguard_words::counted;

use crate::args::CatalogCommand;
use crate::load::{self, IMPORTED};

pub fn run(command: CatalogCommand, data_dir: &Path) -> Result<ExitCode> {
    match command {
        CatalogCommand::List => list(&load::catalog(data_dir, false)?)?,
        CatalogCommand::Show { tool } => show(&load::catalog(data_dir, false)?, &tool)?,
        CatalogCommand::Export { json: _, out } => {
            let catalog = load::catalog(data_dir, false)?;
            let text = serde_json::to_string_pretty(&catalog.to_file())?;
            match out {
                Some(path) => fs::write(&path, text + "\n")
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => writeln!(io::stdout().lock(), "{text}")?,
            }
        }
        CatalogCommand::Import { rollback: true, .. } => return rollback(data_dir),
        CatalogCommand::Import {
            path: Some(path), ..
        } => return import(&path, data_dir),
        CatalogCommand::Import { path: None, .. } => {
            bail!("give the LOLRMM folder or file to import, or --rollback")
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn list(catalog: &Catalog) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<28} {:<34} {:<15} {:>5} {:>7} {:>8}  ORIGIN",
        "ID", "NAME", "CATEGORY", "NAMES", "DOMAINS", "TENANTS"
    )?;
    for tool in catalog.tools() {
        let origin = match tool.origin {
            Origin::Builtin => "built-in",
            Origin::Lolrmm => "lolrmm",
            Origin::BuiltinPlusLolrmm => "built-in+lolrmm",
        };
        writeln!(
            out,
            "{:<28} {:<34} {:<15} {:>5} {:>7} {:>8}  {origin}",
            tool.id,
            truncate(&tool.name, 34),
            tool.category.as_str(),
            tool.binaries.names.len(),
            tool.network.domains.len(),
            tool.tenants.len(),
        )?;
    }
    writeln!(
        out,
        "{}, catalog version {}",
        counted(catalog.tools().len(), "tool"),
        catalog.version()
    )
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}

fn show(catalog: &Catalog, name: &str) -> Result<()> {
    let Some(tool) = catalog.get(name) else {
        bail!("no tool {name:?} in the catalog; see `rmmguard catalog list`");
    };
    write!(
        io::stdout().lock(),
        "{}",
        toml::to_string(tool).context("cannot render the tool")?
    )?;
    Ok(())
}

fn import(path: &Path, data_dir: &Path) -> Result<ExitCode> {
    let report =
        // The catalog's error names the file it is about.
        lolrmm::import(path).context("cannot import the LOLRMM catalog")?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "read {} from {}: {}; {}",
        counted(report.entries, "LOLRMM entry"),
        path.display(),
        counted(report.errors.len(), "error"),
        counted(report.tools.len(), "distinct tool")
    )?;
    for (file, message) in &report.errors {
        writeln!(out, "  error: {file}: {message}")?;
    }
    let unchanged = "the stored catalog is unchanged";
    if report.entries == 0 {
        bail!(
            "{}: not imported: no LOLRMM entry in it (a LOLRMM entry has Name, Category and Description); {unchanged}",
            path.display()
        );
    }
    if !report.errors.is_empty() {
        bail!(
            "{}: not imported: {} reading it (listed above); {unchanged}. Fix or remove what they name and import again",
            path.display(),
            counted(report.errors.len(), "error")
        );
    }
    let builtin = Catalog::builtin()?;
    let merged = builtin
        .merge_imported(report.tools.clone())
        .with_context(|| format!("not imported: the result does not validate; {unchanged}"))?;
    let widened = merged
        .tools()
        .iter()
        .filter(|t| t.origin == Origin::BuiltinPlusLolrmm)
        .count();
    let added = merged
        .tools()
        .iter()
        .filter(|t| t.origin == Origin::Lolrmm)
        .count();
    writeln!(out, "imported, per artifact kind:")?;
    for (kind, count) in &report.imported {
        writeln!(out, "  {kind:<22} {count}")?;
    }
    writeln!(out, "skipped, per reason:")?;
    for (reason, count) in &report.skipped {
        writeln!(out, "  {count:>5}  {reason}")?;
    }
    writeln!(
        out,
        "merged with the built-in catalog: {} widened, {} added; {} in all",
        counted(widened, "built-in tool"),
        counted(added, "tool"),
        counted(merged.tools().len(), "tool")
    )?;
    let file = CatalogFile {
        format: FORMAT_VERSION,
        version: format!("lolrmm:{}", path.display()),
        tools: report.tools,
    };
    let mut bytes = serde_json::to_vec(&file)?;
    bytes.push(b'\n');
    // What is written must be what later runs can read.
    let reread: CatalogFile = serde_json::from_slice(&bytes)
        .with_context(|| format!("not imported: the catalog does not read back; {unchanged}"))?;
    builtin
        .merge_imported(reread.tools)
        .with_context(|| format!("not imported: the catalog does not read back; {unchanged}"))?;
    let kept = save(data_dir, &bytes)?;
    writeln!(
        out,
        "saved to {}; later runs use it (hunt --builtin-catalog ignores it)",
        data_dir.join(IMPORTED).display()
    )?;
    if kept {
        writeln!(
            out,
            "the catalog it replaced is kept as {}: `rmmguard catalog import --rollback` restores it",
            data_dir.join(PREVIOUS).display()
        )?;
    } else {
        writeln!(
            out,
            "`rmmguard catalog import --rollback` goes back to the built-in catalog alone"
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The imported catalog that the stored one replaced.
pub const PREVIOUS: &str = "lolrmm-import.previous.json";

/// Stores `bytes` as the imported catalog: written to a temporary file in
/// the data directory, synced, then renamed over the stored one, so a
/// crash or a full disk leaves the old catalog or the new one, never half
/// of either. The catalog it replaces is kept as [`PREVIOUS`] (the same
/// way); returns whether there was one.
fn save(data_dir: &Path, bytes: &[u8]) -> Result<bool> {
    fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let target = data_dir.join(IMPORTED);
    let previous = data_dir.join(PREVIOUS);
    let fresh = write_synced(data_dir, IMPORTED, bytes)?;
    let kept = match fs::read(&target) {
        Ok(current) => {
            let copy = write_synced(data_dir, PREVIOUS, &current);
            let copy = copy.and_then(|copy| rename(&copy, &previous));
            if let Err(error) = copy {
                let _ = fs::remove_file(&fresh);
                return Err(error);
            }
            true
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            // Nothing is replaced: rolling back then means the built-in
            // catalog alone, not an older import.
            match fs::remove_file(&previous) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => {
                    let _ = fs::remove_file(&fresh);
                    return Err(error)
                        .with_context(|| format!("cannot remove {}", previous.display()));
                }
            }
            false
        }
        Err(error) => {
            let _ = fs::remove_file(&fresh);
            return Err(error).with_context(|| format!("cannot read {}", target.display()));
        }
    };
    if let Err(error) = rename(&fresh, &target) {
        let _ = fs::remove_file(&fresh);
        return Err(error);
    }
    sync_dir(data_dir);
    Ok(kept)
}

/// Swaps the stored imported catalog with the one it replaced. With no
/// replaced one, the stored one is set aside (the built-in catalog alone is
/// used), so that a second rollback restores it.
fn rollback(data_dir: &Path) -> Result<ExitCode> {
    let target = data_dir.join(IMPORTED);
    let previous = data_dir.join(PREVIOUS);
    let mut out = io::stdout().lock();
    if previous.exists() {
        let restored = read_catalog_file(&previous)?;
        if target.exists() {
            let aside = data_dir.join(format!(".{IMPORTED}.rollback-{}", std::process::id()));
            rename(&target, &aside)?;
            rename(&previous, &target)?;
            rename(&aside, &previous)?;
        } else {
            rename(&previous, &target)?;
        }
        sync_dir(data_dir);
        writeln!(
            out,
            "restored the imported catalog from {} ({}) as {}; the one it replaced is kept as {} (--rollback again to undo)",
            restored
                .version
                .strip_prefix("lolrmm:")
                .unwrap_or(&restored.version),
            counted(restored.tools.len(), "tool"),
            target.display(),
            previous.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if target.exists() {
        rename(&target, &previous)?;
        sync_dir(data_dir);
        writeln!(
            out,
            "the import had replaced no catalog: later runs use the built-in catalog alone; the import is kept as {} (--rollback again to undo)",
            previous.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    bail!(
        "nothing to roll back: no imported catalog in {}",
        data_dir.display()
    )
}

/// Reads a stored catalog file, refusing one later runs could not use.
fn read_catalog_file(path: &Path) -> Result<CatalogFile> {
    let text = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: CatalogFile = serde_json::from_slice(&text).with_context(|| {
        format!(
            "{} is not an rmmguard catalog; not restored",
            path.display()
        )
    })?;
    Catalog::builtin()?
        .merge_imported(file.tools.clone())
        .with_context(|| format!("{} does not validate; not restored", path.display()))?;
    Ok(file)
}

/// Writes `bytes` to a fresh temporary file beside `name` in `dir` and
/// syncs it; returns its path.
fn write_synced(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let temporary = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = (|| -> io::Result<()> {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(error).with_context(|| format!("cannot write {}", temporary.display()));
    }
    Ok(temporary)
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to)
        .with_context(|| format!("cannot rename {} to {}", from.display(), to.display()))
}

/// Syncs a directory so that renames in it survive a crash (best effort:
/// not every platform can open a directory).
fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}
