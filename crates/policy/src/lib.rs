//! The organization's RMM policy, and how a sighting is judged against it.
//!
//! Everyone runs *some* remote-access software; the question is whether
//! this tool, this tenant, this host and this network path are approved. A
//! [`Policy`] is parsed from TOML (annotated example: `examples/policy.toml`)
//! and answers that question with a [`Verdict`]. Exclusions silence known
//! findings until their expiry date.
//!
//! [`Policy::parse`] reads policy text and refuses what cannot mean
//! anything (a bad glob, `tenants = []`, `0.0.0.0/0` as an approved path).
//! A policy *file* is read with [`Policy::load`] or checked with
//! [`Policy::check_with`], which also need a [`Context`]: the catalog's tool
//! ids and the detector's rule ids (this crate depends on neither), and the
//! day expiry dates are judged against. Every problem comes back with its
//! line and column.
//!
//! All globs of a policy (hosts, groups, tenants) are compiled once into
//! two indexes, so loading is linear in the size of the file and a lookup
//! does not grow with the number of entries.
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

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod index;
mod raw;

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use ipnet::IpNet;
use jiff::civil::Date;

pub use error::{Diagnostic, Error, Severity};

use crate::index::{GlobIndex, Owner};

/// How many allowed tenants a [`Verdict::TenantNotAllowed`] lists before `…`.
pub const ALLOWED_SHOWN: usize = 10;

/// A parsed, validated policy.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The organization's name, for reports.
    pub organization: String,
    /// Network facts: internal ranges, approved remote-access paths.
    pub networks: Networks,
    authorized: Vec<Authorized>,
    exclusions: Vec<Exclusion>,
    /// Per tool id, what can be decided without looking at hosts.
    tools: HashMap<String, ToolEntries>,
    /// Every host glob (entries, groups, exclusions), compiled once.
    hosts: GlobIndex,
    /// Every tenant glob, compiled once.
    tenants: GlobIndex,
    /// Per host group, the entries and exclusions that name it.
    group_users: Vec<Vec<Owner>>,
    /// Exclusions without a host, by upper-cased rule id.
    exclusions_by_rule: HashMap<String, Vec<u32>>,
    /// Exclusions without a host or a rule.
    exclusions_any_rule: Vec<u32>,
}

/// What a policy file is checked against besides its own text: facts owned
/// by other parts of rmmguard.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// Whether a tool id is in the catalog.
    pub known_tool: &'a dyn Fn(&str) -> bool,
    /// The rule ids exclusions may name (`E001`…, from the detector's rule table).
    pub rule_ids: &'a [&'a str],
    /// The day exclusion expiry dates are judged against.
    pub today: Date,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("rule_ids", &self.rule_ids)
            .field("today", &self.today)
            .finish_non_exhaustive()
    }
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
    /// Tenant, instance or relay patterns allowed, as written.
    pub tenants: Vec<String>,
    /// Whether every tenant is accepted: `any_tenant = true`, or no
    /// `tenants` written at all (which `policy check` warns about).
    pub any_tenant: bool,
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
                HostPattern::Glob(text) => text.to_string(),
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
    /// 1-based column of the entry in the policy file.
    pub column: usize,
}

impl Exclusion {
    /// What the exclusion matches, for messages: `rule E005, host LAB-*`.
    pub fn scope(&self) -> String {
        let parts: Vec<String> = [
            ("rule", &self.rule),
            ("tool", &self.tool),
            ("host", &self.host_text),
            ("tenant", &self.tenant),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.as_ref().map(|value| format!("{key} {value}")))
        .collect();
        parts.join(", ")
    }
}

/// A host glob or a named host group, as written. Matching goes through
/// the host index, where each glob knows the entry, group or exclusion that
/// wrote it.
#[derive(Debug, Clone)]
enum HostPattern {
    Glob(Box<str>),
    Group(Box<str>),
}

/// What is known of one tool's entries without looking at a host.
#[derive(Debug, Clone, Default)]
struct ToolEntries {
    /// Entries that allow every host, in file order.
    anywhere: Vec<u32>,
    /// Entries that accept every tenant, in file order.
    any_tenant: Vec<u32>,
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
        /// The tenants the policy allows on this host, for the explanation:
        /// the first [`ALLOWED_SHOWN`], then `…` if there are more.
        allowed: Vec<String>,
    },
}

