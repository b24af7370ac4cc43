#!/usr/bin/env node
// `npm test`: the whole suite on SQLite, then — when COGNATE_TEST_POSTGRES_URL names a
// PostgreSQL server (`.ci/run` starts a throwaway one) — the end-to-end suite again with
// every test server on a fresh PostgreSQL database (the store contract runs on both
// engines in the first pass). Without the variable the PostgreSQL part is skipped, and we
// say so. Extra arguments go to vitest (e.g. `npm test -- test/e2e/smoke.test.ts`).
//
// Each pass also writes vitest's JSON report to a temporary file, and the last lines printed
// are a summary of both passes naming every failed test with the start of its error: a CI
// log that keeps only its tail still says what failed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const extra = process.argv.slice(2);
const pg = process.env.COGNATE_TEST_POSTGRES_URL;
const reports = mkdtempSync(join(tmpdir(), "cognate-test-"));
const ownReporter = extra.some((a) => a.startsWith("--reporter"));
const passes = [];

const run = (label, args, env = {}) => {
  console.log(`\n== ${label}`);
  const json = join(reports, `${passes.length}.json`);
  const reporting = ownReporter ? [] : ["--reporter=default", "--reporter=json", `--outputFile.json=${json}`];
  const r = spawnSync("npx", ["vitest", "run", ...reporting, ...args], {
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  const status = r.status ?? 1;
  passes.push({ label, status, json: ownReporter ? null : json });
  return status;
};

/** The first lines of an error, without ANSI colours: enough to name the failure. */
const head = (text, lines = 6) =>
  String(text)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.includes("node_modules") && !l.includes("(<anonymous>)"))
    .slice(0, lines)
    .map((l) => `      ${l}`)
    .join("\n");

const summarize = () => {
  console.log("\n== summary");
  for (const p of passes) {
    let report = null;
    try {
      report = p.json ? JSON.parse(readFileSync(p.json, "utf8")) : null;
    } catch {
      report = null;
    }
    if (!report) {
      console.log(`${p.label}: exit ${p.status} (no JSON report)`);
      continue;
    }
    const files = report.testResults ?? [];
    console.log(
      `${p.label}: exit ${p.status}; tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ` +
        `${report.numPendingTests + report.numTodoTests} skipped; files: ${files.filter((f) => f.status === "failed").length} of ${files.length} failed`,
    );
    if (p.status !== 0 && report.numFailedTests === 0 && files.every((f) => f.status !== "failed")) {
      console.log(
        "  no test failed: vitest reported an error outside the tests (search the log for 'Unhandled')",
      );
    }
    for (const file of files) {
      const name = relative(process.cwd(), file.name);
      const failed = (file.assertionResults ?? []).filter((t) => t.status === "failed");
      if (file.status === "failed" && failed.length === 0) {
        console.log(`  FAILED ${name}\n${head(file.message || "(the file failed outside its tests)")}`);
      }
      for (const t of failed) {
        console.log(`  FAILED ${name} > ${t.fullName}\n${head((t.failureMessages ?? []).join("\n"))}`);
      }
    }
  }
};

let status = run(pg ? "tests (SQLite; store contract on SQLite and PostgreSQL)" : "tests (SQLite)", extra, {
  COGNATE_TEST_BACKEND: "sqlite",
});
if (pg) {
  const e2e = extra.length ? extra : ["test/e2e"];
  status = run("end-to-end tests on PostgreSQL", e2e, { COGNATE_TEST_BACKEND: "postgres" }) || status;
}
summarize();
if (!pg) {
  console.log(
    "\nnote: the PostgreSQL suite was skipped: set COGNATE_TEST_POSTGRES_URL=postgres://user@127.0.0.1:5432/postgres\n" +
      "      (a role allowed to create databases) to run the store contract and the end-to-end tests on PostgreSQL too.",
  );
}
rmSync(reports, { recursive: true, force: true });
process.exit(status);
