//! Sigma: rmmguard's endpoint and DNS detections as Sigma rules, one file
//! per (detection rule, tool), for SIEMs that do not run rmmguard.
//!
//! The policy decides which rules exist: unauthorized tools get the
//! process, service, DNS, silent-install and download rules (E003, E010,
//! E008, E015); authorized tools get only what is suspicious even for an
//! approved tool: a foreign tenant in DNS (E004, with the authorized tenants
//! filtered out), a portable run when the policy does not allow one (E005),
//! a renamed binary (E006) and a password set on the command line (E009).
//! Rule ids are GUIDs derived from the rule's file name, so they stay the
//! same when the content changes.

use std::fmt::Write as _;

use rmmguard_catalog::{Field, TellKind};
use rmmguard_findings::Severity;
use rmmguard_findings::rules::{self, Rule as Detection};

use crate::dns::DnsPlan;
use crate::grammar;
use crate::scope::{Scope, ToolScope};
use crate::text::{sigma_literal, yaml};
use crate::{Note, Output, OutputFile, Reason, Target, uuid};

const ADVISORY: &str = "https://www.cisa.gov/news-events/cybersecurity-advisories/aa23-025a";

/// Folders a portable copy runs from (`Image|contains`).
const USER_WRITABLE: &[&str] = &[
    r"\Downloads\",
    r"\Desktop\",
    r"\Documents\",
    r"\AppData\",
    r"\Users\Public\",
    r"\Temp\",
];

pub(crate) fn generate(scope: &Scope<'_>) -> Output {
    let dns = DnsPlan::new(scope);
    let mut warnings = dns.warnings.clone();
    let mut rules = Vec::new();
    for tool in &scope.tools {
        check_values(tool, scope, &mut warnings);
        if tool.is_authorized() {
            dns_rule(tool, &dns, &mut rules);
            portable_rule(tool, &mut rules);
        } else {
            process_rule(tool, scope, &mut rules);
            service_rule(tool, scope, &mut rules);
            dns_rule(tool, &dns, &mut rules);
            tell_rules(tool, scope, TellKind::SilentInstall, &mut rules);
            dropped_rule(tool, scope, &mut rules);
        }
        renamed_rule(tool, &mut rules);
        tell_rules(tool, scope, TellKind::PasswordSet, &mut rules);
    }
    rules.sort_by(|a, b| a.stem.cmp(&b.stem));
    let header = scope.options.provenance.comment(Target::Sigma.name(), "#");
    let date = scope
        .options
        .provenance
        .generated_at
        .strftime("%Y-%m-%d")
        .to_string();
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for rule in rules {
        let text = format!("{header}{}", rule.render(&date));
        notes.push(Note {
            rule: format!("{}.yml: {}", rule.stem, rule.title),
            reasons: rule.reasons.clone(),
        });
        files.push(OutputFile {
            name: format!("{}.yml", rule.stem),
            text,
        });
    }
    Output {
        files,
        notes,
        remarks: Vec::new(),
        warnings,
    }
}

/// Warns about the tool's values that fail their grammar; the rule
/// builders below leave them out.
fn check_values(tool: &ToolScope<'_>, scope: &Scope<'_>, warnings: &mut Vec<Note>) {
    let binaries = &tool.tool.binaries;
    let install = &tool.tool.install;
    let lists: [(&str, &[String], grammar::Check); 5] = [
        ("binaries.names", &binaries.names, grammar::file_name),
        (
            "binaries.original_file_names",
            &binaries.original_file_names,
            grammar::name_text,
        ),
        ("binaries.products", &binaries.products, grammar::name_text),
        ("install.services", &install.services, service_name),
        (
            "install.installers",
            &install.installers,
            grammar::file_name,
        ),
    ];
    let mut bad = |field: &str, value: &str, why: String| {
        warnings.push(Note {
            rule: format!("skipped: {field} {value:?} of {}: {why}", tool.tool.id),
            reasons: vec![tool.reason(field, value, scope)],
        });
    };
    for (field, values, check) in lists {
        for value in values {
            if let Err(why) = check(value) {
                bad(field, value, why);
            }
        }
    }
    for tell in &tool.tool.tells {
        for fragment in tell.all.iter().chain(&tell.any) {
            if let Err(why) = grammar::command_fragment(fragment) {
                bad("tell", fragment, why);
            }
        }
    }
}

