//! Indicators as readers read them: periods and breakdowns in words of the
//! page's language (never `level=district` or `2011-2016 term` on a
//! Vietnamese page), the latest value of each indicator with its year and
//! target, the age of the data against `as_of`, and a summary of rated
//! indicators' change since the previous assessment.

use crate::model::{Document, Indicator, IndicatorValue, Ix, Records};
use crate::present::views::{Ctx, Views, list, obj, opt};
use minijinja::Value;
use std::collections::BTreeMap;

/// Data whose last year is more than this many years before `as_of` is
/// said to be old where it is shown.
pub(crate) const OLD_AFTER_YEARS: i16 = 3;

/// A period as people say it: `2011-2016 term` → "nhiệm kỳ 2011-2016",
/// `undated` → "không ghi năm"; a year or a span of years stays as written.
pub(crate) fn period_label(c: &Ctx<'_>, p: &str) -> String {
    if let Some(span) = p.strip_suffix(" term") {
        return c.trf("period.term", &[("p", span.trim().to_string())]);
    }
    if p == "undated" {
        return c.tr("period.undated");
    }
    p.to_string()
}

/// A breakdown (`level=district`) in words: the interface string
/// `breakdown.level.district` where the theme has one, else the key's label
/// and the value with its hyphens as spaces ("Level: district").
pub(crate) fn breakdown_label(c: &Ctx<'_>, b: &str) -> String {
    let lookup = |k: &str| c.string(k).map(str::to_string);
    match b.split_once('=') {
        Some((k, v)) => lookup(&format!("breakdown.{k}.{v}")).unwrap_or_else(|| {
            let v = v.replace('-', " ");
            match lookup(&format!("breakdown.{k}")) {
                Some(kl) => format!("{kl}: {v}"),
                None => format!("{}: {v}", k.replace('-', " ")),
            }
        }),
        None => lookup(&format!("breakdown.{b}")).unwrap_or_else(|| b.replace('-', " ")),
    }
}

/// The first and last year a period covers (`2011-2016 term` → 2011, 2016);
/// `None` for a period with no year.
pub(crate) fn period_years(p: &str) -> Option<(i16, i16)> {
    let years: Vec<i16> = p
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse().ok())
        .collect();
    Some((*years.iter().min()?, *years.iter().max()?))
}

/// "≥ 35 (2020)": a target as printed.
pub(crate) fn target_label(c: &Ctx<'_>, ind: &Indicator) -> Option<String> {
    let t = ind.target.as_ref()?;
    let op = match t.op.as_str() {
        ">=" => "≥",
        "<=" => "≤",
        o => o,
    };
    let year = t.year.map(|y| format!(" ({y})")).unwrap_or_default();
    Some(format!("{op} {}{year}", c.num().show(t.value)))
}

/// A value with its unit ("24.1%", "54 per 100,000 live births") or, for a
/// rated indicator, its level's label.
fn value_label(c: &Ctx<'_>, ind: &Indicator, v: &IndicatorValue) -> Option<String> {
    let raw = v.value.as_deref()?;
    if !ind.scale.is_empty() {
        return Some(scale_label(c, raw));
    }
    let shown = v
        .number
        .map(|n| c.num().show(n))
        .unwrap_or_else(|| raw.to_string());
    Some(match ind.unit.as_ref().map(|u| u.plain(c.lang, c.langs)) {
        Some("%") => format!("{shown}%"),
        Some(u) if !u.is_empty() => format!("{shown} {u}"),
        _ => shown,
    })
}

/// A level of a rated indicator's scale in this language; a level the theme
/// has no words for is shown as the data writes it.
pub(crate) fn scale_label(c: &Ctx<'_>, level: &str) -> String {
    c.string(&format!("scale.{level}"))
        .unwrap_or(level)
        .to_string()
}

/// The years the values of some indicators cover, and whether that is old
/// as of `as_of`: "data from 2011–2018; nothing newer recorded".
pub(crate) fn data_age<'v>(
    c: &Ctx<'_>,
    values: impl Iterator<Item = &'v IndicatorValue>,
) -> Option<Value> {
    let (mut from, mut to) = (i16::MAX, i16::MIN);
    for v in values.filter(|v| v.value.is_some()) {
        if let Some((a, b)) = period_years(&v.period) {
            from = from.min(a);
            to = to.max(b);
        }
    }
    if from > to {
        return None;
    }
    let span = if from == to {
        from.to_string()
    } else {
        format!("{from}–{to}")
    };
    let old = c.idx.as_of.year() - to > OLD_AFTER_YEARS;
    let text = if old {
        c.trf("ind.age_old", &[("span", span.clone())])
    } else {
        c.trf("ind.age", &[("span", span.clone())])
    };
    Some(obj([
        ("span", Value::from(span)),
        ("old", Value::from(old)),
        ("text", Value::from(text)),
    ]))
}

