//! The HTTP side: ingest (events API, `_bulk`), the findings and incidents
//! API, `/metrics` and `/healthz`. Every route but `/healthz` needs a token
//! with the right role; every answer says `nosniff`, `no-store` and a
//! Content-Security-Policy that allows nothing.

// Helpers return the error answer itself (`Err(Response)`); it ends the
// request either way, so boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rmmguard::findings::Severity;
use rmmguard::findings::wire::{FindingRecord, IncidentRecord};
use rmmguard::store::{IncidentRow, Status, Store};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use rmmguard::live::Change;
use tokio::sync::{broadcast, watch};

use crate::actions::{Action, Invalid, MAX_ASSIGNEE, MAX_NOTE};
use crate::auth::{Role, Tokens};
use crate::config::Limits;
use crate::dashboard::{self, Sessions};
use crate::ingest::{self, Refused, Sorted};
use crate::metrics::{Metrics, add};
use crate::spool::Spool;

/// What every handler shares.
pub(crate) struct AppState {
    pub tokens: Tokens,
    pub limits: Limits,
    pub spool: Arc<Spool>,
    pub metrics: Arc<Metrics>,
    pub in_flight: Semaphore,
    pub store: Mutex<Store>,
    pub bulk_ids: AtomicU64,
    pub rates: Mutex<HashMap<String, (Instant, u32)>>,
    /// Dashboard logins.
    pub sessions: Sessions,
    /// What the engine changed, for the dashboard's live updates.
    pub changes: broadcast::Sender<Arc<Change>>,
    /// Turns true when the server stops.
    pub stopping: watch::Receiver<bool>,
}

pub(crate) type Shared = Arc<AppState>;

/// The router.
pub(crate) fn router(state: Shared) -> Router {
    let body_limit = state.limits.max_body;
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/", get(root).head(root))
        .route("/api/v1/events", post(events))
        .route("/_bulk", post(bulk).put(bulk))
        .route("/{index}/_bulk", post(bulk_into).put(bulk_into))
        .route("/metrics", get(metrics))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/findings", get(findings))
        .route("/api/v1/incidents", get(incidents))
        .route("/api/v1/incidents/{number}", get(incident))
        .route("/api/v1/incidents/{number}/acknowledge", post(acknowledge))
        .route("/api/v1/incidents/{number}/assign", post(assign))
        .route("/api/v1/incidents/{number}/close", post(close))
        .merge(dashboard::routes())
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::map_response(secure_headers))
        .with_state(state)
}

async fn secure_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'",
        ));
    response
}

/// An error answer: status and a JSON body saying why.
pub(crate) fn refuse(status: StatusCode, reason: impl Into<String>) -> Response {
    let body = json!({"error": {"status": status.as_u16(), "reason": reason.into()}});
    (status, axum::Json(body)).into_response()
}

/// Who the request's token names, if its role allows `needed`.
fn authorize(state: &AppState, headers: &HeaderMap, needed: Role) -> Result<String, Response> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| state.tokens.check(v));
    match presented {
        Some((name, role)) if role.allows(needed) => Ok(name.to_owned()),
        Some((name, role)) => {
            add(&state.metrics.auth_failures_total, 1);
            Err(refuse(
                StatusCode::FORBIDDEN,
                format!(
                    "token {name:?} ({}) may not do this ({} needed)",
                    role.as_str(),
                    needed.as_str()
                ),
            ))
        }
        None => {
            add(&state.metrics.auth_failures_total, 1);
            let mut response = refuse(
                StatusCode::UNAUTHORIZED,
                "a valid token is needed (Authorization: Bearer …)",
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"rmmguard\""),
            );
            Err(response)
        }
    }
}

/// Elasticsearch clients ask the root for a version before they send.
async fn root(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let allowed = authorize(&state, &headers, Role::Ingest)
        .or_else(|_| authorize(&state, &headers, Role::Viewer));
    if let Err(response) = allowed {
        return response;
    }
    let mut response = axum::Json(json!({
        "name": "rmmguard",
        "cluster_name": "rmmguard",
        "version": {"number": "8.11.0", "build_flavor": "default", "lucene_version": "9.8.0",
                    "minimum_wire_compatibility_version": "7.17.0",
                    "minimum_index_compatibility_version": "7.0.0"},
        "tagline": "rmmguard speaks enough of the Elasticsearch API to take _bulk requests",
    }))
    .into_response();
    response.headers_mut().insert(
        "x-elastic-product",
        HeaderValue::from_static("Elasticsearch"),
    );
    response
}

