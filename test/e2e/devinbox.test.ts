// The dev inbox contract (docs/dev-inbox.md), and production mode turning it off.
import { Writable } from "node:stream";
import { ResendConfirmationCodeCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usernameKey } from "../../src/domain/usernames.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString("utf8");
    done();
  }
}

describe("dev inbox", () => {
  let s: TestServer;
  const logs = new Capture();
  let pool: { poolId: string; clientId: string };
  let other: { poolId: string; clientId: string };
  beforeAll(async () => {
    s = await startServer({ logLevel: "info" }, { logStream: logs });
    pool = await makePool(s.sdk);
    other = await makePool(s.sdk);
    for (const [p, u] of [
      [pool, "ivy"],
      [pool, "jack"],
      [other, "ivy"],
    ] as const) {
      await s.sdk.send(
        new SignUpCommand({
          ClientId: p.clientId,
          Username: u,
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: `${u}@${p.poolId.toLowerCase()}.example.com` }],
        }),
      );
    }
    await s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: pool.clientId, Username: "ivy" }));
  });
  afterAll(() => s.close());

  it("lists every message oldest first with the contract's fields", async () => {
    const all = await s.inbox.list();
    expect(all.length).toBe(4);
    const m = all[0];
    expect(Object.keys(m ?? {}).sort()).toEqual(
      [
        "attributeName",
        "body",
        "clientId",
        "code",
        "createdAt",
        "delivery",
        "destination",
        "id",
        "medium",
        "subject",
        "triggerSource",
        "userPoolId",
        "username",
      ].sort(),
    );
    expect(m).toMatchObject({
      userPoolId: pool.poolId,
      clientId: pool.clientId,
      username: "ivy",
      medium: "EMAIL",
      attributeName: "email",
      destination: `ivy@${pool.poolId.toLowerCase()}.example.com`,
      subject: "Your verification code",
      triggerSource: "CustomMessage_SignUp",
    });
    expect(m?.body).toContain(m?.code ?? "missing");
    expect(new Date(m?.createdAt ?? "").toISOString()).toBe(m?.createdAt);
    expect(Object.keys(m?.delivery ?? {}).sort()).toEqual(["attempts", "lastError", "status", "transport"]);
    const times = all.map((x) => Date.parse(x.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("filters by pool, username, destination, client and time", async () => {
    expect((await s.inbox.list({ userPoolId: pool.poolId })).length).toBe(3);
    expect((await s.inbox.list({ username: "ivy" })).length).toBe(3);
    expect((await s.inbox.list({ username: "ivy", userPoolId: other.poolId })).length).toBe(1);
    expect(
      (await s.inbox.list({ destination: `jack@${pool.poolId.toLowerCase()}.example.com` })).map(
        (m) => m.username,
      ),
    ).toEqual(["jack"]);
    expect((await s.inbox.list({ clientId: other.clientId })).length).toBe(1);
    expect((await s.inbox.list({ since: new Date(Date.now() + 60_000).toISOString() })).length).toBe(0);
    expect((await s.inbox.list({ since: new Date(Date.now() - 60_000).toISOString() })).length).toBe(4);
    expect(await s.inbox.list({ userPoolId: "us-east-1_NoSuchPool" })).toEqual([]);
    expect(await s.inbox.list({ username: "nobody" })).toEqual([]);
    const bad = await fetch(`${s.url}/_dev/messages?since=yesterday`);
    expect(bad.status).toBe(400);
  });

  it("latest returns the newest match or 404", async () => {
    const latest = await s.inbox.latest({ username: "ivy", userPoolId: pool.poolId });
    expect(latest?.triggerSource).toBe("CustomMessage_ResendCode");
    expect(await s.inbox.latest({ username: "nobody" })).toBeNull();
  });

  it("logs one line per message with the destination and code", async () => {
    const codes = (await s.inbox.list()).map((m) => m.code);
    // Delivery to the inbox transport happens just after the response; give it a moment.
    for (let i = 0; i < 50 && !codes.every((c) => logs.text.includes(`code ${c}`)); i++)
      await new Promise((r) => setTimeout(r, 20));
    for (const c of codes) expect(logs.text).toContain(`code ${c}`);
  });

  it("DELETE clears it", async () => {
    const r = await fetch(`${s.url}/_dev/messages`, { method: "DELETE" });
    expect(r.status).toBe(204);
    expect(await s.inbox.list()).toEqual([]);
  });
});

describe("production mode", () => {
  it("has no inbox routes and keeps no codes, in the store or the logs", async () => {
    const logs = new Capture();
    const s = await startServer(
      {
        mode: "production",
        logLevel: "debug",
        seed: {
          pools: [
            {
              PoolName: "prod",
              Id: "us-east-1_ProdPool1",
              AutoVerifiedAttributes: [],
              Clients: [{ ClientName: "web", ClientId: "prodclient1" }],
            },
          ],
        },
      },
      { logStream: logs },
    );
    try {
      for (const path of ["/_dev/messages", "/_dev/messages/latest?username=x"]) {
        expect((await fetch(`${s.url}${path}`)).status).toBe(404);
      }
      expect((await fetch(`${s.url}/_dev/messages`, { method: "DELETE" })).status).toBe(404);
      const r = await s.sdk.send(
        new SignUpCommand({ ClientId: "prodclient1", Username: "p", Password: PASSWORD }),
      );
      expect(r.UserConfirmed).toBe(false);
      expect(logs.text).not.toContain(PASSWORD);
    } finally {
      await s.close();
    }
  });

  it("refuses to take a code it cannot deliver: CodeDeliveryFailureException, nothing written", async () => {
    const s = await startServer({
      mode: "production",
      seed: {
        pools: [
          {
            PoolName: "prod",
            Id: "us-east-1_ProdPool2",
            AutoVerifiedAttributes: ["email"],
            Clients: [{ ClientName: "web", ClientId: "prodclient2" }],
          },
        ],
      },
    });
    try {
      await expect(
        s.sdk.send(
          new SignUpCommand({
            ClientId: "prodclient2",
            Username: "q",
            Password: PASSWORD,
            UserAttributes: [{ Name: "email", Value: "q@example.com" }],
          }),
        ),
      ).rejects.toMatchObject({ name: "CodeDeliveryFailureException" });
      expect(
        await s.app.deps.store.read.users.get("us-east-1_ProdPool2", usernameKey("q", true)),
      ).toBeUndefined();
      expect(await s.app.deps.store.read.outbox.list({})).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
