//! Stage 3, publish: the datasets and the writer. [`table`] is a dataset
//! table as every format sees it, [`tables`] builds each table from the
//! index, [`words`] finds their titles and column descriptions in the
//! theme's i18n files, [`export`] writes CSV, JSON and the data package,
//! [`xlsx`] the workbook, [`downloads`] the downloads page's guide;
//! [`output`] is the writer every file of a build goes through.

pub(crate) mod downloads;
pub(crate) mod export;
pub mod output;
pub(crate) mod table;
pub(crate) mod tables;
pub(crate) mod words;
pub(crate) mod xlsx;