/// Back-pressure and rate: `Err` is the answer to give instead of ingesting.
fn admit<'s>(state: &'s AppState, who: &str) -> Result<tokio::sync::SemaphorePermit<'s>, Response> {
    let throttled = |status, reason: &str| {
        add(&state.metrics.ingest_throttled_total, 1);
        let mut response = refuse(status, reason);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        response
    };
    let Ok(permit) = state.in_flight.try_acquire() else {
        return Err(throttled(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many ingest requests at once; retry",
        ));
    };
    if state.metrics.engine_unread_bytes.load(Ordering::Relaxed) > state.limits.max_lag {
        return Err(throttled(
            StatusCode::TOO_MANY_REQUESTS,
            "the engine is behind the spool; retry",
        ));
    }
    let limit = state.limits.max_requests_per_second;
    if limit > 0 {
        let mut rates = state
            .rates
            .lock()
            .map_err(|_| throttled(StatusCode::SERVICE_UNAVAILABLE, "busy"))?;
        let (since, count) = rates.entry(who.to_owned()).or_insert((Instant::now(), 0));
        if since.elapsed().as_secs() >= 1 {
            *since = Instant::now();
            *count = 0;
        }
        *count += 1;
        if *count > limit {
            return Err(throttled(
                StatusCode::TOO_MANY_REQUESTS,
                "request rate over the limit for this token",
            ));
        }
    }
    Ok(permit)
}

fn gzip(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip"))
}

/// Writes sorted documents to the spool (synced) and counts them.
async fn spool(state: &Shared, sorted: &Sorted) -> Result<(), Response> {
    let lines = sorted.lines.clone();
    let spool = Arc::clone(&state.spool);
    let written = tokio::task::spawn_blocking(move || {
        lines
            .iter()
            .try_for_each(|(family, lines)| spool.append(family, lines))
            .map(|()| lines.iter().map(|(_, l)| l.len() as u64).sum::<u64>())
    })
    .await;
    match written {
        Ok(Ok(bytes)) => {
            add(&state.metrics.ingest_bytes_total, bytes);
            add(&state.metrics.ingest_events_total, sorted.accepted);
            add(
                &state.metrics.ingest_rejected_events_total,
                sorted.refused.len() as u64,
            );
            Ok(())
        }
        Ok(Err(error)) => Err(refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("cannot write the spool: {error}"),
        )),
        Err(_) => Err(refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the spool writer failed",
        )),
    }
}

