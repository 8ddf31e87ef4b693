// End-to-end scenarios in Debian's Chromium against the shipped site served on
// 127.0.0.1: what a reader does, with no request leaving the machine and no
// console error on any page.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { useSite, screenshot } from "../lib/site.mjs";
import { parseCsv } from "../lib/csv.mjs";

const site = useSite();
// Every scenario must leave no offsite request and no console error behind.
afterEach(() => {
  const offsite = site.watch.offsite.splice(0);
  const errors = site.watch.errors.splice(0);
  assert.deepEqual(offsite, [], "requests left 127.0.0.1");
  assert.deepEqual(errors, [], "console errors or failed requests");
});

async function open(path) {
  const page = await site.browser.context.newPage();
  await page.goto(site.server.url + path, { waitUntil: "load" });
  return page;
}

const rel = (page) => new URL(page.url()).pathname + new URL(page.url()).search;

test("home page in each language, and the root leads to one of them", async () => {
  // Which one is the browser's choice: see phone.test.mjs.
  const page = await open("");
  await page.waitForURL(/\/(vi|en)\/$/);
  for (const lang of ["vi", "en"]) {
    await page.goto(`${site.server.url}${lang}/`);
    assert.equal(await page.getAttribute("html", "lang"), lang);
    assert.ok((await page.locator("h1").first().innerText()).trim().length > 0, "a heading");
    assert.ok((await page.locator("main a").count()) > 10, "the home page leads somewhere");
    await screenshot(page, `home-${lang}`);
  }
  await page.close();
});

test("switching language on a record page lands on the same record", async () => {
  const record = "recommendations/cat-co1-definition-of-torture/";
  const page = await open(`en/${record}`);
  const enTitle = await page.locator("h1").innerText();
  await page.locator('nav.langs a[hreflang="vi"]').click();
  await page.waitForURL(`**/vi/${record}`);
  assert.equal(await page.getAttribute("html", "lang"), "vi");
  const viTitle = await page.locator("h1").innerText();
  assert.notEqual(viTitle, enTitle, "the Vietnamese page shows the Vietnamese heading");
  await screenshot(page, "recommendation-vi");
  await page.locator('nav.langs a[hreflang="en"]').click();
  await page.waitForURL(`**/en/${record}`);
  assert.equal(await page.locator("h1").innerText(), enTitle);
  await page.close();
});

