//! CSV: a header row names the columns (any order, extra columns ignored,
//! absent columns read as empty), then one record per row.
//!
//! Records are cut by `csv-core`'s tokenizer into one reused buffer that
//! never grows past [`MAX_RECORD_BYTES`] (and [`MAX_FIELDS`] cells): a
//! longer record is read through and skipped, so a file with no line breaks
//! (a sparse or binary file, an unclosed quote) costs time, not memory. A
//! header row that long makes the whole file unreadable, said once in
//! [`FileStats::unreadable`]. Flags accept `true`/`false`/`1`/`0`/`yes`/`no`,
//! and an empty cell means "not given".

use std::borrow::Cow;
use std::io::{BufRead, ErrorKind as IoErrorKind};

use csv_core::ReadRecordResult;

use crate::error::{Error, RecordError};
use crate::event::SourceRef;
use crate::input::{FileStats, MAX_RECORD_BYTES, Sink};
use crate::schema::{FIELDS, Record, Text, parse_flag};

/// Most cells read in one record; a record with more is skipped.
pub const MAX_FIELDS: usize = 1024;

/// Reads a CSV stream into `sink`, counting in `stats`.
///
/// # Errors
///
/// The reader fails.
pub fn read(
    reader: &mut dyn BufRead,
    file: u16,
    stats: &mut FileStats,
    sink: &mut Sink<'_>,
) -> Result<(), Error> {
    let mut records = Records::new();
    let Some(header) = records.next(reader, &mut stats.bytes)? else {
        return Ok(());
    };
    if header.skipped.is_some() {
        stats.unreadable = Some(format!(
            "the header row is longer than {MAX_RECORD_BYTES} bytes or {MAX_FIELDS} columns: not a CSV event file"
        ));
        return Ok(());
    }
    let columns = Columns::new(&records.row);
    while let Some(next) = records.next(reader, &mut stats.bytes)? {
        let result = match next.skipped {
            Some(why) => Err(RecordError::Syntax(why.to_owned())),
            None => convert(
                &records.row,
                &columns,
                SourceRef::new(file, next.line),
                sink,
            ),
        };
        stats.record(next.line, result);
    }
    Ok(())
}

/// One record's cells: the bytes of all cells and where each ends.
#[derive(Debug, Default)]
struct Row {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// Cells in the record last read.
    fields: usize,
}

impl Row {
    fn get(&self, column: usize) -> Option<&[u8]> {
        if column >= self.fields {
            return None;
        }
        let end = *self.ends.get(column)?;
        let start = match column.checked_sub(1) {
            None => 0,
            Some(previous) => *self.ends.get(previous)?,
        };
        self.bytes.get(start..end)
    }
}

/// What [`Records::next`] found.
#[derive(Debug, Clone, Copy)]
struct Next {
    /// The line the record starts on.
    line: u64,
    /// Why the record was not kept (too long, too many cells).
    skipped: Option<&'static str>,
}

/// Cuts records from a stream into [`Records::row`], with bounded memory.
struct Records {
    core: csv_core::Reader,
    row: Row,
    /// Where a record too long to keep is written and forgotten.
    scratch: Vec<u8>,
    scratch_ends: Vec<usize>,
}

impl Records {
    fn new() -> Records {
        Records {
            core: csv_core::Reader::new(),
            row: Row {
                bytes: vec![0; 4096],
                ends: vec![0; 64],
                fields: 0,
            },
            scratch: vec![0; 1 << 16],
            scratch_ends: vec![0; 256],
        }
    }

    /// Reads the next record; `None` at the end of input.
    fn next(&mut self, reader: &mut dyn BufRead, bytes: &mut u64) -> Result<Option<Next>, Error> {
        let mut line = self.core.line();
        let mut started = false;
        let (mut used, mut fields) = (0usize, 0usize);
        let mut skipped: Option<&'static str> = None;
        loop {
            let input = match reader.fill_buf() {
                Ok(input) => input,
                Err(error) if error.kind() == IoErrorKind::Interrupted => continue,
                Err(error) => return Err(Error::from_io(error)),
            };
            if !started && !input.is_empty() {
                // The tokenizer skips blank lines before a record; count
                // them so the record's own line is reported.
                let blank = input
                    .iter()
                    .take_while(|&&b| b == b'\n' || b == b'\r')
                    .filter(|&&b| b == b'\n')
                    .count();
                line = self.core.line() + blank as u64;
                started = input.iter().any(|&b| b != b'\n' && b != b'\r');
            }
            let (result, read, written, ended) = match skipped {
                None => self.core.read_record(
                    input,
                    &mut self.row.bytes[used..],
                    &mut self.row.ends[fields..],
                ),
                Some(_) => self
                    .core
                    .read_record(input, &mut self.scratch, &mut self.scratch_ends),
            };
            reader.consume(read);
            *bytes += read as u64;
            if skipped.is_none() {
                used += written;
                fields += ended;
            }
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull if skipped.is_none() => {
                    if self.row.bytes.len() > MAX_RECORD_BYTES {
                        skipped = Some("record longer than 1048576 bytes");
                    } else {
                        let grown = (self.row.bytes.len() * 2).min(MAX_RECORD_BYTES + 1);
                        self.row.bytes.resize(grown, 0);
                    }
                }
                ReadRecordResult::OutputEndsFull if skipped.is_none() => {
                    if self.row.ends.len() >= MAX_FIELDS {
                        skipped = Some("record with more than 1024 cells");
                    } else {
                        let grown = (self.row.ends.len() * 2).min(MAX_FIELDS);
                        self.row.ends.resize(grown, 0);
                    }
                }
                // While skipping, the scratch buffers are simply written again.
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::Record => {
                    self.row.fields = if skipped.is_some() { 0 } else { fields };
                    return Ok(Some(Next { line, skipped }));
                }
                ReadRecordResult::End => return Ok(None),
            }
        }
    }
}

