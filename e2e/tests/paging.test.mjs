// A list on several pages (site contract: `<list>/page/<n>/`): the rich
// fixture grown past a page's worth of tasks (tests/paging.rs builds the
// same site). The filters read their options from the list's JSON file and
// fetch the other pages when a filter is chosen, so a filter finds rows on
// every page; clearing it shows this page again with its pager.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { useSite, REPO, ARTIFACTS, screenshot } from "../lib/site.mjs";

const TASKS = 160;
const AGENCIES = 150;
const src = path.join(ARTIFACTS, "paged-src");
const out = path.join(ARTIFACTS, "paged-site");
rmSync(src, { recursive: true, force: true });
rmSync(out, { recursive: true, force: true });
cpSync(path.join(REPO, "tests", "fixtures", "rich"), src, { recursive: true });
let agencies = "";
for (let i = 0; i < AGENCIES; i++) agencies += `- id: gen-agency-${i}\n  name: { vi: "Cơ quan số ${i}", en: "Agency ${i}" }\n`;
writeFileSync(path.join(src, "data", "agencies", "gen.yaml"), agencies);
let tasks = "";
for (let i = 0; i < TASKS; i++) {
  tasks += `- ref: "G.${i}"\n  plan: plan-b\n  text: { vi: "Nhiệm vụ số ${i}", en: "Task ${i}" }\n  lead: [gen-agency-${i % AGENCIES}]\n  due: [2030]\n`;
}
writeFileSync(path.join(src, "data", "tasks", "gen.yaml"), tasks);
// A progress record on each grown task, so the updates list runs over two pages.
let progress = "";
for (let i = 0; i < TASKS; i++) {
  const day = `2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
  progress += `- id: gen-progress-${i}\n  date: "${day}"\n  tasks: [plan-b-g-${i}]\n  status: in-progress\n  text: { vi: "Đang thực hiện ${i}", en: "Under way ${i}" }\n  by: government\n  source: ccpr-co3\n`;
}
writeFileSync(path.join(src, "data", "progress", "gen.yaml"), progress);
const bin = path.resolve(REPO, process.env.LOTRINH || "target/debug/lotrinh");
execFileSync(bin, ["build", "--root", src, "--out", out], { stdio: "ignore" });

const site = useSite(out);
afterEach(() => {
  assert.deepEqual(site.watch.offsite.splice(0), [], "requests left 127.0.0.1");
  assert.deepEqual(site.watch.errors.splice(0), [], "console errors or failed requests");
});

// The addresses of the task rows shown (headings aside).
const shown = (page) =>
  page
    .locator(".filter-list tbody tr:not([data-heading])")
    .evaluateAll((trs) => trs.filter((tr) => !tr.hidden && !tr.closest("[hidden]")).map((tr) => new URL(tr.querySelector("a").href).pathname));

test("a filter on a paged list finds its rows on every page, and clearing it shows the page again", async () => {
  const page = await site.browser.context.newPage();
  await page.goto(site.server.url + "en/tasks/", { waitUntil: "load" });
  const form = page.locator("form#filters");
  await form.waitFor();
  const first = await shown(page);
  assert.ok(first.length > 100 && first.length <= 150, `page 1 shows its rows: ${first.length}`);
  assert.ok(await page.locator(".pager").first().isVisible(), "the pager shows");
  // gen-agency-3 leads tasks 3 (page 1) and 153 (page 2).
  await form.locator('select[name="lead"]').selectOption("gen-agency-3");
  await page.locator("#filter-count").filter({ hasText: /^2 of / }).waitFor();
  assert.deepEqual((await shown(page)).sort(), ["/en/tasks/plan-b-g-153/", "/en/tasks/plan-b-g-3/"]);
  assert.ok(!(await page.locator(".pager").first().isVisible()), "no pager over a filtered list");
  await screenshot(page, "paged-tasks-filtered");
  // The row from page 2 links to its task, from this page.
  await page.locator('a[href$="/en/tasks/plan-b-g-153/"]').click();
  await page.waitForURL(/\/en\/tasks\/plan-b-g-153\/$/);
  await page.goBack();
  await page.locator("#filter-count").filter({ hasText: /^2 of / }).waitFor();
  await form.locator('button[type="reset"]').click();
  await page.waitForURL((u) => !u.search);
  await page.waitForFunction(() => !document.querySelector(".pager").hidden);
  assert.deepEqual(await shown(page), first, "this page's rows again");
  await page.close();
});

test("a filtered view opened on page 2 shows the rows of the whole list", async () => {
  const page = await site.browser.context.newPage();
  await page.goto(site.server.url + "en/tasks/page/2/?lead=gen-agency-4", { waitUntil: "load" });
  await page.locator("#filter-count").filter({ hasText: /^2 of / }).waitFor();
  assert.equal(await page.locator('select[name="lead"]').inputValue(), "gen-agency-4");
  assert.deepEqual((await shown(page)).sort(), ["/en/tasks/plan-b-g-154/", "/en/tasks/plan-b-g-4/"]);
  await page.close();
});

test("the agency filter on the paged updates list finds records on every page", async () => {
  const page = await site.browser.context.newPage();
  await page.goto(site.server.url + "en/updates/page/2/", { waitUntil: "load" });
  const form = page.locator("form#filters");
  await form.waitFor();
  const records = () =>
    page.locator(".filter-list tbody tr").evaluateAll((trs) => trs.filter((tr) => !tr.hidden).map((tr) => tr.getAttribute("data-record")));
  const here = await records();
  assert.ok(here.length > 0 && here.length < 150, `page 2 shows its records: ${here.length}`);
  // gen-agency-3 leads tasks 3 and 153: their records, whichever page they are on.
  await form.locator('select[name="agency"]').selectOption("gen-agency-3");
  const total = TASKS + 6;
  await page.locator("#filter-count").filter({ hasText: new RegExp(`^2 of ${total}`) }).waitFor();
  assert.deepEqual((await records()).sort(), ["gen-progress-153", "gen-progress-3"]);
  assert.ok(!(await page.locator(".pager").first().isVisible()), "no pager over a filtered list");
  await form.locator('button[type="reset"]').click();
  await page.waitForFunction(() => !document.querySelector(".pager").hidden);
  assert.deepEqual(await records(), here, "this page's records again");
  await page.close();
});

// The pager and the pages it leads to meet the same bar as every template.
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
for (const path of ["en/tasks/page/2/", "vi/tasks/", "vi/agencies/page/2/", "vi/updates/page/2/", "en/updates/"]) {
  test(`axe: ${path} (a page of a paged list) has no WCAG 2.1 AA or best-practice violation`, async () => {
    const page = await site.browser.context.newPage();
    await page.goto(site.server.url + path, { waitUntil: "load" });
    await page.addScriptTag({ content: AXE });
    const result = await page.evaluate(() =>
      window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        resultTypes: ["violations"],
      }),
    );
    assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), []);
    await page.close();
  });
}
