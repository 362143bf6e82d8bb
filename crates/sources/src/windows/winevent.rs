//! Windows events, whatever they were read from: EVTX, evtx_dump JSON,
//! Winlogbeat (ECS) or NXLog JSON. Each reader fills a [`WinRecord`] (the
//! System fields plus the EventData as name/value pairs); [`to_event`] maps
//! it to the normalized [`Event`]. One mapping for every shape is what makes
//! the same events give the same findings whether read as EVTX or JSON.

use std::net::IpAddr;

use jiff::Timestamp;
use rmmguard_events::{
    AppLog, DnsQuery, Endpoint, Event, EventKind, FileAccess, FileCreate, ImageLoad, Meta,
    NetConnection, PeInfo, Process, ProcessAccess, ProcessStart, RegistrySet, ServiceInstall,
    SourceRef, Transport,
};
use serde_json::Value;

/// One Windows event record, shape-independent.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct WinRecord {
    /// `System/Provider/@Name`.
    pub provider: String,
    /// `System/EventID`.
    pub event_id: Option<u32>,
    /// `System/Channel`.
    pub channel: String,
    /// `System/Computer`.
    pub computer: String,
    /// `System/TimeCreated/@SystemTime`.
    pub time: Option<Timestamp>,
    /// `System/EventRecordID`.
    pub record_id: Option<u64>,
    /// The user the log names, where the shape has it outside EventData.
    pub user: Option<String>,
    /// EventData (or UserData) values by name; unnamed values get `Data`.
    pub data: Vec<(String, String)>,
}

impl WinRecord {
    /// A data value by name; Sysmon's `-` placeholder and empty strings are `None`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.data
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty() && *value != "-")
    }

    fn owned(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    /// Adds the leaves of a JSON EventData object as name/value pairs.
    pub fn add_data(&mut self, value: &Value) {
        flatten("Data", value, &mut self.data, 0);
    }
}

/// Flattens nested JSON into (name, text) pairs: objects by key, arrays by
/// repeating the parent name; evtx's `#text`/`#attributes` wrappers unwrap.
fn flatten(name: &str, value: &Value, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > 8 {
        return;
    }
    match value {
        Value::Null => {}
        Value::String(s) => out.push((name.to_owned(), s.clone())),
        Value::Number(n) => out.push((name.to_owned(), n.to_string())),
        Value::Bool(b) => out.push((name.to_owned(), b.to_string())),
        Value::Array(items) => {
            for item in items {
                flatten(name, item, out, depth + 1);
            }
        }
        Value::Object(map) => {
            // evtx renders <Data Name="X">v</Data> as "X": "v", but an element
            // with attributes as {"#attributes": {...}, "#text": v}.
            if let Some(text) = map.get("#text") {
                let named = map
                    .get("#attributes")
                    .and_then(|a| a.get("Name"))
                    .and_then(Value::as_str);
                flatten(named.unwrap_or(name), text, out, depth + 1);
                return;
            }
            for (key, inner) in map {
                if key == "#attributes" || key == "xmlns" {
                    continue;
                }
                flatten(key, inner, out, depth + 1);
            }
        }
    }
}

/// Parses the timestamp formats Windows log shippers write: RFC 3339
/// (`2023-01-02T03:04:05.678Z`) and `2023-01-02 03:04:05[.fff]` taken as UTC.
pub fn parse_time(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    let civil = text.replace(' ', "T");
    civil
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
}

const SYSMON: &str = "microsoft-windows-sysmon";
const SECURITY: &str = "microsoft-windows-security-auditing";
const SCM: &str = "service control manager";

/// Maps a Windows record to a normalized event; `None` for records no rule reads.
pub fn to_event(record: &WinRecord, source: SourceRef) -> Option<Event> {
    let provider = record.provider.to_lowercase();
    let id = record.event_id?;
    let kind = match (provider.as_str(), id) {
        (SYSMON, _) => sysmon(record, id)?,
        (SECURITY, 4688) => process_start_4688(record),
        (SECURITY, 4697) => service_install(
            record,
            "ServiceFileName",
            "ServiceStartType",
            "ServiceAccount",
        ),
        (SECURITY, 4663) => object_access_4663(record),
        (SECURITY, 5145) => share_access_5145(record),
        (SCM, 7045) => service_install(record, "ImagePath", "StartType", "AccountName"),
        _ if record.channel.eq_ignore_ascii_case("Application") => EventKind::AppLog(AppLog {
            message: record
                .data
                .iter()
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
        }),
        _ => return None,
    };
    let mut meta = Meta::new(source);
    meta.timestamp = record.time;
    meta.host = Some(record.computer.clone()).filter(|c| !c.is_empty());
    meta.user = user_of(record);
    meta.provider = Some(record.provider.clone());
    meta.code = Some(id);
    Some(Event { meta, kind })
}

