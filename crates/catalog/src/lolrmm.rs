//! Import of LOLRMM's catalog (<https://lolrmm.io>, Apache-2.0).
//!
//! LOLRMM ships one YAML file per tool (`yaml/`) and the same data as one
//! JSON array (`api/rmm_tools.json`). Its fields are loosely typed (a field
//! may be a map or a list, a bool or a string; "paths" hold bare file names,
//! "domains" hold IPs, regexes and placeholders), so this module reads every
//! document as a generic value and converts what it recognizes into our
//! [`Tool`] type, counting what it took per artifact kind and what it
//! skipped and why. A document never fails the import because of a field it
//! does not understand; unreadable files, files over [`MAX_FILE_BYTES`] and
//! documents of another shape (not a mapping with LOLRMM's required `Name`,
//! `Category` and `Description`) are errors, listed in [`Report::errors`].
//! Matching is ASCII case-insensitive on the original text, never on an
//! upper- or lower-cased copy, whose byte offsets can differ (`ß`, `ﬁ`, `ı`).

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::model::{Binaries, Category, Install, Network, Origin, PortRange, PortTransport, Tool};
use crate::{Error, ErrorKind, normalize_name};

/// The largest file the importer reads: LOLRMM's whole JSON export is a few
/// MiB, so anything far larger is not LOLRMM data.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// What an import read, converted, and skipped.
#[derive(Debug, Default)]
pub struct Report {
    /// LOLRMM entries read (one per YAML file or JSON array element).
    pub entries: usize,
    /// Files and documents that could not be imported: (file, message).
    /// Unreadable files, and documents that are not LOLRMM entries.
    pub errors: Vec<(String, String)>,
    /// The converted tools; LOLRMM entries with the same name are merged into one.
    pub tools: Vec<Tool>,
    /// How many values were imported, per artifact kind (`domains`, `names`, …).
    pub imported: BTreeMap<&'static str, usize>,
    /// How many values were skipped, per reason.
    pub skipped: BTreeMap<String, usize>,
}

impl Report {
    fn take(&mut self, kind: &'static str) {
        *self.imported.entry(kind).or_default() += 1;
    }

    fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_owned()).or_default() += 1;
    }
}

/// Reads LOLRMM's catalog from a `yaml/` folder, a folder holding
/// `rmm_tools.json` (the repository root, `api/`, or LOLRMM's
/// `website/public/api/`), or a single `.yaml`/`.yml`/`.json` file.
///
/// # Errors
///
/// Fails when the path holds nothing LOLRMM-shaped. Unreadable files inside
/// a folder, and documents of another shape, are reported in
/// [`Report::errors`] instead; a caller that keeps the result should refuse
/// a report with errors or without entries.
pub fn import(path: &Path) -> Result<Report, Error> {
    let mut report = Report::default();
    let mut converted: Vec<Tool> = Vec::new();
    for (name, document) in documents(path, &mut report)? {
        match shape_problem(&document) {
            None => {
                report.entries += 1;
                converted.push(convert(&name, &document, &mut report));
            }
            Some(problem) => report.errors.push((name, problem)),
        }
    }
    let mut tools = merge_same_name(converted);
    drop_contested_names(&mut tools, &mut report);
    report.tools = tools;
    Ok(report)
}

/// LOLRMM's schema requires `Name`, `Category` and `Description` on every
/// entry; a document without them is some other file, not a tool.
fn shape_problem(document: &Value) -> Option<String> {
    let Value::Object(map) = document else {
        return Some(format!(
            "not a LOLRMM entry: a {} where a mapping with Name, Category and Description belongs",
            json_kind(document)
        ));
    };
    let missing: Vec<&str> = ["Name", "Category", "Description"]
        .into_iter()
        .filter(|key| !map.contains_key(*key))
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "not a LOLRMM entry: it lacks {} (LOLRMM entries have Name, Category and Description)",
            missing.join(", ")
        ));
    }
    if text(map.get("Name")).is_none() {
        return Some("not a LOLRMM entry: its Name is empty or not text".to_owned());
    }
    None
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

