//! Indicators of compromise: the built-in AA23-025A domains plus user IOC
//! files (a plain list, CSV, or a STIX 2.1 bundle), and their lookup.
//!
//! Values are classified by shape (IP or CIDR, hash, URL, domain, file
//! name) and "refanged" first (`hxxp://evil[.]com` → `http://evil.com`), so
//! analysts can paste indicators as advisories print them.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;
use regex::Regex;
use rmmguard_events::{Event, EventKind, basename};

use crate::domain_trie::DomainTrie;
use crate::{Error, ErrorKind};

/// The first-stage domains of AA23-025A (CISA/NSA/MS-ISAC, January 2023).
const AA23_025A_DOMAINS: &[&str] = &[
    "myhelpcare.online",
    "myhelpcare.cc",
    "win01.xyz",
    "win03.xyz",
    "247secure.us",
];

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
#[derive(Debug, Default)]
pub struct IocSet {
    iocs: Vec<Ioc>,
    domains: DomainTrie<usize>,
    ips: HashMap<IpAddr, usize>,
    nets: Vec<(IpNet, usize)>,
    hashes: HashMap<String, usize>,
    file_names: HashMap<String, usize>,
    urls: Vec<usize>,
    ja4: HashMap<String, usize>,
}

/// An indicator found in an event, and the field it was found in.
#[derive(Debug, Clone, Copy)]
pub struct IocHit<'a> {
    /// The indicator.
    pub ioc: &'a Ioc,
    /// The event field (`dns.question.name`, `process.hash`, …).
    pub field: &'static str,
}

impl IocSet {
    /// The built-in AA23-025A indicators.
    pub fn builtin() -> IocSet {
        let mut set = IocSet::default();
        let source: Arc<str> = Arc::from("AA23-025A");
        for domain in AA23_025A_DOMAINS {
            set.add(Ioc {
                kind: IocKind::Domain,
                value: (*domain).to_owned(),
                source: Arc::clone(&source),
                description: Some(
                    "first-stage domain of the AA23-025A refund-scam campaign".into(),
                ),
            });
        }
        set
    }

    /// Parses an IOC file and adds its indicators. The format is sniffed:
    /// a JSON object is a STIX 2.1 bundle, a first line with commas is CSV,
    /// anything else is one indicator per line (`#` starts a comment).
    ///
    /// # Errors
    ///
    /// A bundle that is not JSON, or a CSV without a usable column. Values
    /// of unknown shape, and CIDR blocks other than IPv4 /16 or narrower,
    /// are skipped and counted in the returned number.
    pub fn add_file(&mut self, name: &str, text: &str) -> Result<IocFileStats, Error> {
        let source: Arc<str> = Arc::from(name);
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        let before = self.iocs.len();
        let mut skipped = 0;
        if trimmed.starts_with('{') {
            self.add_stix(&source, trimmed, &mut skipped)
                .map_err(|message| Error::new(ErrorKind::Ioc(message)).in_file(name))?;
        } else if trimmed
            .lines()
            .next()
            .is_some_and(|line| line.contains(','))
        {
            self.add_csv(&source, trimmed, &mut skipped)
                .map_err(|message| Error::new(ErrorKind::Ioc(message)).in_file(name))?;
        } else {
            for line in trimmed.lines() {
                let value = line.split('#').next().unwrap_or("").trim();
                if !value.is_empty() && !self.add_value(&source, value, None) {
                    skipped += 1;
                }
            }
        }
        Ok(IocFileStats {
            added: self.iocs.len() - before,
            skipped,
        })
    }

    fn add_csv(
        &mut self,
        source: &Arc<str>,
        text: &str,
        skipped: &mut usize,
    ) -> Result<(), String> {
        let mut lines = text.lines();
        let header: Vec<String> = lines
            .next()
            .unwrap_or("")
            .split(',')
            .map(|h| h.trim().trim_matches('"').to_ascii_lowercase())
            .collect();
        let value_column = ["value", "indicator", "ioc", "observable", "domain", "ip"]
            .iter()
            .find_map(|name| header.iter().position(|h| h == name));
        let description_column = ["description", "comment", "note", "notes"]
            .iter()
            .find_map(|name| header.iter().position(|h| h == name));
        // Without a recognizable header, the first line is data and column 0 the value.
        let (column, data): (usize, Vec<&str>) = match value_column {
            Some(column) => (column, lines.collect()),
            None => (0, text.lines().collect()),
        };
        if header.is_empty() {
            return Err("empty CSV".into());
        }
        for line in data {
            let cells: Vec<&str> = line
                .split(',')
                .map(|c| c.trim().trim_matches('"'))
                .collect();
            let Some(value) = cells.get(column).filter(|v| !v.is_empty()) else {
                continue;
            };
            let description = description_column
                .and_then(|i| cells.get(i))
                .filter(|d| !d.is_empty())
                .map(|d| (*d).to_owned());
            if !self.add_value(source, value, description) {
                *skipped += 1;
            }
        }
        Ok(())
    }

