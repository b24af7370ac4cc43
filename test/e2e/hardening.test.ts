// Small hardening cases of the HTTP front: a body that is not valid UTF-8 is refused rather
// than silently repaired, and a client that hangs up mid-request is a routine event, not an
// error with a stack in the log.
import { connect } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePool } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

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

async function post(url: string, op: string, body: Buffer): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${op}`,
    },
    body,
  });
  return { status: r.status, json: await r.json() };
}

describe("HTTP front hardening", () => {
  let s: TestServer;
  const logs = capture();
  beforeAll(async () => {
    s = await startServer({ logLevel: "debug" }, { logStream: logs.stream });
  });
  afterAll(() => s?.close());

  it("refuses a body that is not valid UTF-8 with SerializationException (no U+FFFD repair)", async () => {
    const { clientId } = await makePool(s.sdk);
    for (const bad of [
      Buffer.from([0xff, 0xfe]), // never valid
      Buffer.from([0xc3]), // a lead byte without its continuation
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded UTF-16 surrogate
      Buffer.from([0xc0, 0xaf]), // an overlong "/"
    ]) {
      const body = Buffer.concat([
        Buffer.from(`{"ClientId":"${clientId}","Username":"a`),
        bad,
        Buffer.from('"}'),
      ]);
      expect(await post(s.url, "ResendConfirmationCode", body), bad.toString("hex")).toEqual({
        status: 400,
        json: { __type: "SerializationException", message: "Invalid UTF-8 in the request body" },
      });
    }
    // Valid multi-byte UTF-8 is of course fine (the user is unknown, which is the point).
    const ok = await post(
      s.url,
      "ResendConfirmationCode",
      Buffer.from(JSON.stringify({ ClientId: clientId, Username: "jürgen🙂" })),
    );
    expect(ok.json).toMatchObject({ __type: "UserNotFoundException" });
  });

  it("logs a client that hangs up mid-body at debug level, without a stack, and keeps serving", async () => {
    const u = new URL(s.url);
    await new Promise<void>((resolve, reject) => {
      const sock = connect(Number(u.port), u.hostname, () => {
        sock.write(
          [
            "POST / HTTP/1.1",
            `Host: ${u.host}`,
            "Content-Type: application/x-amz-json-1.1",
            "X-Amz-Target: AWSCognitoIdentityProviderService.SignUp",
            "Content-Length: 500",
            "",
            '{"ClientId":"abc",',
          ].join("\r\n"),
          () => setTimeout(() => sock.destroy(), 50),
        );
      });
      sock.on("close", () => resolve());
      sock.on("error", reject);
    });
    const until = Date.now() + 5000;
    while (!logs.text().includes("client closed the connection") && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const lines = logs
      .text()
      .split("\n")
      .filter((l) => l.includes("client closed") || /"level":(5|6)0/.test(l));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(line).toMatchObject({ level: 20, operation: "SignUp" });
    expect(JSON.stringify(line)).not.toContain("stack");
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });
});
