//! AppLocker: an Exe rule collection that allows authorized tools by
//! publisher (signer + product) and denies every other catalog tool by
//! publisher (signer + product: a signer alone may sign other software),
//! by path in user-writable folders (the AA23-025A portable pattern, also
//! applied to authorized tools the policy does not allow portably), and by
//! file name anywhere when no publisher rule is possible.
//!
//! An Exe collection with rules denies everything it does not allow, so the
//! policy carries Microsoft's default rules unless told to leave them out.
//! Deny beats allow in AppLocker. Rule ids are GUIDs derived from the rule.

use std::fmt::Write as _;

use crate::grammar;
use crate::scope::{Scope, ToolScope, policy_reason};
use crate::text::xml_attr;
use crate::{AppLockerDefaults, AppLockerMode, Note, Output, OutputFile, Reason, Target, uuid};

/// Everyone.
const EVERYONE: &str = "S-1-1-0";
/// BUILTIN\Administrators.
const ADMINISTRATORS: &str = "S-1-5-32-544";

/// Folders any user can write to, as AppLocker path prefixes; the tool's
/// file name follows. `*` spans folders.
const USER_WRITABLE: &[&str] = &[r"%OSDRIVE%\Users\*\", r"%WINDIR%\Temp\*"];

pub(crate) fn generate(scope: &Scope<'_>) -> Output {
    let mut rules: Vec<Rule> = Vec::new();
    let mut warnings: Vec<Note> = Vec::new();
    for tool in &scope.tools {
        check_values(tool, scope, &mut warnings);
    }
    if scope.options.applocker_defaults == AppLockerDefaults::Include {
        default_rules(&mut rules);
    }
    let authorized_names: Vec<String> = scope
        .tools
        .iter()
        .filter(|tool| tool.is_authorized())
        .flat_map(|tool| tool.tool.binaries.names.iter().map(|n| n.to_lowercase()))
        .collect();
    // Signer and product pairs of authorized tools: never denied, whichever
    // other catalog entry names them too.
    let authorized_pairs: Vec<(String, String)> = scope
        .tools
        .iter()
        .filter(|tool| tool.is_authorized())
        .flat_map(|tool| publisher_pairs(tool))
        .map(|(signer, product)| (signer.to_lowercase(), product.to_lowercase()))
        .collect();
    for tool in &scope.tools {
        if tool.is_authorized() {
            allow_rules(tool, scope, &mut rules);
            if !tool.portable() {
                path_rules(
                    tool,
                    scope,
                    &authorized_names,
                    PathScope::UserWritable,
                    &mut rules,
                );
            }
        } else {
            let has_publisher_rule =
                deny_publisher_rules(tool, scope, &authorized_pairs, &mut rules);
            path_rules(
                tool,
                scope,
                &authorized_names,
                PathScope::UserWritable,
                &mut rules,
            );
            if !has_publisher_rule {
                path_rules(
                    tool,
                    scope,
                    &authorized_names,
                    PathScope::Anywhere,
                    &mut rules,
                );
            }
        }
    }
    // The same rule can come from two catalog facts (two name globs that
    // differ only by `?`): keep one, with both reasons.
    let mut unique: Vec<Rule> = Vec::with_capacity(rules.len());
    for rule in rules {
        match unique.iter_mut().find(|kept| kept.id == rule.id) {
            Some(kept) => kept.reasons.extend(rule.reasons),
            None => unique.push(rule),
        }
    }
    let rules = unique;
    let mode = match scope.options.applocker_mode {
        AppLockerMode::Audit => "AuditOnly",
        AppLockerMode::Enforce => "Enabled",
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!--\n");
    for line in scope.options.provenance.lines(Target::Applocker.name()) {
        // XML comments cannot hold "--".
        let _ = writeln!(out, "  {}", crate::text::xml_comment(&line));
    }
    out.push_str(
        "  Apply with Set-AppLockerPolicy -XmlPolicy FILE [-Merge], or import into a GPO\n  \
         (Computer Configuration > Windows Settings > Security Settings > Application Control Policies).\n  \
         AuditOnly logs to Microsoft-Windows-AppLocker/EXE and DLL (event 8003) without blocking.\n-->\n\
         <AppLockerPolicy Version=\"1\">\n",
    );
    let _ = writeln!(
        out,
        "  <RuleCollection Type=\"Exe\" EnforcementMode=\"{mode}\">"
    );
    let mut notes = Vec::new();
    for rule in &rules {
        rule.render(&mut out);
        notes.push(Note {
            rule: format!("{} {}", rule.id, rule.name),
            reasons: rule.reasons.clone(),
        });
    }
    out.push_str("  </RuleCollection>\n</AppLockerPolicy>\n");
    Output {
        files: vec![OutputFile {
            name: Target::Applocker.default_file_name().to_owned(),
            text: out,
        }],
        notes,
        remarks: Vec::new(),
        warnings,
    }
}

/// Warns about the tool's names, signers and products that fail their
/// grammar; the rule builders below leave them out.
fn check_values(tool: &ToolScope<'_>, scope: &Scope<'_>, warnings: &mut Vec<Note>) {
    let binaries = &tool.tool.binaries;
    let lists: [(&str, &[String], grammar::Check); 3] = [
        ("binaries.names", &binaries.names, grammar::file_name),
        ("binaries.signers", &binaries.signers, grammar::name_text),
        ("binaries.products", &binaries.products, grammar::name_text),
    ];
    for (field, values, check) in lists {
        for value in values {
            if let Err(why) = check(value) {
                warnings.push(Note {
                    rule: format!("skipped: {field} {value:?} of {}: {why}", tool.tool.id),
                    reasons: vec![tool.reason(field, value, scope)],
                });
            }
        }
    }
}

fn valid_names<'t>(tool: &'t ToolScope<'_>) -> impl Iterator<Item = &'t String> {
    tool.tool
        .binaries
        .names
        .iter()
        .filter(|name| grammar::file_name(name).is_ok())
}

struct Rule {
    id: String,
    name: String,
    description: String,
    sid: &'static str,
    allow: bool,
    condition: Condition,
    reasons: Vec<Reason>,
}

enum Condition {
    Path(String),
    Publisher { publisher: String, product: String },
}

impl Rule {
    fn new(
        name: String,
        description: String,
        sid: &'static str,
        allow: bool,
        condition: Condition,
        reasons: Vec<Reason>,
    ) -> Rule {
        let identity = match &condition {
            Condition::Path(path) => format!("{allow} {sid} path {}", path.to_lowercase()),
            Condition::Publisher { publisher, product } => {
                format!("{allow} {sid} publisher {publisher} {product}")
            }
        };
        Rule {
            id: uuid::from_name("rmmguard applocker", &identity),
            name,
            description,
            sid,
            allow,
            condition,
            reasons,
        }
    }

    fn render(&self, out: &mut String) {
        let element = match self.condition {
            Condition::Path(_) => "FilePathRule",
            Condition::Publisher { .. } => "FilePublisherRule",
        };
        let action = if self.allow { "Allow" } else { "Deny" };
        let _ = writeln!(
            out,
            "    <{element} Id=\"{}\" Name=\"{}\" Description=\"{}\" UserOrGroupSid=\"{}\" Action=\"{action}\">\n      <Conditions>",
            self.id,
            xml_attr(&self.name),
            xml_attr(&self.description),
            self.sid
        );
        match &self.condition {
            Condition::Path(path) => {
                let _ = writeln!(
                    out,
                    "        <FilePathCondition Path=\"{}\" />",
                    xml_attr(path)
                );
            }
            Condition::Publisher { publisher, product } => {
                let _ = writeln!(
                    out,
                    "        <FilePublisherCondition PublisherName=\"{}\" ProductName=\"{}\" BinaryName=\"*\">\n          \
                     <BinaryVersionRange LowSection=\"*\" HighSection=\"*\" />\n        </FilePublisherCondition>",
                    xml_attr(publisher),
                    xml_attr(product)
                );
            }
        }
        let _ = writeln!(out, "      </Conditions>\n    </{element}>");
    }
}

fn default_rules(rules: &mut Vec<Rule>) {
    for (name, sid, path) in [
        (
            "(Default Rule) All files located in the Program Files folder",
            EVERYONE,
            r"%PROGRAMFILES%\*",
        ),
        (
            "(Default Rule) All files located in the Windows folder",
            EVERYONE,
            r"%WINDIR%\*",
        ),
        ("(Default Rule) All files", ADMINISTRATORS, "*"),
    ] {
        let reason = policy_reason(
            "--applocker-defaults",
            "include",
            "the Exe collection denies what it does not allow",
        );
        rules.push(Rule::new(
            name.to_owned(),
            "Microsoft's default rule, so that the collection does not block Windows itself."
                .to_owned(),
            sid,
            true,
            Condition::Path(path.to_owned()),
            vec![reason],
        ));
    }
}

/// The AppLocker form of a signer: the full subject from the options, or
/// `O=<SIGNER>` (quoted as Windows quotes it when it holds a comma).
fn publisher_name(signer: &str, scope: &Scope<'_>) -> String {
    let mapped = scope
        .options
        .publishers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(signer))
        .map(|(_, subject)| subject.clone());
    if let Some(subject) = mapped {
        return subject;
    }
    let upper = signer.to_uppercase();
    if upper.contains([',', '+', '=', '"', ';', '<', '>']) {
        format!("O=\"{}\"", upper.replace('"', "\"\""))
    } else {
        format!("O={upper}")
    }
}

fn publisher_pairs<'t>(tool: &'t ToolScope<'_>) -> Vec<(&'t str, &'t str)> {
    let binaries = &tool.tool.binaries;
    binaries
        .signers
        .iter()
        .filter(|signer| grammar::name_text(signer).is_ok())
        .flat_map(|signer| {
            binaries
                .products
                .iter()
                .filter(|product| grammar::name_text(product).is_ok())
                .map(move |product| (signer.as_str(), product.as_str()))
        })
        .collect()
}

