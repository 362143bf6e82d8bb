//! The pages: the overview (incidents, then findings with filters), one
//! incident (story, timeline, findings, log, analyst forms), hosts, login.
//! Every value goes through `html::escape` (via `cell` or directly).

use crate::actions::{MAX_ASSIGNEE, MAX_NOTE};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rmmguard::findings::Severity;
use rmmguard::findings::Stage;
use rmmguard::findings::wire::{FindingRecord, IncidentRecord};
use rmmguard::store::{IncidentRow, Status, StoredFinding};

use super::filters::{Applied, Filters};
use super::html::{cell, csrf_field, escape, page, query_component};
use super::session::Session;
use super::{html, read_store, viewer};
use crate::auth::Role;
use crate::http::Shared;

/// Most findings rows a page shows (the filters narrow the rest).
const MAX_ROWS: usize = 1000;

fn who(session: &Session) -> Option<(&str, &str, &str)> {
    Some((&session.name, session.role.as_str(), &session.csrf))
}

fn time(t: Option<jiff::Timestamp>) -> Option<String> {
    t.map(|t| t.strftime("%Y-%m-%d %H:%M:%SZ").to_string())
}

/// The login form.
pub(crate) fn login(problem: Option<&str>) -> String {
    let mut body = String::from("<section class=\"login\"><h1>Log in</h1>");
    if let Some(problem) = problem {
        let _ = write!(
            body,
            "<p class=\"problem\" id=\"problem\">{}</p>",
            escape(problem)
        );
    }
    body.push_str(
        "<form method=\"post\" action=\"/dashboard/login\">\
         <label for=\"token\">Viewer or analyst token</label>\
         <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required autofocus>\
         <button type=\"submit\" id=\"login\">Log in</button></form>\
         <p class=\"hint\">Make one with <code>rmmguard serve --new-token NAME --role viewer</code>.</p></section>",
    );
    page("Log in", None, &body)
}

fn statuses(filter: Option<&str>) -> Result<Vec<Status>, String> {
    match filter.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(vec![Status::Open, Status::Acknowledged]),
        Some("all") => Ok(vec![Status::Open, Status::Acknowledged, Status::Closed]),
        Some(list) => list.split(',').map(|s| s.trim().parse()).collect(),
    }
}

/// Most severe first, then the latest activity.
fn sort_incidents(rows: &mut [IncidentRow]) {
    rows.sort_by(|a, b| {
        (b.record.severity, b.record.last_seen, b.number).cmp(&(
            a.record.severity,
            a.record.last_seen,
            a.number,
        ))
    });
}

/// `/dashboard`: incidents, then findings.
pub(crate) async fn index(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(filters): Query<Filters>,
) -> Response {
    let session = match viewer(&state, &headers) {
        Ok(session) => session,
        Err(response) => return response,
    };
    let (applied, mut problems) = filters.apply(jiff::Timestamp::now());
    let wanted = statuses(filters.status.as_deref()).unwrap_or_else(|e| {
        problems.push(e);
        vec![Status::Open, Status::Acknowledged]
    });
    let min = applied.min;
    let read = read_store(&state, move |store| {
        Ok((store.incidents(&wanted)?, store.findings(min, true)?))
    })
    .await;
    let (mut incidents, findings) = match read {
        Ok(read) => read,
        Err(response) => return response,
    };
    sort_incidents(&mut incidents);
    let mut findings: Vec<StoredFinding> = findings
        .into_iter()
        .filter(|f| applied.admits(&f.record))
        .collect();
    sort_findings(&mut findings);

    let mut body = String::new();
    for problem in &problems {
        let _ = write!(
            body,
            "<p class=\"problem\">Ignored: {}</p>",
            escape(problem)
        );
    }
    incidents_section(&mut body, &incidents, filters.status.as_deref());
    findings_section(&mut body, &findings, &filters, &applied);
    html(StatusCode::OK, page("Dashboard", who(&session), &body))
}

fn sort_findings(findings: &mut [StoredFinding]) {
    findings.sort_by(|a, b| {
        (b.record.severity, b.record.last_seen, &a.record.id).cmp(&(
            a.record.severity,
            a.record.last_seen,
            &b.record.id,
        ))
    });
}

