//! The self-contained HTML report: one file, inline CSS, JS and SVG, no
//! network fetches, readable from a `file://` URL.
//!
//! Incidents, the time chart and the audit are rendered as HTML; the
//! findings (possibly 100,000 of them) are embedded as JSON and rendered a
//! page at a time by `html/app.js`, so a large run stays responsive. Every
//! finding links to its evidence file (`file://` + the record, line or
//! offset in the link text).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use jiff::Timestamp;
use rmmguard_correlate::indicators::Counted;
use rmmguard_findings::{Evidence, Finding, Incident, InventoryRow, Severity, Stage};
use serde_json::json;

use crate::safe::{html as escape, script_json};
use crate::{Run, Sink};
use rmmguard_words::{counted, noun, thousands};

const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/app.js");

/// The report: incidents, the activity chart, the audit, indicators and a
/// paged findings table, in one file that makes no network request.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// When the report was made (shown as is).
    pub generated: String,
}

impl Sink for Report {
    fn write(&self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.render(run).as_bytes())
    }
}

/// The page's Content-Security-Policy: nothing from the network, no script
/// but the report's own (by its hash), inline styles and data images only.
/// Evidence is never markup or script; this is the second wall.
fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'unsafe-inline'; \
         img-src data:; base-uri 'none'; form-action 'none'",
        sha256_base64(SCRIPT.as_bytes())
    )
}

impl Report {
    /// Renders the report as one HTML document.
    pub fn render(&self, run: &Run<'_>) -> String {
        let mut html = String::with_capacity(64 * 1024 + run.findings.len() * 400);
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>rmmguard report</title><style>{STYLE}</style></head><body>\
             <header><h1>rmmguard report</h1><div class=\"meta\">{} · {}, {:.1} MiB, {} records in {:.2} s</div></header>\
             <nav><a href=\"#overview\">Overview</a><a href=\"#incidents\">Incidents</a><a href=\"#activity\">Activity</a>\
             <a href=\"#audit\">RMM audit</a><a href=\"#indicators\">Indicators</a><a href=\"#findings\">Findings</a></nav><main>",
            content_security_policy(),
            escape(&self.generated),
            counted(run.files, "file"),
            run.bytes as f64 / 1048576.0,
            thousands(run.records),
            run.elapsed.as_secs_f64(),
        );
        overview(&mut html, run);
        incidents(&mut html, run.incidents);
        activity(&mut html, run);
        audit(&mut html, run);
        indicators(&mut html, run.indicators);
        findings(&mut html, run);
        let _ = writeln!(html, "</main><script>{SCRIPT}</script></body></html>");
        html
    }
}

