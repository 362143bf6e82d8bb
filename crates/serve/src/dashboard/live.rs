//! `/dashboard/events`: the engine's changes as server-sent events, for the
//! logged-in page. Findings pass the page's own filters (the stream is
//! opened with the page's query string); incidents always come. A client
//! too slow for the broadcast channel hears `missed` and reloads.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use rmmguard::findings::Stage;
use rmmguard::findings::wire::{FindingRecord, IncidentRecord};
use rmmguard::live::Change;
use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};

use super::filters::{Applied, Filters};
use super::session;
use crate::http::Shared;

pub(crate) async fn events(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(filters): Query<Filters>,
) -> Response {
    let logged_in = session::cookie(&headers)
        .and_then(|id| state.sessions.get(&id, Instant::now()))
        .is_some();
    if !logged_in {
        return (StatusCode::UNAUTHORIZED, "log in first\n").into_response();
    }
    let (applied, _) = filters.apply(jiff::Timestamp::now());
    let changes = state.changes.subscribe();
    let stopping = state.stopping.clone();
    Sse::new(feed(changes, stopping, applied))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// The stream: a `hello` first (the page knows it is live), then one event
/// per change that passes the filters, until the server stops.
fn feed(
    changes: broadcast::Receiver<Arc<Change>>,
    stopping: watch::Receiver<bool>,
    filters: Applied,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let hello = Event::default().event("hello").data("{}");
    let state = (changes, stopping, filters, Some(hello));
    stream::unfold(
        state,
        |(mut changes, mut stopping, filters, first)| async move {
            if let Some(first) = first {
                return Some((Ok(first), (changes, stopping, filters, None)));
            }
            loop {
                if *stopping.borrow() {
                    return None;
                }
                let received = tokio::select! {
                    received = changes.recv() => received,
                    _ = stopping.changed() => return None,
                };
                let event = match received {
                    Ok(change) => match event_of(&change, &filters) {
                        Some(event) => event,
                        None => continue,
                    },
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        Event::default().event("missed").data(missed.to_string())
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                return Some((Ok(event), (changes, stopping, filters, None)));
            }
        },
    )
}

/// The event for `change`, if the page shows it.
fn event_of(change: &Change, filters: &Applied) -> Option<Event> {
    let (name, data) = match change {
        Change::NewFinding(record) | Change::FindingChanged { record, .. } => {
            if !filters.admits(record) {
                return None;
            }
            ("finding", finding(record))
        }
        Change::FindingRetired(id) => ("retired", json!({"id": id})),
        Change::IncidentOpened { number, record } => (
            "incident",
            incident(*number, record, "opened", Some("open")),
        ),
        Change::IncidentUpdated { number, record, .. } => {
            ("incident", incident(*number, record, "updated", None))
        }
        Change::IncidentClosed { number, record, .. } => (
            "incident",
            incident(*number, record, "closed", Some("closed")),
        ),
    };
    Some(Event::default().event(name).data(data.to_string()))
}

fn time(t: Option<jiff::Timestamp>) -> Option<String> {
    t.map(|t| t.strftime("%Y-%m-%d %H:%M:%SZ").to_string())
}

/// A finding as the page's rows show it (the same cells as `pages.rs`).
fn finding(r: &FindingRecord) -> Value {
    json!({
        "id": r.id,
        "severity": r.severity.as_str(),
        "rule_id": r.rule_id,
        "title": r.title,
        "host": r.host,
        "site": r.site,
        "tool": r.tool_name.as_ref().or(r.tool.as_ref()),
        "tenant": r.tenant,
        "summary": r.summary,
        "count": r.count,
        "last_seen": time(r.last_seen),
    })
}

fn incident(number: u64, r: &IncidentRecord, change: &str, status: Option<&str>) -> Value {
    let chain: Vec<Value> = Stage::ALL
        .iter()
        .map(|s| json!({"stage": s.as_str(), "reached": r.stages.contains(s)}))
        .collect();
    json!({
        "number": number,
        "change": change,
        "status": status,
        "severity": r.severity.as_str(),
        "title": r.title,
        "chain": chain,
        "hosts": r.hosts.join(", "),
        "sites": r.sites.join(", "),
        "tool": r.tool_name.as_ref().or(r.tool.as_ref()),
        "tenant": r.tenant,
        "last_seen": time(r.last_seen),
    })
}
