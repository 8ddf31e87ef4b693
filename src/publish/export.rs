//! Downloadable datasets: the tables of `tables` (one per collection and
//! per many-to-many link), built once from the index and written as CSV
//! (RFC 4180, UTF-8), a CSV for spreadsheets and JSON, described by a
//! Frictionless Data Package and, for the downloads page, by the words of
//! `words` in each language.

use crate::check::index::Index;
use crate::diag::{Diagnostics, Loc};
use crate::publish::output::Writer;
use crate::publish::table::{Col, Row, Table, TableKind, Ty, split_list};
use crate::publish::tables::tables;
use crate::publish::words::{self, Missing, Words};
use crate::source::config::Config;
use minijinja::Value;
use rayon::prelude::*;
use serde_json::{Map, Value as Json, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A download as the downloads page lists it: its title and columns in
/// each language of the site, its files with sizes.
pub struct Dataset {
    pub name: String,
    /// language → title
    pub title: BTreeMap<String, String>,
    pub rows: usize,
    pub cols: Vec<DatasetCol>,
    pub files: Vec<(String, &'static str, u64)>,
}

/// A column as the downloads page describes it.
pub struct DatasetCol {
    pub name: String,
    pub ty: &'static str,
    /// language → what it holds, with the language of a per-language
    /// column in brackets.
    pub description: BTreeMap<String, String>,
}

impl Dataset {
    /// A table's entry, its words looked up in each of `langs`.
    fn of(
        t: &Table,
        words: &Words<'_>,
        langs: &[String],
        files: Vec<(String, &'static str, u64)>,
    ) -> Result<Dataset, Missing> {
        let cols = t
            .cols
            .iter()
            .map(|c| {
                let mut description = words.each(langs, &c.desc_key)?;
                if let Some(l) = &c.lang {
                    for d in description.values_mut() {
                        d.push_str(&format!(" ({l})"));
                    }
                }
                Ok(DatasetCol {
                    name: c.name.clone(),
                    ty: c.ty.name(),
                    description,
                })
            })
            .collect::<Result<_, Missing>>()?;
        Ok(Dataset {
            name: t.name.clone(),
            title: words.each(langs, &t.title_key)?,
            rows: t.rows.len(),
            cols,
            files,
        })
    }

    /// A download that is not a table (the workbook, the package).
    fn file(
        name: &str,
        title_key: &str,
        words: &Words<'_>,
        langs: &[String],
        files: Vec<(String, &'static str, u64)>,
    ) -> Result<Dataset, Missing> {
        Ok(Dataset {
            name: name.into(),
            title: words.each(langs, title_key)?,
            rows: 0,
            cols: vec![],
            files,
        })
    }

    pub fn view(&self, lang: &str) -> Value {
        let pick = |m: &BTreeMap<String, String>| m.get(lang).cloned().unwrap_or_default();
        let cols: Vec<Value> = self
            .cols
            .iter()
            .map(|c| minijinja::context! { name => c.name.as_str(), type => c.ty, description => pick(&c.description) })
            .collect();
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|(p, f, s)| minijinja::context! { path => p.as_str(), format => *f, size => *s })
            .collect();
        minijinja::context! { name => self.name.as_str(), title => pick(&self.title), rows => self.rows, columns => cols, files => files }
    }
}

/// The format label of the spreadsheet CSVs on the downloads page.
pub(crate) const EXCEL_CSV: &str = "CSV-Excel";

/// Where a table's CSV is published, for the files written here and the
/// links to them (an agency's page links its slice of `tasks`).
pub(crate) fn csv_path(table: &str) -> String {
    format!("data/{table}.csv")
}

/// Where a table's JSON is published, beside its CSV.
fn json_path(table: &str) -> String {
    format!("data/{table}.json")
}

/// Where the spreadsheet CSV of a table is published: beside its CSV, with
/// a name that cannot be a table's (table names hold no dot).
pub(crate) fn excel_csv_path(table: &str) -> String {
    format!("data/{table}.excel.csv")
}

/// Whether a spreadsheet that opens a CSV would evaluate this cell rather
/// than show it: it starts with `=`, `+`, `-` or `@` (a formula), or with a
/// tab or carriage return (which some spreadsheets drop before looking).
pub(crate) fn spreadsheet_evaluates(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell of a spreadsheet CSV (`<table>.excel.csv`): a text a spreadsheet
/// would evaluate, or one that starts with `'`, gets a `'` in front, which
/// spreadsheets take as "this is text"; taking that `'` off again gives the exact value back.
/// Numbers in number and integer columns stay numbers (`-5` is a value to
/// a spreadsheet, not a formula).
pub(crate) fn guard<'c>(col: &Col, cell: &'c str) -> std::borrow::Cow<'c, str> {
    let number = matches!(col.ty, Ty::Integer | Ty::Number)
        && !col.list
        && cell.parse::<f64>().is_ok_and(f64::is_finite);
    if !number && (spreadsheet_evaluates(cell) || cell.starts_with('\'')) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The UTF-8 byte-order mark, by which Excel recognises a CSV as UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A table as the spreadsheet CSV: the same rows as [`csv_bytes`], with a
/// byte-order mark so Excel shows Vietnamese when the file is
/// double-clicked, and every cell [`guard`]ed. The canonical CSV stays
/// without a mark and exact, as pandas, R's read.csv and Frictionless read
/// it (read.csv would make the mark part of the first column's name).
pub(crate) fn excel_csv_bytes(t: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let _ = w.write_record(t.cols.iter().map(|c| c.name.as_str()));
    for r in &t.rows {
        let cells: Vec<_> = t
            .cols
            .iter()
            .zip(r.iter())
            .map(|(c, v)| guard(c, v))
            .collect();
        let _ = w.write_record(cells.iter().map(|c| c.as_bytes()));
    }
    w.into_inner().unwrap_or_default()
}

pub(crate) fn csv_bytes(t: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = w.write_record(t.cols.iter().map(|c| c.name.as_str()));
    for r in &t.rows {
        let _ = w.write_record(r.iter());
    }
    w.into_inner().unwrap_or_default()
}

/// A cell as JSON: `null` (or `[]` for a list) when empty, typed when the
/// column is typed and the text parses, else the text.
struct CellJson<'a>(&'a Col, &'a str);

impl serde::Serialize for CellJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let CellJson(c, v) = *self;
        if c.list {
            let items = split_list(v);
            let mut seq = s.serialize_seq(Some(items.len()))?;
            for x in &items {
                seq.serialize_element(x)?;
            }
            return seq.end();
        }
        if v.is_empty() {
            return s.serialize_none();
        }
        match c.ty {
            Ty::Integer => match v.parse::<i64>() {
                Ok(n) => s.serialize_i64(n),
                Err(_) => s.serialize_str(v),
            },
            Ty::Number => match v.parse::<f64>() {
                Ok(x) if x.is_finite() => s.serialize_f64(x),
                _ => s.serialize_str(v),
            },
            Ty::Boolean => s.serialize_bool(v == "true"),
            _ => s.serialize_str(v),
        }
    }
}

/// A table's rows as JSON objects, serialised straight from the table.
pub(crate) struct RowsJson<'a>(pub &'a Table);

