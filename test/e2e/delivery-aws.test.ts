// Amazon SES v2 and Amazon SNS through their real AWS SDK clients, against moto's server on
// loopback (it speaks both wire protocols); the assertions read what moto recorded.
import {
  AdminGetUserCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CreateEmailIdentityCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { type MotoServer, motoCredentials, startMoto } from "../helpers/moto.js";
import { type DevMessage, startServer, type TestServer } from "../helpers/server.js";

const FAST_OUTBOX = { baseDelayMs: 40, maxDelayMs: 200, pollMs: 50, maxAttempts: 3, leaseSeconds: 5 };
const ACCOUNT = "123456789012";
const SMS_ROLE = `arn:aws:iam::${ACCOUNT}:role/cognito-sms`;

async function settled(
  s: TestServer,
  username: string,
  done: (m: DevMessage) => boolean,
): Promise<DevMessage> {
  const until = Date.now() + 15_000;
  for (;;) {
    const m = await s.inbox.latest({ username });
    if (m && done(m)) return m;
    if (Date.now() > until)
      throw new Error(`inbox: ${username}: not settled: ${JSON.stringify(m?.delivery)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("Amazon SES v2 and Amazon SNS (moto on loopback)", () => {
  let moto: MotoServer;
  let s: TestServer;
  let ses: SESv2Client;

  beforeAll(async () => {
    moto = await startMoto();
    ses = new SESv2Client({ endpoint: moto.url, region: "us-east-1", credentials: motoCredentials() });
    // SES only sends from verified identities.
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: "sender@example.com" }));
    const aws = { endpoint: moto.url, region: "us-east-1" as const, ...motoCredentials() };
    s = await startServer({
      ses: aws,
      sns: { ...aws, roles: [{ arn: `arn:aws:iam::${ACCOUNT}:role/cognito-*`, externalId: "ext-123" }] },
      outbox: FAST_OUTBOX,
    });
  });
  afterAll(async () => {
    await s?.close();
    ses?.destroy();
    await moto?.close();
  });

  const rawMessagesTo = async (address: string) => {
    const data = await moto.data();
    const raws = (data.ses?.RawMessage ?? []) as {
      destinations: string[];
      source: string;
      raw_data: string;
    }[];
    return raws.filter((r) => r.destinations.includes(address));
  };

  it("sends a DEVELOPER pool's code through SES as its SourceArn identity, From and Reply-To; a resend sends a new one", async () => {
    const sourceArn = `arn:aws:ses:us-east-1:${ACCOUNT}:identity/sender@example.com`;
    const { clientId } = await makePool(s.sdk, {
      EmailConfiguration: {
        EmailSendingAccount: "DEVELOPER",
        SourceArn: sourceArn,
        From: "Example Sender <sender@example.com>",
        ReplyToEmailAddress: "replies@example.com",
      },
    });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "amelia",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "amelia@example.com" }],
      }),
    );
    const first = await settled(s, "amelia", (m) => m.delivery.status !== "queued");
    expect(first.delivery).toEqual({ status: "sent", transport: "ses", attempts: 1, lastError: null });

    const [sent] = await rawMessagesTo("amelia@example.com");
    expect(sent?.source).toBe("sender@example.com");
    const mail = await simpleParser(sent?.raw_data ?? "");
    expect(mail.from?.value).toEqual([{ address: "sender@example.com", name: "Example Sender" }]);
    expect(mail.replyTo?.value).toEqual([{ address: "replies@example.com", name: "" }]);
    expect(mail.subject).toBe("Your verification code");
    expect(mail.text?.trim()).toBe(`Your verification code is ${first.code}.`);
    expect(mail.html).toContain(`Your verification code is ${first.code}.`);
    expect(mail.messageId).toBe(`<${first.id}@example.com>`);
    expect(mail.headers.get("x-cognate-message-id")).toBe(first.id);

    // On the wire: SES v2 SendEmail, signed for the identity's region, naming the identity.
    const call = moto
      .requests()
      .find((r) => r.url.includes("/v2/email/outbound-emails") && r.body.includes("amelia@example.com"));
    expect(call?.headers.Authorization ?? call?.headers.authorization).toMatch(
      /\/us-east-1\/ses\/aws4_request/,
    );
    expect(JSON.parse(call?.body ?? "{}")).toMatchObject({
      FromEmailAddress: "sender@example.com",
      FromEmailAddressIdentityArn: sourceArn,
      Destination: { ToAddresses: ["amelia@example.com"] },
    });

    await s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "amelia" }));
    const second = await settled(
      s,
      "amelia",
      (m) => m.triggerSource === "CustomMessage_ResendCode" && m.delivery.status !== "queued",
    );
    expect(second.delivery.status).toBe("sent");
    const both = await rawMessagesTo("amelia@example.com");
    expect(both).toHaveLength(2);
    const resent = await simpleParser(both[1]?.raw_data ?? "");
    expect(resent.text?.trim()).toBe(`Your verification code is ${second.code}.`);
    expect(resent.headers.get("x-cognate-message-id")).toBe(second.id);
  });

  it("marks the message failed when SES rejects an unverified sender", async () => {
    const { clientId } = await makePool(s.sdk, {
      EmailConfiguration: {
        EmailSendingAccount: "DEVELOPER",
        SourceArn: `arn:aws:ses:us-east-1:${ACCOUNT}:identity/unverified@example.com`,
      },
    });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "bruno",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "bruno@example.com" }],
      }),
    );
    const m = await settled(s, "bruno", (x) => x.delivery.status !== "queued");
    expect(m.delivery).toMatchObject({ status: "failed", transport: "ses", attempts: 1 });
    // The name and status only: SES quotes the identity it refuses, which is not kept.
    expect(m.delivery.lastError).toMatch(/^SES: MessageRejected \(HTTP 400\)$/);
    expect(await rawMessagesTo("bruno@example.com")).toHaveLength(0);
  });

  it("publishes SMS codes through SNS in the pool's SnsRegion, as transactional, with the message id attribute", async () => {
    const { clientId } = await makePool(s.sdk, {
      AutoVerifiedAttributes: ["phone_number"],
      SmsConfiguration: { SnsCallerArn: SMS_ROLE, ExternalId: "ext-123", SnsRegion: "eu-west-1" },
      VerificationMessageTemplate: { SmsMessage: "Your Example code: {####}" },
    });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "carla",
        Password: PASSWORD,
        UserAttributes: [{ Name: "phone_number", Value: "+14155550100" }],
      }),
    );
    const m = await settled(s, "carla", (x) => x.delivery.status !== "queued");
    expect(m.medium).toBe("SMS");
    expect(m.delivery).toEqual({ status: "sent", transport: "sns", attempts: 1, lastError: null });
    const data = await moto.data();
    const sms = (data.sns?.SMS ?? []) as { phone_number: string; message: string; message_id: string }[];
    expect(sms.filter((x) => x.phone_number === "+14155550100").map((x) => x.message)).toEqual([
      `Your Example code: ${m.code}`,
    ]);
    const publish = moto.requests().find((r) => r.body.includes("Action=Publish") && r.body.includes(m.id));
    expect(publish?.headers.Authorization ?? publish?.headers.authorization).toMatch(
      /\/eu-west-1\/sns\/aws4_request/,
    );
    const form = new URLSearchParams(publish?.body ?? "");
    expect(form.get("PhoneNumber")).toBe("+14155550100");
    const attributes: Record<string, string> = {};
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[form.get(`MessageAttributes.entry.${i}.Name`) ?? ""] =
        form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? "";
    }
    expect(attributes).toEqual({ "AWS.SNS.SMS.SMSType": "Transactional", "Cognate.MessageId": m.id });
  });

  it("refuses an SMS role the server does not allow, or the wrong ExternalId, before anything changes", async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [
        { SnsCallerArn: `arn:aws:iam::${ACCOUNT}:role/someone-else`, ExternalId: "ext-123" },
        "InvalidSmsRoleAccessPolicyException",
        /does not have permission to publish with SNS/,
      ],
      [
        { SnsCallerArn: `arn:aws:sns:us-east-1:${ACCOUNT}:not-a-role`, ExternalId: "ext-123" },
        "InvalidSmsRoleAccessPolicyException",
        /is not an IAM role/,
      ],
      [
        { SnsCallerArn: SMS_ROLE, ExternalId: "wrong" },
        "InvalidSmsRoleTrustRelationshipException",
        /Role does not have a trust relationship allowing Cognito to assume the role/,
      ],
    ];
    let n = 0;
    for (const [SmsConfiguration, error, message] of cases) {
      const { poolId, clientId } = await makePool(s.sdk, {
        AutoVerifiedAttributes: ["phone_number"],
        SmsConfiguration,
      });
      const username = `dario${n++}`;
      await expectError(
        s.sdk.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: username,
            Password: PASSWORD,
            UserAttributes: [{ Name: "phone_number", Value: "+14155550101" }],
          }),
        ),
        error,
        message,
      );
      await expectError(
        s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username })),
        "UserNotFoundException",
      );
      expect(await s.inbox.list({ userPoolId: poolId })).toEqual([]);
    }
  });
});
