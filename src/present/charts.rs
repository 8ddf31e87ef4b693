//! Charts drawn at build time as inline SVG: no script, no chart library in
//! the browser. Every chart carries `role="img"`, a title and a description
//! (its text alternative, a sentence the caller writes in the page's
//! language); series and states differ by shape, dash or pattern as well as
//! colour, so they read in print and in greyscale. Coordinates are written
//! with a fixed number of decimals so the same data gives the same bytes.
//!
//! Every text from data is escaped here; the caller passes plain text.
//! Drawn marks carry `data-*` attributes naming what they show, and the SVG
//! records its axis (`data-y-axis`, `data-x-axis`) so a test can read a drawn
//! position back into a value.

use crate::check::state::State;
use crate::publish::table::fmt_num;
use crate::source::markdown::escape;
use std::fmt::Write;

/// Colours with at least 4.5:1 contrast on white (WCAG AA for text, and
/// more than the 3:1 graphics need).
const INK: [&str; 6] = [
    "#0b5394", "#a4000f", "#1e6b30", "#7a4b00", "#5b2a86", "#1b1f24",
];
const DASHES: [&str; 6] = ["", "6 3", "2 3", "8 3 2 3", "12 4", "1 2"];
const MUTED: &str = "#505a66";
const GRID: &str = "#d5dbe1";

/// A number for an SVG coordinate: two decimals at most, no trailing zeros.
fn px(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// How a language writes numbers for readers: its decimal mark and the mark
/// that groups thousands (Vietnamese "27,85" and "15.305", English "27.85"
/// and "15,305"). The marks come from the theme's i18n files
/// (`number.decimal`, `number.group`); datasets and `data-` attributes keep
/// [`fmt_num`]'s plain form, which programs read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NumFmt<'a> {
    pub decimal: &'a str,
    pub group: &'a str,
}

impl NumFmt<'_> {
    /// The plain form: `.` for decimals, no grouping (the tests' reference).
    #[cfg(test)]
    pub(crate) const PLAIN: NumFmt<'static> = NumFmt {
        decimal: ".",
        group: "",
    };

    /// A number for a reader: [`fmt_num`]'s digits with this language's marks.
    pub(crate) fn show(&self, v: f64) -> String {
        self.marks(&fmt_num(v))
    }

    /// Puts this language's marks into a plain number ("-15305.5").
    fn marks(&self, plain: &str) -> String {
        let (sign, digits) = match plain.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", plain),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        // Only plain digit runs are grouped: "1e20" or "inf" stay as written.
        let mut out = String::from(sign);
        if int.len() > 3 && int.bytes().all(|b| b.is_ascii_digit()) {
            for (i, ch) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    out.push_str(self.group);
                }
                out.push(ch);
            }
        } else {
            out.push_str(int);
        }
        if !frac.is_empty() {
            out.push_str(self.decimal);
            out.push_str(frac);
        }
        out
    }
}

/// A tick label with as many decimals as the step needs (0.1 + 0.2 shows as 0.3).
fn fmt_tick(v: f64, step: f64) -> String {
    let decimals = (0..6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6) as usize;
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Ticks for an axis from 0 (or the minimum) to at least `max`: a 1-2-5 step giving about five ticks.
fn ticks(min: f64, max: f64) -> (f64, f64, Vec<f64>) {
    let span = (max - min).max(1e-9);
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let lo = (min / step).floor() * step;
    let hi = (max / step).ceil() * step;
    let n = ((hi - lo) / step).round() as usize;
    let t = (0..=n).map(|i| lo + step * i as f64).collect();
    (lo, hi.max(lo + step), t)
}

/// A drawn chart and the sentence that stands for it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chart {
    /// Drawn 640 wide, for screens wider than a phone.
    pub svg: String,
    /// The same chart drawn 320 wide with larger type, for phones: scaled
    /// into a phone's 296-400 px its text stays at 12 CSS px or more, where
    /// the wide drawing's would shrink to 6 or 7 (the theme shows one of the
    /// two by the screen's width).
    pub narrow: String,
    pub summary: String,
}

