//! Prefilter needles: strings at least one of which must appear in a raw
//! record for any rule to fire on it.
//!
//! Every matcher the detector uses on endpoint events (image names, PE
//! names, services, domains, config files, IOC values, …) is admitted only
//! together with a needle: the longest literal part of its pattern. Sources
//! then skip raw records that contain no needle without parsing them, which
//! is where most of rmmguard's speed comes from. The invariant that keeps
//! this sound: a pattern can only match text that contains its needle, and a
//! pattern without a usable needle is never used as a matcher (it is listed
//! in [`Needles::rejected`] instead).

use std::collections::HashSet;

/// The shortest literal worth searching for: shorter ones hit almost every record.
pub const MIN_NEEDLE_LEN: usize = 4;

/// Literals that appear in nearly every Windows event record (element names
/// of event templates, common path parts): as needles they would defeat the
/// prefilter, so patterns whose only literal is one of these are rejected.
const TOO_COMMON: &[&str] = &[
    ".exe",
    ".dll",
    ".msi",
    ".com",
    ".net",
    ".org",
    ".log",
    "level",
    "task",
    "data",
    "system",
    "event",
    "eventdata",
    "provider",
    "service",
    "services",
    "version",
    "keywords",
    "channel",
    "computer",
    "security",
    "execution",
    "correlation",
    "timecreated",
    "remote",
    "agent",
    "client",
    "server",
    "update",
    "updater",
    "windows",
    "microsoft",
    "program files",
    "users",
    "appdata",
    "local",
    "temp",
    "http",
    "https",
    "support",
    "viewer",
    "helper",
    "setup",
    "software",
    "wow6432node",
    "currentcontrolset",
    "controlset001",
    "controlset002",
    "parameters",
    "system32",
    "syswow64",
    "programdata",
    "program files (x86)",
    "roaming",
    "config.json",
    "config.ini",
    "config.xml",
    "settings.ini",
    "settings.json",
    "setup_",
    "_setup",
    "-setup",
    "setup-",
    "install",
    "installer",
    "endpoint",
    "_windows_",
    "windows_",
    "_windows",
    "-windows-",
    "-windows",
    "windows-",
    "x64",
    "x86",
    "amd64",
    "_x64",
    "_x86",
    ".zip",
    ".tmp",
    ".txt",
    ".xml",
    ".ini",
    ".conf",
    ".json",
    ".config",
    ".cfg",
    "default",
    "currentversion",
    "uninstall",
    "admin",
    "administrator",
    "desktop",
    "control",
    "manager",
    "monitor",
    "access",
    "connect",
    "network",
    "cloud",
    "assist",
    "service.exe",
    "agent.exe",
    "application",
    "eventlog",
    "imagepath",
    "runonce",
    "policies",
    "classes",
    "clsid",
    "services\\",
    "firewallrules",
];

/// A set of lower-case needles.
#[derive(Debug, Clone, Default)]
pub struct Needles {
    needles: Vec<String>,
    /// The needles again, to keep them distinct in constant time.
    seen: HashSet<String>,
    rejected: Vec<String>,
}

impl Needles {
    /// Admits a pattern if it has a usable literal, registering that literal
    /// as a needle. A caller must not use a pattern that was not admitted.
    pub fn admit(&mut self, pattern: &str) -> bool {
        self.admit_for(pattern, &[])
    }

    /// Admits a pattern only through a literal that contains one of `anchors`:
    /// for patterns such as registry keys whose other parts are generic.
    pub fn admit_anchored(&mut self, pattern: &str, anchors: &[String]) -> bool {
        let lower = pattern.to_lowercase();
        match anchored_literal(&lower, anchors) {
            Some(_) => self.admit_for(&lower, anchors),
            None => {
                if !self.rejected.contains(&lower) {
                    self.rejected.push(lower);
                }
                false
            }
        }
    }

    /// Like [`Needles::admit`], preferring a literal part that contains one of
    /// `anchors` (the tool's own name tokens): `dwagent` over `config.json`.
    pub fn admit_for(&mut self, pattern: &str, anchors: &[String]) -> bool {
        let lower = pattern.to_lowercase();
        let literal = anchored_literal(&lower, anchors).unwrap_or_else(|| longest_literal(&lower));
        if literal.len() < MIN_NEEDLE_LEN || TOO_COMMON.contains(&literal) {
            if !self.rejected.contains(&lower) {
                self.rejected.push(lower);
            }
            return false;
        }
        if !self.seen.contains(literal) {
            self.seen.insert(literal.to_owned());
            self.needles.push(literal.to_owned());
        }
        true
    }

    /// Admits the empty needle, which every record holds: for matchers too
    /// many to search for (a huge indicator set), so that the prefilter
    /// stays sound by passing everything.
    pub fn admit_everything(&mut self) {
        if self.seen.insert(String::new()) {
            self.needles.push(String::new());
        }
    }

