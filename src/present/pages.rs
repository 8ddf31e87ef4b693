//! The pages of the site contract, in one language: where each goes, which
//! template renders it, and how its context is made from the record views.
//! A context is made only when its page is rendered (see `render`), so a
//! build never holds every page's context at once.

use crate::check::deadlines;
use crate::check::index::{Counts, Links, Role, State, Succ};
use crate::model::*;
use crate::present::charts;
use crate::present::feeds;
use crate::present::filters;
use crate::present::indicators::{self, breakdown_label, period_label, scale_label};
use crate::present::views::{Ctx, Job, Make, Views, link, list, obj, opt, pick};
use crate::publish::export::{self, Dataset};
use crate::publish::tables;
use crate::source::load::Loaded;
use crate::source::markdown;
use minijinja::Value;
use std::collections::BTreeMap;

/// The downloads page of one language: made last, once the datasets are
/// written, since it shows their sizes.
pub(crate) fn data_page<'a>(c: &'a Ctx<'a>, site: &'a Loaded, datasets: &'a [Dataset]) -> Job<'a> {
    let lang = c.lang;
    Job {
        path: format!("{}index.html", address::data(lang)),
        template: "data.html",
        lang,
        make: Box::new(move || {
            let ds: Vec<Value> = datasets.iter().map(|x| x.view(lang)).collect();
            minijinja::context! { datasets => ds, jsonld => Value::from_safe_string(dataset_jsonld(c, site, datasets)), howto => crate::publish::downloads::view(&site.config, lang) }
        }),
    }
}

/// Every page of one language but the downloads page, each with the recipe
/// of its context.
pub(crate) fn jobs<'a>(c: &'a Ctx<'a>, v: &'a Views, site: &'a Loaded) -> Vec<Job<'a>> {
    let d = c.idx.data;
    let lang = c.lang;
    let mut jobs = Vec::new();
    let mut push = |path: String, template: &'static str, make: Make<'a>| {
        jobs.push(Job {
            path,
            template,
            lang,
            make,
        });
    };
    // One page per record of a collection, at its address
    // (`Collection::page`).
    macro_rules! records {
        ($collection:expr, $records:expr, $template:literal, $make:ident) => {
            for (i, r) in $records.enumerated() {
                push(
                    format!("{}index.html", $collection.page(lang, &r.id.id)),
                    $template,
                    Box::new(move || {
                        let (title, description) = Meta::meta(c, i);
                        minijinja::context! {
                            meta_title => title,
                            meta_description => description,
                            ..$make(c, v, i)
                        }
                    }),
                );
            }
        };
    }
    // A record whose page holds lists that grow with the data: one job per
    // page of its longest list (`rows(i)` rows), page `k` of each list on
    // page `k` (`<section>/<id>/page/<k>/`).
    macro_rules! records_paged {
        ($collection:expr, $records:expr, $template:literal, $make:ident, $rows:expr) => {
            for (i, r) in $records.enumerated() {
                let base = $collection.page(lang, &r.id.id);
                for k in 1..=page_count($rows(i), PER_PAGE_LISTS) {
                    push(
                        format!("{}index.html", paged_dir(&base, k)),
                        $template,
                        Box::new(move || {
                            let (title, description) = Meta::meta(c, i);
                            minijinja::context! {
                                meta_title => title,
                                meta_description => description,
                                ..$make(c, v, i, k)
                            }
                        }),
                    );
                }
            }
        };
    }
    // A collection's long list, one job per page (`page_count`).
    macro_rules! paged {
        ($collection:expr, $rows:expr, $template:literal, $make:expr) => {
            let base = $collection.list(lang);
            for k in 1..=page_count($rows, PER_PAGE) {
                push(
                    format!("{}index.html", paged_dir(&base, k)),
                    $template,
                    Box::new(move || $make(k)),
                );
            }
        };
    }
    push(
        format!("{}index.html", address::home(lang)),
        "home.html",
        Box::new(move || home(c, v)),
    );
    // An agency row carries a count per state: 100 rows and the chart
    // are about 220 KB.
    for k in 1..=page_count(d.agencies.len(), PER_PAGE_LISTS) {
        push(
            format!(
                "{}index.html",
                paged_dir(&Collection::Agencies.list(lang), k)
            ),
            "agencies.html",
            Box::new(move || agencies(c, v, k)),
        );
    }
    records!(Collection::Agencies, d.agencies, "agency.html", agency);
    let rec_rows: usize = d
        .mechanisms
        .ixs()
        .flat_map(|m| c.idx.mech_docs[m].iter())
        .map(|&doc| c.idx.doc_recs[doc].len())
        .sum();
    paged!(
        Collection::Recommendations,
        rec_rows,
        "recommendations.html",
        |k| { recommendations(c, v, k) }
    );
    if page_count(rec_rows, PER_PAGE) > 1 {
        push(
            format!("{}filters.json", Collection::Recommendations.list(lang)),
            "filters.json",
            Box::new(move || minijinja::context! { options => filter_options(c, &rec_form(v)) }),
        );
    }
    records!(
        Collection::Recommendations,
        d.recommendations,
        "recommendation.html",
        recommendation
    );
    push(
        format!("{}index.html", Collection::Plans.list(lang)),
        "plans.html",
        Box::new(move || plans(c, v)),
    );
    records_paged!(Collection::Plans, d.plans, "plan.html", plan, |i| c
        .idx
        .plan_tasks[i]
        .len());
    let task_rows: usize = c.idx.plan_tasks.iter().map(Vec::len).sum();
    paged!(Collection::Tasks, task_rows, "tasks.html", |k| tasks(
        c, v, k
    ));
    if page_count(task_rows, PER_PAGE) > 1 {
        push(
            format!("{}filters.json", Collection::Tasks.list(lang)),
            "filters.json",
            Box::new(
                move || minijinja::context! { options => filter_options(c, &task_form(c, v)) },
            ),
        );
    }
    records!(Collection::Tasks, d.tasks, "task.html", task);
    push(
        format!("{}index.html", Collection::Themes.list(lang)),
        "themes.html",
        Box::new(move || themes(c, v)),
    );
    records_paged!(Collection::Themes, d.themes, "theme.html", theme, |i| {
        theme_rows(c.idx, i)
    });
    push(
        format!("{}index.html", Collection::Mechanisms.list(lang)),
        "mechanisms.html",
        Box::new(move || mechanisms(c, v)),
    );
    records_paged!(
        Collection::Mechanisms,
        d.mechanisms,
        "mechanism.html",
        mechanism,
        |i| c.idx.mech_recs[i].len()
    );
    // One row per document: 550 at 100,000 synthetic records.
    paged!(
        Collection::Documents,
        d.documents.len(),
        "documents.html",
        |k| minijinja::context! {
            documents => page_of(v.documents.as_slice(), k, PER_PAGE).to_vec(),
            pager => pager(&Collection::Documents.list(lang), k, d.documents.len(), PER_PAGE),
        }
    );
    records_paged!(
        Collection::Documents,
        d.documents,
        "document.html",
        document,
        |i| c.idx.doc_recs[i].len().max(c.idx.doc_indicators[i].len())
    );
    // Indicators by source: one page of `PER_PAGE` rows at a time, the
    // grouping made once for all of them.
    let ind_groups = std::sync::Arc::new(indicators::by_source(c.idx));
    for k in 1..=page_count(d.indicators.len(), PER_PAGE) {
        let groups = ind_groups.clone();
        push(
            format!(
                "{}index.html",
                paged_dir(&Collection::Indicators.list(lang), k)
            ),
            "indicators.html",
            Box::new(move || indicators_page(c, v, &groups, k)),
        );
    }
    records!(
        Collection::Indicators,
        d.indicators,
        "indicator.html",
        indicator
    );
    // Few pages, each listing a year's tasks: made up front.
    for (path, template, ctx) in deadline_pages(c, v) {
        push(path, template, Box::new(move || ctx.clone()));
    }

    // The updates: every progress record, and one list per agency and per
    // mechanism with records (the filter's no-JS slices), each paged.
    let up = std::sync::Arc::new(updates(c, v));
    let lists = std::iter::once(UpdatesOf::All)
        .chain((0..up.agencies.len()).map(UpdatesOf::Agency))
        .chain((0..up.mechanisms.len()).map(UpdatesOf::Mechanism));
    for of in lists {
        let (records, base) = up.list(c, of);
        for k in 1..=page_count(records.len(), PER_PAGE) {
            let up = up.clone();
            push(
                format!("{}index.html", paged_dir(&base, k)),
                "updates.html",
                Box::new(move || updates_page(c, v, &up, of, k)),
            );
        }
    }
    if page_count(up.all.len(), PER_PAGE) > 1 {
        let up = up.clone();
        push(
            address::updates_filters(lang),
            "filters.json",
            Box::new(move || minijinja::context! { options => up.filter_options(c) }),
        );
    }

    // Search, content pages, 404 (the downloads page: see `data_page`).
    push(
        format!("{}index.html", address::search(lang)),
        "search.html",
        Box::new(|| minijinja::context! {}),
    );
    let mut slugs: Vec<&str> = site.pages.iter().map(|p| p.slug.as_str()).collect();
    slugs.sort();
    slugs.dedup();
    for slug in slugs {
        let page = site.pages.iter().find(|p| p.slug == slug && p.lang == lang);
        let (page, fallback) = match page {
            Some(p) => (p, false),
            None => match c
                .langs
                .iter()
                .find_map(|l| site.pages.iter().find(|p| p.slug == slug && &p.lang == l))
            {
                Some(p) => (p, true),
                None => continue,
            },
        };
        push(
            format!("{}index.html", address::content(lang, slug)),
            "page.html",
            Box::new(move || {
                minijinja::context! {
                    title => page.title.as_str(),
                    description => page.description.as_deref(),
                    body => Value::from_safe_string(markdown::block(&page.body)),
                    content_lang => page.lang.as_str(),
                    fallback => fallback,
                }
            }),
        );
    }
    push(
        address::not_found(lang),
        "404.html",
        Box::new(|| minijinja::context! {}),
    );
    jobs
}

