#!/usr/bin/env node
// Writes the benchmark tables of docs/benchmarks.md and README.md from the JSON that
// `npm run bench` leaves in bench-results/latest.json (bench.mjs runs this after a run), so
// the documents never show figures the JSON does not hold. `--check` only reports, and exits
// 1 when a document is out of date; test/unit/bench-table.test.ts makes the same check.
//
//   node scripts/gen-bench-table.mjs [--json bench-results/latest.json] [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchSummary, benchTable, DOCS_MARKERS, README_MARKERS, replaceBetween } from "./bench-table.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    json: { type: "string", default: join(root, "bench-results", "latest.json") },
    check: { type: "boolean", default: false },
  },
});

const result = JSON.parse(readFileSync(args.json, "utf8"));
const targets = [
  { path: join(root, "docs", "benchmarks.md"), markers: DOCS_MARKERS, text: benchTable(result) },
  { path: join(root, "README.md"), markers: README_MARKERS, text: benchSummary(result) },
];
let stale = 0;
for (const t of targets) {
  const name = t.path.slice(root.length + 1);
  const doc = readFileSync(t.path, "utf8");
  const next = replaceBetween(doc, t.markers, t.text, name);
  if (next === doc) continue;
  if (args.check) {
    console.error(
      `${name}: the benchmark table differs from ${args.json}: run node scripts/gen-bench-table.mjs`,
    );
    stale++;
  } else {
    writeFileSync(t.path, next);
    console.log(`${name}: benchmark table updated`);
  }
}
process.exit(stale ? 1 : 0);
