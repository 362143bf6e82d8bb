//! The `[[forward]]` tables of a forwarding file: one per receiver.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rmmguard_findings::Severity;
use serde::Deserialize;

use crate::Error;

/// A forwarding file: the receivers, in the order they are written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// One table per receiver.
    #[serde(default)]
    pub forward: Vec<TargetConfig>,
}

/// What kind of receiver a target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Splunk HTTP Event Collector.
    Hec,
    /// Elasticsearch or OpenSearch `_bulk`.
    Elasticsearch,
    /// Syslog (RFC 5424) carrying CEF.
    Syslog,
    /// Slack/Teams-compatible incoming webhook.
    Webhook,
}

impl Kind {
    /// The name used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Hec => "hec",
            Kind::Elasticsearch => "elasticsearch",
            Kind::Syslog => "syslog",
            Kind::Webhook => "webhook",
        }
    }
}

/// Syslog transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// One message per datagram (RFC 5426).
    #[default]
    Udp,
    /// Octet-counted frames on one connection (RFC 6587).
    Tcp,
}

/// One receiver. Options that do not apply to its kind are ignored;
/// unknown names are refused, so a typo does not pass silently.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    /// What the receiver is.
    pub kind: Kind,
    /// A name for messages and counters (default: the kind).
    pub name: Option<String>,
    /// HEC endpoint, Elasticsearch base URL, or webhook URL.
    pub url: Option<String>,
    /// Syslog receiver `host:port`.
    pub address: Option<String>,
    /// Syslog transport.
    #[serde(default)]
    pub transport: Transport,
    /// HEC token or Elasticsearch API key.
    pub token: Option<Secret>,
    /// An environment variable holding the token (keeps secrets out of files).
    pub token_env: Option<String>,
    /// PEM file of the CA certificates to trust for https (default: the
    /// Mozilla roots built in).
    pub ca_file: Option<PathBuf>,
    /// Records per request.
    #[serde(default = "defaults::batch_size")]
    pub batch_size: usize,
    /// Connect timeout, milliseconds.
    #[serde(default = "defaults::connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// Timeout of one whole request, milliseconds.
    #[serde(default = "defaults::timeout_ms")]
    pub timeout_ms: u64,
    /// Tries after the first before a batch goes to the spool.
    #[serde(default = "defaults::retries")]
    pub retries: u32,
    /// First backoff, milliseconds (doubled per try, with jitter).
    #[serde(default = "defaults::backoff_ms")]
    pub backoff_ms: u64,
    /// Longest backoff, milliseconds.
    #[serde(default = "defaults::backoff_max_ms")]
    pub backoff_max_ms: u64,
    /// Where undelivered records wait (none: they are dropped, counted).
    pub spool_dir: Option<PathBuf>,
    /// Most bytes the spool holds; past it records are dropped, counted.
    #[serde(default = "defaults::spool_limit_bytes")]
    pub spool_limit_bytes: u64,
    /// Least severity forwarded (webhooks default to high for findings;
    /// incidents always go).
    pub min_severity: Option<Severity>,
    /// HEC `source`.
    pub source: Option<String>,
    /// HEC `sourcetype` prefix (`rmmguard` gives `rmmguard:finding`).
    pub sourcetype: Option<String>,
    /// HEC or Elasticsearch index.
    pub index: Option<String>,
    /// Syslog facility number (default 10, authpriv).
    pub facility: Option<u8>,
    /// Syslog HOSTNAME of this sender (default `-`).
    pub hostname: Option<String>,
    /// Syslog messages longer than this are cut (default: none over TCP,
    /// 65,507 bytes over UDP); some collectors take only 2,048 or 8,192.
    pub max_message_bytes: Option<usize>,
}

/// A token: shown as `***` by `Debug`, so a debug print of a config or a
/// target never logs it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The token itself, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for Secret {
    fn from(token: &str) -> Secret {
        Secret(token.to_owned())
    }
}

impl From<String> for Secret {
    fn from(token: String) -> Secret {
        Secret(token)
    }
}

mod defaults {
    pub fn batch_size() -> usize {
        100
    }
    pub fn connect_timeout_ms() -> u64 {
        5_000
    }
    pub fn timeout_ms() -> u64 {
        30_000
    }
    pub fn retries() -> u32 {
        3
    }
    pub fn backoff_ms() -> u64 {
        500
    }
    pub fn backoff_max_ms() -> u64 {
        30_000
    }
    pub fn spool_limit_bytes() -> u64 {
        256 * 1024 * 1024
    }
}

impl Config {
    /// Parses a forwarding file's text and checks every target.
    pub fn parse(text: &str) -> Result<Config, Error> {
        let config: Config = toml::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
        for target in &config.forward {
            target.check()?;
        }
        Ok(config)
    }