test("a recommendation leads to its task and the task to its lead agency", async () => {
  const page = await open("en/recommendations/cat-co1-definition-of-torture/");
  await screenshot(page, "recommendation-en");
  // The first task named under the recommendation's "tasks" heading.
  // (The section's state legend links to filtered lists, tasks/?status=...: not a task.)
  const taskLink = page.locator('section[aria-labelledby="h-tasks"] a[href*="/tasks/"]:not([href*="?"])').first();
  const taskHref = await taskLink.getAttribute("href");
  // The link names the task's plan after its reference: "A.II.3.4 (1252/QĐ-TTg)".
  const taskRef = (await taskLink.innerText()).trim().replace(/ \([^)]*\)$/, "");
  assert.match(await taskLink.innerText(), /\(\d+\/QĐ-TTg\)$/, "the link names the plan");
  await taskLink.click();
  await page.waitForURL(/\/en\/tasks\/[a-z0-9-]+\/$/);
  const taskPath = rel(page);
  assert.ok(taskPath.endsWith(taskHref.replace(/^(\.\.\/)+/, "")), `${taskPath} is ${taskHref}`);
  assert.match(await page.locator("h1").innerText(), new RegExp(`^${taskRef.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  // The task page names the recommendation it answers.
  assert.ok(
    (await page.locator('a[href$="recommendations/cat-co1-definition-of-torture/"]').count()) > 0,
    "the task links back to the recommendation",
  );
  await screenshot(page, "task-en");
  const lead = page.locator("dl.facts dt", { hasText: /^Lead$/ }).locator("xpath=following-sibling::dd[1]").locator("a").first();
  const agencyName = (await lead.innerText()).trim();
  await lead.click();
  await page.waitForURL(/\/en\/agencies\/[a-z0-9-]+\/$/);
  assert.equal((await page.locator("h1").innerText()).trim().startsWith(agencyName), true, `agency page of ${agencyName}`);
  assert.ok(
    (await page.locator(`a[href$="${taskPath.replace(/^\/en\//, "")}"]`).count()) > 0,
    "the agency page lists the task",
  );
  await screenshot(page, "agency-en");
  await page.close();
});

for (const [query, expect] of [
  ["bo tu phap", { href: /\/vi\/agencies\/moj\/$/, text: /Bộ Tư pháp/ }],
  ["tra tan", { href: null, text: /tra tấn/i }],
]) {
  test(`search without diacritics: "${query}" finds and opens a result`, async () => {
    const page = await open("vi/");
    await page.locator("#site-q").fill(query);
    await page.locator("#site-q").press("Enter");
    await page.waitForURL(/\/vi\/search\/\?q=/);
    assert.equal(new URL(page.url()).searchParams.get("q"), query);
    const hits = page.locator("#search-results li");
    await hits.first().waitFor();
    assert.match(await page.locator("#search-status").innerText(), /\d/, "the live region says how many");
    assert.ok((await hits.first().locator(".result-type").count()) === 1, "a result shows its record type");
    assert.ok((await hits.first().locator(".result-snippet").count()) === 1, "a result shows a snippet");
    await screenshot(page, `search-${query.replace(/\s+/g, "-")}`);
    let link = hits.first().locator("a").first();
    if (expect.href) {
      const hrefs = await hits.locator("a").evaluateAll((as) => as.map((a) => a.href));
      const i = hrefs.findIndex((h) => expect.href.test(new URL(h).pathname));
      assert.ok(i >= 0 && i < 10, `a top-10 result is ${expect.href}: ${hrefs.slice(0, 10).join(" ")}`);
      link = hits.locator("a").nth(i);
    }
    await link.click();
    await page.waitForURL(/\/vi\/[a-z]+\/[a-z0-9-]+\/$/);
    if (expect.href) assert.match(new URL(page.url()).pathname, expect.href);
    assert.match(await page.locator("main").innerText(), expect.text);
    await page.close();
  });
}

// Search as people type (issue 14): a phrase first, quotes that require it,
// the press's abbreviation of a ministry, task results that name their plan;
// each first query fetches under 300 KB (page, CSS, JS and index files).
for (const [query, check] of [
  ["tu hinh", { first: /\/vi\/themes\/death-penalty\/$/ }],
  ['"tu hinh"', { first: /\/vi\/themes\/death-penalty\/$/, fewerThan: "tu hinh" }],
  ["Bộ LĐ-TB&XH", { first: /\/vi\/agencies\/molisa\/$/ }],
  ["D.II", { tasksName: /\(\d+\/QĐ-TTg\)/ }],
]) {
  test(`search as people type: ${query}`, async () => {
    const page = await site.browser.context.newPage();
    let bytes = 0;
    page.on("response", async (r) => {
      try { bytes += (await r.body()).length; } catch { /* redirects have no body */ }
    });
    await page.goto(site.server.url + "vi/search/?q=" + encodeURIComponent(query), { waitUntil: "load" });
    const hits = page.locator("#search-results li");
    await hits.first().waitFor();
    await page.waitForLoadState("networkidle");
    const hrefs = await hits.locator("a").evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    if (check.first) assert.match(hrefs[0], check.first, `${query}: ${hrefs.slice(0, 5).join(" ")}`);
    if (check.fewerThan) {
      const other = await site.browser.context.newPage();
      await other.goto(site.server.url + "vi/search/?q=" + encodeURIComponent(check.fewerThan), { waitUntil: "load" });
      await other.locator("#search-results li").first().waitFor();
      const n = (s) => Number((s.match(/\d+/) || ["0"])[0]);
      const quoted = n(await page.locator("#search-status").innerText());
      const loose = n(await other.locator("#search-status").innerText());
      assert.ok(quoted > 0 && quoted < loose, `quotes narrow: ${quoted} < ${loose}`);
      await other.close();
    }
    if (check.tasksName) {
      const tasks = await hits.evaluateAll((lis) =>
        lis.filter((li) => /\/tasks\//.test(li.querySelector("a").href)).map((li) => li.querySelector("a").textContent));
      assert.ok(tasks.length > 0, "task results");
      for (const t of tasks) assert.match(t, check.tasksName, "a task result names its plan");
    }
    assert.ok(bytes < 300 * 1024, `${query}: first query fetched ${bytes} bytes`);
    await page.close();
  });
}

// An empty filter result says what the data holds (issue 14, point 3), so
// "no UPR recommendation on the death penalty" is not read as "none exist".
test("an empty filter result says what is recorded and what is not", async () => {
  const page = await open("vi/recommendations/?mechanism=upr&theme=death-penalty");
  await page.locator("#filter-count").filter({ hasText: /\d/ }).waitFor();
  assert.match(await page.locator("#filter-count").innerText(), /(^|\s)0\s/, "no row shown");
  const note = page.locator("#filter-empty");
  assert.ok(await note.isVisible(), "the coverage note shows");
  const said = await note.innerText();
  assert.match(said, /4 trên tổng số 291/);
  assert.match(said, /chu kỳ IV[^\n]*chưa được nhập/);
  assert.match(said, /CCPR\/C\/VNM\/CO\/4[^\n]*chưa được nhập/);
  await screenshot(page, "filter-empty-coverage");
  // A filter with rows hides it again.
  await page.locator("#filter-theme").selectOption("");
  assert.ok(!(await note.isVisible()), "hidden when rows show");
  await page.close();
});

test(`a filter's URL, opened fresh, shows the same rows`, async () => {
  const page = await open("en/tasks/");
  const form = page.locator("form#filters");
  await form.waitFor();
  const rows = page.locator("table tbody tr");
  const total = await rows.count();
  await form.locator('select[name="agency"]').selectOption("moj");
  await page.waitForURL(/[?&]agency=moj(&|$)/);
  // Headings show when a task under them does; the count is of tasks.
  const visible = async (p) =>
    p
      .locator("table tbody tr:not([hidden]):not([data-heading])")
      .evaluateAll((trs) => trs.map((tr) => tr.querySelector("a")?.getAttribute("href")));
  const shown = await visible(page);
  assert.ok(shown.length > 0 && shown.length < total, `some but not all of ${total} rows: ${shown.length}`);
  const agencies = await page
    .locator("table tbody tr:not([hidden]):not([data-heading])")
    .evaluateAll((trs) => trs.map((tr) => tr.dataset.agency || ""));
  assert.ok(
    agencies.every((a) => a.split(" ").includes("moj")),
    "every row shown is led or coordinated by moj",
  );
  const count = await page.locator("#filter-count").innerText();
  assert.match(count, new RegExp(`\\b${shown.length}\\b`), `#filter-count says ${shown.length}: ${count}`);
  await screenshot(page, "tasks-filtered");
  const shared = page.url();
  await page.close();

  const fresh = await site.browser.context.newPage();
  await fresh.goto(shared, { waitUntil: "load" });
  await fresh.locator("form#filters").waitFor();
  assert.equal(await fresh.locator('select[name="agency"]').inputValue(), "moj");
  assert.deepEqual(await visible(fresh), shown);
  assert.equal(await fresh.locator("#filter-count").innerText(), count);
  await fresh.close();
});

test("a CSV downloaded from the data page reads back with the rows the page says", async () => {
  const page = await open("en/data/");
  await screenshot(page, "data-en");
  const section = page.locator('section[aria-labelledby="d-tasks"]');
  const said = Number((await section.locator("p", { hasText: /rows/ }).innerText()).match(/([\d,]+)/)[1].replace(/,/g, ""));
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    section.locator('a[href$="data/tasks.csv"]').click(),
  ]);
  assert.equal(download.suggestedFilename(), "tasks.csv");
  const rows = parseCsv(readFileSync(await download.path(), "utf8"));
  const [header, ...records] = rows;
  assert.equal(records.length, said, `the page says ${said} rows`);
  const columns = await section.locator("details tbody code").allTextContents();
  assert.deepEqual(header, columns, "the header is the column list the page documents");
  assert.ok(records.every((r) => r.length === header.length), "every row has every column");
  // The same tasks the task list shows, one row each.
  const list = await site.browser.context.newPage();
  await list.goto(`${site.server.url}en/tasks/`);
  const listed = await list.locator("table.tasks tbody tr").count();
  assert.equal(records.length, listed, "one CSV row per task in the list");
  await list.close();
  await page.close();
});

