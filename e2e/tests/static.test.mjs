// Valid HTML (html-validate, rules in e2e/.htmlvalidate.json) and no broken
// internal link or asset, on the shipped site and on every built fixture site.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { HtmlValidate, StaticConfigLoader } from "html-validate";
import { builtSites, walk, E2E } from "../lib/site.mjs";
import { checkLinks } from "../lib/links.mjs";

const config = JSON.parse(readFileSync(path.join(E2E, ".htmlvalidate.json"), "utf8"));
const validator = new HtmlValidate(new StaticConfigLoader(config));

for (const site of builtSites()) {
  test(`html-validate: every page of the ${site.name} site is valid`, async () => {
    const pages = walk(site.dir).filter((f) => f.endsWith(".html"));
    assert.ok(pages.length > 0, `no pages in ${site.dir}`);
    const errors = [];
    for (const rel of pages) {
      const file = path.join(site.dir, rel);
      const report = await validator.validateString(readFileSync(file, "utf8"), file);
      for (const r of report.results)
        for (const m of r.messages) errors.push(`${rel}:${m.line}:${m.column}: ${m.message} [${m.ruleId}]`);
    }
    assert.deepEqual(errors.slice(0, 50), [], `${errors.length} html-validate errors in ${pages.length} pages`);
  });

  test(`links: every internal link and asset of the ${site.name} site resolves`, () => {
    const { pages, links, problems } = checkLinks(site.dir);
    assert.ok(pages > 0 && links > 0, `nothing checked in ${site.dir}`);
    assert.deepEqual(problems.slice(0, 50), [], `${problems.length} broken links among ${links}`);
  });
}
