use super::*;

const POLICY: &str = r#"
version = 1

[organization]
name = "Acme"

[networks]
internal = ["10.0.0.0/8", "192.168.0.0/16"]
approved = ["10.8.0.0/16"]
jump_hosts = ["10.1.2.3"]

[host_groups]
it = ["IT-*", "adm-*"]

[[authorized]]
tool = "atera"
tenants = ["msp@acme-msp.example"]
reason = "MSP contract"

[[authorized]]
tool = "screenconnect"
tenants = ["*.acme.example"]
hosts = ["group:it"]
portable = true

[[exclusion]]
rule = "E005"
host = "LAB-*"
reason = "lab"
expires = 2099-01-01

[[exclusion]]
tool = "anydesk"
reason = "old"
expires = 2020-01-01
"#;

fn today() -> Date {
    Date::new(2026, 11, 26).unwrap()
}

#[test]
fn judges_tool_host_and_tenant() {
    let policy = Policy::parse(POLICY).unwrap();
    assert_eq!(policy.organization, "Acme");
    assert_eq!(
        policy.judge("atera", Some("ws-9"), Some("MSP@acme-msp.example")),
        Verdict::Authorized
    );
    assert_eq!(
        policy.judge("atera", Some("ws-9"), Some("crook@evil.example")),
        Verdict::TenantNotAllowed {
            allowed: vec!["msp@acme-msp.example".into()]
        }
    );
    assert_eq!(
        policy.judge("atera", Some("ws-9"), None),
        Verdict::Authorized
    );
    assert_eq!(
        policy.judge(
            "screenconnect",
            Some("IT-7.corp.example"),
            Some("help.acme.example")
        ),
        Verdict::Authorized
    );
    assert_eq!(
        policy.judge("screenconnect", Some("WS-1"), Some("help.acme.example")),
        Verdict::HostNotAllowed
    );
    assert_eq!(
        policy.judge("screenconnect", None, None),
        Verdict::HostNotAllowed
    );
    assert_eq!(
        policy.judge("anydesk", Some("WS-1"), None),
        Verdict::NotAuthorized
    );
}

#[test]
fn portable_and_networks() {
    let policy = Policy::parse(POLICY).unwrap();
    assert!(policy.portable_allowed("screenconnect", Some("adm-2")));
    assert!(!policy.portable_allowed("screenconnect", Some("ws-2")));
    assert!(!policy.portable_allowed("atera", Some("adm-2")));
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    assert!(policy.networks.is_internal(ip("10.9.9.9")));
    assert!(!policy.networks.is_internal(ip("8.8.8.8")));
    assert!(policy.networks.is_approved_path(ip("10.8.1.1")));
    assert!(policy.networks.is_approved_path(ip("10.1.2.3")));
    assert!(!policy.networks.is_approved_path(ip("10.9.1.1")));
}

#[test]
fn exclusions_apply_until_they_expire() {
    let policy = Policy::parse(POLICY).unwrap();
    let hit = policy.exclusion_for("E005", Some("anydesk"), Some("lab-3"), None, today());
    assert_eq!(hit.map(|e| e.reason.as_str()), Some("lab"));
    assert!(
        policy
            .exclusion_for("E006", Some("anydesk"), Some("lab-3"), None, today())
            .is_none()
    );
    assert!(
        policy
            .exclusion_for("E005", Some("anydesk"), Some("ws-3"), None, today())
            .is_none()
    );
    // The anydesk exclusion expired in 2020.
    assert!(
        policy
            .exclusion_for("E003", Some("anydesk"), Some("ws-3"), None, today())
            .is_none()
    );
}

#[test]
fn check_reports_unknown_tools_and_expired_exclusions() {
    let known = |id: &str| matches!(id, "atera" | "screenconnect");
    let diagnostics = Policy::check(POLICY, &known, today()).unwrap();
    let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "32:1: error: unknown tool \"anydesk\": see `rmmguard catalog list`",
            "32:1: warning: exclusion expired on 2020-01-01 and no longer applies",
        ]
    );
}

fn first_error(text: &str) -> String {
    match Policy::parse(text) {
        Ok(_) => panic!("policy should not parse"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn errors_have_line_and_column() {
    assert_eq!(
        first_error("[networks]\ninternal = [\"10.0.0.0/33\"]\n"),
        "2:13: error: \"10.0.0.0/33\" is not a CIDR block (like 10.8.0.0/16) or an IP"
    );
    assert_eq!(
        first_error("[[authorized]]\ntool = \"x\"\nportible = true\n"),
        "3:1: error: unknown field `portible`, expected one of `tool`, `tenants`, `hosts`, `portable`, `reason`"
    );
    assert_eq!(
        first_error("[[authorized]]\ntool = \"x\"\nhosts = [\"group:nope\"]\n"),
        "3:10: error: unknown host group \"nope\": define it under [host_groups]"
    );
    assert_eq!(
        first_error("[[exclusion]]\ntool = \"x\"\nreason = \"r\"\n"),
        "1:1: error: an exclusion needs an expiry date (expires = 2027-01-31)"
    );
    assert_eq!(
        first_error("version = 2\n"),
        "1:11: error: policy format version 2 is not supported (this rmmguard reads version 1)"
    );
    assert_eq!(
        first_error("[networks\n"),
        "1:10: error: invalid table header\nexpected `.`, `]`"
    );
}

#[test]
fn empty_policy_authorizes_nothing() {
    let policy = Policy::parse("").unwrap();
    assert_eq!(
        policy.judge("anydesk", Some("h"), None),
        Verdict::NotAuthorized
    );
}

#[test]
fn authorized_hosts_as_written() {
    let policy = Policy::parse(POLICY).unwrap();
    let hosts: Vec<Vec<String>> = policy.authorized().iter().map(Authorized::hosts).collect();
    assert_eq!(hosts, [vec![], vec!["group:it".to_owned()]]);
}
