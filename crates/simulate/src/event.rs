//! Generated Windows events, and their constructors: one per kind of
//! record the scenarios and the background write (Sysmon, Security,
//! System, Application), each as the real provider lays out its fields.

use jiff::Timestamp;

use crate::environment::Host;

/// The log a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// `Microsoft-Windows-Sysmon/Operational`.
    Sysmon,
    /// `Security`.
    Security,
    /// `System`.
    System,
    /// `Application`.
    Application,
}

impl Channel {
    /// The channel name in logs.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Sysmon => "Microsoft-Windows-Sysmon/Operational",
            Channel::Security => "Security",
            Channel::System => "System",
            Channel::Application => "Application",
        }
    }

    /// The file stem evidence of this channel is written to.
    pub fn file_stem(self) -> &'static str {
        match self {
            Channel::Sysmon => "Sysmon",
            Channel::Security => "Security",
            Channel::System => "System",
            Channel::Application => "Application",
        }
    }
}

/// One generated Windows event.
#[derive(Debug, Clone, PartialEq)]
pub struct WinEvent {
    /// When it happened.
    pub time: Timestamp,
    /// The host's FQDN (`Computer`).
    pub computer: String,
    /// The log.
    pub channel: Channel,
    /// The provider name.
    pub provider: &'static str,
    /// The provider GUID, where the real provider has one.
    pub provider_guid: Option<&'static str>,
    /// The event id.
    pub event_id: u16,
    /// `System/EventID/@Qualifiers`, where the real record has it.
    pub qualifiers: Option<u16>,
    /// EventData as name/value pairs; an empty name is an unnamed `<Data>`.
    pub data: Vec<(&'static str, String)>,
}

const SYSMON: &str = "Microsoft-Windows-Sysmon";
const SYSMON_GUID: &str = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}";
const SECURITY: &str = "Microsoft-Windows-Security-Auditing";
const SECURITY_GUID: &str = "{54849625-5478-4994-A5BA-3E3B0328C30D}";
const SCM: &str = "Service Control Manager";
const SCM_GUID: &str = "{555908d1-a6d7-4695-8e1e-26931d2012f4}";

/// A process as the scenarios describe it.
#[derive(Debug, Clone, Default)]
pub struct Proc<'a> {
    /// Image path.
    pub image: &'a str,
    /// Command line.
    pub command_line: &'a str,
    /// Parent image path.
    pub parent: &'a str,
    /// Parent command line.
    pub parent_command_line: &'a str,
    /// PE OriginalFileName.
    pub original_file_name: &'a str,
    /// PE Product.
    pub product: &'a str,
    /// PE Company.
    pub company: &'a str,
    /// PE Description.
    pub description: &'a str,
    /// PE FileVersion.
    pub file_version: &'a str,
}

fn utc(time: Timestamp) -> String {
    time.strftime("%Y-%m-%d %H:%M:%S%.3f").to_string()
}

