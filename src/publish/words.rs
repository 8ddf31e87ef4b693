//! The words of the datasets: table titles, column descriptions, the
//! labels of the workbook's README sheet and the citation's words, looked
//! up in the theme's interface strings (`themes/<theme>/i18n/<lang>.yaml`)
//! under keys named after the table and the column, so that a language is
//! added, or a wording changed, in the i18n files alone.
//!
//! The keys: `dataset.<table>` is a table's title; `column.<table>.<column>`
//! describes a column (one key for the per-language columns
//! `<column>_<lang>`); the columns every record table ends with have
//! [`PAGE`] and [`PROVENANCE`]. The theme check (`source/theme.rs`) makes
//! every English key a key of every language the site uses, and a unit test
//! of `tables` that every key a table uses is in the built-in theme.

use crate::source::theme::{self, Strings};
use std::collections::BTreeMap;

/// The title of a table.
pub(crate) fn title_key(table: &str) -> String {
    format!("dataset.{table}")
}

/// The description of a column of a table.
pub(crate) fn column_key(table: &str, column: &str) -> String {
    format!("column.{table}.{column}")
}

/// The `page_<lang>` columns: the record's page on the site.
pub(crate) const PAGE: &str = "column.page";
/// The `original`, `translation` and `transcribed_from` columns.
pub(crate) const PROVENANCE: [(&str, &str); 3] = [
    ("original", "column.original"),
    ("translation", "column.translation"),
    ("transcribed_from", "column.transcribed_from"),
];
/// What a list column adds to its description in datapackage.json and on
/// the workbook's README sheet: how its items are separated.
pub(crate) const LIST_NOTE: &str = "column.list_note";
/// The heading of a description column on the workbook's README sheet.
pub(crate) const WORKBOOK_DESCRIPTION: &str = "workbook.description";
/// The titles of the two downloads that are not tables.
pub(crate) const WORKBOOK: &str = "dataset.workbook";
pub(crate) const DATAPACKAGE: &str = "dataset.datapackage";

/// The labels of the lines at the top of the workbook's README sheet
/// (`downloads::about`), each written in every language the sheet
/// describes the columns in, joined by " / ".
pub(crate) mod readme {
    /// The site's title, one line per language of the site.
    pub(crate) const TITLE: &str = "workbook.title";
    pub(crate) const AS_OF: &str = "workbook.as_of";
    /// The publisher, one line per language of the site.
    pub(crate) const PUBLISHER: &str = "workbook.publisher";
    pub(crate) const ADDRESS: &str = "workbook.address";
    /// Where the source files (site.yaml's `repository`) are kept.
    pub(crate) const REPOSITORY: &str = "workbook.repository";
    pub(crate) const LICENCE: &str = "workbook.license";
    /// A label and the text it introduces, both in every language.
    pub(crate) const SHEETS: [&str; 2] = ["workbook.sheets", "workbook.sheets_text"];
    pub(crate) const CELLS: [&str; 2] = ["workbook.cells", "workbook.cells_text"];
    /// The headings of the dictionary's first columns (sheet, column,
    /// type), in the package's language, as datapackage.json names a
    /// field's `name` and `type`; a description column follows per
    /// language ([`super::WORKBOOK_DESCRIPTION`]).
    pub(crate) const DICTIONARY: [&str; 3] = ["workbook.sheet", "workbook.column", "workbook.type"];
}

/// The citation's words (`downloads::citation`, in the workbook), the
/// downloads page's own (data.html), so both cite the data alike.
pub(crate) mod cite {
    /// The label of the citation's line on the README sheet, one per language.
    pub(crate) const TITLE: &str = "data.cite_title";
    pub(crate) const VERSION: &str = "data.version";
    pub(crate) const DATASET: &str = "data.dataset";
    pub(crate) const ACCESSED: &str = "data.accessed";
    pub(crate) const LICENCE: &str = "data.license";
}

/// Every key above, for the test that the theme holds each of them.
#[cfg(test)]
pub(crate) fn fixed_keys() -> Vec<&'static str> {
    let mut keys = vec![
        WORKBOOK,
        DATAPACKAGE,
        LIST_NOTE,
        WORKBOOK_DESCRIPTION,
        PAGE,
        readme::TITLE,
        readme::AS_OF,
        readme::PUBLISHER,
        readme::ADDRESS,
        readme::REPOSITORY,
        readme::LICENCE,
        cite::TITLE,
        cite::VERSION,
        cite::DATASET,
        cite::ACCESSED,
        cite::LICENCE,
    ];
    keys.extend(readme::SHEETS);
    keys.extend(readme::CELLS);
    keys.extend(readme::DICTIONARY);
    keys.extend(PROVENANCE.map(|(_, k)| k));
    keys
}

/// The interface strings of the site's theme, per language.
pub(crate) struct Words<'a> {
    strings: &'a Strings,
}

/// A key no language has, not even English: a table or column whose
/// strings were not added to the theme's i18n files.
#[derive(Debug)]
pub(crate) struct Missing(pub String);

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no interface string `{}` for the datasets (themes/default/i18n/en.yaml)",
            self.0
        )
    }
}

impl<'a> Words<'a> {
    pub(crate) fn new(strings: &'a Strings) -> Self {
        Words { strings }
    }

    /// `key` in `lang`, by the rule of every interface string
    /// ([`theme::string`]: else in English), so the datasets and the pages
    /// speak the same language; a key no language has is an error.
    pub(crate) fn get(&self, lang: &str, key: &str) -> Result<&'a str, Missing> {
        theme::string(self.strings, lang, key).ok_or_else(|| Missing(key.to_string()))
    }

    /// `key` in each of `langs`, by [`Words::get`], joined by " / ": a
    /// label of the workbook's README sheet, which speaks every language.
    pub(crate) fn joined(&self, langs: &[String], key: &str) -> Result<String, Missing> {
        let each: Vec<&str> = langs
            .iter()
            .map(|l| self.get(l, key))
            .collect::<Result<_, _>>()?;
        Ok(each.join(" / "))
    }

    /// `key` in each of `langs`, by [`Words::get`].
    pub(crate) fn each(
        &self,
        langs: &[String],
        key: &str,
    ) -> Result<BTreeMap<String, String>, Missing> {
        langs
            .iter()
            .map(|l| Ok((l.clone(), self.get(l, key)?.to_string())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings() -> Strings {
        let lang = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        BTreeMap::from([
            (
                "en".to_string(),
                lang(&[("dataset.x", "Things"), ("column.x.id", "Identifier")]),
            ),
            ("vi".to_string(), lang(&[("dataset.x", "Mục")])),
        ])
    }

    #[test]
    fn a_string_falls_back_to_english_and_a_missing_key_is_named() {
        let s = strings();
        let w = Words::new(&s);
        assert_eq!(w.get("vi", "dataset.x").unwrap(), "Mục");
        assert_eq!(w.get("vi", "column.x.id").unwrap(), "Identifier");
        assert_eq!(w.get("fr", "dataset.x").unwrap(), "Things");
        let e = w.get("vi", "column.x.name").unwrap_err();
        assert!(e.to_string().contains("`column.x.name`"), "{e}");
    }
}
