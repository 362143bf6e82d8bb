//! Suricata rules in the style of the public ET rules: DNS lookups and TLS
//! SNI of blocked vendor domains (authorized tenants excluded by a negated
//! PCRE), certificate subjects and JA3 hashes, RMM ports (approved paths
//! excluded by address), vendor addresses, and installer downloads.
//!
//! Each rule's sid is derived from a hash of what the rule matches, inside
//! the configured range, so adding a tool to the catalog does not renumber
//! the other rules.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::dns::{DnsPlan, DnsRule, Reach};
use crate::grammar;
use crate::network::NetworkPlan;
use crate::ports::{PortClass, PortSegment};
use crate::scope::{Scope, ToolScope};
use crate::text::{pcre_literal, suricata as quote, suricata_content as content};
use crate::{Error, ErrorKind, IdsAction, Note, Output, OutputFile, Reason, Target};

pub(crate) fn generate(scope: &Scope<'_>) -> Result<Output, Error> {
    let dns = DnsPlan::new(scope);
    let network = NetworkPlan::new(scope);
    let mut warnings = dns.warnings.clone();
    warnings.extend(network.warnings.iter().cloned());
    let mut rules = Vec::new();
    for block in &dns.blocks {
        let carve_outs: Vec<&DnsRule> = dns.allows_under(block).collect();
        rules.push(domain_rule(block, &carve_outs, Buffer::DnsQuery));
        rules.push(domain_rule(block, &carve_outs, Buffer::TlsSni));
    }
    for glob in dns.globs.iter().filter(|glob| glob.covered_by.is_none()) {
        for buffer in [Buffer::DnsQuery, Buffer::TlsSni] {
            rules.push(glob_rule(
                &glob.glob,
                &glob.tool,
                glob.reason.clone(),
                buffer,
            ));
        }
    }
    for tool in scope.tools.iter().filter(|tool| !tool.is_authorized()) {
        tls_rules(tool, scope, &mut rules, &mut warnings);
        installer_rules(tool, scope, &mut rules, &mut warnings);
    }
    port_rules(&network, &mut rules);
    vendor_host_rules(&network, &mut rules);
    let sids = assign_sids(&rules, scope.options.sid_base, scope.options.sid_span)?;
    let created = scope
        .options
        .provenance
        .generated_at
        .strftime("%Y_%m_%d")
        .to_string();
    let action = match scope.options.ids_action {
        IdsAction::Alert => "alert",
        IdsAction::Drop => "drop",
    };
    let mut out = scope
        .options
        .provenance
        .comment(Target::Suricata.name(), "#");
    let _ = write!(
        out,
        "#\n# Add to suricata.yaml under rule-files, then check with `suricata -T`.\n\
         # sids {}-{}; action {action}. JA3 rules need app-layer.protocols.tls.ja3-fingerprints.\n",
        scope.options.sid_base,
        u64::from(scope.options.sid_base) + u64::from(scope.options.sid_span) - 1
    );
    let mut notes = Vec::new();
    for (rule, sid) in rules.iter().zip(&sids) {
        let line = rule.render(action, *sid, &created, scope.options.ids_action);
        out.push_str(&line);
        out.push('\n');
        notes.push(Note {
            rule: format!("sid {sid}: {}", rule.msg),
            reasons: rule.reasons.clone(),
        });
    }
    Ok(Output {
        files: vec![OutputFile {
            name: Target::Suricata.default_file_name().to_owned(),
            text: out,
        }],
        notes,
        remarks: crate::group_notes(network.remarks),
        warnings,
    })
}

struct Rule {
    /// What the rule matches, for its sid.
    key: String,
    protocol: &'static str,
    addresses: String,
    msg: String,
    options: Vec<String>,
    /// Whether a `threshold` keeps an alert rule from firing on every packet.
    per_packet: bool,
    reasons: Vec<Reason>,
}

impl Rule {
    fn render(&self, action: &str, sid: u32, created: &str, ids_action: IdsAction) -> String {
        let mut options = self.options.clone();
        if self.per_packet && ids_action == IdsAction::Alert {
            options.push("threshold:type limit, track by_src, count 1, seconds 600".to_owned());
        }
        let tools: BTreeSet<&str> = self
            .reasons
            .iter()
            .filter_map(|r| r.tool.as_deref())
            .collect();
        let mut metadata = vec![
            "attack_target Client_Endpoint".to_owned(),
            format!("created_at {created}"),
            "deployment Perimeter".to_owned(),
            "signature_severity Major".to_owned(),
            "mitre_tactic_id TA0011".to_owned(),
            "mitre_tactic_name Command_And_Control".to_owned(),
            "mitre_technique_id T1219".to_owned(),
            "mitre_technique_name Remote_Access_Software".to_owned(),
        ];
        metadata.extend(
            tools
                .iter()
                .map(|tool| format!("rmmguard_tool {}", metadata_value(tool))),
        );
        format!(
            "{action} {} {} (msg:\"{}\"; {}; classtype:policy-violation; sid:{sid}; rev:1; metadata:{};)",
            self.protocol,
            self.addresses,
            quote(&self.msg),
            options.join("; "),
            metadata.join(", ")
        )
    }
}

