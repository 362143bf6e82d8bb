//! The end-of-run pass: judge every sighting against the policy, turn hits
//! into findings, apply exclusions, and sort.
//!
//! Rules that need the whole picture of a host live here: whether a tool
//! is authorized (E001–E003), which tenants are foreign (E004), and whether
//! a portable run had no install beside it (E005).

use std::cmp::Reverse;

use rmmguard_findings::{
    Authorization, Fact, FactKey, Finding, InventoryRow, Rule, Severity, Stage, finding_id, rules,
};
use rmmguard_policy::Verdict;

use crate::tally::{Hit, HitKey, Sighting, Tally};
use crate::{Detector, Report};

pub(crate) fn finish(detector: &Detector, tally: Tally) -> Report {
    let mut sightings: Vec<Sighting> = tally.sightings.into_values().collect();
    sightings.sort_by(|a, b| {
        a.origin
            .source
            .cmp(&b.origin.source)
            .then(a.tool.cmp(&b.tool))
    });
    let mut findings = Vec::new();
    let mut inventory = Vec::new();
    for sighting in &sightings {
        let authorization = judge_sighting(detector, sighting, &mut findings);
        inventory.push(inventory_row(detector, sighting, authorization));
    }
    for (key, hit) in tally.hits {
        findings.push(hit_finding(detector, &sightings, &key, hit));
    }
    let (findings, suppressed) = apply_exclusions(detector, findings);
    let mut findings = findings;
    findings.sort_by(|a, b| {
        (
            Reverse(a.severity),
            a.rule.id,
            &a.host,
            a.evidence.first().map(|e| &e.source),
            &a.summary,
        )
            .cmp(&(
                Reverse(b.severity),
                b.rule.id,
                &b.host,
                b.evidence.first().map(|e| &e.source),
                &b.summary,
            ))
    });
    inventory.sort_by(|a, b| {
        (a.host.as_deref().map(str::to_lowercase), &a.tool.id)
            .cmp(&(b.host.as_deref().map(str::to_lowercase), &b.tool.id))
    });
    Report {
        findings,
        suppressed,
        inventory,
        events_inspected: tally.events,
    }
}

/// How the policy judges a tool (by catalog id) on a host with a tenant:
/// the one mapping from policy verdicts to [`Authorization`].
pub(crate) fn authorization(
    detector: &Detector,
    tool: &str,
    host: Option<&str>,
    tenant: Option<&str>,
) -> Authorization {
    match detector
        .policy
        .as_ref()
        .map(|p| p.judge(tool, host, tenant))
    {
        None => Authorization::Unreviewed,
        Some(Verdict::Authorized) => Authorization::Authorized,
        Some(_) => Authorization::Unauthorized,
    }
}

fn verdict(detector: &Detector, sighting: &Sighting, tenant: Option<&str>) -> Option<Verdict> {
    let tool = &detector.index.tool(sighting.tool).reference.id;
    detector
        .policy
        .as_ref()
        .map(|policy| policy.judge(tool, sighting.origin.host.as_deref(), tenant))
}

