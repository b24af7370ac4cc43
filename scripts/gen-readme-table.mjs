#!/usr/bin/env node
// Regenerates the README's supported-operations table from the operations registry (the
// support matrix) and the service model. Run after `npm run build`; a test checks the
// README is up to date.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { OPERATIONS } = await import(join(root, "dist/operations/registry.js"));
const { MODEL_OPERATIONS } = await import(join(root, "dist/protocol/generated/model.js"));

export function supportTable(ops, model) {
  const names = ops.map((o) => o.name);
  const rows = names.map(
    (n) => `| \`${n}\` | ${model[n].auth === "none" ? "none (public)" : "SigV4 (admin)"} |`,
  );
  const total = Object.keys(model).length;
  return [
    `Cognate implements ${names.length} of the ${total} operations in the \`cognito-idp\` model. Every other`,
    "operation answers `InvalidParameterException` (HTTP 400) naming it as not supported yet.",
    "",
    "| Operation | Authentication |",
    "| --- | --- |",
    ...rows,
  ].join("\n");
}

const readmePath = join(root, "README.md");
const readme = readFileSync(readmePath, "utf8");
const start = "<!-- operations:start -->";
const end = "<!-- operations:end -->";
const i = readme.indexOf(start);
const j = readme.indexOf(end);
if (i < 0 || j < i) throw new Error("README.md has no operations markers");
const next = `${readme.slice(0, i + start.length)}\n${supportTable(OPERATIONS, MODEL_OPERATIONS)}\n${readme.slice(j)}`;
if (process.argv.includes("--check")) {
  if (next !== readme) {
    console.error("README.md's operations table is out of date: run `npm run gen`");
    process.exit(1);
  }
} else {
  writeFileSync(readmePath, next);
  console.log("README.md operations table updated");
}