/// The chain: every stage, reached or not.
fn chain(out: &mut String, reached: &[Stage]) {
    out.push_str("<ol class=\"chain\">");
    for stage in Stage::ALL {
        let class = if reached.contains(&stage) {
            "reached"
        } else {
            "missing"
        };
        let _ = write!(out, "<li class=\"{class}\">{}</li>", escape(stage.as_str()));
    }
    out.push_str("</ol>");
}

fn list(values: &[String]) -> Option<String> {
    (!values.is_empty()).then(|| values.join(", "))
}

fn incidents_section(out: &mut String, rows: &[IncidentRow], status: Option<&str>) {
    let shown = status.map_or("open, acknowledged", str::trim);
    let _ = write!(
        out,
        "<section id=\"incidents\"><h1>Incidents <span class=\"count\" id=\"incident-count\">{}</span></h1>\
         <p class=\"views\">Showing {}. <a href=\"/dashboard?status=all\">All</a> · \
         <a href=\"/dashboard?status=closed\">Closed</a> · <a href=\"/dashboard\">Open</a></p>\
         <table class=\"incidents\"><thead><tr><th>#</th><th>Severity</th><th>Status</th>\
         <th>Incident</th><th>Chain</th><th>Hosts</th><th>Sites</th><th>Tool</th><th>Tenant</th>\
         <th>Last seen</th><th>Assignee</th></tr></thead><tbody id=\"incident-rows\">",
        rows.len(),
        escape(shown)
    );
    for row in rows {
        incident_row(out, row);
    }
    out.push_str("</tbody></table></section>");
}

fn incident_row(out: &mut String, row: &IncidentRow) {
    let r = &row.record;
    let _ = write!(
        out,
        "<tr data-number=\"{n}\" class=\"sev-{sev}\"><td class=\"num\"><a href=\"/dashboard/incidents/{n}\">#{n}</a></td>",
        n = row.number,
        sev = r.severity.as_str()
    );
    cell(out, "sev", Some(r.severity.as_str()));
    cell(out, "status", Some(row.status.as_str()));
    let _ = write!(out, "<td class=\"title\">{}", escape(&r.title));
    timeline_details(out, r);
    out.push_str("</td><td class=\"stages\">");
    chain(out, &r.stages);
    out.push_str("</td>");
    cell(out, "hosts", list(&r.hosts).as_deref());
    cell(out, "sites", list(&r.sites).as_deref());
    cell(out, "tool", r.tool_name.as_deref().or(r.tool.as_deref()));
    cell(out, "tenant", r.tenant.as_deref());
    cell(out, "time", time(r.last_seen).as_deref());
    cell(out, "assignee", row.assignee.as_deref());
    out.push_str("</tr>");
}

/// The incident's timeline, folded.
fn timeline_details(out: &mut String, r: &IncidentRecord) {
    let _ = write!(
        out,
        "<details class=\"timeline\"><summary>Timeline ({})</summary><ol>",
        r.timeline.len()
    );
    for entry in &r.timeline {
        let _ = write!(
            out,
            "<li><span class=\"time\">{}</span> <span class=\"stage\">{}</span> {} on {}: {}</li>",
            escape(&time(entry.time).unwrap_or_default()),
            escape(entry.stage.map_or("", Stage::as_str)),
            escape(&entry.rule_id),
            escape(entry.host.as_deref().unwrap_or("?")),
            escape(&entry.summary)
        );
    }
    out.push_str("</ol></details>");
}

fn findings_section(
    out: &mut String,
    findings: &[StoredFinding],
    filters: &Filters,
    applied: &Applied,
) {
    let _ = write!(
        out,
        "<section id=\"findings\"><h1>Findings <span class=\"count\" id=\"finding-count\">{}</span></h1>",
        findings.len()
    );
    filter_form(out, filters, applied.min);
    if findings.len() > MAX_ROWS {
        let _ = write!(
            out,
            "<p class=\"problem\">Showing the first {MAX_ROWS} of {}; narrow the filters.</p>",
            findings.len()
        );
    }
    out.push_str(
        "<table class=\"findings\"><thead><tr><th>Severity</th><th>Rule</th><th>Finding</th>\
         <th>Host</th><th>Site</th><th>Tool</th><th>Tenant</th><th>Summary</th><th>Count</th>\
         <th>Last seen</th></tr></thead><tbody id=\"finding-rows\">",
    );
    for finding in findings.iter().take(MAX_ROWS) {
        finding_row(out, &finding.record);
    }
    out.push_str("</tbody></table></section>");
}

