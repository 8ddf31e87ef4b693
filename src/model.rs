//! Typed records, as loaded and checked. Every reference keeps its place in
//! the file so that validation can point at it.

use crate::diag::Loc;
use jiff::civil::Date;

pub const MAX_ID: usize = 80;

/// The id rule: lowercase ASCII letters, digits and single hyphens, at most 80
/// characters. An id becomes a path segment, so nothing else may pass.
pub fn check_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err("is empty");
    }
    if id.len() > MAX_ID {
        return Err("is longer than 80 characters");
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err("may only hold lowercase ASCII letters, digits and hyphens");
    }
    if id.starts_with('-') || id.ends_with('-') || id.contains("--") {
        return Err("may not start or end with a hyphen or hold two in a row");
    }
    if is_windows_device(id) {
        return Err(
            "is a device name on Windows (con, prn, aux, nul, com1-com9, lpt1-lpt9), where its folder cannot be made or checked out: add a word, e.g. `con-dao`",
        );
    }
    Ok(())
}

/// Names Windows keeps for devices: a folder `con/` cannot be created,
/// copied or checked out there, whatever follows it.
fn is_windows_device(id: &str) -> bool {
    matches!(id, "con" | "prn" | "aux" | "nul")
        || ((id.starts_with("com") || id.starts_with("lpt"))
            && id.len() == 4
            && matches!(id.as_bytes()[3], b'1'..=b'9'))
}

/// The collections of `docs/data-format.md`, in the order they are listed.
/// Each knows its name: the file (`data/<name>.yaml`, `.yml`, `.csv`) or
/// folder (`data/<name>/`) it is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Collection {
    Mechanisms,
    Documents,
    Agencies,
    Themes,
    Recommendations,
    Plans,
    Tasks,
    Indicators,
    IndicatorValues,
    Progress,
}

impl Collection {
    pub const ALL: [Collection; 10] = [
        Collection::Mechanisms,
        Collection::Documents,
        Collection::Agencies,
        Collection::Themes,
        Collection::Recommendations,
        Collection::Plans,
        Collection::Tasks,
        Collection::Indicators,
        Collection::IndicatorValues,
        Collection::Progress,
    ];

    /// The name of its file or folder under `data/`.
    pub fn name(self) -> &'static str {
        match self {
            Collection::Mechanisms => "mechanisms",
            Collection::Documents => "documents",
            Collection::Agencies => "agencies",
            Collection::Themes => "themes",
            Collection::Recommendations => "recommendations",
            Collection::Plans => "plans",
            Collection::Tasks => "tasks",
            Collection::Indicators => "indicators",
            Collection::IndicatorValues => "indicator-values",
            Collection::Progress => "progress",
        }
    }

    /// The collection a file or folder under `data/` is named after.
    pub fn named(name: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The folder, under each language, of the collection's list and of
    /// its records' pages (`<lang>/<section>/<id>/`). Indicator values
    /// and progress records have no pages of their own (they are shown on
    /// their indicator's, task's and the updates pages): `None`.
    pub fn section(self) -> Option<&'static str> {
        match self {
            Collection::Mechanisms => Some("mechanisms"),
            Collection::Documents => Some("documents"),
            Collection::Agencies => Some("agencies"),
            Collection::Themes => Some("themes"),
            Collection::Recommendations => Some("recommendations"),
            Collection::Plans => Some("plans"),
            Collection::Tasks => Some("tasks"),
            Collection::Indicators => Some("indicators"),
            Collection::IndicatorValues | Collection::Progress => None,
        }
    }

    /// The address of the collection's list in a language, relative to the
    /// site's root: `<lang>/<section>/`.
    pub fn list(self, lang: &str) -> String {
        format!("{lang}/{}/", self.folder())
    }

    /// The address of a record's page in a language, relative to the
    /// site's root (`Config::absolute` and the templates' `url` filter put
    /// `base_url` before it): `<lang>/<section>/<id>/`. Every page, link,
    /// search entry, feed entry and dataset cell that points at a record
    /// takes its address from here.
    pub fn page(self, lang: &str, id: &str) -> String {
        format!("{lang}/{}/{id}/", self.folder())
    }

    /// [`Collection::section`]; a collection without pages is never linked
    /// to by id (and `tests/build.rs` checks that every link leads to a
    /// page), so its name stands in rather than a panic.
    fn folder(self) -> &'static str {
        self.section().unwrap_or(self.name())
    }
}