fn refused_whole(state: &AppState, refused: &Refused) -> Response {
    add(&state.metrics.ingest_refused_total, 1);
    let status = match refused {
        Refused::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    refuse(status, refused.to_string())
}

async fn events(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let who = match authorize(&state, &headers, Role::Ingest) {
        Ok(who) => who,
        Err(response) => return response,
    };
    let _permit = match admit(&state, &who) {
        Ok(permit) => permit,
        Err(response) => return response,
    };
    add(&state.metrics.ingest_requests_total, 1);
    let decoded = match ingest::decode(&body, gzip(&headers), state.limits.max_decoded) {
        Ok(decoded) => decoded,
        Err(refused) => return refused_whole(&state, &refused),
    };
    let sorted = ingest::events(&decoded);
    if let Err(response) = spool(&state, &sorted).await {
        return response;
    }
    let status = if sorted.accepted == 0 && !sorted.refused.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let refused: Vec<Value> = sorted
        .refused
        .iter()
        .take(20)
        .map(|(index, reason)| json!({"index": index, "reason": reason}))
        .collect();
    let body = json!({"accepted": sorted.accepted, "refused_count": sorted.refused.len(), "refused": refused});
    (status, axum::Json(body)).into_response()
}

async fn bulk(state: State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    bulk_request(state, headers, None, body).await
}

async fn bulk_into(
    state: State<Shared>,
    headers: HeaderMap,
    Path(index): Path<String>,
    body: Bytes,
) -> Response {
    bulk_request(state, headers, Some(index), body).await
}

async fn bulk_request(
    State(state): State<Shared>,
    headers: HeaderMap,
    index: Option<String>,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let who = match authorize(&state, &headers, Role::Ingest) {
        Ok(who) => who,
        Err(response) => return response,
    };
    let _permit = match admit(&state, &who) {
        Ok(permit) => permit,
        Err(response) => return response,
    };
    add(&state.metrics.ingest_requests_total, 1);
    let decoded = match ingest::decode(&body, gzip(&headers), state.limits.max_decoded) {
        Ok(decoded) => decoded,
        Err(refused) => return refused_whole(&state, &refused),
    };
    let id_base = state.bulk_ids.fetch_add(1, Ordering::Relaxed);
    let (sorted, items) = match ingest::bulk(&decoded, index.as_deref(), id_base) {
        Ok(outcome) => outcome,
        Err(refused) => return refused_whole(&state, &refused),
    };
    if let Err(response) = spool(&state, &sorted).await {
        return response;
    }
    let errors = items.iter().any(|item| item.status >= 300);
    let items: Vec<Value> = items
        .iter()
        .map(|item| json!({ item.action.clone(): item }))
        .collect();
    let took = started.elapsed().as_millis() as u64;
    let mut response =
        axum::Json(json!({"took": took, "errors": errors, "items": items})).into_response();
    response.headers_mut().insert(
        "x-elastic-product",
        HeaderValue::from_static("Elasticsearch"),
    );
    response
}

async fn openapi(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(response) = authorize(&state, &headers, Role::Viewer) {
        return response;
    }
    axum::Json(crate::openapi::document()).into_response()
}

async fn metrics(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(response) = authorize(&state, &headers, Role::Viewer) {
        return response;
    }
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// Runs `read` on the store off the async threads.
pub(crate) async fn with_store<T: Send + 'static>(
    state: &Shared,
    read: impl FnOnce(&mut Store) -> Result<T, rmmguard::store::Error> + Send + 'static,
) -> Result<T, Response> {
    let state = Arc::clone(state);
    let result = tokio::task::spawn_blocking(move || {
        let mut store = state.store.lock().map_err(|_| None)?;
        read(&mut store).map_err(Some)
    })
    .await;
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(Some(rmmguard::store::Error::NoIncident(n)))) => {
            Err(refuse(StatusCode::NOT_FOUND, format!("no incident #{n}")))
        }
        Ok(Err(Some(error))) => Err(refuse(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())),
        _ => Err(refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the store is unavailable",
        )),
    }
}

/// Filters of `GET /api/v1/findings`.
#[derive(Debug, Deserialize)]
struct FindingQuery {
    min_severity: Option<String>,
    rule: Option<String>,
    host: Option<String>,
    site: Option<String>,
    tool: Option<String>,
    tenant: Option<String>,
    /// `false` includes findings no longer current.
    current: Option<bool>,
    limit: Option<usize>,
}

/// A finding as the API gives it.
#[derive(Debug, Serialize)]
struct FindingView {
    #[serde(flatten)]
    record: FindingRecord,
    current: bool,
    stored_at: String,
    updated_at: String,
    revision: u64,
}

