// The dev console's safety: no page or endpoint ever shows a password hash, client secret,
// code HMAC or sealed value; actions refuse cross-site requests (checked from a hostile page
// in a real browser too); production answers 404 for all of /_dev/; the live feed works on
// the wire, lets go of closed pages, and does not hold up shutdown.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AdminGetUserCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeSecretHash } from "../../src/domain/secretHash.js";
import { eventually, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { makePool, PASSWORD, type PoolAndClient } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const TOKEN_HEADER = "x-cognate-console-token";

async function pageToken(url: string): Promise<string> {
  const html = await (await fetch(`${url}/_dev/`)).text();
  const m = /name="cognate-console-token" content="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error("no token in the console page");
  return m[1];
}

describe("dev console: secrets stay secret, actions stay same-origin", () => {
  let s: TestServer;
  let browser: TestBrowser;
  let pool: PoolAndClient;
  const ACCESS_SECRET = "console-test-access-key-secret-0123456789";

  beforeAll(async () => {
    s = await startServer();
    pool = await makePool(s.sdk, { PoolName: "secretive" }, { GenerateSecret: true });
    const secretHash = (u: string) => computeSecretHash(pool.clientSecret ?? "", u, pool.clientId);
    for (const u of ["olga", "pete"]) {
      await s.sdk.send(
        new SignUpCommand({
          ClientId: pool.clientId,
          Username: u,
          Password: PASSWORD,
          SecretHash: secretHash(u),
          UserAttributes: [{ Name: "email", Value: `${u}@example.com` }],
        }),
      );
    }
    // An access key in the store too (its secret is sealed at rest).
    await s.app.deps.store.transaction((tx) =>
      tx.accessKeys.create({
        accessKeyId: "AKIACONSOLETEST",
        secretAccessKey: ACCESS_SECRET,
        description: "console test",
        createdAt: Date.now(),
        revokedAt: null,
      }),
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  /** Every secret the server holds, as stored and in plain. */
  async function secrets(): Promise<string[]> {
    const out: string[] = [PASSWORD, pool.clientSecret ?? "", ACCESS_SECRET];
    const server = s.app.deps.serverSecret;
    out.push(server.toString("hex"), server.toString("base64"), server.toString("base64url"));
    const add = (v: unknown) => {
      if (typeof v !== "string" || v.length < 8) return;
      out.push(v);
      // A PHC password hash's salt and digest must not appear on their own either.
      for (const part of v.split("$")) if (/^[\w-]{16,}$/.test(part)) out.push(part);
    };
    for (const r of await s.query("SELECT password_hash FROM users")) add(r.password_hash);
    for (const r of await s.query("SELECT secret FROM user_pool_clients")) add(r.secret);
    for (const r of await s.query("SELECT code_hmac, previous FROM codes")) {
      add(r.code_hmac);
      for (const p of String(r.previous).split(",")) add(p);
    }
    for (const r of await s.query("SELECT secret FROM access_keys")) add(r.secret);
    for (const r of await s.query("SELECT value FROM meta WHERE key = 'server_secret'")) add(r.value);
    const found = out.filter((x) => x.length >= 8);
    // The check below is only as good as this list: it holds what it should.
    expect(found.length).toBeGreaterThanOrEqual(12);
    return found;
  }

  it("never shows a password hash, client secret, code HMAC or sealed value", async () => {
    const all = await secrets();
    const bodies: [string, string][] = [];
    const get = async (path: string) => {
      const r = await fetch(`${s.url}${path}`);
      expect(r.status, path).toBe(200);
      bodies.push([path, await r.text()]);
    };
    for (const path of [
      "/_dev/",
      "/_dev/assets/main.js",
      "/_dev/assets/dom.js",
      "/_dev/assets/state.js",
      "/_dev/assets/messages.js",
      "/_dev/assets/pools.js",
      "/_dev/assets/users.js",
      "/_dev/assets/console.css",
      "/_dev/assets/views.css",
      "/_dev/assets/favicon.svg",
      "/_dev/api/pools",
      "/_dev/api/messages",
      "/_dev/messages",
      `/_dev/api/pools/${pool.poolId}/users`,
      `/_dev/api/pools/${pool.poolId}/users/olga`,
      `/_dev/api/pools/${pool.poolId}/users/pete`,
    ])
      await get(path);
    // The pages as rendered, every view and a user's details.
    const page = await browser.context.newPage();
    page.setDefaultTimeout(8000);
    for (const [hash, shown] of [
      ["#messages", ".msg"],
      ["#pools", "#view-pools .card"],
      [`#users/${pool.poolId}/olga`, "#user-detail .events li"],
    ] as const) {
      await page.goto(`${s.url}/_dev/${hash}`);
      await page.locator('#live[data-state="live"]').waitFor();
      await page.locator(shown).first().waitFor();
      bodies.push([hash, await page.content()]);
    }
    await page.goto(`${s.url}/_dev/#messages`);
    await page.locator(".msg-more button").first().click();
    bodies.push(["message detail", await page.content()]);
    await page.close();
    for (const [where, text] of bodies) {
      for (const secret of all) expect(text.includes(secret), `${where} shows a secret`).toBe(false);
    }
    // What the page is for is there: the codes.
    const codes = (await s.inbox.list()).map((m) => m.code ?? "none");
    expect(bodies.find(([w]) => w === "#messages")?.[1]).toContain(codes[0]);
  });

  it("refuses actions without the page's token, from another origin, or not as JSON", async () => {
    const token = await pageToken(s.url);
    const action = `${s.url}/_dev/api/pools/${pool.poolId}/users/olga/confirm`;
    const post = (headers: Record<string, string>) => fetch(action, { method: "POST", headers, body: "{}" });
    const json = { "content-type": "application/json" };
    const refused = [
      await post(json),
      await post({ ...json, [TOKEN_HEADER]: "not-the-token" }),
      await post({ "content-type": "text/plain", [TOKEN_HEADER]: token }),
      await post({ ...json, [TOKEN_HEADER]: token, origin: "http://evil.example" }),
      await post({ ...json, [TOKEN_HEADER]: token, origin: "null" }),
      await post({ ...json, [TOKEN_HEADER]: token, "sec-fetch-site": "cross-site" }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect((await fetch(action)).status).toBe(405);
    const user = () => s.sdk.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "olga" }));
    expect((await user()).UserStatus).toBe("UNCONFIRMED");
    // Console responses never allow cross-origin reads, nor framing.
    for (const path of ["/_dev/", "/_dev/api/pools", "/_dev/api/messages"]) {
      const r = await fetch(`${s.url}${path}`);
      expect(r.headers.get("access-control-allow-origin"), path).toBeNull();
      expect(r.headers.get("x-frame-options"), path).toBe("DENY");
    }
    expect((await fetch(`${s.url}/_dev/`)).headers.get("content-security-policy")).toContain(
      "frame-ancestors 'none'",
    );
    // The page's own request shape is accepted.
    const ok = await post({ ...json, [TOKEN_HEADER]: token, origin: s.url, "sec-fetch-site": "same-origin" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ operation: "AdminConfirmSignUp", ok: true, result: {} });
    expect((await user()).UserStatus).toBe("CONFIRMED");
  });

  it("a hostile page in the browser cannot trigger an action, even knowing the token", async () => {
    const token = await pageToken(s.url);
    const target = `${s.url}/_dev/api/pools/${pool.poolId}/users/pete/delete`;
    const hostile: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><title>hostile</title><p>hello</p>");
    });
    await new Promise<void>((resolve) => hostile.listen(0, "127.0.0.1", resolve));
    // "localhost" vs "127.0.0.1": another origin (and another site) for the browser.
    const origin = `http://localhost:${(hostile.address() as AddressInfo).port}`;
    const page = await browser.context.newPage();
    page.setDefaultTimeout(8000);
    try {
      await page.goto(`${origin}/`);
      const withHeader = await page.evaluate(
        `fetch(${JSON.stringify(target)}, { method: "POST", headers: { "content-type": "application/json", "${TOKEN_HEADER}": ${JSON.stringify(token)} }, body: "{}" }).then(r => "status " + r.status, e => "blocked: " + e.name)`,
      );
      expect(withHeader).toBe("blocked: TypeError"); // the CORS preflight is refused
      // A "simple" request needs no preflight; the server refuses it itself.
      const simple = await page.evaluate(
        `fetch(${JSON.stringify(target)}, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: "{}" }).then(r => r.type, e => "blocked: " + e.name)`,
      );
      expect(simple).toBe("opaque");
      const user = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "pete" }));
      expect(user.Username).toBe("pete");
      // Nor can it read the console's data.
      const read = await page.evaluate(
        `fetch(${JSON.stringify(`${s.url}/_dev/api/pools`)}).then(r => "read " + r.status, e => "blocked: " + e.name)`,
      );
      expect(read).toBe("blocked: TypeError");
    } finally {
      await page.close();
      hostile.closeAllConnections();
      await new Promise((resolve) => hostile.close(resolve));
    }
  });

  it("answers unknown console paths and odd input with 4xx, never a 500", async () => {
    const token = await pageToken(s.url);
    const h = { "content-type": "application/json", [TOKEN_HEADER]: token };
    const cases: [string, RequestInit, number][] = [
      ["/_dev/api", {}, 404],
      ["/_dev/api/nothing", {}, 404],
      ["/_dev/assets/../../package.json", {}, 404],
      ["/_dev/assets/%2e%2e%2fpackage.json", {}, 404],
      ["/_dev/api/pools/us-east-1_Nope/users", {}, 404],
      [`/_dev/api/pools/${pool.poolId}/users/nobody`, {}, 404],
      [`/_dev/api/pools/${pool.poolId}/users/%zz`, {}, 404],
      [`/_dev/api/pools/${pool.poolId}/users/pete/explode`, { method: "POST", headers: h }, 404],
      [`/_dev/api/pools/${pool.poolId}/users/pete/disable`, { method: "POST", headers: h, body: "{" }, 400],
      ["/_dev/api/messages?since=yesterday", {}, 400],
      ["/_dev/api/pools", { method: "DELETE" }, 405],
      [
        `/_dev/api/pools/${pool.poolId}/users/pete/disable`,
        { method: "POST", headers: h, body: JSON.stringify({ pad: "x".repeat(10_000) }) },
        413,
      ],
    ];
    for (const [path, init, status] of cases) {
      expect((await fetch(`${s.url}${path}`, init)).status, path).toBe(status);
    }
    // An action on a user that does not exist answers the operation's own error.
    const r = await fetch(`${s.url}/_dev/api/pools/${pool.poolId}/users/nobody/disable`, {
      method: "POST",
      headers: h,
      body: "{}",
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      operation: "AdminDisableUser",
      ok: false,
      error: { type: "UserNotFoundException", message: "User does not exist." },
    });
    // A resend through another pool's client is refused before any operation runs.
    const other = await makePool(s.sdk, { PoolName: "other" });
    const wrong = await fetch(`${s.url}/_dev/api/pools/${pool.poolId}/users/pete/resend`, {
      method: "POST",
      headers: h,
      body: JSON.stringify({ clientId: other.clientId }),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      operation: "ResendConfirmationCode",
      ok: false,
      error: {
        type: "ConsoleRequestError",
        message: `app client ${other.clientId} is not in pool ${pool.poolId}`,
      },
    });
  });
});