impl std::fmt::Display for Collection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The address of every page or file of a language that is not a record's
/// page or a collection's list ([`Collection::page`], [`Collection::list`]),
/// relative to the site's root as those are: one function per address,
/// asked by the job that writes it, the links to it (the templates'
/// `link`, `present::views::link`), the feeds and the datasets alike.
pub(crate) mod address {
    use std::fmt::Display;

    /// A language's home page.
    pub(crate) fn home(lang: &str) -> String {
        format!("{lang}/")
    }
    /// The search page.
    pub(crate) fn search(lang: &str) -> String {
        format!("{lang}/search/")
    }
    /// The search index's first file, which names the others
    /// (`present/search.rs`), beside the search page.
    pub(crate) fn search_index(lang: &str) -> String {
        format!("{}index.json", search(lang))
    }
    /// The downloads page.
    pub(crate) fn data(lang: &str) -> String {
        format!("{lang}/data/")
    }
    /// The deadlines overview.
    pub(crate) fn deadlines(lang: &str) -> String {
        format!("{lang}/deadlines/")
    }
    /// The tasks due in one year.
    pub(crate) fn deadline_year(lang: &str, year: impl Display) -> String {
        format!("{}{year}/", deadlines(lang))
    }
    /// The deadlines as an iCalendar file.
    pub(crate) fn calendar(lang: &str) -> String {
        format!("{}deadlines.ics", deadlines(lang))
    }
    /// Every progress record, newest first.
    pub(crate) fn updates(lang: &str) -> String {
        format!("{lang}/updates/")
    }
    /// The progress records about one agency's tasks.
    pub(crate) fn agency_updates(lang: &str, id: &str) -> String {
        format!("{}agency/{id}/", updates(lang))
    }
    /// The progress records about one mechanism's recommendations.
    pub(crate) fn mechanism_updates(lang: &str, id: &str) -> String {
        format!("{}mechanism/{id}/", updates(lang))
    }
    /// The updates as an Atom feed.
    pub(crate) fn updates_feed(lang: &str) -> String {
        format!("{}atom.xml", updates(lang))
    }
    /// The updates list's filter options, when it runs over several pages.
    pub(crate) fn updates_filters(lang: &str) -> String {
        format!("{}filters.json", updates(lang))
    }
    /// A page of `content/` (`<slug>.<lang>.md`).
    pub(crate) fn content(lang: &str, slug: &str) -> String {
        format!("{lang}/{slug}/")
    }
    /// The page a host shows for a missing address.
    pub(crate) fn not_found(lang: &str) -> String {
        format!("{lang}/404.html")
    }
}

/// The position of a record in its collection in [`Data`] (`data.agencies[i]`),
/// typed by the record: an index of a plan cannot be used where an agency
/// is meant. Slices of `T` are indexed by it directly (`data.plans[ix]`),
/// and so is an [`IxVec`] kept per record of `T`. Every link the index
/// keeps is one; [`Ix::get`], the bare position, is for the few places that
/// need a number (a row, a view in collection order).
pub struct Ix<T> {
    i: usize,
    of: std::marker::PhantomData<fn() -> T>,
}

impl<T> Ix<T> {
    pub fn new(i: usize) -> Self {
        Ix {
            i,
            of: std::marker::PhantomData,
        }
    }
    /// The bare position, where a plain number is really meant.
    pub fn get(self) -> usize {
        self.i
    }
}

