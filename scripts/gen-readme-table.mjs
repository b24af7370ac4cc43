#!/usr/bin/env node
// Regenerates the README's supported-operations table from the operations registry (the
// support matrix) and the service model. Run after `npm run build` (`npm run gen` does both);
// test/unit/readme-table.test.ts fails while README.md is out of date. `--check` only reports.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { supportTable, withTable } from "./readme-table.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { OPERATIONS } = await import(join(root, "dist/operations/registry.js"));
const { MODEL_OPERATIONS } = await import(join(root, "dist/protocol/generated/model.js"));

const readmePath = join(root, "README.md");
const readme = readFileSync(readmePath, "utf8");
const next = withTable(readme, supportTable(OPERATIONS, MODEL_OPERATIONS));
if (process.argv.includes("--check")) {
  if (next !== readme) {
    console.error("README.md's operations table is out of date: run `npm run gen`");
    process.exit(1);
  }
} else {
  writeFileSync(readmePath, next);
  console.log("README.md operations table updated");
}
