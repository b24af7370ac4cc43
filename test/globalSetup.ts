// Runs once, in vitest's main process, before any test file starts: compiles src/ into dist/
// when dist/ is missing or older than the sources (scripts/build.mjs's stamp), for the tests
// that run the real `cognate` command or load compiled workers (test/helpers/child.ts).
//
// Building here, before the workers start, keeps the compile out of every test's and hook's
// time limit and away from tests running in parallel: on a clean clone, a test file that had
// to compile dist/ itself did so while the other worker ran heavy tests, and the compile
// (13 s on an idle 2-core machine) could outlast the hook or test that waited for it.
import { build, isCurrent } from "../scripts/build.mjs";

/** The file filters of this run (`npm test -- test/unit/x.test.ts`), if any. */
function filters(): string[] {
  return process.argv.slice(2).filter((a) => !a.startsWith("-") && a !== "run" && a !== "vitest");
}

export default function setup(): void {
  if (isCurrent()) return;
  // A run of unit tests alone needs no compiled server.
  const f = filters();
  if (f.length > 0 && f.every((p) => p.includes("test/unit"))) return;
  console.log("globalSetup: src/ is newer than dist/; compiling it for the child-process tests…");
  // tsc emits dist/ even when the tree has type errors (the typecheck reports those); the
  // child-process tests then fail on their own if what they need is missing.
  if (build() !== 0) console.warn("globalSetup: tsc reported errors; dist/ was emitted without a stamp");
}
