//! Ranked outputs: a terminal table, JSON lines and CSV of scores, per-tenant
//! explanations that quote the records behind each reason, and the alert
//! lines `watch` prints when a tenant crosses a threshold.
//!
//! JSON lines and CSV carry a schema name and version ([`SCORE_SCHEMA`],
//! [`ALERT_SCHEMA`]); output types are converted from internal ones here.

pub mod csv;
pub mod explain;
pub mod jsonl;
pub mod table;

use std::path::PathBuf;

use crate::event::SourceRef;

/// Schema name and version of score lines.
pub const SCORE_SCHEMA: &str = "rmmguard.tenant_score/1";
/// Schema name and version of alert lines.
pub const ALERT_SCHEMA: &str = "rmmguard.tenant_alert/1";

/// Turns evidence references into `file:line` text.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Input paths by input number (empty: `#N:line`).
    pub paths: Vec<PathBuf>,
    /// A name for every input number when paths are unknown (`stdin`).
    pub stream: Option<String>,
}

impl Sources {
    /// Input files by number.
    pub fn files(paths: Vec<PathBuf>) -> Sources {
        Sources {
            paths,
            stream: None,
        }
    }

    /// One named stream.
    pub fn stream(name: &str) -> Sources {
        Sources {
            paths: Vec::new(),
            stream: Some(name.to_owned()),
        }
    }

    /// The file's name for an input number.
    pub fn file(&self, source: SourceRef) -> String {
        match (&self.stream, self.paths.get(usize::from(source.file()))) {
            (Some(name), _) => name.clone(),
            (None, Some(path)) => path.display().to_string(),
            (None, None) => format!("#{}", source.file()),
        }
    }

    /// `file:line`.
    pub fn render(&self, source: SourceRef) -> String {
        format!("{}:{}", self.file(source), source.line())
    }
}
