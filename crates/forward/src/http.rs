//! The one HTTP client every HTTP target posts through (`ureq`, blocking,
//! rustls): timeouts, trusted roots, no proxy unless configured, and
//! statuses returned as values rather than errors.

use ureq::Agent;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

use crate::{Error, TargetConfig};

/// Responses longer than this are cut: a bulk response for a large batch
/// is well under it, and a hostile receiver cannot grow our memory.
const MAX_RESPONSE: u64 = 16 * 1024 * 1024;

/// A client for one target.
#[derive(Debug, Clone)]
pub struct Client {
    agent: Agent,
}

/// A receiver's answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body as text (lossy), at most [`MAX_RESPONSE`] bytes.
    pub body: String,
}

/// Why a request got no answer.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct NoReply(pub String);

impl Client {
    /// A client with the target's timeouts and trusted roots.
    pub fn new(config: &TargetConfig) -> Result<Client, Error> {
        let tls = match &config.ca_file {
            None => TlsConfig::builder().build(),
            Some(path) => {
                let pem = std::fs::read(path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                TlsConfig::builder()
                    .root_certs(RootCerts::new_with_certs(&certificates(&pem).map_err(
                        |why| Error::Config(format!("{}: {why}", path.display())),
                    )?))
                    .build()
            }
        };
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .max_redirects(0)
            .timeout_connect(Some(config.connect_timeout()))
            .timeout_global(Some(config.timeout()))
            .tls_config(tls)
            .user_agent(concat!("rmmguard/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Ok(Client { agent })
    }

    /// Posts `body` with `Content-Type` and the other headers given.
    pub fn post(
        &self,
        url: &str,
        content_type: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Reply, NoReply> {
        let mut request = self.agent.post(url).header("Content-Type", content_type);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = request.send(body).map_err(|e| NoReply(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE)
            .read_to_vec()
            .map_err(|e| NoReply(format!("status {status}, body unreadable: {e}")))?;
        Ok(Reply {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// The certificates of a PEM file (keys and other items passed over).
fn certificates(pem: &[u8]) -> Result<Vec<Certificate<'static>>, String> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        if let PemItem::Certificate(cert) = item.map_err(|e| e.to_string())? {
            certs.push(cert);
        }
    }
    if certs.is_empty() {
        return Err("no certificate in the file".into());
    }
    Ok(certs)
}

/// Whether a whole-request status may succeed later: timeouts, throttling,
/// server errors; and auth or routing problems an operator fixes while the
/// records wait in the spool.
pub fn retryable(status: u16) -> bool {
    !matches!(status, 400 | 413 | 422)
}

/// A short, single-line description of a reply for warnings (receivers may
/// answer with pages of HTML).
pub fn describe(reply: &Reply) -> String {
    let text: String = reply
        .body
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("HTTP {}: {}", reply.status, text.trim())
}