impl serde::Serialize for RowsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        let t = self.0;
        let mut seq = s.serialize_seq(Some(t.rows.len()))?;
        for r in &t.rows {
            struct RowJson<'b>(&'b Table, &'b Row);
            impl serde::Serialize for RowJson<'_> {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let mut m = s.serialize_map(Some(self.0.cols.len()))?;
                    for (c, v) in self.0.cols.iter().zip(self.1.iter()) {
                        m.serialize_entry(&c.name, &CellJson(c, v))?;
                    }
                    m.end()
                }
            }
            seq.serialize_element(&RowJson(t, r))?;
        }
        seq.end()
    }
}

/// `data/lotrinh.json`: `{"as_of": …, "tables": {name: rows, …}}`, every
/// package table in one file, serialised straight from the tables.
struct AllJson<'a> {
    as_of: String,
    tables: Vec<&'a Table>,
}

impl serde::Serialize for AllJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Tables<'b>(&'b [&'b Table]);
        impl serde::Serialize for Tables<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for t in self.0 {
                    m.serialize_entry(&t.name, &RowsJson(t))?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("as_of", &self.as_of)?;
        m.serialize_entry("tables", &Tables(&self.tables))?;
        m.end()
    }
}

fn pretty(v: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec_pretty(v).unwrap_or_default()
}

/// Why the datasets could not be written.
pub(crate) enum DatasetError {
    /// The data cannot be written in a format (a cell too long for Excel).
    Data(String),
    Io(std::io::Error),
}

impl DatasetError {
    /// Says why as an error; `true` when the output could not be written
    /// (the disk, not the data, needs fixing).
    pub(crate) fn report(self, d: &mut Diagnostics) -> bool {
        match self {
            DatasetError::Data(e) => {
                d.error(None, e);
                false
            }
            DatasetError::Io(e) => {
                d.error(None, format!("cannot write the datasets: {e}"));
                true
            }
        }
    }
}