/// The frame a chart is drawn in: its width, text size and whether it is
/// the narrow (phone) drawing.
#[derive(Debug, Clone, Copy)]
struct Frame {
    w: f64,
    font: f64,
    narrow: bool,
}

const WIDE: Frame = Frame {
    w: 640.0,
    font: 12.0,
    narrow: false,
};
/// 13 user units at 320 wide: 12 CSS px or more from 296 px up (a 320 px
/// phone less the page's margins).
const NARROW: Frame = Frame {
    w: 320.0,
    font: 13.0,
    narrow: true,
};

/// A chart's id in a frame: the narrow drawing's ids differ, as both are in the page.
fn frame_id(id: &str, f: Frame) -> String {
    if f.narrow {
        format!("{id}-narrow")
    } else {
        id.to_string()
    }
}

#[allow(clippy::too_many_arguments)]
fn open_svg(out: &mut String, id: &str, f: Frame, h: f64, title: &str, summary: &str, data: &str) {
    let w = f.w;
    let class = if f.narrow {
        "chart chart-narrow"
    } else {
        "chart chart-wide"
    };
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" id=\"{id}\" role=\"img\" \
         aria-labelledby=\"{id}-t {id}-d\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" \
         preserveAspectRatio=\"xMinYMin meet\" font-family=\"system-ui, sans-serif\" font-size=\"{}\"{data}>\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        px(w),
        px(h),
        px(w),
        px(h),
        px(f.font),
        escape(title),
        escape(summary),
    );
}

/// A marker shape centred on (x, y): circle, square, triangle, diamond, …
fn marker(out: &mut String, shape: usize, x: f64, y: f64, ink: &str) {
    let (x, y) = (x, y);
    match shape % 6 {
        0 => {
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{ink}\"/>",
                px(x),
                px(y)
            );
        }
        1 => {
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"{ink}\"/>",
                px(x - 4.0),
                px(y - 4.0)
            );
        }
        2 => {
            let _ = write!(
                out,
                "<path d=\"M{} {}L{} {}L{} {}Z\" fill=\"{ink}\"/>",
                px(x),
                px(y - 5.0),
                px(x + 5.0),
                px(y + 4.0),
                px(x - 5.0),
                px(y + 4.0)
            );
        }
        3 => {
            let _ = write!(
                out,
                "<path d=\"M{} {}L{} {}L{} {}L{} {}Z\" fill=\"{ink}\"/>",
                px(x),
                px(y - 5.0),
                px(x + 5.0),
                px(y),
                px(x),
                px(y + 5.0),
                px(x - 5.0),
                px(y)
            );
        }
        4 => {
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#fff\" stroke=\"{ink}\" stroke-width=\"2\"/>",
                px(x),
                px(y)
            );
        }
        _ => {
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"{ink}\" stroke-width=\"2\"/>",
                px(x - 4.0),
                px(y - 4.0)
            );
        }
    }
}

/// One observation of a numeric indicator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    /// Index into the chart's periods.
    pub period: usize,
    pub value: f64,
}

/// The observations of one breakdown ("level=provincial"), or of the whole.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub name: String,
    pub points: Vec<Point>,
}

/// An indicator's values over time against its target.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    /// Periods in order, as written ("2016", "2016-2020 term").
    pub periods: Vec<String>,
    pub series: Vec<Series>,
    /// Target value and its label ("Target ≥ 35 (2020)").
    pub target: Option<(f64, String)>,
    /// Axis unit ("%"), shown above the axis.
    pub unit: &'a str,
    /// How the page's language writes numbers (ticks and point titles).
    pub num: NumFmt<'a>,
}

/// Orders periods in time: by the first four-digit year in them, then as
/// written; periods without a year ("undated") come last.
pub(crate) fn period_order(p: &str) -> (bool, i32, String) {
    let year = p
        .as_bytes()
        .windows(4)
        .find(|w| w.iter().all(u8::is_ascii_digit))
        .and_then(|w| std::str::from_utf8(w).ok()?.parse().ok());
    (year.is_none(), year.unwrap_or(0), p.to_string())
}

pub(crate) fn line(c: &Line<'_>) -> Chart {
    Chart {
        svg: line_in(c, WIDE),
        narrow: line_in(c, NARROW),
        summary: c.summary.to_string(),
    }
}

