//! ArcSight Common Event Format: the header fields and the extension, with
//! the format's escaping, so evidence text cannot forge a field.
//!
//! Header fields escape `\` and `|`; extension values escape `\` and `=`;
//! both write newlines as the two characters `\n` (and `\r`), since a raw
//! newline would end the syslog message.

use std::fmt::Write;

use rmmguard_findings::wire::{FindingRecord, IncidentRecord};
use rmmguard_findings::{FactKey, Severity};

/// CEF severity (0–10) of a severity.
pub fn severity_number(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 1,
        Severity::Low => 3,
        Severity::Medium => 5,
        Severity::High => 8,
        Severity::Critical => 10,
    }
}

/// Escapes a header field.
pub fn header(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an extension value.
pub fn value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '=' => out.push_str("\\="),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Longest extension value, in characters before escaping: a syslog
/// message stays well inside what receivers take.
const MAX_VALUE: usize = 1024;

/// Builds `key=value` pairs separated by spaces.
#[derive(Debug, Default)]
struct Extension(String);

impl Extension {
    fn add(&mut self, key: &str, text: &str) {
        if text.is_empty() {
            return;
        }
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        let cut: String = text.chars().take(MAX_VALUE).collect();
        let _ = write!(self.0, "{key}={}", value(&cut));
    }

    fn custom(&mut self, n: u8, label: &str, text: Option<&str>) {
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            self.add(&format!("cs{n}Label"), label);
            self.add(&format!("cs{n}"), text);
        }
    }
}

/// The CEF message of a finding.
pub fn finding(id: &str, record: &FindingRecord) -> String {
    let mut ext = Extension::default();
    ext.add("externalId", id);
    ext.add("msg", &record.summary);
    ext.add("cat", record.stage.map_or("", |s| s.as_str()));
    if let Some(t) = record.first_seen {
        ext.add("start", &t.as_millisecond().to_string());
    }
    if let Some(t) = record.last_seen {
        ext.add("end", &t.as_millisecond().to_string());
    }
    ext.add("cnt", &record.count.to_string());
    ext.add("dhost", record.host.as_deref().unwrap_or(""));
    ext.add("duser", record.user.as_deref().unwrap_or(""));
    ext.custom(
        1,
        "tool",
        record.tool_name.as_deref().or(record.tool.as_deref()),
    );
    ext.custom(2, "tenant", record.tenant.as_deref());
    ext.custom(3, "site", record.site.as_deref());
    ext.custom(4, "attack", Some(&record.attack));
    ext.custom(5, "authorization", record.authorization.map(|a| a.as_str()));
    let evidence: Vec<&str> = record
        .evidence
        .iter()
        .map(|e| e.reference.as_str())
        .collect();
    ext.custom(6, "evidence", Some(&evidence.join(" ")));
    for fact in &record.facts {
        if let Some(key) = extension_key(fact.key) {
            ext.add(key, &fact.values.join(","));
        }
    }
    message(&record.rule_id, &record.title, record.severity, &ext)
}

/// The CEF message of an incident.
pub fn incident(id: &str, record: &IncidentRecord) -> String {
    let mut ext = Extension::default();
    ext.add("externalId", id);
    ext.add("msg", &record.title);
    let stages: Vec<&str> = record.stages.iter().map(|s| s.as_str()).collect();
    ext.add("cat", &stages.join(","));
    if let Some(t) = record.first_seen {
        ext.add("start", &t.as_millisecond().to_string());
    }
    if let Some(t) = record.last_seen {
        ext.add("end", &t.as_millisecond().to_string());
    }
    ext.add("cnt", &record.timeline.len().to_string());
    ext.add("dhost", &record.hosts.join(","));
    ext.custom(
        1,
        "tool",
        record.tool_name.as_deref().or(record.tool.as_deref()),
    );
    ext.custom(2, "tenant", record.tenant.as_deref());
    ext.custom(3, "site", Some(&record.sites.join(",")));
    ext.custom(4, "indicator", record.indicator.as_deref());
    ext.custom(5, "score", Some(&record.score.to_string()));
    ext.custom(6, "reasons", Some(&record.reasons.join("; ")));
    message(record.kind.as_str(), &record.title, record.severity, &ext)
}

fn message(signature: &str, name: &str, severity: Severity, ext: &Extension) -> String {
    format!(
        "CEF:0|rmmguard|rmmguard|{}|{}|{}|{}|{}",
        header(env!("CARGO_PKG_VERSION")),
        header(signature),
        header(name),
        severity_number(severity),
        ext.0
    )
}

