//! rmmguard's catalog of remote monitoring and management (RMM) tools.
//!
//! The built-in catalog is our own data: one TOML file per tool under
//! `catalog/` at the repository root, compiled into the binary (see
//! `catalog/README.md` for the format). [`Catalog::builtin`] parses and
//! validates it; [`lolrmm::import`] converts LOLRMM's catalog into the same
//! [`Tool`] type and [`Catalog::merge_imported`] widens the built-in catalog
//! with it, the built-in entry winning wherever both describe one product.
//!
//! The catalog holds facts only. The matchers compiled from it live in
//! `rmmguard-detect`.
//!
//! ```
//! let catalog = rmmguard_catalog::Catalog::builtin().unwrap();
//! let anydesk = catalog.get("anydesk").unwrap();
//! assert!(anydesk.binaries.names.iter().any(|n| n.eq_ignore_ascii_case("anydesk.exe")));
//! assert!(catalog.tools().len() >= 60);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
pub mod lolrmm;
mod model;
mod validate;

use std::collections::BTreeMap;

pub use error::{Error, ErrorKind};
pub use model::{
    AppLogTell, Binaries, Category, Field, Install, Network, Origin, PortRange, PortTransport,
    Tell, TellKind, TenantRule, Tls, Tool,
};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The format version of catalog files and of the exported JSON.
pub const FORMAT_VERSION: u32 = 1;

/// A validated set of tools, sorted by id.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    version: String,
    tools: Vec<Tool>,
}

/// The JSON form of a catalog (`catalog export --json`, the imported catalog file).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// [`FORMAT_VERSION`] of the writer.
    pub format: u32,
    /// The catalog version the file was made from.
    pub version: String,
    /// The tools.
    pub tools: Vec<Tool>,
}

impl Catalog {
    /// The catalog compiled into this binary.
    ///
    /// # Errors
    ///
    /// Fails only if a built-in file is invalid, which the test suite rules out.
    pub fn builtin() -> Result<Catalog, Error> {
        let mut tools = Vec::with_capacity(builtin::FILES.len());
        for (file, text) in builtin::FILES {
            tools.push(parse_tool(file, text)?);
        }
        Catalog::new(builtin::VERSION.to_owned(), tools)
    }

    /// A catalog from tools, validated (unique ids, well-formed patterns) and sorted by id.
    ///
    /// # Errors
    ///
    /// Names the first tool and field that are invalid.
    pub fn new(version: String, mut tools: Vec<Tool>) -> Result<Catalog, Error> {
        tools.sort_by(|a, b| a.id.cmp(&b.id));
        for pair in tools.windows(2) {
            if pair[0].id == pair[1].id {
                return Err(Error::new(ErrorKind::DuplicateId(pair[0].id.clone())));
            }
        }
        for tool in &tools {
            validate::tool(tool)?;
        }
        Ok(Catalog { version, tools })
    }

    /// The catalog version (`catalog/VERSION`, plus `+lolrmm` once widened by an import).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// All tools, sorted by id.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// The tool with this id, or whose name or alias equals `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Tool> {
        let key = normalize_name(name);
        self.tools.iter().find(|tool| {
            tool.id == name
                || normalize_name(&tool.name) == key
                || tool
                    .aliases
                    .iter()
                    .any(|alias| normalize_name(alias) == key)
        })
    }

    /// This catalog widened with imported tools: an imported tool that names a
    /// built-in one (by LOLRMM file, id, name or alias) adds only the facts the
    /// built-in entry lacks; the rest are added as they are.
    ///
    /// # Errors
    ///
    /// Fails if the result does not validate.
    pub fn merge_imported(&self, imported: Vec<Tool>) -> Result<Catalog, Error> {
        let mut tools: BTreeMap<String, Tool> = self
            .tools
            .iter()
            .map(|tool| (tool.id.clone(), tool.clone()))
            .collect();
        for tool in imported {
            match self.builtin_match(&tool) {
                Some(id) => {
                    if let Some(base) = tools.get_mut(&id) {
                        widen(base, &tool);
                    }
                }
                None => {
                    let id = free_id(&tools, &tool.id);
                    tools.insert(id.clone(), Tool { id, ..tool });
                }
            }
        }
        let version = format!("{}+lolrmm", self.version);
        Catalog::new(version, tools.into_values().collect())
    }

    /// The JSON form of this catalog.
    pub fn to_file(&self) -> CatalogFile {
        CatalogFile {
            format: FORMAT_VERSION,
            version: self.version.clone(),
            tools: self.tools.clone(),
        }
    }

    /// Which built-in tool an imported one describes, if any.
    fn builtin_match(&self, imported: &Tool) -> Option<String> {
        let by_file = self.tools.iter().find(|tool| {
            imported
                .lolrmm
                .iter()
                .any(|file| tool.lolrmm.iter().any(|own| own.eq_ignore_ascii_case(file)))
        });
        by_file
            .or_else(|| self.get(&imported.name))
            .or_else(|| self.tools.iter().find(|tool| tool.id == imported.id))
            .map(|tool| tool.id.clone())
    }
}

