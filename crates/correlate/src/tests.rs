use std::sync::Arc;

use jiff::Timestamp;
use rmmguard_findings::rules::{self, Rule};
use rmmguard_findings::{Fact, FactKey, Finding, IncidentKind, Severity, Stage, ToolRef};

use super::*;

fn at(minutes: i64) -> Timestamp {
    Timestamp::from_second(1_774_000_000 + minutes * 60).unwrap()
}

fn finding(rule: &'static Rule, host: &str, tool: Option<&str>, minutes: i64) -> Finding {
    Finding {
        id: rmmguard_findings::finding_id(&[
            rule.id,
            host,
            tool.unwrap_or(""),
            &minutes.to_string(),
        ]),
        rule,
        severity: rule.severity,
        stage: rule.stage,
        summary: format!("{} on {host}", rule.name),
        host: Some(host.to_owned()),
        user: None,
        site: Some(Arc::from("hq")),
        tool: tool.map(|t| ToolRef {
            id: Arc::from(t),
            name: Arc::from(t),
        }),
        tenant: None,
        authorization: None,
        first_seen: Some(at(minutes)),
        last_seen: Some(at(minutes)),
        count: 1,
        evidence: Vec::new(),
        facts: Vec::new(),
    }
}

fn with_fact(mut finding: Finding, key: FactKey, value: &str) -> Finding {
    finding.facts.push(Fact::new(key, value));
    finding
}

fn render(incidents: &[Incident]) -> String {
    incidents
        .iter()
        .map(|i| {
            format!(
                "{} {} {} score={} stages={:?} hosts={:?} sites={:?}\n  {}\n",
                i.id,
                i.kind.as_str(),
                i.severity,
                i.score,
                i.stages.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                i.hosts,
                i.sites,
                i.title
            )
        })
        .collect()
}

#[test]
fn a_full_chain_is_one_critical_incident() {
    let findings = vec![
        finding(rules::IOC_MATCH, "WS-1.corp.local", None, 0),
        finding(
            rules::NON_RMM_PROCESS_RMM_INFRA,
            "WS-1.corp.local",
            Some("anydesk"),
            2,
        ),
        finding(rules::RMM_DROPPED, "ws-1", Some("anydesk"), 2),
        finding(rules::PORTABLE_RMM, "WS-1.corp.local", Some("anydesk"), 3),
        with_fact(
            finding(rules::FINANCIAL_SITE, "WS-1.corp.local", None, 8),
            FactKey::FinancialSite,
            "chase.com",
        ),
        // Banking on another host, and long before: not part of it.
        with_fact(
            finding(rules::FINANCIAL_SITE, "WS-2.corp.local", None, 8),
            FactKey::FinancialSite,
            "chase.com",
        ),
        with_fact(
            finding(rules::FINANCIAL_SITE, "WS-1.corp.local", None, -600),
            FactKey::FinancialSite,
            "citi.com",
        ),
    ];
    let incidents = correlate(&findings, &Entities::default(), &Config::default());
    expect_test::expect![[r#"
        I1 aa23-025a-chain critical score=115 stages=["lure-site", "download", "portable-rmm", "banking-during-session"] hosts=["WS-1.corp.local"] sites=["hq"]
          AA23-025A chain on WS-1.corp.local with anydesk: lure-site → download → portable-rmm → banking-during-session
    "#]]
    .assert_eq(&render(&incidents));
    assert_eq!(incidents[0].timeline.len(), 5);
    assert!(
        incidents[0]
            .reasons
            .iter()
            .any(|r| r == "banking sites visited during the RMM session: chase.com")
    );
}

#[test]
fn authorized_activity_and_lone_banking_make_no_incident() {
    let mut authorized = finding(rules::RMM_INSTALLED, "WS-1", Some("atera"), 0);
    authorized.severity = Severity::Info;
    let findings = vec![
        authorized,
        finding(rules::AUTHORIZED_RMM, "WS-1", Some("atera"), 0),
        finding(rules::FINANCIAL_SITE, "WS-1", None, 5),
        finding(rules::PORTABLE_RMM, "WS-2", Some("anydesk"), 5),
    ];
    assert_eq!(
        correlate(&findings, &Entities::default(), &Config::default()),
        Vec::new()
    );
}

#[test]
fn far_apart_stages_are_separate_partial_chains() {
    let findings = vec![
        finding(rules::IOC_MATCH, "WS-1", None, 0),
        finding(rules::RMM_DROPPED, "WS-1", Some("anydesk"), 1),
        finding(rules::IOC_MATCH, "WS-1", None, 60 * 48),
        finding(rules::PORTABLE_RMM, "WS-1", Some("anydesk"), 60 * 48 + 1),
    ];
    let incidents = correlate(&findings, &Entities::default(), &Config::default());
    assert_eq!(incidents.len(), 2);
    assert!(
        incidents
            .iter()
            .all(|i| i.severity == Severity::Medium && i.stages.len() == 2)
    );
}

#[test]
fn foreign_tenants_group_across_hosts() {
    let mut a = finding(rules::FOREIGN_TENANT, "WS-1", Some("screenconnect"), 0);
    a.tenant = Some("relay.crook.example".into());
    let mut b = finding(rules::FOREIGN_TENANT, "WS-2", Some("screenconnect"), 30);
    b.tenant = Some("relay.crook.example".into());
    let mut other = finding(rules::FOREIGN_TENANT, "WS-3", Some("screenconnect"), 30);
    other.tenant = Some("other.example".into());
    let incidents = correlate(&[a, b, other], &Entities::default(), &Config::default());
    let titles: Vec<&str> = incidents.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "screenconnect connected to foreign tenant relay.crook.example on 2 hosts",
            "screenconnect connected to foreign tenant other.example on 1 host",
        ]
    );
}

