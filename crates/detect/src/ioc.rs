//! Indicators of compromise: the built-in AA23-025A domains plus user IOC
//! files (a plain list, CSV, or a STIX 2.1 bundle), and their lookup.
//!
//! Values are classified by shape (IP or CIDR, hash, URL, domain, file
//! name) and "refanged" first (`hxxp://evil[.]com` → `http://evil.com`), so
//! analysts can paste indicators as advisories print them.
//!
//! Sets of millions of indicators are expected (threat feeds): plain lists
//! and CSV files are read as streams, and the values live in one compact
//! store (`store.rs`: sorted indexes over one text buffer), so ten million
//! indicators load in seconds and take little more memory than their text.
//! Above [`NEEDLE_LIMIT`] indicators the prefilter cannot search for every
//! value; see [`IocSet::fits_prefilter`].

mod store;

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::BufRead;
use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;
use regex::Regex;
use rmmguard_events::{Event, EventKind, basename};

use crate::{Error, ErrorKind};
use store::{Id, Store};

/// The first-stage domains of AA23-025A (CISA/NSA/MS-ISAC, January 2023).
const AA23_025A_DOMAINS: &[&str] = &[
    "myhelpcare.online",
    "myhelpcare.cc",
    "win01.xyz",
    "win03.xyz",
    "247secure.us",
];

/// The most indicators whose values become prefilter needles. The
/// prefilter is one Aho-Corasick automaton, whose size grows with the
/// needles; beyond this many, records are no longer skipped for want of an
/// indicator (every record is parsed: slower on large evidence, never
/// missing a hit).
pub const NEEDLE_LIMIT: usize = 20_000;

/// The most indicator addresses the network screen watches one by one;
/// beyond this many it keeps every record with an address.
pub const ADDRESS_LIMIT: usize = 1_000_000;

/// The kind of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IocKind {
    /// A domain; it also matches every name below it.
    Domain,
    /// An IP address or CIDR block.
    Ip,
    /// An MD5, SHA-1 or SHA-256 file hash.
    Hash,
    /// A file name (`support.client.exe`).
    FileName,
    /// A URL (matched inside command lines; its host also as a domain).
    Url,
    /// A JA4 TLS client fingerprint (`t13d1516h2_8daaf6152771_e5627efa2ab1`).
    /// JA3 and JA3S values are MD5 hashes and match as [`IocKind::Hash`].
    Ja4,
}

impl IocKind {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            IocKind::Domain => "domain",
            IocKind::Ip => "ip",
            IocKind::Hash => "hash",
            IocKind::FileName => "file-name",
            IocKind::Url => "url",
            IocKind::Ja4 => "ja4",
        }
    }
}

/// One indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ioc {
    /// What it is.
    pub kind: IocKind,
    /// The normalized value (lower-case, refanged).
    pub value: String,
    /// Where it came from (`AA23-025A`, an IOC file's name).
    pub source: Arc<str>,
    /// A description, where the source gives one.
    pub description: Option<String>,
}

/// A compiled set of indicators.
#[derive(Debug, Default, Clone)]
pub struct IocSet {
    store: Store,
}

/// An indicator found in an event, and the field it was found in.
#[derive(Debug, Clone)]
pub struct IocHit {
    /// The indicator.
    pub ioc: Ioc,
    /// The event field (`dns.question.name`, `process.hash`, …).
    pub field: &'static str,
}

impl IocSet {
    /// The built-in AA23-025A indicators.
    pub fn builtin() -> IocSet {
        let mut set = IocSet::default();
        let source: Arc<str> = Arc::from("AA23-025A");
        for domain in AA23_025A_DOMAINS {
            // The built-in values are short and few: they always fit.
            let _ = set.store.push(
                IocKind::Domain,
                domain,
                &source,
                Some("first-stage domain of the AA23-025A refund-scam campaign".into()),
            );
        }
        set
    }

    /// How many indicators the set holds (duplicates count once).
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// Whether the set holds no indicator.
    pub fn is_empty(&self) -> bool {
        self.store.len() == 0
    }

