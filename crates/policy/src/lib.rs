//! The organization's RMM policy, and how a sighting is judged against it.
//!
//! Everyone runs *some* remote-access software; the question is whether
//! this tool, this tenant, this host and this network path are approved. A
//! [`Policy`] is parsed from TOML (annotated example: `examples/policy.toml`)
//! and answers that question with a [`Verdict`]. Exclusions silence known
//! findings until their expiry date.
//!
//! ```
//! use rmmguard_policy::{Policy, Verdict};
//!
//! let text = r#"
//! [[authorized]]
//! tool = "screenconnect"
//! tenants = ["support.acme.example"]
//! "#;
//! let policy = Policy::parse(text).unwrap();
//! assert_eq!(policy.judge("screenconnect", Some("WS-1"), Some("support.acme.example")), Verdict::Authorized);
//! assert!(matches!(
//!     policy.judge("screenconnect", Some("WS-1"), Some("evil.example")),
//!     Verdict::TenantNotAllowed { .. }
//! ));
//! assert_eq!(policy.judge("anydesk", Some("WS-1"), None), Verdict::NotAuthorized);
//! ```

#![warn(missing_docs)]

mod error;
mod raw;

use std::collections::BTreeMap;
use std::net::IpAddr;

use globset::{Glob, GlobMatcher};
use ipnet::IpNet;
use jiff::civil::Date;

pub use error::{Diagnostic, Error, Severity};

/// A parsed, validated policy.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The organization's name, for reports.
    pub organization: String,
    /// Network facts: internal ranges, approved remote-access paths.
    pub networks: Networks,
    authorized: Vec<Authorized>,
    exclusions: Vec<Exclusion>,
    groups: BTreeMap<String, Vec<HostPattern>>,
}

/// The organization's networks.
#[derive(Debug, Clone, Default)]
pub struct Networks {
    /// Internal address ranges: traffic between two of them never crosses the perimeter.
    pub internal: Vec<IpNet>,
    /// Approved remote-access paths (VPN and VDI subnets) RMM sessions may use.
    pub approved: Vec<IpNet>,
    /// Jump hosts RMM sessions may come from.
    pub jump_hosts: Vec<IpAddr>,
}

impl Networks {
    /// Whether `ip` is inside an internal range.
    pub fn is_internal(&self, ip: IpAddr) -> bool {
        self.internal.iter().any(|net| net.contains(&ip))
    }

    /// Whether `ip` is on an approved path (an approved subnet or a jump host).
    pub fn is_approved_path(&self, ip: IpAddr) -> bool {
        self.jump_hosts.contains(&ip) || self.approved.iter().any(|net| net.contains(&ip))
    }
}

/// One authorized tool.
#[derive(Debug, Clone)]
pub struct Authorized {
    /// Catalog id of the tool.
    pub tool: String,
    /// Tenant, instance or relay patterns allowed (empty: any tenant).
    pub tenants: Vec<String>,
    tenant_globs: Vec<GlobMatcher>,
    hosts: Vec<HostPattern>,
    /// Whether running it portably (not installed) is allowed.
    pub portable: bool,
    /// Why it is authorized (contract, ticket).
    pub reason: String,
    /// 1-based line of the entry's `tool` value in the policy file.
    pub line: usize,
    /// 1-based column of the entry's `tool` value.
    pub column: usize,
}

impl Authorized {
    /// The host patterns the entry allows the tool on, as written (lower-cased
    /// globs, or `group:<name>`); empty when it is allowed on every host.
    pub fn hosts(&self) -> Vec<String> {
        self.hosts
            .iter()
            .map(|pattern| match pattern {
                HostPattern::Glob(glob) => glob.glob().glob().to_owned(),
                HostPattern::Group(name) => format!("group:{name}"),
            })
            .collect()
    }
}

/// An exclusion: findings it matches are dropped until it expires.
#[derive(Debug, Clone)]
pub struct Exclusion {
    /// Rule id it applies to (`None`: every rule).
    pub rule: Option<String>,
    /// Tool id it applies to.
    pub tool: Option<String>,
    host: Option<HostPattern>,
    /// Host pattern as written.
    pub host_text: Option<String>,
    /// Tenant it applies to.
    pub tenant: Option<String>,
    /// Why the finding is acceptable.
    pub reason: String,
    /// Last day the exclusion applies.
    pub expires: Date,
    /// 1-based line of the entry in the policy file.
    pub line: usize,
}

/// A host glob, or a reference to a named group (`group:it-admins`).
#[derive(Debug, Clone)]
enum HostPattern {
    Glob(GlobMatcher),
    Group(String),
}

/// How a sighting of a tool stands against the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No policy was given: nobody has decided yet.
    Unreviewed,
    /// The tool is authorized here, with this tenant.
    Authorized,
    /// The policy does not authorize this tool at all.
    NotAuthorized,
    /// The tool is authorized, but not on this host.
    HostNotAllowed,
    /// The tool is authorized, but this tenant, instance or relay is not ours.
    TenantNotAllowed {
        /// The tenants the policy allows, for the explanation.
        allowed: Vec<String>,
    },
}

