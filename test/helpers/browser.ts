// A real browser for the dev console tests: Debian's chromium driven by playwright-core (no
// browser download: this machine cannot fetch one). `.ci/run` installs chromium when missing.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Locator } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = process.env.COGNATE_TEST_CHROMIUM ?? "/usr/bin/chromium";

/** Where screenshots go, for a reviewer to look at (git-ignored). */
export const SHOT_DIR = resolve(import.meta.dirname, "../../test-output/console");

// Without the background-networking flags chromium's own connections are refused on a
// machine without internet, and start-up stalls on them.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh browser with its own, throwaway profile directory. */
export async function launchBrowser(viewport = { width: 1280, height: 860 }): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no chromium at ${CHROMIUM}: install it (apt-get install chromium; .ci/run does) or set COGNATE_TEST_CHROMIUM`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), "cognate-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function shotPath(name: string): string {
  mkdirSync(SHOT_DIR, { recursive: true });
  return join(SHOT_DIR, `${name}.png`);
}

/** Retries an assertion until it passes or the time is up (the page updates asynchronously). */
export async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function countIs(locator: Locator, n: number, timeoutMs?: number): Promise<void> {
  await eventually(async () => expect(await locator.count()).toBe(n), timeoutMs);
}

export async function textIs(locator: Locator, text: string, timeoutMs?: number): Promise<void> {
  await eventually(async () => expect((await locator.textContent())?.trim()).toBe(text), timeoutMs);
}

/**
 * WCAG 2 contrast of every visible text in the page against its effective background;
 * returns the texts below AA (4.5:1, or 3:1 for large text). Disabled controls are exempt,
 * as WCAG allows. Run in the page with `page.evaluate(CONTRAST_FAILURES)`.
 */
export const CONTRAST_FAILURES = `(() => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return { r, g, b, a }; };
  const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a >= 0.99) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
  const failures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement; const text = n.textContent.trim();
    if (!el || !text || el.closest("[hidden], .sr-only, option, datalist, :disabled")) continue;
    const rect = el.getBoundingClientRect(); if (rect.width === 0 || rect.height === 0) continue;
    const st = getComputedStyle(el); if (st.visibility === "hidden" || Number(st.opacity) === 0) continue;
    const fg = parse(st.color); const bg = background(el); if (!fg) continue;
    const blended = { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a) };
    const [hi, lo] = [lum(blended), lum(bg)].sort((x, y) => y - x); const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(st.fontSize); const bold = Number(st.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) failures.push(text.slice(0, 40) + " (" + ratio.toFixed(2) + ":1)");
  }
  return failures;
})()`;
