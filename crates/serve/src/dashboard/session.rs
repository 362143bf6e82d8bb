//! Dashboard logins: a token exchanged once for a session cookie (random
//! id, `HttpOnly`, `SameSite=Strict`), kept in memory with an expiry, each
//! with its own CSRF token that every form posts back.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};
use subtle::ConstantTimeEq;

use crate::auth::{Role, hex};

/// The cookie's name.
pub(crate) const COOKIE: &str = "rmmguard_session";

/// How long a login lasts.
pub(crate) const LIFETIME: Duration = Duration::from_secs(8 * 3600);

/// At most this many live sessions; beyond it the oldest is dropped, so a
/// flood of logins cannot grow memory.
const MAX_SESSIONS: usize = 10_000;

/// One login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    /// The token's name.
    pub name: String,
    /// The token's role (viewer or analyst).
    pub role: Role,
    /// What forms must post back.
    pub csrf: String,
    expires: Instant,
}

/// The live sessions by id.
#[derive(Debug)]
pub(crate) struct Sessions {
    lifetime: Duration,
    live: Mutex<HashMap<String, Session>>,
}

impl Default for Sessions {
    fn default() -> Sessions {
        Sessions::with_lifetime(LIFETIME)
    }
}

impl Sessions {
    pub(crate) fn with_lifetime(lifetime: Duration) -> Sessions {
        Sessions {
            lifetime,
            live: Mutex::new(HashMap::new()),
        }
    }

    /// A new session for `name`; returns its id (for the cookie).
    pub(crate) fn open(&self, name: &str, role: Role, now: Instant) -> std::io::Result<String> {
        let id = random_hex(32)?;
        let session = Session {
            name: name.to_owned(),
            role,
            csrf: random_hex(32)?,
            expires: now + self.lifetime,
        };
        let mut live = self.live.lock().map_err(|_| poisoned())?;
        live.retain(|_, s| s.expires > now);
        if live.len() >= MAX_SESSIONS
            && let Some(oldest) = live
                .iter()
                .min_by_key(|(_, s)| s.expires)
                .map(|(id, _)| id.clone())
        {
            live.remove(&oldest);
        }
        live.insert(id.clone(), session);
        Ok(id)
    }

    /// The session `id` names, unless it expired (then it is forgotten).
    pub(crate) fn get(&self, id: &str, now: Instant) -> Option<Session> {
        let mut live = self.live.lock().ok()?;
        match live.get(id) {
            Some(session) if session.expires > now => Some(session.clone()),
            Some(_) => {
                live.remove(id);
                None
            }
            None => None,
        }
    }

    /// Ends the session `id` (logout).
    pub(crate) fn close(&self, id: &str) {
        if let Ok(mut live) = self.live.lock() {
            live.remove(id);
        }
    }
}

fn poisoned() -> std::io::Error {
    std::io::Error::other("the session table is unavailable")
}

/// `bytes` random bytes from the system, in hex.
fn random_hex(bytes: usize) -> std::io::Result<String> {
    use std::io::Read;
    let mut buffer = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buffer)?;
    Ok(hex(&buffer))
}

/// The session id a request's `Cookie` headers carry.
pub(crate) fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE && !value.is_empty()).then(|| value.to_owned())
        })
}

/// The `Set-Cookie` value for a new session.
pub(crate) fn set_cookie(id: &str) -> String {
    format!(
        "{COOKIE}={id}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age={}",
        LIFETIME.as_secs()
    )
}

/// The `Set-Cookie` value that ends the session in the browser.
pub(crate) fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Whether the request came from a page of this server: `Origin`, when
/// sent, names this host; `Sec-Fetch-Site`, when sent, says same-origin.
/// (Clients that are not browsers send neither; the CSRF token still binds
/// their form posts to a session.)
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let site_ok = text(header::HeaderName::from_static("sec-fetch-site"))
        .is_none_or(|site| site == "same-origin");
    let origin_ok = match text(header::ORIGIN) {
        None => true,
        Some(origin) => text(header::HOST).is_some_and(|host| {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host)
        }),
    };
    site_ok && origin_ok
}

/// Whether a form's `csrf` field is the session's (constant time).
pub(crate) fn csrf_matches(session: &Session, posted: Option<&str>) -> bool {
    posted.is_some_and(|posted| {
        posted.len() == session.csrf.len()
            && bool::from(posted.as_bytes().ct_eq(session.csrf.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn sessions_expire_and_close() {
        let sessions = Sessions::with_lifetime(Duration::from_secs(60));
        let start = Instant::now();
        let id = sessions.open("ana", Role::Analyst, start).expect("open");
        assert_eq!(id.len(), 64);
        let session = sessions.get(&id, start).expect("live");
        assert_eq!(
            (session.name.as_str(), session.role),
            ("ana", Role::Analyst)
        );
        assert!(sessions.get(&id, start + Duration::from_secs(59)).is_some());
        assert!(sessions.get(&id, start + Duration::from_secs(60)).is_none());
        // Once expired it is gone, even for an earlier clock.
        assert!(sessions.get(&id, start).is_none());

        let other = sessions.open("vic", Role::Viewer, start).expect("open");
        assert_ne!(other, id);
        sessions.close(&other);
        assert!(sessions.get(&other, start).is_none());
        assert!(sessions.get("", start).is_none());
    }

    #[test]
    fn csrf_tokens_differ_per_session_and_must_match_exactly() {
        let sessions = Sessions::default();
        let now = Instant::now();
        let a = sessions.open("a", Role::Analyst, now).expect("open");
        let b = sessions.open("b", Role::Analyst, now).expect("open");
        let a = sessions.get(&a, now).expect("a");
        let b = sessions.get(&b, now).expect("b");
        assert_ne!(a.csrf, b.csrf);
        assert!(csrf_matches(&a, Some(&a.csrf)));
        assert!(!csrf_matches(&a, Some(&b.csrf)));
        assert!(!csrf_matches(&a, None));
        assert!(!csrf_matches(&a, Some("")));
        assert!(!csrf_matches(&a, Some(&a.csrf[1..])));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; rmmguard_session=abc; b=2"),
        );
        assert_eq!(cookie(&headers).as_deref(), Some("abc"));
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("rmmguard_session="),
        );
        assert_eq!(cookie(&headers), None);
        assert!(set_cookie("x").contains("HttpOnly; SameSite=Strict"));
    }

    #[test]
    fn other_origins_are_refused() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8470")])));
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8470"),
            ("origin", "http://127.0.0.1:8470"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8470"),
            ("origin", "http://evil.example"),
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8470"),
            ("origin", "null"),
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8470"),
            ("sec-fetch-site", "cross-site"),
        ])));
    }
}
