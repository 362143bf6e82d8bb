//! Findings as CSV: one row per finding, evidence references joined by `; `.

use std::io::{self, Write};

use rmmguard_detect::Finding;

use crate::record::FindingRecord;

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
];

/// Writes a header and one row per finding.
///
/// # Errors
///
/// The writer's IO errors.
pub fn write(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(COLUMNS)?;
    for finding in findings {
        let record = FindingRecord::from_finding(finding);
        let evidence: Vec<&str> = record
            .evidence
            .iter()
            .map(|e| e.reference.as_str())
            .collect();
        let facts: Vec<String> = record
            .facts
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        writer.write_record([
            record.schema_version.to_string().as_str(),
            record.severity,
            record.rule_id,
            record.rule,
            record.attack,
            record.host.unwrap_or(""),
            record.user.unwrap_or(""),
            record.site.unwrap_or(""),
            record.tool.unwrap_or(""),
            record.tenant.unwrap_or(""),
            record.authorization.unwrap_or(""),
            record.first_seen.as_deref().unwrap_or(""),
            record.last_seen.as_deref().unwrap_or(""),
            record.count.to_string().as_str(),
            record.summary,
            evidence.join("; ").as_str(),
            facts.join("; ").as_str(),
        ])?;
    }
    writer.flush()
}
