//! CSV: a header row names the columns (any order, extra columns ignored,
//! absent columns read as empty), then one record per row.
//!
//! Cells are borrowed from one reused record; flags accept
//! `true`/`false`/`1`/`0`/`yes`/`no`, and an empty cell means "not given".

use std::borrow::Cow;
use std::io::BufRead;

use crate::error::{Error, RecordError};
use crate::event::SourceRef;
use crate::input::{FileStats, MAX_RECORD_BYTES, Sink};
use crate::schema::{FIELDS, Record, Text, parse_flag};

/// Reads a CSV stream into `sink`, counting in `stats`.
///
/// # Errors
///
/// The reader fails, or the header row cannot be read.
pub fn read(
    reader: &mut dyn BufRead,
    file: u16,
    stats: &mut FileStats,
    sink: &mut Sink<'_>,
) -> Result<(), Error> {
    let mut csv = ::csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(reader);
    let header = csv.byte_headers().map_err(csv_error)?.clone();
    let columns = Columns::new(&header);
    let mut row = ::csv::ByteRecord::new();
    loop {
        let line = csv.position().line() + 1;
        match csv.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                let line = row.position().map_or(line, |p| p.line());
                let result = convert(&row, &columns, SourceRef::new(file, line), sink);
                stats.record(line, result);
            }
            Err(error) if error.is_io_error() => return Err(csv_error(error)),
            Err(error) => stats.record(line, Err(RecordError::Syntax(error.to_string()))),
        }
    }
    stats.bytes = csv.position().byte();
    Ok(())
}

/// Column numbers of the schema's fields in this file's header.
struct Columns {
    index: [Option<usize>; FIELDS.len()],
}

impl Columns {
    fn new(header: &::csv::ByteRecord) -> Columns {
        let mut index = [None; FIELDS.len()];
        for (column, name) in header.iter().enumerate() {
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

    fn get<'r>(
        &self,
        row: &'r ::csv::ByteRecord,
        position: usize,
    ) -> Result<Option<&'r str>, RecordError> {
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
    row: &::csv::ByteRecord,
    columns: &Columns,
    source: SourceRef,
    sink: &mut Sink<'_>,
) -> Result<(), RecordError> {
    if row.as_slice().len() > MAX_RECORD_BYTES {
        return Err(RecordError::Syntax(format!(
            "record longer than {MAX_RECORD_BYTES} bytes"
        )));
    }
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

fn csv_error(error: ::csv::Error) -> Error {
    match error.into_kind() {
        ::csv::ErrorKind::Io(error) => Error::from_io(error),
        other => Error::format(format!("CSV: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str) -> (FileStats, Vec<String>) {
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
        let mut reader = input.as_bytes();
        let result = read(&mut reader, 0, &mut stats, &mut sink);
        assert!(matches!(result, Ok(())), "{result:?}");
        (stats, seen)
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
