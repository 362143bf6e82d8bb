//! `rmmguard catalog list | show | export | import`.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use rmmguard::catalog::{Catalog, CatalogFile, FORMAT_VERSION, Origin, lolrmm};

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
        CatalogCommand::Import { path } => return import(&path, data_dir),
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
        "{} tools, catalog version {}",
        catalog.tools().len(),
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
        lolrmm::import(path).with_context(|| format!("cannot import {}", path.display()))?;
    let mut out = io::stdout().lock();
    let builtin = Catalog::builtin()?;
    let merged = builtin
        .merge_imported(report.tools.clone())
        .context("the imported catalog does not validate")?;
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
    writeln!(
        out,
        "read {} LOLRMM entries from {}: {} errors; {} distinct tools",
        report.entries,
        path.display(),
        report.errors.len(),
        report.tools.len()
    )?;
    for (file, message) in &report.errors {
        writeln!(out, "  error: {file}: {message}")?;
    }
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
        "merged with the built-in catalog: {widened} built-in tools widened, {added} tools added; {} tools in all",
        merged.tools().len()
    )?;
    let file = CatalogFile {
        format: FORMAT_VERSION,
        version: format!("lolrmm:{}", path.display()),
        tools: report.tools,
    };
    save(data_dir, &file)?;
    writeln!(
        out,
        "saved to {}; later runs use it (hunt --builtin-catalog ignores it)",
        data_dir.join(IMPORTED).display()
    )?;
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes the imported tools atomically (temporary file, then rename).
fn save(data_dir: &Path, file: &CatalogFile) -> Result<()> {
    fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let target = data_dir.join(IMPORTED);
    let temporary = data_dir.join(format!("{IMPORTED}.tmp"));
    let mut out = fs::File::create(&temporary)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    serde_json::to_writer(&mut out, file)?;
    out.write_all(b"\n")?;
    out.sync_all()?;
    fs::rename(&temporary, &target)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    Ok(())
}
