// SRP's exponentiations on worker threads (src/adapters/cpu/srpPool.ts): the pool answers
// exactly what the same math answers inline, a worker that dies fails its own jobs instead of
// leaving them hanging, and a real `cognate serve` process (which uses the pool) signs users
// up and in over USER_SRP_AUTH. The pool needs the compiled worker, so this runs over dist/.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  AdminGetUserCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cryptoRandom } from "../../src/domain/ids.js";
import { fromBytes } from "../../src/domain/srp/group.js";
import { serverChallengeWith } from "../../src/domain/srp/server.js";
import { computeVerifier, createVerifier, userIdentity } from "../../src/domain/srp/verifier.js";
import type { SrpMath } from "../../src/ports/srpMath.js";
import { type ChildServer, ensureBuilt, startChild } from "../helpers/child.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { rawCall, sdkClient, startServer } from "../helpers/server.js";
import { confirmedUser, makeClient } from "../helpers/signin.js";
import { srpSignIn, srpStart } from "../helpers/srp.js";

const ROOT = resolve(import.meta.dirname, "../..");

type PoolModule = {
  SrpWorkerPool: new (size: number, url: URL) => SrpMath;
  srpMathFor: (workers?: number) => SrpMath;
};

async function compiledPool(): Promise<PoolModule> {
  return (await import(pathToFileURL(join(ROOT, "dist/adapters/cpu/srpPool.js")).href)) as PoolModule;
}

// Compiling dist/ (when the sources are newer) takes longer than one test may.
beforeAll(() => ensureBuilt(), 180_000);

describe("the SRP worker pool", () => {
  const dir = mkdtempSync(join(tmpdir(), "cognate-srp-workers-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("answers what the inline math answers, for jobs spread over two workers", async () => {
    const { SrpWorkerPool } = await compiledPool();
    const pool = new SrpWorkerPool(2, pathToFileURL(join(ROOT, "dist/adapters/cpu/srpWorker.js")));
    try {
      const id = userIdentity("us-east-1_Workers", "alice");
      const salts = Array.from({ length: 8 }, () => fromBytes(cryptoRandom.bytes(16)) + 1n);
      const fromPool = await Promise.all(salts.map((salt, i) => pool.verifier(salt, id, `${PASSWORD}${i}`)));
      fromPool.forEach((v, i) => {
        expect(v).toBe(computeVerifier(salts[i] ?? 0n, id, `${PASSWORD}${i}`));
      });

      const stored = createVerifier(cryptoRandom, id, PASSWORD);
      const srpA = (fromBytes(cryptoRandom.bytes(384)) + 2n).toString(16);
      const b = fromBytes(cryptoRandom.bytes(32)) + 1n;
      const got = await pool.challenge(b, stored, srpA);
      const want = serverChallengeWith(b, stored, srpA);
      expect(got.kind).toBe("ok");
      expect(want.kind).toBe("ok");
      if (got.kind === "ok" && want.kind === "ok") {
        expect(got.srpB).toBe(want.srpB);
        expect(Buffer.compare(got.key, want.key)).toBe(0);
      }
      // A refusal travels back as the same outcome.
      expect(await pool.challenge(b, stored, "0")).toEqual({ kind: "invalid-a" });
    } finally {
      await pool.close();
    }
  });

  it("fails the jobs of a worker that dies, and does not hang on the next ones", async () => {
    const { SrpWorkerPool } = await compiledPool();
    const dying = join(dir, "dying-worker.mjs");
    writeFileSync(
      dying,
      'import { parentPort } from "node:worker_threads";\nparentPort.on("message", () => process.exit(3));\n',
    );
    const pool = new SrpWorkerPool(1, pathToFileURL(dying));
    try {
      const id = userIdentity("us-east-1_Workers", "bob");
      await expect(pool.verifier(5n, id, PASSWORD)).rejects.toThrow(/exited with code 3/);
      // The dead worker is replaced by a new one (which dies the same way here).
      await expect(pool.verifier(7n, id, PASSWORD)).rejects.toThrow(/exited with code 3/);
    } finally {
      await pool.close();
    }
  });

  it("a worker that dies mid-request: the API answers InternalErrorException, stores nothing, and goes on", async () => {
    const { SrpWorkerPool } = await compiledPool();
    const dying = join(dir, "dying-worker-wire.mjs");
    writeFileSync(
      dying,
      'import { parentPort } from "node:worker_threads";\nparentPort.on("message", () => process.exit(3));\n',
    );
    // A real server whose SRP jobs go to a pool of workers that die on their first job.
    const s = await startServer({}, { srpMath: new SrpWorkerPool(1, pathToFileURL(dying)) });
    try {
      const { poolId } = await makePool(s.sdk);
      const { clientId } = await makeClient(s.sdk, poolId);
      const res = await rawCall(s.url, "SignUp", {
        ClientId: clientId,
        Username: "dora",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "dora@example.com" }],
      });
      expect(res.status).toBe(500);
      expect(res.json).toEqual({ __type: "InternalErrorException", message: "Internal server error." });
      await expect(
        s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "dora" })),
      ).rejects.toMatchObject({ name: "UserNotFoundException" });
      // The server goes on answering (and a replaced worker dies the same way: no hang).
      expect((await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool?.Id).toBe(
        poolId,
      );
      expect(
        (await rawCall(s.url, "SignUp", { ClientId: clientId, Username: "dora", Password: PASSWORD })).status,
      ).toBe(500);
    } finally {
      await s.close();
    }
  });

  it("runs jobs inline when asked for no workers", async () => {
    const { srpMathFor, SrpWorkerPool } = await compiledPool();
    expect(srpMathFor(0)).not.toBeInstanceOf(SrpWorkerPool);
    expect(srpMathFor(1)).toBeInstanceOf(SrpWorkerPool);
  });
});

describe("cognate serve with the pool", () => {
  let child: ChildServer;
  const dir = mkdtempSync(join(tmpdir(), "cognate-srp-serve-"));
  beforeAll(async () => {
    child = await startChild(["--db", join(dir, "cognate.db")]);
  }, 60_000);
  afterAll(async () => {
    child.kill();
    await child.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it("signs users up and in over USER_SRP_AUTH, and refuses a wrong password", async () => {
    const sdk = sdkClient(child.url);
    const p = await sdk.send(new CreateUserPoolCommand({ PoolName: "workers" }));
    const poolId = p.UserPool?.Id ?? "";
    const { clientId } = await makeClient(sdk, poolId);
    const t = { sdk, poolId, clientId };
    const names = ["ann", "ben", "cat", "dan"];
    await Promise.all(names.map((username) => confirmedUser(sdk, { poolId, clientId, username })));
    const results = await Promise.all(names.map((username) => srpSignIn(t, username)));
    for (const r of results) expect(r.AuthenticationResult?.AccessToken).toMatch(/^ey/);
    await expect(srpSignIn(t, "ann", { password: `${PASSWORD}x` })).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
    // The challenge itself: five parameters, SRP_B a hex integer.
    const started = await srpStart(t, "ben");
    expect(started.challenge.ChallengeParameters?.SRP_B).toMatch(/^[0-9a-f]+$/);
  });
});
