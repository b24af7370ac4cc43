// CustomEmailSender / CustomSMSSender end to end: the code reaches the function encrypted in
// the AWS Encryption SDK format, decrypts with the same keyring (a raw AES dev key; a KMS key
// through @aws-sdk/client-kms against a loopback KMS), and confirms the user; Cognate sends
// nothing itself; the sender runs from the outbox (retried, never holding up the API).
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  type KeyringNode,
  KmsKeyringNode,
  type KmsNodeClientSupplier,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from "@aws-crypto/client-node";
import {
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { KMS } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as handlers from "../fixtures/triggers/handlers.mjs";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { type FakeKms, startFakeKms } from "../helpers/lambdaKms.js";
import {
  clearTriggerCalls,
  type Handler,
  type LambdaApi,
  startHandlerServer,
  startLambdaApi,
  triggerCalls,
} from "../helpers/lambdaServers.js";
import { type DevMessage, startServer, type TestServer } from "../helpers/server.js";

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const RAW_KEY_ID = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-dev0-4000-8000-000000000001";
const KMS_KEY_ID = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-kms0-4000-8000-000000000002";
const RAW_KEY = randomBytes(32);
const SDK_VERSION = /^aws-sdk-js-3\.\d+\.\d+$/;
// The fixture handler decrypts with this key, like a deployed function with its keyring.
process.env.COGNATE_TEST_SENDER_KEY = RAW_KEY.toString("base64");

const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const rawKeyring = () =>
  new RawAesKeyringNode({
    keyName: "cognate-dev-key",
    keyNamespace: "cognate",
    unencryptedMasterKey: new Uint8Array(RAW_KEY),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

class LogCapture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function delivered(
  s: TestServer,
  filter: Record<string, string>,
  status = "sent",
): Promise<DevMessage> {
  const until = Date.now() + 10_000;
  for (;;) {
    const m = await s.inbox.latest(filter);
    if (m && m.delivery.status === status) return m;
    if (Date.now() > until)
      throw new Error(`no ${status} message for ${JSON.stringify(filter)}: ${JSON.stringify(m)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function lastCall(name: string) {
  const calls = triggerCalls(name);
  const c = calls[calls.length - 1];
  if (!c) throw new Error(`no ${name} call`);
  return c;
}

async function decryptWith(keyring: KeyringNode, ciphertext: unknown) {
  expect(typeof ciphertext).toBe("string");
  const { plaintext, messageHeader } = await decrypt(keyring, Buffer.from(String(ciphertext), "base64"));
  return { code: plaintext.toString("utf8"), header: messageHeader };
}

const SECRET = "custom-sender-hmac-secret-01";
const SENDERS: Record<string, [Handler, string]> = {
  "email-sender": [handlers.customEmailSender, "customEmailSender"],
  "sms-sender": [handlers.customSmsSender, "customSmsSender"],
  "custom-message": [handlers.customMessage, "customMessage"],
};
const via: {
  name: string;
  start(): Promise<{ triggers: Record<string, unknown>; close(): Promise<void> }>;
}[] = [
  {
    name: "module invoker",
    async start() {
      const functions: Record<string, string> = {};
      for (const [fn, [, exp]] of Object.entries(SENDERS)) {
        functions[arn(fn)] = `module:test/fixtures/triggers/handlers.mjs#${exp}`;
      }
      functions[arn("missing-sender")] = "module:test/fixtures/triggers/no-such-sender.mjs";
      return { triggers: { baseDir: process.cwd(), functions }, close: async () => {} };
    },
  },
  {
    name: "HTTP invoker",
    async start() {
      const routes: Record<string, Handler> = {};
      for (const [fn, [h]] of Object.entries(SENDERS)) routes[`/${fn}`] = h;
      const server = await startHandlerServer(SECRET, routes);
      const functions: Record<string, string> = {};
      for (const fn of [...Object.keys(SENDERS), "missing-sender"])
        functions[arn(fn)] = `${server.url}/${fn}`;
      return { triggers: { http: { hmacSecret: SECRET }, functions }, close: () => server.close() };
    },
  },
];

describe.each(via)("custom sender triggers with a raw AES dev key ($name)", (setup) => {
  let s: TestServer;
  let stopFunctions: () => Promise<void>;
  const logs = new LogCapture();
  beforeAll(async () => {
    const started = await setup.start();
    stopFunctions = started.close;
    s = await startServer(
      {
        configCacheSeconds: 0,
        logLevel: "debug",
        triggers: {
          ...started.triggers,
          customSenderKeys: {
            [RAW_KEY_ID]: {
              rawAesKeyBase64: RAW_KEY.toString("base64"),
              keyName: "cognate-dev-key",
              keyNamespace: "cognate",
            },
          },
        },
      },
      { logStream: logs, outbox: { baseDelayMs: 20, maxDelayMs: 50, pollMs: 50, maxAttempts: 3 } },
    );
  });
  afterAll(async () => {
    await s.close();
    await stopFunctions();
  });
  beforeEach(() => clearTriggerCalls());

  const senderPool = (extra: Record<string, unknown> = {}) =>
    makePool(s.sdk, {
      AutoVerifiedAttributes: ["email", "phone_number"],
      LambdaConfig: {
        CustomEmailSender: { LambdaVersion: "V1_0", LambdaArn: arn("email-sender") },
        CustomSMSSender: { LambdaVersion: "V1_0", LambdaArn: arn("sms-sender") },
        KMSKeyID: RAW_KEY_ID,
        ...extra,
      },
    });
  const signUp = (
    clientId: string,
    username: string,
    attrs: Record<string, string>,
    meta?: Record<string, string>,
  ) =>
    s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })),
        ...(meta ? { ClientMetadata: meta } : {}),
      }),
    );

  it("SignUp: the function gets CustomEmailSender_SignUp with the encrypted code; decrypted, it confirms the user", async () => {
    const { poolId, clientId } = await senderPool({ CustomMessage: arn("custom-message") });
    const r = await signUp(clientId, "ana", { email: "ana@example.com" });
    expect(r.CodeDeliveryDetails).toEqual({
      AttributeName: "email",
      DeliveryMedium: "EMAIL",
      Destination: "a***@e***",
    });

    const m = await delivered(s, { username: "ana", userPoolId: poolId });
    expect(m.delivery.transport).toBe("CustomEmailSender");
    expect(m.triggerSource).toBe("CustomEmailSender_SignUp");
    const call = lastCall("CustomEmailSender");
    expect(call.event).toStrictEqual({
      version: "1",
      region: "us-east-1",
      userPoolId: poolId,
      userName: "ana",
      callerContext: { awsSdkVersion: expect.stringMatching(SDK_VERSION), clientId },
      triggerSource: "CustomEmailSender_SignUp",
      request: {
        type: "customEmailSenderRequestV1",
        code: expect.any(String),
        clientMetadata: null,
        userAttributes: {
          sub: r.UserSub,
          email: "ana@example.com",
          email_verified: "false",
          "cognito:user_status": "UNCONFIRMED",
        },
      },
    });
    // CustomMessage has no message to rewrite when a custom sender sends.
    expect(triggerCalls("CustomMessage")).toEqual([]);

    // Decrypted here with the same keyring, as the function did.
    const request = call.event.request as Record<string, unknown>;
    const { code, header } = await decryptWith(rawKeyring(), request.code);
    expect(code).toMatch(/^\d{6}$/);
    expect(call.decrypted).toBe(code);
    expect(m.code).toBe(code);
    // As in Cognito's ciphertexts: suite 0x0378, the pool id in the encryption context.
    expect(header.suiteId).toBe(AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384);
    expect(header.encryptionContext["userpool-id"]).toBe(poolId);
    expect(String(request.code)).not.toContain(code);

    await s.sdk.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: "ana", ConfirmationCode: code }),
    );
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "ana" }));
    expect(u.UserStatus).toBe("CONFIRMED");
    // The code is never logged, in clear or encrypted.
    expect(logs.text).not.toContain(String(request.code));
  });

  it("ResendConfirmationCode: CustomEmailSender_ResendCode with the request's clientMetadata and a new code", async () => {
    const { poolId, clientId } = await senderPool();
    await signUp(clientId, "ben", { email: "ben@example.com" });
    const first = (await delivered(s, { username: "ben", userPoolId: poolId })).code;
    clearTriggerCalls();
    await s.sdk.send(
      new ResendConfirmationCodeCommand({
        ClientId: clientId,
        Username: "ben",
        ClientMetadata: { lang: "de", marker: "cm-sender-5d1e" },
      }),
    );
    const m = await delivered(s, { username: "ben", userPoolId: poolId });
    expect(m.triggerSource).toBe("CustomEmailSender_ResendCode");
    const event = lastCall("CustomEmailSender").event;
    expect(event.triggerSource).toBe("CustomEmailSender_ResendCode");
    const request = event.request as Record<string, unknown>;
    expect(request.clientMetadata).toStrictEqual({ lang: "de", marker: "cm-sender-5d1e" });
    // Handed over in memory: in no table, in no log line.
    expect(await s.dumpTables()).not.toContain("cm-sender-5d1e");
    expect(logs.text).not.toContain("cm-sender-5d1e");
    const { code } = await decryptWith(rawKeyring(), request.code);
    expect(code).not.toBe(first);
    await s.sdk.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: "ben", ConfirmationCode: code }),
    );
  });

  it("ForgotPassword: CustomEmailSender_ForgotPassword with the encrypted reset code; decrypted, it sets the new password", async () => {
    const { poolId, clientId } = await senderPool();
    await signUp(clientId, "cleo", { email: "cleo@example.com" });
    await delivered(s, { username: "cleo", userPoolId: poolId });
    const { code: signUpCode } = await decryptWith(
      rawKeyring(),
      (lastCall("CustomEmailSender").event.request as Record<string, unknown>).code,
    );
    await s.sdk.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: "cleo", ConfirmationCode: signUpCode }),
    );
    clearTriggerCalls();
    await s.sdk.send(
      new ForgotPasswordCommand({ ClientId: clientId, Username: "cleo", ClientMetadata: { why: "forgot" } }),
    );
    const m = await delivered(s, { username: "cleo", userPoolId: poolId });
    expect(m.triggerSource).toBe("CustomEmailSender_ForgotPassword");
    const event = lastCall("CustomEmailSender").event;
    expect(event.triggerSource).toBe("CustomEmailSender_ForgotPassword");
    const request = event.request as Record<string, unknown>;
    expect(request.clientMetadata).toStrictEqual({ why: "forgot" });
    const { code } = await decryptWith(rawKeyring(), request.code);
    await s.sdk.send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: "cleo",
        ConfirmationCode: code,
        Password: "N3w-Passw0rd!",
      }),
    );
  });

  it("SMS goes to CustomSMSSender (customSMSSenderRequestV1)", async () => {
    const { poolId, clientId } = await senderPool();
    const r = await signUp(clientId, "cai", { phone_number: "+14155550142" });
    expect(r.CodeDeliveryDetails?.DeliveryMedium).toBe("SMS");
    const m = await delivered(s, { username: "cai", userPoolId: poolId });
    expect(m.delivery.transport).toBe("CustomSMSSender");
    const call = lastCall("CustomSMSSender");
    expect(call.event.triggerSource).toBe("CustomSMSSender_SignUp");
    const request = call.event.request as Record<string, unknown>;
    expect(request.type).toBe("customSMSSenderRequestV1");
    expect(call.decrypted).toBe(m.code);
  });

  it("the API does not wait for the sender: a failing sender is retried from the outbox", async () => {
    const { poolId, clientId } = await senderPool();
    // A sender that takes its time does not hold up the answer.
    const started = Date.now();
    await signUp(clientId, "slow", { email: "slow@example.com" }, { mode: "slow", delayMs: "2500" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await s.inbox.latest({ username: "slow", userPoolId: poolId }))?.delivery.status).toBe("queued");
    await delivered(s, { username: "slow", userPoolId: poolId });
    clearTriggerCalls();
    await signUp(
      clientId,
      "dev",
      { email: "dev@example.com" },
      { mode: "throw-once", key: `dev-${setup.name}` },
    );
    const m = await delivered(s, { username: "dev", userPoolId: poolId });
    expect(m.delivery.attempts).toBe(2);
    expect(triggerCalls("CustomEmailSender")).toHaveLength(2);
    // A sender that keeps failing: the message fails, with the reason, and the code masked.
    await signUp(clientId, "eve", { email: "eve@example.com" }, { mode: "leak" });
    const failed = await delivered(s, { username: "eve", userPoolId: poolId }, "failed");
    expect(failed.delivery.attempts).toBe(3);
    expect(failed.delivery.lastError).toBe(
      "CustomEmailSender failed with error Could not send ****** to the user.",
    );
    expect(logs.text).toContain("Could not send ****** to the user");
    expect(logs.text).not.toContain(`Could not send ${failed.code}`);
  });

  it("a sender that does not exist: the message fails at once", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {
      LambdaConfig: {
        CustomEmailSender: { LambdaVersion: "V1_0", LambdaArn: arn("missing-sender") },
        KMSKeyID: RAW_KEY_ID,
      },
    });
    await signUp(clientId, "gone", { email: "gone@example.com" });
    const m = await delivered(s, { username: "gone", userPoolId: poolId }, "failed");
    expect(m.delivery.attempts).toBe(1);
    expect(m.delivery.lastError).toBe(
      "CustomEmailSender invocation failed due to error ResourceNotFoundException",
    );
  });

  it("a pool without KMSKeyID: the message fails; the API answer is unaffected", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {
      LambdaConfig: { CustomEmailSender: { LambdaVersion: "V1_0", LambdaArn: arn("email-sender") } },
    });
    const r = await signUp(clientId, "fin", { email: "fin@example.com" });
    expect(r.CodeDeliveryDetails?.DeliveryMedium).toBe("EMAIL");
    const m = await delivered(s, { username: "fin", userPoolId: poolId }, "failed");
    expect(m.delivery.lastError).toMatch(/no LambdaConfig.KMSKeyID/);
    expect(triggerCalls("CustomEmailSender")).toEqual([]);
  });
});