/// Every LOLRMM document under `path`, with the file name it came from.
fn documents(path: &Path, report: &mut Report) -> Result<Vec<(String, Value)>, Error> {
    if path.is_file() {
        return file_documents(path, report);
    }
    for candidate in [
        path.join("rmm_tools.json"),
        path.join("api/rmm_tools.json"),
        path.join("website/public/api/rmm_tools.json"),
    ] {
        if candidate.is_file() {
            return file_documents(&candidate, report);
        }
    }
    let yaml_dir = if path.join("yaml").is_dir() {
        path.join("yaml")
    } else {
        path.to_path_buf()
    };
    let mut files: Vec<PathBuf> = fs::read_dir(&yaml_dir)
        .map_err(|e| Error::from(e).in_file(&yaml_dir.display().to_string()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    if files.is_empty() {
        let message =
            "no LOLRMM data here: expected a yaml/ folder, *.yaml files or rmm_tools.json";
        return Err(Error::new(ErrorKind::Document(message.to_owned()))
            .in_file(&path.display().to_string()));
    }
    files.sort();
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        out.extend(file_documents(&file, report)?);
    }
    Ok(out)
}

fn file_documents(file: &Path, report: &mut Report) -> Result<Vec<(String, Value)>, Error> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = match read_bounded(file, MAX_FILE_BYTES) {
        Ok(text) => text,
        Err(message) => {
            report.errors.push((name, message));
            return Ok(Vec::new());
        }
    };
    let is_json = file.extension().is_some_and(|ext| ext == "json");
    let parsed: Result<Value, String> = if is_json {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_saphyr::from_str(&text).map_err(|e| e.to_string())
    };
    match parsed {
        // The JSON export is an array of the YAML documents, without file names.
        Ok(Value::Array(items)) if is_json => Ok(items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                let file = match item.get("Name").and_then(Value::as_str) {
                    Some(tool) if !tool.trim().is_empty() => slug_file_name(tool),
                    _ => format!("{name}[{index}]"),
                };
                (file, item)
            })
            .collect()),
        Ok(document) => Ok(vec![(name, document)]),
        Err(message) => {
            report.errors.push((name, message));
            Ok(Vec::new())
        }
    }
}

/// A file's text, refusing files too large to be LOLRMM data (read through a
/// bound, so a file that grows while it is read is refused too).
fn read_bounded(file: &Path, limit: u64) -> Result<String, String> {
    let opened = fs::File::open(file).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    opened
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "larger than any LOLRMM file ({limit} bytes at most)"
        ));
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))
}

/// The file name LOLRMM gives a tool: its name, lower-cased, spaces as `_`.
fn slug_file_name(name: &str) -> String {
    format!("{}.yaml", name.trim().to_lowercase().replace(' ', "_"))
}

/// Our id for a LOLRMM file: `gotoassist_(goto_resolve).yaml` → `gotoassist-goto-resolve`.
fn id_from_file(file: &str) -> String {
    let stem = file
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .to_lowercase();
    let mut id = String::with_capacity(stem.len());
    for c in stem.chars() {
        let keep = c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.';
        match (keep, id.ends_with('-')) {
            (true, _) => id.push(c),
            (false, false) if !id.is_empty() => id.push('-'),
            (false, _) => {}
        }
    }
    let id = id.trim_matches(['-', '.']).to_owned();
    if id.is_empty() {
        "lolrmm-tool".to_owned()
    } else {
        id
    }
}

fn convert(file: &str, doc: &Value, report: &mut Report) -> Tool {
    let name = text(doc.get("Name")).unwrap_or_else(|| file.to_owned());
    let details = doc.get("Details");
    let artifacts = doc.get("Artifacts");
    let category = match text(doc.get("Category")).as_deref() {
        Some("RMM") => Category::Rmm,
        _ if name.to_lowercase().contains("vnc") => Category::Vnc,
        _ => Category::Other,
    };
    let mut tool = Tool {
        id: id_from_file(file),
        name,
        vendor: String::new(),
        category,
        website: text(details.and_then(|d| d.get("Website"))).unwrap_or_default(),
        aliases: Vec::new(),
        lolrmm: vec![file.to_owned()],
        origin: Origin::Lolrmm,
        notes: format!("Imported from LOLRMM ({file}), Apache-2.0."),
        binaries: Binaries::default(),
        install: Install::default(),
        network: Network::default(),
        tells: Vec::new(),
        app_logs: Vec::new(),
        tenants: Vec::new(),
    };
    for pe in list(details.and_then(|d| d.get("PEMetadata"))) {
        add_file_name(
            &mut tool.binaries.names,
            text(pe.get("Filename")),
            "names",
            report,
        );
        add_file_name(
            &mut tool.binaries.original_file_names,
            text(pe.get("OriginalFileName")),
            "original_file_names",
            report,
        );
        if let Some(product) = text(pe.get("Product")) {
            if is_distinctive(&product) {
                push_unique(&mut tool.binaries.products, product);
                report.take("products");
            } else {
                report.skip("product name too generic to attribute");
            }
        }
    }
    for entry in list(details.and_then(|d| d.get("InstallationPaths"))) {
        if let Some(path) = text(Some(entry)) {
            add_installation_path(&mut tool, &path, report);
        }
    }
    let signing = doc.get("CodeSigning");
    for signer in list(signing.and_then(|s| s.get("signer_names"))) {
        if let Some(signer) = text(Some(signer)) {
            push_unique(&mut tool.binaries.signers, signer);
            report.take("signers");
        }
    }
    for record in list(artifacts.and_then(|a| a.get("EventLog"))) {
        if let Some(service) = text(record.get("ServiceName")) {
            push_unique(&mut tool.install.services, service);
            report.take("services");
        }
    }
    for other in list(artifacts.and_then(|a| a.get("Other"))) {
        let kind = text(other.get("Type")).unwrap_or_default().to_lowercase();
        match text(other.get("Value")) {
            Some(value) if kind.contains("service") => {
                push_unique(&mut tool.install.services, value);
                report.take("services");
            }
            Some(_) => report.skip("other artifact of a kind rmmguard does not match"),
            None => {}
        }
    }
    for key in list(artifacts.and_then(|a| a.get("Registry"))) {
        if let Some(path) = text(key.get("Path")) {
            add_registry_key(&mut tool, &path, report);
        }
    }
    for disk in list(artifacts.and_then(|a| a.get("Disk"))) {
        if let Some(file) = text(disk.get("File")) {
            add_disk_file(&mut tool, &file, report);
        }
    }
    for network in list(artifacts.and_then(|a| a.get("Network"))) {
        for domain in list(network.get("Domains")) {
            if let Some(domain) = text(Some(domain)) {
                add_domain(&mut tool, &domain, report);
            }
        }
        for port in list(network.get("Ports")) {
            add_port(&mut tool, port, report);
        }
    }
    tool
}

