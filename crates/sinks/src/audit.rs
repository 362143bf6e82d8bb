//! The RMM audit as an output: an aligned table for people, CSV for
//! spreadsheets (cells neutralized against formula injection).

use std::io::{self, Write};

use rmmguard_correlate::audit::AuditRow;
use rmmguard_words::{counted, noun};

use crate::safe::csv_cell;
use crate::text::{Block, Document, Table as TextTable, list_within};
use crate::{Run, Sink};

/// The audit as an aligned text table, one row per tool and tenant.
#[derive(Debug, Clone, Copy, Default)]
pub struct Table;

/// The audit as CSV.
#[derive(Debug, Clone, Copy, Default)]
pub struct Csv;

/// How wide a list of sites grows before the rest are counted.
const LIST_WIDTH: usize = 40;

fn when(time: Option<jiff::Timestamp>) -> String {
    time.map_or_else(|| "-".into(), |t| t.strftime("%Y-%m-%d %H:%M").to_string())
}

impl Sink for Table {
    fn write(&self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        let rows = run.audit.iter().map(|row: &AuditRow| {
            vec![
                row.tool.name.to_string(),
                row.tenant.clone().unwrap_or_else(|| "-".into()),
                row.authorization.to_string(),
                row.install_mode().to_owned(),
                row.hosts.len().to_string(),
                when(row.first_seen),
                when(row.last_seen),
                if row.sites.is_empty() {
                    "-".into()
                } else {
                    list_within(&row.sites, LIST_WIDTH)
                },
            ]
        });
        let document = Document(vec![
            Block::Line(format!(
                "RMM audit: {} × {}",
                counted(run.audit.len(), "tool"),
                noun(run.audit.len(), "tenant")
            )),
            Block::Table(TextTable::new(
                &[
                    "TOOL",
                    "TENANT",
                    "POLICY",
                    "MODE",
                    ">HOSTS",
                    "FIRST SEEN",
                    "LAST SEEN",
                    "SITES",
                ],
                rows.collect(),
            )),
        ]);
        document.write(out)
    }
}

impl Sink for Csv {
    fn write(&self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = ::csv::Writer::from_writer(out);
        writer.write_record([
            "tool",
            "tool_name",
            "tenant",
            "authorization",
            "install_mode",
            "hosts",
            "sites",
            "first_seen",
            "last_seen",
            "versions",
            "events",
        ])?;
        for row in run.audit {
            let cells = [
                row.tool.id.to_string(),
                row.tool.name.to_string(),
                row.tenant.clone().unwrap_or_default(),
                row.authorization.to_string(),
                row.install_mode().to_owned(),
                row.hosts.join(";"),
                row.sites.join(";"),
                row.first_seen.map(|t| t.to_string()).unwrap_or_default(),
                row.last_seen.map(|t| t.to_string()).unwrap_or_default(),
                row.versions.join(";"),
                row.events.to_string(),
            ];
            writer.write_record(cells.iter().map(|cell| csv_cell(cell).into_owned()))?;
        }
        writer.flush()?;
        Ok(())
    }
}