/// One findings row; `app.js` builds the same cells for live rows.
fn finding_row(out: &mut String, r: &FindingRecord) {
    let _ = write!(
        out,
        "<tr data-id=\"{}\" class=\"sev-{}\">",
        escape(&r.id),
        r.severity.as_str()
    );
    cell(out, "sev", Some(r.severity.as_str()));
    let _ = write!(
        out,
        "<td class=\"rule\"><a href=\"/dashboard?rule={}\">{}</a></td>",
        query_component(&r.rule_id),
        escape(&r.rule_id)
    );
    cell(out, "title", Some(&r.title));
    cell(out, "host", r.host.as_deref());
    cell(out, "site", r.site.as_deref());
    cell(out, "tool", r.tool_name.as_deref().or(r.tool.as_deref()));
    cell(out, "tenant", r.tenant.as_deref());
    cell(out, "summary", Some(&r.summary));
    cell(out, "count", Some(&r.count.to_string()));
    cell(out, "time", time(r.last_seen).as_deref());
    out.push_str("</tr>");
}

fn filter_form(out: &mut String, filters: &Filters, min: Severity) {
    out.push_str("<form method=\"get\" action=\"/dashboard\" class=\"filters\"><label>Severity ≥ <select name=\"severity\">");
    for severity in Severity::ALL {
        let selected = if severity == min { " selected" } else { "" };
        let _ = write!(
            out,
            "<option value=\"{s}\"{selected}>{s}</option>",
            s = severity.as_str()
        );
    }
    out.push_str("</select></label>");
    let fields = [
        ("rule", "Rule", &filters.rule),
        ("host", "Host", &filters.host),
        ("site", "Site", &filters.site),
        ("tool", "Tool", &filters.tool),
        ("tenant", "Tenant", &filters.tenant),
        ("since", "Since", &filters.since),
        ("until", "Until", &filters.until),
    ];
    for (name, label, value) in fields {
        let _ = write!(
            out,
            "<label>{label} <input name=\"{name}\" value=\"{}\" size=\"12\"></label>",
            escape(value.as_deref().unwrap_or(""))
        );
    }
    if let Some(status) = &filters.status {
        let _ = write!(
            out,
            "<input type=\"hidden\" name=\"status\" value=\"{}\">",
            escape(status)
        );
    }
    out.push_str("<button type=\"submit\">Filter</button> <a href=\"/dashboard\">Clear</a></form>");
}

