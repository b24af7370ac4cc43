// Unmodified AWS tools against the server: the `aws` CLI (botocore, unsigned and SigV4
// requests, its own error printing) and boto3 from a Python script.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

describe("the aws CLI and boto3", () => {
  let s: TestServer;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    s = await startServer();
    // Only what the tools need, so nothing from this machine's AWS setup leaks in.
    env = {
      PATH: process.env.PATH,
      HOME: s.dir,
      LANG: "C.UTF-8",
      AWS_ACCESS_KEY_ID: "AKIDCLITEST",
      AWS_SECRET_ACCESS_KEY: "cli-test-secret",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_PAGER: "",
    };
  });
  afterAll(() => s.close());

  async function aws(...args: string[]): Promise<Outcome> {
    try {
      const r = await run("aws", ["cognito-idp", ...args, "--endpoint-url", s.url, "--output", "json"], {
        env,
        timeout: 60_000,
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      if (typeof err.code !== "number") throw e;
      return { code: err.code, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
    }
  }

  describe("aws cognito-idp", () => {
    let poolId: string;

    it("create-user-pool then describe-user-pool", async () => {
      const created = await aws(
        "create-user-pool",
        "--pool-name",
        "p",
        "--auto-verified-attributes",
        "email",
      );
      expect(created.code, created.stderr).toBe(0);
      const pool = (JSON.parse(created.stdout) as { UserPool: { Id: string; Name: string } }).UserPool;
      expect(pool.Id).toMatch(/^us-east-1_[0-9a-zA-Z]{9}$/);
      expect(pool.Name).toBe("p");
      poolId = pool.Id;

      const described = await aws("describe-user-pool", "--user-pool-id", poolId);
      expect(described.code, described.stderr).toBe(0);
      const d = (
        JSON.parse(described.stdout) as {
          UserPool: {
            Id: string;
            Name: string;
            AutoVerifiedAttributes: string[];
            CreationDate: number | string;
          };
        }
      ).UserPool;
      expect(d.Id).toBe(poolId);
      expect(d.Name).toBe("p");
      expect(d.AutoVerifiedAttributes).toEqual(["email"]);
      // An epoch-seconds timestamp that botocore understood (printed as a number or ISO text).
      const t = typeof d.CreationDate === "number" ? d.CreationDate * 1000 : Date.parse(d.CreationDate);
      expect(Math.abs(t - Date.now())).toBeLessThan(5 * 60_000);
    });

    it("prints Cognito's error the way it prints AWS's", async () => {
      const r = await aws("describe-user-pool", "--user-pool-id", "us-east-1_nope12345");
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim()).toBe(
        "An error occurred (ResourceNotFoundException) when calling the DescribeUserPool operation: User pool us-east-1_nope12345 does not exist.",
      );
    });

    it("public operations (botocore sends them unsigned) and admin ones (signed): sign-up, list-users", async () => {
      const client = await aws("create-user-pool-client", "--user-pool-id", poolId, "--client-name", "cli");
      expect(client.code, client.stderr).toBe(0);
      const clientId = (JSON.parse(client.stdout) as { UserPoolClient: { ClientId: string } }).UserPoolClient
        .ClientId;
      const up = await aws(
        "sign-up",
        "--client-id",
        clientId,
        "--username",
        "cliuser",
        "--password",
        PASSWORD,
        "--user-attributes",
        "Name=email,Value=cliuser@example.com",
      );
      expect(up.code, up.stderr).toBe(0);
      expect(JSON.parse(up.stdout)).toMatchObject({
        UserConfirmed: false,
        CodeDeliveryDetails: {
          Destination: "c***@e***",
          DeliveryMedium: "EMAIL",
          AttributeName: "email",
        },
      });
      const listed = await aws("list-users", "--user-pool-id", poolId, "--filter", 'email ^= "cliuser"');
      expect(listed.code, listed.stderr).toBe(0);
      const users = (JSON.parse(listed.stdout) as { Users: { Username: string; UserStatus: string }[] })
        .Users;
      expect(users.map((u) => [u.Username, u.UserStatus])).toEqual([["cliuser", "UNCONFIRMED"]]);
      const bad = await aws("list-users", "--user-pool-id", poolId, "--filter", "nonsense");
      expect(bad.stderr.trim()).toBe(
        "An error occurred (InvalidParameterException) when calling the ListUsers operation: Error while parsing filter.",
      );
    });
  });

  describe("boto3", () => {
    it("drives pools, clients with secrets, SECRET_HASH sign-up, paginators and errors", async () => {
      const script = join(s.dir, "boto3_check.py");
      writeFileSync(
        script,
        `
import base64, hashlib, hmac, json, sys
import boto3
from botocore.exceptions import ClientError

endpoint, password = sys.argv[1], sys.argv[2]
c = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1")
out = {}

pool = c.create_user_pool(PoolName="boto", AutoVerifiedAttributes=["email"])["UserPool"]
pid = pool["Id"]
out["pool_id"] = pid
out["creation_date_type"] = type(pool["CreationDate"]).__name__

client = c.create_user_pool_client(UserPoolId=pid, ClientName="server", GenerateSecret=True)["UserPoolClient"]
described = c.describe_user_pool_client(UserPoolId=pid, ClientId=client["ClientId"])["UserPoolClient"]
out["secret_roundtrip"] = described["ClientSecret"] == client["ClientSecret"]

def secret_hash(username):
    msg = (username + client["ClientId"]).encode()
    return base64.b64encode(hmac.new(client["ClientSecret"].encode(), msg, hashlib.sha256).digest()).decode()

up = c.sign_up(ClientId=client["ClientId"], SecretHash=secret_hash("bo"), Username="bo", Password=password,
               UserAttributes=[{"Name": "email", "Value": "bo@example.com"}])
out["sign_up"] = {"confirmed": up["UserConfirmed"], "destination": up["CodeDeliveryDetails"]["Destination"]}

try:
    c.sign_up(ClientId=client["ClientId"], Username="nohash", Password=password)
    out["missing_hash"] = None
except ClientError as e:
    out["missing_hash"] = [e.response["Error"]["Code"], e.response["Error"]["Message"],
                           e.response["ResponseMetadata"]["HTTPStatusCode"]]

try:
    c.describe_user_pool(UserPoolId="us-east-1_missing12")
    out["not_found"] = None
except c.exceptions.ResourceNotFoundException as e:
    out["not_found"] = [e.response["Error"]["Code"], e.response["Error"]["Message"],
                        len(e.response["ResponseMetadata"]["RequestId"])]

user = c.admin_get_user(UserPoolId=pid, Username="bo")
out["admin_get_user"] = [user["Username"], user["UserStatus"], type(user["UserCreateDate"]).__name__]

for i in range(4):
    c.create_user_pool(PoolName="boto-page-%d" % i)
pages = list(c.get_paginator("list_user_pools").paginate(MaxResults=2))
ids = [p["Id"] for page in pages for p in page["UserPools"]]
out["paginated"] = {"pages": len(pages), "count": len(ids), "unique": len(set(ids)), "has_first": pid in ids}

c.delete_user_pool(UserPoolId=pid)
try:
    c.admin_get_user(UserPoolId=pid, Username="bo")
    out["after_delete"] = None
except ClientError as e:
    out["after_delete"] = e.response["Error"]["Code"]

print(json.dumps(out))
`,
      );
      const { stdout } = await run("python3", [script, s.url, PASSWORD], { env, timeout: 60_000 });
      const out = JSON.parse(stdout) as Record<string, unknown>;
      expect(out.pool_id).toMatch(/^us-east-1_[0-9a-zA-Z]{9}$/);
      expect(out.creation_date_type).toBe("datetime");
      expect(out.secret_roundtrip).toBe(true);
      expect(out.sign_up).toEqual({ confirmed: false, destination: "b***@e***" });
      expect(out.missing_hash).toEqual([
        "NotAuthorizedException",
        expect.stringMatching(/^Client [a-z0-9]{26} is configured for secret but secret was not received$/),
        400,
      ]);
      expect(out.not_found).toEqual([
        "ResourceNotFoundException",
        "User pool us-east-1_missing12 does not exist.",
        36,
      ]);
      expect(out.admin_get_user).toEqual(["bo", "UNCONFIRMED", "datetime"]);
      // This server holds the CLI test's pool too: at least the five made here, each once.
      const paginated = out.paginated as { pages: number; count: number; unique: number; has_first: boolean };
      expect(paginated.count).toBeGreaterThanOrEqual(5);
      expect(paginated.unique).toBe(paginated.count);
      expect(paginated.pages).toBe(Math.ceil(paginated.count / 2));
      expect(paginated.has_first).toBe(true);
      expect(out.after_delete).toBe("ResourceNotFoundException");
    });
  });
});
