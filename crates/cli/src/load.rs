//! Loading what a run needs from disk: the catalog (built-in plus an
//! imported LOLRMM catalog kept in the data directory), the policy, and IOC files.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rmmguard::catalog::{Catalog, CatalogFile};
use rmmguard::detect::IocSet;
use rmmguard::policy::Policy;

/// The file in the data directory that holds the imported tools.
pub const IMPORTED: &str = "lolrmm-import.json";

/// The data directory: the flag, then `RMMGUARD_DATA_DIR`, then the platform default.
pub fn data_dir(flag: Option<&Path>) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os("RMMGUARD_DATA_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "rmmguard")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".rmmguard"))
}

/// The built-in catalog, widened by the imported one if there is one (and it is wanted).
pub fn catalog(data_dir: &Path, builtin_only: bool) -> Result<Catalog> {
    let builtin = Catalog::builtin().context("the built-in catalog is invalid")?;
    let path = data_dir.join(IMPORTED);
    if builtin_only || !path.exists() {
        return Ok(builtin);
    }
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: CatalogFile = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not an rmmguard catalog; run `rmmguard catalog import` again",
            path.display()
        )
    })?;
    builtin
        .merge_imported(file.tools)
        .with_context(|| format!("cannot merge {}", path.display()))
}

/// Reads and parses a policy file.
pub fn policy(path: &Path) -> Result<Policy> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read policy {}", path.display()))?;
    Policy::parse(&text).with_context(|| format!("invalid policy {}", path.display()))
}

/// The built-in indicators plus every IOC file given.
pub fn iocs(files: &[PathBuf]) -> Result<IocSet> {
    let mut set = IocSet::builtin();
    for file in files {
        let text = fs::read_to_string(file)
            .with_context(|| format!("cannot read IOC file {}", file.display()))?;
        let stats = set
            .add_file(&file.display().to_string(), &text)
            .with_context(|| format!("invalid IOC file {}", file.display()))?;
        if stats.skipped > 0 {
            eprintln!(
                "rmmguard: warning: {}: {} values of unknown shape (or CIDR blocks wider than an IPv4 /16) skipped ({} indicators read)",
                file.display(),
                stats.skipped,
                stats.added
            );
        }
    }
    Ok(set)
}

/// A list of domains, one per line (`#` comments), from a file if given.
pub fn domain_list(path: Option<&Path>) -> Result<Vec<String>> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim().to_lowercase())
        .filter(|line| !line.is_empty())
        .collect())
}

/// Reads `assets.csv` (host,ips,user,mailbox,site,group).
pub fn assets(path: &Path) -> Result<rmmguard::correlate::Entities> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    rmmguard::correlate::Entities::from_csv(&text)
        .with_context(|| format!("invalid assets file {}", path.display()))
}