// By hand: derived impls would ask `T` for them too.
impl<T> Clone for Ix<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Ix<T> {}
impl<T> PartialEq for Ix<T> {
    fn eq(&self, other: &Self) -> bool {
        self.i == other.i
    }
}
impl<T> Eq for Ix<T> {}
impl<T> PartialOrd for Ix<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Ix<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.i.cmp(&other.i)
    }
}
impl<T> std::hash::Hash for Ix<T> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.i.hash(h)
    }
}
impl<T> std::fmt::Debug for Ix<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ix({})", self.i)
    }
}
impl<T> std::ops::Index<Ix<T>> for [T] {
    type Output = T;
    fn index(&self, x: Ix<T>) -> &T {
        &self[x.i]
    }
}
// `Vec`'s own `Index` takes any slice index, so a `Vec` is not indexed
// through `[T]`'s: said again for it.
impl<T> std::ops::Index<Ix<T>> for Vec<T> {
    type Output = T;
    fn index(&self, x: Ix<T>) -> &T {
        &self[x.i]
    }
}

/// The records of a collection, each with its typed position:
/// `data.tasks.enumerated()` for `(Ix<Task>, &Task)`, `ixs()` for the
/// positions alone.
pub trait Records<T> {
    fn enumerated<'a>(
        &'a self,
    ) -> impl DoubleEndedIterator<Item = (Ix<T>, &'a T)> + ExactSizeIterator + Clone
    where
        T: 'a;
    fn ixs(&self) -> impl DoubleEndedIterator<Item = Ix<T>> + ExactSizeIterator + Clone;
}

impl<T> Records<T> for [T] {
    fn enumerated<'a>(
        &'a self,
    ) -> impl DoubleEndedIterator<Item = (Ix<T>, &'a T)> + ExactSizeIterator + Clone
    where
        T: 'a,
    {
        self.iter().enumerate().map(|(i, x)| (Ix::new(i), x))
    }
    fn ixs(&self) -> impl DoubleEndedIterator<Item = Ix<T>> + ExactSizeIterator + Clone {
        (0..self.len()).map(Ix::new)
    }
}

/// A value per record of `T`, in collection order, indexed by [`Ix<T>`]
/// only: `index.rec_tasks[task]` does not compile, where with a bare
/// `Vec` it read another record's list. A `Vec<V>` inside, nothing more
/// (no `Deref` to a slice, which would let a bare `usize` index it again);
/// [`IxVec::as_slice`] is for reading the values in collection order.
///
/// ```compile_fail
/// use lotrinh::model::{Ix, IxVec, Recommendation, Task};
/// let rec_tasks: IxVec<Recommendation, Vec<Ix<Task>>> = IxVec::default();
/// let task: Ix<Task> = Ix::new(0);
/// let _ = &rec_tasks[task]; // a task's position where a recommendation's is meant
/// ```
/// ```compile_fail
/// use lotrinh::model::{Ix, IxVec, Recommendation, Task};
/// let rec_tasks: IxVec<Recommendation, Vec<Ix<Task>>> = IxVec::default();
/// let _ = &rec_tasks[0]; // a bare position
/// ```
/// ```
/// use lotrinh::model::{Ix, IxVec, Recommendation, Task};
/// let rec_tasks: IxVec<Recommendation, Vec<Ix<Task>>> = IxVec::from_vec(vec![vec![Ix::new(3)]]);
/// let rec: Ix<Recommendation> = Ix::new(0);
/// assert_eq!(rec_tasks[rec], [Ix::<Task>::new(3)]);
/// ```
pub struct IxVec<T, V> {
    items: Vec<V>,
    of: std::marker::PhantomData<fn() -> T>,
}

