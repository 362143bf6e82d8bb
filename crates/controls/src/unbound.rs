//! Unbound: a `server:` include of `local-zone` statements. A local zone
//! covers its name and everything below it, and Unbound uses the most
//! specific zone, so a carve-out is an `always_transparent` zone under a
//! blocking one. Zones cannot block a name without its subdomains (or the
//! reverse); where the catalog asks for that, the block is wider, and
//! `--explain` says so.

use std::fmt::Write as _;

use crate::dns::{DnsPlan, Reach};
use crate::scope::Scope;
use crate::text::comment_line;
use crate::{DnsAnswer, Note, Output, OutputFile, Target};

pub(crate) fn generate(scope: &Scope<'_>) -> Output {
    let plan = DnsPlan::new(scope);
    let mut notes = Vec::new();
    let mut remarks = Vec::new();
    let mut out = scope
        .options
        .provenance
        .comment(Target::Unbound.name(), "#");
    out.push_str(
        "#\n# Include it from unbound.conf (include: \"/etc/unbound/rmmguard-unbound.conf\")\n\
         # and check with `unbound-checkconf`.\nserver:\n\t# Carve-outs: authorized tenants and tools stay resolvable.\n",
    );
    for allow in &plan.allows {
        let line = format!("local-zone: \"{}.\" always_transparent", allow.name);
        let _ = writeln!(out, "\t{line}");
        notes.push(Note {
            rule: line,
            reasons: allow.reasons.clone(),
        });
    }
    out.push_str("\t# Blocks.\n");
    for block in &plan.blocks {
        if plan.allows.iter().any(|allow| allow.name == block.name) {
            remarks.push(Note {
                rule: format!(
                    "not blocked in Unbound: {} (a carve-out holds the same zone name)",
                    block.patterns().join(", ")
                ),
                reasons: block.reasons.clone(),
            });
            continue;
        }
        let mut lines = Vec::new();
        match scope.options.dns_answer {
            DnsAnswer::Nxdomain => {
                lines.push(format!("local-zone: \"{}.\" always_nxdomain", block.name))
            }
            DnsAnswer::Sinkhole(sinkhole) => {
                lines.push(format!("local-zone: \"{}.\" redirect", block.name));
                if let Some(v4) = sinkhole.v4 {
                    lines.push(format!("local-data: \"{}. A {v4}\"", block.name));
                }
                if let Some(v6) = sinkhole.v6 {
                    lines.push(format!("local-data: \"{}. AAAA {v6}\"", block.name));
                }
            }
        }
        let mut reasons = block.reasons.clone();
        let widened = match block.reach {
            Reach::Exact => Some("the zone also blocks the names below it"),
            Reach::Below => Some("the zone also blocks the name itself"),
            Reach::Subtree => None,
        };
        if let Some(widened) = widened {
            reasons.push(crate::scope::policy_reason("unbound", &block.name, widened));
        }
        for line in lines {
            let _ = writeln!(out, "\t{line}");
            notes.push(Note {
                rule: line,
                reasons: reasons.clone(),
            });
        }
    }
    for glob in plan.uncovered_globs() {
        let _ = writeln!(
            out,
            "\t# Not expressible in Unbound: {}",
            comment_line(&format!("{} ({})", glob.glob, glob.tool))
        );
        remarks.push(Note {
            rule: format!("not in the include: {}", glob.glob),
            reasons: vec![glob.reason.clone()],
        });
    }
    remarks.extend(crate::group_notes(plan.remarks));
    Output {
        files: vec![OutputFile {
            name: Target::Unbound.default_file_name().to_owned(),
            text: out,
        }],
        notes,
        remarks,
        warnings: plan.warnings,
    }
}
