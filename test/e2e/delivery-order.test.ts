// One recipient's messages arrive in the order they were queued, even when the dispatcher
// sends a batch over several SMTP connections at once and the SMTP server answers them out
// of turn: the newest email a person (or a test) reads is the newest code. Many users at once
// keep the outbox busy, so a claimed batch holds several messages to the same address unless
// the dispatcher prevents it (docs/delivery.md "Order").
import {
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { distinctCodes } from "../helpers/random.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";

const USERS = 24;
const RESENDS = 4;

describe("delivery order per recipient", () => {
  let smtp: TestSmtpServer;
  let s: TestServer;

  beforeAll(async () => {
    // A slow server whose answer time varies per message: concurrent sends to one address
    // would be accepted in whatever order their delays fall.
    let n = 0;
    smtp = await startSmtpServer({ acceptDelayMs: () => [70, 10, 120, 30, 0, 90, 50][n++ % 7] ?? 0 });
    s = await startServer(
      {
        email: { smtpUrl: smtp.url(), from: "no-reply@cognate.test", smtp: { maxConnections: 8 } },
        outbox: { baseDelayMs: 40, maxDelayMs: 200, pollMs: 50, maxAttempts: 4, leaseSeconds: 5 },
      },
      { random: distinctCodes() },
    );
  });
  afterAll(async () => {
    await s?.close();
    await smtp?.close();
  });

  it("a sign-up and the resends that follow reach each address in the order they were queued; the last one confirms", async () => {
    const { clientId } = await makePool(s.sdk);
    const names = Array.from({ length: USERS }, (_, i) => `order${i}`);
    // Each user's calls one after the other, users side by side: the outbox fills faster than
    // the slow SMTP server drains it.
    await Promise.all(
      names.map(async (name) => {
        await s.sdkWithRetries.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: name,
            Password: PASSWORD,
            UserAttributes: [{ Name: "email", Value: `${name}@example.com` }],
          }),
        );
        for (let k = 0; k < RESENDS; k++) {
          await s.sdkWithRetries.send(
            new ResendConfirmationCodeCommand({ ClientId: clientId, Username: name }),
          );
        }
      }),
    );
    // Delivery is at least once: a send slower than the lease may be repeated, and receivers
    // drop the repeat by its id; order is that of first arrivals.
    const firstArrivals = (name: string) => [
      ...new Set(smtp.to(`${name}@example.com`).map((m) => m.messageId)),
    ];
    const until = Date.now() + 60_000;
    while (names.some((name) => firstArrivals(name).length < RESENDS + 1) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const outOfOrder: string[] = [];
    for (const name of names) {
      const arrived = firstArrivals(name);
      // The queue's order (the dev inbox lists oldest first), which is the order of the calls.
      const expected = (await s.inbox.list({ username: name })).map((m) => m.id);
      expect(new Set(expected).size).toBe(RESENDS + 1);
      if (JSON.stringify(arrived) !== JSON.stringify(expected)) outOfOrder.push(name);
    }
    expect(outOfOrder).toEqual([]);
    // What a person does: take the newest email's code; it confirms.
    for (const name of names.slice(0, 3)) {
      const last = smtp.to(`${name}@example.com`).at(-1);
      const code = /\b(\d{6})\b/.exec(last?.parsed.text ?? "")?.[1] ?? "none";
      await s.sdkWithRetries.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: name, ConfirmationCode: code }),
      );
    }
  }, 120_000);
});
