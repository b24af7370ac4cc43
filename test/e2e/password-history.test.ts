// The pool's PasswordHistorySize (docs/admin-users.md, "Password history") through real
// clients: the AWS SDK v3 and boto3 for each of the five operations that can refuse a reused
// password (ChangePassword, ConfirmForgotPassword, AdminSetUserPassword, RespondToAuthChallenge
// and AdminRespondToAuthChallenge for NEW_PASSWORD_REQUIRED), amazon-cognito-identity-js's
// changePassword, DescribeUserPool's echo of the size, and the stored rows (no password in
// them, pruned to the size, gone with their user).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  type CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  type PasswordPolicyType,
  RespondToAuthChallengeCommand,
  UpdateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asUsername, usernameKey } from "../../src/domain/usernames.js";
import type { UserRecord } from "../../src/ports/store/index.js";
import { ServiceError } from "../../src/protocol/errors.js";
import {
  type HistoryMoved,
  historyMoved,
  PASSWORD_HISTORY_MESSAGE,
  writeUnlessReused,
} from "../../src/services/passwordHistory.js";
import { confirmedUser } from "../helpers/accounts.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { awsEnv } from "../helpers/python.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { PASSWORD_FLOWS, passwordSignIn } from "../helpers/signin.js";

const run = promisify(execFile);
const FLOWS = { ExplicitAuthFlows: [...PASSWORD_FLOWS] };
const VIOLATION = "PasswordHistoryPolicyViolationException";
// Distinct passwords that all pass the default policy.
const P = ["Hist0ry-Zero!", "Hist0ry-One!", "Hist0ry-Two!", "Hist0ry-Three!", "Hist0ry-Four!"] as const;

function policy(size: number | undefined): PasswordPolicyType {
  return {
    MinimumLength: 8,
    RequireUppercase: true,
    RequireLowercase: true,
    RequireNumbers: true,
    RequireSymbols: true,
    ...(size === undefined ? {} : { PasswordHistorySize: size }),
  };
}

function historyPool(sdk: CognitoIdentityProviderClient, size: number | undefined) {
  return makePool(sdk, { Policies: { PasswordPolicy: policy(size) } }, FLOWS);
}

async function signInWorks(s: TestServer, clientId: string, username: string, password: string) {
  const r = await passwordSignIn(s.sdk, clientId, username, password);
  return r.AuthenticationResult?.AccessToken ?? "";
}