fn allow_rules(tool: &ToolScope<'_>, scope: &Scope<'_>, rules: &mut Vec<Rule>) {
    let hosts = tool.host_limits();
    let signers = tool
        .tool
        .binaries
        .signers
        .iter()
        .filter(|signer| grammar::name_text(signer).is_ok());
    for signer in signers {
        let products: Vec<&str> = if tool.tool.binaries.products.is_empty() {
            vec!["*"]
        } else {
            tool.tool
                .binaries
                .products
                .iter()
                .filter(|product| grammar::name_text(product).is_ok())
                .map(String::as_str)
                .collect()
        };
        for product in products {
            let mut reasons = vec![tool.reason("binaries.signers", signer, scope)];
            if !hosts.is_empty() {
                reasons.push(tool.reason_with(
                    "hosts",
                    &hosts.join(", "),
                    "authorized on these hosts only: link this policy to their GPO".to_owned(),
                ));
            }
            rules.push(Rule::new(
                format!("rmmguard: allow {} ({signer}, {product})", tool.tool.name),
                format!(
                    "Authorized by the policy (line {}).",
                    tool.line().unwrap_or(0)
                ),
                EVERYONE,
                true,
                Condition::Publisher {
                    publisher: publisher_name(signer, scope),
                    product: product.to_uppercase(),
                },
                reasons,
            ));
        }
    }
}

