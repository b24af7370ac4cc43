// PreventUserExistenceErrors: ENABLED in the password-reset flow. ForgotPassword answers an
// unknown, a disabled and an unverified user as it answers a real one (the same status and
// body shape, nothing sent), and in about the same time; ConfirmForgotPassword answers an
// unknown user as a real user's wrong code, in about the same time.
//
// Timing method as test/e2e/enumeration.test.ts: warm up, then many samples in strictly
// alternating order (which kind goes first alternating too), compare medians; the medians
// differ by less than 20% of the larger one.
import {
  AdminDisableUserCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
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

type Answer = { status: number; json: Record<string, unknown> | null };

describe("PreventUserExistenceErrors: ENABLED — no user enumeration through the password reset", () => {
  let s: TestServer;
  let clientId: string;
  let poolId: string;

  beforeAll(async () => {
    // Enough calls per user for every sample; the limits are the same for both paths.
    s = await startServer({
      limits: {
        forgotPasswordPerUser: 1000,
        confirmForgotPasswordPerUser: 1000,
        codeMaxFailedAttempts: 1000,
      },
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
    const signUp = (Username: string) =>
      s.sdk.send(
        new SignUpCommand({
          ClientId: clientId,
          Username,
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: `${Username}@example.com` }],
        }),
      );
    for (let i = 0; i < USERS; i++) {
      await signUp(`member${i}`);
      const code = await s.inbox.code(`member${i}`, poolId);
      await s.sdk.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: `member${i}`, ConfirmationCode: code }),
      );
    }
    // One disabled user, one whose email was never verified.
    await signUp("gone");
    await s.sdk.send(
      new ConfirmSignUpCommand({
        ClientId: clientId,
        Username: "gone",
        ConfirmationCode: await s.inbox.code("gone", poolId),
      }),
    );
    await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "gone" }));
    await signUp("unverified");
  }, 180_000);
  afterAll(() => s?.close());

  const forgot = (username: string) =>
    rawCall(s.url, "ForgotPassword", { ClientId: clientId, Username: username });

  it("answers unknown, disabled and unverified users as a real one, and sends them nothing", async () => {
    const before = (await s.inbox.list({ userPoolId: poolId })).length;
    const known = await forgot("member0");
    expect(known.status).toBe(200);
    const sentForKnown = (await s.inbox.list({ userPoolId: poolId })).length;
    expect(sentForKnown).toBe(before + 1);
    const masked = /^[a-z0-9]\*\*\*@[a-z0-9]\*\*\*$/;
    const k = (known.json as { CodeDeliveryDetails: Record<string, string> }).CodeDeliveryDetails;
    expect(k).toEqual({ Destination: "m***@e***", DeliveryMedium: "EMAIL", AttributeName: "email" });
    for (const name of ["nobody-at-all", "gone", "unverified", "someone@example.org"]) {
      const other = await forgot(name);
      expect(other.status, name).toBe(200);
      expect(shape(other.json), name).toEqual(shape(known.json));
      const o = (other.json as { CodeDeliveryDetails: Record<string, string> }).CodeDeliveryDetails;
      expect(o.Destination, name).toMatch(masked);
      expect([o.DeliveryMedium, o.AttributeName], name).toEqual(["EMAIL", "email"]);
      expect(other.headers.get("x-amzn-errortype"), name).toBeNull();
      expect(other.headers.get("content-type"), name).toBe(known.headers.get("content-type"));
      // The same name gets the same answer every time.
      expect((await forgot(name)).json, name).toEqual(other.json);
    }
    // An email-shaped name is masked as a real address would be.
    const email = await forgot("someone@example.org");
    expect(
      (email.json as { CodeDeliveryDetails: Record<string, string> }).CodeDeliveryDetails.Destination,
    ).toBe("s***@e***");
    // Nothing was sent for any of them.
    expect((await s.inbox.list({ userPoolId: poolId })).length).toBe(sentForKnown);
    // ConfirmForgotPassword: an unknown or disabled user's answer is a wrong code's.
    for (const name of ["nobody-at-all", "gone"]) {
      const r = await rawCall(s.url, "ConfirmForgotPassword", {
        ClientId: clientId,
        Username: name,
        ConfirmationCode: "123456",
        Password: "N3w-Passw0rd!",
      });
      expect([r.status, r.json]).toEqual([
        400,
        { __type: "CodeMismatchException", message: "Invalid verification code provided, please try again." },
      ]);
    }
  });

  /** Times `real(i)` and `unknown(i)` in alternating order; compares their medians. */
  async function compareTimes(
    label: string,
    expected: string,
    real: (i: number) => Promise<Answer>,
    unknown: (i: number) => Promise<Answer>,
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

  it(`ForgotPassword takes the same time: medians differ by less than ${TOLERANCE * 100}%`, {
    timeout: 240_000,
  }, async () => {
    const gap = await compareTimes(
      "ForgotPassword",
      "200",
      (i) => forgot(`member${i % USERS}`),
      (i) => forgot(`ghost-${i}`),
    );
    expect(gap).toBeLessThan(TOLERANCE);
  });

  it(`ConfirmForgotPassword takes the same time: medians differ by less than ${TOLERANCE * 100}%`, {
    timeout: 240_000,
  }, async () => {
    // A code each member does not have, so that every real call is a wrong guess.
    const wrong: string[] = [];
    for (let i = 0; i < USERS; i++) {
      await forgot(`member${i}`);
      const code = await s.inbox.code(`member${i}`, poolId);
      wrong.push(code === "000000" ? "111111" : "000000");
    }
    const confirm = (username: string, code: string) =>
      rawCall(s.url, "ConfirmForgotPassword", {
        ClientId: clientId,
        Username: username,
        ConfirmationCode: code,
        Password: "N3w-Passw0rd!",
      });
    const gap = await compareTimes(
      "ConfirmForgotPassword",
      "CodeMismatchException",
      (i) => confirm(`member${i % USERS}`, wrong[i % USERS] ?? "000000"),
      (i) => confirm(`ghost-confirm-${i}`, "000000"),
    );
    expect(gap).toBeLessThan(TOLERANCE);
  });
});
