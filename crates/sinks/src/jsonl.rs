//! Findings as JSON lines: one [`FindingRecord`](crate::record::FindingRecord) per line.

use std::io::{self, Write};

use rmmguard_detect::Finding;

use crate::record::FindingRecord;

/// Writes one JSON object per finding.
///
/// # Errors
///
/// The writer's IO errors.
pub fn write(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, &FindingRecord::from_finding(finding))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
