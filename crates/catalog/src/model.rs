//! The catalog's data types: one [`Tool`] per RMM product, as written in
//! `catalog/<id>.toml` (see `catalog/README.md` for the format).
//!
//! The same types serialize to JSON for `catalog export --json` and for the
//! imported catalog kept in the user's data directory.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Everything rmmguard knows about one remote-access product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// Stable lower-case id (`anydesk`, `screenconnect`); the file name without `.toml`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Vendor, as the vendor names itself.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vendor: String,
    /// What kind of product it is.
    pub category: Category,
    /// Product home page.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub website: String,
    /// Other names the product goes by (old names, editions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// LOLRMM files that describe the same product, so an import merges into this entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lolrmm: Vec<String>,
    /// Where the entry came from.
    #[serde(default, skip_serializing_if = "Origin::is_builtin")]
    pub origin: Origin,
    /// Free-text notes for analysts (abuse history, caveats).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// How its executables identify themselves.
    #[serde(default, skip_serializing_if = "Binaries::is_empty")]
    pub binaries: Binaries,
    /// How an installed copy looks on disk and in the service manager.
    #[serde(default, skip_serializing_if = "Install::is_empty")]
    pub install: Install,
    /// How it looks on the network.
    #[serde(default, skip_serializing_if = "Network::is_empty")]
    pub network: Network,
    /// Command-line tells: arguments that mean something (silent install, password set, …).
    #[serde(default, rename = "tell", skip_serializing_if = "Vec::is_empty")]
    pub tells: Vec<Tell>,
    /// Records of its own application log that mean something.
    #[serde(default, rename = "app_log", skip_serializing_if = "Vec::is_empty")]
    pub app_logs: Vec<AppLogTell>,
    /// How to read the tenant, relay or instance a copy belongs to.
    #[serde(default, rename = "tenant", skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<TenantRule>,
}

/// The kind of product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// A remote monitoring and management suite with agents (Atera, NinjaOne, Kaseya).
    Rmm,
    /// Remote desktop / remote support (AnyDesk, TeamViewer, ScreenConnect).
    RemoteDesktop,
    /// VNC servers and viewers.
    Vnc,
    /// Tunnels and overlay networks that expose remote access (ngrok, Tailscale).
    Tunnel,
    /// Other remote administration tools (PsExec, PuTTY, file sync).
    Other,
}

impl Category {
    /// The name used in the TOML files.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Rmm => "rmm",
            Category::RemoteDesktop => "remote-desktop",
            Category::Vnc => "vnc",
            Category::Tunnel => "tunnel",
            Category::Other => "other",
        }
    }
}

/// Where a catalog entry came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Written by the rmmguard team, compiled into the binary.
    #[default]
    Builtin,
    /// Converted from LOLRMM by `rmmguard catalog import`.
    Lolrmm,
    /// A built-in entry widened with facts from a LOLRMM import.
    BuiltinPlusLolrmm,
}

impl Origin {
    fn is_builtin(&self) -> bool {
        *self == Origin::Builtin
    }
}

/// How a tool's executables identify themselves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binaries {
    /// Image file names (`AnyDesk.exe`); `*` and `?` globs allowed (`AnyDesk*.exe`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// PE `OriginalFileName` values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub original_file_names: Vec<String>,
    /// PE `ProductName` values distinctive enough to name the tool.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    /// PE `CompanyName` values (supporting evidence only: never enough alone).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub companies: Vec<String>,
    /// Authenticode signer subject names seen on genuine builds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signers: Vec<String>,
}

impl Binaries {
    fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.original_file_names.is_empty()
            && self.products.is_empty()
            && self.companies.is_empty()
            && self.signers.is_empty()
    }
}

/// How an installed copy looks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Install {
    /// Path globs of installed copies (`C:\Program Files*\AnyDesk\*`), case-insensitive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// Service names (globs allowed: `ScreenConnect Client (*)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// Path suffixes of files that hold credentials or configuration (`AnyDesk\service.conf`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_files: Vec<String>,
    /// Registry key suffixes that hold credentials or configuration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registry_keys: Vec<String>,
    /// Installer and download file names (globs: `AnyDesk*.msi`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub installers: Vec<String>,
    /// Product names as the Windows Installer logs them (MsiInstaller 1033/11707).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub msi_products: Vec<String>,
}

impl Install {
    fn is_empty(&self) -> bool {
        self.paths.is_empty()
            && self.services.is_empty()
            && self.config_files.is_empty()
            && self.registry_keys.is_empty()
            && self.installers.is_empty()
            && self.msi_products.is_empty()
    }
}

/// How a tool looks on the network.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Domains: `example.com` (exactly), `*.example.com` (any subdomain), or a glob
    /// with an inner `*` (`relay-*.net.anydesk.com`). Lower-case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    /// Ports the tool uses beyond plain HTTPS (`tcp/7070`, `udp/5938`, `tcp/21115-21119`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortRange>,
    /// Fixed IP addresses or CIDR blocks of the vendor's infrastructure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// TLS facts: certificate subjects, ALPN, fingerprints.
    #[serde(default, skip_serializing_if = "Tls::is_empty")]
    pub tls: Tls,
}