test("a journalist follows the Ministry of Public Security: its tasks, their latest state and source, its feed", async () => {
  const page = await open("vi/");
  // From the home page to the agency list, then to the ministry.
  await page.locator("nav.main-nav").getByRole("link", { name: "Cơ quan", exact: true }).click();
  await page.waitForURL("**/vi/agencies/");
  await page.locator('tr[data-agency="mps"] a[href$="/agencies/mps/"]').click();
  await page.waitForURL("**/vi/agencies/mps/");
  // The page leads with its tasks by state, each count linking to the rows it counts.
  const figures = page.locator('section[aria-labelledby="h-states"] [data-figure]');
  assert.ok((await figures.count()) > 0, "counts by state");
  const groups = page.locator("[data-state-group]");
  assert.ok((await groups.count()) > 0, "tasks grouped by state");
  // A task with a recorded state names who says so, when, and links its source.
  // A long group is folded on a ministry's page: open the first that has a record.
  const group = page.locator("[data-state-group]:has(small.latest)").first();
  await group.locator("details").evaluate((d) => { d.open = true; });
  const latest = group.locator("small.latest").first();
  await latest.waitFor();
  assert.match(await latest.locator("time").first().getAttribute("datetime"), /^\d{4}(-\d\d){0,2}$/);
  const source = latest.locator("a").first();
  assert.match((await source.getAttribute("href")) || "", /^(https?:\/\/|\.\.?\/|\/)/, "the source is a link");
  await screenshot(page, "agency-mps-states");
  // Following a count lands on the task list filtered to the same rows.
  const first = figures.first().locator("a").first();
  const want = Number(await figures.first().locator("strong").innerText());
  await first.click();
  await page.waitForURL(/\/vi\/tasks\/\?lead=mps&status=/);
  await page.waitForFunction(() => !document.getElementById("filters").hidden);
  const shown = await page.locator(".filter-list tbody tr:not([data-heading]):not([hidden])").count();
  assert.equal(shown, want, "the filtered list shows as many tasks as the count said");
  // Subscribe: the agency page offers its Atom feed, which is a valid feed of its records.
  await page.goBack();
  await page.waitForURL("**/vi/agencies/mps/");
  const alt = await page.locator('link[rel="alternate"][type="application/atom+xml"][href*="/agencies/mps/"]').getAttribute("href");
  const feedLink = page.locator("a[data-feed]");
  assert.match(await feedLink.getAttribute("href"), /agencies\/mps\/atom\.xml$/);
  const res = await page.request.get(new URL(alt, page.url()).href);
  assert.equal(res.status(), 200);
  const xml = await res.text();
  assert.match(xml, /^<\?xml[^>]*>\s*<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/);
  assert.ok((xml.match(/<entry>/g) || []).length > 0, "the feed has the ministry's records");
  await page.close();
});
