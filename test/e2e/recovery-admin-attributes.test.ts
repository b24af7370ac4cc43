// AdminUpdateUserAttributes and AdminDeleteUserAttributes through the AWS SDK v3 (and boto3
// for the refusals): verification flags, codes to a changed email, changes that wait for
// verification, sign-in aliases following the attributes, immutable and unknown attributes
// with Cognito's messages.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
  ForgotPasswordCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminView, confirmedUser, latestMessage } from "../helpers/accounts.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const run = promisify(execFile);

describe("AdminUpdateUserAttributes / AdminDeleteUserAttributes", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  const update = (poolId: string, Username: string, attrs: Record<string, string>) =>
    s.sdk.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: poolId,
        Username,
        UserAttributes: Object.entries(attrs).map(([Name, Value]): AttributeType => ({ Name, Value })),
      }),
    );
  const remove = (poolId: string, Username: string, names: string[]) =>
    s.sdk.send(
      new AdminDeleteUserAttributesCommand({ UserPoolId: poolId, Username, UserAttributeNames: names }),
    );
  const messageCount = async (poolId: string, username: string) =>
    (await s.inbox.list({ userPoolId: poolId, username })).length;

  it("sets and removes attributes; a changed email is unverified and gets a code at the new address", async () => {
    const pool = await makePool(s.sdk, {
      Schema: [{ Name: "team", AttributeDataType: "String", Mutable: true }],
    });
    await confirmedUser(s, pool, "ann");
    const out = await update(pool.poolId, "ann", { name: "Ann", "custom:team": "blue" });
    expect(Object.keys(out).filter((k) => k !== "$metadata")).toEqual([]);
    expect((await adminView(s, pool.poolId, "ann")).attrs).toMatchObject({
      name: "Ann",
      "custom:team": "blue",
    });
    // A blank value removes the attribute.
    await update(pool.poolId, "ann", { name: "" });
    expect((await adminView(s, pool.poolId, "ann")).attrs.name).toBeUndefined();

    // The same email again: nothing changes, nothing is sent.
    const before = await messageCount(pool.poolId, "ann");
    await update(pool.poolId, "ann", { email: "ann@example.com" });
    expect(await messageCount(pool.poolId, "ann")).toBe(before);
    expect((await adminView(s, pool.poolId, "ann")).attrs.email_verified).toBe("true");

    await update(pool.poolId, "ann", { email: "ann@new.example" });
    const view = await adminView(s, pool.poolId, "ann");
    expect(view.attrs).toMatchObject({ email: "ann@new.example", email_verified: "false" });
    expect(view.status).toBe("CONFIRMED");
    const m = await latestMessage(s, "ann", pool.poolId);
    expect(m).toMatchObject({
      triggerSource: "CustomMessage_UpdateUserAttribute",
      destination: "ann@new.example",
      attributeName: "email",
      clientId: null,
      subject: "Your verification code",
    });
    expect(m.body).toBe(`Your verification code is ${m.code}. `);
    // No verified medium now: a reset code cannot be sent.
    await expectError(
      s.sdk.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: "ann" })),
      "InvalidParameterException",
      "Cannot reset password for the user as there is no registered/verified email or phone_number",
    );
    // Verified by the administrator's word: no message.
    const sent = await messageCount(pool.poolId, "ann");
    await update(pool.poolId, "ann", { email_verified: "true" });
    expect((await adminView(s, pool.poolId, "ann")).attrs.email_verified).toBe("true");
    await update(pool.poolId, "ann", { email: "ann@third.example", email_verified: "true" });
    expect((await adminView(s, pool.poolId, "ann")).attrs).toMatchObject({
      email: "ann@third.example",
      email_verified: "true",
    });
    expect(await messageCount(pool.poolId, "ann")).toBe(sent);

    // Deleting the email takes its flag with it.
    await remove(pool.poolId, "ann", ["email", "custom:team"]);
    const gone = (await adminView(s, pool.poolId, "ann")).attrs;
    expect(gone.email).toBeUndefined();
    expect(gone.email_verified).toBeUndefined();
    expect(gone["custom:team"]).toBeUndefined();
  });

  it("a pool that keeps the verified value until the new one is verified", async () => {
    const pool = await makePool(s.sdk, {
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] },
    });
    await confirmedUser(s, pool, "ben");
    await update(pool.poolId, "ben", { email: "ben@new.example" });
    // The old value stays in force, verified; the code went to the new one.
    expect((await adminView(s, pool.poolId, "ben")).attrs).toMatchObject({
      email: "ben@example.com",
      email_verified: "true",
    });
    expect(await latestMessage(s, "ben", pool.poolId)).toMatchObject({
      destination: "ben@new.example",
      triggerSource: "CustomMessage_UpdateUserAttribute",
    });
    const reset = await s.sdk.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: "ben" }));
    expect(reset.CodeDeliveryDetails?.Destination).toBe("b***@e***");
    expect((await latestMessage(s, "ben", pool.poolId)).destination).toBe("ben@example.com");
    // The administrator verifies: the pending value takes over.
    await update(pool.poolId, "ben", { email_verified: "true" });
    expect((await adminView(s, pool.poolId, "ben")).attrs).toMatchObject({
      email: "ben@new.example",
      email_verified: "true",
    });
    const rows = await s.query("SELECT * FROM pending_attributes WHERE pool_id = ?", [pool.poolId]);
    expect(rows).toEqual([]);
  });

  it("aliases follow: an unverified email is no sign-in name; a verified one moves on the administrator's word", async () => {
    const pool = await makePool(s.sdk, { AliasAttributes: ["email", "preferred_username"] });
    await confirmedUser(s, pool, "cat", { email: "cat@example.com" });
    await confirmedUser(s, pool, "dan", { email: "dan@example.com" });
    expect((await adminView(s, pool.poolId, "cat@example.com")).attrs.email).toBe("cat@example.com");
    // Changed, unverified: neither the old nor the new value signs in.
    await update(pool.poolId, "cat", { email: "cat@new.example" });
    await expectError(
      s.sdk.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "cat@example.com" })),
      "UserNotFoundException",
      "User does not exist.",
    );
    await expectError(
      s.sdk.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "cat@new.example" })),
      "UserNotFoundException",
    );
    // Dan's verified email given to Cat, verified: the alias moves, Dan's email is unverified.
    await update(pool.poolId, "cat", { email: "dan@example.com", email_verified: "true" });
    const byAlias = await s.sdk.send(
      new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "dan@example.com" }),
    );
    expect(byAlias.Username).toBe("cat");
    expect((await adminView(s, pool.poolId, "dan")).attrs.email_verified).toBe("false");
    // preferred_username never moves.
    await update(pool.poolId, "dan", { preferred_username: "danny" });
    expect(
      (await s.sdk.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "danny" }))).Username,
    ).toBe("dan");
    await expectError(
      update(pool.poolId, "cat", { preferred_username: "danny" }),
      "AliasExistsException",
      "An account with the given preferred_username already exists.",
    );
  });

  it("UsernameAttributes pools refuse another user's email", async () => {
    const pool = await makePool(s.sdk, { UsernameAttributes: ["email"] });
    for (const email of ["eve@example.com", "fay@example.com"]) {
      await s.sdk.send(new SignUpCommand({ ClientId: pool.clientId, Username: email, Password: PASSWORD }));
    }
    await expectError(
      update(pool.poolId, "fay@example.com", { email: "eve@example.com" }),
      "AliasExistsException",
      "An account with the given email already exists.",
    );
    await update(pool.poolId, "fay@example.com", { email: "fay@new.example" });
    const u = await s.sdk.send(
      new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "fay@new.example" }),
    );
    expect(u.UserAttributes?.find((a) => a.Name === "email")?.Value).toBe("fay@new.example");
    await expectError(
      s.sdk.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "fay@example.com" })),
      "UserNotFoundException",
    );
  });

  it("boto3: Cognito's refusals", async () => {
    const pool = await makePool(s.sdk, {
      Schema: [
        { Name: "imm", AttributeDataType: "String", Mutable: false },
        { Name: "later", AttributeDataType: "String", Mutable: false },
        { Name: "secret", AttributeDataType: "String", DeveloperOnlyAttribute: true },
      ],
    });
    await confirmedUser(s, pool, "gus", { email: "gus@example.com", "custom:imm": "fixed" });
    await s.sdk.send(new SignUpCommand({ ClientId: pool.clientId, Username: "hal", Password: PASSWORD }));
    const script = `
import json, sys, boto3
from botocore.exceptions import ClientError
url, pool_id = sys.argv[1:3]
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
def err(f, **kw):
    try:
        f(**kw)
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"]]
up = lambda name, attrs: err(c.admin_update_user_attributes, UserPoolId=pool_id, Username=name, UserAttributes=[{"Name": k, "Value": v} for k, v in attrs])
rm = lambda name, names: err(c.admin_delete_user_attributes, UserPoolId=pool_id, Username=name, UserAttributeNames=names)
out = {
  "sub": up("gus", [("sub", "x")]),
  "unknown": up("gus", [("nickname2", "x")]),
  "immutable": up("gus", [("custom:imm", "other")]),
  "immutable_first": up("gus", [("custom:later", "first")]),
  "developer": up("gus", [("dev:custom:secret", "s")]),
  "flag_without_email": up("hal", [("email_verified", "true")]),
  "phone_flag_without_phone": up("hal", [("phone_number_verified", "true")]),
  "bad_email": up("gus", [("email", "not-an-email")]),
  "bad_phone": up("gus", [("phone_number", "555-0100")]),
  "no_user": up("nobody", [("name", "x")]),
  "no_pool": err(c.admin_update_user_attributes, UserPoolId="us-east-1_nothere1", Username="gus", UserAttributes=[{"Name": "name", "Value": "x"}]),
  "rm_unknown": rm("gus", ["nickname2"]),
  "rm_sub": rm("gus", ["sub"]),
  "rm_immutable": rm("gus", ["custom:imm"]),
  "rm_no_user": rm("nobody", ["name"]),
  "rm_ok": rm("gus", ["dev:custom:secret"]),
}
out["attrs"] = {a["Name"]: a["Value"] for a in c.admin_get_user(UserPoolId=pool_id, Username="gus")["UserAttributes"]}
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url, pool.poolId], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        AWS_ACCESS_KEY_ID: "AKIDTESTCOGNATE",
        AWS_SECRET_ACCESS_KEY: "test-secret",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        AWS_EC2_METADATA_DISABLED: "true",
      },
    });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    const IP = "InvalidParameterException";
    expect(out).toEqual({
      sub: [IP, "Cannot modify the non-mutable attribute sub"],
      unknown: [IP, "user.nickname2: Attribute does not exist in the schema.\n"],
      immutable: [IP, "user.custom:imm: Attribute cannot be updated.\n"],
      immutable_first: null,
      developer: null,
      flag_without_email: [IP, "Email is required to verify/un-verify an email"],
      phone_flag_without_phone: [IP, "Phone Number is required to verify/un-verify a phone number"],
      bad_email: [IP, "Invalid email address format."],
      bad_phone: [IP, "Invalid phone number format."],
      no_user: ["UserNotFoundException", "User does not exist."],
      no_pool: ["ResourceNotFoundException", "User pool us-east-1_nothere1 does not exist."],
      rm_unknown: [
        IP,
        "Invalid user attributes: \nuser.nickname2: Attribute does not exist in the schema.\n",
      ],
      rm_sub: [IP, "Cannot modify the non-mutable attribute sub"],
      rm_immutable: [IP, "Invalid user attributes: \nuser.custom:imm: Attribute cannot be updated.\n"],
      rm_no_user: ["UserNotFoundException", "User does not exist."],
      rm_ok: null,
      attrs: expect.objectContaining({ "custom:imm": "fixed", "custom:later": "first" }),
    });
    expect((out.attrs as Record<string, string>)["dev:custom:secret"]).toBeUndefined();
  });
});
