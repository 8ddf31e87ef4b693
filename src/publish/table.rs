//! A dataset table as every format sees it: its columns with their types
//! and descriptions, its rows as text, its keys. `export` builds tables
//! from the index; the CSV/JSON writers, the data package and the workbook
//! (`xlsx`) read them. Kept apart from both so that neither imports the
//! other's internals.

use crate::diag::Loc;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    String,
    Integer,
    Boolean,
    Date,
    Number,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::String => "string",
            Ty::Integer => "integer",
            Ty::Boolean => "boolean",
            Ty::Date => "date",
            Ty::Number => "number",
        }
    }
}

pub struct Col {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    /// A `;`-joined list in CSV, an array in JSON.
    pub list: bool,
    pub desc: [&'static str; 2],
    pub lang: Option<String>,
}

pub struct Table {
    pub name: String,
    pub title: [&'static str; 2],
    pub cols: Vec<Col>,
    pub rows: Vec<Vec<String>>,
    /// Where each row's record is written (parallel to `rows`), so a problem
    /// with a cell can name its file and line; empty where rows have no one
    /// record (link tables of ids).
    pub locs: Vec<Loc>,
    pub key: Vec<&'static str>,
    /// (field, other table, other field)
    pub fks: Vec<(&'static str, &'static str, &'static str)>,
}

/// A number for a reader, as the data has it: integers plainly, otherwise
/// the shortest decimal that reads back as the same number, always with `.`
/// so that both languages show the figures as the data and the tables do.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
