// TOTP MFA (docs/mfa.md): the pool's MFA settings, AssociateSoftwareToken → VerifySoftwareToken
// → SetUserMFAPreference, the MFA members of GetUser/AdminGetUser, and the SOFTWARE_TOKEN_MFA
// step of the password and SRP sign-ins, through the AWS SDK v3 and boto3. The codes are
// computed here from the secret (RFC 6238, written again for the test), at the server's clock.
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { promisify } from "node:util";
import {
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminListUserAuthEventsCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usernameKey } from "../../src/domain/usernames.js";
import { ManualClock } from "../../src/ports/clock.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, makeClient, passwordSignIn } from "../helpers/signin.js";
import { srpSignIn } from "../helpers/srp.js";

const run = promisify(execFile);

function base32(s: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of s) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(Number.parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** What an authenticator app shows for `secret` at `ms`. */
function code(secret: string, ms: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 30_000)));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = (mac[19] ?? 0) & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

describe("TOTP MFA", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  // Mid-step, so that ±30 s land in the neighbouring steps.
  const clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);

  async function tokenOf(username: string): Promise<string> {
    const r = await passwordSignIn(s.sdk, clientId, username);
    const t = r.AuthenticationResult?.AccessToken;
    if (!t) throw new Error(`no access token for ${username}`);
    return t;
  }

  /** A user with a verified, enabled and preferred software token; returns its secret. */
  async function totpUser(username: string): Promise<string> {
    await confirmedUser(s.sdk, { poolId, clientId, username });
    const AccessToken = await tokenOf(username);
    const a = await s.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    const secret = a.SecretCode ?? "";
    const v = await s.sdk.send(
      new VerifySoftwareTokenCommand({ AccessToken, UserCode: code(secret, clock.now()) }),
    );
    expect(v.Status).toBe("SUCCESS");
    await s.sdk.send(
      new SetUserMFAPreferenceCommand({
        AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    // The verification spent this step's code: sign-ins below use the next step's.
    clock.advance(30_000);
    return secret;
  }

  function answer(session: string | undefined, username: string, userCode: string) {
    return s.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: "SOFTWARE_TOKEN_MFA",
        Session: session,
        ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: userCode },
      }),
    );
  }

  beforeAll(async () => {
    s = await startServer({}, { clock });
    // Threat protection on, so that AdminListUserAuthEvents shows the sign-ins' outcomes.
    ({ poolId } = await makePool(s.sdk, { UserPoolAddOns: { AdvancedSecurityMode: "AUDIT" } }));
    ({ clientId } = await makeClient(s.sdk, poolId));
  });
  afterAll(() => s?.close());

  it("SetUserPoolMfaConfig / GetUserPoolMfaConfig", async () => {
    const before = await s.sdk.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
    expect(before.MfaConfiguration).toBe("OFF");
    expect(before.SoftwareTokenMfaConfiguration).toBeUndefined();
    await expectError(
      s.sdk.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: "OPTIONAL" })),
      "InvalidParameterException",
      /needs at least one MFA method/,
    );
    const set = await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: "OPTIONAL",
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    expect(set.MfaConfiguration).toBe("OPTIONAL");
    expect(set.SoftwareTokenMfaConfiguration).toEqual({ Enabled: true });
    const after = await s.sdk.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
    expect(after.MfaConfiguration).toBe("OPTIONAL");
    expect(after.SoftwareTokenMfaConfiguration).toEqual({ Enabled: true });
    const d = await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(d.UserPool?.MfaConfiguration).toBe("OPTIONAL");
    await expectError(
      s.sdk.send(new GetUserPoolMfaConfigCommand({ UserPoolId: "us-east-1_nopool" })),
      "ResourceNotFoundException",
    );
  });

  it("associate → verify → enable, with their refusals; the secret is sealed at rest", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "setup" });
    const AccessToken = await tokenOf("setup");
    const plain = await s.sdk.send(new GetUserCommand({ AccessToken }));
    expect(plain.UserMFASettingList).toBeUndefined();
    expect(plain.PreferredMfaSetting).toBeUndefined();
    await expectError(
      s.sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: "123456" })),
      "SoftwareTokenMFANotFoundException",
      "Software Token MFA has not been associated with the user.",
    );
    const a = await s.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    const secret = a.SecretCode ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{52}$/);
    const row = await s.app.deps.store.read.users.get(poolId, usernameKey("setup", false));
    expect(JSON.stringify(row?.mfa)).not.toContain(secret);
    await expectError(
      s.sdk.send(
        new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true } }),
      ),
      "InvalidParameterException",
      "User has not verified software token mfa",
    );
    const wrong = code(secret, clock.now() + 5 * 60_000);
    await expectError(
      s.sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: wrong })),
      "EnableSoftwareTokenMFAException",
      "Code mismatch and fail enable Software Token MFA",
    );
    // The step before now is still accepted (clock drift).
    const v = await s.sdk.send(
      new VerifySoftwareTokenCommand({ AccessToken, UserCode: code(secret, clock.now() - 30_000) }),
    );
    expect(v.Status).toBe("SUCCESS");
    await s.sdk.send(
      new SetUserMFAPreferenceCommand({
        AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const got = await s.sdk.send(new GetUserCommand({ AccessToken }));
    expect(got.UserMFASettingList).toEqual(["SOFTWARE_TOKEN_MFA"]);
    expect(got.PreferredMfaSetting).toBe("SOFTWARE_TOKEN_MFA");
    const admin = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "setup" }));
    expect(admin.UserMFASettingList).toEqual(["SOFTWARE_TOKEN_MFA"]);
    expect(admin.PreferredMfaSetting).toBe("SOFTWARE_TOKEN_MFA");
  });

  it("password sign-in → SOFTWARE_TOKEN_MFA; a wrong code, then the right one; a code is good once", async () => {
    const secret = await totpUser("alice");
    const first = await passwordSignIn(s.sdk, clientId, "alice");
    expect(first.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
    expect(first.AuthenticationResult).toBeUndefined();
    expect(first.ChallengeParameters).toEqual({});
    expect(first.Session?.length).toBeGreaterThan(20);
    const now = code(secret, clock.now());
    const bad = now === "000000" ? "000001" : "000000";
    await expectError(
      answer(first.Session, "alice", bad),
      "CodeMismatchException",
      "Invalid code received for user",
    );
    // The session survives a wrong code.
    const ok = await answer(first.Session, "alice", now);
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
    // The wrong code and the success are both auth events.
    const events = await s.sdk.send(
      new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "alice" }),
    );
    const outcomes = (events.AuthEvents ?? []).map((e) => e.EventResponse).sort();
    expect(outcomes.filter((o) => o === "Fail")).toHaveLength(1);
    expect(ok.AuthenticationResult?.RefreshToken).toBeTruthy();
    // The same code, in a new sign-in: refused.
    const second = await passwordSignIn(s.sdk, clientId, "alice");
    await expectError(
      answer(second.Session, "alice", now),
      "CodeMismatchException",
      "Your software token has already been used once.",
    );
    // The next step's code is accepted.
    clock.advance(30_000);
    const again = await answer(second.Session, "alice", code(secret, clock.now()));
    expect(again.AuthenticationResult?.IdToken).toBeTruthy();
    // The session is spent.
    clock.advance(30_000);
    await expectError(
      answer(second.Session, "alice", code(secret, clock.now())),
      "NotAuthorizedException",
      "Invalid session for the user, session can only be used once.",
    );
  });

  it("SRP sign-in → SOFTWARE_TOKEN_MFA → tokens; an expired session", async () => {
    const secret = await totpUser("bob");
    const srp = await srpSignIn({ sdk: s.sdk, poolId, clientId }, "bob");
    expect(srp.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
    const ok = await answer(srp.Session, "bob", code(secret, clock.now()));
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();

    clock.advance(30_000);
    const late = await passwordSignIn(s.sdk, clientId, "bob");
    clock.advance(3 * 60_000 + 1_000);
    await expectError(
      answer(late.Session, "bob", code(secret, clock.now())),
      "NotAuthorizedException",
      "Invalid session for the user, session is expired.",
    );
    await expectError(
      answer("not-a-session-at-all-xxxxxxxxxxxx", "bob", code(secret, clock.now())),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
  });

  it("admin: AdminInitiateAuth → AdminRespondToAuthChallenge; AdminSetUserMFAPreference turns it off", async () => {
    const secret = await totpUser("carol");
    const start = await s.sdk.send(
      new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "carol", PASSWORD },
      }),
    );
    expect(start.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
    // An admin session does not answer through the public operation.
    await expectError(
      answer(start.Session, "carol", code(secret, clock.now())),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
    const done = await s.sdk.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        ChallengeName: "SOFTWARE_TOKEN_MFA",
        Session: start.Session,
        ChallengeResponses: { USERNAME: "carol", SOFTWARE_TOKEN_MFA_CODE: code(secret, clock.now()) },
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
    await s.sdk.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: "carol",
        SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
      }),
    );
    const got = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "carol" }));
    expect(got.UserMFASettingList).toBeUndefined();
    expect(got.PreferredMfaSetting).toBeUndefined();
    const direct = await passwordSignIn(s.sdk, clientId, "carol");
    expect(direct.AuthenticationResult?.AccessToken).toBeTruthy();
    await expectError(
      s.sdk.send(
        new AdminSetUserMFAPreferenceCommand({
          UserPoolId: poolId,
          Username: "nobody",
          SoftwareTokenMfaSettings: { Enabled: false },
        }),
      ),
      "UserNotFoundException",
      "User does not exist.",
    );
  });

  it("a pool with MFA OFF signs a TOTP user in without the step", async () => {
    const { poolId: offPool } = await makePool(s.sdk);
    const { clientId: offClient } = await makeClient(s.sdk, offPool);
    await confirmedUser(s.sdk, { poolId: offPool, clientId: offClient, username: "dave" });
    const r = await passwordSignIn(s.sdk, offClient, "dave");
    const AccessToken = r.AuthenticationResult?.AccessToken ?? "";
    const a = await s.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    await s.sdk.send(
      new VerifySoftwareTokenCommand({ AccessToken, UserCode: code(a.SecretCode ?? "", clock.now()) }),
    );
    await s.sdk.send(
      new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true } }),
    );
    const again = await passwordSignIn(s.sdk, offClient, "dave");
    expect(again.ChallengeName).toBeUndefined();
    expect(again.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("identity-js: associateSoftwareToken / verifySoftwareToken, then authenticateUser → totpRequired → sendMFACode", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "erin" });
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });
    const details = new AuthenticationDetails({ Username: "erin", Password: PASSWORD });
    const user = new CognitoUser({ Username: "erin", Pool: pool });
    await new Promise<CognitoUserSession>((resolve, reject) =>
      user.authenticateUser(details, { onSuccess: resolve, onFailure: reject }),
    );
    const secret = await new Promise<string>((resolve, reject) =>
      user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }),
    );
    await new Promise<unknown>((resolve, reject) =>
      user.verifySoftwareToken(code(secret, clock.now()), "phone", { onSuccess: resolve, onFailure: reject }),
    );
    await new Promise<unknown>((resolve, reject) =>
      user.setUserMfaPreference(null, { Enabled: true, PreferredMfa: true }, (err, r) =>
        err ? reject(err) : resolve(r),
      ),
    );
    clock.advance(30_000);
    const again = new CognitoUser({ Username: "erin", Pool: pool });
    let asked = "";
    const session = await new Promise<CognitoUserSession>((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        totpRequired: (challengeName: string) => {
          asked = challengeName;
          again.sendMFACode(code(secret, clock.now()), callbacks, "SOFTWARE_TOKEN_MFA");
        },
      };
      again.authenticateUser(details, callbacks);
    });
    expect(asked).toBe("SOFTWARE_TOKEN_MFA");
    expect(session.isValid()).toBe(true);
    expect(session.getIdToken().decodePayload()["cognito:username"]).toBe("erin");
  });

  it("boto3: the challenge, a wrong code and the right one", async () => {
    const secret = await totpUser("pyuser");
    const script = `
import base64, hashlib, hmac, json, struct, sys, boto3
from botocore.exceptions import ClientError
url, client_id, pw, secret, now_ms = sys.argv[1:6]
def totp(at_ms):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at_ms) // 30000), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000)
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
out = {}
r = c.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "pyuser", "PASSWORD": pw})
out["challenge"] = r["ChallengeName"]
right = totp(now_ms)
wrong = "000000" if right != "000000" else "000001"
try:
    c.respond_to_auth_challenge(ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=r["Session"],
        ChallengeResponses={"USERNAME": "pyuser", "SOFTWARE_TOKEN_MFA_CODE": wrong})
except ClientError as e:
    out["wrong"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
r2 = c.respond_to_auth_challenge(ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=r["Session"],
    ChallengeResponses={"USERNAME": "pyuser", "SOFTWARE_TOKEN_MFA_CODE": right})
out["tokens"] = sorted(r2["AuthenticationResult"].keys())
print(json.dumps(out))
`;
    const { stdout } = await run(
      "python3",
      ["-c", script, s.url, clientId, PASSWORD, secret, String(clock.now())],
      {
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "/tmp",
          AWS_ACCESS_KEY_ID: "AKIDTESTCOGNATE",
          AWS_SECRET_ACCESS_KEY: "test-secret",
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
          AWS_EC2_METADATA_DISABLED: "true",
        },
      },
    );
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.challenge).toBe("SOFTWARE_TOKEN_MFA");
    expect(out.wrong).toEqual(["CodeMismatchException", "Invalid code received for user"]);
    expect(out.tokens).toEqual(["AccessToken", "ExpiresIn", "IdToken", "RefreshToken", "TokenType"]);
  });
});
