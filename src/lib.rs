//! lotrinh: a static open-data site generator for human-rights action plans.
//!
//! The folders are the stages of the pipeline, in the order data flows
//! through them; a module imports only from its own stage or the ones
//! above it in this list (`tests/architecture.rs` fails on any import that
//! points back up, and on any import circle):
//!
//! - [`diag`], [`progress`]: what the user is told (problems, build steps), from any stage;
//! - [`model`]: the typed records every stage speaks;
//! - [`source`]: files → located nodes → typed records ([`source::load`]);
//! - [`check`]: rules over the whole dataset ([`check::validate`]), then the
//!   cross-link [`check::index`] and task states as of `as_of`;
//! - [`publish`]: dataset tables and their files, and the writer every file goes through;
//! - [`present`]: record views and the pages of the site contract;
//! - [`site`]: the pipeline that runs the stages;
//! - [`app`]: the ways in (command line, dev server, `lotrinh new`).
//!
//! `ARCHITECTURE.md` at the repository's root is the map.

pub mod app;
pub(crate) mod check;
pub mod diag;
pub mod model;
pub mod present;
pub(crate) mod progress;
pub mod publish;
pub mod site;
pub mod source;
