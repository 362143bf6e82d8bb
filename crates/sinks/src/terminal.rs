//! The terminal summary: what was read, which RMM tools run where, the
//! findings by severity, and the problems met while reading.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use rmmguard_correlate::indicators;
use rmmguard_correlate::sites;
use rmmguard_events::SourceRef;
use rmmguard_findings::{Finding, IndicatorKind, Severity};

use rmmguard_words::{counted, noun, thousands};

use crate::safe::terminal as t;
use crate::text::{Table, list_within};
use crate::{Run, Sink};

/// The summary an analyst reads first.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Findings below this severity are counted, not listed.
    pub min_severity: Severity,
    /// Use ANSI colors.
    pub color: bool,
}

impl Default for Summary {
    fn default() -> Summary {
        Summary {
            min_severity: Severity::Low,
            color: false,
        }
    }
}

impl Sink for Summary {
    fn write(&self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.render(run).as_bytes())
    }
}

/// What the summary's sections read: the run, and the findings shown.
struct View<'r, 'a> {
    run: &'r Run<'a>,
    shown: Vec<&'a Finding>,
    hidden: usize,
    min_severity: Severity,
    color: bool,
}

impl Summary {
    /// Renders the summary as text.
    pub fn render(&self, run: &Run<'_>) -> String {
        let shown: Vec<&Finding> = run
            .findings
            .iter()
            .filter(|f| f.severity >= self.min_severity)
            .collect();
        let view = View {
            hidden: run.findings.len() - shown.len(),
            shown,
            run,
            min_severity: self.min_severity,
            color: self.color,
        };
        let mut s = String::new();
        header(&mut s, &view);
        incidents(&mut s, &view);
        audit(&mut s, &view);
        findings(&mut s, &view);
        mail_indicators(&mut s, &view);
        sites(&mut s, &view);
        problems(&mut s, &view);
        s
    }
}

fn header(s: &mut String, view: &View<'_, '_>) {
    let seconds = view.run.elapsed.as_secs_f64().max(1e-6);
    let mib = view.run.bytes as f64 / (1024.0 * 1024.0);
    let _ = writeln!(
        s,
        "{} {}, {:.1} MiB, {} in {:.2} s ({:.0} MiB/s, {} records/s, {})",
        paint("rmmguard hunt:", Style::Bold, view.color),
        counted(view.run.files, "file"),
        mib,
        counted(view.run.records, "record"),
        seconds,
        mib / seconds,
        thousands((view.run.records as f64 / seconds) as u64),
        counted(view.run.threads, "thread"),
    );
    let _ = writeln!(
        s,
        "  parsed {} in full (the rest named no RMM tool or indicator, nor a remote-access port or protocol); {} skipped; {} passed over",
        counted(view.run.parsed, "record"),
        counted(view.run.skipped_records, "malformed record"),
        counted(view.run.skipped_files.len(), "file"),
    );
}

fn incidents(s: &mut String, view: &View<'_, '_>) {
    let _ = writeln!(
        s,
        "\n{} ({})",
        paint("Incidents", Style::Bold, view.color),
        view.run.incidents.len()
    );
    if view.run.incidents.is_empty() {
        let _ = writeln!(s, "  none");
        return;
    }
    for incident in view.run.incidents {
        let severity = format!("{:<8}", incident.severity.as_str());
        let _ = writeln!(
            s,
            "  {} {:<4} {} (score {})",
            paint(&severity, severity_style(incident.severity), view.color),
            incident.id,
            t(&incident.title),
            incident.score
        );
        for reason in &incident.reasons {
            let _ = writeln!(s, "                {}", t(reason));
        }
    }
}

fn audit(s: &mut String, view: &View<'_, '_>) {
    let hosts: std::collections::BTreeSet<String> = view
        .run
        .inventory
        .iter()
        .map(|row| row.host.clone().unwrap_or_default().to_lowercase())
        .collect();
    let _ = writeln!(
        s,
        "\n{} ({} × {} on {})",
        paint("RMM audit", Style::Bold, view.color),
        counted(view.run.audit.len(), "tool"),
        noun(view.run.audit.len(), "tenant"),
        counted(hosts.len(), "host")
    );
    if view.run.audit.is_empty() {
        let _ = writeln!(s, "  none");
        return;
    }
    let rows: Vec<Vec<String>> = view
        .run
        .audit
        .iter()
        .map(|row| {
            vec![
                row.tool.name.to_string(),
                row.tenant.clone().unwrap_or_else(|| "-".into()),
                row.authorization.as_str().to_owned(),
                row.install_mode().to_owned(),
                row.hosts.len().to_string(),
                row.first_seen
                    .map_or_else(|| "-".into(), |t| t.strftime("%Y-%m-%d %H:%M").to_string()),
                list_within(
                    &row.hosts
                        .iter()
                        .map(|h| view.run.host_label(h))
                        .collect::<Vec<_>>(),
                    HOST_LIST_WIDTH,
                ),
            ]
        })
        .collect();
    table(
        s,
        &[
            "TOOL",
            "TENANT",
            "POLICY",
            "MODE",
            "HOSTS",
            "FIRST SEEN",
            "ON",
        ],
        &rows,
    );
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical | Severity::High => Style::Red,
        Severity::Medium => Style::Yellow,
        _ => Style::Dim,
    }
}

