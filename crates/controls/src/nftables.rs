//! nftables: one `inet rmmguard` table with address and port sets, an
//! `egress` chain (inside → outside) and an `ingress` chain (outside →
//! inside), hooked into forward (a perimeter gateway) and into output and
//! input (the host itself). Loading the file replaces the table atomically.
//!
//! The table only drops: approved traffic `return`s, and a packet this table
//! lets through is still subject to every other table's rules.

use std::fmt::Write as _;

use crate::addresses::AddressBlock;
use crate::network::{NetworkPlan, family};
use crate::ports::{PortClass, PortSegment};
use crate::scope::Scope;
use crate::text::firewall_comment;
use crate::{Note, Output, OutputFile, Reason, Target};

/// nft caps comments at 128 bytes.
const COMMENT_MAX: usize = 120;

pub(crate) fn generate(scope: &Scope<'_>) -> Output {
    let plan = NetworkPlan::new(scope);
    let mut notes = Vec::new();
    let mut out = String::from("#!/usr/sbin/nft -f\n");
    out.push_str(
        &scope
            .options
            .provenance
            .comment(Target::Nftables.name(), "#"),
    );
    out.push_str(
        "#\n# Load with `nft -f FILE` (atomic: the table is replaced as a whole).\n\
         # egress:  inside -> outside, to RMM ports and vendor addresses.\n\
         # ingress: outside -> inside, to RMM ports and from vendor addresses.\n\
         # Ports of authorized tools stay open from the approved paths only.\n\
         # Loopback, sessions already up and infrastructure ports are never dropped.\n\n\
         table inet rmmguard\ndelete table inet rmmguard\n\ntable inet rmmguard {\n",
    );
    address_set(
        &mut out,
        &mut notes,
        "internal_v4",
        "ipv4_addr",
        family(&plan.internal, false),
    );
    address_set(
        &mut out,
        &mut notes,
        "internal_v6",
        "ipv6_addr",
        family(&plan.internal, true),
    );
    address_set(
        &mut out,
        &mut notes,
        "approved_v4",
        "ipv4_addr",
        family(&plan.approved, false),
    );
    address_set(
        &mut out,
        &mut notes,
        "approved_v6",
        "ipv6_addr",
        family(&plan.approved, true),
    );
    address_set(
        &mut out,
        &mut notes,
        "rmm_hosts_v4",
        "ipv4_addr",
        family(&plan.vendor_hosts, false),
    );
    address_set(
        &mut out,
        &mut notes,
        "rmm_hosts_v6",
        "ipv6_addr",
        family(&plan.vendor_hosts, true),
    );
    for (protocol, transport) in [
        ("tcp", rmmguard_catalog::PortTransport::Tcp),
        ("udp", rmmguard_catalog::PortTransport::Udp),
    ] {
        for (suffix, class) in [
            ("approved_only", PortClass::ApprovedOnly),
            ("blocked", PortClass::Blocked),
        ] {
            let name = format!("rmm_{protocol}_{suffix}");
            port_set(&mut out, &mut notes, &name, plan.ports.of(transport, class));
        }
    }
    chain(&mut out, &mut notes, &plan, Direction::Egress);
    chain(&mut out, &mut notes, &plan, Direction::Ingress);
    hooks(&mut out, &plan);
    out.push_str("}\n");
    let remarks = crate::group_notes(plan.remarks);
    let warnings = plan.warnings;
    Output {
        files: vec![OutputFile {
            name: Target::Nftables.default_file_name().to_owned(),
            text: out,
        }],
        notes,
        remarks,
        warnings,
    }
}

#[derive(Clone, Copy)]
enum Direction {
    Egress,
    Ingress,
}

fn address_set<'a>(
    out: &mut String,
    notes: &mut Vec<Note>,
    name: &str,
    kind: &str,
    blocks: impl Iterator<Item = &'a AddressBlock>,
) {
    let elements: Vec<String> = blocks
        .map(|block| {
            notes.push(Note {
                rule: format!("set {name} element {}", block.net),
                reasons: block.reasons.clone(),
            });
            format!("{} comment \"{}\"", element(block), comment(&block.reasons))
        })
        .collect();
    write_set(out, name, kind, &elements);
}

fn port_set<'a>(
    out: &mut String,
    notes: &mut Vec<Note>,
    name: &str,
    segments: impl Iterator<Item = &'a PortSegment>,
) {
    let elements: Vec<String> = segments
        .map(|segment| {
            notes.push(Note {
                rule: format!("set {name} element {}", segment.ports("-")),
                reasons: segment.reasons.clone(),
            });
            format!(
                "{} comment \"{}\"",
                segment.ports("-"),
                firewall_comment(&segment.tools().join(" "), COMMENT_MAX)
            )
        })
        .collect();
    write_set(out, name, "inet_service", &elements);
}

