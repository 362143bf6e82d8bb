//! The catalog compiled for lookups: hash maps for exact names, glob sets
//! for patterns, a reversed-label trie for domains and an Aho-Corasick
//! automaton for tool names mentioned in command lines. Built once per run
//! and shared read-only by every worker.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ipnet::IpNet;
use regex::{Regex, RegexBuilder};
use rmmguard_catalog::{Catalog, Field, TellKind, Tool};
use rmmguard_events::{PeInfo, Process, basename};

use crate::needles::{Needles, anchored_literal, longest_literal};
use rmmguard_findings::ToolRef;

use crate::{Error, ErrorKind};

/// Product names shorter than this are never used to attribute: too likely
/// to collide with unrelated software.
const MIN_PRODUCT_LEN: usize = 5;
/// Literal parts shorter than this make no useful mention or needle.
const MIN_MENTION_LEN: usize = 6;

/// One tool, compiled.
#[derive(Debug)]
pub(crate) struct ToolInfo {
    pub reference: ToolRef,
    pub tells: Vec<CompiledTell>,
    pub app_logs: Vec<CompiledAppLog>,
    pub tenants: Vec<CompiledTenant>,
}

#[derive(Debug)]
pub(crate) struct CompiledTell {
    pub kind: TellKind,
    pub field: Field,
    pub all: Vec<String>,
    pub any: Vec<String>,
    pub note: String,
}

impl CompiledTell {
    /// Whether the (lower-cased) text shows this tell.
    pub fn matches(&self, lower: &str) -> bool {
        self.all.iter().all(|s| lower.contains(s.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|s| lower.contains(s.as_str())))
    }
}

#[derive(Debug)]
pub(crate) struct CompiledAppLog {
    pub kind: TellKind,
    pub provider: String,
    pub provider_prefix: bool,
    pub event_ids: Vec<u32>,
    pub contains: String,
}

#[derive(Debug)]
pub(crate) struct CompiledTenant {
    pub field: Field,
    pub regex: Regex,
    pub label: String,
}

/// A glob set over lower-cased text plus the tool of each glob.
#[derive(Debug)]
struct ToolGlobs {
    set: GlobSet,
    tools: Vec<usize>,
}

impl ToolGlobs {
    fn build(patterns: &[(String, usize)]) -> Result<ToolGlobs, Error> {
        let mut builder = GlobSetBuilder::new();
        let mut tools = Vec::with_capacity(patterns.len());
        for (pattern, tool) in patterns {
            let glob = GlobBuilder::new(&pattern.to_lowercase())
                .literal_separator(false)
                .backslash_escape(false)
                .build()
                .map_err(|e| {
                    Error::new(ErrorKind::Catalog(format!("bad glob {pattern:?}: {e}")))
                })?;
            builder.add(glob);
            tools.push(*tool);
        }
        let set = builder
            .build()
            .map_err(|e| Error::new(ErrorKind::Catalog(e.to_string())))?;
        Ok(ToolGlobs { set, tools })
    }

    /// The lowest tool index whose glob matches the lower-cased text.
    fn first(&self, lower: &str) -> Option<usize> {
        if self.tools.is_empty() {
            return None;
        }
        self.set
            .matches(lower)
            .into_iter()
            .map(|i| self.tools[i])
            .min()
    }
}

/// The compiled catalog.
#[derive(Debug)]
pub(crate) struct CatalogIndex {
    pub tools: Vec<ToolInfo>,
    names: HashMap<String, usize>,
    name_globs: ToolGlobs,
    original_names: HashMap<String, usize>,
    products: HashMap<String, usize>,
    services: HashMap<String, usize>,
    service_globs: ToolGlobs,
    installers: ToolGlobs,
    install_paths: ToolGlobs,
    msi_products: Vec<(String, usize)>,
    domains: crate::domain_trie::DomainTrie<usize>,
    addresses: HashMap<IpAddr, usize>,
    nets: Vec<(IpNet, usize)>,
    config_files: Vec<(String, usize)>,
    registry_keys: Vec<(String, usize)>,
    mentions: Option<(AhoCorasick, Vec<usize>)>,
    inventory_names: Vec<(String, usize)>,
    pub needles: Needles,
    /// Ports and TLS facts for the network rules (certificate subjects and
    /// ALPN values have needles; ports are the network screen's).
    pub net: crate::net_facts::NetFacts,
}