/// Parses one catalog file.
///
/// # Errors
///
/// Names the file, and the line and column of a TOML error.
pub fn parse_tool(file: &str, text: &str) -> Result<Tool, Error> {
    let tool: Tool = toml::from_str(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map(|span| line_column(text, span.start))
            .unwrap_or((0, 0));
        Error::new(ErrorKind::Toml {
            message: error.message().to_owned(),
            line,
            column,
        })
        .in_file(file)
    })?;
    let expected_id = file.trim_end_matches(".toml");
    if tool.id != expected_id {
        return Err(Error::new(ErrorKind::Invalid {
            tool: tool.id.clone(),
            message: format!("id must equal the file name ({expected_id:?})"),
        })
        .in_file(file));
    }
    Ok(tool)
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Lower-cases a product name and drops everything but letters and digits,
/// so `Ultra VNC`, `UltraVNC` and `ultravnc` compare equal.
pub fn normalize_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Adds to `base` the host-side facts of `extra` it lacks (names, paths,
/// services, configuration files, registry keys), case-insensitively. The
/// curated entry wins on everything else: LOLRMM's signers and companies are
/// harvested from samples (wrappers included), and its network lists mix in
/// campaign hosts, IPs and typos, so only domains below a domain the built-in
/// entry already lists are taken, and no addresses.
fn widen(base: &mut Tool, extra: &Tool) {
    let before = base.clone();
    union(&mut base.aliases, &extra.aliases);
    union(&mut base.lolrmm, &extra.lolrmm);
    union(&mut base.binaries.names, &extra.binaries.names);
    union(
        &mut base.binaries.original_file_names,
        &extra.binaries.original_file_names,
    );
    union(&mut base.install.paths, &extra.install.paths);
    union(&mut base.install.services, &extra.install.services);
    union(&mut base.install.config_files, &extra.install.config_files);
    union(
        &mut base.install.registry_keys,
        &extra.install.registry_keys,
    );
    let vendor_domains: Vec<String> = base
        .network
        .domains
        .iter()
        .map(|d| d.trim_start_matches("*.").to_owned())
        .collect();
    let below_vendor: Vec<String> = extra
        .network
        .domains
        .iter()
        .filter(|domain| {
            let bare = domain.trim_start_matches("*.");
            vendor_domains
                .iter()
                .any(|own| bare == own || bare.ends_with(&format!(".{own}")))
        })
        .cloned()
        .collect();
    union(&mut base.network.domains, &below_vendor);
    if *base != before {
        base.origin = Origin::BuiltinPlusLolrmm;
    }
}

fn union(base: &mut Vec<String>, extra: &[String]) {
    for value in extra {
        if !base.iter().any(|own| own.eq_ignore_ascii_case(value)) {
            base.push(value.clone());
        }
    }
}

fn free_id(tools: &BTreeMap<String, Tool>, id: &str) -> String {
    if !tools.contains_key(id) {
        return id.to_owned();
    }
    (2..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| !tools.contains_key(candidate))
        .unwrap_or_else(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads_and_has_the_top_tools() {
        let catalog = Catalog::builtin().unwrap();
        for id in [
            "screenconnect",
            "anydesk",
            "teamviewer",
            "atera",
            "splashtop",
            "netsupport",
            "action1",
            "remotepc",
            "zoho-assist",
            "logmein",
            "goto-resolve",
            "rustdesk",
            "simplehelp",
            "meshcentral",
            "kaseya",
            "n-able",
            "ninjaone",
            "chrome-remote-desktop",
            "ultraviewer",
            "ammyy-admin",
            "remote-utilities",
            "tightvnc",
            "ultravnc",
            "realvnc",
            "supremo",
            "dwservice",
            "level",
            "tactical-rmm",
            "fleetdeck",
            "quick-assist",
            "beyondtrust",
            "syncro",
        ] {
            assert!(catalog.get(id).is_some(), "built-in catalog lacks {id}");
        }
        assert!(catalog.tools().len() >= 60, "{}", catalog.tools().len());
    }

    #[test]
    fn get_by_name_or_alias() {
        let catalog = Catalog::builtin().unwrap();
        assert_eq!(
            catalog.get("ConnectWise Control").unwrap().id,
            "screenconnect"
        );
        assert_eq!(catalog.get("AnyDesk").unwrap().id, "anydesk");
        assert!(catalog.get("no such tool").is_none());
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let err = parse_tool("x.toml", "id = \"x\"\nname = 3\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("x.toml:2:8:"), "{text}");
    }

    #[test]
    fn id_must_match_file_name() {
        let err =
            parse_tool("y.toml", "id = \"x\"\nname = \"X\"\ncategory = \"rmm\"\n").unwrap_err();
        assert!(err.to_string().contains("file name"), "{err}");
    }

    #[test]
    fn merge_widens_builtin_and_adds_new_tools() {
        let catalog = Catalog::builtin().unwrap();
        let mut anydesk = catalog.get("anydesk").unwrap().clone();
        anydesk.id = "anydesk-lolrmm".into();
        anydesk.binaries.names.push("extra-anydesk.exe".into());
        anydesk
            .binaries
            .signers
            .push("Harvested Wrapper Ltd".into());
        anydesk.network.domains.push("campaign-host.example".into());
        anydesk.network.domains.push("extra.net.anydesk.com".into());
        anydesk.network.addresses.push("203.0.113.9".into());
        let mut new_tool = anydesk.clone();
        new_tool.id = "brand-new".into();
        new_tool.name = "Brand New Remote".into();
        new_tool.lolrmm = vec!["brand_new.yaml".into()];
        new_tool.aliases.clear();
        let merged = catalog.merge_imported(vec![anydesk, new_tool]).unwrap();
        let widened = merged.get("anydesk").unwrap();
        assert!(
            widened
                .binaries
                .names
                .contains(&"extra-anydesk.exe".to_owned())
        );
        assert!(
            !widened
                .binaries
                .signers
                .contains(&"Harvested Wrapper Ltd".to_owned())
        );
        assert!(
            widened
                .network
                .domains
                .contains(&"extra.net.anydesk.com".to_owned())
        );
        assert!(
            !widened
                .network
                .domains
                .contains(&"campaign-host.example".to_owned())
        );
        assert!(widened.network.addresses.is_empty());
        assert_eq!(widened.origin, Origin::BuiltinPlusLolrmm);
        assert!(merged.get("brand-new").is_some());
        assert_eq!(merged.tools().len(), catalog.tools().len() + 1);
        assert!(merged.version().ends_with("+lolrmm"));
    }

    #[test]
    fn port_ranges_parse_and_print() {
        let port: PortRange = "tcp/21115-21119".parse().unwrap();
        assert!(port.contains(PortTransport::Tcp, 21117));
        assert!(!port.contains(PortTransport::Udp, 21117));
        assert_eq!(port.to_string(), "tcp/21115-21119");
        assert!("tcp/0".parse::<PortRange>().is_err());
        assert!("icmp/1".parse::<PortRange>().is_err());
        assert!("tcp/9-1".parse::<PortRange>().is_err());
    }

    #[test]
    fn line_columns() {
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("ab", 0), (1, 1));
    }
}
