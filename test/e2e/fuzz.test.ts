// Fuzzing the live server: thousands of generated requests — real and made-up targets, content
// types, headers, methods and paths; bodies from well-formed inputs with wrong types, unicode,
// huge strings and deep nesting, to raw bytes that are not JSON or not UTF-8. Whatever comes
// in, the server must answer: never a 5xx (an InternalErrorException here is a bug), never a
// hang, never a crash, and on the API route always a JSON error with `__type` that the
// x-amzn-ErrorType header names too. Then it must still serve normally.
import { Writable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL_OPERATIONS } from "../../src/protocol/generated/model.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { type AccessKey, signCall } from "../helpers/sigv4.js";

const DEV_RUNS = 3000;
const PRODUCTION_RUNS = 1200;
const IMPLEMENTED = [
  "SignUp",
  "ResendConfirmationCode",
  "ConfirmSignUp",
  "AdminConfirmSignUp",
  "AdminGetUser",
  "AdminDeleteUser",
  "AdminDisableUser",
  "AdminEnableUser",
  "ListUsers",
  "CreateUserPool",
  "DescribeUserPool",
  "UpdateUserPool",
  "ListUserPools",
  "CreateUserPoolClient",
  "DescribeUserPoolClient",
  "UpdateUserPoolClient",
  "ListUserPoolClients",
];
const MEMBERS = [
  "ClientId",
  "Username",
  "Password",
  "SecretHash",
  "UserAttributes",
  "ValidationData",
  "ClientMetadata",
  "UserContextData",
  "AnalyticsMetadata",
  "ConfirmationCode",
  "ForceAliasCreation",
  "UserPoolId",
  "PoolName",
  "ClientName",
  "MaxResults",
  "NextToken",
  "Limit",
  "PaginationToken",
  "Filter",
  "AttributesToGet",
  "AutoVerifiedAttributes",
  "UsernameAttributes",
  "AliasAttributes",
  "Policies",
  "LambdaConfig",
  "VerificationMessageTemplate",
  "GenerateSecret",
  "PreventUserExistenceErrors",
  "ExplicitAuthFlows",
  "UsernameConfiguration",
  "Schema",
  "DeletionProtection",
];

interface Case {
  method: string;
  path: string;
  target: string | undefined;
  contentType: string | undefined;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** Header values a client can send at all: visible ASCII (fetch refuses the rest). */
function printable(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: "binary-ascii", maxLength }).map((s) => s.replace(/[^\x20-\x7e]/g, "").trim());
}