fn overview(html: &mut String, report: &Run<'_>) {
    let _ = write!(
        html,
        "<section id=\"overview\"><h2>Overview</h2><div class=\"cards\">"
    );
    stat(html, "incidents", report.incidents.len());
    for severity in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ] {
        let n = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count();
        stat(html, &format!("{severity} findings"), n);
    }
    let hosts: BTreeSet<&str> = report
        .inventory
        .iter()
        .filter_map(|r| r.host.as_deref())
        .collect();
    stat(html, "RMM tools × tenants", report.audit.len());
    stat(html, "hosts with RMM", hosts.len());
    html.push_str("</div>");
    let mut by_site: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for finding in report.findings {
        let site = report.site_of(finding).unwrap_or("(no site)");
        by_site.entry(site).or_default()[finding.severity as usize] += 1;
    }
    if !by_site.is_empty() {
        html.push_str("<h3>Findings by site</h3><table><thead><tr><th>site</th><th>critical</th><th>high</th><th>medium</th><th>low</th><th>info</th></tr></thead><tbody>");
        for (site, counts) in by_site {
            let _ = write!(html, "<tr data-site-row><td>{}</td>", escape(site));
            for n in counts.iter().rev() {
                let _ = write!(html, "<td class=\"num\">{n}</td>");
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</section>");
}

fn stat(html: &mut String, label: &str, n: usize) {
    let _ = write!(
        html,
        "<div class=\"stat\"><div class=\"n\">{n}</div><div class=\"muted\">{}</div></div>",
        escape(label)
    );
}

fn incidents(html: &mut String, incidents: &[Incident]) {
    let _ = write!(
        html,
        "<section id=\"incidents\"><h2>Incidents ({})</h2>",
        incidents.len()
    );
    if incidents.is_empty() {
        html.push_str("<p class=\"muted\">No incident: no findings joined into a story.</p>");
    }
    for incident in incidents {
        let severity = incident.severity.as_str();
        let _ = write!(
            html,
            "<article class=\"incident {severity}\" data-incident=\"{}\"><div><span class=\"sev {severity}\">{severity}</span> \
             <strong>{}</strong> · {} · score {}</div><h3>{}</h3>",
            escape(&incident.id),
            escape(&incident.id),
            escape(incident.kind.as_str()),
            incident.score,
            escape(&incident.title)
        );
        if !incident.stages.is_empty() {
            html.push_str("<div class=\"stages\">");
            for stage in Stage::ALL {
                let on = if incident.stages.contains(&stage) {
                    " class=\"on\""
                } else {
                    ""
                };
                let _ = write!(html, "<span{on}>{}</span>", stage.as_str());
            }
            html.push_str("</div>");
        }
        html.push_str("<ul class=\"reasons\">");
        for reason in &incident.reasons {
            let _ = write!(html, "<li>{}</li>", escape(reason));
        }
        html.push_str("</ul><div class=\"timeline\">");
        for entry in &incident.timeline {
            let _ = write!(
                html,
                "<div><time>{}</time><span class=\"sev {}\">{}</span> {} {}{} ",
                entry.time.map_or_else(|| "-".to_owned(), time),
                entry.severity.as_str(),
                entry.severity.as_str(),
                escape(entry.rule),
                entry
                    .stage
                    .map_or_else(String::new, |s| format!("[{}] ", s.as_str())),
                escape(&entry.summary)
            );
            for evidence in entry.evidence.iter().take(2) {
                let _ = write!(html, "{} ", evidence_link(evidence));
            }
            html.push_str("</div>");
        }
        html.push_str("</div></article>");
    }
    html.push_str("</section>");
}

/// An SVG chart: one row per host and tool, a faint bar from first to last
/// seen in the colour of its authorization, and on it one segment per
/// finding (low and above) about that tool on that host, coloured by severity (the most
/// severe drawn last, on top): an authorized tool's long bar never hides a
/// foreign tenant's session on the same host.
fn activity(html: &mut String, run: &Run<'_>) {
    html.push_str("<section id=\"activity\"><h2>RMM activity per host</h2>");
    let rows: Vec<&InventoryRow> = run
        .inventory
        .iter()
        .filter(|r| r.first_seen.is_some())
        .collect();
    let (Some(start), Some(end)) = (
        rows.iter().filter_map(|r| r.first_seen).min(),
        rows.iter()
            .filter_map(|r| r.last_seen.or(r.first_seen))
            .max(),
    ) else {
        html.push_str("<p class=\"muted\">No timed RMM activity.</p></section>");
        return;
    };
    let segments = segments(run.findings);
    let span = (end.as_second() - start.as_second()).max(1) as f64;
    let (label_width, width, row_height) = (300.0, 1000.0, 18.0);
    let height = row_height * rows.len() as f64 + 30.0;
    let _ = write!(
        html,
        "<svg role=\"img\" aria-label=\"RMM activity per host\" width=\"100%\" viewBox=\"0 0 {} {height}\" preserveAspectRatio=\"xMinYMin meet\">",
        label_width + width + 20.0
    );
    let x = |t: Timestamp| {
        let t = t.clamp(start, end);
        label_width + (t.as_second() - start.as_second()) as f64 / span * width
    };
    for (i, row) in rows.iter().enumerate() {
        let y = 20.0 + i as f64 * row_height;
        let first = row.first_seen.unwrap_or(start);
        let last = row.last_seen.unwrap_or(first);
        let color = match row.authorization.as_str() {
            "authorized" => "#2b8a3e",
            "unauthorized" => "#b3001b",
            _ => "#e67700",
        };
        let host = row.host.as_deref().unwrap_or("-");
        let label = format!("{} · {}", run.host_label(host), row.tool.name);
        let _ = write!(
            html,
            "<text x=\"0\" y=\"{:.1}\">{}</text><rect data-span x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\" fill=\"{color}\" fill-opacity=\"0.35\"><title>{} ({}) {} – {}</title></rect>",
            y + 9.0,
            escape(&label),
            x(first),
            y,
            (x(last) - x(first)).max(3.0),
            escape(&label),
            row.authorization.as_str(),
            time(first),
            time(last)
        );
        let key = (host.to_lowercase(), row.tool.id.to_string());
        for segment in segments.get(&key).into_iter().flatten() {
            let severity = segment.severity.as_str();
            let _ = write!(
                html,
                "<rect data-segment=\"{severity}\" class=\"seg {severity}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\"><title>{severity} {} {}: {} – {}</title></rect>",
                x(segment.first),
                y,
                (x(segment.last) - x(segment.first)).max(3.0),
                escape(segment.rule),
                escape(segment.tenant.unwrap_or("")),
                time(segment.first),
                time(segment.last)
            );
        }
    }
    let _ = write!(
        html,
        "<text x=\"{label_width}\" y=\"12\">{}</text><text x=\"{}\" y=\"12\" text-anchor=\"end\">{}</text></svg></section>",
        time(start),
        label_width + width,
        time(end)
    );
}

/// One finding's span on the activity chart.
struct Segment<'a> {
    severity: Severity,
    rule: &'a str,
    tenant: Option<&'a str>,
    first: Timestamp,
    last: Timestamp,
}

/// The timed findings about a tool on a host, by (host, tool id), least
/// severe first so the most severe are drawn on top. Info findings (the
/// authorized use) are the bar itself and get no segment.
fn segments(findings: &[Finding]) -> BTreeMap<(String, String), Vec<Segment<'_>>> {
    let mut by_row: BTreeMap<(String, String), Vec<Segment<'_>>> = BTreeMap::new();
    for finding in findings.iter().filter(|f| f.severity > Severity::Info) {
        let (Some(host), Some(tool), Some(first)) =
            (&finding.host, &finding.tool, finding.first_seen)
        else {
            continue;
        };
        by_row
            .entry((host.to_lowercase(), tool.id.to_string()))
            .or_default()
            .push(Segment {
                severity: finding.severity,
                rule: finding.rule.id,
                tenant: finding.tenant.as_deref(),
                first,
                last: finding.last_seen.unwrap_or(first).max(first),
            });
    }
    for segments in by_row.values_mut() {
        segments.sort_by_key(|s| (s.severity, s.first));
    }
    by_row
}

