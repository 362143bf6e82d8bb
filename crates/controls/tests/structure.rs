//! Structure and stability: the AppLocker XML checked element by element,
//! byte-identical output for the same inputs, the header, and `--explain`.

mod common;

use std::collections::BTreeSet;

use common::{generate, generate_with, text};
use rmmguard_controls::{AppLockerDefaults, AppLockerMode, Target};

struct AppLockerRule {
    element: String,
    name: String,
    action: String,
    path: Option<String>,
    publisher: Option<(String, String)>,
}

/// Parses the policy and checks every structural rule AppLocker imposes;
/// returns the rules for semantic checks.
fn applocker_rules(xml: &str, mode: &str) -> Vec<AppLockerRule> {
    let document = roxmltree::Document::parse(xml).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "AppLockerPolicy");
    assert_eq!(root.attribute("Version"), Some("1"));
    let collections: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(collections.len(), 1, "one rule collection");
    let collection = collections[0];
    assert_eq!(collection.tag_name().name(), "RuleCollection");
    assert_eq!(collection.attribute("Type"), Some("Exe"));
    assert_eq!(collection.attribute("EnforcementMode"), Some(mode));
    let mut ids = BTreeSet::new();
    let mut rules = Vec::new();
    for rule in collection.children().filter(|n| n.is_element()) {
        let element = rule.tag_name().name().to_owned();
        assert!(
            matches!(element.as_str(), "FilePathRule" | "FilePublisherRule"),
            "{element}"
        );
        let id = rule.attribute("Id").expect("Id");
        assert!(is_guid(id), "{id} is not a GUID");
        assert!(ids.insert(id.to_owned()), "duplicate Id {id}");
        let name = rule.attribute("Name").expect("Name").to_owned();
        assert!(!name.is_empty());
        assert!(
            rule.attribute("Description").is_some_and(|d| !d.is_empty()),
            "{name}: Description"
        );
        let sid = rule.attribute("UserOrGroupSid").expect("UserOrGroupSid");
        assert!(
            sid.starts_with("S-1-") && sid[4..].split('-').all(|p| p.parse::<u64>().is_ok()),
            "{sid}"
        );
        let action = rule.attribute("Action").expect("Action").to_owned();
        assert!(action == "Allow" || action == "Deny", "{action}");
        let children: Vec<_> = rule.children().filter(|n| n.is_element()).collect();
        assert_eq!(children.len(), 1, "{name}: only Conditions");
        assert_eq!(children[0].tag_name().name(), "Conditions");
        let conditions: Vec<_> = children[0].children().filter(|n| n.is_element()).collect();
        assert_eq!(conditions.len(), 1, "{name}: exactly one condition");
        let condition = conditions[0];
        let (mut path, mut publisher) = (None, None);
        match (element.as_str(), condition.tag_name().name()) {
            ("FilePathRule", "FilePathCondition") => {
                let value = condition.attribute("Path").expect("Path");
                assert!(
                    !value.is_empty() && !value.contains('?'),
                    "{name}: Path {value:?}"
                );
                assert_eq!(condition.attributes().count(), 1);
                path = Some(value.to_owned());
            }
            ("FilePublisherRule", "FilePublisherCondition") => {
                let publisher_name = condition.attribute("PublisherName").expect("PublisherName");
                let product = condition.attribute("ProductName").expect("ProductName");
                assert_eq!(condition.attribute("BinaryName"), Some("*"));
                assert!(
                    publisher_name.starts_with("O=") && publisher_name.len() > 2,
                    "{publisher_name}"
                );
                assert!(!product.is_empty());
                let ranges: Vec<_> = condition.children().filter(|n| n.is_element()).collect();
                assert_eq!(ranges.len(), 1, "{name}: one BinaryVersionRange");
                assert_eq!(ranges[0].tag_name().name(), "BinaryVersionRange");
                assert_eq!(ranges[0].attribute("LowSection"), Some("*"));
                assert_eq!(ranges[0].attribute("HighSection"), Some("*"));
                publisher = Some((publisher_name.to_owned(), product.to_owned()));
            }
            (rule_kind, condition_kind) => panic!("{name}: {condition_kind} in a {rule_kind}"),
        }
        rules.push(AppLockerRule {
            element,
            name,
            action,
            path,
            publisher,
        });
    }
    rules
}

fn is_guid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[test]
fn applocker_policy_is_well_formed_and_follows_the_policy() {
    let rules = applocker_rules(text(&generate(Target::Applocker)), "AuditOnly");
    let find = |action: &str, needle: &str| {
        rules
            .iter()
            .filter(|r| r.action == action && r.name.contains(needle))
            .count()
    };
    // Defaults, so that the collection does not block Windows.
    assert_eq!(
        rules
            .iter()
            .filter(|r| r.name.starts_with("(Default Rule)"))
            .count(),
        3
    );
    // Authorized tools are allowed by publisher and product.
    let screenconnect = rules
        .iter()
        .find(|r| r.action == "Allow" && r.name.contains("ScreenConnect"))
        .expect("ScreenConnect allow rule");
    assert_eq!(screenconnect.element, "FilePublisherRule");
    assert_eq!(
        screenconnect.publisher,
        Some((
            "O=\"CONNECTWISE, LLC\"".to_owned(),
            "SCREENCONNECT".to_owned()
        ))
    );
    // ScreenConnect may not run portably; TeamViewer may (portable = true).
    assert!(find("Deny", "ScreenConnect in user-writable folders") > 0);
    assert_eq!(find("Deny", "TeamViewer"), 0);
    // Unauthorized tools: by publisher and product, and by path.
    let anydesk_publisher = rules
        .iter()
        .find(|r| r.action == "Deny" && r.publisher.as_ref().is_some_and(|p| p.1 == "ANYDESK"))
        .expect("AnyDesk deny by publisher");
    assert_eq!(
        anydesk_publisher.publisher.as_ref().unwrap().0,
        "O=ANYDESK SOFTWARE GMBH"
    );
    assert!(rules.iter().any(
        |r| r.path.as_deref() == Some(r"%OSDRIVE%\Users\*\AnyDesk.exe") && r.action == "Deny"
    ));
    // No deny rule names a whole publisher: a signer may sign other software.
    assert!(
        rules
            .iter()
            .filter(|r| r.action == "Deny")
            .all(|r| r.publisher.as_ref().is_none_or(|p| p.1 != "*"))
    );
    // A tool with no signer and product (Datto RMM) falls back to its file name.
    assert!(
        rules
            .iter()
            .any(|r| r.action == "Deny" && r.path.as_deref() == Some(r"*\AEMAgent.exe"))
    );
    // Authorized tools' own names are never denied for everyone.
    assert!(
        !rules
            .iter()
            .any(|r| r.action == "Deny" && r.path.as_deref() == Some(r"*\TeamViewer.exe"))
    );
}

