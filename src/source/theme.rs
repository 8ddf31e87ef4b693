//! The theme: templates, interface strings and static files. The default
//! theme is compiled into the binary; a site's `themes/<name>/` and
//! `templates/` override it file by file.

use crate::diag::{Diagnostics, Loc, Sources};
use std::collections::BTreeMap;
use std::path::Path;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// Every template of the default theme. A test renders each one.
pub const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "tasks-table.html",
    "recs-table.html",
    "filters.html",
    "home.html",
    "agencies.html",
    "agency.html",
    "recommendations.html",
    "recommendation.html",
    "plans.html",
    "plan.html",
    "tasks.html",
    "task.html",
    "themes.html",
    "theme.html",
    "mechanisms.html",
    "mechanism.html",
    "documents.html",
    "document.html",
    "indicators.html",
    "indicator.html",
    "page.html",
    "data.html",
    "search.html",
    "404.html",
    "redirect.html",
    "sitemap.xml",
    "deadlines.html",
    "deadline-year.html",
    "deadline-agencies.html",
    "chart.html",
    "coverage.html",
    "state-badge.html",
    "state-counts.html",
    "progress-record.html",
    "progress-source.html",
    "updates.html",
    "pager.html",
    "filters.json",
);

const I18N: &[(&str, &str)] = &[
    ("vi", include_str!("../../themes/default/i18n/vi.yaml")),
    ("en", include_str!("../../themes/default/i18n/en.yaml")),
];

const STATIC: &[(&str, &str)] = &[
    (
        "style.css",
        include_str!("../../themes/default/static/style.css"),
    ),
    (
        "search.js",
        include_str!("../../themes/default/static/search.js"),
    ),
    (
        "filters.js",
        include_str!("../../themes/default/static/filters.js"),
    ),
    (
        "site.js",
        include_str!("../../themes/default/static/site.js"),
    ),
    (
        "favicon.svg",
        include_str!("../../themes/default/static/favicon.svg"),
    ),
];

/// Interface strings of every language: lang → key → string.
pub type Strings = BTreeMap<String, BTreeMap<String, String>>;

/// The language every interface string exists in: the theme check holds
/// every other language the site uses to its keys, and a lookup falls back
/// to it.
pub(crate) const REFERENCE_LANG: &str = "en";

/// An interface string: `key` in `lang`, else in English. The one lookup
/// every interface string goes through (the templates' `tr`, `Ctx::tr` and
/// its kin for text made in Rust, the datasets' words). The theme check
/// gives every language the site uses every English key (a missing one is
/// an error), so English is only used for a language with no i18n file at
/// all. `None` is a key no language has: each caller says what that is (a
/// template error, a dataset error, or its own words for a key that may
/// be absent by design, such as `scale.<level>`).
pub(crate) fn string<'a>(strings: &'a Strings, lang: &str, key: &str) -> Option<&'a str> {
    strings
        .get(lang)
        .and_then(|m| m.get(key))
        .or_else(|| strings.get(REFERENCE_LANG).and_then(|m| m.get(key)))
        .map(String::as_str)
}

/// The site's look (`theme:` in site.yaml): templates, interface strings and
/// static files. Not [`crate::model::Theme`], a topic records are filed under.
pub struct Look {
    /// name → (source, file id in `Sources` for error reports)
    pub templates: BTreeMap<String, (String, u32)>,
    /// lang → key → string, looked up by [`string`]
    pub strings: Strings,
    /// output path under `static/` → bytes
    pub statics: BTreeMap<String, Vec<u8>>,
}