fn audit(html: &mut String, run: &Run<'_>) {
    let rows = run.audit;
    let _ = write!(
        html,
        "<section id=\"audit\"><h2>RMM audit ({} × {})</h2><table><thead><tr><th>tool</th><th>tenant</th>\
         <th>policy</th><th>install mode</th><th>hosts</th><th>sites</th><th>first seen</th><th>last seen</th><th>versions</th><th>events</th></tr></thead><tbody>",
        counted(rows.len(), "tool"),
        noun(rows.len(), "tenant")
    );
    for row in rows {
        let hosts: Vec<String> = row.hosts.iter().map(|h| run.host_label(h)).collect();
        let sites: BTreeSet<&str> = if row.sites.is_empty() {
            row.hosts
                .iter()
                .filter_map(|h| run.assets?.site_of_host(h))
                .collect()
        } else {
            row.sites.iter().map(String::as_str).collect()
        };
        let authorization = row.authorization.as_str();
        let _ = write!(
            html,
            "<tr data-audit-row><td>{}</td><td>{}</td><td class=\"auth-{authorization}\">{authorization}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape(&row.tool.name),
            escape(row.tenant.as_deref().unwrap_or("-")),
            row.install_mode(),
            escape(&hosts.join(", ")),
            escape(&sites.into_iter().collect::<Vec<_>>().join(", ")),
            row.first_seen.map_or_else(|| "-".to_owned(), time),
            row.last_seen.map_or_else(|| "-".to_owned(), time),
            escape(&row.versions.join(", ")),
            row.events
        );
    }
    html.push_str("</tbody></table></section>");
}