#[derive(Clone, Copy)]
enum Buffer {
    DnsQuery,
    TlsSni,
}

impl Buffer {
    fn header(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Buffer::DnsQuery => ("dns", "$HOME_NET any -> any any", "dns.query", "DNS lookup"),
            Buffer::TlsSni => (
                "tls",
                "$HOME_NET any -> $EXTERNAL_NET any",
                "tls.sni",
                "TLS SNI",
            ),
        }
    }
}

fn domain_rule(block: &DnsRule, carve_outs: &[&DnsRule], buffer: Buffer) -> Rule {
    let (protocol, addresses, keyword, what) = buffer.header();
    let mut options = Vec::new();
    if matches!(buffer, Buffer::TlsSni) {
        options.push("flow:established,to_server".to_owned());
    }
    options.push(keyword.to_owned());
    match block.reach {
        Reach::Exact => {
            options.push(format!("content:\"{}\"", content(&block.name)));
            options.push("nocase".to_owned());
            options.push(format!("bsize:{}", block.name.len()));
        }
        Reach::Below => {
            options.push(format!("content:\".{}\"", content(&block.name)));
            options.push("nocase".to_owned());
            options.push("endswith".to_owned());
        }
        Reach::Subtree => {
            options.push("dotprefix".to_owned());
            options.push(format!("content:\".{}\"", content(&block.name)));
            options.push("nocase".to_owned());
            options.push("endswith".to_owned());
        }
    }
    let mut reasons = block.reasons.clone();
    for allow in carve_outs {
        options.push(format!("pcre:!\"{}\"", carve_out_pcre(allow)));
        reasons.extend(allow.reasons.iter().cloned());
    }
    let tools = tools_of(&block.reasons);
    Rule {
        key: format!("{keyword} {:?} {}", block.reach, block.name),
        protocol,
        addresses: addresses.to_owned(),
        msg: format!(
            "RMMGUARD POLICY RMM domain in {what} ({}, {tools})",
            block.patterns().join(" ")
        ),
        options,
        per_packet: false,
        reasons,
    }
}

/// A negated-PCRE body that matches the names a carve-out keeps open, with
/// or without the leading dot `dotprefix` adds.
fn carve_out_pcre(allow: &DnsRule) -> String {
    let name = pcre_literal(&allow.name);
    match allow.reach {
        Reach::Exact => format!("/^\\.?{name}$/i"),
        Reach::Below => format!("/[^.]\\.{name}$/i"),
        Reach::Subtree => format!("/(?:^|\\.){name}$/i"),
    }
}

fn glob_rule(glob: &str, tool: &str, reason: Reason, buffer: Buffer) -> Rule {
    let (protocol, addresses, keyword, what) = buffer.header();
    let mut options = Vec::new();
    if matches!(buffer, Buffer::TlsSni) {
        options.push("flow:established,to_server".to_owned());
    }
    options.push(keyword.to_owned());
    let pieces: Vec<&str> = glob.split('*').collect();
    let longest = pieces
        .iter()
        .max_by_key(|piece| piece.len())
        .copied()
        .unwrap_or_default();
    options.push(format!("content:\"{}\"", content(longest)));
    options.push("nocase".to_owned());
    let regex: Vec<String> = pieces.iter().map(|piece| pcre_literal(piece)).collect();
    options.push(format!("pcre:\"/^{}$/i\"", regex.join(".*")));
    Rule {
        key: format!("{keyword} glob {glob}"),
        protocol,
        addresses: addresses.to_owned(),
        msg: format!("RMMGUARD POLICY RMM domain in {what} ({glob}, {tool})"),
        options,
        per_packet: false,
        reasons: vec![reason],
    }
}

/// The warning for a catalog value that fails its grammar.
fn skipped(tool: &ToolScope<'_>, scope: &Scope<'_>, field: &str, value: &str, why: &str) -> Note {
    Note {
        rule: format!("skipped: {field} {value:?} of {}: {why}", tool.tool.id),
        reasons: vec![tool.reason(field, value, scope)],
    }
}