fn line_in(c: &Line<'_>, f: Frame) -> String {
    let n = c.periods.len().max(1);
    let (w, left, right, top) = if f.narrow {
        (f.w, 44.0, 12.0, 28.0)
    } else {
        (f.w, 56.0, 24.0, 28.0)
    };
    let id = &frame_id(c.id, f);
    let plot_h = 220.0;
    let legend_rows = if c.series.len() > 1 {
        c.series.len()
    } else {
        0
    };
    let bottom = top + plot_h;
    let h = bottom + 44.0 + 18.0 * legend_rows as f64;
    let values = c
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.value));
    let (mut lo, mut hi) = (0f64, f64::MIN);
    for v in values.chain(c.target.iter().map(|t| t.0)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi == f64::MIN {
        hi = 1.0;
    }
    let (y0, y1, ys) = ticks(lo, hi);
    let y = |v: f64| bottom - (v - y0) / (y1 - y0) * plot_h;
    // Plain years sit at their distance in time (a gap shows as a gap);
    // other periods ("2016-2020 term") are evenly spaced in order.
    let years: Option<Vec<f64>> = c
        .periods
        .iter()
        .map(|p| {
            (p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<f64>().ok())
                .flatten()
        })
        .collect();
    let slots: Vec<f64> = match years {
        Some(ys) if ys.len() > 1 => ys.iter().map(|y| y - ys[0]).collect(),
        _ => (0..n).map(|i| i as f64).collect(),
    };
    let span = slots.last().copied().unwrap_or(0.0) + 1.0;
    let step = (w - left - right) / span;
    let x = |i: usize| left + step * (slots.get(i).copied().unwrap_or(0.0) + 0.5);

    let mut out = String::new();
    open_svg(
        &mut out,
        id,
        f,
        h,
        c.title,
        c.summary,
        &format!(
            " data-y-axis=\"{} {} {} {}\"",
            px(y0),
            px(y(y0)),
            px(y1),
            px(y(y1))
        ),
    );
    if !c.unit.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{MUTED}\">{}</text>",
            px(if f.narrow { 2.0 } else { left - 48.0 }),
            px(top - 12.0),
            escape(c.unit)
        );
    }
    for t in &ys {
        let _ = write!(
            out,
            "<line x1=\"{}\" x2=\"{}\" y1=\"{yy}\" y2=\"{yy}\" stroke=\"{GRID}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{MUTED}\">{}</text>",
            px(left),
            px(w - right),
            px(left - 6.0),
            px(y(*t) + 4.0),
            c.num
                .marks(&fmt_tick(*t, ys.get(1).map(|b| b - ys[0]).unwrap_or(1.0))),
            yy = px(y(*t)),
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{l}\" x2=\"{l}\" y1=\"{}\" y2=\"{}\" stroke=\"{MUTED}\"/>\
         <line x1=\"{l}\" x2=\"{}\" y1=\"{b}\" y2=\"{b}\" stroke=\"{MUTED}\"/>",
        px(top),
        px(bottom),
        px(w - right),
        l = px(left),
        b = px(bottom),
    );
    // Period labels; every other one when crowded, all of them in the table.
    let room = if f.narrow { 4 } else { 8 };
    let every = if n > room { n.div_ceil(room) } else { 1 };
    for (i, p) in c.periods.iter().enumerate() {
        if i % every == 0 {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1b1f24\">{}</text>",
                px(x(i)),
                px(bottom + 16.0),
                escape(p)
            );
        }
    }
    if let Some((tv, label)) = &c.target {
        let ty = y(*tv);
        let _ = write!(
            out,
            "<g class=\"target\" data-value=\"{}\"><line x1=\"{}\" x2=\"{}\" y1=\"{ty}\" y2=\"{ty}\" \
             stroke=\"#1b1f24\" stroke-width=\"1.5\" stroke-dasharray=\"10 4 2 4\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1b1f24\" font-weight=\"600\">{}</text></g>",
            fmt_num(*tv),
            px(left),
            px(w - right),
            px(w - right),
            px(ty - 5.0),
            escape(label),
            ty = px(ty),
        );
    }
    for (si, s) in c.series.iter().enumerate() {
        let ink = INK[si % INK.len()];
        let _ = write!(
            out,
            "<g class=\"series\" data-series=\"{}\">",
            escape(&s.name)
        );
        if s.points.len() > 1 {
            let pts: Vec<String> = s
                .points
                .iter()
                .map(|p| format!("{},{}", px(x(p.period)), px(y(p.value))))
                .collect();
            let dash = DASHES[si % DASHES.len()];
            let _ = write!(
                out,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{ink}\" stroke-width=\"2\"{}/>",
                pts.join(" "),
                if dash.is_empty() {
                    String::new()
                } else {
                    format!(" stroke-dasharray=\"{dash}\"")
                }
            );
        }
        for p in &s.points {
            let period = c.periods.get(p.period).map(String::as_str).unwrap_or("");
            let _ = write!(
                out,
                "<g class=\"point\" data-period=\"{}\" data-value=\"{}\" data-y=\"{}\"><title>{}{}: {}</title>",
                escape(period),
                fmt_num(p.value),
                px(y(p.value)),
                if s.name.is_empty() {
                    String::new()
                } else {
                    format!("{}, ", escape(&s.name))
                },
                escape(period),
                c.num.show(p.value)
            );
            marker(&mut out, si, x(p.period), y(p.value), ink);
            out.push_str("</g>");
        }
        out.push_str("</g>");
    }
    // Legend: marker, dash and name, so no series is told by colour alone.
    if legend_rows > 0 {
        for (si, s) in c.series.iter().enumerate() {
            let ly = bottom + 40.0 + 18.0 * si as f64;
            let ink = INK[si % INK.len()];
            let dash = DASHES[si % DASHES.len()];
            let _ = write!(
                out,
                "<line x1=\"{}\" x2=\"{}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{ink}\" stroke-width=\"2\"{}/>",
                px(left),
                px(left + 28.0),
                if dash.is_empty() {
                    String::new()
                } else {
                    format!(" stroke-dasharray=\"{dash}\"")
                },
                ly = px(ly),
            );
            marker(&mut out, si, left + 14.0, ly, ink);
            // Cut to the width left (the whole name is in the table below).
            let room = ((w - left - 40.0) / (0.6 * f.font)).max(8.0) as usize;
            let name = if s.name.chars().count() > room {
                format!("{}…", s.name.chars().take(room - 1).collect::<String>())
            } else {
                s.name.clone()
            };
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"#1b1f24\">{}</text>",
                px(left + 36.0),
                px(ly + 4.0),
                escape(&name)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// One rating of a rated indicator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rating {
    /// What the row is ("2022", or "2022, level=provincial").
    pub label: String,
    /// Index into the levels.
    pub level: usize,
    /// +1 improved, -1 worsened, 0 unchanged, None not said.
    pub change: Option<i8>,
    /// The change in words ("improved since the previous assessment").
    pub change_text: String,
}

/// A rated indicator: its ordered levels, and where each rating falls.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scale<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    /// (level as in the data, label in the page's language), lowest first.
    pub levels: Vec<(String, String)>,
    pub ratings: Vec<Rating>,
}

