//! The input edge cases of issue 13, one test each: what an attacker (or a
//! crashed logger) can put in front of the readers, and the explained,
//! counted skip each one must give instead of a silent loss, a wrong
//! message, a stall or unbounded memory. The hostile files are generated
//! here in a temporary folder; the large ones are sparse, so they cost
//! neither disk nor time.

use std::fs::{self, File};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rmmguard_events::{EventKind, Location};
use rmmguard_sources::{
    DiagnosticLevel, Encoding, Event, FileStats, Format, Input, ReadContext, discover, plan,
    read_unit,
};

/// A Sysmon process start of AnyDesk, as Winlogbeat writes it.
const GOOD: &str = r#"{"@timestamp":"2026-01-02T03:04:05Z","winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","computer_name":"H","event_id":"1","provider_name":"Microsoft-Windows-Sysmon","record_id":1,"event_data":{"Image":"C:\\Users\\u\\Downloads\\AnyDesk.exe","CommandLine":"AnyDesk.exe"}}}"#;

const LIMIT: u64 = 16 << 20;
const LOSSY: &str = "invalid UTF-8 replaced by U+FFFD; the record was read";

/// What reading every input under `path` gave: per input, its stats; and
/// every event.
struct Read {
    inputs: Vec<Input>,
    stats: Vec<FileStats>,
    events: Vec<Event>,
}

impl Read {
    fn of(&self, name: &str) -> &FileStats {
        let index = self
            .inputs
            .iter()
            .position(|i| i.path.file_name().is_some_and(|n| n == name))
            .unwrap_or_else(|| panic!("no input {name}"));
        &self.stats[index]
    }

    /// The diagnostics of one input as (level, offset, message).
    fn diagnostics(&self, name: &str) -> Vec<(DiagnosticLevel, Option<u64>, String)> {
        self.of(name)
            .diagnostics
            .iter()
            .map(|d| (d.level, d.source.location.offset(), d.message.clone()))
            .collect()
    }
}

