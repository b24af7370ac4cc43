// The `cognate` command as users run it: the built bin/cognate.js in a child process.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AdminGetUserCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUsersInGroupCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { computeSecretHash } from "../../src/domain/secretHash.js";
import { ensureBuilt } from "../helpers/child.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { sdkClient } from "../helpers/server.js";

const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/cognate.js");

interface Running {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/** Env for the child: this process's, minus any COGNATE_* setting that would change the test. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("COGNATE_")) env[k] = v;
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...extra };
}

/** Starts `cognate serve …` and waits for the line that names its endpoint. */
async function serve(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [BIN, "serve", ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no endpoint printed in 30 s:\n${out}\n${err}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on("data", check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`cognate exited (${code}) before listening:\n${out}\n${err}`));
    });
  });
  return { child, url, stdout: () => out, stderr: () => err, exited };
}

/** Waits until the child's stdout contains `text` (lines after the first arrive separately). */
async function waitForOutput(app: Running, text: string): Promise<void> {
  const until = Date.now() + 10_000;
  while (!app.stdout().includes(text)) {
    if (Date.now() > until) throw new Error(`"${text}" not printed; got:\n${app.stdout()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `cognate …` to completion. */
function runCli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the cognate command", () => {
  let dir: string;

  beforeAll(() => {
    // The command runs the compiled code: build it (as `npm start` would) unless dist/ is
    // already newer than src/. The shared helper serialises builds between test files, so
    // no other test's child starts from a half-written dist/.
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), "cognate-cli-"));
  }, 180_000);

  afterEach(() => {
    // Anything a failed test left running: stop it by its pid.
    for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGKILL");
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("serve prints its endpoint, answers the API, and exits 0 on SIGTERM; data survives a restart", async () => {
    const db = join(dir, "serve.db");
    const first = await serve(["--port", "0", "--db", db, "--log-level", "warn"]);
    expect(first.stdout()).toMatch(/Cognate dev server listening on http:\/\/127\.0\.0\.1:\d+ \(sqlite /);
    expect(first.stdout()).toContain(`${first.url}/_dev/messages`);
    // The dev console's address, for a browser (docs/console.md).
    await waitForOutput(first, `dev console: ${first.url}/_dev/`);
    const sdk = sdkClient(first.url);
    const pool = await sdk.send(new CreateUserPoolCommand({ PoolName: "from-cli" }));
    sdk.destroy();

    first.child.kill("SIGTERM");
    expect(await first.exited).toEqual({ code: 0, signal: null });
    await waitForOutput(first, "Received SIGTERM, shutting down");
    expect(first.stderr()).toBe("");

    const second = await serve(["--port", "0", "--db", db, "--log-level", "warn"]);
    const sdk2 = sdkClient(second.url);
    const again = await sdk2.send(new DescribeUserPoolCommand({ UserPoolId: pool.UserPool?.Id }));
    sdk2.destroy();
    expect(again.UserPool?.Name).toBe("from-cli");
    second.child.kill("SIGINT");
    expect(await second.exited).toEqual({ code: 0, signal: null });
    await waitForOutput(second, "Received SIGINT, shutting down");
  });

  it("--mode bogus exits 2 with a message naming `mode`", () => {
    const r = runCli(["serve", "--port", "0", "--db", ":memory:", "--mode", "bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cognate: /);
    expect(r.stderr).toMatch(/\bmode\b/);
    expect(r.stdout).not.toContain("listening");
  });

  it("other bad settings exit 2 with a message naming them", () => {
    const port = runCli(["serve", "--port", "abc", "--db", ":memory:"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain("--port");
    const flag = runCli(["serve", "--no-such-flag"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--no-such-flag");
    const env = runCli(["serve", "--port", "0", "--db", ":memory:"], { COGNATE_MODE: "sometimes" });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/\bmode\b/);
    const missing = runCli(["serve", "--port", "0", "--config", join(dir, "nope.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.yaml");
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "seed: [unclosed\n");
    const parse = runCli(["serve", "--port", "0", "--db", ":memory:", "--config", broken]);
    expect(parse.code).toBe(2);
    expect(parse.stderr).toContain("cannot parse config file");
    const command = runCli(["frobnicate"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "frobnicate"');
  });

  it("a port in use stops start-up with a non-zero exit and the reason", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = runCli(["serve", "--port", String(port), "--db", ":memory:", "--log-level", "silent"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("EADDRINUSE");
      expect(r.stdout).not.toContain("listening");
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("help prints the usage and exits 0", () => {
    for (const args of [["help"], ["--help"], ["serve", "--help"]]) {
      const r = runCli(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toContain("Usage: cognate");
      expect(r.stdout).toContain("--port");
    }
  });

  it("seeds a pool and a client with fixed ids and secret from a YAML config file", async () => {
    const config = join(dir, "cognate.yaml");
    const secret = "averylongsecretvaluewithtwentyfourplus";
    writeFileSync(
      config,
      [
        "logLevel: warn",
        "seed:",
        "  pools:",
        "    - Id: us-east-1_TestPool1",
        "      PoolName: seeded",
        "      AutoVerifiedAttributes: [email]",
        "      Clients:",
        "        - ClientId: testclient1",
        "          ClientName: web",
        "        - ClientId: testclient2",
        "          ClientName: backend",
        `          ClientSecret: ${secret}`,
        "",
      ].join("\n"),
    );
    const db = join(dir, "seeded.db");
    for (let round = 0; round < 2; round++) {
      // The second start finds the seeded pool in the database and keeps it as configured.
      const app = await serve(["--port", "0", "--db", db, "--config", config]);
      await waitForOutput(app, "seeded pool us-east-1_TestPool1 (seeded): clients testclient1, testclient2");
      const sdk = sdkClient(app.url);
      const pool = await sdk.send(new DescribeUserPoolCommand({ UserPoolId: "us-east-1_TestPool1" }));
      expect(pool.UserPool?.Name).toBe("seeded");
      expect(pool.UserPool?.AutoVerifiedAttributes).toEqual(["email"]);
      const backend = await sdk.send(
        new DescribeUserPoolClientCommand({ UserPoolId: "us-east-1_TestPool1", ClientId: "testclient2" }),
      );
      expect(backend.UserPoolClient?.ClientSecret).toBe(secret);
      const web = await sdk.send(
        new DescribeUserPoolClientCommand({ UserPoolId: "us-east-1_TestPool1", ClientId: "testclient1" }),
      );
      expect(web.UserPoolClient?.ClientSecret).toBeUndefined();
      // The fixed secret works for SecretHash.
      const username = `user${round}`;
      const up = await sdk.send(
        new SignUpCommand({
          ClientId: "testclient2",
          Username: username,
          Password: PASSWORD,
          SecretHash: computeSecretHash(secret, username, "testclient2"),
          UserAttributes: [{ Name: "email", Value: `${username}@example.com` }],
        }),
      );
      expect(up.UserConfirmed).toBe(false);
      sdk.destroy();
      app.child.kill("SIGTERM");
      expect((await app.exited).code).toBe(0);
    }
    // The secret is not printed.
    const app = await serve(["--port", "0", "--db", db, "--config", config]);
    await waitForOutput(app, "seeded pool");
    expect(app.stdout()).not.toContain(secret);
    app.child.kill("SIGTERM");
    await app.exited;
  });

  // Nine CLI processes, each a Node start-up: 120 s for a loaded machine.
  it("users create and groups create/add-user make fixtures on the store, through the operations", {
    timeout: 120_000,
  }, async () => {
    const db = join(dir, "fixtures.db");
    const app = await serve(["--port", "0", "--db", db]);
    let sdk = sdkClient(app.url);
    const pool = await sdk.send(new CreateUserPoolCommand({ PoolName: "fixtures" }));
    const poolId = pool.UserPool?.Id ?? "";
    const cli = (args: string[]) => runCli([...args, "--db", db]);
    let r = cli(["groups", "create", "--pool", poolId, "--group", "admins", "--precedence", "1"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    r = cli([
      "users",
      "create",
      "--pool",
      poolId,
      "--username",
      "ops",
      "--password",
      "Ops-Passw0rd!",
      "--attribute",
      "email=ops@example.com",
      "--group",
      "admins",
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`Created ops in ${poolId} (CONFIRMED, in admins).\n`);
    r = cli([
      "users",
      "create",
      "--pool",
      poolId,
      "--username",
      "tmp",
      "--temporary-password",
      "Tmp-Passw0rd!",
    ]);
    expect(r.code).toBe(0);
    r = cli(["groups", "add-user", "--pool", poolId, "--group", "admins", "--username", "tmp"]);
    expect(r.stdout).toBe(`Added tmp to admins in ${poolId}.\n`);
    // The operations' refusals, as the API names them.
    r = cli(["users", "create", "--pool", poolId, "--username", "weak", "--password", "weak"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "cognate: InvalidPasswordException: Password did not conform with policy: Password not long enough\n",
    );
    r = cli(["users", "create", "--pool", poolId, "--username", "ops", "--password", "Ops-Passw0rd!"]);
    expect(r.stderr).toBe("cognate: UsernameExistsException: User account already exists\n");
    r = cli(["groups", "add-user", "--pool", poolId, "--group", "nope", "--username", "ops"]);
    expect(r.stderr).toBe("cognate: ResourceNotFoundException: Group not found.\n");
    r = cli(["users", "create", "--pool", poolId, "--username", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--password");

    // The running server sees them (a new client: the CLI runs blocked this process long
    // enough for the server to close the first one's idle connection).
    sdk.destroy();
    sdk = sdkClient(app.url);
    const ops = await sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "ops" }));
    expect(ops.UserStatus).toBe("CONFIRMED");
    expect(ops.UserAttributes).toContainEqual({ Name: "email", Value: "ops@example.com" });
    const tmp = await sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "tmp" }));
    expect(tmp.UserStatus).toBe("FORCE_CHANGE_PASSWORD");
    const members = await sdk.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: "admins" }));
    expect(members.Users?.map((u) => u.Username)).toEqual(["ops", "tmp"]);
    sdk.destroy();
    app.child.kill("SIGTERM");
    await app.exited;
  });

  it("--mode production turns the dev inbox off", async () => {
    const secretFile = join(dir, "production.key");
    writeFileSync(secretFile, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
    const app = await serve([
      "--port",
      "0",
      "--db",
      ":memory:",
      "--mode",
      "production",
      "--server-secret-file",
      secretFile,
      "--log-level",
      "warn",
    ]);
    expect(app.stdout()).toMatch(/Cognate production server listening on/);
    const r = await fetch(`${app.url}/_dev/messages`);
    expect(r.status).toBe(404);
    expect((await fetch(`${app.url}/_dev/`)).status).toBe(404);
    // By now the whole banner is out (the delivery line comes last).
    await waitForOutput(app, "delivery:");
    expect(app.stdout()).not.toContain("_dev/");
    expect(app.stdout()).not.toContain("dev console");
    app.child.kill("SIGTERM");
    expect((await app.exited).code).toBe(0);
  });
});
