// Lambda triggers end to end through the AWS SDK: CustomMessage, PreSignUp and
// PostConfirmation with each invoker — an in-process module, an HTTP endpoint, and the AWS
// Lambda Invoke API (@aws-sdk/client-lambda against a loopback Invoke route) — all running
// the same handler file (test/fixtures/triggers/handlers.mjs), and every error mapping.
import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  type SignUpCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as handlers from "../fixtures/triggers/handlers.mjs";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import {
  clearTriggerCalls,
  type Handler,
  startHandlerServer,
  startLambdaApi,
  triggerCalls,
} from "../helpers/lambdaServers.js";
import { startServer, type TestServer } from "../helpers/server.js";

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const SECRET = "hmac-secret-for-the-handler-server";
const SDK_VERSION = /^aws-sdk-js-3\.\d+\.\d+$/;
const INVALID_JSON = "Invalid lambda function output : Invalid JSON";
const SOCKET_TIMEOUT = "Socket timeout while invoking Lambda function.";

/** Function name → the handler and its export name in handlers.mjs. */
const FUNCTIONS: Record<string, [Handler, string]> = {
  "custom-message": [handlers.customMessage, "customMessage"],
  "pre-signup": [handlers.preSignUp, "preSignUp"],
  "post-confirmation": [handlers.postConfirmation, "postConfirmation"],
  // The same PreSignUp code behind a short deadline.
  "slow-pre-signup": [handlers.preSignUp, "preSignUp"],
};
const SHORT_DEADLINE_MS = 500;

interface Setup {
  name: string;
  start(): Promise<{ triggers: Record<string, unknown>; close(): Promise<void> }>;
}

