//! Hostile catalog and policy values cannot inject into any controls
//! format. A LOLRMM-imported tool whose domains, addresses, names, signers,
//! products, services, installers, certificate subjects, fingerprints and
//! command-line tells carry `;` `}` newlines quotes `$(…)` backticks `\`
//! misplaced `*` `..` NUL, over-long labels and non-ASCII names, plus a
//! display name and options full of metacharacters, must give outputs that:
//!
//! * pass the real tools (`nft -c`, `iptables-restore --test`,
//!   `named-checkzone -k fail`, `unbound-checkconf`, `xmllint`,
//!   `sigma check` and `sigma convert`), and for the formats whose tool
//!   Debian 12 does not ship (Suricata, PowerShell) a strict parser of the
//!   syntax the generator may write;
//! * never contain a rejected value (each carries the marker `pwn`);
//! * list every rejected value among the warnings, with its tool and source.

mod common;

use common::{check_iptables, check_nft, check_sigma, check_unbound, check_xml, check_zone, text};
use rmmguard_catalog::{Catalog, parse_tool};
use rmmguard_controls::{DnsAnswer, FactSource, Options, Output, Provenance, Sinkhole, Target};
use rmmguard_policy::Policy;

/// The hostile tool, as a LOLRMM import would store it. Every value with
/// `pwn` in it must be rejected; the others are legal and must come out
/// quoted. TOML escapes keep the file itself readable.
const EVIL_TOOL: &str = r#"
id = "evil-tool"
name = "Evil \"Tool\"; }{ $(id) `id` ' \\ -- */* <!-- ]]> \n#x \u2028 ’"
category = "remote-desktop"
origin = "lolrmm"
lolrmm = ["evil.yaml"]

[binaries]
names = [
    "EvilTool.exe",
    "Evil's Helper.exe",
    "pwn;rm -rf.exe",
    "pwn\".exe",
    "..\\pwn\\x.exe",
    "$(pwn).exe",
    "`pwn`.exe",
    "pwnline\n.exe",
    "pwnnul\u0000.exe",
    "pwn}brace.exe",
    "*.exe",
]
original_file_names = ["EvilTool.exe", "pwn\nlevel: low", "pwn\u2028sep", "pwn\"dq"]
products = ["Evil Tool", "pwn\" or \"1", "pwn$(x)"]
signers = ["Evil Software, Inc.", "pwn\"/><FilePathRule", "pwn\u0000nul", "pwn<!--"]

[install]
services = ["EvilSvc*", "pwn\"; Stop-Service x", "pwn\\svc"]
installers = ["EvilSetup*.msi", "pwn.msi;rm", "pwn/../x.msi", "pwn|pipe.msi"]

[network]
domains = [
    "evil-tool.example.com",
    "*.evil-tool.example.net",
    "relay-*.evil-tool.example.org",
    "pwn_under.example.com",
    "-pwnlead.example.com",
    "pwntrail-.example.com",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaapwn.example.com",
    "pwn",
    "*.pwn",
    "pwn.*",
    "*pwn*.com",
    "pwn**.x.com",
]
ports = ["tcp/40404", "tcp/22", "udp/53"]
addresses = [
    "45.33.32.156",
    "1.2.3.4; pwn",
    "pwn",
    "1.2.3.4\npwn",
    "0.0.0.0/0",
    "10.0.0.1",
    "127.0.0.1",
    "::1",
    "8.0.0.0/8",
]

[network.tls]
cert_subjects = ["CN=evil-tool.example.com, O=Evil", "CN=pwn|3B|", "CN=pwn\"; sid:1;", "CN=pwn\\"]
ja3 = ["0123456789abcdef0123456789abcdef", "pwn\"; sid:1;"]

[[tell]]
kind = "silent-install"
all = ["--evil-silent"]

[[tell]]
kind = "password-set"
all = ["--pwn\npass", "pwnnul\u0000"]

[[tell]]
kind = "password-set"
all = ["–pwndash"]
"#;

/// The policy: the hostile tool is not authorized; ScreenConnect is, for a
/// tenant list that holds a value trying to break out of a DNS record.
const POLICY: &str = r#"version = 1

[networks]
internal = ["10.0.0.0/8"]
approved = ["10.8.0.0/16"]

[[authorized]]
tool = "screenconnect"
tenants = ["acme.screenconnect.com"]