fn read_all(path: &Path, unit_bytes: u64) -> Read {
    let discovery = discover(&[path.to_path_buf()]).expect("discover");
    let mut stats = vec![FileStats::default(); discovery.inputs.len()];
    let mut events = Vec::new();
    for unit in plan(&discovery.inputs, unit_bytes) {
        let input = &discovery.inputs[unit.input];
        let unit_stats = read_unit(input, &unit, &ReadContext::default(), &mut |e| {
            events.push(e)
        });
        stats[unit.input].merge(unit_stats);
    }
    Read {
        inputs: discovery.inputs,
        stats,
        events,
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

fn lines(n: usize) -> String {
    (0..n).map(|_| format!("{GOOD}\n")).collect()
}

fn padding_message(len: u64) -> String {
    format!("{len} bytes of NUL padding skipped (a preallocated, sparse or damaged file)")
}

#[test]
fn nul_padding_is_skipped_fast_and_reported_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("padded.json");
    // Two records, a 256 MiB hole, one record, and a hole to 512 MiB: what a
    // preallocating logger leaves after a crash. Sparse: no disk, no time.
    let line = format!("{GOOD}\n");
    let len = line.len() as u64;
    let mut file = File::create(&path).expect("create");
    file.write_all(lines(2).as_bytes()).expect("write");
    file.seek(SeekFrom::Start(256 << 20)).expect("seek");
    file.write_all(line.as_bytes()).expect("write");
    file.set_len(512 << 20).expect("set_len");
    drop(file);
    let started = Instant::now();
    let read = read_all(dir.path(), 4 << 20);
    eprintln!("512 MiB, mostly NUL: {:?}", started.elapsed());
    let stats = read.of("padded.json");
    assert_eq!(
        (
            stats.records,
            stats.skipped,
            stats.warnings,
            read.events.len()
        ),
        (3, 0, 2, 3)
    );
    assert_eq!(
        read.diagnostics("padded.json"),
        [
            (
                DiagnosticLevel::Warning,
                Some(2 * len),
                padding_message((256 << 20) - 2 * len)
            ),
            (
                DiagnosticLevel::Warning,
                Some((256 << 20) + len),
                padding_message((256 << 20) - len)
            ),
        ]
    );

    // The same shape as a stream (`.gz`): the same records and messages,
    // now with line numbers.
    let mut text = lines(2).into_bytes();
    text.extend(vec![0u8; 20 << 20]);
    text.extend(line.as_bytes());
    text.extend(vec![0u8; 3 << 20]);
    let gz_dir = tempfile::tempdir().expect("temp dir");
    fs::write(gz_dir.path().join("padded.json.gz"), gzip(&text)).expect("write");
    fs::write(gz_dir.path().join("padded.json"), &text).expect("write");
    let read = read_all(gz_dir.path(), 1 << 20);
    let expected = [
        (
            DiagnosticLevel::Warning,
            Some(2 * len),
            padding_message(20 << 20),
        ),
        (
            DiagnosticLevel::Warning,
            Some(2 * len + (20 << 20) + len),
            padding_message(3 << 20),
        ),
    ];
    for name in ["padded.json", "padded.json.gz"] {
        assert_eq!(read.diagnostics(name), expected, "{name}");
        assert_eq!(read.of(name).records, 3, "{name}");
    }
    assert_eq!(read.events.len(), 6);
    // The record after the first padding is on line 3, the padding after
    // it on line 4.
    let gz = read.of("padded.json.gz");
    assert_eq!(
        gz.diagnostics[1].source.location,
        Location::Line {
            line: 4,
            offset: 2 * len + (20 << 20) + len
        },
    );
    let lines: Vec<Location> = read
        .events
        .iter()
        .filter(|e| e.meta.source.file.ends_with("padded.json.gz"))
        .map(|e| e.meta.source.location)
        .collect();
    assert_eq!(
        lines,
        [
            Location::Line { line: 1, offset: 0 },
            Location::Line {
                line: 2,
                offset: len
            },
            Location::Line {
                line: 3,
                offset: 2 * len + (20 << 20)
            },
        ]
    );
}

#[test]
fn a_line_over_the_limit_is_reported_with_its_true_length_plain_and_gz() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A valid record of 50,000,000 bytes between two good ones.
    let head = r#"{"winlog":{"event_data":{"x":""#;
    let tail = r#""}}}"#;
    let mut text = format!("{GOOD}\n").into_bytes();
    text.extend_from_slice(head.as_bytes());
    text.extend(std::iter::repeat_n(
        b'a',
        50_000_000 - head.len() - tail.len(),
    ));
    text.extend_from_slice(tail.as_bytes());
    text.push(b'\n');
    text.extend(format!("{GOOD}\n").as_bytes());
    fs::write(dir.path().join("long.json"), &text).expect("write");
    fs::write(dir.path().join("long.json.gz"), gzip(&text)).expect("write");
    let read = read_all(dir.path(), 4 << 20);
    let message =
        format!("record skipped: line of 50000000 bytes is over the limit of {LIMIT} bytes");
    let offset = Some(GOOD.len() as u64 + 1);
    for name in ["long.json", "long.json.gz"] {
        let stats = read.of(name);
        assert_eq!(
            (stats.records, stats.skipped, stats.events),
            (3, 1, 2),
            "{name}"
        );
        assert_eq!(
            read.diagnostics(name),
            [(DiagnosticLevel::Error, offset, message.clone())],
            "{name}"
        );
    }
    assert_eq!(read.events.len(), 4);
}