const setups: Setup[] = [
  {
    name: "module invoker",
    async start() {
      const functions: Record<string, unknown> = {};
      for (const [name, [, exportName]] of Object.entries(FUNCTIONS)) {
        const target = `module:test/fixtures/triggers/handlers.mjs#${exportName}`;
        functions[arn(name)] = name.startsWith("slow") ? { target, timeoutMs: SHORT_DEADLINE_MS } : target;
      }
      functions[arn("missing")] = "module:test/fixtures/triggers/no-such-file.mjs";
      return { triggers: { functions, baseDir: process.cwd() }, close: async () => {} };
    },
  },
  {
    name: "HTTP invoker",
    async start() {
      const routes: Record<string, Handler> = {};
      for (const [name, [h]] of Object.entries(FUNCTIONS)) routes[`/${name}`] = h;
      const server = await startHandlerServer(SECRET, routes);
      const functions: Record<string, unknown> = {};
      for (const name of [...Object.keys(FUNCTIONS), "missing"]) {
        const target = `${server.url}/${name}`;
        functions[arn(name)] = name.startsWith("slow") ? { target, timeoutMs: SHORT_DEADLINE_MS } : target;
      }
      return { triggers: { functions, http: { hmacSecret: SECRET } }, close: () => server.close() };
    },
  },
  {
    name: "Lambda Invoke API invoker",
    async start() {
      const fns: Record<string, Handler> = {};
      for (const [name, [h]] of Object.entries(FUNCTIONS)) fns[name] = h;
      const api = await startLambdaApi(fns);
      return {
        triggers: {
          // No mapping: every ARN goes to the Invoke API, here a loopback one.
          functions: { [arn("slow-pre-signup")]: { target: "lambda", timeoutMs: SHORT_DEADLINE_MS } },
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

describe.each(setups)("Lambda triggers through the $name", (setup) => {
  let s: TestServer;
  let stopFunctions: () => Promise<void>;
  beforeAll(async () => {
    const started = await setup.start();
    stopFunctions = started.close;
    s = await startServer({ configCacheSeconds: 0, triggers: { attempts: 2, ...started.triggers } });
  });
  afterAll(async () => {
    await s.close();
    await stopFunctions();
  });
  beforeEach(() => clearTriggerCalls());

  const signUp = (input: Partial<SignUpCommandInput> & { ClientId: string; Username: string }) =>
    s.sdk.send(
      new SignUpCommand({
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: `${input.Username}@example.com` }],
        ...input,
      }),
    );
  const statusOf = async (poolId: string, username: string) =>
    (await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }))).UserStatus;
  const lastEvent = (name: string) => {
    const calls = triggerCalls(name);
    expect(calls.length, `a ${name} call`).toBeGreaterThan(0);
    return calls[calls.length - 1]?.event as Record<string, unknown>;
  };

  describe("CustomMessage", () => {
    it("gets CustomMessage_SignUp exactly as Cognito sends it, and its message is the one delivered", async () => {
      const { poolId, clientId } = await makePool(s.sdk, {
        LambdaConfig: { CustomMessage: arn("custom-message") },
      });
      const r = await signUp({ ClientId: clientId, Username: "alice" });
      expect(lastEvent("CustomMessage")).toStrictEqual({
        version: "1",
        region: "us-east-1",
        userPoolId: poolId,
        userName: "alice",
        callerContext: { awsSdkVersion: expect.stringMatching(SDK_VERSION), clientId },
        triggerSource: "CustomMessage_SignUp",
        request: {
          userAttributes: {
            sub: r.UserSub,
            email: "alice@example.com",
            email_verified: "false",
            "cognito:user_status": "UNCONFIRMED",
          },
          codeParameter: "{####}",
          linkParameter: "{##Click Here##}",
          usernameParameter: null,
        },
        response: { smsMessage: null, emailMessage: null, emailSubject: null },
      });
      const m = await s.inbox.latest({ username: "alice", userPoolId: poolId });
      expect(m?.code).toMatch(/^\d{6}$/);
      expect(m?.subject).toBe(`Welcome to ${poolId}`);
      expect(m?.body).toBe(`Hello alice, your code is ${m?.code}.`);
      await s.sdk.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: "alice", ConfirmationCode: m?.code ?? "" }),
      );
      expect(await statusOf(poolId, "alice")).toBe("CONFIRMED");
    });

    it("uses clientMetadata to rewrite the ResendConfirmationCode email; the delivered message carries it", async () => {
      const { poolId, clientId } = await makePool(s.sdk, {
        LambdaConfig: { CustomMessage: arn("custom-message") },
      });
      await signUp({ ClientId: clientId, Username: "bruno" });
      await s.sdk.send(
        new ResendConfirmationCodeCommand({
          ClientId: clientId,
          Username: "bruno",
          ClientMetadata: { template: "fr" },
        }),
      );
      const event = lastEvent("CustomMessage");
      expect(event.triggerSource).toBe("CustomMessage_ResendCode");
      expect((event.request as Record<string, unknown>).clientMetadata).toStrictEqual({ template: "fr" });
      const m = await s.inbox.latest({ username: "bruno", userPoolId: poolId });
      expect(m?.triggerSource).toBe("CustomMessage_ResendCode");
      expect(m?.subject).toBe("Votre code de confirmation");
      expect(m?.body).toBe(`Bonjour bruno@example.com, votre code est ${m?.code}.`);
      await s.sdk.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: "bruno", ConfirmationCode: m?.code ?? "" }),
      );
    });

    it("rewrites the SMS message", async () => {
      const { poolId, clientId } = await makePool(s.sdk, {
        AutoVerifiedAttributes: ["phone_number"],
        LambdaConfig: { CustomMessage: arn("custom-message") },
      });
      await signUp({
        ClientId: clientId,
        Username: "carla",
        UserAttributes: [{ Name: "phone_number", Value: "+14155550100" }],
      });
      const m = await s.inbox.latest({ username: "carla", userPoolId: poolId });
      expect(m?.medium).toBe("SMS");
      expect(m?.body).toBe(`Your code: ${m?.code}`);
    });

    it("refuses answers Cognito refuses, and then sends and stores nothing", async () => {
      const { poolId, clientId } = await makePool(s.sdk, {
        LambdaConfig: { CustomMessage: arn("custom-message") },
      });
      const cases: [Record<string, string>, string, string | RegExp][] = [
        [
          { template: "no-code" },
          "InvalidLambdaResponseException",
          /emailMessage must contain the code parameter/,
        ],
        [
          { template: "too-long" },
          "InvalidLambdaResponseException",
          /emailMessage is longer than 20000 characters/,
        ],
        [{ template: "wrong-type" }, "InvalidLambdaResponseException", INVALID_JSON],
        [{ mode: "not-an-event" }, "InvalidLambdaResponseException", INVALID_JSON],
        [{ mode: "nothing" }, "InvalidLambdaResponseException", INVALID_JSON],
        [
          { template: "nbsp" },
          "InvalidParameterException",
          "1 validation error detected: Value 'Your\u00a0code {####}' at 'emailBody' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{####\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*",
        ],
        [
          { mode: "throw", message: "Template service unavailable" },
          "UserLambdaValidationException",
          "CustomMessage failed with error Template service unavailable.",
        ],
      ];
      for (const [i, [meta, type, message]] of cases.entries()) {
        await expectError(
          signUp({ ClientId: clientId, Username: `refused${i}`, ClientMetadata: meta }),
          type,
          message,
        );
        await expectError(statusOf(poolId, `refused${i}`), "UserNotFoundException");
      }
      expect(await s.inbox.list({ userPoolId: poolId })).toEqual([]);
    });

    it("checks the SMS length limit", async () => {
      const { clientId } = await makePool(s.sdk, {
        AutoVerifiedAttributes: ["phone_number"],
        LambdaConfig: { CustomMessage: arn("custom-message") },
      });
      await expectError(
        signUp({
          ClientId: clientId,
          Username: "long-sms",
          UserAttributes: [{ Name: "phone_number", Value: "+14155550101" }],
          ClientMetadata: { template: "sms-too-long" },
        }),
        "InvalidLambdaResponseException",
        /smsMessage is longer than 140 characters/,
      );
    });

    it("keeps the previous code valid when the CustomMessage of a resend fails", async () => {
      const { poolId, clientId } = await makePool(s.sdk, {
        LambdaConfig: { CustomMessage: arn("custom-message") },
      });
      await signUp({ ClientId: clientId, Username: "dora" });
      const first = await s.inbox.code("dora", poolId);
      await expectError(
        s.sdk.send(
          new ResendConfirmationCodeCommand({
            ClientId: clientId,
            Username: "dora",
            ClientMetadata: { mode: "throw", message: "nope" },
          }),
        ),
        "UserLambdaValidationException",
        "CustomMessage failed with error nope.",
      );
      expect(await s.inbox.list({ userPoolId: poolId })).toHaveLength(1);
      await s.sdk.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: "dora", ConfirmationCode: first }),
      );
    });
  });

  describe("PreSignUp", () => {
    it("gets PreSignUp_SignUp exactly as Cognito sends it", async () => {
      const { poolId, clientId } = await makePool(s.sdk, { LambdaConfig: { PreSignUp: arn("pre-signup") } });
      await signUp({
        ClientId: clientId,
        Username: "erik",
        UserAttributes: [
          { Name: "email", Value: "erik@example.com" },
          { Name: "name", Value: "Erik" },
        ],
        ValidationData: [{ Name: "autoConfirm", Value: "no" }],
        ClientMetadata: { app: "web" },
      });
      expect(lastEvent("PreSignUp")).toStrictEqual({
        version: "1",
        region: "us-east-1",
        userPoolId: poolId,
        userName: "erik",
        callerContext: { awsSdkVersion: expect.stringMatching(SDK_VERSION), clientId },
        triggerSource: "PreSignUp_SignUp",
        request: {
          userAttributes: { email: "erik@example.com", name: "Erik" },
          validationData: { autoConfirm: "no" },
          clientMetadata: { app: "web" },
        },
        response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
      });
      // Without ValidationData and ClientMetadata: validationData null, no clientMetadata.
      await signUp({ ClientId: clientId, Username: "erik2" });
      const request = lastEvent("PreSignUp").request as Record<string, unknown>;
      expect(request).toStrictEqual({ userAttributes: { email: "erik2@example.com" }, validationData: null });
    });

    it("autoConfirmUser confirms the user and sends no code", async () => {
      const { poolId, clientId } = await makePool(s.sdk, { LambdaConfig: { PreSignUp: arn("pre-signup") } });
      const r = await signUp({
        ClientId: clientId,
        Username: "fay",
        ValidationData: [{ Name: "autoConfirm", Value: "yes" }],
      });
      expect(r.UserConfirmed).toBe(true);
      expect(r.CodeDeliveryDetails).toBeUndefined();
      expect(await statusOf(poolId, "fay")).toBe("CONFIRMED");
      expect(await s.inbox.list({ userPoolId: poolId })).toEqual([]);
    });

    it("autoVerifyEmail marks the email verified, so no code is due", async () => {
      const { poolId, clientId } = await makePool(s.sdk, { LambdaConfig: { PreSignUp: arn("pre-signup") } });
      const r = await signUp({
        ClientId: clientId,
        Username: "gus",
        ClientMetadata: { autoVerify: "email" },
      });
      expect(r.UserConfirmed).toBe(false);
      expect(r.CodeDeliveryDetails).toBeUndefined();
      const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "gus" }));
      expect(u.UserAttributes).toContainEqual({ Name: "email_verified", Value: "true" });
    });

    it("a thrown error rejects the sign-up: UserLambdaValidationException, and no user", async () => {
      const { poolId, clientId } = await makePool(s.sdk, { LambdaConfig: { PreSignUp: arn("pre-signup") } });
      await expectError(
        signUp({
          ClientId: clientId,
          Username: "hal",
          UserAttributes: [{ Name: "email", Value: "hal@blocked.example" }],
        }),
        "UserLambdaValidationException",
        "PreSignUp failed with error Sign-ups from blocked.example are not allowed.",
      );
      await expectError(statusOf(poolId, "hal"), "UserNotFoundException");
      expect(await s.inbox.list({ userPoolId: poolId })).toEqual([]);
    });

    it("an answer that is not a PreSignUp event is InvalidLambdaResponseException", async () => {
      const { poolId, clientId } = await makePool(s.sdk, { LambdaConfig: { PreSignUp: arn("pre-signup") } });
      for (const [i, meta] of [{ mode: "not-an-event" }, { mode: "nothing" }, { flag: "string" }].entries()) {
        await expectError(
          signUp({ ClientId: clientId, Username: `inv${i}`, ClientMetadata: meta }),
          "InvalidLambdaResponseException",
          INVALID_JSON,
        );
        await expectError(statusOf(poolId, `inv${i}`), "UserNotFoundException");
      }
    });

    it("no answer in time: retried, then UnexpectedLambdaException with Cognito's timeout message", async () => {
      const { poolId, clientId } = await makePool(s.sdk, {
        LambdaConfig: { PreSignUp: arn("slow-pre-signup") },
      });
      const started = Date.now();
      await expectError(
        signUp({ ClientId: clientId, Username: "ivy", ClientMetadata: { mode: "slow", delayMs: "1500" } }),
        "UnexpectedLambdaException",
        `PreSignUp invocation failed due to error ${SOCKET_TIMEOUT}`,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(2 * SHORT_DEADLINE_MS - 20);
      expect(triggerCalls("PreSignUp")).toHaveLength(2);
      await expectError(statusOf(poolId, "ivy"), "UserNotFoundException");
      // A function late once only: the second attempt's answer counts.
      const r = await signUp({
        ClientId: clientId,
        Username: "ivy2",
        ClientMetadata: { mode: "slow-once", key: `${setup.name}-ivy2`, delayMs: "1000" },
      });
      expect(r.UserSub).toBeTruthy();
    });

    it("an unknown function is UnexpectedLambdaException ResourceNotFoundException", async () => {
      const { clientId } = await makePool(s.sdk, { LambdaConfig: { PreSignUp: arn("missing") } });
      await expectError(
        signUp({ ClientId: clientId, Username: "jo" }),
        "UnexpectedLambdaException",
        "PreSignUp invocation failed due to error ResourceNotFoundException",
      );
    });
  });

  describe("PostConfirmation", () => {
    it("gets PostConfirmation_ConfirmSignUp after the confirmation, with clientMetadata", async () => {
      const { poolId, clientId } = await makePool(s.sdk, {
        LambdaConfig: { PostConfirmation: arn("post-confirmation") },
      });
      const r = await signUp({ ClientId: clientId, Username: "kim" });
      const code = await s.inbox.code("kim", poolId);
      await s.sdk.send(
        new ConfirmSignUpCommand({
          ClientId: clientId,
          Username: "kim",
          ConfirmationCode: code,
          ClientMetadata: { source: "mobile" },
        }),
      );
      expect(lastEvent("PostConfirmation")).toStrictEqual({
        version: "1",
        region: "us-east-1",
        userPoolId: poolId,
        userName: "kim",
        callerContext: { awsSdkVersion: expect.stringMatching(SDK_VERSION), clientId },
        triggerSource: "PostConfirmation_ConfirmSignUp",
        request: {
          userAttributes: {
            sub: r.UserSub,
            email: "kim@example.com",
            email_verified: "true",
            "cognito:user_status": "CONFIRMED",
          },
          clientMetadata: { source: "mobile" },
        },
        response: {},
      });
    });

    it("AdminConfirmSignUp fires it with clientId CLIENT_ID_NOT_APPLICABLE", async () => {
      const { poolId, clientId } = await makePool(s.sdk, {
        LambdaConfig: { PostConfirmation: arn("post-confirmation") },
      });
      await signUp({ ClientId: clientId, Username: "lea" });
      await s.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "lea" }));
      const event = lastEvent("PostConfirmation");
      expect(event.callerContext).toStrictEqual({
        awsSdkVersion: expect.stringMatching(SDK_VERSION),
        clientId: "CLIENT_ID_NOT_APPLICABLE",
      });
      expect(event.triggerSource).toBe("PostConfirmation_ConfirmSignUp");
      expect("clientMetadata" in (event.request as object)).toBe(false);
    });

    it("a failure is returned to the caller, and the user stays confirmed (as in Cognito)", async () => {
      const { poolId, clientId } = await makePool(s.sdk, {
        LambdaConfig: { PostConfirmation: arn("post-confirmation") },
      });
      await signUp({ ClientId: clientId, Username: "max" });
      const code = await s.inbox.code("max", poolId);
      await expectError(
        s.sdk.send(
          new ConfirmSignUpCommand({
            ClientId: clientId,
            Username: "max",
            ConfirmationCode: code,
            ClientMetadata: { mode: "throw", message: "CRM is down" },
          }),
        ),
        "UserLambdaValidationException",
        "PostConfirmation failed with error CRM is down.",
      );
      expect(await statusOf(poolId, "max")).toBe("CONFIRMED");
      await signUp({ ClientId: clientId, Username: "max2" });
      await expectError(
        s.sdk.send(
          new AdminConfirmSignUpCommand({
            UserPoolId: poolId,
            Username: "max2",
            ClientMetadata: { mode: "nothing" },
          }),
        ),
        "InvalidLambdaResponseException",
        INVALID_JSON,
      );
      expect(await statusOf(poolId, "max2")).toBe("CONFIRMED");
    });
  });
});
