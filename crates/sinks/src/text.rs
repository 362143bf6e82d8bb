//! Plain-text documents for the terminal: lines and aligned tables, every
//! cell escaped for the terminal ([`crate::safe::terminal`]). Reports that
//! are not runs (an evaluation, the audit) are built as a [`Document`] by
//! their owner and written here, so the layout lives in one place.

use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::safe::terminal;

/// A document: blocks written in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document(pub Vec<Block>);

/// One block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A line of text (escaped for the terminal).
    Line(String),
    /// An empty line.
    Blank,
    /// An aligned table.
    Table(Table),
}

/// An aligned table: a header row and rows of cells. A header starting with
/// `>` marks a right-aligned (numeric) column; the `>` is not shown.
/// Columns are measured in terminal cells (`comfy-table` with Unicode
/// widths), so a wide character does not shift the columns after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    headers: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

/// The widest a column grows, in terminal cells; longer cells are cut with `…`.
const MAX_WIDTH: usize = 48;

impl Table {
    /// A table with these headers (`>` first for right-aligned) and rows.
    pub fn new(headers: &[&str], rows: Vec<Vec<String>>) -> Table {
        Table {
            headers: headers
                .iter()
                .map(|h| h.trim_start_matches('>').to_owned())
                .collect(),
            right: headers.iter().map(|h| h.starts_with('>')).collect(),
            rows: rows
                .into_iter()
                .map(|row| row.iter().map(|cell| fit(&terminal(cell))).collect())
                .collect(),
        }
    }

    /// The table as lines of text, each indented by two spaces and with
    /// two spaces between columns, without trailing blanks.
    pub fn render(&self) -> String {
        let mut table = comfy_table::Table::new();
        table
            .load_preset(comfy_table::presets::NOTHING)
            .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
            .set_header(self.headers.clone())
            .add_rows(self.rows.clone());
        for (index, column) in table.column_iter_mut().enumerate() {
            column.set_padding((2, 0));
            if self.right.get(index).copied().unwrap_or(false) {
                column.set_cell_alignment(comfy_table::CellAlignment::Right);
            }
        }
        let mut text = String::new();
        for line in table.lines() {
            text.push_str(line.trim_end());
            text.push('\n');
        }
        text
    }

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.render().as_bytes())
    }
}

/// A cell cut to [`MAX_WIDTH`] terminal cells, ending in `…` when cut.
fn fit(cell: &str) -> String {
    if cell.width() <= MAX_WIDTH {
        return cell.to_owned();
    }
    let mut cut = String::new();
    let mut width = 0;
    for c in cell.chars() {
        let w = c.width().unwrap_or(0);
        if width + w > MAX_WIDTH - 1 {
            break;
        }
        width += w;
        cut.push(c);
    }
    cut.push('…');
    cut
}

/// Names joined by ", " as far as `max_width` terminal cells allow, the
/// rest counted: `a, b +3 more`. Names are never cut in the middle (at
/// least one is shown, cut by the table if it alone is too wide).
pub fn list_within<S: AsRef<str>>(names: &[S], max_width: usize) -> String {
    let mut text = String::new();
    for (shown, name) in names.iter().enumerate() {
        let name = name.as_ref();
        let left = names.len() - shown - 1;
        let more = if left > 0 {
            format!(" +{left} more")
        } else {
            String::new()
        };
        let separator = if shown == 0 { "" } else { ", " };
        let needed = text.width() + separator.width() + name.width() + more.width();
        if shown > 0 && needed > max_width {
            text.push_str(&format!(" +{} more", names.len() - shown));
            return text;
        }
        text.push_str(separator);
        text.push_str(name);
    }
    text
}

impl Document {
    /// Writes the document.
    ///
    /// # Errors
    ///
    /// The writer's IO errors.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        for block in &self.0 {
            match block {
                Block::Line(line) => writeln!(out, "{}", terminal(line))?,
                Block::Blank => writeln!(out)?,
                Block::Table(table) => table.write(out)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_escape() {
        let document = Document(vec![
            Block::Line("title\x1b[2J".into()),
            Block::Table(Table::new(
                &["NAME", ">N", "NOTE"],
                vec![
                    vec!["a".into(), "1".into(), "x".into()],
                    vec!["long name".into(), "123".into(), "y".repeat(60)],
                ],
            )),
        ]);
        let mut out = Vec::new();
        document.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let expected = format!(
            "title\\x1b[2J\n  NAME         N  NOTE\n  a            1  x\n  long name  123  {}…\n",
            "y".repeat(47)
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn wide_characters_keep_columns_aligned() {
        let table = Table::new(
            &["HOST", "MODE", ">N"],
            vec![
                vec!["東京-WS-01".into(), "other folder".into(), "2".into()],
                vec!["HQ-WS-001".into(), "service".into(), "12".into()],
            ],
        );
        assert_eq!(
            table.render(),
            "  HOST        MODE           N\n\
             \x20 東京-WS-01  other folder   2\n\
             \x20 HQ-WS-001   service       12\n"
        );
    }

    #[test]
    fn lists_elide_whole_names() {
        let hosts = [
            "BRANCH1-WS-001.contoso.local",
            "BRANCH1-WS-002.contoso.local",
            "BRANCH1-WS-003.contoso.local",
        ];
        assert_eq!(
            list_within(&hosts, 48),
            "BRANCH1-WS-001.contoso.local +2 more"
        );
        assert_eq!(
            list_within(&hosts, 80),
            "BRANCH1-WS-001.contoso.local, BRANCH1-WS-002.contoso.local +1 more"
        );
        assert_eq!(list_within(&hosts[..1], 10), "BRANCH1-WS-001.contoso.local");
        assert_eq!(list_within(&["a", "b"], 10), "a, b");
        assert_eq!(list_within::<&str>(&[], 10), "");
    }
}
