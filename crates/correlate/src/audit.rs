//! The RMM audit the advisory asks for: every tool seen, per tool and
//! tenant — hosts, sites, first and last seen, how it runs, versions, and
//! how the policy judges it — and a starter policy written from it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use jiff::Timestamp;
use rmmguard_findings::{Authorization, InventoryRow, Mode, ToolRef};

/// One row of the audit: a tool with one tenant (or none seen).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    /// The tool.
    pub tool: ToolRef,
    /// The tenant, instance or relay (`None`: no tenant seen).
    pub tenant: Option<String>,
    /// How the policy judges it: unauthorized if any host's copy is.
    pub authorization: Authorization,
    /// Hosts it runs on.
    pub hosts: Vec<String>,
    /// Sites.
    pub sites: Vec<String>,
    /// First event.
    pub first_seen: Option<Timestamp>,
    /// Last event.
    pub last_seen: Option<Timestamp>,
    /// How it was seen (installed, service, portable, in-memory, …).
    pub modes: Vec<Mode>,
    /// Versions seen.
    pub versions: Vec<String>,
    /// Events attributed.
    pub events: u64,
}

impl AuditRow {
    /// The install mode summary the advisory asks for: service, installed,
    /// portable or in-memory. A portable run outranks everything (it is how AA23-025A actors ran
    /// RMM); then use by a non-RMM process, a service, any install, a run
    /// from another folder, network traffic.
    pub fn install_mode(&self) -> &'static str {
        let has = |mode: Mode| self.modes.contains(&mode);
        if has(Mode::Portable) {
            "portable"
        } else if has(Mode::InMemory) {
            "in-memory"
        } else if has(Mode::Service) {
            "service"
        } else if self.modes.iter().any(|m| m.is_install()) {
            "installed"
        } else if has(Mode::OtherPath) {
            "other folder"
        } else if has(Mode::Network) {
            "network"
        } else {
            "seen"
        }
    }
}

/// How the policy judges a tool on a host with a tenant (or none).
pub type Judge<'a> = &'a dyn Fn(&ToolRef, Option<&str>, Option<&str>) -> Authorization;

/// Groups the per-host inventory into per-(tool, tenant) rows, sorted by tool
/// and tenant; `judge` decides each row's authorization host by host (the
/// weakest judgement wins).
pub fn audit(inventory: &[InventoryRow], judge: Judge<'_>) -> Vec<AuditRow> {
    let mut rows: BTreeMap<(String, Option<String>), AuditRow> = BTreeMap::new();
    for item in inventory {
        let tenants: Vec<Option<String>> = if item.tenants.is_empty() {
            vec![None]
        } else {
            item.tenants.iter().cloned().map(Some).collect()
        };
        for tenant in tenants {
            let row = rows
                .entry((item.tool.id.to_string(), tenant.clone()))
                .or_insert_with(|| AuditRow {
                    tool: item.tool.clone(),
                    tenant,
                    authorization: Authorization::Authorized,
                    hosts: Vec::new(),
                    sites: Vec::new(),
                    first_seen: None,
                    last_seen: None,
                    modes: Vec::new(),
                    versions: Vec::new(),
                    events: 0,
                });
            let verdict = judge(&item.tool, item.host.as_deref(), row.tenant.as_deref());
            merge(row, item, verdict);
        }
    }
    rows.into_values().collect()
}

fn merge(row: &mut AuditRow, item: &InventoryRow, verdict: Authorization) {
    if let Some(host) = &item.host {
        push_sorted(&mut row.hosts, host.clone());
    }
    if let Some(site) = &item.site {
        push_sorted(&mut row.sites, site.to_string());
    }
    for mode in &item.modes {
        if !row.modes.contains(mode) {
            row.modes.push(*mode);
            row.modes.sort();
        }
    }
    for version in &item.versions {
        push_sorted(&mut row.versions, version.clone());
    }
    row.first_seen = min(row.first_seen, item.first_seen);
    row.last_seen = row.last_seen.max(item.last_seen);
    row.events += item.count;
    row.authorization = weakest(row.authorization, verdict);
}

/// Unauthorized anywhere is unauthorized; unreviewed beats authorized.
fn weakest(a: Authorization, b: Authorization) -> Authorization {
    use Authorization::{Authorized, Unauthorized, Unreviewed};
    match (a, b) {
        (Unauthorized, _) | (_, Unauthorized) => Unauthorized,
        (Unreviewed, _) | (_, Unreviewed) => Unreviewed,
        _ => Authorized,
    }
}

