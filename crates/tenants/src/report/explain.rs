//! Per-tenant explanations: the score, each reason with its points, and the
//! input records behind it quoted from the files (re-read by line number,
//! one pass per file), so an analyst can check every claim.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};

use crate::event::SourceRef;
use crate::report::Sources;
use crate::score::Score;
use crate::state::TenantState;
use crate::time;

/// Longest quoted record; longer ones are cut.
const MAX_QUOTE: usize = 400;

/// Writes an explanation of one tenant's score.
///
/// # Errors
///
/// The writer fails (unreadable inputs are reported in the text instead).
pub fn write(
    out: &mut dyn Write,
    score: &Score,
    tenant: &TenantState,
    sources: &Sources,
) -> io::Result<()> {
    writeln!(
        out,
        "tenant {}: score {} ({})",
        score.tenant,
        score.total,
        score.verdict.name()
    )?;
    write_facts(out, tenant)?;
    let wanted: Vec<SourceRef> = score
        .reasons
        .iter()
        .flat_map(|r| r.evidence.iter().copied())
        .collect();
    let quotes = quote(&wanted, sources);
    for reason in &score.reasons {
        writeln!(
            out,
            "\n  +{:<3} {}: {}",
            reason.points,
            reason.feature.name(),
            reason.summary
        )?;
        for source in &reason.evidence {
            let text = quotes.get(source).map_or("(not available)", String::as_str);
            writeln!(out, "        {}  {}", sources.render(*source), text)?;
        }
    }
    if score.reasons.is_empty() {
        writeln!(out, "\n  no feature gave points")?;
    }
    Ok(())
}

fn write_facts(out: &mut dyn Write, tenant: &TenantState) -> io::Result<()> {
    let created = tenant
        .account
        .map_or_else(|| "not seen".to_owned(), |a| time::format(a.ts));
    let removed = tenant.endpoints.iter().filter(|e| !e.is_active()).count();
    writeln!(
        out,
        "  account created {created}, plan {}, admin domain {}; {} ever ({} removed), {}{}",
        tenant.account.map_or("unknown", |a| a.account.plan.name()),
        tenant.admin_domain.as_deref().unwrap_or("unknown"),
        rmmguard_words::counted(tenant.endpoints.len(), "endpoint"),
        removed,
        rmmguard_words::counted(tenant.events, "event"),
        tenant.banned.map_or(String::new(), |(ts, _)| format!(
            "; banned {}",
            time::format(ts)
        ))
    )
}

/// The text of the wanted records, read back from their files.
fn quote(wanted: &[SourceRef], sources: &Sources) -> BTreeMap<SourceRef, String> {
    let mut by_file: BTreeMap<u16, Vec<u64>> = BTreeMap::new();
    for source in wanted {
        by_file
            .entry(source.file())
            .or_default()
            .push(source.line());
    }
    let mut quotes = BTreeMap::new();
    for (file, mut lines) in by_file {
        let Some(path) = sources.paths.get(usize::from(file)) else {
            continue;
        };
        lines.sort_unstable();
        lines.dedup();
        let Ok(handle) = File::open(path) else {
            continue;
        };
        let mut next = lines.iter().peekable();
        for (number, line) in BufReader::new(handle).split(b'\n').enumerate() {
            let Some(&&target) = next.peek() else {
                break;
            };
            let Ok(line) = line else {
                break;
            };
            if number as u64 + 1 == target {
                let text = String::from_utf8_lossy(&line);
                let text: String = text.trim_end().chars().take(MAX_QUOTE).collect();
                quotes.insert(SourceRef::new(file, target), text);
                next.next();
            }
        }
    }
    quotes
}