/// The values of a field that may be absent, null, one value, or a list.
fn list(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

/// A non-empty trimmed string; numbers and bools become text, the rest `None`.
fn text(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

fn push_unique(values: &mut Vec<String>, value: String) {
    if !values.iter().any(|own| own.eq_ignore_ascii_case(&value)) {
        values.push(value);
    }
}

/// File names so common (or so Windows') that attributing them to one RMM
/// tool would be wrong.
const GENERIC_FILE_NAMES: &[&str] = &[
    "dwm.exe",
    "explorer.exe",
    "svchost.exe",
    "rundll32.exe",
    "regsvr32.exe",
    "cmd.exe",
    "powershell.exe",
    "conhost.exe",
    "msiexec.exe",
    "mstsc.exe",
    "taskhostw.exe",
    "winlogon.exe",
    "csrss.exe",
    "lsass.exe",
    "services.exe",
    "smss.exe",
    "wininit.exe",
    "dllhost.exe",
    "wmiprvse.exe",
    "werfault.exe",
    "notepad.exe",
    "autoupdate.exe",
    "uninstall.exe",
    "unins000.exe",
    "crashpad_handler.exe",
    // Redistributables bundled inside many products.
    "plink.exe",
    "pscp.exe",
    "nmap.exe",
    "7z.exe",
    "7za.exe",
    "curl.exe",
    "wget.exe",
    "openssl.exe",
    "sqlite3.exe",
    "nssm.exe",
    "agent.exe",
    "client.exe",
    "connect.exe",
    "service.exe",
    "setup.exe",
    "update.exe",
    "updater.exe",
    "launcher.exe",
    "server.exe",
    "remote.exe",
    "viewer.exe",
    "install.exe",
    "installer.exe",
    "helper.exe",
    "host.exe",
    "main.exe",
    "app.exe",
    "run.exe",
    "start.exe",
    "svc.exe",
    "tray.exe",
    "teams.exe",
    "java.exe",
    "javaw.exe",
    "python.exe",
    "node.exe",
];

/// Whether a PE product name is specific enough to name one tool.
fn is_distinctive(product: &str) -> bool {
    const GENERIC: &[&str] = &[
        "agent", "client", "remote", "support", "service", "level", "viewer", "server", "desktop",
        "connect", "helper", "updater", "launcher",
    ];
    let key = normalize_name(product);
    key.len() >= 5 && !GENERIC.contains(&key.as_str())
}

fn add_file_name(
    names: &mut Vec<String>,
    name: Option<String>,
    kind: &'static str,
    report: &mut Report,
) {
    let Some(name) = name else { return };
    let lower = name.to_lowercase();
    if GENERIC_FILE_NAMES.contains(&lower.as_str()) || literal_len(&lower) < 4 {
        report.skip("file name too generic to attribute");
        return;
    }
    push_unique(names, name);
    report.take(kind);
}

/// The length of the longest run without wildcards.
fn literal_len(pattern: &str) -> usize {
    pattern.split(['*', '?']).map(str::len).max().unwrap_or(0)
}

/// LOLRMM's `InstallationPaths` mixes full paths, bare file names and
/// placeholders: bare executable names become image names, the rest paths.
fn add_installation_path(tool: &mut Tool, raw: &str, report: &mut Report) {
    let path = normalize_path(raw);
    if path.is_empty() {
        report.skip("empty installation path");
        return;
    }
    let has_separator = path.contains(['\\', '/']);
    if !has_separator {
        let is_file = path.contains('.') && !path.ends_with(".com");
        if is_file {
            add_file_name(&mut tool.binaries.names, Some(path), "names", report);
        } else {
            report.skip("installation path that is neither a path nor a file name");
        }
        return;
    }
    let base = rmm_basename(&path);
    if base.to_lowercase().ends_with(".exe") && !base.contains('*') {
        add_file_name(
            &mut tool.binaries.names,
            Some(base.to_owned()),
            "names",
            report,
        );
    }
    push_unique(&mut tool.install.paths, path);
    report.take("install_paths");
}

fn rmm_basename(path: &str) -> &str {
    path.rsplit(['\\', '/']).next().unwrap_or(path)
}

/// Normalizes a LOLRMM path: doubled backslashes, `%ENV%` variables and
/// placeholders such as `(Random)` or `<version>` become single backslashes,
/// real paths and `*`.
fn normalize_path(raw: &str) -> String {
    let mut path = raw.trim().replace("\\\\", "\\");
    for (var, expansion) in [
        ("%programdata%", r"C:\ProgramData"),
        ("%appdata%", r"C:\Users\*\AppData\Roaming"),
        ("%localappdata%", r"C:\Users\*\AppData\Local"),
        ("%userprofile%", r"C:\Users\*"),
        ("%programfiles(x86)%", r"C:\Program Files (x86)"),
        ("%programfiles%", r"C:\Program Files"),
        ("%windir%", r"C:\Windows"),
        ("%systemroot%", r"C:\Windows"),
        ("%temp%", r"*\Temp"),
        ("%tmp%", r"*\Temp"),
        ("%systemdrive%", "C:"),
    ] {
        path = replace_ignore_case(&path, var, expansion);
    }
    let mut out = String::with_capacity(path.len());
    let mut rest = path.as_str();
    while let Some(start) = rest.find(['<', '%']) {
        out.push_str(&rest[..start]);
        let close = if rest[start..].starts_with('<') {
            '>'
        } else {
            '%'
        };
        match rest[start + 1..].find(close) {
            Some(len) => {
                out.push('*');
                rest = &rest[start + 1 + len + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let out = replace_ignore_case(&out, "(random)", "(*)");
    replace_ignore_case(&out, "(string id)", "(*)")
}

/// Replaces every ASCII case-insensitive occurrence of an ASCII `needle`.
fn replace_ignore_case(text: &str, needle: &str, replacement: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_ignore_ascii_case(rest, needle) {
        out.push_str(rest.get(..start).unwrap_or_default());
        out.push_str(replacement);
        rest = rest.get(start + needle.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The byte offset of the first ASCII case-insensitive occurrence of an
/// ASCII `needle` in `text`. The offset is into `text` itself: an ASCII byte
/// never occurs inside a multi-byte UTF-8 sequence, so it is a character
/// boundary there, unlike an offset found in an upper-cased copy.
fn find_ignore_ascii_case(text: &str, needle: &str) -> Option<usize> {
    debug_assert!(needle.is_ascii());
    let (haystack, needle) = (text.as_bytes(), needle.as_bytes());
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

/// `text` without an ASCII case-insensitive ASCII `prefix`, if it starts with one.
fn strip_prefix_ignore_ascii_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

fn add_registry_key(tool: &mut Tool, raw: &str, report: &mut Report) {
    let key = raw.trim().replace("\\\\", "\\");
    let without_hive = [
        "HKEY_LOCAL_MACHINE\\",
        "HKEY_CURRENT_USER\\",
        "HKEY_USERS\\",
        "HKLM\\",
        "HKCU\\",
        "HKU\\",
        "KLM\\",
    ]
    .iter()
    .find_map(|hive| strip_prefix_ignore_ascii_case(&key, hive))
    .map(str::to_owned);
    let Some(mut key) = without_hive else {
        report.skip("registry path without a known hive");
        return;
    };
    // `HKU\<SID>\Software\…` and the like: keep what follows the user part.
    if let Some((first, rest)) = key.split_once('\\')
        && (strip_prefix_ignore_ascii_case(first, "S-1-").is_some()
            || first.contains('*')
            || first.starts_with('<'))
    {
        key = rest.to_owned();
    }
    if let Some(service) = service_from_key(&key) {
        push_unique(&mut tool.install.services, service);
        report.take("services");
    }
    if literal_len(&key) < 8 {
        report.skip("registry key too short to be specific");
        return;
    }
    push_unique(&mut tool.install.registry_keys, key);
    report.take("registry_keys");
}

/// `SYSTEM\CurrentControlSet\Services\AteraAgent` → `AteraAgent`.
fn service_from_key(key: &str) -> Option<String> {
    const SERVICES: &str = "\\SERVICES\\";
    let at = find_ignore_ascii_case(key, SERVICES)?;
    let name = key.get(at + SERVICES.len()..)?.split('\\').next()?.trim();
    (!name.is_empty() && !name.contains('*')).then(|| name.to_owned())
}

/// Only configuration-like files (`.conf`, `.ini`, `.config`, `.cfg`) are
/// kept, as path suffixes: reading them is what credential theft looks like.
fn add_disk_file(tool: &mut Tool, raw: &str, report: &mut Report) {
    let path = normalize_path(raw);
    let lower = path.to_lowercase();
    let is_config = [".conf", ".ini", ".config", ".cfg"]
        .iter()
        .any(|ext| lower.ends_with(ext));
    if !is_config || !path.contains('\\') {
        report.skip("disk artifact that is not a Windows configuration file");
        return;
    }
    // Keep the last two components: the tool's folder and the file.
    let parts: Vec<&str> = path.rsplitn(3, '\\').collect();
    let suffix = match parts.as_slice() {
        [file, folder, ..] if !folder.contains('*') => format!("{folder}\\{file}"),
        [file, ..] => (*file).to_owned(),
        [] => return,
    };
    push_unique(&mut tool.install.config_files, suffix);
    report.take("config_files");
}

fn add_domain(tool: &mut Tool, raw: &str, report: &mut Report) {
    let mut domain = raw.trim().to_lowercase();
    if domain == "user_managed" || domain.contains('<') || domain.contains(' ') {
        report.skip("placeholder, not a domain (self-hosted tool)");
        return;
    }
    if domain.parse::<std::net::IpAddr>().is_ok() {
        push_unique(&mut tool.network.addresses, domain);
        report.take("addresses");
        return;
    }
    if let Some((host, port)) = domain.rsplit_once(':')
        && port.bytes().all(|b| b.is_ascii_digit())
    {
        domain = host.to_owned();
        report.skip("port stripped from a domain");
    }
    if domain.contains(['[', '{', '(', '\\', '+']) {
        domain = regex_to_glob(&domain);
        report.skip("regex domain converted to a glob");
    }
    let domain = domain
        .trim_start_matches("http://")
        .trim_start_matches("https://");
    let domain = domain
        .trim_end_matches('/')
        .trim_end_matches('.')
        .to_owned();
    if is_shared_platform(&domain) {
        report.skip("shared hosting or cloud platform, not the vendor's own");
        return;
    }
    if crate::validate::domain_pattern(&domain).is_err() {
        report.skip("not a valid domain pattern");
        return;
    }
    if literal_len(&domain) < 5 {
        report.skip("domain too short to be specific");
        return;
    }
    push_unique(&mut tool.network.domains, domain);
    report.take("domains");
}

/// Platforms that host everyone's content: a domain below them names no vendor.
fn is_shared_platform(domain: &str) -> bool {
    const SHARED: &[&str] = &[
        "githubusercontent.com",
        "github.com",
        "github.io",
        "amazonaws.com",
        "cloudfront.net",
        "azureedge.net",
        "windows.net",
        "azurewebsites.net",
        "googleapis.com",
        "google.com",
        "cloudflare.com",
        "cloudflarestorage.com",
        "akamaized.net",
        "akamaihd.net",
        "fastly.net",
        "digitaloceanspaces.com",
        "herokuapp.com",
        "microsoft.com",
        "office.com",
        "live.com",
        "dropbox.com",
        "sharepoint.com",
        "tailscale.com",
        "ngrok.io",
        "ngrok-free.app",
    ];
    let bare = domain.trim_start_matches("*.");
    SHARED
        .iter()
        .any(|shared| bare == *shared || bare.ends_with(&format!(".{shared}")))
}

/// `relay-[a-f0-9]{8}.net.anydesk.com` → `relay-*.net.anydesk.com`.
fn regex_to_glob(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' | '(' | '{' => {
                let close = match c {
                    '[' => ']',
                    '(' => ')',
                    _ => '}',
                };
                for inner in chars.by_ref() {
                    if inner == close {
                        break;
                    }
                }
                if !out.ends_with('*') {
                    out.push('*');
                }
            }
            '\\' => {
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            }
            '+' | '?' | '^' | '$' => {}
            _ => out.push(c),
        }
    }
    out
}

fn add_port(tool: &mut Tool, port: &Value, report: &mut Report) {
    let number = match port {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if s.contains('-') => {
            report.skip("port range too broad to mean anything");
            return;
        }
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match number.and_then(|n| u16::try_from(n).ok()) {
        Some(80 | 443) => report.skip("plain web port (80/443) does not identify a tool"),
        Some(0) | None => report.skip("not a port number"),
        Some(port) => {
            let range = PortRange {
                transport: PortTransport::Tcp,
                first: port,
                last: port,
            };
            if !tool.network.ports.contains(&range) {
                tool.network.ports.push(range);
            }
            report.take("ports");
        }
    }
}

/// A file name that several LOLRMM tools claim (PuTTY's `plink.exe` listed
/// under a helpdesk suite) stays only with the tool whose name it carries;
/// if none or several carry it, it is dropped everywhere.
fn drop_contested_names(tools: &mut [Tool], report: &mut Report) {
    let mut owners: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, tool) in tools.iter().enumerate() {
        for name in &tool.binaries.names {
            let owners = owners.entry(name.to_lowercase()).or_default();
            if !owners.contains(&index) {
                owners.push(index);
            }
        }
    }
    for (name, claimants) in owners.into_iter().filter(|(_, c)| c.len() > 1) {
        let carriers: Vec<usize> = claimants
            .iter()
            .copied()
            .filter(|&i| {
                let key = normalize_name(&tools[i].name);
                key.len() >= 4 && normalize_name(&name).contains(&key)
            })
            .collect();
        for &index in &claimants {
            if carriers.len() == 1 && carriers[0] == index {
                continue;
            }
            tools[index]
                .binaries
                .names
                .retain(|n| !n.eq_ignore_ascii_case(&name));
            report.skip("file name claimed by several tools");
            if let Some(count) = report.imported.get_mut("names") {
                *count = count.saturating_sub(1);
            }
        }
    }
}

/// LOLRMM lists some products twice (two files, one name): merge them.
fn merge_same_name(tools: Vec<Tool>) -> Vec<Tool> {
    let mut by_name: BTreeMap<String, Tool> = BTreeMap::new();
    for tool in tools {
        let key = normalize_name(&tool.name);
        match by_name.get_mut(&key) {
            Some(first) => {
                let lists = [
                    (&mut first.lolrmm, &tool.lolrmm),
                    (&mut first.binaries.names, &tool.binaries.names),
                    (
                        &mut first.binaries.original_file_names,
                        &tool.binaries.original_file_names,
                    ),
                    (&mut first.binaries.products, &tool.binaries.products),
                    (&mut first.binaries.signers, &tool.binaries.signers),
                    (&mut first.install.paths, &tool.install.paths),
                    (&mut first.install.services, &tool.install.services),
                    (&mut first.install.config_files, &tool.install.config_files),
                    (
                        &mut first.install.registry_keys,
                        &tool.install.registry_keys,
                    ),
                    (&mut first.network.domains, &tool.network.domains),
                    (&mut first.network.addresses, &tool.network.addresses),
                ];
                for (into, from) in lists {
                    for value in from {
                        push_unique(into, value.clone());
                    }
                }
                for port in &tool.network.ports {
                    if !first.network.ports.contains(port) {
                        first.network.ports.push(*port);
                    }
                }
            }
            None => {
                by_name.insert(key, tool);
            }
        }
    }
    by_name.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_yaml(file: &str, yaml: &str) -> (Tool, Report) {
        let doc: Value = serde_saphyr::from_str(yaml).unwrap();
        let mut report = Report::default();
        let tool = convert(file, &doc, &mut report);
        (tool, report)
    }

    #[test]
    fn ids_from_file_names() {
        assert_eq!(
            id_from_file("gotoassist_(goto_resolve).yaml"),
            "gotoassist-goto-resolve"
        );
        assert_eq!(id_from_file("i'm_intouch.yaml"), "i-m-intouch");
        assert_eq!(id_from_file("level.io.yaml"), "level.io");
        assert_eq!(id_from_file("ammyyadmin.yml"), "ammyyadmin");
    }

    #[test]
    fn messy_fields_convert() {
        let yaml = r#"
Name: Example Remote
Category: RAT
Details:
  Website: https://example.com
  PEMetadata:
    Filename: exremote.exe
    OriginalFileName: ''
    Product: Agent
  InstallationPaths:
    - C:\\ProgramData\\EXAMPLE\\*
    - exremote_setup*.exe
    - '%APPDATA%\Example\exremote.exe'
    - C:\Program Files\Example (Random)\svc.exe
    - agent.exe
Artifacts:
  Disk:
    - File: '%PROGRAMDATA%\Example\settings.ini'
    - File: '%PROGRAMDATA%\Example\trace.log'
  EventLog:
    - EventId: ''
      ServiceName: Example Service
  Registry:
    - Path: HKLM\SYSTEM\CurrentControlSet\Services\ExampleSvc
    - Path: KLM\SOFTWARE\Example
  Network:
    - Domains:
        - '*.Example.com'
        - user_managed
        - 203.0.113.7
        - relay-[a-f0-9]{8}.example.net:443
      Ports: [443, 5500, '1000-65535']
CodeSigning:
  signer_names: [Example Ltd]
"#;
        let (tool, report) = convert_yaml("example_remote.yaml", yaml);
        assert_eq!(tool.id, "example-remote");
        assert_eq!(tool.category, Category::Other);
        assert_eq!(tool.binaries.names, ["exremote.exe", "exremote_setup*.exe"]);
        assert!(tool.binaries.products.is_empty());
        assert_eq!(
            tool.install.paths,
            [
                r"C:\ProgramData\EXAMPLE\*",
                r"C:\Users\*\AppData\Roaming\Example\exremote.exe",
                r"C:\Program Files\Example (*)\svc.exe",
            ]
        );
        assert_eq!(tool.install.config_files, [r"Example\settings.ini"]);
        assert_eq!(tool.install.services, ["Example Service", "ExampleSvc"]);
        assert_eq!(
            tool.install.registry_keys,
            [
                r"SYSTEM\CurrentControlSet\Services\ExampleSvc",
                r"SOFTWARE\Example"
            ]
        );
        assert_eq!(
            tool.network.domains,
            ["*.example.com", "relay-*.example.net"]
        );
        assert_eq!(tool.network.addresses, ["203.0.113.7"]);
        assert_eq!(tool.network.ports.len(), 1);
        assert_eq!(tool.binaries.signers, ["Example Ltd"]);
        assert_eq!(report.skipped["file name too generic to attribute"], 2);
        assert_eq!(
            report.skipped["placeholder, not a domain (self-hosted tool)"],
            1
        );
        assert_eq!(report.skipped["port range too broad to mean anything"], 1);
        assert_eq!(
            report.skipped["plain web port (80/443) does not identify a tool"],
            1
        );
    }

    #[test]
    fn duplicates_by_name_merge() {
        let (a, _) = convert_yaml(
            "a.yaml",
            "Name: Dup Tool\nCategory: RMM\nDetails:\n  InstallationPaths: [dupa.exe]\n",
        );
        let (b, _) = convert_yaml(
            "b.yaml",
            "Name: Dup  tool\nCategory: RMM\nDetails:\n  InstallationPaths: [dupb.exe]\n",
        );
        let merged = merge_same_name(vec![a, b]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].lolrmm, ["a.yaml", "b.yaml"]);
        assert_eq!(merged[0].binaries.names, ["dupa.exe", "dupb.exe"]);
    }

    #[test]
    fn contested_names_stay_with_their_owner() {
        let (putty, _) = convert_yaml(
            "putty.yaml",
            "Name: PuTTY\nCategory: RAT\nDetails:\n  InstallationPaths: [putty.exe, pageant.exe]\n",
        );
        let (fresh, _) = convert_yaml(
            "fresh.yaml",
            "Name: Freshdesk Agent\nCategory: RMM\nDetails:\n  InstallationPaths: [pageant.exe, freshagent.exe, putty.exe]\n",
        );
        let mut tools = vec![putty, fresh];
        let mut report = Report::default();
        drop_contested_names(&mut tools, &mut report);
        assert_eq!(tools[0].binaries.names, ["putty.exe"]);
        assert_eq!(tools[1].binaries.names, ["freshagent.exe"]);
        assert_eq!(report.skipped["file name claimed by several tools"], 3);
        assert!(is_shared_platform("raw.githubusercontent.com"));
        assert!(!is_shared_platform("anydesk.com"));
    }

    /// Characters whose upper case has another byte length (`ŉ` → `ʼN`,
    /// `ﬁ` → `FI`, `ı` → `I`, `ß` → `SS`) once made the importer slice a key
    /// at an offset found in its upper-cased copy, and panic.
    #[test]
    fn keys_with_case_changing_characters_neither_panic_nor_shift() {
        let yaml = r#"
Name: Unicode Remote
Category: RMM
Description: x
Artifacts:
  Registry:
    - Path: HKLM\SOFTWARE\ŉ\Services\Évé
    - Path: HKLM\SYSTEM\ControlSet001\Services\ﬁleﬁx
    - Path: hkey_local_machine\SOFTWARE\ıı\sErViCeS\Straße
    - Path: HKLM\SOFTWARE\İstanbul Remote Tool
    - Path: ŉHKLM\SOFTWARE\Nowhere Remote
    - Path: HKU\s-1-5-21-ß\Software\Unicode Remote
Details:
  InstallationPaths:
    - '%APPDATA%\İnstall (Random)\ﬁx.exe'
    - '%ProgramData%\ß (STRING ID)\x'
"#;
        let (tool, report) = convert_yaml("unicode_remote.yaml", yaml);
        assert_eq!(tool.install.services, ["Évé", "ﬁleﬁx", "Straße"]);
        assert_eq!(
            tool.install.registry_keys,
            [
                r"SOFTWARE\ŉ\Services\Évé",
                r"SYSTEM\ControlSet001\Services\ﬁleﬁx",
                r"SOFTWARE\ıı\sErViCeS\Straße",
                r"SOFTWARE\İstanbul Remote Tool",
                r"Software\Unicode Remote",
            ]
        );
        assert_eq!(report.skipped["registry path without a known hive"], 1);
        assert_eq!(
            tool.install.paths,
            [
                r"C:\Users\*\AppData\Roaming\İnstall (*)\ﬁx.exe",
                r"C:\ProgramData\ß (*)\x",
            ]
        );
    }

    #[test]
    fn case_insensitive_helpers_use_offsets_of_the_original() {
        assert_eq!(
            find_ignore_ascii_case("ŉ\\services\\", "\\SERVICES\\"),
            Some(2)
        );
        assert_eq!(find_ignore_ascii_case("ﬁ", "FI"), None);
        assert_eq!(find_ignore_ascii_case("abc", ""), Some(0));
        assert_eq!(
            strip_prefix_ignore_ascii_case("hklm\\x", "HKLM\\"),
            Some("x")
        );
        assert_eq!(strip_prefix_ignore_ascii_case("ŉklm\\x", "HKLM\\"), None);
        assert_eq!(strip_prefix_ignore_ascii_case("HK", "HKLM\\"), None);
        assert_eq!(
            replace_ignore_case("a (RANDOM) ß (random)", "(random)", "(*)"),
            "a (*) ß (*)"
        );
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        path
    }

    fn errors(report: &Report) -> Vec<String> {
        report
            .errors
            .iter()
            .map(|(file, message)| format!("{file}: {message}"))
            .collect()
    }

    #[test]
    fn documents_of_another_shape_are_errors_not_tools() {
        let dir = tempfile::tempdir().unwrap();
        // An rmmguard catalog export is JSON, but not LOLRMM's.
        let export = write(
            dir.path(),
            "catalog.json",
            r#"{"format": 1, "version": "x", "tools": []}"#,
        );
        let report = import(&export).unwrap();
        assert_eq!((report.entries, report.tools.len()), (0, 0));
        assert_eq!(
            errors(&report),
            [
                "catalog.json: not a LOLRMM entry: it lacks Name, Category, Description (LOLRMM entries have Name, Category and Description)"
            ]
        );
        let array = write(
            dir.path(),
            "list.json",
            r#"[{"Name": "Good Remote", "Category": "RMM", "Description": "d"}, 7, {"Name": ""}]"#,
        );
        let report = import(&array).unwrap();
        assert_eq!(report.entries, 1);
        assert_eq!(report.tools[0].name, "Good Remote");
        assert_eq!(
            errors(&report),
            [
                "list.json[1]: not a LOLRMM entry: a number where a mapping with Name, Category and Description belongs",
                "list.json[2]: not a LOLRMM entry: it lacks Category, Description (LOLRMM entries have Name, Category and Description)",
            ]
        );
        let yaml_dir = dir.path().join("yaml");
        fs::create_dir(&yaml_dir).unwrap();
        write(
            &yaml_dir,
            "compose.yml",
            "services:\n  web:\n    image: nginx\n",
        );
        write(&yaml_dir, "scalar.yaml", "just text\n");
        write(
            &yaml_dir,
            "real.yaml",
            "Name: Real Remote\nCategory: RMM\nDescription: d\nDetails:\n  InstallationPaths: [realremote.exe]\n",
        );
        let report = import(dir.path()).unwrap();
        assert_eq!(report.entries, 1);
        assert_eq!(report.tools.len(), 1);
        assert_eq!(report.tools[0].id, "real");
        assert_eq!(
            errors(&report),
            [
                "compose.yml: not a LOLRMM entry: it lacks Name, Category, Description (LOLRMM entries have Name, Category and Description)",
                "scalar.yaml: not a LOLRMM entry: a string where a mapping with Name, Category and Description belongs",
            ]
        );
    }

    #[test]
    fn files_are_read_through_a_bound() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "big.yaml", &"x".repeat(100));
        assert_eq!(read_bounded(&file, 100).unwrap().len(), 100);
        assert_eq!(
            read_bounded(&file, 99).unwrap_err(),
            "larger than any LOLRMM file (99 bytes at most)"
        );
        let binary = dir.path().join("bin.yaml");
        fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
        assert!(
            read_bounded(&binary, 100)
                .unwrap_err()
                .starts_with("not UTF-8 text:")
        );
    }

    #[test]
    fn regex_domains_become_globs() {
        assert_eq!(
            regex_to_glob(r"relay-[a-f0-9]{8}.net.anydesk.com"),
            "relay-*.net.anydesk.com"
        );
        assert_eq!(regex_to_glob(r"a\.b(c|d)+"), "a.b*");
    }
}
