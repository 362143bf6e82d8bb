//! Files written by `EvtxWriter`, read back with the `evtx` crate (checksums validated): the
//! JSON it renders for each record, the chunk and file headers, many chunks, records that
//! cannot be written, and byte-identical output.

use std::io::Cursor;
use std::sync::Arc;

use evtx::{EvtxChunkData, EvtxFileHeader, EvtxParser, HeaderFlags, ParserSettings};
use rmmguard_evtx_writer::{EvtxWriter, Record};
use serde_json::{Value, json};

const FILE_HEADER_SIZE: usize = 4096;
const CHUNK_SIZE: usize = 65536;
const SYSMON_GUID: &str = "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}";
const NAMESPACE: &str = "http://schemas.microsoft.com/win/2004/08/events/event";

fn write_file(records: &[Record<'_>]) -> Vec<u8> {
    let mut writer = EvtxWriter::new(Cursor::new(Vec::new())).unwrap();
    for (index, record) in records.iter().enumerate() {
        assert_eq!(writer.write(record).unwrap(), index as u64 + 1);
    }
    writer.finish().unwrap().into_inner()
}

fn settings() -> ParserSettings {
    ParserSettings::new()
        .separate_json_attributes(false)
        .indent(false)
        .validate_checksums(true)
        .num_threads(1)
}

/// Every record of `file` as the JSON the evtx crate renders, after checking that the record
/// header agrees with it.
fn read_json(file: Vec<u8>) -> Vec<Value> {
    let mut parser = EvtxParser::from_buffer(file)
        .unwrap()
        .with_configuration(settings());
    parser
        .records_json_value()
        .map(|record| {
            let record = record.unwrap();
            let system = &record.data["Event"]["System"];
            assert_eq!(system["EventRecordID"], json!(record.event_record_id));
            let time = system["TimeCreated"]["#attributes"]["SystemTime"]
                .as_str()
                .unwrap();
            let time: jiff::Timestamp = time.parse().unwrap();
            assert_eq!(time, record.timestamp);
            record.data
        })
        .collect()
}

/// The chunks of `file`, each checked with checksum validation on; returns the IDs of each
/// chunk's records.
fn read_chunks(file: &[u8]) -> Vec<Vec<u64>> {
    assert_eq!((file.len() - FILE_HEADER_SIZE) % CHUNK_SIZE, 0);
    let settings = Arc::new(settings());
    file[FILE_HEADER_SIZE..]
        .chunks(CHUNK_SIZE)
        .map(|bytes| {
            let mut chunk = EvtxChunkData::new(bytes.to_vec(), true).unwrap();
            assert!(chunk.validate_checksum());
            let header = &chunk.header;
            assert_eq!(
                header.first_event_record_number,
                header.first_event_record_id
            );
            assert_eq!(header.last_event_record_number, header.last_event_record_id);
            let (first, last) = (header.first_event_record_id, header.last_event_record_id);
            let last_offset = header.last_event_record_data_offset as usize;
            let free_space = header.free_space_offset as usize;
            assert!(last_offset < free_space && free_space <= CHUNK_SIZE);
            // The last record ends at the free space, with the copy of its size.
            let size =
                u32::from_le_bytes(bytes[last_offset + 4..last_offset + 8].try_into().unwrap());
            assert_eq!(last_offset + size as usize, free_space);
            assert_eq!(&bytes[free_space - 4..free_space], &size.to_le_bytes());
            assert!(bytes[free_space..].iter().all(|&byte| byte == 0));

            let mut parsed = chunk.parse(Arc::clone(&settings)).unwrap();
            let ids: Vec<u64> = parsed
                .iter()
                .map(|record| record.unwrap().event_record_id)
                .collect();
            assert_eq!(ids, (first..=last).collect::<Vec<_>>());
            ids
        })
        .collect()
}

fn file_header(file: &[u8]) -> EvtxFileHeader {
    let header = EvtxFileHeader::from_bytes(&file[..FILE_HEADER_SIZE]).unwrap();
    assert!(header.validate_checksum());
    header
}

/// The System element Windows renders for `record`, the `id`th record.
fn system(record: &Record<'_>, id: u64) -> Value {
    let mut provider = json!({"Name": record.provider});
    if let Some(guid) = record.provider_guid {
        provider["Guid"] = json!(guid);
    }
    let event_id = match record.qualifiers {
        Some(qualifiers) => {
            json!({"#attributes": {"Qualifiers": qualifiers}, "#text": record.event_id})
        }
        None => json!(record.event_id),
    };
    let security = match record.user_sid {
        Some(sid) => json!({"#attributes": {"UserID": sid}}),
        None => Value::Null,
    };
    json!({
        "Provider": {"#attributes": provider},
        "EventID": event_id,
        "Version": record.version,
        "Level": record.level,
        "Task": record.task,
        "Opcode": record.opcode,
        "Keywords": format!("{:#x}", record.keywords),
        "TimeCreated": {"#attributes": {"SystemTime": format!("{:.7}", record.timestamp)}},
        "EventRecordID": id,
        "Correlation": null,
        "Execution": {"#attributes": {"ProcessID": record.process_id, "ThreadID": record.thread_id}},
        "Channel": record.channel,
        "Computer": record.computer,
        "Security": security,
    })
}

fn event(system: Value, event_data: Value) -> Value {
    json!({"Event": {"#attributes": {"xmlns": NAMESPACE}, "System": system, "EventData": event_data}})
}

fn sysmon<'a>(data: &'a [(&'a str, &'a str)], time: &str) -> Record<'a> {
    Record {
        provider: "Microsoft-Windows-Sysmon",
        provider_guid: Some(SYSMON_GUID),
        event_id: 1,
        version: 5,
        level: 4,
        task: 1,
        keywords: 0x8000_0000_0000_0000,
        timestamp: time.parse().unwrap(),
        process_id: 3052,
        thread_id: 4188,
        channel: "Microsoft-Windows-Sysmon/Operational",
        computer: "WS-017.corp.example",
        user_sid: Some("S-1-5-18"),
        data,
        ..Record::default()
    }
}