impl<T, V> IxVec<T, V> {
    pub fn from_vec(items: Vec<V>) -> Self {
        IxVec {
            items,
            of: std::marker::PhantomData,
        }
    }
    /// One value per record of `records`, each made by `f`
    /// (`IxVec::per(&data.tasks, Vec::new)`).
    pub fn per(records: &[T], mut f: impl FnMut() -> V) -> Self {
        Self::from_vec((0..records.len()).map(|_| f()).collect())
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn get(&self, x: Ix<T>) -> Option<&V> {
        self.items.get(x.i)
    }
    pub fn get_mut(&mut self, x: Ix<T>) -> Option<&mut V> {
        self.items.get_mut(x.i)
    }
    pub fn iter(&self) -> std::slice::Iter<'_, V> {
        self.items.iter()
    }
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.items.iter_mut()
    }
    /// Each record's position with its value.
    pub fn enumerated(
        &self,
    ) -> impl DoubleEndedIterator<Item = (Ix<T>, &V)> + ExactSizeIterator + Clone {
        self.items.iter().enumerate().map(|(i, v)| (Ix::new(i), v))
    }
    /// The same positions, each value made anew.
    pub fn map<W>(self, f: impl FnMut(V) -> W) -> IxVec<T, W> {
        IxVec::from_vec(self.items.into_iter().map(f).collect())
    }
    /// The values in collection order, for a list shown in that order.
    pub fn as_slice(&self) -> &[V] {
        &self.items
    }
}

impl<T, V> std::ops::Index<Ix<T>> for IxVec<T, V> {
    type Output = V;
    fn index(&self, x: Ix<T>) -> &V {
        &self.items[x.i]
    }
}
impl<T, V> std::ops::IndexMut<Ix<T>> for IxVec<T, V> {
    fn index_mut(&mut self, x: Ix<T>) -> &mut V {
        &mut self.items[x.i]
    }
}
impl<T, V> FromIterator<V> for IxVec<T, V> {
    fn from_iter<I: IntoIterator<Item = V>>(iter: I) -> Self {
        Self::from_vec(iter.into_iter().collect())
    }
}
impl<'a, T, V> IntoIterator for &'a IxVec<T, V> {
    type Item = &'a V;
    type IntoIter = std::slice::Iter<'a, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}
impl<T, V> IntoIterator for IxVec<T, V> {
    type Item = V;
    type IntoIter = std::vec::IntoIter<V>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}
// By hand, as for `Ix`: only `V` needs them.
impl<T, V: Clone> Clone for IxVec<T, V> {
    fn clone(&self) -> Self {
        Self::from_vec(self.items.clone())
    }
}
impl<T, V> Default for IxVec<T, V> {
    fn default() -> Self {
        Self::from_vec(Vec::new())
    }
}
impl<T, V: std::fmt::Debug> std::fmt::Debug for IxVec<T, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.items.fmt(f)
    }
}
impl<T, V: PartialEq> PartialEq for IxVec<T, V> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

/// A text in one or more languages. The key `""` holds a language-neutral
/// text (a UN symbol, a name that is the same everywhere).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub LangMap);

/// Language → text, in language order. A text has one to three entries;
/// a sorted list of them takes a sixth of a `BTreeMap`'s smallest node,
/// which adds up to tens of MB over a large site's records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LangMap(Vec<(String, String)>);

impl LangMap {
    pub fn new() -> Self {
        LangMap(Vec::new())
    }
    fn find(&self, lang: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(l, _)| l.as_str().cmp(lang))
    }
    pub fn get(&self, lang: &str) -> Option<&String> {
        self.find(lang).ok().map(|i| &self.0[i].1)
    }
    pub fn contains_key(&self, lang: &str) -> bool {
        self.find(lang).is_ok()
    }
    /// Sets the text of `lang`, returning the one it replaces.
    pub fn insert(&mut self, lang: String, text: String) -> Option<String> {
        match self.find(&lang) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, text)),
            Err(i) => {
                self.0.insert(i, (lang, text));
                None
            }
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(l, t)| (l, t))
    }
    pub fn values(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(_, t)| t)
    }
}

impl FromIterator<(String, String)> for LangMap {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        let mut m = LangMap::new();
        for (l, t) in pairs {
            m.insert(l, t);
        }
        m
    }
}

