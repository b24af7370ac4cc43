// Abuse limits and shutdown: per-IP and per-pool rates on the public operations, body size
// and JSON depth limits, slow clients cut off, and a graceful drain on SIGTERM.
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { startChild } from "../helpers/child.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { rawCall, startServer, type TestServer } from "../helpers/server.js";

/** A public call that does no work beyond the limiter: the client does not exist. */
function probe(url: string, localAddress?: string): Promise<{ status: number; json: { __type?: string } }> {
  const u = new URL(url);
  const body = JSON.stringify({ ClientId: "nosuchclient", Username: "u" });
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: u.hostname,
      port: u.port,
      method: "POST",
      path: "/",
      agent: false,
      ...(localAddress ? { localAddress } : {}),
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.ResendConfirmationCode",
        "content-length": Buffer.byteLength(body),
      },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (d: Buffer) => {
        text += d.toString();
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as { __type?: string } }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function burst(url: string, n: number, localAddress?: string): Promise<string[]> {
  const out = await Promise.all(Array.from({ length: n }, () => probe(url, localAddress)));
  return out.map((r) => r.json.__type ?? String(r.status));
}

/** Resolves when the server closes the socket, with how long that took. */
/**
 * How long the server took to close the socket. A socket still open after 10 s fails with its
 * name, so that a failure says which connection the server kept (not only vitest's timeout).
 */