/// E001–E005 for one sighting; returns how the tool stands.
fn judge_sighting(
    detector: &Detector,
    sighting: &Sighting,
    findings: &mut Vec<Finding>,
) -> Authorization {
    let tool = &detector.index.tool(sighting.tool).reference;
    let host = sighting.origin.host.as_deref().unwrap_or("an unnamed host");
    let base = new_finding(detector, sighting, rules::UNREVIEWED_RMM);
    let (rule, authorization, summary, reason) = match verdict(detector, sighting, None) {
        None => (
            rules::UNREVIEWED_RMM,
            Authorization::Unreviewed,
            format!(
                "{} on {host}: no policy says whether it is approved",
                tool.name
            ),
            None,
        ),
        Some(Verdict::Authorized) => (
            rules::AUTHORIZED_RMM,
            Authorization::Authorized,
            format!("authorized {} in use on {host}", tool.name),
            None,
        ),
        Some(Verdict::HostNotAllowed) => (
            rules::UNAUTHORIZED_RMM,
            Authorization::Unauthorized,
            format!(
                "{} on {host}, which the policy does not allow it on",
                tool.name
            ),
            Some("tool authorized only on other hosts"),
        ),
        Some(_) => (
            rules::UNAUTHORIZED_RMM,
            Authorization::Unauthorized,
            format!("{} on {host} is not authorized", tool.name),
            Some("tool not authorized by the policy"),
        ),
    };
    // An unapproved tool seen talking to its cloud (or its infrastructure
    // used by another process) is an RMM session in the chain.
    let online = sighting.modes.iter().any(|mode| mode.is_online());
    let stage = match rule.stage {
        None if online && authorization != Authorization::Authorized => Some(Stage::RmmSession),
        stage => stage,
    };
    let mut finding = Finding {
        id: sighting_id(detector, sighting, rule, ""),
        rule,
        severity: rule.severity,
        stage,
        summary,
        authorization: Some(authorization),
        ..base
    };
    if let Some(reason) = reason {
        finding.facts.push(Fact::new(FactKey::Reason, reason));
    }
    findings.push(finding);

    if authorization == Authorization::Authorized {
        for (tenant, seen) in &sighting.tenants {
            let Some(Verdict::TenantNotAllowed { allowed }) =
                verdict(detector, sighting, Some(tenant))
            else {
                continue;
            };
            let mut finding = new_finding(detector, sighting, rules::FOREIGN_TENANT);
            finding.id = sighting_id(detector, sighting, rules::FOREIGN_TENANT, tenant);
            finding.summary = format!(
                "{} on {host} connected to foreign {} {tenant}",
                tool.name, seen.label
            );
            finding.tenant = Some(tenant.clone());
            finding.authorization = Some(Authorization::Unauthorized);
            finding.first_seen = seen.span.first;
            finding.last_seen = seen.span.last;
            finding.count = seen.span.count;
            finding.evidence = seen.evidence.0.clone();
            finding.facts = vec![
                Fact::new(FactKey::RmmTenant, tenant.clone()),
                Fact::new(FactKey::RmmTenantKind, seen.label.clone()),
                Fact::many(FactKey::RmmPolicyTenants, allowed.iter().cloned()),
            ];
            if let Some(hint) = cloud_relay_hint(&tool.id, tenant, &allowed) {
                finding.summary = format!("{}; {hint}", finding.summary);
                finding.facts.push(Fact::new(FactKey::Reason, hint));
            }
            findings.push(finding);
        }
    }

    // A portable run is explained by an install at or after it (the run was
    // the installer) or by an install of unknown time; an install that came
    // before it (say, the MSP's own agent) does not make a later copy in
    // Downloads any less portable.
    let installed_after = |first_run: Option<jiff::Timestamp>| {
        sighting.untimed_install
            || match (sighting.installs.last, first_run) {
                (Some(install), Some(run)) => install >= run,
                (Some(_), None) => true,
                (None, _) => false,
            }
    };
    let portable_ok = detector
        .policy
        .as_ref()
        .is_some_and(|policy| policy.portable_allowed(&tool.id, sighting.origin.host.as_deref()));
    if let Some(run) = &sighting.portable
        && !installed_after(run.span.first)
        && !portable_ok
    {
        let mut finding = new_finding(detector, sighting, rules::PORTABLE_RMM);
        finding.summary = format!(
            "{} ran from the {} on {host} with no install or service",
            tool.name, run.reason
        );
        finding.authorization = Some(authorization);
        finding.first_seen = run.span.first;
        finding.last_seen = run.span.last;
        finding.count = run.span.count;
        finding.evidence = run.evidence.0.clone();
        finding.facts = vec![
            Fact::new(FactKey::ProcessExecutable, run.executable.clone()),
            Fact::new(FactKey::Reason, run.reason),
        ];
        if let Some(hash) = &run.hash {
            finding
                .facts
                .push(Fact::new(FactKey::FileHashSha256, hash.clone()));
        }
        findings.push(finding);
    }
    authorization
}