impl CatalogIndex {
    pub fn build(catalog: &Catalog) -> Result<CatalogIndex, Error> {
        let mut builder = Builder::default();
        for (index, tool) in catalog.tools().iter().enumerate() {
            builder.add_tool(index, tool)?;
        }
        let mut index = builder.finish()?;
        index.net = crate::net_facts::NetFacts::build(catalog, &mut index.needles);
        Ok(index)
    }

    pub fn tool(&self, index: usize) -> &ToolInfo {
        &self.tools[index]
    }

    /// The tool an image file name belongs to.
    pub fn tool_of_image(&self, name: &str) -> Option<usize> {
        let lower = without_copy_number(&name.to_lowercase());
        self.names
            .get(&lower)
            .copied()
            .or_else(|| self.name_globs.first(&lower))
    }

    /// The tool the PE metadata names (OriginalFileName, then a distinctive product).
    pub fn tool_of_pe(&self, pe: &PeInfo) -> Option<usize> {
        let by_original = pe
            .original_file_name
            .as_deref()
            .and_then(|name| self.original_names.get(&name.to_lowercase()).copied());
        by_original.or_else(|| {
            pe.product.as_deref().and_then(|product| {
                self.products
                    .get(&rmmguard_catalog::normalize_name(product))
                    .copied()
            })
        })
    }

    /// Whether `name` is one of the tool's image names (exactly or by glob).
    pub fn is_name_of(&self, tool: usize, name: &str) -> bool {
        let lower = without_copy_number(&name.to_lowercase());
        self.names.get(&lower) == Some(&tool)
            || self
                .name_globs
                .set
                .matches(&lower)
                .into_iter()
                .any(|i| self.name_globs.tools[i] == tool)
    }

    /// The tool of a process: by image name first, then by PE metadata.
    pub fn tool_of_process(&self, process: &Process) -> Option<usize> {
        process
            .name()
            .and_then(|name| self.tool_of_image(name))
            .or_else(|| self.tool_of_pe(&process.pe))
    }

    pub fn tool_of_domain(&self, domain: &str) -> Option<usize> {
        self.domains.best(domain).copied()
    }

    pub fn tool_of_ip(&self, ip: IpAddr) -> Option<usize> {
        self.addresses.get(&ip).copied().or_else(|| {
            self.nets
                .iter()
                .find(|(net, _)| net.contains(&ip))
                .map(|(_, t)| *t)
        })
    }

    pub fn tool_of_service(&self, name: &str) -> Option<usize> {
        let lower = name.to_lowercase();
        self.services
            .get(&lower)
            .copied()
            .or_else(|| self.service_globs.first(&lower))
    }

    pub fn tool_of_installer(&self, file_name: &str) -> Option<usize> {
        self.installers.first(&file_name.to_lowercase())
    }

    /// The tool whose install path glob matches `path`.
    pub fn tool_of_install_path(&self, path: &str) -> Option<usize> {
        self.install_paths.first(&path.to_lowercase())
    }

    /// The tool whose credential/configuration file `path` is.
    pub fn tool_of_config_file(&self, path: &str) -> Option<usize> {
        let lower = path.to_lowercase().replace('/', "\\");
        self.config_files
            .iter()
            .find(|(suffix, _)| suffix_matches(&lower, suffix))
            .map(|(_, tool)| *tool)
    }

    /// The tool whose registry key `key` is (or is below).
    pub fn tool_of_registry_key(&self, key: &str) -> Option<usize> {
        let lower = key.to_lowercase();
        self.registry_keys
            .iter()
            .find(|(suffix, _)| lower.contains(suffix.as_str()))
            .map(|(_, tool)| *tool)
    }

    /// The tool whose MSI product name a Windows Installer message names.
    pub fn tool_of_msi_message(&self, lower_message: &str) -> Option<usize> {
        self.msi_products
            .iter()
            .find(|(product, _)| lower_message.contains(product.as_str()))
            .map(|(_, tool)| *tool)
    }