fn indicators(html: &mut String, indicators: &[Counted]) {
    let _ = write!(
        html,
        "<section id=\"indicators\"><h2>Indicators ({})</h2><table><thead><tr><th>kind</th><th>value</th><th>findings</th></tr></thead><tbody>",
        indicators.len()
    );
    for indicator in indicators {
        let _ = write!(
            html,
            "<tr data-indicator><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape(indicator.kind.label()),
            escape(&indicator.value),
            indicator.findings
        );
    }
    html.push_str("</tbody></table></section>");
}

fn findings(html: &mut String, run: &Run<'_>) {
    let findings = run.findings;
    let data: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            json!({
                "severity": f.severity.as_str(),
                "rule_id": f.rule.id,
                "rule": f.rule.name,
                "host": run.finding_host(f),
                "site": run.site_of(f),
                "tool": f.tool.as_ref().map(|t| t.name.to_string()),
                "summary": f.summary,
                "count": f.count,
                "evidence": f.evidence.iter().take(3).map(|e| json!({
                    "ref": e.source.to_string(),
                    "url": file_url(&e.source.file),
                    "what": e.what,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let json = serde_json::to_string(&json!({ "findings": data }))
        .unwrap_or_else(|_| "{\"findings\":[]}".into());
    let _ = write!(
        html,
        "<section id=\"findings\"><h2>Findings ({})</h2><div class=\"controls\"><input id=\"findings-filter\" type=\"search\" placeholder=\"filter: rule, host, tool, text\">\
         <select id=\"findings-severity\"><option value=\"info\">all severities</option><option value=\"low\" selected>low and above</option>\
         <option value=\"medium\">medium and above</option><option value=\"high\">high and above</option><option value=\"critical\">critical</option></select>\
         <button id=\"findings-prev\" type=\"button\">previous</button><button id=\"findings-next\" type=\"button\">next</button>\
         <span id=\"findings-status\" class=\"muted\"></span></div><table><thead><tr><th>severity</th><th>rule</th><th>host</th><th>site</th><th>tool</th>\
         <th>summary</th><th>events</th><th>evidence</th></tr></thead><tbody id=\"findings-body\"></tbody></table>\
         <script type=\"application/json\" id=\"report-data\">{}</script></section>",
        findings.len(),
        script_json(&json)
    );
}

fn evidence_link(evidence: &Evidence) -> String {
    format!(
        "<a class=\"ev\" href=\"{}\" title=\"{}\">{}</a>",
        escape(&file_url(&evidence.source.file)),
        escape(&evidence.what),
        escape(&evidence.source.to_string())
    )
}

/// A `file://` URL for an evidence file (made absolute, reserved bytes escaped).
fn file_url(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut url = String::from("file://");
    for byte in absolute.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(char::from(byte))
            }
            _ => {
                let _ = write!(url, "%{byte:02X}");
            }
        }
    }
    url
}

fn time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// SHA-256 of `bytes`, base64 (standard alphabet, padded), as CSP hashes are written.
fn sha256_base64(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(44);
    for chunk in digest.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_urls() {
        assert_eq!(
            sha256_base64(b"abc"),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        assert_eq!(
            file_url(Path::new("/a b/c#1.evtx")),
            "file:///a%20b/c%231.evtx"
        );
    }

    #[test]
    fn empty_report_is_complete_and_offline() {
        let report = Report {
            generated: "now".into(),
        };
        let html = report.render(&Run::default());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.ends_with("</html>\n"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no network references"
        );
        assert!(html.contains("No incident"));
    }
}
