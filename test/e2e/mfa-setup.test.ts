// Pool MFA ON (docs/mfa.md): a user with no factor gets MFA_SETUP, sets up a software token
// with the sign-in's Session (AssociateSoftwareToken → VerifySoftwareToken with
// FriendlyDeviceName → RespondToAuthChallenge MFA_SETUP) and then has TOTP MFA; a user with a
// phone number or email gets its code at once; MFA follows NEW_PASSWORD_REQUIRED. The errors
// through the AWS SDK v3 and boto3.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AssociateSoftwareTokenCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, makeClient, passwordSignIn } from "../helpers/signin.js";
import { otherCode, totpCode } from "../helpers/totp.js";

const run = promisify(execFile);

describe("MFA required: MFA_SETUP and the codes of users who have an address", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  const clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);

  beforeAll(async () => {
    s = await startServer({}, { clock });
    // No auto-verified email, so that users may have none.
    ({ poolId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] }));
    ({ clientId } = await makeClient(s.sdk, poolId));
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: "ON",
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
  });
  afterAll(async () => {
    await s?.close();
  });

  it("MFA_SETUP → AssociateSoftwareToken (Session) → VerifySoftwareToken (Session) → MFA_SETUP → tokens", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "una" });
    const r = await passwordSignIn(s.sdk, clientId, "una");
    expect(r.ChallengeName).toBe("MFA_SETUP");
    expect(r.AuthenticationResult).toBeUndefined();
    expect(JSON.parse(r.ChallengeParameters?.MFAS_CAN_SETUP ?? "")).toEqual(["SOFTWARE_TOKEN_MFA"]);

    // Answering before a token is verified is refused; the session stays usable.
    const respond = (session: string | undefined) =>
      s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "MFA_SETUP",
          Session: session,
          ChallengeResponses: { USERNAME: "una" },
        }),
      );
    await expectError(respond(r.Session), "InvalidParameterException");

    const a = await s.sdk.send(new AssociateSoftwareTokenCommand({ Session: r.Session }));
    const secret = a.SecretCode ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{52}$/);
    expect(a.Session).toBeTruthy();
    expect(a.Session).not.toBe(r.Session);
    // Sessions are single use: the first one is spent.
    await expectError(
      s.sdk.send(new AssociateSoftwareTokenCommand({ Session: r.Session })),
      "NotAuthorizedException",
      "Invalid session for the user, session can only be used once.",
    );
    // Nothing is written to the user before the code is verified.
    const before = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "una" }));
    expect(before.UserMFASettingList).toBeUndefined();

    const now = totpCode(secret, clock.now());
    await expectError(
      s.sdk.send(
        new VerifySoftwareTokenCommand({
          Session: a.Session,
          UserCode: otherCode(now),
          FriendlyDeviceName: "phone",
        }),
      ),
      "EnableSoftwareTokenMFAException",
      "Code mismatch and fail enable Software Token MFA",
    );
    const v = await s.sdk.send(
      new VerifySoftwareTokenCommand({ Session: a.Session, UserCode: now, FriendlyDeviceName: "phone" }),
    );
    expect(v.Status).toBe("SUCCESS");
    expect(v.Session).toBeTruthy();
    const done = await respond(v.Session);
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();

    const after = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "una" }));
    expect(after.UserMFASettingList).toEqual(["SOFTWARE_TOKEN_MFA"]);
    expect(after.PreferredMfaSetting).toBe("SOFTWARE_TOKEN_MFA");
    clock.advance(30_000);
    const next = await passwordSignIn(s.sdk, clientId, "una");
    expect(next.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
  });

  it("session form refusals: not a session, an expired one, VerifySoftwareToken before AssociateSoftwareToken", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "vic" });
    await expectError(
      s.sdk.send(new AssociateSoftwareTokenCommand({ Session: "x".repeat(40) })),
      "NotAuthorizedException",
      "Invalid session for the user.",
    );
    const r = await passwordSignIn(s.sdk, clientId, "vic");
    await expectError(
      s.sdk.send(new VerifySoftwareTokenCommand({ Session: r.Session, UserCode: "123456" })),
      "SoftwareTokenMFANotFoundException",
    );
    clock.advance(3 * 60_000 + 1_000);
    await expectError(
      s.sdk.send(new AssociateSoftwareTokenCommand({ Session: r.Session })),
      "NotAuthorizedException",
      "Invalid session for the user, session is expired.",
    );
  });

  it("ON with email MFA: a user with an email gets EMAIL_OTP at once, also after NEW_PASSWORD_REQUIRED (admin)", async () => {
    const { poolId: p2 } = await makePool(s.sdk);
    const { clientId: c2 } = await makeClient(s.sdk, p2);
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: p2,
        MfaConfiguration: "ON",
        SoftwareTokenMfaConfiguration: { Enabled: true },
        EmailMfaConfiguration: {},
      }),
    );
    await s.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: p2,
        Username: "wes",
        TemporaryPassword: "Temp-Pa55word!",
        MessageAction: "SUPPRESS",
        UserAttributes: [{ Name: "email", Value: "wes@example.com" }],
      }),
    );
    const start = await s.sdk.send(
      new AdminInitiateAuthCommand({
        UserPoolId: p2,
        ClientId: c2,
        AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "wes", PASSWORD: "Temp-Pa55word!" },
      }),
    );
    expect(start.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const np = await s.sdk.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: p2,
        ClientId: c2,
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: start.Session,
        ChallengeResponses: { USERNAME: "wes", NEW_PASSWORD: PASSWORD },
      }),
    );
    expect(np.ChallengeName).toBe("EMAIL_OTP");
    expect(np.AuthenticationResult).toBeUndefined();
    expect(np.ChallengeParameters?.CODE_DELIVERY_DESTINATION).toBe("w***@e***");
    const ok = await s.sdk.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: p2,
        ClientId: c2,
        ChallengeName: "EMAIL_OTP",
        Session: np.Session,
        ChallengeResponses: { USERNAME: "wes", EMAIL_OTP_CODE: await s.inbox.code("wes", p2) },
      }),
    );
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
    const got = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: p2, Username: "wes" }));
    expect(got.UserStatus).toBe("CONFIRMED");
    expect(got.UserAttributes?.find((a) => a.Name === "email_verified")?.Value).toBe("true");
  });

  it("MFA_SETUP with EMAIL: the code goes to the address given, which becomes the user's; its refusals", async () => {
    const { poolId: p3 } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    const { clientId: c3 } = await makeClient(s.sdk, p3);
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: p3, MfaConfiguration: "ON", EmailMfaConfiguration: {} }),
    );
    await confirmedUser(s.sdk, { poolId: p3, clientId: c3, username: "yan", attributes: {} });
    const r = await passwordSignIn(s.sdk, c3, "yan");
    expect(r.ChallengeName).toBe("MFA_SETUP");
    expect(JSON.parse(r.ChallengeParameters?.MFAS_CAN_SETUP ?? "")).toEqual(["EMAIL_OTP"]);
    const respond = (
      challenge: "MFA_SETUP" | "EMAIL_OTP",
      session: string | undefined,
      extra: Record<string, string>,
    ) =>
      s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: c3,
          ChallengeName: challenge,
          Session: session,
          ChallengeResponses: { USERNAME: "yan", ...extra },
        }),
      );
    await expectError(
      respond("MFA_SETUP", r.Session, { EMAIL: "not-an-address" }),
      "InvalidParameterException",
      "Invalid email address format.",
    );
    const sent = await respond("MFA_SETUP", r.Session, { EMAIL: "yan@example.org" });
    expect(sent.ChallengeName).toBe("EMAIL_OTP");
    expect(sent.ChallengeParameters?.CODE_DELIVERY_DESTINATION).toBe("y***@e***");
    const before = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: p3, Username: "yan" }));
    expect(before.UserAttributes?.find((a) => a.Name === "email")).toBeUndefined();
    const done = await respond("EMAIL_OTP", sent.Session, { EMAIL_OTP_CODE: await s.inbox.code("yan", p3) });
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
    const after = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: p3, Username: "yan" }));
    const attrs = Object.fromEntries((after.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
    expect(attrs.email).toBe("yan@example.org");
    expect(attrs.email_verified).toBe("true");
    expect(after.UserMFASettingList).toEqual(["EMAIL_OTP"]);
    // The next sign-in asks for a code by email at once.
    expect((await passwordSignIn(s.sdk, c3, "yan")).ChallengeName).toBe("EMAIL_OTP");
    // In the TOTP-only pool, EMAIL is not offered.
    await confirmedUser(s.sdk, { poolId, clientId, username: "zed" });
    const z = await passwordSignIn(s.sdk, clientId, "zed");
    await expectError(
      s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "MFA_SETUP",
          Session: z.Session,
          ChallengeResponses: { USERNAME: "zed", EMAIL: "zed@example.org" },
        }),
      ),
      "InvalidParameterException",
      "EMAIL_OTP is not one of MFAS_CAN_SETUP.",
    );
  });

  it("boto3: MFA_SETUP through the Session, and Cognito's errors", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "xan" });
    const script = `
import base64, hashlib, hmac, struct, sys, time, boto3
from botocore.exceptions import ClientError
url, client_id, now_ms = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
def code(secret):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", now_ms // 30000), hashlib.sha1).digest()
    o = mac[19] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000)
def err(f):
    try:
        f()
    except ClientError as e:
        return e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]
    return "no error"
r = c.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "xan", "PASSWORD": "${PASSWORD}"})
print(r["ChallengeName"], r["ChallengeParameters"]["MFAS_CAN_SETUP"])
a = c.associate_software_token(Session=r["Session"])
good = code(a["SecretCode"])
bad = "000000" if good != "000000" else "000001"
print(err(lambda: c.verify_software_token(Session=a["Session"], UserCode=bad)))
v = c.verify_software_token(Session=a["Session"], UserCode=good, FriendlyDeviceName="laptop")
print(v["Status"])
print(err(lambda: c.verify_software_token(Session=a["Session"], UserCode=good)))
done = c.respond_to_auth_challenge(ClientId=client_id, ChallengeName="MFA_SETUP", Session=v["Session"],
                                   ChallengeResponses={"USERNAME": "xan"})
print("tokens" if done["AuthenticationResult"]["AccessToken"] else "none")
`;
    const { stdout } = await run("python3", ["-c", script, s.url, clientId, String(clock.now())]);
    expect(stdout.trim().split("\n")).toEqual([
      'MFA_SETUP ["SOFTWARE_TOKEN_MFA"]',
      "EnableSoftwareTokenMFAException: Code mismatch and fail enable Software Token MFA",
      "SUCCESS",
      "NotAuthorizedException: Invalid session for the user, session can only be used once.",
      "tokens",
    ]);
  });
});