    /// The tool an inventory row names (program or service name).
    pub fn tool_of_inventory_name(&self, name: &str) -> Option<usize> {
        let key = rmmguard_catalog::normalize_name(name);
        if key.is_empty() {
            return None;
        }
        self.inventory_names
            .iter()
            .filter(|(prefix, _)| key.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, tool)| *tool)
    }

    /// Tools whose binary or installer names appear in `lower` (a lower-cased
    /// command line) as a whole file name: the automaton finds candidates by
    /// their literal core, then a token's file name must match the full pattern.
    pub fn mentioned_tools(&self, lower: &str) -> Vec<usize> {
        let mut candidates = Vec::new();
        if let Some((automaton, owners)) = &self.mentions {
            for hit in automaton.find_overlapping_iter(lower) {
                let tool = owners[hit.pattern().as_usize()];
                if !candidates.contains(&tool) {
                    candidates.push(tool);
                }
            }
        }
        if candidates.is_empty() {
            return candidates;
        }
        let mut tools: Vec<usize> = file_name_tokens(lower)
            .filter_map(|name| {
                self.tool_of_image(name)
                    .or_else(|| self.tool_of_installer(name))
            })
            .filter(|tool| candidates.contains(tool))
            .collect();
        tools.sort_unstable();
        tools.dedup();
        tools
    }

    /// The tenant the field's text names for this tool, with its label.
    pub fn tenant(&self, tool: usize, field: Field, text: &str) -> Option<(String, &str)> {
        self.tools[tool]
            .tenants
            .iter()
            .filter(|rule| rule.field == field)
            .find_map(|rule| {
                let value = rule.regex.captures(text)?.name("tenant")?.as_str();
                let value = value.trim_matches(['"', '\'']).to_lowercase();
                (!value.is_empty()).then_some((value, rule.label.as_str()))
            })
    }
}

/// The file names in a command line: tokens split at spaces, quotes and
/// separators, each cut to its last path component and stripped of a URL query.
fn file_name_tokens(command_line: &str) -> impl Iterator<Item = &str> {
    command_line
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '"' | '\'' | '=' | ',' | ';' | '|' | '&' | '(' | ')' | '<' | '>'
                )
        })
        .map(|token| basename(token).split(['?', '#']).next().unwrap_or(""))
        .filter(|name| !name.is_empty())
}

/// `anydesk (1).exe` → `anydesk.exe`: browsers number repeated downloads.
fn without_copy_number(name: &str) -> String {
    let (stem, extension) = match name.rfind('.') {
        Some(dot) => (&name[..dot], &name[dot..]),
        None => (name, ""),
    };
    if let Some(open) = stem.rfind(" (")
        && let Some(number) = stem[open + 2..].strip_suffix(')')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
    {
        return format!("{}{extension}", &stem[..open]);
    }
    name.to_owned()
}

/// Whether `path` ends with `suffix` at a path boundary (`*` in the suffix spans one folder).
fn suffix_matches(path: &str, suffix: &str) -> bool {
    if !suffix.contains('*') {
        return path.ends_with(suffix)
            && (path.len() == suffix.len()
                || path.as_bytes().get(path.len() - suffix.len() - 1) == Some(&b'\\'));
    }
    let wanted: Vec<&str> = suffix.split('\\').collect();
    let parts: Vec<&str> = path.split('\\').collect();
    if parts.len() < wanted.len() {
        return false;
    }
    parts[parts.len() - wanted.len()..]
        .iter()
        .zip(&wanted)
        .all(|(part, want)| wildcard_eq(part, want))
}

/// A `*`-only wildcard comparison within one path component.
fn wildcard_eq(text: &str, pattern: &str) -> bool {
    match pattern.split_once('*') {
        None => text == pattern,
        Some((head, tail)) => {
            text.len() >= head.len() + tail.len() && text.starts_with(head) && text.ends_with(tail)
        }
    }
}

#[derive(Default)]
struct Builder {
    tools: Vec<ToolInfo>,
    names: HashMap<String, usize>,
    name_globs: Vec<(String, usize)>,
    original_names: HashMap<String, usize>,
    products: HashMap<String, usize>,
    services: HashMap<String, usize>,
    service_globs: Vec<(String, usize)>,
    installers: Vec<(String, usize)>,
    install_paths: Vec<(String, usize)>,
    msi_products: Vec<(String, usize)>,
    domains: crate::domain_trie::DomainTrie<usize>,
    addresses: HashMap<IpAddr, usize>,
    nets: Vec<(IpNet, usize)>,
    config_files: Vec<(String, usize)>,
    registry_keys: Vec<(String, usize)>,
    mentions: Vec<(String, usize)>,
    inventory_names: Vec<(String, usize)>,
    needles: Needles,
}

