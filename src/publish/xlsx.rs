//! `data/lotrinh.xlsx`: every dataset table as one sheet of a workbook, for
//! readers who live in spreadsheets.
//!
//! Text is always written as a text cell, never through a path that could
//! turn `=HYPERLINK(...)` or `+1` from the data into a formula. Cells are
//! typed only where the column's declared type says so (integers, numbers,
//! booleans, dates) and the value parses; anything else stays text, so
//! nothing is lost. The document's dates come from `as_of`, never from the
//! clock, so the bytes are the same on every build.

use crate::publish::table::{Table, Ty};
use crate::publish::words::{self, Words};
use jiff::civil::Date;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

/// Excel's limit on a sheet name, in characters.
const SHEET_NAME_MAX: usize = 31;
/// Column widths follow the longest cell, up to this many characters.
const WIDTH_MAX: usize = 60;

/// Excel's limit on the length of a cell's text, in UTF-16 units.
pub(crate) const CELL_MAX: usize = 32_767;

/// What the workbook says about itself: its document properties, the
/// lines (label, value) at the top of its README sheet, and the words its
/// columns are described with there.
pub(crate) struct About<'a> {
    pub title: &'a str,
    pub publisher: Option<&'a str>,
    pub as_of: Date,
    pub about: Vec<(String, String)>,
    pub words: &'a Words<'a>,
    /// The languages of the description columns, in order.
    pub described_in: Vec<String>,
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// A text as a cell can hold it: whole when it fits, else cut where it
/// fits with a note saying so and where the whole text is.
pub(crate) fn fit<'s>(text: &'s str, table: &str) -> std::borrow::Cow<'s, str> {
    let len = utf16_len(text);
    if len <= CELL_MAX {
        return text.into();
    }
    let note = format!(
        " … [cut: {len} characters, more than a spreadsheet cell holds; the whole text is in {table}.csv and {table}.json]"
    );
    let room = CELL_MAX - utf16_len(&note);
    let mut used = 0;
    let mut cut = String::with_capacity(text.len());
    for ch in text.chars() {
        used += ch.len_utf16();
        if used > room {
            break;
        }
        cut.push(ch);
    }
    cut.push_str(&note);
    cut.into()
}

/// The workbook's bytes, or what stopped it (a cell Excel cannot hold).
pub(crate) fn workbook(tables: &[&Table], meta: &About<'_>) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        meta.as_of.year() as u16,
        meta.as_of.month() as u8,
        meta.as_of.day() as u8,
    )
    .map_err(|e| format!("as_of {} as a workbook date: {e}", meta.as_of))?;
    let mut props = DocProperties::new()
        .set_title(meta.title)
        .set_creation_datetime(&created);
    if let Some(p) = meta.publisher {
        props = props.set_author(p);
    }
    book.set_properties(&props);

    let header = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    readme(book.add_worksheet(), tables, meta, &header)
        .map_err(|e| format!("sheet `README`: {e}"))?;
    // `README` is taken: a table of that name gets another.
    let names =
        sheet_names(std::iter::once("README").chain(tables.iter().map(|t| t.name.as_str())))
            .split_off(1);
    for (t, name) in tables.iter().zip(names) {
        // Rows go to a temporary file as they are written, so the workbook
        // costs a few MB, not its whole content, on a large site.
        let sheet = book
            .add_worksheet_with_constant_memory()
            .map_err(|e| format!("sheet `{name}`: {e}"))?;
        sheet
            .set_name(&name)
            .map_err(|e| format!("sheet `{name}`: {e}"))?;
        fill(sheet, t, &header, &date).map_err(|e| format!("sheet `{name}`: {e}"))?;
    }
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// The first sheet: what the workbook is, how to cite it, and what every
/// column of every sheet means, in every language of `described_in`.
fn readme(
    sheet: &mut Worksheet,
    tables: &[&Table],
    meta: &About<'_>,
    bold: &Format,
) -> Result<(), String> {
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    sheet.set_name("README").map_err(e)?;
    sheet
        .write_string_with_format(0, 0, meta.title, bold)
        .map_err(e)?;
    let mut r = 2;
    for (label, value) in &meta.about {
        sheet
            .write_string_with_format(r, 0, label, bold)
            .map_err(e)?;
        sheet.write_string(r, 1, fit(value, "README")).map_err(e)?;
        r += 1;
    }
    r += 1;
    let langs = &meta.described_in;
    let word = |lang: &str, key: &str| meta.words.get(lang, key).map_err(|m| m.to_string());
    // The dictionary's own columns are named in the package's language,
    // the first described; then a description column per language.
    let first = langs
        .first()
        .ok_or("no language to describe the columns in")?;
    let mut headings = words::readme::DICTIONARY
        .iter()
        .map(|k| word(first, k))
        .collect::<Result<Vec<_>, _>>()?;
    for l in langs {
        headings.push(word(l, words::WORKBOOK_DESCRIPTION)?);
    }
    for (c, h) in headings.iter().enumerate() {
        sheet
            .write_string_with_format(r, c as u16, *h, bold)
            .map_err(e)?;
    }
    let list_notes = langs
        .iter()
        .map(|l| word(l, words::LIST_NOTE))
        .collect::<Result<Vec<_>, _>>()?;
    for t in tables {
        for col in &t.cols {
            r += 1;
            sheet.write_string(r, 0, &t.name).map_err(e)?;
            sheet.write_string(r, 1, &col.name).map_err(e)?;
            sheet.write_string(r, 2, col.ty.name()).map_err(e)?;
            for (i, (l, list_note)) in langs.iter().zip(&list_notes).enumerate() {
                let mut d = word(l, &col.desc_key)?.to_string();
                if col.list {
                    d.push_str(&format!(" ({list_note})"));
                }
                if let Some(l) = &col.lang {
                    d.push_str(&format!(" ({l})"));
                }
                sheet.write_string(r, 3 + i as u16, d).map_err(e)?;
            }
        }
    }
    let widths = [24.0, 24.0, 10.0]
        .into_iter()
        .chain(langs.iter().map(|_| 70.0));
    for (c, w) in widths.enumerate() {
        sheet.set_column_width(c as u16, w).map_err(e)?;
    }
    Ok(())
}

