//! Outputs: everything rmmguard writes for people and for other programs.
//!
//! A run's outputs all read one borrowed view of it, [`Run`], and all go
//! through one trait, [`Sink`]: the terminal summary
//! ([`terminal::Summary`]), findings as JSON lines ([`jsonl::Findings`]) and
//! CSV ([`csv::Findings`]), incidents as JSON lines
//! ([`incidents::Incidents`]), the self-contained HTML report
//! ([`html::Report`]), and the RMM audit as a table or CSV ([`audit`]).
//! [`text`] renders plain-text documents (headings, lines and aligned
//! tables) for reports that are not runs, such as an evaluation.
//!
//! Serialized records are `rmmguard_findings::wire` (versioned by
//! [`SCHEMA_VERSION`]); every text that came from evidence is made inert for
//! its destination here — control characters escaped for terminals, formula
//! cells neutralized in CSV, markup escaped in HTML ([`safe`]).
//!
//! ```
//! use rmmguard_sinks::{Run, Sink, jsonl};
//!
//! let mut out = Vec::new();
//! jsonl::Findings.write(&Run::default(), &mut out)?;
//! assert!(out.is_empty());
//! # Ok::<(), std::io::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audit;
pub mod csv;
pub mod html;
pub mod incidents;
pub mod jsonl;
pub mod safe;
pub mod terminal;
pub mod text;

use std::io::{self, Write};
use std::time::Duration;

use rmmguard_correlate::Entities;
use rmmguard_correlate::audit::AuditRow;
use rmmguard_correlate::indicators::Counted;
use rmmguard_events::SourceRef;
use rmmguard_findings::{Finding, Incident, InventoryRow};

pub use rmmguard_findings::wire::SCHEMA_VERSION;

/// A run as every output sees it: what was read, and what it amounted to.
#[derive(Debug, Default)]
pub struct Run<'a> {
    /// Files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Records in those files.
    pub records: u64,
    /// Records parsed in full (the rest were passed over by the prefilter).
    pub parsed: u64,
    /// Malformed records skipped.
    pub skipped_records: u64,
    /// Files passed over: (path, reason).
    pub skipped_files: Vec<(String, String)>,
    /// Problems met while reading: (where, level, message).
    pub diagnostics: Vec<(&'a SourceRef, &'static str, &'a str)>,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// Worker threads.
    pub threads: usize,
    /// Every finding, most severe first.
    pub findings: &'a [Finding],
    /// Findings dropped by policy exclusions.
    pub suppressed: usize,
    /// Incidents, most severe first.
    pub incidents: &'a [Incident],
    /// The RMM audit (per tool and tenant).
    pub audit: &'a [AuditRow],
    /// The RMM inventory (per host).
    pub inventory: &'a [InventoryRow],
    /// Indicators flagged findings name, most named first.
    pub indicators: &'a [Counted],
    /// Known assets (`--assets`): they name hosts seen only by address and
    /// give hosts without one their site.
    pub assets: Option<&'a Entities>,
}

impl Run<'_> {
    /// A host as outputs for people show it: an address the assets name as
    /// `NAME (address)`, anything else as it is.
    pub fn host_label(&self, host: &str) -> String {
        match self.assets {
            Some(assets) => assets.display_host(host),
            None => host.to_owned(),
        }
    }

    /// The host a finding is about as outputs for people show it: its own
    /// (named by the assets if it is an address), else the one the assets
    /// join it to (a mail finding's recipient's workstation).
    pub fn finding_host(&self, finding: &Finding) -> Option<String> {
        if let Some(host) = &finding.host {
            return Some(self.host_label(host));
        }
        let (_, name) = self.assets?.host_of(finding)?;
        self.assets?
            .asset_of_host(&name)
            .map(|asset| asset.host.clone())
    }

    /// A finding's site: its own, else the one the assets give its host.
    pub fn site_of<'f>(&'f self, finding: &'f Finding) -> Option<&'f str> {
        finding.site.as_deref().or_else(|| {
            let assets = self.assets?;
            match finding.host.as_deref() {
                Some(host) => assets.site_of_host(host),
                None => {
                    let (_, name) = assets.host_of(finding)?;
                    assets.site_of_host(&name)
                }
            }
        })
    }
}

/// One output of a run.
pub trait Sink {
    /// Writes this output of `run` to `out`.
    ///
    /// # Errors
    ///
    /// The writer's IO errors.
    fn write(&self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()>;
}
