// CUSTOM_AUTH through the AWS SDK v3 against a real server, with the three functions as
// in-process modules (test/fixtures/triggers/custom-auth.mjs; docs/custom-auth.md): the loop
// and the events each function gets (session array, challengeMetadata, private parameters,
// clientMetadata routing), PreAuthentication / PostAuthentication / PreTokenGeneration around
// it, failAuthentication, single-use sessions, the Admin operations, names with no user, and
// the private parameters never reaching a client or the store in clear.
import {
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  GetUserCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  arn,
  CUSTOM_TRIGGERS,
  customAnswer,
  customAuthTriggers,
  customPool,
  customStart,
  privateWord,
} from "../helpers/customAuth.js";
import { expectError } from "../helpers/expect.js";
import { clearTriggerCalls, triggerCalls } from "../helpers/lambdaServers.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser } from "../helpers/signin.js";

const INCORRECT = "Incorrect username or password.";

/** What the tests read of a recorded event. */
interface Recorded {
  userName: string;
  triggerSource: string;
  request: {
    session: { challengeName: string; challengeResult: boolean; challengeMetadata: string | null }[];
    userAttributes: Record<string, string>;
    clientMetadata?: Record<string, string>;
    validationData?: Record<string, string>;
    userNotFound?: boolean;
  };
}
const eventsOf = (name: string) => triggerCalls(name).map((c) => c.event as unknown as Recorded);

