//! Which chain stage a finding stands for in a chain: the finding's own
//! stage (the rule table's, as the detector refined it), except that
//! authorized, info-level activity never counts — but banking visits
//! always do, and the chain decides whether they fall inside a session.

use rmmguard_findings::{Finding, Severity, Stage};

/// The chain stage a finding stands for, if any.
pub fn of(finding: &Finding) -> Option<Stage> {
    match finding.stage {
        Some(Stage::Banking) => Some(Stage::Banking),
        _ if finding.severity == Severity::Info => None,
        stage => stage,
    }
}
