//! Downloadable datasets: one table per collection and per many-to-many
//! link, written as CSV (RFC 4180, UTF-8) and JSON, described by a
//! Frictionless Data Package. Tables are built once from the index and
//! serialised per format.

use crate::check::index::{Index, Role};
use crate::diag::{Diagnostics, Loc};
use crate::model::*;
use crate::publish::output::Writer;
use crate::source::config::Config;
use minijinja::Value;
use rayon::prelude::*;
use serde_json::{Map, Value as Json, json};
use sha2::{Digest, Sha256};

pub use crate::publish::table::{Col, Table, Ty};

/// A table as published: its files with sizes, for the downloads page.
pub struct Dataset {
    pub name: String,
    pub title: [&'static str; 2],
    pub rows: usize,
    pub cols: Vec<(String, &'static str, [&'static str; 2], Option<String>)>,
    pub files: Vec<(String, &'static str, u64)>,
}

impl Dataset {
    pub fn view(&self, lang: &str) -> Value {
        let i = usize::from(lang == "vi");
        let cols: Vec<Value> = self
            .cols
            .iter()
            .map(|(n, t, d, l)| {
                let mut desc = d[i].to_string();
                if let Some(l) = l {
                    desc.push_str(&format!(" ({l})"));
                }
                minijinja::context! { name => n.as_str(), type => *t, description => desc }
            })
            .collect();
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|(p, f, s)| minijinja::context! { path => p.as_str(), format => *f, size => *s })
            .collect();
        minijinja::context! { name => self.name.as_str(), title => self.title[i], rows => self.rows, columns => cols, files => files }
    }
}

struct B<'a> {
    langs: &'a [String],
    cols: Vec<Col>,
}

