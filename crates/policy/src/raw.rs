//! The policy file as written (TOML with spans), and its conversion into a
//! [`Policy`] with a diagnostic for every value that does not make sense.
//!
//! Conversion never stops at the first problem: each entry reports all of
//! its own (every bad glob, every unknown group), and an entry with an error
//! is left out of the policy. With a [`Context`] it also checks what needs
//! facts from outside (a missing `version`, unknown tools and rule ids,
//! expired exclusions).

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use ipnet::IpNet;
use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::index::{GlobIndex, Owner};
use crate::{
    Authorized, Context, Diagnostic, Error, Exclusion, HostPattern, Networks, Policy, ToolEntries,
};

/// The format version this crate reads.
const FORMAT_VERSION: i64 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    version: Option<Spanned<i64>>,
    #[serde(default)]
    organization: RawOrganization,
    #[serde(default)]
    networks: RawNetworks,
    #[serde(default)]
    host_groups: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    authorized: Vec<Spanned<RawAuthorized>>,
    #[serde(default, rename = "exclusion")]
    exclusions: Vec<Spanned<RawExclusion>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOrganization {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNetworks {
    #[serde(default)]
    internal: Vec<Spanned<String>>,
    #[serde(default)]
    approved: Vec<Spanned<String>>,
    #[serde(default)]
    jump_hosts: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuthorized {
    tool: Spanned<String>,
    tenants: Option<Spanned<Vec<Spanned<String>>>>,
    any_tenant: Option<Spanned<bool>>,
    #[serde(default)]
    hosts: Vec<Spanned<String>>,
    #[serde(default)]
    portable: bool,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclusion {
    rule: Option<Spanned<String>>,
    tool: Option<Spanned<String>>,
    host: Option<Spanned<String>>,
    tenant: Option<Spanned<String>>,
    reason: Option<String>,
    expires: Option<Spanned<toml::value::Datetime>>,
}

/// Parses and converts; semantic problems become diagnostics (sorted by
/// line and column), not errors.
pub(crate) fn parse(
    text: &str,
    context: Option<&Context<'_>>,
) -> Result<(Policy, Vec<Diagnostic>), Error> {
    let lines = LineIndex::new(text);
    let raw: RawPolicy = toml::from_str(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map(|span| lines.line_column(text, span.start))
            .unwrap_or((1, 1));
        Error::Syntax(Diagnostic::error(
            line,
            column,
            error.message().trim().to_owned(),
        ))
    })?;
    let mut converter = Converter {
        text,
        lines,
        context,
        diagnostics: Vec::new(),
    };
    let policy = converter.policy(raw);
    let mut diagnostics = converter.diagnostics;
    diagnostics.sort_by_key(|d| (d.line, d.column));
    Ok((policy, diagnostics))
}

/// Where each line starts, so that a span's line and column cost a binary
/// search instead of a scan from the top of the file.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(newlines(text).map(|at| at + 1))
            .collect();
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }
}

fn newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter_map(|(at, byte)| (byte == b'\n').then_some(at))
}

struct Converter<'a> {
    text: &'a str,
    lines: LineIndex,
    context: Option<&'a Context<'a>>,
    diagnostics: Vec<Diagnostic>,
}

/// What a policy is assembled from while its entries are converted.
#[derive(Default)]
struct Parts {
    hosts: GlobIndex,
    tenants: GlobIndex,
    group_ids: HashMap<String, u32>,
    group_users: Vec<Vec<Owner>>,
}