/// `/dashboard/incidents/{n}`.
pub(crate) async fn incident(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(number): Path<u64>,
) -> Response {
    let session = match viewer(&state, &headers) {
        Ok(session) => session,
        Err(response) => return response,
    };
    let read = read_store(&state, move |store| {
        let row = store.incident(number)?;
        let log = store.log(number)?;
        let findings: Vec<StoredFinding> = store
            .findings(Severity::Info, false)?
            .into_iter()
            .filter(|f| row.findings.contains(&f.record.id))
            .collect();
        Ok((row, log, findings))
    })
    .await;
    let (row, log, mut findings) = match read {
        Ok(read) => read,
        Err(response) => return response,
    };
    sort_findings(&mut findings);
    let r = &row.record;
    let mut body = String::new();
    let _ = write!(
        body,
        "<section class=\"incident sev-{}\" data-number=\"{}\"><h1>#{} {}</h1><dl class=\"facts\">",
        r.severity.as_str(),
        row.number,
        row.number,
        escape(&r.title)
    );
    let facts: [(&str, Option<String>); 10] = [
        (
            "Severity",
            Some(format!("{} (score {})", r.severity, r.score)),
        ),
        ("Status", Some(row.status.to_string())),
        ("Assignee", row.assignee.clone()),
        ("Note", row.note.clone()),
        ("Hosts", list(&r.hosts)),
        ("Sites", list(&r.sites)),
        ("Tool", r.tool_name.clone().or_else(|| r.tool.clone())),
        ("Tenant", r.tenant.clone()),
        ("Indicator", r.indicator.clone()),
        (
            "Seen",
            Some(format!(
                "{} to {}",
                time(r.first_seen).unwrap_or_default(),
                time(r.last_seen).unwrap_or_default()
            )),
        ),
    ];
    for (name, value) in facts {
        let _ = write!(
            body,
            "<dt>{name}</dt><dd>{}</dd>",
            escape(value.as_deref().unwrap_or("—"))
        );
    }
    body.push_str("</dl><h2>Chain</h2>");
    chain(&mut body, &r.stages);
    body.push_str("<h2>Why</h2><ul class=\"story\">");
    for reason in &r.reasons {
        let _ = write!(body, "<li>{}</li>", escape(reason));
    }
    body.push_str("</ul>");
    if session.role.allows(Role::Analyst) {
        analyst_forms(&mut body, &row, &session.csrf);
    }
    timeline_table(&mut body, r);
    body.push_str("<h2>Findings</h2><table class=\"findings\"><thead><tr><th>Severity</th><th>Rule</th><th>Finding</th>\
         <th>Host</th><th>Site</th><th>Tool</th><th>Tenant</th><th>Summary</th><th>Count</th>\
         <th>Last seen</th></tr></thead><tbody>");
    for finding in &findings {
        finding_row(&mut body, &finding.record);
    }
    body.push_str("</tbody></table>");
    facts_of(&mut body, &findings);
    body.push_str("<h2>Log</h2><ol class=\"log\">");
    for entry in &log {
        let _ = write!(
            body,
            "<li><span class=\"time\">{}</span> {}</li>",
            escape(&time(Some(entry.at)).unwrap_or_default()),
            escape(&entry.what)
        );
    }
    body.push_str("</ol></section>");
    let title = format!("#{} {}", row.number, r.title);
    html(StatusCode::OK, page(&title, who(&session), &body))
}

fn analyst_forms(out: &mut String, row: &IncidentRow, csrf: &str) {
    let n = row.number;
    let csrf = csrf_field(csrf);
    out.push_str("<h2>Work it</h2><div class=\"actions\">");
    if row.status == Status::Open {
        let _ = write!(
            out,
            "<form method=\"post\" action=\"/dashboard/incidents/{n}/acknowledge\">{csrf}\
             <button type=\"submit\" id=\"acknowledge\">Acknowledge</button></form>"
        );
    }
    let _ = write!(
        out,
        "<form method=\"post\" action=\"/dashboard/incidents/{n}/assign\">{csrf}\
         <label>Assign to <input name=\"to\" required maxlength=\"{MAX_ASSIGNEE}\"></label>\
         <button type=\"submit\" id=\"assign\">Assign</button></form>"
    );
    if row.status != Status::Closed {
        let _ = write!(
            out,
            "<form method=\"post\" action=\"/dashboard/incidents/{n}/close\">{csrf}\
             <label>Note <textarea name=\"note\" required maxlength=\"{MAX_NOTE}\" rows=\"2\"></textarea></label>\
             <button type=\"submit\" id=\"close\">Close</button></form>"
        );
    }
    out.push_str("</div>");
}

