//! What happened: one typed struct per kind of event.
//!
//! Field names follow ECS where ECS has a name (noted on each field). Empty
//! strings from the evidence become `None`, so a detector never has to tell
//! "absent" from "empty".

use std::net::IpAddr;

/// What an event says happened.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EventKind {
    /// A process started (Sysmon 1, Security 4688).
    ProcessStart(ProcessStart),
    /// A process opened another process (Sysmon 10).
    ProcessAccess(ProcessAccess),
    /// A network connection (Sysmon 3, EDR network events).
    NetConnection(NetConnection),
    /// A DNS query (Sysmon 22, DNS logs).
    DnsQuery(DnsQuery),
    /// A file was created or overwritten (Sysmon 11).
    FileCreate(FileCreate),
    /// A file or share object was accessed (Security 4663, 5145).
    FileAccess(FileAccess),
    /// A service was installed (System 7045, Security 4697).
    ServiceInstall(ServiceInstall),
    /// A module was loaded into a process (Sysmon 7).
    ImageLoad(ImageLoad),
    /// A registry value was set (Sysmon 13).
    RegistrySet(RegistrySet),
    /// An application log record (ScreenConnect 200/201, MsiInstaller 1033/11707, …).
    AppLog(AppLog),
    /// A row of a software or service inventory (osquery `programs`, `services`, CSV exports).
    Software(Software),
}

impl EventKind {
    /// The process that acted, for the kinds that have one.
    pub fn process(&self) -> Option<&Process> {
        match self {
            EventKind::ProcessStart(e) => Some(&e.process),
            EventKind::ProcessAccess(e) => Some(&e.source),
            EventKind::NetConnection(e) => Some(&e.process),
            EventKind::DnsQuery(e) => Some(&e.process),
            EventKind::FileCreate(e) => Some(&e.process),
            EventKind::FileAccess(e) => Some(&e.process),
            EventKind::ImageLoad(e) => Some(&e.process),
            EventKind::RegistrySet(e) => Some(&e.process),
            EventKind::ServiceInstall(_) | EventKind::AppLog(_) | EventKind::Software(_) => None,
        }
    }

    /// A short name of the kind, for summaries (`process_start`, `dns_query`, …).
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::ProcessStart(_) => "process_start",
            EventKind::ProcessAccess(_) => "process_access",
            EventKind::NetConnection(_) => "network_connection",
            EventKind::DnsQuery(_) => "dns_query",
            EventKind::FileCreate(_) => "file_create",
            EventKind::FileAccess(_) => "file_access",
            EventKind::ServiceInstall(_) => "service_install",
            EventKind::ImageLoad(_) => "image_load",
            EventKind::RegistrySet(_) => "registry_set",
            EventKind::AppLog(_) => "app_log",
            EventKind::Software(_) => "software",
        }
    }
}

/// A process as an event names it (`process.*`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Process {
    /// `process.pid`.
    pub pid: Option<u32>,
    /// `process.executable`: full path of the image.
    pub executable: Option<String>,
    /// `process.command_line`.
    pub command_line: Option<String>,
    /// `process.pe.*`: version-resource metadata of the image.
    pub pe: PeInfo,
    /// `process.hash.*` as the log gives it (`SHA256=…,IMPHASH=…`).
    pub hashes: Option<String>,
    /// `process.code_signature.subject_name`, where the log has it.
    pub signer: Option<String>,
}

impl Process {
    /// A process known only by its image path.
    pub fn with_executable(executable: &str) -> Process {
        Process {
            executable: Some(executable.to_owned()),
            ..Process::default()
        }
    }

    /// `process.name`: the image's file name (`AnyDesk.exe`).
    pub fn name(&self) -> Option<&str> {
        self.executable
            .as_deref()
            .map(crate::basename)
            .filter(|name| !name.is_empty())
    }
}

/// Version-resource metadata of a PE file (`process.pe.*`, `dll.pe.*`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeInfo {
    /// `pe.original_file_name`.
    pub original_file_name: Option<String>,
    /// `pe.product`.
    pub product: Option<String>,
    /// `pe.company`.
    pub company: Option<String>,
    /// `pe.description`.
    pub description: Option<String>,
    /// `pe.file_version`.
    pub file_version: Option<String>,
}