    /// The needles, lower-case, deduplicated, in the order admitted.
    pub fn as_slice(&self) -> &[String] {
        &self.needles
    }

    /// Patterns refused for lack of a usable literal (a catalog lint).
    pub fn rejected(&self) -> &[String] {
        &self.rejected
    }
}

/// The longest run of a pattern that is literal in every encoding rmmguard
/// scans: no wildcards, and none of the characters JSON or XML escape.
/// Generic parts such as `.exe` lose to any other part.
pub fn longest_literal(pattern: &str) -> &str {
    let parts = pattern
        .split(['*', '?', '\\', '/', '"', '\'', '&', '<', '>'])
        .map(str::trim);
    let mut best = "";
    let mut best_common = true;
    for part in parts {
        let common = TOO_COMMON.contains(&part);
        let better = match (common, best_common) {
            (false, true) => !part.is_empty(),
            (true, false) => false,
            _ => part.len() > best.len(),
        };
        if better {
            best = part;
            best_common = common;
        }
    }
    best
}

/// The longest literal part of a pattern that contains one of `anchors`.
pub fn anchored_literal<'a>(pattern: &'a str, anchors: &[String]) -> Option<&'a str> {
    pattern
        .split(['*', '?', '\\', '/', '"', '\'', '&', '<', '>'])
        .map(str::trim)
        .filter(|part| {
            part.len() >= MIN_NEEDLE_LEN
                && !TOO_COMMON.contains(part)
                && anchors
                    .iter()
                    .any(|a| !TOO_COMMON.contains(&a.as_str()) && part.contains(a.as_str()))
        })
        .max_by_key(|part| part.len())
}

/// The literal prefix of an IPv4 CIDR block (`203.0.113.0/24` → `203.0.113.`),
/// or `None` when the block is not aligned to whole octets of at least 16 bits.
pub fn ipv4_block_literal(net: &ipnet::Ipv4Net) -> Option<String> {
    let octets = net.network().octets();
    let whole = usize::from(net.prefix_len() / 8);
    (whole >= 2).then(|| {
        let mut literal: String = octets[..whole]
            .iter()
            .map(|o| o.to_string())
            .collect::<Vec<_>>()
            .join(".");
        if whole < 4 {
            literal.push('.');
        }
        literal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(longest_literal("anydesk*.exe"), "anydesk");
        assert_eq!(longest_literal("aa_v*.exe"), "aa_v");
        assert_eq!(longest_literal(r"anydesk\service.conf"), "service.conf");
        assert_eq!(
            longest_literal("relay-*.net.anydesk.com"),
            ".net.anydesk.com"
        );
        assert_eq!(longest_literal("*"), "");
        assert_eq!(longest_literal("*.exe"), ".exe");
    }

    #[test]
    fn admission() {
        let mut needles = Needles::default();
        assert!(needles.admit("AnyDesk.exe"));
        assert!(needles.admit("anydesk.exe"));
        assert!(needles.admit("aa_v*.exe"));
        assert!(!needles.admit("*.io"));
        assert!(!needles.admit("Level"));
        assert!(!needles.admit("*.exe"));
        assert_eq!(needles.as_slice(), ["anydesk.exe", "aa_v"]);
        assert_eq!(needles.rejected(), ["*.io", "level", "*.exe"]);
    }

    #[test]
    fn the_empty_needle_is_admitted_once() {
        let mut needles = Needles::default();
        assert!(needles.admit("anydesk.exe"));
        needles.admit_everything();
        needles.admit_everything();
        assert_eq!(needles.as_slice(), ["anydesk.exe", ""]);
    }

    #[test]
    fn anchors_win_over_length() {
        let anchors = ["rport".to_owned()];
        assert_eq!(
            anchored_literal("rport_*_windows_*.zip", &anchors),
            Some("rport_")
        );
        assert_eq!(anchored_literal("foo_*.zip", &anchors), None);
        let mut needles = Needles::default();
        assert!(needles.admit_for(
            r"SOFTWARE\WOW6432Node\TeamViewer",
            &["teamviewer".to_owned()]
        ));
        assert!(needles.admit(r"dwagent\config.json"));
        assert_eq!(needles.as_slice(), ["teamviewer", "dwagent"]);
    }

    #[test]
    fn cidr_literals() {
        let net = |s: &str| s.parse::<ipnet::Ipv4Net>().unwrap();
        assert_eq!(
            ipv4_block_literal(&net("203.0.113.0/24")).as_deref(),
            Some("203.0.113.")
        );
        assert_eq!(
            ipv4_block_literal(&net("10.20.0.0/16")).as_deref(),
            Some("10.20.")
        );
        assert_eq!(ipv4_block_literal(&net("10.0.0.0/8")), None);
        assert_eq!(
            ipv4_block_literal(&net("198.51.100.7/32")).as_deref(),
            Some("198.51.100.7")
        );
    }
}
