//! Stage 2, check: what needs the whole dataset. [`validate`] checks ids,
//! duplicates and references; [`index`] computes every cross-link once, both
//! ways; [`state`] is the one definition of a task's state as of `as_of`,
//! and [`deadlines`] the per-year facts built on it.

pub(crate) mod deadlines;
pub(crate) mod index;
pub(crate) mod state;
pub(crate) mod validate;
