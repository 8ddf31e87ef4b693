// A link checker over a built site folder: every internal href/src/action (and
// the meta refresh, the search index, the sitemap) must name a file that exists,
// every #fragment an id on the page it points into, and every link have words
// (never empty, never "None").
import { readFileSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import { walk } from "./site.mjs";

const ORIGIN = "http://site.invalid";
const ATTR = /\s(href|src|action|data-index)="([^"]*)"/g;
const REFRESH = /<meta\s+http-equiv="refresh"\s+content="[^"]*url=([^"]*)"/gi;
const LOC = /<loc>([^<]*)<\/loc>/g;
const ID = /\sid="([^"]*)"/g;
const ANCHOR = /<a\s([^>]*)>([\s\S]*?)<\/a>/g;

function unescape(s) {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The file a site path names, or null: `dir/` → `dir/index.html`. */
function target(root, pathname) {
  let rel;
  try {
    rel = decodeURIComponent(pathname).replace(/^\/+/, "");
  } catch {
    return null;
  }
  if (rel === "" || rel.endsWith("/")) rel += "index.html";
  const file = path.join(root, rel);
  if (!file.startsWith(root + path.sep) && file !== root) return null;
  return existsSync(file) && statSync(file).isFile() ? rel : null;
}

/**
 * Checks one built site. Returns { pages, links, problems: [string] }.
 */
export function checkLinks(root) {
  root = path.resolve(root);
  const files = walk(root).filter((f) => f.endsWith(".html") || f.endsWith(".xml"));
  const ids = new Map();
  const idsOf = (rel) => {
    if (!ids.has(rel)) {
      const html = readFileSync(path.join(root, rel), "utf8");
      ids.set(rel, new Set([...html.matchAll(ID)].map((m) => unescape(m[1]))));
    }
    return ids.get(rel);
  };
  const problems = [];
  let links = 0;
  for (const rel of files) {
    const text = readFileSync(path.join(root, rel), "utf8");
    // Every page names itself in its title, not only the site (WCAG 2.4.2).
    const title = text.match(/<title>([^<]*)<\/title>/);
    if (rel.endsWith(".html") && title && /^\s*·/.test(title[1])) problems.push(`${rel}: the <title> names only the site`);
    // Every link says where it goes: no empty link text (unless labelled)
    // and no "None" (a missing value printed as text).
    for (const m of text.matchAll(ANCHOR)) {
      const words = unescape(m[2].replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
      if (/^none$/i.test(words)) problems.push(`${rel}: a link reads "${words}": ${m[0].slice(0, 120)}`);
      if (!words && !/\saria-label(ledby)?="[^"]+"/.test(" " + m[1])) problems.push(`${rel}: a link with no text: ${m[0].slice(0, 120)}`);
    }
    const refs = [
      ...[...text.matchAll(ATTR)].map((m) => unescape(m[2])),
      ...[...text.matchAll(REFRESH)].map((m) => unescape(m[1])),
      ...[...text.matchAll(LOC)].map((m) => unescape(m[1])),
    ];
    const base = new URL(rel, ORIGIN + "/");
    for (const ref of refs) {
      let url;
      try {
        url = new URL(ref, base);
      } catch {
        problems.push(`${rel}: unparsable link ${JSON.stringify(ref)}`);
        continue;
      }
      if (url.origin !== ORIGIN) continue; // external: not ours to check offline
      links++;
      const to = target(root, url.pathname);
      if (!to) {
        problems.push(`${rel}: broken link ${JSON.stringify(ref)} (no file for ${url.pathname})`);
        continue;
      }
      if (url.hash && to.endsWith(".html")) {
        const frag = decodeURIComponent(url.hash.slice(1));
        if (frag && !idsOf(to).has(frag)) problems.push(`${rel}: link ${JSON.stringify(ref)}: no id "${frag}" in ${to}`);
      }
    }
  }
  return { pages: files.length, links, problems };
}
