//! Findings as CSV: one row per finding, evidence references joined by `; `,
//! facts as `key=value` joined by `; `. Cells are neutralized against
//! formula injection ([`crate::safe::csv_cell`]).

use std::io::{self, Write};

use rmmguard_findings::wire::FindingRecord;

use crate::safe::csv_cell;
use crate::{Run, Sink};

/// The CSV columns, in order.
pub const COLUMNS: &[&str] = &[
    "schema_version",
    "severity",
    "rule_id",
    "rule",
    "attack",
    "host",
    "user",
    "site",
    "tool",
    "tenant",
    "authorization",
    "first_seen",
    "last_seen",
    "count",
    "summary",
    "evidence",
    "facts",
    "stage",
    "id",
];

/// Every finding (all severities) with a header row.
#[derive(Debug, Clone, Copy, Default)]
pub struct Findings;

impl Sink for Findings {
    fn write(&self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = ::csv::Writer::from_writer(out);
        writer.write_record(COLUMNS)?;
        for finding in run.findings {
            let record = FindingRecord::from(finding);
            let evidence: Vec<&str> = record
                .evidence
                .iter()
                .map(|e| e.reference.as_str())
                .collect();
            let facts: Vec<String> = record
                .facts
                .iter()
                .flat_map(|fact| fact.values.iter().map(move |v| format!("{}={v}", fact.key)))
                .collect();
            let text = |value: Option<String>| value.unwrap_or_default();
            let cells = [
                record.schema_version.to_string(),
                record.severity.to_string(),
                record.rule_id,
                record.rule,
                record.attack,
                text(record.host),
                text(record.user),
                text(record.site),
                text(record.tool),
                text(record.tenant),
                text(record.authorization.map(|a| a.to_string())),
                text(record.first_seen.map(|t| t.to_string())),
                text(record.last_seen.map(|t| t.to_string())),
                record.count.to_string(),
                record.summary,
                evidence.join("; "),
                facts.join("; "),
                text(record.stage.map(|s| s.to_string())),
                record.id,
            ];
            writer.write_record(cells.iter().map(|cell| csv_cell(cell).into_owned()))?;
        }
        writer.flush()?;
        Ok(())
    }
}