    /// Every indicator, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = Ioc> + '_ {
        self.store.ids().map(|id| self.store.ioc(id))
    }

    /// Parses IOC text and adds its indicators. The format is sniffed: a
    /// JSON object is a STIX 2.1 bundle, a first line with commas is CSV,
    /// anything else is one indicator per line (`#` starts a comment).
    ///
    /// # Errors
    ///
    /// A bundle that is not JSON, or a CSV without a usable column. Values
    /// of unknown shape, and CIDR blocks other than IPv4 /16 or narrower,
    /// are skipped and counted in the returned number.
    pub fn add_file(&mut self, name: &str, text: &str) -> Result<IocFileStats, Error> {
        self.add_reader(name, text.as_bytes())
    }

    /// Like [`IocSet::add_file`], reading the file as a stream: plain lists
    /// and CSV take one line at a time, so a file of ten million indicators
    /// costs its indicators' memory, not its size twice. A STIX bundle is
    /// one JSON document and is read whole. Invalid UTF-8 in a line is
    /// replaced, not fatal.
    ///
    /// # Errors
    ///
    /// As [`IocSet::add_file`], and a read error, naming the file.
    pub fn add_reader(
        &mut self,
        name: &str,
        mut reader: impl BufRead,
    ) -> Result<IocFileStats, Error> {
        let fail = |message: String| Error::new(ErrorKind::Ioc(message)).in_file(name);
        let source: Arc<str> = Arc::from(name);
        let mut stats = IocFileStats::default();
        let mut line = Vec::new();
        let mut number = 0_u64;
        let mut first = true;
        let mut shape = Shape::Unknown;
        loop {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| fail(format!("cannot read: {e}")))?;
            if read == 0 {
                break;
            }
            number += 1;
            let mut text = String::from_utf8_lossy(&line);
            if first {
                first = false;
                if let Some(rest) = text.strip_prefix('\u{feff}') {
                    text = Cow::Owned(rest.to_owned());
                }
            }
            if shape == Shape::Unknown {
                if text.trim().is_empty() {
                    continue;
                }
                let trimmed = text.trim_start();
                if trimmed.starts_with('{') {
                    let mut bundle = trimmed.as_bytes().to_vec();
                    reader
                        .read_to_end(&mut bundle)
                        .map_err(|e| fail(format!("cannot read: {e}")))?;
                    let bundle = String::from_utf8_lossy(&bundle);
                    self.add_stix(&source, &bundle, &mut stats).map_err(fail)?;
                    break;
                }
                if trimmed.contains(',') {
                    let header = Header::parse(trimmed);
                    shape = Shape::Csv(header);
                    if header.value_column.is_some() {
                        continue;
                    }
                } else {
                    shape = Shape::Plain;
                }
            }
            match shape {
                Shape::Csv(header) => self.csv_line(&source, &text, number, header, &mut stats),
                _ => {
                    let value = text.split('#').next().unwrap_or("").trim();
                    if !value.is_empty() {
                        let pushed = self.push_value(&source, value, None);
                        stats.count(pushed, Some(number), value);
                    }
                }
            }
        }
        self.store.flush();
        Ok(stats)
    }

    fn csv_line(
        &mut self,
        source: &Arc<str>,
        line: &str,
        number: u64,
        header: Header,
        stats: &mut IocFileStats,
    ) {
        let column = header.value_column.unwrap_or(0);
        let mut value = None;
        let mut description = None;
        for (index, cell) in line.split(',').enumerate() {
            let cell = cell.trim().trim_matches('"');
            if index == column {
                value = Some(cell);
            }
            if Some(index) == header.description_column && !cell.is_empty() {
                description = Some(cell.to_owned());
            }
        }
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return;
        };
        let pushed = self.push_value(source, value, description);
        stats.count(pushed, Some(number), value);
    }

    fn add_stix(
        &mut self,
        source: &Arc<str>,
        text: &str,
        stats: &mut IocFileStats,
    ) -> Result<(), String> {
        let bundle: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a STIX bundle: {e}"))?;
        let objects = bundle
            .get("objects")
            .and_then(|o| o.as_array())
            .ok_or("a STIX bundle needs an \"objects\" array")?;
        let comparison = stix_comparison();
        for object in objects {
            let kind = object.get("type").and_then(|t| t.as_str()).unwrap_or("");
            let description = object
                .get("description")
                .or_else(|| object.get("name"))
                .and_then(|d| d.as_str())
                .map(str::to_owned);
            match kind {
                "indicator" => {
                    let pattern = object.get("pattern").and_then(|p| p.as_str()).unwrap_or("");
                    for caps in comparison.captures_iter(pattern) {
                        let value = caps.get(3).map_or("", |m| m.as_str()).replace("\\'", "'");
                        let pushed = self.push_value(source, &value, description.clone());
                        stats.count(pushed, None, &value);
                    }
                }
                "domain-name" | "ipv4-addr" | "ipv6-addr" | "url" => {
                    if let Some(value) = object.get("value").and_then(|v| v.as_str()) {
                        let pushed = self.push_value(source, value, description);
                        stats.count(pushed, None, value);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Classifies and adds one value; `false` when its shape is unknown (or
    /// the set is full). Adding values one by one re-sorts the indexes each
    /// time: for many values use [`IocSet::add_reader`].
    pub fn add_value(&mut self, source: &Arc<str>, raw: &str, description: Option<String>) -> bool {
        let pushed = self.push_value(source, raw, description);
        self.store.flush();
        pushed.known
    }

    /// Classifies and stores one value (addresses are searchable after the
    /// next flush of the store).
    fn push_value(&mut self, source: &Arc<str>, raw: &str, description: Option<String>) -> Pushed {
        let value = refang(raw);
        let Some((kind, value)) = classify(&value) else {
            return Pushed::default();
        };
        let mut pushed = Pushed {
            known: true,
            added: 0,
        };
        if kind == IocKind::Url
            && let Some(host) = url_host(&value)
        {
            match self
                .store
                .push(IocKind::Domain, &host, source, description.clone())
            {
                Ok(new) => pushed.added += usize::from(new),
                Err(_) => return Pushed::default(),
            }
        }
        match self.store.push(kind, &value, source, description) {
            Ok(new) => pushed.added += usize::from(new),
            Err(_) => pushed.known = false,
        }
        pushed
    }

    /// Whether every indicator value can be a prefilter needle (at most
    /// [`NEEDLE_LIMIT`] of them). When not, the detector admits an empty
    /// needle, which every record holds: all records are parsed.
    pub fn fits_prefilter(&self) -> bool {
        self.len() <= NEEDLE_LIMIT
    }

    /// Strings whose presence in a raw record is necessary for a match
    /// (prefilter needles; see `Detector::needles`): the value itself, or
    /// for a CIDR block the octets all its addresses share (`10.20.`).
    /// Meant for sets that [fit the prefilter](IocSet::fits_prefilter).
    pub fn needles(&self) -> impl Iterator<Item = Cow<'_, str>> {
        self.store.ids().map(|id| {
            let value = self.store.value(id);
            match value.parse::<IpNet>() {
                Ok(IpNet::V4(net)) if value.contains('/') => {
                    Cow::Owned(crate::needles::ipv4_block_literal(&net).unwrap_or_default())
                }
                _ => Cow::Borrowed(value),
            }
        })
    }

    /// The indicator addresses and blocks (for the network screen). Above
    /// [`ADDRESS_LIMIT`] addresses the screen is told to watch every
    /// address (`0.0.0.0/0` and `::/0`) rather than hold them all twice.
    pub fn addresses(&self) -> (Vec<IpAddr>, Vec<IpNet>) {
        self.addresses_within(ADDRESS_LIMIT)
    }

    fn addresses_within(&self, limit: usize) -> (Vec<IpAddr>, Vec<IpNet>) {
        if self.store.address_count() > limit {
            let every = ["0.0.0.0/0", "::/0"]
                .iter()
                .filter_map(|net| net.parse::<IpNet>().ok())
                .collect();
            return (Vec::new(), every);
        }
        self.store.addresses()
    }

    /// The indicator a domain matches, if any: the most specific of the
    /// domain itself and its parents.
    pub fn domain(&self, domain: &str) -> Option<Ioc> {
        self.store.domain(domain).map(|id| self.store.ioc(id))
    }

    /// The indicator an IP matches, if any: the address itself, else the
    /// earliest-added block holding it.
    pub fn ip(&self, ip: IpAddr) -> Option<Ioc> {
        self.store.ip(ip).map(|id| self.store.ioc(id))
    }

    /// The file-name indicator `name` is (case-insensitive), if any.
    pub fn file_name(&self, name: &str) -> Option<Ioc> {
        self.exact(IocKind::FileName, &name.to_lowercase())
            .map(|id| self.store.ioc(id))
    }

    /// The URL indicators written inside `text` (a command line, a link).
    pub fn urls_in(&self, text: &str) -> Vec<Ioc> {
        let mut ids = Vec::new();
        self.store.urls_in(&text.to_lowercase(), &mut ids);
        ids.into_iter().map(|id| self.store.ioc(id)).collect()
    }

    fn exact(&self, kind: IocKind, lower: &str) -> Option<Id> {
        self.store.exact(kind, lower)
    }

    /// Every indicator the event names, with the field that named it.
    pub fn check(&self, event: &Event) -> Vec<IocHit> {
        let mut hits: Vec<(Id, &'static str)> = Vec::new();
        if self.is_empty() {
            return Vec::new();
        }
        let mut hit = |id: Option<Id>, field: &'static str| {
            if let Some(id) = id
                && !hits.iter().any(|(own, _)| *own == id)
            {
                hits.push((id, field));
            }
        };
        let store = &self.store;
        match &event.kind {
            EventKind::DnsQuery(dns) => {
                hit(store.domain(&dns.query), "dns.question.name");
                for answer in &dns.answers {
                    if let Ok(ip) = answer.parse::<IpAddr>() {
                        hit(store.ip(ip), "dns.answers.data");
                    }
                }
            }
            EventKind::NetConnection(conn) => {
                if let Some(domain) = &conn.destination.domain {
                    hit(store.domain(domain), "destination.domain");
                }
                for (endpoint, field) in [
                    (&conn.destination, "destination.ip"),
                    (&conn.source, "source.ip"),
                ] {
                    if let Some(ip) = endpoint.ip {
                        hit(store.ip(ip), field);
                    }
                }
            }
            EventKind::NetFlow(flow) => {
                for (endpoint, field) in [
                    (&flow.destination, "destination.ip"),
                    (&flow.source, "source.ip"),
                ] {
                    if let Some(ip) = endpoint.ip {
                        hit(store.ip(ip), field);
                    }
                }
            }
            EventKind::Tls(tls) => {
                if let Some(sni) = &tls.sni {
                    hit(store.domain(sni), "tls.client.server_name");
                }
                for (value, field) in [(&tls.ja3, "tls.client.ja3"), (&tls.ja3s, "tls.server.ja3s")]
                {
                    if let Some(value) = value {
                        hit(self.exact(IocKind::Hash, &value.to_lowercase()), field);
                    }
                }
                if let Some(ja4) = &tls.ja4 {
                    hit(
                        self.exact(IocKind::Ja4, &ja4.to_lowercase()),
                        "tls.client.ja4",
                    );
                }
                for (endpoint, field) in
                    [(&tls.server, "destination.ip"), (&tls.client, "source.ip")]
                {
                    if let Some(ip) = endpoint.ip {
                        hit(store.ip(ip), field);
                    }
                }
            }
            EventKind::Http(http) => {
                if let Some(host) = &http.host {
                    hit(
                        store.domain(host.split(':').next().unwrap_or(host)),
                        "url.domain",
                    );
                }
                if let Some(name) = &http.file_name {
                    hit(
                        self.exact(IocKind::FileName, &basename(name).to_lowercase()),
                        "file.name",
                    );
                }
                for (endpoint, field) in [
                    (&http.server, "destination.ip"),
                    (&http.client, "source.ip"),
                ] {
                    if let Some(ip) = endpoint.ip {
                        hit(store.ip(ip), field);
                    }
                }
            }
            EventKind::FileTransfer(file) => {
                if let Some(hash) = &file.hash {
                    hit(self.exact(IocKind::Hash, &hash.to_lowercase()), "file.hash");
                }
                if let Some(name) = &file.file_name {
                    hit(
                        self.exact(IocKind::FileName, &basename(name).to_lowercase()),
                        "file.name",
                    );
                }
            }
            EventKind::FileCreate(file) => {
                hit(
                    self.exact(IocKind::FileName, &basename(&file.path).to_lowercase()),
                    "file.name",
                );
            }
            _ => {}
        }
        if let Some(process) = event.kind.process() {
            if let Some(name) = process.name() {
                hit(
                    self.exact(IocKind::FileName, &name.to_lowercase()),
                    "process.name",
                );
            }
            if let Some(hashes) = &process.hashes {
                for hash in hash_values(hashes) {
                    hit(self.exact(IocKind::Hash, &hash), "process.hash");
                }
            }
            if let Some(command_line) = &process.command_line {
                let lower = command_line.to_lowercase();
                let mut urls = Vec::new();
                store.urls_in(&lower, &mut urls);
                urls.sort_unstable();
                for id in urls {
                    hit(Some(id), "process.command_line");
                }
                for token in domain_tokens(&lower) {
                    hit(store.domain(token), "process.command_line");
                }
            }
        }
        hits.into_iter()
            .map(|(id, field)| IocHit {
                ioc: store.ioc(id),
                field,
            })
            .collect()
    }
}

/// How the lines of an IOC file are read, once its first line is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Unknown,
    Plain,
    Csv(Header),
}

/// The columns of a CSV IOC file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    /// The value column, when the first line names one (else the first
    /// line is data and column 0 holds the value).
    value_column: Option<usize>,
    description_column: Option<usize>,
}

impl Header {
    fn parse(line: &str) -> Header {
        let names: Vec<String> = line
            .split(',')
            .map(|h| h.trim().trim_matches('"').to_ascii_lowercase())
            .collect();
        let find = |wanted: &[&str]| {
            wanted
                .iter()
                .find_map(|name| names.iter().position(|h| h == name))
        };
        let value_column = find(&["value", "indicator", "ioc", "observable", "domain", "ip"]);
        Header {
            value_column,
            description_column: find(&["description", "comment", "note", "notes"]),
        }
    }
}

/// Counts from one IOC file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IocFileStats {
    /// Indicators added (values already in the set are not counted).
    pub added: usize,
    /// Values skipped because their shape is unknown.
    pub skipped: usize,
    /// The first few values skipped (at most [`UNKNOWN_EXAMPLES`]), so a
    /// warning can say which.
    pub unknown: Vec<UnknownValue>,
}

/// How many skipped values [`IocFileStats`] keeps to show.
pub const UNKNOWN_EXAMPLES: usize = 3;

/// A value of unknown shape, and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// Its 1-based line (none in a STIX bundle, read as one document).
    pub line: Option<u64>,
    /// The value as written (cut to 80 characters).
    pub value: String,
}