impl<'a> B<'a> {
    fn new(langs: &'a [String]) -> Self {
        B {
            langs,
            cols: Vec::new(),
        }
    }
    fn col(mut self, name: &str, ty: Ty, required: bool, desc: [&'static str; 2]) -> Self {
        self.cols.push(Col {
            name: name.into(),
            ty,
            required,
            list: false,
            desc,
            lang: None,
        });
        self
    }
    fn list(mut self, name: &str, desc: [&'static str; 2]) -> Self {
        self.cols.push(Col {
            name: name.into(),
            ty: Ty::String,
            required: false,
            list: true,
            desc,
            lang: None,
        });
        self
    }
    /// One column per language: `name_vi`, `name_en`.
    fn text(self, name: &str, desc: [&'static str; 2]) -> Self {
        self.per_lang(name, false, desc)
    }
    /// A list per language (agency names): `lead_names_vi`, `lead_names_en`.
    fn text_list(self, name: &str, desc: [&'static str; 2]) -> Self {
        self.per_lang(name, true, desc)
    }
    fn per_lang(mut self, name: &str, list: bool, desc: [&'static str; 2]) -> Self {
        for l in self.langs {
            self.cols.push(Col {
                name: format!("{name}_{l}"),
                ty: Ty::String,
                required: false,
                list,
                desc,
                lang: Some(l.clone()),
            });
        }
        self
    }
    /// `page_<lang>`: the record's page on this site, one per language.
    fn page(self) -> Self {
        self.text(
            "page",
            [
                "Address of its page on this site",
                "Địa chỉ trang của bản ghi trên trang web này",
            ],
        )
    }
    /// `original` and `translation`: which language is authoritative.
    fn prov(self) -> Self {
        self.col(
            "original",
            Ty::String,
            false,
            [
                "Language of the authoritative text (the others are translations); empty where not said",
                "Ngôn ngữ của văn bản gốc (các ngôn ngữ khác là bản dịch); để trống nếu không nêu",
            ],
        )
        .col(
            "translation",
            Ty::String,
            false,
            [
                "official or unofficial: the status of the translations, where `original` is given",
                "official (chính thức) hoặc unofficial (không chính thức): tình trạng của bản dịch, khi có `original`",
            ],
        )
        .col(
            "transcribed_from",
            Ty::String,
            false,
            [
                "Language of the unofficial translation the record was taken from, where the original was not at hand (its text in `original` is then a translation too)",
                "Ngôn ngữ của bản dịch không chính thức được dùng làm nguồn khi không có bản gốc (khi đó nội dung bằng ngôn ngữ `original` cũng là bản dịch)",
            ],
        )
    }
}

/// The cells of [`B::page`]: the record's page in each language.
fn page(cfg: &Config, collection: Collection, id: &str) -> Vec<String> {
    cfg.languages
        .iter()
        .map(|l| cfg.absolute(&collection.page(l, id)))
        .collect()
}

/// The cells of [`B::prov`].
fn prov(p: &Provenance) -> Vec<String> {
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

fn t(langs: &[String], text: &Text) -> Vec<String> {
    langs
        .iter()
        .map(|l| text.plain(l, langs).to_string())
        .collect()
}
fn ot(langs: &[String], text: &Option<Text>) -> Vec<String> {
    match text {
        Some(x) => t(langs, x),
        None => vec![String::new(); langs.len()],
    }
}
/// The separator of list items in a CSV cell (and in a workbook cell).
pub const LIST_SEP: &str = "; ";

/// A list as one cell: items separated by `; `, with a `;` or `\` inside
/// an item written `\;` or `\\`, so that an item like "Iran; Islamic
/// Republic of" stays one item. [`split_list`] reverses it.
fn join<'x>(items: impl Iterator<Item = &'x str>) -> String {
    let mut out = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(LIST_SEP);
        }
        for ch in item.chars() {
            if ch == ';' || ch == '\\' {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out
}

/// The items of a list cell made by [`join`]: split at every `;` not
/// preceded by a backslash, `\x` read as `x`, the space after a
/// separator dropped.
pub fn split_list(cell: &str) -> Vec<String> {
    let mut items = Vec::new();
    if cell.is_empty() {
        return items;
    }
    let mut cur = String::new();
    let mut chars = cell.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => cur.extend(chars.next()),
            ';' => {
                items.push(std::mem::take(&mut cur));
                if chars.clone().next() == Some(' ') {
                    chars.next();
                }
            }
            _ => cur.push(ch),
        }
    }
    items.push(cur);
    items
}
fn o(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}
fn b(v: bool) -> String {
    if v { "true".into() } else { "false".into() }
}

fn row(parts: Vec<Vec<String>>) -> Vec<String> {
    parts.into_iter().flatten().collect()
}
fn s(v: impl Into<String>) -> Vec<String> {
    vec![v.into()]
}

pub fn tables(idx: &Index<'_>, cfg: &Config) -> Vec<Table> {
    let d = idx.data;
    let l = &cfg.languages[..];
    let mut out = Vec::new();

    let cols = B::new(l)
        .col("id", Ty::String, true, ["Identifier", "Mã định danh"])
        .text("name", ["Name", "Tên"])
        .text(
            "body",
            ["Treaty body or council", "Cơ quan công ước hoặc hội đồng"],
        )
        .text("treaty", ["Treaty", "Điều ước"])
        .col(
            "url",
            Ty::String,
            false,
            ["Official page", "Trang chính thức"],
        )
        .text("description", ["Description", "Mô tả"])
        .page()
        .prov()
        .cols;
    let rows = d
        .mechanisms
        .iter()
        .map(|m| {
            row(vec![
                s(&m.id.id),
                t(l, &m.name),
                ot(l, &m.body),
                ot(l, &m.treaty),
                s(o(&m.url)),
                ot(l, &m.description),
                page(cfg, Collection::Mechanisms, &m.id.id),
                prov(&m.prov),
            ])
        })
        .collect();
    out.push(Table {
        name: "mechanisms".into(),
        title: ["UN mechanisms", "Cơ chế của Liên hợp quốc"],
        cols,
        rows,
        locs: d.mechanisms.iter().map(|x| x.id.loc).collect(),
        key: vec!["id"],
        fks: vec![],
    });

    let cols = B::new(l)
        .col("id", Ty::String, true, ["Identifier", "Mã định danh"])
        .col(
            "symbol",
            Ty::String,
            false,
            ["Document symbol", "Ký hiệu văn bản"],
        )
        .text("title", ["Title", "Tiêu đề"])
        .col(
            "kind",
            Ty::String,
            true,
            ["Kind of document", "Loại văn bản"],
        )
        .col(
            "mechanism",
            Ty::String,
            false,
            ["Mechanism id", "Mã cơ chế"],
        )
        .col("cycle", Ty::String, false, ["Review cycle", "Chu kỳ"])
        .col("date", Ty::Date, false, ["Date", "Ngày"])
        .col(
            "url",
            Ty::String,
            false,
            ["Official source", "Nguồn chính thức"],
        )
        .col(
            "recommendations_total",
            Ty::Integer,
            false,
            [
                "Recommendations in the document (as a source counts them)",
                "Số khuyến nghị trong văn bản (theo nguồn)",
            ],
        )
        .col(
            "entered",
            Ty::Boolean,
            true,
            [
                "Whether its recommendations are entered in this dataset",
                "Các khuyến nghị của văn bản đã được nhập vào bộ dữ liệu hay chưa",
            ],
        )
        .text("description", ["Description", "Mô tả"])
        .page()
        .prov()
        .cols;
    let rows = d
        .documents
        .iter()
        .map(|x| {
            row(vec![
                s(&x.id.id),
                s(o(&x.symbol)),
                t(l, &x.title),
                s(&x.kind),
                s(x.mechanism
                    .as_ref()
                    .map(|m| m.id.clone())
                    .unwrap_or_default()),
                s(o(&x.cycle)),
                s(x.date.map(|d| d.to_string()).unwrap_or_default()),
                s(o(&x.url)),
                s(x.recommendations_total
                    .map(|(n, _)| n.to_string())
                    .unwrap_or_default()),
                s(b(x.entered)),
                ot(l, &x.description),
                page(cfg, Collection::Documents, &x.id.id),
                prov(&x.prov),
            ])
        })
        .collect();
    out.push(Table {
        name: "documents".into(),
        title: ["Source documents", "Văn bản nguồn"],
        cols,
        rows,
        locs: d.documents.iter().map(|x| x.id.loc).collect(),
        key: vec!["id"],
        fks: vec![("mechanism", "mechanisms", "id")],
    });

    let cols = B::new(l)
        .col("id", Ty::String, true, ["Identifier", "Mã định danh"])
        .text("name", ["Official name", "Tên chính thức"])
        .text("short", ["Abbreviation", "Tên viết tắt"])
        .list(
            "aliases",
            [
                "Other names it goes by (searched)",
                "Tên gọi khác (dùng khi tìm kiếm)",
            ],
        )
        .col("kind", Ty::String, false, ["Kind of body", "Loại cơ quan"])
        .col(
            "parent",
            Ty::String,
            false,
            ["Parent agency id", "Mã cơ quan cấp trên"],
        )
        .col("url", Ty::String, false, ["Website", "Trang web"])
        .col(
            "ended",
            Ty::Date,
            false,
            [
                "Date the body ceased to exist",
                "Ngày cơ quan chấm dứt hoạt động",
            ],
        )
        .list(
            "successors",
            [
                "Ids of the bodies that took over its functions",
                "Mã các cơ quan tiếp nhận chức năng",
            ],
        )
        .text(
            "legal_basis",
            ["Act that merged or split it", "Văn bản hợp nhất hoặc tách"],
        )
        .col(
            "tasks_led",
            Ty::Integer,
            true,
            ["Tasks it leads", "Số nhiệm vụ chủ trì"],
        )
        .col(
            "tasks_coordinated",
            Ty::Integer,
            true,
            ["Tasks it coordinates", "Số nhiệm vụ phối hợp"],
        )
        .text("description", ["Description", "Mô tả"])
        .page()
        .prov()
        .cols;
    let rows = d
        .agencies
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let led = idx.agency_duties[i]
                .iter()
                .filter(|x| x.role == Role::Lead)
                .count();
            let co = idx.agency_duties[i].len() - led;
            row(vec![
                s(&a.id.id),
                t(l, &a.name),
                ot(l, &a.short),
                s(join(a.aliases.iter().map(String::as_str))),
                s(o(&a.kind)),
                s(a.parent.as_ref().map(|p| p.id.clone()).unwrap_or_default()),
                s(o(&a.url)),
                s(a.ended.map(|d| d.to_string()).unwrap_or_default()),
                s(join(a.successors.iter().map(|x| x.agency.id.as_str()))),
                ot(l, &a.legal_basis),
                s(led.to_string()),
                s(co.to_string()),
                ot(l, &a.description),
                page(cfg, Collection::Agencies, &a.id.id),
                prov(&a.prov),
            ])
        })
        .collect();
    out.push(Table {
        name: "agencies".into(),
        title: ["Responsible agencies", "Cơ quan chịu trách nhiệm"],
        cols,
        rows,
        locs: d.agencies.iter().map(|x| x.id.loc).collect(),
        key: vec!["id"],
        fks: vec![("parent", "agencies", "id")],
    });

    // The successors of ended agencies with the functions each took over.
    let cols = B::new(l)
        .col(
            "agency",
            Ty::String,
            true,
            ["Ended agency id", "Mã cơ quan đã chấm dứt"],
        )
        .col(
            "successor",
            Ty::String,
            true,
            [
                "Id of a body that took over functions",
                "Mã cơ quan tiếp nhận chức năng",
            ],
        )
        .text(
            "note",
            ["Which functions it took over", "Chức năng được tiếp nhận"],
        )
        .cols;
    let (mut rows, mut locs) = (Vec::new(), Vec::new());
    for a in &d.agencies {
        for x in &a.successors {
            rows.push(row(vec![s(&a.id.id), s(&x.agency.id), ot(l, &x.note)]));
            locs.push(x.agency.loc);
        }
    }
    out.push(Table {
        name: "agency-successors".into(),
        title: ["Successors of ended agencies", "Cơ quan kế nhiệm"],
        cols,
        rows,
        locs,
        key: vec!["agency", "successor"],
        fks: vec![
            ("agency", "agencies", "id"),
            ("successor", "agencies", "id"),
        ],
    });

    let cols = B::new(l)
        .col("id", Ty::String, true, ["Identifier", "Mã định danh"])
        .text("name", ["Name", "Tên"])
        .text("description", ["Description", "Mô tả"])
        .page()
        .prov()
        .cols;
    let rows = d
        .themes
        .iter()
        .map(|x| {
            row(vec![
                s(&x.id.id),
                t(l, &x.name),
                ot(l, &x.description),
                page(cfg, Collection::Themes, &x.id.id),
                prov(&x.prov),
            ])
        })
        .collect();
    out.push(Table {
        name: "themes".into(),
        title: ["Themes", "Chủ đề"],
        cols,
        rows,
        locs: d.themes.iter().map(|x| x.id.loc).collect(),
        key: vec!["id"],
        fks: vec![],
    });

    let cols = B::new(l)
        .col("id", Ty::String, true, ["Identifier", "Mã định danh"])
        .col("mechanism", Ty::String, true, ["Mechanism id", "Mã cơ chế"])
        .col("document", Ty::String, true, ["Document id", "Mã văn bản"])
        .col(
            "symbol",
            Ty::String,
            false,
            ["Document symbol", "Ký hiệu văn bản"],
        )
        .col(
            "paragraph",
            Ty::String,
            false,
            [
                "Paragraph as printed (empty where not confirmed)",
                "Đoạn (để trống nếu chưa xác nhận)",
            ],
        )
        .text(
            "heading",
            [
                "The document's subject heading",
                "Tiêu đề mục trong văn bản",
            ],
        )
        .text("text", ["Summary in our words", "Tóm tắt"])
        .list("themes", ["Theme ids", "Mã chủ đề"])
        .list("groups", ["Affected groups", "Nhóm bị ảnh hưởng"])
        .list("sdgs", ["SDG targets", "Mục tiêu SDG"])
        .col(
            "follow_up",
            Ty::Boolean,
            true,
            [
                "Priority recommendation under the follow-up procedure",
                "Khuyến nghị ưu tiên theo thủ tục tiếp theo",
            ],
        )
        .col(
            "response",
            Ty::String,
            false,
            [
                "UPR response: supported or noted",
                "Phản hồi UPR: chấp thuận hoặc ghi nhận",
            ],
        )
        .list(
            "recommending_states",
            ["Recommending States (UPR)", "Quốc gia khuyến nghị (UPR)"],
        )
        .list(
            "related",
            [
                "Related recommendations of any mechanism",
                "Khuyến nghị liên quan",
            ],
        )
        .col(
            "tasks",
            Ty::Integer,
            true,
            ["Number of tasks that answer it", "Số nhiệm vụ thực hiện"],
        )
        .col(
            "url",
            Ty::String,
            false,
            [
                "Official source of its text",
                "Nguồn chính thức của văn bản",
            ],
        )
        .page()
        .prov()
        .cols;
    let rows = d
        .recommendations
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let symbol = idx
                .document
                .get(r.document.id.as_str())
                .and_then(|&x| d.documents[x].symbol.clone())
                .unwrap_or_default();
            row(vec![
                s(&r.id.id),
                s(&r.mechanism.id),
                s(&r.document.id),
                s(symbol),
                s(o(&r.paragraph)),
                ot(l, &r.heading),
                t(l, &r.text),
                s(join(r.themes.iter().map(|x| x.id.as_str()))),
                s(join(r.groups.iter().map(String::as_str))),
                s(join(r.sdgs.iter().map(String::as_str))),
                s(b(r.follow_up)),
                s(o(&r.response)),
                s(join(r.recommending_states.iter().map(String::as_str))),
                s(join(
                    idx.rec_related[i]
                        .iter()
                        .map(|&j| d.recommendations[j].id.id.as_str()),
                )),
                s(idx.rec_tasks[i].len().to_string()),
                s(o(&r.url)),
                page(cfg, Collection::Recommendations, &r.id.id),
                prov(&r.prov),
            ])
        })
        .collect();
    out.push(Table {
        name: "recommendations".into(),
        title: ["Recommendations", "Khuyến nghị"],
        cols,
        rows,
        locs: d.recommendations.iter().map(|x| x.id.loc).collect(),
        key: vec!["id"],
        fks: vec![
            ("mechanism", "mechanisms", "id"),
            ("document", "documents", "id"),
        ],
    });

