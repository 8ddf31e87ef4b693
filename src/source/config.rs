//! `site.yaml`: the site's settings.

use crate::diag::{Diagnostics, Sources};
use crate::model::Text;
use crate::source::fields::Fields;
use crate::source::raw::parse_yaml;
use jiff::civil::Date;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Config {
    pub title: Text,
    pub description: Option<Text>,
    /// BCP 47 codes; the first is the default language.
    pub languages: Vec<String>,
    pub base_url: BaseUrl,
    pub as_of: Date,
    pub theme: String,
    pub license: Option<String>,
    pub license_url: Option<String>,
    pub publisher: Option<Text>,
    pub repository: Option<String>,
    /// How to reach the publisher: an email address or an http(s) URL.
    pub contact: Option<Contact>,
    /// Where to report an error in the data: an http(s) URL or a `mailto:`.
    pub report_error: Option<Contact>,
}

/// An address a reader can follow: shown as `text`, linked as `href`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub text: String,
    pub href: String,
    /// The email address, where it is one (for the data package).
    pub email: Option<String>,
}

/// An email address plain enough to put in a `mailto:` link: one `@`, a
/// dotted domain, no spaces, quotes, angle brackets or control characters.
fn email(s: &str) -> bool {
    let Some((user, domain)) = s.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'<>()[],;:\\".contains(c))
}