fn findings(s: &mut String, view: &View<'_, '_>) {
    let mut counts = Vec::new();
    for severity in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ] {
        let n = view.shown.iter().filter(|f| f.severity == severity).count();
        if n > 0 {
            counts.push(format!("{n} {severity}"));
        }
    }
    let _ = write!(
        s,
        "\n{} {}",
        paint("Findings:", Style::Bold, view.color),
        if counts.is_empty() {
            "none".to_owned()
        } else {
            counts.join(", ")
        }
    );
    if view.hidden > 0 {
        let _ = write!(
            s,
            " ({} below {} not shown)",
            view.hidden, view.min_severity
        );
    }
    if view.run.suppressed > 0 {
        let _ = write!(
            s,
            " ({} suppressed by policy exclusions)",
            view.run.suppressed
        );
    }
    let _ = writeln!(s);
    for finding in &view.shown {
        let severity = format!("{:<8}", finding.severity.as_str());
        let style = match finding.severity {
            Severity::Critical | Severity::High => Style::Red,
            Severity::Medium => Style::Yellow,
            _ => Style::Dim,
        };
        let _ = writeln!(
            s,
            "  {} {} {}",
            paint(&severity, style, view.color),
            finding.rule.id,
            t(&finding.summary)
        );
        if let Some(first) = finding.evidence.first() {
            let more = if finding.count > 1 {
                let more = finding.count - 1;
                format!(" (+{} more {})", thousands(more), noun(more, "event"))
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "           {} {}{more}",
                paint(&t(&first.source.to_string()), Style::Dim, view.color),
                t(&first.what)
            );
        }
    }
}

/// What to block after a mail hunt: phone numbers, senders and domains from
/// the lures found (nothing when there are none).
fn mail_indicators(s: &mut String, view: &View<'_, '_>) {
    let indicators = indicators::mail(view.run.findings);
    if indicators.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n{}",
        paint("Indicators from mail (to block)", Style::Bold, view.color)
    );
    let mut kinds: Vec<_> = indicators.iter().map(|i| i.kind).collect();
    kinds.dedup();
    for kind in kinds {
        let values: Vec<String> = indicators
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| match i.findings {
                1 => i.value.clone(),
                n => format!("{} ({n})", i.value),
            })
            .collect();
        let _ = writeln!(s, "  {}: {}", mail_label(kind), t(&values.join(", ")));
    }
}

/// How the mail indicator list names each kind.
fn mail_label(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Phone => "phone numbers",
        IndicatorKind::Sender => "sender addresses",
        _ => "domains",
    }
}

/// Findings by site, and the indicators several sites share.
fn sites(s: &mut String, view: &View<'_, '_>) {
    let overview = sites::overview(view.run.findings);
    if overview.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n{} ({})",
        paint("Findings by site", Style::Bold, view.color),
        overview.sites.len()
    );
    for site in &overview.sites {
        let counts: Vec<String> = site
            .by_severity
            .iter()
            .map(|(severity, n)| format!("{n} {severity}"))
            .collect();
        let _ = writeln!(
            s,
            "  {}: {} on {}",
            t(&site.site),
            counts.join(", "),
            counted(site.hosts, "host")
        );
    }
    if overview.shared.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n{} ({})",
        paint("Seen at more than one site", Style::Bold, view.color),
        overview.shared.len()
    );
    for shared in &overview.shared {
        let names: Vec<&str> = shared.sites.iter().map(|site| &**site).collect();
        let _ = writeln!(
            s,
            "  {} {} at {}: related activity on {}",
            shared.kind,
            t(&shared.value),
            t(&names.join(", ")),
            counted(shared.sites.len() - 1, "other network")
        );
    }
}

/// How wide the audit's list of hosts grows before the rest are counted.
const HOST_LIST_WIDTH: usize = 48;