/// One record in each text format, for the encoding cases below.
fn one_of_each(text: impl Fn(&str) -> String) -> Vec<(&'static str, String)> {
    vec![
        ("events.json", text(GOOD)),
        (
            "programs.csv",
            text("hostname,name,version,publisher\r\nWS-1,AnyDesk,8.0.10,AnyDesk Software GmbH"),
        ),
        (
            "services.json",
            text(r#"[{"name":"AteraAgent","start_type":"AUTO_START"}]"#),
        ),
        (
            "osquery.log",
            text(
                r#"{"name":"pack_inv_programs","hostIdentifier":"WS-3","columns":{"name":"TeamViewer 15","version":"15.50"},"action":"added"}"#,
            ),
        ),
        (
            "dns.log",
            text(
                "#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\n1700000000.000000\tC1\t10.0.0.5\t50000\t8.8.8.8\t53\tudp\trelay.anydesk.com",
            ),
        ),
        (
            "zeek.json",
            text(
                r#"{"_path":"dns","ts":1700000000.0,"uid":"C1","id.orig_h":"10.0.0.5","id.orig_p":50000,"id.resp_h":"8.8.8.8","id.resp_p":53,"proto":"udp","query":"relay.anydesk.com"}"#,
            ),
        ),
        (
            "eve.json",
            text(
                r#"{"timestamp":"2024-01-01T00:00:00.000000+0000","flow_id":1,"event_type":"dns","src_ip":"10.0.0.5","dest_ip":"8.8.8.8","proto":"UDP","dns":{"type":"query","id":1,"rrname":"relay.anydesk.com"}}"#,
            ),
        ),
    ]
}

/// The formats `one_of_each` is sniffed as, in path order.
const FORMATS: [(&str, Format); 7] = [
    ("dns.log", Format::ZeekTsv),
    ("eve.json", Format::SuricataEve),
    ("events.json", Format::EventJson),
    ("osquery.log", Format::InventoryJsonLines),
    ("programs.csv", Format::InventoryCsv),
    ("services.json", Format::InventoryJson),
    ("zeek.json", Format::ZeekJson),
];

/// What an event names: the program, query or process it is about.
fn subject(event: &Event) -> String {
    match &event.kind {
        EventKind::Software(software) => software.name.clone(),
        EventKind::DnsQuery(dns) => dns.query.clone(),
        EventKind::ProcessStart(start) => start.process.command_line.clone().unwrap_or_default(),
        other => format!("{other:?}"),
    }
}

fn subjects(read: &Read) -> Vec<String> {
    let mut subjects: Vec<String> = read.events.iter().map(subject).collect();
    subjects.sort();
    subjects
}

#[test]
fn a_byte_order_mark_is_passed_over_in_every_text_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in one_of_each(|text| format!("\u{feff}{text}\n")) {
        fs::write(dir.path().join(name), &text).expect("write");
        fs::write(dir.path().join(format!("{name}.gz")), gzip(text.as_bytes())).expect("write");
    }
    let read = read_all(dir.path(), 4 << 20);
    let formats: Vec<Format> = read.inputs.iter().map(|i| i.format).collect();
    let expected: Vec<Format> = FORMATS.iter().flat_map(|&(_, f)| [f, f]).collect();
    assert_eq!(formats, expected);
    for (input, stats) in read.inputs.iter().zip(&read.stats) {
        assert_eq!(
            (stats.skipped, stats.warnings, stats.events),
            (0, 0, 1),
            "{}: {:?}",
            input.path.display(),
            stats.diagnostics
        );
    }
    assert_eq!(
        subjects(&read),
        [
            "AnyDesk",
            "AnyDesk",
            "AnyDesk.exe",
            "AnyDesk.exe",
            "AteraAgent",
            "AteraAgent",
            "TeamViewer 15",
            "TeamViewer 15",
            "relay.anydesk.com",
            "relay.anydesk.com",
            "relay.anydesk.com",
            "relay.anydesk.com",
            "relay.anydesk.com",
            "relay.anydesk.com"
        ]
    );
}

