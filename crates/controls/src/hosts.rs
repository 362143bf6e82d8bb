//! hosts file: blocked names pointed at an unroutable address. A hosts file
//! has no wildcards, so only exact names are listed; `*.x` patterns are
//! counted in the header and left to the RPZ and Unbound targets.

use std::fmt::Write as _;

use crate::dns::DnsPlan;
use crate::scope::Scope;
use crate::{DnsAnswer, Note, Output, OutputFile, Target};

pub(crate) fn generate(scope: &Scope<'_>) -> Output {
    let plan = DnsPlan::new(scope);
    let addresses: Vec<String> = match scope.options.dns_answer {
        DnsAnswer::Nxdomain => vec!["0.0.0.0".to_owned()],
        DnsAnswer::Sinkhole(sinkhole) => {
            let mut out: Vec<String> = sinkhole.v4.iter().map(ToString::to_string).collect();
            out.extend(sinkhole.v6.iter().map(ToString::to_string));
            if out.is_empty() {
                out.push("0.0.0.0".to_owned());
            }
            out
        }
    };
    let mut notes = Vec::new();
    let mut remarks = Vec::new();
    let mut lines = Vec::new();
    for block in plan.blocks.iter().filter(|block| block.reach.has_exact()) {
        if plan.allows.iter().any(|allow| allow.covers(&block.name)) {
            continue;
        }
        for address in &addresses {
            let line = format!("{address} {}", block.name);
            notes.push(Note {
                rule: line.clone(),
                reasons: block.reasons.clone(),
            });
            lines.push(line);
        }
    }
    let wildcards = plan
        .blocks
        .iter()
        .filter(|block| block.reach.has_below())
        .count()
        + plan.globs.len();
    let mut out = scope.options.provenance.comment(Target::Hosts.name(), "#");
    let _ = write!(
        out,
        "#\n# Append to /etc/hosts (or C:\\Windows\\System32\\drivers\\etc\\hosts).\n\
         # Exact names only: {wildcards} wildcard patterns cannot be expressed here;\n\
         # use the rpz or unbound format on the resolver for those.\n"
    );
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    for block in plan
        .blocks
        .iter()
        .filter(|block| block.reach == crate::dns::Reach::Below)
    {
        remarks.push(Note {
            rule: format!("not in the hosts file: *.{}", block.name),
            reasons: block.reasons.clone(),
        });
    }
    Output {
        files: vec![OutputFile {
            name: Target::Hosts.default_file_name().to_owned(),
            text: out,
        }],
        notes,
        remarks,
        warnings: plan.warnings,
    }
}
