//! Stage 4, present: the pages of the site contract. [`render`] makes the
//! record views and the template environment and renders every page in
//! every language; [`pages`] has one function per page; [`charts`],
//! [`indicators`], [`filters`], [`labels`], [`collate`], [`feeds`],
//! [`search`] and [`favicon`] make the parts pages are built from.

pub mod charts;
pub mod collate;
pub mod favicon;
pub mod feeds;
pub mod filters;
pub mod indicators;
pub mod labels;
pub mod pages;
pub mod render;
pub mod search;
pub mod views;
