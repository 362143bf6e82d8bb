//! Input handling end to end.

use std::io::Write;

use rmmguard_tenants::batch;
use rmmguard_tenants::simulate::tape::OutputFormat;
use rmmguard_tenants::{Config, Verdict};

use crate::common::{generate, totals};

#[test]
fn bad_records_are_skipped_and_counted_with_file_and_line() -> Result<(), Box<dyn std::error::Error>>
{
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("events.jsonl");
    let mut file = std::fs::File::create(&path)?;
    let lines = [
        r#"{"type":"domain_info","ts":"2024-05-01T12:00:00Z","domain":"fresh.example","registered":"2024-05-01T12:00:00Z"}"#,
        r#"{"type":"account_created","ts":"2024-05-01T12:07:00Z","tenant":"t1","admin_email":"a@fresh.example","crm":{"id":[1,2]}}"#,
        "not json",
        "",
        r#"{"type":"endpoint_enrolled","ts":"2024-05-01T13:00:00Z","endpoint":"e1"}"#,
        r#"{"type":"endpoint_enrolled","ts":"yesterday","tenant":"t1","endpoint":"e1"}"#,
        r#"{"type":"heartbeat","ts":"2024-05-01T13:00:00Z","tenant":"t1"}"#,
        r#"{"v":2,"type":"abuse_report","ts":"2024-05-01T13:00:00Z","tenant":"t1"}"#,
        "{\"type\":\"abuse_report\",\"ts\":\"2024-05-01T14:00:00Z\",\"tenant\":\"t1\"}\r",
    ];
    for line in lines {
        writeln!(file, "{line}")?;
    }
    drop(file);
    let run = batch::score_files(std::slice::from_ref(&path), Config::default())?;
    let stats = &run.files[0];
    assert_eq!((stats.records, stats.ingested, stats.skipped), (8, 3, 5));
    let diagnostics: Vec<String> = stats
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.line, d.message))
        .collect();
    assert_eq!(
        diagnostics,
        [
            "3: not a valid record: expected ident at line 1 column 2",
            "5: missing field `tenant`",
            "6: bad value for `ts`: \"yesterday\"",
            "7: unknown record type \"heartbeat\"",
            "8: unsupported schema version 2",
        ]
    );
    let reasons: Vec<(&str, u64)> = stats.reasons.iter().map(|(r, n)| (*r, *n)).collect();
    assert_eq!(
        reasons,
        [
            ("bad value", 1),
            ("missing field", 1),
            ("syntax", 1),
            ("unknown type", 1),
            ("unsupported version", 1)
        ]
    );
    assert_eq!(stats.path, path);
    // The valid records still count: fresh domain (60) and one report (15).
    assert_eq!(totals(&run.scores), ["t1 75 review 60,0,0,0,0,0,0,15"]);
    Ok(())
}

#[test]
fn unknown_fields_are_ignored() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let events = generate(dir.path(), 3, 150, OutputFormat::JsonLines);
    let widened = dir.path().join("widened.jsonl");
    let text = std::fs::read_to_string(&events)?;
    let mut out = String::new();
    for line in text.lines() {
        match line.strip_suffix('}') {
            Some(body) if line.starts_with('{') => out.push_str(&format!(
                "{body},\"x_vendor\":{{\"a\":[1,{{\"b\":null}}]}},\"zz\":7}}\n"
            )),
            _ => out.push_str(&format!("{line}\n")),
        }
    }
    std::fs::write(&widened, out)?;
    let plain = batch::score_files(&[events], Config::default())?;
    let wide = batch::score_files(&[widened], Config::default())?;
    assert_eq!(totals(&plain.scores), totals(&wide.scores));
    assert_eq!(plain.files[0].skipped, wide.files[0].skipped);
    Ok(())
}