    fn add_stix(
        &mut self,
        source: &Arc<str>,
        text: &str,
        skipped: &mut usize,
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
                        if !self.add_value(source, &value, description.clone()) {
                            *skipped += 1;
                        }
                    }
                }
                "domain-name" | "ipv4-addr" | "ipv6-addr" | "url" => {
                    if let Some(value) = object.get("value").and_then(|v| v.as_str())
                        && !self.add_value(source, value, description)
                    {
                        *skipped += 1;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Classifies and adds one value; `false` when its shape is unknown.
    pub fn add_value(&mut self, source: &Arc<str>, raw: &str, description: Option<String>) -> bool {
        let value = refang(raw);
        let Some((kind, value)) = classify(&value) else {
            return false;
        };
        if kind == IocKind::Url
            && let Some(host) = url_host(&value)
        {
            self.add(Ioc {
                kind: IocKind::Domain,
                value: host,
                source: Arc::clone(source),
                description: description.clone(),
            });
        }
        self.add(Ioc {
            kind,
            value,
            source: Arc::clone(source),
            description,
        });
        true
    }

    fn add(&mut self, ioc: Ioc) {
        if self
            .iocs
            .iter()
            .any(|own| own.kind == ioc.kind && own.value == ioc.value)
        {
            return;
        }
        let index = self.iocs.len();
        match ioc.kind {
            IocKind::Domain => {
                self.domains.insert(&ioc.value, index);
                self.domains.insert(&format!("*.{}", ioc.value), index);
            }
            IocKind::Ip => match ioc.value.parse::<IpAddr>() {
                Ok(ip) => {
                    self.ips.insert(ip, index);
                }
                Err(_) => {
                    if let Ok(net) = ioc.value.parse::<IpNet>() {
                        self.nets.push((net, index));
                    }
                }
            },
            IocKind::Hash => {
                self.hashes.insert(ioc.value.clone(), index);
            }
            IocKind::FileName => {
                self.file_names.insert(ioc.value.clone(), index);
            }
            IocKind::Url => self.urls.push(index),
            IocKind::Ja4 => {
                self.ja4.insert(ioc.value.clone(), index);
            }
        }
        self.iocs.push(ioc);
    }

    /// All indicators.
    pub fn iocs(&self) -> &[Ioc] {
        &self.iocs
    }

    /// Strings whose presence in a raw record is necessary for a match
    /// (prefilter needles; see `Detector::needles`): the value itself, or
    /// for a CIDR block the octets all its addresses share (`10.20.`).
    pub fn needles(&self) -> impl Iterator<Item = Cow<'_, str>> {
        self.iocs
            .iter()
            .map(|ioc| match ioc.value.parse::<IpNet>() {
                Ok(IpNet::V4(net)) if ioc.value.contains('/') => {
                    Cow::Owned(crate::needles::ipv4_block_literal(&net).unwrap_or_default())
                }
                _ => Cow::Borrowed(ioc.value.as_str()),
            })
    }

    /// The indicator addresses and blocks (for the network screen).
    pub fn addresses(&self) -> (Vec<IpAddr>, Vec<IpNet>) {
        (
            self.ips.keys().copied().collect(),
            self.nets.iter().map(|(net, _)| *net).collect(),
        )
    }

    /// The indicator a domain matches, if any.
    pub fn domain(&self, domain: &str) -> Option<&Ioc> {
        self.domains.best(domain).map(|&i| &self.iocs[i])
    }

    /// The indicator an IP matches, if any.
    pub fn ip(&self, ip: IpAddr) -> Option<&Ioc> {
        self.ips
            .get(&ip)
            .or_else(|| {
                self.nets
                    .iter()
                    .find(|(net, _)| net.contains(&ip))
                    .map(|(_, i)| i)
            })
            .map(|&i| &self.iocs[i])
    }

    /// Every indicator the event names, with the field that named it.
    pub fn check<'s>(&'s self, event: &Event) -> Vec<IocHit<'s>> {
        let mut hits: Vec<IocHit<'s>> = Vec::new();
        if self.iocs.is_empty() {
            return hits;
        }
        let mut hit = |ioc: Option<&'s Ioc>, field: &'static str| {
            if let Some(ioc) = ioc
                && !hits.iter().any(|h: &IocHit<'_>| std::ptr::eq(h.ioc, ioc))
            {
                hits.push(IocHit { ioc, field });
            }
        };
        match &event.kind {
            EventKind::DnsQuery(dns) => {
                hit(self.domain(&dns.query), "dns.question.name");
                for answer in &dns.answers {
                    if let Ok(ip) = answer.parse::<IpAddr>() {
                        hit(self.ip(ip), "dns.answers.data");
                    }
                }
            }
            EventKind::NetConnection(conn) => {
                if let Some(domain) = &conn.destination.domain {
                    hit(self.domain(domain), "destination.domain");
                }
                for (endpoint, field) in [
                    (&conn.destination, "destination.ip"),
                    (&conn.source, "source.ip"),
                ] {
                    if let Some(ip) = endpoint.ip {
                        hit(self.ip(ip), field);
                    }
                }
            }
            EventKind::NetFlow(flow) => {
                for (endpoint, field) in [
                    (&flow.destination, "destination.ip"),
                    (&flow.source, "source.ip"),
                ] {
                    if let Some(ip) = endpoint.ip {
                        hit(self.ip(ip), field);
                    }
                }
            }
            EventKind::Tls(tls) => {
                if let Some(sni) = &tls.sni {
                    hit(self.domain(sni), "tls.client.server_name");
                }
                for (value, field) in [(&tls.ja3, "tls.client.ja3"), (&tls.ja3s, "tls.server.ja3s")]
                {
                    if let Some(value) = value {
                        hit(
                            self.hashes
                                .get(&value.to_lowercase())
                                .map(|&i| &self.iocs[i]),
                            field,
                        );
                    }
                }
                if let Some(ja4) = &tls.ja4 {
                    hit(
                        self.ja4.get(&ja4.to_lowercase()).map(|&i| &self.iocs[i]),
                        "tls.client.ja4",
                    );
                }
                for (endpoint, field) in
                    [(&tls.server, "destination.ip"), (&tls.client, "source.ip")]
                {
                    if let Some(ip) = endpoint.ip {
                        hit(self.ip(ip), field);
                    }
                }
            }
            EventKind::Http(http) => {
                if let Some(host) = &http.host {
                    hit(
                        self.domain(host.split(':').next().unwrap_or(host)),
                        "url.domain",
                    );
                }
                if let Some(name) = &http.file_name {
                    hit(
                        self.file_names
                            .get(&basename(name).to_lowercase())
                            .map(|&i| &self.iocs[i]),
                        "file.name",
                    );
                }
                for (endpoint, field) in [
                    (&http.server, "destination.ip"),
                    (&http.client, "source.ip"),
                ] {
                    if let Some(ip) = endpoint.ip {
                        hit(self.ip(ip), field);
                    }
                }
            }
            EventKind::FileTransfer(file) => {
                if let Some(hash) = &file.hash {
                    hit(
                        self.hashes
                            .get(&hash.to_lowercase())
                            .map(|&i| &self.iocs[i]),
                        "file.hash",
                    );
                }
                if let Some(name) = &file.file_name {
                    hit(
                        self.file_names
                            .get(&basename(name).to_lowercase())
                            .map(|&i| &self.iocs[i]),
                        "file.name",
                    );
                }
            }
            EventKind::FileCreate(file) => {
                hit(
                    self.file_names
                        .get(&basename(&file.path).to_lowercase())
                        .map(|&i| &self.iocs[i]),
                    "file.name",
                );
            }
            _ => {}
        }
        if let Some(process) = event.kind.process() {
            if let Some(name) = process.name() {
                hit(
                    self.file_names
                        .get(&name.to_lowercase())
                        .map(|&i| &self.iocs[i]),
                    "process.name",
                );
            }
            if let Some(hashes) = &process.hashes {
                for hash in hash_values(hashes) {
                    hit(
                        self.hashes.get(&hash).map(|&i| &self.iocs[i]),
                        "process.hash",
                    );
                }
            }
            if let Some(command_line) = &process.command_line {
                let lower = command_line.to_lowercase();
                for &i in &self.urls {
                    if lower.contains(&self.iocs[i].value) {
                        hit(Some(&self.iocs[i]), "process.command_line");
                    }
                }
                for token in domain_tokens(&lower) {
                    hit(self.domain(token), "process.command_line");
                }
            }
        }
        hits
    }
}