function closedWithin(sock: Socket, name: string): Promise<number> {
  const t = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: still open after 10 s`)), 10_000);
    sock.on("error", () => {});
    sock.once("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - t);
    });
  });
}

describe("per-IP limit on the public operations", () => {
  let s: TestServer;
  // The limiter reads the server's clock: a hand-moved one makes refills exact under load.
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    s = await startServer({ limits: { ipRequestsPerSecond: 5, ipBurst: 5 } }, { clock });
  });
  afterAll(() => s?.close());

  it("answers TooManyRequestsException past the burst, per address, and refills", async () => {
    const first = await burst(s.url, 12);
    expect(first.filter((t) => t === "ResourceNotFoundException")).toHaveLength(5);
    expect(first.filter((t) => t === "TooManyRequestsException")).toHaveLength(7);
    const limited = await probe(s.url);
    expect(limited).toEqual({
      status: 400,
      json: { __type: "TooManyRequestsException", message: "Too many requests" },
    });
    // Another source address (127.0.0.2 is loopback too) has its own bucket.
    expect(await burst(s.url, 3, "127.0.0.2")).toEqual(Array(3).fill("ResourceNotFoundException"));
    // The admin operations are not counted (they are authenticated instead).
    const admin = await rawCall(s.url, "ListUserPools", { MaxResults: 10 });
    expect(admin.status).toBe(200);
    // 5 tokens per second: 200 ms later one call may go through, and only one.
    clock.advance(200);
    expect(await burst(s.url, 2)).toEqual(
      expect.arrayContaining(["ResourceNotFoundException", "TooManyRequestsException"]),
    );
    clock.advance(1000);
    expect((await burst(s.url, 5)).every((t) => t === "ResourceNotFoundException")).toBe(true);
  });
});

describe("per-IP defaults", () => {
  it("off in dev mode, on (20/s, burst 40) in production", async () => {
    const dev = await startServer();
    try {
      expect((await burst(dev.url, 60)).every((t) => t === "ResourceNotFoundException")).toBe(true);
    } finally {
      await dev.close();
    }
    const prod = await startServer({ mode: "production" }, { clock: new ManualClock(Date.now()) });
    try {
      const types = await burst(prod.url, 60);
      expect(types.filter((t) => t === "ResourceNotFoundException")).toHaveLength(40);
      expect(types.filter((t) => t === "TooManyRequestsException")).toHaveLength(20);
    } finally {
      await prod.close();
    }
  });
});

describe("per-pool limit", () => {
  it("answers TooManyRequestsException when the pool's rate is exceeded", async () => {
    // A frozen clock keeps the whole burst inside one counting second, however slow the machine.
    const s = await startServer(
      { limits: { poolRequestsPerSecond: 3 } },
      { clock: new ManualClock(Date.now()) },
    );
    try {
      const { clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
      const calls = Array.from({ length: 10 }, (_, i) =>
        rawCall(s.url, "SignUp", { ClientId: clientId, Username: `rate${i}`, Password: PASSWORD }),
      );
      const types = (await Promise.all(calls)).map(
        (r) => (r.json?.__type as string | undefined) ?? String(r.status),
      );
      expect(types.filter((t) => t === "200")).toHaveLength(3);
      expect(types.filter((t) => t === "TooManyRequestsException")).toHaveLength(7);
    } finally {
      await s.close();
    }
  });
});

describe("hostile request shapes", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ bodyLimitBytes: 64 * 1024, timeouts: { headersMs: 500, requestMs: 1000 } });
  });
  afterAll(() => s?.close());

  it("refuses a body over the limit with RequestEntityTooLargeException, declared or streamed", async () => {
    const big = JSON.stringify({ ClientId: "x", Username: "a".repeat(70 * 1024) });
    const r = await rawCall(s.url, "SignUp", big);
    expect(r.status).toBe(413);
    expect(r.json?.__type).toBe("RequestEntityTooLargeException");
    // Chunked, with no Content-Length to check up front.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${s.url}/`, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AWSCognitoIdentityProviderService.SignUp",
          "transfer-encoding": "chunked",
        },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      for (let i = 0; i < 80; i++) req.write("x".repeat(1024));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).__type).toBe("RequestEntityTooLargeException");
    expect((await rawCall(s.url, "ListUserPools", { MaxResults: 1 })).status).toBe(200);
  });

  it("refuses JSON nested deeper than 64 levels with SerializationException", async () => {
    const deep = `{"ClientId":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const r = await rawCall(s.url, "SignUp", deep);
    expect(r.status).toBe(400);
    expect(r.json?.__type).toBe("SerializationException");
    expect(r.json?.message).toBe("JSON nesting deeper than 64 levels");
    // 60 levels parse; the answer is then about the member's type, not the nesting.
    const ok = await rawCall(s.url, "SignUp", `{"ClientId":${"[".repeat(60)}${"]".repeat(60)}}`);
    expect(ok.json?.__type).toBe("SerializationException");
    expect(ok.json?.message).not.toContain("nesting");
  });

  it("cuts off a client that sends its headers too slowly (slowloris)", async () => {
    const url = new URL(s.url);
    const sock = connect(Number(url.port), url.hostname);
    const closed = closedWithin(sock, "slow headers");
    await new Promise<void>((r) => sock.once("connect", () => r()));
    const line = "POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    let i = 0;
    const drip = setInterval(() => {
      if (!sock.destroyed) sock.write(line[i++ % line.length] ?? "a");
    }, 100);
    const ms = await closed;
    clearInterval(drip);
    // headersMs is 500; Node checks every 125 ms here.
    expect(ms).toBeLessThan(2500);
    expect((await rawCall(s.url, "ListUserPools", { MaxResults: 1 })).status).toBe(200);
  });

  it("cuts off a client that sends its body too slowly, and one that sends nothing", async () => {
    const url = new URL(s.url);
    const slowBody = connect(Number(url.port), url.hostname);
    const closedBody = closedWithin(slowBody, "slow body");
    slowBody.write(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSCognitoIdentityProviderService.SignUp\r\nContent-Length: 1000\r\n\r\n{",
    );
    const drip = setInterval(() => {
      if (!slowBody.destroyed) slowBody.write(" ");
    }, 100);
    expect(await closedBody).toBeLessThan(3000);
    clearInterval(drip);

    const silent = connect(Number(url.port), url.hostname);
    expect(await closedWithin(silent, "silent connection")).toBeLessThan(3000);
  });
});

describe("graceful shutdown", () => {
  it("SIGTERM: an in-flight request still completes with 200; new connections are refused; exit 0", async () => {
    const child = await startChild(["--db", ":memory:"]);
    const url = new URL(child.url);
    const body = Buffer.from(JSON.stringify({ PoolName: "drained" }));
    const half = Math.floor(body.length / 2);
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: "/",
        agent: false,
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AWSCognitoIdentityProviderService.CreateUserPool",
          "content-length": body.length,
        },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.write(body.subarray(0, half));
      // The request is in flight (headers and half the body sent) when SIGTERM arrives.
      setTimeout(() => child.kill("SIGTERM"), 300);
      setTimeout(() => req.end(body.subarray(half)), 1200);
    });
    await new Promise((r) => setTimeout(r, 700));
    // Shutting down: no new connection is accepted.
    const refused = await fetch(`${child.url}/health`).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
    const r = await response;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).UserPool.Name).toBe("drained");
    const exit = await child.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(child.stdout()).toContain("Received SIGTERM, shutting down");
  }, 180_000);
});
