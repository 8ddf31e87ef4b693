// The shipped site on a phone (390×844 CSS px, Chromium) and the ways a
// reader shares a view: every page type fits the screen with its task state
// in sight, charts keep their text at 12 px or more, the language switch and
// Back keep the view, a filtered list copies as a link and downloads as CSV,
// the root address follows the browser's language.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { useSite, screenshot, LANGS } from "../lib/site.mjs";
import { templatePages } from "../lib/pages.mjs";
import { parseCsv } from "../lib/csv.mjs";

const site = useSite();
afterEach(() => {
  const offsite = site.watch.offsite.splice(0);
  const errors = site.watch.errors.splice(0);
  assert.deepEqual(offsite, [], "requests left 127.0.0.1");
  assert.deepEqual(errors, [], "console errors or failed requests");
});

const PHONE = { width: 390, height: 844 };

async function phone(path) {
  const page = await site.browser.context.newPage();
  await page.setViewportSize(PHONE);
  await page.goto(site.server.url + path, { waitUntil: "load" });
  return page;
}

// Pages beyond one per template that are long or dense on a phone.
const EXTRA = ["agencies/mps/", "agencies/molisa/", "deadlines/", "tasks/?agency=mps", "themes/death-penalty/"];

for (const lang of LANGS) {
  const pages = [...templatePages(lang), ...EXTRA.map((p) => ({ name: p, path: `${lang}/${p}` }))];
  for (const p of pages) {
    test(`phone: ${p.name} (${lang}) fits 390 px and shows each task's state`, async () => {
      const page = await phone(p.path);
      try {
        const r = await page.evaluate(() => {
          const doc = document.documentElement;
          // Anything drawn past the right edge (a table cell, a long word).
          const wide = [...document.querySelectorAll("main *, header *, footer *")]
            .filter((el) => {
              const b = el.getBoundingClientRect();
              // A code sample scrolls inside its own focusable box (data page).
              return b.width > 0 && b.right > doc.clientWidth + 1 && !el.closest("[hidden], .visually-hidden, thead, pre");
            })
            .slice(0, 3)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.getBoundingClientRect().right}`);
          // The state badge of each task row or task page, where it is drawn.
          const badges = [...document.querySelectorAll("table.tasks tbody tr:not([hidden]) .badge, main > p > .badge, .chain .badge")]
            .filter((b) => !b.closest("details:not([open])"))
            .map((b) => {
              const r = b.getBoundingClientRect();
              return { text: b.textContent.trim(), left: r.left, right: r.right, w: r.width, h: r.height };
            });
          return { scroll: doc.scrollWidth, client: doc.clientWidth, wide, badges, tasks: document.querySelectorAll("table.tasks tbody tr").length };
        });
        assert.ok(r.scroll <= r.client, `the page is ${r.scroll} px wide on a ${r.client} px screen: ${r.wide.join("; ")}`);
        assert.deepEqual(r.wide, [], "nothing is drawn past the right edge");
        for (const b of r.badges) {
          assert.ok(b.w > 0 && b.h > 0 && b.left >= 0 && b.right <= PHONE.width, `state "${b.text}" is on screen: ${JSON.stringify(b)}`);
        }
        if (["tasks list", "tasks record", "home", "deadlines", "deadlines year"].includes(p.name))
          assert.ok(r.badges.length > 0, "a task state is shown");
        if (p.name === "deadlines") await screenshot(page, `phone-deadlines-${lang}`);
      } finally {
        await page.close();
      }
    });
  }
}

test("phone: a task row stacks reference, state, deadline and lead on one line, the text below", async () => {
  const page = await phone("en/tasks/");
  try {
    const row = page.locator("table.tasks tbody tr:not(.heading)").first();
    const box = async (sel) => row.locator(sel).boundingBox();
    const [ref, state, text] = [await box("td.ref"), await box("td.state .badge"), await box("td.text")];
    assert.ok(Math.abs(ref.y - state.y) < ref.height, `reference and state share a line: ${ref.y} ${state.y}`);
    assert.ok(text.y >= ref.y + ref.height - 1, "the text is below them");
    assert.ok(text.width > PHONE.width * 0.8, `the text has the width of the screen: ${text.width}`);
    await screenshot(page, "phone-tasks");
  } finally {
    await page.close();
  }
});

test("phone: the Ministry of Public Security's page is a few screens, its long lists folded", async () => {
  const page = await phone("en/agencies/mps/");
  try {
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(height < 5 * PHONE.height, `${height} px tall`);
    const folds = await page.locator("details.fold").count();
    assert.ok(folds > 2, `${folds} folded sections`);
    // A folded section opens on its heading and shows its rows.
    const i = await page.locator("details.fold").evaluateAll((ds) => ds.findIndex((d) => !d.open));
    assert.ok(i >= 0, "a long section is folded");
    const closed = page.locator("details.fold").nth(i);
    assert.equal(await closed.locator("tbody tr, li").first().isVisible(), false);
    await closed.locator("summary").click();
    assert.ok(await closed.locator("tbody tr, li").first().isVisible(), "it opens on its heading");
    await screenshot(page, "phone-agency-mps");
  } finally {
    await page.close();
  }
});

test("phone: no chart text is drawn smaller than 12 px", async () => {
  const indicators = readFileSync(new URL("../../public/en/indicators/index.html", import.meta.url), "utf8");
  const paths = ["en/agencies/", "vi/agencies/", "en/agencies/mps/", "vi/agencies/moj/"];
  for (const m of indicators.matchAll(/href="[./]*(en\/indicators\/[a-z0-9-]+\/)"/g)) paths.push(m[1]);
  let charts = 0;
  for (const path of [...new Set(paths)]) {
    const page = await phone(path);
    try {
      const r = await page.evaluate(() =>
        [...document.querySelectorAll("svg.chart")]
          .filter((svg) => svg.getBoundingClientRect().width > 0)
          .map((svg) => {
            const scale = svg.getScreenCTM().a;
            const sizes = [...svg.querySelectorAll("text")].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
            const overflow = [...svg.querySelectorAll("text")].filter((t) => {
              const b = t.getBoundingClientRect();
              return b.width > 0 && (b.left < -1 || b.right > document.documentElement.clientWidth + 1);
            }).length;
            return { id: svg.id, min: Math.min(...sizes), overflow };
          }),
      );
      for (const c of r) {
        charts++;
        assert.ok(c.min >= 11.99, `${path} #${c.id}: text at ${c.min.toFixed(1)} px`);
        assert.equal(c.overflow, 0, `${path} #${c.id}: text past the screen's edge`);
      }
    } finally {
      await page.close();
    }
  }
  assert.ok(charts >= 5, `${charts} charts checked`);
});

test("the language switch keeps the filters and the place on the page", async () => {
  const page = await site.browser.context.newPage();
  try {
    await page.goto(site.server.url + "en/tasks/?agency=moj#filters", { waitUntil: "load" });
    await page.locator("form#filters").waitFor();
    await page.locator('nav.langs a[hreflang="vi"]').click();
    await page.waitForURL(/\/vi\/tasks\/\?agency=moj#filters$/);
    await page.locator("form#filters").waitFor();
    assert.equal(await page.locator('select[name="agency"]').inputValue(), "moj", "the Vietnamese list is filtered the same");
    // A filter changed after loading goes along too.
    await page.locator('select[name="status"]').selectOption("overdue");
    await page.locator('nav.langs a[hreflang="en"]').click();
    await page.waitForURL(/\/en\/tasks\/\?agency=moj&status=overdue#filters$/);
    // And a search.
    await page.goto(site.server.url + "en/search/?q=tra+tan", { waitUntil: "load" });
    await page.locator('nav.langs a[hreflang="vi"]').click();
    await page.waitForURL(/\/vi\/search\/\?q=tra\+tan$/);
    assert.equal(await page.locator("#q").inputValue(), "tra tan");
  } finally {
    await page.close();
  }
});

test("Back after a filter change returns to the previous filters, then to the page before", async () => {
  const page = await site.browser.context.newPage();
  try {
    await page.goto(site.server.url + "en/", { waitUntil: "load" });
    await page.goto(site.server.url + "en/tasks/", { waitUntil: "load" });
    const form = page.locator("form#filters");
    await form.waitFor();
    const shown = () => page.locator("table.tasks tbody tr:not([hidden]):not([data-heading])").count();
    const all = await shown();
    await form.locator('select[name="agency"]').selectOption("moj");
    await page.waitForURL(/\?agency=moj$/);
    const moj = await shown();
    await form.locator('select[name="status"]').selectOption("overdue");
    await page.waitForURL(/\?agency=moj&status=overdue$/);
    const overdue = await shown();
    assert.ok(all > moj && moj > overdue && overdue > 0, `${all} > ${moj} > ${overdue}`);
    await page.goBack();
    await page.waitForURL(/\/en\/tasks\/\?agency=moj$/);
    assert.equal(await form.locator('select[name="status"]').inputValue(), "");
    assert.equal(await shown(), moj, "the rows of the previous filters");
    await page.goBack();
    await page.waitForURL(/\/en\/tasks\/$/);
    assert.equal(await form.locator('select[name="agency"]').inputValue(), "");
    assert.equal(await shown(), all);
    await page.goBack();
    await page.waitForURL(/\/en\/$/);
  } finally {
    await page.close();
  }
});

test("a filtered list copies as a link and downloads its rows as CSV", async () => {
  const page = await site.browser.context.newPage();
  try {
    await page.goto(site.server.url + "vi/tasks/?agency=mps&status=overdue", { waitUntil: "load" });
    await page.locator("form#filters").waitFor();
    await page.evaluate(() => {
      // The clipboard of a headless browser: record what is written.
      window.__copied = null;
      navigator.clipboard.writeText = (t) => ((window.__copied = t), Promise.resolve());
    });
    await page.locator("button[data-copy]").click();
    assert.equal(await page.evaluate(() => window.__copied), page.url());
    assert.match(await page.locator("#view-status").innerText(), /\S/, "says the link was copied");

    const visible = await page
      .locator(".filter-list table.tasks tbody tr:not([hidden])")
      .evaluateAll((trs) => trs.filter((tr) => !tr.closest("[hidden]")).map((tr) => tr.querySelector("a").href));
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button[data-csv]").click()]);
    assert.match(download.suggestedFilename(), /^tasks-agency-mps-status-overdue\.csv$/);
    const bytes = readFileSync(await download.path(), "utf8");
    assert.ok(bytes.startsWith("\ufeff"), "a byte-order mark for spreadsheets");
    const [header, ...rows] = parseCsv(bytes.slice(1));
    assert.equal(header.at(-1), "url");
    assert.equal(header[0], "Kế hoạch");
    assert.deepEqual(
      rows.map((r) => r.at(-1)),
      visible,
      "one CSV row per row shown, in order",
    );
    assert.ok(rows.length > 0 && rows.every((r) => r.length === header.length));
    assert.ok(rows.some((r) => r.join(" ").includes("Bộ Công an") || r.join(" ").includes("BCA")), "the lead is in the rows");
  } finally {
    await page.close();
  }
});

for (const [langs, expect] of [
  [["vi-VN", "vi"], "vi"],
  [["en-GB", "en"], "en"],
  [["fr-FR", "de"], "vi"],
  [["de", "en-US"], "en"],
]) {
  test(`the root address sends a browser preferring ${langs.join(", ")} to /${expect}/`, async () => {
    const page = await site.browser.context.newPage();
    try {
      await page.addInitScript((l) => {
        Object.defineProperty(navigator, "languages", { get: () => l });
      }, langs);
      await page.goto(site.server.url, { waitUntil: "load" });
      await page.waitForURL(new RegExp(`/${expect}/$`));
      assert.equal(await page.getAttribute("html", "lang"), expect);
    } finally {
      await page.close();
    }
  });
}

test("the root address without JavaScript: the default language, and a plain link to each", async () => {
  const html = readFileSync(new URL("../../public/index.html", import.meta.url), "utf8");
  assert.match(html, /<noscript><meta http-equiv="refresh" content="0; url=vi\/"><\/noscript>/);
  for (const l of LANGS) assert.match(html, new RegExp(`<a href="${l}/" hreflang="${l}"`));
});

test("the main navigation marks the current section, and the icon is there", async () => {
  const page = await site.browser.context.newPage();
  try {
    await page.goto(site.server.url + "en/agencies/", { waitUntil: "load" });
    assert.deepEqual(
      await page.locator('nav.main-nav a[aria-current]').evaluateAll((as) => as.map((a) => [a.getAttribute("aria-current"), a.textContent])),
      [["page", "Agencies"]],
    );
    await page.goto(site.server.url + "en/agencies/moj/", { waitUntil: "load" });
    assert.equal(await page.locator('nav.main-nav a[aria-current="true"]').innerText(), "Agencies");
    const ico = await page.request.get(site.server.url + "favicon.ico");
    assert.equal(ico.status(), 200);
    const body = await ico.body();
    assert.deepEqual([...body.subarray(0, 4)], [0, 0, 1, 0], "an ICO file");
  } finally {
    await page.close();
  }
});

test("a shared link previews the record: description and Open Graph tags from it", async () => {
  const page = await site.browser.context.newPage();
  try {
    await page.goto(site.server.url + "en/recommendations/cat-co1-definition-of-torture/", { waitUntil: "load" });
    const meta = (sel) => page.locator(sel).getAttribute("content");
    const h1 = (await page.locator("h1").innerText()).trim();
    assert.equal(await meta('meta[property="og:title"]'), h1, "the preview's title is the page's heading");
    const desc = await meta('meta[name="description"]');
    assert.equal(await meta('meta[property="og:description"]'), desc);
    assert.ok(desc.length > 40, desc);
    assert.ok((await page.locator("main").innerText()).includes(desc.replace(/…$/, "")), "the description is the record's own text");
    assert.equal(await meta('meta[name="twitter:card"]'), "summary");
  } finally {
    await page.close();
  }
});