pub(crate) fn scale(c: &Scale<'_>) -> Chart {
    Chart {
        svg: scale_in(c, WIDE),
        narrow: scale_in(c, NARROW),
        summary: c.summary.to_string(),
    }
}

fn scale_in(c: &Scale<'_>, f: Frame) -> String {
    let n = c.levels.len().max(1);
    let (w, left, right) = if f.narrow {
        (f.w, 4.0, 4.0)
    } else {
        (f.w, 16.0, 16.0)
    };
    let id = &frame_id(c.id, f);
    let band = (w - left - right) / n as f64;
    let row_h = 64.0;
    let top = 8.0;
    let h = top + 28.0 + row_h * c.ratings.len().max(1) as f64;
    let mut out = String::new();
    let levels: Vec<&str> = c.levels.iter().map(|(l, _)| l.as_str()).collect();
    open_svg(
        &mut out,
        id,
        f,
        h,
        c.title,
        c.summary,
        &format!(
            " data-x-axis=\"{} {}\" data-levels=\"{}\"",
            px(left),
            px(band),
            escape(&levels.join(" "))
        ),
    );
    // Bands shade from light to dark with the level, and each is labelled.
    for (i, (_, label)) in c.levels.iter().enumerate() {
        let shade = 245 - (i * 60 / n.max(2)) as u8;
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"rgb({shade},{shade},{shade})\" stroke=\"{MUTED}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1b1f24\" font-weight=\"600\">{}</text>",
            px(left + band * i as f64),
            px(top),
            px(band),
            px(h - top - 4.0),
            px(left + band * (i as f64 + 0.5)),
            px(top + 18.0),
            escape(label)
        );
    }
    for (ri, r) in c.ratings.iter().enumerate() {
        let cy = top + 28.0 + row_h * ri as f64 + 22.0;
        let cx = left + band * (r.level as f64 + 0.5);
        let level = levels.get(r.level).copied().unwrap_or("");
        let _ = write!(
            out,
            "<g class=\"rating\" data-level=\"{}\" data-label=\"{}\" data-x=\"{}\">\
             <circle cx=\"{}\" cy=\"{}\" r=\"7\" fill=\"#0b5394\" stroke=\"#fff\" stroke-width=\"2\"/>",
            escape(level),
            escape(&r.label),
            px(cx),
            px(cx),
            px(cy)
        );
        // The change as an arrow away from the marker and in words below it.
        if let Some(d) = r.change {
            let (x1, x2) = match d.signum() {
                1 => (cx + 10.0, cx + 34.0),
                -1 => (cx - 10.0, cx - 34.0),
                _ => (cx, cx),
            };
            if x1 != x2 {
                let head = if d > 0 { x2 - 6.0 } else { x2 + 6.0 };
                let _ = write!(
                    out,
                    "<path d=\"M{} {}L{} {}M{} {}L{} {}L{} {}\" stroke=\"#1b1f24\" stroke-width=\"2\" fill=\"none\"/>",
                    px(x1),
                    px(cy),
                    px(x2),
                    px(cy),
                    px(head),
                    px(cy - 5.0),
                    px(x2),
                    px(cy),
                    px(head),
                    px(cy + 5.0)
                );
            }
        }
        let mut words = r.label.clone();
        if !r.change_text.is_empty() {
            words.push_str(": ");
            words.push_str(&r.change_text);
        }
        let anchor = if r.level + 1 == n && n > 1 {
            "end"
        } else if r.level == 0 {
            "start"
        } else {
            "middle"
        };
        let tx = match anchor {
            "end" => left + band * n as f64 - 6.0,
            "start" => left + 6.0,
            _ => cx,
        };
        // Cut to the room the anchor leaves (the whole sentence is in the
        // caption and the table below the chart).
        let room = match anchor {
            "end" => tx,
            "start" => w - tx,
            _ => 2.0 * tx.min(w - tx),
        };
        let fit = ((room / (0.6 * f.font)) as usize).max(8);
        if words.chars().count() > fit {
            words = format!(
                "{}…",
                words.chars().take(fit - 1).collect::<String>().trim_end()
            );
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"#1b1f24\">{}</text></g>",
            px(tx),
            px(cy + 24.0),
            escape(&words)
        );
    }
    out.push_str("</svg>");
    out
}