/// A finding about a sighting, with the sighting's context and evidence.
fn new_finding(detector: &Detector, sighting: &Sighting, rule: &'static Rule) -> Finding {
    let tool = detector.index.tool(sighting.tool).reference.clone();
    let modes = sighting.modes.iter().map(|m| m.as_str());
    let mut facts = vec![Fact::many(FactKey::RmmInstallMode, modes)];
    if !sighting.tenants.is_empty() {
        facts.push(Fact::many(
            FactKey::RmmTenant,
            sighting.tenants.keys().cloned(),
        ));
    }
    if !sighting.executables.is_empty() {
        facts.push(Fact::many(
            FactKey::ProcessExecutable,
            sighting.executables.iter().cloned(),
        ));
    }
    Finding {
        id: sighting_id(detector, sighting, rule, ""),
        rule,
        severity: rule.severity,
        stage: rule.stage,
        summary: String::new(),
        host: sighting.origin.host.clone(),
        user: sighting.origin.user.clone(),
        site: sighting.origin.site.clone(),
        tool: Some(tool),
        tenant: None,
        authorization: None,
        first_seen: sighting.span.first,
        last_seen: sighting.span.last,
        count: sighting.span.count,
        evidence: sighting.evidence.0.clone(),
        facts,
    }
}

fn inventory_row(
    detector: &Detector,
    sighting: &Sighting,
    authorization: Authorization,
) -> InventoryRow {
    InventoryRow {
        host: sighting.origin.host.clone(),
        site: sighting.origin.site.clone(),
        tool: detector.index.tool(sighting.tool).reference.clone(),
        authorization,
        modes: sighting.modes.iter().copied().collect(),
        tenants: sighting.tenants.keys().cloned().collect(),
        first_seen: sighting.span.first,
        last_seen: sighting.span.last,
        count: sighting.span.count,
        versions: sighting.versions.iter().cloned().collect(),
        users: sighting.users.iter().cloned().collect(),
        portable: sighting.portable.as_ref().map(|run| run.executable.clone()),
    }
}

/// How the policy stands on a hit's tool: with the hit's own tenant when the
/// evidence named one, otherwise with every tenant seen for the tool on that host.
fn hit_authorization(
    detector: &Detector,
    sightings: &[Sighting],
    hit: &Hit,
) -> Option<Authorization> {
    let tool = hit.tool?;
    let Some(policy) = &detector.policy else {
        return Some(Authorization::Unreviewed);
    };
    let id = &detector.index.tool(tool).reference.id;
    let host = hit.origin.host.as_deref();
    let allowed = |tenant: Option<&str>| policy.judge(id, host, tenant) == Verdict::Authorized;
    let authorized = match hit.tenant.as_deref() {
        Some(tenant) => allowed(Some(tenant)),
        None => {
            let host_key = host.map(str::to_lowercase);
            let sighting = sightings.iter().find(|s| {
                s.tool == tool && s.origin.host.as_deref().map(str::to_lowercase) == host_key
            });
            allowed(None) && sighting.is_none_or(|s| s.tenants.keys().all(|t| allowed(Some(t))))
        }
    };
    Some(if authorized {
        Authorization::Authorized
    } else {
        Authorization::Unauthorized
    })
}

/// The id of a finding about a sighting: rule, host, tool and `subject`
/// (the tenant of a foreign-tenant finding).
fn sighting_id(detector: &Detector, sighting: &Sighting, rule: &Rule, subject: &str) -> String {
    let host = sighting.origin.host.as_deref().unwrap_or("").to_lowercase();
    let tool = &detector.index.tool(sighting.tool).reference.id;
    finding_id(&[rule.id, &host, tool, subject])
}

/// The id of a hit's finding: what made its events one finding.
fn hit_id(detector: &Detector, key: &HitKey) -> String {
    let tool = key
        .tool
        .map_or("", |t| &detector.index.tool(t).reference.id);
    finding_id(&[key.rule, &key.host, tool, &key.subject])
}