/// A service name: [`grammar::name_text`], and no `\` (its `*` and `?` are globs).
fn service_name(text: &str) -> Result<(), String> {
    grammar::name_text(text)?;
    if text.contains('\\') {
        return Err("'\\' is not allowed in a service name".into());
    }
    Ok(())
}

/// The values that pass `check`, as Sigma literals (no wildcards).
fn literals(values: &[String], check: grammar::Check) -> Vec<String> {
    values
        .iter()
        .filter(|value| check(value).is_ok())
        .map(|value| sigma_literal(value))
        .collect()
}

/// Whether every fragment of a tell passes the grammar.
fn tell_ok(tell: &rmmguard_catalog::Tell) -> bool {
    tell.all
        .iter()
        .chain(&tell.any)
        .all(|fragment| grammar::command_fragment(fragment).is_ok())
}

struct Rule {
    stem: String,
    title: String,
    description: String,
    detection: &'static Detection,
    logsource: Vec<(&'static str, &'static str)>,
    selections: Vec<Selection>,
    condition: String,
    falsepositives: Vec<String>,
    reasons: Vec<Reason>,
}

/// A named map of field (with modifiers) to values; values are OR-ed, fields AND-ed.
struct Selection {
    name: String,
    fields: Vec<(String, Vec<String>)>,
}

impl Selection {
    fn one(name: &str, field: &str, values: Vec<String>) -> Selection {
        Selection {
            name: name.to_owned(),
            fields: vec![(field.to_owned(), values)],
        }
    }
}

impl Rule {
    fn new(detection: &'static Detection, tool: &ToolScope<'_>, kind: &str) -> Rule {
        Rule {
            stem: format!(
                "rmmguard_{}_{}_{kind}",
                detection.id.to_lowercase(),
                tool.tool.id.replace(['-', '.'], "_")
            ),
            title: String::new(),
            description: String::new(),
            detection,
            logsource: Vec::new(),
            selections: Vec::new(),
            condition: String::new(),
            falsepositives: vec![first_sentence(detection.false_positives)],
            reasons: Vec::new(),
        }
    }

