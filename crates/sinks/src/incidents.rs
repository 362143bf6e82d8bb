//! Incidents as JSON lines: one object per incident, with its timeline.

use std::io::{self, Write};

use rmmguard_correlate::Incident;
use serde_json::json;

use crate::SCHEMA_VERSION;

/// Writes one JSON object per incident.
///
/// # Errors
///
/// The writer's IO errors.
pub fn write(out: &mut dyn Write, incidents: &[Incident]) -> io::Result<()> {
    for incident in incidents {
        serde_json::to_writer(&mut *out, &record(incident))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The JSON form of an incident (`schema_version` as for findings).
pub fn record(incident: &Incident) -> serde_json::Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "id": incident.id,
        "kind": incident.kind.as_str(),
        "title": incident.title,
        "severity": incident.severity.as_str(),
        "score": incident.score,
        "reasons": incident.reasons,
        "hosts": incident.hosts,
        "sites": incident.sites,
        "tool": incident.tool.as_ref().map(|t| t.id.to_string()),
        "tenant": incident.tenant,
        "indicator": incident.indicator,
        "stages": incident.stages.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "first_seen": incident.first_seen.map(|t| t.to_string()),
        "last_seen": incident.last_seen.map(|t| t.to_string()),
        "timeline": incident.timeline.iter().map(|e| json!({
            "time": e.time.map(|t| t.to_string()),
            "stage": e.stage.map(|s| s.as_str()),
            "rule_id": e.rule,
            "severity": e.severity.as_str(),
            "host": e.host,
            "site": e.site.as_deref(),
            "summary": e.summary,
            "evidence": e.evidence.iter().map(|ev| ev.source.to_string()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