/// An http(s) URL with a host and nothing a link could be broken out of.
fn web_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`".contains(c))
    })
}

/// `contact`: an email address or an http(s) URL.
pub(crate) fn contact(s: &str) -> Option<Contact> {
    if web_url(s) {
        Some(Contact {
            text: s.into(),
            href: s.into(),
            email: None,
        })
    } else if email(s) {
        Some(Contact {
            text: s.into(),
            href: format!("mailto:{s}"),
            email: Some(s.into()),
        })
    } else {
        None
    }
}

/// `report_error`: an http(s) URL or `mailto:` and an email address.
pub(crate) fn report_address(s: &str) -> Option<Contact> {
    if web_url(s) {
        return Some(Contact {
            text: s.into(),
            href: s.into(),
            email: None,
        });
    }
    let addr = s.strip_prefix("mailto:")?;
    email(addr).then(|| Contact {
        text: addr.into(),
        href: s.into(),
        email: Some(addr.into()),
    })
}

impl Config {
    /// A minimal configuration for unit tests.
    #[cfg(test)]
    pub(crate) fn example(languages: &[&str], base_url: &str) -> Config {
        Config {
            title: Text::default(),
            description: None,
            languages: languages.iter().map(|l| l.to_string()).collect(),
            base_url: BaseUrl::parse(base_url).expect("a valid base URL in a unit test"),
            as_of: jiff::civil::date(2026, 1, 1),
            theme: "default".into(),
            license: None,
            license_url: None,
            publisher: None,
            repository: None,
            contact: None,
            report_error: None,
        }
    }
    pub fn default_lang(&self) -> &str {
        &self.languages[0]
    }
    /// The absolute-or-root URL of a site path ("en/agencies/moj/").
    pub fn absolute(&self, path: &str) -> String {
        self.base_url.join(path)
    }
    /// The path part of `base_url`, for pages a host serves at any address,
    /// where relative links would break.
    pub fn base_path(&self) -> String {
        self.base_url.path()
    }
}

/// Where the site is published: "/", a path ("/sub/path/") or an http(s)
/// URL, always ending with `/`. Made only by [`BaseUrl::parse`], the one
/// rule for site.yaml's `base_url` and `--base-url`, so whatever joins a
/// path to it or takes its path part (pages, feeds, datasets, `serve`)
/// can trust it without checking or normalising again.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks a base URL and gives it its trailing slash; the error is a
    /// hint saying what is accepted.
    pub fn parse(b: &str) -> Result<BaseUrl, &'static str> {
        let ok = b.starts_with('/') || b.starts_with("https://") || b.starts_with("http://");
        if !ok
            || b.contains(['"', '<', '>', ' ', '\'', '\\', '?', '#'])
            || b.chars().any(char::is_control)
        {
            return Err(
                "use \"/\", a sub-path like \"/sub/path/\", or a full URL like \"https://example.org/path/\"",
            );
        }
        Ok(BaseUrl(if b.ends_with('/') {
            b.to_string()
        } else {
            format!("{b}/")
        }))
    }

    /// The site's root, `/`: the default when site.yaml gives none.
    pub fn root() -> BaseUrl {
        BaseUrl("/".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A site path ("en/agencies/moj/") under this base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// Whether it is a full http(s) URL, an address a reader or a script
    /// outside the site can follow (a path-only base is not).
    pub fn is_full(&self) -> bool {
        self.0.starts_with("http://") || self.0.starts_with("https://")
    }

    /// The path part: "https://host/a/" → "/a/", "/a/" → "/a/" (what
    /// `serve` serves the site under, what a 404 page's links start from).
    pub fn path(&self) -> String {
        let path = match self.0.split_once("://") {
            Some((_, rest)) => rest.find('/').map(|i| &rest[i..]).unwrap_or("/"),
            None => &self.0,
        };
        let mut p = String::from("/");
        p.push_str(path.trim_matches('/'));
        if p.len() > 1 {
            p.push('/');
        }
        p
    }
}

impl Default for BaseUrl {
    fn default() -> BaseUrl {
        BaseUrl::root()
    }
}

impl std::fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

const LANG_CHARS: fn(char) -> bool = |c| c.is_ascii_alphanumeric() || c == '-';

pub(crate) fn load(root: &Path, sources: &mut Sources, diags: &mut Diagnostics) -> Option<Config> {
    let path = root.join("site.yaml");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            diags.error(None, format!("cannot read {}: {e}", path.display())).hint(
                "run lotrinh in a site folder (one with site.yaml), or pass --root; `lotrinh new <folder>` makes one",
            );
            return None;
        }
    };
    let file = sources.add("site.yaml".into(), String::new());
    let text = crate::source::raw::utf8(bytes, file, diags)?;
    *sources.text_mut(file) = text.clone();
    let node = parse_yaml(&text, file, diags)?;
    // Languages first: text fields need them.
    let langs_guess = match &node.kind {
        crate::source::raw::Kind::Map(m) => m
            .iter()
            .find(|(k, _)| k.name == "languages")
            .map(|(_, v)| match &v.kind {
                crate::source::raw::Kind::Seq(items) => items
                    .iter()
                    .filter_map(|i| i.scalar().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut f = Fields::new(&node, "site settings", &langs_guess, diags)?;
    let title = f.text("title", true);
    let description = f.text("description", false);
    let languages_loc = f.list("languages");
    let base = f.string_loc("base_url", false);
    let as_of = f.date("as_of");
    let as_of_missing = as_of.is_none();
    let theme = f.string("theme", false).unwrap_or_else(|| "default".into());
    let license = f.string("license", false);
    // Links in every page's footer and in the data package: checked like
    // every URL from data (`javascript:` reached every footer).
    let license_url = f.url("license_url");
    let publisher = f.text("publisher", false);
    let repository = f.url("repository");
    let contact_loc = f.string_loc("contact", false);
    let report_loc = f.string_loc("report_error", false);
    let loc = f.loc;
    f.finish();
    let mut languages = Vec::new();
    for (l, lloc) in languages_loc {
        if l.is_empty() || !l.chars().all(LANG_CHARS) || l.len() > 35 {
            diags
                .error(Some(lloc), format!("`{l}` is not a BCP 47 language code"))
                .hint("e.g. vi, en, fr");
        } else if languages.contains(&l) {
            diags.error(Some(lloc), format!("language `{l}` is listed twice"));
        } else {
            languages.push(l);
        }
    }
    if languages.is_empty() {
        diags
            .error(Some(loc), "`languages` must list at least one language")
            .hint("languages: [vi, en]");
    }
    if as_of_missing {
        diags
            .error(Some(loc), "missing required field `as_of`")
            .hint("as_of is the date due and overdue are computed against, e.g. as_of: 2026-11-22");
    }
    let base_url = match base {
        None => BaseUrl::root(),
        Some((b, bloc)) => BaseUrl::parse(&b).unwrap_or_else(|hint| {
            diags
                .error(Some(bloc), format!("`base_url` cannot be `{b}`"))
                .hint(hint);
            // The build stops on the error; the root stands in meanwhile.
            BaseUrl::root()
        }),
    };
    let contact = contact_loc.and_then(|(s, at)| {
        let c = contact(&s);
        if c.is_none() {
            diags
                .error(Some(at), format!("`contact` cannot be `{s}`"))
                .hint("give an email address (name@example.org) or an http(s) URL (https://example.org/contact)");
        }
        c
    });
    let report_error = report_loc.and_then(|(s, at)| {
        let c = report_address(&s);
        if c.is_none() {
            diags
                .error(Some(at), format!("`report_error` cannot be `{s}`"))
                .hint("give an http(s) URL (e.g. an issue tracker: https://example.org/issues) or mailto: and an email address (mailto:errors@example.org)");
        }
        c
    });
    Some(Config {
        contact,
        report_error,
        title: title?,
        description,
        languages,
        base_url,
        as_of: as_of?,
        theme,
        license,
        license_url,
        publisher,
        repository,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_addresses_are_email_or_web_and_nothing_else() {
        let c = contact("team@example.org").unwrap();
        assert_eq!(c.href, "mailto:team@example.org");
        assert_eq!(c.email.as_deref(), Some("team@example.org"));
        assert_eq!(
            contact("https://example.org/contact").unwrap().href,
            "https://example.org/contact"
        );
        let r = report_address("mailto:errors@example.org").unwrap();
        assert_eq!(
            (r.text.as_str(), r.href.as_str()),
            ("errors@example.org", "mailto:errors@example.org")
        );
        assert!(report_address("https://example.org/issues/new").is_some());
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,x",
            "https://",
            "https:///x",
            "https://example.org/\"onmouseover=\"x",
            "https://exa mple.org",
            "//example.org",
            "mailto:",
            "a@b",
            "a@@b.org",
            "a b@c.org",
            "<a@b.org>",
            "",
        ] {
            assert!(contact(bad).is_none(), "contact {bad:?}");
            assert!(report_address(bad).is_none(), "report_error {bad:?}");
        }
        // A bare email is a contact, not a report address (which says mailto:).
        assert!(report_address("errors@example.org").is_none());
        assert!(contact("mailto:a@b.org").is_none());
    }

    #[test]
    fn base_path_is_the_path_of_base_url() {
        for (url, path) in [
            ("/", "/"),
            ("/sub/path/", "/sub/path/"),
            ("/sub/path", "/sub/path/"),
            ("https://example.org/", "/"),
            ("https://example.org/tracker/", "/tracker/"),
            ("https://host.example/a/b/", "/a/b/"),
            ("http://example.org", "/"),
        ] {
            let c = Config::example(&["en"], url);
            assert_eq!(c.base_path(), path, "{url}");
        }
    }

    #[test]
    fn a_base_url_is_checked_once_and_ends_with_a_slash() {
        let b = BaseUrl::parse("https://example.org/t").unwrap();
        assert_eq!(b.as_str(), "https://example.org/t/");
        assert_eq!(b.join("en/tasks/a/"), "https://example.org/t/en/tasks/a/");
        assert!(b.is_full());
        assert!(!BaseUrl::parse("/sub/").unwrap().is_full());
        assert_eq!(BaseUrl::default(), BaseUrl::parse("/").unwrap());
        for bad in [
            "",
            "sub/path/",
            "javascript:x",
            "/a b/",
            "/a?b",
            "/a#b",
            "/\"/",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad:?}");
        }
    }
}
