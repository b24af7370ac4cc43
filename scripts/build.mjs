#!/usr/bin/env node
// `npm run build` compiles src/ into dist/ and leaves a stamp; `npm start`
// (scripts/start.mjs) compiles only when a source is newer than the stamp. A full `tsc` takes
// tens of seconds on a small machine, and `tsc --build`'s own up-to-date check still costs
// seconds (it loads the compiler); comparing modification times costs milliseconds, so a
// built checkout starts at once.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const stampOf = (root) => join(root, "dist", ".build-stamp");
const entryOf = (root) => join(root, "dist", "cli", "main.js");

/** The newest modification time under `dir`, directories included (a deleted file touches its folder). */
function newest(dir) {
  let t = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** True when `root`'s dist/ was built from its sources as they are now. */
export function isCurrent(root = ROOT) {
  // An installed package ships dist/ without src/: there is nothing to rebuild from.
  if (!existsSync(join(root, "src"))) return existsSync(entryOf(root));
  if (!existsSync(stampOf(root)) || !existsSync(entryOf(root))) return false;
  const inputs = Math.max(
    newest(join(root, "src")),
    statSync(join(root, "tsconfig.json")).mtimeMs,
    statSync(join(root, "tsconfig.build.json")).mtimeMs,
  );
  return statSync(stampOf(root)).mtimeMs >= inputs;
}

/** Compiles src/ into dist/ and stamps it; returns tsc's exit status. */
export function build() {
  // The stamp carries the time the compile started, so a file saved during it counts as newer.
  const started = new Date();
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json")], { stdio: "inherit" });
  if (r.status !== 0) return r.status ?? 1;
  writeFileSync(stampOf(ROOT), `${started.toISOString()}\n`);
  utimesSync(stampOf(ROOT), started, started);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(build());