    let cols = B::new(l)
        .col("id", Ty::String, true, ["Identifier", "Mã định danh"])
        .col(
            "document",
            Ty::String,
            true,
            ["Decision id", "Mã quyết định"],
        )
        .text("title", ["Title", "Tiêu đề"])
        .list("mechanisms", ["Mechanism ids", "Mã cơ chế"])
        .col(
            "coordinator",
            Ty::String,
            false,
            ["Coordinating agency id", "Mã cơ quan đầu mối"],
        )
        .col(
            "adopted",
            Ty::Date,
            false,
            ["Date adopted", "Ngày ban hành"],
        )
        .col("period", Ty::String, false, ["Period", "Giai đoạn"])
        .list(
            "answers",
            [
                "Ids of the documents it implements",
                "Mã văn bản được thực hiện",
            ],
        )
        .col(
            "superseded_by",
            Ty::String,
            false,
            [
                "Plan or document that replaced it",
                "Kế hoạch hoặc văn bản thay thế",
            ],
        )
        .col(
            "tasks",
            Ty::Integer,
            true,
            [
                "Number of tasks (headings excluded)",
                "Số nhiệm vụ (không kể tiêu đề)",
            ],
        )
        .text("description", ["Description", "Mô tả"])
        .page()
        .prov()
        .cols;
    let rows = d
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| {
            row(vec![
                s(&p.id.id),
                s(&p.document.id),
                t(l, &p.title),
                s(join(p.mechanisms.iter().map(|x| x.id.as_str()))),
                s(p.coordinator
                    .as_ref()
                    .map(|x| x.id.clone())
                    .unwrap_or_default()),
                s(p.adopted.map(|x| x.to_string()).unwrap_or_default()),
                s(o(&p.period)),
                s(join(p.answers.iter().map(|x| x.id.as_str()))),
                s(p.superseded_by
                    .as_ref()
                    .map(|x| x.id.clone())
                    .unwrap_or_default()),
                s(idx.plan_tasks[i]
                    .iter()
                    .filter(|&&x| !d.tasks[x].heading)
                    .count()
                    .to_string()),
                ot(l, &p.description),
                page(cfg, Collection::Plans, &p.id.id),
                prov(&p.prov),
            ])
        })
        .collect();
    out.push(Table {
        name: "plans".into(),
        title: ["National action plans", "Kế hoạch hành động quốc gia"],
        cols,
        rows,
        locs: d.plans.iter().map(|x| x.id.loc).collect(),
        key: vec!["id"],
        fks: vec![
            ("document", "documents", "id"),
            ("coordinator", "agencies", "id"),
        ],
    });

    let task_cols = || {
        B::new(l)
            .col("id", Ty::String, true, ["Identifier", "Mã định danh"])
            .col("plan", Ty::String, true, ["Plan id", "Mã kế hoạch"])
            .col(
                "ref",
                Ty::String,
                true,
                [
                    "Number as printed in the plan",
                    "Số thứ tự như trong kế hoạch",
                ],
            )
            .col(
                "parent",
                Ty::String,
                false,
                ["Id of the heading above", "Mã tiêu đề cấp trên"],
            )
            .col(
                "heading",
                Ty::Boolean,
                true,
                ["A heading that groups tasks", "Là tiêu đề nhóm nhiệm vụ"],
            )
            .col(
                "heading_path",
                Ty::String,
                false,
                [
                    "Refs of the headings above, outermost first",
                    "Số thứ tự các tiêu đề cấp trên",
                ],
            )
            .text("text", ["Task", "Nhiệm vụ"])
            .list("lead", ["Lead agency ids", "Mã cơ quan chủ trì"])
            .text_list("lead_names", ["Lead agency names", "Tên cơ quan chủ trì"])
            .list(
                "coordinating",
                ["Coordinating agency ids", "Mã cơ quan phối hợp"],
            )
            .text_list(
                "coordinating_names",
                ["Coordinating agency names", "Tên cơ quan phối hợp"],
            )
            .list(
                "current_lead",
                [
                    "Who answers for it today, where a lead has ended",
                    "Cơ quan chịu trách nhiệm hiện nay",
                ],
            )
            .text("expected", ["Expected result", "Kết quả dự kiến"])
            .text(
                "timeframe",
                ["Timeframe as printed", "Thời gian như trong kế hoạch"],
            )
            .list(
                "due",
                ["Milestones: years or dates", "Các mốc: năm hoặc ngày"],
            )
            .col(
                "last_due",
                Ty::Date,
                false,
                [
                    "Last milestone (a year means 31 December)",
                    "Mốc cuối (năm tính đến 31/12)",
                ],
            )
            .col(
                "recurring",
                Ty::String,
                false,
                ["annual where it recurs every year", "annual nếu hằng năm"],
            )
            .col(
                "status",
                Ty::String,
                true,
                [
                    "The task's own status field as the data writes it; not counted (see state)",
                    "Trường tình trạng của chính nhiệm vụ như dữ liệu ghi; không được tính (xem state)",
                ],
            )
            .col(
                "state",
                Ty::String,
                true,
                [
                    "State as of the site date: done, in-progress, not-started (from the latest progress record with a status), else past-deadline (no completion recorded), upcoming, recurring, no-deadline; heading for heading rows, which are never counted",
                    "Tình trạng tại ngày cập nhật: done, in-progress, not-started (theo bản ghi tiến độ mới nhất có tình trạng), nếu không thì past-deadline (chưa ghi nhận hoàn thành), upcoming, recurring, no-deadline; heading cho dòng đề mục, không bao giờ được đếm",
                ],
            )
            .col(
                "state_date",
                Ty::String,
                false,
                [
                    "Date of the record that gives the state (YYYY, YYYY-MM or YYYY-MM-DD)",
                    "Ngày của bản ghi cho tình trạng (YYYY, YYYY-MM hoặc YYYY-MM-DD)",
                ],
            )
            .col(
                "state_by",
                Ty::String,
                false,
                [
                    "Who says so: government, legislature, un, nhri, civil-society, media, academic",
                    "Ai nói vậy: government, legislature, un, nhri, civil-society, media, academic",
                ],
            )
            .col(
                "state_record",
                Ty::String,
                false,
                [
                    "Id of the progress record that gives the state (progress.csv)",
                    "Mã bản ghi tiến độ cho tình trạng (progress.csv)",
                ],
            )
            .col(
                "state_source",
                Ty::String,
                false,
                [
                    "Where the claim can be read: a URL, or the id of a document of documents.csv",
                    "Nơi đọc được thông tin: một URL, hoặc mã văn bản trong documents.csv",
                ],
            )
            .col(
                "overdue",
                Ty::Boolean,
                true,
                [
                    "Overdue: the deadline has passed and the latest status, from a source, is not done",
                    "Quá hạn: đã qua thời hạn và tình trạng mới nhất, theo một nguồn, là chưa xong",
                ],
            )
            .list(
                "recommendations",
                [
                    "Ids of the recommendations it answers",
                    "Mã khuyến nghị được thực hiện",
                ],
            )
            .list("themes", ["Theme ids", "Mã chủ đề"])
            .list("indicators", ["Indicator ids", "Mã chỉ số"])
            .text(
                "status_note",
                [
                    "Note on the status, with its source",
                    "Ghi chú về tình trạng, có nguồn",
                ],
            )
            .list(
                "evidence",
                [
                    "Addresses of the evidence for the status",
                    "Địa chỉ của bằng chứng về tình trạng",
                ],
            )
            .list(
                "sic",
                [
                    "[sic] notes: words kept as printed => what they most likely mean",
                    "Ghi chú [sic]: nguyên văn => cách đọc nhiều khả năng đúng",
                ],
            )
            .col(
                "as_of",
                Ty::Date,
                true,
                [
                    "The site date deadline and overdue are computed against",
                    "Ngày cập nhật dùng để tính thời hạn và quá hạn",
                ],
            )
            .page()
            .prov()
            .cols
    };
    let task_row = |i: usize| -> Vec<String> {
        let x = &d.tasks[i];
        let st = &idx.task_state[i];
        let latest = st.latest.map(|p| &d.progress[p]);
        let names = |refs: &[AgencyRef]| -> Vec<String> {
            l.iter()
                .map(|lang| {
                    join(refs.iter().filter_map(|r| {
                        idx.agency
                            .get(r.agency.id.as_str())
                            .map(|&a| d.agencies[a].name.plain(lang, l))
                    }))
                })
                .collect()
        };
        row(vec![
            s(&x.id.id),
            s(&x.plan.id),
            s(&x.ref_),
            s(idx.task_parent[i]
                .map(|p| d.tasks[p].id.id.clone())
                .unwrap_or_default()),
            s(b(x.heading)),
            s(idx.task_path[i]
                .iter()
                .map(|&p| d.tasks[p].ref_.as_str())
                .collect::<Vec<_>>()
                .join(" > ")),
            t(l, &x.text),
            s(join(x.lead.iter().map(|r| r.agency.id.as_str()))),
            names(&x.lead),
            s(join(x.coordinating.iter().map(|r| r.agency.id.as_str()))),
            names(&x.coordinating),
            s(join(
                idx.task_current[i]
                    .iter()
                    .map(|(a, _)| d.agencies[*a].id.id.as_str()),
            )),
            ot(l, &x.expected),
            ot(l, &x.timeframe),
            s(join(x.due.iter().map(|d| d.label.as_str()))),
            s(idx.task_last_due[i]
                .map(|x| x.to_string())
                .unwrap_or_default()),
            s(if x.recurring == Recurring::Annual {
                "annual"
            } else {
                ""
            }),
            s(x.status.as_str()),
            s(st.state.as_str()),
            s(latest.map(|p| p.date.label.clone()).unwrap_or_default()),
            s(latest.map(|p| p.by.as_str()).unwrap_or_default()),
            s(latest.map(|p| p.id.id.clone()).unwrap_or_default()),
            s(latest.map(|p| source_cell(&p.source)).unwrap_or_default()),
            s(b(st.overdue)),
            s(join(x.recommendations.iter().map(|r| r.id.as_str()))),
            s(join(x.themes.iter().map(|r| r.id.as_str()))),
            s(join(x.indicators.iter().map(|r| r.id.as_str()))),
            ot(l, &x.status_note),
            s(join(x.evidence.iter().map(String::as_str))),
            s(join(
                x.sic
                    .iter()
                    .map(|n| format!("{} => {}", n.printed, n.reads))
                    .collect::<Vec<_>>()
                    .iter()
                    .map(String::as_str),
            )),
            s(cfg.as_of.to_string()),
            page(cfg, Collection::Tasks, &x.id.id),
            prov(&x.prov),
        ])
    };
    let rows = (0..d.tasks.len()).map(task_row).collect();
    out.push(Table {
        name: "tasks".into(),
        title: ["Tasks of the plans", "Nhiệm vụ của các kế hoạch"],
        cols: task_cols(),
        rows,
        locs: d.tasks.iter().map(|x| x.id.loc).collect(),
        key: vec!["id"],
        fks: vec![
            ("plan", "plans", "id"),
            ("parent", "tasks", "id"),
            ("state_record", "progress", "id"),
        ],
    });

    let cols = B::new(l)
        .col("id", Ty::String, true, ["Identifier", "Mã định danh"])
        .text("title", ["Indicator", "Chỉ số"])
        .text("unit", ["Unit", "Đơn vị"])
        .list(
            "scale",
            [
                "Levels of a rated indicator, lowest first",
                "Các mức đánh giá, từ thấp đến cao",
            ],
        )
        .col(
            "target_op",
            Ty::String,
            false,
            [
                "Target comparison: at-least (>=), at-most (<=), above (>), below (<) or equal (=)",
                "Phép so sánh mục tiêu: at-least (>=), at-most (<=), above (>), below (<) hoặc equal (=)",
            ],
        )
        .col(
            "target_value",
            Ty::Number,
            false,
            ["Target value", "Giá trị mục tiêu"],
        )
        .col(
            "target_year",
            Ty::Integer,
            false,
            ["Target year", "Năm mục tiêu"],
        )
        .col(
            "source",
            Ty::String,
            false,
            ["Source document id", "Mã văn bản nguồn"],
        )
        .text(
            "locator",
            [
                "Where in the source document the figures stand (appendix, table, page)",
                "Vị trí của số liệu trong văn bản nguồn (phụ lục, bảng, trang)",
            ],
        )
        .list("themes", ["Theme ids", "Mã chủ đề"])
        .list(
            "tasks",
            ["Ids of the tasks it measures", "Mã các nhiệm vụ được đo"],
        )
        .text("description", ["Description", "Mô tả"])
        .page()
        .prov()
        .cols;
    let rows = d
        .indicators
        .iter()
        .map(|x| {
            row(vec![
                s(&x.id.id),
                t(l, &x.title),
                ot(l, &x.unit),
                s(join(x.scale.iter().map(String::as_str))),
                s(x.target
                    .as_ref()
                    .map(|t| target_op(&t.op))
                    .unwrap_or_default()),
                s(x.target
                    .as_ref()
                    .map(|t| crate::publish::table::fmt_num(t.value))
                    .unwrap_or_default()),
                s(x.target
                    .as_ref()
                    .and_then(|t| t.year)
                    .map(|y| y.to_string())
                    .unwrap_or_default()),
                s(x.source.as_ref().map(|r| r.id.clone()).unwrap_or_default()),
                ot(l, &x.locator),
                s(join(x.themes.iter().map(|r| r.id.as_str()))),
                s(join(x.tasks.iter().map(|r| r.id.as_str()))),
                ot(l, &x.description),
                page(cfg, Collection::Indicators, &x.id.id),
                prov(&x.prov),
            ])
        })
        .collect();
    out.push(Table {
        name: "indicators".into(),
        title: ["Indicators", "Chỉ số"],
        cols,
        rows,
        locs: d.indicators.iter().map(|x| x.id.loc).collect(),
        key: vec!["id"],
        fks: vec![("source", "documents", "id")],
    });

    let cols = B::new(l)
        .col("indicator", Ty::String, true, ["Indicator id", "Mã chỉ số"])
        .col(
            "period",
            Ty::String,
            true,
            ["Period as printed", "Kỳ như trong nguồn"],
        )
        .col(
            "breakdown",
            Ty::String,
            false,
            ["Breakdown (e.g. level=provincial)", "Phân tổ"],
        )
        .col(
            "value",
            Ty::String,
            false,
            [
                "Value: a number, or a level of the scale; empty where the source gives none",
                "Giá trị: số hoặc mức đánh giá; để trống nếu nguồn không có",
            ],
        )
        .col(
            "number",
            Ty::Number,
            false,
            [
                "The value as a number; empty where it is a level of a scale or missing",
                "Giá trị dạng số; để trống nếu là mức đánh giá hoặc không có",
            ],
        )
        .col(
            "change",
            Ty::String,
            false,
            ["Change for rated indicators", "Thay đổi (chỉ số đánh giá)"],
        )
        .text("note", ["Note", "Ghi chú"])
        .col(
            "source",
            Ty::String,
            false,
            ["Source document id", "Mã văn bản nguồn"],
        )
        .prov()
        .cols;
    let rows = d
        .values
        .iter()
        .map(|v| {
            row(vec![
                s(&v.indicator.id),
                s(&v.period),
                s(o(&v.breakdown)),
                s(o(&v.value)),
                s(v.number
                    .filter(|n| n.is_finite())
                    .map(crate::publish::table::fmt_num)
                    .unwrap_or_default()),
                s(o(&v.change)),
                ot(l, &v.note),
                s(v.source.as_ref().map(|r| r.id.clone()).unwrap_or_default()),
                prov(&v.prov),
            ])
        })
        .collect();
    out.push(Table {
        name: "indicator-values".into(),
        title: ["Indicator values", "Giá trị chỉ số"],
        cols,
        rows,
        locs: d.values.iter().map(|v| v.loc).collect(),
        key: vec![],
        fks: vec![
            ("indicator", "indicators", "id"),
            ("source", "documents", "id"),
        ],
    });

    let cols = B::new(l)
        .col("task", Ty::String, true, ["Task id", "Mã nhiệm vụ"])
        .col("agency", Ty::String, true, ["Agency id", "Mã cơ quan"])
        .col(
            "role",
            Ty::String,
            true,
            [
                "lead, coordinating, or current-lead (who answers for it today where a lead has ended)",
                "lead (chủ trì), coordinating (phối hợp) hoặc current-lead (cơ quan chịu trách nhiệm hiện nay, khi cơ quan chủ trì đã chấm dứt)",
            ],
        )
        .text(
            "note",
            ["Qualifying words from the plan", "Ghi chú trong kế hoạch"],
        )
        .cols;
    let (mut rows, mut locs) = (Vec::new(), Vec::new());
    for x in &d.tasks {
        for (role, refs) in [
            ("lead", &x.lead),
            ("coordinating", &x.coordinating),
            ("current-lead", &x.current_lead),
        ] {
            for r in refs {
                rows.push(row(vec![
                    s(&x.id.id),
                    s(&r.agency.id),
                    s(role),
                    ot(l, &r.note),
                ]));
                locs.push(r.agency.loc);
            }
        }
    }
    out.push(Table {
        name: "task-agencies".into(),
        title: ["Task–agency links", "Liên kết nhiệm vụ – cơ quan"],
        cols,
        rows,
        locs,
        key: vec![],
        fks: vec![("task", "tasks", "id"), ("agency", "agencies", "id")],
    });

    // Progress: one row per record, and which tasks each bears on.
    let cols = B::new(l)
        .col("id", Ty::String, true, ["Identifier", "Mã định danh"])
        .col(
            "date",
            Ty::String,
            true,
            [
                "Date of the event or claim: YYYY, YYYY-MM or YYYY-MM-DD",
                "Ngày của sự kiện hoặc thông tin: YYYY, YYYY-MM hoặc YYYY-MM-DD",
            ],
        )
        .col(
            "status",
            Ty::String,
            false,
            [
                "done, in-progress or not-started; empty where the record is context only",
                "done, in-progress hoặc not-started; để trống nếu bản ghi chỉ là bối cảnh",
            ],
        )
        .col(
            "by",
            Ty::String,
            true,
            [
                "Who says so: government, legislature, un, nhri, civil-society, media, academic",
                "Ai nói vậy: government, legislature, un, nhri, civil-society, media, academic",
            ],
        )
        .text(
            "by_name",
            ["Name of who says so", "Tên bên đưa ra thông tin"],
        )
        .text(
            "text",
            [
                "What is claimed, summarised in our own words",
                "Nội dung, tóm tắt bằng lời của chúng tôi",
            ],
        )
        .list(
            "tasks",
            ["Ids of the tasks it bears on", "Mã các nhiệm vụ liên quan"],
        )
        .list(
            "recommendations",
            [
                "Ids of the recommendations it bears on",
                "Mã các khuyến nghị liên quan",
            ],
        )
        .col(
            "source",
            Ty::String,
            true,
            [
                "Where it can be read: a URL, or a document id of documents.csv",
                "Nơi đọc được: một URL, hoặc mã văn bản trong documents.csv",
            ],
        )
        .col(
            "source_document",
            Ty::String,
            false,
            ["The source's document id", "Mã văn bản nguồn"],
        )
        .text(
            "source_title",
            ["Title of a web source", "Tiêu đề nguồn trên web"],
        )
        .col(
            "source_accessed",
            Ty::Date,
            false,
            [
                "Day the web source was read",
                "Ngày truy cập nguồn trên web",
            ],
        )
        .list(
            "also",
            [
                "Further sources: URLs or document ids",
                "Các nguồn khác: URL hoặc mã văn bản",
            ],
        )
        .col(
            "grade",
            Ty::String,
            false,
            [
                "UN follow-up grade as printed (A to E)",
                "Điểm đánh giá theo dõi của LHQ như văn bản ghi (A đến E)",
            ],
        )
        .col(
            "confidence",
            Ty::String,
            false,
            [
                "verified or reported",
                "verified (đã kiểm chứng) hoặc reported (theo tường thuật)",
            ],
        )
        .text("note", ["Caveats", "Lưu ý"])
        .prov()
        .cols;
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
                s(&p.id.id),
                s(&p.date.label),
                s(p.status.map(|x| x.as_str()).unwrap_or_default()),
                s(p.by.as_str()),
                ot(l, &p.by_name),
                t(l, &p.text),
                s(join(p.tasks.iter().map(|r| r.id.as_str()))),
                s(join(p.recommendations.iter().map(|r| r.id.as_str()))),
                s(source_cell(&p.source)),
                s(doc),
                ot(l, &title),
                s(accessed.map(|a| a.to_string()).unwrap_or_default()),
                s(p.also
                    .iter()
                    .map(source_cell)
                    .collect::<Vec<_>>()
                    .join("; ")),
                s(o(&p.grade)),
                s(p.confidence.map(|c| c.as_str()).unwrap_or_default()),
                ot(l, &p.note),
                prov(&p.prov),
            ])
        })
        .collect();
    out.push(Table {
        name: "progress".into(),
        title: [
            "Progress records: dated claims, who says so, the source",
            "Bản ghi tiến độ: thông tin có ngày tháng, ai nói, nguồn",
        ],
        cols,
        rows,
        locs: d.progress.iter().rev().map(|x| x.id.loc).collect(),
        key: vec!["id"],
        fks: vec![("source_document", "documents", "id")],
    });

    let cols = B::new(l)
        .col("task", Ty::String, true, ["Task id", "Mã nhiệm vụ"])
        .col(
            "progress",
            Ty::String,
            true,
            ["Progress record id", "Mã bản ghi tiến độ"],
        )
        .col(
            "date",
            Ty::String,
            true,
            ["Date of the record", "Ngày của bản ghi"],
        )
        .col(
            "status",
            Ty::String,
            false,
            ["Status the record gives", "Tình trạng bản ghi nêu"],
        )
        .col("by", Ty::String, true, ["Who says so", "Ai nói vậy"])
        .col(
            "latest",
            Ty::Boolean,
            true,
            [
                "true for the record that gives the task its state",
                "true với bản ghi cho nhiệm vụ tình trạng hiện tại",
            ],
        )
        .cols;
    let mut rows = Vec::new();
    for (ti, x) in d.tasks.iter().enumerate() {
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
                b(st.latest == Some(p)),
            ]);
        }
    }
    out.push(Table {
        name: "task-progress".into(),
        title: ["Task–progress links", "Liên kết nhiệm vụ – bản ghi tiến độ"],
        cols,
        rows,
        locs: vec![],
        key: vec!["task", "progress"],
        fks: vec![("task", "tasks", "id"), ("progress", "progress", "id")],
    });

    let cols = B::new(l)
        .col("task", Ty::String, true, ["Task id", "Mã nhiệm vụ"])
        .col(
            "recommendation",
            Ty::String,
            true,
            ["Recommendation id", "Mã khuyến nghị"],
        )
        .cols;
    let mut rows = Vec::new();
    for x in &d.tasks {
        for r in &x.recommendations {
            rows.push(vec![x.id.id.clone(), r.id.clone()]);
        }
    }
    rows.sort();
    rows.dedup();
    out.push(Table {
        name: "task-recommendations".into(),
        title: [
            "Task–recommendation links",
            "Liên kết nhiệm vụ – khuyến nghị",
        ],
        cols,
        rows,
        locs: vec![],
        key: vec!["task", "recommendation"],
        fks: vec![
            ("task", "tasks", "id"),
            ("recommendation", "recommendations", "id"),
        ],
    });

    let cols = B::new(l)
        .col(
            "recommendation",
            Ty::String,
            true,
            ["Recommendation id", "Mã khuyến nghị"],
        )
        .col(
            "related",
            Ty::String,
            true,
            ["Related recommendation id", "Mã khuyến nghị liên quan"],
        )
        .cols;
    let mut rows = Vec::new();
    for (i, rel) in idx.rec_related.iter().enumerate() {
        for &j in rel {
            if i < j {
                rows.push(vec![
                    d.recommendations[i].id.id.clone(),
                    d.recommendations[j].id.id.clone(),
                ]);
            }
        }
    }
    out.push(Table {
        name: "recommendation-links".into(),
        title: [
            "Links between recommendations",
            "Liên kết giữa các khuyến nghị",
        ],
        cols,
        rows,
        locs: vec![],
        key: vec!["recommendation", "related"],
        fks: vec![
            ("recommendation", "recommendations", "id"),
            ("related", "recommendations", "id"),
        ],
    });

    let cols = B::new(l)
        .col("theme", Ty::String, true, ["Theme id", "Mã chủ đề"])
        .col(
            "kind",
            Ty::String,
            true,
            [
                "recommendation, task or indicator",
                "recommendation, task hoặc indicator",
            ],
        )
        .col("id", Ty::String, true, ["Id of the record", "Mã bản ghi"])
        .cols;
    let mut rows = Vec::new();
    for r in &d.recommendations {
        for th in &r.themes {
            rows.push(vec![
                th.id.clone(),
                "recommendation".into(),
                r.id.id.clone(),
            ]);
        }
    }
    for x in &d.tasks {
        for th in &x.themes {
            rows.push(vec![th.id.clone(), "task".into(), x.id.id.clone()]);
        }
    }
    for x in &d.indicators {
        for th in &x.themes {
            rows.push(vec![th.id.clone(), "indicator".into(), x.id.id.clone()]);
        }
    }
    rows.sort();
    rows.dedup();
    out.push(Table {
        name: "theme-links".into(),
        title: ["Theme links", "Liên kết chủ đề"],
        cols,
        rows,
        locs: vec![],
        key: vec!["theme", "kind", "id"],
        fks: vec![("theme", "themes", "id")],
    });

    // Per agency: the tasks it leads or coordinates.
    for (ai, a) in d.agencies.iter().enumerate() {
        let mut ts: Vec<usize> = idx.agency_duties[ai].iter().map(|x| x.task).collect();
        ts.sort();
        ts.dedup();
        if ts.is_empty() {
            continue;
        }
        out.push(Table {
            name: format!("agencies/{}/tasks", a.id.id),
            title: ["Tasks of one agency", "Nhiệm vụ của một cơ quan"],
            cols: task_cols(),
            rows: ts.iter().map(|&i| task_row(i)).collect(),
            locs: ts.iter().map(|&i| d.tasks[i].id.loc).collect(),
            key: vec![],
            fks: vec![],
        });
    }
    out.sort_by_key(|t| rank(&t.name));
    out
}