#[test]
fn one_invalid_byte_keeps_the_record_and_is_counted() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in one_of_each(|text| {
        text.replace("AnyDesk.exe\"", "AnyDesk.exe \u{1}\"")
            .replace("AnyDesk,", "Any\u{1}Desk,")
            .replace("AteraAgent", "Atera\u{1}Agent")
            .replace("TeamViewer", "Team\u{1}Viewer")
            .replace("relay.anydesk", "relay.any\u{1}desk")
            + "\n"
    }) {
        // U+0001 stands in for the invalid byte, which a String cannot hold.
        let bytes: Vec<u8> = text
            .bytes()
            .map(|b| if b == 1 { 0xff } else { b })
            .collect();
        fs::write(dir.path().join(name), &bytes).expect("write");
        fs::write(dir.path().join(format!("{name}.gz")), gzip(&bytes)).expect("write");
    }
    let read = read_all(dir.path(), 4 << 20);
    assert_eq!(read.inputs.len(), 14);
    for (input, stats) in read.inputs.iter().zip(&read.stats) {
        let name = input.path.file_name().unwrap_or_default().to_string_lossy();
        assert_eq!(
            (stats.skipped, stats.warnings, stats.events),
            (0, 1, 1),
            "{name}"
        );
        let expected = if name.starts_with("services.json") {
            "1 invalid UTF-8 sequences replaced by U+FFFD; the rows were read"
        } else {
            LOSSY
        };
        assert_eq!(stats.diagnostics[0].message, expected, "{name}");
    }
    assert_eq!(
        subjects(&read),
        [
            "AnyDesk.exe \u{fffd}",
            "AnyDesk.exe \u{fffd}",
            "Any\u{fffd}Desk",
            "Any\u{fffd}Desk",
            "Atera\u{fffd}Agent",
            "Atera\u{fffd}Agent",
            "Team\u{fffd}Viewer 15",
            "Team\u{fffd}Viewer 15",
            "relay.any\u{fffd}desk.com",
            "relay.any\u{fffd}desk.com",
            "relay.any\u{fffd}desk.com",
            "relay.any\u{fffd}desk.com",
            "relay.any\u{fffd}desk.com",
            "relay.any\u{fffd}desk.com"
        ]
    );
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xfe, 0xff]
    } else {
        vec![0xff, 0xfe]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    bytes
}

#[test]
fn utf16_text_is_converted_as_it_streams() {
    let dir = tempfile::tempdir().expect("temp dir");
    // What PowerShell 5's `>` writes: UTF-16LE with a byte order mark, CRLF.
    for (name, text) in one_of_each(|text| format!("{}\r\n", text.replace('\n', "\r\n"))) {
        fs::write(dir.path().join(name), utf16(&text, false)).expect("write");
        fs::write(dir.path().join(format!("{name}.be")), utf16(&text, true)).expect("write");
    }
    // And large enough to cross the converter's chunks and the line loop's blocks.
    let many = lines(5000).replace('\n', "\r\n");
    fs::write(dir.path().join("many.json.gz"), gzip(&utf16(&many, false))).expect("write");
    let read = read_all(dir.path(), 4096);
    assert_eq!(
        read.inputs.len(),
        15,
        "nothing passed over: {:?}",
        discover(&[dir.path().into()]).map(|d| d.skipped)
    );
    for (input, stats) in read.inputs.iter().zip(&read.stats) {
        let name = input.path.file_name().unwrap_or_default().to_string_lossy();
        let expected = match (name.ends_with(".be"), name.as_ref()) {
            (true, _) => Encoding::Utf16Be,
            (false, _) => Encoding::Utf16Le,
        };
        assert_eq!(input.encoding, expected, "{name}");
        let (name, events) = match name.as_ref() {
            "many.json.gz" => (Some(Format::EventJson), 5000),
            other => (
                FORMATS
                    .iter()
                    .find(|(n, _)| other.trim_end_matches(".be") == *n)
                    .map(|&(_, f)| f),
                1,
            ),
        };
        assert_eq!(Some(input.format), name);
        assert_eq!(
            (stats.skipped, stats.warnings, stats.events),
            (0, 0, events),
            "{}: {:?}",
            input.path.display(),
            stats.diagnostics
        );
    }
}