describe("password history (PasswordHistorySize)", () => {
  let s: TestServer;
  beforeAll(async () => {
    // Enough password changes per user per hour for the sequences below.
    s = await startServer({ limits: { changePasswordPerUser: 100 } });
  });
  afterAll(() => s?.close());

  it("DescribeUserPool shows PasswordHistorySize only when it is above 0", async () => {
    const describe = async (poolId: string) =>
      (await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool?.Policies
        ?.PasswordPolicy;
    const absent = await historyPool(s.sdk, undefined);
    const zero = await historyPool(s.sdk, 0);
    const three = await historyPool(s.sdk, 3);
    expect(await describe(absent.poolId)).not.toHaveProperty("PasswordHistorySize");
    expect(await describe(zero.poolId)).not.toHaveProperty("PasswordHistorySize");
    expect((await describe(three.poolId))?.PasswordHistorySize).toBe(3);
    await s.sdk.send(
      new UpdateUserPoolCommand({ UserPoolId: three.poolId, Policies: { PasswordPolicy: policy(0) } }),
    );
    expect(await describe(three.poolId)).not.toHaveProperty("PasswordHistorySize");
    await s.sdk.send(
      new UpdateUserPoolCommand({ UserPoolId: zero.poolId, Policies: { PasswordPolicy: policy(24) } }),
    );
    expect((await describe(zero.poolId))?.PasswordHistorySize).toBe(24);
    // The model's bound: 25 is refused before anything changes.
    await expectError(
      s.sdk.send(
        new UpdateUserPoolCommand({ UserPoolId: zero.poolId, Policies: { PasswordPolicy: policy(25) } }),
      ),
      "InvalidParameterException",
    );
  });

  it("SDK v3 ChangePassword: the last n passwords (the current one included) are refused, older ones accepted", async () => {
    const pool = await historyPool(s.sdk, 2);
    await confirmedUser(s, pool, "changer", undefined, P[0]);
    let token = await signInWorks(s, pool.clientId, "changer", P[0]);
    const change = (from: string, to: string) =>
      s.sdk.send(
        new ChangePasswordCommand({ AccessToken: token, PreviousPassword: from, ProposedPassword: to }),
      );

    // The current password is history too.
    let err: unknown;
    try {
      await change(P[0], P[0]);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      name: VIOLATION,
      message: PASSWORD_HISTORY_MESSAGE,
      $metadata: { httpStatusCode: 400 },
    });
    // The previous password is judged first, then the policy, then the history.
    await expectError(
      change("Wr0ng-Password!", P[0]),
      "NotAuthorizedException",
      "Incorrect username or password.",
    );
    await expectError(change(P[0], "short"), "InvalidPasswordException");

    await change(P[0], P[1]);
    await expectError(change(P[1], P[0]), VIOLATION, PASSWORD_HISTORY_MESSAGE);
    await expectError(change(P[1], P[1]), VIOLATION, PASSWORD_HISTORY_MESSAGE);
    // A refused change left the password as it was.
    token = await signInWorks(s, pool.clientId, "changer", P[1]);
    await change(P[1], P[2]);
    // P[0] is now the third most recent: beyond n = 2, accepted again.
    await change(P[2], P[0]);
    expect(await signInWorks(s, pool.clientId, "changer", P[0])).not.toBe("");
    await expectError(change(P[0], P[2]), VIOLATION, PASSWORD_HISTORY_MESSAGE);

    // At most n rows are kept, and none holds the password.
    const rows = await s.query("SELECT * FROM password_history WHERE pool_id = ? AND username = ?", [
      pool.poolId,
      "changer",
    ]);
    expect(rows).toHaveLength(2);
    const dump = await s.dumpTables();
    expect(dump).toContain("password_history");
    for (const p of P) expect(dump).not.toContain(p);

    // Deleting the user deletes its history.
    await s.sdk.send(new AdminDeleteUserCommand({ UserPoolId: pool.poolId, Username: "changer" }));
    expect(
      await s.query("SELECT * FROM password_history WHERE pool_id = ? AND username = ?", [
        pool.poolId,
        "changer",
      ]),
    ).toEqual([]);
  });

  it("n = 0 or absent enforces nothing; raising n later counts the current password at once", async () => {
    for (const size of [undefined, 0]) {
      const pool = await historyPool(s.sdk, size);
      const name = `free${size ?? "x"}`;
      await confirmedUser(s, pool, name, undefined, P[0]);
      const token = await signInWorks(s, pool.clientId, name, P[0]);
      await s.sdk.send(
        new ChangePasswordCommand({ AccessToken: token, PreviousPassword: P[0], ProposedPassword: P[0] }),
      );
      for (const Permanent of [true, false, true]) {
        await s.sdk.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: pool.poolId,
            Username: name,
            Password: P[0],
            Permanent,
          }),
        );
      }
      // Nothing is kept for a pool without a history.
      expect(await s.query("SELECT * FROM password_history WHERE pool_id = ?", [pool.poolId])).toEqual([]);

      // The size raised later: the current password (on the user record; no history rows were
      // kept) counts straight away.
      await s.sdk.send(
        new UpdateUserPoolCommand({
          UserPoolId: pool.poolId,
          AutoVerifiedAttributes: ["email"],
          Policies: { PasswordPolicy: policy(3) },
        }),
      );
      await expectError(
        s.sdk.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: pool.poolId,
            Username: name,
            Password: P[0],
            Permanent: true,
          }),
        ),
        VIOLATION,
        PASSWORD_HISTORY_MESSAGE,
      );
      await s.sdk.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: pool.poolId,
          Username: name,
          Password: P[1],
          Permanent: true,
        }),
      );
    }
  });

  it("n = 1: only the current password is refused", async () => {
    const pool = await historyPool(s.sdk, 1);
    await confirmedUser(s, pool, "single", undefined, P[0]);
    const set = (password: string) =>
      s.sdk.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: pool.poolId,
          Username: "single",
          Password: password,
          Permanent: true,
        }),
      );
    await expectError(set(P[0]), VIOLATION, PASSWORD_HISTORY_MESSAGE);
    await set(P[1]);
    await set(P[0]);
    expect(await signInWorks(s, pool.clientId, "single", P[0])).not.toBe("");
    expect(
      await s.query("SELECT * FROM password_history WHERE pool_id = ? AND username = ?", [
        pool.poolId,
        "single",
      ]),
    ).toHaveLength(1);
  });

  it("SDK v3 AdminSetUserPassword: permanent and temporary passwords are both checked and both remembered", async () => {
    const pool = await historyPool(s.sdk, 3);
    await confirmedUser(s, pool, "admset", undefined, P[0]);
    const set = (password: string, Permanent: boolean) =>
      s.sdk.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: pool.poolId,
          Username: "admset",
          Password: password,
          Permanent,
        }),
      );
    await expectError(set(P[0], true), VIOLATION, PASSWORD_HISTORY_MESSAGE);
    await expectError(set(P[0], false), VIOLATION, PASSWORD_HISTORY_MESSAGE);
    // The policy comes first.
    await expectError(set("weak", true), "InvalidPasswordException");
    await set(P[1], false);
    await expectError(set(P[1], true), VIOLATION, PASSWORD_HISTORY_MESSAGE);
    await set(P[2], true);
    await expectError(set(P[0], true), VIOLATION, PASSWORD_HISTORY_MESSAGE);
    await set(P[3], true);
    // [P3, P2, P1] now: P0 is beyond n = 3.
    await set(P[0], true);
    expect(await signInWorks(s, pool.clientId, "admset", P[0])).not.toBe("");
  });

  it("SDK v3 RespondToAuthChallenge NEW_PASSWORD_REQUIRED: the temporary password is refused, the session still good for another", async () => {
    const pool = await historyPool(s.sdk, 2);
    // AdminCreateUser's temporary password is the user's first; it is never refused itself.
    await s.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.poolId,
        Username: "newbie",
        TemporaryPassword: P[0],
        MessageAction: "SUPPRESS",
      }),
    );
    const started = await passwordSignIn(s.sdk, pool.clientId, "newbie", P[0]);
    expect(started.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const answer = (password: string) =>
      s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: pool.clientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: started.Session,
          ChallengeResponses: { USERNAME: "newbie", NEW_PASSWORD: password },
        }),
      );
    await expectError(answer("weak"), "InvalidPasswordException");
    await expectError(answer(P[0]), VIOLATION, PASSWORD_HISTORY_MESSAGE);
    const done = await answer(P[1]);
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
    // Both are remembered now.
    await expectError(
      s.sdk.send(
        new ChangePasswordCommand({
          AccessToken: done.AuthenticationResult?.AccessToken,
          PreviousPassword: P[1],
          ProposedPassword: P[0],
        }),
      ),
      VIOLATION,
      PASSWORD_HISTORY_MESSAGE,
    );
  });

  it("boto3: confirm_forgot_password and admin_respond_to_auth_challenge refuse a reused password", async () => {
    const pool = await historyPool(s.sdk, 2);
    await confirmedUser(s, pool, "pyforgot", undefined, P[0]);
    await s.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.poolId,
        Username: "pyadmin",
        TemporaryPassword: P[0],
        MessageAction: "SUPPRESS",
      }),
    );
    const script = `
import json, sys, urllib.request, boto3
from botocore.exceptions import ClientError
url, client_id, pool_id, passwords = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
def err(f, **kw):
    try:
        f(**kw)
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
out = {}
c.forgot_password(ClientId=client_id, Username="pyforgot")
m = json.load(urllib.request.urlopen(url + "/_dev/messages/latest?username=pyforgot&userPoolId=" + pool_id))
code = m["code"]
wrong = "111111" if code == "000000" else "000000"
out["wrong_code_first"] = err(c.confirm_forgot_password, ClientId=client_id, Username="pyforgot", ConfirmationCode=wrong, Password=passwords[0])
out["reused"] = err(c.confirm_forgot_password, ClientId=client_id, Username="pyforgot", ConfirmationCode=code, Password=passwords[0])
out["fresh"] = err(c.confirm_forgot_password, ClientId=client_id, Username="pyforgot", ConfirmationCode=code, Password=passwords[1])
r = c.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "pyadmin", "PASSWORD": passwords[0]})
out["challenge"] = r["ChallengeName"]
def answer(p):
    return c.admin_respond_to_auth_challenge(UserPoolId=pool_id, ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=r["Session"], ChallengeResponses={"USERNAME": "pyadmin", "NEW_PASSWORD": p})
out["admin_reused"] = err(answer, p=passwords[0])
out["admin_fresh"] = "AccessToken" in answer(passwords[2])["AuthenticationResult"]
print(json.dumps(out))
`;
    const { stdout } = await run(
      "python3",
      ["-c", script, s.url, pool.clientId, pool.poolId, JSON.stringify(P)],
      { env: awsEnv() },
    );
    const out = JSON.parse(stdout) as Record<string, unknown>;
    const REFUSED = [VIOLATION, PASSWORD_HISTORY_MESSAGE, 400];
    expect(out).toEqual({
      // The code is judged before the password's history.
      wrong_code_first: [
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
        400,
      ],
      // A refusal leaves the code good for another try.
      reused: REFUSED,
      fresh: null,
      challenge: "NEW_PASSWORD_REQUIRED",
      admin_reused: REFUSED,
      admin_fresh: true,
    });
    expect(await signInWorks(s, pool.clientId, "pyforgot", P[1])).not.toBe("");
    expect(await signInWorks(s, pool.clientId, "pyadmin", P[2])).not.toBe("");
  });

  it("amazon-cognito-identity-js changePassword surfaces PasswordHistoryPolicyViolationException", async () => {
    const { poolId, clientId } = await historyPool(s.sdk, 5);
    await confirmedUser(s, { poolId, clientId }, "jshist", undefined, PASSWORD);
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });
    const user = new CognitoUser({ Username: "jshist", Pool: pool });
    user.setAuthenticationFlowType("USER_PASSWORD_AUTH");
    await new Promise<CognitoUserSession>((resolve, reject) =>
      user.authenticateUser(new AuthenticationDetails({ Username: "jshist", Password: PASSWORD }), {
        onSuccess: resolve,
        onFailure: reject,
      }),
    );
    const change = (from: string, to: string) =>
      new Promise<{ code?: string; message?: string; result?: unknown }>((resolve) =>
        user.changePassword(from, to, (err, result) => resolve(err ?? { result })),
      );
    const refused = await change(PASSWORD, PASSWORD);
    expect([refused.code, refused.message]).toEqual([VIOLATION, PASSWORD_HISTORY_MESSAGE]);
    expect((await change(PASSWORD, P[0])).result).toBe("SUCCESS");
    const back = await change(P[0], PASSWORD);
    expect([back.code, back.message]).toEqual([VIOLATION, PASSWORD_HISTORY_MESSAGE]);
  });

  it("a password set between the check and the write is checked too (the write sees the change and checks again)", async () => {
    const pool = await historyPool(s.sdk, 2);
    await confirmedUser(s, pool, "racer", undefined, P[0]);
    const deps = s.app.deps;
    const record = await deps.directory.pool(pool.poolId);
    const before = await deps.store.read.users.get(pool.poolId, usernameKey("racer", false));
    if (!before) throw new Error("no user");
    let writes = 0;
    const attempt = writeUnlessReused(deps, record, before, P[1], async (check) => {
      writes++;
      // Another request sets P[1] after this one's check passed (P[1] was not yet used).
      if (writes === 1) {
        await s.sdk.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: pool.poolId,
            Username: "racer",
            Password: P[1],
            Permanent: true,
          }),
        );
      }
      return deps.store.transaction(async (tx): Promise<UserRecord | HistoryMoved> => {
        const current = await tx.users.getForUpdate(pool.poolId, asUsername("racer"));
        if (!current) throw new Error("no user");
        if (historyMoved(check, current)) return { kind: "historyMoved", user: current };
        throw new Error("the write went ahead on a stale check");
      });
    });
    await expect(attempt).rejects.toBeInstanceOf(ServiceError);
    await expect(attempt).rejects.toMatchObject({ type: VIOLATION, message: PASSWORD_HISTORY_MESSAGE });
    expect(writes).toBe(1);
    expect(await signInWorks(s, pool.clientId, "racer", P[1])).not.toBe("");
  });
});