/// Record tables in the order readers look for them (tasks first: the
/// downloads page, the workbook's sheets and the package follow it).
const RECORD_TABLES: &[&str] = &[
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
];

/// Tables that only link records of other tables.
const LINK_TABLES: &[&str] = &[
    "task-agencies",
    "task-progress",
    "task-recommendations",
    "recommendation-links",
    "theme-links",
    "agency-successors",
];

/// Where a table goes: the record tables in [`RECORD_TABLES`] order, then
/// tables listed nowhere (a new collection's), then the link tables, then
/// the per-agency slices. The sort is stable, so ties keep the order they
/// were made in.
fn rank(name: &str) -> usize {
    let at = |list: &[&str]| list.iter().position(|t| *t == name);
    if let Some(i) = at(RECORD_TABLES) {
        i
    } else if let Some(i) = at(LINK_TABLES) {
        2000 + i
    } else if name.starts_with("agencies/") {
        3000
    } else {
        1000
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

/// The format label of the spreadsheet CSVs on the downloads page.
pub const EXCEL_CSV: &str = "CSV-Excel";

/// Where the spreadsheet CSV of a table is published: beside its CSV, with
/// a name that cannot be a table's (table names hold no dot).
pub fn excel_csv_path(table: &str) -> String {
    format!("data/{table}.excel.csv")
}

/// Whether a spreadsheet that opens a CSV would evaluate this cell rather
/// than show it: it starts with `=`, `+`, `-` or `@` (a formula), or with a
/// tab or carriage return (which some spreadsheets drop before looking).
pub fn spreadsheet_evaluates(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell of a spreadsheet CSV (`<table>.excel.csv`): a text a spreadsheet
/// would evaluate, or one that starts with `'`, gets a `'` in front, which
/// spreadsheets take as "this is text"; [`unguard`] reverses it exactly.
/// Numbers in number and integer columns stay numbers (`-5` is a value to
/// a spreadsheet, not a formula).
pub fn guard<'c>(col: &Col, cell: &'c str) -> std::borrow::Cow<'c, str> {
    let number = matches!(col.ty, Ty::Integer | Ty::Number)
        && !col.list
        && cell.parse::<f64>().is_ok_and(f64::is_finite);
    if !number && (spreadsheet_evaluates(cell) || cell.starts_with('\'')) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The exact value of a spreadsheet CSV cell: the `'` that [`guard`] put
/// in front, if any, taken off.
pub fn unguard(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// The UTF-8 byte-order mark, by which Excel recognises a CSV as UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A table as the spreadsheet CSV: the same rows as [`csv_bytes`], with a
/// byte-order mark so Excel shows Vietnamese when the file is
/// double-clicked, and every cell [`guard`]ed. The canonical CSV stays
/// without a mark and exact, as pandas, R's read.csv and Frictionless read
/// it (read.csv would make the mark part of the first column's name).
pub fn excel_csv_bytes(t: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let _ = w.write_record(t.cols.iter().map(|c| c.name.as_str()));
    for r in &t.rows {
        let cells: Vec<_> = t.cols.iter().zip(r).map(|(c, v)| guard(c, v)).collect();
        let _ = w.write_record(cells.iter().map(|c| c.as_bytes()));
    }
    w.into_inner().unwrap_or_default()
}

pub fn csv_bytes(t: &Table) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = w.write_record(t.cols.iter().map(|c| c.name.as_str()));
    for r in &t.rows {
        let _ = w.write_record(r);
    }
    w.into_inner().unwrap_or_default()
}

/// A cell as JSON: `null` (or `[]` for a list) when empty, typed when the
/// column is typed and the text parses, else the text.
struct CellJson<'a>(&'a Col, &'a str);

impl serde::Serialize for CellJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let CellJson(c, v) = *self;
        if c.list {
            let items = split_list(v);
            let mut seq = s.serialize_seq(Some(items.len()))?;
            for x in &items {
                seq.serialize_element(x)?;
            }
            return seq.end();
        }
        if v.is_empty() {
            return s.serialize_none();
        }
        match c.ty {
            Ty::Integer => match v.parse::<i64>() {
                Ok(n) => s.serialize_i64(n),
                Err(_) => s.serialize_str(v),
            },
            Ty::Number => match v.parse::<f64>() {
                Ok(x) if x.is_finite() => s.serialize_f64(x),
                _ => s.serialize_str(v),
            },
            Ty::Boolean => s.serialize_bool(v == "true"),
            _ => s.serialize_str(v),
        }
    }
}

