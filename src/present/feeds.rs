//! Follow without coming back: an Atom feed of the progress records per
//! language and per agency, and an iCalendar file of the upcoming deadlines.
//!
//! Both are built from the data and `as_of` alone, never the clock, so the
//! same input gives the same bytes. Ids are derived from record ids (a
//! `urn:uuid` hashed from them), so a reader sees an entry once even if the
//! site moves to another address.

use crate::check::index::{Index, State};
use crate::model::{Collection, Ix, Progress, Records, Source, Task};
use crate::source::config::Config;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// What a feed or calendar needs of a language: its code, its interface
/// strings and the site's text in it. Shared by the feeds of a language,
/// which are made side by side.
pub(crate) struct Lang<'a> {
    pub lang: &'a str,
    pub langs: &'a [String],
    pub tr: &'a (dyn Fn(&str) -> String + Sync),
}

/// The address of an agency's updates feed: beside its page.
pub(crate) fn agency_feed(lang: &str, id: &str) -> String {
    format!("{}atom.xml", Collection::Agencies.page(lang, id))
}

/// Escapes text for XML content and attribute values.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A stable `urn:uuid` from a name (SHA-256, shaped as a version-5-like UUID).
fn urn(name: &str) -> String {
    let h = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn stamp(d: jiff::civil::Date) -> String {
    format!("{d}T00:00:00Z")
}

/// The line a reader sees for a record: date, status, who says so.
fn entry_title(l: &Lang<'_>, idx: &Index<'_>, p: &Progress) -> String {
    let status = match p.status {
        Some(s) => (l.tr)(&format!("deadline.{}", s.as_str())),
        None => (l.tr)("state.context"),
    };
    let who = match &p.by_name {
        Some(n) => n.plain(l.lang, l.langs).to_string(),
        None => (l.tr)(&format!("by.{}", p.by.as_str())),
    };
    let subjects: Vec<&str> = p
        .tasks
        .iter()
        .filter_map(|t| {
            idx.task
                .get(t.id.as_str())
                .map(|&i| idx.data.tasks[i].ref_.as_str())
        })
        .chain(p.recommendations.iter().map(|r| r.id.as_str()))
        .collect();
    let mut t = format!("{} · {status} · {who}", p.date.label);
    if let Some(g) = &p.grade {
        let _ = write!(t, " · {} {g}", (l.tr)("state.grade"));
    }
    if !subjects.is_empty() {
        let _ = write!(t, " ({})", subjects.join(", "));
    }
    t
}

fn source_line(l: &Lang<'_>, idx: &Index<'_>, s: &Source) -> (String, Option<String>) {
    match s {
        Source::Document(r) => match idx.document.get(r.id.as_str()) {
            Some(&i) => {
                let d = &idx.data.documents[i];
                let title = d
                    .symbol
                    .clone()
                    .unwrap_or_else(|| d.title.plain(l.lang, l.langs).to_string());
                (
                    title,
                    crate::present::views::link(d.url.as_deref()).map(str::to_string),
                )
            }
            None => (r.id.clone(), None),
        },
        Source::Web { title, url, .. } => (
            title.plain(l.lang, l.langs).to_string(),
            crate::present::views::link(Some(url)).map(str::to_string),
        ),
    }
}

/// One Atom feed of `records` (indices into `Data::progress`, newest first).
pub(crate) fn atom(
    cfg: &Config,
    l: &Lang<'_>,
    idx: &Index<'_>,
    path: &str,
    page: &str,
    title: &str,
    records: &[Ix<Progress>],
) -> Vec<u8> {
    let d = idx.data;
    let updated = records
        .iter()
        .map(|&r| d.progress[r].date.start)
        .max()
        .unwrap_or(idx.as_of);
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        o,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml(l.lang)
    );
    let _ = writeln!(o, "  <id>{}</id>", urn(&format!("feed:{path}")));
    let _ = writeln!(o, "  <title>{}</title>", xml(title));
    let _ = writeln!(o, "  <updated>{}</updated>", stamp(updated));
    let _ = writeln!(
        o,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml(&cfg.absolute(path))
    );
    let _ = writeln!(
        o,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml(&cfg.absolute(page))
    );
    let _ = writeln!(
        o,
        "  <author><name>{}</name></author>",
        xml(cfg.title.plain(l.lang, l.langs))
    );
    let _ = writeln!(o, "  <generator>lotrinh</generator>");
    for &r in records {
        let p = &d.progress[r];
        let who = (l.tr)(&format!("by.{}", p.by.as_str()));
        let who = match &p.by_name {
            Some(n) => format!("{who}: {}", n.plain(l.lang, l.langs)),
            None => who,
        };
        let (src, src_url) = source_line(l, idx, &p.source);
        // The entry's page: its first task, else its first recommendation.
        let target = p
            .tasks
            .iter()
            .find(|t| idx.task.contains_key(t.id.as_str()))
            .map(|t| Collection::Tasks.page(l.lang, &t.id))
            .or_else(|| {
                p.recommendations
                    .iter()
                    .find(|x| idx.rec.contains_key(x.id.as_str()))
                    .map(|x| Collection::Recommendations.page(l.lang, &x.id))
            })
            .unwrap_or_else(|| page.to_string());
        let mut content = p.text.plain(l.lang, l.langs).to_string();
        if let Some(n) = &p.note {
            let _ = write!(content, "\n\n{}", n.plain(l.lang, l.langs));
        }
        let _ = write!(content, "\n\n{}: {src}", (l.tr)("state.source"));
        if let Some(u) = &src_url {
            let _ = write!(content, " <{u}>");
        }
        o.push_str("  <entry>\n");
        let _ = writeln!(
            o,
            "    <id>{}</id>",
            urn(&format!("progress:{}:{}", l.lang, p.id.id))
        );
        let _ = writeln!(o, "    <title>{}</title>", xml(&entry_title(l, idx, p)));
        let _ = writeln!(o, "    <updated>{}</updated>", stamp(p.date.start));
        let _ = writeln!(o, "    <published>{}</published>", stamp(p.date.start));
        let _ = writeln!(o, "    <author><name>{}</name></author>", xml(&who));
        let _ = writeln!(
            o,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml(&cfg.absolute(&target))
        );
        if let Some(u) = &src_url {
            let _ = writeln!(o, "    <link rel=\"related\" href=\"{}\"/>", xml(u));
        }
        let _ = writeln!(o, "    <category term=\"{}\"/>", p.by.as_str());
        if let Some(s) = p.status {
            let _ = writeln!(o, "    <category term=\"{}\"/>", s.as_str());
        }
        let _ = writeln!(o, "    <content type=\"text\">{}</content>", xml(&content));
        o.push_str("  </entry>\n");
    }
    o.push_str("</feed>\n");
    o.into_bytes()
}

