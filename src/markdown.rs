//! Markdown to HTML that never lets markup from data through: raw HTML
//! becomes visible text, and links or images to `javascript:`-like schemes
//! are dropped (their text stays).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

fn safe_url(url: &str) -> bool {
    let lower: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    !(lower.starts_with("javascript:")
        || lower.starts_with("vbscript:")
        || lower.starts_with("data:")
        || lower.starts_with("file:"))
}

fn filtered<'a>(parser: Parser<'a>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    // Depth of links/images being dropped, so their closing tags go too.
    let mut dropped: Vec<bool> = Vec::new();
    for ev in parser {
        match ev {
            Event::Html(s) | Event::InlineHtml(s) => out.push(Event::Text(s)),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let ok = safe_url(&dest_url);
                dropped.push(!ok);
                if ok {
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if !dropped.pop().unwrap_or(false) {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image { .. }) => {
                // Images from data would be third-party requests; show their alt text.
                dropped.push(true);
            }
            Event::End(TagEnd::Image) => {
                dropped.pop();
            }
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            other => out.push(other),
        }
    }
    out
}

/// A whole Markdown document (content pages, long texts).
pub fn block(src: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    let events = filtered(Parser::new_ext(src, opts));
    let mut out = String::with_capacity(src.len() * 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Inline Markdown of a data field: one paragraph without its `<p>`.
/// Plain text (the common case) skips the parser.
pub fn inline(src: &str) -> String {
    if !src.contains([
        '*', '_', '`', '[', '<', '&', '\\', '\n', '>', '#', '~', '!', '|',
    ]) && !src.starts_with(['-', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    {
        return escape(src);
    }
    let html = block(src);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let _ = escape_into(&mut out, s);
    out
}

/// [`escape`] straight into `out`: the text between special characters is
/// copied in runs (all five are ASCII, so never split a character).
pub fn escape_into(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[from..i])?;
        out.write_str(rep)?;
        from = i + 1;
    }
    out.write_str(&s[from..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_exactly_the_five_specials() {
        assert_eq!(
            escape(r#"a<b>&"c'd 87/QĐ-TTg Đ"#),
            "a&lt;b&gt;&amp;&quot;c&#39;d 87/QĐ-TTg Đ"
        );
        assert_eq!(escape(""), "");
        assert_eq!(escape("<<"), "&lt;&lt;");
    }

    #[test]
    fn raw_html_is_shown_not_run() {
        let out = block("Hi <script>alert(1)</script> there");
        assert!(!out.contains("<script>"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
        let out = block("<div onclick=x>block</div>\n");
        assert!(!out.contains("<div"), "{out}");
    }

    #[test]
    fn javascript_links_are_dropped() {
        let out = block("[click](javascript:alert(1)) and [ok](https://example.org)");
        assert!(!out.contains("javascript"), "{out}");
        assert!(out.contains("click"));
        assert!(out.contains("href=\"https://example.org\""));
        let out = block("[x]( JaVaScRiPt:alert(1))");
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
    }

    #[test]
    fn inline_has_no_paragraph() {
        assert_eq!(inline("a *b*"), "a <em>b</em>");
        assert_eq!(inline("plain & simple"), "plain &amp; simple");
        assert_eq!(inline("<b>x</b>"), "&lt;b&gt;x&lt;/b&gt;");
    }
}