impl IocFileStats {
    fn count(&mut self, pushed: Pushed, line: Option<u64>, value: &str) {
        self.added += pushed.added;
        if pushed.known {
            return;
        }
        self.skipped += 1;
        if self.unknown.len() < UNKNOWN_EXAMPLES {
            self.unknown.push(UnknownValue {
                line,
                value: value.trim().chars().take(80).collect(),
            });
        }
    }
}

/// What storing one value did: whether its shape was known, and how many
/// indicators it added (a URL adds its host too; a duplicate adds none).
#[derive(Debug, Clone, Copy, Default)]
struct Pushed {
    known: bool,
    added: usize,
}

/// `hxxp://evil[.]com` → `http://evil.com`.
fn refang(raw: &str) -> Cow<'_, str> {
    let raw = raw.trim();
    let defanged = raw.contains(['[', '(']) || raw.contains("hxxp") || raw.contains("HXXP");
    if !defanged {
        return Cow::Borrowed(raw);
    }
    let refanged = raw
        .replace("[.]", ".")
        .replace("(.)", ".")
        .replace("[dot]", ".")
        .replace("[:]", ":")
        .replace("hxxp", "http")
        .replace("HXXP", "http");
    Cow::Owned(refanged)
}

fn classify(value: &str) -> Option<(IocKind, String)> {
    let lower = value.trim().to_lowercase();
    if lower.is_empty() {
        return None;
    }
    if lower.parse::<IpAddr>().is_ok() {
        return Some((IocKind::Ip, lower));
    }
    if let Ok(net) = lower.parse::<IpNet>() {
        // A block is searched for by the octets its addresses share, so it
        // must be IPv4 and at most a /16 (wider ones would hit everything).
        return matches!(net, IpNet::V4(v4) if v4.prefix_len() >= 16)
            .then_some((IocKind::Ip, lower));
    }
    if matches!(lower.len(), 32 | 40 | 64) && lower.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some((IocKind::Hash, lower));
    }
    if lower.contains("://") {
        return Some((IocKind::Url, lower));
    }
    if is_ja4(&lower) {
        return Some((IocKind::Ja4, lower));
    }
    const FILE_EXTENSIONS: &[&str] = &[
        ".exe", ".msi", ".dll", ".ps1", ".bat", ".cmd", ".vbs", ".js", ".hta", ".scr", ".zip",
    ];
    if FILE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext)) && !lower.contains(['/', '\\']) {
        return Some((IocKind::FileName, lower));
    }
    let is_domain = lower.contains('.')
        && lower
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && lower
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()));
    is_domain.then_some((IocKind::Domain, lower.trim_end_matches('.').to_owned()))
}

