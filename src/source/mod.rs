//! Stage 1, source: the site's folder read into typed records. Files become
//! located nodes ([`raw`]), nodes become typed fields with every problem
//! reported ([`fields`]), and [`load`] makes the records of every collection
//! and the content pages; [`config`] is `site.yaml`, [`theme`] the theme's
//! files, [`walk`] the only way into the site's folders, [`markdown`] the
//! only way Markdown from data becomes HTML.

pub(crate) mod config;
pub(crate) mod fields;
pub(crate) mod items;
pub mod load;
pub(crate) mod markdown;
pub mod raw;
pub mod theme;
pub(crate) mod walk;

/// The rich fixture (`tests/fixtures/rich`) and its theme, loaded as a
/// build loads them, with the diagnostics so far: what unit tests of the
/// later stages start from.
#[cfg(test)]
pub(crate) fn rich_fixture() -> (load::Loaded, theme::Look, crate::diag::Diagnostics) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rich");
    let mut sources = crate::diag::Sources::default();
    let mut diags = crate::diag::Diagnostics::default();
    let site = load::site(&root, &mut sources, &mut diags).expect("fixture loads");
    let look = theme::load(
        &root,
        &site.config.theme,
        &site.config.languages,
        &mut sources,
        &mut diags,
    )
    .expect("theme loads");
    (site, look, diags)
}