fn tls_rules(
    tool: &ToolScope<'_>,
    scope: &Scope<'_>,
    rules: &mut Vec<Rule>,
    warnings: &mut Vec<Note>,
) {
    let tls = &tool.tool.network.tls;
    for subject in &tls.cert_subjects {
        if let Err(why) = grammar::name_text(subject) {
            warnings.push(skipped(
                tool,
                scope,
                "network.tls.cert_subjects",
                subject,
                &why,
            ));
            continue;
        }
        rules.push(Rule {
            key: format!("tls.cert_subject {} {subject}", tool.tool.id),
            protocol: "tls",
            addresses: "any any -> any any".to_owned(),
            msg: format!(
                "RMMGUARD POLICY {} TLS certificate subject ({subject})",
                tool.tool.name
            ),
            options: vec![
                "flow:established".to_owned(),
                "tls.cert_subject".to_owned(),
                format!("content:\"{}\"", content(subject)),
            ],
            per_packet: false,
            reasons: vec![tool.reason("network.tls.cert_subjects", subject, scope)],
        });
    }
    for hash in &tls.ja3 {
        if let Err(why) = grammar::ja3(hash) {
            warnings.push(skipped(tool, scope, "network.tls.ja3", hash, &why));
            continue;
        }
        rules.push(Rule {
            key: format!("ja3.hash {} {hash}", tool.tool.id),
            protocol: "tls",
            addresses: "$HOME_NET any -> $EXTERNAL_NET any".to_owned(),
            msg: format!(
                "RMMGUARD POLICY {} TLS client fingerprint (JA3 {hash})",
                tool.tool.name
            ),
            options: vec![
                "flow:established,to_server".to_owned(),
                "ja3.hash".to_owned(),
                format!("content:\"{}\"", content(&hash.to_ascii_lowercase())),
            ],
            per_packet: false,
            reasons: vec![tool.reason("network.tls.ja3", hash, scope)],
        });
    }
}

fn installer_rules(
    tool: &ToolScope<'_>,
    scope: &Scope<'_>,
    rules: &mut Vec<Rule>,
    warnings: &mut Vec<Note>,
) {
    for installer in &tool.tool.install.installers {
        if let Err(why) = grammar::file_name(installer) {
            warnings.push(skipped(tool, scope, "install.installers", installer, &why));
            continue;
        }
        let lower = installer.to_ascii_lowercase();
        let pieces: Vec<&str> = lower.split(['*', '?']).collect();
        let longest = pieces
            .iter()
            .max_by_key(|piece| piece.len())
            .copied()
            .unwrap_or_default();
        if longest.len() < 4 {
            continue;
        }
        let regex: Vec<String> = pieces.iter().map(|piece| pcre_literal(piece)).collect();
        rules.push(Rule {
            key: format!("http.uri {} {installer}", tool.tool.id),
            protocol: "http",
            addresses: "$HOME_NET any -> $EXTERNAL_NET any".to_owned(),
            msg: format!(
                "RMMGUARD POLICY {} installer download ({installer})",
                tool.tool.name
            ),
            options: vec![
                "flow:established,to_server".to_owned(),
                "http.uri".to_owned(),
                format!("content:\"{}\"", content(longest)),
                "nocase".to_owned(),
                format!("pcre:\"/\\/{}(?:\\?|$)/i\"", regex.join("[^\\/?]*")),
            ],
            per_packet: false,
            reasons: vec![tool.reason("install.installers", installer, scope)],
        });
    }
}

fn port_rules(network: &NetworkPlan, rules: &mut Vec<Rule>) {
    let approved: Vec<String> = network.approved.iter().map(|b| b.net.to_string()).collect();
    let approved_reasons: Vec<Reason> = network
        .approved
        .iter()
        .flat_map(|b| b.reasons.clone())
        .collect();
    for segment in &network.ports.segments {
        for outbound in [true, false] {
            rules.push(port_rule(segment, outbound, &approved, &approved_reasons));
        }
    }
}

fn port_rule(
    segment: &PortSegment,
    outbound: bool,
    approved: &[String],
    approved_reasons: &[Reason],
) -> Rule {
    let (source, destination, direction) = if outbound {
        ("$HOME_NET", "$EXTERNAL_NET", "outbound")
    } else {
        ("$EXTERNAL_NET", "$HOME_NET", "inbound")
    };
    let exempt = segment.class == PortClass::ApprovedOnly && !approved.is_empty();
    let source = if exempt {
        format!("[{source},![{}]]", approved.join(","))
    } else {
        source.to_owned()
    };
    let mut options = vec!["flow:to_server".to_owned()];
    if segment.protocol() == "tcp" {
        options.push("flags:S,12".to_owned());
    }
    let mut reasons = segment.reasons.clone();
    let class = match segment.class {
        PortClass::ApprovedOnly => {
            if exempt {
                reasons.extend(approved_reasons.iter().cloned());
            }
            "authorized RMM port off the approved paths"
        }
        PortClass::Blocked => "unauthorized RMM port",
    };
    let ports = segment.ports(":");
    Rule {
        key: format!("port {direction} {}/{ports}", segment.protocol()),
        protocol: segment.protocol(),
        addresses: format!("{source} any -> {destination} {ports}"),
        msg: format!(
            "RMMGUARD POLICY {direction} {class} ({}/{}, {})",
            segment.protocol(),
            segment.ports("-"),
            segment.tools().join(" ")
        ),
        options,
        per_packet: true,
        reasons,
    }
}

