// Production mode: the admin operations need a SigV4 signature from a configured access key
// (config file or `cognate keys create`), checked like AWS does; the public operations stay
// open. Clients: the AWS SDK v3 (and its own signer for hand-altered requests), boto3 and the
// aws CLI.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ListUserPoolsCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/child.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { sdkClient, startServer, type TestServer } from "../helpers/server.js";
import { type AccessKey, awsEnv, send, signCall, signedSdk } from "../helpers/sigv4.js";

const run = promisify(execFile);
const CONFIG_KEY: AccessKey = {
  accessKeyId: "CONFIGKEY0000000001",
  secretAccessKey: "config-secret-access-key-0001",
};
const MISMATCH = /^The request signature we calculated does not match the signature you provided/;

describe("SigV4 in production mode", () => {
  let s: TestServer;
  let stored: AccessKey;
  let db: string;

  beforeAll(async () => {
    s = await startServer({
      mode: "production",
      credentials: [CONFIG_KEY],
      // A new or revoked key takes effect at once (the default re-reads keys every second).
      configCacheSeconds: 0,
      passwordHashing: { ln: 4, r: 8, p: 1 },
    });
    db = s.db;
    const made = await runCli([
      "keys",
      "create",
      "--db",
      db,
      "--json",
      "--description",
      "sigv4 test",
      "--server-secret-file",
      s.secretFile,
    ]);
    expect(made.code, made.stderr).toBe(0);
    const j = JSON.parse(made.stdout) as { AccessKeyId: string; SecretAccessKey: string };
    stored = { accessKeyId: j.AccessKeyId, secretAccessKey: j.SecretAccessKey };
  }, 120_000);
  afterAll(() => s?.close());

  it("accepts a valid signature from a config key and from a `keys create` key (SDK v3)", async () => {
    for (const key of [CONFIG_KEY, stored]) {
      const sdk = signedSdk(s.url, key);
      const made = await sdk.send(new CreateUserPoolCommand({ PoolName: `p-${key.accessKeyId}` }));
      expect(made.UserPool?.Id).toMatch(/^us-east-1_/);
      const list = await sdk.send(new ListUserPoolsCommand({ MaxResults: 60 }));
      expect(list.UserPools?.map((p) => p.Name)).toContain(`p-${key.accessKeyId}`);
      sdk.destroy();
    }
  });

  it("refuses a wrong secret, an unknown key, a wrong region and a wrong service", async () => {
    const cases: [AccessKey, { region?: string }, string, RegExp][] = [
      [
        { ...CONFIG_KEY, secretAccessKey: "not-the-secret-0000000000" },
        {},
        "InvalidSignatureException",
        MISMATCH,
      ],
      [
        { accessKeyId: "CGNTUNKNOWNKEY000000", secretAccessKey: "whatever-secret-000000" },
        {},
        "UnrecognizedClientException",
        /^The security token included in the request is invalid\.$/,
      ],
      [
        CONFIG_KEY,
        { region: "eu-west-1" },
        "InvalidSignatureException",
        /scoped to a valid region, not 'eu-west-1'/,
      ],
    ];
    for (const [key, opts, name, message] of cases) {
      const sdk = signedSdk(s.url, key, opts);
      const err = await sdk.send(new ListUserPoolsCommand({ MaxResults: 10 })).catch((e: unknown) => e);
      expect(err).toMatchObject({ name, $metadata: { httpStatusCode: 400 } });
      expect((err as Error).message).toMatch(message);
      sdk.destroy();
    }
    const body = JSON.stringify({ MaxResults: 10 });
    const h = await signCall(s.url, CONFIG_KEY, "ListUserPools", body, { service: "cognito-identity" });
    const r = await send(s.url, h, body);
    expect(r.json).toEqual({
      __type: "InvalidSignatureException",
      message: "Credential should be scoped to correct service: 'cognito-idp'. ",
    });
  });

  it("refuses an expired or future signature; the SDK corrects its clock from the Date header", async () => {
    for (const skew of [10 * 60_000, -10 * 60_000]) {
      // A server whose clock is 10 minutes ahead of (or behind) the client's.
      const skewed = await startServer(
        { mode: "production", credentials: [CONFIG_KEY] },
        { clock: { now: () => Date.now() + skew } },
      );
      try {
        const once = signedSdk(skewed.url, CONFIG_KEY);
        const err = await once.send(new ListUserPoolsCommand({ MaxResults: 10 })).catch((e: unknown) => e);
        expect(err).toMatchObject({ name: "InvalidSignatureException", $metadata: { httpStatusCode: 400 } });
        expect((err as Error).message).toMatch(
          skew > 0
            ? /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/
            : /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/,
        );
        once.destroy();
        // With retries on (as apps run it), the SDK reads our Date header, fixes its clock
        // offset and the retry goes through.
        const retrying = signedSdk(skewed.url, CONFIG_KEY, { maxAttempts: 3 });
        const ok = await retrying.send(new ListUserPoolsCommand({ MaxResults: 10 }));
        expect(ok.$metadata.httpStatusCode).toBe(200);
        expect(Math.abs((retrying.config.systemClockOffset ?? 0) - skew)).toBeLessThan(5_000);
        retrying.destroy();
      } finally {
        await skewed.close();
      }
    }
    // Within the 5-minute window a skewed clock is still fine.
    const body = JSON.stringify({ MaxResults: 10 });
    const fourMinutesAgo = new Date(Date.now() - 4 * 60_000);
    const r = await send(
      s.url,
      await signCall(s.url, CONFIG_KEY, "ListUserPools", body, { date: fourMinutesAgo }),
      body,
    );
    expect(r.status).toBe(200);
  });

  it("refuses a tampered body, a tampered signed header and a lying x-amz-content-sha256", async () => {
    const body = JSON.stringify({ MaxResults: 10 });
    const good = await signCall(s.url, CONFIG_KEY, "ListUserPools", body);
    expect((await send(s.url, good, body)).status).toBe(200);

    // The SDK's signer also sends x-amz-content-sha256, which no longer matches the body.
    const tampered = await send(s.url, good, JSON.stringify({ MaxResults: 11 }));
    expect(tampered.status).toBe(400);
    expect(tampered.json.__type).toBe("InvalidSignatureException");
    expect(tampered.headers.get("x-amzn-errortype")).toBe("InvalidSignatureException:");
    // Signed without that header (as botocore signs), only the signature can catch it.
    const bare = await signCall(s.url, CONFIG_KEY, "ListUserPools", body, { applyChecksum: false });
    expect(bare["x-amz-content-sha256"]).toBeUndefined();
    expect((await send(s.url, bare, body)).status).toBe(200);
    const tamperedBare = await send(s.url, bare, JSON.stringify({ MaxResults: 11 }));
    expect(tamperedBare.json.__type).toBe("InvalidSignatureException");
    expect(String(tamperedBare.json.message)).toMatch(MISMATCH);

    const otherOp = await send(
      s.url,
      { ...good, "x-amz-target": "AWSCognitoIdentityProviderService.DeleteUserPool" },
      body,
    );
    expect(otherOp.json.__type).toBe("InvalidSignatureException");

    // A payload hash header that is signed but does not match the body.
    const withHash = await signCall(s.url, CONFIG_KEY, "ListUserPools", body, {
      extraHeaders: { "x-amz-content-sha256": "0".repeat(64) },
    });
    const lying = await send(s.url, withHash, body);
    expect(lying.json).toEqual({
      __type: "InvalidSignatureException",
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });

    // The same signature replayed with the same body is accepted within the window (as on AWS).
    expect((await send(s.url, good, body)).status).toBe(200);
  });

  it("requires the target, the content type, host and every x-amz-* header to be signed", async () => {
    const admin = signedSdk(s.url, CONFIG_KEY);
    const pool = await admin.send(new CreateUserPoolCommand({ PoolName: "keep-me" }));
    admin.destroy();
    const id = pool.UserPool?.Id ?? "";
    const body = JSON.stringify({ UserPoolId: id });
    // Signed over host and x-amz-date only: the target could be swapped in transit.
    const narrow = await signCall(s.url, CONFIG_KEY, "DescribeUserPool", body, {
      applyChecksum: false,
      unsigned: ["x-amz-target"],
    });
    expect(narrow.authorization).toContain("SignedHeaders=content-type;host;x-amz-date,");
    const swapped = await send(
      s.url,
      { ...narrow, "x-amz-target": "AWSCognitoIdentityProviderService.DeleteUserPool" },
      body,
    );
    expect(swapped.status).toBe(400);
    expect(swapped.json).toEqual({
      __type: "InvalidSignatureException",
      message: "'x-amz-target' must be a 'SignedHeader' in the AWS Authorization.",
    });
    // Unswapped it is refused just the same: the signature does not cover what it must.
    expect((await send(s.url, narrow, body)).json.__type).toBe("InvalidSignatureException");
    const still = signedSdk(s.url, CONFIG_KEY);
    expect((await still.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool?.Id).toBe(id);
    still.destroy();

    const cases: [string[], Record<string, string>, string][] = [
      [["content-type"], {}, "'Content-Type' must be a 'SignedHeader' in the AWS Authorization."],
      [["host"], {}, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."],
      [
        ["x-amz-content-sha256"],
        {},
        "'x-amz-content-sha256' must be a 'SignedHeader' in the AWS Authorization.",
      ],
      [
        ["x-amz-meta-note"],
        { "x-amz-meta-note": "hello" },
        "'x-amz-meta-note' must be a 'SignedHeader' in the AWS Authorization.",
      ],
    ];
    for (const [unsigned, extraHeaders, message] of cases) {
      const h = await signCall(s.url, CONFIG_KEY, "DescribeUserPool", body, { unsigned, extraHeaders });
      expect((await send(s.url, h, body)).json, unsigned.join()).toEqual({
        __type: "InvalidSignatureException",
        message,
      });
    }
  });

  it("refuses a header named in SignedHeaders that the request does not carry", async () => {
    const body = JSON.stringify({ MaxResults: 10 });
    const h = await signCall(s.url, CONFIG_KEY, "ListUserPools", body, {
      extraHeaders: { "x-request-tag": "abc" },
    });
    expect(h.authorization).toContain("x-request-tag");
    // With the header the signature holds; without it, the request is incomplete.
    expect((await send(s.url, h, body)).status).toBe(200);
    const dropped = { ...h };
    delete dropped["x-request-tag"];
    expect((await send(s.url, dropped, body)).json).toEqual({
      __type: "IncompleteSignatureException",
      message: "'x-request-tag' is named as a SignedHeader, but it does not exist in the HTTP request.",
    });
  });

  it("answers a missing or malformed Authorization like AWS front ends", async () => {
    const body = JSON.stringify({ MaxResults: 10 });
    const base = {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AWSCognitoIdentityProviderService.ListUserPools",
    };
    const none = await send(s.url, base, body);
    expect(none.status).toBe(400);
    expect(none.json).toEqual({
      __type: "MissingAuthenticationTokenException",
      message: "Request is missing Authentication Token",
    });
    const bearer = await send(s.url, { ...base, authorization: "Bearer abc" }, body);
    expect(bearer.json.__type).toBe("IncompleteSignatureException");
    const partial = await send(
      s.url,
      { ...base, authorization: "AWS4-HMAC-SHA256 Credential=X/20260101/us-east-1/cognito-idp/aws4_request" },
      body,
    );
    expect(partial.json).toEqual({
      __type: "IncompleteSignatureException",
      message:
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.",
    });
    const good = await signCall(s.url, CONFIG_KEY, "ListUserPools", body);
    const noDate = { ...good };
    delete noDate["x-amz-date"];
    expect((await send(s.url, noDate, body)).json.__type).toBe("IncompleteSignatureException");
    // A session token, signed as the SDKs sign it: temporary credentials are never issued here.
    const withToken = await send(
      s.url,
      await signCall(s.url, CONFIG_KEY, "ListUserPools", body, {
        extraHeaders: { "x-amz-security-token": "FQoGZXIvYXdzE" },
      }),
      body,
    );
    expect(withToken.json.__type).toBe("UnrecognizedClientException");
    // The dev-mode SDK helper's fake credentials are refused too.
    const fake = sdkClient(s.url);
    await expect(fake.send(new ListUserPoolsCommand({ MaxResults: 10 }))).rejects.toMatchObject({
      name: "UnrecognizedClientException",
    });
    fake.destroy();
  });

  it("keeps the public operations open without any signature, and the dev inbox closed", async () => {
    const admin = signedSdk(s.url, CONFIG_KEY);
    // No auto-verified attribute: SignUp needs no delivery transport.
    const pool = await admin.send(new CreateUserPoolCommand({ PoolName: "open-ops" }));
    const client = await admin.send(
      new CreateUserPoolClientCommand({ UserPoolId: pool.UserPool?.Id ?? "", ClientName: "web" }),
    );
    admin.destroy();
    const body = JSON.stringify({
      ClientId: client.UserPoolClient?.ClientId,
      Username: "anon",
      Password: PASSWORD,
    });
    const r = await fetch(`${s.url}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.SignUp",
      },
      body,
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { UserConfirmed: boolean }).UserConfirmed).toBe(false);
    // Signed with junk: still fine, the public operations ignore signatures (as on AWS).
    const junk = sdkClient(s.url);
    const up = await junk.send(
      new SignUpCommand({ ClientId: client.UserPoolClient?.ClientId, Username: "anon2", Password: PASSWORD }),
    );
    expect(up.UserSub).toBeTruthy();
    junk.destroy();
    expect((await fetch(`${s.url}/_dev/messages`)).status).toBe(404);
  });

  it("boto3 with configured keys: accepted; wrong secret and unknown key get AWS's error codes", async () => {
    const script = `
import json, sys, boto3
from botocore.exceptions import ClientError
url = sys.argv[1]
out = {}
c = boto3.client("cognito-idp", endpoint_url=url)
out["pools"] = len(c.list_user_pools(MaxResults=60)["UserPools"]) > 0
for name, key, secret in [("wrong", sys.argv[2], "not-the-right-secret-000"), ("unknown", "CGNTNOSUCHKEY0000000", "x" * 30)]:
    bad = boto3.client("cognito-idp", endpoint_url=url, aws_access_key_id=key, aws_secret_access_key=secret)
    try:
        bad.list_user_pools(MaxResults=10)
        out[name] = "accepted"
    except ClientError as e:
        out[name] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps(out))
`;
    for (const key of [CONFIG_KEY, stored]) {
      const { stdout } = await run("python3", ["-c", script, s.url, key.accessKeyId], { env: awsEnv(key) });
      expect(JSON.parse(stdout)).toEqual({
        pools: true,
        wrong: ["InvalidSignatureException", 400],
        unknown: ["UnrecognizedClientException", 400],
      });
    }
  });

  it("aws CLI with configured keys: accepted; a wrong secret prints InvalidSignatureException", async () => {
    const cli = (key: AccessKey, region?: string) =>
      run(
        "aws",
        [
          "cognito-idp",
          "list-user-pools",
          "--max-results",
          "10",
          "--endpoint-url",
          s.url,
          "--output",
          "json",
        ],
        {
          env: awsEnv(key, region),
        },
      );
    const ok = JSON.parse((await cli(stored)).stdout) as { UserPools: unknown[] };
    expect(ok.UserPools.length).toBeGreaterThan(0);
    const bad = await cli({ ...stored, secretAccessKey: "wrong-wrong-wrong-wrong-0000" }).catch(
      (e: { stderr: string }) => e,
    );
    expect((bad as { stderr: string }).stderr).toMatch(
      /An error occurred \(InvalidSignatureException\) when calling the ListUserPools operation: The request signature we calculated/,
    );
    const region = await cli(stored, "us-west-2").catch((e: { stderr: string }) => e);
    expect((region as { stderr: string }).stderr).toMatch(
      /\(InvalidSignatureException\).*valid region, not 'us-west-2'/,
    );
  });

  it("keys list shows the key without its secret; a revoked key is refused at once", {
    timeout: 120_000,
  }, async () => {
    const listed = await runCli(["keys", "list", "--db", db, "--json", "--server-secret-file", s.secretFile]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(stored.secretAccessKey);
    const keys = (JSON.parse(listed.stdout) as { AccessKeys: { AccessKeyId: string; Status: string }[] })
      .AccessKeys;
    expect(keys).toContainEqual(
      expect.objectContaining({ AccessKeyId: stored.accessKeyId, Status: "Active" }),
    );

    // Rotation: a second key, then the first revoked.
    const next = JSON.parse(
      (await runCli(["keys", "create", "--db", db, "--json", "--server-secret-file", s.secretFile])).stdout,
    ) as {
      AccessKeyId: string;
      SecretAccessKey: string;
    };
    const revoked = await runCli([
      "keys",
      "revoke",
      stored.accessKeyId,
      "--db",
      db,
      "--server-secret-file",
      s.secretFile,
    ]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const old = signedSdk(s.url, stored);
    await expect(old.send(new ListUserPoolsCommand({ MaxResults: 10 }))).rejects.toMatchObject({
      name: "UnrecognizedClientException",
    });
    old.destroy();
    const fresh = signedSdk(s.url, { accessKeyId: next.AccessKeyId, secretAccessKey: next.SecretAccessKey });
    expect((await fresh.send(new ListUserPoolsCommand({ MaxResults: 10 }))).$metadata.httpStatusCode).toBe(
      200,
    );
    fresh.destroy();
    const again = await runCli([
      "keys",
      "revoke",
      stored.accessKeyId,
      "--db",
      db,
      "--server-secret-file",
      s.secretFile,
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no active access key ${stored.accessKeyId}`);
  });
});