impl From<Missing> for DatasetError {
    fn from(m: Missing) -> Self {
        DatasetError::Data(m.to_string())
    }
}

/// Writes every dataset file to `out` as soon as it is made, and returns the
/// `Dataset` descriptions for the downloads page. The tables are serialised
/// in parallel; the workbook and the all-in-one JSON alongside them. Titles
/// and column descriptions come from `words`, in each language of the site
/// for the downloads page and in English for datapackage.json.
pub(crate) fn write(
    idx: &Index<'_>,
    cfg: &Config,
    words: &Words<'_>,
    title: &str,
    out: &Writer,
) -> Result<Exported, DatasetError> {
    let tables = tables(idx, cfg);
    crate::progress::trace("dataset tables made");
    let warnings = too_long_for_a_cell(&tables);
    let put = |path: &str, bytes: Vec<u8>| -> Result<u64, DatasetError> {
        let len = bytes.len() as u64;
        out.put(path, bytes).map_err(DatasetError::Io)?;
        Ok(len)
    };
    // Per table: its CSV and JSON, written at once, the resource that
    // describes it and its entry on the downloads page.
    type Written = Option<(Dataset, Json, usize)>;
    let per_table = || -> Result<Vec<Written>, DatasetError> {
        tables
            .par_iter()
            .map(|t| {
                let csv = csv_bytes(t);
                let csv_path = csv_path(&t.name);
                let hash = format!("{:x}", Sha256::digest(&csv));
                let size = put(&csv_path, csv)?;
                let excel_size = put(&excel_csv_path(&t.name), excel_csv_bytes(t))?;
                if t.kind != TableKind::Package {
                    return Ok(None);
                }
                let json = pretty(&RowsJson(t));
                let files = vec![
                    (csv_path.clone(), "CSV", size),
                    (excel_csv_path(&t.name), EXCEL_CSV, excel_size),
                    (json_path(&t.name), "JSON", json.len() as u64),
                ];
                let dataset = Dataset::of(t, words, &cfg.languages, files)?;
                let resource = resource(t, words, &csv_path, &hash, size)?;
                // Its JSON in lotrinh.json: as long, plus four more spaces
                // of indent a line.
                let nested = json.len() + 4 * json.iter().filter(|&&b| b == b'\n').count();
                put(&json_path(&t.name), json)?;
                Ok(Some((dataset, resource, nested)))
            })
            .collect()
    };
    // The workbook (slow and serial) beside the per-table files, then the
    // all-in-one JSON, from the same tables, so that no table outlives this
    // function (held until the workbook was made beside the first
    // language's pages, they were a third of the build's peak memory), and
    // no table's JSON is held for lotrinh.json: made again from the table
    // into one buffer of the right size, it costs less memory than keeping
    // every table's JSON until the workbook is done.
    let (book, written) = rayon::join(
        || {
            let book = workbook(&tables, cfg, words, title, out);
            crate::progress::trace("workbook written");
            book
        },
        || -> Result<_, DatasetError> {
            let written = per_table()?;
            crate::progress::trace("CSV and JSON tables written");
            let size = 64
                + written
                    .iter()
                    .flatten()
                    .map(|(_, _, n)| n + 64)
                    .sum::<usize>();
            let mut all = Vec::with_capacity(size);
            let everything = AllJson {
                as_of: cfg.as_of.to_string(),
                tables: tables
                    .iter()
                    .filter(|t| t.kind == TableKind::Package)
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut all, &everything)
                .map_err(|e| DatasetError::Data(e.to_string()))?;
            let all_len = put("data/lotrinh.json", all)?;
            Ok((written, all_len))
        },
    );
    let (written, all_len) = written?;
    let book = book?;
    drop(tables);
    let written: Vec<(Dataset, Json, usize)> = written.into_iter().flatten().collect();
    let mut datasets = Vec::with_capacity(written.len() + 2);
    // First on the downloads page: the one file most readers want.
    datasets.push(book);
    let mut resources = Vec::with_capacity(written.len());
    for (dataset, resource, _) in written {
        datasets.push(dataset);
        resources.push(resource);
    }
    let mut package = Map::new();
    package.insert("profile".into(), json!("tabular-data-package"));
    package.insert("name".into(), json!(package_name(title)));
    package.insert("title".into(), json!(title));
    package.insert("created".into(), json!(format!("{}T00:00:00Z", cfg.as_of)));
    package.insert("version".into(), json!(cfg.as_of.to_string()));
    if cfg.base_url.is_full() {
        package.insert("homepage".into(), json!(cfg.base_url.as_str()));
    }
    package.insert("description".into(), json!(PACKAGE_DESCRIPTION));
    if let Some(p) = &cfg.publisher {
        // Data Package v1: a contributor with the role "publisher"; the
        // contact as its email or its page.
        let mut m = Map::new();
        m.insert("title".into(), json!(p.plain("en", &cfg.languages)));
        m.insert("role".into(), json!("publisher"));
        if let Some(c) = &cfg.contact {
            match &c.email {
                Some(e) => m.insert("email".into(), json!(e)),
                None => m.insert("path".into(), json!(c.href)),
            };
        }
        package.insert("contributors".into(), json!([Json::Object(m)]));
    }
    if let Some(lic) = &cfg.license {
        let mut m = Map::new();
        m.insert("name".into(), json!(lic));
        if let Some(u) = &cfg.license_url {
            m.insert("path".into(), json!(u));
        }
        m.insert("title".into(), json!(lic));
        package.insert("licenses".into(), json!([Json::Object(m)]));
    }
    // The files the tables are made from, where site.yaml says they are
    // kept, then the documents the records are taken from.
    let repository = match &cfg.repository {
        Some(r) => Some(json!({
            "title": words.get(PACKAGE_LANG, words::readme::REPOSITORY)?,
            "path": r,
        })),
        None => None,
    };
    let sources: Vec<Json> = repository
        .into_iter()
        .chain(idx.data.documents.iter().map(|d| {
            let mut m = Map::new();
            m.insert(
                "title".into(),
                json!(
                    d.symbol
                        .clone()
                        .unwrap_or_else(|| d.title.plain("en", &cfg.languages).to_string())
                ),
            );
            if let Some(u) = &d.url {
                m.insert("path".into(), json!(u));
            }
            Json::Object(m)
        }))
        .collect();
    package.insert("sources".into(), json!(sources));
    package.insert("resources".into(), json!(resources));
    let pkg_len = put("data/datapackage.json", pretty(&Json::Object(package)))?;
    datasets.push(Dataset::file(
        "datapackage",
        words::DATAPACKAGE,
        words,
        &cfg.languages,
        vec![
            ("data/datapackage.json".into(), "JSON", pkg_len),
            ("data/lotrinh.json".into(), "JSON", all_len),
        ],
    )?);
    Ok(Exported { datasets, warnings })
}