function arbitraries(ids: { poolId: string; clientId: string }) {
  // Long, but under the body limit: they reach the validators (max lengths 128, 256, 2048…).
  const longString = fc.nat({ max: 3 }).map((n) => "é".repeat([129, 257, 2049, 40_000][n] ?? 10));
  const text = fc.oneof(
    { arbitrary: fc.string({ maxLength: 40 }), weight: 4 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 3 },
    { arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        ids.poolId,
        ids.clientId,
        "alice",
        "alice@example.com",
        "+14155550123",
        PASSWORD,
        "123456",
        "us-east-1_AbC123",
        "",
        " ",
        "\u0000",
        "\ud800",
        "𝓊𝓃𝒾𝒸𝑜𝒹𝑒",
        "email",
        "phone_number",
        "ENABLED",
        "LEGACY",
        "CONFIRM_WITH_LINK",
        'username = "alice"',
        'email ^= "a"',
        "__proto__",
        "constructor",
      ),
      weight: 4,
    },
    { arbitrary: longString, weight: 1 },
  );
  const scalar = fc.oneof(
    { arbitrary: text, weight: 6 },
    { arbitrary: fc.integer(), weight: 2 },
    { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
    { arbitrary: fc.constantFrom(0, -1, 1e308, 2 ** 53 + 1, 60, 61), weight: 1 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
  );
  const attribute = fc.record(
    {
      Name: fc.oneof(
        fc.constantFrom("email", "phone_number", "name", "custom:x", "sub", "email_verified"),
        text,
      ),
      Value: scalar,
    },
    { requiredKeys: [] },
  );
  const value = fc.oneof(
    { arbitrary: scalar, weight: 8 },
    { arbitrary: fc.array(attribute, { maxLength: 5 }), weight: 3 },
    { arbitrary: fc.dictionary(text, scalar, { maxKeys: 5 }), weight: 2 },
    { arbitrary: fc.array(scalar, { maxLength: 5 }), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
  );
  const structured = fc
    .dictionary(
      fc.oneof({ arbitrary: fc.constantFrom(...MEMBERS), weight: 9 }, { arbitrary: text, weight: 1 }),
      value,
      {
        maxKeys: 8,
      },
    )
    .map((o) => JSON.stringify(o));
  const nested = fc
    .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom("[", '{"a":'))
    .map(([n, open]) => `{"ClientId":${open.repeat(n)}1${(open === "[" ? "]" : "}").repeat(n)}}`);
  // Bodies over the 1 MiB limit (declared with Content-Length).
  const oversized = fc
    .nat({ max: 2 })
    .map((n) =>
      JSON.stringify({ ClientId: "x", Username: "y".repeat([1_100_000, 2_000_000, 5_000_000][n] ?? 1) }),
    );
  const body = fc.oneof(
    { arbitrary: structured, weight: 12 },
    { arbitrary: oversized, weight: 1 },
    { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 3 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 200 }), weight: 2 },
    { arbitrary: fc.uint8Array({ maxLength: 200 }), weight: 2 },
    { arbitrary: nested, weight: 2 },
    {
      arbitrary: fc.constantFrom("", "null", "[]", "{}", "{", '"x"', "1e999", '{"a":1,"a":2}', "\ufeff{}"),
      weight: 2,
    },
  );
  const operation = fc.oneof(
    { arbitrary: fc.constantFrom(...IMPLEMENTED), weight: 10 },
    { arbitrary: fc.constantFrom(...Object.keys(MODEL_OPERATIONS)), weight: 3 },
    { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
  );
  const target = fc.oneof(
    { arbitrary: operation.map((op) => `AWSCognitoIdentityProviderService.${op}`), weight: 14 },
    { arbitrary: operation.map((op) => `AWSCognitoIdentityProviderService.${op.toLowerCase()}`), weight: 1 },
    { arbitrary: printable(60), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
  const contentType = fc.oneof(
    { arbitrary: fc.constant("application/x-amz-json-1.1"), weight: 14 },
    {
      arbitrary: fc.constantFrom(
        "application/x-amz-json-1.0",
        "application/json",
        "text/plain",
        "application/x-amz-json-1.1; charset=utf-8",
        "APPLICATION/X-AMZ-JSON-1.1",
        "",
      ),
      weight: 2,
    },
    { arbitrary: printable(40), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
  const headerValue = printable(120);
  const headers = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
        "x-amz-user-agent",
        "user-agent",
        "accept",
        "x-forwarded-for",
        "origin",
      ),
      fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
    ),
    headerValue,
    { maxKeys: 4 },
  );
  const method = fc.oneof(
    { arbitrary: fc.constant("POST"), weight: 20 },
    { arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "OPTIONS", "PATCH"), weight: 2 },
  );
  const path = fc.oneof(
    { arbitrary: fc.constant("/"), weight: 20 },
    {
      arbitrary: fc.constantFrom(
        "/x",
        "//",
        "/_dev/messages",
        "/confirmUser",
        "/%zz",
        "/..%2f..",
        "/?a=b&a=c",
        "/health",
      ),
      weight: 2,
    },
  );
  return fc.record<Case>({ method, path, target, contentType, headers, body });
}

interface Outcome {
  status: number;
  contentType: string | null;
  errorHeader: string | null;
  text: string;
}