async fn findings(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<FindingQuery>,
) -> Response {
    if let Err(response) = authorize(&state, &headers, Role::Viewer) {
        return response;
    }
    let min = match query.min_severity.as_deref().map(str::parse::<Severity>) {
        None => Severity::Info,
        Some(Ok(severity)) => severity,
        Some(Err(e)) => return refuse(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let current = query.current.unwrap_or(true);
    let stored = match with_store(&state, move |store| store.findings(min, current)).await {
        Ok(stored) => stored,
        Err(response) => return response,
    };
    let matches = |wanted: &Option<String>, value: Option<&str>| {
        wanted
            .as_deref()
            .is_none_or(|w| value.is_some_and(|v| v.eq_ignore_ascii_case(w)))
    };
    let views: Vec<FindingView> = stored
        .into_iter()
        .filter(|f| {
            let r = &f.record;
            matches(&query.rule, Some(&r.rule_id))
                && matches(&query.host, r.host.as_deref())
                && matches(&query.site, r.site.as_deref())
                && matches(&query.tool, r.tool.as_deref())
                && matches(&query.tenant, r.tenant.as_deref())
        })
        .take(query.limit.unwrap_or(1000).min(100_000))
        .map(|f| FindingView {
            record: f.record,
            current: f.current,
            stored_at: f.stored_at.to_string(),
            updated_at: f.updated_at.to_string(),
            revision: f.revision,
        })
        .collect();
    axum::Json(views).into_response()
}

/// An incident as the API gives it.
#[derive(Debug, Serialize)]
struct IncidentView {
    number: u64,
    status: String,
    assignee: Option<String>,
    note: Option<String>,
    opened_at: String,
    updated_at: String,
    closed_at: Option<String>,
    findings: Vec<String>,
    incident: IncidentRecord,
    #[serde(skip_serializing_if = "Option::is_none")]
    log: Option<Vec<Value>>,
}

fn incident_view(row: IncidentRow) -> IncidentView {
    IncidentView {
        number: row.number,
        status: row.status.to_string(),
        assignee: row.assignee,
        note: row.note,
        opened_at: row.opened_at.to_string(),
        updated_at: row.updated_at.to_string(),
        closed_at: row.closed_at.map(|t| t.to_string()),
        findings: row.findings.into_iter().collect(),
        incident: row.record,
        log: None,
    }
}

/// Filter of `GET /api/v1/incidents`.
#[derive(Debug, Deserialize)]
struct IncidentQuery {
    /// Comma-separated statuses (default `open,acknowledged`; `all`).
    status: Option<String>,
}

async fn incidents(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<IncidentQuery>,
) -> Response {
    if let Err(response) = authorize(&state, &headers, Role::Viewer) {
        return response;
    }
    let statuses: Result<Vec<Status>, String> = match query.status.as_deref() {
        None => Ok(vec![Status::Open, Status::Acknowledged]),
        Some("all") => Ok(vec![Status::Open, Status::Acknowledged, Status::Closed]),
        Some(list) => list.split(',').map(|s| s.trim().parse()).collect(),
    };
    let statuses = match statuses {
        Ok(statuses) => statuses,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e),
    };
    match with_store(&state, move |store| store.incidents(&statuses)).await {
        Ok(rows) => {
            axum::Json(rows.into_iter().map(incident_view).collect::<Vec<_>>()).into_response()
        }
        Err(response) => response,
    }
}

async fn incident(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(number): Path<u64>,
) -> Response {
    if let Err(response) = authorize(&state, &headers, Role::Viewer) {
        return response;
    }
    let read = with_store(&state, move |store| {
        Ok((store.incident(number)?, store.log(number)?))
    })
    .await;
    match read {
        Ok((row, log)) => {
            let mut view = incident_view(row);
            view.log = Some(
                log.into_iter()
                    .map(|e| json!({"at": e.at.to_string(), "what": e.what}))
                    .collect(),
            );
            axum::Json(view).into_response()
        }
        Err(response) => response,
    }
}

/// Body of `assign`.
#[derive(Debug, Deserialize)]
struct AssignBody {
    to: String,
}

/// Body of `close`.
#[derive(Debug, Deserialize)]
struct CloseBody {
    note: String,
}

async fn acknowledge(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(number): Path<u64>,
) -> Response {
    act(&state, &headers, number, Ok(Action::Acknowledge)).await
}

async fn assign(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(number): Path<u64>,
    body: axum::Json<AssignBody>,
) -> Response {
    act(&state, &headers, number, Action::assign(body.0.to)).await
}

async fn close(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(number): Path<u64>,
    body: axum::Json<CloseBody>,
) -> Response {
    act(&state, &headers, number, Action::close(body.0.note)).await
}

/// An analyst's action through the API: the token's role first, then the
/// action's own checks, then the store.
async fn act(
    state: &Shared,
    headers: &HeaderMap,
    number: u64,
    action: Result<Action, Invalid>,
) -> Response {
    let who = match authorize(state, headers, Role::Analyst) {
        Ok(who) => who,
        Err(response) => return response,
    };
    let action = match action {
        Ok(action) => action,
        Err(Invalid::Assignee) => {
            let reason = format!("`to` must name someone (1 to {MAX_ASSIGNEE} characters)");
            return refuse(StatusCode::BAD_REQUEST, reason);
        }
        Err(Invalid::Note) => {
            let reason = format!("`note` must say why (1 to {MAX_NOTE} characters)");
            return refuse(StatusCode::BAD_REQUEST, reason);
        }
    };
    match with_store(state, move |store| action.apply(store, number, &who)).await {
        Ok(()) => (StatusCode::OK, axum::Json(json!({"ok": true}))).into_response(),
        Err(response) => response,
    }
}
