//! Plain-text documents for the terminal: lines and aligned tables, every
//! cell escaped for the terminal ([`crate::safe::terminal`]). Reports that
//! are not runs (an evaluation, the audit) are built as a [`Document`] by
//! their owner and written here, so the layout lives in one place.

use std::io::{self, Write};

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
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    headers: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

/// The widest a column grows; longer cells are cut with `…`.
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

    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        self.line(out, &self.headers, &widths)?;
        for row in &self.rows {
            self.line(out, row, &widths)?;
        }
        Ok(())
    }

    fn line(&self, out: &mut dyn Write, cells: &[String], widths: &[usize]) -> io::Result<()> {
        let mut text = String::new();
        let last = cells.len().saturating_sub(1);
        for (i, (cell, &width)) in cells.iter().zip(widths).enumerate() {
            let pad = width.saturating_sub(cell.chars().count());
            text.push_str("  ");
            if self.right.get(i).copied().unwrap_or(false) {
                text.extend(std::iter::repeat_n(' ', pad));
                text.push_str(cell);
            } else {
                text.push_str(cell);
                if i != last {
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
        }
        writeln!(out, "{}", text.trim_end())
    }
}

/// A cell cut to [`MAX_WIDTH`] characters, ending in `…` when cut.
fn fit(cell: &str) -> String {
    if cell.chars().count() <= MAX_WIDTH {
        return cell.to_owned();
    }
    let mut cut: String = cell.chars().take(MAX_WIDTH - 1).collect();
    cut.push('…');
    cut
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
}
