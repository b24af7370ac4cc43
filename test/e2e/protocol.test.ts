// The AWS JSON 1.1 wire protocol, over raw HTTP: framing, protocol errors, validation
// messages, request ids, CORS, paths, authentication, body limits.
import {
  type CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  ListUserPoolsCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/operations/registry.js";
import { MODEL_OPERATIONS } from "../../src/protocol/generated/model.js";
import { rawCall, startServer, type TestServer } from "../helpers/server.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TARGET = "AWSCognitoIdentityProviderService";
const JSON_11 = "application/x-amz-json-1.1";

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | null;
}

/** One HTTP request with full control over method, path, headers and body. */
async function http(
  url: string,
  init: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  const r = await fetch(`${url}${init.path ?? "/"}`, {
    method: init.method ?? "POST",
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await r.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: r.status, headers: r.headers, text, json };
}

/** A call with the right content type and target, and the given raw body. */
function api(url: string, operation: string, body: string, extra: Record<string, string> = {}) {
  return http(url, {
    headers: { "content-type": JSON_11, "x-amz-target": `${TARGET}.${operation}`, ...extra },
    body,
  });
}

/** An error answer: status, body and both headers agree. */
function expectWireError(a: Answer, type: string, message?: string | RegExp, status = 400): void {
  expect(a.status, a.text).toBe(status);
  expect(a.headers.get("content-type")).toBe(JSON_11);
  expect(a.json?.__type).toBe(type);
  expect(typeof a.json?.message).toBe("string");
  if (typeof message === "string") expect(a.json?.message).toBe(message);
  else if (message) expect(a.json?.message).toMatch(message);
  expect(a.headers.get("x-amzn-errortype")).toBe(`${type}:`);
  expect(a.headers.get("x-amzn-requestid")).toMatch(UUID);
}

describe("AWS JSON 1.1 protocol", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  describe("framing and protocol errors", () => {
    it("answers a valid call with 200, the JSON 1.1 content type, a request id and a JSON body", async () => {
      const a = await api(s.url, "ListUserPools", '{"MaxResults": 5}');
      expect(a.status).toBe(200);
      expect(a.headers.get("content-type")).toBe(JSON_11);
      expect(a.headers.get("x-amzn-requestid")).toMatch(UUID);
      expect(a.headers.get("x-amzn-errortype")).toBeNull();
      expect(Array.isArray(a.json?.UserPools)).toBe(true);
    });

    it("always sends a JSON body on success, `{}` when there is nothing to say", async () => {
      const created = await s.sdk.send(new CreateUserPoolCommand({ PoolName: "empty-answer" }));
      const a = await api(s.url, "DeleteUserPool", JSON.stringify({ UserPoolId: created.UserPool?.Id }));
      expect(a.status).toBe(200);
      expect(a.text).toBe("{}");
    });

    it("malformed JSON → SerializationException", async () => {
      for (const body of ["{bad", '{"MaxResults": 1', "\u0000", '{"a":}']) {
        expectWireError(await api(s.url, "ListUserPools", body), "SerializationException");
      }
    });

    it("JSON that is not an object → SerializationException", async () => {
      for (const body of ["[1,2]", '"text"', "42", "true"]) {
        expectWireError(
          await api(s.url, "ListUserPools", body),
          "SerializationException",
          "Expected map or null",
        );
      }
    });

    it("an empty body or JSON null is an empty input (then validated)", async () => {
      const missing =
        "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null";
      for (const body of ["", "null", "{}"]) {
        expectWireError(await api(s.url, "ListUserPools", body), "InvalidParameterException", missing);
      }
    });

    it("a member of the wrong JSON type → SerializationException with Coral's wording", async () => {
      expectWireError(
        await api(s.url, "ListUserPools", '{"MaxResults": "5"}'),
        "SerializationException",
        "STRING_VALUE can not be converted to an Integer",
      );
      expectWireError(
        await api(s.url, "CreateUserPool", '{"PoolName": 5}'),
        "SerializationException",
        "NUMBER_VALUE can not be converted to a String",
      );
      expectWireError(
        await api(s.url, "CreateUserPool", '{"PoolName": "p", "AutoVerifiedAttributes": "email"}'),
        "SerializationException",
        "Expected list or null",
      );
      expectWireError(
        await api(s.url, "DescribeUserPool", '{"UserPoolId": {"x": 1}}'),
        "SerializationException",
        "Start of structure or map found where not expected.",
      );
      expectWireError(
        await api(s.url, "CreateUserPool", '{"PoolName": "p", "Policies": []}'),
        "SerializationException",
        "Start of list found where not expected",
      );
      expectWireError(
        await api(s.url, "ListUserPools", '{"MaxResults": 1.5}'),
        "SerializationException",
        "NUMBER_VALUE can not be converted to an Integer",
      );
    });

    it("ignores unknown members", async () => {
      const a = await api(s.url, "ListUserPools", '{"MaxResults": 1, "NotAMember": {"deep": [1]}}');
      expect(a.status).toBe(200);
    });

    it("unknown operation → UnknownOperationException", async () => {
      expectWireError(await api(s.url, "NoSuchOperation", "{}"), "UnknownOperationException");
      // Operation names are case-sensitive.
      expectWireError(await api(s.url, "listuserpools", '{"MaxResults": 1}'), "UnknownOperationException");
    });

    it("a target with the wrong service prefix → UnknownOperationException", async () => {
      for (const target of [
        "AmazonCognitoIdentity.ListUserPools",
        "ListUserPools",
        `${TARGET}ListUserPools`,
        `${TARGET}.`,
      ]) {
        const a = await http(s.url, {
          headers: { "content-type": JSON_11, "x-amz-target": target },
          body: '{"MaxResults": 1}',
        });
        expectWireError(a, "UnknownOperationException");
      }
    });

    it("a POST without X-Amz-Target → UnknownOperationException", async () => {
      const a = await http(s.url, { headers: { "content-type": JSON_11 }, body: '{"MaxResults": 1}' });
      expectWireError(a, "UnknownOperationException");
    });

    it("a wrong or missing content type → 4xx UnknownOperationException, never a crash", async () => {
      for (const ct of ["application/json", "text/plain", "application/x-www-form-urlencoded"]) {
        const a = await http(s.url, {
          headers: { "content-type": ct, "x-amz-target": `${TARGET}.ListUserPools` },
          body: '{"MaxResults": 1}',
        });
        expectWireError(a, "UnknownOperationException");
      }
      const none = await http(s.url, {
        headers: { "x-amz-target": `${TARGET}.ListUserPools` },
        body: Buffer.from('{"MaxResults": 1}'),
      });
      expectWireError(none, "UnknownOperationException");
      // Parameters on the media type are fine.
      const withCharset = await http(s.url, {
        headers: { "content-type": `${JSON_11}; charset=utf-8`, "x-amz-target": `${TARGET}.ListUserPools` },
        body: '{"MaxResults": 1}',
      });
      expect(withCharset.status).toBe(200);
    });

    it("deeply nested JSON → SerializationException, and the server keeps serving", async () => {
      const depth = 100_000;
      const body = `{"MaxResults": 1, "x": ${"[".repeat(depth)}${"]".repeat(depth)}}`;
      expectWireError(await api(s.url, "ListUserPools", body), "SerializationException", /nesting/);
      const objects = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
      expectWireError(await api(s.url, "ListUserPools", objects), "SerializationException");
      // Brackets inside strings are not nesting.
      const inString = JSON.stringify({ MaxResults: 1, x: "[".repeat(10_000) });
      expect((await api(s.url, "ListUserPools", inString)).status).toBe(200);
      expect((await api(s.url, "ListUserPools", '{"MaxResults": 1}')).status).toBe(200);
    });
  });

  describe("request ids and error headers", () => {
    it("puts a fresh x-amzn-RequestId on every answer: success, error, 404, dev inbox, preflight", async () => {
      const answers = [
        await api(s.url, "ListUserPools", '{"MaxResults": 1}'),
        await api(s.url, "ListUserPools", "{bad"),
        await api(s.url, "NoSuchOperation", "{}"),
        await http(s.url, { method: "GET", path: "/no/such/page" }),
        await http(s.url, { method: "GET", path: "/_dev/messages" }),
        await http(s.url, { method: "GET", path: "/_dev/messages/latest?username=nobody" }),
        await http(s.url, { method: "DELETE", path: "/_dev/messages" }),
        await http(s.url, { method: "OPTIONS", path: "/" }),
        await http(s.url, { method: "GET", path: "/" }),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 400, 400, 404, 200, 404, 204, 204, 200]);
      const ids = answers.map((a) => a.headers.get("x-amzn-requestid"));
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it("x-amzn-ErrorType is the body's __type plus ':', x-amzn-ErrorMessage its message", async () => {
      const errors = [
        await api(s.url, "ListUserPools", "{bad"),
        await api(s.url, "NoSuchOperation", "{}"),
        await api(s.url, "ListUserPools", '{"MaxResults": 99}'),
        await api(s.url, "DescribeUserPool", '{"UserPoolId": "us-east-1_nothere"}'),
      ];
      for (const a of errors) {
        expect(a.status).toBe(400);
        expect(a.headers.get("x-amzn-errortype")).toBe(`${String(a.json?.__type)}:`);
        expect(a.headers.get("x-amzn-errormessage")).toBe(a.json?.message);
        // The bare name: no namespace, no colon (amazon-cognito-identity-js uses it as is).
        expect(a.json?.__type).toMatch(/^[A-Za-z]+$/);
      }
      expect(errors.map((a) => a.json?.__type)).toEqual([
        "SerializationException",
        "UnknownOperationException",
        "InvalidParameterException",
        "ResourceNotFoundException",
      ]);
    });
  });

  describe("CORS", () => {
    it("answers the preflight for any path with the headers browsers need", async () => {
      for (const path of ["/", "/prefix/"]) {
        const a = await http(s.url, {
          method: "OPTIONS",
          path,
          headers: {
            origin: "http://localhost:3000",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,x-amz-target,x-amz-user-agent",
          },
        });
        expect(a.status).toBe(204);
        expect(a.headers.get("access-control-allow-origin")).toBe("*");
        expect(a.headers.get("access-control-allow-methods")).toMatch(/\bPOST\b/);
        const allowed = (a.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/\s*,\s*/);
        for (const h of [
          "content-type",
          "x-amz-target",
          "x-amz-user-agent",
          "cache-control",
          "amz-sdk-invocation-id",
          "amz-sdk-request",
          "authorization",
          "x-amz-date",
        ]) {
          expect(allowed).toContain(h);
        }
      }
    });

    it("allows any origin on the public operations and exposes the request id and error headers", async () => {
      const resend = '{"ClientId": "nosuchclient", "Username": "u"}';
      for (const a of [
        await api(s.url, "ResendConfirmationCode", resend, { origin: "https://any.example" }),
        await api(s.url, "ResendConfirmationCode", "{bad", { origin: "https://any.example" }),
      ]) {
        expect(a.headers.get("access-control-allow-origin")).toBe("*");
        const exposed = (a.headers.get("access-control-expose-headers") ?? "").toLowerCase();
        for (const h of ["x-amzn-requestid", "x-amzn-errortype", "x-amzn-errormessage"]) {
          expect(exposed).toContain(h);
        }
      }
      // The admin operations, unsigned in dev mode, name the (allowed) origin instead
      // (test/e2e/browser-access.test.ts has the rest).
      for (const a of [
        await api(s.url, "ListUserPools", '{"MaxResults": 1}', { origin: "http://localhost:3000" }),
        await api(s.url, "ListUserPools", "{bad", { origin: "http://localhost:3000" }),
      ]) {
        expect(a.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
        const exposed = (a.headers.get("access-control-expose-headers") ?? "").toLowerCase();
        for (const h of ["x-amzn-requestid", "x-amzn-errortype", "x-amzn-errormessage"]) {
          expect(exposed).toContain(h);
        }
      }
    });
  });

  describe("operations in the model that Cognate does not implement", () => {
    const implemented = new Set<string>(OPERATIONS.map((o) => o.name));
    const unsupported = Object.keys(MODEL_OPERATIONS)
      .filter((n) => !implemented.has(n))
      .sort();

    it("every one answers 400 InvalidParameterException naming it (never a 500, never a success)", async () => {
      expect(unsupported.length).toBeGreaterThan(0);
      for (const name of unsupported) {
        const a = await api(s.url, name, "{}");
        expectWireError(
          a,
          "InvalidParameterException",
          new RegExp(`\\b${name}\\b.*not support|not support.*\\b${name}\\b`),
        );
      }
    });

    it("the SDK sees InvalidParameterException too (ListGroups while unsupported)", async () => {
      const name = unsupported.includes("ListGroups") ? "ListGroups" : unsupported[0];
      const a = await rawCall(s.url, name ?? "ListGroups", { UserPoolId: "us-east-1_abc" });
      expect(a.status).toBe(400);
      expect(a.json?.__type).toBe("InvalidParameterException");
      expect(String(a.json?.message)).toContain(String(name));
    });
  });

  describe("validation messages (InvalidParameterException, Coral's format)", () => {
    async function message(op: string, input: unknown): Promise<string> {
      const a = await rawCall(s.url, op, input);
      expect(a.status, a.text).toBe(400);
      expect(a.json?.__type).toBe("InvalidParameterException");
      return String(a.json?.message);
    }

    it("one violation, sensitive value omitted", async () => {
      expect(await message("ResendConfirmationCode", { ClientId: "abc", Username: "has space" })).toBe(
        "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
      );
      expect(await message("ResendConfirmationCode", { ClientId: "abc", Username: "x".repeat(129) })).toBe(
        "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128",
      );
    });

    it("a missing required member", async () => {
      expect(await message("ResendConfirmationCode", { Username: "alice" })).toBe(
        "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null",
      );
    });

    it("several violations, counted and joined with '; ', empty strings shown as ''", async () => {
      expect(await message("ResendConfirmationCode", { ClientId: "", Username: "alice" })).toBe(
        "2 validation errors detected: Value '' at 'clientId' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+",
      );
      expect(await message("ConfirmSignUp", {})).toBe(
        "3 validation errors detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null; Value null at 'confirmationCode' failed to satisfy constraint: Member must not be null; Value null at 'username' failed to satisfy constraint: Member must not be null",
      );
    });

    it("numbers are quoted; enums list their values; non-sensitive strings are echoed", async () => {
      expect(await message("ListUserPools", { MaxResults: 0 })).toBe(
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
      );
      expect(await message("ListUserPools", { MaxResults: 61 })).toBe(
        "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
      );
      expect(await message("CreateUserPool", { PoolName: "p", MfaConfiguration: "SOMETIMES" })).toBe(
        "1 validation error detected: Value 'SOMETIMES' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
      );
      expect(await message("CreateUserPool", { PoolName: "bad!name" })).toBe(
        "1 validation error detected: Value 'bad!name' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
      );
    });

    it("never echoes a sensitive value, in the body or in the headers", async () => {
      const secret = "my secret password";
      const a = await rawCall(s.url, "SignUp", {
        ClientId: "abc",
        Username: "alice",
        Password: secret,
        SecretHash: "not a hash!",
      });
      expect(a.status).toBe(400);
      expect(a.json?.message).toBe(
        "2 validation errors detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+; Value at 'secretHash' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/]+",
      );
      const everything = `${a.text}\n${[...a.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n")}`;
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain("not a hash!");
      // An empty sensitive string is shown as '' (observed for clientId).
      const empty = await rawCall(s.url, "SignUp", { ClientId: "abc", Username: "alice", Password: "" });
      expect(empty.json?.message).toBe(
        "1 validation error detected: Value '' at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
      );
    });

    it("patterns follow Java: U+00A0 is not whitespace for \\s, Unicode letters are letters", async () => {
      const pool = await s.sdk.send(new CreateUserPoolCommand({ PoolName: "patterns" }));
      const id = pool.UserPool?.Id;
      const template = (EmailMessage: string) =>
        rawCall(s.url, "UpdateUserPool", { UserPoolId: id, VerificationMessageTemplate: { EmailMessage } });
      expect((await template("Dein Bestätigungscode: {####} — grüße\n\tdein Team")).status).toBe(200);
      const nbsp = await template("Your code:\u00a0{####}");
      expect(nbsp.status).toBe(400);
      expect(nbsp.json?.message).toBe(
        "1 validation error detected: Value 'Your code:\u00a0{####}' at 'verificationMessageTemplate.emailMessage' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{####\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*",
      );
      expect((await template("no placeholder here")).status).toBe(400);
    });
  });

  describe("paths and authentication", () => {
    it("accepts the API on any path: with or without a trailing slash, under a prefix", async () => {
      for (const path of ["/", "", "/some/prefix/", "/some/prefix", "//"]) {
        const a = await http(s.url, {
          path,
          headers: { "content-type": JSON_11, "x-amz-target": `${TARGET}.ListUserPools` },
          body: '{"MaxResults": 1}',
        });
        expect(a.status, `path "${path}"`).toBe(200);
        expect(Array.isArray(a.json?.UserPools)).toBe(true);
      }
      // A path that looks like a protocol-relative URL is still just a path.
      for (const path of ["//", "//evil.example/_dev/messages"]) {
        const a = await http(s.url, { method: "GET", path });
        expect(a.status, `GET "${path}"`).toBe(404);
        expect(a.headers.get("x-amzn-requestid")).toMatch(UUID);
      }
    });

    it("accepts an admin operation signed with SigV4 by the real SDK, and unsigned (dev mode)", async () => {
      const seen: (string | undefined)[] = [];
      const client: CognitoIdentityProviderClient = s.sdk;
      // The deserialize step sees the request as sent: after the SDK signed it.
      client.middlewareStack.add(
        (next) => async (args) => {
          const req = args.request as { headers?: Record<string, string> };
          seen.push(req.headers?.authorization);
          return next(args);
        },
        { step: "deserialize", name: "protocolTestCaptureAuthorization" },
      );
      try {
        const signed = await client.send(new ListUserPoolsCommand({ MaxResults: 2 }));
        expect(Array.isArray(signed.UserPools)).toBe(true);
        expect(seen[0]).toMatch(
          /^AWS4-HMAC-SHA256 Credential=AKIDTESTCOGNATE\/\d{8}\/us-east-1\/cognito-idp\/aws4_request/,
        );
      } finally {
        client.middlewareStack.remove("protocolTestCaptureAuthorization");
      }
      const unsigned = await rawCall(s.url, "ListUserPools", { MaxResults: 2 });
      expect(unsigned.status).toBe(200);
      // A malformed Authorization header is not checked in dev mode either.
      const garbage = await rawCall(s.url, "ListUserPools", { MaxResults: 2 }, { authorization: "garbage" });
      expect(garbage.status).toBe(200);
    });

    it("accepts an unsigned public operation and ignores an Authorization header on it", async () => {
      for (const headers of [{}, { authorization: "AWS4-HMAC-SHA256 Credential=x/y, Signature=z" }]) {
        const a = await rawCall(
          s.url,
          "ResendConfirmationCode",
          { ClientId: "nosuchclient", Username: "u" },
          headers,
        );
        expectWireError(a, "ResourceNotFoundException", "User pool client nosuchclient does not exist.");
      }
    });

    it("an SDK error carries the request id and a client fault", async () => {
      const err = await s.sdk.send(new DeleteUserPoolCommand({ UserPoolId: "us-east-1_missing1" })).then(
        () => null,
        (e: unknown) =>
          e as { name: string; $fault: string; $metadata: { httpStatusCode?: number; requestId?: string } },
      );
      expect(err?.name).toBe("ResourceNotFoundException");
      expect(err?.$fault).toBe("client");
      expect(err?.$metadata.httpStatusCode).toBe(400);
      expect(err?.$metadata.requestId).toMatch(UUID);
    });
  });
});

describe("request body limit", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ bodyLimitBytes: 2048 });
  });
  afterAll(() => s.close());

  const bigBody = () => JSON.stringify({ MaxResults: 1, padding: "x".repeat(3000) });

  it("refuses a body over the limit with a clear error naming the limit", async () => {
    const a = await api(s.url, "ListUserPools", bigBody());
    expectWireError(a, "RequestEntityTooLargeException", /2048 bytes/, 413);
  });

  it("refuses a streamed (chunked) body over the limit too", async () => {
    const chunk = new TextEncoder().encode("x".repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"MaxResults": 1, "p": "'));
        if (sent >= 8) {
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
          return;
        }
        sent++;
        controller.enqueue(chunk);
      },
    });
    const r = await fetch(`${s.url}/`, {
      method: "POST",
      headers: { "content-type": JSON_11, "x-amz-target": `${TARGET}.ListUserPools` },
      body: stream,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { __type: string }).__type).toBe("RequestEntityTooLargeException");
  });

  it("accepts a body under the limit, and keeps serving after refusals", async () => {
    await api(s.url, "ListUserPools", bigBody());
    const ok = await api(
      s.url,
      "ListUserPools",
      JSON.stringify({ MaxResults: 1, padding: "x".repeat(1500) }),
    );
    expect(ok.status).toBe(200);
  });
});