#[test]
fn out_of_order_input_within_the_window_scores_the_same() -> Result<(), Box<dyn std::error::Error>>
{
    let dir = tempfile::tempdir()?;
    let events = generate(dir.path(), 5, 200, OutputFormat::JsonLines);
    let text = std::fs::read_to_string(&events)?;
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("{\"type\""))
        .collect();
    let ts = |line: &str| {
        line.split("\"ts\":\"")
            .nth(1)
            .map(|rest| rest[..20].to_owned())
            .unwrap_or_default()
    };
    lines.sort_by_key(|line| ts(line));
    // Reverse every run of lines inside each ten minutes: up to ten minutes out of order.
    let mut shuffled: Vec<&str> = Vec::with_capacity(lines.len());
    for group in lines.chunk_by(|a, b| ts(a)[..15] == ts(b)[..15]) {
        shuffled.extend(group.iter().rev());
    }
    let sorted_path = dir.path().join("sorted.jsonl");
    let shuffled_path = dir.path().join("shuffled.jsonl");
    std::fs::write(&sorted_path, lines.join("\n"))?;
    std::fs::write(&shuffled_path, shuffled.join("\n"))?;
    assert_ne!(lines, shuffled);
    let sorted = batch::score_files(&[sorted_path], Config::default())?;
    let shuffled = batch::score_files(&[shuffled_path], Config::default())?;
    assert_eq!(shuffled.engine.late(), 0);
    assert_eq!(totals(&sorted.scores), totals(&shuffled.scores));
    Ok(())
}

#[test]
fn csv_and_json_lines_score_the_same() -> Result<(), Box<dyn std::error::Error>> {
    let json_dir = tempfile::tempdir()?;
    let csv_dir = tempfile::tempdir()?;
    let json = generate(json_dir.path(), 9, 200, OutputFormat::JsonLines);
    let csv = generate(csv_dir.path(), 9, 200, OutputFormat::Csv);
    let from_json = batch::score_files(&[json], Config::default())?;
    let from_csv = batch::score_files(&[csv], Config::default())?;
    assert_eq!(from_json.records(), from_csv.records());
    assert_eq!(from_json.skipped(), from_csv.skipped());
    assert_eq!(totals(&from_json.scores), totals(&from_csv.scores));
    assert!(
        from_json
            .scores
            .iter()
            .any(|s| s.verdict >= Verdict::Review),
        "no tenant flagged in 200: weak test data"
    );
    Ok(())
}

#[test]
fn nothing_readable_is_an_error_not_an_empty_ranking() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    // A sparse file (all NUL, no extension) reads as one over-long line.
    let sparse = dir.path().join("sparse");
    std::fs::File::create(&sparse)?.set_len(3 << 20)?;
    let run = batch::score_files(std::slice::from_ref(&sparse), Config::default())?;
    assert_eq!((run.records(), run.skipped()), (1, 1));
    assert_eq!(run.files[0].bytes, 3 << 20);
    assert_eq!(
        run.ensure_read().map_err(|e| e.to_string()),
        Err("no valid tenant records in 1 input file: all 1 skipped (1 syntax)".into())
    );
    // An empty file and a CSV whose header row never ends.
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "")?;
    let endless = dir.path().join("endless.csv");
    std::fs::write(&endless, "x".repeat(2 << 20))?;
    let run = batch::score_files(&[empty, endless], Config::default())?;
    assert_eq!(
        run.files[1].unreadable.as_deref(),
        Some("the header row is longer than 1048576 bytes or 1024 columns: not a CSV event file")
    );
    assert_eq!(
        run.ensure_read().map_err(|e| e.to_string()),
        Err("no tenant records in 2 input files (1 unreadable)".into())
    );
    // One valid record among them is enough.
    let valid = dir.path().join("valid.jsonl");
    std::fs::write(
        &valid,
        "{\"type\":\"abuse_report\",\"ts\":\"2024-05-01T14:00:00Z\",\"tenant\":\"t1\"}\n",
    )?;
    let run = batch::score_files(&[sparse, valid], Config::default())?;
    assert!(run.ensure_read().is_ok());
    assert_eq!(totals(&run.scores), ["t1 15 clear 0,0,0,0,0,0,0,15"]);
    Ok(())
}
