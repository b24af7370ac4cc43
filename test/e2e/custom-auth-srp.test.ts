// SRP inside CUSTOM_AUTH (docs/custom-auth.md, "Starting with SRP"): InitiateAuth with
// CHALLENGE_NAME SRP_A → Define sees [SRP_A] and answers PASSWORD_VERIFIER → Cognate's own
// PASSWORD_VERIFIER challenge (with a Session) → the proof → Define sees [SRP_A,
// PASSWORD_VERIFIER] → CUSTOM_CHALLENGE → tokens. Through the AWS SDK v3 with the client
// math of every real client (test/helpers/srp.ts), and through amazon-cognito-identity-js:
// `authenticateUser` with CUSTOM_AUTH (SRP first) and `initiateAuth` (no password), both
// answering with `sendCustomChallengeAnswer`.
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CUSTOM_TRIGGERS,
  customAnswer,
  customAuthTriggers,
  customPool,
  customSrpStart,
  privateWord,
} from "../helpers/customAuth.js";
import { expectError } from "../helpers/expect.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { clearTriggerCalls, triggerCalls } from "../helpers/lambdaServers.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser } from "../helpers/signin.js";
import { srpAnswer, srpSignIn } from "../helpers/srp.js";

const INCORRECT = "Incorrect username or password.";
const sessionOf = (name: string, i = 0) =>
  (triggerCalls(name)[i]?.event as { request: { session: unknown[] } } | undefined)?.request.session;