fn guid(seed: u64) -> String {
    let hex = format!(
        "{:016x}{:016x}",
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        seed ^ 0xA5A5_5A5A_1234_5678
    );
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

impl WinEvent {
    fn sysmon(
        host: &Host,
        time: Timestamp,
        id: u16,
        data: Vec<(&'static str, String)>,
    ) -> WinEvent {
        WinEvent {
            time,
            computer: host.fqdn.clone(),
            channel: Channel::Sysmon,
            provider: SYSMON,
            provider_guid: Some(SYSMON_GUID),
            event_id: id,
            qualifiers: None,
            data,
        }
    }

    /// Sysmon 1: a process started.
    pub fn process_start(host: &Host, time: Timestamp, pid: u32, process: &Proc<'_>) -> WinEvent {
        let or_dash = |s: &str| {
            if s.is_empty() {
                "-".to_owned()
            } else {
                s.to_owned()
            }
        };
        WinEvent::sysmon(
            host,
            time,
            1,
            vec![
                ("RuleName", "-".into()),
                ("UtcTime", utc(time)),
                (
                    "ProcessGuid",
                    guid(u64::from(pid) ^ time.as_second() as u64),
                ),
                ("ProcessId", pid.to_string()),
                ("Image", process.image.to_owned()),
                ("FileVersion", or_dash(process.file_version)),
                ("Description", or_dash(process.description)),
                ("Product", or_dash(process.product)),
                ("Company", or_dash(process.company)),
                ("OriginalFileName", or_dash(process.original_file_name)),
                ("CommandLine", process.command_line.to_owned()),
                ("CurrentDirectory", format!("{}\\", host.profile())),
                ("User", host.user.clone()),
                (
                    "LogonGuid",
                    guid(0x10_0000 + u64::from(host.ip.octets()[3])),
                ),
                ("LogonId", "0x4f2a1".into()),
                ("TerminalSessionId", "1".into()),
                ("IntegrityLevel", "Medium".into()),
                (
                    "Hashes",
                    format!(
                        "SHA256={:064X}",
                        u64::from(pid).wrapping_mul(0x2545_F491_4F6C_DD1D)
                    ),
                ),
                ("ParentProcessGuid", guid(u64::from(pid) + 1)),
                ("ParentProcessId", (pid / 2 + 4).to_string()),
                ("ParentImage", or_dash(process.parent)),
                ("ParentCommandLine", or_dash(process.parent_command_line)),
                ("ParentUser", host.user.clone()),
            ],
        )
    }

    /// Sysmon 3: a network connection.
    pub fn connection(
        host: &Host,
        time: Timestamp,
        image: &str,
        destination: (&str, u16),
        destination_host: &str,
    ) -> WinEvent {
        WinEvent::sysmon(
            host,
            time,
            3,
            vec![
                ("RuleName", "-".into()),
                ("UtcTime", utc(time)),
                ("ProcessGuid", guid(time.as_second() as u64)),
                ("ProcessId", "4242".into()),
                ("Image", image.to_owned()),
                ("User", host.user.clone()),
                ("Protocol", "tcp".into()),
                ("Initiated", "true".into()),
                ("SourceIsIpv6", "false".into()),
                ("SourceIp", host.ip.to_string()),
                ("SourceHostname", host.fqdn.clone()),
                (
                    "SourcePort",
                    (49152 + (time.as_second() % 16000) as u16).to_string(),
                ),
                ("SourcePortName", "-".into()),
                ("DestinationIsIpv6", "false".into()),
                ("DestinationIp", destination.0.to_owned()),
                (
                    "DestinationHostname",
                    if destination_host.is_empty() {
                        "-".into()
                    } else {
                        destination_host.to_owned()
                    },
                ),
                ("DestinationPort", destination.1.to_string()),
                (
                    "DestinationPortName",
                    if destination.1 == 443 {
                        "https".into()
                    } else {
                        "-".into()
                    },
                ),
            ],
        )
    }

    /// Sysmon 22: a DNS query.
    pub fn dns(host: &Host, time: Timestamp, image: &str, query: &str, answer: &str) -> WinEvent {
        WinEvent::sysmon(
            host,
            time,
            22,
            vec![
                ("RuleName", "-".into()),
                ("UtcTime", utc(time)),
                ("ProcessGuid", guid(time.as_second() as u64 ^ 0x22)),
                ("ProcessId", "4242".into()),
                ("QueryName", query.to_owned()),
                ("QueryStatus", "0".into()),
                ("QueryResults", format!("::ffff:{answer};")),
                ("Image", image.to_owned()),
                ("User", host.user.clone()),
            ],
        )
    }

    /// Sysmon 11: a file written.
    pub fn file_create(host: &Host, time: Timestamp, image: &str, path: &str) -> WinEvent {
        WinEvent::sysmon(
            host,
            time,
            11,
            vec![
                ("RuleName", "-".into()),
                ("UtcTime", utc(time)),
                ("ProcessGuid", guid(time.as_second() as u64 ^ 0x11)),
                ("ProcessId", "4242".into()),
                ("Image", image.to_owned()),
                ("TargetFilename", path.to_owned()),
                ("CreationUtcTime", utc(time)),
                ("User", host.user.clone()),
            ],
        )
    }

    /// Sysmon 10: one process opened another.
    pub fn process_access(
        host: &Host,
        time: Timestamp,
        source: &str,
        target: &str,
        access: &str,
    ) -> WinEvent {
        WinEvent::sysmon(
            host,
            time,
            10,
            vec![
                ("RuleName", "-".into()),
                ("UtcTime", utc(time)),
                ("SourceProcessGUID", guid(time.as_second() as u64 ^ 0x10)),
                ("SourceProcessId", "6120".into()),
                ("SourceThreadId", "6124".into()),
                ("SourceImage", source.to_owned()),
                ("TargetProcessGUID", guid(time.as_second() as u64 ^ 0x1010)),
                ("TargetProcessId", "3344".into()),
                ("TargetImage", target.to_owned()),
                ("GrantedAccess", access.to_owned()),
                ("CallTrace", r"C:\Windows\SYSTEM32\ntdll.dll+9d4c4".into()),
                ("SourceUser", host.user.clone()),
                ("TargetUser", r"NT AUTHORITY\SYSTEM".into()),
            ],
        )
    }

    /// System 7045: a service was installed.
    pub fn service_install(host: &Host, time: Timestamp, name: &str, image_path: &str) -> WinEvent {
        WinEvent {
            time,
            computer: host.fqdn.clone(),
            channel: Channel::System,
            provider: SCM,
            provider_guid: Some(SCM_GUID),
            event_id: 7045,
            qualifiers: Some(16384),
            data: vec![
                ("ServiceName", name.to_owned()),
                ("ImagePath", image_path.to_owned()),
                ("ServiceType", "user mode service".into()),
                ("StartType", "auto start".into()),
                ("AccountName", "LocalSystem".into()),
            ],
        }
    }

    /// Security 4688: a process was created.
    pub fn security_process(
        host: &Host,
        time: Timestamp,
        image: &str,
        command_line: &str,
        parent: &str,
    ) -> WinEvent {
        let (domain, user) = host
            .user
            .split_once('\\')
            .unwrap_or(("CONTOSO", &host.user));
        WinEvent {
            time,
            computer: host.fqdn.clone(),
            channel: Channel::Security,
            provider: SECURITY,
            provider_guid: Some(SECURITY_GUID),
            event_id: 4688,
            qualifiers: None,
            data: vec![
                (
                    "SubjectUserSid",
                    "S-1-5-21-1004336348-1177238915-682003330-1105".into(),
                ),
                ("SubjectUserName", user.to_owned()),
                ("SubjectDomainName", domain.to_owned()),
                ("SubjectLogonId", "0x4f2a1".into()),
                ("NewProcessId", format!("0x{:x}", time.as_second() % 0xffff)),
                ("NewProcessName", image.to_owned()),
                ("TokenElevationType", "%%1938".into()),
                ("ProcessId", "0x1a2c".into()),
                ("CommandLine", command_line.to_owned()),
                ("TargetUserSid", "S-1-0-0".into()),
                ("TargetUserName", "-".into()),
                ("TargetDomainName", "-".into()),
                ("TargetLogonId", "0x0".into()),
                ("ParentProcessName", parent.to_owned()),
                ("MandatoryLabel", "S-1-16-8192".into()),
            ],
        }
    }

    /// An Application-log record of a provider (ScreenConnect, MsiInstaller, …), unnamed data.
    pub fn app_log(
        host: &Host,
        time: Timestamp,
        provider: &'static str,
        event_id: u16,
        message: &str,
    ) -> WinEvent {
        WinEvent {
            time,
            computer: host.fqdn.clone(),
            channel: Channel::Application,
            provider,
            provider_guid: None,
            event_id,
            qualifiers: Some(0),
            data: vec![("", message.to_owned())],
        }
    }
}
