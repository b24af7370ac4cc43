// NEW_PASSWORD_REQUIRED for users in FORCE_CHANGE_PASSWORD (docs/signin-challenges.md, "New password
// required"): amazon-cognito-identity-js's newPasswordRequired → completeNewPasswordChallenge
// after an SRP sign-in, and the AWS SDK v3 and boto3 for the challenge's shape and every
// refusal. AdminCreateUser (which makes such users) is other work: the tests put a signed-up
// user in FORCE_CHANGE_PASSWORD through the store.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminRespondToAuthChallengeCommand,
  RespondToAuthChallengeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asUsername } from "../../src/domain/usernames.js";
import { ManualClock } from "../../src/ports/clock.js";
import type { UserRecord } from "../../src/ports/store/index.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { adminSignIn, confirmedUser, decodeJwt, makeClient, passwordSignIn } from "../helpers/signin.js";
import { srpSignIn } from "../helpers/srp.js";

const run = promisify(execFile);
const NEW_PASSWORD = "N3w-Battery-Staple!";

describe("NEW_PASSWORD_REQUIRED", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  const clock = new ManualClock(Date.now());

  async function changeUser(username: string, change: (u: UserRecord) => UserRecord) {
    await s.app.deps.store.transaction(async (tx) => {
      const u = await tx.users.getForUpdate(poolId, asUsername(username));
      if (!u) throw new Error(`no user ${username}`);
      await tx.users.update(change(u));
    });
  }

  /** A user as AdminCreateUser leaves them: a temporary password, FORCE_CHANGE_PASSWORD. */
  async function forcedUser(username: string, attributes: Record<string, string> = {}) {
    await confirmedUser(s.sdk, {
      poolId,
      clientId,
      username,
      attributes: { email: `${username}@example.com`, name: username, ...attributes },
    });
    await changeUser(username, (u) => {
      const { name: _, ...rest } = u.attributes;
      return { ...u, status: "FORCE_CHANGE_PASSWORD", attributes: rest };
    });
  }

  beforeAll(async () => {
    s = await startServer({}, { clock });
    // "name" is required: users made before it was lack it, and must give it with the answer.
    ({ poolId } = await makePool(s.sdk, {
      Schema: [{ Name: "name", AttributeDataType: "String", Required: true, Mutable: true }],
    }));
    ({ clientId } = await makeClient(s.sdk, poolId));
  });
  afterAll(() => s?.close());

  it("identity-js: SRP sign-in → newPasswordRequired → completeNewPasswordChallenge → tokens, CONFIRMED", async () => {
    await forcedUser("fred");
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });
    const user = new CognitoUser({ Username: "fred", Pool: pool });
    const seen: { userAttributes?: Record<string, unknown>; required?: string[] } = {};
    const session = await new Promise<CognitoUserSession>((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        newPasswordRequired: (userAttributes: Record<string, unknown>, required: string[]) => {
          seen.userAttributes = userAttributes;
          seen.required = required;
          user.completeNewPasswordChallenge(NEW_PASSWORD, { name: "Fred" }, callbacks);
        },
      };
      user.authenticateUser(new AuthenticationDetails({ Username: "fred", Password: PASSWORD }), callbacks);
    });
    expect(seen.required).toEqual(["name"]);
    expect(seen.userAttributes).toMatchObject({ email: "fred@example.com" });
    expect(seen.userAttributes).not.toHaveProperty("sub");
    expect(session.getIdToken().payload.name).toBe("Fred");
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "fred" }));
    expect(u.UserStatus).toBe("CONFIRMED");
    // The new password works with SRP and the password flow; the temporary one no longer does.
    const t = { sdk: s.sdk, poolId, clientId };
    expect(
      (await srpSignIn(t, "fred", { password: NEW_PASSWORD })).AuthenticationResult?.IdToken,
    ).toBeTruthy();
    expect((await passwordSignIn(s.sdk, clientId, "fred", NEW_PASSWORD)).AuthenticationResult).toBeTruthy();
    await expectError(
      passwordSignIn(s.sdk, clientId, "fred"),
      "NotAuthorizedException",
      "Incorrect username or password.",
    );
  });

  it("the challenge's shape (AWS SDK v3), and the answer's refusals", async () => {
    await forcedUser("gina");
    const r = await passwordSignIn(s.sdk, clientId, "gina");
    expect(r.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    expect(r.AuthenticationResult).toBeUndefined();
    const session = r.Session ?? "";
    expect(session.length).toBeGreaterThanOrEqual(20);
    expect(session.length).toBeLessThanOrEqual(2048);
    const p = r.ChallengeParameters ?? {};
    expect(Object.keys(p).sort()).toEqual(["USER_ID_FOR_SRP", "requiredAttributes", "userAttributes"]);
    expect(p.USER_ID_FOR_SRP).toBe("gina");
    expect(JSON.parse(p.requiredAttributes ?? "")).toEqual(["userAttributes.name"]);
    const attrs = JSON.parse(p.userAttributes ?? "") as Record<string, unknown>;
    expect(attrs.email).toBe("gina@example.com");
    for (const v of Object.values(attrs)) expect(typeof v).toBe("string");

    const answer = (responses: Record<string, string>, Session: string | null = session) =>
      s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          ...(Session === null ? {} : { Session }),
          ChallengeResponses: responses,
        }),
      );
    await expectError(
      answer({ USERNAME: "gina", NEW_PASSWORD, "userAttributes.name": "Gina" }, null),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
    await expectError(
      answer(
        { USERNAME: "gina", NEW_PASSWORD, "userAttributes.name": "Gina" },
        `${session.slice(0, -4)}${session.endsWith("AAA=") ? "BBB=" : "AAA="}`,
      ),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
    await expectError(
      answer({ USERNAME: "gina", "userAttributes.name": "Gina" }),
      "InvalidParameterException",
      "Missing required parameter NEW_PASSWORD",
    );
    await expectError(
      answer({ USERNAME: "gina", NEW_PASSWORD: "short", "userAttributes.name": "Gina" }),
      "InvalidPasswordException",
      "Password does not conform to policy: Password not long enough",
    );
    await expectError(
      answer({ USERNAME: "gina", NEW_PASSWORD }),
      "InvalidParameterException",
      "Invalid attributes given, name is missing",
    );
    // The same session still works after refusals of the answer's content; then it is spent.
    const ok = await answer({ USERNAME: "gina", NEW_PASSWORD, "userAttributes.name": "Gina" });
    expect(ok.ChallengeParameters).toEqual({});
    expect(decodeJwt(ok.AuthenticationResult?.IdToken ?? "").payload.name).toBe("Gina");
    await expectError(
      answer({ USERNAME: "gina", NEW_PASSWORD, "userAttributes.name": "Gina" }),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
  });

  it("a session expires with AuthSessionValidity; an admin session answers only the admin operation", async () => {
    await forcedUser("hugo");
    const r = await passwordSignIn(s.sdk, clientId, "hugo");
    clock.advance(3 * 60_000 + 1);
    await expectError(
      s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: r.Session ?? "",
          ChallengeResponses: { USERNAME: "hugo", NEW_PASSWORD, "userAttributes.name": "Hugo" },
        }),
      ),
      "NotAuthorizedException",
      "Invalid session for the user, session is expired.",
    );
    const a = await adminSignIn(s.sdk, poolId, clientId, "hugo");
    expect(a.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const responses = { USERNAME: "hugo", NEW_PASSWORD, "userAttributes.name": "Hugo" };
    await expectError(
      s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: a.Session ?? "",
          ChallengeResponses: responses,
        }),
      ),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
    const done = await s.sdk.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: a.Session ?? "",
        ChallengeResponses: responses,
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AdminCreateUser's invitation → identity-js authenticateUser → newPasswordRequired → completeNewPasswordChallenge", async () => {
    await s.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: "invitee",
        DesiredDeliveryMediums: ["EMAIL"],
        UserAttributes: [
          { Name: "email", Value: "invitee@example.com" },
          { Name: "name", Value: "Invitee" },
        ],
      }),
    );
    // The generated temporary password reaches the user only in the invitation.
    const invitation = await s.inbox.latest({ username: "invitee", userPoolId: poolId });
    expect(invitation?.triggerSource).toBe("CustomMessage_AdminCreateUser");
    const temporary = invitation?.code ?? "";
    expect(temporary.length).toBeGreaterThanOrEqual(8);
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });
    const user = new CognitoUser({ Username: "invitee", Pool: pool });
    let required: string[] | undefined;
    const session = await new Promise<CognitoUserSession>((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        newPasswordRequired: (_attributes: Record<string, unknown>, req: string[]) => {
          required = req;
          user.completeNewPasswordChallenge(NEW_PASSWORD, {}, callbacks);
        },
      };
      user.authenticateUser(
        new AuthenticationDetails({ Username: "invitee", Password: temporary }),
        callbacks,
      );
    });
    expect(required).toEqual([]);
    expect(session.getIdToken().payload["cognito:username"]).toBe("invitee");
    expect(session.getIdToken().payload.email).toBe("invitee@example.com");
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "invitee" }));
    expect(u.UserStatus).toBe("CONFIRMED");
    await expectError(
      passwordSignIn(s.sdk, clientId, "invitee", temporary),
      "NotAuthorizedException",
      "Incorrect username or password.",
    );
  });

  it("a user made by AdminCreateUser signs in with the temporary password and sets their own", async () => {
    await s.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: "newbie",
        TemporaryPassword: "Temp-Passw0rd!",
        MessageAction: "SUPPRESS",
        UserAttributes: [
          { Name: "email", Value: "newbie@example.com" },
          { Name: "name", Value: "Newbie" },
        ],
      }),
    );
    const r = await srpSignIn({ sdk: s.sdk, poolId, clientId }, "newbie", { password: "Temp-Passw0rd!" });
    expect(r.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    expect(JSON.parse(r.ChallengeParameters?.requiredAttributes ?? "")).toEqual([]);
    const done = await s.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: r.Session ?? "",
        ChallengeResponses: { USERNAME: "newbie", NEW_PASSWORD },
      }),
    );
    expect(done.AuthenticationResult?.IdToken).toBeTruthy();
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "newbie" }));
    expect(u.UserStatus).toBe("CONFIRMED");
  });

  it("a temporary password older than TemporaryPasswordValidityDays: Cognito's message", async () => {
    await forcedUser("ivan");
    await changeUser("ivan", (u) => ({ ...u, passwordChangedAt: clock.now() - 8 * 86_400_000 }));
    await expectError(
      passwordSignIn(s.sdk, clientId, "ivan"),
      "NotAuthorizedException",
      "Temporary password has expired and must be reset by an administrator.",
    );
  });

  it("boto3: admin_initiate_auth → NEW_PASSWORD_REQUIRED → respond_to_auth_challenge, with its errors", async () => {
    await forcedUser("pyuser");
    const script = `
import json, sys, boto3
from botocore.exceptions import ClientError
url, client_id, pool_id, pw, new_pw = sys.argv[1:6]
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
out = {}
r = c.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": "pyuser", "PASSWORD": pw})
out["challenge"] = r["ChallengeName"]
def err(f):
    try:
        f()
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"]]
out["weak"] = err(lambda: c.admin_respond_to_auth_challenge(UserPoolId=pool_id, ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
    Session=r["Session"], ChallengeResponses={"USERNAME": "pyuser", "NEW_PASSWORD": "nouppercase1!", "userAttributes.name": "Py"}))
out["wrong_op"] = err(lambda: c.respond_to_auth_challenge(ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
    Session=r["Session"], ChallengeResponses={"USERNAME": "pyuser", "NEW_PASSWORD": new_pw, "userAttributes.name": "Py"}))
out["verifier_no_block"] = err(lambda: c.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER",
    ChallengeResponses={"USERNAME": "pyuser", "PASSWORD_CLAIM_SECRET_BLOCK": "AAAA", "TIMESTAMP": "Tue Sep 5 00:09:40 UTC 2023", "PASSWORD_CLAIM_SIGNATURE": "AAAA"}))
r2 = c.admin_respond_to_auth_challenge(UserPoolId=pool_id, ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
    Session=r["Session"], ChallengeResponses={"USERNAME": "pyuser", "NEW_PASSWORD": new_pw, "userAttributes.name": "Py"})
out["tokens"] = sorted(r2["AuthenticationResult"].keys())
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url, clientId, poolId, PASSWORD, NEW_PASSWORD], {
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
    expect(out.challenge).toBe("NEW_PASSWORD_REQUIRED");
    expect(out.weak).toEqual([
      "InvalidPasswordException",
      "Password does not conform to policy: Password must have uppercase characters",
    ]);
    expect(out.wrong_op).toEqual(["NotAuthorizedException", "Invalid session for the user."]);
    expect(out.verifier_no_block).toEqual(["NotAuthorizedException", "Incorrect username or password."]);
    expect(out.tokens).toEqual(["AccessToken", "ExpiresIn", "IdToken", "RefreshToken", "TokenType"]);
  });
});
