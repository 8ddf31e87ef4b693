//! Stage 4, present: the pages of the site contract. [`render`] makes the
//! record views and the template environment and renders every page in
//! every language; [`pages`] has one function per page; [`charts`],
//! [`indicators`], [`filters`], [`labels`], [`collate`], [`feeds`],
//! [`search`] and [`favicon`] make the parts pages are built from.

pub(crate) mod charts;
pub(crate) mod collate;
pub(crate) mod favicon;
pub(crate) mod feeds;
pub(crate) mod filters;
pub(crate) mod indicators;
pub(crate) mod labels;
pub(crate) mod pages;
pub mod render;
pub mod search;
pub(crate) mod views;
