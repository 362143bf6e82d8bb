//! The web dashboard: server-rendered pages under `/dashboard`, a login
//! that trades a viewer or analyst token for a session cookie, CSRF-checked
//! forms for analysts, and live updates by server-sent events.
//!
//! * `html.rs`: escaping (the one way text enters markup) and the layout;
//! * `session.rs`: sessions, cookies, CSRF and origin checks;
//! * `filters.rs`: the findings filters, shared by pages and live updates;
//! * `pages.rs`: the pages;
//! * `live.rs`: `/dashboard/events`;
//! * `static/`: the stylesheet and script, served by the server itself so
//!   the Content-Security-Policy can forbid everything else.

#![allow(clippy::result_large_err)] // `Err(Response)` ends the request either way.

mod filters;
mod html;
mod live;
mod pages;
mod session;

use std::collections::HashMap;
use std::time::Instant;

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rmmguard::store::Store;

use crate::actions::{Action, Invalid, MAX_ASSIGNEE, MAX_NOTE};
use crate::auth::Role;
use crate::http::{Shared, with_store};
use crate::metrics::add;
use session::Session;
pub(crate) use session::Sessions;

/// The policy of every dashboard answer: the page's own script and
/// stylesheet, requests to its own origin, nothing else.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The dashboard's routes (merged into the server's router).
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/dashboard", get(pages::index))
        .route("/dashboard/hosts", get(pages::hosts))
        .route("/dashboard/incidents/{number}", get(pages::incident))
        .route(
            "/dashboard/incidents/{number}/{action}",
            post(incident_action),
        )
        .route("/dashboard/login", get(login_page).post(login))
        .route("/dashboard/logout", post(logout))
        .route("/dashboard/events", get(live::events))
        .route("/dashboard/static/app.css", get(stylesheet))
        .route("/dashboard/static/app.js", get(script))
        .layer(axum::middleware::map_response(dashboard_headers))
}

async fn dashboard_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"), // not no-referrer: that makes form posts say `Origin: null`
    );
    response
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("static/app.css"),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("static/app.js"),
    )
        .into_response()
}

/// An HTML page with `status`.
fn html(status: StatusCode, page: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// A page that only says what went wrong.
fn error_page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<section class=\"error\"><h1>{}</h1><p>{}</p><p><a href=\"/dashboard\">Back to the dashboard</a></p></section>",
        status.as_u16(),
        html::escape(message)
    );
    html(status, html::page("Error", None, &body))
}

/// The logged-in session of a page request; `Err` sends the browser to
/// the login page.
fn viewer(state: &Shared, headers: &HeaderMap) -> Result<Session, Response> {
    session::cookie(headers)
        .and_then(|id| state.sessions.get(&id, Instant::now()))
        .ok_or_else(|| Redirect::to("/dashboard/login").into_response())
}

/// The session of a form post whose CSRF token and origin check out.
fn poster(
    state: &Shared,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Session, Response> {
    let forbidden = |why: &str| {
        add(&state.metrics.auth_failures_total, 1);
        error_page(StatusCode::FORBIDDEN, why)
    };
    let Some(session) =
        session::cookie(headers).and_then(|id| state.sessions.get(&id, Instant::now()))
    else {
        return Err(forbidden("Not logged in (or the session expired)."));
    };
    if !session::same_origin(headers) {
        return Err(forbidden("This form was sent from another site."));
    }
    if !session::csrf_matches(&session, form.get("csrf").map(String::as_str)) {
        return Err(forbidden(
            "The form's CSRF token is missing or stale; reload the page.",
        ));
    }
    Ok(session)
}

/// Reads the store off the async threads; errors as pages.
async fn read_store<T: Send + 'static>(
    state: &Shared,
    read: impl FnOnce(&mut Store) -> Result<T, rmmguard::store::Error> + Send + 'static,
) -> Result<T, Response> {
    with_store(state, read).await.map_err(|response| {
        let status = response.status();
        let message = if status == StatusCode::NOT_FOUND {
            "No such incident."
        } else {
            "The store cannot be read; see the server's log."
        };
        error_page(status, message)
    })
}

async fn login_page(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if viewer(&state, &headers).is_ok() {
        return Redirect::to("/dashboard").into_response();
    }
    html(StatusCode::OK, pages::login(None))
}

async fn login(
    State(state): State<Shared>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    // A post that is no form is judged like one without a CSRF token.
    let form = form.map(|Form(form)| form).unwrap_or_default();
    if !session::same_origin(&headers) {
        add(&state.metrics.auth_failures_total, 1);
        return error_page(
            StatusCode::FORBIDDEN,
            "This form was sent from another site.",
        );
    }
    let token = form.get("token").map_or("", |t| t.trim());
    let refused = |status, why: &str| {
        add(&state.metrics.auth_failures_total, 1);
        html(status, pages::login(Some(why)))
    };
    let (name, role) = match state.tokens.check(&format!("Bearer {token}")) {
        Some((name, role)) if role.allows(Role::Viewer) => (name.to_owned(), role),
        Some(_) => {
            return refused(
                StatusCode::FORBIDDEN,
                "This is an ingest token: it may send events, not read them. Use a viewer or analyst token.",
            );
        }
        None => return refused(StatusCode::UNAUTHORIZED, "That token is not known."),
    };
    let id = match state.sessions.open(&name, role, Instant::now()) {
        Ok(id) => id,
        Err(_) => {
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "No session could be made (no random source).",
            );
        }
    };
    let mut response = Redirect::to("/dashboard").into_response();
    if let Ok(value) = HeaderValue::from_str(&session::set_cookie(&id)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn logout(
    State(state): State<Shared>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    // A post that is no form is judged like one without a CSRF token.
    let form = form.map(|Form(form)| form).unwrap_or_default();
    if let Err(response) = poster(&state, &headers, &form) {
        return response;
    }
    if let Some(id) = session::cookie(&headers) {
        state.sessions.close(&id);
    }
    let mut response = Redirect::to("/dashboard/login").into_response();
    if let Ok(value) = HeaderValue::from_str(&session::clear_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Acknowledge, assign or close, from the incident page's forms.
async fn incident_action(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((number, action)): Path<(u64, String)>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    // A post that is no form is judged like one without a CSRF token.
    let form = form.map(|Form(form)| form).unwrap_or_default();
    let session = match poster(&state, &headers, &form) {
        Ok(session) => session,
        Err(response) => return response,
    };
    if !session.role.allows(Role::Analyst) {
        return error_page(
            StatusCode::FORBIDDEN,
            "Only analysts may acknowledge, assign or close incidents.",
        );
    }
    let text = |name: &str| form.get(name).map_or("", |t| t.trim()).to_owned();
    let action = match action.as_str() {
        "acknowledge" => Ok(Action::Acknowledge),
        "assign" => Action::assign(text("to")),
        "close" => Action::close(text("note")),
        _ => return error_page(StatusCode::NOT_FOUND, "No such action."),
    };
    let action = match action {
        Ok(action) => action,
        Err(Invalid::Assignee) => {
            let message = format!("Assign to whom? (1 to {MAX_ASSIGNEE} characters)");
            return error_page(StatusCode::BAD_REQUEST, &message);
        }
        Err(Invalid::Note) => {
            let message = format!("Closing needs a note saying why (1 to {MAX_NOTE} characters).");
            return error_page(StatusCode::BAD_REQUEST, &message);
        }
    };
    let who = session.name.clone();
    let done = read_store(&state, move |store| action.apply(store, number, &who)).await;
    match done {
        Ok(()) => Redirect::to(&format!("/dashboard/incidents/{number}")).into_response(),
        Err(response) => response,
    }
}