describe("custom sender triggers with a KMS key (Lambda Invoke API invoker, loopback KMS)", () => {
  let s: TestServer;
  let kms: FakeKms;
  let lambda: LambdaApi;
  const creds = { accessKeyId: "AKIDKMSTEST00000", secretAccessKey: "kms-test-secret" };
  beforeAll(async () => {
    kms = await startFakeKms([KMS_KEY_ID]);
    lambda = await startLambdaApi({ "email-sender": handlers.customEmailSender });
    s = await startServer({
      mode: "production",
      configCacheSeconds: 0,
      // Production mode verifies SigV4 on admin operations: the pool comes from the seed.
      seed: {
        pools: [
          {
            PoolName: "kms-pool",
            Id: "us-east-1_KmsSender1",
            AutoVerifiedAttributes: ["email"],
            LambdaConfig: {
              CustomEmailSender: { LambdaVersion: "V1_0", LambdaArn: arn("email-sender") },
              KMSKeyID: KMS_KEY_ID,
            },
            Clients: [{ ClientName: "web", ClientId: "kmsclient1" }],
          },
        ],
      },
      triggers: {
        lambda: { endpoint: lambda.url, ...creds },
        kms: { endpoint: kms.url, ...creds },
      },
    });
  });
  afterAll(async () => {
    await s.close();
    await lambda.close();
    await kms.close();
  });
  beforeEach(() => clearTriggerCalls());

  it("encrypts under the pool's KMS key; a KmsKeyringNode decrypts it; production scrubs the code once sent", async () => {
    const poolId = "us-east-1_KmsSender1";
    const clientId = "kmsclient1";
    // Production mode has no email transport configured here: the custom sender needs none.
    const r = await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "gil",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "gil@example.com" }],
      }),
    );
    expect(r.CodeDeliveryDetails?.DeliveryMedium).toBe("EMAIL");
    const until = Date.now() + 10_000;
    let row = (await s.app.deps.store.read.outbox.list({ userPoolId: poolId }))[0];
    while (row?.status !== "sent" && Date.now() < until) {
      await new Promise((res) => setTimeout(res, 25));
      row = (await s.app.deps.store.read.outbox.list({ userPoolId: poolId }))[0];
    }
    expect(row?.lastError ?? null).toBeNull();
    expect(row?.status).toBe("sent");
    expect(row?.transport).toBe("CustomEmailSender");
    // Production mode: once delivered, neither the code nor the body is kept.
    expect(row?.code).toBeNull();
    expect(row?.body).toBe("");

    expect(lambda.invocations.map((i) => i.functionName)).toEqual(["email-sender"]);
    expect(lambda.invocations[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDKMSTEST00000\/\d{8}\/us-east-1\/lambda\/aws4_request/,
    );
    const generate = kms.calls.find((c) => c.operation === "GenerateDataKey");
    expect(generate?.keyId).toBe(KMS_KEY_ID);
    expect(generate?.encryptionContext?.["userpool-id"]).toBe(poolId);

    const request = lastCall("CustomEmailSender").event.request as Record<string, unknown>;
    const clients = new Map<string, KMS>();
    const clientProvider = (region: string) => {
      const c =
        clients.get(region) ??
        new KMS({ region: region || "us-east-1", endpoint: kms.url, credentials: creds });
      clients.set(region, c);
      return c;
    };
    const keyring = new KmsKeyringNode({
      generatorKeyId: KMS_KEY_ID,
      clientProvider: clientProvider as unknown as KmsNodeClientSupplier,
    });
    const { code, header } = await decryptWith(keyring, request.code);
    expect(header.encryptionContext["userpool-id"]).toBe(poolId);
    expect(kms.calls.some((c) => c.operation === "Decrypt")).toBe(true);
    await s.sdk.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: "gil", ConfirmationCode: code }),
    );
    for (const c of clients.values()) c.destroy();
  });
});
