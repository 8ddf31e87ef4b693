//! The dataset tables, one function per table: its columns and how its
//! rows are made from the index. The words that go with them (a table's
//! title, what each column holds) are not here but in the theme's i18n
//! files, under keys named after the table and the column
//! ([`crate::publish::words`]). A new table is a function here, a line in
//! [`tables`] and its strings in `themes/default/i18n/{vi,en}.yaml`; a new
//! column is a line in its table's [`Columns`], a cell in the same place of
//! its rows, and its `column.<table>.<column>` string.

use crate::check::index::{Index, Role};
use crate::model::*;
use crate::publish::table::{Col, Row, Table, TableKind, Ty, fmt_num, join_list};
use crate::publish::words::{self, PAGE, PROVENANCE};
use crate::source::config::Config;

/// Every table, in the order readers look for them: the record tables
/// (tasks first: the downloads page, the workbook's sheets and the package
/// follow this order), then the tables that only link records of other
/// tables, then each agency's slice of `tasks`.
pub(crate) fn tables(idx: &Index<'_>, cfg: &Config) -> Vec<Table> {
    use rayon::prelude::*;
    type Make = fn(&Index<'_>, &Config) -> Table;
    // In the order readers meet them; made side by side, since none reads
    // another: one after another they were 2.4 s of the datasets' step at
    // 100,000 records, on one core.
    const MAKE: [Make; 16] = [
        tasks,
        recommendations,
        plans,
        agencies,
        indicators,
        indicator_values,
        progress,
        themes,
        documents,
        mechanisms,
        task_agencies,
        task_progress,
        task_recommendations,
        recommendation_links,
        theme_links,
        agency_successors,
    ];
    let (mut out, per_agency) = rayon::join(
        || {
            MAKE.par_iter()
                .map(|make| make(idx, cfg))
                .collect::<Vec<_>>()
        },
        || agency_tasks(idx, cfg),
    );
    out.extend(per_agency);
    out
}

/// A table of the package, its rows parallel to `locs` (or `locs` empty).
fn table<R: Into<Row>>(
    name: &str,
    cols: Vec<Col>,
    rows: Vec<R>,
    locs: Vec<crate::diag::Loc>,
    key: Vec<&'static str>,
    fks: Vec<(&'static str, &'static str, &'static str)>,
) -> Table {
    Table {
        name: name.into(),
        kind: TableKind::Package,
        title_key: words::title_key(name),
        cols,
        rows: rows.into_iter().map(Into::into).collect(),
        locs,
        key,
        fks,
    }
}

/// The columns of one table, in order; each one's description is the
/// interface string `column.<table>.<name>`.
struct Columns<'a> {
    table: &'static str,
    langs: &'a [String],
    cols: Vec<Col>,
}

impl<'a> Columns<'a> {
    fn of(table: &'static str, langs: &'a [String]) -> Self {
        Columns {
            table,
            langs,
            cols: Vec::new(),
        }
    }
    fn push(&mut self, name: String, ty: Ty, required: bool, list: bool, desc_key: String) {
        self.cols.push(Col {
            name,
            ty,
            required,
            list,
            desc_key,
            lang: None,
        });
    }
    /// One cell of the given type.
    fn col(mut self, name: &str, ty: Ty, required: bool) -> Self {
        let key = words::column_key(self.table, name);
        self.push(name.into(), ty, required, false, key);
        self
    }
    /// A list of texts in one cell ([`join_list`]).
    fn list(mut self, name: &str) -> Self {
        let key = words::column_key(self.table, name);
        self.push(name.into(), Ty::String, false, true, key);
        self
    }
    /// One column per language: `name_vi`, `name_en`.
    fn text(self, name: &str) -> Self {
        let key = words::column_key(self.table, name);
        self.per_lang(name, false, key)
    }
    /// A list per language (agency names): `lead_names_vi`, `lead_names_en`.
    fn text_list(self, name: &str) -> Self {
        let key = words::column_key(self.table, name);
        self.per_lang(name, true, key)
    }
    fn per_lang(mut self, name: &str, list: bool, desc_key: String) -> Self {
        for l in self.langs {
            self.cols.push(Col {
                name: format!("{name}_{l}"),
                ty: Ty::String,
                required: false,
                list,
                desc_key: desc_key.clone(),
                lang: Some(l.clone()),
            });
        }
        self
    }
    /// `page_<lang>`: the record's page on this site, one per language
    /// (cells: [`page_cells`]).
    fn page(self) -> Self {
        self.per_lang("page", false, PAGE.into())
    }
    /// `original`, `translation` and `transcribed_from`: which language is
    /// authoritative (cells: [`provenance_cells`]).
    fn provenance(mut self) -> Self {
        for (name, key) in PROVENANCE {
            self.push(name.into(), Ty::String, false, false, key.into());
        }
        self
    }
    fn done(self) -> Vec<Col> {
        self.cols
    }
}

/// A row from its columns' cells, each column giving one cell or (per
/// language, provenance) several.
fn row(parts: Vec<Vec<String>>) -> Row {
    parts.into_iter().flatten().collect()
}
/// One cell.
fn cell(v: impl Into<String>) -> Vec<String> {
    vec![v.into()]
}
/// An optional text as a cell, empty where absent.
fn or_empty(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}
/// A flag as the word a boolean column holds.
fn boolean(v: bool) -> String {
    if v { "true".into() } else { "false".into() }
}
/// The cells of a text in every language, each falling back as the pages do.
fn texts(langs: &[String], text: &Text) -> Vec<String> {
    langs
        .iter()
        .map(|l| text.plain(l, langs).to_string())
        .collect()
}
/// [`texts`] of an optional text: empty cells where there is none.
fn opt_texts(langs: &[String], text: &Option<Text>) -> Vec<String> {
    match text {
        Some(x) => texts(langs, x),
        None => vec![String::new(); langs.len()],
    }
}
/// The cells of [`Columns::page`]: the record's page in each language.
fn page_cells(cfg: &Config, collection: Collection, id: &str) -> Vec<String> {
    cfg.languages
        .iter()
        .map(|l| cfg.absolute(&collection.page(l, id)))
        .collect()
}
/// The cells of [`Columns::provenance`].
fn provenance_cells(p: &Provenance) -> Vec<String> {
    match &p.original {
        Some(o) => vec![
            o.clone(),
            match p.translation {
                Translation::Official => "official".into(),
                Translation::Unofficial => "unofficial".into(),
            },
            p.via.clone().unwrap_or_default(),
        ],
        None => vec![String::new(), String::new(), String::new()],
    }
}
/// The id of an optional reference, empty where absent.
fn ref_id(r: &Option<Ref>) -> String {
    r.as_ref().map(|x| x.id.clone()).unwrap_or_default()
}

/// A source in one cell: the web page's URL, or the document's id.
pub(crate) fn source_cell(s: &Source) -> String {
    match s {
        Source::Document(r) => r.id.clone(),
        Source::Web { url, .. } => url.clone(),
    }
}

/// A target's comparison as a word: `=` or `>=` at the start of a cell is
/// a formula to a spreadsheet.
fn target_op(op: &str) -> String {
    match op {
        ">=" => "at-least",
        "<=" => "at-most",
        ">" => "above",
        "<" => "below",
        "=" => "equal",
        other => other,
    }
    .to_string()
}

fn mechanisms(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("mechanisms", langs)
        .col("id", Ty::String, true)
        .text("name")
        .text("body")
        .text("treaty")
        .col("url", Ty::String, false)
        .text("description")
        .page()
        .provenance()
        .done();
    let rows = d
        .mechanisms
        .iter()
        .map(|m| {
            row(vec![
                cell(&m.id.id),
                texts(langs, &m.name),
                opt_texts(langs, &m.body),
                opt_texts(langs, &m.treaty),
                cell(or_empty(&m.url)),
                opt_texts(langs, &m.description),
                page_cells(cfg, Collection::Mechanisms, &m.id.id),
                provenance_cells(&m.prov),
            ])
        })
        .collect();
    let locs = d.mechanisms.iter().map(|x| x.id.loc).collect();
    table("mechanisms", cols, rows, locs, vec!["id"], vec![])
}

fn documents(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("documents", langs)
        .col("id", Ty::String, true)
        .col("symbol", Ty::String, false)
        .text("title")
        .col("kind", Ty::String, true)
        .col("mechanism", Ty::String, false)
        .col("cycle", Ty::String, false)
        .col("date", Ty::Date, false)
        .col("url", Ty::String, false)
        .col("recommendations_total", Ty::Integer, false)
        .col("entered", Ty::Boolean, true)
        .text("description")
        .page()
        .provenance()
        .done();
    let rows = d
        .documents
        .iter()
        .map(|x| {
            row(vec![
                cell(&x.id.id),
                cell(or_empty(&x.symbol)),
                texts(langs, &x.title),
                cell(&x.kind),
                cell(ref_id(&x.mechanism)),
                cell(or_empty(&x.cycle)),
                cell(x.date.map(|d| d.to_string()).unwrap_or_default()),
                cell(or_empty(&x.url)),
                cell(
                    x.recommendations_total
                        .map(|(n, _)| n.to_string())
                        .unwrap_or_default(),
                ),
                cell(boolean(x.entered)),
                opt_texts(langs, &x.description),
                page_cells(cfg, Collection::Documents, &x.id.id),
                provenance_cells(&x.prov),
            ])
        })
        .collect();
    let locs = d.documents.iter().map(|x| x.id.loc).collect();
    let fks = vec![("mechanism", "mechanisms", "id")];
    table("documents", cols, rows, locs, vec!["id"], fks)
}

fn agencies(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("agencies", langs)
        .col("id", Ty::String, true)
        .text("name")
        .text("short")
        .list("aliases")
        .col("kind", Ty::String, false)
        .col("parent", Ty::String, false)
        .col("url", Ty::String, false)
        .col("ended", Ty::Date, false)
        .list("successors")
        .text("legal_basis")
        .col("tasks_led", Ty::Integer, true)
        .col("tasks_coordinated", Ty::Integer, true)
        .text("description")
        .page()
        .provenance()
        .done();
    let rows = d
        .agencies
        .enumerated()
        .map(|(i, a)| {
            let led = idx.agency_duties[i]
                .iter()
                .filter(|x| x.role == Role::Lead)
                .count();
            let coordinated = idx.agency_duties[i].len() - led;
            row(vec![
                cell(&a.id.id),
                texts(langs, &a.name),
                opt_texts(langs, &a.short),
                cell(join_list(a.aliases.iter().map(String::as_str))),
                cell(or_empty(&a.kind)),
                cell(ref_id(&a.parent)),
                cell(or_empty(&a.url)),
                cell(a.ended.map(|d| d.to_string()).unwrap_or_default()),
                cell(join_list(a.successors.iter().map(|x| x.agency.id.as_str()))),
                opt_texts(langs, &a.legal_basis),
                cell(led.to_string()),
                cell(coordinated.to_string()),
                opt_texts(langs, &a.description),
                page_cells(cfg, Collection::Agencies, &a.id.id),
                provenance_cells(&a.prov),
            ])
        })
        .collect();
    let locs = d.agencies.iter().map(|x| x.id.loc).collect();
    let fks = vec![("parent", "agencies", "id")];
    table("agencies", cols, rows, locs, vec!["id"], fks)
}

/// The successors of ended agencies, with the functions each took over.
fn agency_successors(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("agency-successors", langs)
        .col("agency", Ty::String, true)
        .col("successor", Ty::String, true)
        .text("note")
        .done();
    let (mut rows, mut locs) = (Vec::new(), Vec::new());
    for a in &d.agencies {
        for x in &a.successors {
            rows.push(row(vec![
                cell(&a.id.id),
                cell(&x.agency.id),
                opt_texts(langs, &x.note),
            ]));
            locs.push(x.agency.loc);
        }
    }
    let fks = vec![
        ("agency", "agencies", "id"),
        ("successor", "agencies", "id"),
    ];
    let key = vec!["agency", "successor"];
    table("agency-successors", cols, rows, locs, key, fks)
}

fn themes(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("themes", langs)
        .col("id", Ty::String, true)
        .text("name")
        .text("description")
        .page()
        .provenance()
        .done();
    let rows = d
        .themes
        .iter()
        .map(|x| {
            row(vec![
                cell(&x.id.id),
                texts(langs, &x.name),
                opt_texts(langs, &x.description),
                page_cells(cfg, Collection::Themes, &x.id.id),
                provenance_cells(&x.prov),
            ])
        })
        .collect();
    let locs = d.themes.iter().map(|x| x.id.loc).collect();
    table("themes", cols, rows, locs, vec!["id"], vec![])
}

fn recommendations(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("recommendations", langs)
        .col("id", Ty::String, true)
        .col("mechanism", Ty::String, true)
        .col("document", Ty::String, true)
        .col("symbol", Ty::String, false)
        .col("paragraph", Ty::String, false)
        .text("heading")
        .text("text")
        .list("themes")
        .list("groups")
        .list("sdgs")
        .col("follow_up", Ty::Boolean, true)
        .col("response", Ty::String, false)
        .list("recommending_states")
        .list("related")
        .col("tasks", Ty::Integer, true)
        .col("url", Ty::String, false)
        .page()
        .provenance()
        .done();
    let rows = d
        .recommendations
        .enumerated()
        .map(|(i, r)| {
            let symbol = idx
                .document
                .get(r.document.id.as_str())
                .and_then(|&x| d.documents[x].symbol.clone())
                .unwrap_or_default();
            row(vec![
                cell(&r.id.id),
                cell(&r.mechanism.id),
                cell(&r.document.id),
                cell(symbol),
                cell(or_empty(&r.paragraph)),
                opt_texts(langs, &r.heading),
                texts(langs, &r.text),
                cell(join_list(r.themes.iter().map(|x| x.id.as_str()))),
                cell(join_list(r.groups.iter().map(String::as_str))),
                cell(join_list(r.sdgs.iter().map(String::as_str))),
                cell(boolean(r.follow_up)),
                cell(or_empty(&r.response)),
                cell(join_list(r.recommending_states.iter().map(String::as_str))),
                cell(join_list(
                    idx.rec_related[i]
                        .iter()
                        .map(|&j| d.recommendations[j].id.id.as_str()),
                )),
                cell(idx.rec_tasks[i].len().to_string()),
                cell(or_empty(&r.url)),
                page_cells(cfg, Collection::Recommendations, &r.id.id),
                provenance_cells(&r.prov),
            ])
        })
        .collect();
    let locs = d.recommendations.iter().map(|x| x.id.loc).collect();
    let fks = vec![
        ("mechanism", "mechanisms", "id"),
        ("document", "documents", "id"),
    ];
    table("recommendations", cols, rows, locs, vec!["id"], fks)
}

fn plans(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("plans", langs)
        .col("id", Ty::String, true)
        .col("document", Ty::String, true)
        .text("title")
        .list("mechanisms")
        .col("coordinator", Ty::String, false)
        .col("adopted", Ty::Date, false)
        .col("period", Ty::String, false)
        .list("answers")
        .col("superseded_by", Ty::String, false)
        .col("tasks", Ty::Integer, true)
        .text("description")
        .page()
        .provenance()
        .done();
    let rows = d
        .plans
        .enumerated()
        .map(|(i, p)| {
            let tasks = idx.plan_tasks[i]
                .iter()
                .filter(|&&x| !d.tasks[x].heading)
                .count();
            row(vec![
                cell(&p.id.id),
                cell(&p.document.id),
                texts(langs, &p.title),
                cell(join_list(p.mechanisms.iter().map(|x| x.id.as_str()))),
                cell(ref_id(&p.coordinator)),
                cell(p.adopted.map(|x| x.to_string()).unwrap_or_default()),
                cell(or_empty(&p.period)),
                cell(join_list(p.answers.iter().map(|x| x.id.as_str()))),
                cell(ref_id(&p.superseded_by)),
                cell(tasks.to_string()),
                opt_texts(langs, &p.description),
                page_cells(cfg, Collection::Plans, &p.id.id),
                provenance_cells(&p.prov),
            ])
        })
        .collect();
    let locs = d.plans.iter().map(|x| x.id.loc).collect();
    let fks = vec![
        ("document", "documents", "id"),
        ("coordinator", "agencies", "id"),
    ];
    table("plans", cols, rows, locs, vec!["id"], fks)
}

/// The columns of `tasks` and of each agency's slice of it.
fn task_columns(langs: &[String]) -> Vec<Col> {
    Columns::of("tasks", langs)
        .col("id", Ty::String, true)
        .col("plan", Ty::String, true)
        .col("ref", Ty::String, true)
        .col("parent", Ty::String, false)
        .col("heading", Ty::Boolean, true)
        .col("heading_path", Ty::String, false)
        .text("text")
        .list("lead")
        .text_list("lead_names")
        .list("coordinating")
        .text_list("coordinating_names")
        .list("current_lead")
        .text("expected")
        .text("timeframe")
        .list("due")
        .col("last_due", Ty::Date, false)
        .col("recurring", Ty::String, false)
        .col("status", Ty::String, true)
        .col("state", Ty::String, true)
        .col("state_date", Ty::String, false)
        .col("state_by", Ty::String, false)
        .col("state_record", Ty::String, false)
        .col("state_source", Ty::String, false)
        .col("overdue", Ty::Boolean, true)
        .list("recommendations")
        .list("themes")
        .list("indicators")
        .text("status_note")
        .list("evidence")
        .list("sic")
        .col("as_of", Ty::Date, true)
        .page()
        .provenance()
        .done()
}

/// The row of task `i` in `tasks` and in its agencies' slices.
fn task_row(idx: &Index<'_>, cfg: &Config, i: Ix<Task>) -> Row {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let x = &d.tasks[i];
    let st = &idx.task_state[i];
    let latest = st.latest.map(|p| &d.progress[p]);
    // The agencies' names, one list per language.
    let names = |refs: &[AgencyRef]| -> Vec<String> {
        langs
            .iter()
            .map(|lang| {
                join_list(refs.iter().filter_map(|r| {
                    idx.agency
                        .get(r.agency.id.as_str())
                        .map(|&a| d.agencies[a].name.plain(lang, langs))
                }))
            })
            .collect()
    };
    let sic: Vec<String> = x
        .sic
        .iter()
        .map(|n| format!("{} => {}", n.printed, n.reads))
        .collect();
    row(vec![
        cell(&x.id.id),
        cell(&x.plan.id),
        cell(&x.ref_),
        cell(
            idx.task_parent[i]
                .map(|p| d.tasks[p].id.id.clone())
                .unwrap_or_default(),
        ),
        cell(boolean(x.heading)),
        cell(
            idx.task_path[i]
                .iter()
                .map(|&p| d.tasks[p].ref_.as_str())
                .collect::<Vec<_>>()
                .join(" > "),
        ),
        texts(langs, &x.text),
        cell(join_list(x.lead.iter().map(|r| r.agency.id.as_str()))),
        names(&x.lead),
        cell(join_list(
            x.coordinating.iter().map(|r| r.agency.id.as_str()),
        )),
        names(&x.coordinating),
        cell(join_list(
            idx.task_current[i]
                .iter()
                .map(|(a, _)| d.agencies[*a].id.id.as_str()),
        )),
        opt_texts(langs, &x.expected),
        opt_texts(langs, &x.timeframe),
        cell(join_list(x.due.iter().map(|d| d.label.as_str()))),
        cell(
            idx.task_last_due[i]
                .map(|x| x.to_string())
                .unwrap_or_default(),
        ),
        cell(if x.recurring == Recurring::Annual {
            "annual"
        } else {
            ""
        }),
        cell(x.status.as_str()),
        cell(st.state.as_str()),
        cell(latest.map(|p| p.date.label.clone()).unwrap_or_default()),
        cell(latest.map(|p| p.by.as_str()).unwrap_or_default()),
        cell(latest.map(|p| p.id.id.clone()).unwrap_or_default()),
        cell(latest.map(|p| source_cell(&p.source)).unwrap_or_default()),
        cell(boolean(st.overdue)),
        cell(join_list(x.recommendations.iter().map(|r| r.id.as_str()))),
        cell(join_list(x.themes.iter().map(|r| r.id.as_str()))),
        cell(join_list(x.indicators.iter().map(|r| r.id.as_str()))),
        opt_texts(langs, &x.status_note),
        cell(join_list(x.evidence.iter().map(String::as_str))),
        cell(join_list(sic.iter().map(String::as_str))),
        cell(cfg.as_of.to_string()),
        page_cells(cfg, Collection::Tasks, &x.id.id),
        provenance_cells(&x.prov),
    ])
}

fn tasks(idx: &Index<'_>, cfg: &Config) -> Table {
    let d = idx.data;
    let rows = d.tasks.ixs().map(|i| task_row(idx, cfg, i)).collect();
    let locs = d.tasks.iter().map(|x| x.id.loc).collect();
    let fks = vec![
        ("plan", "plans", "id"),
        ("parent", "tasks", "id"),
        ("state_record", "progress", "id"),
    ];
    let cols = task_columns(&cfg.languages);
    table("tasks", cols, rows, locs, vec!["id"], fks)
}

/// The name of an agency's slice of `tasks` (`agencies/<id>/tasks`): its
/// files are `data/<name>.csv` and the rest ([`crate::publish::export::csv_path`]),
/// which its page links to.
pub(crate) fn agency_tasks_name(id: &str) -> String {
    format!("agencies/{id}/tasks")
}

/// Per agency that leads or coordinates any: the rows of `tasks` it leads
/// or coordinates ([`agency_tasks_name`]), for the download link on its
/// page.
fn agency_tasks(idx: &Index<'_>, cfg: &Config) -> Vec<Table> {
    use rayon::prelude::*;
    let d = idx.data;
    let agencies: Vec<_> = d.agencies.enumerated().collect();
    agencies
        .par_iter()
        .filter_map(|&(ai, a)| {
            let mut ts: Vec<Ix<Task>> = idx.agency_duties[ai].iter().map(|x| x.task).collect();
            ts.sort();
            ts.dedup();
            if ts.is_empty() {
                return None;
            }
            Some(Table {
                name: agency_tasks_name(&a.id.id),
                kind: TableKind::AgencyTasks,
                // Never shown: a slice is in no list of datasets.
                title_key: words::title_key("tasks"),
                cols: task_columns(&cfg.languages),
                rows: ts.iter().map(|&i| task_row(idx, cfg, i)).collect(),
                locs: ts.iter().map(|&i| d.tasks[i].id.loc).collect(),
                key: vec![],
                fks: vec![],
            })
        })
        .collect()
}

fn indicators(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("indicators", langs)
        .col("id", Ty::String, true)
        .text("title")
        .text("unit")
        .list("scale")
        .col("target_op", Ty::String, false)
        .col("target_value", Ty::Number, false)
        .col("target_year", Ty::Integer, false)
        .col("source", Ty::String, false)
        .text("locator")
        .list("themes")
        .list("tasks")
        .text("description")
        .page()
        .provenance()
        .done();
    let rows = d
        .indicators
        .iter()
        .map(|x| {
            let target = x.target.as_ref();
            row(vec![
                cell(&x.id.id),
                texts(langs, &x.title),
                opt_texts(langs, &x.unit),
                cell(join_list(x.scale.iter().map(String::as_str))),
                cell(target.map(|t| target_op(&t.op)).unwrap_or_default()),
                cell(target.map(|t| fmt_num(t.value)).unwrap_or_default()),
                cell(
                    target
                        .and_then(|t| t.year)
                        .map(|y| y.to_string())
                        .unwrap_or_default(),
                ),
                cell(ref_id(&x.source)),
                opt_texts(langs, &x.locator),
                cell(join_list(x.themes.iter().map(|r| r.id.as_str()))),
                cell(join_list(x.tasks.iter().map(|r| r.id.as_str()))),
                opt_texts(langs, &x.description),
                page_cells(cfg, Collection::Indicators, &x.id.id),
                provenance_cells(&x.prov),
            ])
        })
        .collect();
    let locs = d.indicators.iter().map(|x| x.id.loc).collect();
    let fks = vec![("source", "documents", "id")];
    table("indicators", cols, rows, locs, vec!["id"], fks)
}

fn indicator_values(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("indicator-values", langs)
        .col("indicator", Ty::String, true)
        .col("period", Ty::String, true)
        .col("breakdown", Ty::String, false)
        .col("value", Ty::String, false)
        .col("number", Ty::Number, false)
        .col("change", Ty::String, false)
        .text("note")
        .col("source", Ty::String, false)
        .provenance()
        .done();
    let rows = d
        .values
        .iter()
        .map(|v| {
            row(vec![
                cell(&v.indicator.id),
                cell(&v.period),
                cell(or_empty(&v.breakdown)),
                cell(or_empty(&v.value)),
                cell(
                    v.number
                        .filter(|n| n.is_finite())
                        .map(fmt_num)
                        .unwrap_or_default(),
                ),
                cell(or_empty(&v.change)),
                opt_texts(langs, &v.note),
                cell(ref_id(&v.source)),
                provenance_cells(&v.prov),
            ])
        })
        .collect();
    let locs = d.values.iter().map(|v| v.loc).collect();
    let fks = vec![
        ("indicator", "indicators", "id"),
        ("source", "documents", "id"),
    ];
    table("indicator-values", cols, rows, locs, vec![], fks)
}

/// One row per agency named on a task, in each of its roles.
fn task_agencies(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("task-agencies", langs)
        .col("task", Ty::String, true)
        .col("agency", Ty::String, true)
        .col("role", Ty::String, true)
        .text("note")
        .done();
    let (mut rows, mut locs) = (Vec::new(), Vec::new());
    for x in &d.tasks {
        for (role, refs) in [
            ("lead", &x.lead),
            ("coordinating", &x.coordinating),
            ("current-lead", &x.current_lead),
        ] {
            for r in refs {
                rows.push(row(vec![
                    cell(&x.id.id),
                    cell(&r.agency.id),
                    cell(role),
                    opt_texts(langs, &r.note),
                ]));
                locs.push(r.agency.loc);
            }
        }
    }
    let fks = vec![("task", "tasks", "id"), ("agency", "agencies", "id")];
    table("task-agencies", cols, rows, locs, vec![], fks)
}

/// One row per progress record, newest first, with the tasks it bears on.
fn progress(idx: &Index<'_>, cfg: &Config) -> Table {
    let (d, langs) = (idx.data, &cfg.languages[..]);
    let cols = Columns::of("progress", langs)
        .col("id", Ty::String, true)
        .col("date", Ty::String, true)
        .col("status", Ty::String, false)
        .col("by", Ty::String, true)
        .text("by_name")
        .text("text")
        .list("tasks")
        .list("recommendations")
        .col("source", Ty::String, true)
        .col("source_document", Ty::String, false)
        .text("source_title")
        .col("source_accessed", Ty::Date, false)
        .list("also")
        .col("grade", Ty::String, false)
        .col("confidence", Ty::String, false)
        .text("note")
        .provenance()
        .done();
    let rows = d
        .progress
        .iter()
        .rev()
        .map(|p| {
            let (doc, title, accessed) = match &p.source {
                Source::Document(r) => (r.id.clone(), None, None),
                Source::Web {
                    title, accessed, ..
                } => (String::new(), Some(title.clone()), *accessed),
            };
            row(vec![
                cell(&p.id.id),
                cell(&p.date.label),
                cell(p.status.map(|x| x.as_str()).unwrap_or_default()),
                cell(p.by.as_str()),
                opt_texts(langs, &p.by_name),
                texts(langs, &p.text),
                cell(join_list(p.tasks.iter().map(|r| r.id.as_str()))),
                cell(join_list(p.recommendations.iter().map(|r| r.id.as_str()))),
                cell(source_cell(&p.source)),
                cell(doc),
                opt_texts(langs, &title),
                cell(accessed.map(|a| a.to_string()).unwrap_or_default()),
                cell(
                    p.also
                        .iter()
                        .map(source_cell)
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                cell(or_empty(&p.grade)),
                cell(p.confidence.map(|c| c.as_str()).unwrap_or_default()),
                opt_texts(langs, &p.note),
                provenance_cells(&p.prov),
            ])
        })
        .collect();
    let locs = d.progress.iter().rev().map(|x| x.id.loc).collect();
    let fks = vec![("source_document", "documents", "id")];
    table("progress", cols, rows, locs, vec!["id"], fks)
}

/// Which progress records each task has, and the one that gives its state.
fn task_progress(idx: &Index<'_>, cfg: &Config) -> Table {
    let d = idx.data;
    let cols = Columns::of("task-progress", &cfg.languages)
        .col("task", Ty::String, true)
        .col("progress", Ty::String, true)
        .col("date", Ty::String, true)
        .col("status", Ty::String, false)
        .col("by", Ty::String, true)
        .col("latest", Ty::Boolean, true)
        .done();
    let mut rows = Vec::new();
    for (ti, x) in d.tasks.enumerated() {
        let st = &idx.task_state[ti];
        for &p in &st.records {
            let pr = &d.progress[p];
            rows.push(vec![
                x.id.id.clone(),
                pr.id.id.clone(),
                pr.date.label.clone(),
                pr.status
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                pr.by.as_str().to_string(),
                boolean(st.latest == Some(p)),
            ]);
        }
    }
    let fks = vec![("task", "tasks", "id"), ("progress", "progress", "id")];
    let key = vec!["task", "progress"];
    table("task-progress", cols, rows, vec![], key, fks)
}

fn task_recommendations(idx: &Index<'_>, cfg: &Config) -> Table {
    let d = idx.data;
    let cols = Columns::of("task-recommendations", &cfg.languages)
        .col("task", Ty::String, true)
        .col("recommendation", Ty::String, true)
        .done();
    let mut rows = Vec::new();
    for x in &d.tasks {
        for r in &x.recommendations {
            rows.push(vec![x.id.id.clone(), r.id.clone()]);
        }
    }
    rows.sort();
    rows.dedup();
    let fks = vec![
        ("task", "tasks", "id"),
        ("recommendation", "recommendations", "id"),
    ];
    let key = vec!["task", "recommendation"];
    table("task-recommendations", cols, rows, vec![], key, fks)
}

/// Each pair of related recommendations once.
fn recommendation_links(idx: &Index<'_>, cfg: &Config) -> Table {
    let d = idx.data;
    let cols = Columns::of("recommendation-links", &cfg.languages)
        .col("recommendation", Ty::String, true)
        .col("related", Ty::String, true)
        .done();
    let mut rows = Vec::new();
    for (i, rel) in idx.rec_related.enumerated() {
        for &j in rel {
            if i < j {
                rows.push(vec![
                    d.recommendations[i].id.id.clone(),
                    d.recommendations[j].id.id.clone(),
                ]);
            }
        }
    }
    let fks = vec![
        ("recommendation", "recommendations", "id"),
        ("related", "recommendations", "id"),
    ];
    let key = vec!["recommendation", "related"];
    table("recommendation-links", cols, rows, vec![], key, fks)
}

/// The records filed under each theme: recommendations, tasks, indicators.
fn theme_links(idx: &Index<'_>, cfg: &Config) -> Table {
    let d = idx.data;
    let cols = Columns::of("theme-links", &cfg.languages)
        .col("theme", Ty::String, true)
        .col("kind", Ty::String, true)
        .col("id", Ty::String, true)
        .done();
    let mut rows = Vec::new();
    let mut add = |kind: &str, id: &str, themes: &[Ref]| {
        for th in themes {
            rows.push(vec![th.id.clone(), kind.to_string(), id.to_string()]);
        }
    };
    for r in &d.recommendations {
        add("recommendation", &r.id.id, &r.themes);
    }
    for x in &d.tasks {
        add("task", &x.id.id, &x.themes);
    }
    for x in &d.indicators {
        add("indicator", &x.id.id, &x.themes);
    }
    rows.sort();
    rows.dedup();
    let fks = vec![("theme", "themes", "id")];
    let key = vec!["theme", "kind", "id"];
    table("theme-links", cols, rows, vec![], key, fks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::words::{self, Words};

    /// The rich fixture's tables, and its theme's interface strings.
    fn rich() -> (
        Vec<Table>,
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    ) {
        let (site, look, diags) = crate::source::rich_fixture();
        assert!(!diags.has_errors());
        let idx = Index::build(&site.data, site.config.as_of);
        (tables(&idx, &site.config), look.strings)
    }

    #[test]
    fn tables_are_ordered_for_readers() {
        let (tables, _) = rich();
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        let package = tables
            .iter()
            .filter(|t| t.kind == TableKind::Package)
            .count();
        assert_eq!(
            names[..package],
            [
                "tasks",
                "recommendations",
                "plans",
                "agencies",
                "indicators",
                "indicator-values",
                "progress",
                "themes",
                "documents",
                "mechanisms",
                "task-agencies",
                "task-progress",
                "task-recommendations",
                "recommendation-links",
                "theme-links",
                "agency-successors",
            ]
        );
        assert!(package < names.len(), "the fixture has agency slices");
        for t in &tables[package..] {
            assert_eq!(
                t.kind,
                TableKind::AgencyTasks,
                "{}: slices come last",
                t.name
            );
            assert!(t.name.starts_with("agencies/") && t.name.ends_with("/tasks"));
        }
    }

    /// Every title and column description a table uses, and every word of
    /// the workbook's README sheet and citation, is an interface string of
    /// the built-in theme, in English and in Vietnamese (a site's
    /// other languages are held to the English keys by the theme check),
    /// and no dataset string of the theme is left unused.
    #[test]
    fn every_dataset_string_is_in_both_languages_of_the_theme() {
        let (tables, strings) = rich();
        let mut used: Vec<String> = words::fixed_keys().into_iter().map(Into::into).collect();
        for t in &tables {
            used.push(t.title_key.clone());
            used.extend(t.cols.iter().map(|c| c.desc_key.clone()));
        }
        for lang in ["en", "vi"] {
            let in_lang = &strings[lang];
            for key in &used {
                let text = in_lang
                    .get(key)
                    .unwrap_or_else(|| panic!("`{key}` is missing from i18n/{lang}.yaml"));
                assert!(!text.trim().is_empty(), "`{key}` is empty in {lang}");
            }
            for key in in_lang.keys() {
                if ["dataset.", "column.", "workbook."]
                    .iter()
                    .any(|p| key.starts_with(p))
                {
                    assert!(used.contains(key), "`{key}` in i18n/{lang}.yaml is unused");
                }
            }
        }
        let words = Words::new(&strings);
        assert_eq!(
            words.get("vi", "column.tasks.state_by").unwrap(),
            "Ai nói vậy: government, legislature, un, nhri, civil-society, media, academic"
        );
    }
}
