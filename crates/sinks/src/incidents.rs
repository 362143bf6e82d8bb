//! Incidents as JSON lines: one `rmmguard_findings::wire::IncidentRecord` per
//! line, with its timeline.

use std::io::{self, Write};

use rmmguard_findings::wire::IncidentRecord;

use crate::{Run, Sink};

/// Every incident, one JSON object per line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Incidents;

impl Sink for Incidents {
    fn write(&self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        for incident in run.incidents {
            serde_json::to_writer(&mut *out, &IncidentRecord::from(incident))?;
            out.write_all(b"\n")?;
        }
        out.flush()
    }
}