#[test]
fn pipes_and_devices_are_read_as_one_stream() {
    // `hunt <(zcat events.json.gz)`: the shell passes /dev/fd/N, a pipe.
    use std::os::fd::AsRawFd;
    let (reader, mut writer) = std::io::pipe().expect("pipe");
    let path = PathBuf::from(format!("/dev/fd/{}", reader.as_raw_fd()));
    let feeder = std::thread::spawn(move || {
        // More than a pipe holds, so sniffing and reading overlap the writer.
        writer
            .write_all(lines(2000).as_bytes())
            .expect("feed the pipe");
    });
    let discovery = discover(std::slice::from_ref(&path)).expect("discover");
    assert_eq!(discovery.skipped, []);
    let input = &discovery.inputs[0];
    assert!(input.is_stream());
    assert_eq!((input.format, input.len), (Format::EventJson, 0));
    let units = plan(&discovery.inputs, 4096);
    assert_eq!(units.len(), 1, "one sequential unit");
    let mut events = 0;
    let stats = read_unit(input, &units[0], &ReadContext::default(), &mut |_| {
        events += 1
    });
    feeder.join().expect("feeder");
    assert_eq!((stats.records, stats.events, events), (2000, 2000, 2000));
    let again = read_unit(input, &units[0], &ReadContext::default(), &mut |_| {
        events += 1
    });
    assert_eq!(
        again.diagnostics[0].message,
        format!("{}: a stream can be read only once", path.display())
    );

    // A compressed stream, through a pipe too.
    let (reader, mut writer) = std::io::pipe().expect("pipe");
    let path = PathBuf::from(format!("/dev/fd/{}", reader.as_raw_fd()));
    let feeder = std::thread::spawn(move || writer.write_all(&gzip(lines(300).as_bytes())));
    let discovery = discover(&[path]).expect("discover");
    let input = &discovery.inputs[0];
    assert!(input.gzip && input.is_stream());
    let stats = read_unit(
        input,
        &plan(&discovery.inputs, 4096)[0],
        &ReadContext::default(),
        &mut |_| {},
    );
    feeder.join().expect("feeder").expect("feed the pipe");
    assert_eq!(stats.events, 300);

    // A device with nothing in it, and a pipe met inside a folder (which
    // nothing may ever write to: opening it would wait forever).
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo (coreutils)");
    assert!(made.success());
    let discovery = discover(&[dir.path().to_path_buf(), "/dev/null".into()]).expect("discover");
    let skipped: Vec<(PathBuf, &str)> = discovery
        .skipped
        .iter()
        .map(|s| (s.path.clone(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                fifo,
                "not a regular file (a pipe): name it as a path of its own to read it as a stream"
            ),
            ("/dev/null".into(), "empty stream (a character device)"),
        ]
    );
}

#[cfg(unix)]
#[test]
fn symlinked_folders_are_followed_once_and_loops_are_noted() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("temp dir");
    fs::write(outside.path().join("events.json"), lines(1)).expect("write");
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir(root.join("a")).expect("mkdir");
    fs::write(root.join("a/events.json"), lines(2)).expect("write");
    symlink(root.join("a"), root.join("b-second-link")).expect("symlink");
    symlink(root, root.join("a/loop")).expect("symlink");
    symlink(outside.path(), root.join("c-outside")).expect("symlink");
    symlink(root.join("nowhere"), root.join("d-broken")).expect("symlink");
    let discovery = discover(&[root.to_path_buf()]).expect("discover");
    let inputs: Vec<PathBuf> = discovery
        .inputs
        .iter()
        .map(|i| i.path.strip_prefix(root).expect("under root").to_path_buf())
        .collect();
    assert_eq!(
        inputs,
        [
            PathBuf::from("a/events.json"),
            PathBuf::from("c-outside/events.json")
        ]
    );
    let skipped: Vec<(PathBuf, String)> = discovery
        .skipped
        .iter()
        .map(|s| {
            (
                s.path.strip_prefix(root).expect("under root").to_path_buf(),
                s.reason.clone(),
            )
        })
        .collect();
    let again = "folder already read (a symlink loop or a second link to it): passed over";
    assert_eq!(
        skipped,
        [
            ("a/loop".into(), again.to_owned()),
            ("b-second-link".into(), again.to_owned()),
            (
                "d-broken".into(),
                "broken symlink: No such file or directory (os error 2)".to_owned()
            ),
        ]
    );
}