impl Policy {
    /// Parses policy text, refusing what cannot mean anything: syntax and
    /// schema errors, bad globs and addresses, `tenants = []`, approved
    /// paths that cover the Internet. Every such error is returned, each with
    /// its line and column.
    ///
    /// Text built by a program need not say `version`, and unknown tool or
    /// rule ids are not checked here; a policy file from a user is read with
    /// [`Policy::load`], which checks those too.
    ///
    /// # Errors
    ///
    /// [`Error::Syntax`] for malformed TOML, [`Error::Invalid`] with every
    /// error otherwise.
    pub fn parse(text: &str) -> Result<Policy, Error> {
        let (policy, diagnostics) = raw::parse(text, None)?;
        into_result(policy, diagnostics).map(|(policy, _warnings)| policy)
    }

    /// Reads a policy file as `hunt` uses it: [`Policy::parse`] plus the
    /// checks against `context` (a `version` is required, tools and rule ids
    /// must exist). Returns the policy and its warnings (broad approved
    /// paths, any-tenant entries, expired exclusions).
    ///
    /// # Errors
    ///
    /// [`Error::Syntax`] for malformed TOML, [`Error::Invalid`] with every
    /// error otherwise.
    pub fn load(text: &str, context: &Context<'_>) -> Result<(Policy, Vec<Diagnostic>), Error> {
        let (policy, diagnostics) = raw::parse(text, Some(context))?;
        into_result(policy, diagnostics)
    }

    /// Reports every problem in a policy file, errors and warnings, sorted by
    /// line and column: everything [`Policy::load`] would refuse or warn about.
    ///
    /// # Errors
    ///
    /// A TOML syntax error, with its line and column. Everything else comes
    /// back as diagnostics.
    pub fn check_with(text: &str, context: &Context<'_>) -> Result<Vec<Diagnostic>, Error> {
        raw::parse(text, Some(context)).map(|(_, diagnostics)| diagnostics)
    }

    /// The authorized-tool entries.
    pub fn authorized(&self) -> &[Authorized] {
        &self.authorized
    }

    /// The exclusions.
    pub fn exclusions(&self) -> &[Exclusion] {
        &self.exclusions
    }

    /// The exclusions that expired before `today`, in file order.
    pub fn expired_exclusions(&self, today: Date) -> impl Iterator<Item = &Exclusion> {
        self.exclusions.iter().filter(move |e| e.expires < today)
    }

    /// Judges a sighting of `tool` on `host` with `tenant` (if the evidence shows one).
    pub fn judge(&self, tool: &str, host: Option<&str>, tenant: Option<&str>) -> Verdict {
        let Some(entries) = self.tools.get(tool) else {
            return Verdict::NotAuthorized;
        };
        let on_host = self.host_owners(host);
        let allowed_here = |index: u32| self.authorized_on(index, tool, &on_host);
        let restricted_here = on_host.iter().any(|owner| match *owner {
            Owner::Authorized(index) => allowed_here(index),
            _ => false,
        });
        if entries.anywhere.is_empty() && !restricted_here {
            return Verdict::HostNotAllowed;
        }
        let Some(tenant) = tenant else {
            return Verdict::Authorized;
        };
        if entries.any_tenant.iter().any(|&index| allowed_here(index)) {
            return Verdict::Authorized;
        }
        let tenant = tenant.to_lowercase();
        let tenant_owners = self.tenants.owners_matching(&[&tenant], &[]);
        if tenant_owners.iter().any(|owner| match *owner {
            Owner::Authorized(index) => allowed_here(index),
            _ => false,
        }) {
            return Verdict::Authorized;
        }
        Verdict::TenantNotAllowed {
            allowed: self.allowed_tenants(entries, tool, &on_host),
        }
    }

