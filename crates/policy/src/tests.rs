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

const RULES: &[&str] = &["E003", "E004", "E005", "E015"];

fn today() -> Date {
    Date::new(2026, 11, 26).unwrap()
}

fn context<'a>(known: &'a dyn Fn(&str) -> bool) -> Context<'a> {
    Context {
        known_tool: known,
        rule_ids: RULES,
        today: today(),
    }
}

/// Every diagnostic of `text`, checked with the tools `atera`,
/// `screenconnect` and `teamviewer` known.
fn check(text: &str) -> Vec<String> {
    let known = |id: &str| matches!(id, "atera" | "screenconnect" | "teamviewer");
    match Policy::check_with(text, &context(&known)) {
        Ok(diagnostics) => diagnostics.iter().map(ToString::to_string).collect(),
        Err(error) => vec![format!("syntax: {error}")],
    }
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
    // The anydesk exclusion expired in 2020: it no longer applies, and
    // `hunt` names it when it reports what it would have covered.
    assert!(
        policy
            .exclusion_for("E003", Some("anydesk"), Some("ws-3"), None, today())
            .is_none()
    );
    let expired =
        policy.expired_exclusion_for("E003", Some("anydesk"), Some("ws-3"), None, today());
    assert_eq!(expired.map(|e| (e.line, e.column)), Some((32, 1)));
    assert!(
        policy
            .expired_exclusion_for("E003", Some("teamviewer"), Some("ws-3"), None, today())
            .is_none()
    );
    let listed: Vec<String> = policy
        .expired_exclusions(today())
        .map(Exclusion::scope)
        .collect();
    assert_eq!(listed, ["tool anydesk"]);
    assert_eq!(policy.exclusions()[0].scope(), "rule E005, host LAB-*");
}