    /// Reads and parses a forwarding file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&text).map_err(|e| match e {
            Error::Config(message) => Error::Config(format!("{}: {message}", path.display())),
            other => other,
        })
    }
}

impl TargetConfig {
    /// A target of `kind` with every default and nothing else set.
    pub fn new(kind: Kind) -> TargetConfig {
        TargetConfig {
            kind,
            name: None,
            url: None,
            address: None,
            transport: Transport::default(),
            token: None,
            token_env: None,
            ca_file: None,
            batch_size: defaults::batch_size(),
            connect_timeout_ms: defaults::connect_timeout_ms(),
            timeout_ms: defaults::timeout_ms(),
            retries: defaults::retries(),
            backoff_ms: defaults::backoff_ms(),
            backoff_max_ms: defaults::backoff_max_ms(),
            spool_dir: None,
            spool_limit_bytes: defaults::spool_limit_bytes(),
            min_severity: None,
            source: None,
            sourcetype: None,
            index: None,
            facility: None,
            hostname: None,
            max_message_bytes: None,
        }
    }

    /// The name in messages and counters.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(self.kind.as_str())
    }

    /// The token, from `token` or the variable `token_env` names.
    pub fn token(&self) -> Result<Option<Secret>, Error> {
        if let Some(token) = &self.token {
            return Ok(Some(token.clone()));
        }
        match &self.token_env {
            Some(var) => std::env::var(var).map(|t| Some(Secret(t))).map_err(|_| {
                Error::Config(format!(
                    "{}: token_env names {var}, which is not set",
                    self.name()
                ))
            }),
            None => Ok(None),
        }
    }

    /// The connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }

    /// The whole-request timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// The least severity of findings this target gets.
    pub fn min_severity(&self) -> Severity {
        self.min_severity.unwrap_or(match self.kind {
            Kind::Webhook => Severity::High,
            _ => Severity::Info,
        })
    }

    fn check(&self) -> Result<(), Error> {
        let problem = |what: &str| Err(Error::Config(format!("{}: {what}", self.name())));
        if self.batch_size == 0 {
            return problem("batch_size must be at least 1");
        }
        if self.kind == Kind::Syslog {
            if self.address.is_none() {
                return problem("syslog needs address = \"host:port\"");
            }
        } else {
            match &self.url {
                None => return problem("needs url"),
                Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                    return problem("url must start with http:// or https://");
                }
                Some(_) => {}
            }
        }
        if self.kind == Kind::Hec && self.token.is_none() && self.token_env.is_none() {
            return problem("hec needs token or token_env");
        }
        if self.max_message_bytes.is_some_and(|n| n < 480) {
            return problem("max_message_bytes must be at least 480 (RFC 5424)");
        }
        if self.facility.is_some_and(|f| f > 23) {
            return problem("facility must be 0 to 23");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_every_kind_parses() {
        let config = Config::parse(
            r#"
            [[forward]]
            kind = "hec"
            url = "https://splunk.example:8088/services/collector/event"
            token = "t"
            [[forward]]
            kind = "elasticsearch"
            name = "es"
            url = "http://127.0.0.1:9200"
            index = "alerts"
            spool_dir = "/tmp/spool"
            [[forward]]
            kind = "syslog"
            address = "127.0.0.1:514"
            transport = "tcp"
            [[forward]]
            kind = "webhook"
            url = "https://hooks.example/x"
            "#,
        )
        .unwrap();
        let names: Vec<&str> = config.forward.iter().map(TargetConfig::name).collect();
        assert_eq!(names, ["hec", "es", "syslog", "webhook"]);
        assert_eq!(config.forward[2].transport, Transport::Tcp);
        assert_eq!(config.forward[3].min_severity(), Severity::High);
        assert_eq!(config.forward[0].min_severity(), Severity::Info);
        assert_eq!(config.forward[0].batch_size, 100);
        let shown = format!("{:?}", config.forward[0]);
        assert!(
            shown.contains("token: Some(***)") && !shown.contains("\"t\""),
            "{shown}"
        );
    }

    #[test]
    fn mistakes_are_refused_with_the_target_named() {
        for (text, expected) in [
            ("kind = \"hec\"\nurl = \"http://x\"", "hec: hec needs token"),
            ("kind = \"syslog\"", "syslog: syslog needs address"),
            (
                "kind = \"webhook\"\nurl = \"ftp://x\"",
                "webhook: url must start",
            ),
            (
                "kind = \"webhook\"\nurl = \"http://x\"\nbatchsize = 3",
                "unknown field",
            ),
            ("kind = \"kafka\"", "unknown variant"),
        ] {
            let error = Config::parse(&format!("[[forward]]\n{text}")).unwrap_err();
            assert!(error.to_string().contains(expected), "{error}");
        }
    }
}