/// The standard CEF keys facts map to (the rest stay in the SIEM outputs
/// with a richer schema: HEC and ECS).
fn extension_key(key: FactKey) -> Option<&'static str> {
    Some(match key {
        FactKey::SourceIp => "src",
        FactKey::DestinationIp => "dst",
        FactKey::DestinationPort => "dpt",
        FactKey::NetworkTransport => "proto",
        FactKey::UrlOriginal => "request",
        FactKey::FileName => "fname",
        FactKey::FilePath => "filePath",
        FactKey::FileHashSha256 => "fileHash",
        FactKey::ProcessExecutable => "sproc",
        FactKey::DestinationDomain => "destinationDnsDomain",
        FactKey::EmailFromAddress => "suser",
        _ => return None,
    })
}

/// A CEF message taken apart, escapes undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The seven header fields after `CEF:` (version first).
    pub header: Vec<String>,
    /// The extension's `key=value` pairs, in order.
    pub extension: Vec<(String, String)>,
}

/// Splits a CEF message back into its seven header fields and extension
/// pairs, undoing the escapes: the receivers in tests and anyone checking
/// the format use it. `None` if it is not CEF.
pub fn parse(text: &str) -> Option<Parsed> {
    let rest = text.strip_prefix("CEF:")?;
    let mut header = Vec::new();
    let mut field = String::new();
    let mut chars = rest.chars();
    while header.len() < 7 {
        match chars.next()? {
            '\\' => match chars.next()? {
                'n' => field.push('\n'),
                'r' => field.push('\r'),
                c => field.push(c),
            },
            '|' => header.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    Some(Parsed {
        header,
        extension: parse_extension(chars.as_str()),
    })
}

fn parse_extension(text: &str) -> Vec<(String, String)> {
    // A key is the word before an unescaped `=`; its value runs to the
    // space before the next key.
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => current.push('\n'),
                Some('r') => current.push('\r'),
                Some(c) => current.push(c),
                None => {}
            },
            '=' => {
                // The key is the last space-separated word of `current`.
                let (before, key) = match current.rfind(' ') {
                    Some(i) => (current[..i].to_owned(), current[i + 1..].to_owned()),
                    None => (String::new(), std::mem::take(&mut current)),
                };
                if let Some(last) = pairs.last_mut() {
                    last.1 = before;
                }
                pairs.push((key, String::new()));
                current.clear();
            }
            c => current.push(c),
        }
    }
    if let Some(last) = pairs.last_mut() {
        last.1 = current;
    }
    pairs
}

#[cfg(test)]
mod tests {
    use rmmguard_findings::{Fact, Finding, rules};

    use super::*;

    #[test]
    fn escaping_follows_the_format() {
        assert_eq!(header(r"a|b\c=d"), r"a\|b\\c=d");
        assert_eq!(value("a|b\\c=d\r\ne"), r"a|b\\c\=d\r\ne");
        assert_eq!(value("bell\u{7}"), "bell ");
    }

    #[test]
    fn a_hostile_finding_cannot_forge_fields() {
        let mut finding = Finding::new(
            rules::PORTABLE_RMM,
            "AnyDesk ran dhost=evil.example act=allow\nCEF:0|x|y|z|1|forged|10|",
        );
        finding.host = Some("WS-01|10|".into());
        finding.facts = vec![
            Fact::new(FactKey::UrlOriginal, "http://a.example/?q=1&x=<script>"),
            Fact::new(FactKey::FilePath, "C:\\Temp\\x=y.exe"),
        ];
        let text = finding_message(&finding);
        assert!(!text.contains('\n'), "{text}");
        let Parsed {
            header,
            extension: ext,
        } = parse(&text).unwrap();
        assert_eq!(header[0], "0");
        assert_eq!(header[4], "E005");
        assert_eq!(header[6], "8");
        let get = |key: &str| {
            ext.iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("externalId"), ["f-1"]);
        assert_eq!(
            get("msg"),
            ["AnyDesk ran dhost=evil.example act=allow\nCEF:0|x|y|z|1|forged|10|"]
        );
        assert_eq!(get("dhost"), ["WS-01|10|"]);
        assert_eq!(get("act"), Vec::<&str>::new());
        assert_eq!(get("request"), ["http://a.example/?q=1&x=<script>"]);
        assert_eq!(get("filePath"), ["C:\\Temp\\x=y.exe"]);
    }

    fn finding_message(finding: &Finding) -> String {
        super::finding("f-1", &FindingRecord::from(finding))
    }
}
