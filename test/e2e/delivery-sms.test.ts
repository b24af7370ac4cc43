// SMS through an HTTP gateway (a real HTTP server in the test process checking the HMAC
// signature), the SMS sandbox, and the failures known before responding: the operation
// fails with Cognito's error and nothing changes — no user, no new code, no message.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { type DevMessage, startServer, type TestServer } from "../helpers/server.js";

const SECRET = "gateway-secret-0123456789";
const FAST_OUTBOX = { baseDelayMs: 40, maxDelayMs: 200, pollMs: 50, maxAttempts: 5, leaseSeconds: 5 };
const VERIFIED = ["+14155550111", "+14155550112", "+14155550113", "+14155550114"];

interface GatewayCall {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: Record<string, unknown>;
  signatureOk: boolean;
}

async function settled(
  s: TestServer,
  username: string,
  done: (m: DevMessage) => boolean,
): Promise<DevMessage> {
  const until = Date.now() + 10_000;
  for (;;) {
    const m = await s.inbox.latest({ username });
    if (m && done(m)) return m;
    if (Date.now() > until)
      throw new Error(`inbox: ${username}: not settled: ${JSON.stringify(m?.delivery)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("HTTP SMS gateway, SMS sandbox and request-time delivery failures", () => {
  let gateway: Server;
  const calls: GatewayCall[] = [];
  const failuresLeft = new Map<string, number>([["+14155550113", 2]]);
  let s: TestServer;

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const ts = String(req.headers["x-cognate-timestamp"]);
        const expected = `sha256=${createHmac("sha256", SECRET).update(`${ts}.${body}`).digest("hex")}`;
        const json = JSON.parse(body) as Record<string, unknown>;
        calls.push({
          headers: req.headers,
          body,
          json,
          signatureOk: req.headers["x-cognate-signature"] === expected,
        });
        const to = String(json.to);
        const left = failuresLeft.get(to) ?? 0;
        if (left > 0) {
          failuresLeft.set(to, left - 1);
          res.writeHead(503).end("busy");
        } else if (to === "+14155550114") {
          res.writeHead(400).end("unroutable number");
        } else {
          res.writeHead(202).end();
        }
      });
    });
    await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", () => r()));
    const port = (gateway.address() as AddressInfo).port;
    s = await startServer({
      configCacheSeconds: 0,
      sms: {
        webhookUrl: `http://127.0.0.1:${port}/sms`,
        webhookSecret: SECRET,
        sandbox: { enabled: true, verifiedNumbers: VERIFIED },
      },
      email: {
        allowedSourceArns: [
          "arn:aws:ses:*:123456789012:identity/*@example.org",
          "arn:aws:ses:*:123456789012:identity/example.org",
        ],
      },
      outbox: FAST_OUTBOX,
    });
  });
  afterAll(async () => {
    await s?.close();
    await new Promise((r) => gateway?.close(r));
  });

  const smsPool = () => makePool(s.sdk, { AutoVerifiedAttributes: ["phone_number"] });
  const signUp = (clientId: string, username: string, attrs: Record<string, string>) =>
    s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })),
      }),
    );

  it("POSTs the SMS as signed JSON with the message id; the inbox shows it sent", async () => {
    const { poolId, clientId } = await smsPool();
    await signUp(clientId, "nina", { phone_number: "+14155550111" });
    const m = await settled(s, "nina", (x) => x.delivery.status !== "queued");
    expect(m.delivery).toEqual({ status: "sent", transport: "http-sms", attempts: 1, lastError: null });
    const call = calls.find((c) => c.json.id === m.id);
    expect(call?.signatureOk).toBe(true);
    expect(call?.headers["x-cognate-message-id"]).toBe(m.id);
    expect(call?.headers["content-type"]).toBe("application/json");
    expect(call?.json).toEqual({
      id: m.id,
      to: "+14155550111",
      message: `Your verification code is ${m.code}. `,
      userPoolId: poolId,
      triggerSource: "CustomMessage_SignUp",
      createdAt: m.createdAt,
    });
  });

  it("retries 5xx answers and marks a 4xx answer failed, both visible in the inbox", async () => {
    const { clientId } = await smsPool();
    await signUp(clientId, "otto", { phone_number: "+14155550113" });
    await signUp(clientId, "pia", { phone_number: "+14155550114" });
    const otto = await settled(s, "otto", (x) => x.delivery.status !== "queued");
    expect(otto.delivery).toEqual({ status: "sent", transport: "http-sms", attempts: 3, lastError: null });
    expect(calls.filter((c) => c.json.id === otto.id)).toHaveLength(3);
    const pia = await settled(s, "pia", (x) => x.delivery.status !== "queued");
    expect(pia.delivery).toEqual({
      status: "failed",
      transport: "http-sms",
      attempts: 1,
      lastError: "SMS gateway: HTTP 400",
    });
  });

  it("refuses, in sandbox mode, a number not on the verified list: CodeDeliveryFailureException, no user, no message", async () => {
    const { poolId, clientId } = await smsPool();
    const before = calls.length;
    await expectError(
      signUp(clientId, "quinn", { phone_number: "+14155559999" }),
      "CodeDeliveryFailureException",
      "Unable to deliver the code: the phone number is not verified and SMS delivery is in sandbox mode.",
    );
    await expectError(
      s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "quinn" })),
      "UserNotFoundException",
    );
    expect(await s.inbox.list({ userPoolId: poolId })).toEqual([]);
    await new Promise((r) => setTimeout(r, 150));
    expect(calls.length).toBe(before);
  });

  it("fails a resend whose pool configuration became invalid, keeping the previous code valid and queuing nothing", async () => {
    const { poolId, clientId } = await smsPool();
    await signUp(clientId, "rosa", { phone_number: "+14155550112" });
    const first = await settled(s, "rosa", (x) => x.delivery.status === "sent");
    await s.sdk.send(
      new UpdateUserPoolCommand({
        UserPoolId: poolId,
        AutoVerifiedAttributes: ["phone_number"],
        SmsConfiguration: { SnsCallerArn: "arn:aws:sns:us-east-1:123456789012:a-topic" },
      }),
    );
    await expectError(
      s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "rosa" })),
      "InvalidSmsRoleAccessPolicyException",
    );
    expect((await s.inbox.list({ userPoolId: poolId })).map((m) => m.id)).toEqual([first.id]);
    // The code sent before still confirms: no new code replaced it.
    await s.sdk.send(
      new ConfirmSignUpCommand({
        ClientId: clientId,
        Username: "rosa",
        ConfirmationCode: first.code as string,
      }),
    );
  });

  it("fails email for an invalid EmailConfiguration (CodeDeliveryFailureException) or an identity not allowed (InvalidEmailRoleAccessPolicyException)", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [
        { EmailSendingAccount: "DEVELOPER" },
        "CodeDeliveryFailureException",
        "Unable to deliver the code: EmailConfiguration.SourceArn is required when EmailSendingAccount is DEVELOPER.",
      ],
      [
        {
          EmailSendingAccount: "DEVELOPER",
          SourceArn: "arn:aws:ses:us-east-1:123456789012:identity/example.org",
        },
        "CodeDeliveryFailureException",
        "Unable to deliver the code: EmailConfiguration.From is required when SourceArn names a domain (arn:aws:ses:us-east-1:123456789012:identity/example.org).",
      ],
      [
        {
          EmailSendingAccount: "DEVELOPER",
          SourceArn: "arn:aws:sns:us-east-1:123456789012:identity/a@example.org",
        },
        "CodeDeliveryFailureException",
        "Unable to deliver the code: EmailConfiguration.SourceArn arn:aws:sns:us-east-1:123456789012:identity/a@example.org is not an Amazon SES identity ARN.",
      ],
      [
        {
          EmailSendingAccount: "DEVELOPER",
          SourceArn: "arn:aws:ses:us-east-1:123456789012:identity/a@example.com",
        },
        "InvalidEmailRoleAccessPolicyException",
        "Amazon Cognito is not allowed to use the email identity arn:aws:ses:us-east-1:123456789012:identity/a@example.com.",
      ],
    ];
    let n = 0;
    for (const [EmailConfiguration, error, message] of cases) {
      const { poolId, clientId } = await makePool(s.sdk, { EmailConfiguration });
      const username = `sam${n++}`;
      await expectError(signUp(clientId, username, { email: `${username}@example.com` }), error, message);
      await expectError(
        s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username })),
        "UserNotFoundException",
      );
      expect(await s.inbox.list({ userPoolId: poolId })).toEqual([]);
    }

    // An allowed identity goes through (here to the dev inbox: no email transport is configured).
    const ok = await makePool(s.sdk, {
      EmailConfiguration: {
        EmailSendingAccount: "DEVELOPER",
        SourceArn: "arn:aws:ses:us-east-1:123456789012:identity/noreply@example.org",
      },
    });
    await signUp(ok.clientId, "tess", { email: "tess@example.com" });
    expect((await settled(s, "tess", (x) => x.delivery.status === "sent")).delivery.transport).toBe("inbox");

    // A resend after the configuration turned invalid changes nothing.
    await s.sdk.send(
      new UpdateUserPoolCommand({
        UserPoolId: ok.poolId,
        AutoVerifiedAttributes: ["email"],
        EmailConfiguration: { EmailSendingAccount: "DEVELOPER" },
      }),
    );
    await expectError(
      s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: ok.clientId, Username: "tess" })),
      "CodeDeliveryFailureException",
    );
    expect(await s.inbox.list({ userPoolId: ok.poolId })).toHaveLength(1);
  });
});

describe("production mode without transports", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({
      mode: "production",
      seed: {
        pools: [
          {
            PoolName: "prod",
            Id: "us-east-1_Prod1",
            AutoVerifiedAttributes: ["email"],
            Clients: [{ ClientName: "web", ClientId: "prodclient1" }],
          },
        ],
      },
    });
  });
  afterAll(() => s?.close());

  it("answers CodeDeliveryFailureException at request time and keeps nothing", async () => {
    const signUp = () =>
      s.sdk.send(
        new SignUpCommand({
          ClientId: "prodclient1",
          Username: "uma",
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: "uma@example.com" }],
        }),
      );
    const message =
      "Unable to deliver the code: no email transport is configured for EmailSendingAccount COGNITO_DEFAULT.";
    await expectError(signUp(), "CodeDeliveryFailureException", message);
    // Not UsernameExistsException: the first attempt created no user.
    await expectError(signUp(), "CodeDeliveryFailureException", message);
    expect(await s.app.store.store.read.outbox.list({})).toEqual([]);
  });
});
