#!/usr/bin/env node
// `npm test`: the whole suite. The PostgreSQL part runs when COGNATE_TEST_POSTGRES_URL names
// a server (`.ci/run` starts a throwaway one); otherwise it is skipped and we say so.
import { spawnSync } from "node:child_process";

const pg = process.env.COGNATE_TEST_POSTGRES_URL;
if (!pg) {
  console.log(
    "note: PostgreSQL tests are skipped: set COGNATE_TEST_POSTGRES_URL=postgres://user@127.0.0.1:5432/db to run them (.ci/run does).",
  );
}
const r = spawnSync("npx", ["vitest", "run", ...process.argv.slice(2)], { stdio: "inherit" });
if (!pg) {
  console.log("note: the PostgreSQL suite was skipped (COGNATE_TEST_POSTGRES_URL not set).");
}
process.exit(r.status ?? 1);