    /// Whether portable (not installed) use of `tool` on `host` is allowed.
    pub fn portable_allowed(&self, tool: &str, host: Option<&str>) -> bool {
        let Some(entries) = self.tools.get(tool) else {
            return false;
        };
        let portable = |index: u32| {
            self.authorized
                .get(index as usize)
                .is_some_and(|a| a.portable)
        };
        if entries.anywhere.iter().any(|&index| portable(index)) {
            return true;
        }
        let on_host = self.host_owners(host);
        on_host.iter().any(|owner| match *owner {
            Owner::Authorized(index) => {
                portable(index) && self.authorized_on(index, tool, &on_host)
            }
            _ => false,
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
        self.first_exclusion(rule, tool, host, tenant, |e| e.expires >= today)
    }

    /// The first exclusion that would cover a finding but expired before
    /// `today`: what `hunt` names when it reports such a finding anyway.
    pub fn expired_exclusion_for(
        &self,
        rule: &str,
        tool: Option<&str>,
        host: Option<&str>,
        tenant: Option<&str>,
        today: Date,
    ) -> Option<&Exclusion> {
        self.first_exclusion(rule, tool, host, tenant, |e| e.expires < today)
    }

    fn first_exclusion(
        &self,
        rule: &str,
        tool: Option<&str>,
        host: Option<&str>,
        tenant: Option<&str>,
        wanted: impl Fn(&Exclusion) -> bool,
    ) -> Option<&Exclusion> {
        if self.exclusions.is_empty() {
            return None;
        }
        let on_host = self.host_owners(host);
        let with_host = on_host.iter().filter_map(|owner| match *owner {
            Owner::Exclusion(index) => Some(index),
            _ => None,
        });
        let by_rule = self
            .exclusions_by_rule
            .get(&rule.to_ascii_uppercase())
            .map_or(&[][..], Vec::as_slice);
        let candidates = with_host
            .chain(by_rule.iter().copied())
            .chain(self.exclusions_any_rule.iter().copied());
        candidates
            .filter(|&index| {
                self.exclusions.get(index as usize).is_some_and(|e| {
                    wanted(e)
                        && e.rule
                            .as_deref()
                            .is_none_or(|r| r.eq_ignore_ascii_case(rule))
                        && e.tool.as_deref().is_none_or(|t| Some(t) == tool)
                        && e.tenant
                            .as_deref()
                            .is_none_or(|t| tenant.is_some_and(|own| own.eq_ignore_ascii_case(t)))
                        && (e.host.is_none() || on_host.contains(&Owner::Exclusion(index)))
                })
            })
            .min()
            .and_then(|index| self.exclusions.get(index as usize))
    }

    /// The owners (entries, groups, exclusions) of every host glob that
    /// matches `host`'s full or short name, groups followed to their users.
    fn host_owners(&self, host: Option<&str>) -> HashSet<Owner> {
        let Some(host) = host else {
            return HashSet::new();
        };
        let host = host.to_lowercase();
        let short = host.split('.').next().unwrap_or(&host);
        self.hosts
            .owners_matching(&[host.as_str(), short], &self.group_users)
    }

    /// Whether entry `index` is for `tool` and allows the host whose glob
    /// owners are `on_host`.
    fn authorized_on(&self, index: u32, tool: &str, on_host: &HashSet<Owner>) -> bool {
        self.authorized.get(index as usize).is_some_and(|entry| {
            entry.tool == tool
                && (entry.hosts.is_empty() || on_host.contains(&Owner::Authorized(index)))
        })
    }

    /// The tenants of `tool`'s entries that allow this host, in file order,
    /// at most [`ALLOWED_SHOWN`] and then `…`.
    fn allowed_tenants(
        &self,
        entries: &ToolEntries,
        tool: &str,
        on_host: &HashSet<Owner>,
    ) -> Vec<String> {
        let mut restricted: Vec<u32> = on_host
            .iter()
            .filter_map(|owner| match *owner {
                Owner::Authorized(index) if self.authorized_on(index, tool, on_host) => Some(index),
                _ => None,
            })
            .collect();
        restricted.sort_unstable();
        let mut allowed = Vec::new();
        for index in merge_sorted(&entries.anywhere, &restricted) {
            let Some(entry) = self.authorized.get(index as usize) else {
                continue;
            };
            for tenant in &entry.tenants {
                if allowed.len() == ALLOWED_SHOWN {
                    allowed.push("…".to_owned());
                    return allowed;
                }
                allowed.push(tenant.clone());
            }
        }
        allowed
    }
}

/// Two sorted id lists as one sorted list without duplicates, lazily.
fn merge_sorted<'a>(a: &'a [u32], b: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    let (mut a, mut b) = (a.iter().copied().peekable(), b.iter().copied().peekable());
    std::iter::from_fn(move || match (a.peek().copied(), b.peek().copied()) {
        (Some(x), Some(y)) if x == y => {
            b.next();
            a.next()
        }
        (Some(x), Some(y)) if x < y => a.next(),
        (Some(_), Some(_)) | (None, Some(_)) => b.next(),
        (Some(_), None) => a.next(),
        (None, None) => None,
    })
}

/// The policy if no diagnostic is an error, with the warnings; else every error.
fn into_result(
    policy: Policy,
    diagnostics: Vec<Diagnostic>,
) -> Result<(Policy, Vec<Diagnostic>), Error> {
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    if errors.is_empty() {
        Ok((policy, warnings))
    } else {
        Err(Error::Invalid(errors))
    }
}

#[cfg(test)]
mod tests;