/// `t13d1516h2_8daaf6152771_e5627efa2ab1`: protocol, version, SNI, two
/// counts and the ALPN code, then two 12-digit hex hashes.
fn is_ja4(value: &str) -> bool {
    let parts: Vec<&str> = value.split('_').collect();
    let [a, b, c] = parts.as_slice() else {
        return false;
    };
    let a = a.as_bytes();
    a.len() == 10
        && matches!(a[0], b't' | b'q' | b'd')
        && matches!(a[3], b'd' | b'i')
        && a[4..8].iter().all(u8::is_ascii_digit)
        && [b, c]
            .iter()
            .all(|h| h.len() == 12 && h.bytes().all(|x| x.is_ascii_hexdigit()))
}

fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (!host.is_empty() && host.parse::<IpAddr>().is_err()).then(|| host.to_owned())
}

/// The hash values in a Sysmon `Hashes` field (`SHA256=AB…,IMPHASH=…`) or a bare hash.
fn hash_values(hashes: &str) -> impl Iterator<Item = String> + '_ {
    hashes.split([',', ';', ' ']).filter_map(|part| {
        let value = part.rsplit('=').next()?.trim();
        (matches!(value.len(), 32 | 40 | 64) && value.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| value.to_lowercase())
    })
}

/// Dotted tokens of a command line that could be domains.
fn domain_tokens(command_line: &str) -> impl Iterator<Item = &str> {
    command_line
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .filter(|token| token.contains('.') && token.len() > 3)
}

fn stix_comparison() -> Regex {
    // [domain-name:value = 'x'], [file:hashes.'SHA-256' = 'x'], [url:value = 'x'] …
    Regex::new(r"([a-z0-9-]+):([A-Za-z0-9_.'\-]+)\s*=\s*'((?:[^'\\]|\\.)*)'")
        .unwrap_or_else(|_| unreachable!("constant regex"))
}

/// The distinct sources of a set's indicators, for tests and reports.
pub fn distinct_sources(set: &IocSet) -> HashSet<Arc<str>> {
    set.iter().map(|ioc| ioc.source).collect()
}

#[cfg(test)]
mod tests;
