//! Stage 1, source: the site's folder read into typed records. Files become
//! located nodes ([`raw`]), nodes become typed fields with every problem
//! reported ([`fields`]), and [`load`] makes the records of every collection
//! and the content pages; [`config`] is `site.yaml`, [`theme`] the theme's
//! files, [`walk`] the only way into the site's folders, [`markdown`] the
//! only way Markdown from data becomes HTML.

pub(crate) mod config;
pub(crate) mod fields;
pub mod load;
pub(crate) mod markdown;
pub mod raw;
pub mod theme;
pub(crate) mod walk;
