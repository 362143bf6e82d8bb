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
    /// A network flow seen by a sensor (pcap flow table, Zeek conn, Suricata flow).
    NetFlow(NetFlow),
    /// A TLS handshake (pcap, Zeek ssl/x509, Suricata tls).
    Tls(Tls),
    /// An HTTP request and its response (pcap, Zeek http, Suricata http).
    Http(Http),
    /// A file carried over the network (Zeek files, Suricata fileinfo).
    FileTransfer(FileTransfer),
    /// A mail message (.eml, mbox, Maildir).
    Mail(Box<Mail>),
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
            EventKind::ServiceInstall(_)
            | EventKind::AppLog(_)
            | EventKind::Software(_)
            | EventKind::NetFlow(_)
            | EventKind::Tls(_)
            | EventKind::Http(_)
            | EventKind::FileTransfer(_)
            | EventKind::Mail(_) => None,
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
            EventKind::NetFlow(_) => "network_flow",
            EventKind::Tls(_) => "tls",
            EventKind::Http(_) => "http",
            EventKind::FileTransfer(_) => "file_transfer",
            EventKind::Mail(_) => "mail",
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

    /// The image's SHA-256, from `hashes` as logs give it (`SHA256=…` among
    /// others, as Sysmon writes it, or a bare 64-digit hex value).
    pub fn sha256(&self) -> Option<&str> {
        let hashes = self.hashes.as_deref()?;
        hashes
            .split([',', ';', ' '])
            .find_map(|part| match part.split_once('=') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("sha256") => {
                    Some(value.trim())
                }
                Some(_) => None,
                None => Some(part.trim()),
            })
            .filter(|value| is_sha256(value))
    }
}

/// Whether `text` is a SHA-256 in hex (64 hex digits).
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
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

/// A DNS query (Sysmon 22 on an endpoint; DNS traffic on a sensor).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DnsQuery {
    /// The process that asked (`process.*`); empty when the log has none.
    pub process: Process,
    /// `dns.question.name`, lower-cased, without a trailing dot.
    pub query: String,
    /// `dns.answers.data`: the answers as logged (addresses or names).
    pub answers: Vec<String>,
    /// `source.*`: the client, when a sensor saw the query on the wire.
    pub client: Endpoint,
    /// `destination.*`: the resolver.
    pub server: Endpoint,
    /// The sensor's record id (Zeek uid, EVE flow_id), to join records.
    pub uid: Option<String>,
}

/// A network flow as a sensor saw it: both directions of one connection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetFlow {
    /// `network.transport`.
    pub transport: Option<Transport>,
    /// `source.*`: the originator.
    pub source: Endpoint,
    /// `destination.*`: the responder.
    pub destination: Endpoint,
    /// First packet.
    pub start: Option<jiff::Timestamp>,
    /// Last packet.
    pub end: Option<jiff::Timestamp>,
    /// Bytes from originator to responder.
    pub bytes_out: u64,
    /// Bytes from responder to originator.
    pub bytes_in: u64,
    /// Packets from originator to responder.
    pub packets_out: u64,
    /// Packets from responder to originator.
    pub packets_in: u64,
    /// `network.protocol`: the application protocol recognized (`tls`, `rdp`,
    /// `rfb`, `teamviewer`, `anydesk`, `http`, `dns`, …).
    pub protocol: Option<String>,
    /// What gave the protocol away (an RFB banner, an RDP cookie, …).
    pub detail: Option<String>,
    /// The sensor's record id (Zeek uid, EVE flow_id), to join records.
    pub uid: Option<String>,
}

/// A TLS handshake.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tls {
    /// `source.*`: the client.
    pub client: Endpoint,
    /// `destination.*`: the server.
    pub server: Endpoint,
    /// `tls.client.server_name` (SNI), lower-cased.
    pub sni: Option<String>,
    /// `tls.client.supported_protocols` (ALPN offered) or the one chosen.
    pub alpn: Vec<String>,
    /// `tls.version`.
    pub version: Option<String>,
    /// `tls.client.ja3`.
    pub ja3: Option<String>,
    /// `tls.server.ja3s`.
    pub ja3s: Option<String>,
    /// `tls.client.ja4`.
    pub ja4: Option<String>,
    /// `tls.server.x509.subject.distinguished_name`.
    pub subject: Option<String>,
    /// `tls.server.x509.issuer.distinguished_name`.
    pub issuer: Option<String>,
    /// The sensor's record id, to join records.
    pub uid: Option<String>,
}

