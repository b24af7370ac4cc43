// Crash safety: the real server process is SIGKILLed at random moments under SignUp and
// ResendConfirmationCode load, and restarted on the same SQLite file, several times. Every
// request that got a 200 must be in the store (the user, and its message in the outbox), the
// outbox must pick up where the dead process left off, and SQLite must report no corruption.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildServer, startChild } from "../helpers/child.js";
import { PASSWORD } from "../helpers/fixtures.js";
import type { DevMessage } from "../helpers/server.js";

const ITERATIONS = 6;
const WORKERS = 12;

async function call(
  url: string,
  op: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${op}`,
    },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

async function messages(url: string, poolId: string): Promise<DevMessage[]> {
  const r = await fetch(`${url}/_dev/messages?userPoolId=${encodeURIComponent(poolId)}`);
  return ((await r.json()) as { messages: DevMessage[] }).messages;
}

async function listUsernames(url: string, poolId: string): Promise<Set<string>> {
  const names = new Set<string>();
  let token: string | undefined;
  do {
    const r = await call(url, "ListUsers", {
      UserPoolId: poolId,
      Limit: 60,
      ...(token ? { PaginationToken: token } : {}),
    });
    expect(r.status).toBe(200);
    for (const u of r.json.Users as { Username: string }[]) names.add(u.Username);
    token = r.json.PaginationToken as string | undefined;
  } while (token);
  return names;
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

describe("crash safety under load (SIGKILL)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cognate-crash-"));
  const db = join(dir, "cognate.db");
  const config = join(dir, "cognate.json");
  // A short outbox lease, so that a message claimed by a killed process is retried quickly.
  writeFileSync(config, JSON.stringify({ outbox: { leaseSeconds: 1, pollMs: 100 } }));
  let child: ChildServer | undefined;
  afterAll(() => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it(`loses nothing acknowledged across ${ITERATIONS} kills`, { timeout: 300_000 }, async () => {
    child = await startChild(["--db", db, "--config", config, "--log-level", "warn"]);
    const pool = await call(child.url, "CreateUserPool", {
      PoolName: "crash",
      AutoVerifiedAttributes: ["email"],
    });
    const poolId = (pool.json.UserPool as { Id: string }).Id;
    const client = await call(child.url, "CreateUserPoolClient", { UserPoolId: poolId, ClientName: "c" });
    const clientId = (client.json.UserPoolClient as { ClientId: string }).ClientId;

    const signedUp = new Set<string>();
    const resends = new Map<string, number>();
    let survived = 0;
    let acked = 0;

    for (let iter = 0; iter < ITERATIONS; iter++) {
      const url = child.url;
      let stop = false;
      const worker = async (w: number) => {
        for (let k = 0; !stop; k++) {
          const username = `i${iter}w${w}n${k}`;
          try {
            const up = await call(url, "SignUp", {
              ClientId: clientId,
              Username: username,
              Password: PASSWORD,
              UserAttributes: [{ Name: "email", Value: `${username}@example.com` }],
            });
            if (up.status !== 200) throw new Error(`SignUp answered ${up.status} ${JSON.stringify(up.json)}`);
            signedUp.add(username);
            acked++;
            for (let n = 0; n < 1 + (k % 3) && !stop; n++) {
              const r = await call(url, "ResendConfirmationCode", { ClientId: clientId, Username: username });
              if (r.status !== 200) throw new Error(`Resend answered ${r.status} ${JSON.stringify(r.json)}`);
              resends.set(username, (resends.get(username) ?? 0) + 1);
              acked++;
            }
          } catch (e) {
            // The connection died with the process: that request was never acknowledged.
            if (e instanceof Error && e.message.startsWith("fetch failed")) return;
            if (e instanceof TypeError) return;
            throw e;
          }
        }
      };
      const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      await new Promise((r) => setTimeout(r, 400 + Math.floor(Math.random() * 1200)));
      child.kill("SIGKILL");
      const exit = await child.exited;
      expect(exit.signal).toBe("SIGKILL");
      stop = true;
      await load;

      child = await startChild(["--db", db, "--config", config, "--log-level", "warn"]);
      // Every acknowledged sign-up is a user; every acknowledged message is in the outbox.
      const users = await listUsernames(child.url, poolId);
      const missingUsers = [...signedUp].filter((u) => !users.has(u));
      expect(missingUsers).toEqual([]);
      const msgs = await messages(child.url, poolId);
      const byUser = new Map<string, { signup: number; resend: number }>();
      for (const m of msgs) {
        const c = byUser.get(m.username) ?? { signup: 0, resend: 0 };
        if (m.triggerSource === "CustomMessage_SignUp") c.signup++;
        if (m.triggerSource === "CustomMessage_ResendCode") c.resend++;
        byUser.set(m.username, c);
      }
      const lost = [...signedUp].filter(
        (u) => (byUser.get(u)?.signup ?? 0) < 1 || (byUser.get(u)?.resend ?? 0) < (resends.get(u) ?? 0),
      );
      expect(lost).toEqual([]);
      // The outbox resumes: whatever the dead process had queued or claimed gets sent.
      const drained = await waitFor(
        async () => (await messages(child?.url ?? "", poolId)).every((m) => m.delivery.status === "sent"),
        20_000,
      );
      expect(drained).toBe(true);
      survived++;
    }

    child.kill("SIGTERM");
    expect((await child.exited).code).toBe(0);
    const sqlite = new Database(db, { readonly: true });
    try {
      expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
      const rows = sqlite.prepare("SELECT count(*) AS n FROM users WHERE pool_id = ?").get(poolId) as {
        n: number;
      };
      expect(rows.n).toBeGreaterThanOrEqual(signedUp.size);
    } finally {
      sqlite.close();
    }
    console.log(
      `crash test: ${survived}/${ITERATIONS} SIGKILL iterations survived; ${acked} acknowledged requests (${signedUp.size} sign-ups) all found after restart`,
    );
    expect(survived).toBe(ITERATIONS);
    expect(signedUp.size).toBeGreaterThan(ITERATIONS * 5);
  });
});