impl Policy {
    /// Parses a policy from TOML text.
    ///
    /// # Errors
    ///
    /// Every syntax or schema problem, with its line and column. Unknown tool
    /// ids are not checked here: see [`Policy::check`].
    pub fn parse(text: &str) -> Result<Policy, Error> {
        let (policy, diagnostics) = raw::parse(text)?;
        match diagnostics
            .into_iter()
            .find(|d| d.severity == Severity::Error)
        {
            Some(first) => Err(Error::Invalid(vec![first])),
            None => Ok(policy),
        }
    }

    /// Parses a policy and reports every problem found: errors, and warnings
    /// such as expired exclusions or tool ids the catalog does not know.
    ///
    /// # Errors
    ///
    /// A TOML syntax error, with its line and column. Semantic problems come
    /// back as diagnostics instead.
    pub fn check(
        text: &str,
        known_tools: &dyn Fn(&str) -> bool,
        today: Date,
    ) -> Result<Vec<Diagnostic>, Error> {
        let (policy, mut diagnostics) = raw::parse(text)?;
        for entry in &policy.authorized {
            if !known_tools(&entry.tool) {
                diagnostics.push(Diagnostic::error(
                    entry.line,
                    entry.column,
                    format!("unknown tool {:?}: see `rmmguard catalog list`", entry.tool),
                ));
            }
        }
        for exclusion in &policy.exclusions {
            if let Some(tool) = &exclusion.tool
                && !known_tools(tool)
            {
                diagnostics.push(Diagnostic::error(
                    exclusion.line,
                    1,
                    format!("unknown tool {tool:?}: see `rmmguard catalog list`"),
                ));
            }
            if exclusion.expires < today {
                diagnostics.push(Diagnostic::warning(
                    exclusion.line,
                    1,
                    format!(
                        "exclusion expired on {} and no longer applies",
                        exclusion.expires
                    ),
                ));
            }
        }
        diagnostics.sort_by_key(|d| (d.line, d.column));
        Ok(diagnostics)
    }

    /// The authorized-tool entries.
    pub fn authorized(&self) -> &[Authorized] {
        &self.authorized
    }

    /// The exclusions.
    pub fn exclusions(&self) -> &[Exclusion] {
        &self.exclusions
    }

    /// Judges a sighting of `tool` on `host` with `tenant` (if the evidence shows one).
    pub fn judge(&self, tool: &str, host: Option<&str>, tenant: Option<&str>) -> Verdict {
        let entries: Vec<&Authorized> = self.authorized.iter().filter(|a| a.tool == tool).collect();
        if entries.is_empty() {
            return Verdict::NotAuthorized;
        }
        let on_host: Vec<&Authorized> = entries
            .into_iter()
            .filter(|a| a.hosts.is_empty() || self.host_matches_any(&a.hosts, host))
            .collect();
        if on_host.is_empty() {
            return Verdict::HostNotAllowed;
        }
        let Some(tenant) = tenant else {
            return Verdict::Authorized;
        };
        let tenant = tenant.to_lowercase();
        if on_host.iter().any(|a| {
            a.tenant_globs.is_empty() || a.tenant_globs.iter().any(|g| g.is_match(&tenant))
        }) {
            return Verdict::Authorized;
        }
        Verdict::TenantNotAllowed {
            allowed: on_host.iter().flat_map(|a| a.tenants.clone()).collect(),
        }
    }

    /// Whether portable (not installed) use of `tool` on `host` is allowed.
    pub fn portable_allowed(&self, tool: &str, host: Option<&str>) -> bool {
        self.authorized.iter().any(|a| {
            a.tool == tool
                && a.portable
                && (a.hosts.is_empty() || self.host_matches_any(&a.hosts, host))
        })
    }

    /// The first exclusion still in force on `today` that covers a finding.
    pub fn exclusion_for(
        &self,
        rule: &str,
        tool: Option<&str>,
        host: Option<&str>,
        tenant: Option<&str>,
        today: Date,
    ) -> Option<&Exclusion> {
        self.exclusions.iter().find(|e| {
            e.expires >= today
                && e.rule
                    .as_deref()
                    .is_none_or(|r| r.eq_ignore_ascii_case(rule))
                && e.tool.as_deref().is_none_or(|t| Some(t) == tool)
                && e.tenant
                    .as_deref()
                    .is_none_or(|t| tenant.is_some_and(|own| own.eq_ignore_ascii_case(t)))
                && e.host.as_ref().is_none_or(|pattern| {
                    self.host_matches_any(std::slice::from_ref(pattern), host)
                })
        })
    }

    fn host_matches_any(&self, patterns: &[HostPattern], host: Option<&str>) -> bool {
        let Some(host) = host else { return false };
        let host = host.to_lowercase();
        let short = host.split('.').next().unwrap_or(&host);
        patterns.iter().any(|pattern| match pattern {
            HostPattern::Glob(glob) => glob.is_match(&host) || glob.is_match(short),
            HostPattern::Group(name) => self.groups.get(name).is_some_and(|members| {
                members.iter().any(|member| match member {
                    HostPattern::Glob(glob) => glob.is_match(&host) || glob.is_match(short),
                    HostPattern::Group(_) => false,
                })
            }),
        })
    }
}

/// A case-insensitive glob over a lower-cased name.
fn glob(pattern: &str) -> Result<GlobMatcher, String> {
    Glob::new(&pattern.to_lowercase())
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("bad pattern {pattern:?}: {}", e.kind()))
}

#[cfg(test)]
mod tests;
