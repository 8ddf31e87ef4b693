//! The downloads page's guide: how to cite the dataset and how to load it
//! in Python and R. The code lives once, in `themes/default/snippets/`;
//! the page shows it with this site's data address filled in, and CI runs
//! the very text of the built page against a local server (.ci/snippets.py).

use crate::model::address;
use crate::publish::words::{Missing, Words, cite, readme};
use crate::source::config::Config;
use minijinja::Value;

const PYTHON: &str = include_str!("../../themes/default/snippets/load.py");
const R: &str = include_str!("../../themes/default/snippets/load.R");

/// Where the code reads the files from: the published `data/` folder when
/// `base_url` is a full URL, else a local copy in `data/` beside the script
/// (a path-only base URL gives no address a script could fetch).
fn data_url(cfg: &Config) -> (String, bool) {
    if cfg.base_url.is_full() {
        (cfg.absolute("data/"), false)
    } else {
        ("data/".to_string(), true)
    }
}

/// A snippet as shown: `{data_url}` and `{lang}` (the page's language, for
/// the `_vi`/`_en` columns) filled in.
fn fill(code: &str, url: &str, lang: &str) -> String {
    code.replace("{data_url}", url).replace("{lang}", lang)
}

/// The address the citation gives: the downloads page, where `base_url`
/// is a full URL (a path alone names no site).
fn page_url(cfg: &Config, lang: &str) -> Option<String> {
    let (_, local) = data_url(cfg);
    (!local).then(|| cfg.absolute(&address::data(lang)))
}

/// The citation as plain text, for the workbook: the same parts and the
/// same words as the downloads page's (publisher, year, title, version,
/// address, access date, licence). The version and the access date are
/// `as_of`, never the clock; the page tells readers to put their own
/// access date.
pub(crate) fn citation(cfg: &Config, words: &Words<'_>, lang: &str) -> Result<String, Missing> {
    let langs = &cfg.languages;
    let word = |key: &str| words.get(lang, key);
    let mut s = String::new();
    if let Some(p) = &cfg.publisher {
        s.push_str(&format!(
            "{} ({}). ",
            p.plain(lang, langs),
            cfg.as_of.year()
        ));
    }
    s.push_str(&format!(
        "{} ({} {}) [{}].",
        cfg.title.plain(lang, langs),
        word(cite::VERSION)?,
        cfg.as_of,
        word(cite::DATASET)?,
    ));
    if let Some(u) = page_url(cfg, lang) {
        s.push_str(&format!(" {u}."));
    }
    s.push_str(&format!(" {} {}.", word(cite::ACCESSED)?, cfg.as_of));
    if let Some(l) = &cfg.license {
        s.push_str(&format!(" {}: {l}", word(cite::LICENCE)?));
        if let Some(u) = &cfg.license_url {
            s.push_str(&format!(" ({u})"));
        }
        s.push('.');
    }
    Ok(s)
}

/// The lines at the top of the workbook's README sheet, each label in every
/// language of `described_in` (the languages the sheet describes the
/// columns in), joined by " / "; the citation once per language.
pub(crate) fn about(
    cfg: &Config,
    words: &Words<'_>,
    described_in: &[String],
) -> Result<Vec<(String, String)>, Missing> {
    let langs = &cfg.languages;
    let label = |key: &str| words.joined(described_in, key);
    let mut v: Vec<(String, String)> = Vec::new();
    for l in langs {
        v.push((
            format!("{} ({l})", label(readme::TITLE)?),
            cfg.title.plain(l, langs).to_string(),
        ));
    }
    v.push((label(readme::AS_OF)?, cfg.as_of.to_string()));
    if let Some(p) = &cfg.publisher {
        for l in langs {
            v.push((
                format!("{} ({l})", label(readme::PUBLISHER)?),
                p.plain(l, langs).to_string(),
            ));
        }
    }
    if let Some(u) = page_url(cfg, langs[0].as_str()) {
        v.push((label(readme::ADDRESS)?, u));
    }
    if let Some(r) = &cfg.repository {
        v.push((label(readme::REPOSITORY)?, r.clone()));
    }
    if let Some(lic) = &cfg.license {
        let u = cfg
            .license_url
            .as_ref()
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        v.push((label(readme::LICENCE)?, format!("{lic}{u}")));
    }
    for l in described_in {
        v.push((
            words.get(l, cite::TITLE)?.to_string(),
            citation(cfg, words, l)?,
        ));
    }
    for [name, text] in [readme::SHEETS, readme::CELLS] {
        v.push((label(name)?, label(text)?));
    }
    Ok(v)
}

/// What data.html needs for its "how to use" and "how to cite" sections.
pub(crate) fn view(cfg: &Config, lang: &str) -> Value {
    let (url, local) = data_url(cfg);
    let langs = &cfg.languages;
    let page = cfg.absolute(&address::data(lang));
    let cite = minijinja::context! {
        publisher => cfg.publisher.as_ref().map(|p| p.plain(lang, langs).to_string()),
        title => cfg.title.plain(lang, langs),
        version => cfg.as_of.to_string(),
        year => cfg.as_of.year(),
        url => (!local).then_some(page),
        accessed => cfg.as_of.to_string(),
        license => cfg.license.clone(),
        license_url => cfg.license_url.clone(),
    };
    minijinja::context! {
        python => fill(PYTHON, &url, lang),
        r => fill(R, &url, lang),
        local => local,
        cite => cite,
        repository => cfg.repository.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_have_the_placeholders_the_page_fills() {
        for code in [PYTHON, R] {
            assert!(code.contains("\"{data_url}\""), "{code}");
            assert!(code.contains("name_{lang}"), "{code}");
            let shown = fill(code, "https://example.org/sub/data/", "vi");
            assert!(shown.contains("\"https://example.org/sub/data/\""));
            assert!(shown.contains("name_vi"));
            assert!(!shown.contains("{data_url}") && !shown.contains("{lang}"));
        }
    }
}