pub fn load(
    root: &Path,
    theme: &str,
    langs: &[String],
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<Look> {
    let mut templates = BTreeMap::new();
    for (name, src) in TEMPLATES {
        let id = sources.add(
            format!("(built-in theme) templates/{name}").into(),
            src.to_string(),
        );
        templates.insert(name.to_string(), (src.to_string(), id));
    }
    // A name under themes/, never a path: `theme: /etc` or `../..` would
    // read (and publish the static files of) any folder on the machine.
    let plain = !theme.is_empty()
        && !matches!(theme, "." | "..")
        && !theme.contains(['/', '\\', ':'])
        && !theme.starts_with('.');
    if !plain {
        diags
            .error(
                None,
                format!("theme `{theme}` in site.yaml is not the name of a folder under themes/"),
            )
            .hint("`theme:` names a folder of the site's themes/ (e.g. `theme: mine` for themes/mine/), or `default`; a theme elsewhere must be copied into themes/");
        return None;
    }
    let theme_dir = root.join("themes").join(theme);
    if theme != "default" && !theme_dir.is_dir() {
        diags
            .error(
                None,
                format!("theme `{theme}` not found: no folder themes/{theme}/"),
            )
            .hint("use `theme: default` (built in) or create the folder");
    }
    for dir in [theme_dir.join("templates"), root.join("templates")] {
        for (rel, path) in files_in(root, &dir, diags) {
            let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            match std::fs::read_to_string(&path) {
                Ok(src) => {
                    let id = sources.add(shown, src.clone());
                    templates.insert(rel, (src, id));
                }
                Err(e) => {
                    diags.error(None, format!("cannot read {}: {e}", shown.display()));
                }
            }
        }
    }
    let mut strings = Strings::new();
    for (lang, src) in I18N {
        let id = sources.add(
            format!("(built-in theme) i18n/{lang}.yaml").into(),
            src.to_string(),
        );
        strings.insert(lang.to_string(), parse_strings(src, id, diags));
    }
    for (rel, path) in files_in(root, &theme_dir.join("i18n"), diags) {
        let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let Some(lang) = rel.strip_suffix(".yaml") else {
            diags.warning(
                None,
                format!(
                    "ignoring {}: interface strings are in <lang>.yaml",
                    shown.display()
                ),
            );
            continue;
        };
        let src = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) => {
                diags.error(None, format!("cannot read {}: {e}", shown.display()));
                continue;
            }
        };
        let id = sources.add(shown, src.clone());
        let over = parse_strings(&src, id, diags);
        strings.entry(lang.to_string()).or_default().extend(over);
    }
    for l in langs {
        if !strings.contains_key(l) {
            diags
                .warning(
                    None,
                    format!("the theme has no interface strings for `{l}`; English is used"),
                )
                .hint(format!("add themes/{theme}/i18n/{l}.yaml"));
        }
    }
    // Every language must have every key the reference language has.
    if let Some(reference) = strings.get(REFERENCE_LANG).cloned() {
        for (lang, map) in &strings {
            for key in reference.keys() {
                if !map.contains_key(key) && langs.contains(lang) {
                    diags.error(
                        None,
                        format!("interface string `{key}` is missing for `{lang}`"),
                    );
                }
            }
        }
    }
    let mut statics: BTreeMap<String, Vec<u8>> = STATIC
        .iter()
        .map(|(n, s)| (n.to_string(), s.as_bytes().to_vec()))
        .collect();
    for (rel, path) in files_in(root, &theme_dir.join("static"), diags) {
        match std::fs::read(&path) {
            Ok(bytes) => {
                statics.insert(rel, bytes);
            }
            Err(e) => {
                let shown = path.strip_prefix(root).unwrap_or(&path);
                diags.error(None, format!("cannot read {}: {e}", shown.display()));
            }
        }
    }
    Some(Look {
        templates,
        strings,
        statics,
    })
}

fn parse_strings(src: &str, file: u32, diags: &mut Diagnostics) -> BTreeMap<String, String> {
    match serde_saphyr::from_str::<BTreeMap<String, String>>(src) {
        Ok(m) => m
            .into_iter()
            .map(|(k, v)| (k, crate::source::raw::nfc(&v)))
            .collect(),
        Err(e) => {
            let loc = e.location().map(|l| Loc {
                file,
                line: l.line() as u32,
                col: l.column() as u32,
            });
            diags.error(
                loc,
                format!(
                    "interface strings: {}",
                    e.to_string().lines().next().unwrap_or("")
                ),
            );
            BTreeMap::new()
        }
    }
}

/// Files under `dir` (a folder of the site at `root`), as (path relative to
/// `dir` with `/`, full path), sorted; dotfiles left out. A folder that
/// cannot be read or a symlink leading out of the site is an error.
pub fn files_in(
    root: &Path,
    dir: &Path,
    diags: &mut Diagnostics,
) -> Vec<(String, std::path::PathBuf)> {
    crate::source::walk::Site::new(root)
        .files(dir, diags)
        .into_iter()
        .map(|(rel, item)| (rel, item.path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in theme speaks both its languages fully: the same keys in
    /// vi.yaml and en.yaml (the build's check only asks a language for the
    /// English keys), none empty, every string NFC as the files are read.
    /// The datasets' strings are among them (`tables` tests that every key
    /// a table uses is here).
    #[test]
    fn the_built_in_i18n_files_have_the_same_keys() {
        let mut diags = Diagnostics::default();
        let parsed: BTreeMap<&str, BTreeMap<String, String>> = I18N
            .iter()
            .map(|(lang, src)| (*lang, parse_strings(src, 0, &mut diags)))
            .collect();
        assert!(!diags.has_errors());
        let en: Vec<&String> = parsed["en"].keys().collect();
        let vi: Vec<&String> = parsed["vi"].keys().collect();
        assert_eq!(en, vi, "vi.yaml and en.yaml have the same keys");
        assert!(en.iter().any(|k| k.starts_with("column.")));
        for (lang, src) in I18N {
            for (key, text) in &parsed[lang] {
                assert!(!text.trim().is_empty(), "`{key}` is empty in {lang}");
            }
            assert_eq!(
                crate::source::raw::nfc(src),
                *src,
                "i18n/{lang}.yaml is written in NFC"
            );
        }
    }
}
