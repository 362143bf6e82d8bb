//! The policy file as written (TOML with spans), and its conversion into a
//! [`Policy`] with a diagnostic for every value that does not make sense.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::{Authorized, Diagnostic, Error, Exclusion, HostPattern, Networks, Policy, glob};

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
    #[serde(default)]
    tenants: Vec<Spanned<String>>,
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
    rule: Option<String>,
    tool: Option<String>,
    host: Option<Spanned<String>>,
    tenant: Option<String>,
    reason: Option<String>,
    expires: Option<Spanned<toml::value::Datetime>>,
}

/// Parses and converts; semantic problems become diagnostics, not errors.
pub(crate) fn parse(text: &str) -> Result<(Policy, Vec<Diagnostic>), Error> {
    let raw: RawPolicy = toml::from_str(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map(|span| line_column(text, span.start))
            .unwrap_or((1, 1));
        Error::Syntax(Diagnostic::error(
            line,
            column,
            error.message().trim().to_owned(),
        ))
    })?;
    let mut out = Converter {
        text,
        diagnostics: Vec::new(),
    };
    let policy = out.policy(raw);
    Ok((policy, out.diagnostics))
}

struct Converter<'a> {
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl Converter<'_> {
    fn error<T>(&mut self, span: &Spanned<T>, message: String) {
        let (line, column) = line_column(self.text, span.span().start);
        self.diagnostics
            .push(Diagnostic::error(line, column, message));
    }

    fn policy(&mut self, raw: RawPolicy) -> Policy {
        if let Some(version) = &raw.version
            && *version.get_ref() != FORMAT_VERSION
        {
            let message = format!(
                "policy format version {} is not supported (this rmmguard reads version {FORMAT_VERSION})",
                version.get_ref()
            );
            self.error(version, message);
        }
        let mut groups = BTreeMap::new();
        for (name, members) in &raw.host_groups {
            let patterns = members
                .iter()
                .filter_map(|m| self.host_pattern(m, false))
                .collect();
            groups.insert(name.to_lowercase(), patterns);
        }
        let mut policy = Policy {
            organization: raw.organization.name,
            networks: self.networks(&raw.networks),
            authorized: Vec::new(),
            exclusions: Vec::new(),
            groups,
        };
        for entry in &raw.authorized {
            if let Some(authorized) = self.authorized(entry, &policy) {
                policy.authorized.push(authorized);
            }
        }
        for entry in &raw.exclusions {
            if let Some(exclusion) = self.exclusion(entry, &policy) {
                policy.exclusions.push(exclusion);
            }
        }
        policy
    }

    fn networks(&mut self, raw: &RawNetworks) -> Networks {
        Networks {
            internal: raw.internal.iter().filter_map(|n| self.net(n)).collect(),
            approved: raw.approved.iter().filter_map(|n| self.net(n)).collect(),
            jump_hosts: raw
                .jump_hosts
                .iter()
                .filter_map(|h| match h.get_ref().parse::<IpAddr>() {
                    Ok(ip) => Some(ip),
                    Err(_) => {
                        let message = format!("jump host {:?} must be an IP address", h.get_ref());
                        self.error(h, message);
                        None
                    }
                })
                .collect(),
        }
    }

    fn net(&mut self, text: &Spanned<String>) -> Option<IpNet> {
        let value = text.get_ref().trim();
        let parsed = value
            .parse::<IpNet>()
            .or_else(|_| value.parse::<IpAddr>().map(IpNet::from));
        match parsed {
            Ok(net) => Some(net.trunc()),
            Err(_) => {
                let message = format!("{value:?} is not a CIDR block (like 10.8.0.0/16) or an IP");
                self.error(text, message);
                None
            }
        }
    }

    fn host_pattern(
        &mut self,
        text: &Spanned<String>,
        groups_allowed: bool,
    ) -> Option<HostPattern> {
        let value = text.get_ref().trim();
        if let Some(group) = value.strip_prefix("group:") {
            if !groups_allowed {
                self.error(text, "a host group cannot contain another group".to_owned());
                return None;
            }
            return Some(HostPattern::Group(group.to_lowercase()));
        }
        match glob(value) {
            Ok(glob) => Some(HostPattern::Glob(glob)),
            Err(message) => {
                self.error(text, message);
                None
            }
        }
    }

    fn authorized(
        &mut self,
        entry: &Spanned<RawAuthorized>,
        policy: &Policy,
    ) -> Option<Authorized> {
        let raw = entry.get_ref();
        let mut hosts = Vec::new();
        for host in &raw.hosts {
            let pattern = self.host_pattern(host, true)?;
            if let HostPattern::Group(name) = &pattern
                && !policy.groups.contains_key(name)
            {
                self.error(
                    host,
                    format!("unknown host group {name:?}: define it under [host_groups]"),
                );
                return None;
            }
            hosts.push(pattern);
        }
        let mut tenant_globs = Vec::new();
        for tenant in &raw.tenants {
            match glob(tenant.get_ref().trim()) {
                Ok(glob) => tenant_globs.push(glob),
                Err(message) => {
                    self.error(tenant, message);
                    return None;
                }
            }
        }
        let tool = raw.tool.get_ref().trim().to_lowercase();
        if tool.is_empty() {
            self.error(&raw.tool, "tool is empty".to_owned());
            return None;
        }
        Some(Authorized {
            tool,
            tenants: raw
                .tenants
                .iter()
                .map(|t| t.get_ref().trim().to_owned())
                .collect(),
            tenant_globs,
            hosts,
            portable: raw.portable,
            reason: raw.reason.clone(),
            line: line_column(self.text, raw.tool.span().start).0,
            column: line_column(self.text, raw.tool.span().start).1,
        })
    }

    fn exclusion(&mut self, entry: &Spanned<RawExclusion>, policy: &Policy) -> Option<Exclusion> {
        let raw = entry.get_ref();
        let Some(reason) = raw.reason.as_ref().filter(|r| !r.trim().is_empty()) else {
            self.error(entry, "an exclusion needs a reason".to_owned());
            return None;
        };
        let Some(expires) = &raw.expires else {
            self.error(
                entry,
                "an exclusion needs an expiry date (expires = 2027-01-31)".to_owned(),
            );
            return None;
        };
        let Some(date) = date(expires.get_ref()) else {
            self.error(expires, "expires must be a date like 2027-01-31".to_owned());
            return None;
        };
        if raw.rule.is_none() && raw.tool.is_none() && raw.host.is_none() && raw.tenant.is_none() {
            self.error(
                entry,
                "an exclusion must name a rule, tool, host or tenant".to_owned(),
            );
            return None;
        }
        let host = match &raw.host {
            Some(host) => {
                let pattern = self.host_pattern(host, true)?;
                if let HostPattern::Group(name) = &pattern
                    && !policy.groups.contains_key(name)
                {
                    self.error(host, format!("unknown host group {name:?}"));
                    return None;
                }
                Some(pattern)
            }
            None => None,
        };
        Some(Exclusion {
            rule: raw.rule.clone(),
            tool: raw.tool.as_ref().map(|t| t.trim().to_lowercase()),
            host,
            host_text: raw.host.as_ref().map(|h| h.get_ref().clone()),
            tenant: raw.tenant.clone(),
            reason: reason.clone(),
            expires: date,
            line: line_column(self.text, entry.span().start).0,
        })
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

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
