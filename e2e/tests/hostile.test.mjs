// Hostile data in Chromium: the rich fixture (tests/fixtures/rich, built by
// e2e/run) holds `<script>` tags, `javascript:` links and Markdown heading
// attributes (`# T {autofocus tabindex=0 onfocus=document.title='PWNED'}`,
// issue 16.1) in names, texts, descriptions and a content page. Opening every
// page of it must run none of them: no dialog, no changed title, no element
// with an event handler or autofocus, focus left where the page put it.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { useSite, walk, FIXTURE_SITES } from "../lib/site.mjs";

const RICH = path.join(FIXTURE_SITES, "rich");
const site = useSite(RICH);

test("no script from data runs on any page of the rich fixture", async () => {
  assert.ok(existsSync(RICH), `${RICH} is missing: run e2e/run, which builds it`);
  // Every page but the root's redirect, which navigates away as it loads.
  const pages = walk(RICH).filter(
    (f) => f.endsWith(".html") && !readFileSync(path.join(RICH, f), "utf8").includes('http-equiv="refresh"'),
  );
  assert.ok(pages.length > 80, `only ${pages.length} pages`);
  const problems = [];
  const page = await site.browser.context.newPage();
  page.on("dialog", (d) => {
    problems.push(`${page.url()}: a ${d.type()} dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  let shown = 0;
  for (const rel of pages) {
    await page.goto(site.server.url + rel, { waitUntil: "load" });
    // Focus handlers run on the task after load; give them a turn.
    await page.waitForTimeout(20);
    const seen = await page.evaluate(() => ({
      title: document.title,
      handlers: [...document.querySelectorAll("*")].flatMap((el) =>
        [...el.attributes]
          .filter((a) => a.name.startsWith("on") || a.name === "autofocus")
          .map((a) => `<${el.localName} ${a.name}="${a.value}">`),
      ),
      focused: document.activeElement ? document.activeElement.localName : null,
      payload: document.body.innerText.includes("onfocus=document.title="),
    }));
    if (seen.title === "PWNED") problems.push(`${rel}: the title became ${JSON.stringify(seen.title)}`);
    if (seen.handlers.length) problems.push(`${rel}: ${seen.handlers.join(", ")}`);
    if (seen.focused !== "body") problems.push(`${rel}: <${seen.focused}> took the focus on load`);
    if (seen.payload) shown++;
  }
  await page.close();
  assert.deepEqual(problems, []);
  // The payload is in the fixture and shown as text, so this checked something.
  assert.ok(shown >= 6, `the payload shows as text on only ${shown} pages`);
  assert.deepEqual(site.watch.errors.splice(0), [], "console errors or failed requests");
  assert.deepEqual(site.watch.offsite.splice(0), [], "requests left 127.0.0.1");
});
