// Log hygiene: the whole confirmation lifecycle at debug level, with a password, a client
// secret (SecretHash), ClientMetadata, UserContextData, signed admin calls, failures and a
// bounced message — and none of the secrets used may appear anywhere in the log output.
// Production also keeps codes and destinations (email addresses) out; dev mode shows the
// developer the code and destination of each message on purpose.
import { createHmac } from "node:crypto";
import { Writable } from "node:stream";
import {
  AdminConfirmSignUpCommand,
  type CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { type AccessKey, signedSdk } from "../helpers/sigv4.js";
import { makeCert, startSmtpServer } from "../helpers/smtp.js";

const ADMIN: AccessKey = {
  accessKeyId: "LOGTESTKEY000000001",
  secretAccessKey: "log-test-admin-secret-value-1",
};
const SMTP_PASS = "smtp-pass-word-42";
const SECRETS = {
  password: PASSWORD,
  weakPassword: "weakpw",
  clientMetadata: "client-metadata-secret-7f3a",
  encodedData: "user-context-encoded-data-9b1c",
  adminSecret: ADMIN.secretAccessKey,
  smtpPassword: SMTP_PASS,
};

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    }),
    text: () => chunks.join(""),
  };
}

function secretHash(secret: string, username: string, clientId: string): string {
  return createHmac("sha256", secret)
    .update(username + clientId)
    .digest("base64");
}

interface Lifecycle {
  used: string[];
  codes: string[];
  destinations: string[];
}

/** SignUp → Resend → wrong and right ConfirmSignUp, AdminConfirmSignUp, and failures. */
async function lifecycle(
  s: TestServer,
  admin: CognitoIdentityProviderClient,
  codeOf: (email: string, nth: number) => Promise<string>,
): Promise<Lifecycle> {
  const pool = await admin.send(
    new CreateUserPoolCommand({ PoolName: "logs", AutoVerifiedAttributes: ["email"] }),
  );
  const poolId = pool.UserPool?.Id ?? "";
  const made = await admin.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "secret-client",
      GenerateSecret: true,
    }),
  );
  const clientId = made.UserPoolClient?.ClientId ?? "";
  const clientSecret = made.UserPoolClient?.ClientSecret ?? "";
  expect(clientSecret.length).toBeGreaterThan(20);
  const sdk = s.sdk;
  const email = "logtest.person@example.org";
  const hash = secretHash(clientSecret, "loguser", clientId);
  const context = { IpAddress: "203.0.113.9", EncodedData: SECRETS.encodedData };
  const meta = { note: SECRETS.clientMetadata };

  await expect(
    sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        SecretHash: hash,
        Username: "loguser",
        Password: SECRETS.weakPassword,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    ),
  ).rejects.toMatchObject({ name: "InvalidPasswordException" });
  await expect(
    sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        SecretHash: "bm90LXRoZS1oYXNo",
        Username: "loguser",
        Password: PASSWORD,
      }),
    ),
  ).rejects.toMatchObject({ name: "NotAuthorizedException" });
  await sdk.send(
    new SignUpCommand({
      ClientId: clientId,
      SecretHash: hash,
      Username: "loguser",
      Password: PASSWORD,
      UserAttributes: [{ Name: "email", Value: email }],
      ClientMetadata: meta,
      UserContextData: context,
    }),
  );
  const first = await codeOf(email, 1);
  await sdk.send(
    new ResendConfirmationCodeCommand({
      ClientId: clientId,
      SecretHash: hash,
      Username: "loguser",
      ClientMetadata: meta,
      UserContextData: context,
    }),
  );
  const second = await codeOf(email, 2);
  expect(second).not.toBe(first);
  await expect(
    sdk.send(
      new ConfirmSignUpCommand({
        ClientId: clientId,
        SecretHash: hash,
        Username: "loguser",
        ConfirmationCode: first,
      }),
    ),
  ).rejects.toMatchObject({ name: "ExpiredCodeException" });
  await sdk.send(
    new ConfirmSignUpCommand({
      ClientId: clientId,
      SecretHash: hash,
      Username: "loguser",
      ConfirmationCode: second,
      ClientMetadata: meta,
      UserContextData: context,
    }),
  );
  const other = "other.person@example.org";
  await sdk.send(
    new SignUpCommand({
      ClientId: clientId,
      SecretHash: secretHash(clientSecret, "loguser2", clientId),
      Username: "loguser2",
      Password: PASSWORD,
      UserAttributes: [{ Name: "email", Value: other }],
    }),
  );
  const third = await codeOf(other, 1);
  await admin.send(
    new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "loguser2", ClientMetadata: meta }),
  );
  return {
    used: [clientSecret, hash, secretHash(clientSecret, "loguser2", clientId)],
    codes: [first, second, third],
    destinations: [email, other],
  };
}

