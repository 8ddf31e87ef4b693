// Shared helpers for the e2e suite: where the built sites are, a static server
// on 127.0.0.1, and a Chromium launched from Debian's package (never downloaded).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, readdirSync, statSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { before, after } from "node:test";

export const E2E = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const REPO = path.resolve(E2E, "..");
/** The shipped site, built by `lotrinh build --out public` (see e2e/run). */
export const PUBLIC = path.resolve(process.env.LOTRINH_PUBLIC || path.join(REPO, "public"));
/** Fixture sites built by e2e/run, one folder each. */
export const FIXTURE_SITES = path.join(E2E, "artifacts", "sites");
export const ARTIFACTS = path.join(E2E, "artifacts");
export const LANGS = ["vi", "en"];

/** Every file under `dir`, sorted, as paths relative to it (with `/`). */
export function walk(dir, rel = "") {
  const out = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}

/** The sites the static checks cover: the shipped one and every built fixture. */
export function builtSites() {
  const sites = [{ name: "shipped", dir: PUBLIC }];
  let names = [];
  try {
    names = readdirSync(FIXTURE_SITES).sort();
  } catch {
    // no fixture builds: e2e/run makes them; the shipped site is still checked
  }
  for (const n of names) sites.push({ name: `fixture ${n}`, dir: path.join(FIXTURE_SITES, n) });
  return sites;
}

/**
 * Serves `root` with python's http.server on 127.0.0.1 and a free port.
 * Resolves to { url, close }.
 */
export function serve(root = PUBLIC) {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", root, "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`http.server did not start: ${out}`));
    }, 15000);
    const onData = (d) => {
      out += d;
      const m = out.match(/port (\d+)/);
      if (m) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        // Keep draining the request log so the pipe never fills up.
        child.stdout.resume();
        child.stderr.resume();
        resolve({
          url: `http://127.0.0.1:${m[1]}/`,
          close: () =>
            new Promise((r) => {
              child.once("exit", r);
              child.kill();
            }),
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`http.server exited (${code}): ${out}`)));
  });
}

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** Launches Debian's Chromium headless with a fresh profile. Resolves to { browser, close }. */
export async function launch() {
  const profile = mkdtempSync(path.join(tmpdir(), "lotrinh-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Watches a browser context: every request that would leave 127.0.0.1 is
 * aborted and recorded, and every console error or uncaught page error is
 * recorded with the page it happened on.
 */
export async function guard(context) {
  const offsite = [];
  const errors = [];
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === "data:" || u.protocol === "blob:" || u.hostname === "127.0.0.1") return route.continue();
    offsite.push(u.href);
    return route.abort("blockedbyclient");
  });
  const watch = (page) => {
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`${page.url()}: console: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`${page.url()}: uncaught: ${e.message}`));
    page.on("response", (r) => {
      if (r.status() >= 400) errors.push(`${page.url()}: HTTP ${r.status()} for ${r.url()}`);
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  return { offsite, errors };
}

/**
 * For a test file: serves a built site (the shipped one unless `root` names
 * another) and opens a guarded Chromium before its tests, closes both after
 * them. The returned object's `server`, `browser` and `watch` are set once
 * the tests run.
 */
export function useSite(root = PUBLIC) {
  const site = {};
  before(async () => {
    site.server = await serve(root);
    site.browser = await launch();
    site.watch = await guard(site.browser.context);
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}

/** Saves a full-page screenshot under e2e/artifacts/screenshots/. */
export async function screenshot(page, name) {
  const dir = path.join(ARTIFACTS, "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
