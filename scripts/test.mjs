#!/usr/bin/env node
// `npm test`: the whole suite on SQLite, then — when COGNATE_TEST_POSTGRES_URL names a
// PostgreSQL server (`.ci/run` starts a throwaway one) — the end-to-end suite again with
// every test server on a fresh PostgreSQL database (the store contract runs on both
// engines in the first pass). Without the variable the PostgreSQL part is skipped, and we
// say so. Extra arguments go to vitest (e.g. `npm test -- test/e2e/smoke.test.ts`).
import { spawnSync } from "node:child_process";

const extra = process.argv.slice(2);
const pg = process.env.COGNATE_TEST_POSTGRES_URL;
const run = (label, args, env = {}) => {
  console.log(`\n== ${label}`);
  const r = spawnSync("npx", ["vitest", "run", ...args], {
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  return r.status ?? 1;
};

let status = run(pg ? "tests (SQLite; store contract on SQLite and PostgreSQL)" : "tests (SQLite)", extra, {
  COGNATE_TEST_BACKEND: "sqlite",
});
if (pg) {
  const e2e = extra.length ? extra : ["test/e2e"];
  status = run("end-to-end tests on PostgreSQL", e2e, { COGNATE_TEST_BACKEND: "postgres" }) || status;
} else {
  console.log(
    "\nnote: the PostgreSQL suite was skipped: set COGNATE_TEST_POSTGRES_URL=postgres://user@127.0.0.1:5432/postgres\n" +
      "      (a role allowed to create databases) to run the store contract and the end-to-end tests on PostgreSQL too.",
  );
}
process.exit(status);
