// The real `cognate` command as a child process (bin/cognate.js over the compiled dist/), for
// tests that need a process to kill, signal or restart: crash safety, graceful shutdown, the
// `keys` verbs.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { build, isCurrent } from "../../scripts/build.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/cognate.js");
const run = promisify(execFile);

/**
 * Compiles src/ into dist/ when dist/ is missing or older than the sources (the stamp of
 * scripts/build.mjs, written only once a compile has finished), so a child runs the code under
 * test. The suite's global set-up (test/globalSetup.ts) has normally built it already; this
 * covers sources edited during a run. Test files may run in parallel: a lock directory
 * serialises builds, and freshness is judged by the stamp, never by a file a compile in
 * progress may already have written.
 */
let built = false;
export function ensureBuilt(): void {
  // Once per test process: other edits to src/ during the run need not rebuild again.
  if (built) return;
  built = true;
  if (isCurrent()) return;
  const lock = join(ROOT, "node_modules/.cognate-build-lock");
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error("timed out waiting for another test's build");
      execFileSync("sleep", ["0.2"]);
    }
  }
  try {
    if (isCurrent()) return;
    // tsc emits even with type errors elsewhere in the tree; the entry point must exist.
    build();
    if (!existsSync(join(ROOT, "dist/cli/main.js")))
      throw new Error("npm run build produced no dist/cli/main.js");
  } finally {
    rmdirSync(lock);
  }
}

export interface ChildServer {
  proc: ChildProcess;
  url: string;
  /** Everything the process wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `cognate serve …` and waits for its "listening on" line. */
export async function startChild(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 20_000,
): Promise<ChildServer> {
  ensureBuilt();
  const proc = spawn(process.execPath, [BIN, "serve", "--host", "127.0.0.1", "--port", "0", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout?.setEncoding("utf8");
  proc.stderr?.setEncoding("utf8");
  proc.stdout?.on("data", (d: string) => {
    out += d;
  });
  proc.stderr?.on("data", (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.once("exit", (code, signal) => res({ code, signal })),
  );
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`child did not start in time:\n${out}\n${err}`)), timeoutMs);
    const check = () => {
      const m = /listening on (https?:\/\/[^\s]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        proc.stdout?.off("data", check);
        res(m[1]);
      }
    };
    proc.stdout?.on("data", check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`child exited (${code ?? signal}) before listening:\n${out}\n${err}`));
    });
    check();
  });
  return {
    proc,
    url,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: (signal = "SIGTERM") => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
}

/** Runs `cognate <args>` to completion (e.g. the `keys` verbs). */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  ensureBuilt();
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === "number" ? x.code : 1, stdout: x.stdout ?? "", stderr: x.stderr ?? "" };
  }
}