fn vendor_host_rules(network: &NetworkPlan, rules: &mut Vec<Rule>) {
    if network.vendor_hosts.is_empty() {
        return;
    }
    let hosts: Vec<String> = network
        .vendor_hosts
        .iter()
        .map(|b| b.net.to_string())
        .collect();
    let reasons: Vec<Reason> = network
        .vendor_hosts
        .iter()
        .flat_map(|b| b.reasons.clone())
        .collect();
    let tools = tools_of(&reasons);
    for (addresses, direction) in [
        (
            format!("$HOME_NET any -> [{}] any", hosts.join(",")),
            "outbound",
        ),
        (
            format!("[{}] any -> $HOME_NET any", hosts.join(",")),
            "inbound",
        ),
    ] {
        rules.push(Rule {
            key: format!("vendor hosts {direction}"),
            protocol: "ip",
            addresses,
            msg: format!("RMMGUARD POLICY {direction} traffic with RMM vendor addresses ({tools})"),
            options: Vec::new(),
            per_packet: true,
            reasons: reasons.clone(),
        });
    }
}

fn tools_of(reasons: &[Reason]) -> String {
    let tools: BTreeSet<&str> = reasons.iter().filter_map(|r| r.tool.as_deref()).collect();
    tools.into_iter().collect::<Vec<_>>().join(" ")
}

/// Metadata values are single words: anything else becomes `_`.
fn metadata_value(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A sid for every rule: base + hash(key) mod span, probing past collisions,
/// so each rule keeps its sid when others come and go.
fn assign_sids(rules: &[Rule], base: u32, span: u32) -> Result<Vec<u32>, Error> {
    let end = u64::from(base) + u64::from(span);
    if span == 0 || end > u64::from(u32::MAX) + 1 || rules.len() > span as usize {
        return Err(Error::new(
            Target::Suricata.name(),
            ErrorKind::SidRangeFull {
                rules: rules.len(),
                base,
                end,
            },
        ));
    }
    let mut taken = BTreeSet::new();
    let mut sids = Vec::with_capacity(rules.len());
    for rule in rules {
        let digest = Sha256::digest(rule.key.as_bytes());
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&digest[..8]);
        let mut offset = u64::from_be_bytes(bytes) % u64::from(span);
        while taken.contains(&offset) {
            offset = (offset + 1) % u64::from(span);
        }
        taken.insert(offset);
        // base + offset < end <= u32::MAX + 1, so it fits.
        sids.push(u32::try_from(u64::from(base) + offset).unwrap_or(u32::MAX));
    }
    Ok(sids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(key: &str) -> Rule {
        Rule {
            key: key.to_owned(),
            protocol: "dns",
            addresses: String::new(),
            msg: String::new(),
            options: Vec::new(),
            per_packet: false,
            reasons: Vec::new(),
        }
    }

    #[test]
    fn sids_are_stable_when_rules_come_and_go() {
        let both = assign_sids(&[rule("a"), rule("b")], 1000, 100).unwrap();
        let one = assign_sids(&[rule("b")], 1000, 100).unwrap();
        assert_eq!(both[1], one[0]);
        assert!(both.iter().all(|sid| (1000..1100).contains(sid)));
        let full = assign_sids(&[rule("a"), rule("b"), rule("c")], 7, 3).unwrap();
        let mut sorted = full.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, [7, 8, 9]);
        assert!(assign_sids(&[rule("a"), rule("b")], 7, 1).is_err());
        assert!(assign_sids(&[rule("a")], u32::MAX, 2).is_err());
    }

    #[test]
    fn carve_out_pcres() {
        let rule = |name: &str, reach| DnsRule {
            name: name.into(),
            reach,
            reasons: Vec::new(),
        };
        assert_eq!(
            carve_out_pcre(&rule("acme.x.com", Reach::Exact)),
            "/^\\.?acme\\.x\\.com$/i"
        );
        assert_eq!(
            carve_out_pcre(&rule("acme.x.com", Reach::Below)),
            "/[^.]\\.acme\\.x\\.com$/i"
        );
    }
}
