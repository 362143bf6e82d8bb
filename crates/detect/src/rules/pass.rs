//! The shared state of inspecting one event, [`Pass`], and what every
//! vantage point's rules do with it: attribute the event to a tool (a
//! sighting), record a rule firing (a hit), read a tenant, fire the
//! catalog's command-line tells.

use std::borrow::Cow;
use std::net::IpAddr;

use rmmguard_catalog::{Field, TellKind};
use rmmguard_events::{Meta, Process};
use rmmguard_findings::{Evidence, Fact, FactKey, Mode, Rule, rules};

use crate::Detector;
use crate::index::CatalogIndex;
use crate::paths::{PathClass, classify};
use crate::tally::{HitSpec, Tally};

/// The state of inspecting one event: what the rule functions (here, and in
/// `network.rs` and `mail.rs`) read and write.
pub(super) struct Pass<'a> {
    pub detector: &'a Detector,
    pub index: &'a CatalogIndex,
    pub meta: &'a Meta,
    /// For sensor events that name no host: the internal side, which hits
    /// and sightings are recorded on (see `network.rs`).
    pub sensor_host: Option<IpAddr>,
    pub evidence: Evidence,
    pub tally: &'a mut Tally,
}

impl<'a> Pass<'a> {
    /// The meta that tallies record: the event's, or with the sensor host set.
    fn tally_meta(&self) -> Cow<'a, Meta> {
        match self.sensor_host {
            Some(ip) if self.meta.host.is_none() => Cow::Owned(Meta {
                host: Some(ip.to_string()),
                ..self.meta.clone()
            }),
            _ => Cow::Borrowed(self.meta),
        }
    }
}

impl Pass<'_> {
    /// A tool's display name.
    pub fn name(&self, tool: usize) -> &str {
        &self.index.tool(tool).reference.name
    }

    /// The event's host, for summaries.
    pub fn host(&self) -> Cow<'_, str> {
        match (&self.meta.host, self.sensor_host) {
            (Some(host), _) => host.as_str().into(),
            (None, Some(ip)) => ip.to_string().into(),
            (None, None) => "an unnamed host".into(),
        }
    }

    /// Records that `tool` was seen on the event's host.
    pub fn sight(&mut self, tool: usize, mode: Mode) {
        let meta = self.tally_meta();
        self.tally.sight(&meta, tool, mode, &self.evidence);
    }

    /// Records one firing of a rule on this event.
    pub fn hit(&mut self, spec: HitSpec) {
        let meta = self.tally_meta();
        self.tally.hit(&meta, spec, &self.evidence);
    }

    /// Records a tool's process: how it runs (installed, portable, …).
    pub fn sight_process(&mut self, tool: usize, process: &Process) {
        let Some(executable) = process.executable.as_deref() else {
            self.sight(tool, Mode::OtherPath);
            return;
        };
        let mode = if self.index.tool_of_install_path(executable) == Some(tool) {
            Mode::Installed
        } else {
            match classify(executable) {
                PathClass::System => Mode::Installed,
                PathClass::UserWritable(reason) => {
                    self.tally.portable(
                        self.meta,
                        tool,
                        executable,
                        process.sha256(),
                        reason,
                        &self.evidence,
                    );
                    Mode::Portable
                }
                PathClass::Other => Mode::OtherPath,
            }
        };
        self.sight(tool, mode);
        self.tally.describe(
            self.meta,
            tool,
            process.pe.file_version.as_deref(),
            Some(executable),
        );
    }

    /// Reads a tenant from a field's text and records it.
    pub fn tenant(&mut self, tool: usize, field: Field, text: &str) {
        if let Some((tenant, label)) = self.index.tenant(tool, field, text) {
            let label = label.to_owned();
            let meta = self.tally_meta();
            self.tally
                .tenant(&meta, tool, tenant, &label, &self.evidence);
        }
    }

    /// Fires the tool's tells on a field's text; returns the kinds that fired.
    /// The tenant the same text names (if any) goes on the finding.
    pub fn tells(&mut self, tool: usize, field: Field, text: &str) -> Vec<TellKind> {
        let lower = text.to_lowercase();
        let fired: Vec<(TellKind, String)> = self
            .index
            .tool(tool)
            .tells
            .iter()
            .filter(|tell| tell.field == field && tell.matches(&lower))
            .map(|tell| (tell.kind, tell.note.clone()))
            .collect();
        let tenant = self
            .index
            .tenant(tool, field, text)
            .map(|(tenant, _)| tenant);
        let mut kinds = Vec::new();
        for (kind, note) in fired {
            if !kinds.contains(&kind) {
                kinds.push(kind);
                self.tell_finding(tool, kind, &note, text, tenant.clone());
            }
        }
        kinds
    }

    pub fn tell_finding(
        &mut self,
        tool: usize,
        kind: TellKind,
        note: &str,
        text: &str,
        tenant: Option<String>,
    ) {
        let rule: &'static Rule = match kind {
            TellKind::SilentInstall => rules::SILENT_INSTALL,
            TellKind::PasswordSet => rules::CLI_PASSWORD,
            TellKind::RemoteCommand => rules::REMOTE_COMMAND,
            TellKind::FileTransfer => rules::FILE_TRANSFER,
            TellKind::CredentialExport => rules::CREDENTIAL_ACCESS,
            TellKind::ClientJoin | TellKind::SessionStart => return,
        };
        let name = self.name(tool).to_owned();
        let mut facts = vec![Fact::new(FactKey::RmmTell, kind.as_str().to_owned())];
        if !note.is_empty() {
            facts.push(Fact::new(FactKey::Reason, note.to_owned()));
        }
        facts.push(Fact::new(FactKey::ProcessCommandLine, text.to_owned()));
        let summary = match &tenant {
            Some(tenant) => format!(
                "{name} {} on {} (tenant {tenant})",
                kind_phrase(kind),
                self.host()
            ),
            None => format!("{name} {} on {}", kind_phrase(kind), self.host()),
        };
        if let Some(tenant) = &tenant {
            facts.push(Fact::new(FactKey::RmmTenant, tenant.clone()));
        }
        self.hit(HitSpec {
            rule,
            tool: Some(tool),
            subject: format!("{}|{}", kind.as_str(), tenant.as_deref().unwrap_or("")),
            tenant,
            summary,
            facts,
        });
    }
}

fn kind_phrase(kind: TellKind) -> &'static str {
    match kind {
        TellKind::SilentInstall => "installed silently",
        TellKind::PasswordSet => "access password set on the command line",
        TellKind::ClientJoin => "client joined an instance",
        TellKind::RemoteCommand => "ran a remote command",
        TellKind::FileTransfer => "transferred files",
        TellKind::SessionStart => "session started",
        TellKind::CredentialExport => "credentials exported",
    }
}