impl Builder {
    fn add_tool(&mut self, index: usize, tool: &Tool) -> Result<(), Error> {
        let fail = |message: String| {
            Error::new(ErrorKind::Catalog(format!("tool {:?}: {message}", tool.id)))
        };
        let mut info = ToolInfo {
            reference: ToolRef {
                id: Arc::from(tool.id.as_str()),
                name: Arc::from(tool.name.as_str()),
            },
            tells: Vec::new(),
            app_logs: Vec::new(),
            tenants: Vec::new(),
        };
        let anchors = anchors(tool);
        for name in &tool.binaries.names {
            let lower = name.to_lowercase();
            if !self.needles.admit_for(&lower, &anchors) {
                continue;
            }
            if lower.contains(['*', '?']) {
                self.name_globs.push((lower.clone(), index));
            } else {
                self.names.entry(lower.clone()).or_insert(index);
            }
            self.mention(&lower, index, &anchors);
        }
        for name in &tool.binaries.original_file_names {
            let lower = name.to_lowercase();
            if self.needles.admit_for(&lower, &anchors) {
                self.original_names.entry(lower).or_insert(index);
            }
        }
        for product in &tool.binaries.products {
            let key = rmmguard_catalog::normalize_name(product);
            if key.len() >= MIN_PRODUCT_LEN && self.needles.admit_for(product, &anchors) {
                self.products.entry(key).or_insert(index);
            }
        }
        for service in &tool.install.services {
            let lower = service.to_lowercase();
            if !self.needles.admit_for(&lower, &anchors) {
                continue;
            }
            if lower.contains(['*', '?']) {
                self.service_globs.push((lower, index));
            } else {
                self.services.entry(lower).or_insert(index);
            }
        }
        for installer in &tool.install.installers {
            let lower = installer.to_lowercase();
            if self.needles.admit_for(&lower, &anchors) {
                self.mention(&lower, index, &anchors);
                self.installers.push((lower, index));
            }
        }
        for path in &tool.install.paths {
            // Install paths only classify processes already attributed by name,
            // so they need no needle of their own.
            self.install_paths.push((path.to_lowercase(), index));
        }
        for product in &tool.install.msi_products {
            let lower = product.to_lowercase();
            if lower.len() >= MIN_PRODUCT_LEN && self.needles.admit_for(&lower, &anchors) {
                self.msi_products.push((lower, index));
            }
        }
        for file in &tool.install.config_files {
            let lower = file.to_lowercase().replace('/', "\\");
            if self.needles.admit_for(&lower, &anchors) {
                self.config_files.push((lower, index));
            }
        }
        for key in &tool.install.registry_keys {
            let lower = key.to_lowercase();
            if self.needles.admit_anchored(&lower, &anchors) {
                self.registry_keys.push((lower, index));
            }
        }
        for domain in &tool.network.domains {
            if self.needles.admit_for(domain, &anchors) {
                self.domains.insert(domain, index);
            }
        }
        for address in &tool.network.addresses {
            if let Ok(ip) = address.parse::<IpAddr>() {
                if self.needles.admit_for(address, &anchors) {
                    self.addresses.entry(ip).or_insert(index);
                }
            } else if let Ok(net) = address.parse::<IpNet>() {
                let literal = match net {
                    IpNet::V4(v4) => crate::needles::ipv4_block_literal(&v4),
                    IpNet::V6(_) => None,
                };
                if literal.is_some_and(|literal| self.needles.admit_for(&literal, &anchors)) {
                    self.nets.push((net, index));
                }
            } else {
                return Err(fail(format!("address {address:?} is not an IP or CIDR")));
            }
        }
        // Inventory rows come from small files that are never prefiltered,
        // so product names there need no needles.
        for name in std::iter::once(&tool.name).chain(&tool.aliases) {
            let key = rmmguard_catalog::normalize_name(name);
            if key.len() >= MIN_PRODUCT_LEN {
                self.inventory_names.push((key, index));
            }
        }
        for tell in &tool.tells {
            info.tells.push(CompiledTell {
                kind: tell.kind,
                field: tell.field,
                all: tell.all.iter().map(|s| s.to_lowercase()).collect(),
                any: tell.any.iter().map(|s| s.to_lowercase()).collect(),
                note: tell.note.clone(),
            });
        }
        for log in &tool.app_logs {
            let lower = log.provider.to_lowercase();
            let (provider, provider_prefix) = match lower.strip_suffix('*') {
                Some(prefix) => (prefix.to_owned(), true),
                None => (lower.clone(), false),
            };
            if !self.needles.admit_for(&provider, &anchors) {
                continue;
            }
            info.app_logs.push(CompiledAppLog {
                kind: log.kind,
                provider,
                provider_prefix,
                event_ids: log.event_ids.clone(),
                contains: log.contains.to_lowercase(),
            });
        }
        for rule in &tool.tenants {
            let regex = RegexBuilder::new(&rule.regex)
                .case_insensitive(true)
                .build()
                .map_err(|e| fail(format!("tenant regex: {e}")))?;
            info.tenants.push(CompiledTenant {
                field: rule.field,
                regex,
                label: rule.label.clone(),
            });
        }
        self.tools.push(info);
        Ok(())
    }