fn write_set(out: &mut String, name: &str, kind: &str, elements: &[String]) {
    let _ = writeln!(out, "\tset {name} {{\n\t\ttype {kind}\n\t\tflags interval");
    if !elements.is_empty() {
        let _ = writeln!(
            out,
            "\t\telements = {{\n\t\t\t{}\n\t\t}}",
            elements.join(",\n\t\t\t")
        );
    }
    out.push_str("\t}\n\n");
}

/// A single address prints without its `/32` or `/128`.
fn element(block: &AddressBlock) -> String {
    if block.net.prefix_len() == block.net.max_prefix_len() {
        block.net.addr().to_string()
    } else {
        block.net.to_string()
    }
}

fn comment(reasons: &[Reason]) -> String {
    let parts: Vec<String> = reasons
        .iter()
        .map(|reason| match &reason.tool {
            Some(tool) => tool.clone(),
            None => reason.field.clone(),
        })
        .collect();
    let mut parts = parts;
    parts.dedup();
    firewall_comment(&parts.join(" "), COMMENT_MAX)
}

fn chain(out: &mut String, notes: &mut Vec<Note>, plan: &NetworkPlan, direction: Direction) {
    let (name, host_side, what) = match direction {
        Direction::Egress => ("egress", "daddr", "outbound"),
        Direction::Ingress => ("ingress", "saddr", "inbound"),
    };
    let _ = writeln!(out, "\tchain {name} {{");
    let mut rule = |out: &mut String, text: String, reasons: Vec<Reason>| {
        let _ = writeln!(out, "\t\t{text}");
        notes.push(Note {
            rule: format!("chain {name}: {text}"),
            reasons,
        });
    };
    let host_reasons: Vec<Reason> = plan
        .vendor_hosts
        .iter()
        .flat_map(|b| b.reasons.clone())
        .collect();
    for (ip, set) in [("ip", "rmm_hosts_v4"), ("ip6", "rmm_hosts_v6")] {
        let text =
            format!("{ip} {host_side} @{set} counter drop comment \"{what}: RMM vendor address\"");
        rule(out, text, host_reasons.clone());
    }
    let approved_reasons: Vec<Reason> = plan
        .approved
        .iter()
        .flat_map(|b| b.reasons.clone())
        .collect();
    for protocol in ["tcp", "udp"] {
        for (ip, set) in [("ip", "approved_v4"), ("ip6", "approved_v6")] {
            let text = format!(
                "{protocol} dport @rmm_{protocol}_approved_only {ip} saddr @{set} return comment \"{what}: authorized RMM from an approved path\""
            );
            rule(out, text, approved_reasons.clone());
        }
    }
    for (suffix, class, why) in [
        (
            "approved_only",
            PortClass::ApprovedOnly,
            "authorized RMM port off the approved paths",
        ),
        ("blocked", PortClass::Blocked, "unauthorized RMM port"),
    ] {
        for protocol in ["tcp", "udp"] {
            let reasons: Vec<Reason> = plan
                .ports
                .of_class(class)
                .filter(|segment| segment.protocol() == protocol)
                .flat_map(|segment| segment.reasons.clone())
                .collect();
            let text = format!(
                "{protocol} dport @rmm_{protocol}_{suffix} counter drop comment \"{what}: {why}\""
            );
            rule(out, text, reasons);
        }
    }
    out.push_str("\t}\n\n");
}

fn hooks(out: &mut String, plan: &NetworkPlan) {
    // Sessions that are already up (the operator's SSH among them) and
    // loopback traffic are never this table's business.
    out.push_str(
        "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\
         \t\tct state established,related accept comment \"keep sessions that are already up\"\n",
    );
    for (ip, nfproto, set, v6) in [
        ("ip", "ipv4", "internal_v4", false),
        ("ip6", "ipv6", "internal_v6", true),
    ] {
        if family(&plan.internal, v6).next().is_some() {
            let _ = writeln!(
                out,
                "\t\t{ip} saddr @{set} {ip} daddr != @{set} jump egress"
            );
            let _ = writeln!(
                out,
                "\t\t{ip} saddr != @{set} {ip} daddr @{set} jump ingress"
            );
        } else {
            // Without internal ranges the direction is unknown: apply both.
            let _ = writeln!(out, "\t\tmeta nfproto {nfproto} jump egress");
            let _ = writeln!(out, "\t\tmeta nfproto {nfproto} jump ingress");
        }
    }
    out.push_str("\t}\n\n");
    out.push_str(
        "\tchain output {\n\t\ttype filter hook output priority filter; policy accept;\n\
         \t\toifname \"lo\" accept comment \"keep loopback\"\n\
         \t\tct state established,related accept comment \"keep sessions that are already up\"\n\
         \t\tjump egress\n\t}\n\n",
    );
    out.push_str(
        "\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\
         \t\tiifname \"lo\" accept comment \"keep loopback\"\n\
         \t\tct state established,related accept comment \"keep sessions that are already up\"\n\
         \t\tjump ingress\n\t}\n",
    );
}
