// Accessibility: axe-core in Chromium on one page of every template in both
// languages (WCAG 2.0/2.1 A and AA, and axe's best practices: unique
// landmarks, focusable scroll regions), and a keyboard-only walk through the header.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { useSite, screenshot, LANGS } from "../lib/site.mjs";
import { templatePages } from "../lib/pages.mjs";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

const site = useSite();

function describe(violations) {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary.replace(/\n/g, " ")}`)
          .join("\n"),
    )
    .join("\n");
}

for (const lang of LANGS) {
  for (const p of templatePages(lang)) {
    test(`axe: ${p.name} (${lang}) has no WCAG 2.1 AA or best-practice violation`, async () => {
      const page = await site.browser.context.newPage();
      try {
        await page.goto(site.server.url + p.path, { waitUntil: "load" });
        if (p.name === "search") await page.waitForSelector("#search-results li", { timeout: 5000 }).catch(() => {});
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
          TAGS,
        );
        assert.equal(result.violations.length, 0, `${p.path}:\n${describe(result.violations)}`);
      } finally {
        await page.close();
      }
    });
  }
}

// Keyboard alone: from the top of a list page, Tab reaches the skip link, the
// header (brand, languages, navigation), the search box and then the table,
// in that order, and every stop shows a visible focus indicator.
test("keyboard: Tab goes through the header, the search box and into a table, focus visible", async () => {
  const page = await site.browser.context.newPage();
  try {
    await page.goto(site.server.url + "en/tasks/", { waitUntil: "load" });
    const stops = [];
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press("Tab");
      const stop = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const s = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        const where = el.closest("table") ? "table" : el.closest(".search-box") ? "search" : el.closest("header") ? "header" : el.closest("main") ? "main" : "other";
        return {
          where,
          tag: el.tagName.toLowerCase(),
          cls: el.className,
          name: el.getAttribute("name") || "",
          text: (el.innerText || el.value || "").trim().slice(0, 40),
          outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
          shadow: s.boxShadow !== "none",
          onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth,
          focusVisible: el.matches(":focus-visible"),
        };
      });
      assert.ok(stop, `Tab ${i + 1} left the page or focused nothing`);
      stops.push(stop);
      if (stop.where === "table") break;
    }
    const order = stops.map((s) => s.where);
    const first = (w) => order.indexOf(w);
    assert.equal(stops[0].cls, "skip", "the first Tab reaches the skip link");
    assert.ok(first("header") > 0, `the header is reached: ${order.join(" ")}`);
    assert.ok(first("search") > first("header"), `the search box comes after the header links: ${order.join(" ")}`);
    assert.ok(first("table") > first("search"), `a table is reached after the search box: ${order.join(" ")}`);
    assert.ok(
      stops.some((s) => s.where === "search" && s.tag === "input"),
      "the search input takes focus",
    );
    for (const s of stops) {
      assert.ok(s.focusVisible && (s.outline || s.shadow), `focus is visible on ${s.tag} "${s.text}" (${s.where})`);
      assert.ok(s.onScreen, `the focused ${s.tag} "${s.text}" is on screen`);
    }
    await screenshot(page, "keyboard-focus-in-table");
  } finally {
    await page.close();
  }
});