    /// Registers the literal core of a binary or installer name as a mention.
    fn mention(&mut self, lower_name: &str, index: usize, anchors: &[String]) {
        let literal =
            anchored_literal(lower_name, anchors).unwrap_or_else(|| longest_literal(lower_name));
        if literal.len() >= MIN_MENTION_LEN {
            self.mentions.push((literal.to_owned(), index));
        }
    }

    fn finish(self) -> Result<CatalogIndex, Error> {
        let mentions = if self.mentions.is_empty() {
            None
        } else {
            let automaton = AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(self.mentions.iter().map(|(literal, _)| literal))
                .map_err(|e| Error::new(ErrorKind::Catalog(e.to_string())))?;
            Some((
                automaton,
                self.mentions.iter().map(|(_, tool)| *tool).collect(),
            ))
        };
        let mut config_files = self.config_files;
        // Longer suffixes first, so the most specific file wins.
        config_files.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        let mut registry_keys = self.registry_keys;
        registry_keys.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        let mut msi_products = self.msi_products;
        msi_products.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        Ok(CatalogIndex {
            tools: self.tools,
            names: self.names,
            name_globs: ToolGlobs::build(&self.name_globs)?,
            original_names: self.original_names,
            products: self.products,
            services: self.services,
            service_globs: ToolGlobs::build(&self.service_globs)?,
            installers: ToolGlobs::build(&self.installers)?,
            install_paths: ToolGlobs::build(&self.install_paths)?,
            msi_products,
            domains: self.domains,
            addresses: self.addresses,
            nets: self.nets,
            config_files,
            registry_keys,
            mentions,
            inventory_names: self.inventory_names,
            needles: self.needles,
            net: crate::net_facts::NetFacts::default(),
        })
    }
}

/// A tool's own name tokens (id parts, names, aliases), which needles prefer.
fn anchors(tool: &Tool) -> Vec<String> {
    let mut anchors: Vec<String> = tool
        .id
        .split(['-', '.'])
        .filter(|part| part.len() >= 4)
        .map(str::to_owned)
        .collect();
    for name in std::iter::once(&tool.name).chain(&tool.aliases) {
        let key = rmmguard_catalog::normalize_name(name);
        if key.len() >= 4 && !anchors.contains(&key) {
            anchors.push(key);
        }
    }
    anchors
}

