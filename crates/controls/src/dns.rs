//! The DNS plan shared by the RPZ, hosts, Unbound, Suricata and Sigma
//! targets: which names to block, which to carve out, and which catalog
//! patterns a given format cannot express.
//!
//! Catalog domains are `x.com` (exactly), `*.x.com` (any name below) or a
//! glob with an inner `*`. A carve-out is an authorized tenant that is a DNS
//! name (`acme.screenconnect.com`, `*.acme.example`), or a domain of a tool
//! authorized for any tenant that another tool's block would cover. The most
//! specific rule wins; at the same name and reach the carve-out wins.

use std::collections::BTreeMap;

use crate::grammar::{self, DnsUse};
use crate::scope::{Scope, ToolScope};
use crate::{Note, Reason};

/// One catalog domain pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// Exactly this name.
    Exact(String),
    /// Any name below this one (not the name itself).
    Below(String),
    /// A glob with an inner `*` (`relay-*.net.anydesk.com`).
    Glob(String),
}

/// Parses a catalog domain pattern (already lower-case).
pub(crate) fn pattern(text: &str) -> Pattern {
    let text = text.trim().trim_end_matches('.').to_ascii_lowercase();
    match text.strip_prefix("*.") {
        Some(rest) if !rest.contains('*') => Pattern::Below(rest.to_owned()),
        _ if text.contains('*') => Pattern::Glob(text),
        _ => Pattern::Exact(text),
    }
}

/// Which names under `name` a rule covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reach {
    /// The name only.
    Exact,
    /// Names below it, not the name itself.
    Below,
    /// The name and every name below it.
    Subtree,
}

impl Reach {
    pub fn has_exact(self) -> bool {
        matches!(self, Reach::Exact | Reach::Subtree)
    }

    pub fn has_below(self) -> bool {
        matches!(self, Reach::Below | Reach::Subtree)
    }
}

/// A block or a carve-out.
#[derive(Debug, Clone)]
pub(crate) struct DnsRule {
    pub name: String,
    pub reach: Reach,
    pub reasons: Vec<Reason>,
}

impl DnsRule {
    /// Whether this rule covers `name`.
    pub fn covers(&self, name: &str) -> bool {
        (self.reach.has_exact() && self.name == name)
            || (self.reach.has_below() && is_below(name, &self.name))
    }

    /// Whether this rule covers some name that `other` covers.
    pub fn overlaps(&self, other: &DnsRule) -> bool {
        if other.reach.has_exact() && self.covers(&other.name) {
            return true;
        }
        // Names below `other` that this rule covers: it reaches below an
        // ancestor-or-self of `other`.
        other.reach.has_below()
            && self.reach.has_below()
            && (self.name == other.name || is_below(&other.name, &self.name))
    }

    /// The pattern as the catalog writes it (`x`, `*.x`, or `x, *.x`).
    pub fn patterns(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.reach.has_exact() {
            out.push(self.name.clone());
        }
        if self.reach.has_below() {
            out.push(format!("*.{}", self.name));
        }
        out
    }
}

/// A blocked inner-glob pattern.
#[derive(Debug, Clone)]
pub(crate) struct GlobBlock {
    pub tool: String,
    pub glob: String,
    /// A block that already covers every name the glob matches, if any.
    pub covered_by: Option<String>,
    pub reason: Reason,
}

/// What to block and what to carve out.
#[derive(Debug, Default)]
pub(crate) struct DnsPlan {
    /// Blocks, in canonical DNS order.
    pub blocks: Vec<DnsRule>,
    /// Carve-outs that sit under some block, in canonical DNS order.
    pub allows: Vec<DnsRule>,
    /// Blocked globs.
    pub globs: Vec<GlobBlock>,
    /// What the plan decided not to do, and why (for `--explain`).
    pub remarks: Vec<(String, Reason)>,
    /// Names that fail the DNS grammar: skipped, never written.
    pub warnings: Vec<Note>,
}

