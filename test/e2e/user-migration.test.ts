// The UserMigration trigger (docs/user-migration.md) end to end: a name with no user, at a
// password sign-in or in ForgotPassword, goes to the pool's migration function
// (test/fixtures/triggers/migration.mjs, run by the module invoker); the user it answers is
// created and signs in — again without the function, over SRP too (the verifier was stored).
// Through the AWS SDK v3, boto3 and amazon-cognito-identity-js; the event is read back as the
// function received it, and the legacy passwords are looked for in every table and log line.
import { Writable } from "node:stream";
import {
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { clearTriggerCalls, triggerCalls } from "../helpers/lambdaServers.js";
import { runPython } from "../helpers/python.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { adminSignIn, decodeJwt, makeClient, passwordSignIn } from "../helpers/signin.js";
import { srpSignIn } from "../helpers/srp.js";

const MIGRATE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:migrate";
const INCORRECT = "Incorrect username or password.";
const NEW_PASSWORD = "N3w-Passw0rd!";
// Every legacy password the fixture knows: none may be stored or logged.
const LEGACY_PASSWORDS = [
  "Legacy-Pass-1!",
  "Legacy-Pass-2!",
  "Legacy-Pass-3!",
  "Legacy-Pass-4!",
  "Legacy-Pass-5!",
  "Legacy-Pass-6!",
  "Legacy-Pass-7!",
  "Legacy-Pass-8!",
  "Legacy-Pass-9!",
];

describe("UserMigration", () => {
  let s: TestServer;
  const logChunks: string[] = [];
  let poolId: string;
  let clientId: string;
  let protectedClientId: string;

  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk, _enc, cb) {
        logChunks.push(String(chunk));
        cb();
      },
    });
    s = await startServer(
      {
        logLevel: "debug",
        triggers: {
          functions: { [MIGRATE_ARN]: "module:test/fixtures/triggers/migration.mjs#handler" },
          baseDir: process.cwd(),
        },
      },
      { logStream },
    );
    ({ poolId } = await makePool(s.sdk, { LambdaConfig: { UserMigration: MIGRATE_ARN } }));
    ({ clientId } = await makeClient(s.sdk, poolId));
    ({ clientId: protectedClientId } = await makeClient(s.sdk, poolId, {
      PreventUserExistenceErrors: "ENABLED",
    }));
  });
  afterAll(() => s?.close());
  beforeEach(() => clearTriggerCalls());

  const calls = () => triggerCalls("UserMigration");
  const adminGet = (Username: string, pool = poolId) =>
    s.sdk.send(new AdminGetUserCommand({ UserPoolId: pool, Username }));
  const attrs = (u: AdminGetUserCommandOutput) =>
    Object.fromEntries((u.UserAttributes ?? []).map((a) => [a.Name, a.Value]));

  it("USER_PASSWORD_AUTH of an unknown name: the function's event, tokens, and the user exists", async () => {
    const r = await s.sdk.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "legacy-ann", PASSWORD: "Legacy-Pass-1!" },
        ClientMetadata: { app: "web" },
      }),
    );
    expect(r.AuthenticationResult?.AccessToken).toBeTruthy();
    const id = decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload;
    expect(id["cognito:username"]).toBe("legacy-ann");
    expect(id.email).toBe("ann@example.com");

    expect(calls()).toHaveLength(1);
    const event = calls()[0]?.event ?? {};
    expect(event).toMatchObject({
      version: "1",
      triggerSource: "UserMigration_Authentication",
      region: "us-east-1",
      userPoolId: poolId,
      userName: "legacy-ann",
      callerContext: { clientId },
    });
    // The sign-in's ClientMetadata is the event's validationData (developer guide).
    expect(event.request).toEqual({ password: "Legacy-Pass-1!", validationData: { app: "web" } });
    expect(event.response).toEqual({
      userAttributes: null,
      finalUserStatus: null,
      messageAction: null,
      desiredDeliveryMediums: null,
      forceAliasCreation: null,
      enableSMSMFA: null,
    });

    const user = await adminGet("legacy-ann");
    expect(user.UserStatus).toBe("CONFIRMED");
    expect(user.Enabled).toBe(true);
    const a = attrs(user);
    expect(a).toMatchObject({ email: "ann@example.com", email_verified: "true", name: "Ann Legacy" });
    expect(a.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(id.sub).toBe(a.sub);
  });

  it("the migrated user signs in again without the function: password flows and USER_SRP_AUTH", async () => {
    await passwordSignIn(s.sdk, clientId, "legacy-ann", "Legacy-Pass-1!");
    await adminSignIn(s.sdk, poolId, clientId, "legacy-ann", "Legacy-Pass-1!");
    const srp = await srpSignIn({ sdk: s.sdk, poolId, clientId }, "legacy-ann", {
      password: "Legacy-Pass-1!",
    });
    expect(srp.AuthenticationResult?.AccessToken).toBeTruthy();
    await expectError(
      passwordSignIn(s.sdk, clientId, "legacy-ann", "Wr0ng-Passw0rd!"),
      "NotAuthorizedException",
      INCORRECT,
    );
    expect(calls()).toHaveLength(0);
  });

  it("ADMIN_USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH migrate too; no finalUserStatus means CONFIRMED", async () => {
    const r = await adminSignIn(s.sdk, poolId, clientId, "legacy-bob", "Legacy-Pass-2!", "ADMIN_NO_SRP_AUTH");
    expect(r.AuthenticationResult?.IdToken).toBeTruthy();
    expect(calls().map((c) => c.event.triggerSource)).toEqual(["UserMigration_Authentication"]);
    expect((await adminGet("legacy-bob")).UserStatus).toBe("CONFIRMED");
    await adminSignIn(s.sdk, poolId, clientId, "legacy-bob", "Legacy-Pass-2!");
    expect(calls()).toHaveLength(1);
  });

  it("finalUserStatus RESET_REQUIRED: PasswordResetRequiredException, then ForgotPassword and a new password", async () => {
    await expectError(
      passwordSignIn(s.sdk, clientId, "legacy-rita", "weak"),
      "PasswordResetRequiredException",
      "Password reset required for the user",
    );
    expect((await adminGet("legacy-rita")).UserStatus).toBe("RESET_REQUIRED");
    // Under PreventUserExistenceErrors the pending reset is hidden, as for any such user.
    await expectError(
      passwordSignIn(s.sdk, protectedClientId, "legacy-rita", "weak"),
      "NotAuthorizedException",
      INCORRECT,
    );
    // The (policy-breaking) legacy password was not kept: it does not sign in over SRP either.
    await expectError(
      srpSignIn({ sdk: s.sdk, poolId, clientId }, "legacy-rita", { password: "weak" }),
      "PasswordResetRequiredException",
    );
    expect(calls()).toHaveLength(1);

    const sent = await s.sdk.send(new ForgotPasswordCommand({ ClientId: clientId, Username: "legacy-rita" }));
    expect(sent.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: "EMAIL", AttributeName: "email" });
    const m = await s.inbox.latest({ username: "legacy-rita", userPoolId: poolId });
    expect(m?.destination).toBe("rita@example.com");
    await s.sdk.send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: "legacy-rita",
        ConfirmationCode: m?.code ?? "",
        Password: NEW_PASSWORD,
      }),
    );
    await passwordSignIn(s.sdk, clientId, "legacy-rita", NEW_PASSWORD);
    expect((await adminGet("legacy-rita")).UserStatus).toBe("CONFIRMED");
    expect(calls()).toHaveLength(1);
  });

  it("a function that fails: UserLambdaValidationException with its message, and no user", async () => {
    await expectError(
      passwordSignIn(s.sdk, clientId, "legacy-fay", "Not-Her-Passw0rd!"),
      "UserLambdaValidationException",
      "UserMigration failed with error Bad password.",
    );
    await expectError(
      s.sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: "legacy-fay", PASSWORD: "Legacy-Pass-3!" },
          ClientMetadata: { mode: "throw" },
        }),
      ),
      "UserLambdaValidationException",
      "UserMigration failed with error Legacy directory unreachable.",
    );
    await expectError(adminGet("legacy-fay"), "UserNotFoundException", "User does not exist.");
    expect(calls()).toHaveLength(2);
  });

  it("an empty answer is no such user: UserNotFoundException, or the PreventUserExistenceErrors answer", async () => {
    await expectError(
      passwordSignIn(s.sdk, clientId, "nobody-here", "Any-Passw0rd!"),
      "UserNotFoundException",
      "User does not exist.",
    );
    await expectError(
      adminSignIn(s.sdk, poolId, clientId, "nobody-here", "Any-Passw0rd!"),
      "UserNotFoundException",
      "User does not exist.",
    );
    await expectError(
      passwordSignIn(s.sdk, protectedClientId, "nobody-here", "Any-Passw0rd!"),
      "NotAuthorizedException",
      INCORRECT,
    );
    expect(calls()).toHaveLength(3);
    await expectError(adminGet("nobody-here"), "UserNotFoundException");
  });

  it("USER_SRP_AUTH of an unknown name never invokes the function (SRP never reveals the password)", async () => {
    await expectError(
      srpSignIn({ sdk: s.sdk, poolId, clientId }, "legacy-ida", { password: "Legacy-Pass-4!" }),
      "UserNotFoundException",
    );
    expect(calls()).toHaveLength(0);
    await expectError(adminGet("legacy-ida"), "UserNotFoundException");
  });

  it("ForgotPassword of an unknown name: the event has no password; the code goes to the returned email", async () => {
    const sent = await s.sdk.send(
      new ForgotPasswordCommand({
        ClientId: clientId,
        Username: "legacy-amy",
        ClientMetadata: { app: "ios" },
      }),
    );
    expect(sent.CodeDeliveryDetails).toEqual({
      AttributeName: "email",
      DeliveryMedium: "EMAIL",
      Destination: "a***@e***",
    });
    expect(calls()).toHaveLength(1);
    const event = calls()[0]?.event ?? {};
    expect(event).toMatchObject({
      triggerSource: "UserMigration_ForgotPassword",
      userName: "legacy-amy",
      userPoolId: poolId,
      callerContext: { clientId },
    });
    // No password in this flow; ForgotPassword's ClientMetadata is clientMetadata.
    expect(event.request).toEqual({ clientMetadata: { app: "ios" } });

    const user = await adminGet("legacy-amy");
    expect(user.UserStatus).toBe("RESET_REQUIRED");
    expect(attrs(user)).toMatchObject({ email: "amy@example.com", email_verified: "true" });
    const m = await s.inbox.latest({ username: "legacy-amy", userPoolId: poolId });
    expect(m?.destination).toBe("amy@example.com");
    expect(m?.triggerSource).toBe("CustomMessage_ForgotPassword");
    await s.sdk.send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: "legacy-amy",
        ConfirmationCode: m?.code ?? "",
        Password: NEW_PASSWORD,
      }),
    );
    const r = await passwordSignIn(s.sdk, clientId, "legacy-amy", NEW_PASSWORD);
    expect(r.AuthenticationResult?.AccessToken).toBeTruthy();
    expect((await adminGet("legacy-amy")).UserStatus).toBe("CONFIRMED");
    expect(calls()).toHaveLength(1);
  });

  it("ForgotPassword: an empty answer is the unknown-user answer; a failing function its error", async () => {
    await expectError(
      s.sdk.send(new ForgotPasswordCommand({ ClientId: clientId, Username: "nobody-here" })),
      "UserNotFoundException",
    );
    await expectError(
      s.sdk.send(
        new ForgotPasswordCommand({
          ClientId: clientId,
          Username: "legacy-fay",
          ClientMetadata: { mode: "throw" },
        }),
      ),
      "UserLambdaValidationException",
      "UserMigration failed with error Legacy directory unreachable.",
    );
    // Under PreventUserExistenceErrors an empty answer gets the simulated answer, nothing sent.
    const simulated = await s.sdk.send(
      new ForgotPasswordCommand({ ClientId: protectedClientId, Username: "nobody-here" }),
    );
    expect(simulated.CodeDeliveryDetails?.DeliveryMedium).toBeTruthy();
    expect(await s.inbox.latest({ username: "nobody-here", userPoolId: poolId })).toBeNull();
    expect(calls()).toHaveLength(3);
    await expectError(adminGet("legacy-fay"), "UserNotFoundException");
    await expectError(adminGet("nobody-here"), "UserNotFoundException");
  });

  it("boto3: initiate_auth USER_PASSWORD_AUTH migrates the user; admin_get_user sees it", async () => {
    const out = await runPython(
      `
import boto3, json, sys
c = boto3.client("cognito-idp", endpoint_url=sys.argv[1], region_name="us-east-1")
r = c.initiate_auth(ClientId=sys.argv[2], AuthFlow="USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "legacy-bo3", "PASSWORD": "Legacy-Pass-6!"})
u = c.admin_get_user(UserPoolId=sys.argv[3], Username="legacy-bo3")
again = c.initiate_auth(ClientId=sys.argv[2], AuthFlow="USER_PASSWORD_AUTH",
                        AuthParameters={"USERNAME": "legacy-bo3", "PASSWORD": "Legacy-Pass-6!"})
try:
    c.initiate_auth(ClientId=sys.argv[2], AuthFlow="USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": "nobody-boto", "PASSWORD": "Any-Passw0rd!"})
    missing = None
except c.exceptions.UserNotFoundException as e:
    missing = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
print(json.dumps({
    "token": "AccessToken" in r["AuthenticationResult"],
    "again": "AccessToken" in again["AuthenticationResult"],
    "status": u["UserStatus"],
    "email": {a["Name"]: a["Value"] for a in u["UserAttributes"]}.get("email"),
    "missing": missing,
}))
`,
      [s.url, clientId, poolId],
    );
    expect(out).toEqual({
      token: true,
      again: true,
      status: "CONFIRMED",
      email: "bo3@example.com",
      missing: ["UserNotFoundException", "User does not exist."],
    });
    expect(calls().map((c) => c.event.userName)).toEqual(["legacy-bo3", "nobody-boto"]);
  });

  it("amazon-cognito-identity-js: authenticateUser with USER_PASSWORD_AUTH migrates, then SRP signs in", async () => {
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });
    const signIn = (flow: "USER_PASSWORD_AUTH" | "USER_SRP_AUTH") =>
      new Promise<string>((res, rej) => {
        const user = new CognitoUser({ Username: "legacy-cal", Pool: pool });
        user.setAuthenticationFlowType(flow);
        user.authenticateUser(
          new AuthenticationDetails({ Username: "legacy-cal", Password: "Legacy-Pass-7!" }),
          {
            onSuccess: (session) => res(session.getIdToken().payload.email as string),
            onFailure: rej,
          },
        );
      });
    expect(await signIn("USER_PASSWORD_AUTH")).toBe("cal@example.com");
    expect(await signIn("USER_SRP_AUTH")).toBe("cal@example.com");
    expect(calls()).toHaveLength(1);
  });

  it("a UsernameAttributes pool: the typed email becomes the sign-in email and the username a UUID", async () => {
    const p = await makePool(s.sdk, {
      UsernameAttributes: ["email"],
      LambdaConfig: { UserMigration: MIGRATE_ARN },
    });
    const { clientId: c } = await makeClient(s.sdk, p.poolId);
    const r = await passwordSignIn(s.sdk, c, "dora@example.com", "Legacy-Pass-8!");
    const id = decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload;
    expect(id["cognito:username"]).toBe(id.sub);
    expect(calls()[0]?.event.userName).toBe("dora@example.com");
    const user = await adminGet("dora@example.com", p.poolId);
    expect(user.Username).toBe(id.sub);
    expect(attrs(user)).toMatchObject({ email: "dora@example.com", email_verified: "true" });
    await srpSignIn({ sdk: s.sdk, poolId: p.poolId, clientId: c }, "dora@example.com", {
      password: "Legacy-Pass-8!",
    });
    expect(calls()).toHaveLength(1);
  });

  it("an alias another user holds: refused unless forceAliasCreation moves it", async () => {
    const p = await makePool(s.sdk, {
      AliasAttributes: ["email"],
      LambdaConfig: { UserMigration: MIGRATE_ARN },
    });
    const { clientId: c } = await makeClient(s.sdk, p.poolId);
    await s.sdk.send(
      new SignUpCommand({
        ClientId: c,
        Username: "holder",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "holder@example.com" }],
      }),
    );
    const code = await s.inbox.code("holder", p.poolId);
    await s.sdk.send(new ConfirmSignUpCommand({ ClientId: c, Username: "holder", ConfirmationCode: code }));

    await expectError(
      passwordSignIn(s.sdk, c, "legacy-taken", "Legacy-Pass-9!"),
      "InvalidParameterException",
      "An account with the given email already exists.",
    );
    await expectError(adminGet("legacy-taken", p.poolId), "UserNotFoundException");

    const forced = await s.sdk.send(
      new InitiateAuthCommand({
        ClientId: c,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "legacy-taken", PASSWORD: "Legacy-Pass-9!" },
        ClientMetadata: { force: "true" },
      }),
    );
    expect(forced.AuthenticationResult?.AccessToken).toBeTruthy();
    // The email now signs the migrated user in; the previous holder's is no longer verified.
    const byEmail = await passwordSignIn(s.sdk, c, "holder@example.com", "Legacy-Pass-9!");
    expect(decodeJwt(byEmail.AuthenticationResult?.IdToken ?? "").payload["cognito:username"]).toBe(
      "legacy-taken",
    );
    expect(attrs(await adminGet("holder", p.poolId)).email_verified).toBe("false");
  });

  it("an email-shaped name in an email-alias pool is refused as at SignUp", async () => {
    const p = await makePool(s.sdk, {
      AliasAttributes: ["email"],
      LambdaConfig: { UserMigration: MIGRATE_ARN },
    });
    const { clientId: c } = await makeClient(s.sdk, p.poolId);
    await expectError(
      passwordSignIn(s.sdk, c, "dora@example.com", "Legacy-Pass-8!"),
      "InvalidParameterException",
      "Username cannot be of email format, since user pool is configured for email alias.",
    );
    await expectError(adminGet("dora@example.com", p.poolId), "UserNotFoundException");
  });

  it("the migrated password starts the pool's password history", async () => {
    const p = await makePool(s.sdk, {
      LambdaConfig: { UserMigration: MIGRATE_ARN },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 8,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          PasswordHistorySize: 2,
        },
      },
    });
    const { clientId: c } = await makeClient(s.sdk, p.poolId);
    const r = await passwordSignIn(s.sdk, c, "legacy-ida", "Legacy-Pass-4!");
    const AccessToken = r.AuthenticationResult?.AccessToken ?? "";
    const change = (PreviousPassword: string, ProposedPassword: string) =>
      s.sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword, ProposedPassword }));
    await change("Legacy-Pass-4!", NEW_PASSWORD);
    // The legacy password is one of the last two: refused.
    await expectError(change(NEW_PASSWORD, "Legacy-Pass-4!"), "PasswordHistoryPolicyViolationException");
  });

  it("no table and no log line holds a migrated password", async () => {
    const tables = await s.dumpTables();
    const logs = logChunks.join("");
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain("UserMigration");
    for (const secret of LEGACY_PASSWORDS) {
      expect(tables).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});