#[test]
fn the_same_relay_at_three_sites_is_one_campaign() {
    let mut findings = Vec::new();
    for (n, site) in ["hq", "branch1", "branch2"].iter().enumerate() {
        let mut f = finding(
            rules::NON_RMM_PROCESS_RMM_INFRA,
            &format!("WS-{n}"),
            Some("anydesk"),
            n as i64,
        );
        f.site = Some(Arc::from(*site));
        f.facts.push(Fact::new(
            FactKey::DestinationAddress,
            "relay-1a2b3c4d.net.anydesk.com",
        ));
        findings.push(f);
    }
    let mut elsewhere = finding(rules::NON_RMM_PROCESS_RMM_INFRA, "WS-9", Some("anydesk"), 9);
    elsewhere.site = Some(Arc::from("lab"));
    elsewhere.facts.push(Fact::new(
        FactKey::DestinationAddress,
        "relay-99999999.net.anydesk.com",
    ));
    findings.push(elsewhere);
    let incidents = correlate(&findings, &Entities::default(), &Config::default());
    let campaigns: Vec<&Incident> = incidents
        .iter()
        .filter(|i| i.kind == IncidentKind::Campaign)
        .collect();
    assert_eq!(campaigns.len(), 1);
    assert_eq!(campaigns[0].sites, ["branch1", "branch2", "hq"]);
    assert_eq!(
        campaigns[0].title,
        "Related activity on 3 networks (branch1, branch2, hq): destination relay-1a2b3c4d.net.anydesk.com"
    );
}

#[test]
fn network_findings_join_hosts_through_assets() {
    let entities = Entities::from_csv("host,ips\nWS-1.corp.local,10.1.0.7\n").unwrap();
    let mut network = finding(rules::IOC_MATCH, "x", None, 0);
    network.host = None;
    network.facts.push(Fact::new(FactKey::SourceIp, "10.1.0.7"));
    let endpoint = finding(rules::PORTABLE_RMM, "ws-1", Some("anydesk"), 3);
    let incidents = correlate(&[network, endpoint], &entities, &Config::default());
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0].hosts, ["WS-1.corp.local"]);
    assert_eq!(incidents[0].stages, [Stage::LureSite, Stage::PortableRmm]);
}
