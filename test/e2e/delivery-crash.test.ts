// Crash safety of the outbox with the real `cognate serve` process: messages acknowledged
// while the SMTP server is down survive a SIGKILL and are delivered once after a restart.
// Also `cognate messages`, which reads the same store.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ResendConfirmationCodeCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, runCli, startChild } from "../helpers/child.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { freePort } from "../helpers/moto.js";
import { DevInbox, type DevMessage, sdkClient } from "../helpers/server.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";

const POOL = "us-east-1_Crash1";
const CLIENT = "crashclient1";
const USERS = 20;
const RESENDS = 5;

describe("outbox crash safety (SIGKILL while SMTP is down)", () => {
  let dir: string;
  let smtpPort: number;
  let smtp: TestSmtpServer | null = null;
  const children: ChildServer[] = [];
  let args: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cognate-crash-"));
    smtpPort = await freePort();
    const config = {
      logLevel: "silent",
      email: { from: "Crash Test <codes@crash.test>" },
      outbox: { baseDelayMs: 100, maxDelayMs: 400, pollMs: 100, maxAttempts: 1000, leaseSeconds: 2 },
      seed: {
        pools: [
          {
            PoolName: "crash",
            Id: POOL,
            AutoVerifiedAttributes: ["email"],
            Clients: [{ ClientName: "web", ClientId: CLIENT }],
          },
        ],
      },
    };
    writeFileSync(join(dir, "cognate.json"), JSON.stringify(config));
    args = [
      "--db",
      join(dir, "cognate.db"),
      "--config",
      join(dir, "cognate.json"),
      "--smtp-url",
      `smtp://127.0.0.1:${smtpPort}`,
    ];
  });
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await Promise.all(children.map((c) => c.exited));
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers every acknowledged message exactly once after a restart", { timeout: 120_000 }, async () => {
    // 1. A server whose SMTP server is not there: requests are acknowledged, mail is queued.
    const first = await startChild(args);
    children.push(first);
    // The banner names the transports (the line after "listening on").
    for (let i = 0; i < 100 && !first.stdout().includes("delivery:"); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(first.stdout()).toContain(`delivery: email: smtp smtp://127.0.0.1:${smtpPort} (COGNITO_DEFAULT)`);
    const sdk = sdkClient(first.url);
    for (let i = 0; i < USERS; i++) {
      await sdk.send(
        new SignUpCommand({
          ClientId: CLIENT,
          Username: `user${i}`,
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: `user${i}@example.com` }],
        }),
      );
    }
    for (let i = 0; i < RESENDS; i++) {
      await sdk.send(new ResendConfirmationCodeCommand({ ClientId: CLIENT, Username: `user${i}` }));
    }
    sdk.destroy();
    const inbox = new DevInbox(first.url);
    let queued: DevMessage[] = [];
    const until = Date.now() + 15_000;
    for (;;) {
      queued = await inbox.list();
      // Each address's oldest message has been tried; the later ones wait behind it
      // (one recipient's messages go out in queue order: docs/delivery.md "The outbox").
      const heads = new Map<string, DevMessage>();
      for (const m of queued) if (!heads.has(m.destination)) heads.set(m.destination, m);
      if (queued.length === USERS + RESENDS && [...heads.values()].every((m) => m.delivery.attempts >= 1)) {
        break;
      }
      if (Date.now() > until)
        throw new Error(`not all attempted: ${JSON.stringify(queued.map((m) => m.delivery))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const tried = queued.filter((m) => m.delivery.attempts >= 1);
    expect(tried.length).toBeGreaterThanOrEqual(USERS);
    for (const m of queued) expect(m.delivery.status).toBe("queued");
    for (const m of tried) expect(m.delivery.lastError).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);
    const acknowledged = queued.map((m) => m.id);

    // 2. Killed outright: no shutdown code runs.
    first.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");

    // 3. The SMTP server comes up where the configuration points, then the server restarts.
    smtp = await startSmtpServer({ port: smtpPort });
    const second = await startChild(args);
    children.push(second);
    await smtp.waitFor(acknowledged.length, 30_000);
    // Give a duplicate, if there were one, time to arrive.
    await new Promise((r) => setTimeout(r, 1500));
    const ids = smtp.received.map((m) => m.messageId);
    expect(ids).toHaveLength(acknowledged.length);
    expect(new Set(ids)).toEqual(new Set(acknowledged));
    // And each address got its messages in the order they were queued.
    for (const d of new Set(queued.map((m) => m.destination))) {
      const arrived = smtp.received.filter((r) => r.envelope.to.includes(d)).map((r) => r.messageId);
      expect(arrived).toEqual(queued.filter((m) => m.destination === d).map((m) => m.id));
    }
    // Each email carries the code its record holds.
    const after = await new DevInbox(second.url).list();
    for (const m of after) {
      expect(m.delivery.status).toBe("sent");
      const mail = smtp.received.find((r) => r.messageId === m.id);
      expect(mail?.parsed.text).toContain(m.code as string);
      expect(mail?.envelope.to).toEqual([m.destination]);
    }

    // 4. `cognate messages` reads the same store (the server may keep running).
    const table = await runCli(["messages", "--db", join(dir, "cognate.db"), "--pool", POOL]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^CREATED\s+ID\s+POOL\s+USERNAME\s+MEDIUM\s+DESTINATION\s+STATUS\s+TRANSPORT\s+ATT\s+LAST ERROR$/,
    );
    expect(lines).toHaveLength(acknowledged.length + 2);
    expect(lines.at(-1)).toBe(`${acknowledged.length} messages`);
    const user0 = lines.filter((l) => l.includes(" user0 "));
    expect(user0).toHaveLength(2);
    for (const l of user0) expect(l).toMatch(/ EMAIL\s+user0@example\.com\s+sent\s+smtp\s+\d+/);

    const json = await runCli(["messages", "--db", join(dir, "cognate.db"), "--json", "--status", "sent"]);
    const records = JSON.parse(json.stdout) as DevMessage[];
    expect(records.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
    // Tried before the kill and once more after it; those held behind them, once after it.
    const triedBefore = new Set(tried.map((m) => m.id));
    for (const r of records) {
      expect(r.delivery.transport).toBe("smtp");
      expect(r.delivery.attempts).toBeGreaterThanOrEqual(triedBefore.has(r.id) ? 2 : 1);
    }

    const none = await runCli(["messages", "--db", join(dir, "cognate.db"), "--status", "failed"]);
    expect(none.stdout.trim().split("\n").at(-1)).toBe("0 messages");
    const bad = await runCli(["messages", "--db", join(dir, "cognate.db"), "--status", "lost"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status must be one of queued, sent, failed, got "lost"');
  });
});
