// What stands around every sign-in's credential check (docs/signin-challenges.md, "Lock-out", "Triggers",
// "Auth events"), through the AWS SDK v3 against a real server on an injected clock: the
// lock-out after repeated failures (password flow and SRP count alike), PreAuthentication and
// PostAuthentication with their events and failures, and an auth event per attempt with no
// password or SRP value stored.
import { InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { clearTriggerCalls, triggerCalls } from "../helpers/lambdaServers.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, makeClient, passwordSignIn } from "../helpers/signin.js";
import { srpAnswer, srpSignIn, srpStart } from "../helpers/srp.js";

const INCORRECT = "Incorrect username or password.";
const LOCKED = "Password attempts exceeded";
const WRONG = "Wr0ng-Horse-Battery!";
const FUNCTIONS = ["preAuth", "postAuth", "preAuthGarbage"];
const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

describe("sign-in guards", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    const functions: Record<string, string> = {};
    for (const f of FUNCTIONS) functions[arn(f)] = `module:test/fixtures/triggers/auth.mjs#${f}`;
    s = await startServer(
      { configCacheSeconds: 0, triggers: { functions, baseDir: process.cwd() } },
      { clock },
    );
    ({ poolId } = await makePool(s.sdk));
    ({ clientId } = await makeClient(s.sdk, poolId));
  });
  afterAll(() => s?.close());
  beforeEach(() => clearTriggerCalls());

  describe("lock-out", () => {
    it("five failures are free; then 2^(n-5) s locks that refuse even the right password, uncounted", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "lou" });
      for (let i = 0; i < 5; i++) {
        await expectError(passwordSignIn(s.sdk, clientId, "lou", WRONG), "NotAuthorizedException", INCORRECT);
      }
      // Locked for 1 s after the fifth failure: the right password too, and SRP.
      await expectError(passwordSignIn(s.sdk, clientId, "lou"), "NotAuthorizedException", LOCKED);
      await expectError(srpStart({ sdk: s.sdk, poolId, clientId }, "lou"), "NotAuthorizedException", LOCKED);
      clock.advance(1_100);
      // The sixth failure locks for 2 s; attempts refused by the lock do not count.
      await expectError(passwordSignIn(s.sdk, clientId, "lou", WRONG), "NotAuthorizedException", INCORRECT);
      await expectError(passwordSignIn(s.sdk, clientId, "lou"), "NotAuthorizedException", LOCKED);
      clock.advance(1_500);
      await expectError(passwordSignIn(s.sdk, clientId, "lou"), "NotAuthorizedException", LOCKED);
      clock.advance(600);
      expect((await passwordSignIn(s.sdk, clientId, "lou")).AuthenticationResult?.AccessToken).toBeTruthy();
      // A success resets the count: five free failures again.
      for (let i = 0; i < 5; i++) {
        await expectError(passwordSignIn(s.sdk, clientId, "lou", WRONG), "NotAuthorizedException", INCORRECT);
      }
      await expectError(passwordSignIn(s.sdk, clientId, "lou"), "NotAuthorizedException", LOCKED);
      // Fifteen quiet minutes reset it too.
      clock.advance(15 * 60_000);
      await expectError(passwordSignIn(s.sdk, clientId, "lou", WRONG), "NotAuthorizedException", INCORRECT);
      expect((await passwordSignIn(s.sdk, clientId, "lou")).AuthenticationResult?.AccessToken).toBeTruthy();
    });

    it("wrong SRP proofs count like wrong passwords; the lock holds at the answer too", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "sid" });
      const t = { sdk: s.sdk, poolId, clientId };
      // A challenge taken before the lock, answered after it.
      const pending = await srpStart(t, "sid");
      for (let i = 0; i < 3; i++) {
        await expectError(srpSignIn(t, "sid", { password: WRONG }), "NotAuthorizedException", INCORRECT);
      }
      for (let i = 0; i < 2; i++) {
        await expectError(passwordSignIn(s.sdk, clientId, "sid", WRONG), "NotAuthorizedException", INCORRECT);
      }
      await expectError(srpAnswer(t, pending), "NotAuthorizedException", LOCKED);
      await expectError(srpStart(t, "sid"), "NotAuthorizedException", LOCKED);
      clock.advance(1_100);
      expect((await srpSignIn(t, "sid")).AuthenticationResult?.AccessToken).toBeTruthy();
    });

    it("the count is kept in the store (every node reads it), and nothing secret is stored with the attempts", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "tom" });
      await expectError(passwordSignIn(s.sdk, clientId, "tom", WRONG), "NotAuthorizedException", INCORRECT);
      const started = await srpStart({ sdk: s.sdk, poolId, clientId }, "tom");
      await expectError(
        srpAnswer({ sdk: s.sdk, poolId, clientId }, started, { password: WRONG }),
        "NotAuthorizedException",
        INCORRECT,
      );
      const rows = await s.query(
        "SELECT failures, last_failure_at FROM sign_in_failures WHERE username = ?",
        ["tom"],
      );
      expect(rows.map((r) => Number(r.failures))).toEqual([2]);
      expect(Number(rows[0]?.last_failure_at)).toBe(clock.now());
      const events = await s.app.deps.store.read.events.listForUser(poolId, "tom", 10);
      // (Equal times on the injected clock: compared without their order.)
      expect(events.filter((e) => e.eventType === "SignIn").map((e) => e.eventResponse)).toEqual([
        "Fail",
        "Fail",
      ]);
      const ok = await srpSignIn({ sdk: s.sdk, poolId, clientId }, "tom");
      expect(await s.query("SELECT * FROM sign_in_failures WHERE username = ?", ["tom"])).toEqual([]);
      const p = started.challenge.ChallengeParameters ?? {};
      const dump = await s.dumpTables();
      for (const secret of [
        PASSWORD,
        WRONG,
        started.start.srpA,
        p.SRP_B ?? "",
        p.SECRET_BLOCK ?? "",
        ok.AuthenticationResult?.AccessToken ?? "",
      ]) {
        expect(secret.length).toBeGreaterThan(8);
        expect(dump.includes(secret)).toBe(false);
      }
    });
  });

  describe("PreAuthentication and PostAuthentication", () => {
    let tp: { poolId: string; clientId: string };
    beforeAll(async () => {
      const p = await makePool(s.sdk, {
        LambdaConfig: { PreAuthentication: arn("preAuth"), PostAuthentication: arn("postAuth") },
      });
      const c = await makeClient(s.sdk, p.poolId);
      tp = { poolId: p.poolId, clientId: c.clientId };
      await confirmedUser(s.sdk, { ...tp, username: "pat" });
    });

    it("both run on a successful SRP sign-in with Cognito's events; ClientMetadata goes where the model says", async () => {
      const t = { sdk: s.sdk, ...tp };
      const started = await srpStart(t, "pat");
      await srpAnswer(t, started, { clientMetadata: { from: "respond" } });
      const pre = triggerCalls("preAuth");
      const post = triggerCalls("postAuth");
      expect(pre).toHaveLength(1);
      expect(post).toHaveLength(1);
      expect(pre[0]?.event).toMatchObject({
        version: "1",
        triggerSource: "PreAuthentication_Authentication",
        userPoolId: tp.poolId,
        userName: "pat",
        callerContext: { clientId: tp.clientId },
        request: { userAttributes: { email: "pat@example.com", "cognito:user_status": "CONFIRMED" } },
      });
      expect(post[0]?.event).toMatchObject({
        triggerSource: "PostAuthentication_Authentication",
        userName: "pat",
        request: { newDeviceUsed: false, clientMetadata: { from: "respond" } },
      });
    });

    it("InitiateAuth's ClientMetadata is PreAuthentication's validationData and never PostAuthentication's", async () => {
      await s.sdk.send(
        new InitiateAuthCommand({
          ClientId: tp.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: "pat", PASSWORD },
          ClientMetadata: { from: "initiate" },
        }),
      );
      expect(triggerCalls("preAuth")[0]?.event).toMatchObject({
        request: { validationData: { from: "initiate" } },
      });
      const post = triggerCalls("postAuth")[0]?.event as { request: Record<string, unknown> };
      expect(post.request.clientMetadata).toBeUndefined();
    });

    it("a PreAuthentication function that throws denies the sign-in (password and SRP), before any password check", async () => {
      const deny = { ClientMetadata: { deny: "yes" } };
      await expectError(
        s.sdk.send(
          new InitiateAuthCommand({
            ClientId: tp.clientId,
            AuthFlow: "USER_PASSWORD_AUTH",
            AuthParameters: { USERNAME: "pat", PASSWORD: WRONG },
            ...deny,
          }),
        ),
        "UserLambdaValidationException",
        "PreAuthentication failed with error Sign-in is closed today.",
      );
      await expectError(
        s.sdk.send(
          new InitiateAuthCommand({
            ClientId: tp.clientId,
            AuthFlow: "USER_SRP_AUTH",
            AuthParameters: { USERNAME: "pat", SRP_A: "abcdef" },
            ...deny,
          }),
        ),
        "UserLambdaValidationException",
        "PreAuthentication failed with error Sign-in is closed today.",
      );
      expect(triggerCalls("postAuth")).toHaveLength(0);
    });

    it("a PostAuthentication function that throws aborts the sign-in: no tokens", async () => {
      const t = { sdk: s.sdk, ...tp };
      const outcomes = async () =>
        (await s.app.deps.store.read.events.listForUser(tp.poolId, "pat", 100)).map((e) => e.eventResponse);
      const before = await outcomes();
      await expectError(
        srpSignIn(t, "pat", { clientMetadata: { failPost: "yes" } }),
        "UserLambdaValidationException",
        "PostAuthentication failed with error Audit log unavailable.",
      );
      const after = await outcomes();
      expect(after.filter((o) => o === "Pass")).toHaveLength(before.filter((o) => o === "Pass").length);
      expect(after.filter((o) => o === "Fail")).toHaveLength(before.filter((o) => o === "Fail").length + 1);
    });

    it("PreventUserExistenceErrors: PreAuthentication sees unknown names with userNotFound", async () => {
      const c = await makeClient(s.sdk, tp.poolId, { PreventUserExistenceErrors: "ENABLED" });
      const started = await srpStart({ sdk: s.sdk, poolId: tp.poolId, clientId: c.clientId }, "ghost");
      expect(started.challenge.ChallengeName).toBe("PASSWORD_VERIFIER");
      expect(triggerCalls("preAuth")[0]?.event).toMatchObject({
        userName: "ghost",
        request: { userNotFound: true, userAttributes: {} },
      });
    });

    it("a function answering garbage: InvalidLambdaResponseException", async () => {
      const p = await makePool(s.sdk, { LambdaConfig: { PreAuthentication: arn("preAuthGarbage") } });
      const c = await makeClient(s.sdk, p.poolId);
      await confirmedUser(s.sdk, { poolId: p.poolId, clientId: c.clientId, username: "gus" });
      await expectError(passwordSignIn(s.sdk, c.clientId, "gus"), "InvalidLambdaResponseException");
    });
  });
});