describe("dev console: production mode", () => {
  it("answers 404 for the page, its assets, its API and its feed", async () => {
    const s = await startServer({ mode: "production" });
    try {
      for (const path of [
        "/_dev",
        "/_dev/",
        "/_dev/index.html",
        "/_dev/assets/main.js",
        "/_dev/api/pools",
        "/_dev/api/messages",
        "/_dev/events",
      ]) {
        expect((await fetch(`${s.url}${path}`)).status, path).toBe(404);
      }
      const post = await fetch(`${s.url}/_dev/api/pools/p/users/u/confirm`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(post.status).toBe(404);
      expect(s.app.consoleUrl).toBeNull();
      expect(((await (await fetch(`${s.url}/`)).json()) as { devConsole: unknown }).devConsole).toBeNull();
    } finally {
      await s.close();
    }
  });
});

describe("dev console: live feed", () => {
  it("streams a change event after an API call, drops closed pages, and ends on shutdown", async () => {
    // A long grace period: shutdown must not wait for it because of open console pages.
    const s = await startServer({ timeouts: { shutdownMs: 20_000 } });
    const browser = await launchBrowser();
    let closed = false;
    try {
      const pool = await makePool(s.sdk);
      const feed = s.app.devConsole?.feed;
      if (!feed) throw new Error("no console in dev mode");
      // On the wire: `ready` at once, `change` after a write.
      const ac = new AbortController();
      const r = await fetch(`${s.url}/_dev/events`, { signal: ac.signal });
      expect(r.headers.get("content-type")).toContain("text/event-stream");
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      let text = "";
      const until = async (needle: string) => {
        while (!text.includes(needle)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before ${needle}: ${text}`);
          text += new TextDecoder().decode(value);
        }
      };
      await until("event: ready");
      await s.sdk.send(new SignUpCommand({ ClientId: pool.clientId, Username: "u1", Password: PASSWORD }));
      await until("event: change");
      ac.abort();
      await eventually(async () => expect(feed.subscribers).toBe(0));

      const pages = await Promise.all([1, 2, 3].map(() => browser.context.newPage()));
      for (const p of pages) {
        await p.goto(`${s.url}/_dev/`);
        await p.locator('#live[data-state="live"]').waitFor();
      }
      expect(feed.subscribers).toBe(3);
      await pages[0]?.close();
      await eventually(async () => expect(feed.subscribers).toBe(2));

      const started = Date.now();
      await s.close();
      closed = true;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(feed.subscribers).toBe(0);
      await eventually(async () =>
        expect(await pages[1]?.locator("#live").getAttribute("data-state")).toBe("down"),
      );
    } finally {
      await browser.close();
      if (!closed) await s.close();
    }
  });
});