fn fill(sheet: &mut Worksheet, t: &Table, header: &Format, date: &Format) -> Result<(), String> {
    // Widths first: a streamed sheet is written row by row.
    let mut widths: Vec<usize> = t.cols.iter().map(|c| width_of(&c.name) + 3).collect();
    for row in &t.rows {
        for (w, v) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(width_of(v));
        }
    }
    for (c, w) in widths.into_iter().enumerate() {
        sheet
            .set_column_width(c as u16, (w.min(WIDTH_MAX) + 1) as f64)
            .map_err(|e| e.to_string())?;
    }
    for (c, col) in t.cols.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, &col.name, header)
            .map_err(|e| e.to_string())?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let rn = u32::try_from(r + 1).map_err(|_| "too many rows".to_string())?;
        for (c, (col, v)) in t.cols.iter().zip(row.iter()).enumerate() {
            if v.is_empty() {
                continue;
            }
            let cn = c as u16;
            let at = || format!("row {}, column `{}`", r + 2, col.name);
            let typed = if col.list { Ty::String } else { col.ty };
            let written = match typed {
                Ty::Integer => v
                    .parse::<i64>()
                    .ok()
                    .map(|n| sheet.write_number(rn, cn, n as f64).map(|_| ())),
                Ty::Number => v
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .map(|n| sheet.write_number(rn, cn, n).map(|_| ())),
                Ty::Boolean => match v {
                    "true" => Some(sheet.write_boolean(rn, cn, true).map(|_| ())),
                    "false" => Some(sheet.write_boolean(rn, cn, false).map(|_| ())),
                    _ => None,
                },
                Ty::Date => ExcelDateTime::parse_from_str(v).ok().map(|d| {
                    sheet
                        .write_datetime_with_format(rn, cn, d, date)
                        .map(|_| ())
                }),
                Ty::String => None,
            };
            match written {
                Some(res) => res.map_err(|e| format!("{}: {e}", at()))?,
                None => {
                    sheet
                        .write_string(rn, cn, fit(v, &t.name))
                        .map_err(|e| format!("{}: {e}", at()))?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    if !t.cols.is_empty() {
        let last_row = u32::try_from(t.rows.len()).unwrap_or(u32::MAX);
        sheet
            .autofilter(0, 0, last_row, (t.cols.len() - 1) as u16)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The width a cell needs, in characters: its longest line.
fn width_of(s: &str) -> usize {
    s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// Sheet names Excel accepts, one per table, in order: at most 31
/// characters, none of `[]:*?/\`, no apostrophe at either end, not the
/// reserved `History`, and unique ignoring case.
pub(crate) fn sheet_names<'a>(tables: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in tables {
        let clean: String = name
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
            .collect();
        let mut base: String = clean.trim_matches('\'').to_string();
        if base.is_empty() {
            base = "sheet".into();
        }
        if base.eq_ignore_ascii_case("history") {
            base.push('-');
        }
        let base: String = base.chars().take(SHEET_NAME_MAX).collect();
        let taken = |n: &str| out.iter().any(|o| o.to_lowercase() == n.to_lowercase());
        let mut name = base.clone();
        let mut k = 2;
        while taken(&name) {
            let suffix = format!("~{k}");
            let keep = SHEET_NAME_MAX - suffix.chars().count();
            name = base.chars().take(keep).collect::<String>() + &suffix;
            k += 1;
        }
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let long = "a-very-long-table-name-that-goes-past-the-limit";
        let names = sheet_names(
            [
                "tasks",
                "agencies/moj/tasks",
                long,
                long,
                "'quoted'",
                "History",
                "TASKS",
                "",
            ]
            .into_iter(),
        );
        assert_eq!(names[0], "tasks");
        assert_eq!(names[1], "agencies-moj-tasks");
        assert_eq!(names[2].chars().count(), 31);
        assert_ne!(names[2], names[3]);
        assert!(names[3].ends_with("~2") && names[3].chars().count() == 31);
        assert_eq!(names[4], "quoted");
        assert_eq!(names[5], "History-");
        assert_eq!(names[6], "TASKS~2");
        assert_eq!(names[7], "sheet");
        for n in &names {
            assert!(n.chars().count() <= 31 && !n.chars().any(|c| "[]:*?/\\".contains(c)));
        }
    }

    use crate::publish::table::Col;
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use std::io::Cursor;

    fn col(name: &str, ty: Ty, list: bool) -> Col {
        Col {
            name: name.into(),
            ty,
            required: false,
            list,
            desc_key: format!("column.hostile.{name}"),
            lang: None,
        }
    }

    const HOSTILE: [&str; 6] = [
        "=HYPERLINK(\"https://example.org/\",\"click\")",
        "+1",
        "-1+2",
        "@SUM(A1:A2)",
        "=1+1",
        "\t=cmd",
    ];

    fn table() -> Table {
        let mut rows: Vec<Vec<String>> = HOSTILE
            .iter()
            .map(|h| {
                vec![
                    h.to_string(),
                    "7".into(),
                    "true".into(),
                    "2019-04-01".into(),
                    "2.5".into(),
                    "1; 2".into(),
                ]
            })
            .collect();
        // Values that do not parse as the column's type stay text.
        rows.push(vec![
            "x".into(),
            "n/a".into(),
            "yes".into(),
            "2019".into(),
            "".into(),
            "".into(),
        ]);
        Table {
            name: "hostile".into(),
            kind: crate::publish::table::TableKind::Package,
            title_key: "dataset.hostile".into(),
            cols: vec![
                col("text", Ty::String, false),
                col("count", Ty::Integer, false),
                col("flag", Ty::Boolean, false),
                col("day", Ty::Date, false),
                col("value", Ty::Number, false),
                col("items", Ty::Integer, true),
            ],
            rows: rows.into_iter().map(Into::into).collect(),
            locs: vec![],
            key: vec![],
            fks: vec![],
        }
    }

    fn meta() -> About<'static> {
        About {
            title: "Test",
            publisher: Some("Publisher"),
            as_of: jiff::civil::date(2026, 6, 30),
            about: vec![("Label".into(), "Value".into())],
            words: test_words(),
            described_in: vec!["en".into()],
        }
    }

    /// The words of the test table, in English; held for the whole run.
    fn test_words() -> &'static Words<'static> {
        use std::collections::BTreeMap;
        static STRINGS: std::sync::OnceLock<BTreeMap<String, BTreeMap<String, String>>> =
            std::sync::OnceLock::new();
        static WORDS: std::sync::OnceLock<Words<'static>> = std::sync::OnceLock::new();
        let strings = STRINGS.get_or_init(|| {
            let en = ["text", "count", "flag", "day", "value", "items"]
                .iter()
                .map(|c| (format!("column.hostile.{c}"), format!("The {c}")))
                .chain(
                    words::readme::DICTIONARY.map(|k| (k.to_string(), k.replace("workbook.", ""))),
                )
                .chain([
                    (words::LIST_NOTE.to_string(), "a list".to_string()),
                    (
                        words::WORKBOOK_DESCRIPTION.to_string(),
                        "description".into(),
                    ),
                ])
                .collect();
            BTreeMap::from([("en".to_string(), en)])
        });
        WORDS.get_or_init(|| Words::new(strings))
    }

    #[test]
    fn text_is_never_a_formula_and_typed_columns_are_typed() {
        let t = table();
        let bytes = workbook(&[&t], &meta()).expect("workbook");
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("opens");
        assert_eq!(
            book.sheet_names(),
            vec!["README".to_string(), "hostile".to_string()]
        );
        let formulas = book.worksheet_formula("hostile").expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no cell holds a formula"
        );
        let range = book.worksheet_range("hostile").expect("sheet");
        let rows: Vec<&[Data]> = range.rows().collect();
        assert_eq!(rows.len(), 1 + HOSTILE.len() + 1);
        assert_eq!(rows[0][0], Data::String("text".into()));
        for (i, h) in HOSTILE.iter().enumerate() {
            let r = rows[i + 1];
            assert_eq!(r[0], Data::String(h.to_string()), "row {i} stays text");
            assert_eq!(r[1], Data::Float(7.0));
            assert_eq!(r[2], Data::Bool(true));
            match &r[3] {
                Data::DateTime(d) => {
                    let (y, m, d, ..) = d.to_ymd_hms_milli();
                    assert_eq!((y, m, d), (2019, 4, 1));
                }
                other => panic!("a date cell, got {other:?}"),
            }
            assert_eq!(r[4], Data::Float(2.5));
            assert_eq!(r[5], Data::String("1; 2".into()), "lists stay text");
        }
        let last = rows[HOSTILE.len() + 1];
        assert_eq!(last[1], Data::String("n/a".into()));
        assert_eq!(last[2], Data::String("yes".into()));
        assert_eq!(last[3], Data::String("2019".into()));
        assert_eq!(last[4], Data::Empty);
    }

    /// One XML part of the workbook (an XLSX file is a zip of XML parts).
    fn part(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        let mut s = String::new();
        zip.by_name(name)
            .expect("part exists")
            .read_to_string(&mut s)
            .expect("UTF-8 XML");
        s
    }

    #[test]
    fn header_is_bold_frozen_and_filtered_and_dates_come_from_as_of() {
        let t = table();
        let bytes = workbook(&[&t], &meta()).expect("workbook");
        let sheet = part(&bytes, "xl/worksheets/sheet2.xml");
        assert!(
            sheet.contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "{sheet}"
        );
        assert!(sheet.contains(r#"<autoFilter ref="A1:F8"/>"#), "{sheet}");
        // The header cells share one style; that style's font is bold. (Text
        // is written inline: the sheet is streamed, see `workbook`.)
        assert!(
            sheet.contains(r#"<c r="A1" s="1" t="inlineStr">"#),
            "{sheet}"
        );
        let styles = part(&bytes, "xl/styles.xml");
        let fonts = &styles[styles.find("<fonts").unwrap()..styles.find("</fonts>").unwrap()];
        assert!(
            fonts.matches("<font>").count() == 2 && fonts.contains("<b/>"),
            "{fonts}"
        );
        let xfs = &styles[styles.find("<cellXfs").unwrap()..];
        assert!(
            xfs.split("<xf ").nth(2).unwrap().contains(r#"fontId="1""#),
            "{xfs}"
        );
        // Widths follow the content: the hostile HYPERLINK text (42 chars) is the widest.
        assert!(
            sheet.contains(r#"<col min="1" max="1" width="43.7109375" customWidth="1"/>"#),
            "{sheet}"
        );
        let core = part(&bytes, "docProps/core.xml");
        assert!(
            core.contains(">2026-06-30T00:00:00Z</dcterms:created>"),
            "{core}"
        );
        assert!(
            core.contains(">2026-06-30T00:00:00Z</dcterms:modified>"),
            "{core}"
        );
        assert!(
            core.contains("<dc:title>Test</dc:title>")
                && core.contains("<dc:creator>Publisher</dc:creator>"),
            "{core}"
        );
    }

    #[test]
    fn bytes_do_not_depend_on_the_clock() {
        let t = table();
        let first = workbook(&[&t], &meta()).expect("workbook");
        // The document's dates have one-second resolution: a clock leak shows.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let second = workbook(&[&t], &meta()).expect("workbook");
        assert!(
            first == second,
            "two workbooks of the same tables are identical"
        );
    }

    #[test]
    fn a_text_longer_than_a_cell_is_cut_with_a_note() {
        let mut t = table();
        // "𝔸" is two UTF-16 units, the unit Excel counts.
        let long = "𝔸".repeat(20_000);
        t.rows[0] = std::iter::once(long.as_str())
            .chain(t.rows[0].iter().skip(1))
            .collect();
        let bytes = workbook(&[&t], &meta()).expect("a workbook");
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("opens");
        let range = book.worksheet_range("hostile").expect("sheet");
        let Some(Data::String(s)) = range.get((1, 0)) else {
            panic!("a text cell")
        };
        let units = s.encode_utf16().count();
        assert!((32_700..=CELL_MAX).contains(&units), "{units}");
        assert!(s.ends_with("the whole text is in hostile.csv and hostile.json]"));
        assert_eq!(fit("short", "t"), "short");
    }

    #[test]
    fn widths_count_characters_of_the_longest_line() {
        assert_eq!(width_of("Bộ Tư pháp"), 10);
        assert_eq!(width_of("ab\r\nabcd"), 4);
        assert_eq!(width_of(""), 0);
    }
}