/// The values of an indicator's latest period (by last year, then first).
fn latest<'d>(vals: &[&'d IndicatorValue]) -> (Option<&'d str>, Vec<&'d IndicatorValue>) {
    let key = |v: &IndicatorValue| period_years(&v.period).map(|(a, b)| (b, a));
    let best = vals
        .iter()
        .filter(|v| v.value.is_some())
        .filter_map(|v| key(v).map(|k| (k, v.period.as_str())))
        .max();
    match best {
        None => (None, Vec::new()),
        Some((_, p)) => (
            Some(p),
            vals.iter()
                .copied()
                .filter(|v| v.period == p && v.value.is_some())
                .collect(),
        ),
    }
}

/// The indicators grouped by their source document (in document order;
/// those with no known source last), each group in data order: the order
/// of the indicators page, and what it is cut into pages by.
pub(crate) fn by_source(idx: &crate::check::index::Index<'_>) -> Vec<SourceGroup> {
    let d = idx.data;
    // Known sources first (`false` sorts before `true`), in document order.
    type Key = (bool, Option<Ix<Document>>);
    let mut by_source: BTreeMap<Key, Vec<Ix<Indicator>>> = BTreeMap::new();
    for (i, ind) in d.indicators.enumerated() {
        let src = ind
            .source
            .as_ref()
            .and_then(|s| idx.document.get(s.id.as_str()).copied());
        by_source.entry((src.is_none(), src)).or_default().push(i);
    }
    by_source
        .into_iter()
        .map(|((_, doc), inds)| (doc, inds))
        .collect()
}

/// The indicators of one source document (none: no known source).
pub(crate) type SourceGroup = (Option<Ix<Document>>, Vec<Ix<Indicator>>);

/// A source's part of one page: its document, all its indicators, and
/// those on the page.
pub(crate) type SourcePart<'a> = (
    Option<Ix<Document>>,
    &'a [Ix<Indicator>],
    &'a [Ix<Indicator>],
);

/// The groups of one page of the indicators page: for each source on the
/// page, its document (none: no known source), all its indicators and
/// those on the page (`pages::page_groups` of `by_source`). Indicators
/// grouped by their source document, each with its latest value, that
/// value's period and its target; per source, the years its data covers
/// and, where its rated indicators say how they changed, a summary of the
/// change. A source whose indicators run over a page edge shows on both
/// pages, each with its part of the rows; its years and its summary are of
/// all its indicators, its comparison table of those on the page.
pub(crate) fn index(c: &Ctx<'_>, v: &Views, parts: &[SourcePart<'_>]) -> Value {
    let idx = c.idx;
    let d = idx.data;
    let groups: Vec<Value> = parts
        .iter()
        .map(|&(src, inds, shown)| {
            let vals = |i: Ix<Indicator>| -> Vec<&IndicatorValue> {
                idx.ind_values[i].iter().map(|&x| &d.values[x]).collect()
            };
            let rows: Vec<Value> = shown
                .iter()
                .map(|&i| {
                    let ind = &d.indicators[i];
                    let all = vals(i);
                    let (period, now) = latest(&all);
                    let values: Vec<Value> = now
                        .iter()
                        .map(|x| {
                            obj([
                                (
                                    "breakdown",
                                    opt(x.breakdown.as_deref().map(|b| breakdown_label(c, b))),
                                ),
                                ("value", opt(value_label(c, ind, x))),
                                (
                                    "change",
                                    opt(x
                                        .change
                                        .as_deref()
                                        .map(|ch| c.tr(&format!("change.short.{ch}")))),
                                ),
                            ])
                        })
                        .collect();
                    obj([
                        ("indicator", v.indicators[i].clone()),
                        ("period", opt(period.map(|p| period_label(c, p)))),
                        ("values", list(values)),
                        ("target", opt(target_label(c, ind))),
                    ])
                })
                .collect();
            let all_vals = inds.iter().flat_map(|&i| vals(i));
            obj([
                (
                    "source",
                    src.map(|doc| v.documents[doc].clone())
                        .unwrap_or(Value::from(())),
                ),
                ("age", data_age(c, all_vals).unwrap_or_default()),
                ("rows", list(rows)),
                (
                    "summary",
                    change_summary(c, v, inds, shown).unwrap_or_default(),
                ),
            ])
        })
        .collect();
    list(groups)
}

