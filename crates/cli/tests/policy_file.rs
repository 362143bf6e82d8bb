//! Policy files as `policy check` and `hunt` read them (issue 13): traps
//! that used to pass as "ok" are errors with line and column, `hunt`
//! refuses them, and an expired exclusion is named, never ignored silently.

mod common;

use std::fs;

use common::rmmguard;

const TRAPS: &str = r#"[networks]
approved = ["0.0.0.0/0"]

[[authorized]]
tool = "screenconnect"
tenants = []
hosts = ["ws-[", "db-{x"]

[[exclusion]]
rule = "E099"
reason = "typo"
expires = 2099-01-01
"#;

#[test]
fn issue_13_policy_traps_are_errors_in_check_and_hunt() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("traps.toml");
    fs::write(&file, TRAPS).unwrap();
    let name = file.display().to_string();
    let check = rmmguard(data.path(), &["policy", "check", &name]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let lines: Vec<&str> = check.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "{name}:1:1: error: the policy does not say its format version: add `version = 1` at the top"
            ),
            format!(
                "{name}:2:13: error: 0.0.0.0/0 as an approved path approves sessions from most of the Internet (4,294,967,296 addresses) and exempts it from every RMM port block; list the VPN or VDI subnets themselves"
            ),
            format!(
                "{name}:6:11: error: `tenants = []` would accept any tenant of \"screenconnect\", a foreign instance included: list the tenants, instances or relays that are yours, or write `any_tenant = true` if any will do"
            ),
            format!(
                "{name}:7:10: error: bad pattern \"ws-[\": unclosed character class; missing ']'"
            ),
            format!(
                "{name}:7:18: error: bad pattern \"db-{{x\": unclosed alternate group; missing '}}' (maybe escape '{{' with '[{{]'?)"
            ),
            format!(
                "{name}:10:8: error: unknown rule \"E099\": an exclusion for it would never apply; see `rmmguard rules`"
            ),
            format!("{name}: 6 errors, 0 warnings"),
        ]
    );
    let hunt = rmmguard(
        data.path(),
        &["hunt", "-q", "--policy", &name, "examples/evidence/jsonl"],
    );
    assert_eq!(hunt.code, 2, "{}", hunt.stderr);
    assert!(
        hunt.stderr.starts_with(&format!(
            "rmmguard: error: invalid policy {name} (`rmmguard policy check` lists warnings too):\n{name}:1:1: error: the policy does not say its format version"
        )),
        "{}",
        hunt.stderr
    );
    assert_eq!(
        hunt.stderr.matches(": error: ").count(),
        7,
        "{}",
        hunt.stderr
    );
    assert!(hunt.stdout.is_empty(), "{}", hunt.stdout);
}

#[test]
fn issue_13_any_tenant_must_be_said_and_warns() {
    let data = tempfile::tempdir().unwrap();
    let check = rmmguard(data.path(), &["policy", "check", "examples/policy.toml"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_eq!(check.stdout, "examples/policy.toml: ok (1 warning)\n");
    assert!(
        check.stderr.starts_with(
            "examples/policy.toml:68:14: warning: \"teamviewer\" is authorized with any tenant"
        ),
        "{}",
        check.stderr
    );
}

const EXPIRING: &str = r#"version = 1

[[authorized]]
tool = "atera"
tenants = ["ops@northwind-msp.example"]

[[exclusion]]
rule = "E003"
tool = "anydesk"
host = "HQ-WS-*"
reason = "pilot on the HQ desks"
expires = 2026-01-31
"#;

/// The E003 findings about AnyDesk, by host, of a JSON-lines output.
fn anydesk_e003(jsonl: &str) -> Vec<String> {
    let mut hosts: Vec<String> = jsonl
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|f| f["rule_id"] == "E003" && f["tool"] == "anydesk")
        .map(|f| f["host"].as_str().unwrap_or("").to_owned())
        .collect();
    hosts.sort();
    hosts
}

#[test]
fn issue_13_hunt_names_an_expired_exclusion_and_reports_what_it_covered() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expiring.toml");
    fs::write(&file, EXPIRING).unwrap();
    let name = file.display().to_string();
    let hunt = |today: &str| {
        rmmguard(
            data.path(),
            &[
                "hunt",
                "-q",
                "--today",
                today,
                "--policy",
                &name,
                "--jsonl",
                "-",
                "examples/evidence/jsonl",
            ],
        )
    };
    let in_force = hunt("2026-01-31");
    assert_eq!(in_force.code, 0, "{}", in_force.stderr);
    assert_eq!(anydesk_e003(&in_force.stdout), Vec::<String>::new());
    assert_eq!(in_force.stderr, "");
    let expired = hunt("2026-02-01");
    assert_eq!(expired.code, 0, "{}", expired.stderr);
    assert_eq!(
        anydesk_e003(&expired.stdout),
        ["HQ-WS-001.contoso.local", "HQ-WS-002.contoso.local"]
    );
    assert_eq!(
        expired.stderr,
        format!(
            "rmmguard: warning: {name}:7:1: the exclusion for rule E003, tool anydesk, host HQ-WS-* (\"pilot on the HQ desks\") expired on 2026-01-31 and no longer applies: 2 findings it would cover are reported; renew or remove it\n"
        )
    );
}
