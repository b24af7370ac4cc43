// What is particular to each invoker (the HTTP contract and its signature, Lambda API errors,
// the module runtime's conventions), and that ClientMetadata reaches triggers unchanged yet is
// never stored or logged.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import {
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
  type HandlerServer,
  type LambdaApi,
  startHandlerServer,
  startLambdaApi,
  triggerCalls,
} from "../helpers/lambdaServers.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const SECRET = "the-right-hmac-secret-0001";

class LogCapture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe("invokers", () => {
  let s: TestServer;
  let http: HandlerServer;
  let lambda: LambdaApi;
  let tmp: string;
  let closedPort: string;
  const logs = new LogCapture();

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "cognate-trigger-modules-"));
    writeFileSync(join(tmp, "syntax-error.mjs"), "export const handler = async (event) => { return event;\n");
    writeFileSync(
      join(tmp, "reloaded.mjs"),
      "export const handler = async (e) => { e.response.autoConfirmUser = true; return e; };\n",
    );
    http = await startHandlerServer(
      SECRET,
      { "/pre-signup": handlers.preSignUp, "/custom-message": handlers.customMessage },
      {
        "/not-json": () => ({ status: 200, body: "<html>ok</html>" }),
        "/crash": () => ({
          status: 502,
          body: "<html>Bad Gateway</html>",
          headers: { "content-type": "text/html" },
        }),
        "/reject": () => ({ status: 400, body: JSON.stringify({ errorMessage: "Invite code required" }) }),
      },
    );
    // A port that was listening a moment ago and is closed now: nothing answers there.
    const gone = await startHandlerServer(SECRET, {});
    closedPort = gone.url;
    await gone.close();
    lambda = await startLambdaApi({ "pre-signup": handlers.preSignUp });
    const fixtures = "test/fixtures/triggers";
    s = await startServer(
      {
        configCacheSeconds: 0,
        logLevel: "debug",
        triggers: {
          attempts: 2,
          baseDir: process.cwd(),
          http: { hmacSecret: SECRET },
          lambda: {
            endpoint: lambda.url,
            accessKeyId: "AKIDLAMBDATEST00",
            secretAccessKey: "lambda-test-secret",
          },
          functions: {
            [arn("http-pre-signup")]: `${http.url}/pre-signup`,
            [arn("http-custom-message")]: `${http.url}/custom-message`,
            [arn("http-wrong-secret")]: {
              target: `${http.url}/pre-signup`,
              hmacSecret: "not-the-right-secret-000",
            },
            [arn("http-not-json")]: `${http.url}/not-json`,
            [arn("http-crash")]: `${http.url}/crash`,
            [arn("http-reject")]: `${http.url}/reject`,
            [arn("http-unreachable")]: `${closedPort}/pre-signup`,
            [arn("callback")]: `module:${fixtures}/callback-style.cjs`,
            [arn("no-export")]: `module:${fixtures}/handlers.mjs#nope`,
            [arn("syntax-error")]: `module:${join(tmp, "syntax-error.mjs")}`,
            [arn("reloaded")]: `module:${join(tmp, "reloaded.mjs")}`,
            [arn("module-pre-signup")]: `module:${fixtures}/handlers.mjs#preSignUp`,
            [arn("module-custom-message")]: `module:${fixtures}/handlers.mjs#customMessage`,
            [arn("module-post-confirmation")]: `module:${fixtures}/handlers.mjs#postConfirmation`,
            // Everything else: the Lambda Invoke API (the loopback one).
          },
        },
      },
      { logStream: logs },
    );
  });
  afterAll(async () => {
    await s.close();
    await http.close();
    await lambda.close();
    rmSync(tmp, { recursive: true, force: true });
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
  const preSignUpPool = async (name: string) =>
    (await makePool(s.sdk, { LambdaConfig: { PreSignUp: arn(name) } })).clientId;

  describe("HTTP", () => {
    it("signs each request and names the trigger and function", async () => {
      const clientId = await preSignUpPool("http-pre-signup");
      const before = http.requests.length;
      await signUp({ ClientId: clientId, Username: "h1" });
      expect(http.requests.slice(before)).toEqual([
        { path: "/pre-signup", trigger: "PreSignUp", arn: arn("http-pre-signup"), signed: true },
      ]);
    });

    it("a request the endpoint cannot verify is refused: AccessDeniedException", async () => {
      const clientId = await preSignUpPool("http-wrong-secret");
      await expectError(
        signUp({ ClientId: clientId, Username: "h2" }),
        "UnexpectedLambdaException",
        "PreSignUp invocation failed due to error AccessDeniedException",
      );
      expect(http.requests.at(-1)?.signed).toBe(false);
    });

    it("maps what the endpoint answers", async () => {
      const cases: [string, string, string][] = [
        ["http-not-json", "InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON"],
        [
          "http-crash",
          "UnexpectedLambdaException",
          "PreSignUp invocation failed due to error ServiceException",
        ],
        ["http-reject", "UserLambdaValidationException", "PreSignUp failed with error Invite code required."],
        [
          "http-unreachable",
          "UnexpectedLambdaException",
          "PreSignUp invocation failed due to error ServiceException",
        ],
      ];
      for (const [fn, type, message] of cases) {
        const clientId = await preSignUpPool(fn);
        await expectError(signUp({ ClientId: clientId, Username: `h-${fn}` }), type, message);
      }
      // A 5xx is worth another attempt (Cognito retries): two requests for one sign-up.
      const crashes = http.requests.filter((r) => r.path === "/crash");
      expect(crashes).toHaveLength(2);
      expect(logs.text).toMatch(/"detail":"POST http:\/\/127\.0\.0\.1:\d+\/pre-signup failed: ECONNREFUSED"/);
    });
  });

  describe("Lambda Invoke API", () => {
    it("invokes RequestResponse with a SigV4 signature for lambda in the function's region", async () => {
      const clientId = await preSignUpPool("pre-signup");
      const r = await signUp({
        ClientId: clientId,
        Username: "l1",
        ValidationData: [{ Name: "autoConfirm", Value: "yes" }],
      });
      expect(r.UserConfirmed).toBe(true);
      const inv = lambda.invocations.at(-1);
      expect(inv?.functionName).toBe("pre-signup");
      expect(inv?.invocationType).toBe("RequestResponse");
      expect(inv?.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDLAMBDATEST00\/\d{8}\/us-east-1\/lambda\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
      );
    });

    it("reports Lambda API errors with their code; throttling is retried", async () => {
      for (const [fn, code] of [
        ["access-denied", "AccessDeniedException"],
        ["throttled", "TooManyRequestsException"],
        ["no-such-function", "ResourceNotFoundException"],
      ]) {
        const clientId = await preSignUpPool(fn ?? "");
        const before = lambda.invocations.length;
        await expectError(
          signUp({ ClientId: clientId, Username: `l-${fn}` }),
          "UnexpectedLambdaException",
          `PreSignUp invocation failed due to error ${code}`,
        );
        expect(lambda.invocations.length - before).toBe(fn === "throttled" ? 2 : 1);
      }
    });
  });

  describe("module", () => {
    it("runs a CommonJS callback-style handler with a Lambda context", async () => {
      const { poolId, clientId } = await makePool(s.sdk, { LambdaConfig: { PreSignUp: arn("callback") } });
      const r = await signUp({ ClientId: clientId, Username: "m1" });
      expect(r.UserConfirmed).toBe(true);
      const call = triggerCalls("callback").at(-1);
      expect(call?.context?.functionName).toBe("callback");
      expect(call?.context?.remaining).toBeGreaterThan(4000);
      expect(call?.event.userPoolId).toBe(poolId);
      await expectError(
        signUp({
          ClientId: clientId,
          Username: "m2",
          UserAttributes: [{ Name: "email", Value: "reject@example.com" }],
        }),
        "UserLambdaValidationException",
        "PreSignUp failed with error Rejected by the callback handler.",
      );
    });

    it("reports a missing export or a module that does not load as the Lambda runtime does", async () => {
      await expectError(
        signUp({ ClientId: await preSignUpPool("no-export"), Username: "m3" }),
        "UserLambdaValidationException",
        "PreSignUp failed with error handlers.nope is undefined or not exported.",
      );
      // The runtime's own words depend on the module loader (the test runner has its own);
      // triggers-config.test.ts checks Node's SyntaxError through `cognate serve`.
      await expectError(
        signUp({ ClientId: await preSignUpPool("syntax-error"), Username: "m4" }),
        "UserLambdaValidationException",
        /^PreSignUp failed with error .+\.$/,
      );
    });

    it("picks up an edited module without a restart", async () => {
      const clientId = await preSignUpPool("reloaded");
      expect((await signUp({ ClientId: clientId, Username: "m5" })).UserConfirmed).toBe(true);
      const file = join(tmp, "reloaded.mjs");
      writeFileSync(file, "export const handler = async (e) => { throw new Error('edited'); };\n");
      const later = new Date(Date.now() + 5000);
      utimesSync(file, later, later);
      await expectError(
        signUp({ ClientId: clientId, Username: "m6" }),
        "UserLambdaValidationException",
        "PreSignUp failed with error edited.",
      );
    });
  });

  it("ClientMetadata reaches every trigger unchanged and is never stored or logged", async () => {
    const marker = "cm-7f3a9c-secret-value";
    const meta = { marker, "with space": "a b", unicode: "é✓" };
    const { poolId, clientId } = await makePool(s.sdk, {
      LambdaConfig: {
        PreSignUp: arn("module-pre-signup"),
        CustomMessage: arn("http-custom-message"),
        PostConfirmation: arn("module-post-confirmation"),
      },
    });
    await signUp({ ClientId: clientId, Username: "meta", ClientMetadata: meta });
    await s.sdk.send(
      new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "meta", ClientMetadata: meta }),
    );
    const code = await s.inbox.code("meta", poolId);
    await s.sdk.send(
      new ConfirmSignUpCommand({
        ClientId: clientId,
        Username: "meta",
        ConfirmationCode: code,
        ClientMetadata: meta,
      }),
    );
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "meta" }));
    expect(u.UserStatus).toBe("CONFIRMED");
    const seen = triggerCalls().map((c) => [
      c.event.triggerSource,
      (c.event.request as Record<string, unknown>).clientMetadata,
    ]);
    expect(seen).toEqual([
      ["PreSignUp_SignUp", meta],
      ["CustomMessage_SignUp", meta],
      ["CustomMessage_ResendCode", meta],
      ["PostConfirmation_ConfirmSignUp", meta],
    ]);
    expect(await s.dumpTables()).not.toContain(marker);
    expect(logs.text).toContain("trigger answered");
    expect(logs.text).not.toContain(marker);
  });
});

