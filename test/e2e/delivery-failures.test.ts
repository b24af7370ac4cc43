// A mail server or SMS gateway that refuses a message often quotes it back: "550 rejected:
// <the whole message>", "500 upstream error for {…"message":"Your code is 123456"…}". What
// Cognate keeps of a failure — the warning it logs and the outbox's last error — is the
// status and the class of error only, never that text: in production no log line and no
// table holds the code or the destination afterwards, and the dev inbox shows the status.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { type DevMessage, startServer, type TestServer } from "../helpers/server.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";

const OUTBOX = { baseDelayMs: 20, maxDelayMs: 50, pollMs: 20, maxAttempts: 2, leaseSeconds: 5 };
const SECRET = "gateway-secret-0123456789";

/** An SMTP server refusing every message with its text, and an SMS gateway answering 500 with the request. */
async function echoingRemotes(): Promise<{
  smtp: TestSmtpServer;
  gateway: Server;
  gatewayUrl: string;
  seen: string[];
  close(): Promise<void>;
}> {
  const seen: string[] = [];
  const smtp = await startSmtpServer({
    onMessage: (raw) => {
      seen.push(raw);
      return [550, `5.6.0 Message refused, content follows: ${raw.replace(/\r?\n/g, " ")}`];
    },
  });
  const gateway = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push(body);
      res.writeHead(500, { "content-type": "text/plain" }).end(`upstream error for request ${body}`);
    });
  });
  await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", () => r()));
  const port = (gateway.address() as AddressInfo).port;
  return {
    smtp,
    gateway,
    gatewayUrl: `http://127.0.0.1:${port}/sms`,
    seen,
    async close() {
      await smtp.close();
      await new Promise((r) => gateway.close(r));
    },
  };
}

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

async function until(what: string, done: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("production: a refusal that echoes the message leaves no code or destination behind", () => {
  let remotes: Awaited<ReturnType<typeof echoingRemotes>>;
  let s: TestServer;
  const logs = capture();
  beforeAll(async () => {
    remotes = await echoingRemotes();
    s = await startServer(
      {
        mode: "production",
        logLevel: "debug",
        passwordHashing: { ln: 4, r: 8, p: 1 },
        email: { smtpUrl: remotes.smtp.url(), from: "codes@prod.test" },
        sms: { webhookUrl: remotes.gatewayUrl, webhookSecret: SECRET },
        outbox: OUTBOX,
        seed: {
          pools: [
            {
              PoolName: "mail",
              Id: "us-east-1_EchoMail1",
              AutoVerifiedAttributes: ["email"],
              Clients: [{ ClientName: "web", ClientId: "echomailclient1" }],
            },
            {
              PoolName: "sms",
              Id: "us-east-1_EchoSms1",
              AutoVerifiedAttributes: ["phone_number"],
              Clients: [{ ClientName: "web", ClientId: "echosmsclient1" }],
            },
          ],
        },
      },
      { logStream: logs.stream },
    );
  });
  afterAll(async () => {
    await s?.close();
    await remotes?.close();
  });

  it("logs and stores the status and class, never the remote's text", async () => {
    const email = "echo.target@example.org";
    const phone = "+14155550177";
    await s.sdk.send(
      new SignUpCommand({
        ClientId: "echomailclient1",
        Username: "mailuser",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    await s.sdk.send(
      new SignUpCommand({
        ClientId: "echosmsclient1",
        Username: "smsuser",
        Password: PASSWORD,
        UserAttributes: [{ Name: "phone_number", Value: phone }],
      }),
    );
    const outbox = () => s.app.store.store.read.outbox.list({});
    await until("both messages failed", async () => {
      const rows = await outbox();
      return rows.length === 2 && rows.every((r) => r.status === "failed");
    });
    // Both remotes did see (and echo) each code: the test knows what to look for.
    const codes = remotes.seen.map((t) => /\b(\d{6})\b/.exec(t)?.[1] ?? "");
    expect(codes).toHaveLength(1 + OUTBOX.maxAttempts);
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);

    const rows = await outbox();
    const mail = rows.find((r) => r.medium === "EMAIL");
    const sms = rows.find((r) => r.medium === "SMS");
    expect(mail).toMatchObject({ attempts: 1, lastError: "SMTP 550 5.6.0 EMESSAGE", body: "", code: null });
    expect(sms).toMatchObject({
      attempts: OUTBOX.maxAttempts,
      lastError: "SMS gateway: HTTP 500",
      body: "",
      code: null,
    });

    // No table holds a code; the destinations only where they belong (the user's attribute,
    // the message's recipient), not in an error.
    const dump = await s.dumpTables();
    for (const c of codes) expect(dump).not.toContain(c);
    const placesOf = (value: string) =>
      dump
        .split("\n")
        .flatMap((line) => {
          const space = line.indexOf(" ");
          const row = JSON.parse(line.slice(space + 1)) as Record<string, unknown>;
          return Object.entries(row)
            .filter(([, v]) => String(v).includes(value))
            .map(([k]) => `${line.slice(0, space)}.${k}`);
        })
        .sort();
    for (const dest of [email, phone]) {
      for (const place of placesOf(dest)) expect(place).toMatch(/^(users\.attributes|outbox\.destination)$/);
    }

    const log = logs.text();
    expect(log).toContain("delivery failed");
    expect(log).toContain("SMTP 550 5.6.0 EMESSAGE");
    expect(log).toContain("SMS gateway: HTTP 500");
    for (const secret of [...codes, email, phone, "Message refused", "upstream error"]) {
      expect(log).not.toContain(secret);
    }
  });
});

describe("dev mode: the inbox shows the failure's status and class", () => {
  let remotes: Awaited<ReturnType<typeof echoingRemotes>>;
  let s: TestServer;
  beforeAll(async () => {
    remotes = await echoingRemotes();
    s = await startServer({
      email: { smtpUrl: remotes.smtp.url() },
      sms: { webhookUrl: remotes.gatewayUrl, webhookSecret: SECRET },
      outbox: OUTBOX,
    });
  });
  afterAll(async () => {
    await s?.close();
    await remotes?.close();
  });

  it("delivery.lastError is `SMTP 550 …` / `SMS gateway: HTTP 500`", async () => {
    const emailPool = await makePool(s.sdk);
    const smsPool = await makePool(s.sdk, { AutoVerifiedAttributes: ["phone_number"] });
    for (const [clientId, username, attr] of [
      [emailPool.clientId, "devmail", { Name: "email", Value: "devmail@example.org" }],
      [smsPool.clientId, "devsms", { Name: "phone_number", Value: "+14155550178" }],
    ] as const) {
      await s.sdk.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: username,
          Password: PASSWORD,
          UserAttributes: [attr],
        }),
      );
    }
    let mail: DevMessage | null = null;
    let sms: DevMessage | null = null;
    await until("both messages failed", async () => {
      mail = await s.inbox.latest({ username: "devmail" });
      sms = await s.inbox.latest({ username: "devsms" });
      return mail?.delivery.status === "failed" && sms?.delivery.status === "failed";
    });
    expect(mail).toMatchObject({ delivery: { transport: "smtp", lastError: "SMTP 550 5.6.0 EMESSAGE" } });
    expect(sms).toMatchObject({ delivery: { transport: "http-sms", lastError: "SMS gateway: HTTP 500" } });
  });
});