/// Characters of a page's description (search engines show about 160).
const DESCRIPTION: usize = 200;

/// A record page's title and description for search engines and link
/// previews (Open Graph, Twitter cards), made from the record: a shared
/// link to a task shows the task, not the site's blurb. One impl per
/// collection with pages, so a record's position picks its own kind.
trait Meta: Sized {
    fn meta(c: &Ctx<'_>, i: Ix<Self>) -> (String, String);
}

/// A text as plain text in the page's language.
fn plain(c: &Ctx<'_>, t: &Text) -> String {
    markdown::plain(t.plain(c.lang, c.langs))
}

/// A record's name, and its description or else its name again.
fn named(c: &Ctx<'_>, name: &Text, description: &Option<Text>) -> (String, String) {
    named_as(plain(c, name), description.as_ref().map(|t| plain(c, t)))
}

impl Meta for Recommendation {
    fn meta(c: &Ctx<'_>, i: Ix<Self>) -> (String, String) {
        let r = &c.idx.data.recommendations[i];
        let words = crate::present::labels::LabelWords::new(|k| c.tr(k));
        (
            crate::present::labels::recommendation(c.idx, i, c.lang, c.langs, &words),
            crate::present::labels::clip(&plain(c, &r.text), DESCRIPTION),
        )
    }
}

impl Meta for Task {
    fn meta(c: &Ctx<'_>, i: Ix<Self>) -> (String, String) {
        (
            crate::present::labels::task(c.idx, i, c.lang, c.langs),
            crate::present::labels::clip(&plain(c, &c.idx.data.tasks[i].text), DESCRIPTION),
        )
    }
}

impl Meta for Agency {
    fn meta(c: &Ctx<'_>, i: Ix<Self>) -> (String, String) {
        use crate::present::labels::clip;
        let idx = c.idx;
        let a = &idx.data.agencies[i];
        let led = idx.agency_duties[i]
            .iter()
            .filter(|x| x.role == Role::Lead)
            .map(|x| x.task)
            .chain(idx.agency_inherited[i].iter().copied());
        // The same states as the page: "overdue" only where a source
        // says not done, past deadline where nothing is recorded.
        let n = idx.count_states(led);
        let counts = format!(
            "{}: {}; {}: {}; {}: {}; {}: {}.",
            c.tr("agency.answers_for"),
            n.total(),
            c.tr("deadline.past-deadline"),
            n.past_deadline,
            c.tr("deadline.overdue_short"),
            n.overdue,
            c.tr("deadline.upcoming"),
            n.upcoming
        );
        let description = a.description.as_ref().map(|t| plain(c, t));
        let about = clip(&description.unwrap_or_default(), DESCRIPTION);
        let text = if n.total() == 0 {
            about
        } else if about.is_empty() {
            counts
        } else {
            format!("{counts} {about}")
        };
        (plain(c, &a.name), clip(&text, DESCRIPTION))
    }
}

impl Meta for Plan {
    fn meta(c: &Ctx<'_>, i: Ix<Self>) -> (String, String) {
        let p = &c.idx.data.plans[i];
        named(c, &p.title, &p.description)
    }
}

impl Meta for Theme {
    fn meta(c: &Ctx<'_>, i: Ix<Self>) -> (String, String) {
        let t = &c.idx.data.themes[i];
        named(c, &t.name, &t.description)
    }
}

impl Meta for Mechanism {
    fn meta(c: &Ctx<'_>, i: Ix<Self>) -> (String, String) {
        let m = &c.idx.data.mechanisms[i];
        named(c, &m.name, &m.description)
    }
}

impl Meta for Document {
    fn meta(c: &Ctx<'_>, i: Ix<Self>) -> (String, String) {
        let x = &c.idx.data.documents[i];
        let title = plain(c, &x.title);
        let name = match &x.symbol {
            Some(s) => format!("{s}: {title}"),
            None => title,
        };
        named_as(name, x.description.as_ref().map(|t| plain(c, t)))
    }
}

impl Meta for Indicator {
    fn meta(c: &Ctx<'_>, i: Ix<Self>) -> (String, String) {
        let x = &c.idx.data.indicators[i];
        named(c, &x.title, &x.description)
    }
}

/// A title, and a description or else the title again.
fn named_as(name: String, description: Option<String>) -> (String, String) {
    let about = description.unwrap_or_default();
    let text = if about.is_empty() { &name } else { &about };
    let text = crate::present::labels::clip(text, DESCRIPTION);
    (name, text)
}

fn home(c: &Ctx<'_>, v: &Views) -> Value {
    let idx = c.idx;
    let d = idx.data;
    let mech_counts: Vec<Value> = d
        .mechanisms
        .enumerated()
        .map(|(i, _)| {
            obj([
                ("mechanism", v.mechanisms[i].clone()),
                ("recommendations", Value::from(idx.mech_recs[i].len())),
                (
                    "follow_up",
                    Value::from(
                        idx.mech_recs[i]
                            .iter()
                            .filter(|&&r| d.recommendations[r].follow_up)
                            .count(),
                    ),
                ),
            ])
        })
        .collect();
    let mut busiest: Vec<(Ix<Agency>, usize)> = d
        .agencies
        .ixs()
        .map(|a| {
            (
                a,
                idx.agency_duties[a]
                    .iter()
                    .filter(|x| x.role == Role::Lead && !d.tasks[x.task].heading)
                    .count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    busiest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let busiest: Vec<Value> = busiest
        .iter()
        .take(10)
        .map(|(a, n)| {
            obj([
                ("agency", v.agencies[*a].clone()),
                ("lead", Value::from(*n)),
            ])
        })
        .collect();
    let mut upcoming: Vec<Ix<Task>> = d
        .tasks
        .ixs()
        .filter(|&t| idx.state(t) == State::Upcoming)
        .collect();
    upcoming.sort_by_key(|&t| (idx.task_last_due[t], t));
    // The latest recorded states: what a source says, newest first.
    let mut recorded: Vec<Ix<Task>> = d.tasks.ixs().filter(|&t| idx.state(t).recorded()).collect();
    recorded.sort_by_key(|&t| {
        let latest = idx.task_state[t].latest.map(|p| d.progress[p].date.start);
        (std::cmp::Reverse(latest), t)
    });
    minijinja::context! {
        mechanisms => mech_counts,
        coverage => all_coverage(c, v),
        plans => plan_counts_for(c, v),
        counts => counts_view(&idx.count_states(d.tasks.ixs())),
        busiest => busiest,
        upcoming => pick(&v.tasks, &upcoming[..upcoming.len().min(8)]),
        recorded => pick(&v.tasks, &recorded[..recorded.len().min(8)]),
        records => d.progress.len(),
        totals => obj([
            ("recommendations", Value::from(d.recommendations.len())),
            ("tasks", Value::from(d.tasks.iter().filter(|t| !t.heading).count())),
            ("agencies", Value::from(d.agencies.len())),
            ("themes", Value::from(d.themes.len())),
            ("indicators", Value::from(d.indicators.len())),
        ]),
        themes => v.themes.clone(),
    }
}

/// The agencies by name: page `k` of them, the chart on the first page.
fn agencies(c: &Ctx<'_>, v: &Views, k: usize) -> Value {
    let idx = c.idx;
    let d = idx.data;
    let led = deadlines::led_by_agency(idx);
    let order = by_name(c, d.agencies.ixs());
    let rows: Vec<Value> = page_of(&order, k, PER_PAGE_LISTS)
        .iter()
        .copied()
        .map(|a| (a, &led[a]))
        .map(|(a, n)| {
            let duties = &idx.agency_duties[a];
            let lead: Vec<Ix<Task>> = duties
                .iter()
                .filter(|x| x.role == Role::Lead && !d.tasks[x.task].heading)
                .map(|x| x.task)
                .collect();
            let coord = duties
                .iter()
                .filter(|x| x.role == Role::Coordinating && !d.tasks[x.task].heading)
                .count();
            let row = obj([
                ("agency", v.agencies[a].clone()),
                ("lead", Value::from(lead.len())),
                ("coordinating", Value::from(coord)),
            ]);
            minijinja::context! { status => counts_view(n), ..row }
        })
        .collect();
    minijinja::context! {
        agencies => rows,
        pager => pager(&Collection::Agencies.list(c.lang), k, order.len(), PER_PAGE_LISTS),
        chart => (k == 1).then(|| agencies_chart(c, &led)).flatten(),
        states => State::COUNTED.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
    }
}

fn agency(c: &Ctx<'_>, v: &Views, ai: Ix<Agency>) -> Value {
    let idx = c.idx;
    let d = idx.data;
    let a = &d.agencies[ai];
    let duties = &idx.agency_duties[ai];
    let mut by_plan: Vec<Value> = Vec::new();
    for (pi, _) in d.plans.enumerated() {
        let row = |role: Role| -> Vec<Value> {
            duties
                .iter()
                .filter(|x| x.role == role && d.tasks[x.task].plan.id == d.plans[pi].id.id)
                .map(|x| {
                    obj([
                        ("task", v.tasks[x.task].clone()),
                        ("note", x.note.map(|n| c.txt(n)).unwrap_or(Value::from(()))),
                    ])
                })
                .collect()
        };
        let (lead, coord) = (row(Role::Lead), row(Role::Coordinating));
        if !lead.is_empty() || !coord.is_empty() {
            by_plan.push(obj([
                ("plan", v.plans[pi].clone()),
                ("lead", list(lead)),
                ("coordinating", list(coord)),
            ]));
        }
    }
    let led = idx.agency_led(ai);
    // The agency's tasks by state, each group in deadline order.
    let by_state: Vec<Value> = State::COUNTED
        .iter()
        .filter_map(|&st| {
            let mut ts: Vec<Ix<Task>> = led
                .iter()
                .copied()
                .filter(|&t| idx.state(t) == st)
                .collect();
            if ts.is_empty() {
                return None;
            }
            ts.sort_by_key(|&t| (idx.task_last_due[t], t));
            Some(obj([
                ("state", Value::from(st.as_str())),
                ("count", Value::from(ts.len())),
                ("rows", pick(&v.tasks, &ts)),
            ]))
        })
        .collect();
    let successors = c.agency_refs(&v.agencies, &a.successors);
    let preds: Vec<Value> = idx.agency_predecessors[ai]
        .iter()
        .map(|(j, n)| c.with_note(&v.agencies[*j], *n))
        .collect();
    let has_tasks = !duties.is_empty();
    let led_counts = idx.count_states(led.iter().copied());
    minijinja::context! {
        agency => v.agencies[ai].clone(),
        description => c.otxt(&a.description),
        url => link(a.url.as_deref()),
        aliases => a.aliases.clone(),
        ended => idx.agency_ended(a).map(|e| e.to_string()),
        legal_basis => c.otxt(&a.legal_basis),
        successors => successors,
        predecessors => preds,
        parent => a.parent.as_ref().and_then(|p| idx.agency.get(p.id.as_str())).map(|&p| v.agencies[p].clone()),
        children => pick(&v.agencies, &idx.agency_children[ai]),
        by_plan => by_plan,
        by_state => by_state,
        inherited => pick(&v.tasks, &idx.agency_inherited[ai]),
        recommendations => pick(&v.recs, &idx.agency_recs[ai]),
        counts => counts_view(&led_counts),
        chart => agency_chart(c, ai, &led_counts),
        download => has_tasks.then(|| export::csv_path(&tables::agency_tasks_name(&a.id.id))),
        download_excel => has_tasks.then(|| export::excel_csv_path(&tables::agency_tasks_name(&a.id.id))),
        updates_feed => feeds::agency_feed(c.lang, &a.id.id),
        updates_page => (!idx.agency_progress[ai].is_empty()).then(|| address::agency_updates(c.lang, &a.id.id)),
        translated => c.translated(&a.prov, &[&a.name]),
    }
}

/// Recommendations, grouped by mechanism and document: page `k` of them.
fn recommendations(c: &Ctx<'_>, v: &Views, k: usize) -> Value {
    let idx = c.idx;
    let lang = c.lang;
    let mechs = &idx.data.mechanisms;
    // Every (mechanism, document) group in list order, then page `k` of it.
    let keys: Vec<(Ix<Mechanism>, Ix<Document>)> = mechs
        .ixs()
        .flat_map(|m| idx.mech_docs[m].iter().map(move |&doc| (m, doc)))
        .filter(|&(_, doc)| !idx.doc_recs[doc].is_empty())
        .collect();
    let groups_rows: Vec<&[Ix<Recommendation>]> = keys
        .iter()
        .map(|&(_, doc)| &idx.doc_recs[doc][..])
        .collect();
    let total: usize = groups_rows.iter().map(|g| g.len()).sum();
    let starts = group_starts(&groups_rows, PER_PAGE);
    let on_page = page_groups(&groups_rows, k, PER_PAGE);
    let base = Collection::Recommendations.list(lang);
    let paged = page_count(total, PER_PAGE) > 1;
    let groups: Vec<Value> = mechs
        .ixs()
        .filter_map(|m| {
            let docs: Vec<Value> = on_page
                .iter()
                .filter(|(g, _)| keys[*g].0 == m)
                .map(|&(g, rows)| {
                    obj([
                        ("document", v.documents[keys[g].1].clone()),
                        ("recommendations", pick(&v.recs, rows)),
                    ])
                })
                .collect();
            // A mechanism shows on the pages holding its rows; on a single
            // page, every mechanism shows (with its empty list) as before.
            (!paged || !docs.is_empty()).then(|| {
                obj([
                    ("mechanism", v.mechanisms[m].clone()),
                    ("documents", list(docs)),
                    ("count", Value::from(idx.mech_recs[m].len())),
                ])
            })
        })
        .collect();
    // The jump links to each mechanism lead to the page where it starts.
    let nav: Vec<Value> = mechs
        .ixs()
        .map(|m| {
            let start = keys
                .iter()
                .position(|&(km, _)| km == m)
                .map(|g| starts[g])
                .unwrap_or(1);
            obj([
                ("mechanism", v.mechanisms[m].clone()),
                ("count", Value::from(idx.mech_recs[m].len())),
                (
                    "page",
                    Value::from(if paged && start != k {
                        paged_dir(&base, start)
                    } else {
                        String::new()
                    }),
                ),
            ])
        })
        .collect();
    minijinja::context! { groups => groups, nav => nav, pager => pager(&base, k, total, PER_PAGE), coverage => all_coverage(c, v), all => v.recs.clone(), themes => v.themes.clone(), mechanisms => v.mechanisms.clone(), filters => rec_form(v), filters_src => paged.then(|| format!("{base}filters.json")), slices => slices(c, v) }
}

/// The filter form of the recommendation list.
fn rec_form(v: &Views) -> Value {
    v.shared.rec_form.get_or_init(|| make_rec_form(v)).clone()
}

fn make_rec_form(v: &Views) -> Value {
    filters::list_form(
        &filters::REC_FILTERS,
        v.facets.rows.recs.iter(),
        &label_views(v),
    )
}

/// The filter form of the task list (tasks of a known plan).
fn task_form(c: &Ctx<'_>, v: &Views) -> Value {
    v.shared
        .task_form
        .get_or_init(|| make_task_form(c, v))
        .clone()
}

fn make_task_form(c: &Ctx<'_>, v: &Views) -> Value {
    let idx = c.idx;
    let rows = idx
        .data
        .tasks
        .enumerated()
        .filter(|(_, t)| idx.plan.contains_key(t.plan.id.as_str()))
        .map(|(i, _)| &v.facets.rows.tasks[i]);
    filters::list_form(&filters::TASK_FILTERS, rows, &label_views(v))
}

/// A filter form's options as JSON (`[{name, options: [[value, label,
/// count]]}]`), for a list on several pages: filters.js reads it when the
/// page opens, so the options (one per agency, twice on the task list) do
/// not weigh on every page of the list.
fn filter_options(c: &Ctx<'_>, form: &Value) -> Value {
    let attr = |v: &Value, k: &str| {
        v.get_attr(k)
            .ok()
            .filter(|x| !x.is_undefined() && !x.is_none())
    };
    let dims = form.try_iter().into_iter().flatten().map(|f| {
        let options = attr(&f, "options")
            .and_then(|o| o.try_iter().ok())
            .into_iter()
            .flatten()
            .map(|o| {
                let label = match attr(&o, "key") {
                    Some(k) => c.tr(k.as_str().unwrap_or_default()),
                    None => attr(&o, "label").map(|l| l.to_string()).unwrap_or_default(),
                };
                list(vec![
                    attr(&o, "value").unwrap_or_default(),
                    Value::from(label),
                    attr(&o, "count").unwrap_or_default(),
                ])
            })
            .collect();
        obj([
            ("name", attr(&f, "name").unwrap_or_default()),
            ("options", list(options)),
        ])
    });
    list(dims.collect())
}

fn recommendation(c: &Ctx<'_>, v: &Views, ri: Ix<Recommendation>) -> Value {
    let idx = c.idx;
    let d = idx.data;
    let r = &d.recommendations[ri];
    let doc = idx.document.get(r.document.id.as_str()).copied();
    minijinja::context! {
        rec => v.recs[ri].clone(),
        document => doc.map(|x| v.documents[x].clone()),
        document_url => doc.and_then(|x| link(d.documents[x].url.as_deref())),
        url => link(r.url.as_deref()),
        groups => r.groups.clone(),
        sdgs => r.sdgs.clone(),
        states => r.recommending_states.clone(),
        related => pick(&v.recs, &idx.rec_related[ri]),
        tasks => pick(&v.tasks, &idx.rec_tasks[ri]),
        chain => rec_chain(c, v, ri),
        ended_named => idx.rec_tasks[ri].iter().any(|&t| {
            let task = &d.tasks[t];
            task.lead.iter().chain(&task.coordinating).any(|r| {
                idx.agency
                    .get(r.agency.id.as_str())
                    .and_then(|&a| idx.agency_ended(&d.agencies[a]))
                    .is_some()
            })
        }),
        task_counts => counts_view(&idx.count_states(idx.rec_tasks[ri].iter().copied())),
        assessments => pick(&v.progress, &idx.rec_progress[ri]),
        agencies => pick(&v.agencies, &idx.rec_agencies[ri]),
        translated => c.translated(&r.prov, &[&r.text]),
    }
}

fn plans(c: &Ctx<'_>, v: &Views) -> Value {
    minijinja::context! { plans => plan_counts_for(c, v) }
}

fn plan(c: &Ctx<'_>, v: &Views, pi: Ix<Plan>, k: usize) -> Value {
    let idx = c.idx;
    let d = idx.data;
    let p = &d.plans[pi];
    let successor = idx.plan_successor[pi].map(|s| match s {
        Succ::Plan(q) => obj([
            ("plan", v.plans[q].clone()),
            ("transcribed", Value::from(!idx.plan_tasks[q].is_empty())),
        ]),
        Succ::Document(doc) => obj([("document", v.documents[doc].clone())]),
    });
    let answers: Vec<Ix<Document>> = p
        .answers
        .iter()
        .filter_map(|a| idx.document.get(a.id.as_str()).copied())
        .collect();
    let doc = idx.document.get(p.document.id.as_str()).copied();
    minijinja::context! {
        plan => v.plans[pi].clone(),
        description => c.otxt(&p.description),
        document => doc.map(|x| v.documents[x].clone()),
        document_url => doc.and_then(|x| link(d.documents[x].url.as_deref())),
        answers => pick(&v.documents, &answers),
        mechanisms => list(p.mechanisms.iter().filter_map(|m| idx.mechanism.get(m.id.as_str()).map(|&m| v.mechanisms[m].clone())).collect()),
        coordinator => p.coordinator.as_ref().and_then(|x| idx.agency.get(x.id.as_str())).map(|&a| v.agencies[a].clone()),
        period => p.period.as_deref(),
        successor => successor,
        predecessors => pick(&v.plans, &idx.plan_predecessors[pi]),
        tasks => pick(&v.tasks, page_of(&idx.plan_tasks[pi], k, PER_PAGE_LISTS)),
        pager => pager(&c.page(Collection::Plans, &p.id.id), k, idx.plan_tasks[pi].len(), PER_PAGE_LISTS),
        counts => counts_view(&idx.count_states(idx.plan_tasks[pi].iter().copied())),
        translated => c.translated(&p.prov, &[&p.title]),
        // Where the tasks were transcribed from a translation, the plan page
        // says what its task table is in each language, not only its title.
        tasks_translated => idx.plan_tasks[pi]
            .iter()
            .map(|&t| &d.tasks[t])
            .find(|t| t.prov.via.is_some())
            .map(|t| c.translated_as(&t.prov, &[&t.text], "plan_tasks")),
    }
}

/// Tasks, grouped by plan: page `k` of them.
fn tasks(c: &Ctx<'_>, v: &Views, k: usize) -> Value {
    let idx = c.idx;
    let d = idx.data;
    let plans: Vec<Ix<Plan>> = d
        .plans
        .ixs()
        .filter(|&pi| !idx.plan_tasks[pi].is_empty())
        .collect();
    let rows: Vec<&[Ix<Task>]> = plans.iter().map(|&pi| &idx.plan_tasks[pi][..]).collect();
    let total: usize = rows.iter().map(|g| g.len()).sum();
    let groups: Vec<Value> = page_groups(&rows, k, PER_PAGE)
        .into_iter()
        .map(|(g, ts)| {
            obj([
                ("plan", v.plans[plans[g]].clone()),
                ("tasks", pick(&v.tasks, ts)),
            ])
        })
        .collect();
    let paged = page_count(total, PER_PAGE) > 1;
    minijinja::context! { groups => groups, pager => pager(&Collection::Tasks.list(c.lang), k, total, PER_PAGE), coverage => all_coverage(c, v), agencies => v.agencies.clone(), filters => task_form(c, v), filters_src => paged.then(|| format!("{}filters.json", Collection::Tasks.list(c.lang))), slices => slices(c, v) }
}

fn task(c: &Ctx<'_>, v: &Views, ti: Ix<Task>) -> Value {
    let idx = c.idx;
    let t = &idx.data.tasks[ti];
    let recs: Vec<Ix<Recommendation>> = t
        .recommendations
        .iter()
        .filter_map(|r| idx.rec.get(r.id.as_str()).copied())
        .collect();
    let themes: Vec<Ix<Theme>> = t
        .themes
        .iter()
        .filter_map(|r| idx.theme.get(r.id.as_str()).copied())
        .collect();
    minijinja::context! {
        task => v.tasks[ti].clone(),
        timeline => pick(&v.progress, &idx.task_state[ti].records),
        path => pick(&v.tasks, &idx.task_path[ti]),
        children => pick(&v.tasks, &idx.task_children[ti]),
        lead => c.agency_refs(&v.agencies, &t.lead),
        coordinating => c.agency_refs(&v.agencies, &t.coordinating),
        expected => c.otxt(&t.expected),
        status_note => c.otxt(&t.status_note),
        evidence => t.evidence.iter().filter(|e| link(Some(e.as_str())).is_some()).cloned().collect::<Vec<String>>(),
        recommendations => pick(&v.recs, &recs),
        indicators => pick(&v.indicators, &idx.task_indicators[ti]),
        themes => pick(&v.themes, &themes),
        sic => sic_view(c, t),
        translated => c.translated(&t.prov, &[&t.text]),
        source_url => idx.plan.get(t.plan.id.as_str())
            .and_then(|&p| idx.document.get(idx.data.plans[p].document.id.as_str()))
            .and_then(|&doc| link(idx.data.documents[doc].url.as_deref())),
    }
}

/// What the data holds of each review outcome (concluding observations, UPR
/// outcomes, and any document recommendations point to or that says how
/// many it holds), from `recommendations_total` and `entered`: "UPR, cycle
/// III: 4 of 291 recorded", "cycle IV: not entered yet". `only` keeps one
/// mechanism's documents, `doc_only` one document. Ordered by mechanism, then date (undated last).
/// The coverage of every review outcome (home and list pages), made once.
fn all_coverage(c: &Ctx<'_>, v: &Views) -> Value {
    v.shared
        .coverage
        .get_or_init(|| coverage(c, v, None, None))
        .clone()
}

fn coverage(
    c: &Ctx<'_>,
    v: &Views,
    only: Option<Ix<Mechanism>>,
    doc_only: Option<Ix<Document>>,
) -> Value {
    let idx = c.idx;
    let d = idx.data;
    let mut docs: Vec<(Ix<Mechanism>, Ix<Document>)> = d
        .documents
        .enumerated()
        .filter_map(|(di, doc)| {
            let m = *idx.mechanism.get(doc.mechanism.as_ref()?.id.as_str())?;
            let review = matches!(doc.kind.as_str(), "concluding-observations" | "upr-report");
            let counted = doc.recommendations_total.is_some() || !doc.entered;
            ((review || counted || !idx.doc_recs[di].is_empty())
                && only.is_none_or(|o| o == m)
                && doc_only.is_none_or(|o| o == di))
            .then_some((m, di))
        })
        .collect();
    docs.sort_by_key(|&(m, di)| {
        let doc = &d.documents[di];
        (m, doc.date.is_none(), doc.date, di)
    });
    let rows: Vec<Value> = docs
        .iter()
        .map(|&(m, di)| {
            let doc = &d.documents[di];
            let n = idx.doc_recs[di].len();
            let args = |total: Option<u32>| {
                vec![
                    ("n", n.to_string()),
                    ("total", total.map(|t| t.to_string()).unwrap_or_default()),
                ]
            };
            let total = doc.recommendations_total.map(|(t, _)| t);
            let (state, key) = match (doc.entered, total) {
                (false, None) => ("not-entered", "coverage.not_entered"),
                (false, Some(_)) => ("not-entered", "coverage.not_entered_total"),
                (true, Some(t)) if t as usize == n => ("complete", "coverage.complete"),
                (true, Some(_)) => ("partial", "coverage.partial"),
                (true, None) if n == 0 => ("none", "coverage.none"),
                (true, None) => ("recorded", "coverage.recorded"),
            };
            // A UPR outcome is known by its cycle, a treaty body's by its symbol.
            let cycle = doc
                .cycle
                .as_ref()
                .map(|cy| c.trf("coverage.cycle", &[("c", cy.clone())]));
            let label = match (&doc.symbol, cycle) {
                (Some(s), Some(cy)) if doc.kind == "upr-report" => format!("{cy} ({s})"),
                (Some(s), _) => s.clone(),
                (None, Some(cy)) => cy,
                (None, None) => doc.title.plain(c.lang, c.langs).to_string(),
            };
            obj([
                ("mechanism", v.mechanisms[m].clone()),
                ("document", v.documents[di].clone()),
                ("label", Value::from(label)),
                ("year", opt(doc.date.map(|x| x.year()))),
                ("state", Value::from(state)),
                ("status", Value::from(c.trf(key, &args(total)))),
            ])
        })
        .collect();
    list(rows)
}

/// A task's `[sic]` notes, each with the language its printed words are in
/// (the first of the site's languages whose text holds them), for `lang`.
fn sic_view(c: &Ctx<'_>, t: &Task) -> Vec<Value> {
    let mut texts: Vec<&Text> = [Some(&t.text), t.expected.as_ref(), t.timeframe.as_ref()]
        .into_iter()
        .flatten()
        .collect();
    texts.extend(
        t.lead
            .iter()
            .chain(&t.coordinating)
            .chain(&t.current_lead)
            .filter_map(|r| r.note.as_ref()),
    );
    t.sic
        .iter()
        .map(|s| {
            let lang = c
                .langs
                .iter()
                .find(|l| {
                    texts
                        .iter()
                        .any(|x| x.0.get(l).is_some_and(|v| v.contains(&s.printed)))
                })
                .map(String::as_str)
                .unwrap_or(c.lang);
            obj([
                ("printed", Value::from(s.printed.as_str())),
                ("reads", Value::from(s.reads.as_str())),
                ("lang", Value::from(lang)),
            ])
        })
        .collect()
}

fn themes(c: &Ctx<'_>, v: &Views) -> Value {
    let idx = c.idx;
    let rows: Vec<Value> = idx
        .data
        .themes
        .ixs()
        .map(|t| {
            obj([
                ("theme", v.themes[t].clone()),
                ("recommendations", Value::from(idx.theme_recs[t].len())),
                ("tasks", Value::from(idx.theme_tasks[t].len())),
            ])
        })
        .collect();
    minijinja::context! { themes => rows }
}

/// The longest list of a theme's page: its pages are as many as this
/// list needs.
fn theme_rows(idx: &crate::check::index::Index<'_>, thi: Ix<Theme>) -> usize {
    idx.theme_recs[thi]
        .len()
        .max(idx.theme_tasks[thi].len())
        .max(idx.theme_agencies[thi].len())
        .max(idx.theme_indicators[thi].len())
}

/// A theme's page `k`: page `k` of each of its lists (recommendations by
/// mechanism, tasks, agencies, indicators).
fn theme(c: &Ctx<'_>, v: &Views, thi: Ix<Theme>, k: usize) -> Value {
    let idx = c.idx;
    let d = idx.data;
    // The theme's recommendations in mechanism order, cut to page `k`.
    let per_mech: Vec<(Ix<Mechanism>, Vec<Ix<Recommendation>>)> = d
        .mechanisms
        .enumerated()
        .map(|(m, mech)| {
            let recs = idx.theme_recs[thi]
                .iter()
                .copied()
                .filter(|&r| d.recommendations[r].mechanism.id == mech.id.id)
                .collect();
            (m, recs)
        })
        .collect();
    let groups: Vec<&[Ix<Recommendation>]> = per_mech.iter().map(|(_, g)| &g[..]).collect();
    let by_mech: Vec<Value> = page_groups(&groups, k, PER_PAGE_LISTS)
        .into_iter()
        .map(|(g, recs)| {
            obj([
                ("mechanism", v.mechanisms[per_mech[g].0].clone()),
                ("recommendations", pick(&v.recs, recs)),
            ])
        })
        .collect();
    let tasks = &idx.theme_tasks[thi];
    let agencies = &idx.theme_agencies[thi];
    let inds = &idx.theme_indicators[thi];
    minijinja::context! {
        theme => v.themes[thi].clone(),
        description => c.otxt(&d.themes[thi].description),
        by_mechanism => by_mech,
        coverage => all_coverage(c, v),
        tasks => pick(&v.tasks, page_of(tasks, k, PER_PAGE_LISTS)),
        agencies => list(page_of(agencies, k, PER_PAGE_LISTS).iter().map(|&(a, lead, coordinating)| obj([
            ("agency", v.agencies[a].clone()),
            ("lead", Value::from(lead)),
            ("coordinating", Value::from(coordinating)),
        ])).collect()),
        indicators => indicators::rows_for(c, v, page_of(inds, k, PER_PAGE_LISTS)),
        pager => pager_of_lists(&c.page(Collection::Themes, &d.themes[thi].id.id), k, theme_rows(idx, thi)),
    }
}

fn mechanisms(c: &Ctx<'_>, v: &Views) -> Value {
    let idx = c.idx;
    let rows: Vec<Value> = idx
        .data
        .mechanisms
        .ixs()
        .map(|m| {
            obj([
                ("mechanism", v.mechanisms[m].clone()),
                ("recommendations", Value::from(idx.mech_recs[m].len())),
                ("documents", Value::from(idx.mech_docs[m].len())),
                ("plans", Value::from(idx.mech_plans[m].len())),
            ])
        })
        .collect();
    minijinja::context! { mechanisms => rows }
}

fn mechanism(c: &Ctx<'_>, v: &Views, mi: Ix<Mechanism>, k: usize) -> Value {
    let idx = c.idx;
    let d = idx.data;
    let m = &d.mechanisms[mi];
    let follow_up: Vec<Ix<Recommendation>> = idx.mech_recs[mi]
        .iter()
        .copied()
        .filter(|&r| d.recommendations[r].follow_up)
        .collect();
    minijinja::context! {
        mechanism => v.mechanisms[mi].clone(),
        body => c.otxt(&m.body),
        treaty => c.otxt(&m.treaty),
        description => m.description.as_ref().map(|t| Value::from_safe_string(markdown::block(t.plain(c.lang, c.langs)))),
        url => link(m.url.as_deref()),
        documents => pick(&v.documents, &idx.mech_docs[mi]),
        // One row per review outcome of the mechanism: on its first page
        // only, not repeated on each page of its recommendations.
        coverage => (k == 1).then(|| coverage(c, v, Some(mi), None)),
        plans => pick(&v.plans, &idx.mech_plans[mi]),
        recommendations => pick(&v.recs, page_of(&idx.mech_recs[mi], k, PER_PAGE_LISTS)),
        recommendations_total => idx.mech_recs[mi].len(),
        follow_up => pick(&v.recs, page_of(&follow_up, k, PER_PAGE_LISTS)),
        pager => pager_of_lists(&c.page(Collection::Mechanisms, &m.id.id), k, idx.mech_recs[mi].len()),
    }
}

fn document(c: &Ctx<'_>, v: &Views, di: Ix<Document>, k: usize) -> Value {
    let idx = c.idx;
    let doc = &idx.data.documents[di];
    minijinja::context! {
        document => v.documents[di].clone(),
        description => doc.description.as_ref().map(|t| Value::from_safe_string(markdown::block(t.plain(c.lang, c.langs)))),
        cycle => doc.cycle.as_deref(),
        mechanism => doc.mechanism.as_ref().and_then(|m| idx.mechanism.get(m.id.as_str())).map(|&m| v.mechanisms[m].clone()),
        recommendations => pick(&v.recs, page_of(&idx.doc_recs[di], k, PER_PAGE_LISTS)),
        pager => pager_of_lists(&c.page(Collection::Documents, &doc.id.id), k, idx.doc_recs[di].len().max(idx.doc_indicators[di].len())),
        plans => pick(&v.plans, &idx.doc_plans[di]),
        answered_by => pick(&v.plans, &idx.doc_answered_by[di]),
        coverage => coverage(c, v, None, Some(di)),
        indicators => pick(&v.indicators, page_of(&idx.doc_indicators[di], k, PER_PAGE_LISTS)),
        translated => c.translated(&doc.prov, &[&doc.title]),
    }
}

fn indicator(c: &Ctx<'_>, v: &Views, ii: Ix<Indicator>) -> Value {
    let idx = c.idx;
    let d = idx.data;
    let ind = &d.indicators[ii];
    let values: Vec<Value> = idx.ind_values[ii]
        .iter()
        .map(|&x| {
            let val = &d.values[x];
            obj([
                ("period", Value::from(period_label(c, &val.period))),
                (
                    "breakdown",
                    opt(val.breakdown.as_deref().map(|b| breakdown_label(c, b))),
                ),
                // A number in this language's marks; a level as written.
                (
                    "value",
                    match val.number {
                        Some(n) => Value::from(c.num().show(n)),
                        None => opt(val.value.as_deref()),
                    },
                ),
                (
                    "value_label",
                    opt(val.value.as_deref().map(|x| scale_label(c, x))),
                ),
                ("change", opt(val.change.as_deref())),
                ("note", c.otxt(&val.note)),
            ])
        })
        .collect();
    minijinja::context! {
        indicator => v.indicators[ii].clone(),
        description => c.otxt(&ind.description),
        scale => ind.scale.clone(),
        scale_labels => ind.scale.iter().map(|l| scale_label(c, l)).collect::<Vec<_>>(),
        target => indicators::target_label(c, ind),
        source => ind.source.as_ref().and_then(|s| idx.document.get(s.id.as_str())).map(|&x| v.documents[x].clone()),
        locator => c.otxt(&ind.locator),
        age => indicators::data_age(c, idx.ind_values[ii].iter().map(|&x| &d.values[x])),
        values => values,
        chart => indicator_chart(c, ii),
        tasks => pick(&v.tasks, &idx.ind_tasks[ii]),
        themes => list(ind.themes.iter().filter_map(|t| idx.theme.get(t.id.as_str()).map(|&i| v.themes[i].clone())).collect()),
        translated => c.translated(&ind.prov, &[&ind.title]),
    }
}

/// Counts by state, keyed by the state's name (`in-progress` also as
/// `in_progress` for templates), with `overdue`, `total` and `tracked`.
fn counts_view(c: &Counts) -> Value {
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    for s in State::COUNTED {
        m.insert(s.as_str().to_string(), Value::from(c.get(s)));
        m.insert(s.key().to_string(), Value::from(c.get(s)));
    }
    m.insert("overdue".into(), Value::from(c.overdue));
    m.insert("total".into(), Value::from(c.total()));
    m.insert("tracked".into(), Value::from(c.tracked()));
    Value::from(m)
}

fn agency_counts_view(v: &Views, rows: &[(Ix<Agency>, Counts)]) -> Value {
    list(
        rows.iter()
            .map(|(a, n)| {
                obj([
                    ("agency", v.agencies[*a].clone()),
                    ("counts", counts_view(n)),
                ])
            })
            .collect(),
    )
}

/// The deadlines overview and one page per due year (the no-JS "year" slice).
fn deadline_pages(c: &Ctx<'_>, v: &Views) -> Vec<(String, &'static str, Value)> {
    let idx = c.idx;
    let lang = c.lang;
    let years = deadlines::by_year(idx);
    let year_rows: Vec<Value> = years
        .iter()
        .map(|y| {
            obj([
                ("year", Value::from(y.year)),
                ("path", Value::from(address::deadline_year(lang, y.year))),
                (
                    "counts",
                    counts_view(&idx.count_states(y.tasks.iter().copied())),
                ),
            ])
        })
        .collect();
    let dated: Vec<Ix<Task>> = {
        let mut all: Vec<Ix<Task>> = years.iter().flat_map(|y| y.tasks.iter().copied()).collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    let mut pages = Vec::with_capacity(years.len() + 1);
    // The index: the tasks of every year, then the counts per agency, page
    // `k` of each on page `k`.
    let groups: Vec<&[Ix<Task>]> = years.iter().map(|y| &y.tasks[..]).collect();
    let per_agency = deadlines::per_agency(idx, &dated);
    let longest = groups
        .iter()
        .map(|g| g.len())
        .sum::<usize>()
        .max(per_agency.len());
    let base = address::deadlines(lang);
    let counts = counts_view(&idx.count_states(dated.iter().copied()));
    let undated = counts_view(&deadlines::undated(idx));
    for k in 1..=page_count(longest, PER_PAGE_LISTS) {
        let sections: Vec<Value> = page_groups(&groups, k, PER_PAGE_LISTS)
            .into_iter()
            .map(|(y, ts)| obj([("year", year_rows[y].clone()), ("rows", pick(&v.tasks, ts))]))
            .collect();
        pages.push((
            format!("{}index.html", paged_dir(&base, k)),
            "deadlines.html",
            minijinja::context! {
                years => year_rows.clone(),
                sections => sections,
                counts => counts.clone(),
                undated => undated.clone(),
                agencies => agency_counts_view(v, page_of(&per_agency, k, PER_PAGE_LISTS)),
                agencies_total => per_agency.len(),
                pager => pager_of_lists(&base, k, longest),
            },
        ));
    }
    for (i, y) in years.iter().enumerate() {
        let per_agency = deadlines::per_agency(idx, &y.tasks);
        let longest = y.tasks.len().max(per_agency.len());
        let base = address::deadline_year(lang, y.year);
        for k in 1..=page_count(longest, PER_PAGE_LISTS) {
            pages.push((
                format!("{}index.html", paged_dir(&base, k)),
                "deadline-year.html",
                minijinja::context! {
                    year => year_rows[i].clone(),
                    years => year_rows.clone(),
                    rows => pick(&v.tasks, page_of(&y.tasks, k, PER_PAGE_LISTS)),
                    agencies => agency_counts_view(v, page_of(&per_agency, k, PER_PAGE_LISTS)),
                    agencies_total => per_agency.len(),
                    pager => pager_of_lists(&base, k, longest),
                },
            ));
        }
    }
    pages
}

fn label_views(v: &Views) -> filters::LabelViews<'_> {
    filters::LabelViews {
        mechanisms: v.mechanisms.as_slice(),
        themes: v.themes.as_slice(),
        agencies: v.agencies.as_slice(),
        plans: v.plans.as_slice(),
    }
}

/// Agencies in the alphabetical order of the page's language (Vietnamese
/// collation on Vietnamese pages, see `collate`), by the name shown.
fn by_name(c: &Ctx<'_>, agencies: impl Iterator<Item = Ix<Agency>>) -> Vec<Ix<Agency>> {
    let d = c.idx.data;
    let coll = crate::present::collate::Collation::new(c.lang);
    let mut order: Vec<(Ix<Agency>, &str)> = agencies
        .map(|a| (a, d.agencies[a].name.plain(c.lang, c.langs)))
        .collect();
    order.sort_by(|x, y| coll.compare(x.1, y.1).then(x.0.cmp(&y.0)));
    order.into_iter().map(|(a, _)| a).collect()
}

/// The no-JS pages for each slice the filters offer.
fn slices(c: &Ctx<'_>, v: &Views) -> Value {
    v.shared.slices.get_or_init(|| make_slices(c, v)).clone()
}

fn make_slices(c: &Ctx<'_>, v: &Views) -> Value {
    minijinja::context! {
        themes => v.themes.clone(),
        mechanisms => v.mechanisms.clone(),
        // Past a page's worth, the agencies' own pages are reached
        // through their list (itself paged), not a chip each on every page.
        agencies => (v.agencies.len() <= PER_PAGE).then(|| pick(&v.agencies, &by_name(c, c.idx.data.agencies.ixs()))),
        years => filters::year_labels(v.facets.rows.tasks.iter()).into_iter().map(|(y, _)| y).collect::<Vec<_>>(),
    }
}

/// A recommendation's chain in one view: each task that answers it, with
/// who leads and coordinates it, by when, and where it stands.
fn rec_chain(c: &Ctx<'_>, v: &Views, ri: Ix<Recommendation>) -> Value {
    let d = c.idx.data;
    list(
        c.idx.rec_tasks[ri]
            .iter()
            .map(|&t| {
                obj([
                    ("task", v.tasks[t].clone()),
                    (
                        "coordinating",
                        list(c.agency_refs(&v.agencies, &d.tasks[t].coordinating)),
                    ),
                ])
            })
            .collect(),
    )
}

fn chart_value(chart: charts::Chart) -> Value {
    obj([
        ("svg", Value::from_safe_string(chart.svg)),
        ("narrow", Value::from_safe_string(chart.narrow)),
        ("summary", Value::from(chart.summary)),
    ])
}

fn state_names(c: &Ctx<'_>) -> [String; 7] {
    State::COUNTED.map(|s| c.tr(&format!("deadline.{}", s.as_str())))
}

fn counts_args(n: &Counts) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("total", n.total().to_string()),
        ("overdue", n.overdue.to_string()),
    ];
    for s in State::COUNTED {
        v.push((s.key(), n.get(s).to_string()));
    }
    v
}

fn bar_counts(n: &Counts) -> [usize; 7] {
    charts::state_counts(n)
}

/// Tasks led per agency, by status, for the agencies list.
/// Most bars in the chart of the agencies list (the Viet Nam site has 23
/// agencies leading tasks). The chart is drawn twice (wide and narrow
/// screens), up to seven segments a bar, each with its title: at 60 bars
/// the list's first page reached 301 KB (Vietnamese, 100,000 synthetic
/// records with progress), at 40 it stays near 250 KB.
const CHART_AGENCIES: usize = 40;

fn agencies_chart(c: &Ctx<'_>, led: &IxVec<Agency, Counts>) -> Option<Value> {
    let d = c.idx.data;
    let mut order: Vec<Ix<Agency>> = led
        .enumerated()
        .filter(|(_, n)| n.total() > 0)
        .map(|(a, _)| a)
        .collect();
    if order.is_empty() {
        return None;
    }
    order.sort_by(|&a, &b| {
        led[b]
            .total()
            .cmp(&led[a].total())
            .then(led[b].past_deadline.cmp(&led[a].past_deadline))
            .then(a.cmp(&b))
    });
    let mut sum = Counts::default();
    for &a in &order {
        sum += &led[a];
    }
    let mut args = counts_args(&sum);
    args.push(("n", order.len().to_string()));
    let mut summary = format!(
        "{} {}",
        c.trf("chart.agencies_summary", &args),
        c.tr("chart.see_table")
    );
    // A bar per agency does not grow with the site: the busiest ones.
    if order.len() > CHART_AGENCIES {
        order.truncate(CHART_AGENCIES);
        summary.push(' ');
        summary.push_str(&c.trf("chart.agencies_top", &[("n", CHART_AGENCIES.to_string())]));
    }
    let title = c.tr("chart.agencies_title");
    let bars = order
        .iter()
        .map(|&a| {
            let ag = &d.agencies[a];
            charts::Bar {
                key: ag.id.id.clone(),
                name: ag
                    .short
                    .as_ref()
                    .map(|s| s.plain(c.lang, c.langs))
                    .unwrap_or_else(|| ag.name.plain(c.lang, c.langs))
                    .to_string(),
                counts: bar_counts(&led[a]),
            }
        })
        .collect();
    Some(chart_value(charts::stacked(&charts::Stacked {
        id: "chart-agencies",
        title: &title,
        summary: &summary,
        state_names: state_names(c),
        bars,
    })))
}

/// One agency's tasks by status, for its page.
fn agency_chart(c: &Ctx<'_>, ai: Ix<Agency>, n: &Counts) -> Option<Value> {
    if n.total() == 0 {
        return None;
    }
    let ag = &c.idx.data.agencies[ai];
    let name = ag.name.plain(c.lang, c.langs);
    let mut args = counts_args(n);
    args.push(("name", name.to_string()));
    let summary = c.trf("chart.agency_summary", &args);
    let title = c.trf("chart.agency_title", &[("name", name.to_string())]);
    Some(chart_value(charts::stacked(&charts::Stacked {
        id: "chart-agency",
        title: &title,
        summary: &summary,
        state_names: state_names(c),
        bars: vec![charts::Bar {
            key: ag.id.id.clone(),
            name: ag
                .short
                .as_ref()
                .map(|s| s.plain(c.lang, c.langs))
                .unwrap_or(name)
                .to_string(),
            counts: bar_counts(n),
        }],
    })))
}

/// An indicator's values over time against its target, or its ratings on its scale.
fn indicator_chart(c: &Ctx<'_>, ii: Ix<Indicator>) -> Option<Value> {
    let d = c.idx.data;
    let ind = &d.indicators[ii];
    let vals: Vec<&IndicatorValue> = c.idx.ind_values[ii].iter().map(|&x| &d.values[x]).collect();
    let title = ind.title.plain(c.lang, c.langs);
    let row_label = |v: &IndicatorValue| match &v.breakdown {
        Some(b) => format!("{}, {}", period_label(c, &v.period), breakdown_label(c, b)),
        None => period_label(c, &v.period),
    };
    if !ind.scale.is_empty() {
        let levels: Vec<(String, String)> = ind
            .scale
            .iter()
            .map(|l| (l.clone(), scale_label(c, l)))
            .collect();
        let mut rated: Vec<&IndicatorValue> = vals
            .iter()
            .copied()
            .filter(|v| v.value.as_ref().is_some_and(|x| ind.scale.contains(x)))
            .collect();
        rated.sort_by_key(|v| (charts::period_order(&v.period), v.breakdown.clone()));
        if rated.is_empty() {
            return None;
        }
        let ratings: Vec<charts::Rating> = rated
            .iter()
            .map(|v| {
                let level = ind
                    .scale
                    .iter()
                    .position(|l| Some(l) == v.value.as_ref())
                    .unwrap_or(0);
                let change = v.change.as_deref().and_then(|ch| match ch {
                    "increase" => Some(1),
                    "decrease" => Some(-1),
                    "unchanged" => Some(0),
                    _ => None,
                });
                charts::Rating {
                    label: row_label(v),
                    level,
                    change,
                    change_text: v
                        .change
                        .as_deref()
                        .filter(|_| change.is_some())
                        .map(|ch| c.tr(&format!("change.{ch}")))
                        .unwrap_or_default(),
                }
            })
            .collect();
        let (lowest, highest) = (
            levels.first().map(|l| l.1.clone()).unwrap_or_default(),
            levels.last().map(|l| l.1.clone()).unwrap_or_default(),
        );
        let sentences: Vec<String> = ratings
            .iter()
            .map(|r| {
                let mut s = c.trf(
                    "chart.rating",
                    &[
                        ("label", r.label.clone()),
                        ("level", levels[r.level].1.clone()),
                        ("lowest", lowest.clone()),
                        ("highest", highest.clone()),
                    ],
                );
                if !r.change_text.is_empty() {
                    s = format!("{s}; {}", r.change_text);
                }
                format!("{s}.")
            })
            .collect();
        let summary = sentences.join(" ");
        return Some(chart_value(charts::scale(&charts::Scale {
            id: "chart-scale",
            title,
            summary: &summary,
            levels,
            ratings,
        })));
    }
    let mut periods: Vec<&str> = vals
        .iter()
        .filter(|v| v.number.is_some())
        .map(|v| v.period.as_str())
        .collect();
    periods.sort_by_key(|p| charts::period_order(p));
    periods.dedup();
    if periods.is_empty() {
        return None;
    }
    let mut by_breakdown: BTreeMap<Option<&str>, Vec<charts::Point>> = BTreeMap::new();
    for v in &vals {
        if let Some(x) = v.number {
            let period = periods.iter().position(|p| *p == v.period).unwrap_or(0);
            by_breakdown
                .entry(v.breakdown.as_deref())
                .or_default()
                .push(charts::Point { period, value: x });
        }
    }
    let single = by_breakdown.len() == 1;
    let series: Vec<charts::Series> = by_breakdown
        .into_iter()
        .map(|(b, mut points)| {
            points.sort_by_key(|p| p.period);
            charts::Series {
                name: match b {
                    Some(b) => breakdown_label(c, b),
                    None if single => String::new(),
                    None => c.tr("chart.all"),
                },
                points,
            }
        })
        .collect();
    let n: usize = series.iter().map(|s| s.points.len()).sum();
    let target = ind.target.as_ref().map(|t| {
        (
            t.value,
            format!(
                "{} {}",
                c.tr("ind.target"),
                indicators::target_label(c, ind).unwrap_or_default()
            ),
        )
    });
    let mut summary = c.trf(
        "chart.line_summary",
        &[
            ("n", n.to_string()),
            ("from", period_label(c, periods[0])),
            ("to", period_label(c, periods[periods.len() - 1])),
        ],
    );
    if let Some((_, label)) = &target {
        summary.push(' ');
        summary.push_str(&c.trf("chart.line_target", &[("target", label.clone())]));
    }
    if series.len() > 1 {
        let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
        summary.push(' ');
        summary.push_str(&c.trf("chart.series", &[("names", names.join("; "))]));
    }
    summary.push(' ');
    summary.push_str(&c.tr("chart.see_table"));
    let unit = ind
        .unit
        .as_ref()
        .map(|u| u.plain(c.lang, c.langs))
        .unwrap_or("");
    Some(chart_value(charts::line(&charts::Line {
        id: "chart-values",
        title,
        summary: &summary,
        periods: periods.iter().map(|p| period_label(c, p)).collect(),
        series,
        target,
        unit,
        num: c.num(),
    })))
}

fn plan_counts_for(c: &Ctx<'_>, v: &Views) -> Vec<Value> {
    let idx = c.idx;
    idx.data
        .plans
        .ixs()
        .map(|i| {
            obj([
                ("plan", v.plans[i].clone()),
                (
                    "counts",
                    counts_view(&idx.count_states(idx.plan_tasks[i].iter().copied())),
                ),
                ("transcribed", Value::from(!idx.plan_tasks[i].is_empty())),
            ])
        })
        .collect()
}

/// schema.org/Dataset metadata for the downloads page, so dataset search
/// engines find the data. `<` is escaped so the JSON cannot close its script.
fn dataset_jsonld(c: &Ctx<'_>, site: &Loaded, datasets: &[Dataset]) -> String {
    let cfg = &site.config;
    let dist: Vec<serde_json::Value> = datasets
        .iter()
        .flat_map(|d| d.files.iter())
        .map(|(path, format, _)| {
            serde_json::json!({
                "@type": "DataDownload",
                "encodingFormat": match *format {
                    "CSV" | crate::publish::export::EXCEL_CSV => "text/csv",
                    "XLSX" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    _ => "application/json",
                },
                "contentUrl": cfg.absolute(path),
            })
        })
        .collect();
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": cfg.title.plain(c.lang, c.langs),
        "description": cfg.description.as_ref().map(|d| d.plain(c.lang, c.langs)).unwrap_or(""),
        "url": cfg.absolute(&address::data(c.lang)),
        "inLanguage": c.langs,
        "dateModified": cfg.as_of.to_string(),
        "isAccessibleForFree": true,
        "distribution": dist,
    });
    if let Some(l) = cfg.license_url.as_ref().or(cfg.license.as_ref()) {
        v["license"] = serde_json::json!(l);
    }
    serde_json::to_string(&v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

/// Page `k` of the indicators list (`groups`: `indicators::by_source`),
/// `PER_PAGE` indicators a page, a source's group cut at the page's edges.
fn indicators_page(c: &Ctx<'_>, v: &Views, groups: &[indicators::SourceGroup], k: usize) -> Value {
    let cut: Vec<&[Ix<Indicator>]> = groups.iter().map(|(_, g)| &g[..]).collect();
    let total: usize = cut.iter().map(|g| g.len()).sum();
    let parts: Vec<indicators::SourcePart<'_>> = page_groups(&cut, k, PER_PAGE)
        .into_iter()
        .map(|(g, shown)| (groups[g].0, &groups[g].1[..], shown))
        .collect();
    minijinja::context! {
        groups => indicators::index(c, v, &parts),
        pager => pager(&Collection::Indicators.list(c.lang), k, total, PER_PAGE),
    }
}

/// The filter values of each progress record: the agencies and mechanisms
/// it concerns (space-separated ids, as the task list's rows carry them).
fn update_rows(idx: &crate::check::index::Index<'_>) -> IxVec<Progress, filters::Row> {
    let d = idx.data;
    d.progress
        .ixs()
        .map(|p| {
            let mut row = filters::Row::new();
            row.insert(
                "agency",
                idx.progress_agencies[p]
                    .iter()
                    .map(|&a| d.agencies[a].id.id.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            row.insert(
                "mechanism",
                idx.progress_mechanisms[p]
                    .iter()
                    .map(|&m| d.mechanisms[m].id.id.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            row
        })
        .collect()
}

/// What every updates page of one language shares, made once: the
/// records' filter values, every record newest first, the records of each
/// agency and mechanism that has any, the filter form and the slice links.
pub(crate) struct Updates {
    rows: IxVec<Progress, filters::Row>,
    pub(crate) all: Vec<Ix<Progress>>,
    pub(crate) agencies: Vec<(Ix<Agency>, Vec<Ix<Progress>>)>,
    pub(crate) mechanisms: Vec<(Ix<Mechanism>, Vec<Ix<Progress>>)>,
    form: Value,
    slices: Value,
}

/// `<lang>/updates/`: every progress record, newest first, with a filter by
/// agency and mechanism; and, for readers without JavaScript and for the
/// feeds, one list per agency and per mechanism that has records. Each is
/// cut into pages of `PER_PAGE` records (`updates/page/<n>/`,
/// `updates/agency/<id>/page/<n>/`).
pub(crate) fn updates(c: &Ctx<'_>, v: &Views) -> Updates {
    let idx = c.idx;
    let d = idx.data;
    let lang = c.lang;
    let rows = update_rows(idx);
    let mut labels = BTreeMap::new();
    labels.insert(
        "agency",
        filters::sorted_labels(v.agencies.as_slice(), &["name"]),
    );
    labels.insert(
        "mechanism",
        filters::sorted_labels(v.mechanisms.as_slice(), &["name"]),
    );
    let form = filters::form(&["agency", "mechanism"], rows.iter(), &labels);
    fn with_records<T>(by: &Links<T, Progress>) -> Vec<(Ix<T>, Vec<Ix<Progress>>)> {
        by.enumerated()
            .filter(|(_, ps)| !ps.is_empty())
            .map(|(x, ps)| (x, ps.clone()))
            .collect()
    }
    let agencies = with_records(&idx.agency_progress);
    let mechanisms = with_records(&idx.mechanism_progress);
    // Past a page's worth, an agency's updates are reached from its own
    // page (through the agency list, itself paged), not a chip each on
    // every updates page.
    let agency_chips = (agencies.len() <= PER_PAGE).then(|| {
        agencies
            .iter()
            .map(|&(a, _)| {
                obj([
                    ("agency", v.agencies[a].clone()),
                    (
                        "path",
                        Value::from(address::agency_updates(lang, &d.agencies[a].id.id)),
                    ),
                ])
            })
            .collect::<Vec<_>>()
    });
    let slices = minijinja::context! {
        agencies => agency_chips,
        any_agency => !agencies.is_empty(),
        mechanisms => mechanisms.iter().map(|&(m, _)| obj([("mechanism", v.mechanisms[m].clone()), ("path", Value::from(address::mechanism_updates(lang, &d.mechanisms[m].id.id)))])).collect::<Vec<_>>(),
    };
    Updates {
        rows,
        all: d.progress.ixs().rev().collect(),
        agencies,
        mechanisms,
        form,
        slices,
    }
}

/// Which updates list a page belongs to.
#[derive(Clone, Copy)]
pub(crate) enum UpdatesOf {
    All,
    /// An agency, by its place in `Updates::agencies`.
    Agency(usize),
    /// A mechanism, by its place in `Updates::mechanisms`.
    Mechanism(usize),
}

impl Updates {
    /// The records of a list (newest first) and the list's address.
    pub(crate) fn list(&self, c: &Ctx<'_>, of: UpdatesOf) -> (&[Ix<Progress>], String) {
        let d = c.idx.data;
        let lang = c.lang;
        match of {
            UpdatesOf::All => (&self.all, address::updates(lang)),
            UpdatesOf::Agency(i) => {
                let (a, ps) = &self.agencies[i];
                (ps, address::agency_updates(lang, &d.agencies[*a].id.id))
            }
            UpdatesOf::Mechanism(i) => {
                let (m, ps) = &self.mechanisms[i];
                (
                    ps,
                    address::mechanism_updates(lang, &d.mechanisms[*m].id.id),
                )
            }
        }
    }

    /// The filter options of the whole list, for its `filters.json` when
    /// it runs over several pages.
    pub(crate) fn filter_options(&self, c: &Ctx<'_>) -> Value {
        filter_options(c, &self.form)
    }
}

/// Page `k` of an updates list.
pub(crate) fn updates_page(c: &Ctx<'_>, v: &Views, u: &Updates, of: UpdatesOf, k: usize) -> Value {
    let d = c.idx.data;
    let lang = c.lang;
    let (ps, base) = u.list(c, of);
    let records = list(
        page_of(ps, k, PER_PAGE)
            .iter()
            .map(|&p| {
                let facets: BTreeMap<&str, Value> = u.rows[p]
                    .iter()
                    .map(|(k, x)| (*k, Value::from(x.as_str())))
                    .collect();
                obj([
                    ("record", v.progress[p].clone()),
                    ("facets", Value::from(facets)),
                ])
            })
            .collect(),
    );
    let pager = pager(&base, k, ps.len(), PER_PAGE);
    let paged = page_count(ps.len(), PER_PAGE) > 1;
    match of {
        UpdatesOf::All => minijinja::context! {
            records => records,
            filters => u.form.clone(),
            filters_src => paged.then(|| address::updates_filters(lang)),
            slices => u.slices.clone(),
            feed => address::updates_feed(lang),
            pager => pager,
        },
        UpdatesOf::Agency(i) => {
            let a = u.agencies[i].0;
            minijinja::context! {
                records => records,
                slice_agency => v.agencies[a].clone(),
                slices => u.slices.clone(),
                feed => feeds::agency_feed(lang, &d.agencies[a].id.id),
                pager => pager,
            }
        }
        UpdatesOf::Mechanism(i) => minijinja::context! {
            records => records,
            slice_mechanism => v.mechanisms[u.mechanisms[i].0].clone(),
            slices => u.slices.clone(),
            feed => address::updates_feed(lang),
            pager => pager,
        },
    }
}

/// Rows on one page of a long list. Every list that grows with the data is
/// cut into pages, so no page grows with the site. 150 task or
/// recommendation rows are about 170 KB of HTML (at 100,000 records, with
/// the page's other parts, under the 300 KB a phone on a slow link can
/// open), and the Viet Nam site's lists stay on one page (its task list
/// has 143 rows with the headings, its longest other list 73).
pub(crate) const PER_PAGE: usize = 150;

/// Rows of each list on a page holding several lists cut alike (a theme's
/// recommendations, tasks, agencies and indicators; a mechanism's
/// follow-up and other recommendations; the deadlines by year and by
/// agency): together they stay near one list's page.
pub(crate) const PER_PAGE_LISTS: usize = 100;

/// How many pages a list of `rows` rows takes, `per` a page (one, even
/// when empty).
pub(crate) fn page_count(rows: usize, per: usize) -> usize {
    rows.div_ceil(per).max(1)
}

/// The folder of page `k` (from 1) of the list at `base` (`en/tasks/`):
/// page 1 is the list's own address, page `k` is `base/page/k/`.
pub(crate) fn paged_dir(base: &str, k: usize) -> String {
    if k <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{k}/")
    }
}

/// The rows of page `k` (from 1): the range of indices into the whole list.
pub(crate) fn page_range(rows: usize, k: usize, per: usize) -> std::ops::Range<usize> {
    let lo = ((k.max(1) - 1) * per).min(rows);
    lo..(lo + per).min(rows)
}

/// The rows of page `k` of `rows`.
pub(crate) fn page_of<T>(rows: &[T], k: usize, per: usize) -> &[T] {
    &rows[page_range(rows.len(), k, per)]
}

/// The groups of a grouped list cut to page `k`: each group (by its index)
/// with the part of its rows on that page; groups with no row there are
/// left out. Rows are counted across groups, in order.
pub(crate) fn page_groups<'r, T>(
    groups: &[&'r [T]],
    k: usize,
    per: usize,
) -> Vec<(usize, &'r [T])> {
    let total = groups.iter().map(|g| g.len()).sum();
    let want = page_range(total, k, per);
    let mut out = Vec::new();
    let mut at = 0;
    for (gi, g) in groups.iter().enumerate() {
        let (lo, hi) = (at, at + g.len());
        at = hi;
        let (a, b) = (want.start.max(lo), want.end.min(hi));
        if a < b {
            out.push((gi, &g[a - lo..b - lo]));
        }
    }
    out
}

/// The page (from 1) on which each group of a grouped list starts.
pub(crate) fn group_starts<T>(groups: &[&[T]], per: usize) -> Vec<usize> {
    let mut at = 0;
    groups
        .iter()
        .map(|g| {
            let k = at / per + 1;
            at += g.len();
            k
        })
        .collect()
}

/// The pager of page `k` of a list of `total` rows at `base`, `per` a
/// page, or none when the list fits on one page. It links the first and
/// last pages, every `step`-th page (`step` about the square root of the
/// count) and the pages within half a step of `k`, so it stays small
/// however long the list is and every page is at most two clicks away.
pub(crate) fn pager(base: &str, k: usize, total: usize, per: usize) -> Value {
    pager_with(base, k, total, per, true)
}

/// The pager of a page holding several lists, cut alike (page `k` of
/// each): `longest` is the longest list's length. It does not say which
/// rows the page holds, as they differ from one list to the next.
pub(crate) fn pager_of_lists(base: &str, k: usize, longest: usize) -> Value {
    pager_with(base, k, longest, PER_PAGE_LISTS, false)
}

fn pager_with(base: &str, k: usize, total: usize, per: usize, rows_line: bool) -> Value {
    let count = page_count(total, per);
    if count <= 1 {
        return Value::from(());
    }
    let step = (count as f64).sqrt().ceil() as usize;
    let near = (step / 2).max(2);
    let mut items = Vec::new();
    let mut last_shown = 0;
    for n in 1..=count {
        if n == 1 || n == count || n.abs_diff(k) <= near || n % step == 0 {
            if last_shown + 1 < n {
                items.push(obj([("gap", Value::from(true))]));
            }
            items.push(obj([
                ("n", Value::from(n)),
                ("path", Value::from(paged_dir(base, n))),
                ("current", Value::from(n == k)),
            ]));
            last_shown = n;
        }
    }
    let rows = page_range(total, k, per);
    obj([
        ("number", Value::from(k)),
        ("count", Value::from(count)),
        ("first", opt(rows_line.then_some(rows.start + 1))),
        ("last", Value::from(rows.end)),
        ("total", Value::from(total)),
        ("prev", opt((k > 1).then(|| paged_dir(base, k - 1)))),
        ("next", opt((k < count).then(|| paged_dir(base, k + 1)))),
        ("items", list(items)),
    ])
}

#[cfg(test)]
mod paging_tests {
    use super::*;

    #[test]
    fn pages_cover_every_row_once() {
        for total in [0, 1, PER_PAGE - 1, PER_PAGE, PER_PAGE + 1, 5 * PER_PAGE + 7] {
            let mut seen = 0;
            for k in 1..=page_count(total, PER_PAGE) {
                let r = page_range(total, k, PER_PAGE);
                assert_eq!(r.start, seen, "total {total}, page {k}");
                assert!(r.len() <= PER_PAGE);
                seen = r.end;
            }
            assert_eq!(seen, total);
        }
        assert_eq!(page_count(0, PER_PAGE), 1);
        assert_eq!(paged_dir("en/tasks/", 1), "en/tasks/");
        assert_eq!(paged_dir("en/tasks/", 3), "en/tasks/page/3/");
    }

    #[test]
    fn groups_are_cut_at_page_edges() {
        let a: Vec<usize> = (0..150).collect();
        let b: Vec<usize> = (150..300).collect();
        let c: Vec<usize> = (300..310).collect();
        let groups = [&a[..], &b[..], &c[..]];
        let p1 = page_groups(&groups, 1, 200);
        assert_eq!(p1.len(), 2);
        assert_eq!((p1[0].0, p1[0].1.len()), (0, 150));
        assert_eq!((p1[1].0, p1[1].1.len()), (1, 50));
        let p2 = page_groups(&groups, 2, 200);
        assert_eq!(p2[0].1[0], 200);
        assert_eq!(p2.iter().map(|g| g.1.len()).sum::<usize>(), 110);
        assert_eq!(group_starts(&groups, 200), vec![1, 1, 2]);
    }

    #[test]
    fn a_long_pager_stays_small_and_reaches_every_page_in_two_clicks() {
        let total = 500 * PER_PAGE;
        let links = |k: usize| -> Vec<usize> {
            let p = pager("en/x/", k, total, PER_PAGE);
            p.get_attr("items")
                .unwrap()
                .try_iter()
                .unwrap()
                .filter_map(|i| i.get_attr("n").ok().and_then(|n| usize::try_from(n).ok()))
                .collect()
        };
        assert!(links(1).len() < 60, "{}", links(1).len());
        for target in 1..=500 {
            let reach = links(1)
                .into_iter()
                .any(|n| n == target || links(n).contains(&target));
            assert!(reach, "page {target} not within two clicks of page 1");
        }
        assert!(pager("en/x/", 1, PER_PAGE, PER_PAGE).is_none());
    }
}