/// Escapes a TEXT value of iCalendar (RFC 5545, 3.3.11).
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character, and
/// ends it with CRLF (RFC 5545, 3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// An iCalendar file of every upcoming milestone (on or after `as_of`) of
/// every task not recorded as done: one all-day event per milestone.
pub(crate) fn ics(cfg: &Config, l: &Lang<'_>, idx: &Index<'_>) -> Vec<u8> {
    let d = idx.data;
    let mut events: Vec<(jiff::civil::Date, Ix<Task>)> = Vec::new();
    for (ti, t) in d.tasks.enumerated() {
        let st = idx.state(ti);
        if t.heading || st == State::Done {
            continue;
        }
        for due in &t.due {
            if due.date >= idx.as_of {
                events.push((due.date, ti));
            }
        }
    }
    events.sort();
    events.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut o = String::new();
    let title = format!(
        "{}: {}",
        cfg.title.plain(l.lang, l.langs),
        (l.tr)("nav.deadlines")
    );
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!("PRODID:-//lotrinh//deadlines {}//EN", ics_text(l.lang)),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", ics_text(&title)),
    ] {
        fold(&line, &mut o);
    }
    let stamp = format!(
        "{:04}{:02}{:02}T000000Z",
        idx.as_of.year(),
        idx.as_of.month(),
        idx.as_of.day()
    );
    for (date, ti) in events {
        let t = &d.tasks[ti];
        let ymd = |x: jiff::civil::Date| format!("{:04}{:02}{:02}", x.year(), x.month(), x.day());
        let next = date.tomorrow().unwrap_or(date);
        let text = t.text.plain(l.lang, l.langs);
        let clipped: String = if text.chars().count() > 120 {
            format!("{}…", text.chars().take(119).collect::<String>().trim_end())
        } else {
            text.to_string()
        };
        let leads: Vec<&str> = t
            .lead
            .iter()
            .filter_map(|a| idx.agency.get(a.agency.id.as_str()))
            .map(|&a| d.agencies[a].name.plain(l.lang, l.langs))
            .collect();
        let mut desc = format!("{} {}: {text}", t.ref_, t.plan.id);
        if !leads.is_empty() {
            let _ = write!(desc, "\n{}: {}", (l.tr)("task.lead"), leads.join(", "));
        }
        if let Some(tf) = &t.timeframe {
            let _ = write!(
                desc,
                "\n{}: {}",
                (l.tr)("task.timeframe"),
                tf.plain(l.lang, l.langs)
            );
        }
        let _ = write!(
            desc,
            "\n{}: {} ({})",
            (l.tr)("task.state"),
            (l.tr)(&format!("deadline.{}", idx.state(ti).as_str())),
            idx.as_of
        );
        let url = cfg.absolute(&Collection::Tasks.page(l.lang, &t.id.id));
        // URL takes an absolute URI: with a relative base_url ("/") the
        // address goes into the description instead.
        let absolute = cfg.base_url.is_full();
        if !absolute {
            let _ = write!(desc, "\n{url}");
        }
        let mut lines = vec![
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}-{}-{}@lotrinh", t.id.id, ymd(date), l.lang),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", ymd(date)),
            format!("DTEND;VALUE=DATE:{}", ymd(next)),
            format!("SUMMARY:{}", ics_text(&format!("{} {clipped}", t.ref_))),
            format!("DESCRIPTION:{}", ics_text(&desc)),
            "TRANSP:TRANSPARENT".to_string(),
        ];
        if absolute {
            lines.push(format!("URL:{url}"));
        }
        lines.push("END:VEVENT".to_string());
        for line in lines {
            fold(&line, &mut o);
        }
    }
    fold("END:VCALENDAR", &mut o);
    o.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_without_splitting_characters() {
        let mut o = String::new();
        fold(&format!("SUMMARY:{}", "Bộ Tư pháp ".repeat(20)), &mut o);
        for line in o.split("\r\n").filter(|x| !x.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = o.replace("\r\n ", "");
        assert_eq!(
            unfolded,
            format!("SUMMARY:{}\r\n", "Bộ Tư pháp ".repeat(20))
        );
    }

    #[test]
    fn text_is_escaped_for_both_formats() {
        assert_eq!(ics_text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        assert_eq!(
            xml("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(urn("x"), urn("x"));
        assert_ne!(urn("x"), urn("y"));
        assert_eq!(urn("x").len(), "urn:uuid:".len() + 36);
    }
}