describe("SRP inside CUSTOM_AUTH", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    s = await startServer({ configCacheSeconds: 0, triggers: customAuthTriggers() });
    ({ poolId, clientId } = await customPool(s.sdk, CUSTOM_TRIGGERS));
    for (const u of ["sara", "seth", "sian"]) await confirmedUser(s.sdk, { poolId, clientId, username: u });
  });
  afterAll(() => s?.close());
  beforeEach(() => clearTriggerCalls());

  const target = () => ({ sdk: s.sdk, poolId, clientId });

  it("SRP_A → PASSWORD_VERIFIER (Define, not Create) → the proof → CUSTOM_CHALLENGE → tokens", async () => {
    const started = await customSrpStart(s.sdk, clientId, "sara");
    const c = started.challenge;
    expect(c.ChallengeName).toBe("PASSWORD_VERIFIER");
    expect(Object.keys(c.ChallengeParameters ?? {}).sort()).toEqual([
      "SALT",
      "SECRET_BLOCK",
      "SRP_B",
      "USERNAME",
      "USER_ID_FOR_SRP",
    ]);
    expect(c.ChallengeParameters?.USER_ID_FOR_SRP).toBe("sara");
    // The custom loop travels in a Session, which identity-js and Amplify send back.
    expect(c.Session).toBeTruthy();
    expect(triggerCalls().map((x) => x.name)).toEqual(["define"]);
    expect(sessionOf("define")).toEqual([
      { challengeName: "SRP_A", challengeResult: true, challengeMetadata: null },
    ]);

    clearTriggerCalls();
    const custom = await srpAnswer(target(), started, {
      session: c.Session ?? "",
      clientMetadata: { step: "pv" },
    });
    expect(custom.ChallengeName).toBe("CUSTOM_CHALLENGE");
    expect(custom.ChallengeParameters).toEqual({ hint: "the word of round 1", round: "1", USERNAME: "sara" });
    expect(triggerCalls().map((x) => x.name)).toEqual(["define", "create"]);
    expect(sessionOf("define")).toEqual([
      { challengeName: "SRP_A", challengeResult: true, challengeMetadata: null },
      { challengeName: "PASSWORD_VERIFIER", challengeResult: true, challengeMetadata: null },
    ]);
    expect(triggerCalls("define")[0]?.event).toMatchObject({ request: { clientMetadata: { step: "pv" } } });

    const done = await customAnswer(s.sdk, clientId, custom.Session, {
      USERNAME: "sara",
      ANSWER: privateWord(1, "sara@example.com"),
    });
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
    const rows = await s.query(
      "SELECT event_type, event_response FROM auth_events WHERE pool_id = ? AND username = ? AND event_type NOT LIKE '%SignUp' ORDER BY id",
      [poolId, "sara"],
    );
    expect(rows.map((x) => `${x.event_type}:${x.event_response}`)).toEqual([
      "RespondToAuthChallenge.PASSWORD_VERIFIER:Pass",
      "RespondToAuthChallenge.CUSTOM_CHALLENGE:Pass",
      "SignIn:Pass",
    ]);
  });

  it("a wrong password fails the sign-in as USER_SRP_AUTH does, and counts toward the lock-out", async () => {
    const started = await customSrpStart(s.sdk, clientId, "seth");
    clearTriggerCalls();
    await expectError(
      srpAnswer(target(), started, { session: started.challenge.Session ?? "", password: "Wr0ng-Horse!" }),
      "NotAuthorizedException",
      INCORRECT,
    );
    // Define is not asked again after a failed proof.
    expect(triggerCalls("define")).toHaveLength(0);
    const fails = await s.query("SELECT failures FROM sign_in_failures WHERE pool_id = ? AND username = ?", [
      poolId,
      "seth",
    ]);
    expect(Number(fails[0]?.failures)).toBe(1);
  });

  it("the custom SECRET_BLOCK needs its Session, and is no USER_SRP_AUTH block", async () => {
    const started = await customSrpStart(s.sdk, clientId, "sian");
    // Without the Session the loop cannot go on.
    await expectError(
      srpAnswer(target(), started),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
    // USER_SRP_AUTH on the same client is not affected by the custom flow's blocks.
    const plain = await srpSignIn(target(), "sian");
    expect(plain.AuthenticationResult?.AccessToken).toBeTruthy();
    // The custom block itself, once used with its Session, is spent.
    const again = await customSrpStart(s.sdk, clientId, "sian");
    const ok = await srpAnswer(target(), again, { session: again.challenge.Session ?? "" });
    expect(ok.ChallengeName).toBe("CUSTOM_CHALLENGE");
    await expectError(
      srpAnswer(target(), again, { session: again.challenge.Session ?? "" }),
      "NotAuthorizedException",
      INCORRECT,
    );
  });

  describe("amazon-cognito-identity-js", () => {
    const pool = () => new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });

    /** Drives a sign-in, answering each custom challenge with `answers` in turn. */
    function signIn(
      start: (user: CognitoUser, callbacks: Parameters<CognitoUser["authenticateUser"]>[1]) => void,
      username: string,
      answers: string[],
    ) {
      const user = new CognitoUser({ Username: username, Pool: pool() });
      const challenges: Record<string, string>[] = [];
      return new Promise<{ session: CognitoUserSession; challenges: Record<string, string>[] }>(
        (res, rej) => {
          const callbacks = {
            onSuccess: (session: CognitoUserSession) => res({ session, challenges }),
            onFailure: rej,
            customChallenge(parameters: Record<string, string>) {
              challenges.push(parameters);
              const next = answers.shift();
              if (next === undefined) rej(new Error("no answer left"));
              else user.sendCustomChallengeAnswer(next, callbacks);
            },
          };
          start(user, callbacks);
        },
      );
    }

    it("authenticateUser with CUSTOM_AUTH: the password by SRP, then customChallenge → sendCustomChallengeAnswer", async () => {
      const r = await signIn(
        (user, cb) => {
          user.setAuthenticationFlowType("CUSTOM_AUTH");
          user.authenticateUser(new AuthenticationDetails({ Username: "sara", Password: PASSWORD }), cb);
        },
        "sara",
        ["not it", privateWord(2, "sara@example.com")],
      );
      expect(r.challenges.map((c) => c.round)).toEqual(["1", "2"]);
      expect(r.challenges[0]).toEqual({ hint: "the word of round 1", round: "1", USERNAME: "sara" });
      expect(r.session.getIdToken().payload["cognito:username"]).toBe("sara");
      expect(sessionOf("define")).toEqual([
        { challengeName: "SRP_A", challengeResult: true, challengeMetadata: null },
      ]);
    });

    it("authenticateUser with CUSTOM_AUTH and a wrong password: onFailure, Cognito's words", async () => {
      await expect(
        signIn(
          (user, cb) => {
            user.setAuthenticationFlowType("CUSTOM_AUTH");
            user.authenticateUser(new AuthenticationDetails({ Username: "sara", Password: "Wr0ng!" }), cb);
          },
          "sara",
          [],
        ),
      ).rejects.toMatchObject({ code: "NotAuthorizedException", message: INCORRECT });
    });

    it("initiateAuth (no password): customChallenge → sendCustomChallengeAnswer; three wrong answers fail", async () => {
      const ok = await signIn(
        (user, cb) => user.initiateAuth(new AuthenticationDetails({ Username: "sian" }), cb),
        "sian",
        [privateWord(1, "sian@example.com")],
      );
      expect(ok.session.isValid()).toBe(true);
      expect(sessionOf("define")).toEqual([]);
      await expect(
        signIn((user, cb) => user.initiateAuth(new AuthenticationDetails({ Username: "sian" }), cb), "sian", [
          "a",
          "b",
          "c",
        ]),
      ).rejects.toMatchObject({ code: "NotAuthorizedException", message: INCORRECT });
    });
  });
});
