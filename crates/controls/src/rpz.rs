//! DNS response-policy zone (RPZ): blocked names answer NXDOMAIN (`CNAME .`)
//! or a sinkhole address; carve-outs answer normally (`CNAME rpz-passthru.`).
//! RPZ picks an exact owner name over a wildcard and a longer wildcard over
//! a shorter one, so `acme.screenconnect.com` passes while
//! `*.screenconnect.com` is blocked. Owner names are relative to the zone's
//! name, which the resolver's configuration sets.

use std::fmt::Write as _;

use crate::dns::{DnsPlan, DnsRule};
use crate::scope::Scope;
use crate::text::comment_line;
use crate::{DnsAnswer, Error, ErrorKind, Note, Output, OutputFile, Target};

pub(crate) fn generate(scope: &Scope<'_>) -> Result<Output, Error> {
    let answers = answers(scope.options.dns_answer)?;
    let plan = DnsPlan::new(scope);
    let mut notes = Vec::new();
    let mut remarks = Vec::new();
    let mut out = scope.options.provenance.comment(Target::Rpz.name(), ";");
    let serial =
        u32::try_from(scope.options.provenance.generated_at.as_second().max(1)).unwrap_or(u32::MAX);
    let _ = write!(
        out,
        ";\n; Serve as a response-policy zone, e.g. in BIND:\n\
         ;   zone \"rpz.rmmguard\" {{ type primary; file \"rpz.rmmguard.zone\"; }};\n\
         ;   options {{ response-policy {{ zone \"rpz.rmmguard\"; }}; }};\n\
         $TTL 300\n\
         @ SOA localhost. hostmaster.localhost. {serial} 3600 600 86400 300\n\
         @ NS localhost.\n"
    );
    out.push_str("\n; Carve-outs: authorized tenants and tools stay resolvable.\n");
    for allow in &plan.allows {
        records(
            &mut out,
            &mut notes,
            allow,
            &["CNAME rpz-passthru.".to_owned()],
        );
    }
    out.push_str("\n; Blocks.\n");
    for block in &plan.blocks {
        records(&mut out, &mut notes, block, &answers);
    }
    let uncovered: Vec<_> = plan.uncovered_globs().collect();
    if !uncovered.is_empty() {
        out.push_str("\n; Not expressible in RPZ (a wildcard inside a label); Suricata and Sigma cover them:\n");
        for glob in uncovered {
            let _ = writeln!(
                out,
                ";   {}",
                comment_line(&format!("{} ({})", glob.glob, glob.tool))
            );
            remarks.push(Note {
                rule: format!("not in the zone: {}", glob.glob),
                reasons: vec![glob.reason.clone()],
            });
        }
    }
    remarks.extend(crate::group_notes(plan.remarks));
    Ok(Output {
        files: vec![OutputFile {
            name: Target::Rpz.default_file_name().to_owned(),
            text: out,
        }],
        notes,
        remarks,
        warnings: plan.warnings,
    })
}

/// The record data a blocked name answers with.
pub(crate) fn answers(answer: DnsAnswer) -> Result<Vec<String>, Error> {
    match answer {
        DnsAnswer::Nxdomain => Ok(vec!["CNAME .".to_owned()]),
        DnsAnswer::Sinkhole(sinkhole) => {
            let mut out = Vec::new();
            if let Some(v4) = sinkhole.v4 {
                out.push(format!("A {v4}"));
            }
            if let Some(v6) = sinkhole.v6 {
                out.push(format!("AAAA {v6}"));
            }
            if out.is_empty() {
                return Err(Error::new(
                    Target::Rpz.name(),
                    ErrorKind::BadOption("a sinkhole needs an IPv4 or IPv6 address".to_owned()),
                ));
            }
            Ok(out)
        }
    }
}

fn records(out: &mut String, notes: &mut Vec<Note>, rule: &DnsRule, data: &[String]) {
    let mut owners = Vec::new();
    if rule.reach.has_exact() {
        owners.push(rule.name.clone());
    }
    if rule.reach.has_below() {
        owners.push(format!("*.{}", rule.name));
    }
    for owner in owners {
        for datum in data {
            let line = format!("{owner} {datum}");
            let _ = writeln!(out, "{line}");
            notes.push(Note {
                rule: line,
                reasons: rule.reasons.clone(),
            });
        }
    }
}