impl Converter<'_> {
    fn at<T>(&self, span: &Spanned<T>) -> (usize, usize) {
        self.lines.line_column(self.text, span.span().start)
    }

    fn error<T>(&mut self, span: &Spanned<T>, message: String) {
        let (line, column) = self.at(span);
        self.diagnostics
            .push(Diagnostic::error(line, column, message));
    }

    fn warning<T>(&mut self, span: &Spanned<T>, message: String) {
        let (line, column) = self.at(span);
        self.diagnostics
            .push(Diagnostic::warning(line, column, message));
    }

    fn policy(&mut self, raw: RawPolicy) -> Policy {
        match &raw.version {
            Some(version) if *version.get_ref() != FORMAT_VERSION => {
                let message = format!(
                    "policy format version {} is not supported (this rmmguard reads version {FORMAT_VERSION})",
                    version.get_ref()
                );
                self.error(version, message);
            }
            Some(_) => {}
            None if self.context.is_some() => {
                self.diagnostics.push(Diagnostic::error(
                    1,
                    1,
                    format!(
                        "the policy does not say its format version: add `version = {FORMAT_VERSION}` at the top"
                    ),
                ));
            }
            None => {}
        }
        let mut parts = Parts::default();
        for (name, members) in &raw.host_groups {
            let group = parts.group_users.len() as u32;
            parts.group_ids.insert(name.to_lowercase(), group);
            parts.group_users.push(Vec::new());
            for member in members {
                self.group_member(member, group, &mut parts);
            }
        }
        let networks = self.networks(&raw.networks);
        let mut authorized = Vec::with_capacity(raw.authorized.len());
        for entry in &raw.authorized {
            let index = authorized.len() as u32;
            if let Some(entry) = self.authorized(entry, index, &mut parts) {
                authorized.push(entry);
            }
        }
        let mut exclusions = Vec::with_capacity(raw.exclusions.len());
        for entry in &raw.exclusions {
            let index = exclusions.len() as u32;
            if let Some(exclusion) = self.exclusion(entry, index, &mut parts) {
                exclusions.push(exclusion);
            }
        }
        for (index, what) in [(&mut parts.hosts, "host"), (&mut parts.tenants, "tenant")] {
            if let Err(message) = index.compile() {
                self.diagnostics.push(Diagnostic::error(
                    1,
                    1,
                    format!("the {what} patterns cannot be compiled together: {message}"),
                ));
            }
        }
        let mut tools: HashMap<String, ToolEntries> = HashMap::new();
        for (index, entry) in authorized.iter().enumerate() {
            let tool = tools.entry(entry.tool.clone()).or_default();
            if entry.hosts.is_empty() {
                tool.anywhere.push(index as u32);
            }
            if entry.any_tenant {
                tool.any_tenant.push(index as u32);
            }
        }
        let mut exclusions_by_rule: HashMap<String, Vec<u32>> = HashMap::new();
        let mut exclusions_any_rule = Vec::new();
        for (index, exclusion) in exclusions.iter().enumerate() {
            if exclusion.host.is_some() {
                continue;
            }
            match &exclusion.rule {
                Some(rule) => exclusions_by_rule
                    .entry(rule.to_ascii_uppercase())
                    .or_default()
                    .push(index as u32),
                None => exclusions_any_rule.push(index as u32),
            }
        }
        Policy {
            organization: raw.organization.name,
            networks,
            authorized,
            exclusions,
            tools,
            hosts: parts.hosts,
            tenants: parts.tenants,
            group_users: parts.group_users,
            exclusions_by_rule,
            exclusions_any_rule,
        }
    }

    fn networks(&mut self, raw: &RawNetworks) -> Networks {
        let internal = raw
            .internal
            .iter()
            .filter_map(|n| self.net(n, Role::Internal))
            .collect();
        let approved = raw
            .approved
            .iter()
            .filter_map(|n| self.net(n, Role::Approved))
            .collect();
        let jump_hosts = raw
            .jump_hosts
            .iter()
            .filter_map(|h| match h.get_ref().trim().parse::<IpAddr>() {
                Ok(ip) if ip.is_unspecified() => {
                    let message = format!("jump host {ip} is the unspecified address, not a host");
                    self.error(h, message);
                    None
                }
                Ok(ip) => Some(ip),
                Err(_) => {
                    let message = format!("jump host {:?} must be an IP address", h.get_ref());
                    self.error(h, message);
                    None
                }
            })
            .collect();
        Networks {
            internal,
            approved,
            jump_hosts,
        }
    }

    fn net(&mut self, text: &Spanned<String>, role: Role) -> Option<IpNet> {
        let value = text.get_ref().trim();
        let parsed = value
            .parse::<IpNet>()
            .or_else(|_| value.parse::<IpAddr>().map(IpNet::from));
        let net = match parsed {
            Ok(net) => net.trunc(),
            Err(_) => {
                let message = format!("{value:?} is not a CIDR block (like 10.8.0.0/16) or an IP");
                self.error(text, message);
                return None;
            }
        };
        match breadth(&net, role) {
            Breadth::Fine => Some(net),
            Breadth::Broad => {
                let message = format!(
                    "{net} is a very broad approved path ({}): RMM sessions from anywhere in it count as approved, and `controls` exempts it from RMM port blocks; list the VPN or VDI subnets themselves",
                    size(&net)
                );
                self.warning(text, message);
                Some(net)
            }
            Breadth::Everything => {
                let message = match role {
                    Role::Approved => format!(
                        "{net} as an approved path approves sessions from most of the Internet ({}) and exempts it from every RMM port block; list the VPN or VDI subnets themselves",
                        size(&net)
                    ),
                    Role::Internal => format!(
                        "{net} as an internal range makes most of the Internet internal ({}), so no traffic would cross the perimeter; list your own ranges",
                        size(&net)
                    ),
                };
                self.error(text, message);
                None
            }
        }
    }

    /// One member of a host group: a glob (groups cannot nest).
    fn group_member(&mut self, member: &Spanned<String>, group: u32, parts: &mut Parts) {
        let value = member.get_ref().trim();
        if value.starts_with("group:") {
            self.error(
                member,
                "a host group cannot contain another group".to_owned(),
            );
            return;
        }
        if let Err(message) = parts.hosts.add(value, Owner::Group(group)) {
            self.error(member, message);
        }
    }

    /// A host pattern of an entry or exclusion: a glob, or `group:<name>`
    /// of a group defined under `[host_groups]`.
    fn host_pattern(
        &mut self,
        text: &Spanned<String>,
        owner: Owner,
        parts: &mut Parts,
    ) -> Option<HostPattern> {
        let value = text.get_ref().trim();
        if let Some(group) = value.strip_prefix("group:") {
            let name = group.trim().to_lowercase();
            let Some(&id) = parts.group_ids.get(&name) else {
                self.error(
                    text,
                    format!("unknown host group {name:?}: define it under [host_groups]"),
                );
                return None;
            };
            if let Some(users) = parts.group_users.get_mut(id as usize)
                && users.last() != Some(&owner)
            {
                users.push(owner);
            }
            return Some(HostPattern::Group(name.into()));
        }
        match parts.hosts.add(value, owner) {
            Ok(id) => Some(HostPattern::Glob(parts.hosts.text(id).into())),
            Err(message) => {
                self.error(text, message);
                None
            }
        }
    }

    fn known_tool(&mut self, tool: &Spanned<String>, id: &str) {
        if let Some(context) = self.context
            && !(context.known_tool)(id)
        {
            self.error(
                tool,
                format!("unknown tool {id:?}: see `rmmguard catalog list`"),
            );
        }
    }

    /// A ScreenConnect cloud instance (`acme.screenconnect.com`) is its web
    /// address; its clients connect to the instance's relay
    /// (`instance-…-relay.screenconnect.com`), the tenant the evidence shows.
    /// Listing the instance alone makes the customer's own clients foreign.
    fn cloud_instance_without_relay(&mut self, tenants: &[Spanned<String>]) {
        let cloud = |t: &str| t.trim().to_lowercase().ends_with(".screenconnect.com");
        let relay_listed = tenants.iter().any(|t| {
            let t = t.get_ref().to_lowercase();
            cloud(&t) && (t.contains("relay") || t.contains('*'))
        });
        if relay_listed {
            return;
        }
        let Some(instance) = tenants.iter().find(|t| cloud(t.get_ref())) else {
            return;
        };
        self.warning(
            instance,
            format!(
                "{:?} is a ScreenConnect cloud instance; its clients connect to its relay \
                 (instance-<id>-relay.screenconnect.com), which is not listed, so they would be \
                 reported as a foreign tenant (E004): add the relay too (`rmmguard audit \
                 --write-policy` writes the relay it sees)",
                instance.get_ref().trim()
            ),
        );
    }

    fn authorized(
        &mut self,
        entry: &Spanned<RawAuthorized>,
        index: u32,
        parts: &mut Parts,
    ) -> Option<Authorized> {
        let raw = entry.get_ref();
        let errors_before = self.error_count();
        let owner = Owner::Authorized(index);
        let tool = raw.tool.get_ref().trim().to_lowercase();
        if tool.is_empty() {
            self.error(&raw.tool, "tool is empty".to_owned());
        } else {
            self.known_tool(&raw.tool, &tool);
        }
        let hosts: Vec<HostPattern> = raw
            .hosts
            .iter()
            .filter_map(|host| self.host_pattern(host, owner, parts))
            .collect();
        let listed = raw.tenants.as_ref();
        let any_tenant = raw.any_tenant.as_ref().filter(|flag| *flag.get_ref());
        match (listed, any_tenant) {
            (Some(list), None) if list.get_ref().is_empty() => self.error(
                list,
                format!(
                    "`tenants = []` would accept any tenant of {tool:?}, a foreign instance included: list the tenants, instances or relays that are yours, or write `any_tenant = true` if any will do"
                ),
            ),
            (Some(list), Some(flag)) if !list.get_ref().is_empty() => self.error(
                flag,
                "`any_tenant = true` contradicts the tenants listed: keep one of the two"
                    .to_owned(),
            ),
            (_, Some(flag)) => self.warning(
                flag,
                format!(
                    "{tool:?} is authorized with any tenant: a foreign instance or relay of it counts as authorized (no E004 finding)"
                ),
            ),
            (None, None) => self.warning(
                &raw.tool,
                format!(
                    "{tool:?} lists no tenants, so any tenant is accepted, a foreign instance included: list yours under `tenants`, or write `any_tenant = true` to say so"
                ),
            ),
            (Some(_), None) => {}
        }
        let mut tenants = Vec::new();
        for tenant in listed.map_or(&[][..], |list| list.get_ref().as_slice()) {
            match parts.tenants.add(tenant.get_ref(), owner) {
                Ok(_) => tenants.push(tenant.get_ref().trim().to_owned()),
                Err(message) => self.error(tenant, message),
            }
        }
        if tool == "screenconnect" {
            self.cloud_instance_without_relay(
                listed.map_or(&[][..], |list| list.get_ref().as_slice()),
            );
        }
        if self.error_count() > errors_before {
            return None;
        }
        let (line, column) = self.at(&raw.tool);
        Some(Authorized {
            tool,
            any_tenant: tenants.is_empty(),
            tenants,
            hosts,
            portable: raw.portable,
            reason: raw.reason.clone(),
            line,
            column,
        })
    }

    fn exclusion(
        &mut self,
        entry: &Spanned<RawExclusion>,
        index: u32,
        parts: &mut Parts,
    ) -> Option<Exclusion> {
        let raw = entry.get_ref();
        let errors_before = self.error_count();
        let reason = raw.reason.as_ref().filter(|r| !r.trim().is_empty());
        if reason.is_none() {
            self.error(entry, "an exclusion needs a reason".to_owned());
        }
        let expires = match &raw.expires {
            None => {
                self.error(
                    entry,
                    "an exclusion needs an expiry date (expires = 2027-01-31)".to_owned(),
                );
                None
            }
            Some(expires) => {
                let date = date(expires.get_ref());
                if date.is_none() {
                    self.error(expires, "expires must be a date like 2027-01-31".to_owned());
                }
                date
            }
        };
        if raw.rule.is_none() && raw.tool.is_none() && raw.host.is_none() && raw.tenant.is_none() {
            self.error(
                entry,
                "an exclusion must name a rule, tool, host or tenant".to_owned(),
            );
        }
        if let Some(rule) = &raw.rule {
            self.known_rule(rule);
        }
        let tool = raw.tool.as_ref().map(|tool| {
            let id = tool.get_ref().trim().to_lowercase();
            self.known_tool(tool, &id);
            id
        });
        let host = raw
            .host
            .as_ref()
            .and_then(|host| self.host_pattern(host, Owner::Exclusion(index), parts));
        if let (Some(context), Some(expires)) = (self.context, expires)
            && expires < context.today
        {
            let at = raw
                .expires
                .as_ref()
                .map_or(entry.span().start, |e| e.span().start);
            let (line, column) = self.lines.line_column(self.text, at);
            self.diagnostics.push(Diagnostic::warning(
                line,
                column,
                format!("exclusion expired on {expires} and no longer applies"),
            ));
        }
        let (Some(reason), Some(expires)) = (reason, expires) else {
            return None;
        };
        if self.error_count() > errors_before {
            return None;
        }
        let (line, column) = self.at(entry);
        Some(Exclusion {
            rule: raw.rule.as_ref().map(|r| r.get_ref().trim().to_owned()),
            tool,
            host,
            host_text: raw.host.as_ref().map(|h| h.get_ref().clone()),
            tenant: raw.tenant.as_ref().map(|t| t.get_ref().trim().to_owned()),
            reason: reason.clone(),
            expires,
            line,
            column,
        })
    }

    fn known_rule(&mut self, rule: &Spanned<String>) {
        let Some(context) = self.context else {
            return;
        };
        let id = rule.get_ref().trim();
        if !context
            .rule_ids
            .iter()
            .any(|known| known.eq_ignore_ascii_case(id))
        {
            self.error(
                rule,
                format!(
                    "unknown rule {id:?}: an exclusion for it would never apply; see `rmmguard rules`"
                ),
            );
        }
    }

    fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .count()
    }
}