[[authorized]]
tool = "atera"
tenants = ["pwn\n* CNAME rpz-passthru."]
"#;

fn catalog() -> Catalog {
    let evil = parse_tool("evil-tool.toml", EVIL_TOOL).expect("the hostile tool parses as TOML");
    let mut tools = common::catalog().tools().to_vec();
    tools.push(evil);
    Catalog::new("test+lolrmm".to_owned(), tools).expect("the catalog's own checks pass")
}

fn options(catalog: &Catalog) -> Options {
    let at = jiff::Timestamp::from_second(common::GENERATED_AT).expect("timestamp");
    let mut options = Options::new(Provenance::new(catalog, Some(POLICY), at));
    options.imported_ports = true;
    options.firewall_group = "grp'; Remove-Item C:\\ -Recurse; '‘".to_owned();
    options.publishers.insert(
        "Evil Software, Inc.".to_owned(),
        "O=EVIL\"/><x a='1'>&amp;, C=DE".to_owned(),
    );
    options
}

fn generate(target: Target, tweak: impl FnOnce(&mut Options)) -> Output {
    let catalog = catalog();
    let policy = Policy::parse(POLICY).expect("policy parses");
    let mut options = options(&catalog);
    tweak(&mut options);
    target
        .generate(&catalog, &policy, &options)
        .unwrap_or_else(|e| panic!("{target}: {e}"))
}

/// The values of EVIL_TOOL with the marker, as the catalog holds them.
fn rejected_values() -> Vec<String> {
    let evil = parse_tool("evil-tool.toml", EVIL_TOOL).unwrap();
    let b = &evil.binaries;
    let i = &evil.install;
    let n = &evil.network;
    b.names
        .iter()
        .chain(&b.original_file_names)
        .chain(&b.products)
        .chain(&b.signers)
        .chain(&i.services)
        .chain(&i.installers)
        .chain(&n.domains)
        .chain(&n.addresses)
        .chain(&n.tls.cert_subjects)
        .chain(&n.tls.ja3)
        .chain(evil.tells.iter().flat_map(|t| t.all.iter()))
        .filter(|v| v.contains("pwn"))
        .cloned()
        .collect()
}

fn all_outputs() -> Vec<(Target, Output)> {
    let mut outputs: Vec<(Target, Output)> = Target::ALL
        .iter()
        .map(|target| (*target, generate(*target, |_| {})))
        .collect();
    outputs.push((
        Target::Rpz,
        generate(Target::Rpz, |o| {
            o.dns_answer = DnsAnswer::Sinkhole(Sinkhole {
                v4: Some("192.0.2.53".parse().unwrap()),
                v6: Some("2001:db8::53".parse().unwrap()),
            })
        }),
    ));
    outputs
}