impl PeInfo {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.original_file_name.is_none()
            && self.product.is_none()
            && self.company.is_none()
            && self.description.is_none()
            && self.file_version.is_none()
    }
}

/// A process start (Sysmon 1, Security 4688).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcessStart {
    /// The new process.
    pub process: Process,
    /// `process.parent.*`: its parent, as far as the log names it.
    pub parent: Process,
}

/// One process opening another (Sysmon 10).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcessAccess {
    /// The process that opened the handle.
    pub source: Process,
    /// The process that was opened.
    pub target: Process,
    /// The access mask granted (`0x1410`), as logged.
    pub granted_access: Option<String>,
}

/// The transport protocol of a connection (`network.transport`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transport {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// Anything else, by IANA protocol number where known.
    Other(u8),
}

/// One side of a connection (`source.*`, `destination.*`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Endpoint {
    /// `*.ip`.
    pub ip: Option<IpAddr>,
    /// `*.port`.
    pub port: Option<u16>,
    /// `*.domain`: the host name the log resolved for this side, if any.
    pub domain: Option<String>,
}

/// A network connection seen on an endpoint (Sysmon 3).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetConnection {
    /// The process that owns the socket.
    pub process: Process,
    /// `network.transport`.
    pub transport: Option<Transport>,
    /// `source.*`: the local side for outbound connections.
    pub source: Endpoint,
    /// `destination.*`: the remote side for outbound connections.
    pub destination: Endpoint,
    /// `network.direction`: `Some(true)` when the local process initiated it.
    pub initiated: Option<bool>,
}

/// A DNS query (Sysmon 22).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DnsQuery {
    /// The process that asked (`process.*`); empty when the log has none.
    pub process: Process,
    /// `dns.question.name`, lower-cased, without a trailing dot.
    pub query: String,
    /// `dns.answers.data`: the answers as logged (addresses or names).
    pub answers: Vec<String>,
}

/// A file written (Sysmon 11).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileCreate {
    /// The writing process.
    pub process: Process,
    /// `file.path`.
    pub path: String,
}

/// An object access on a file or share (Security 4663, 5145).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileAccess {
    /// The accessing process (4663); empty for share access (5145).
    pub process: Process,
    /// `file.path`: the object name, joined with the share path for 5145.
    pub path: String,
    /// The share (`\\*\C$`) for network share access.
    pub share: Option<String>,
    /// `source.ip` of a remote share client.
    pub source_ip: Option<IpAddr>,
    /// The access requested, as logged (`%%4416`, `0x1`, …).
    pub access: Option<String>,
}

/// A service installed (System 7045, Security 4697).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceInstall {
    /// `service.name`.
    pub name: String,
    /// The service's image path with its arguments, as logged.
    pub image_path: Option<String>,
    /// `service.start_type`, as logged.
    pub start_type: Option<String>,
    /// The account the service runs as.
    pub account: Option<String>,
}

/// A module loaded into a process (Sysmon 7).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageLoad {
    /// The loading process.
    pub process: Process,
    /// `dll.path`: the loaded image.
    pub path: String,
    /// `dll.pe.*`.
    pub pe: PeInfo,
    /// `dll.code_signature.subject_name`.
    pub signer: Option<String>,
}

/// A registry value set (Sysmon 13).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistrySet {
    /// The writing process.
    pub process: Process,
    /// `registry.path`.
    pub key: String,
    /// `registry.data.strings`, as logged.
    pub value: Option<String>,
}

/// A record of an application's own log (the Application channel and the like).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppLog {
    /// The message text: the event's data strings joined by newlines.
    pub message: String,
}

/// What kind of inventory row a [`Software`] event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SoftwareKind {
    /// An installed program (osquery `programs`, "Programs and Features").
    Program,
    /// A service (osquery `services`).
    Service,
}

/// A row of a software or service inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct Software {
    /// Program or service.
    pub kind: SoftwareKind,
    /// `package.name` or `service.name`.
    pub name: String,
    /// `service.display_name`, for services.
    pub display_name: Option<String>,
    /// `package.version`.
    pub version: Option<String>,
    /// Publisher (programs).
    pub publisher: Option<String>,
    /// Install location (programs) or binary path with arguments (services).
    pub path: Option<String>,
}