function leaks(log: string, secrets: string[]): string[] {
  return secrets.filter((x) => x.length > 0 && log.includes(x));
}

describe("no secret in the logs, at debug level", () => {
  it("production mode: no password, code, client secret, SecretHash, key secret or destination", async () => {
    const cert = makeCert();
    const bounced = "bounce.target@example.net";
    const smtp = await startSmtpServer({
      cert,
      auth: { user: "mailer", pass: SMTP_PASS },
      // The refusal quotes the address, as real servers do: the warning must not carry it.
      onRecipient: (address) =>
        address === bounced ? [550, `5.1.1 <${address}>: Recipient address rejected`] : null,
    });
    const logs = capture();
    const s = await startServer(
      {
        mode: "production",
        logLevel: "debug",
        credentials: [ADMIN],
        passwordHashing: { ln: 4, r: 8, p: 1 },
        email: {
          smtpUrl: `smtp://mailer:${SMTP_PASS}@127.0.0.1:${smtp.port}`,
          smtp: { caFile: cert.certFile, requireTls: true },
        },
        outbox: { baseDelayMs: 10, maxDelayMs: 20, pollMs: 20 },
      },
      { logStream: logs.stream },
    );
    const admin = signedSdk(s.url, ADMIN);
    try {
      const codeOf = async (email: string, nth: number) => {
        const end = Date.now() + 15_000;
        while (Date.now() < end) {
          const mails = smtp.to(email);
          if (mails.length >= nth) {
            const text = mails[nth - 1]?.parsed.text ?? "";
            const m = /\b(\d{6})\b/.exec(text);
            if (m?.[1]) return m[1];
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`no mail #${nth} to ${email}`);
      };
      const run = await lifecycle(s, admin, codeOf);
      // A message whose recipient the server refuses: the failure is logged (scrubbed).
      const pool = await admin.send(
        new CreateUserPoolCommand({ PoolName: "bounce", AutoVerifiedAttributes: ["email"] }),
      );
      const c = await admin.send(
        new CreateUserPoolClientCommand({ UserPoolId: pool.UserPool?.Id ?? "", ClientName: "b" }),
      );
      await s.sdk.send(
        new SignUpCommand({
          ClientId: c.UserPoolClient?.ClientId ?? "",
          Username: "bouncer",
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: bounced }],
        }),
      );
      const end = Date.now() + 15_000;
      while (!logs.text().includes("delivery failed") && Date.now() < end)
        await new Promise((r) => setTimeout(r, 50));
      admin.destroy();
      await s.close();
      const log = logs.text();
      // The log is really at debug level and covers the requests made.
      expect(log).toContain('"msg":"request"');
      expect(log).toContain('"operation":"ConfirmSignUp"');
      expect(log).toContain("delivery failed");
      // The refusal is logged as its status and class; the server's text (quoting the
      // address) is not kept at all (adapters/delivery/failures.ts).
      expect(log).toContain('"reason":"SMTP 550 5.1.1 EENVELOPE"');
      expect(
        leaks(log, [...Object.values(SECRETS), ...run.used, ...run.codes, ...run.destinations, bounced]),
      ).toEqual([]);
    } finally {
      await smtp.close();
      cert.dispose();
    }
  }, 60_000);

  it("dev mode: no password, client secret, SecretHash or key secret (codes are shown on purpose)", async () => {
    const logs = capture();
    const s = await startServer({ logLevel: "debug" }, { logStream: logs.stream });
    const admin = signedSdk(s.url, ADMIN);
    const codeOf = async (email: string, nth: number) => {
      const msgs = (await s.inbox.list({ destination: email })).filter((m) => m.code);
      const m = msgs[nth - 1];
      if (!m?.code) throw new Error(`no message #${nth} for ${email}`);
      return m.code;
    };
    const run = await lifecycle(s, admin, codeOf);
    admin.destroy();
    await s.close();
    const log = logs.text();
    expect(log).toContain('"msg":"request"');
    // The developer sees the codes in the terminal in dev mode (README "The dev inbox").
    expect(log).toContain(run.codes[1] as string);
    expect(leaks(log, [...Object.values(SECRETS), ...run.used])).toEqual([]);
  }, 60_000);
});
