// CUSTOM_AUTH through Amplify v6 (aws-amplify/auth), configured only with `userPoolEndpoint`
// as in test/e2e/signin-amplify.test.ts: signIn with authFlowType CUSTOM_WITHOUT_SRP and
// CUSTOM_WITH_SRP → nextStep CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE (additionalInfo = the
// public parameters) → confirmSignIn({challengeResponse}) → signed in (docs/custom-auth.md).
import { Amplify } from "aws-amplify";
import { confirmSignIn, fetchAuthSession, signIn, signOut } from "aws-amplify/auth";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CUSTOM_TRIGGERS, customAuthTriggers, customPool, privateWord } from "../helpers/customAuth.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { clearTriggerCalls, triggerCalls } from "../helpers/lambdaServers.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser } from "../helpers/signin.js";

const CUSTOM_STEP = "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE";

describe("Amplify v6 custom sign-in", () => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startServer({ configCacheSeconds: 0, triggers: customAuthTriggers() });
    const { poolId, clientId } = await customPool(s.sdk, CUSTOM_TRIGGERS);
    for (const u of ["ava", "abe"]) await confirmedUser(s.sdk, { poolId, clientId, username: u });
    Amplify.configure({
      Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: s.url } },
    });
  });
  afterAll(() => s?.close());
  beforeEach(() => clearTriggerCalls());
  afterEach(async () => {
    await signOut().catch(() => undefined);
  });

  const defineSessions = () =>
    triggerCalls("define").map(
      (c) => (c.event as { request: { session: { challengeName: string }[] } }).request.session,
    );

  it("CUSTOM_WITHOUT_SRP: a wrong answer, then the right one", async () => {
    const r = await signIn({ username: "ava", options: { authFlowType: "CUSTOM_WITHOUT_SRP" } });
    expect(r).toEqual({
      isSignedIn: false,
      nextStep: {
        signInStep: CUSTOM_STEP,
        additionalInfo: { hint: "the word of round 1", round: "1", USERNAME: "ava" },
      },
    });
    const wrong = await confirmSignIn({ challengeResponse: "no idea" });
    expect(wrong.nextStep).toMatchObject({ signInStep: CUSTOM_STEP, additionalInfo: { round: "2" } });
    const done = await confirmSignIn({
      challengeResponse: privateWord(2, "ava@example.com"),
      options: { clientMetadata: { app: "amplify" } },
    });
    expect(done).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    const session = await fetchAuthSession();
    expect(session.tokens?.idToken?.payload["cognito:username"]).toBe("ava");
    // Amplify sent the answer's ClientMetadata along: the functions got it.
    const verify = triggerCalls("verify").at(-1)?.event as { request: { clientMetadata?: object } };
    expect(verify.request.clientMetadata).toEqual({ app: "amplify" });
    expect(defineSessions()[0]).toEqual([]);
  });

  it("CUSTOM_WITH_SRP: the password first (PASSWORD_VERIFIER inside the flow), then the custom challenge", async () => {
    const r = await signIn({
      username: "abe",
      password: PASSWORD,
      options: { authFlowType: "CUSTOM_WITH_SRP" },
    });
    expect(r.nextStep).toEqual({
      signInStep: CUSTOM_STEP,
      additionalInfo: { hint: "the word of round 1", round: "1", USERNAME: "abe" },
    });
    expect(defineSessions().map((steps) => steps.map((x) => x.challengeName))).toEqual([
      ["SRP_A"],
      ["SRP_A", "PASSWORD_VERIFIER"],
    ]);
    const done = await confirmSignIn({ challengeResponse: privateWord(1, "abe@example.com") });
    expect(done.isSignedIn).toBe(true);
    expect((await fetchAuthSession()).tokens?.accessToken.payload.username).toBe("abe");
  });

  it("CUSTOM_WITH_SRP with a wrong password, and three wrong answers: Cognito's NotAuthorizedException", async () => {
    await expect(
      signIn({ username: "abe", password: "Wr0ng-Horse!", options: { authFlowType: "CUSTOM_WITH_SRP" } }),
    ).rejects.toMatchObject({ name: "NotAuthorizedException", message: "Incorrect username or password." });
    await signIn({ username: "ava", options: { authFlowType: "CUSTOM_WITHOUT_SRP" } });
    await confirmSignIn({ challengeResponse: "x" });
    await confirmSignIn({ challengeResponse: "y" });
    await expect(confirmSignIn({ challengeResponse: "z" })).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
  });
});