/// What a network list is for, which sets how broad is too broad.
#[derive(Clone, Copy)]
enum Role {
    Internal,
    Approved,
}

enum Breadth {
    Fine,
    Broad,
    Everything,
}

/// No private range is wider than an IPv4 /8 (or IPv6's unique-local
/// fc00::/7); an approved remote-access path wider than a /16 (IPv6 /32)
/// is rarely one VPN.
fn breadth(net: &IpNet, role: Role) -> Breadth {
    let (prefix, everything, broad) = match net {
        IpNet::V4(v4) => (v4.prefix_len(), 8, 16),
        IpNet::V6(v6) => (v6.prefix_len(), 7, 32),
    };
    match role {
        _ if prefix < everything => Breadth::Everything,
        Role::Approved if prefix < broad => Breadth::Broad,
        _ => Breadth::Fine,
    }
}

/// `16,777,216 addresses`, or `2^96 addresses` where that is clearer.
fn size(net: &IpNet) -> String {
    let bits = u32::from(net.max_prefix_len() - net.prefix_len());
    if bits <= 32 {
        let count = 1u64 << bits;
        let digits = count.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{grouped} addresses")
    } else {
        format!("2^{bits} addresses")
    }
}

fn date(value: &toml::value::Datetime) -> Option<Date> {
    let date = value.date.as_ref()?;
    Date::new(
        i16::try_from(date.year).ok()?,
        i8::try_from(date.month).ok()?,
        i8::try_from(date.day).ok()?,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_columns() {
        let text = "ab\ncd\n\nßx";
        let lines = LineIndex::new(text);
        assert_eq!(lines.line_column(text, 0), (1, 1));
        assert_eq!(lines.line_column(text, 4), (2, 2));
        assert_eq!(lines.line_column(text, 6), (3, 1));
        assert_eq!(lines.line_column(text, 7), (4, 1));
        assert_eq!(lines.line_column(text, 9), (4, 2));
        assert_eq!(lines.line_column(text, 99), (4, 3));
    }

    #[test]
    fn sizes() {
        let net = |s: &str| s.parse::<IpNet>().unwrap();
        assert_eq!(size(&net("10.0.0.0/8")), "16,777,216 addresses");
        assert_eq!(size(&net("10.0.0.0/30")), "4 addresses");
        assert_eq!(size(&net("::/0")), "2^128 addresses");
        assert_eq!(size(&net("0.0.0.0/0")), "4,294,967,296 addresses");
    }
}