impl Network {
    fn is_empty(&self) -> bool {
        self.domains.is_empty()
            && self.ports.is_empty()
            && self.addresses.is_empty()
            && self.tls.is_empty()
    }
}

/// TLS facts about a tool's connections.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// Whether its relay connections commonly carry no SNI at all.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sni_absent: bool,
    /// Substrings of server (or client) certificate subjects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cert_subjects: Vec<String>,
    /// ALPN values it offers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alpn: Vec<String>,
    /// Known JA3 client fingerprints (MD5 hex).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ja3: Vec<String>,
    /// Known JA4 client fingerprints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ja4: Vec<String>,
}

impl Tls {
    fn is_empty(&self) -> bool {
        !self.sni_absent
            && self.cert_subjects.is_empty()
            && self.alpn.is_empty()
            && self.ja3.is_empty()
            && self.ja4.is_empty()
    }
}

/// A transport and a port range (`tcp/7070`, `udp/5938`, `tcp/21115-21119`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRange {
    /// `tcp` or `udp`.
    pub transport: PortTransport,
    /// First port.
    pub first: u16,
    /// Last port (equal to `first` for a single port).
    pub last: u16,
}

/// The transport of a [`PortRange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PortTransport {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

impl PortRange {
    /// Whether `port` over `transport` falls in the range.
    pub fn contains(&self, transport: PortTransport, port: u16) -> bool {
        self.transport == transport && self.first <= port && port <= self.last
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let transport = match self.transport {
            PortTransport::Tcp => "tcp",
            PortTransport::Udp => "udp",
        };
        if self.first == self.last {
            write!(f, "{transport}/{}", self.first)
        } else {
            write!(f, "{transport}/{}-{}", self.first, self.last)
        }
    }
}

impl FromStr for PortRange {
    type Err = String;

    fn from_str(text: &str) -> Result<PortRange, String> {
        let (transport, ports) = text
            .split_once('/')
            .ok_or_else(|| format!("port {text:?} must look like tcp/7070 or udp/5938"))?;
        let transport = match transport {
            "tcp" => PortTransport::Tcp,
            "udp" => PortTransport::Udp,
            other => return Err(format!("unknown transport {other:?} in {text:?}")),
        };
        let parse = |p: &str| {
            p.trim()
                .parse::<u16>()
                .map_err(|_| format!("bad port number {p:?} in {text:?}"))
        };
        let (first, last) = match ports.split_once('-') {
            Some((a, b)) => (parse(a)?, parse(b)?),
            None => (parse(ports)?, parse(ports)?),
        };
        if first > last || first == 0 {
            return Err(format!("bad port range {text:?}"));
        }
        Ok(PortRange {
            transport,
            first,
            last,
        })
    }
}

impl Serialize for PortRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PortRange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PortRange, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What a command-line or log tell means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TellKind {
    /// Installed without asking the user (`--silent`, `/quiet`).
    SilentInstall,
    /// An access password set on the command line.
    PasswordSet,
    /// A client joining a session or instance (ScreenConnect `e=Access&y=Guest`).
    ClientJoin,
    /// A command run through the tool's remote shell.
    RemoteCommand,
    /// Files sent or received through the tool.
    FileTransfer,
    /// A remote session began.
    SessionStart,
    /// Credentials or configuration exported.
    CredentialExport,
}

impl TellKind {
    /// The kebab-case name used in TOML files.
    pub fn as_str(self) -> &'static str {
        match self {
            TellKind::SilentInstall => "silent-install",
            TellKind::PasswordSet => "password-set",
            TellKind::ClientJoin => "client-join",
            TellKind::RemoteCommand => "remote-command",
            TellKind::FileTransfer => "file-transfer",
            TellKind::SessionStart => "session-start",
            TellKind::CredentialExport => "credential-export",
        }
    }
}

/// Which field of an event a tell or tenant rule reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// `process.command_line`.
    #[default]
    CommandLine,
    /// A service's image path with arguments.
    ServiceImage,
    /// A queried or contacted domain.
    Domain,
    /// An application log message.
    AppLog,
    /// `process.executable`, `file.path` and other paths.
    Path,
}

/// A command-line tell: all of `all` (and one of `any`, if given) appear,
/// case-insensitively, in the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tell {
    /// What it means.
    pub kind: TellKind,
    /// Which field to read.
    #[serde(default)]
    pub field: Field,
    /// Substrings that must all appear.
    pub all: Vec<String>,
    /// Substrings of which at least one must appear (empty: no such condition).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<String>,
    /// Why it matters, for the finding's explanation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A record of the tool's own application log: provider, event ids, and text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppLogTell {
    /// What it means.
    pub kind: TellKind,
    /// The provider name, compared case-insensitively; a trailing `*` matches a prefix.
    pub provider: String,
    /// Event ids (empty: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_ids: Vec<u32>,
    /// A substring the message must contain (empty: any).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contains: String,
}

/// How to read a tenant, relay or instance from a field: a regex with a
/// `tenant` capture group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantRule {
    /// Which field to read.
    pub field: Field,
    /// A regex with a named group `tenant`; compiled case-insensitively.
    pub regex: String,
    /// What the value is (`relay host`, `account id`, `instance`).
    pub label: String,
}
