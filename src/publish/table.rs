//! A dataset table as every format sees it: its columns with their types
//! and the keys of their descriptions, its rows as text, its keys, how a
//! list is written in one cell. `tables` builds the tables from the index;
//! the CSV/JSON writers (`export`), the data package and the workbook
//! (`xlsx`) read them. Kept apart from all of them so that none imports
//! another's internals.

use crate::diag::Loc;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    String,
    Integer,
    Boolean,
    Date,
    Number,
}

impl Ty {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Ty::String => "string",
            Ty::Integer => "integer",
            Ty::Boolean => "boolean",
            Ty::Date => "date",
            Ty::Number => "number",
        }
    }
}

pub(crate) struct Col {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    /// A `;`-joined list in CSV, an array in JSON.
    pub list: bool,
    /// The interface string that describes it (`column.<table>.<column>`,
    /// see [`crate::publish::words`]).
    pub desc_key: String,
    /// The language of a per-language column (`name_vi`, `name_en`).
    pub lang: Option<String>,
}

/// Where a table is published.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum TableKind {
    /// A table of the package: its CSV, spreadsheet CSV and JSON, a
    /// resource of datapackage.json, a sheet of the workbook, a section of
    /// the downloads page.
    Package,
    /// One agency's rows of `tasks` (`agencies/<id>/tasks`), linked from
    /// the agency's page: its CSV and spreadsheet CSV only.
    AgencyTasks,
}

pub(crate) struct Table {
    pub name: String,
    pub kind: TableKind,
    /// The interface string of its title (`dataset.<table>`).
    pub title_key: String,
    pub cols: Vec<Col>,
    pub rows: Vec<Row>,
    /// Where each row's record is written (parallel to `rows`), so a problem
    /// with a cell can name its file and line; empty where rows have no one
    /// record (link tables of ids).
    pub locs: Vec<Loc>,
    pub key: Vec<&'static str>,
    /// (field, other table, other field)
    pub fks: Vec<(&'static str, &'static str, &'static str)>,
}

/// One row's cells, their text in one buffer. A table of 10,000 records
/// has about 700,000 cells; a `String` each (24 bytes, an allocation and
/// its rounding) made the tables three times the size of their text, and
/// the tables are most of the build's memory while the datasets are made.
pub(crate) struct Row {
    text: Box<str>,
    /// Where each cell ends in `text`.
    ends: Box<[usize]>,
}

impl Row {
    /// The cells in order.
    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &str> + Clone + '_ {
        (0..self.ends.len()).map(|i| &self[i])
    }
}

impl std::ops::Index<usize> for Row {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

impl<S: AsRef<str>> FromIterator<S> for Row {
    fn from_iter<I: IntoIterator<Item = S>>(cells: I) -> Row {
        let mut text = String::new();
        let mut ends = Vec::new();
        for c in cells {
            text.push_str(c.as_ref());
            ends.push(text.len());
        }
        Row {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }
}

impl From<Vec<String>> for Row {
    fn from(cells: Vec<String>) -> Row {
        cells.iter().collect()
    }
}

/// A number for a reader, as the data has it: integers plainly, otherwise
/// the shortest decimal that reads back as the same number, always with `.`
/// so that both languages show the figures as the data and the tables do.
pub(crate) fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The separator of list items in a CSV cell (and in a workbook cell).
pub(crate) const LIST_SEP: &str = "; ";

/// A list as one cell: items separated by `; `, with a `;` or `\` inside
/// an item written `\;` or `\\`, so that an item like "Iran; Islamic
/// Republic of" stays one item. [`split_list`] reverses it.
pub(crate) fn join_list<'x>(items: impl Iterator<Item = &'x str>) -> String {
    let mut out = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(LIST_SEP);
        }
        for ch in item.chars() {
            if ch == ';' || ch == '\\' {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out
}

/// The items of a list cell made by [`join_list`]: split at every `;` not
/// preceded by a backslash, `\x` read as `x`, the space after a
/// separator dropped.
pub(crate) fn split_list(cell: &str) -> Vec<String> {
    let mut items = Vec::new();
    if cell.is_empty() {
        return items;
    }
    let mut cur = String::new();
    let mut chars = cell.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => cur.extend(chars.next()),
            ';' => {
                items.push(std::mem::take(&mut cur));
                if chars.clone().next() == Some(' ') {
                    chars.next();
                }
            }
            _ => cur.push(ch),
        }
    }
    items.push(cur);
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_row_gives_back_its_cells_empty_ones_included() {
        let cells = ["", "Bộ Công an", "", "Đ; E", ""];
        let row: Row = cells.iter().collect();
        assert_eq!(row.iter().collect::<Vec<_>>(), cells);
        assert_eq!(&row[1], "Bộ Công an");
        assert_eq!(&row[4], "");
        let none: Row = std::iter::empty::<&str>().collect();
        assert_eq!(none.iter().count(), 0);
    }

    #[test]
    fn a_list_item_with_the_separator_stays_one_item() {
        let items = ["Iran; Islamic Republic of", "a\\b", "France"];
        let cell = join_list(items.iter().copied());
        assert_eq!(cell, "Iran\\; Islamic Republic of; a\\\\b; France");
        assert_eq!(split_list(&cell), items);
        assert_eq!(split_list(""), Vec::<String>::new());
    }

    proptest! {
        #[test]
        fn lists_round_trip(items in proptest::collection::vec("[a-z ;\\\\]{1,8}", 1..5)) {
            let cell = join_list(items.iter().map(String::as_str));
            prop_assert_eq!(split_list(&cell), items);
        }
    }
}
