// Codes by real email: a real SMTP server (smtp-server) in the test process, STARTTLS with a
// certificate the server under test must verify, AUTH, implicit TLS, and the outbox's retry
// and failure records as the dev inbox shows them.
import {
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { distinctCodes } from "../helpers/random.js";
import { type DevMessage, startServer, type TestServer } from "../helpers/server.js";
import {
  makeCert,
  type ReceivedMail,
  startSmtpServer,
  type TestCert,
  type TestSmtpServer,
} from "../helpers/smtp.js";

const FROM = "Cognate Test <no-reply@cognate.test>";
const FAST_OUTBOX = { baseDelayMs: 40, maxDelayMs: 200, pollMs: 50, maxAttempts: 4, leaseSeconds: 5 };

/** Polls the dev inbox until the user's newest message satisfies `done`. */
async function settled(
  s: TestServer,
  username: string,
  done: (m: DevMessage) => boolean,
  timeoutMs = 10_000,
): Promise<DevMessage> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = await s.inbox.latest({ username });
    if (m && done(m)) return m;
    if (Date.now() > until)
      throw new Error(`inbox: ${username}: not settled: ${JSON.stringify(m?.delivery)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function codeIn(text: string | undefined): string {
  const m = /\b(\d{6})\b/.exec(text ?? "");
  if (!m?.[1]) throw new Error(`no code in ${JSON.stringify(text)}`);
  return m[1];
}

describe("SMTP with STARTTLS and AUTH", () => {
  let cert: TestCert;
  let smtp: TestSmtpServer;
  let s: TestServer;
  /** Recipients refused with 4xx until the test takes them off, and how often they were. */
  const greylisted = new Map<string, number>();

  beforeAll(async () => {
    cert = makeCert();
    smtp = await startSmtpServer({
      cert,
      auth: { user: "mailer", pass: "s3cret/pass" },
      onRecipient(address) {
        if (address.startsWith("bounce")) return [550, "5.1.1 No such user here"];
        if (address.startsWith("always-busy")) return [451, "4.3.0 Try again later"];
        const held = greylisted.get(address);
        if (held !== undefined) {
          greylisted.set(address, held + 1);
          return [451, "4.7.1 Greylisted, try again later"];
        }
        return null;
      },
    });
    s = await startServer(
      {
        email: { smtpUrl: smtp.url(), from: FROM, smtp: { caFile: cert.certFile, requireTls: true } },
        outbox: FAST_OUTBOX,
      },
      // Codes that never repeat: "the old code fails" always has an old code to try.
      { random: distinctCodes() },
    );
  });
  afterAll(async () => {
    await s?.close();
    await smtp?.close();
    cert?.dispose();
  });

  it("delivers the SignUp code by email: From, subject, text and HTML bodies, ids; over TLS, authenticated", async () => {
    const { clientId } = await makePool(s.sdk);
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "ada",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "ada@example.com" }],
      }),
    );
    const record = await settled(s, "ada", (m) => m.delivery.status === "sent");
    expect(record.delivery).toEqual({ status: "sent", transport: "smtp", attempts: 1, lastError: null });
    const [mail] = smtp.to("ada@example.com");
    expect(mail).toBeDefined();
    const m = mail as ReceivedMail;
    expect(m.secure).toBe(true);
    expect(m.user).toBe("mailer");
    expect(m.envelope).toEqual({ from: "no-reply@cognate.test", to: ["ada@example.com"] });
    expect(m.parsed.from?.value).toEqual([{ address: "no-reply@cognate.test", name: "Cognate Test" }]);
    expect(m.parsed.subject).toBe("Your verification code");
    const code = record.code as string;
    expect(m.parsed.text?.trim()).toBe(`Your verification code is ${code}.`);
    expect(m.parsed.html).toContain(`Your verification code is ${code}.`);
    expect(m.parsed.messageId).toBe(`<${record.id}@cognate.test>`);
    expect(m.messageId).toBe(record.id);
    // The emailed code is the one that confirms.
    await s.sdk.send(
      new ConfirmSignUpCommand({
        ClientId: clientId,
        Username: "ada",
        ConfirmationCode: codeIn(m.parsed.text),
      }),
    );
  });

  it("sends a new email with a new code on ResendConfirmationCode; only the new code confirms", async () => {
    const { clientId } = await makePool(s.sdk);
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "bert",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "bert@example.com" }],
      }),
    );
    await settled(s, "bert", (m) => m.delivery.status === "sent");
    await s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "bert" }));
    const resent = await settled(
      s,
      "bert",
      (m) => m.triggerSource === "CustomMessage_ResendCode" && m.delivery.status === "sent",
    );
    const mails = smtp.to("bert@example.com");
    expect(mails).toHaveLength(2);
    const [first, second] = mails.map((m) => codeIn(m.parsed.text));
    expect(second).toBe(resent.code);
    expect(mails[1]?.messageId).toBe(resent.id);
    expect(mails[0]?.messageId).not.toBe(resent.id);
    expect(second).not.toBe(first);
    await expect(
      s.sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: "bert", ConfirmationCode: first })),
    ).rejects.toMatchObject({ name: "ExpiredCodeException" });
    await s.sdk.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: "bert", ConfirmationCode: second }),
    );
  });

  it("honours a DEVELOPER pool's From, ReplyToEmailAddress and SourceArn, and a COGNITO_DEFAULT pool's SourceArn address", async () => {
    const dev = await makePool(s.sdk, {
      EmailConfiguration: {
        EmailSendingAccount: "DEVELOPER",
        SourceArn: "arn:aws:ses:us-east-1:123456789012:identity/example.org",
        From: "Example Support <support@example.org>",
        ReplyToEmailAddress: "help@example.org",
      },
      VerificationMessageTemplate: {
        EmailSubject: "Welcome, here is your code",
        EmailMessage: "Code: {####}",
      },
    });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: dev.clientId,
        Username: "cleo",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "cleo@example.com" }],
      }),
    );
    const record = await settled(s, "cleo", (m) => m.delivery.status === "sent");
    const [m] = smtp.to("cleo@example.com");
    expect(m?.parsed.from?.value).toEqual([{ address: "support@example.org", name: "Example Support" }]);
    expect(m?.parsed.replyTo?.value).toEqual([{ address: "help@example.org", name: "" }]);
    expect(m?.parsed.subject).toBe("Welcome, here is your code");
    expect(m?.parsed.text?.trim()).toBe(`Code: ${record.code}`);
    expect(m?.parsed.messageId).toBe(`<${record.id}@example.org>`);

    const borrowed = await makePool(s.sdk, {
      EmailConfiguration: {
        EmailSendingAccount: "COGNITO_DEFAULT",
        SourceArn: "arn:aws:ses:us-east-1:123456789012:identity/notify@example.net",
      },
    });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: borrowed.clientId,
        Username: "dora",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "dora@example.com" }],
      }),
    );
    await settled(s, "dora", (x) => x.delivery.status === "sent");
    expect(smtp.to("dora@example.com")[0]?.parsed.from?.value).toEqual([
      { address: "notify@example.net", name: "" },
    ]);
  });

  it("sends HTML templates as HTML with a text part derived from them (link mode keeps the link)", async () => {
    const html = await makePool(s.sdk, {
      VerificationMessageTemplate: {
        EmailSubject: "Verify {username}",
        EmailMessage: "<h1>Hello {username}</h1><p>Your code is <b>{####}</b>.</p>",
      },
    });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: html.clientId,
        Username: "edda",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "edda@example.com" }],
      }),
    );
    const rec = await settled(s, "edda", (m) => m.delivery.status === "sent");
    const [m] = smtp.to("edda@example.com");
    expect(m?.parsed.subject).toBe("Verify edda");
    expect(m?.parsed.html).toBe(`<h1>Hello edda</h1><p>Your code is <b>${rec.code}</b>.</p>`);
    expect(m?.parsed.text).toContain("Hello edda");
    expect(m?.parsed.text).toContain(`Your code is ${rec.code}.`);
    expect(m?.parsed.text).not.toContain("<");

    const link = await makePool(s.sdk, {
      VerificationMessageTemplate: { DefaultEmailOption: "CONFIRM_WITH_LINK" },
    });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: link.clientId,
        Username: "finn",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "finn@example.com" }],
      }),
    );
    const linkRec = await settled(s, "finn", (x) => x.delivery.status === "sent");
    const [lm] = smtp.to("finn@example.com");
    const href = /href="([^"]+)"/.exec(lm?.parsed.html || "")?.[1]?.replace(/&(?:amp|#38);/g, "&");
    expect(href).toContain(`confirmation_code=${linkRec.code}`);
    expect(lm?.parsed.text).toContain(href as string);
  });

  it("retries a 4xx refusal with backoff, showing attempts and the last error, then delivers", async () => {
    const { clientId } = await makePool(s.sdk);
    // Refused until the test has seen the retries: the "queued with the last error" state is
    // then certain to be observed, not raced against the next attempt.
    greylisted.set("gil@example.com", 0);
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "gil",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "gil@example.com" }],
      }),
    );
    const retrying = await settled(s, "gil", (m) => m.delivery.attempts >= 2);
    expect(retrying.delivery.status).toBe("queued");
    // The status and class only: the server's own words are not kept (docs/security.md).
    expect(retrying.delivery.lastError).toBe("SMTP 451 4.7.1 EENVELOPE");
    const refused = greylisted.get("gil@example.com") ?? 0;
    greylisted.delete("gil@example.com");
    const done = await settled(s, "gil", (m) => m.delivery.status === "sent");
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(done.delivery).toEqual({
      status: "sent",
      transport: "smtp",
      attempts: refused + 1,
      lastError: null,
    });
    expect(smtp.to("gil@example.com")).toHaveLength(1);
  });

  it("marks a 5xx refusal failed at once, with its status", async () => {
    const { clientId } = await makePool(s.sdk);
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "hal",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "bounce-hal@example.com" }],
      }),
    );
    const m = await settled(s, "hal", (x) => x.delivery.status !== "queued");
    expect(m.delivery.status).toBe("failed");
    expect(m.delivery.attempts).toBe(1);
    expect(m.delivery.lastError).toBe("SMTP 550 5.1.1 EENVELOPE");
  });

  it("gives up after the configured number of attempts of a transient failure", async () => {
    const { clientId } = await makePool(s.sdk);
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "ida",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "always-busy@example.com" }],
      }),
    );
    const m = await settled(s, "ida", (x) => x.delivery.status !== "queued");
    expect(m.delivery.status).toBe("failed");
    expect(m.delivery.attempts).toBe(FAST_OUTBOX.maxAttempts);
    expect(m.delivery.lastError).toBe("SMTP 451 4.3.0 EENVELOPE");
    expect(smtp.to("always-busy@example.com")).toHaveLength(0);
  });
});

describe("SMTP over implicit TLS (smtps://), and bad credentials", () => {
  let cert: TestCert;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    cert = makeCert();
    smtp = await startSmtpServer({ secure: true, cert, auth: { user: "tls-user", pass: "pw" } });
  });
  afterAll(async () => {
    await smtp?.close();
    cert?.dispose();
  });

  it("delivers over smtps://", async () => {
    const s = await startServer({
      email: { smtpUrl: smtp.url("smtps"), smtp: { caFile: cert.certFile } },
      outbox: FAST_OUTBOX,
    });
    try {
      const { clientId } = await makePool(s.sdk);
      await s.sdk.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: "jo",
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: "jo@example.com" }],
        }),
      );
      const rec = await settled(s, "jo", (m) => m.delivery.status === "sent");
      const [m] = smtp.to("jo@example.com");
      expect(m?.secure).toBe(true);
      expect(m?.user).toBe("tls-user");
      // Cognito's own sender when the server sets no other.
      expect(m?.parsed.from?.value).toEqual([{ address: "no-reply@verificationemail.com", name: "" }]);
      expect(codeIn(m?.parsed.text)).toBe(rec.code);
    } finally {
      await s.close();
    }
  });

  it("refuses a server certificate it cannot verify, and wrong credentials, as permanent failures", async () => {
    const untrusted = await startServer({ email: { smtpUrl: smtp.url("smtps") }, outbox: FAST_OUTBOX });
    const wrongPass = await startServer({
      email: { smtpUrl: `smtps://tls-user:nope@127.0.0.1:${smtp.port}`, smtp: { caFile: cert.certFile } },
      outbox: FAST_OUTBOX,
    });
    try {
      for (const [s, name] of [
        [untrusted, "kim"],
        [wrongPass, "lou"],
      ] as const) {
        const { clientId } = await makePool(s.sdk);
        await s.sdk.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: name,
            Password: PASSWORD,
            UserAttributes: [{ Name: "email", Value: `${name}@example.com` }],
          }),
        );
      }
      const kim = await settled(untrusted, "kim", (m) => m.delivery.status !== "queued");
      const lou = await settled(wrongPass, "lou", (m) => m.delivery.status !== "queued");
      expect(kim.delivery.status).toBe("failed");
      expect(kim.delivery.lastError).toBe("SMTP ESOCKET TLS certificate not trusted");
      expect(lou.delivery).toMatchObject({ status: "failed", attempts: 1 });
      expect(lou.delivery.lastError).toBe("SMTP 535 EAUTH");
      expect(smtp.to("kim@example.com")).toHaveLength(0);
      expect(smtp.to("lou@example.com")).toHaveLength(0);
    } finally {
      await untrusted.close();
      await wrongPass.close();
    }
  });
});