#[test]
fn rejected_values_never_reach_an_output_and_are_listed_with_their_source() {
    let outputs = all_outputs();
    for (target, output) in &outputs {
        for file in &output.files {
            assert!(
                !file.text.to_lowercase().contains("pwn"),
                "{target} {} holds a rejected value:\n{}",
                file.name,
                file.text
                    .lines()
                    .filter(|l| l.to_lowercase().contains("pwn"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            for (forbidden, why) in [
                ("0.0.0.0/0", "a catch-all address block"),
                ("8.0.0.0/8", "a /8 vendor block"),
                ("\\*.exe", "a deny of every program"),
            ] {
                assert!(
                    !file.text.contains(&format!("\"{forbidden}\""))
                        && !file.text.contains(&format!("{forbidden} comment")),
                    "{target}: {why}"
                );
            }
        }
    }
    // Each rejected value is listed by the outputs that would use it.
    let mut listed: Vec<String> = Vec::new();
    for (_, output) in &outputs {
        for warning in &output.warnings {
            if !warning.rule.starts_with("skipped: ") {
                continue;
            }
            let reason = &warning.reasons[0];
            if reason.tool.as_deref() == Some("evil-tool") {
                assert_eq!(
                    reason.source,
                    Some(FactSource::Lolrmm {
                        files: "evil.yaml".to_owned()
                    }),
                    "{}",
                    warning.rule
                );
                assert!(
                    output.explain().contains("(LOLRMM import evil.yaml)"),
                    "explain names the source"
                );
            }
            listed.push(warning.rule.clone());
        }
    }
    for value in rejected_values() {
        let quoted = format!("{value:?}");
        assert!(
            listed.iter().any(|rule| rule.contains(&quoted)),
            "{quoted} is not listed among the warnings:\n{listed:#?}"
        );
    }
}

#[test]
fn hostile_outputs_pass_the_real_tools() {
    for (target, output) in all_outputs() {
        match target {
            Target::Nftables => check_nft(text(&output)),
            Target::Iptables => check_iptables(text(&output), false),
            Target::Ip6tables => check_iptables(text(&output), true),
            Target::Rpz => {
                check_zone(text(&output));
            }
            Target::Unbound => check_unbound(text(&output)),
            Target::Applocker => {
                check_xml(text(&output));
                roxmltree::Document::parse(text(&output)).expect("AppLocker XML parses");
            }
            Target::Sigma => {
                let evil: Vec<_> = output
                    .files
                    .iter()
                    .filter(|f| f.name.contains("evil_tool"))
                    .cloned()
                    .collect();
                assert!(evil.len() >= 4, "{} evil-tool rules", evil.len());
                assert_eq!(check_sigma(&evil), evil.len(), "one query per rule");
            }
            Target::Suricata => suricata_strict(text(&output)),
            Target::WindowsFirewall => powershell_strict(text(&output)),
            Target::Hosts => hosts_strict(text(&output)),
        }
    }
}

/// A hosts file: comments, or an address and one LDH name.
fn hosts_strict(text: &str) {
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 2, "{line}");
        assert!(parts[0].parse::<std::net::IpAddr>().is_ok(), "{line}");
        assert!(
            parts[1]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'),
            "{line}"
        );
    }
}

// ---------------------------------------------------------------- Suricata

const SURICATA_KEYWORDS: &[&str] = &[
    "msg",
    "flow",
    "flags",
    "dns.query",
    "tls.sni",
    "content",
    "nocase",
    "bsize",
    "endswith",
    "dotprefix",
    "pcre",
    "tls.cert_subject",
    "ja3.hash",
    "http.uri",
    "threshold",
    "classtype",
    "sid",
    "rev",
    "metadata",
];

/// Parses each rule the way Suricata splits one: header, then options
/// separated by `;` that no backslash escapes; every keyword must be one
/// the generator writes, quoted values must hold no unescaped quote, and
/// content hex runs must be hex pairs.
fn suricata_strict(text: &str) {
    let mut count = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        count += 1;
        let open = line
            .find(" (")
            .unwrap_or_else(|| panic!("no options: {line}"));
        let header: Vec<&str> = line[..open].split(' ').collect();
        assert_eq!(header.len(), 7, "{line}");
        assert!(matches!(header[0], "alert" | "drop"), "{line}");
        assert!(
            matches!(header[1], "tcp" | "udp" | "dns" | "tls" | "http" | "ip"),
            "{line}"
        );
        for address in [header[2], header[5]] {
            assert!(
                address
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"$_[]!,.:/".contains(&b)),
                "address {address}: {line}"
            );
        }
        for port in [header[3], header[6]] {
            assert!(
                port == "any" || port.bytes().all(|b| b.is_ascii_digit() || b == b':'),
                "port {port}: {line}"
            );
        }
        assert_eq!(header[4], "->");
        let body = line[open + 2..]
            .strip_suffix(')')
            .unwrap_or_else(|| panic!("unclosed: {line}"));
        for option in split_options(body) {
            let (keyword, value) = match option.split_once(':') {
                Some((k, v)) => (k.trim(), Some(v)),
                None => (option.trim(), None),
            };
            assert!(
                SURICATA_KEYWORDS.contains(&keyword),
                "unknown keyword {keyword:?} (injected?): {line}"
            );
            if let Some(value) = value
                && matches!(keyword, "msg" | "content" | "pcre")
            {
                let inner = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_prefix('!').map_or(Some(v), Some))
                    .and_then(|v| v.strip_suffix('"'))
                    .or_else(|| value.strip_prefix("!\"").and_then(|v| v.strip_suffix('"')))
                    .unwrap_or_else(|| panic!("{keyword} not quoted: {line}"));
                let bytes = inner.as_bytes();
                for (index, byte) in bytes.iter().enumerate() {
                    let escaped = index > 0 && bytes[index - 1] == b'\\';
                    assert!(
                        *byte != b'"' || escaped,
                        "unescaped quote in {keyword}: {line}"
                    );
                    assert!(byte.is_ascii() && !byte.is_ascii_control(), "{line}");
                }
                if keyword == "content" {
                    for (index, run) in inner.split('|').enumerate() {
                        if index % 2 == 1 {
                            assert!(
                                run.split(' ').all(|pair| pair.len() == 2
                                    && pair.bytes().all(|b| b.is_ascii_hexdigit())),
                                "hex run {run:?}: {line}"
                            );
                        } else {
                            assert!(!run.contains(['"', ';', '\\']), "content {run:?}: {line}");
                        }
                    }
                }
            }
        }
    }
    assert!(count > 100, "{count} rules");
}

