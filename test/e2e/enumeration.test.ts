// PreventUserExistenceErrors: ENABLED must not let a caller tell which usernames exist:
// ResendConfirmationCode answers an unknown user and a real unconfirmed one with the same
// status and body shape, and in about the same time; ConfirmSignUp answers an unknown user
// as it answers a real one's wrong code, in about the same time.
//
// Timing method (robust on a loaded 2-core machine): warm up, then many samples taken in
// strictly alternating order, which kind goes first alternating too (so load spikes hit both
// kinds alike), compare medians. Tolerance: the medians differ by less than 20% of the
// larger one.
import { CreateUserPoolClientCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { rawCall, startServer, type TestServer } from "../helpers/server.js";

const USERS = 24;
const WARMUP = 20;
const SAMPLES = 300;
const TOLERANCE = 0.2;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function shape(v: unknown): unknown {
  if (v === null || typeof v !== "object") return typeof v;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, x]) => [k, shape(x)]),
  );
}

describe("PreventUserExistenceErrors: ENABLED — no user enumeration through ResendConfirmationCode", () => {
  let s: TestServer;
  let clientId: string;
  let poolId: string;

  beforeAll(async () => {
    // Enough resends and confirmations per user for every sample; the limits themselves are
    // the same for both paths.
    s = await startServer({
      limits: { resendPerUser: 1000, confirmPerUser: 1000, codeMaxFailedAttempts: 1000 },
    });
    const made = await makePool(s.sdk, { AutoVerifiedAttributes: ["email"] });
    const c = await s.sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: made.poolId,
        ClientName: "protected",
        PreventUserExistenceErrors: "ENABLED",
      }),
    );
    clientId = c.UserPoolClient?.ClientId ?? "";
    poolId = made.poolId;
    for (let i = 0; i < USERS; i++) {
      await s.sdk.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: `member${i}`,
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: `member${i}@example.com` }],
        }),
      );
    }
  }, 120_000);
  afterAll(() => s?.close());

  const resend = (username: string) =>
    rawCall(s.url, "ResendConfirmationCode", { ClientId: clientId, Username: username });

  it("answers unknown and unconfirmed users with the same status and body shape", async () => {
    const known = await resend("member0");
    const unknown = await resend("nobody-at-all");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(shape(unknown.json)).toEqual(shape(known.json));
    const masked = /^[a-z0-9]\*\*\*@[a-z0-9]\*\*\*$/;
    const k = (known.json as { CodeDeliveryDetails: Record<string, string> }).CodeDeliveryDetails;
    const u = (unknown.json as { CodeDeliveryDetails: Record<string, string> }).CodeDeliveryDetails;
    expect(k.Destination).toMatch(masked);
    expect(u.Destination).toMatch(masked);
    expect([u.DeliveryMedium, u.AttributeName]).toEqual([k.DeliveryMedium, k.AttributeName]);
    // Same headers a client could look at (apart from ids and lengths).
    expect(unknown.headers.get("content-type")).toBe(known.headers.get("content-type"));
    expect(unknown.headers.get("x-amzn-errortype")).toBeNull();
    // The same unknown name gets the same answer every time (no tell-tale randomness).
    expect((await resend("nobody-at-all")).json).toEqual(unknown.json);
  });

  /**
   * Times `real(i)` and `unknown(i)` calls in alternating order and compares their medians.
   * Each call must answer `expected` (a status, or an error type).
   */
  async function compareTimes(
    label: string,
    expected: string,
    real: (i: number) => Promise<{ status: number; json: Record<string, unknown> | null }>,
    unknown: (i: number) => Promise<{ status: number; json: Record<string, unknown> | null }>,
  ): Promise<number> {
    const times = { real: [] as number[], unknown: [] as number[] };
    const time = async (kind: "real" | "unknown", i: number, keep: boolean): Promise<void> => {
      const t = performance.now();
      const r = await (kind === "real" ? real(i) : unknown(i));
      const ms = performance.now() - t;
      expect(r.status === 200 ? "200" : String(r.json?.__type)).toBe(expected);
      if (keep) times[kind].push(ms);
    };
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      // Alternate which kind goes first, so neither always follows the other's background work.
      const pair = i % 2 === 0 ? (["real", "unknown"] as const) : (["unknown", "real"] as const);
      for (const kind of pair) await time(kind, i, i >= WARMUP);
    }
    const mReal = median(times.real);
    const mUnknown = median(times.unknown);
    const gap = Math.abs(mReal - mUnknown) / Math.max(mReal, mUnknown);
    console.log(
      `enumeration timing, ${label}: ${SAMPLES} samples each; median real ${mReal.toFixed(3)} ms, unknown ${mUnknown.toFixed(3)} ms, gap ${(gap * 100).toFixed(1)}%`,
    );
    return gap;
  }

  it(`ResendConfirmationCode takes the same time: medians differ by less than ${TOLERANCE * 100}%`, {
    timeout: 180_000,
  }, async () => {
    const gap = await compareTimes(
      "ResendConfirmationCode",
      "200",
      (i) => resend(`member${i % USERS}`),
      (i) => resend(`ghost-${i}`),
    );
    expect(gap).toBeLessThan(TOLERANCE);
  });

  it(`ConfirmSignUp takes the same time: medians differ by less than ${TOLERANCE * 100}%`, {
    timeout: 180_000,
  }, async () => {
    // A code each member does not have, so that every real call is a wrong guess.
    const wrong: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const code = await s.inbox.code(`member${i}`, poolId);
      wrong.push(code === "000000" ? "111111" : "000000");
    }
    const confirm = (username: string, code: string) =>
      rawCall(s.url, "ConfirmSignUp", { ClientId: clientId, Username: username, ConfirmationCode: code });
    const gap = await compareTimes(
      "ConfirmSignUp",
      "CodeMismatchException",
      (i) => confirm(`member${i % USERS}`, wrong[i % USERS] ?? "000000"),
      (i) => confirm(`ghost-confirm-${i}`, "000000"),
    );
    expect(gap).toBeLessThan(TOLERANCE);
  });
});
