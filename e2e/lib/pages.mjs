// One page of every page template of the shipped site, found from the built
// output so that the list follows the data (the first record of each kind).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { PUBLIC } from "./site.mjs";

export const COLLECTIONS = [
  "recommendations",
  "plans",
  "tasks",
  "agencies",
  "themes",
  "indicators",
  "mechanisms",
  "documents",
];

function firstRecord(lang, collection) {
  const dir = path.join(PUBLIC, lang, collection);
  const ids = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "index.html")))
    .map((d) => d.name)
    .sort();
  if (!ids.length) throw new Error(`no record pages under ${dir}`);
  return `${lang}/${collection}/${ids[0]}/`;
}

/** [{ name, path }] of one page per template, in `lang`, paths relative to the site root. */
export function templatePages(lang) {
  const pages = [{ name: "home", path: `${lang}/` }];
  for (const c of COLLECTIONS) {
    pages.push({ name: `${c} list`, path: `${lang}/${c}/` });
    pages.push({ name: `${c} record`, path: firstRecord(lang, c) });
  }
  pages.push({ name: "data", path: `${lang}/data/` });
  pages.push({ name: "search", path: `${lang}/search/?q=bo+tu+phap` });
  if (existsSync(path.join(PUBLIC, lang, "deadlines", "index.html"))) {
    pages.push({ name: "deadlines", path: `${lang}/deadlines/` });
    const years = readdirSync(path.join(PUBLIC, lang, "deadlines"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    if (years.length) pages.push({ name: "deadlines year", path: `${lang}/deadlines/${years[0]}/` });
  }
  pages.push({ name: "content page", path: `${lang}/about/` });
  pages.push({ name: "404", path: `${lang}/404.html` });
  return pages;
}