/// An HTTP request and its response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Http {
    /// `source.*`: the client.
    pub client: Endpoint,
    /// `destination.*`: the server.
    pub server: Endpoint,
    /// `http.request.method`.
    pub method: Option<String>,
    /// `url.domain`: the Host header, lower-cased.
    pub host: Option<String>,
    /// `url.path` with its query.
    pub uri: Option<String>,
    /// `user_agent.original`.
    pub user_agent: Option<String>,
    /// `http.response.status_code`.
    pub status: Option<u16>,
    /// `http.response.mime_type` (Content-Type).
    pub content_type: Option<String>,
    /// The file name served (Content-Disposition, or the URI's last part).
    pub file_name: Option<String>,
    /// `http.response.body.bytes`.
    pub body_bytes: Option<u64>,
    /// The sensor's record id, to join records.
    pub uid: Option<String>,
}

/// A file carried over the network.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileTransfer {
    /// The side that received the file.
    pub client: Endpoint,
    /// The side that sent it.
    pub server: Endpoint,
    /// `file.name`.
    pub file_name: Option<String>,
    /// `file.mime_type`.
    pub mime_type: Option<String>,
    /// `file.size`.
    pub size: Option<u64>,
    /// `file.hash.sha256` (or the strongest hash the sensor gives), lower-case hex.
    pub hash: Option<String>,
    /// The sensor's record id, to join records.
    pub uid: Option<String>,
}

/// A mail address with its display name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    /// The display name (`Norton Billing`), if any.
    pub name: Option<String>,
    /// The address, lower-cased.
    pub address: String,
}

/// What kind of attachment a mail carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttachmentKind {
    /// PDF.
    Pdf,
    /// Word (DOCX).
    Docx,
    /// A calendar invitation (ICS).
    Calendar,
    /// An image (no text extracted).
    Image,
    /// Plain text or HTML.
    Text,
    /// An archive (ZIP, RAR, …).
    Archive,
    /// An executable or installer.
    Executable,
    /// Anything else.
    Other,
}

/// A mail attachment and the text rmmguard could take from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// File name, if given.
    pub name: Option<String>,
    /// Declared content type.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: u64,
    /// What it is.
    pub kind: AttachmentKind,
    /// Extracted text (PDF, DOCX, ICS, text), normalized, bounded.
    pub text: Option<String>,
    /// Why text is missing or partial (a limit hit, an unreadable PDF).
    pub note: Option<String>,
}

/// A mail message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mail {
    /// `Message-ID`.
    pub message_id: Option<String>,
    /// `From`.
    pub from: Option<Address>,
    /// `Reply-To`.
    pub reply_to: Vec<Address>,
    /// `Return-Path`.
    pub return_path: Option<String>,
    /// `To` and `Cc`.
    pub to: Vec<Address>,
    /// `Subject`.
    pub subject: Option<String>,
    /// The body text (text parts, and HTML parts as text), normalized, bounded.
    pub body: String,
    /// Text the HTML hides from its reader (`display:none`, hidden classes):
    /// filler that scanners read and people do not; normalized, bounded.
    pub hidden_text: String,
    /// Links found in the body and attachments.
    pub links: Vec<String>,
    /// Attachments.
    pub attachments: Vec<Attachment>,
    /// `In-Reply-To` (or, without it, the last `References` id): set when the
    /// message answers another one.
    pub in_reply_to: Option<String>,
    /// The sender checks the receiving server recorded (its topmost
    /// `Authentication-Results`, else the first ARC set), in header order.
    pub authentication: Vec<AuthResult>,
}

/// One sender-authentication result as a receiving server recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthResult {
    /// The method, lower case: `dkim`, `spf`, `dmarc`, `arc`, …
    pub method: String,
    /// The result, lower case: `pass`, `fail`, `softfail`, `none`, …
    pub result: String,
    /// The domain it is about, lower case: `header.d` (DKIM), `smtp.mailfrom`
    /// (SPF, the domain part), `header.from` (DMARC).
    pub domain: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_from_sysmon_hashes() {
        let hash = "3A".repeat(32);
        let process = |hashes: &str| Process {
            hashes: Some(hashes.to_owned()),
            ..Process::default()
        };
        let sysmon = format!("MD5=00112233445566778899AABBCCDDEEFF,SHA256={hash},IMPHASH=00");
        assert_eq!(process(&sysmon).sha256(), Some(hash.as_str()));
        assert_eq!(process(&hash).sha256(), Some(hash.as_str()));
        assert_eq!(process("SHA256=abc").sha256(), None);
        assert_eq!(
            process("MD5=00112233445566778899AABBCCDDEEFF").sha256(),
            None
        );
        assert_eq!(Process::default().sha256(), None);
    }
}
