// PreventUserExistenceErrors: ENABLED must not let a caller tell which usernames exist:
// ResendConfirmationCode answers an unknown user and a real unconfirmed one with the same
// status and body shape, and in about the same time.
//
// Timing method (robust on a loaded 2-core machine): warm up, then many samples taken in
// strictly alternating order (so load spikes hit both kinds alike), compare medians.
// Tolerance: the medians differ by less than 20% of the larger one.
import { CreateUserPoolClientCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { rawCall, startServer, type TestServer } from "../helpers/server.js";

const USERS = 24;
const WARMUP = 20;
const SAMPLES = 240;
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

  beforeAll(async () => {
    // Enough resends per user for every sample; the limit itself is the same for both paths.
    s = await startServer({ limits: { resendPerUser: 1000 } });
    const made = await makePool(s.sdk, { AutoVerifiedAttributes: ["email"] });
    const c = await s.sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: made.poolId,
        ClientName: "protected",
        PreventUserExistenceErrors: "ENABLED",
      }),
    );
    clientId = c.UserPoolClient?.ClientId ?? "";
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

  it(`takes the same time: medians differ by less than ${TOLERANCE * 100}%`, {
    timeout: 180_000,
  }, async () => {
    const real: number[] = [];
    const fake: number[] = [];
    const time = async (username: string): Promise<number> => {
      const t = performance.now();
      const r = await resend(username);
      const ms = performance.now() - t;
      expect(r.status).toBe(200);
      return ms;
    };
    for (let i = 0; i < WARMUP; i++) {
      await time(`member${i % USERS}`);
      await time(`ghost-warm-${i}`);
    }
    for (let i = 0; i < SAMPLES; i++) {
      // Alternate which kind goes first, so neither always follows the other's background work.
      const pair = i % 2 === 0 ? ["real", "fake"] : ["fake", "real"];
      for (const kind of pair) {
        if (kind === "real") real.push(await time(`member${i % USERS}`));
        else fake.push(await time(`ghost-${i}`));
      }
    }
    const mReal = median(real);
    const mFake = median(fake);
    const gap = Math.abs(mReal - mFake) / Math.max(mReal, mFake);
    console.log(
      `enumeration timing: ${SAMPLES} samples each; median unconfirmed ${mReal.toFixed(3)} ms, unknown ${mFake.toFixed(3)} ms, gap ${(gap * 100).toFixed(1)}%`,
    );
    expect(gap).toBeLessThan(TOLERANCE);
  });
});