impl Text {
    pub fn neutral(s: impl Into<String>) -> Self {
        Text([(String::new(), s.into())].into_iter().collect())
    }
    /// The text in `lang`, and the language it is actually in: the neutral
    /// text, else `lang`, else the first of `fallbacks` that exists.
    pub fn get<'a>(
        &'a self,
        lang: &str,
        fallbacks: &'a [String],
    ) -> Option<(&'a str, Option<&'a str>)> {
        if let Some(s) = self.0.get("") {
            return Some((s, None));
        }
        if let Some(s) = self.0.get(lang) {
            return Some((s, Some(lang_static(lang, fallbacks))));
        }
        for f in fallbacks {
            if let Some(s) = self.0.get(f.as_str()) {
                return Some((s, Some(f.as_str())));
            }
        }
        self.0
            .iter()
            .next()
            .map(|(l, s)| (s.as_str(), Some(l.as_str())))
    }
    /// Plain text in `lang` (with fallback), for attributes, CSV cells and search.
    pub fn plain<'a>(&'a self, lang: &str, fallbacks: &'a [String]) -> &'a str {
        self.get(lang, fallbacks).map(|(s, _)| s).unwrap_or("")
    }
    /// The text exactly in `lang` (or neutral), no fallback.
    pub fn exact(&self, lang: &str) -> Option<&str> {
        self.0
            .get("")
            .or_else(|| self.0.get(lang))
            .map(String::as_str)
    }
}

fn lang_static<'a>(lang: &str, langs: &'a [String]) -> &'a str {
    langs
        .iter()
        .find(|l| l.as_str() == lang)
        .map(String::as_str)
        .unwrap_or("")
}

/// An id as written, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub id: String,
    pub loc: Loc,
}

/// A reference to an agency with an optional qualifying note ("penal code").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRef {
    pub agency: Ref,
    pub note: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Translation {
    Official,
    #[default]
    Unofficial,
}

/// Which language is authoritative, and whether the others are official.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    pub original: Option<String>,
    pub translation: Translation,
    /// `transcribed_from`: the language of the (unofficial) translation the
    /// record was transcribed from when the original was not at hand, so
    /// that its text in the `original` language is itself a translation
    /// (the ICCPR plan's Vietnamese, made from an English translation).
    pub via: Option<String>,
}

/// A `[sic]` note on a task: words kept as printed, and what they most
/// likely mean (a typo, or a wrong term inherited from a translation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sic {
    pub printed: String,
    pub reads: String,
}

#[derive(Debug, Clone)]
pub struct Mechanism {
    pub id: Ref,
    pub name: Text,
    pub body: Option<Text>,
    pub treaty: Option<Text>,
    pub description: Option<Text>,
    pub url: Option<String>,
    pub prov: Provenance,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub id: Ref,
    pub symbol: Option<String>,
    pub title: Text,
    pub kind: String,
    pub mechanism: Option<Ref>,
    pub cycle: Option<String>,
    pub date: Option<Date>,
    pub url: Option<String>,
    pub description: Option<Text>,
    /// How many recommendations the document itself holds, as a source
    /// counts them: the site says "N of M recorded" from it.
    pub recommendations_total: Option<(u32, Loc)>,
    /// `false` for a review outcome that exists but whose recommendations
    /// are not entered yet: the site lists it as a known gap.
    pub entered: bool,
    pub prov: Provenance,
}

#[derive(Debug, Clone)]
pub struct Agency {
    pub id: Ref,
    pub name: Text,
    pub short: Option<Text>,
    /// Other names it goes by (press abbreviations, older English forms),
    /// searched but not shown as its name.
    pub aliases: Vec<String>,
    pub kind: Option<String>,
    pub parent: Option<Ref>,
    pub url: Option<String>,
    pub ended: Option<Date>,
    pub successors: Vec<AgencyRef>,
    pub legal_basis: Option<Text>,
    pub description: Option<Text>,
    pub prov: Provenance,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub id: Ref,
    pub name: Text,
    pub description: Option<Text>,
    pub prov: Provenance,
}