#[test]
fn check_reports_unknown_tools_and_expired_exclusions() {
    assert_eq!(
        check(POLICY),
        [
            "33:8: error: unknown tool \"anydesk\": see `rmmguard catalog list`",
            "35:11: warning: exclusion expired on 2020-01-01 and no longer applies",
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
        "3:1: error: unknown field `portible`, expected one of `tool`, `tenants`, `any_tenant`, `hosts`, `portable`, `reason`"
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
        "1:10: error: unclosed table, expected `]`"
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

#[test]
fn a_screenconnect_cloud_instance_without_its_relay_is_a_warning() {
    let policy = |tenants: &str| {
        format!("version = 1\n[[authorized]]\ntool = \"screenconnect\"\ntenants = [{tenants}]\n")
    };
    assert_eq!(
        check(&policy("\"Acme.screenconnect.com\"")),
        [
            "4:12: warning: \"Acme.screenconnect.com\" is a ScreenConnect cloud instance; its clients \
             connect to its relay (instance-<id>-relay.screenconnect.com), which is not listed, so they \
             would be reported as a foreign tenant (E004): add the relay too (`rmmguard audit \
             --write-policy` writes the relay it sees)"
        ]
    );
    for fine in [
        "\"acme.screenconnect.com\", \"instance-7k2pq9-relay.screenconnect.com\"",
        "\"acme.screenconnect.com\", \"*.screenconnect.com\"",
        "\"support.acme.example\"",
    ] {
        assert_eq!(check(&policy(fine)), Vec::<String>::new(), "{fine}");
    }
}

#[test]
fn an_empty_tenant_list_is_an_error_unless_any_tenant_is_said() {
    let empty = "version = 1\n[[authorized]]\ntool = \"screenconnect\"\ntenants = []\n";
    assert_eq!(
        check(empty),
        [
            "4:11: error: `tenants = []` would accept any tenant of \"screenconnect\", a foreign instance included: list the tenants, instances or relays that are yours, or write `any_tenant = true` if any will do"
        ]
    );
    assert!(Policy::parse(empty).is_err(), "parse refuses it too");
    let any =
        "version = 1\n[[authorized]]\ntool = \"screenconnect\"\ntenants = []\nany_tenant = true\n";
    assert_eq!(
        check(any),
        [
            "5:14: warning: \"screenconnect\" is authorized with any tenant: a foreign instance or relay of it counts as authorized (no E004 finding)"
        ]
    );
    let policy = Policy::parse(any).unwrap();
    assert_eq!(
        policy.judge("screenconnect", Some("ws-1"), Some("relay.crook.example")),
        Verdict::Authorized
    );
    assert!(policy.authorized()[0].any_tenant);
    let both = "version = 1\n[[authorized]]\ntool = \"screenconnect\"\ntenants = [\"a.example\"]\nany_tenant = true\n";
    assert_eq!(
        check(both),
        ["5:14: error: `any_tenant = true` contradicts the tenants listed: keep one of the two"]
    );
    let omitted = "version = 1\n[[authorized]]\ntool = \"teamviewer\"\n";
    assert_eq!(
        check(omitted),
        [
            "3:8: warning: \"teamviewer\" lists no tenants, so any tenant is accepted, a foreign instance included: list yours under `tenants`, or write `any_tenant = true` to say so"
        ]
    );
    let listed = "version = 1\n[[authorized]]\ntool = \"teamviewer\"\ntenants = [\"123456789\"]\nany_tenant = false\n";
    assert_eq!(check(listed), Vec::<String>::new());
}

#[test]
fn unknown_rule_ids_are_errors() {
    let text = "version = 1\n\
                [[exclusion]]\nrule = \"E999\"\nreason = \"r\"\nexpires = 2099-01-01\n\
                [[exclusion]]\nrule = \"e005\"\nreason = \"r\"\nexpires = 2099-01-01\n";
    assert_eq!(
        check(text),
        [
            "3:8: error: unknown rule \"E999\": an exclusion for it would never apply; see `rmmguard rules`"
        ]
    );
    // Without a context (library text), rule ids are not known and not checked.
    let policy = Policy::parse(text).unwrap();
    assert_eq!(policy.exclusions().len(), 2);
    assert!(
        policy
            .exclusion_for("E005", None, None, None, today())
            .is_some_and(|e| e.line == 6)
    );
}

#[test]
fn approved_paths_and_internal_ranges_that_cover_the_internet() {
    let text = "version = 1\n[networks]\n\
                approved = [\"0.0.0.0/0\", \"::/0\", \"10.0.0.0/12\", \"2001:db8::/24\", \"10.8.0.0/16\", \"8.0.0.0/7\"]\n\
                internal = [\"0.0.0.0/0\", \"10.0.0.0/8\", \"fc00::/7\", \"::/1\"]\n\
                jump_hosts = [\"0.0.0.0\", \"10.1.2.3\"]\n";
    assert_eq!(
        check(text),
        [
            "3:13: error: 0.0.0.0/0 as an approved path approves sessions from most of the Internet (4,294,967,296 addresses) and exempts it from every RMM port block; list the VPN or VDI subnets themselves",
            "3:26: error: ::/0 as an approved path approves sessions from most of the Internet (2^128 addresses) and exempts it from every RMM port block; list the VPN or VDI subnets themselves",
            "3:34: warning: 10.0.0.0/12 is a very broad approved path (1,048,576 addresses): RMM sessions from anywhere in it count as approved, and `controls` exempts it from RMM port blocks; list the VPN or VDI subnets themselves",
            "3:49: warning: 2001:d00::/24 is a very broad approved path (2^104 addresses): RMM sessions from anywhere in it count as approved, and `controls` exempts it from RMM port blocks; list the VPN or VDI subnets themselves",
            "3:81: error: 8.0.0.0/7 as an approved path approves sessions from most of the Internet (33,554,432 addresses) and exempts it from every RMM port block; list the VPN or VDI subnets themselves",
            "4:13: error: 0.0.0.0/0 as an internal range makes most of the Internet internal (4,294,967,296 addresses), so no traffic would cross the perimeter; list your own ranges",
            "4:52: error: ::/1 as an internal range makes most of the Internet internal (2^127 addresses), so no traffic would cross the perimeter; list your own ranges",
            "5:15: error: jump host 0.0.0.0 is the unspecified address, not a host",
        ]
    );
    let fine = "version = 1\n[networks]\napproved = [\"10.8.0.0/16\"]\ninternal = [\"10.0.0.0/8\", \"fc00::/7\"]\n";
    assert_eq!(check(fine), Vec::<String>::new());
}

#[test]
fn a_missing_version_is_an_error_for_files() {
    let text = "[[authorized]]\ntool = \"atera\"\ntenants = [\"x@y.example\"]\n";
    assert_eq!(
        check(text),
        ["1:1: error: the policy does not say its format version: add `version = 1` at the top"]
    );
    assert!(
        Policy::parse(text).is_ok(),
        "text built by programs needs none"
    );
}

#[test]
fn every_bad_glob_and_every_problem_of_an_entry_is_reported() {
    let text = "version = 1\n\
                [host_groups]\nlab = [\"lab-[\", \"group:x\", \"lab-{a\"]\n\
                [[authorized]]\ntool = \"atera\"\nhosts = [\"ws-[\", \"group:nope\", \"it-*\", \"db-[x\"]\ntenants = [\"[bad\", \"good.example\", \"{x\"]\n\
                [[exclusion]]\nrule = \"E404\"\ntool = \"nonesuch\"\nhost = \"group:missing\"\n";
    assert_eq!(
        check(text),
        [
            "3:8: error: bad pattern \"lab-[\": unclosed character class; missing ']'",
            "3:17: error: a host group cannot contain another group",
            "3:28: error: bad pattern \"lab-{a\": unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)",
            "6:10: error: bad pattern \"ws-[\": unclosed character class; missing ']'",
            "6:18: error: unknown host group \"nope\": define it under [host_groups]",
            "6:40: error: bad pattern \"db-[x\": unclosed character class; missing ']'",
            "7:12: error: bad pattern \"[bad\": unclosed character class; missing ']'",
            "7:36: error: bad pattern \"{x\": unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)",
            "8:1: error: an exclusion needs a reason",
            "8:1: error: an exclusion needs an expiry date (expires = 2027-01-31)",
            "9:8: error: unknown rule \"E404\": an exclusion for it would never apply; see `rmmguard rules`",
            "10:8: error: unknown tool \"nonesuch\": see `rmmguard catalog list`",
            "11:8: error: unknown host group \"missing\": define it under [host_groups]",
        ]
    );
    match Policy::parse(text) {
        Err(Error::Invalid(errors)) => assert_eq!(errors.len(), 11, "all but the context checks"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn load_returns_the_policy_with_its_warnings_or_every_error() {
    let known = |id: &str| matches!(id, "atera" | "screenconnect");
    let (policy, warnings) = Policy::load(
        POLICY.replace("anydesk", "atera").as_str(),
        &context(&known),
    )
    .unwrap();
    assert_eq!(policy.authorized().len(), 2);
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["35:11: warning: exclusion expired on 2020-01-01 and no longer applies"]
    );
    let error = Policy::load(POLICY, &context(&known)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "33:8: error: unknown tool \"anydesk\": see `rmmguard catalog list`"
    );
    let two = "[[authorized]]\ntool = \"x\"\ntenants = []\n";
    assert_eq!(
        Policy::load(two, &context(&known)).unwrap_err().to_string(),
        "1:1: error: the policy does not say its format version: add `version = 1` at the top\n\
         2:8: error: unknown tool \"x\": see `rmmguard catalog list`\n\
         3:11: error: `tenants = []` would accept any tenant of \"x\", a foreign instance included: list the tenants, instances or relays that are yours, or write `any_tenant = true` if any will do"
    );
}

#[test]
fn allowed_tenants_are_listed_up_to_a_bound() {
    let tenants: Vec<String> = (0..25).map(|i| format!("\"t{i:02}.example\"")).collect();
    let text = format!(
        "[[authorized]]\ntool = \"atera\"\ntenants = [{}]\n",
        tenants.join(", ")
    );
    let policy = Policy::parse(&text).unwrap();
    let Verdict::TenantNotAllowed { allowed } = policy.judge("atera", Some("h"), Some("crook"))
    else {
        panic!("a foreign tenant");
    };
    assert_eq!(allowed.len(), ALLOWED_SHOWN + 1);
    assert_eq!(allowed[0], "t00.example");
    assert_eq!(allowed[ALLOWED_SHOWN - 1], "t09.example");
    assert_eq!(allowed[ALLOWED_SHOWN], "…");
    assert_eq!(
        policy.judge("atera", Some("h"), Some("T24.example")),
        Verdict::Authorized
    );
}

/// The policy as the crate judged it before the globs were indexed: every
/// entry's globs compiled on their own and tried one by one. The indexed
/// policy must give the same answers.
mod naive {
    use globset::{Glob, GlobMatcher};

    pub struct Entry {
        pub tool: &'static str,
        pub tenants: Vec<&'static str>,
        pub hosts: Vec<&'static str>,
        pub portable: bool,
    }

    pub struct Exclusion {
        pub rule: Option<&'static str>,
        pub tool: Option<&'static str>,
        pub host: Option<&'static str>,
        pub tenant: Option<&'static str>,
        pub expired: bool,
    }

    pub struct Naive<'a> {
        pub groups: &'a [(&'static str, Vec<&'static str>)],
        pub entries: &'a [Entry],
        pub exclusions: &'a [Exclusion],
    }

    fn glob(pattern: &str) -> GlobMatcher {
        Glob::new(&pattern.to_lowercase())
            .unwrap()
            .compile_matcher()
    }

    impl Naive<'_> {
        fn host_matches(&self, pattern: &str, host: Option<&str>) -> bool {
            let Some(host) = host else { return false };
            let host = host.to_lowercase();
            let short = host.split('.').next().unwrap_or(&host).to_owned();
            let one = |g: &str| glob(g).is_match(&host) || glob(g).is_match(&short);
            match pattern.strip_prefix("group:") {
                Some(name) => self
                    .groups
                    .iter()
                    .filter(|(group, _)| *group == name)
                    .any(|(_, members)| members.iter().any(|m| one(m))),
                None => one(pattern),
            }
        }

        pub fn judge(&self, tool: &str, host: Option<&str>, tenant: Option<&str>) -> String {
            let entries: Vec<&Entry> = self.entries.iter().filter(|e| e.tool == tool).collect();
            if entries.is_empty() {
                return "NotAuthorized".into();
            }
            let on_host: Vec<&Entry> = entries
                .into_iter()
                .filter(|e| {
                    e.hosts.is_empty() || e.hosts.iter().any(|h| self.host_matches(h, host))
                })
                .collect();
            if on_host.is_empty() {
                return "HostNotAllowed".into();
            }
            let Some(tenant) = tenant else {
                return "Authorized".into();
            };
            let tenant = tenant.to_lowercase();
            if on_host.iter().any(|e| {
                e.tenants.is_empty() || e.tenants.iter().any(|t| glob(t).is_match(&tenant))
            }) {
                return "Authorized".into();
            }
            let mut allowed: Vec<String> = on_host
                .iter()
                .flat_map(|e| e.tenants.iter().map(|t| t.to_string()))
                .collect();
            if allowed.len() > super::ALLOWED_SHOWN {
                allowed.truncate(super::ALLOWED_SHOWN);
                allowed.push("…".into());
            }
            format!("TenantNotAllowed {allowed:?}")
        }

        pub fn portable(&self, tool: &str, host: Option<&str>) -> bool {
            self.entries.iter().any(|e| {
                e.tool == tool
                    && e.portable
                    && (e.hosts.is_empty() || e.hosts.iter().any(|h| self.host_matches(h, host)))
            })
        }

        pub fn exclusion(
            &self,
            rule: &str,
            tool: Option<&str>,
            host: Option<&str>,
            tenant: Option<&str>,
            expired: bool,
        ) -> Option<usize> {
            self.exclusions.iter().position(|e| {
                e.expired == expired
                    && e.rule.is_none_or(|r| r.eq_ignore_ascii_case(rule))
                    && e.tool.is_none_or(|t| Some(t) == tool)
                    && e.tenant
                        .is_none_or(|t| tenant.is_some_and(|own| own.eq_ignore_ascii_case(t)))
                    && e.host.is_none_or(|h| self.host_matches(h, host))
            })
        }
    }
}

/// A tiny deterministic generator (xorshift), so the comparison covers many
/// combinations without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn some<T: Copy>(&mut self, items: &[T], most: usize) -> Vec<T> {
        let n = (self.next() % (most as u64 + 1)) as usize;
        (0..n).map(|_| self.pick(items)).collect()
    }
}

#[test]
fn indexed_globs_give_the_answers_of_globs_tried_one_by_one() {
    use naive::{Entry, Exclusion as NaiveExclusion, Naive};
    const HOSTS: &[&str] = &[
        "ws-1",
        "WS-1",
        "ws-*",
        "*.corp.example",
        "it-??",
        "*",
        "group:it",
        "group:lab",
        "adm-*",
        "db-[0-9]*",
        "*-srv",
        "mail.corp.example",
        "{web,db}-*",
        "ws-1*",
    ];
    const TENANTS: &[&str] = &[
        "support.acme.example",
        "*.acme.example",
        "msp@*",
        "relay-?.example",
        "X*",
        "*",
        "t1.example",
    ];
    const TOOLS: &[&str] = &["atera", "screenconnect", "anydesk"];
    const RULE: &[Option<&str>] = &[None, Some("E003"), Some("e004"), Some("E005")];
    let groups = vec![
        ("it", vec!["IT-*", "adm-*", "ws-1"]),
        ("lab", vec!["lab-?", "*.lab.corp.example"]),
    ];
    let queries_hosts = [
        None,
        Some("ws-1"),
        Some("WS-1.corp.example"),
        Some("ws-12"),
        Some("it-77"),
        Some("IT-7.corp.example"),
        Some("adm-x"),
        Some("db-9"),
        Some("web-3"),
        Some("mail-srv"),
        Some("lab-1"),
        Some("x.lab.corp.example"),
        Some("mail.corp.example"),
        Some("other"),
    ];
    let query_tenants = [
        None,
        Some("support.acme.example"),
        Some("evil.example"),
        Some("msp@acme"),
        Some("relay-1.example"),
        Some("x-tenant"),
        Some("T1.example"),
    ];
    for seed in 1..=40u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let entries: Vec<Entry> = (0..1 + rng.next() % 6)
            .map(|_| Entry {
                tool: rng.pick(TOOLS),
                tenants: rng.some(TENANTS, 3),
                hosts: rng.some(HOSTS, 3),
                portable: rng.next().is_multiple_of(2),
            })
            .collect();
        let exclusions: Vec<NaiveExclusion> = (0..rng.next() % 5)
            .map(|_| {
                let mut e = NaiveExclusion {
                    rule: rng.pick(RULE),
                    tool: rng.pick(&[None, Some("atera"), Some("anydesk")]),
                    host: rng.pick(&[None, Some("ws-*"), Some("group:it"), Some("lab-1")]),
                    tenant: rng.pick(&[None, Some("Support.acme.example")]),
                    expired: rng.next().is_multiple_of(3),
                };
                if e.rule.is_none() && e.tool.is_none() && e.host.is_none() && e.tenant.is_none() {
                    e.rule = Some("E005");
                }
                e
            })
            .collect();
        let mut text = String::from("version = 1\n[host_groups]\n");
        for (name, members) in &groups {
            text += &format!("{name} = {members:?}\n");
        }
        for entry in &entries {
            text += &format!(
                "[[authorized]]\ntool = {:?}\nhosts = {:?}\n",
                entry.tool, entry.hosts
            );
            if entry.tenants.is_empty() {
                text += "any_tenant = true\n";
            } else {
                text += &format!("tenants = {:?}\n", entry.tenants);
            }
            text += &format!("portable = {}\n", entry.portable);
        }
        for e in &exclusions {
            text += "[[exclusion]]\nreason = \"r\"\n";
            text += if e.expired {
                "expires = 2020-01-01\n"
            } else {
                "expires = 2099-01-01\n"
            };
            for (key, value) in [
                ("rule", e.rule),
                ("tool", e.tool),
                ("host", e.host),
                ("tenant", e.tenant),
            ] {
                if let Some(value) = value {
                    text += &format!("{key} = {value:?}\n");
                }
            }
        }
        let policy = Policy::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let naive = Naive {
            groups: &groups,
            entries: &entries,
            exclusions: &exclusions,
        };
        for tool in TOOLS {
            for host in queries_hosts {
                assert_eq!(
                    policy.portable_allowed(tool, host),
                    naive.portable(tool, host),
                    "seed {seed}: portable {tool} {host:?}\n{text}"
                );
                for tenant in query_tenants {
                    let got = match policy.judge(tool, host, tenant) {
                        Verdict::TenantNotAllowed { allowed } => {
                            format!("TenantNotAllowed {allowed:?}")
                        }
                        other => format!("{other:?}"),
                    };
                    assert_eq!(
                        got,
                        naive.judge(tool, host, tenant),
                        "seed {seed}: judge {tool} {host:?} {tenant:?}\n{text}"
                    );
                    for rule in ["E003", "E004", "E005"] {
                        let index = |e: Option<&Exclusion>| {
                            e.and_then(|e| {
                                policy
                                    .exclusions()
                                    .iter()
                                    .position(|own| std::ptr::eq(own, e))
                            })
                        };
                        let tool = Some(*tool);
                        assert_eq!(
                            index(policy.exclusion_for(rule, tool, host, tenant, today())),
                            naive.exclusion(rule, tool, host, tenant, false),
                            "seed {seed}: exclusion {rule} {tool:?} {host:?} {tenant:?}\n{text}"
                        );
                        assert_eq!(
                            index(policy.expired_exclusion_for(rule, tool, host, tenant, today())),
                            naive.exclusion(rule, tool, host, tenant, true),
                            "seed {seed}: expired exclusion {rule} {tool:?} {host:?} {tenant:?}\n{text}"
                        );
                    }
                }
            }
        }
    }
}
