// What a web page in the developer's browser can do to a dev-mode server (docs/security.md,
// "A hostile web page"): call the public operations from anywhere, as Cognito allows; read
// the dev inbox or call the unsigned admin operations only from the allowed origins; and
// nothing at all through a name it made resolve to 127.0.0.1 (DNS rebinding). A browser
// sends Origin and Host; these tests send them by hand, as the browser would.
import { request as httpRequest } from "node:http";
import { CreateUserPoolCommand, DescribeUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { rawCall, startServer, type TestServer } from "../helpers/server.js";

const EVIL = "https://evil.example";
const LOCAL = "http://localhost:5173";

/** A request with the Host header of our choosing (fetch would not let us set it). */
function withHost(
  url: string,
  host: string,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        method: opts.method ?? "GET",
        path: opts.path ?? "/_dev/messages",
        headers: { host, ...opts.headers },
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => {
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

const apiHeaders = (op: string, origin?: string) => ({
  "content-type": "application/x-amz-json-1.1",
  "x-amz-target": `AWSCognitoIdentityProviderService.${op}`,
  ...(origin ? { origin } : {}),
});

describe("dev mode in a browser", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({
      allowedHosts: ["cognate", "*.dev.test"],
      devOrigins: [LOCAL, "https://app.test:*"],
    });
  });
  afterAll(() => s?.close());

  it("public operations: any origin, answered with Access-Control-Allow-Origin: *", async () => {
    const r = await rawCall(
      s.url,
      "ResendConfirmationCode",
      { ClientId: "nosuchclient", Username: "u" },
      { origin: EVIL },
    );
    expect(r.json?.__type).toBe("ResourceNotFoundException");
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    const pre = await fetch(`${s.url}/`, {
      method: "OPTIONS",
      headers: {
        origin: EVIL,
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-amz-target",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("admin operations: refused from another origin, before anything runs", async () => {
    const made = await s.sdk.send(new CreateUserPoolCommand({ PoolName: "precious" }));
    const id = made.UserPool?.Id ?? "";
    const del = await rawCall(s.url, "DeleteUserPool", { UserPoolId: id }, { origin: EVIL });
    expect(del.status).toBe(403);
    expect(del.json).toEqual({
      __type: "AccessDeniedException",
      message: expect.stringMatching(
        /^Cross-origin request from 'https:\/\/evil\.example' refused: .*devOrigins/,
      ),
    });
    expect(del.headers.get("x-amzn-errortype")).toBe("AccessDeniedException:");
    expect(del.headers.get("access-control-allow-origin")).toBeNull();
    expect((await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool?.Id).toBe(id);
    // The same from an allowed origin works, and the answer names that origin only.
    for (const origin of [LOCAL, "https://app.test:8443"]) {
      const ok = await rawCall(s.url, "DescribeUserPool", { UserPoolId: id }, { origin });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("access-control-allow-origin")).toBe(origin);
      expect(ok.headers.get("vary")).toMatch(/Origin/);
    }
    // Not a browser (no Origin): the SDK, boto3 and the CLI are unaffected.
    expect((await rawCall(s.url, "DescribeUserPool", { UserPoolId: id })).status).toBe(200);
    // Origins that merely resemble an allowed one are not it.
    for (const origin of [
      "http://localhost:5173.evil.example",
      "http://localhost",
      "null",
      "https://app.test.evil:1",
    ]) {
      expect((await rawCall(s.url, "ListUserPools", { MaxResults: 1 }, { origin })).status, origin).toBe(403);
    }
  });

  it("the dev inbox: readable from allowed origins only", async () => {
    const evil = await fetch(`${s.url}/_dev/messages`, { headers: { origin: EVIL } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect(((await evil.json()) as { error: string }).error).toMatch(
      /^Cross-origin request from 'https:\/\/evil\.example'/,
    );
    const wipe = await fetch(`${s.url}/_dev/messages`, { method: "DELETE", headers: { origin: EVIL } });
    expect(wipe.status).toBe(403);
    const pre = await fetch(`${s.url}/_dev/messages`, {
      method: "OPTIONS",
      headers: { origin: EVIL, "access-control-request-method": "DELETE" },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const local = await fetch(`${s.url}/_dev/messages`, { headers: { origin: LOCAL } });
    expect(local.status).toBe(200);
    expect(local.headers.get("access-control-allow-origin")).toBe(LOCAL);
    const localPre = await fetch(`${s.url}/_dev/messages`, {
      method: "OPTIONS",
      headers: { origin: LOCAL, "access-control-request-method": "DELETE" },
    });
    expect(localPre.status).toBe(204);
    expect(localPre.headers.get("access-control-allow-origin")).toBe(LOCAL);
    // Without an Origin (curl, the test helpers): as before.
    expect((await fetch(`${s.url}/_dev/messages`)).status).toBe(200);
  });

  it("refuses a Host that is not one of its names (DNS rebinding), on every route", async () => {
    const port = new URL(s.url).port;
    for (const [path, method, headers] of [
      ["/_dev/messages", "GET", {}],
      ["/", "POST", apiHeaders("ListUserPools")],
    ] as const) {
      const r = await withHost(s.url, `rebind.evil.example:${port}`, {
        path,
        method,
        headers,
        ...(method === "POST" ? { body: "{}" } : {}),
      });
      expect(r.status).toBe(403);
      const message = String(
        (r.json as { error?: string; message?: string }).error ?? (r.json as { message?: string }).message,
      );
      expect(message).toMatch(/^Host 'rebind\.evil\.example:\d+' is not allowed: .*allowedHosts/);
    }
    const api = await withHost(s.url, `rebind.evil.example:${port}`, {
      path: "/",
      method: "POST",
      headers: apiHeaders("ListUserPools"),
      body: "{}",
    });
    expect(api.json).toMatchObject({ __type: "AccessDeniedException" });
    expect(api.headers["x-amzn-errortype"]).toBe("AccessDeniedException:");
    // Its own names: loopback names, IP addresses, allowedHosts (exact and by suffix).
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      `10.1.2.3:${port}`,
      `app.localhost:${port}`,
      `cognate:${port}`,
      `api.dev.test:${port}`,
      "LOCALHOST.",
    ]) {
      expect((await withHost(s.url, host)).status, host).toBe(200);
    }
    // A page the server itself served under one of its names (the console) is same-origin:
    // its Origin names the Host it talks to. The same Origin sent to another Host is not.
    const own = await withHost(s.url, `cognate:${port}`, { headers: { origin: `http://cognate:${port}` } });
    expect(own.status).toBe(200);
    expect(own.headers["access-control-allow-origin"]).toBe(`http://cognate:${port}`);
    const foreign = await withHost(s.url, `localhost:${port}`, {
      headers: { origin: `http://cognate:${port}` },
    });
    expect(foreign.status).toBe(403);
    for (const host of [
      `dev.test:${port}`,
      `cognate.evil.example:${port}`,
      `localhost.evil.example:${port}`,
    ]) {
      expect((await withHost(s.url, host)).status, host).toBe(403);
    }
  });

  it("devOrigins and allowedHosts come from the environment too", () => {
    const c = loadConfig({
      env: {
        COGNATE_DEV_ORIGINS: "http://localhost:*, https://admin.test",
        COGNATE_ALLOWED_HOSTS: "cognate,*.svc",
      },
    });
    expect(c.devOrigins).toEqual(["http://localhost:*", "https://admin.test"]);
    expect(c.allowedHosts).toEqual(["cognate", "*.svc"]);
    expect(loadConfig({}).devOrigins).toEqual(["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"]);
  });
});

describe("defaults and production", () => {
  it("dev defaults: loopback origins only; the configured publicUrl's origin and host too", async () => {
    const s = await startServer({ publicUrl: "https://auth.mycompany.test" });
    try {
      for (const [origin, status] of [
        ["http://localhost:3000", 200],
        ["http://127.0.0.1:8080", 200],
        ["http://[::1]:4200", 200],
        ["https://auth.mycompany.test", 200],
        ["https://localhost:3000", 403],
        [EVIL, 403],
      ] as const) {
        expect((await rawCall(s.url, "ListUserPools", { MaxResults: 1 }, { origin })).status, origin).toBe(
          status,
        );
      }
      expect((await withHost(s.url, "auth.mycompany.test")).status).toBe(200);
      expect((await withHost(s.url, "other.mycompany.test")).status).toBe(403);
    } finally {
      await s.close();
    }
  });

  it("production: the admin operations are signed, so neither rule applies (no dev inbox either)", async () => {
    const s = await startServer({ mode: "production" });
    try {
      // Refused for want of a signature, not for its origin or host; CORS as Cognito answers.
      const r = await rawCall(s.url, "ListUserPools", { MaxResults: 1 }, { origin: EVIL });
      expect(r.json?.__type).toBe("MissingAuthenticationTokenException");
      expect(r.headers.get("access-control-allow-origin")).toBe("*");
      const other = await withHost(s.url, "cognito.mycompany.test", {
        path: "/",
        method: "POST",
        headers: apiHeaders("ListUserPools"),
        body: "{}",
      });
      expect(other.json).toMatchObject({ __type: "MissingAuthenticationTokenException" });
    } finally {
      await s.close();
    }
  });
});