/// A table's rows as JSON objects, serialised straight from the table.
pub struct RowsJson<'a>(pub &'a Table);

impl serde::Serialize for RowsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        let t = self.0;
        let mut seq = s.serialize_seq(Some(t.rows.len()))?;
        for r in &t.rows {
            struct Row<'b>(&'b Table, &'b [String]);
            impl serde::Serialize for Row<'_> {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let mut m = s.serialize_map(Some(self.0.cols.len()))?;
                    for (c, v) in self.0.cols.iter().zip(self.1) {
                        m.serialize_entry(&c.name, &CellJson(c, v))?;
                    }
                    m.end()
                }
            }
            seq.serialize_element(&Row(t, r))?;
        }
        seq.end()
    }
}

/// `data/lotrinh.json`, every package table in one file, put together from
/// the tables' own pretty JSON: the same bytes serde_json's pretty printer
/// gives for `{"as_of": …, "tables": {name: rows, …}}` (each table's lines
/// indented two levels deeper; a newline only ever ends a line in JSON),
/// made in one buffer of the exact size instead of serialising every table
/// a second time.
fn everything(as_of: &str, tables: &[(&str, &[u8])]) -> Vec<u8> {
    const INDENT: &[u8] = b"\n    ";
    let quoted = |s: &str| serde_json::to_vec(s).unwrap_or_default();
    let size = 40
        + as_of.len()
        + tables
            .iter()
            .map(|(n, j)| n.len() + 12 + j.len() + 4 * j.iter().filter(|&&b| b == b'\n').count())
            .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(b"{\n  \"as_of\": ");
    out.extend_from_slice(&quoted(as_of));
    out.extend_from_slice(b",\n  \"tables\": {");
    for (i, (name, json)) in tables.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(INDENT);
        out.extend_from_slice(&quoted(name));
        out.extend_from_slice(b": ");
        for (k, line) in json.split(|&b| b == b'\n').enumerate() {
            if k > 0 {
                out.extend_from_slice(INDENT);
            }
            out.extend_from_slice(line);
        }
    }
    if !tables.is_empty() {
        out.extend_from_slice(b"\n  ");
    }
    out.extend_from_slice(b"}\n}");
    out
}

