//! lotrinh: a static open-data site generator for human-rights action plans.
//!
//! Data flows one way: [`load`] (YAML/CSV → typed records) → [`validate`] →
//! [`index`] (cross-links, deadlines) → [`export`] (datasets) and [`render`]
//! (pages) → [`output`] (write only what changed). [`site`] drives it.

pub mod charts;
pub mod cli;
pub mod collate;
pub mod config;
pub mod deadlines;
pub mod diag;
pub mod downloads;
pub mod export;
pub mod favicon;
pub mod feeds;
pub mod fields;
pub mod filters;
pub mod index;
pub mod indicators;
pub mod labels;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pages;
pub mod progress;
pub mod raw;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod state;
pub mod table;
pub mod theme;
pub mod validate;
pub mod walk;
pub mod xlsx;