/// Splits an option list at each `;` no backslash escapes.
fn split_options(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in body.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            current.push(c);
            escaped = true;
        } else if c == ';' {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    assert!(
        current.trim().is_empty(),
        "text after the last ';': {current:?}"
    );
    out
}

// ---------------------------------------------------------------- PowerShell

/// PowerShell's single-quote characters: a quote ends a string unless the
/// next character is one of them too (an escaped quote).
fn is_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}')
}

/// One token of a generated PowerShell line.
#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Quoted,
}

/// Tokenizes a line as PowerShell would split it into words and
/// single-quoted strings; panics on anything else (a double quote, a `$(`,
/// a backtick, a `;` or a lone `|` outside a string).
fn tokens(line: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            continue;
        }
        if is_quote(c) {
            loop {
                match chars.next() {
                    Some(q) if is_quote(q) => {
                        if chars.peek().copied().is_some_and(is_quote) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    Some(inner) => assert!(!inner.is_control(), "control in a string: {line}"),
                    None => panic!("unterminated string: {line}"),
                }
            }
            out.push(Token::Quoted);
            continue;
        }
        let mut word = String::from(c);
        while let Some(&next) = chars.peek() {
            if next == ' ' || is_quote(next) {
                break;
            }
            word.push(next);
            chars.next();
        }
        assert!(
            word.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-$@(),|#=".contains(c)),
            "unexpected word {word:?}: {line}"
        );
        out.push(Token::Word(word));
    }
    out
}

/// Every word a generated `New-NetFirewallRule` line holds outside its strings.
const POWERSHELL_WORDS: &[&str] = &[
    "New-NetFirewallRule",
    "-Group",
    "$Group",
    "-Name",
    "-DisplayName",
    "-Description",
    "-Direction",
    "Outbound",
    "Inbound",
    "-Protocol",
    "TCP",
    "UDP",
    "Any",
    "-RemotePort",
    "-LocalPort",
    "-RemoteAddress",
    "-LocalAddress",
    "@(",
    ",",
    ")",
    "-Action",
    "Block",
    "-Profile",
    "Private,",
    "Public",
    "-Enabled",
    "True",
    "|",
    "Out-Null",
];

fn powershell_strict(text: &str) {
    let mut rules = 0;
    for line in text.lines() {
        if line.starts_with('#') || line.is_empty() {
            // A comment line holds no line break (it is a line), so it ends here.
            continue;
        }
        let words = tokens(line);
        let word = |index: usize| match words.get(index) {
            Some(Token::Word(w)) => w.as_str(),
            _ => "",
        };
        match word(0) {
            "$ErrorActionPreference" | "$Group" => {
                assert_eq!(words.len(), 3, "{line}");
                assert_eq!(word(1), "=");
                assert_eq!(words[2], Token::Quoted, "{line}");
            }
            "Get-NetFirewallRule" => assert_eq!(
                line,
                "Get-NetFirewallRule -Group $Group -ErrorAction SilentlyContinue | Remove-NetFirewallRule"
            ),
            "New-NetFirewallRule" => {
                rules += 1;
                assert_eq!(
                    &words[words.len() - 2..],
                    [Token::Word("|".into()), Token::Word("Out-Null".into())],
                    "{line}"
                );
                // Outside its strings, a rule holds only these words: any
                // other is code that escaped a string.
                for token in &words {
                    if let Token::Word(w) = token {
                        assert!(
                            POWERSHELL_WORDS.contains(&w.as_str()),
                            "word {w:?} outside a string (injected?): {line}"
                        );
                    }
                }
            }
            other => panic!("unexpected statement {other:?}: {line}"),
        }
    }
    assert!(rules > 20, "{rules} rules");
}
