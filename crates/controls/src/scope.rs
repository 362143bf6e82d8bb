//! The policy's decision for every catalog tool (blocked, or authorized and
//! how), shared by all generators so that they agree on what is carved out.

use ipnet::IpNet;
use rmmguard_catalog::{Catalog, Origin, Tool};
use rmmguard_policy::{Authorized, Policy};

use crate::source::Sourcing;
use crate::{Options, Reason};

/// Catalog, policy and options, with each tool's stance decided once.
pub(crate) struct Scope<'a> {
    pub policy: &'a Policy,
    pub options: &'a Options,
    /// One entry per catalog tool, sorted by id.
    pub tools: Vec<ToolScope<'a>>,
}

/// One tool and what the policy says about it.
pub(crate) struct ToolScope<'a> {
    pub tool: &'a Tool,
    pub stance: Stance<'a>,
    /// Which of the tool's facts are built in and which were imported.
    pub sourcing: Sourcing,
}

/// What the policy says about a tool.
pub(crate) enum Stance<'a> {
    /// Not authorized: block it everywhere.
    Blocked,
    /// Authorized by these entries (at least one).
    Authorized(Vec<&'a Authorized>),
}

/// An approved remote-access path: a VPN/VDI subnet or a jump host.
pub(crate) struct ApprovedPath {
    pub net: IpNet,
    pub reason: Reason,
}

impl<'a> Scope<'a> {
    pub fn new(catalog: &'a Catalog, policy: &'a Policy, options: &'a Options) -> Scope<'a> {
        // A widened built-in entry is compared with the built-in one, to tell
        // its imported facts from its own; parsed only when there is one.
        let widened = catalog
            .tools()
            .iter()
            .any(|tool| tool.origin == Origin::BuiltinPlusLolrmm);
        let builtin = if widened {
            Catalog::builtin().ok()
        } else {
            None
        };
        let tools = catalog
            .tools()
            .iter()
            .map(|tool| {
                let entries: Vec<&Authorized> = policy
                    .authorized()
                    .iter()
                    .filter(|entry| entry.tool == tool.id)
                    .collect();
                let stance = if entries.is_empty() {
                    Stance::Blocked
                } else {
                    Stance::Authorized(entries)
                };
                let base = builtin
                    .as_ref()
                    .and_then(|b| b.tools().iter().find(|own| own.id == tool.id));
                ToolScope {
                    tool,
                    stance,
                    sourcing: Sourcing::new(tool, base),
                }
            })
            .collect();
        Scope {
            policy,
            options,
            tools,
        }
    }

    /// Whether a policy file was given (its hash is in the provenance).
    pub fn has_policy(&self) -> bool {
        self.options.provenance.policy_sha256.is_some()
    }

    /// The approved paths, subnets first, each with the policy key it comes from.
    pub fn approved_paths(&self) -> Vec<ApprovedPath> {
        let networks = &self.policy.networks;
        let subnets = networks.approved.iter().map(|net| ApprovedPath {
            net: *net,
            reason: policy_reason(
                "networks.approved",
                &net.to_string(),
                "approved VPN/VDI path",
            ),
        });
        let jump_hosts = networks.jump_hosts.iter().map(|ip| ApprovedPath {
            net: IpNet::from(*ip),
            reason: policy_reason("networks.jump_hosts", &ip.to_string(), "approved jump host"),
        });
        let mut paths: Vec<ApprovedPath> = subnets.chain(jump_hosts).collect();
        paths.sort_by_key(|path| path.net);
        paths.dedup_by(|a, b| a.net == b.net);
        paths
    }

    /// Why a blocked tool is blocked, in the words of the policy.
    pub fn blocked_because(&self) -> &'static str {
        if self.has_policy() {
            "not authorized by the policy"
        } else {
            "no policy given, so nothing is authorized"
        }
    }
}

impl ToolScope<'_> {
    /// Whether the policy authorizes the tool (for some hosts or tenants).
    pub fn is_authorized(&self) -> bool {
        matches!(self.stance, Stance::Authorized(_))
    }

    /// The authorizing entries (empty when blocked).
    pub fn entries(&self) -> &[&Authorized] {
        match &self.stance {
            Stance::Blocked => &[],
            Stance::Authorized(entries) => entries,
        }
    }

    /// Whether some entry allows any tenant.
    pub fn any_tenant(&self) -> bool {
        self.entries().iter().any(|entry| entry.tenants.is_empty())
    }

    /// Whether some entry allows running it portably.
    pub fn portable(&self) -> bool {
        self.entries().iter().any(|entry| entry.portable)
    }

    /// The allowed tenants with the line of their entry, sorted.
    pub fn tenants(&self) -> Vec<(&str, usize)> {
        let mut tenants: Vec<(&str, usize)> = self
            .entries()
            .iter()
            .flat_map(|entry| {
                entry
                    .tenants
                    .iter()
                    .map(|tenant| (tenant.as_str(), entry.line))
            })
            .collect();
        tenants.sort();
        tenants.dedup_by(|a, b| a.0 == b.0);
        tenants
    }

    /// The host patterns the tool is limited to; empty when some entry allows every host.
    pub fn host_limits(&self) -> Vec<String> {
        if self.entries().iter().any(|entry| entry.hosts().is_empty()) {
            return Vec::new();
        }
        let mut hosts: Vec<String> = self
            .entries()
            .iter()
            .flat_map(|entry| entry.hosts())
            .collect();
        hosts.sort();
        hosts.dedup();
        hosts
    }

    /// The policy line of the first authorizing entry.
    pub fn line(&self) -> Option<usize> {
        self.entries().iter().map(|entry| entry.line).min()
    }

    /// A reason naming a catalog fact of this tool and the policy's stance on it.
    pub fn reason(&self, field: &str, value: &str, scope: &Scope<'_>) -> Reason {
        let policy = match self.line() {
            Some(line) => format!("{} is authorized (policy line {line})", self.tool.id),
            None => format!("{} is {}", self.tool.id, scope.blocked_because()),
        };
        self.reason_with(field, value, policy)
    }

    /// A reason naming a catalog fact, with an explicit policy text.
    pub fn reason_with(&self, field: &str, value: &str, policy: String) -> Reason {
        // Tenants and host limits come from the policy, not from the catalog.
        let source =
            (!matches!(field, "tenants" | "hosts")).then(|| self.sourcing.of(field, value));
        Reason {
            tool: Some(self.tool.id.clone()),
            field: field.to_owned(),
            value: value.to_owned(),
            source,
            policy,
        }
    }
}

/// A reason that comes from the policy alone.
pub(crate) fn policy_reason(field: &str, value: &str, policy: &str) -> Reason {
    Reason {
        tool: None,
        field: field.to_owned(),
        value: value.to_owned(),
        source: None,
        policy: policy.to_owned(),
    }
}