/// For rated indicators whose latest values say how they changed: how many
/// are at each level in the latest period, and how many of those are
/// unchanged, higher or lower than in the previous assessment; and the
/// numeric indicators of the same source with a value in both periods
/// (an overall score). The previous period is the one before the latest
/// among the source's values (2019 before 2022 for the R2P assessment).
fn change_summary(
    c: &Ctx<'_>,
    v: &Views,
    inds: &[Ix<Indicator>],
    shown: &[Ix<Indicator>],
) -> Option<Value> {
    let idx = c.idx;
    let d = idx.data;
    let mut periods: Vec<(i16, i16, &str)> = inds
        .iter()
        .flat_map(|&i| idx.ind_values[i].iter().map(|&x| &d.values[x]))
        .filter_map(|x| period_years(&x.period).map(|(a, b)| (b, a, x.period.as_str())))
        .collect();
    periods.sort();
    periods.dedup();
    let latest = periods.last()?.2;
    let previous = periods.len().checked_sub(2).map(|k| periods[k].2);
    let scale = inds
        .iter()
        .map(|&i| &d.indicators[i].scale)
        .find(|s| !s.is_empty())?;
    // level → [rated, unchanged, increase, decrease]
    let mut counts = vec![[0usize; 4]; scale.len()];
    let mut any_change = false;
    for &i in inds {
        let ind = &d.indicators[i];
        if ind.scale != *scale {
            continue;
        }
        for x in idx.ind_values[i].iter().map(|&x| &d.values[x]) {
            let (Some(val), true) = (x.value.as_deref(), x.period == latest) else {
                continue;
            };
            let Some(level) = scale.iter().position(|l| l == val) else {
                continue;
            };
            counts[level][0] += 1;
            match x.change.as_deref() {
                Some("unchanged") => counts[level][1] += 1,
                Some("increase") => counts[level][2] += 1,
                Some("decrease") => counts[level][3] += 1,
                _ => continue,
            }
            any_change = true;
        }
    }
    if !any_change {
        return None;
    }
    let mut total = [0usize; 4];
    let levels: Vec<Value> = scale
        .iter()
        .enumerate()
        .rev()
        .map(|(k, l)| {
            for (t, n) in total.iter_mut().zip(counts[k]) {
                *t += n;
            }
            obj([
                ("level", Value::from(l.as_str())),
                ("label", Value::from(scale_label(c, l))),
                ("counts", Value::from(counts[k].to_vec())),
            ])
        })
        .collect();
    // Numeric indicators of the source shown on the page (`shown`: a
    // source's indicators may run over several pages) with a value in both
    // periods.
    let mut compare = Vec::new();
    if let Some(prev) = previous {
        for &i in shown {
            let ind = &d.indicators[i];
            if !ind.scale.is_empty() {
                continue;
            }
            let at = |p: &str| {
                idx.ind_values[i]
                    .iter()
                    .map(|&x| &d.values[x])
                    .find(|x| x.period == p && x.breakdown.is_none() && x.value.is_some())
                    .and_then(|x| value_label(c, ind, x))
            };
            if let (Some(a), Some(b)) = (at(prev), at(latest)) {
                compare.push(obj([
                    ("indicator", v.indicators[i].clone()),
                    ("previous", Value::from(a)),
                    ("latest", Value::from(b)),
                ]));
            }
        }
    }
    Some(obj([
        ("latest", Value::from(period_label(c, latest))),
        ("previous", opt(previous.map(|p| period_label(c, p)))),
        ("levels", list(levels)),
        ("total", Value::from(total.to_vec())),
        ("compare", list(compare)),
    ]))
}

/// The indicator rows of a theme page: each with its latest value and year.
pub(crate) fn rows_for(c: &Ctx<'_>, v: &Views, inds: &[Ix<Indicator>]) -> Value {
    let d = c.idx.data;
    list(
        inds.iter()
            .map(|&i| {
                let ind = &d.indicators[i];
                let all: Vec<&IndicatorValue> =
                    c.idx.ind_values[i].iter().map(|&x| &d.values[x]).collect();
                let (period, now) = latest(&all);
                let shown: Vec<String> = now
                    .iter()
                    .filter_map(|x| {
                        let val = value_label(c, ind, x)?;
                        Some(match &x.breakdown {
                            Some(b) => format!("{}: {val}", breakdown_label(c, b)),
                            None => val,
                        })
                    })
                    .collect();
                obj([
                    ("indicator", v.indicators[i].clone()),
                    ("period", opt(period.map(|p| period_label(c, p)))),
                    ("value", Value::from(shown.join("; "))),
                ])
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_years_reads_years_terms_and_spans() {
        assert_eq!(period_years("2016"), Some((2016, 2016)));
        assert_eq!(period_years("2011-2016 term"), Some((2011, 2016)));
        assert_eq!(period_years("2016-2018"), Some((2016, 2018)));
        assert_eq!(period_years("undated"), None);
        assert_eq!(period_years("12345"), None);
    }
}