/// How the policy treats a tool's domains.
enum DomainStance {
    /// Block them all.
    Block,
    /// Block them, but keep these tenants (DNS names) resolvable.
    BlockExceptTenants(Vec<(String, usize)>),
    /// Keep them resolvable; the reason says why.
    Keep(String),
}

#[derive(Default)]
struct Acc {
    exact: Vec<Reason>,
    below: Vec<Reason>,
}

impl DnsPlan {
    pub fn new(scope: &Scope<'_>) -> DnsPlan {
        let mut blocks: BTreeMap<String, Acc> = BTreeMap::new();
        let mut allows: BTreeMap<String, Acc> = BTreeMap::new();
        let mut plan = DnsPlan::default();
        for tool in &scope.tools {
            match domain_stance(tool) {
                DomainStance::Block => add_blocks(tool, scope, &mut blocks, &mut plan),
                DomainStance::BlockExceptTenants(tenants) => {
                    add_blocks(tool, scope, &mut blocks, &mut plan);
                    add_tenant_allows(tool, &tenants, &mut allows);
                }
                DomainStance::Keep(why) => add_kept(tool, &why, &mut allows, &mut plan),
            }
        }
        let mut blocks = finish(blocks);
        let allows = finish(allows);
        cancel_conflicts(&mut blocks, &allows, &mut plan);
        plan.blocks = blocks;
        for allow in allows {
            if plan.blocks.iter().any(|block| block.overlaps(&allow)) {
                plan.allows.push(allow);
            } else if allow.reasons.iter().any(|r| r.field == "tenants") {
                for reason in &allow.reasons {
                    plan.remarks.push((
                        format!("no carve-out needed for {}", allow.patterns().join(", ")),
                        reason.clone(),
                    ));
                }
            }
        }
        for glob in &mut plan.globs {
            glob.covered_by = glob_cover(&glob.glob, &plan.blocks);
        }
        plan
    }

    /// Globs no block covers: formats without inner wildcards cannot express them.
    pub fn uncovered_globs(&self) -> impl Iterator<Item = &GlobBlock> {
        self.globs.iter().filter(|glob| glob.covered_by.is_none())
    }

    /// The carve-outs that overlap `block`.
    pub fn allows_under<'p>(&'p self, block: &'p DnsRule) -> impl Iterator<Item = &'p DnsRule> {
        self.allows
            .iter()
            .filter(move |allow| block.overlaps(allow))
    }
}

fn domain_stance(tool: &ToolScope<'_>) -> DomainStance {
    if !tool.is_authorized() {
        return DomainStance::Block;
    }
    if tool.any_tenant() {
        let line = tool.line().unwrap_or(0);
        return DomainStance::Keep(format!("authorized for any tenant (policy line {line})"));
    }
    let tenants = tool.tenants();
    if let Some((tenant, line)) = tenants.iter().find(|(tenant, _)| !is_dns_pattern(tenant)) {
        return DomainStance::Keep(format!(
            "authorized for tenant {tenant:?} (policy line {line}), which is not a DNS name, \
             so DNS cannot tell it from other tenants"
        ));
    }
    DomainStance::BlockExceptTenants(
        tenants
            .into_iter()
            .map(|(t, l)| (t.to_ascii_lowercase(), l))
            .collect(),
    )
}

fn add_blocks(
    tool: &ToolScope<'_>,
    scope: &Scope<'_>,
    blocks: &mut BTreeMap<String, Acc>,
    plan: &mut DnsPlan,
) {
    for domain in &tool.tool.network.domains {
        let reason = match tool.line() {
            Some(line) => tool.reason_with(
                "network.domains",
                domain,
                format!(
                    "{} is authorized only for the tenants listed (policy line {line})",
                    tool.tool.id
                ),
            ),
            None => tool.reason("network.domains", domain, scope),
        };
        let domain = match grammar::dns_pattern(domain, DnsUse::Block) {
            Ok(domain) => domain,
            Err(why) => {
                plan.warnings.push(skipped(tool, domain, &why, reason));
                continue;
            }
        };
        match pattern(&domain) {
            Pattern::Exact(name) => blocks.entry(name).or_default().exact.push(reason),
            Pattern::Below(name) => blocks.entry(name).or_default().below.push(reason),
            Pattern::Glob(glob) => plan.globs.push(GlobBlock {
                tool: tool.tool.id.clone(),
                glob,
                covered_by: None,
                reason,
            }),
        }
    }
}