fn pretty(v: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec_pretty(v).unwrap_or_default()
}

/// Why the datasets could not be written.
pub enum DatasetError {
    /// The data cannot be written in a format (a cell too long for Excel).
    Data(String),
    Io(std::io::Error),
}

impl DatasetError {
    /// Says why as an error; `true` when the output could not be written
    /// (the disk, not the data, needs fixing).
    pub fn report(self, d: &mut Diagnostics) -> bool {
        match self {
            DatasetError::Data(e) => {
                d.error(None, e);
                false
            }
            DatasetError::Io(e) => {
                d.error(None, format!("cannot write the datasets: {e}"));
                true
            }
        }
    }
}

/// Writes every dataset file to `out` as soon as it is made, and returns the
/// `Dataset` descriptions for the downloads page. The tables are serialised
/// in parallel; the workbook and the all-in-one JSON alongside them.
pub fn write(
    idx: &Index<'_>,
    cfg: &Config,
    title: &str,
    out: &Writer,
) -> Result<Exported, DatasetError> {
    let tables = tables(idx, cfg);
    let warnings = too_long_for_a_cell(&tables);
    let put = |path: &str, bytes: Vec<u8>| -> Result<u64, DatasetError> {
        let len = bytes.len() as u64;
        out.put(path, bytes).map_err(DatasetError::Io)?;
        Ok(len)
    };
    // Per table: its CSV, written at once, and for package tables its JSON,
    // the resource that describes it and its entry on the downloads page.
    type Written = Option<(Dataset, Json, Vec<u8>)>;
    let per_table = || -> Result<Vec<Written>, DatasetError> {
        tables
            .par_iter()
            .map(|t| {
                let csv = csv_bytes(t);
                let csv_path = format!("data/{}.csv", t.name);
                let hash = format!("{:x}", Sha256::digest(&csv));
                let size = put(&csv_path, csv)?;
                let excel_size = put(&excel_csv_path(&t.name), excel_csv_bytes(t))?;
                if t.name.starts_with("agencies/") {
                    return Ok(None);
                }
                let json = pretty(&RowsJson(t));
                let dataset = Dataset {
                    name: t.name.clone(),
                    title: t.title,
                    rows: t.rows.len(),
                    cols: t
                        .cols
                        .iter()
                        .map(|c| (c.name.clone(), c.ty.name(), c.desc, c.lang.clone()))
                        .collect(),
                    files: vec![
                        (csv_path.clone(), "CSV", size),
                        (excel_csv_path(&t.name), EXCEL_CSV, excel_size),
                        (format!("data/{}.json", t.name), "JSON", json.len() as u64),
                    ],
                };
                Ok(Some((dataset, resource(t, &csv_path, &hash, size), json)))
            })
            .collect()
    };
    let written = per_table()?;
    let written: Vec<(Dataset, Json, Vec<u8>)> = written.into_iter().flatten().collect();
    let all = everything(
        &cfg.as_of.to_string(),
        &written
            .iter()
            .map(|(d, _, json)| (d.name.as_str(), json.as_slice()))
            .collect::<Vec<_>>(),
    );
    let all_len = put("data/lotrinh.json", all)?;
    let mut datasets = Vec::with_capacity(written.len() + 2);
    let mut resources = Vec::with_capacity(written.len());
    for (dataset, resource, json) in written {
        put(&format!("data/{}.json", dataset.name), json)?;
        datasets.push(dataset);
        resources.push(resource);
    }
    let mut package = Map::new();
    package.insert("profile".into(), json!("tabular-data-package"));
    package.insert("name".into(), json!(package_name(title)));
    package.insert("title".into(), json!(title));
    package.insert("created".into(), json!(format!("{}T00:00:00Z", cfg.as_of)));
    package.insert("version".into(), json!(cfg.as_of.to_string()));
    if cfg.base_url.is_full() {
        package.insert("homepage".into(), json!(cfg.base_url.as_str()));
    }
    package.insert("description".into(), json!(PACKAGE_DESCRIPTION));
    if let Some(p) = &cfg.publisher {
        // Data Package v1: a contributor with the role "publisher"; the
        // contact as its email or its page.
        let mut m = Map::new();
        m.insert("title".into(), json!(p.plain("en", &cfg.languages)));
        m.insert("role".into(), json!("publisher"));
        if let Some(c) = &cfg.contact {
            match &c.email {
                Some(e) => m.insert("email".into(), json!(e)),
                None => m.insert("path".into(), json!(c.href)),
            };
        }
        package.insert("contributors".into(), json!([Json::Object(m)]));
    }
    if let Some(lic) = &cfg.license {
        let mut m = Map::new();
        m.insert("name".into(), json!(lic));
        if let Some(u) = &cfg.license_url {
            m.insert("path".into(), json!(u));
        }
        m.insert("title".into(), json!(lic));
        package.insert("licenses".into(), json!([Json::Object(m)]));
    }
    let sources: Vec<Json> = idx
        .data
        .documents
        .iter()
        .map(|d| {
            let mut m = Map::new();
            m.insert(
                "title".into(),
                json!(
                    d.symbol
                        .clone()
                        .unwrap_or_else(|| d.title.plain("en", &cfg.languages).to_string())
                ),
            );
            if let Some(u) = &d.url {
                m.insert("path".into(), json!(u));
            }
            Json::Object(m)
        })
        .collect();
    package.insert("sources".into(), json!(sources));
    package.insert("resources".into(), json!(resources));
    let pkg_len = put("data/datapackage.json", pretty(&Json::Object(package)))?;
    datasets.push(Dataset {
        name: "datapackage".into(),
        title: [
            "Frictionless Data Package (schemas of every table)",
            "Gói dữ liệu Frictionless (lược đồ của mọi bảng)",
        ],
        rows: 0,
        cols: vec![],
        files: vec![
            ("data/datapackage.json".into(), "JSON", pkg_len),
            ("data/lotrinh.json".into(), "JSON", all_len),
        ],
    });
    // The workbook needs only the package tables.
    let mut tables = tables;
    tables.retain(|t| !t.name.starts_with("agencies/"));
    Ok(Exported {
        datasets,
        tables,
        warnings,
    })
}