/// Deny rules by signer and product; whether there was any.
fn deny_publisher_rules(
    tool: &ToolScope<'_>,
    scope: &Scope<'_>,
    authorized_pairs: &[(String, String)],
    rules: &mut Vec<Rule>,
) -> bool {
    let pairs: Vec<(&str, &str)> = publisher_pairs(tool)
        .into_iter()
        .filter(|(signer, product)| {
            !authorized_pairs.contains(&(signer.to_lowercase(), product.to_lowercase()))
        })
        .collect();
    for (signer, product) in &pairs {
        let reasons = vec![
            tool.reason("binaries.signers", signer, scope),
            tool.reason("binaries.products", product, scope),
        ];
        rules.push(Rule::new(
            format!("rmmguard: deny {} ({signer}, {product})", tool.tool.name),
            format!("{} is {}.", tool.tool.name, scope.blocked_because()),
            EVERYONE,
            false,
            Condition::Publisher {
                publisher: publisher_name(signer, scope),
                product: product.to_uppercase(),
            },
            reasons,
        ));
    }
    !pairs.is_empty()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PathScope {
    UserWritable,
    Anywhere,
}

fn path_rules(
    tool: &ToolScope<'_>,
    scope: &Scope<'_>,
    authorized_names: &[String],
    where_: PathScope,
    rules: &mut Vec<Rule>,
) {
    for name in valid_names(tool) {
        // AppLocker paths know `*` only.
        let pattern = name.replace('?', "*");
        if !tool.is_authorized()
            && authorized_names
                .iter()
                .any(|own| globs_overlap(&pattern.to_lowercase(), own))
        {
            continue;
        }
        let (prefixes, why): (&[&str], String) = match where_ {
            PathScope::UserWritable if tool.is_authorized() => (
                USER_WRITABLE,
                format!(
                    "{} is authorized (policy line {}) but not to run portably",
                    tool.tool.id,
                    tool.line().unwrap_or(0)
                ),
            ),
            PathScope::UserWritable => (
                USER_WRITABLE,
                format!("{} is {}", tool.tool.id, scope.blocked_because()),
            ),
            PathScope::Anywhere => (
                &["*\\"],
                format!(
                    "{} is {}; no signer and product to deny by publisher",
                    tool.tool.id,
                    scope.blocked_because()
                ),
            ),
        };
        for prefix in prefixes {
            let path = format!("{prefix}{pattern}");
            let label = match where_ {
                PathScope::UserWritable => "in user-writable folders",
                PathScope::Anywhere => "anywhere, by file name",
            };
            rules.push(Rule::new(
                format!("rmmguard: deny {} {label} ({path})", tool.tool.name),
                format!("{why}."),
                EVERYONE,
                false,
                Condition::Path(path),
                vec![tool.reason_with("binaries.names", name, why.clone())],
            ));
        }
    }
}

/// Whether two `*`/`?` globs (lower-case) could name the same file: each
/// side is tried against the other with its wildcards taken literally.
fn globs_overlap(a: &str, b: &str) -> bool {
    glob_match(a, &b.replace(['*', '?'], "")) || glob_match(b, &a.replace(['*', '?'], ""))
}

/// `*` and `?` glob match over bytes.
fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_pi, star_ti)) = star {
            pi = star_pi + 1;
            ti = star_ti + 1;
            star = Some((star_pi, star_ti + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("anydesk*.exe", "anydesk-1.exe"));
        assert!(!glob_match("anydesk*.exe", "anydesk.msi"));
        assert!(glob_match("a?c", "abc"));
        assert!(globs_overlap("winvnc*.exe", "winvnc.exe"));
        assert!(!globs_overlap("tvnserver.exe", "winvnc.exe"));
    }
}
