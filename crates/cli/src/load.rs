//! Loading what a run needs from disk: the catalog (built-in plus an
//! imported LOLRMM catalog kept in the data directory), the policy, and IOC files.

use std::collections::HashSet;
use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rmmguard::catalog::{Catalog, CatalogFile};
use rmmguard::detect::IocSet;
use rmmguard::detect::ioc::IocFileStats;
use rmmguard::policy::{Context as PolicyContext, Error as PolicyError, Policy};
use rmmguard_words::counted;

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

/// Whether a tool id is in `catalog`, for policy checks.
pub fn known_tools(catalog: &Catalog) -> impl Fn(&str) -> bool + '_ {
    let ids: HashSet<&str> = catalog
        .tools()
        .iter()
        .map(|tool| tool.id.as_str())
        .collect();
    move |id: &str| ids.contains(id)
}

/// The rule ids exclusions may name: the detector's rule table.
pub fn rule_ids() -> Vec<&'static str> {
    rmmguard::findings::rules::ALL
        .iter()
        .map(|rule| rule.id)
        .collect()
}

/// Reads a policy file as `policy check` judges it: every error (a missing
/// `version`, unknown tools or rule ids, bad globs, `tenants = []`, an
/// approved path that covers the Internet) refuses the policy, listed one
/// per line. Warnings are left to `policy check`; `hunt` reports expired
/// exclusions itself.
pub fn policy(path: &Path, catalog: &Catalog) -> Result<Policy> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read policy {}", path.display()))?;
    let known = known_tools(catalog);
    let rules = rule_ids();
    // The day only decides warnings (expired exclusions), which are not used here.
    let context = PolicyContext {
        known_tool: &known,
        rule_ids: &rules,
        today: jiff::Zoned::now().date(),
    };
    match Policy::load(&text, &context) {
        Ok((policy, _warnings)) => Ok(policy),
        Err(PolicyError::Invalid(errors)) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|error| format!("{}:{error}", path.display()))
                .collect();
            bail!(
                "invalid policy {} (`rmmguard policy check` lists warnings too):\n{}",
                path.display(),
                lines.join("\n")
            )
        }
        // The diagnostic has the place and the message; the file goes in front
        // of it, compiler style, once.
        Err(PolicyError::Syntax(diagnostic)) => bail!(
            "invalid policy {}:{}:{}: {}",
            path.display(),
            diagnostic.line,
            diagnostic.column,
            diagnostic.message.trim().replace('\n', ": ")
        ),
        Err(error) => Err(anyhow::Error::new(error)).context("invalid policy"),
    }
}

/// The built-in indicators plus every IOC file given, each read as a
/// stream. Says so when the set is too large for the prefilter.
pub fn iocs(files: &[PathBuf]) -> Result<IocSet> {
    let mut set = IocSet::builtin();
    for file in files {
        let opened = fs::File::open(file)
            .with_context(|| format!("cannot read IOC file {}", file.display()))?;
        // The loader's error names the file already.
        let stats = set
            .add_reader(&file.display().to_string(), BufReader::new(opened))
            .context("invalid IOC file")?;
        if stats.skipped > 0 {
            eprintln!("rmmguard: warning: {}", unknown_values(file, &stats));
        }
    }
    if !set.fits_prefilter() {
        eprintln!(
            "rmmguard: note: {} indicators are more than the prefilter searches for ({}): every record is parsed, so large hunts are slower; no indicator is missed",
            set.len(),
            rmmguard::detect::ioc::NEEDLE_LIMIT
        );
    }
    Ok(set)
}

/// The IOC loader's skipped values, the first few named with their lines.
fn unknown_values(file: &Path, stats: &IocFileStats) -> String {
    let examples: Vec<String> = stats
        .unknown
        .iter()
        .map(|unknown| match unknown.line {
            Some(line) => format!("line {line}: {:?}", unknown.value),
            None => format!("{:?}", unknown.value),
        })
        .collect();
    let more = stats.skipped.saturating_sub(examples.len());
    format!(
        "{}: {} of unknown shape (or CIDR blocks wider than an IPv4 /16) skipped: {}{}; {} read",
        file.display(),
        counted(stats.skipped, "value"),
        examples.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        },
        counted(stats.added, "indicator"),
    )
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