describe("production mode with SMTP from the environment", () => {
  let smtp: TestSmtpServer;
  let s: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    // COGNATE_SMTP_URL and COGNATE_EMAIL_FROM land in the nested email section.
    const fromEnv = loadConfig({
      env: { COGNATE_SMTP_URL: smtp.url(), COGNATE_EMAIL_FROM: "Prod <codes@prod.test>" },
    });
    expect(fromEnv.email.smtpUrl).toBe(smtp.url());
    s = await startServer({
      mode: "production",
      email: fromEnv.email,
      outbox: FAST_OUTBOX,
      seed: {
        pools: [
          {
            PoolName: "prod",
            Id: "us-east-1_ProdMail1",
            AutoVerifiedAttributes: ["email"],
            Clients: [{ ClientName: "web", ClientId: "prodmailclient1" }],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await s?.close();
    await smtp?.close();
  });

  it("emails the code, then forgets the body (no code at rest once sent)", async () => {
    await s.sdk.send(
      new SignUpCommand({
        ClientId: "prodmailclient1",
        Username: "vera",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "vera@example.com" }],
      }),
    );
    const [mail] = await smtp.waitFor(1);
    expect(mail?.parsed.from?.value).toEqual([{ address: "codes@prod.test", name: "Prod" }]);
    const code = codeIn(mail?.parsed.text);
    const until = Date.now() + 5000;
    let rows = await s.app.store.store.read.outbox.list({});
    while (rows[0]?.status !== "sent" && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 25));
      rows = await s.app.store.store.read.outbox.list({});
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "sent", transport: "smtp", attempts: 1, body: "", code: null });
    expect(JSON.stringify(rows[0])).not.toContain(code);
    await s.sdk.send(
      new ConfirmSignUpCommand({ ClientId: "prodmailclient1", Username: "vera", ConfirmationCode: code }),
    );
  });
});