fn add_tenant_allows(
    tool: &ToolScope<'_>,
    tenants: &[(String, usize)],
    allows: &mut BTreeMap<String, Acc>,
) {
    for (tenant, line) in tenants {
        let reason = tool.reason_with(
            "tenants",
            tenant,
            format!(
                "authorized tenant of {} (policy line {line}): carved out",
                tool.tool.id
            ),
        );
        match pattern(tenant) {
            Pattern::Below(name) => allows.entry(name).or_default().below.push(reason),
            Pattern::Exact(name) => allows.entry(name).or_default().exact.push(reason),
            Pattern::Glob(_) => {}
        }
    }
}

fn add_kept(
    tool: &ToolScope<'_>,
    why: &str,
    allows: &mut BTreeMap<String, Acc>,
    plan: &mut DnsPlan,
) {
    for domain in &tool.tool.network.domains {
        let reason = tool.reason_with(
            "network.domains",
            domain,
            format!("{} is {why}: kept resolvable", tool.tool.id),
        );
        if !matches!(pattern(domain), Pattern::Glob(_))
            && let Err(why) = grammar::dns_pattern(domain, DnsUse::CarveOut)
        {
            plan.warnings.push(skipped(tool, domain, &why, reason));
            continue;
        }
        match pattern(domain) {
            Pattern::Exact(name) => allows.entry(name).or_default().exact.push(reason.clone()),
            Pattern::Below(name) => allows.entry(name).or_default().below.push(reason.clone()),
            Pattern::Glob(_) => {}
        }
        plan.remarks
            .push((format!("not blocked: {domain}"), reason));
    }
}

/// The warning for a catalog domain that fails the grammar.
fn skipped(tool: &ToolScope<'_>, domain: &str, why: &str, reason: Reason) -> Note {
    Note {
        rule: format!("skipped: domain {domain:?} of {}: {why}", tool.tool.id),
        reasons: vec![reason],
    }
}

fn finish(map: BTreeMap<String, Acc>) -> Vec<DnsRule> {
    let mut rules: Vec<DnsRule> = map
        .into_iter()
        .filter_map(|(name, acc)| {
            let reach = match (acc.exact.is_empty(), acc.below.is_empty()) {
                (false, false) => Reach::Subtree,
                (false, true) => Reach::Exact,
                (true, false) => Reach::Below,
                (true, true) => return None,
            };
            let mut reasons: Vec<Reason> = acc.exact.into_iter().chain(acc.below).collect();
            reasons.sort();
            reasons.dedup();
            Some(DnsRule {
                name,
                reach,
                reasons,
            })
        })
        .collect();
    rules.sort_by(|a, b| canonical_key(&a.name).cmp(&canonical_key(&b.name)));
    rules
}

/// Removes from the blocks what a carve-out of the same name and reach keeps open.
fn cancel_conflicts(blocks: &mut Vec<DnsRule>, allows: &[DnsRule], plan: &mut DnsPlan) {
    for block in blocks.iter_mut() {
        let Some(allow) = allows.iter().find(|allow| allow.name == block.name) else {
            continue;
        };
        let exact = block.reach.has_exact() && !allow.reach.has_exact();
        let below = block.reach.has_below() && !allow.reach.has_below();
        let kept = match (exact, below) {
            (true, true) => Some(Reach::Subtree),
            (true, false) => Some(Reach::Exact),
            (false, true) => Some(Reach::Below),
            (false, false) => None,
        };
        if kept != Some(block.reach) {
            for reason in &block.reasons {
                plan.remarks.push((
                    format!(
                        "not blocked: {} (a carve-out of the same name wins)",
                        block.name
                    ),
                    reason.clone(),
                ));
            }
        }
        match kept {
            Some(reach) => block.reach = reach,
            None => block.name.clear(),
        }
    }
    blocks.retain(|block| !block.name.is_empty());
}

