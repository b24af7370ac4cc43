// SignUp and the cost of password hashing. An expensive hash (N = 2^15 here: expensive as
// production's 2^17 is, at a quarter of its cost) must not be paid for a name that is taken, must not queue without bound, and
// counts against the caller's per-IP allowance. The checks compare one request's latency
// with another's (a hash takes a hundred times longer than the rest of a sign-up), never
// with a fixed figure.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { rawCall, startServer } from "../helpers/server.js";

const EXPENSIVE = { ln: 15, r: 8, p: 1 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function timed(call: Promise<{ status: number; json: Record<string, unknown> | null }>) {
  const t = performance.now();
  const r = await call;
  return { ms: performance.now() - t, type: r.status === 200 ? "ok" : String(r.json?.__type) };
}

const signUp = (url: string, clientId: string, username: string, email = `${username}@example.com`) =>
  rawCall(url, "SignUp", {
    ClientId: clientId,
    Username: username,
    Password: PASSWORD,
    UserAttributes: [{ Name: "email", Value: email }],
  });

describe("SignUp with an expensive password hash", () => {
  it("refuses a taken name before hashing: far faster than a sign-up that hashes", {
    timeout: 120_000,
  }, async () => {
    const s = await startServer({ passwordHashing: EXPENSIVE, passwordHashingConcurrency: 1 });
    try {
      const { clientId } = await makePool(s.sdk);
      // A pool where the email is the sign-in name: there the taken name is an alias.
      const byEmail = await makePool(s.sdk, { UsernameAttributes: ["email"] });
      expect((await signUp(s.url, clientId, "taken")).status).toBe(200);
      expect((await signUp(s.url, byEmail.clientId, "taken@example.com", "taken@example.com")).status).toBe(
        200,
      );

      const fresh: number[] = [];
      const taken: number[] = [];
      const takenEmail: number[] = [];
      for (let i = 0; i < 4; i++) {
        const a = await timed(signUp(s.url, clientId, `fresh${i}`));
        expect(a.type).toBe("ok");
        fresh.push(a.ms);
        const b = await timed(signUp(s.url, clientId, "taken"));
        expect(b.type).toBe("UsernameExistsException");
        taken.push(b.ms);
        const e = await timed(signUp(s.url, byEmail.clientId, "taken@example.com", "taken@example.com"));
        expect(e.type).toBe("UsernameExistsException");
        takenEmail.push(e.ms);
      }
      console.log(
        `signup hashing: median fresh ${median(fresh).toFixed(1)} ms, taken ${median(taken).toFixed(1)} ms, taken email ${median(takenEmail).toFixed(1)} ms`,
      );
      expect(median(taken) * 4).toBeLessThan(median(fresh));
      expect(median(takenEmail) * 4).toBeLessThan(median(fresh));
    } finally {
      await s.close();
    }
  });

  it("answers TooManyRequestsException at once when the hashing queue is full", {
    timeout: 120_000,
  }, async () => {
    const s = await startServer({
      passwordHashing: EXPENSIVE,
      passwordHashingConcurrency: 1,
      passwordHashingMaxQueue: 1,
    });
    try {
      const { clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => timed(signUp(s.url, clientId, `burst${i}`))),
      );
      const ok = results.filter((r) => r.type === "ok");
      const refused = results.filter((r) => r.type === "TooManyRequestsException");
      // One hashing, one waiting; the rest are turned away without waiting for either.
      expect(ok.length + refused.length).toBe(6);
      expect(ok.length).toBeGreaterThanOrEqual(2);
      expect(refused.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...refused.map((r) => r.ms))).toBeLessThan(Math.min(...ok.map((r) => r.ms)));
      // A refused sign-up created nobody: its name is still free.
      const name = `burst${results.findIndex((r) => r.type === "TooManyRequestsException")}`;
      expect((await signUp(s.url, clientId, name)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it("answers TooManyRequestsException when the wait for a hash passes the deadline", {
    timeout: 120_000,
  }, async () => {
    const s = await startServer({
      passwordHashing: EXPENSIVE,
      passwordHashingConcurrency: 1,
      passwordHashingMaxWaitMs: 20,
    });
    try {
      const { clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
      const results = await Promise.all(
        Array.from({ length: 3 }, (_, i) => timed(signUp(s.url, clientId, `late${i}`))),
      );
      const ok = results.filter((r) => r.type === "ok");
      const refused = results.filter((r) => r.type === "TooManyRequestsException");
      expect(ok.length).toBeGreaterThanOrEqual(1);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(ok.length + refused.length).toBe(3);
      expect(Math.max(...refused.map((r) => r.ms))).toBeLessThan(Math.min(...ok.map((r) => r.ms)));
    } finally {
      await s.close();
    }
  });

  it("counts each hash against the caller's per-IP allowance", { timeout: 120_000 }, async () => {
    // A frozen clock: the bucket does not refill during the test. 10 tokens; a sign-up that
    // hashes costs 1 + 4.
    const s = await startServer(
      {
        passwordHashing: EXPENSIVE,
        limits: { ipRequestsPerSecond: 1, ipBurst: 10, ipHashCost: 4 },
      },
      { clock: new ManualClock(Date.now()) },
    );
    try {
      const { clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
      const types: string[] = [];
      for (let i = 0; i < 3; i++) types.push((await timed(signUp(s.url, clientId, `ip${i}`))).type);
      expect(types).toEqual(["ok", "ok", "TooManyRequestsException"]);
      // The allowance is spent for every public operation from this address.
      const other = await rawCall(s.url, "ResendConfirmationCode", { ClientId: clientId, Username: "ip0" });
      expect(other.json?.__type).toBe("TooManyRequestsException");
    } finally {
      await s.close();
    }
  });
});
