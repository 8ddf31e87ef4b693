//! Stage 3, publish: the datasets and the writer. [`table`] is a dataset
//! table as every format sees it, [`export`] builds the tables from the index
//! and writes CSV, JSON and the data package, [`xlsx`] the workbook,
//! [`downloads`] the downloads page's guide; [`output`] is the writer every
//! file of a build goes through.

pub mod downloads;
pub mod export;
pub mod output;
pub mod table;
pub mod xlsx;