#[test]
fn applocker_modes_defaults_and_publisher_subjects() {
    let output = generate_with(Target::Applocker, |o| {
        o.applocker_mode = AppLockerMode::Enforce;
        o.applocker_defaults = AppLockerDefaults::Omit;
        o.publishers.insert(
            "anydesk software gmbh".to_owned(),
            "O=ANYDESK SOFTWARE GMBH, L=STUTTGART, S=BADEN-WÜRTTEMBERG, C=DE".to_owned(),
        );
    });
    let rules = applocker_rules(text(&output), "Enabled");
    assert!(!rules.iter().any(|r| r.name.starts_with("(Default Rule)")));
    assert!(
        rules
            .iter()
            .any(|r| r.publisher.as_ref().is_some_and(|p| p.0
                == "O=ANYDESK SOFTWARE GMBH, L=STUTTGART, S=BADEN-WÜRTTEMBERG, C=DE"
                && p.1 == "ANYDESK"))
    );
}

#[test]
fn outputs_are_byte_identical_for_the_same_inputs() {
    for target in Target::ALL {
        let first = generate(*target);
        let second = generate(*target);
        assert_eq!(first, second, "{target} is not stable");
    }
}

#[test]
fn every_output_starts_with_the_provenance_header() {
    let policy_hash = rmmguard_controls::sha256_hex(common::policy_text().as_bytes());
    let version = common::catalog().version().to_owned();
    for target in Target::ALL {
        let output = generate(*target);
        for file in &output.files {
            let head: String = file.text.lines().take(12).collect::<Vec<_>>().join("\n");
            for needle in [
                format!("(controls, format {target})"),
                format!("Catalog: {version} (82 tools)"),
                format!("Policy: sha256:{policy_hash}"),
                "Generated at: 2026-11-26T00:00:00Z".to_owned(),
            ] {
                assert!(
                    head.contains(&needle),
                    "{target} {}: {needle} missing from\n{head}",
                    file.name
                );
            }
        }
    }
}

#[test]
fn dns_outputs_are_sorted_by_reversed_labels() {
    let output = generate(Target::Rpz);
    let owners: Vec<String> = text(&output)
        .split("; Blocks.\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| {
            l.split(' ')
                .next()
                .unwrap()
                .trim_start_matches("*.")
                .to_owned()
        })
        .collect();
    let keys: Vec<Vec<&str>> = owners.iter().map(|o| o.rsplit('.').collect()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(owners.len() > 250, "{}", owners.len());
}

#[test]
fn explain_names_the_catalog_field_and_the_policy_line() {
    let policy = common::policy_text();
    let line = policy
        .lines()
        .position(|l| l.starts_with("tool = \"screenconnect\""))
        .expect("screenconnect entry")
        // The policy names an entry by the 1-based line of its `tool` value.
        + 1;
    let explain = generate(Target::Nftables).explain();
    let expected = format!(
        "set rmm_tcp_approved_only element 8040-8041\n    \
         because catalog screenconnect network.ports \"tcp/8040\" (built-in catalog/screenconnect.toml): screenconnect is authorized (policy line {line}): open only from the approved paths\n    \
         because catalog screenconnect network.ports \"tcp/8041\" (built-in catalog/screenconnect.toml): screenconnect is authorized (policy line {line}): open only from the approved paths\n"
    );
    assert!(explain.contains(&expected), "{explain}");
    let rpz = generate(Target::Rpz).explain();
    assert!(
        rpz.contains(&format!(
            "acme.screenconnect.com CNAME rpz-passthru.\n    because catalog screenconnect tenants \"acme.screenconnect.com\": \
             authorized tenant of screenconnect (policy line {line}): carved out\n"
        )),
        "{rpz}"
    );
    assert!(rpz.contains("\nLeft out:\n"), "{rpz}");
}

#[test]
fn the_builtin_catalog_passes_every_grammar() {
    // Grammar warnings are for hostile or broken imports: the catalog we
    // ship must never trip them (broad-block warnings are another matter).
    for target in Target::ALL {
        let output = generate(*target);
        let skipped: Vec<&str> = output
            .warnings
            .iter()
            .map(|w| w.rule.as_str())
            .filter(|rule| rule.starts_with("skipped:"))
            .collect();
        assert!(skipped.is_empty(), "{target}: {skipped:#?}");
    }
}
