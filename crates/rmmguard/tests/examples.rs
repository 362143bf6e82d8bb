//! The bundled example evidence (`examples/evidence`, written by
//! `rmmguard simulate --example --seed 7 --format both`): it yields every
//! planted finding and nothing else, and the EVTX and Winlogbeat JSON copies
//! of the same events yield the same findings.

mod common;

use std::fs;

use common::{detector, keys, render, repo, run};
use rmmguard::findings::{Finding, Severity};
use rmmguard_simulate::Truth;

fn policy() -> String {
    fs::read_to_string(repo().join("examples/policy.toml")).expect("examples/policy.toml")
}

#[test]
fn example_evidence_yields_exactly_the_planted_findings() {
    let root = repo().join("examples/evidence/jsonl");
    let hunt = run(std::slice::from_ref(&root), &detector(Some(&policy())), 2);
    let flags: Vec<&Finding> = hunt
        .report
        .findings
        .iter()
        .filter(|f| f.severity > Severity::Info)
        .collect();
    let flags: Vec<Finding> = flags.into_iter().cloned().collect();
    expect_test::expect![[r#"
        critical E004 host=BRANCH1-WS-001.contoso.local tool=screenconnect tenant=rmm.helpdesk-secure.example count=2 …/branch1/BRANCH1-WS-001/Sysmon.jsonl:22
        high E003 host=10.11.0.21 tool=vnc tenant=- count=2 …/branch1/network/zeek/conn.log:11
        high E003 host=HQ-WS-001.contoso.local tool=anydesk tenant=- count=1 …/hq/HQ-WS-001/Sysmon.jsonl:28
        high E003 host=HQ-WS-002.contoso.local tool=anydesk tenant=- count=4 …/hq/HQ-WS-002/Sysmon.jsonl:21
        high E005 host=HQ-WS-002.contoso.local tool=anydesk tenant=- count=1 …/hq/HQ-WS-002/Sysmon.jsonl:23
        high E006 host=HQ-WS-001.contoso.local tool=anydesk tenant=- count=1 …/hq/HQ-WS-001/Sysmon.jsonl:28
        high E007 host=HQ-WS-002.contoso.local tool=anydesk tenant=- count=1 …/hq/HQ-WS-002/Sysmon.jsonl:21
        high E014 host=HQ-WS-002.contoso.local tool=- tenant=- count=2 …/hq/HQ-WS-002/Sysmon.jsonl:17
        high M001 host=- tool=- tenant=- count=1 …/hq/mail/mallory.jones/lure-1-df5d9b_rmmguard_simulate.eml@0
        high N004 host=10.11.0.21 tool=vnc tenant=- count=1 …/branch1/network/zeek/conn.log:11
        high N006 host=10.11.0.21 tool=vnc tenant=- count=3 …/branch1/network/zeek/conn.log:11
        medium E010 host=BRANCH1-WS-001.contoso.local tool=screenconnect tenant=rmm.helpdesk-secure.example count=1 …/branch1/BRANCH1-WS-001/System.jsonl:3
        medium N002 host=10.11.0.21 tool=vnc tenant=- count=2 …/branch1/network/zeek/conn.log:11
        low E015 host=HQ-WS-002.contoso.local tool=anydesk tenant=- count=1 …/hq/HQ-WS-002/Sysmon.jsonl:22
    "#]]
    .assert_eq(&render(&flags, &root));
    // Everything else is at info level: the authorized MSP's inventory, and
    // banking visits (which matter only inside an incident).
    for finding in hunt
        .report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Info)
    {
        match finding.rule.id {
            "E016" => assert!(finding.tool.is_none()),
            "E001" | "E008" | "E010" => assert_eq!(
                finding.authorization,
                Some(rmmguard::findings::Authorization::Authorized),
                "{finding:?}"
            ),
            other => panic!("unexpected info finding {other}: {finding:?}"),
        }
    }
}

#[test]
fn evtx_and_winlogbeat_json_give_the_same_findings() {
    let detector = detector(Some(&policy()));
    let jsonl = run(&[repo().join("examples/evidence/jsonl")], &detector, 2);
    let evtx = run(&[repo().join("examples/evidence/evtx")], &detector, 1);
    assert_eq!(keys(&jsonl.report.findings), keys(&evtx.report.findings));
    assert_eq!(jsonl.report.inventory, evtx.report.inventory);
    assert_eq!(jsonl.records(), evtx.records());
}

#[test]
fn example_truth_scores_perfectly() {
    let dir = repo().join("examples/evidence");
    let truth: Truth =
        serde_json::from_str(&fs::read_to_string(dir.join("truth.json")).expect("truth.json"))
            .expect("truth");
    let generated_policy = fs::read_to_string(dir.join("policy.toml")).expect("policy.toml");
    for policy in [generated_policy, policy()] {
        let hunt = run(&[dir.join("evtx")], &detector(Some(&policy)), 2);
        let score = rmmguard::eval::score(&truth, &hunt.report.findings, Severity::Low);
        assert_eq!(score.false_positives, Vec::new());
        assert_eq!(score.misses, Vec::new());
        assert_eq!(score.overall.precision(), 1.0);
        assert_eq!(score.overall.recall(), 1.0);
        assert_eq!(
            score.overall.true_positives, 14,
            "9 from endpoint logs, 4 from the network, 1 lure mail"
        );
    }
}