fn reference_evtx() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../../shared/reference/evtx/hayabusa-sample-evtx/EVTX-ATTACK-SAMPLES/Command and Control/bits_openvpn.evtx",
    );
    fs::read(&path).unwrap_or_else(|e| panic!("reference EVTX {}: {e}", path.display()))
}

#[test]
fn truncated_evtx_is_reported() {
    let real = reference_evtx();
    assert!(real.len() >= 4096 + 65536 + 1000, "{}", real.len());
    let dir = tempfile::tempdir().expect("temp dir");
    let cuts = [30usize, 4096, 4096 + 30_000, 4096 + 65536 + 1000];
    for cut in cuts {
        fs::write(dir.path().join(format!("cut-{cut}.evtx")), &real[..cut]).expect("write");
        fs::write(
            dir.path().join(format!("cut-{cut}.evtx.gz")),
            gzip(&real[..cut]),
        )
        .expect("write");
    }
    let read = read_all(dir.path(), 4 << 20);
    let none = |len: usize, partial: &str| {
        vec![(
            DiagnosticLevel::Error,
            Some(0),
            format!(
                "truncated EVTX: {len} bytes, no complete chunk (a 4096-byte header and 65536-byte chunks expected){partial}"
            ),
        )]
    };
    for suffix in ["", ".gz"] {
        let name = |cut: usize| format!("cut-{cut}.evtx{suffix}");
        assert_eq!(read.diagnostics(&name(30)), none(30, ""));
        assert_eq!(read.diagnostics(&name(4096)), none(4096, ""));
        assert_eq!(
            read.diagnostics(&name(34096)),
            none(34096, " (30000 trailing bytes of a cut chunk ignored)")
        );
        let cut = read.of(&name(4096 + 65536 + 1000));
        assert!(cut.records > 0 && cut.skipped == 0, "{cut:?}");
        assert_eq!(
            read.diagnostics(&name(4096 + 65536 + 1000)).last(),
            Some(&(
                DiagnosticLevel::Warning,
                Some(4096 + 65536),
                "truncated EVTX: the last chunk is cut after 1000 of 65536 bytes; 1000 trailing bytes after the last whole chunk ignored".to_owned()
            ))
        );
    }
}

#[test]
fn records_over_the_limit_in_inventories_stop_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let huge = "x".repeat(20 << 20);
    fs::write(
        dir.path().join("programs.csv"),
        format!("hostname,name,version\nWS-1,AnyDesk,8\nWS-2,{huge},1\nWS-3,TeamViewer,15\n"),
    )
    .expect("write");
    fs::write(
        dir.path().join("services.json"),
        format!(r#"[{{"name":"AteraAgent"}},{{"name":"{huge}"}},{{"name":"AnyDesk"}}]"#),
    )
    .expect("write");
    let read = read_all(dir.path(), 4 << 20);
    let message = format!("rest of file skipped: a record longer than the limit of {LIMIT} bytes");
    assert_eq!(read.of("programs.csv").events, 1);
    assert_eq!(read.of("services.json").events, 1);
    for name in ["programs.csv", "services.json"] {
        let diagnostics = read.diagnostics(name);
        assert_eq!(diagnostics.len(), 1, "{name}: {diagnostics:?}");
        assert!(
            diagnostics[0].2.starts_with(&message[..22]),
            "{name}: {diagnostics:?}"
        );
        assert!(
            diagnostics[0].2.contains(&message[22..]),
            "{name}: {diagnostics:?}"
        );
    }
}
