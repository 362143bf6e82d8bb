//! One piece of evidence judged three ways: with no policy, with the tool
//! authorized, and with the tool and its tenant authorized.

mod common;

use std::fs;

use common::{detector, run};

/// A ScreenConnect client service pointed at a relay, as Winlogbeat ships it.
const EVIDENCE: &str = r#"{"@timestamp":"2026-05-04T10:00:00.000Z","winlog":{"channel":"System","computer_name":"WS-7.acme.local","event_id":"7045","provider_name":"Service Control Manager","record_id":11,"event_data":{"ServiceName":"ScreenConnect Client (1a2b3c4d5e6f7a8b)","ImagePath":"\"C:\\Program Files (x86)\\ScreenConnect Client (1a2b3c4d5e6f7a8b)\\ScreenConnect.ClientService.exe\" \"?e=Access&y=Guest&h=relay.crook.example&p=8041&s=x&k=y\"","ServiceType":"user mode service","StartType":"auto start","AccountName":"LocalSystem"}}}
"#;

fn judge(policy: Option<&str>) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("System.jsonl"), EVIDENCE).expect("write evidence");
    let hunt = run(&[dir.path().to_path_buf()], &detector(policy), 1);
    hunt.report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f.severity,
                f.rule.id,
                f.authorization.map_or("-", |a| a.as_str()),
                f.tenant.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn no_policy_means_unreviewed() {
    assert_eq!(
        judge(None),
        [
            "medium E002 unreviewed -",
            "medium E010 unreviewed relay.crook.example"
        ]
    );
}

#[test]
fn another_tool_authorized_means_unauthorized() {
    let policy = "[[authorized]]\ntool = \"atera\"\n";
    assert_eq!(
        judge(Some(policy)),
        [
            "high E003 unauthorized -",
            "medium E010 unauthorized relay.crook.example"
        ]
    );
}

#[test]
fn tool_authorized_with_any_tenant() {
    let policy = "[[authorized]]\ntool = \"screenconnect\"\n";
    assert_eq!(
        judge(Some(policy)),
        [
            "info E001 authorized -",
            "info E010 authorized relay.crook.example"
        ]
    );
}

#[test]
fn tool_authorized_for_our_tenant_only() {
    let ours = "[[authorized]]\ntool = \"screenconnect\"\ntenants = [\"support.acme.example\"]\n";
    assert_eq!(
        judge(Some(ours)),
        [
            "critical E004 unauthorized relay.crook.example",
            "medium E010 unauthorized relay.crook.example",
            "info E001 authorized -",
        ]
    );
    let theirs_is_ours =
        "[[authorized]]\ntool = \"screenconnect\"\ntenants = [\"*.crook.example\"]\n";
    assert_eq!(
        judge(Some(theirs_is_ours)),
        [
            "info E001 authorized -",
            "info E010 authorized relay.crook.example"
        ]
    );
}

#[test]
fn exclusions_silence_until_they_expire() {
    let policy = "[[authorized]]\ntool = \"screenconnect\"\ntenants = [\"support.acme.example\"]\n\n\
                  [[exclusion]]\nrule = \"E004\"\ntenant = \"relay.crook.example\"\nreason = \"vendor escalation\"\nexpires = 2099-01-01\n";
    assert_eq!(
        judge(Some(policy)),
        [
            "medium E010 unauthorized relay.crook.example",
            "info E001 authorized -"
        ]
    );
    let expired = policy.replace("2099-01-01", "2020-01-01");
    assert_eq!(
        judge(Some(&expired))[0],
        "critical E004 unauthorized relay.crook.example"
    );
}