/// The basename of a path, lower-cased.
pub(crate) fn lower_basename(path: &str) -> String {
    basename(path).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> CatalogIndex {
        CatalogIndex::build(&Catalog::builtin().unwrap()).unwrap()
    }

    fn id(index: &CatalogIndex, tool: Option<usize>) -> Option<&str> {
        tool.map(|t| &*index.tool(t).reference.id)
    }

    #[test]
    fn attribution_by_name_pe_and_domain() {
        let index = index();
        assert_eq!(
            id(&index, index.tool_of_image("ANYDESK.EXE")),
            Some("anydesk")
        );
        assert_eq!(
            id(&index, index.tool_of_image("AnyDesk (1).exe")),
            Some("anydesk")
        );
        assert_eq!(without_copy_number("x (12).exe"), "x.exe");
        assert_eq!(without_copy_number("x (a).exe"), "x (a).exe");
        assert_eq!(
            id(&index, index.tool_of_image("AnyDesk-7.1.exe")),
            Some("anydesk")
        );
        assert_eq!(id(&index, index.tool_of_image("notepad.exe")), None);
        let pe = PeInfo {
            original_file_name: Some("AnyDesk.exe".into()),
            ..PeInfo::default()
        };
        assert_eq!(id(&index, index.tool_of_pe(&pe)), Some("anydesk"));
        assert_eq!(
            id(
                &index,
                index.tool_of_domain("relay-0a1b2c3d.net.anydesk.com")
            ),
            Some("anydesk")
        );
        assert_eq!(
            id(&index, index.tool_of_domain("anydesk.com.evil.example")),
            None
        );
        assert_eq!(
            id(
                &index,
                index.tool_of_service("ScreenConnect Client (0123abcd)")
            ),
            Some("screenconnect")
        );
        assert_eq!(
            id(
                &index,
                index.tool_of_install_path(r"C:\Program Files (x86)\AnyDesk\AnyDesk.exe")
            ),
            Some("anydesk")
        );
    }

    #[test]
    fn rustdesk_server_from_a_renamed_binary_stops_at_the_extension() {
        let index = index();
        let rustdesk = (0..index.tools.len())
            .find(|&t| &*index.tool(t).reference.id == "rustdesk")
            .unwrap();
        let server = |field, text| index.tenant(rustdesk, field, text).map(|(t, _)| t);
        for (text, want) in [
            (
                r"C:\Users\a\Downloads\rustdesk-host=evil.example.exe",
                "evil.example",
            ),
            (r"C:\t\RustDesk-HOST=Evil.Example.EXE", "evil.example"),
            (r"C:\t\rustdesk-host=10.1.2.3,key=abc=.exe", "10.1.2.3"),
            (
                r"C:\t\rustdesk-host=relay.exe.example.exe",
                "relay.exe.example",
            ),
            (r"C:\t\rustdesk-host=evil.example", "evil.example"),
        ] {
            assert_eq!(server(Field::Path, text).as_deref(), Some(want), "{text}");
        }
        assert_eq!(
            server(
                Field::CommandLine,
                r#""C:\t\rustdesk-host=evil.example.exe" --service"#
            )
            .as_deref(),
            Some("evil.example")
        );
    }

    #[test]
    fn config_files_and_mentions() {
        let index = index();
        assert_eq!(
            id(
                &index,
                index.tool_of_config_file(r"C:\ProgramData\AnyDesk\service.conf")
            ),
            Some("anydesk")
        );
        assert_eq!(
            id(
                &index,
                index.tool_of_config_file(r"C:\ProgramData\Other\service.conf")
            ),
            None
        );
        let mentioned = index.mentioned_tools(
            r#"msiexec /i "c:\temp\ateraagent_setup.msi" /qn integratorlogin=x@y.z"#,
        );
        assert_eq!(
            mentioned
                .iter()
                .map(|&t| &*index.tool(t).reference.id)
                .collect::<Vec<_>>(),
            ["atera"]
        );
        // A generic fragment of an installer glob is not a mention.
        assert!(
            index
                .mentioned_tools("cmdkey /generic:microsoft_windows_shell_zipfolder:filename=x")
                .is_empty()
        );
    }

    #[test]
    fn tenants() {
        let index = index();
        let sc = index
            .tool_of_image("ScreenConnect.ClientService.exe")
            .unwrap();
        let cmd = r#""C:\Program Files (x86)\ScreenConnect Client (abc)\ScreenConnect.ClientService.exe" "?e=Access&y=Guest&h=Relay.Crook.example&p=8041&s=x&k=y""#;
        assert_eq!(
            index.tenant(sc, Field::CommandLine, cmd),
            Some(("relay.crook.example".into(), "relay host"))
        );
        assert_eq!(index.tenant(sc, Field::Domain, cmd), None);
    }

    #[test]
    fn suffixes() {
        assert!(suffix_matches(
            r"c:\a\anydesk\service.conf",
            r"anydesk\service.conf"
        ));
        assert!(!suffix_matches(
            r"c:\a\notanydesk\service.conf",
            r"anydesk\service.conf"
        ));
        assert!(suffix_matches(
            r"c:\p\screenconnect client (12)\system.config",
            r"screenconnect client (*)\system.config"
        ));
        assert!(!suffix_matches(
            r"system.config",
            r"screenconnect client (*)\system.config"
        ));
    }
}