/// Sysmon 1 items, with `command_line` as the command line.
fn process_create(command_line: &str) -> Vec<(&'static str, String)> {
    [
        ("RuleName", "-"),
        ("UtcTime", "2024-05-01 10:00:00.123"),
        ("ProcessGuid", "{6b1a9c2e-0f00-6632-5c01-000000001400}"),
        ("ProcessId", "7312"),
        ("Image", r"C:\Users\zoë\AppData\Local\Temp\AnyDesk.exe"),
        ("FileVersion", "8.0.10"),
        ("Description", "AnyDesk"),
        ("Product", "AnyDesk"),
        ("Company", "AnyDesk Software GmbH ®"),
        ("OriginalFileName", "-"),
        ("CommandLine", ""),
        ("CurrentDirectory", r"C:\Users\zoë\Downloads\"),
        ("User", r"CORP\Zoë"),
        ("LogonGuid", "{6b1a9c2e-0e7f-6632-3b2a-0e0000000000}"),
        ("LogonId", "0xe2a3b"),
        ("TerminalSessionId", "1"),
        ("IntegrityLevel", "Medium"),
        (
            "Hashes",
            "SHA256=4D5A9000030000000400000FFFF0000B800000000000000400000000000000",
        ),
        (
            "ParentProcessGuid",
            "{6b1a9c2e-0e80-6632-8a00-000000001400}",
        ),
        ("ParentProcessId", "5544"),
        ("ParentImage", r"C:\Windows\explorer.exe"),
        ("ParentCommandLine", r"C:\Windows\Explorer.EXE"),
        ("ParentUser", r"CORP\Zoë"),
    ]
    .into_iter()
    .map(|(name, value)| match name {
        "CommandLine" => (name, command_line.to_owned()),
        _ => (name, value.to_owned()),
    })
    .collect()
}

fn borrowed<'a>(items: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    items
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

fn named_json(items: &[(&str, &str)]) -> Value {
    Value::Object(
        items
            .iter()
            .map(|(name, value)| ((*name).to_owned(), json!(value)))
            .collect(),
    )
}

#[test]
fn records_render_as_windows_renders_them() {
    let long_command = format!(
        r#""C:\Windows\System32\cmd.exe" /c echo {}"#,
        "A".repeat(8192)
    );
    let sysmon_items = process_create(r#""C:\Users\zoë\AppData\Local\Temp\AnyDesk.exe" --silent"#);
    let sysmon_items = borrowed(&sysmon_items);
    let long_items = process_create(&long_command);
    let long_items = borrowed(&long_items);
    let process_4688 = [
        ("SubjectUserSid", "S-1-5-18"),
        ("SubjectUserName", "WS-017$"),
        ("SubjectDomainName", "CORP"),
        ("SubjectLogonId", "0x3e7"),
        ("NewProcessId", "0x1c90"),
        (
            "NewProcessName",
            r"C:\Program Files (x86)\ScreenConnect Client\ScreenConnect.ClientService.exe",
        ),
        ("TokenElevationType", "%%1936"),
        ("ProcessId", "0x2b0"),
        ("CommandLine", ""),
        ("TargetUserSid", "S-1-0-0"),
        ("TargetUserName", "-"),
        ("TargetDomainName", "-"),
        ("TargetLogonId", "0x0"),
        ("ParentProcessName", r"C:\Windows\System32\services.exe"),
        ("MandatoryLabel", "S-1-16-16384"),
    ];
    let service = [
        ("ServiceName", "AnyDesk Service"),
        (
            "ImagePath",
            r#""C:\Program Files (x86)\AnyDesk\AnyDesk.exe" --service"#,
        ),
        ("ServiceType", "user mode service"),
        ("StartType", "auto start"),
        ("AccountName", "LocalSystem"),
    ];
    let unnamed = [
        ("", "Zoë ® was here 🦀"),
        ("", ""),
        ("", "line one\nline two <&>"),
    ];
    let single_unnamed = [("", "only one")];

    let records = [
        sysmon(&sysmon_items, "2024-05-01T10:00:00.1234567Z"),
        Record {
            provider: "Microsoft-Windows-Security-Auditing",
            provider_guid: Some("{54849625-5478-4994-a5ba-3e3b0328c30d}"),
            event_id: 4688,
            version: 2,
            task: 13312,
            keywords: 0x8020_0000_0000_0000,
            timestamp: "2024-05-01T10:00:01Z".parse().unwrap(),
            process_id: 4,
            thread_id: 7540,
            channel: "Security",
            computer: "WS-017.corp.example",
            data: &process_4688,
            ..Record::default()
        },
        Record {
            provider: "Service Control Manager",
            provider_guid: Some("{555908d1-a6d7-4695-8e1e-26931d2012f4}"),
            event_id: 7045,
            qualifiers: Some(16384),
            level: 4,
            keywords: 0x8080_0000_0000_0000,
            timestamp: "2024-05-01T10:00:02.5Z".parse().unwrap(),
            process_id: 688,
            thread_id: 1492,
            channel: "System",
            computer: "WS-017.corp.example",
            user_sid: Some("S-1-5-21-1587066498-1489273250-1035260531-1108"),
            data: &service,
            ..Record::default()
        },
        Record {
            provider: "Zoë's Application ®",
            event_id: 1000,
            qualifiers: Some(0),
            level: 2,
            keywords: 0x0080_0000_0000_0000,
            timestamp: "2024-05-01T10:00:03.000000100Z".parse().unwrap(),
            channel: "Application",
            computer: "wörkstation-ß",
            data: &unnamed,
            ..Record::default()
        },
        Record {
            provider: "Application Error",
            data: &single_unnamed,
            timestamp: "1999-12-31T23:59:59.9999999Z".parse().unwrap(),
            channel: "Application",
            computer: "WS-017.corp.example",
            ..Record::default()
        },
        sysmon(&long_items, "2024-05-01T10:00:04Z"),
        Record {
            data: &[],
            ..sysmon(&[], "2024-05-01T10:00:05Z")
        },
    ];
    let json = read_json(write_file(&records));
    assert_eq!(json.len(), records.len());

    // Written out in full, as Windows renders a real System 7045 and Security 4688.
    assert_eq!(
        json[2],
        json!({"Event": {
            "#attributes": {"xmlns": NAMESPACE},
            "System": {
                "Provider": {"#attributes": {
                    "Name": "Service Control Manager",
                    "Guid": "{555908d1-a6d7-4695-8e1e-26931d2012f4}",
                }},
                "EventID": {"#attributes": {"Qualifiers": 16384}, "#text": 7045},
                "Version": 0,
                "Level": 4,
                "Task": 0,
                "Opcode": 0,
                "Keywords": "0x8080000000000000",
                "TimeCreated": {"#attributes": {"SystemTime": "2024-05-01T10:00:02.5000000Z"}},
                "EventRecordID": 3,
                "Correlation": null,
                "Execution": {"#attributes": {"ProcessID": 688, "ThreadID": 1492}},
                "Channel": "System",
                "Computer": "WS-017.corp.example",
                "Security": {"#attributes": {
                    "UserID": "S-1-5-21-1587066498-1489273250-1035260531-1108",
                }},
            },
            "EventData": {
                "ServiceName": "AnyDesk Service",
                "ImagePath": "\"C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe\" --service",
                "ServiceType": "user mode service",
                "StartType": "auto start",
                "AccountName": "LocalSystem",
            },
        }})
    );
    let system_4688 = &json[1]["Event"]["System"];
    assert_eq!(system_4688["EventID"], json!(4688));
    assert_eq!(system_4688["Level"], json!(0));
    assert_eq!(system_4688["Keywords"], json!("0x8020000000000000"));
    assert_eq!(
        system_4688["TimeCreated"],
        json!({"#attributes": {"SystemTime": "2024-05-01T10:00:01.0000000Z"}})
    );
    assert_eq!(system_4688["Security"], Value::Null);
    assert_eq!(json[1]["Event"]["EventData"]["CommandLine"], json!(""));

    let expected_data = [
        named_json(&sysmon_items),
        named_json(&process_4688),
        named_json(&service),
        json!({"Data": {"#text": ["Zoë ® was here 🦀", "", "line one\nline two <&>"]}}),
        json!({"Data": {"#text": "only one"}}),
        named_json(&long_items),
        Value::Null,
    ];
    for (index, (record, data)) in records.iter().zip(expected_data).enumerate() {
        let id = index as u64 + 1;
        assert_eq!(json[index], event(system(record, id), data), "record {id}");
    }
    // Sub-100 ns digits are dropped, not rounded.
    assert_eq!(
        json[3]["Event"]["System"]["TimeCreated"]["#attributes"]["SystemTime"],
        json!("2024-05-01T10:00:03.0000001Z")
    );
    assert_eq!(
        json[5]["Event"]["EventData"]["CommandLine"],
        json!(long_command)
    );
    assert!(long_command.len() > 8192);
}

#[test]
fn many_records_fill_many_chunks() {
    const COUNT: usize = 5000;
    let hosts = ["WS-001", "WS-002", "SRV-DB-01"];
    let command_lines: Vec<String> = (0..COUNT)
        .map(|index| {
            // Sizes from a few bytes to about 6 KiB, in no particular order.
            let length = (index * 7919) % 3000;
            format!("cmd.exe /c {index} {}", "x".repeat(length))
        })
        .collect();
    let items: Vec<Vec<(&str, String)>> = command_lines
        .iter()
        .map(|command_line| process_create(command_line))
        .collect();
    let items: Vec<Vec<(&str, &str)>> = items.iter().map(|items| borrowed(items)).collect();
    let records: Vec<Record<'_>> = items
        .iter()
        .enumerate()
        .map(|(index, items)| Record {
            computer: hosts[index % hosts.len()],
            // Some records have a different EventData template.
            data: if index % 10 == 9 { &items[..5] } else { items },
            ..sysmon(&[], "2024-05-01T10:00:00Z")
        })
        .collect();

    let file = write_file(&records);
    let chunk_ids = read_chunks(&file);
    assert!(chunk_ids.len() > 20, "{} chunks", chunk_ids.len());
    let all: Vec<u64> = chunk_ids.into_iter().flatten().collect();
    assert_eq!(all, (1..=COUNT as u64).collect::<Vec<_>>());

    let header = file_header(&file);
    let chunk_count = ((file.len() - FILE_HEADER_SIZE) / CHUNK_SIZE) as u16;
    assert_eq!(header.chunk_count, chunk_count);
    assert_eq!(header.first_chunk_number, 0);
    assert_eq!(header.last_chunk_number, u64::from(chunk_count) - 1);
    assert_eq!(header.next_record_id, COUNT as u64 + 1);
    assert_eq!(header.flags, HeaderFlags::EMPTY);

    let json = read_json(file);
    assert_eq!(json.len(), COUNT);
    for (index, (event, record)) in json.iter().zip(&records).enumerate() {
        let event = &event["Event"];
        assert_eq!(event["System"]["EventRecordID"], json!(index + 1));
        assert_eq!(event["System"]["Computer"], json!(record.computer));
        assert_eq!(
            event["EventData"],
            named_json(record.data),
            "record {}",
            index + 1
        );
    }
}

#[test]
fn a_record_larger_than_a_chunk_is_refused() {
    let small = [("CommandLine", "whoami")];
    let huge = "y".repeat(32_000);
    let two_huge = [("A", huge.as_str()), ("B", huge.as_str())];
    let too_long = "z".repeat(40_000);
    let one_too_long = [("A", too_long.as_str())];

    let mut writer = EvtxWriter::new(Cursor::new(Vec::new())).unwrap();
    let record = sysmon(&small, "2024-05-01T10:00:00Z");
    assert_eq!(writer.write(&record).unwrap(), 1);
    for data in [&two_huge[..], &one_too_long[..]] {
        let error = writer.write(&Record { data, ..record }).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(error.to_string().starts_with("record 2 "), "{error}");
    }
    let error = writer
        .write(&Record {
            data: &two_huge,
            ..record
        })
        .unwrap_err();
    assert!(
        error.to_string().contains("does not fit in an EVTX chunk"),
        "{error}"
    );

    // The writer goes on as if the refused records had not been offered.
    assert_eq!(writer.write(&record).unwrap(), 2);
    let file = writer.finish().unwrap().into_inner();
    assert_eq!(read_chunks(&file).concat(), [1, 2]);
    assert_eq!(file_header(&file).next_record_id, 3);
}

#[test]
fn records_evtx_cannot_hold_are_refused() {
    let record = sysmon(&[], "2024-05-01T10:00:00Z");
    let mut writer = EvtxWriter::new(Cursor::new(Vec::new())).unwrap();
    let cases = [
        (
            Record {
                timestamp: "1600-01-01T00:00:00Z".parse().unwrap(),
                ..record
            },
            "record 1 cannot be written: timestamp 1600-01-01T00:00:00Z is before 1601-01-01",
        ),
        (
            Record {
                user_sid: Some("SYSTEM"),
                ..record
            },
            "record 1 cannot be written: user SID \"SYSTEM\" is not a SID",
        ),
    ];
    for (bad, message) in cases {
        let error = writer.write(&bad).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(error.to_string().starts_with(message), "{error}");
    }
    assert_eq!(writer.write(&record).unwrap(), 1);
}

#[test]
fn an_empty_log_has_a_header_and_no_chunks() {
    let file = write_file(&[]);
    assert_eq!(file.len(), FILE_HEADER_SIZE);
    let header = file_header(&file);
    assert_eq!((header.chunk_count, header.next_record_id), (0, 1));
    assert_eq!(read_json(file), Vec::<Value>::new());
}

#[test]
fn output_is_deterministic() {
    let items = process_create("AnyDesk.exe --silent");
    let items = borrowed(&items);
    let records: Vec<Record<'_>> = (0..200)
        .map(|index| Record {
            process_id: index,
            ..sysmon(&items, "2024-05-01T10:00:00Z")
        })
        .collect();
    let first = write_file(&records);
    assert_eq!(first, write_file(&records));
    assert_eq!(read_json(first).len(), 200);
}

#[test]
fn the_file_starts_where_the_sink_is() {
    let mut sink = Cursor::new(b"prefix".to_vec());
    sink.set_position(6);
    let mut writer = EvtxWriter::new(sink).unwrap();
    let items = [("", "x")];
    writer
        .write(&sysmon(&items, "2024-05-01T10:00:00Z"))
        .unwrap();
    let sink = writer.finish().unwrap();
    assert_eq!(sink.position(), 6 + (FILE_HEADER_SIZE + CHUNK_SIZE) as u64);
    let bytes = sink.into_inner();
    assert_eq!(&bytes[..6], b"prefix");
    assert_eq!(read_json(bytes[6..].to_vec()).len(), 1);
}
