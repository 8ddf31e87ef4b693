//! Markdown to HTML that never lets markup from data through: raw HTML
//! becomes visible text, links or images to `javascript:`-like schemes are
//! dropped (their text stays), and nothing can put an attribute on an
//! element. Headings never compete with the page's own `<h1>`: a document's
//! `#` is a second-level heading, and a data field shows a `#` line as typed.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Where the Markdown goes: a document body (content page, description) or
/// a data field shown inside the page's own markup (a link, a heading, a cell).
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Document,
    Field,
}

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

fn filtered<'a>(parser: Parser<'a>, mode: Mode) -> Vec<Event<'a>> {
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
            // The page's title is its only <h1> (one per page, WCAG 1.3.1).
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                id,
                classes,
                attrs,
            }) if mode == Mode::Document => out.push(Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                classes,
                attrs,
            })),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if mode == Mode::Document => {
                out.push(Event::End(TagEnd::Heading(HeadingLevel::H2)))
            }
            // A field is shown inside a link, a heading or a table cell, where
            // a heading is invalid; what `field_source` did not already turn
            // into text (a setext heading, one in a list) is a paragraph.
            Event::Start(Tag::Heading { .. }) if mode == Mode::Field => {
                out.push(Event::Start(Tag::Paragraph))
            }
            Event::End(TagEnd::Heading(_)) if mode == Mode::Field => {
                out.push(Event::End(TagEnd::Paragraph))
            }
            other => out.push(other),
        }
    }
    out
}

/// A whole Markdown document (content pages, long texts).
pub(crate) fn block(src: &str) -> String {
    render(src, Mode::Document)
}

fn render(src: &str, mode: Mode) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    // Never ENABLE_HEADING_ATTRIBUTES: `# T {onfocus=... autofocus}` would
    // put any attribute on the heading, and a data text with a `#` in it
    // then runs script as the page loads. Nothing else here adds attributes.
    let events = filtered(Parser::new_ext(src, opts), mode);
    let mut out = String::with_capacity(src.len() * 2);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Inline Markdown of a data field: one paragraph without its `<p>`.
/// Plain text (the common case) skips the parser.
pub(crate) fn inline(src: &str) -> String {
    if !src.contains([
        '*', '_', '`', '[', '<', '&', '\\', '\n', '>', '#', '~', '!', '|',
    ]) && !src.starts_with(['-', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    {
        return escape(src);
    }
    let html = render(&field_source(src), Mode::Field);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// A data field's Markdown with every ATX heading line (`# T`) escaped
/// (`\# T`), so the line shows exactly as typed and stays part of its
/// paragraph. Lines inside fenced code are left alone.
fn field_source(src: &str) -> std::borrow::Cow<'_, str> {
    fn heading_at(line: &str) -> Option<usize> {
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        let hashes = body.bytes().take_while(|&b| b == b'#').count();
        let after = body.as_bytes().get(hashes);
        (indent <= 3
            && (1..=6).contains(&hashes)
            && matches!(after, None | Some(b' ' | b'\t' | b'\n' | b'\r')))
        .then_some(indent)
    }
    if !src.contains('#') {
        return src.into();
    }
    let mut out = String::with_capacity(src.len() + 8);
    let mut fence: Option<&str> = None;
    for line in src.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        let marker = ["```", "~~~"].into_iter().find(|m| body.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(f), Some(m)) if f == m => fence = None,
            _ => {}
        }
        match heading_at(line) {
            Some(at) if fence.is_none() => {
                out.push_str(&line[..at]);
                out.push('\\');
                out.push_str(&line[at..]);
            }
            _ => out.push_str(line),
        }
    }
    out.into()
}

/// The words of inline Markdown without its markup ("*the* `x`" → "the x"),
/// for labels, attributes and descriptions. Raw HTML stays as its text.
pub(crate) fn plain(src: &str) -> String {
    if !src.contains(['*', '_', '`', '[', '<', '&', '\\', '\n', '~', '!']) {
        return src.to_string();
    }
    // A `# line` is text, as in the field's own markup (`field_source`).
    let src = field_source(src);
    let mut out = String::with_capacity(src.len());
    for ev in Parser::new_ext(&src, Options::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph) if !out.is_empty() => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let _ = escape_into(&mut out, s);
    out
}

/// [`escape`] straight into `out`: the text between special characters is
/// copied in runs (all five are ASCII, so never split a character).
pub(crate) fn escape_into(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
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
    fn plain_keeps_the_words_and_drops_the_markup() {
        assert_eq!(plain("Plain words"), "Plain words");
        assert_eq!(plain("*Definition* of `torture`"), "Definition of torture");
        assert_eq!(
            plain("[the law](https://x.example) & <b>bold</b>"),
            "the law & <b>bold</b>"
        );
        assert_eq!(plain("two\nlines"), "two lines");
    }

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

    /// Regression (issue 16.1): heading attributes were on, so this ran
    /// script on page load from any text with a `#`.
    #[test]
    fn heading_attributes_stay_text() {
        let payload = "# T {autofocus tabindex=0 onfocus=document.title='PWNED'}";
        let shown = "T {autofocus tabindex=0 onfocus=document.title='PWNED'}";
        for out in [
            block(payload),
            inline(payload),
            block(&format!("Intro\n\n{payload}\n")),
            inline(&format!("Intro\n\n{payload}\n")),
        ] {
            for attr in ["onfocus=\"", "autofocus=\"", "tabindex=\""] {
                assert!(!out.contains(attr), "{out}");
            }
            assert!(out.contains(shown), "{out}");
        }
        let out = block("## Part {#part .x}\n");
        assert!(!out.contains("id=") && !out.contains("class="), "{out}");
    }

    #[test]
    fn a_document_heading_is_never_a_second_h1() {
        assert_eq!(
            block("# A\n\n## B\n\nC\n===\n"),
            "<h2>A</h2>\n<h2>B</h2>\n<h2>C</h2>\n"
        );
        assert_eq!(block("### D\n"), "<h3>D</h3>\n");
    }

    #[test]
    fn a_field_shows_heading_lines_as_typed() {
        // A name is shown inside <a> and <h1>: no heading in it, the `#` kept.
        assert_eq!(inline("# T {x=1}"), "# T {x=1}");
        assert_eq!(inline("   ## Part two"), "## Part two");
        // A `#` line in a longer text stays in its paragraph.
        assert_eq!(inline("Intro\n# T"), "Intro\n# T");
        assert_eq!(inline("#5 and #hashtag"), "#5 and #hashtag");
        // Setext headings and headings inside lists are paragraphs.
        let out = inline("Title\n=====\n\n- # item\n");
        assert!(!out.contains("<h"), "{out}");
        assert!(out.contains("Title") && out.contains("item"), "{out}");
        // Fenced code keeps its lines untouched.
        let out = inline("```\n# comment\n```\n");
        assert!(out.contains("<code># comment\n</code>"), "{out}");
    }

    #[test]
    fn inline_has_no_paragraph() {
        assert_eq!(inline("a *b*"), "a <em>b</em>");
        assert_eq!(inline("plain & simple"), "plain &amp; simple");
        assert_eq!(inline("<b>x</b>"), "&lt;b&gt;x&lt;/b&gt;");
    }
}