async function send(url: string, c: Case, extra: Record<string, string> = {}): Promise<Outcome> {
  const headers: Record<string, string> = { ...c.headers, ...extra };
  if (c.target !== undefined) headers["x-amz-target"] = c.target;
  if (c.contentType !== undefined) headers["content-type"] = c.contentType;
  const withBody = c.method !== "GET";
  const r = await fetch(`${url}${c.path}`, {
    method: c.method,
    headers,
    ...(withBody ? { body: c.body } : {}),
    // A hang is a failure: every request must be answered promptly.
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: r.status,
    contentType: r.headers.get("content-type"),
    errorHeader: r.headers.get("x-amzn-errortype"),
    text: await r.text(),
  };
}

/** The invariants every answer must hold; returns a description of the violation, or null. */
function violation(c: Case, o: Outcome): string | null {
  if (o.status >= 500) return `status ${o.status}: ${o.text.slice(0, 300)}`;
  const api = c.method === "POST";
  if (!api || o.status === 200 || o.status === 204) return null;
  if (c.method === "POST" && c.path.startsWith("/_dev/")) return null;
  let json: { __type?: unknown; message?: unknown };
  try {
    json = JSON.parse(o.text) as { __type?: unknown; message?: unknown };
  } catch {
    return `not JSON (status ${o.status}): ${o.text.slice(0, 200)}`;
  }
  if (typeof json.__type !== "string" || json.__type === "") return `no __type: ${o.text.slice(0, 200)}`;
  if (typeof json.message !== "string") return `no message: ${o.text.slice(0, 200)}`;
  if (o.errorHeader !== `${json.__type}:`)
    return `x-amzn-ErrorType ${o.errorHeader} vs __type ${json.__type}`;
  if (!o.contentType?.startsWith("application/x-amz-json-1.1")) return `content type ${o.contentType}`;
  return null;
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

/** Log lines at error level or above (pino: 50 = error, 60 = fatal). */
function errorLines(log: string): string[] {
  return log.split("\n").filter((l) => /"level":(5|6)0/.test(l));
}

describe("fuzzing the live server", () => {
  let dev: TestServer;
  let prod: TestServer;
  const devLogs = capture();
  const prodLogs = capture();
  const key: AccessKey = {
    accessKeyId: "FUZZKEY00000000000001",
    secretAccessKey: "fuzz-secret-access-key-01",
  };
  let devIds: { poolId: string; clientId: string };
  let prodIds: { poolId: string; clientId: string };

  beforeAll(async () => {
    dev = await startServer({ logLevel: "warn" }, { logStream: devLogs.stream });
    devIds = await makePool(dev.sdk, { AutoVerifiedAttributes: ["email"] });
    prod = await startServer(
      {
        mode: "production",
        logLevel: "warn",
        credentials: [key],
        limits: { ipRequestsPerSecond: 0 },
        passwordHashing: { ln: 4, r: 8, p: 1 },
      },
      { logStream: prodLogs.stream },
    );
    const poolBody = JSON.stringify({ PoolName: "fuzz", AutoVerifiedAttributes: [] });
    const pool = await fetch(`${prod.url}/`, {
      method: "POST",
      headers: await signCall(prod.url, key, "CreateUserPool", poolBody),
      body: poolBody,
    }).then((r) => r.json() as Promise<{ UserPool: { Id: string } }>);
    const clientBody = JSON.stringify({ UserPoolId: pool.UserPool.Id, ClientName: "c" });
    const client = await fetch(`${prod.url}/`, {
      method: "POST",
      headers: await signCall(prod.url, key, "CreateUserPoolClient", clientBody),
      body: clientBody,
    }).then((r) => r.json() as Promise<{ UserPoolClient: { ClientId: string } }>);
    prodIds = { poolId: pool.UserPool.Id, clientId: client.UserPoolClient.ClientId };
  });
  afterAll(async () => {
    await dev?.close();
    await prod?.close();
  });

  it(`dev mode: ${DEV_RUNS} generated requests, no 5xx, no hang, always a JSON error`, {
    timeout: 600_000,
  }, async () => {
    let runs = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(arbitraries(devIds), async (c) => {
        runs++;
        const o = await send(dev.url, c);
        statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
        const v = violation(c, o);
        if (v) throw new Error(v);
      }),
      { numRuns: DEV_RUNS },
    );
    console.log(`fuzz (dev): ${runs} cases; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(runs).toBe(DEV_RUNS);
    expect((await fetch(`${dev.url}/health`)).status).toBe(200);
    expect(errorLines(devLogs.text())).toEqual([]);
  });

  it(`production mode: ${PRODUCTION_RUNS} requests, unsigned, junk-signed and validly signed`, {
    timeout: 600_000,
  }, async () => {
    let runs = 0;
    let signed = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(arbitraries(prodIds), fc.nat({ max: 3 }), async (c, mode) => {
        runs++;
        let extra: Record<string, string> = {};
        // A quarter of the API cases carry a valid signature over exactly what is sent, so
        // that admin operations run too; the others are unsigned or carry junk headers.
        if (
          mode === 0 &&
          c.method === "POST" &&
          c.target?.startsWith("AWSCognitoIdentityProviderService.") &&
          c.path === "/"
        ) {
          const body = typeof c.body === "string" ? c.body : Buffer.from(c.body).toString("latin1");
          const sent: Case = { ...c, body, headers: {} };
          const h = await signCall(
            prod.url,
            key,
            c.target.slice("AWSCognitoIdentityProviderService.".length),
            body,
            {
              applyChecksum: false,
            },
          );
          delete h.host;
          extra = { ...h, "content-type": c.contentType ?? h["content-type"] ?? "" };
          if (c.contentType === undefined) delete extra["content-type"];
          signed++;
          const o = await send(prod.url, { ...sent, body: Buffer.from(body, "latin1") }, extra);
          statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
          const v = violation(sent, o);
          if (v) throw new Error(v);
          return;
        }
        const o = await send(prod.url, c);
        statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
        const v = violation(c, o);
        if (v) throw new Error(v);
      }),
      { numRuns: PRODUCTION_RUNS },
    );
    console.log(
      `fuzz (production): ${runs} cases, ${signed} validly signed; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(runs).toBe(PRODUCTION_RUNS);
    expect(signed).toBeGreaterThan(PRODUCTION_RUNS / 8);
    expect((await fetch(`${prod.url}/health`)).status).toBe(200);
    expect(errorLines(prodLogs.text())).toEqual([]);
  });
});