    fn render(&self, date: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "title: {}", yaml(&self.title));
        let _ = writeln!(out, "id: {}", uuid::from_name("rmmguard sigma", &self.stem));
        out.push_str("status: experimental\n");
        let _ = writeln!(out, "description: {}", yaml(&self.description));
        let _ = writeln!(out, "references:\n    - {}", yaml(ADVISORY));
        out.push_str("author: rmmguard\n");
        let _ = writeln!(out, "date: {date}");
        out.push_str("tags:\n");
        for tag in tags(self.detection.attack) {
            let _ = writeln!(out, "    - {tag}");
        }
        out.push_str("logsource:\n");
        for (key, value) in &self.logsource {
            let _ = writeln!(out, "    {key}: {value}");
        }
        out.push_str("detection:\n");
        for selection in &self.selections {
            let _ = writeln!(out, "    {}:", selection.name);
            for (field, values) in &selection.fields {
                // Event ids are numbers; everything else is a quoted string.
                let quote = |value: &String| {
                    if field == "EventID" {
                        value.clone()
                    } else {
                        yaml(value)
                    }
                };
                if let [value] = values.as_slice() {
                    let _ = writeln!(out, "        {field}: {}", quote(value));
                } else {
                    let _ = writeln!(out, "        {field}:");
                    for value in values {
                        let _ = writeln!(out, "            - {}", quote(value));
                    }
                }
            }
        }
        let _ = writeln!(out, "    condition: {}", self.condition);
        out.push_str("falsepositives:\n");
        for text in &self.falsepositives {
            let _ = writeln!(out, "    - {}", yaml(text));
        }
        let _ = writeln!(out, "level: {}", level(self.detection.severity));
        out
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "informational",
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

/// ATT&CK tags: the tactic(s) of the technique, then the technique.
fn tags(technique: &str) -> Vec<String> {
    let tactics: &[&str] = match technique.split('.').next().unwrap_or(technique) {
        "T1036" => &["defense-evasion"],
        "T1543" => &["persistence", "privilege-escalation"],
        "T1059" => &["execution"],
        "T1555" => &["credential-access"],
        _ => &["command-and-control"],
    };
    let mut tags: Vec<String> = tactics.iter().map(|t| format!("attack.{t}")).collect();
    tags.push(format!("attack.{}", technique.to_lowercase()));
    if technique != "T1219" {
        tags.push("attack.t1219".to_owned());
    }
    tags
}

fn first_sentence(text: &str) -> String {
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match squeezed.find(". ") {
        Some(end) => squeezed[..=end].to_owned(),
        None => squeezed,
    }
}

fn process_logsource() -> Vec<(&'static str, &'static str)> {
    vec![("category", "process_creation"), ("product", "windows")]
}

fn image_values(tool: &ToolScope<'_>) -> Vec<String> {
    tool.tool
        .binaries
        .names
        .iter()
        .filter(|name| grammar::file_name(name).is_ok())
        .map(|name| file_suffix(name))
        .collect()
}

/// An `endswith` value for a file name: `\name`, so `xAnyDesk.exe` does not
/// match; a name that starts with a wildcard already matches any folder
/// (and `\*` would be an escaped wildcard).
fn file_suffix(name: &str) -> String {
    if name.starts_with(['*', '?']) {
        name.to_owned()
    } else {
        format!("\\{name}")
    }
}

fn process_rule(tool: &ToolScope<'_>, scope: &Scope<'_>, rules: &mut Vec<Rule>) {
    let binaries = &tool.tool.binaries;
    let mut rule = Rule::new(rules::UNAUTHORIZED_RMM, tool, "process");
    let mut add =
        |name: &str, field: &str, values: Vec<String>, catalog_field: &str, raw: &[String]| {
            if values.is_empty() {
                return;
            }
            rule.selections.push(Selection::one(name, field, values));
            for value in raw {
                rule.reasons.push(tool.reason(catalog_field, value, scope));
            }
        };
    add(
        "selection_image",
        "Image|endswith",
        image_values(tool),
        "binaries.names",
        &binaries.names,
    );
    add(
        "selection_original",
        "OriginalFileName",
        literals(&binaries.original_file_names, grammar::name_text),
        "binaries.original_file_names",
        &binaries.original_file_names,
    );
    add(
        "selection_product",
        "Product",
        literals(&binaries.products, grammar::name_text),
        "binaries.products",
        &binaries.products,
    );
    if rule.selections.is_empty() {
        return;
    }
    rule.title = format!("{} started (unauthorized RMM tool)", tool.tool.name);
    rule.description = format!(
        "A process of {} started, by image name, OriginalFileName or product. The policy does not authorize it ({}).",
        tool.tool.name,
        scope.blocked_because()
    );
    rule.logsource = process_logsource();
    rule.condition = "1 of selection_*".to_owned();
    rules.push(rule);
}

fn renamed_rule(tool: &ToolScope<'_>, rules: &mut Vec<Rule>) {
    let binaries = &tool.tool.binaries;
    let originals = literals(&binaries.original_file_names, grammar::name_text);
    let names = image_values(tool);
    if originals.is_empty() || names.is_empty() {
        return;
    }
    let mut rule = Rule::new(rules::RENAMED_RMM, tool, "renamed");
    rule.title = format!("Renamed {} binary", tool.tool.name);
    rule.description = format!(
        "The PE OriginalFileName names {}, but the image name is none of its names: a copy renamed to hide.",
        tool.tool.name
    );
    rule.logsource = process_logsource();
    rule.selections
        .push(Selection::one("selection", "OriginalFileName", originals));
    rule.selections
        .push(Selection::one("filter_names", "Image|endswith", names));
    rule.condition = "selection and not filter_names".to_owned();
    for value in &binaries.original_file_names {
        rule.reasons.push(tool.reason_with(
            "binaries.original_file_names",
            value,
            "renaming is suspicious whether or not the tool is authorized".to_owned(),
        ));
    }
    rules.push(rule);
}

fn portable_rule(tool: &ToolScope<'_>, rules: &mut Vec<Rule>) {
    if tool.portable() || image_values(tool).is_empty() {
        return;
    }
    let mut rule = Rule::new(rules::PORTABLE_RMM, tool, "portable");
    rule.title = format!("{} run from a user-writable folder", tool.tool.name);
    rule.description = format!(
        "{} is authorized, but not to run portably: it started from a user-writable folder (the AA23-025A pattern).",
        tool.tool.name
    );
    rule.logsource = process_logsource();
    rule.selections.push(Selection::one(
        "selection_image",
        "Image|endswith",
        image_values(tool),
    ));
    rule.selections.push(Selection::one(
        "selection_folder",
        "Image|contains",
        USER_WRITABLE.iter().map(|s| (*s).to_owned()).collect(),
    ));
    rule.condition = "all of selection_*".to_owned();
    for name in &tool.tool.binaries.names {
        rule.reasons.push(tool.reason_with(
            "binaries.names",
            name,
            format!(
                "{} is authorized without portable = true (policy line {})",
                tool.tool.id,
                tool.line().unwrap_or(0)
            ),
        ));
    }
    rules.push(rule);
}

fn service_rule(tool: &ToolScope<'_>, scope: &Scope<'_>, rules: &mut Vec<Rule>) {
    let services: Vec<&String> = tool
        .tool
        .install
        .services
        .iter()
        .filter(|name| service_name(name).is_ok())
        .collect();
    if services.is_empty() {
        return;
    }
    let mut rule = Rule::new(rules::RMM_INSTALLED, tool, "service");
    rule.title = format!(
        "{} service installed (unauthorized RMM tool)",
        tool.tool.name
    );
    rule.description = format!(
        "A {} service was installed (System 7045). The policy does not authorize the tool.",
        tool.tool.name
    );
    rule.logsource = vec![("product", "windows"), ("service", "system")];
    rule.selections.push(Selection {
        name: "selection".to_owned(),
        fields: vec![
            (
                "Provider_Name".to_owned(),
                vec!["Service Control Manager".to_owned()],
            ),
            ("EventID".to_owned(), vec!["7045".to_owned()]),
        ],
    });
    // A name whose only wildcard is a trailing `*` is a prefix (Sigma style).
    let (prefixes, names): (Vec<&String>, Vec<&String>) = services
        .iter()
        .copied()
        .partition(|name| name.ends_with('*') && !name[..name.len() - 1].contains(['*', '?']));
    if !names.is_empty() {
        rule.selections.push(Selection::one(
            "selection_name",
            "ServiceName",
            names.into_iter().cloned().collect(),
        ));
    }
    if !prefixes.is_empty() {
        let prefixes = prefixes
            .iter()
            .map(|name| name.trim_end_matches('*').to_owned())
            .collect();
        rule.selections.push(Selection::one(
            "selection_prefix",
            "ServiceName|startswith",
            prefixes,
        ));
    }
    rule.condition = "selection and 1 of selection_*".to_owned();
    for service in &services {
        rule.reasons
            .push(tool.reason("install.services", service, scope));
    }
    rules.push(rule);
}

fn dns_rule(tool: &ToolScope<'_>, plan: &DnsPlan, rules: &mut Vec<Rule>) {
    let own = |reasons: &[Reason]| {
        reasons.iter().any(|r| {
            r.tool.as_deref() == Some(tool.tool.id.as_str()) && r.field == "network.domains"
        })
    };
    let blocks: Vec<_> = plan
        .blocks
        .iter()
        .filter(|block| own(&block.reasons))
        .collect();
    let globs: Vec<_> = plan
        .globs
        .iter()
        .filter(|glob| glob.tool == tool.tool.id && glob.covered_by.is_none())
        .collect();
    if blocks.is_empty() && globs.is_empty() {
        return;
    }
    let (detection, kind) = if tool.is_authorized() {
        (rules::FOREIGN_TENANT, "dns_foreign_tenant")
    } else {
        (rules::UNAUTHORIZED_RMM, "dns")
    };
    let mut rule = Rule::new(detection, tool, kind);
    let mut exact: Vec<String> = blocks
        .iter()
        .filter(|b| b.reach.has_exact())
        .map(|b| b.name.clone())
        .collect();
    exact.extend(globs.iter().map(|glob| glob.glob.clone()));
    let below: Vec<String> = blocks
        .iter()
        .filter(|b| b.reach.has_below())
        .map(|b| format!(".{}", b.name))
        .collect();
    if !exact.is_empty() {
        rule.selections
            .push(Selection::one("selection_name", "QueryName", exact));
    }
    if !below.is_empty() {
        rule.selections.push(Selection::one(
            "selection_domain",
            "QueryName|endswith",
            below,
        ));
    }
    let mut filter_exact = Vec::new();
    let mut filter_below = Vec::new();
    for block in &blocks {
        for allow in plan.allows_under(block) {
            if allow.reach.has_exact() && !filter_exact.contains(&allow.name) {
                filter_exact.push(allow.name.clone());
            }
            let suffix = format!(".{}", allow.name);
            if allow.reach.has_below() && !filter_below.contains(&suffix) {
                filter_below.push(suffix);
            }
            rule.reasons.extend(allow.reasons.iter().cloned());
        }
    }
    let mut condition = "1 of selection_*".to_owned();
    if !filter_exact.is_empty() {
        rule.selections.push(Selection::one(
            "filter_authorized_name",
            "QueryName",
            filter_exact,
        ));
    }
    if !filter_below.is_empty() {
        rule.selections.push(Selection::one(
            "filter_authorized_domain",
            "QueryName|endswith",
            filter_below,
        ));
    }
    if rule
        .selections
        .iter()
        .any(|s| s.name.starts_with("filter_"))
    {
        condition.push_str(" and not 1 of filter_*");
    }
    rule.condition = condition;
    rule.logsource = vec![("category", "dns_query"), ("product", "windows")];
    if tool.is_authorized() {
        rule.title = format!(
            "{} instance that is not the organization's (DNS)",
            tool.tool.name
        );
        rule.description = format!(
            "A host looked up a {} name that none of the authorized tenants covers: the tool talking to someone else's instance or relay.",
            tool.tool.name
        );
        rule.falsepositives
            .push("Users browsing the vendor's website".to_owned());
    } else {
        rule.title = format!(
            "{} domain looked up (unauthorized RMM tool)",
            tool.tool.name
        );
        rule.description = format!(
            "A host looked up a {} domain. The policy does not authorize the tool.",
            tool.tool.name
        );
        rule.falsepositives
            .push("Users browsing the vendor's website".to_owned());
    }
    for block in &blocks {
        rule.reasons.extend(
            block
                .reasons
                .iter()
                .filter(|r| r.tool.as_deref() == Some(tool.tool.id.as_str()))
                .cloned(),
        );
    }
    rule.reasons
        .extend(globs.iter().map(|glob| glob.reason.clone()));
    rule.reasons.sort();
    rule.reasons.dedup();
    rules.push(rule);
}

fn tell_rules(tool: &ToolScope<'_>, scope: &Scope<'_>, kind: TellKind, rules: &mut Vec<Rule>) {
    let detection = match kind {
        TellKind::SilentInstall => rules::SILENT_INSTALL,
        _ => rules::CLI_PASSWORD,
    };
    let tells: Vec<_> = tool
        .tool
        .tells
        .iter()
        .filter(|tell| tell.kind == kind && tell.field == Field::CommandLine && tell_ok(tell))
        .collect();
    for (index, tell) in tells.iter().enumerate() {
        let suffix = if tells.len() > 1 {
            format!("_{}", index + 1)
        } else {
            String::new()
        };
        let mut rule = Rule::new(
            detection,
            tool,
            &format!("{}{suffix}", kind.as_str().replace('-', "_")),
        );
        rule.title = format!(
            "{}: {} ({})",
            tool.tool.name,
            detection.title,
            tell.all.join(" ")
        );
        rule.description = if tell.note.is_empty() {
            format!("{} ({}).", detection.title, tool.tool.name)
        } else {
            format!("{} ({}): {}.", detection.title, tool.tool.name, tell.note)
        };
        rule.logsource = process_logsource();
        rule.selections.push(Selection::one(
            "selection_all",
            "CommandLine|contains|all",
            tell.all.iter().map(|s| sigma_literal(s)).collect(),
        ));
        if !tell.any.is_empty() {
            rule.selections.push(Selection::one(
                "selection_any",
                "CommandLine|contains",
                tell.any.iter().map(|s| sigma_literal(s)).collect(),
            ));
        }
        rule.condition = "all of selection_*".to_owned();
        let policy = if tool.is_authorized() {
            "suspicious whether or not the tool is authorized".to_owned()
        } else {
            format!("{} is {}", tool.tool.id, scope.blocked_because())
        };
        rule.reasons
            .push(tool.reason_with("tell", &tell.all.join(" "), policy));
        rules.push(rule);
    }
}

fn dropped_rule(tool: &ToolScope<'_>, scope: &Scope<'_>, rules: &mut Vec<Rule>) {
    let install = &tool.tool.install;
    let mut names: Vec<String> = install
        .installers
        .iter()
        .chain(&tool.tool.binaries.names)
        .filter(|name| grammar::file_name(name).is_ok())
        .map(|name| file_suffix(name))
        .collect();
    names.sort_by_key(|name| name.to_lowercase());
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    if names.is_empty() {
        return;
    }
    let mut rule = Rule::new(rules::RMM_DROPPED, tool, "file_dropped");
    rule.title = format!(
        "{} binary or installer written to a user-writable folder",
        tool.tool.name
    );
    rule.description = format!(
        "A {} binary or installer was written to Downloads, Desktop, Temp or AppData: the download before a portable run.",
        tool.tool.name
    );
    rule.logsource = vec![("category", "file_event"), ("product", "windows")];
    rule.selections.push(Selection::one(
        "selection_folder",
        "TargetFilename|contains",
        USER_WRITABLE.iter().map(|s| (*s).to_owned()).collect(),
    ));
    rule.selections.push(Selection::one(
        "selection_name",
        "TargetFilename|endswith",
        names,
    ));
    rule.condition = "all of selection_*".to_owned();
    for installer in &install.installers {
        rule.reasons
            .push(tool.reason("install.installers", installer, scope));
    }
    for name in &tool.tool.binaries.names {
        rule.reasons
            .push(tool.reason("binaries.names", name, scope));
    }
    rules.push(rule);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_name_tactics_and_techniques() {
        assert_eq!(
            tags("T1219"),
            ["attack.command-and-control", "attack.t1219"]
        );
        assert_eq!(
            tags("T1036.003"),
            ["attack.defense-evasion", "attack.t1036.003", "attack.t1219"]
        );
        assert_eq!(
            tags("T1543.003"),
            [
                "attack.persistence",
                "attack.privilege-escalation",
                "attack.t1543.003",
                "attack.t1219"
            ]
        );
        assert_eq!(
            tags("T1105"),
            ["attack.command-and-control", "attack.t1105", "attack.t1219"]
        );
    }

    #[test]
    fn file_suffixes_keep_wildcards_unescaped() {
        assert_eq!(file_suffix("AnyDesk.exe"), "\\AnyDesk.exe");
        assert_eq!(file_suffix("*NinjaRMMAgent*.msi"), "*NinjaRMMAgent*.msi");
    }
}
