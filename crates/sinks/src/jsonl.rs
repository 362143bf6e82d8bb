//! Findings as JSON lines: one `rmmguard_findings::wire::FindingRecord` per line.

use std::io::{self, Write};

use rmmguard_findings::wire::FindingRecord;

use crate::{Run, Sink};

/// Every finding (all severities), one JSON object per line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Findings;

impl Sink for Findings {
    fn write(&self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        for finding in run.findings {
            serde_json::to_writer(&mut *out, &FindingRecord::from(finding))?;
            out.write_all(b"\n")?;
        }
        out.flush()
    }
}