/// A problem with the data that does not stop the build: where, what, a hint.
pub struct Warning {
    pub loc: Option<Loc>,
    pub message: String,
    pub hint: String,
}

/// Every text longer than a workbook cell holds: the workbook cuts it with a
/// note ([`crate::publish::xlsx::fit`]); the CSV and JSON keep it whole. Said once
/// per record and column, at the record.
fn too_long_for_a_cell(tables: &[Table]) -> Vec<Warning> {
    let mut out = Vec::new();
    for t in tables.iter().filter(|t| !t.name.starts_with("agencies/")) {
        for (r, row) in t.rows.iter().enumerate() {
            for (c, v) in t.cols.iter().zip(row) {
                // UTF-8 is never shorter than UTF-16 counts it, so most cells
                // are passed over without counting.
                let len: usize = if v.len() > crate::publish::xlsx::CELL_MAX {
                    v.chars().map(char::len_utf16).sum()
                } else {
                    0
                };
                if len <= crate::publish::xlsx::CELL_MAX {
                    continue;
                }
                out.push(Warning {
                    loc: t.locs.get(r).copied(),
                    message: format!(
                        "`{}` of {} row {} is {len} characters long; a spreadsheet cell holds {}",
                        c.name,
                        t.name,
                        r + 2,
                        crate::publish::xlsx::CELL_MAX
                    ),
                    hint: format!(
                        "data/lotrinh.xlsx shows it cut, with a note; data/{0}.csv and data/{0}.json hold it whole. Shorten the text if it was pasted by mistake",
                        t.name
                    ),
                });
            }
        }
    }
    out
}