/// Counts from one IOC file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IocFileStats {
    /// Indicators added.
    pub added: usize,
    /// Values skipped because their shape is unknown.
    pub skipped: usize,
}

/// `hxxp://evil[.]com` → `http://evil.com`.
fn refang(raw: &str) -> String {
    raw.trim()
        .replace("[.]", ".")
        .replace("(.)", ".")
        .replace("[dot]", ".")
        .replace("[:]", ":")
        .replace("hxxp", "http")
        .replace("HXXP", "http")
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

/// Unique values, for tests and reports.
pub fn distinct_sources(set: &IocSet) -> HashSet<&str> {
    set.iocs.iter().map(|ioc| &*ioc.source).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmmguard_events::{DnsQuery, Location, Meta, Process, ProcessStart, SourceRef};

    fn event(kind: EventKind) -> Event {
        Event {
            meta: Meta::new(SourceRef::new("t", Location::Record(1))),
            kind,
        }
    }

    #[test]
    fn builtin_domains_match_subdomains() {
        let set = IocSet::builtin();
        assert_eq!(
            set.domain("cdn.myhelpcare.online").map(|i| &*i.source),
            Some("AA23-025A")
        );
        assert!(set.domain("myhelpcare.online.example").is_none());
        let hits = set.check(&event(EventKind::DnsQuery(DnsQuery {
            query: "win03.xyz".into(),
            ..DnsQuery::default()
        })));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].field, "dns.question.name");
    }

    #[test]
    fn plain_csv_and_stix_files() {
        let mut set = IocSet::default();
        let stats = set
            .add_file("list.txt", "# comment\nevil[.]example\n203.0.113.0/24\nhxxp://bad.example/x.exe\nnot a value\n")
            .unwrap();
        assert_eq!(
            stats,
            IocFileStats {
                added: 4,
                skipped: 1
            }
        );
        let stats = set
            .add_file("iocs.csv", "type,value,description\nsha256,AB12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12,dropper\nfilename,support.client.exe,\n")
            .unwrap();
        assert_eq!(stats.added, 2);
        let bundle = r#"{"type":"bundle","objects":[
            {"type":"indicator","name":"relay","pattern":"[domain-name:value = 'relay.crook.example'] OR [ipv4-addr:value = '198.51.100.7']"},
            {"type":"indicator","pattern":"[file:hashes.'MD5' = '0123456789abcdef0123456789abcdef']"},
            {"type":"domain-name","value":"second.example"}]}"#;
        let stats = set.add_file("bundle.json", bundle).unwrap();
        assert_eq!(stats.added, 4);
        assert!(set.domain("relay.crook.example").is_some());
        assert!(set.ip("203.0.113.9".parse().unwrap()).is_some());
        assert!(set.ip("198.51.100.7".parse().unwrap()).is_some());
        assert!(set.domain("bad.example").is_some());
        let kinds: Vec<IocKind> = set.iocs().iter().map(|i| i.kind).collect();
        assert!(kinds.contains(&IocKind::Url) && kinds.contains(&IocKind::FileName));
        assert_eq!(distinct_sources(&set).len(), 3);
        assert!(set.add_file("bad.json", "{not json").is_err());
    }

    #[test]
    fn blocks_are_searched_for_by_their_shared_octets() {
        let mut set = IocSet::default();
        let stats = set
            .add_file(
                "blocks.txt",
                "203.0.113.0/24\n10.20.0.0/20\n10.0.0.0/8\n2001:db8::/32\n2001:db8::7\n",
            )
            .unwrap();
        assert_eq!(
            stats,
            IocFileStats {
                added: 3,
                skipped: 2
            },
            "blocks wider than /16 and IPv6 blocks have no literal to search for"
        );
        let needles: Vec<String> = set.needles().map(|n| n.into_owned()).collect();
        assert_eq!(needles, ["203.0.113.", "10.20.", "2001:db8::7"]);
        assert!(set.ip("10.20.15.1".parse().unwrap()).is_some());
        let (addresses, nets) = set.addresses();
        assert_eq!((addresses.len(), nets.len()), (1, 2));
    }

    #[test]
    fn process_fields() {
        let mut set = IocSet::default();
        let source: Arc<str> = Arc::from("t");
        set.add_value(&source, "ab12ab12ab12ab12ab12ab12ab12ab12", None);
        set.add_value(&source, "evil.example", None);
        set.add_value(&source, "dropper.exe", None);
        let start = ProcessStart {
            process: Process {
                executable: Some(r"C:\Users\x\Downloads\DROPPER.exe".into()),
                command_line: Some("curl https://cdn.evil.example/a".into()),
                hashes: Some("MD5=AB12AB12AB12AB12AB12AB12AB12AB12,IMPHASH=00".into()),
                ..Process::default()
            },
            ..ProcessStart::default()
        };
        let hits = set.check(&event(EventKind::ProcessStart(start)));
        let fields: Vec<&str> = hits.iter().map(|h| h.field).collect();
        assert_eq!(
            fields,
            ["process.name", "process.hash", "process.command_line"]
        );
    }
}
