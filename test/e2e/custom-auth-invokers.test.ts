// The custom-auth functions reached the other two ways a trigger can run (docs/triggers.md):
// an HTTP endpoint (HMAC-signed events) and the AWS Lambda Invoke API (@aws-sdk/client-lambda
// against a loopback Invoke route), with the same handler file as the module tests
// (test/fixtures/triggers/custom-auth.mjs): a whole sign-in with a wrong answer, and a failing
// function mapped to the trigger error every trigger has.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fns from "../fixtures/triggers/custom-auth.mjs";
import {
  arn,
  CUSTOM_TRIGGERS,
  customAnswer,
  customPool,
  customStart,
  privateWord,
} from "../helpers/customAuth.js";
import { expectError } from "../helpers/expect.js";
import { type Handler, startHandlerServer, startLambdaApi } from "../helpers/lambdaServers.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser } from "../helpers/signin.js";

const SECRET = "hmac-secret-for-custom-auth";
const HANDLERS: Record<string, Handler> = { define: fns.define, create: fns.create, verify: fns.verify };

interface Setup {
  name: string;
  start(): Promise<{ triggers: Record<string, unknown>; close(): Promise<void> }>;
}

const setups: Setup[] = [
  {
    name: "HTTP invoker",
    async start() {
      const routes: Record<string, Handler> = {};
      for (const [n, h] of Object.entries(HANDLERS)) routes[`/${n}`] = h;
      const server = await startHandlerServer(SECRET, routes);
      const functions: Record<string, string> = {};
      for (const n of Object.keys(HANDLERS)) functions[arn(n)] = `${server.url}/${n}`;
      return { triggers: { functions, http: { hmacSecret: SECRET } }, close: () => server.close() };
    },
  },
  {
    name: "Lambda Invoke API invoker",
    async start() {
      const api = await startLambdaApi(HANDLERS);
      return {
        triggers: {
          lambda: {
            endpoint: api.url,
            accessKeyId: "AKIDLAMBDATEST00",
            secretAccessKey: "lambda-test-secret",
          },
        },
        close: () => api.close(),
      };
    },
  },
];

describe.each(setups)("CUSTOM_AUTH through the $name", (setup) => {
  let s: TestServer;
  let stop: () => Promise<void>;
  let clientId: string;

  beforeAll(async () => {
    const started = await setup.start();
    stop = started.close;
    s = await startServer({ configCacheSeconds: 0, triggers: { attempts: 1, ...started.triggers } });
    const p = await customPool(s.sdk, CUSTOM_TRIGGERS);
    clientId = p.clientId;
    await confirmedUser(s.sdk, { poolId: p.poolId, clientId, username: "ivy" });
  });
  afterAll(async () => {
    await s?.close();
    await stop?.();
  });

  it("a wrong answer, then the right one", async () => {
    const first = await customStart(s.sdk, clientId, "ivy");
    expect(first.ChallengeParameters).toEqual({ hint: "the word of round 1", round: "1", USERNAME: "ivy" });
    const second = await customAnswer(s.sdk, clientId, first.Session, { USERNAME: "ivy", ANSWER: "no" });
    expect(second.ChallengeParameters?.round).toBe("2");
    const done = await customAnswer(s.sdk, clientId, second.Session, {
      USERNAME: "ivy",
      ANSWER: privateWord(2, "ivy@example.com"),
    });
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("a failing function: UserLambdaValidationException with its message", async () => {
    const r = await customStart(s.sdk, clientId, "ivy");
    await expectError(
      customAnswer(s.sdk, clientId, r.Session, { USERNAME: "ivy", ANSWER: "x" }, { verifyFails: "yes" }),
      "UserLambdaValidationException",
      "VerifyAuthChallengeResponse failed with error Verifier unavailable.",
    );
  });
});