fn timeline_table(out: &mut String, r: &IncidentRecord) {
    out.push_str("<h2>Timeline</h2><table class=\"timeline\"><thead><tr><th>Time</th><th>Stage</th><th>Rule</th>\
         <th>Severity</th><th>Host</th><th>Site</th><th>What</th><th>Evidence</th></tr></thead><tbody>");
    for entry in &r.timeline {
        out.push_str("<tr>");
        cell(out, "time", time(entry.time).as_deref());
        cell(out, "stage", entry.stage.map(Stage::as_str));
        cell(out, "rule", Some(&entry.rule_id));
        cell(out, "sev", Some(entry.severity.as_str()));
        cell(out, "host", entry.host.as_deref());
        cell(out, "site", entry.site.as_deref());
        cell(out, "summary", Some(&entry.summary));
        cell(out, "evidence", list(&entry.evidence).as_deref());
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The findings' typed facts and evidence lines.
fn facts_of(out: &mut String, findings: &[StoredFinding]) {
    out.push_str("<h2>Facts and evidence</h2>");
    for finding in findings {
        let r = &finding.record;
        let _ = write!(
            out,
            "<details class=\"facts\"><summary>{} — {}</summary><dl>",
            escape(&r.rule_id),
            escape(&r.title)
        );
        for fact in &r.facts {
            let _ = write!(
                out,
                "<dt>{}</dt><dd>{}</dd>",
                escape(&fact.key.to_string()),
                escape(&fact.values.join(" · "))
            );
        }
        out.push_str("</dl><ul class=\"evidence\">");
        for evidence in &r.evidence {
            let _ = write!(
                out,
                "<li><code>{}</code> {}</li>",
                escape(&evidence.reference),
                escape(&evidence.what)
            );
        }
        out.push_str("</ul></details>");
    }
}

/// `/dashboard/hosts`: every host with current findings.
pub(crate) async fn hosts(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let session = match viewer(&state, &headers) {
        Ok(session) => session,
        Err(response) => return response,
    };
    let findings = match read_store(&state, |store| store.findings(Severity::Info, true)).await {
        Ok(findings) => findings,
        Err(response) => return response,
    };
    #[derive(Default)]
    struct Host {
        sites: BTreeSet<String>,
        tools: BTreeSet<String>,
        findings: usize,
        worst: Option<Severity>,
        last: Option<jiff::Timestamp>,
    }
    let mut by_host: BTreeMap<String, Host> = BTreeMap::new();
    for finding in &findings {
        let r = &finding.record;
        let Some(name) = &r.host else { continue };
        let host = by_host.entry(name.clone()).or_default();
        host.sites.extend(r.site.clone());
        host.tools
            .extend(r.tool_name.clone().or_else(|| r.tool.clone()));
        host.findings += 1;
        host.worst = host.worst.max(Some(r.severity));
        host.last = host.last.max(r.last_seen);
    }
    let mut body = format!(
        "<section id=\"hosts\"><h1>Hosts <span class=\"count\">{}</span></h1>\
         <table class=\"hosts\"><thead><tr><th>Host</th><th>Sites</th><th>Tools</th><th>Findings</th>\
         <th>Worst</th><th>Last seen</th></tr></thead><tbody>",
        by_host.len()
    );
    for (name, host) in &by_host {
        let worst = host.worst.unwrap_or(Severity::Info);
        let _ = write!(
            body,
            "<tr class=\"sev-{}\"><td class=\"host\"><a href=\"/dashboard?host={}\">{}</a></td>",
            worst.as_str(),
            query_component(name),
            escape(name)
        );
        let sites: Vec<String> = host.sites.iter().cloned().collect();
        let tools: Vec<String> = host.tools.iter().cloned().collect();
        cell(&mut body, "sites", list(&sites).as_deref());
        cell(&mut body, "tools", list(&tools).as_deref());
        cell(&mut body, "count", Some(&host.findings.to_string()));
        cell(&mut body, "sev", Some(worst.as_str()));
        cell(&mut body, "time", time(host.last).as_deref());
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table></section>");
    html(StatusCode::OK, page("Hosts", who(&session), &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incident_statuses_default_to_the_apis() {
        assert_eq!(statuses(None), Ok(vec![Status::Open, Status::Acknowledged]));
        assert_eq!(
            statuses(Some("")),
            Ok(vec![Status::Open, Status::Acknowledged])
        );
        assert_eq!(statuses(Some("closed")), Ok(vec![Status::Closed]));
        assert_eq!(statuses(Some("all")).map(|s| s.len()), Ok(3));
        assert!(statuses(Some("gone")).is_err());
    }

    #[test]
    fn the_login_page_escapes_its_problem() {
        let page = login(Some("<script>x</script>"));
        assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!page.contains("<script>x"));
    }
}