fn hit_finding(detector: &Detector, sightings: &[Sighting], key: &HitKey, hit: Hit) -> Finding {
    let authorization = hit_authorization(detector, sightings, &hit);
    // Install, command and transfer activity of an approved tool with approved
    // tenants is routine: it stays in the record at info level.
    let routine = [
        rules::RMM_INSTALLED,
        rules::REMOTE_COMMAND,
        rules::FILE_TRANSFER,
        rules::SILENT_INSTALL,
        rules::RMM_CLOUD_CONTACTED,
        rules::RMM_SESSION,
    ];
    let severity =
        if authorization == Some(Authorization::Authorized) && routine.contains(&hit.rule) {
            Severity::Info
        } else {
            hit.severity
        };
    Finding {
        id: hit_id(detector, key),
        rule: hit.rule,
        severity,
        stage: hit.rule.stage,
        summary: hit.summary,
        host: hit.origin.host,
        user: hit.origin.user,
        site: hit.origin.site,
        tool: hit.tool.map(|t| detector.index.tool(t).reference.clone()),
        tenant: hit.tenant,
        authorization,
        first_seen: hit.span.first,
        last_seen: hit.span.last,
        count: hit.span.count,
        evidence: hit.evidence.0,
        facts: hit.facts,
    }
}

fn apply_exclusions(
    detector: &Detector,
    findings: Vec<Finding>,
) -> (Vec<Finding>, Vec<(Finding, String)>) {
    let Some(policy) = &detector.policy else {
        return (findings, Vec::new());
    };
    let mut kept = Vec::with_capacity(findings.len());
    let mut suppressed = Vec::new();
    for finding in findings {
        let exclusion = policy.exclusion_for(
            finding.rule.id,
            finding.tool.as_ref().map(|t| &*t.id),
            finding.host.as_deref(),
            finding.tenant.as_deref(),
            detector.config.today,
        );
        match exclusion {
            Some(exclusion) => {
                let reason = format!(
                    "{} (policy line {}, until {})",
                    exclusion.reason, exclusion.line, exclusion.expires
                );
                suppressed.push((finding, reason));
            }
            None => kept.push(finding),
        }
    }
    (kept, suppressed)
}

/// A ScreenConnect cloud customer lists its web instance
/// (`acme.screenconnect.com`), but its clients connect to the instance's
/// relay (`instance-…-relay.screenconnect.com`): when a foreign tenant is
/// such a relay and the policy names a cloud instance, say which relay to
/// add if it is theirs.
fn cloud_relay_hint(tool: &str, tenant: &str, allowed: &[String]) -> Option<String> {
    if tool != "screenconnect" || !is_cloud_relay(tenant) {
        return None;
    }
    let instance = allowed
        .iter()
        .find(|t| t.ends_with(".screenconnect.com") && !is_cloud_relay(t))?;
    Some(format!(
        "if {tenant} is the relay of your cloud instance {instance}, add it to the policy's screenconnect tenants"
    ))
}

/// `instance-ab12cd-relay.screenconnect.com`.
fn is_cloud_relay(host: &str) -> bool {
    host.strip_suffix("-relay.screenconnect.com")
        .is_some_and(|label| !label.is_empty() && !label.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cloud_relay_beside_a_listed_instance_is_explained() {
        let allowed = vec!["acme.screenconnect.com".to_owned()];
        assert_eq!(
            cloud_relay_hint(
                "screenconnect",
                "instance-7k2pq9-relay.screenconnect.com",
                &allowed
            )
            .as_deref(),
            Some(
                "if instance-7k2pq9-relay.screenconnect.com is the relay of your cloud instance \
                 acme.screenconnect.com, add it to the policy's screenconnect tenants"
            )
        );
        // A foreign self-hosted relay, another tool, or no cloud instance listed: no hint.
        assert_eq!(
            cloud_relay_hint("screenconnect", "relay.crook.example", &allowed),
            None
        );
        assert_eq!(
            cloud_relay_hint(
                "anydesk",
                "instance-7k2pq9-relay.screenconnect.com",
                &allowed
            ),
            None
        );
        let self_hosted = vec!["support.acme.example".to_owned()];
        assert_eq!(
            cloud_relay_hint(
                "screenconnect",
                "instance-7k2pq9-relay.screenconnect.com",
                &self_hosted
            ),
            None
        );
        assert!(!is_cloud_relay("a.b-relay.screenconnect.com"));
    }
}