fn user_of(record: &WinRecord) -> Option<String> {
    if let Some(user) = record.get("User").or_else(|| record.get("SourceUser")) {
        return Some(user.to_owned());
    }
    let name = record.get("SubjectUserName")?;
    if name.ends_with('$') {
        // A machine account says nothing about who acted.
        return record.user.clone();
    }
    Some(match record.get("SubjectDomainName") {
        Some(domain) => format!("{domain}\\{name}"),
        None => name.to_owned(),
    })
    .or_else(|| record.user.clone())
}

fn pe_info(record: &WinRecord) -> PeInfo {
    PeInfo {
        original_file_name: record.owned("OriginalFileName"),
        product: record.owned("Product"),
        company: record.owned("Company"),
        description: record.owned("Description"),
        file_version: record.owned("FileVersion"),
    }
}

fn pid(record: &WinRecord, name: &str) -> Option<u32> {
    let text = record.get(name)?;
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

fn sysmon(record: &WinRecord, id: u32) -> Option<EventKind> {
    let image = || Process {
        pid: pid(record, "ProcessId"),
        executable: record.owned("Image"),
        ..Process::default()
    };
    Some(match id {
        1 => EventKind::ProcessStart(ProcessStart {
            process: Process {
                pid: pid(record, "ProcessId"),
                executable: record.owned("Image"),
                command_line: record.owned("CommandLine"),
                pe: pe_info(record),
                hashes: record.owned("Hashes"),
                signer: None,
            },
            parent: Process {
                pid: pid(record, "ParentProcessId"),
                executable: record.owned("ParentImage"),
                command_line: record.owned("ParentCommandLine"),
                ..Process::default()
            },
        }),
        3 => EventKind::NetConnection(NetConnection {
            process: image(),
            transport: record
                .get("Protocol")
                .map(|p| match p.to_ascii_lowercase().as_str() {
                    "tcp" => Transport::Tcp,
                    "udp" => Transport::Udp,
                    _ => Transport::Other(0),
                }),
            source: endpoint(record, "SourceIp", "SourcePort", "SourceHostname"),
            destination: endpoint(
                record,
                "DestinationIp",
                "DestinationPort",
                "DestinationHostname",
            ),
            initiated: record
                .get("Initiated")
                .map(|v| v.eq_ignore_ascii_case("true")),
        }),
        7 => EventKind::ImageLoad(ImageLoad {
            process: image(),
            path: record.owned("ImageLoaded")?,
            pe: pe_info(record),
            signer: record.owned("Signature"),
        }),
        10 => EventKind::ProcessAccess(ProcessAccess {
            source: Process {
                pid: pid(record, "SourceProcessId"),
                executable: record.owned("SourceImage"),
                ..Process::default()
            },
            target: Process {
                pid: pid(record, "TargetProcessId"),
                executable: record.owned("TargetImage"),
                ..Process::default()
            },
            granted_access: record.owned("GrantedAccess"),
        }),
        11 => EventKind::FileCreate(FileCreate {
            process: image(),
            path: record.owned("TargetFilename")?,
        }),
        12..=14 => EventKind::RegistrySet(RegistrySet {
            process: image(),
            key: record.owned("TargetObject")?,
            value: record.owned("Details"),
        }),
        22 => EventKind::DnsQuery(DnsQuery {
            process: image(),
            query: record
                .get("QueryName")?
                .trim_end_matches('.')
                .to_lowercase(),
            answers: record
                .get("QueryResults")
                .map(dns_answers)
                .unwrap_or_default(),
            ..DnsQuery::default()
        }),
        _ => return None,
    })
}

/// Sysmon's `QueryResults`: `type:  5 x.example;::ffff:192.0.2.1;` → names and addresses.
fn dns_answers(results: &str) -> Vec<String> {
    results
        .split(';')
        .filter_map(|part| {
            let part = part.trim();
            let value = match part.strip_prefix("type:") {
                Some(rest) => rest.split_whitespace().nth(1)?,
                None => part,
            };
            let value = value.strip_prefix("::ffff:").unwrap_or(value);
            (!value.is_empty()).then(|| value.to_owned())
        })
        .collect()
}

fn endpoint(record: &WinRecord, ip: &str, port: &str, host: &str) -> Endpoint {
    Endpoint {
        ip: record.get(ip).and_then(|v| {
            v.strip_prefix("::ffff:")
                .unwrap_or(v)
                .parse::<IpAddr>()
                .ok()
        }),
        port: record.get(port).and_then(|p| p.parse().ok()),
        domain: record
            .get(host)
            .map(|h| h.trim_end_matches('.').to_lowercase()),
    }
}

fn process_start_4688(record: &WinRecord) -> EventKind {
    EventKind::ProcessStart(ProcessStart {
        process: Process {
            pid: pid(record, "NewProcessId"),
            executable: record.owned("NewProcessName"),
            command_line: record.owned("CommandLine"),
            ..Process::default()
        },
        parent: Process {
            pid: pid(record, "ProcessId"),
            executable: record.owned("ParentProcessName"),
            ..Process::default()
        },
    })
}

fn service_install(record: &WinRecord, image: &str, start: &str, account: &str) -> EventKind {
    EventKind::ServiceInstall(ServiceInstall {
        name: record.owned("ServiceName").unwrap_or_default(),
        image_path: record.owned(image),
        start_type: record.owned(start),
        account: record.owned(account),
    })
}

fn object_access_4663(record: &WinRecord) -> EventKind {
    EventKind::FileAccess(FileAccess {
        process: Process {
            pid: pid(record, "ProcessId"),
            executable: record.owned("ProcessName"),
            ..Process::default()
        },
        path: record.owned("ObjectName").unwrap_or_default(),
        share: None,
        source_ip: None,
        access: record
            .owned("AccessMask")
            .or_else(|| record.owned("AccessList")),
    })
}

fn share_access_5145(record: &WinRecord) -> EventKind {
    let relative = record.get("RelativeTargetName").unwrap_or("");
    let path = match record.get("ShareLocalPath") {
        Some(local) => {
            let local = local.trim_start_matches("\\??\\");
            format!(
                "{}\\{}",
                local.trim_end_matches('\\'),
                relative.trim_start_matches('\\')
            )
        }
        None => relative.to_owned(),
    };
    EventKind::FileAccess(FileAccess {
        process: Process::default(),
        path,
        share: record.owned("ShareName"),
        source_ip: record
            .get("IpAddress")
            .and_then(|ip| ip.strip_prefix("::ffff:").unwrap_or(ip).parse().ok()),
        access: record
            .owned("AccessList")
            .or_else(|| record.owned("AccessMask")),
    })
}

/// Reads a `WinRecord` from any supported JSON shape, or says which shape is unknown.
pub fn from_json(value: &Value) -> Result<WinRecord, &'static str> {
    if let Some(event) = value.get("Event") {
        return Ok(from_evtx_json(event));
    }
    if let Some(winlog) = value.get("winlog") {
        return Ok(from_winlogbeat(value, winlog));
    }
    if value.get("EventID").is_some() || value.get("EventId").is_some() {
        return Ok(from_nxlog(value));
    }
    Err("not a Windows event record (expected Event, winlog or EventID keys)")
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(map) => text(map.get("#text")),
        _ => None,
    }
}