/// A problem with the data that does not stop the build: where, what, a hint.
pub(crate) struct Warning {
    pub loc: Option<Loc>,
    pub message: String,
    pub hint: String,
}

/// Every text longer than a workbook cell holds: the workbook cuts it with a
/// note ([`crate::publish::xlsx::fit`]); the CSV and JSON keep it whole. Said once
/// per record and column, at the record.
fn too_long_for_a_cell(tables: &[Table]) -> Vec<Warning> {
    let mut out = Vec::new();
    for t in tables.iter().filter(|t| t.kind == TableKind::Package) {
        for (r, row) in t.rows.iter().enumerate() {
            for (c, v) in t.cols.iter().zip(row.iter()) {
                // UTF-8 is never shorter than UTF-16 counts it, so most cells
                // are passed over without counting.
                let len: usize = if v.len() > crate::publish::xlsx::CELL_MAX {
                    v.chars().map(char::len_utf16).sum()
                } else {
                    0
                };
                if len <= crate::publish::xlsx::CELL_MAX {
                    continue;
                }
                out.push(Warning {
                    loc: t.locs.get(r).copied(),
                    message: format!(
                        "`{}` of {} row {} is {len} characters long; a spreadsheet cell holds {}",
                        c.name,
                        t.name,
                        r + 2,
                        crate::publish::xlsx::CELL_MAX
                    ),
                    hint: format!(
                        "data/lotrinh.xlsx shows it cut, with a note; data/{0}.csv and data/{0}.json hold it whole. Shorten the text if it was pasted by mistake",
                        t.name
                    ),
                });
            }
        }
    }
    out
}

/// The datasets written by [`write`], the workbook first.
pub(crate) struct Exported {
    datasets: Vec<Dataset>,
    /// For the build's diagnostics: texts the workbook cuts.
    pub warnings: Vec<Warning>,
}

impl Exported {
    /// Every dataset, for the downloads page.
    pub(crate) fn datasets(self) -> Vec<Dataset> {
        self.datasets
    }
}