#[derive(Debug, Clone)]
pub struct Recommendation {
    pub id: Ref,
    pub mechanism: Ref,
    pub document: Ref,
    pub paragraph: Option<String>,
    pub heading: Option<Text>,
    pub text: Text,
    pub themes: Vec<Ref>,
    pub groups: Vec<String>,
    pub sdgs: Vec<String>,
    pub follow_up: bool,
    pub response: Option<String>,
    pub recommending_states: Vec<String>,
    pub related: Vec<Ref>,
    pub url: Option<String>,
    pub prov: Provenance,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub id: Ref,
    pub document: Ref,
    pub title: Text,
    pub mechanisms: Vec<Ref>,
    pub coordinator: Option<Ref>,
    pub adopted: Option<Date>,
    pub period: Option<String>,
    pub answers: Vec<Ref>,
    pub superseded_by: Option<Ref>,
    pub description: Option<Text>,
    pub prov: Provenance,
}

/// A milestone found in a task's timeframe: a year means 31 December of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub date: Date,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Recurring {
    Annual,
    #[default]
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
pub enum Status {
    NotStarted,
    InProgress,
    Done,
    #[default]
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not-started",
            Status::InProgress => "in-progress",
            Status::Done => "done",
            Status::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: Ref,
    pub plan: Ref,
    pub ref_: String,
    pub parent: Option<Ref>,
    pub heading: bool,
    pub text: Text,
    pub lead: Vec<AgencyRef>,
    pub coordinating: Vec<AgencyRef>,
    pub expected: Option<Text>,
    pub timeframe: Option<Text>,
    pub due: Vec<Due>,
    pub recurring: Recurring,
    pub recommendations: Vec<Ref>,
    pub current_lead: Vec<AgencyRef>,
    pub indicators: Vec<Ref>,
    pub themes: Vec<Ref>,
    pub status: Status,
    pub status_note: Option<Text>,
    pub evidence: Vec<String>,
    pub sic: Vec<Sic>,
    pub prov: Provenance,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub op: String,
    pub value: f64,
    pub year: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: Ref,
    pub title: Text,
    pub unit: Option<Text>,
    pub scale: Vec<String>,
    pub target: Option<Target>,
    pub source: Option<Ref>,
    /// Where in the source the figures stand (appendix, table, page).
    pub locator: Option<Text>,
    pub themes: Vec<Ref>,
    pub tasks: Vec<Ref>,
    pub description: Option<Text>,
    pub prov: Provenance,
}

#[derive(Debug, Clone)]
pub struct IndicatorValue {
    pub loc: Loc,
    pub indicator: Ref,
    pub period: String,
    pub breakdown: Option<String>,
    /// The value as written: a number, or a level of the indicator's scale.
    pub value: Option<String>,
    pub number: Option<f64>,
    pub change: Option<String>,
    pub note: Option<Text>,
    pub source: Option<Ref>,
    pub prov: Provenance,
}

/// Who says so: the author of a progress claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum By {
    Government,
    Legislature,
    Un,
    Nhri,
    CivilSociety,
    Media,
    Academic,
}

impl By {
    pub const ALL: [By; 7] = [
        By::Government,
        By::Legislature,
        By::Un,
        By::Nhri,
        By::CivilSociety,
        By::Media,
        By::Academic,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            By::Government => "government",
            By::Legislature => "legislature",
            By::Un => "un",
            By::Nhri => "nhri",
            By::CivilSociety => "civil-society",
            By::Media => "media",
            By::Academic => "academic",
        }
    }
    pub fn parse(s: &str) -> Option<By> {
        By::ALL.into_iter().find(|b| b.as_str() == s)
    }
    /// The state's own voice: its executive and its legislature.
    pub fn is_official(self) -> bool {
        matches!(self, By::Government | By::Legislature)
    }
    /// An assessment from outside the state: the UN, a national human-rights
    /// institution, civil society, scholars (the media report, they do not assess).
    pub fn is_independent(self) -> bool {
        matches!(self, By::Un | By::Nhri | By::CivilSociety | By::Academic)
    }
}