describe("production mode, a message refused for good", () => {
  it("forgets the body and code of a message that failed permanently", async () => {
    const smtp = await startSmtpServer({
      onRecipient: (address) => (address === "gone@example.com" ? [550, "No such mailbox"] : null),
    });
    const s = await startServer({
      mode: "production",
      email: { smtpUrl: smtp.url(), from: "Prod <codes@prod.test>" },
      outbox: FAST_OUTBOX,
      seed: {
        pools: [
          {
            PoolName: "prod",
            Id: "us-east-1_ProdMail2",
            AutoVerifiedAttributes: ["email"],
            Clients: [{ ClientName: "web", ClientId: "prodmailclient2" }],
          },
        ],
      },
    });
    try {
      await s.sdk.send(
        new SignUpCommand({
          ClientId: "prodmailclient2",
          Username: "gone",
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: "gone@example.com" }],
        }),
      );
      const until = Date.now() + 5000;
      let rows = await s.app.store.store.read.outbox.list({});
      while (rows[0]?.status !== "failed" && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 25));
        rows = await s.app.store.store.read.outbox.list({});
      }
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: "failed", body: "", code: null });
      expect(rows[0]?.lastError).toMatch(/550/);
    } finally {
      await s.close();
      await smtp.close();
    }
  });
});