/// Writes `data/lotrinh.xlsx` and returns its entry on the downloads page.
///
/// The workbook repeats the package's tables (not the per-agency slices)
/// for spreadsheet users; datapackage.json keeps describing the CSVs only,
/// one schema per table, so the package stays a valid tabular package.
fn workbook(
    tables: &[Table],
    cfg: &Config,
    words: &Words<'_>,
    title: &str,
    out: &Writer,
) -> Result<Dataset, DatasetError> {
    let package: Vec<&Table> = tables
        .iter()
        .filter(|t| t.kind == TableKind::Package)
        .collect();
    let publisher = cfg
        .publisher
        .as_ref()
        .map(|p| p.plain("en", &cfg.languages).to_string());
    let described_in = described_in(&cfg.languages);
    let about = crate::publish::downloads::about(cfg, words, &described_in)?;
    let xlsx = crate::publish::xlsx::workbook(
        &package,
        &crate::publish::xlsx::About {
            title,
            publisher: publisher.as_deref(),
            as_of: cfg.as_of,
            about,
            words,
            described_in,
        },
    )
    .map_err(|e| DatasetError::Data(format!("cannot write data/lotrinh.xlsx: {e}")))?;
    let len = xlsx.len() as u64;
    out.put("data/lotrinh.xlsx", xlsx)
        .map_err(DatasetError::Io)?;
    Ok(Dataset::file(
        "workbook",
        words::WORKBOOK,
        words,
        &cfg.languages,
        vec![("data/lotrinh.xlsx".into(), "XLSX", len)],
    )?)
}

/// The language datapackage.json is described in, as the Frictionless
/// tools and most of its readers expect.
const PACKAGE_LANG: &str = "en";

/// The languages the workbook's README sheet describes the columns in: the
/// package's, then every other language of the site, in its order.
fn described_in(langs: &[String]) -> Vec<String> {
    std::iter::once(PACKAGE_LANG.to_string())
        .chain(langs.iter().filter(|l| *l != PACKAGE_LANG).cloned())
        .collect()
}

/// What datapackage.json says about its files, beyond each table's schema.
const PACKAGE_DESCRIPTION: &str = "Every table as CSV: UTF-8 without a byte-order mark, RFC 4180, one header row, exact values. Texts in several languages have one column per language (_vi, _en). A list is one cell with items separated by \"; \"; a \";\" or \"\\\" inside an item is written \"\\;\" or \"\\\\\". Beside each CSV, <table>.excel.csv holds the same rows for a double click in a spreadsheet: with a UTF-8 byte-order mark, and with a \"'\" in front of every text that a spreadsheet would evaluate (starting with =, +, -, @, tab or carriage return) or that starts with \"'\"; those files are not described here.";

fn package_name(title: &str) -> String {
    let s = crate::source::load::slug(title);
    if s.is_empty() {
        "lotrinh-dataset".into()
    } else {
        s
    }
}

/// A table's resource in datapackage.json: its file and its schema,
/// described in [`PACKAGE_LANG`].
fn resource(
    t: &Table,
    words: &Words<'_>,
    path: &str,
    hash: &str,
    size: u64,
) -> Result<Json, Missing> {
    let list_note = words.get(PACKAGE_LANG, words::LIST_NOTE)?;
    let fields: Vec<Json> = t
        .cols
        .iter()
        .map(|c| {
            let mut m = Map::new();
            m.insert("name".into(), json!(c.name));
            m.insert("type".into(), json!(c.ty.name()));
            let mut desc = words.get(PACKAGE_LANG, &c.desc_key)?.to_string();
            if c.list {
                desc.push_str(&format!(" ({list_note})"));
            }
            if let Some(l) = &c.lang {
                desc.push_str(&format!(" (language: {l})"));
            }
            m.insert("description".into(), json!(desc));
            if c.required {
                m.insert("constraints".into(), json!({ "required": true }));
            }
            Ok(Json::Object(m))
        })
        .collect::<Result<_, Missing>>()?;
    let mut schema = Map::new();
    schema.insert("fields".into(), json!(fields));
    schema.insert("missingValues".into(), json!([""]));
    if !t.key.is_empty() {
        schema.insert("primaryKey".into(), json!(t.key));
    }
    if !t.fks.is_empty() {
        let fks: Vec<Json> = t
            .fks
            .iter()
            .map(|(f, other, of)| {
                let res = if *other == t.name.as_str() { "" } else { other };
                json!({ "fields": f, "reference": { "resource": res, "fields": of } })
            })
            .collect();
        schema.insert("foreignKeys".into(), json!(fks));
    }
    Ok(json!({
        "name": t.name,
        "path": path.strip_prefix("data/").unwrap_or(path),
        "title": words.get(PACKAGE_LANG, &t.title_key)?,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "hash": format!("sha256:{hash}"),
        "bytes": size,
        "dialect": { "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true },
        "schema": Json::Object(schema),
    }))
}