/// Column numbers of the schema's fields in this file's header.
struct Columns {
    index: [Option<usize>; FIELDS.len()],
}

impl Columns {
    fn new(header: &Row) -> Columns {
        let mut index = [None; FIELDS.len()];
        let names = (0..header.fields).filter_map(|column| Some((column, header.get(column)?)));
        for (column, name) in names {
            let name = String::from_utf8_lossy(name);
            let name = name.trim().trim_start_matches('\u{feff}');
            if let Some(field) = FIELDS
                .iter()
                .position(|field| field.eq_ignore_ascii_case(name))
            {
                index[field].get_or_insert(column);
            }
        }
        Columns { index }
    }

    fn get<'r>(&self, row: &'r Row, position: usize) -> Result<Option<&'r str>, RecordError> {
        let field = FIELDS[position];
        let Some(bytes) = self.index[position].and_then(|column| row.get(column)) else {
            return Ok(None);
        };
        if bytes.is_empty() {
            return Ok(None);
        }
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| RecordError::value(field, &String::from_utf8_lossy(bytes)))
    }
}

fn convert(
    row: &Row,
    columns: &Columns,
    source: SourceRef,
    sink: &mut Sink<'_>,
) -> Result<(), RecordError> {
    let text = |field: &'static str| -> Result<Option<Text<'_>>, RecordError> {
        Ok(columns
            .get(row, position(field))?
            .map(|value| Text(Cow::Borrowed(value))))
    };
    let flag = |field: &'static str| -> Result<Option<bool>, RecordError> {
        match columns.get(row, position(field))? {
            None => Ok(None),
            Some(value) => parse_flag(value).ok_or_else(|| RecordError::value(field, value)),
        }
    };
    let version = match columns.get(row, position("v"))? {
        None => None,
        Some(value) => Some(
            value
                .trim()
                .parse::<u64>()
                .map_err(|_| RecordError::value("v", value))?,
        ),
    };
    let record = Record {
        v: version,
        kind: text("type")?,
        ts: text("ts")?,
        tenant: text("tenant")?,
        name: text("name")?,
        company: text("company")?,
        admin_email: text("admin_email")?,
        admin_domain: text("admin_domain")?,
        signup_ip: text("signup_ip")?,
        plan: text("plan")?,
        domain: text("domain")?,
        registered: text("registered")?,
        freemail: flag("freemail")?,
        registrar: text("registrar")?,
        nameservers: text("nameservers")?,
        endpoint: text("endpoint")?,
        hostname: text("hostname")?,
        ad_domain: text("ad_domain")?,
        public_ip: text("public_ip")?,
        os: text("os")?,
        hw_hash: text("hw_hash")?,
        by: text("by")?,
        session: text("session")?,
        technician: text("technician")?,
        attended: flag("attended")?,
        reason: text("reason")?,
    };
    sink(&record, source)
}