fn min(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn push_sorted(list: &mut Vec<String>, value: String) {
    if let Err(at) = list.binary_search(&value) {
        list.insert(at, value);
    }
}

/// A starter policy authorizing every tool seen, with the tenants seen,
/// each entry commented with where and how it runs. The analyst deletes what
/// is not approved and narrows hosts; as written it passes `policy check`
/// and turns every "unreviewed" tool into "authorized".
pub fn starter_policy(rows: &[AuditRow], organization: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Starter policy written by `rmmguard audit --write-policy` from the RMM tools seen.\n\
         # It authorizes everything that was seen: delete the entries that are not\n\
         # approved, narrow `hosts` and `tenants`, and give each a real reason.\n\
         # Check it with `rmmguard policy check FILE`.\n\
         version = 1\n\n[organization]\nname = {organization:?}\n"
    );
    let mut by_tool: BTreeMap<String, Vec<&AuditRow>> = BTreeMap::new();
    for row in rows {
        by_tool
            .entry(row.tool.id.to_string())
            .or_default()
            .push(row);
    }
    for (id, rows) in by_tool {
        let hosts: BTreeSet<&str> = rows
            .iter()
            .flat_map(|r| r.hosts.iter().map(String::as_str))
            .collect();
        let modes: BTreeSet<&str> = rows.iter().map(|r| r.install_mode()).collect();
        let tenants: Vec<&str> = rows.iter().filter_map(|r| r.tenant.as_deref()).collect();
        let portable = modes.contains("portable");
        let _ = writeln!(
            out,
            "# {} — seen as {} on {}: {}",
            rows[0].tool.name,
            join(&modes),
            rmmguard_words::counted(hosts.len(), "host"),
            preview(&hosts)
        );
        let _ = writeln!(out, "[[authorized]]\ntool = {id:?}");
        if !tenants.is_empty() {
            let quoted: Vec<String> = tenants.iter().map(|t| format!("{t:?}")).collect();
            let _ = writeln!(out, "tenants = [{}]", quoted.join(", "));
        }
        if portable {
            let _ = writeln!(
                out,
                "portable = true  # it ran portably: keep only if that is approved"
            );
        }
        let _ = writeln!(
            out,
            "reason = \"seen in use; review before relying on this entry\"\n"
        );
    }
    out
}

fn join(items: &BTreeSet<&str>) -> String {
    items.iter().copied().collect::<Vec<_>>().join(", ")
}

fn preview(hosts: &BTreeSet<&str>) -> String {
    let shown: Vec<&str> = hosts.iter().copied().take(5).collect();
    let more = hosts.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn row(
        host: &str,
        tool: &str,
        tenants: &[&str],
        modes: &[Mode],
        authorization: Authorization,
    ) -> InventoryRow {
        InventoryRow {
            host: Some(host.into()),
            site: Some(Arc::from("hq")),
            tool: ToolRef {
                id: Arc::from(tool),
                name: Arc::from(tool),
            },
            authorization,
            modes: modes.to_vec(),
            tenants: tenants.iter().map(|t| (*t).to_owned()).collect(),
            first_seen: None,
            last_seen: None,
            count: 2,
            versions: vec!["1.0".into()],
            users: Vec::new(),
            portable: None,
        }
    }

    #[test]
    fn rows_per_tool_and_tenant() {
        let inventory = vec![
            row(
                "WS-1",
                "screenconnect",
                &["ours.example"],
                &[Mode::Service],
                Authorization::Authorized,
            ),
            row(
                "WS-2",
                "screenconnect",
                &["ours.example", "theirs.example"],
                &[Mode::Service],
                Authorization::Unauthorized,
            ),
            row(
                "WS-3",
                "anydesk",
                &[],
                &[Mode::Portable],
                Authorization::Unreviewed,
            ),
        ];
        let judge =
            |tool: &ToolRef, _host: Option<&str>, tenant: Option<&str>| match (&*tool.id, tenant) {
                ("anydesk", _) => Authorization::Unreviewed,
                (_, Some("theirs.example")) => Authorization::Unauthorized,
                _ => Authorization::Authorized,
            };
        let rows = audit(&inventory, &judge);
        let summary: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{} {:?} {} {:?} {}",
                    r.tool.id,
                    r.tenant,
                    r.authorization.as_str(),
                    r.hosts,
                    r.install_mode()
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "anydesk None unreviewed [\"WS-3\"] portable",
                "screenconnect Some(\"ours.example\") authorized [\"WS-1\", \"WS-2\"] service",
                "screenconnect Some(\"theirs.example\") unauthorized [\"WS-2\"] service",
            ]
        );
        let policy = starter_policy(&rows, "Acme");
        assert!(
            policy.contains(
                "tool = \"screenconnect\"\ntenants = [\"ours.example\", \"theirs.example\"]"
            ),
            "{policy}"
        );
        assert!(
            policy.contains("tool = \"anydesk\"\nportable = true"),
            "{policy}"
        );
    }
}