/// How each task state is drawn: (state, fill colour, pattern), in the
/// order of `State::COUNTED`; a pattern as well as a colour, so that the
/// states can be told apart in greyscale and by colour-blind readers.
const STATES: [(State, &str, &str); 7] = [
    (State::Done, "#1e6b30", "solid"),
    (State::InProgress, "#1f4e8c", "stripes"),
    (State::NotStarted, "#a4000f", "cross"),
    (State::PastDeadline, "#7a4b00", "lines"),
    (State::Upcoming, "#5a3d8a", "dots"),
    (State::Recurring, "#505a66", "grid"),
    (State::NoDeadline, "#505a66", "empty"),
];

/// Counts in the order of `STATES`.
pub(crate) fn state_counts(c: &crate::check::state::Counts) -> [usize; 7] {
    STATES.map(|(s, _, _)| c.get(s))
}

/// One bar: a name, and its counts in the order of `STATES`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    pub key: String,
    pub name: String,
    pub counts: [usize; 7],
}

/// Tasks per agency by status: one stacked bar per agency.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stacked<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    /// Names of the states, in the order of `STATES`.
    pub state_names: [String; 7],
    pub bars: Vec<Bar>,
}

fn pattern_defs(out: &mut String, id: &str) {
    out.push_str("<defs>");
    for (state, ink, kind) in STATES {
        let state = state.as_str();
        let _ = write!(
            out,
            "<pattern id=\"{id}-{state}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"{}>",
            if kind == "stripes" {
                " patternTransform=\"rotate(45)\""
            } else {
                ""
            }
        );
        match kind {
            "solid" => {
                let _ = write!(out, "<rect width=\"6\" height=\"6\" fill=\"{ink}\"/>");
            }
            "stripes" => {
                let _ = write!(
                    out,
                    "<rect width=\"6\" height=\"6\" fill=\"#fff\"/><rect width=\"3\" height=\"6\" fill=\"{ink}\"/>"
                );
            }
            "cross" => {
                let _ = write!(
                    out,
                    "<rect width=\"6\" height=\"6\" fill=\"{ink}\"/><path d=\"M0 3H6M3 0V6\" stroke=\"#fff\" stroke-width=\"1\"/>"
                );
            }
            "lines" => {
                let _ = write!(
                    out,
                    "<rect width=\"6\" height=\"6\" fill=\"#fff\"/><path d=\"M0 1.5H6M0 4.5H6\" stroke=\"{ink}\" stroke-width=\"1.5\"/>"
                );
            }
            "dots" => {
                let _ = write!(
                    out,
                    "<rect width=\"6\" height=\"6\" fill=\"#fff\"/><circle cx=\"3\" cy=\"3\" r=\"1.6\" fill=\"{ink}\"/>"
                );
            }
            "grid" => {
                let _ = write!(
                    out,
                    "<rect width=\"6\" height=\"6\" fill=\"#fff\"/><path d=\"M0 3H6M3 0V6\" stroke=\"{ink}\" stroke-width=\"1.2\"/>"
                );
            }
            _ => {
                let _ = write!(out, "<rect width=\"6\" height=\"6\" fill=\"#fff\"/>");
            }
        }
        out.push_str("</pattern>");
    }
    out.push_str("</defs>");
}