/// The schema index of a field name; the compiler folds it for the literal
/// names `convert` uses.
#[inline(always)]
fn position(field: &str) -> usize {
    match field {
        "v" => 0,
        "type" => 1,
        "ts" => 2,
        "tenant" => 3,
        "name" => 4,
        "company" => 5,
        "admin_email" => 6,
        "admin_domain" => 7,
        "signup_ip" => 8,
        "plan" => 9,
        "domain" => 10,
        "registered" => 11,
        "freemail" => 12,
        "registrar" => 13,
        "nameservers" => 14,
        "endpoint" => 15,
        "hostname" => 16,
        "ad_domain" => 17,
        "public_ip" => 18,
        "os" => 19,
        "hw_hash" => 20,
        "by" => 21,
        "session" => 22,
        "technician" => 23,
        "attended" => 24,
        _ => 25,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str) -> (FileStats, Vec<String>) {
        run_with(input.as_bytes(), 1 << 16)
    }

    /// Reads `input` through a buffer of `capacity` bytes.
    fn run_with(input: &[u8], capacity: usize) -> (FileStats, Vec<String>) {
        let mut seen = Vec::new();
        let mut sink = |record: &Record<'_>, source: SourceRef| {
            let field =
                |t: &Option<Text<'_>>| t.as_ref().map_or("-".to_owned(), |t| t.as_str().to_owned());
            seen.push(format!(
                "{} {} {} {:?}",
                source.line(),
                field(&record.kind),
                field(&record.tenant),
                record.attended
            ));
            Ok(())
        };
        let mut stats = FileStats::default();
        let mut reader = std::io::BufReader::with_capacity(capacity, input);
        let result = read(&mut reader, 0, &mut stats, &mut sink);
        assert!(matches!(result, Ok(())), "{result:?}");
        (stats, seen)
    }

    #[test]
    fn records_spanning_buffer_refills_read_the_same() {
        let input = "\ntype,tenant,attended\r\n\nsession_started,t1,1\n\"abuse\nreport\",\"t,2\",\nlast,t3,no";
        let whole = run(input);
        assert_eq!(
            whole.1,
            vec![
                "4 session_started t1 Some(true)",
                "5 abuse\nreport t,2 None",
                "7 last t3 Some(false)"
            ]
        );
        for capacity in [1, 2, 5, 16] {
            let (stats, seen) = run_with(input.as_bytes(), capacity);
            assert_eq!(seen, whole.1, "capacity {capacity}");
            assert_eq!(
                (stats.records, stats.bytes),
                (3, input.len() as u64),
                "capacity {capacity}"
            );
        }
    }

    #[test]
    fn overlong_records_are_skipped_not_held() {
        // An unclosed quote swallows the rest of the file into one record:
        // it is read through in bounded memory and counted once.
        let mut input = b"type,tenant\nabuse_report,t1\nabuse_report,\"".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_RECORD_BYTES + 10));
        input.extend_from_slice(b"\nabuse_report,t2\n");
        let (stats, seen) = run_with(&input, 4096);
        assert_eq!(seen, vec!["2 abuse_report t1 None"]);
        assert_eq!((stats.records, stats.skipped), (2, 1));
        assert_eq!(
            stats.diagnostics[0].message,
            "not a valid record: record longer than 1048576 bytes"
        );
        // A closed one is skipped and the next record read.
        let mut input = b"type,tenant\nabuse_report,".to_vec();
        input.extend(std::iter::repeat_n(b'y', MAX_RECORD_BYTES + 10));
        input.extend_from_slice(b"\nabuse_report,t2\n");
        let (stats, seen) = run_with(&input, 4096);
        assert_eq!(seen, vec!["3 abuse_report t2 None"]);
        assert_eq!(
            (stats.records, stats.skipped, stats.diagnostics[0].line),
            (2, 1, 2)
        );
        // So is a record of too many cells.
        let input = format!("type,tenant\nabuse_report,t1{}\n", ",".repeat(MAX_FIELDS));
        let (stats, seen) = run(&input);
        assert!(seen.is_empty());
        assert_eq!(
            stats.diagnostics[0].message,
            "not a valid record: record with more than 1024 cells"
        );
    }

    #[test]
    fn a_header_row_too_long_makes_the_file_unreadable() {
        let input = vec![0u8; MAX_RECORD_BYTES + 100];
        let (stats, seen) = run_with(&input, 8192);
        assert!(seen.is_empty());
        assert_eq!(stats.records, 0);
        assert_eq!(
            stats.unreadable.as_deref(),
            Some(
                "the header row is longer than 1048576 bytes or 1024 columns: not a CSV event file"
            )
        );
    }

    #[test]
    fn positions_match_the_schema() {
        for (index, field) in FIELDS.iter().enumerate() {
            assert_eq!(position(field), index, "{field}");
        }
    }

    #[test]
    fn any_column_order_extra_columns_and_empty_cells() {
        let (stats, seen) = run("tenant,extra,TYPE,ts,attended\n\
             t1,x,session_started,2024-01-01T00:00:00Z,yes\n\
             ,y,abuse_report,2024-01-01T00:00:00Z,\n");
        assert_eq!(
            seen,
            vec!["2 session_started t1 Some(true)", "3 abuse_report - None"]
        );
        assert_eq!(stats.records, 2);
    }

    #[test]
    fn bad_flags_and_short_rows() {
        let (stats, seen) = run(
            "type,tenant,attended\nsession_started,t1,maybe\nabuse_report\n\"multi\nline\",t2,0\n",
        );
        assert_eq!(
            seen,
            vec!["3 abuse_report - None", "4 multi\nline t2 Some(false)"]
        );
        assert_eq!((stats.records, stats.skipped), (3, 1));
        assert_eq!(stats.diagnostics[0].line, 2);
        assert_eq!(
            stats.diagnostics[0].message,
            "bad value for `attended`: \"maybe\""
        );
    }
}