fn number(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Object(map) => number(map.get("#text")),
        _ => None,
    }
}

/// The evtx / evtx_dump shape: `{"Event": {"System": {...}, "EventData": {...}}}`.
pub fn from_evtx_json(event: &Value) -> WinRecord {
    let system = event.get("System");
    let field = |name: &str| system.and_then(|s| s.get(name));
    let attribute = |name: &str, attr: &str| {
        field(name)
            .and_then(|f| f.get("#attributes"))
            .and_then(|a| a.get(attr))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut record = WinRecord {
        provider: attribute("Provider", "Name").unwrap_or_default(),
        event_id: number(field("EventID")).and_then(|n| u32::try_from(n).ok()),
        channel: text(field("Channel")).unwrap_or_default(),
        computer: text(field("Computer")).unwrap_or_default(),
        time: attribute("TimeCreated", "SystemTime").and_then(|t| parse_time(&t)),
        record_id: number(field("EventRecordID")),
        user: attribute("Security", "UserID"),
        data: Vec::new(),
    };
    if let Some(data) = event.get("EventData") {
        record.add_data(data);
    }
    if let Some(data) = event.get("UserData") {
        record.add_data(data);
    }
    record
}

/// Winlogbeat / Elastic Agent (ECS): `winlog.*` plus `@timestamp`.
fn from_winlogbeat(value: &Value, winlog: &Value) -> WinRecord {
    let user = winlog.get("user").and_then(|u| {
        let name = u.get("name")?.as_str()?;
        Some(match u.get("domain").and_then(Value::as_str) {
            Some(domain) => format!("{domain}\\{name}"),
            None => name.to_owned(),
        })
    });
    let computer = text(winlog.get("computer_name"))
        .or_else(|| text(value.get("host").and_then(|h| h.get("name"))))
        .unwrap_or_default();
    let mut record = WinRecord {
        provider: text(winlog.get("provider_name")).unwrap_or_default(),
        event_id: number(winlog.get("event_id"))
            .or_else(|| number(value.get("event").and_then(|e| e.get("code"))))
            .and_then(|n| u32::try_from(n).ok()),
        channel: text(winlog.get("channel")).unwrap_or_default(),
        computer,
        time: text(value.get("@timestamp")).and_then(|t| parse_time(&t)),
        record_id: number(winlog.get("record_id")),
        user,
        data: Vec::new(),
    };
    if let Some(data) = winlog.get("event_data") {
        record.add_data(data);
    }
    if let Some(data) = winlog.get("user_data") {
        record.add_data(data);
    }
    record
}

/// NXLog's flat shape: System fields and EventData side by side.
fn from_nxlog(value: &Value) -> WinRecord {
    const SYSTEM: &[&str] = &[
        "EventTime",
        "EventReceivedTime",
        "Hostname",
        "EventID",
        "EventId",
        "SourceName",
        "ProviderGuid",
        "Channel",
        "RecordNumber",
        "Severity",
        "SeverityValue",
        "EventType",
        "Keywords",
        "Version",
        "Task",
        "OpcodeValue",
        "ProcessID",
        "ThreadID",
        "Opcode",
        "Category",
        "SourceModuleName",
        "SourceModuleType",
        "Message",
        "AccountName",
        "AccountType",
        "Domain",
        "UserID",
    ];
    let mut record = WinRecord {
        provider: text(value.get("SourceName")).unwrap_or_default(),
        event_id: number(value.get("EventID").or_else(|| value.get("EventId")))
            .and_then(|n| u32::try_from(n).ok()),
        channel: text(value.get("Channel")).unwrap_or_default(),
        computer: text(value.get("Hostname")).unwrap_or_default(),
        time: text(value.get("EventTime")).and_then(|t| parse_time(&t)),
        record_id: number(value.get("RecordNumber")),
        user: match (text(value.get("Domain")), text(value.get("AccountName"))) {
            (Some(domain), Some(name)) => Some(format!("{domain}\\{name}")),
            (None, Some(name)) => Some(name),
            _ => None,
        },
        data: Vec::new(),
    };
    if let Value::Object(map) = value {
        for (key, inner) in map {
            if !SYSTEM.contains(&key.as_str()) {
                flatten(key, inner, &mut record.data, 1);
            }
        }
    }
    // Application-log shippers put the rendered text in Message.
    if record.channel.eq_ignore_ascii_case("Application")
        && record.data.is_empty()
        && let Some(message) = text(value.get("Message"))
    {
        record.data.push(("Data".into(), message));
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmmguard_events::Location;
    use serde_json::json;

    fn source() -> SourceRef {
        SourceRef::new("t.json", Location::Offset(0))
    }

    #[test]
    fn three_shapes_one_event() {
        let evtx = json!({"Event": {"System": {
            "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon"}},
            "EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational",
            "Computer": "WS-01.corp.example", "EventRecordID": 7,
            "TimeCreated": {"#attributes": {"SystemTime": "2026-03-01T10:00:00.000000Z"}}},
            "EventData": {"Image": "C:\\Users\\bob\\Downloads\\AnyDesk.exe", "CommandLine": "AnyDesk.exe",
                          "OriginalFileName": "AnyDesk.exe", "User": "CORP\\bob", "ParentImage": "-"}}});
        let winlogbeat = json!({"@timestamp": "2026-03-01T10:00:00Z", "winlog": {
            "provider_name": "Microsoft-Windows-Sysmon", "event_id": "1",
            "channel": "Microsoft-Windows-Sysmon/Operational", "computer_name": "WS-01.corp.example",
            "record_id": 7,
            "event_data": {"Image": "C:\\Users\\bob\\Downloads\\AnyDesk.exe", "CommandLine": "AnyDesk.exe",
                           "OriginalFileName": "AnyDesk.exe", "User": "CORP\\bob", "ParentImage": "-"}}});
        let nxlog = json!({"EventTime": "2026-03-01 10:00:00", "Hostname": "WS-01.corp.example",
            "EventID": 1, "SourceName": "Microsoft-Windows-Sysmon", "Channel": "Microsoft-Windows-Sysmon/Operational",
            "RecordNumber": 7, "Image": "C:\\Users\\bob\\Downloads\\AnyDesk.exe", "CommandLine": "AnyDesk.exe",
            "OriginalFileName": "AnyDesk.exe", "User": "CORP\\bob", "ParentImage": "-"});
        let events: Vec<Event> = [evtx, winlogbeat, nxlog]
            .iter()
            .map(|v| to_event(&from_json(v).unwrap(), source()).unwrap())
            .collect();
        assert_eq!(events[0], events[1]);
        assert_eq!(events[1], events[2]);
        let EventKind::ProcessStart(start) = &events[0].kind else {
            panic!("{:?}", events[0])
        };
        assert_eq!(
            start.process.pe.original_file_name.as_deref(),
            Some("AnyDesk.exe")
        );
        assert_eq!(start.parent.executable, None);
        assert_eq!(events[0].meta.user.as_deref(), Some("CORP\\bob"));
        assert_eq!(
            events[0].meta.timestamp.map(|t| t.to_string()).as_deref(),
            Some("2026-03-01T10:00:00Z")
        );
    }

    #[test]
    fn system_7045_and_share_5145() {
        let service = json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "Service Control Manager"}},
            "EventID": {"#attributes": {"Qualifiers": 16384}, "#text": 7045}, "Channel": "System", "Computer": "H"},
            "EventData": {"ServiceName": "AnyDesk Service", "ImagePath": "\"C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe\" --service"}}});
        let event = to_event(&from_json(&service).unwrap(), source()).unwrap();
        let EventKind::ServiceInstall(install) = &event.kind else {
            panic!()
        };
        assert_eq!(install.name, "AnyDesk Service");
        let share = json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}},
            "EventID": 5145, "Channel": "Security", "Computer": "DC"},
            "EventData": {"ShareName": "\\\\*\\C$", "ShareLocalPath": "\\??\\C:\\", "RelativeTargetName": "Program Files\\uvnc bvba\\UltraVNC\\ultravnc.ini",
                          "IpAddress": "10.0.0.5", "SubjectUserName": "admin", "SubjectDomainName": "CORP"}}});
        let event = to_event(&from_json(&share).unwrap(), source()).unwrap();
        let EventKind::FileAccess(access) = &event.kind else {
            panic!()
        };
        assert_eq!(
            access.path,
            "C:\\Program Files\\uvnc bvba\\UltraVNC\\ultravnc.ini"
        );
        assert_eq!(access.source_ip, "10.0.0.5".parse().ok());
        assert_eq!(event.meta.user.as_deref(), Some("CORP\\admin"));
    }

    #[test]
    fn dns_results_and_times() {
        assert_eq!(
            dns_answers("type:  5 relay.example;::ffff:192.0.2.1;"),
            ["relay.example", "192.0.2.1"]
        );
        assert!(parse_time("2026-03-01 10:00:00.123").is_some());
        assert!(parse_time("yesterday").is_none());
    }

    #[test]
    fn unknown_shapes_and_unmodelled_records() {
        assert!(from_json(&json!({"message": "hi"})).is_err());
        let other = json!({"Event": {"System": {"Provider": {"#attributes": {"Name": "Foo"}}, "EventID": 1, "Channel": "Setup"}}});
        assert!(to_event(&from_json(&other).unwrap(), source()).is_none());
    }
}