/// The datasets written by [`write`], and the tables the workbook is still
/// to be made from.
pub struct Exported {
    datasets: Vec<Dataset>,
    tables: Vec<Table>,
    /// For the build's diagnostics: texts the workbook cuts.
    pub warnings: Vec<Warning>,
}

impl Exported {
    /// Writes `data/lotrinh.xlsx` and returns every dataset, the workbook
    /// listed first. Apart from [`write`] because it is the
    /// slow, serial part: the build makes it while pages render.
    ///
    /// The workbook repeats the package's tables (not the per-agency slices)
    /// for spreadsheet users; datapackage.json keeps describing the CSVs only,
    /// one schema per table, so the package stays a valid tabular package.
    pub fn workbook(
        self,
        cfg: &Config,
        title: &str,
        out: &Writer,
    ) -> Result<Vec<Dataset>, DatasetError> {
        let Exported {
            mut datasets,
            tables,
            ..
        } = self;
        let package: Vec<&Table> = tables.iter().collect();
        let publisher = cfg
            .publisher
            .as_ref()
            .map(|p| p.plain("en", &cfg.languages).to_string());
        let xlsx = crate::publish::xlsx::workbook(
            &package,
            &crate::publish::xlsx::Meta {
                title,
                publisher: publisher.as_deref(),
                as_of: cfg.as_of,
                about: crate::publish::downloads::about(cfg),
            },
        )
        .map_err(|e| DatasetError::Data(format!("cannot write data/lotrinh.xlsx: {e}")))?;
        let len = xlsx.len() as u64;
        out.put("data/lotrinh.xlsx", xlsx)
            .map_err(DatasetError::Io)?;
        // First on the downloads page: the one file most readers want.
        datasets.insert(
            0,
            Dataset {
                name: "workbook".into(),
                title: [
                    "Excel workbook: every table, one sheet each",
                    "Sổ làm việc Excel: mọi bảng, mỗi bảng một trang tính",
                ],
                rows: 0,
                cols: vec![],
                files: vec![("data/lotrinh.xlsx".into(), "XLSX", len)],
            },
        );
        Ok(datasets)
    }
}

/// What datapackage.json says about its files, beyond each table's schema.
const PACKAGE_DESCRIPTION: &str = "Every table as CSV: UTF-8 without a byte-order mark, RFC 4180, one header row, exact values. Texts in several languages have one column per language (_vi, _en). A list is one cell with items separated by \"; \"; a \";\" or \"\\\" inside an item is written \"\\;\" or \"\\\\\". Beside each CSV, <table>.excel.csv holds the same rows for a double click in a spreadsheet: with a UTF-8 byte-order mark, and with a \"'\" in front of every text that a spreadsheet would evaluate (starting with =, +, -, @, tab or carriage return) or that starts with \"'\"; those files are not described here.";

fn package_name(title: &str) -> String {
    let s = crate::source::load::slug(title);
    if s.is_empty() {
        "lotrinh-dataset".into()
    } else {
        s
    }
}

fn resource(t: &Table, path: &str, hash: &str, size: u64) -> Json {
    let fields: Vec<Json> = t
        .cols
        .iter()
        .map(|c| {
            let mut m = Map::new();
            m.insert("name".into(), json!(c.name));
            m.insert("type".into(), json!(c.ty.name()));
            let mut desc = c.desc[0].to_string();
            if c.list {
                desc.push_str(
                    " (a list: items separated by \"; \"; a \";\" or \"\\\" inside an item is written \"\\;\" or \"\\\\\")",
                );
            }
            if let Some(l) = &c.lang {
                desc.push_str(&format!(" (language: {l})"));
            }
            m.insert("description".into(), json!(desc));
            if c.required {
                m.insert("constraints".into(), json!({ "required": true }));
            }
            Json::Object(m)
        })
        .collect();
    let mut schema = Map::new();
    schema.insert("fields".into(), json!(fields));
    schema.insert("missingValues".into(), json!([""]));
    if !t.key.is_empty() {
        schema.insert("primaryKey".into(), json!(t.key));
    }
    if !t.fks.is_empty() {
        let fks: Vec<Json> = t
            .fks
            .iter()
            .map(|(f, other, of)| {
                let res = if *other == t.name.as_str() { "" } else { other };
                json!({ "fields": f, "reference": { "resource": res, "fields": of } })
            })
            .collect();
        schema.insert("foreignKeys".into(), json!(fks));
    }
    json!({
        "name": t.name,
        "path": path.strip_prefix("data/").unwrap_or(path),
        "title": t.title[0],
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "hash": format!("sha256:{hash}"),
        "bytes": size,
        "dialect": { "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true },
        "schema": Json::Object(schema),
    })
}

/// A source in one cell: the web page's URL, or the document's id.
pub fn source_cell(s: &Source) -> String {
    match s {
        Source::Document(r) => r.id.clone(),
        Source::Web { url, .. } => url.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_list_item_with_the_separator_stays_one_item() {
        let items = ["Iran; Islamic Republic of", "a\\b", "France"];
        let cell = join(items.iter().copied());
        assert_eq!(cell, "Iran\\; Islamic Republic of; a\\\\b; France");
        assert_eq!(split_list(&cell), items);
        assert_eq!(split_list(""), Vec::<String>::new());
    }

    proptest! {
        #[test]
        fn lists_round_trip(items in proptest::collection::vec("[a-z ;\\\\]{1,8}", 1..5)) {
            let cell = join(items.iter().map(String::as_str));
            prop_assert_eq!(split_list(&cell), items);
        }
    }

    #[test]
    fn tables_are_ordered_for_readers() {
        let mut names = vec![
            "mechanisms",
            "agencies/moj/tasks",
            "theme-links",
            "progress",
            "tasks",
        ];
        names.sort_by_key(|n| rank(n));
        assert_eq!(
            names,
            [
                "tasks",
                "progress",
                "mechanisms",
                "theme-links",
                "agencies/moj/tasks"
            ]
        );
    }
}