describe("CUSTOM_AUTH", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  let cleoSub: string;
  /** Everything a client was sent, for the check that private parameters never leave. */
  const seen: unknown[] = [];

  beforeAll(async () => {
    s = await startServer({ configCacheSeconds: 0, triggers: customAuthTriggers() });
    ({ poolId, clientId } = await customPool(s.sdk, {
      ...CUSTOM_TRIGGERS,
      PreAuthentication: arn("preAuth"),
      PostAuthentication: arn("postAuth"),
      PreTokenGeneration: arn("preTokenV1"),
    }));
    for (const u of ["cara", "cody"]) await confirmedUser(s.sdk, { poolId, clientId, username: u });
    cleoSub = await confirmedUser(s.sdk, { poolId, clientId, username: "cleo" });
  });
  afterAll(() => s?.close());
  beforeEach(() => clearTriggerCalls());

  const start = async (username: string, meta?: Record<string, string>) => {
    const r = await customStart(s.sdk, clientId, username, meta ? { ClientMetadata: meta } : {});
    seen.push(r);
    return r;
  };
  const answer = async (
    session: string | undefined,
    username: string,
    text: string,
    meta?: Record<string, string>,
  ) => {
    const r = await customAnswer(s.sdk, clientId, session, { USERNAME: username, ANSWER: text }, meta);
    seen.push(r);
    return r;
  };

  it("a wrong answer, then the right one: each function's event, then tokens", async () => {
    const first = await start("cara", { from: "initiate" });
    expect(first.ChallengeName).toBe("CUSTOM_CHALLENGE");
    expect(first.ChallengeParameters).toEqual({ hint: "the word of round 1", round: "1", USERNAME: "cara" });
    expect(first.Session).toBeTruthy();
    expect(first.AuthenticationResult).toBeUndefined();

    // PreAuthentication first, with InitiateAuth's ClientMetadata as validationData.
    expect(triggerCalls().map((c) => c.name)).toEqual(["preAuth", "define", "create"]);
    expect(eventsOf("preAuth")[0]?.request.validationData).toEqual({ from: "initiate" });
    const [define1] = eventsOf("define");
    expect(define1).toMatchObject({
      version: "1",
      userPoolId: poolId,
      userName: "cara",
      triggerSource: "DefineAuthChallenge_Authentication",
      callerContext: { clientId },
      request: { session: [] },
      response: { challengeName: null, issueTokens: null, failAuthentication: null },
    });
    expect(define1?.request.userAttributes).toMatchObject({
      email: "cara@example.com",
      "cognito:user_status": "CONFIRMED",
    });
    expect(define1?.request.userAttributes.sub).toMatch(/^[0-9a-f-]{36}$/);
    // InitiateAuth's ClientMetadata reaches only PreAuthentication (service model).
    expect(define1?.request).not.toHaveProperty("clientMetadata");
    expect(define1?.request).not.toHaveProperty("userNotFound");
    expect(eventsOf("create")[0]).toMatchObject({
      triggerSource: "CreateAuthChallenge_Authentication",
      request: { challengeName: "CUSTOM_CHALLENGE", session: [] },
      response: {
        publicChallengeParameters: null,
        privateChallengeParameters: null,
        challengeMetadata: null,
      },
    });

    clearTriggerCalls();
    const second = await answer(first.Session, "cara", "a guess", { from: "respond" });
    expect(second.ChallengeName).toBe("CUSTOM_CHALLENGE");
    expect(second.ChallengeParameters).toEqual({ hint: "the word of round 2", round: "2", USERNAME: "cara" });
    expect(second.Session).not.toBe(first.Session);
    expect(triggerCalls().map((c) => c.name)).toEqual(["verify", "define", "create"]);
    expect(eventsOf("verify")[0]).toMatchObject({
      triggerSource: "VerifyAuthChallengeResponse_Authentication",
      request: {
        privateChallengeParameters: { answer: privateWord(1, "cara@example.com") },
        challengeAnswer: "a guess",
        clientMetadata: { from: "respond" },
      },
      response: { answerCorrect: null },
    });
    expect(eventsOf("define")[0]?.request).toMatchObject({
      session: [{ challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "ROUND-1" }],
      clientMetadata: { from: "respond" },
    });

    clearTriggerCalls();
    const done = await answer(second.Session, "cara", privateWord(2, "cara@example.com"), { from: "last" });
    expect(done.ChallengeName).toBeUndefined();
    expect(done.ChallengeParameters).toEqual({});
    const tokens = done.AuthenticationResult;
    expect(tokens?.AccessToken && tokens.IdToken && tokens.RefreshToken).toBeTruthy();
    expect((await s.sdk.send(new GetUserCommand({ AccessToken: tokens?.AccessToken }))).Username).toBe(
      "cara",
    );
    // Define saw both answers; then PostAuthentication and PreTokenGeneration, with this request's metadata.
    expect(triggerCalls().map((c) => c.name)).toEqual(["verify", "define", "postAuth", "preTokenV1"]);
    expect(eventsOf("define")[0]?.request.session).toEqual([
      { challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "ROUND-1" },
      { challengeName: "CUSTOM_CHALLENGE", challengeResult: true, challengeMetadata: "ROUND-2" },
    ]);
    expect(eventsOf("postAuth")[0]?.request.clientMetadata).toEqual({ from: "last" });
    expect(eventsOf("preTokenV1")[0]?.triggerSource).toBe("TokenGeneration_Authentication");
    const id = JSON.parse(Buffer.from(tokens?.IdToken?.split(".")[1] ?? "", "base64url").toString());
    expect(id.tier).toBe("gold");

    // Each Session is single use, whatever the answer was.
    await expectError(
      answer(second.Session, "cara", privateWord(2, "cara@example.com")),
      "NotAuthorizedException",
      "Invalid session for the user, session can only be used once.",
    );
    await expectError(
      answer(first.Session, "cara", privateWord(1, "cara@example.com")),
      "NotAuthorizedException",
      "Invalid session for the user, session can only be used once.",
    );
  });

  it("three wrong answers: failAuthentication answers as a wrong password; every step is an auth event", async () => {
    let r = await start("cody");
    for (let i = 0; i < 2; i++) {
      r = await answer(r.Session, "cody", `wrong ${i}`);
      expect(r.ChallengeName).toBe("CUSTOM_CHALLENGE");
    }
    clearTriggerCalls();
    await expectError(answer(r.Session, "cody", "wrong 3"), "NotAuthorizedException", INCORRECT);
    expect(triggerCalls().map((c) => c.name)).toEqual(["verify", "define"]);
    expect(
      eventsOf("define")[0]?.request.session.map((x: { challengeResult: boolean }) => x.challengeResult),
    ).toEqual([false, false, false]);
    const rows = await s.query(
      "SELECT event_type, event_response FROM auth_events WHERE pool_id = ? AND username = ? AND event_type NOT LIKE '%SignUp' ORDER BY id",
      [poolId, "cody"],
    );
    expect(rows.map((x) => `${x.event_type}:${x.event_response}`)).toEqual([
      "RespondToAuthChallenge.CUSTOM_CHALLENGE:Fail",
      "RespondToAuthChallenge.CUSTOM_CHALLENGE:Fail",
      "RespondToAuthChallenge.CUSTOM_CHALLENGE:Fail",
      "SignIn:Fail",
    ]);
    // Custom failures do not lock the user out: the next sign-in works.
    const again = await start("cody");
    const ok = await answer(again.Session, "cody", privateWord(1, "cody@example.com"));
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
    const after = await s.query(
      "SELECT event_type, event_response FROM auth_events WHERE pool_id = ? AND username = ? AND event_type NOT LIKE '%SignUp' ORDER BY id",
      [poolId, "cody"],
    );
    expect(after.slice(-2).map((x) => `${x.event_type}:${x.event_response}`)).toEqual([
      "RespondToAuthChallenge.CUSTOM_CHALLENGE:Pass",
      "SignIn:Pass",
    ]);
  });

  it("the answer's USERNAME may be any name of the user, not another user's; the session is the client's", async () => {
    const r = await start("cleo");
    await expectError(
      answer(r.Session, "cara", privateWord(1, "cleo@example.com")),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
    await expectError(
      customAnswer(s.sdk, clientId, r.Session, { USERNAME: "cleo" }),
      "InvalidParameterException",
      "Missing required parameter ANSWER",
    );
    await expectError(
      customAnswer(s.sdk, clientId, undefined, { USERNAME: "cleo", ANSWER: "x" }),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
    // Through the Admin operation, a public sign-in's session is not valid.
    await expectError(
      s.sdk.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          ChallengeName: "CUSTOM_CHALLENGE",
          ChallengeResponses: { USERNAME: "cleo", ANSWER: privateWord(1, "cleo@example.com") },
          Session: r.Session,
        }),
      ),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
    // Another name of the same user (its sub) is fine.
    const again = await start("cleo");
    const ok = await answer(again.Session, cleoSub, privateWord(1, "cleo@example.com"));
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("PreAuthentication and PostAuthentication can refuse a custom sign-in", async () => {
    await expectError(
      start("cara", { deny: "yes" }),
      "UserLambdaValidationException",
      "PreAuthentication failed with error Sign-in is closed today.",
    );
    expect(triggerCalls().map((c) => c.name)).toEqual(["preAuth"]);
    const r = await start("cara");
    await expectError(
      answer(r.Session, "cara", privateWord(1, "cara@example.com"), { failPost: "yes" }),
      "UserLambdaValidationException",
      "PostAuthentication failed with error Audit log unavailable.",
    );
  });

  it("AdminInitiateAuth / AdminRespondToAuthChallenge run the same loop", async () => {
    const started = await s.sdk.send(
      new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        AuthFlow: "CUSTOM_AUTH",
        AuthParameters: { USERNAME: "cara" },
      }),
    );
    seen.push(started);
    expect(started.ChallengeName).toBe("CUSTOM_CHALLENGE");
    const done = await s.sdk.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        ChallengeName: "CUSTOM_CHALLENGE",
        ChallengeResponses: { USERNAME: "cara", ANSWER: privateWord(1, "cara@example.com") },
        Session: started.Session,
      }),
    );
    seen.push(done);
    expect(done.AuthenticationResult?.IdToken).toBeTruthy();
  });

  it("names with no user: UserNotFoundException, or under PreventUserExistenceErrors a loop that cannot succeed", async () => {
    await expectError(start("nobody"), "UserNotFoundException", "User does not exist.");
    const prot = await customPool(s.sdk, CUSTOM_TRIGGERS, { PreventUserExistenceErrors: "ENABLED" });
    clearTriggerCalls();
    const r = await customStart(s.sdk, prot.clientId, "ghost");
    expect(r.ChallengeName).toBe("CUSTOM_CHALLENGE");
    expect(r.ChallengeParameters).toEqual({ hint: "the word of round 1", round: "1", USERNAME: "ghost" });
    const [define] = eventsOf("define");
    expect(define?.userName).toBe("ghost");
    expect(define?.request).toMatchObject({ userAttributes: {}, userNotFound: true, session: [] });
    expect(eventsOf("create")[0]?.request.userNotFound).toBe(true);
    // Even the "right" answer (the functions think so) gets no tokens for nobody.
    await expectError(
      customAnswer(s.sdk, prot.clientId, r.Session, { USERNAME: "ghost", ANSWER: privateWord(1, "nobody") }),
      "NotAuthorizedException",
      INCORRECT,
    );
    expect(eventsOf("verify")[0]?.request.userNotFound).toBe(true);
  });

  it("privateChallengeParameters never reach a client, and are stored nowhere in clear", async () => {
    expect(seen.length).toBeGreaterThan(5);
    const sent = JSON.stringify(seen);
    expect(sent).not.toContain("private-word-");
    expect(sent).not.toContain("ROUND-");
    const stored = await s.dumpTables();
    expect(stored).not.toContain("private-word-");
    expect(stored).not.toContain("ROUND-");
  });
});