describe("a CustomMessage rewrite is what the mail server receives", () => {
  let smtp: TestSmtpServer;
  let http: HandlerServer;
  let s: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    http = await startHandlerServer(SECRET, { "/custom-message": handlers.customMessage });
    s = await startServer({
      configCacheSeconds: 0,
      email: { smtpUrl: smtp.url(), from: "codes@cognate.test" },
      outbox: { baseDelayMs: 20, maxDelayMs: 50 },
      triggers: {
        http: { hmacSecret: SECRET },
        functions: { [arn("custom-message")]: `${http.url}/custom-message` },
      },
    });
  });
  afterAll(async () => {
    await s.close();
    await http.close();
    await smtp.close();
  });

  it("ResendConfirmationCode with clientMetadata: the French email arrives over SMTP, and its code confirms", async () => {
    const { clientId } = await makePool(s.sdk, { LambdaConfig: { CustomMessage: arn("custom-message") } });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "rene",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "rene@example.com" }],
      }),
    );
    await s.sdk.send(
      new ResendConfirmationCodeCommand({
        ClientId: clientId,
        Username: "rene",
        ClientMetadata: { template: "fr" },
      }),
    );
    const [signUpMail, resendMail] = await smtp.waitFor(2);
    expect(signUpMail?.parsed.subject).toMatch(/^Welcome to us-east-1_/);
    expect(resendMail?.envelope.to).toEqual(["rene@example.com"]);
    expect(resendMail?.parsed.subject).toBe("Votre code de confirmation");
    const text = resendMail?.parsed.text?.trim() ?? "";
    const code = /votre code est (\d{6})\.$/.exec(text)?.[1];
    expect(text).toBe(`Bonjour rene@example.com, votre code est ${code}.`);
    await s.sdk.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: "rene", ConfirmationCode: code ?? "" }),
    );
  });
});
