//! `serve.toml`: where to listen, where state and spool live, limits,
//! syslog, and the tokens (as SHA-256 hashes, never in clear).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Error;
use crate::auth::TokenEntry;

/// The server's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeConfig {
    /// HTTP address (`127.0.0.1:8470`; port 0 picks a free port, printed at start).
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The state file (SQLite), as for `watch`.
    #[serde(default = "default_state")]
    pub state: PathBuf,
    /// Where ingested events are kept as JSON lines until the engine has read them.
    #[serde(default = "default_spool")]
    pub spool: PathBuf,
    /// Files and folders followed besides the spool, as `watch` follows them.
    #[serde(default)]
    pub watch: Vec<PathBuf>,
    /// The policy file.
    #[serde(default)]
    pub policy: Option<PathBuf>,
    /// Indicator files.
    #[serde(default)]
    pub ioc: Vec<PathBuf>,
    /// Known assets (CSV), as for `hunt --assets`.
    #[serde(default)]
    pub assets: Option<PathBuf>,
    /// How often the engine looks for new data, in milliseconds.
    #[serde(default = "default_interval_ms")]
    pub interval_ms: u64,
    /// Size limits and back-pressure.
    #[serde(default)]
    pub limits: Limits,
    /// Syslog listeners.
    #[serde(default)]
    pub syslog: Syslog,
    /// Who may do what.
    #[serde(default, rename = "token")]
    pub tokens: Vec<TokenEntry>,
}

/// Limits that keep memory and disk bounded whatever senders do.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest request body as sent (compressed or not), in bytes.
    pub max_body: usize,
    /// Largest body after gzip is undone, in bytes.
    pub max_decoded: usize,
    /// Ingest requests handled at once; more are answered 503.
    pub max_in_flight: usize,
    /// Spooled bytes the engine may be behind before ingest answers 429.
    pub max_lag: u64,
    /// Requests per second per token (0: no limit); more are answered 429.
    pub max_requests_per_second: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: 32 << 20,
            max_decoded: 256 << 20,
            max_in_flight: 16,
            max_lag: 256 << 20,
            max_requests_per_second: 0,
        }
    }
}

/// Syslog listeners (none unless configured).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Syslog {
    /// UDP address (one message per datagram).
    pub udp: Option<SocketAddr>,
    /// TCP address (octet-counted or newline-framed messages).
    pub tcp: Option<SocketAddr>,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8470))
}

fn default_state() -> PathBuf {
    PathBuf::from("rmmguard-state.db")
}

fn default_spool() -> PathBuf {
    PathBuf::from("rmmguard-spool")
}

fn default_interval_ms() -> u64 {
    250
}

impl ServeConfig {
    /// Reads a config file; relative paths in it are taken from its folder.
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not valid TOML, names an unknown key or
    /// a bad value, or gives no token at all.
    pub fn load(path: &Path) -> Result<ServeConfig, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
        let mut config: ServeConfig = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let base = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        config.resolve(base);
        config.check().map_err(|message| Error::Config {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(config)
    }

    fn resolve(&mut self, base: &Path) {
        let at = |path: &mut PathBuf| {
            if path.is_relative() {
                *path = base.join(&*path);
            }
        };
        at(&mut self.state);
        at(&mut self.spool);
        self.watch.iter_mut().for_each(at);
        self.ioc.iter_mut().for_each(at);
        self.policy.iter_mut().for_each(at);
        self.assets.iter_mut().for_each(at);
    }

    fn check(&self) -> Result<(), String> {
        if self.tokens.is_empty() {
            return Err("no [[token]]: everything but /healthz needs one (`rmmguard serve --new-token NAME --role ROLE` makes one)".into());
        }
        for token in &self.tokens {
            token.check()?;
        }
        if self.limits.max_body == 0 || self.limits.max_decoded < self.limits.max_body {
            return Err(
                "limits: max_body must be above 0 and max_decoded at least max_body".into(),
            );
        }
        Ok(())
    }
}
