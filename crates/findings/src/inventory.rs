//! The RMM inventory: one row per tool per host, and how the tool was seen.

use std::fmt;
use std::sync::Arc;

use rmmguard_events::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{Authorization, ToolRef};

/// How a tool was seen on a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Mode {
    /// Ran from its install folder or Program Files.
    #[serde(rename = "installed")]
    Installed,
    /// Installed as a service.
    #[serde(rename = "service")]
    Service,
    /// Installed as a Windows Installer package.
    #[serde(rename = "package")]
    Package,
    /// Listed in a software or service inventory.
    #[serde(rename = "inventory")]
    Inventory,
    /// An installer of it ran (silently or not).
    #[serde(rename = "installer-run")]
    InstallerRun,
    /// Ran from a user-writable folder.
    #[serde(rename = "portable")]
    Portable,
    /// Ran from another folder.
    #[serde(rename = "other-path")]
    OtherPath,
    /// Its infrastructure or module was used by a non-RMM process.
    #[serde(rename = "in-memory")]
    InMemory,
    /// Seen only on the network (its own process talking to its cloud).
    #[serde(rename = "network")]
    Network,
    /// Its own application log recorded activity.
    #[serde(rename = "app-log")]
    Log,
    /// Named in another process's command line.
    #[serde(rename = "mentioned")]
    Mentioned,
    /// Its registry keys were written.
    #[serde(rename = "registry")]
    Registry,
}

impl Mode {
    /// Lower-case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Installed => "installed",
            Mode::Service => "service",
            Mode::Package => "package",
            Mode::Inventory => "inventory",
            Mode::InstallerRun => "installer-run",
            Mode::Portable => "portable",
            Mode::OtherPath => "other-path",
            Mode::InMemory => "in-memory",
            Mode::Network => "network",
            Mode::Log => "app-log",
            Mode::Mentioned => "mentioned",
            Mode::Registry => "registry",
        }
    }

    /// Whether this mode shows the tool was installed on the host.
    pub fn is_install(self) -> bool {
        matches!(
            self,
            Mode::Installed | Mode::Service | Mode::Package | Mode::Inventory | Mode::InstallerRun
        )
    }

    /// Whether this mode shows the tool only online: its traffic, or its
    /// infrastructure used by another process.
    pub fn is_online(self) -> bool {
        matches!(self, Mode::Network | Mode::InMemory)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One tool on one host: the RMM audit's row.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryRow {
    /// The host, as first logged.
    pub host: Option<String>,
    /// Its site.
    pub site: Option<Arc<str>>,
    /// The tool.
    pub tool: ToolRef,
    /// How the policy judges the tool on this host.
    pub authorization: Authorization,
    /// How it was seen (installed, service, portable, …).
    pub modes: Vec<Mode>,
    /// Tenants, instances or relays seen.
    pub tenants: Vec<String>,
    /// First event.
    pub first_seen: Option<Timestamp>,
    /// Last event.
    pub last_seen: Option<Timestamp>,
    /// Events attributed to the tool on this host.
    pub count: u64,
    /// Versions seen.
    pub versions: Vec<String>,
    /// Users seen running it.
    pub users: Vec<String>,
    /// The first portable executable, if it ran portably.
    pub portable: Option<String>,
}