/// Where a progress claim can be read: a document of the site, or a web page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Document(Ref),
    Web {
        title: Text,
        url: String,
        /// The day the page was read; CSV `also` URLs may leave it out.
        accessed: Option<Date>,
        loc: Loc,
    },
}

/// A partial date as written (`2021`, `2021-03`, `2021-03-29`) and the first
/// day it covers, which orders records and is checked against `as_of`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    pub label: String,
    pub start: Date,
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidence {
    Verified,
    Reported,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Verified => "verified",
            Confidence::Reported => "reported",
        }
    }
}

/// One dated claim about what happened on tasks and/or recommendations,
/// and who says so. The source is required, so a `done` always has one.
#[derive(Debug, Clone)]
pub struct Progress {
    pub id: Ref,
    pub date: When,
    pub tasks: Vec<Ref>,
    pub recommendations: Vec<Ref>,
    /// `None`: the record is context only and sets no state.
    pub status: Option<Status>,
    pub text: Text,
    pub by: By,
    pub by_name: Option<Text>,
    pub source: Source,
    pub also: Vec<Source>,
    pub grade: Option<String>,
    pub confidence: Option<Confidence>,
    pub note: Option<Text>,
    pub prov: Provenance,
}

/// Everything loaded from `data/`, each collection sorted by id (tasks by
/// plan and ref), so that no file order on disk changes the output.
#[derive(Debug, Default, Clone)]
pub struct Data {
    pub mechanisms: Vec<Mechanism>,
    pub documents: Vec<Document>,
    pub agencies: Vec<Agency>,
    pub themes: Vec<Theme>,
    pub recommendations: Vec<Recommendation>,
    pub plans: Vec<Plan>,
    pub tasks: Vec<Task>,
    pub indicators: Vec<Indicator>,
    pub values: Vec<IndicatorValue>,
    /// Progress records, by date then id.
    pub progress: Vec<Progress>,
    /// Ids of records that failed to load (collection, id): references to
    /// them are not reported again, so one bad record gives one error.
    pub broken: Vec<(Collection, String)>,
    /// Files that could not be read or parsed at all (collection, file):
    /// their ids are unknown, so references into them are not checked.
    pub unread: Vec<(Collection, u32)>,
}

/// A Markdown page from `content/`.
#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub lang: String,
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    pub body: String,
    pub loc: Loc,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collection_with_pages_knows_their_addresses() {
        assert_eq!(Collection::Tasks.page("en", "t1"), "en/tasks/t1/");
        assert_eq!(Collection::Agencies.list("vi"), "vi/agencies/");
        // Only collections without pages of their own have no section.
        let without: Vec<Collection> = Collection::ALL
            .into_iter()
            .filter(|c| c.section().is_none())
            .collect();
        assert_eq!(without, [Collection::IndicatorValues, Collection::Progress]);
    }

    #[test]
    fn a_typed_position_indexes_its_own_collection() {
        let names = ["a", "b", "c"];
        let ix: Ix<&str> = Ix::new(2);
        assert_eq!(names[ix], "c");
        assert_eq!(ix.get(), 2);
        let mut sorted = vec![Ix::<&str>::new(1), Ix::new(0)];
        sorted.sort();
        assert_eq!(sorted, [Ix::new(0), Ix::new(1)]);
    }

    #[test]
    fn a_value_per_record_is_found_by_the_records_position() {
        let names = vec!["a", "b", "c"];
        let mut lens: IxVec<&str, usize> = IxVec::per(&names, || 0);
        for (i, n) in names.enumerated() {
            lens[i] = n.len() + i.get();
        }
        assert_eq!(lens.as_slice(), [1, 2, 3]);
        let last = names.ixs().next_back().unwrap();
        assert_eq!(lens[last], 3);
        assert_eq!(lens.get(Ix::new(3)), None);
        let doubled = lens.map(|x| x * 2);
        assert_eq!(
            doubled
                .enumerated()
                .map(|(i, x)| (i.get(), *x))
                .collect::<Vec<_>>(),
            [(0, 2), (1, 4), (2, 6)]
        );
    }
}
