// ConfirmSignUp, AdminConfirmSignUp and the codes behind them.
import { createHmac } from "node:crypto";
import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  type ConfirmSignUpCommandInput,
  ListUsersCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const HOUR = 3600_000;

describe("ConfirmSignUp and AdminConfirmSignUp", () => {
  let s: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 6, 1));
  beforeAll(async () => {
    s = await startServer({ configCacheSeconds: 0, limits: { codeMaxFailedAttempts: 20 } }, { clock });
  });
  afterAll(() => s.close());

  const signUp = async (
    clientId: string,
    username: string,
    attrs: Record<string, string> = { email: `${username}@example.com` },
  ) => {
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
  };
  const confirm = (
    input: Partial<ConfirmSignUpCommandInput> & {
      ClientId: string;
      Username: string;
      ConfirmationCode: string;
    },
  ) => s.sdk.send(new ConfirmSignUpCommand(input));
  const wrong = (code: string) => (code === "000000" ? "111111" : "000000");

  it("confirms with the right code, verifies the delivered attribute, and only once", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "ann");
    const code = await s.inbox.code("ann", poolId);
    await expectError(
      confirm({ ClientId: clientId, Username: "ann", ConfirmationCode: wrong(code) }),
      "CodeMismatchException",
      "Invalid verification code provided, please try again.",
    );
    const r = await confirm({ ClientId: clientId, Username: "ann", ConfirmationCode: code });
    expect(Object.keys(r).filter((k) => k !== "$metadata")).toEqual([]);
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "ann" }));
    expect(u.UserStatus).toBe("CONFIRMED");
    expect(u.UserAttributes).toContainEqual({ Name: "email_verified", Value: "true" });
    await expectError(
      confirm({ ClientId: clientId, Username: "ann", ConfirmationCode: code }),
      "NotAuthorizedException",
      "User cannot be confirmed. Current status is CONFIRMED",
    );
    const listed = await s.sdk.send(
      new ListUsersCommand({ UserPoolId: poolId, Filter: 'cognito:user_status = "CONFIRMED"' }),
    );
    expect(listed.Users?.map((x) => x.Username)).toEqual(["ann"]);
  });

  it("verifies phone_number when the code went by SMS", async () => {
    const { poolId, clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: ["phone_number", "email"] });
    await signUp(clientId, "phil", { phone_number: "+14155550199", email: "phil@example.com" });
    await confirm({
      ClientId: clientId,
      Username: "phil",
      ConfirmationCode: await s.inbox.code("phil", poolId),
    });
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "phil" }));
    expect(u.UserAttributes).toContainEqual({ Name: "phone_number_verified", Value: "true" });
    expect(u.UserAttributes).toContainEqual({ Name: "email_verified", Value: "false" });
  });

  it("expires codes after 24 hours", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "late");
    const code = await s.inbox.code("late", poolId);
    clock.advance(24 * HOUR + 1);
    await expectError(
      confirm({ ClientId: clientId, Username: "late", ConfirmationCode: code }),
      "ExpiredCodeException",
      "Invalid code provided, please request a code again.",
    );
    await s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "late" }));
    await confirm({
      ClientId: clientId,
      Username: "late",
      ConfirmationCode: await s.inbox.code("late", poolId),
    });
  });

  it("ExpiredCodeException when no code was ever issued", async () => {
    const { clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    await signUp(clientId, "nocode");
    await expectError(
      confirm({ ClientId: clientId, Username: "nocode", ConfirmationCode: "123456" }),
      "ExpiredCodeException",
    );
  });

  it("limits ConfirmSignUp to 15 calls per user per hour", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "guesser");
    const code = await s.inbox.code("guesser", poolId);
    for (let i = 0; i < 15; i++) {
      await expectError(
        confirm({ ClientId: clientId, Username: "guesser", ConfirmationCode: wrong(code) }),
        "CodeMismatchException",
      );
    }
    await expectError(
      confirm({ ClientId: clientId, Username: "guesser", ConfirmationCode: code }),
      "LimitExceededException",
      "Attempt limit exceeded, please try after some time.",
    );
    clock.advance(HOUR);
    await confirm({ ClientId: clientId, Username: "guesser", ConfirmationCode: code });
  });

  it("locks a code after too many wrong guesses (TooManyFailedAttemptsException)", async () => {
    const t = await startServer({ limits: { codeMaxFailedAttempts: 3 } });
    try {
      const { poolId, clientId } = await makePool(t.sdk);
      await t.sdk.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: "lock",
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: "l@example.com" }],
        }),
      );
      const code = await t.inbox.code("lock", poolId);
      for (let i = 0; i < 3; i++) {
        await expectError(
          t.sdk.send(
            new ConfirmSignUpCommand({ ClientId: clientId, Username: "lock", ConfirmationCode: wrong(code) }),
          ),
          "CodeMismatchException",
        );
      }
      await expectError(
        t.sdk.send(
          new ConfirmSignUpCommand({ ClientId: clientId, Username: "lock", ConfirmationCode: code }),
        ),
        "TooManyFailedAttemptsException",
      );
      // A new code starts afresh.
      await t.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "lock" }));
      await t.sdk.send(
        new ConfirmSignUpCommand({
          ClientId: clientId,
          Username: "lock",
          ConfirmationCode: await t.inbox.code("lock", poolId),
        }),
      );
    } finally {
      await t.close();
    }
  });

  it("enforces SecretHash", async () => {
    const { poolId, clientId, clientSecret } = await makePool(s.sdk, {}, { GenerateSecret: true });
    const hash = (u: string) =>
      createHmac("sha256", clientSecret ?? "")
        .update(u + clientId)
        .digest("base64");
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "sec",
        Password: PASSWORD,
        SecretHash: hash("sec"),
        UserAttributes: [{ Name: "email", Value: "s@example.com" }],
      }),
    );
    const code = await s.inbox.code("sec", poolId);
    await expectError(
      confirm({ ClientId: clientId, Username: "sec", ConfirmationCode: code }),
      "NotAuthorizedException",
      `Client ${clientId} is configured for secret but secret was not received`,
    );
    await expectError(
      confirm({ ClientId: clientId, Username: "sec", ConfirmationCode: code, SecretHash: hash("x") }),
      "NotAuthorizedException",
      `Unable to verify secret hash for client ${clientId}`,
    );
    await confirm({ ClientId: clientId, Username: "sec", ConfirmationCode: code, SecretHash: hash("sec") });
  });

  it("UserNotFoundException for an unknown user (LEGACY)", async () => {
    const { clientId } = await makePool(s.sdk);
    await expectError(
      confirm({ ClientId: clientId, Username: "nope", ConfirmationCode: "123456" }),
      "UserNotFoundException",
      "Username/client id combination not found.",
    );
  });

  it("AliasExistsException unless ForceAliasCreation, which moves the alias", async () => {
    const { poolId, clientId } = await makePool(s.sdk, { AliasAttributes: ["email"] });
    await signUp(clientId, "first", { email: "shared@example.com" });
    await confirm({
      ClientId: clientId,
      Username: "first",
      ConfirmationCode: await s.inbox.code("first", poolId),
    });
    // Now the email is first's alias.
    const byAlias = await s.sdk.send(
      new AdminGetUserCommand({ UserPoolId: poolId, Username: "shared@example.com" }),
    );
    expect(byAlias.Username).toBe("first");
    await signUp(clientId, "second", { email: "shared@example.com" });
    const code = await s.inbox.code("second", poolId);
    await expectError(
      confirm({ ClientId: clientId, Username: "second", ConfirmationCode: code }),
      "AliasExistsException",
      "An account with the email already exists.",
    );
    // Nothing changed: second is still unconfirmed and the same code works with the force flag.
    await confirm({
      ClientId: clientId,
      Username: "second",
      ConfirmationCode: code,
      ForceAliasCreation: true,
    });
    const moved = await s.sdk.send(
      new AdminGetUserCommand({ UserPoolId: poolId, Username: "shared@example.com" }),
    );
    expect(moved.Username).toBe("second");
    const old = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "first" }));
    expect(old.UserAttributes).toContainEqual({ Name: "email_verified", Value: "false" });
  });

  it("AdminConfirmSignUp confirms without a code and does not verify attributes", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "adm");
    await s.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "adm" }));
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "adm" }));
    expect(u.UserStatus).toBe("CONFIRMED");
    expect(u.UserAttributes).toContainEqual({ Name: "email_verified", Value: "false" });
    await expectError(
      s.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "adm" })),
      "NotAuthorizedException",
      "User cannot be confirmed. Current status is CONFIRMED",
    );
    await expectError(
      s.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "ghost" })),
      "UserNotFoundException",
      "User does not exist.",
    );
    await expectError(
      s.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: "us-east-1_doesnotexist", Username: "adm" })),
      "ResourceNotFoundException",
      "User pool us-east-1_doesnotexist does not exist.",
    );
  });

  it("of concurrent confirmations with the right code, exactly one succeeds", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "race");
    const code = await s.inbox.code("race", poolId);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        confirm({ ClientId: clientId, Username: "race", ConfirmationCode: code }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok.length).toBe(1);
    for (const f of failed) expect((f.reason as Error).name).toBe("NotAuthorizedException");
  });

  it("concurrent resends leave exactly one valid code: the last one sent", async () => {
    const t = await startServer({ limits: { resendPerUser: 100 } });
    try {
      const { poolId, clientId } = await makePool(t.sdk);
      await t.sdk.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: "multi",
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: "m@example.com" }],
        }),
      );
      await Promise.all(
        Array.from({ length: 8 }, () =>
          t.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "multi" })),
        ),
      );
      const codes = (await t.inbox.list({ username: "multi", userPoolId: poolId })).map((m) => m.code ?? "");
      expect(codes.length).toBe(9);
      const latest = codes.at(-1) ?? "";
      for (const old of new Set(codes.slice(0, -1))) {
        if (old === latest) continue;
        await expectError(
          t.sdk.send(
            new ConfirmSignUpCommand({ ClientId: clientId, Username: "multi", ConfirmationCode: old }),
          ),
          "ExpiredCodeException",
        );
      }
      await t.sdk.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: "multi", ConfirmationCode: latest }),
      );
    } finally {
      await t.close();
    }
  });

  it("stores codes only as HMACs", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "hm");
    const code = await s.inbox.code("hm", poolId);
    const rows = await s.query("SELECT * FROM codes WHERE pool_id = ?", [poolId]);
    expect(rows.length).toBe(1);
    expect(String(rows[0]?.code_hmac)).toMatch(/^[\w-]{43}$/);
    for (const v of Object.values(rows[0] ?? {})) expect(String(v)).not.toContain(code);
  });
});