pub(crate) fn stacked(c: &Stacked<'_>) -> Chart {
    Chart {
        svg: stacked_in(c, WIDE),
        narrow: stacked_in(c, NARROW),
        summary: c.summary.to_string(),
    }
}

/// Wide: names left of the bars. Narrow: each name above its bar, and the
/// legend wraps, so nothing is cut at 320 wide.
fn stacked_in(c: &Stacked<'_>, f: Frame) -> String {
    let (w, left, right, top) = if f.narrow {
        (f.w, 2.0, 32.0, 8.0)
    } else {
        (f.w, 220.0, 40.0, 8.0)
    };
    let id = &frame_id(c.id, f);
    let bar_h = 18.0;
    // The narrow drawing's name line sits in the gap above each bar.
    let gap = if f.narrow { 8.0 + f.font + 4.0 } else { 8.0 };
    let name_dy = if f.narrow { -5.0 } else { 13.0 };
    let first = if f.narrow { f.font + 4.0 } else { 0.0 };
    let max = c
        .bars
        .iter()
        .map(|b| b.counts.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let unit = (w - left - right) / max as f64;
    // Legend entries: swatch, name; wrapped into rows that fit the width.
    let mut legend: Vec<(usize, f64, f64)> = Vec::new();
    let (mut lx, mut row) = (left, 0.0);
    for (si, _) in STATES.iter().enumerate() {
        if c.bars.iter().all(|b| b.counts[si] == 0) {
            continue;
        }
        let width = 28.0 + f.font * 0.6 * c.state_names[si].chars().count() as f64;
        if lx > left && lx + width > w {
            lx = left;
            row += 1.0;
        }
        legend.push((si, lx, row));
        lx += width;
    }
    let legend_y = top + first + (bar_h + gap) * c.bars.len() as f64 + 12.0 - (gap - 8.0);
    let h = legend_y + 24.0 + 20.0 * row;
    let mut out = String::new();
    open_svg(
        &mut out,
        id,
        f,
        h,
        c.title,
        c.summary,
        &format!(" data-x-axis=\"{} {}\"", px(left), px(unit)),
    );
    pattern_defs(&mut out, id);
    for (bi, b) in c.bars.iter().enumerate() {
        let y = top + first + (bar_h + gap) * bi as f64;
        let total: usize = b.counts.iter().sum();
        let keep = if f.narrow { 40 } else { 30 };
        let name: String = if b.name.chars().count() > keep {
            format!(
                "{}…",
                b.name.chars().take(keep - 1).collect::<String>().trim_end()
            )
        } else {
            b.name.clone()
        };
        let _ = write!(
            out,
            "<g class=\"bar\" data-key=\"{}\" data-total=\"{total}\"><title>{}</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"{}\" fill=\"#1b1f24\">{}</text>",
            escape(&b.key),
            escape(&b.name),
            px(if f.narrow { left } else { left - 6.0 }),
            px(y + name_dy),
            if f.narrow { "start" } else { "end" },
            escape(&name)
        );
        let mut x = left;
        for (si, &count) in b.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let (state, ink, _) = STATES[si];
            let state = state.as_str();
            let bw = unit * count as f64;
            let _ = write!(
                out,
                "<rect class=\"seg\" data-state=\"{state}\" data-count=\"{count}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" \
                 fill=\"url(#{}-{state})\" stroke=\"{ink}\"><title>{}: {count}</title></rect>",
                px(x),
                px(y),
                px(bw),
                px(bar_h),
                id,
                escape(&c.state_names[si])
            );
            x += bw;
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"#1b1f24\">{total}</text></g>",
            px(x + 4.0),
            px(y + 13.0)
        );
    }
    // Legend: the pattern swatch and the state's name.
    for &(si, lx, row) in &legend {
        let (state, ink, _) = STATES[si];
        let state = state.as_str();
        let name = &c.state_names[si];
        let legend_y = legend_y + 20.0 * row;
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"url(#{}-{state})\" stroke=\"{ink}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"#1b1f24\">{}</text>",
            px(lx),
            px(legend_y),
            id,
            px(lx + 18.0),
            px(legend_y + 11.0),
            escape(name)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_states_are_the_counted_states_in_order() {
        assert_eq!(STATES.map(|(s, _, _)| s), State::COUNTED);
    }

    #[test]
    fn numbers_are_formatted_the_same_way_every_time() {
        assert_eq!(fmt_num(35.0), "35");
        assert_eq!(fmt_num(26.72), "26.72");
        assert_eq!(fmt_num(0.125), "0.125");
        assert_eq!(px(-0.001), "0");
        assert_eq!(px(12.5), "12.5");
        assert_eq!(fmt_tick(0.1 + 0.2, 0.1), "0.3");
        assert_eq!(fmt_tick(7.5, 2.5), "7.5");
        assert_eq!(fmt_tick(40.0, 10.0), "40");
    }

    #[test]
    fn numbers_take_the_languages_marks() {
        let vi = NumFmt {
            decimal: ",",
            group: ".",
        };
        let en = NumFmt {
            decimal: ".",
            group: ",",
        };
        assert_eq!(vi.show(27.85), "27,85");
        assert_eq!(vi.show(15305.0), "15.305");
        assert_eq!(vi.show(-1234567.5), "-1.234.567,5");
        assert_eq!(vi.show(100.0), "100");
        assert_eq!(en.show(15305.0), "15,305");
        assert_eq!(en.show(0.125), "0.125");
        assert_eq!(NumFmt::PLAIN.show(15305.5), "15305.5");
        // Tick labels keep their decimals ("0.50") and take the marks.
        assert_eq!(vi.marks("0.50"), "0,50");
        assert_eq!(vi.marks("1e20"), "1e20");
    }

    #[test]
    fn ticks_cover_the_values_in_round_steps() {
        let (lo, hi, t) = ticks(0.0, 36.0);
        assert_eq!((lo, hi), (0.0, 40.0));
        assert_eq!(t, vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        let (lo, hi, _) = ticks(0.0, 0.0);
        assert!(hi > lo);
    }

    #[test]
    fn periods_sort_by_their_first_year_and_undated_last() {
        let mut p = vec!["undated", "2017", "2016-2020 term", "2011-2015"];
        p.sort_by_key(|x| period_order(x));
        assert_eq!(p, ["2011-2015", "2016-2020 term", "2017", "undated"]);
    }

    #[test]
    fn text_from_data_is_escaped() {
        let c = line(&Line {
            num: NumFmt::PLAIN,
            id: "c",
            title: "<b>t</b>",
            summary: "a & b",
            periods: vec!["<script>".into()],
            series: vec![Series {
                name: "\"x\"".into(),
                points: vec![Point {
                    period: 0,
                    value: 1.0,
                }],
            }],
            target: Some((2.0, "<i>".into())),
            unit: "<u>",
        });
        assert!(!c.svg.contains("<script>") && !c.svg.contains("<b>") && !c.svg.contains("<i>"));
        assert!(c.svg.contains("&lt;script&gt;") && c.svg.contains("a &amp; b"));
        assert!(c.svg.contains("role=\"img\"") && c.svg.contains("aria-labelledby=\"c-t c-d\""));
    }

    #[test]
    fn a_point_is_drawn_where_its_value_is() {
        let c = line(&Line {
            num: NumFmt::PLAIN,
            id: "c",
            title: "t",
            summary: "s",
            periods: vec!["2016".into(), "2017".into()],
            series: vec![Series {
                name: String::new(),
                points: vec![
                    Point {
                        period: 0,
                        value: 10.0,
                    },
                    Point {
                        period: 1,
                        value: 30.0,
                    },
                ],
            }],
            target: Some((35.0, "≥ 35".into())),
            unit: "%",
        });
        // Axis 0..40 over 220 px from y=248: 10 → 193, 30 → 83, 35 → 55.5.
        assert!(c.svg.contains("data-y-axis=\"0 248 40 28\""), "{}", c.svg);
        assert!(c.svg.contains("cy=\"193\"") && c.svg.contains("cy=\"83\""));
        assert!(c.svg.contains("y1=\"55.5\""));
    }

    #[test]
    fn plain_years_are_spaced_by_time_other_periods_evenly() {
        let xs = |periods: &[&str]| -> Vec<f64> {
            let c = line(&Line {
                num: NumFmt::PLAIN,
                id: "c",
                title: "t",
                summary: "s",
                periods: periods.iter().map(|p| p.to_string()).collect(),
                series: vec![Series {
                    name: String::new(),
                    points: (0..periods.len())
                        .map(|period| Point { period, value: 1.0 })
                        .collect(),
                }],
                target: None,
                unit: "",
            });
            c.svg
                .match_indices("<circle cx=\"")
                .map(|(i, m)| {
                    let rest = &c.svg[i + m.len()..];
                    rest[..rest.find('"').unwrap()].parse().unwrap()
                })
                .collect()
        };
        let years = xs(&["2001", "2002", "2004"]);
        assert!(((years[2] - years[1]) - 2.0 * (years[1] - years[0])).abs() < 0.02);
        let terms = xs(&["2011-2015", "2016-2020 term", "2021"]);
        assert!(((terms[2] - terms[1]) - (terms[1] - terms[0])).abs() < 0.02);
    }

    /// WCAG relative luminance contrast between a `#rrggbb` colour and white.
    fn contrast_on_white(hex: &str) -> f64 {
        let ch = |i: usize| {
            let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * ch(1) + 0.7152 * ch(3) + 0.0722 * ch(5);
        1.05 / (l + 0.05)
    }

    #[test]
    fn colours_meet_wcag_aa_on_white() {
        for ink in INK.iter().chain([MUTED].iter()) {
            assert!(
                contrast_on_white(ink) >= 4.5,
                "{ink} as text or line on white"
            );
        }
        for (state, ink, _) in STATES {
            assert!(
                contrast_on_white(ink) >= 3.0,
                "{}: {ink} as a graphic on white",
                state.as_str()
            );
        }
    }
}