/// How many problems of one kind are listed before the rest are counted.
const LISTED: usize = 20;
/// How many paths are shown for each reason files were skipped.
const SKIPPED_EXAMPLES: usize = 3;

/// Problems met while reading: the first [`LISTED`] diagnostics (errors
/// first) and the skipped files counted per reason with a few examples, so
/// a folder of 10,000 unreadable files is a few lines, not a flood.
fn problems(s: &mut String, view: &View<'_, '_>) {
    if view.run.diagnostics.is_empty() && view.run.skipped_files.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n{}",
        paint("Problems reading evidence", Style::Bold, view.color)
    );
    let mut diagnostics: Vec<&(&SourceRef, &str, &str)> = view.run.diagnostics.iter().collect();
    diagnostics.sort_by_key(|(_, level, _)| *level != "error");
    for (source, level, message) in diagnostics.iter().take(LISTED) {
        let _ = writeln!(s, "  {level}: {}: {}", t(&source.to_string()), t(message));
    }
    if diagnostics.len() > LISTED {
        let files: BTreeSet<&std::path::Path> = diagnostics
            .iter()
            .map(|(source, _, _)| &*source.file)
            .collect();
        let _ = writeln!(
            s,
            "  … and {} more in {}",
            thousands((diagnostics.len() - LISTED) as u64),
            counted(files.len(), "file"),
        );
    }
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (path, reason) in &view.run.skipped_files {
        by_reason.entry(reason).or_default().push(path);
    }
    for (reason, paths) in by_reason {
        if paths.len() == 1 {
            let _ = writeln!(s, "  skipped: {}: {}", t(paths[0]), t(reason));
            continue;
        }
        let examples: Vec<String> = paths
            .iter()
            .take(SKIPPED_EXAMPLES)
            .map(|p| t(p).into_owned())
            .collect();
        let more = paths.len().saturating_sub(SKIPPED_EXAMPLES);
        let _ = writeln!(
            s,
            "  skipped {}: {}: {}{}",
            counted(paths.len(), "file"),
            t(reason),
            examples.join(", "),
            if more > 0 {
                format!(", … ({more} more)")
            } else {
                String::new()
            }
        );
    }
}

/// Aligned columns, two spaces apart (see [`crate::text::Table`]).
fn table(s: &mut String, headers: &[&str], rows: &[Vec<String>]) {
    s.push_str(&Table::new(headers, rows.to_vec()).render());
}

#[derive(Clone, Copy)]
enum Style {
    Bold,
    Dim,
    Red,
    Yellow,
}

fn paint(text: &str, style: Style, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match style {
        Style::Bold => "1",
        Style::Dim => "2",
        Style::Red => "1;31",
        Style::Yellow => "33",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floods_of_problems_are_summarized() {
        let skipped: Vec<(String, String)> = (0..10_000)
            .map(|n| {
                (
                    format!("junk/{n}.bin"),
                    "binary content of an unknown format".into(),
                )
            })
            .chain([("notes.txt".into(), "not evidence".into())])
            .collect();
        let source = SourceRef::new("big.jsonl", rmmguard_events::Location::Offset(0));
        let diagnostics = vec![(&source, "warning", "line 9: bad JSON"); 25];
        let run = Run {
            skipped_files: skipped,
            diagnostics,
            ..Run::default()
        };
        let text = Summary::default().render(&run);
        let problems = &text[text.find("Problems").unwrap()..];
        assert_eq!(problems.lines().count(), 1 + 20 + 1 + 2, "{problems}");
        assert!(problems.contains("  … and 5 more in 1 file\n"));
        assert!(problems.contains(
            "  skipped 10,000 files: binary content of an unknown format: junk/0.bin, junk/1.bin, junk/2.bin, … (9997 more)\n"
        ));
        assert!(problems.contains("  skipped: notes.txt: not evidence\n"));
    }

    #[test]
    fn empty_run() {
        let run = Run {
            skipped_files: vec![("x.txt".into(), "not evidence".into())],
            elapsed: std::time::Duration::from_millis(10),
            threads: 2,
            ..Run::default()
        };
        let text = Summary::default().render(&run);
        expect_test::expect![[r#"
            rmmguard hunt: 0 files, 0.0 MiB, 0 records in 0.01 s (0 MiB/s, 0 records/s, 2 threads)
              parsed 0 records in full (the rest named no RMM tool or indicator, nor a remote-access port or protocol); 0 malformed records skipped; 1 file passed over

            Incidents (0)
              none

            RMM audit (0 tools × tenants on 0 hosts)
              none

            Findings: none

            Problems reading evidence
              skipped: x.txt: not evidence
        "#]]
        .assert_eq(&text);
    }
}