/// The block that covers every name `glob` matches, if one does.
fn glob_cover(glob: &str, blocks: &[DnsRule]) -> Option<String> {
    let labels: Vec<&str> = glob.split('.').collect();
    let last_wild = labels.iter().rposition(|label| label.contains('*'))?;
    let suffix = labels[last_wild + 1..].join(".");
    if suffix.is_empty() {
        return None;
    }
    blocks
        .iter()
        .find(|block| {
            block.reach.has_below() && (block.name == suffix || is_below(&suffix, &block.name))
        })
        .map(|block| format!("*.{}", block.name))
}

/// Whether `name` is strictly below `apex`.
pub(crate) fn is_below(name: &str, apex: &str) -> bool {
    name.len() > apex.len() + 1
        && name.ends_with(apex)
        && name.as_bytes()[name.len() - apex.len() - 1] == b'.'
}

/// Whether a tenant value is a DNS name or `*.` plus one, as the DNS
/// formats can write it (see `grammar.rs`).
pub(crate) fn is_dns_pattern(tenant: &str) -> bool {
    grammar::dns_pattern(tenant, DnsUse::CarveOut).is_ok()
}

/// Sorts names by their labels from the right, so related names sit together.
pub(crate) fn canonical_key(name: &str) -> Vec<&str> {
    name.rsplit('.').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse() {
        assert_eq!(pattern("x.com"), Pattern::Exact("x.com".into()));
        assert_eq!(pattern("*.x.com"), Pattern::Below("x.com".into()));
        assert_eq!(
            pattern("relay-*.x.com"),
            Pattern::Glob("relay-*.x.com".into())
        );
        assert_eq!(pattern("*.a*.x.com"), Pattern::Glob("*.a*.x.com".into()));
    }

    #[test]
    fn below_and_dns_names() {
        assert!(is_below("a.x.com", "x.com"));
        assert!(!is_below("x.com", "x.com"));
        assert!(!is_below("ax.com", "x.com"));
        assert!(is_dns_pattern("acme.screenconnect.com"));
        assert!(is_dns_pattern("*.acme.example"));
        assert!(!is_dns_pattern("msp@acme-msp.example"));
        assert!(!is_dns_pattern("123456789"));
        assert!(!is_dns_pattern("acme*.example"));
    }

    #[test]
    fn overlaps_follow_reach() {
        let rule = |name: &str, reach| DnsRule {
            name: name.into(),
            reach,
            reasons: Vec::new(),
        };
        let block = rule("screenconnect.com", Reach::Subtree);
        assert!(block.overlaps(&rule("acme.screenconnect.com", Reach::Exact)));
        assert!(block.overlaps(&rule("acme.screenconnect.com", Reach::Below)));
        assert!(!block.overlaps(&rule("acme.example", Reach::Subtree)));
        assert!(
            !rule("screenconnect.com", Reach::Exact)
                .overlaps(&rule("a.screenconnect.com", Reach::Exact))
        );
        assert!(rule("x.com", Reach::Below).overlaps(&rule("x.com", Reach::Below)));
    }

    #[test]
    fn glob_cover_needs_a_block_below_its_suffix() {
        let blocks = [DnsRule {
            name: "anydesk.com".into(),
            reach: Reach::Below,
            reasons: Vec::new(),
        }];
        assert_eq!(
            glob_cover("relay-*.net.anydesk.com", &blocks).as_deref(),
            Some("*.anydesk.com")
        );
        assert_eq!(glob_cover("pdq.*.r2.example.com", &blocks), None);
    }
}
