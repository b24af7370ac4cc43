// The signed-in user's own account through other real clients: amazon-cognito-identity-js
// (changePassword, updateAttributes → verifyAttribute, deleteUser), Amplify v6
// (updatePassword, updateUserAttributes → confirmUserAttribute, deleteUser) and boto3 (every
// refusal). Users sign in with USER_PASSWORD_AUTH; codes come from the dev inbox.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import { Amplify } from "aws-amplify";
import {
  confirmUserAttribute,
  deleteUser,
  fetchUserAttributes,
  signIn,
  updatePassword,
  updateUserAttributes,
} from "aws-amplify/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmedUser, latestMessage, wrongCode } from "../helpers/accounts.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { PASSWORD_FLOWS, passwordSignIn } from "../helpers/signin.js";

const run = promisify(execFile);
const NEW_PASSWORD = "N3w-Passw0rd!";
const FLOWS = { ExplicitAuthFlows: [...PASSWORD_FLOWS] };

describe("self-service through identity-js, Amplify v6 and boto3", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it("amazon-cognito-identity-js: changePassword, updateAttributes → verifyAttribute, deleteUser", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {}, FLOWS);
    await confirmedUser(s, { poolId, clientId }, "jsself");
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });
    const user = new CognitoUser({ Username: "jsself", Pool: pool });
    user.setAuthenticationFlowType("USER_PASSWORD_AUTH");
    const session = await new Promise<CognitoUserSession>((resolve, reject) =>
      user.authenticateUser(new AuthenticationDetails({ Username: "jsself", Password: PASSWORD }), {
        onSuccess: resolve,
        onFailure: reject,
      }),
    );
    expect(session.isValid()).toBe(true);

    const wrong = await new Promise<{ code?: string; message?: string }>((resolve) =>
      user.changePassword("Wr0ng-Password!", NEW_PASSWORD, (err) => resolve(err ?? {})),
    );
    expect([wrong.code, wrong.message]).toEqual([
      "NotAuthorizedException",
      "Incorrect username or password.",
    ]);
    const changed = await new Promise<unknown>((resolve, reject) =>
      user.changePassword(PASSWORD, NEW_PASSWORD, (err, result) => (err ? reject(err) : resolve(result))),
    );
    expect(changed).toBe("SUCCESS");
    expect((await passwordSignIn(s.sdk, clientId, "jsself", NEW_PASSWORD)).AuthenticationResult).toBeTruthy();

    await new Promise<unknown>((resolve, reject) =>
      user.updateAttributes(
        [
          new CognitoUserAttribute({ Name: "email", Value: "jsself@new.example" }),
          new CognitoUserAttribute({ Name: "name", Value: "JS Self" }),
        ],
        (err, result) => (err ? reject(err) : resolve(result)),
      ),
    );
    const m = await latestMessage(s, "jsself", poolId);
    expect(m).toMatchObject({
      triggerSource: "CustomMessage_UpdateUserAttribute",
      destination: "jsself@new.example",
    });
    const mismatch = await new Promise<{ code?: string }>((resolve) =>
      user.verifyAttribute("email", wrongCode(m.code ?? ""), {
        onSuccess: () => resolve({}),
        onFailure: (e) => resolve(e as { code?: string }),
      }),
    );
    expect(mismatch.code).toBe("CodeMismatchException");
    await new Promise<unknown>((resolve, reject) =>
      user.verifyAttribute("email", m.code ?? "", { onSuccess: resolve, onFailure: reject }),
    );
    const attrs = await new Promise<CognitoUserAttribute[]>((resolve, reject) =>
      user.getUserAttributes((err, result) => (err || !result ? reject(err) : resolve(result))),
    );
    expect(Object.fromEntries(attrs.map((a) => [a.getName(), a.getValue()]))).toMatchObject({
      email: "jsself@new.example",
      email_verified: "true",
      name: "JS Self",
    });

    await new Promise<unknown>((resolve, reject) =>
      user.deleteUser((err, result) => (err ? reject(err) : resolve(result))),
    );
    await expectError(
      s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "jsself" })),
      "UserNotFoundException",
    );
  });

  it("Amplify v6: updatePassword, updateUserAttributes → confirmUserAttribute, deleteUser", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {}, FLOWS);
    await confirmedUser(s, { poolId, clientId }, "ampself");
    Amplify.configure({
      Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: s.url } },
    });
    const signed = await signIn({
      username: "ampself",
      password: PASSWORD,
      options: { authFlowType: "USER_PASSWORD_AUTH" },
    });
    expect(signed.isSignedIn).toBe(true);
    await expect(
      updatePassword({ oldPassword: "Wr0ng-Password!", newPassword: NEW_PASSWORD }),
    ).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
    await updatePassword({ oldPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(
      (await passwordSignIn(s.sdk, clientId, "ampself", NEW_PASSWORD)).AuthenticationResult,
    ).toBeTruthy();

    const updated = await updateUserAttributes({
      userAttributes: { email: "ampself@new.example", nickname: "amp" },
    });
    expect(updated).toEqual({
      email: {
        isUpdated: false,
        nextStep: {
          updateAttributeStep: "CONFIRM_ATTRIBUTE_WITH_CODE",
          codeDeliveryDetails: { attributeName: "email", deliveryMedium: "EMAIL", destination: "a***@n***" },
        },
      },
      nickname: { isUpdated: true, nextStep: { updateAttributeStep: "DONE" } },
    });
    const code = (await latestMessage(s, "ampself", poolId)).code ?? "";
    await expect(
      confirmUserAttribute({ userAttributeKey: "email", confirmationCode: wrongCode(code) }),
    ).rejects.toMatchObject({ name: "CodeMismatchException" });
    await confirmUserAttribute({ userAttributeKey: "email", confirmationCode: code });
    expect(await fetchUserAttributes()).toMatchObject({
      email: "ampself@new.example",
      email_verified: "true",
      nickname: "amp",
    });
    await deleteUser();
    await expectError(
      s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "ampself" })),
      "UserNotFoundException",
    );
  });

  it("boto3: every refusal of the access-token operations", async () => {
    const pool = await makePool(
      s.sdk,
      { Schema: [{ Name: "imm", AttributeDataType: "String", Mutable: false }] },
      { ...FLOWS, WriteAttributes: ["name", "email", "custom:imm"] },
    );
    await confirmedUser(s, pool, "pyself", { email: "pyself@example.com", "custom:imm": "fixed" });
    const script = `
import json, sys, urllib.request, boto3
from botocore.exceptions import ClientError
url, client_id, pool_id, password, new_password = sys.argv[1:6]
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
def err(f, **kw):
    try:
        f(**kw)
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
def latest(name):
    return json.load(urllib.request.urlopen(url + "/_dev/messages/latest?username=" + name + "&userPoolId=" + pool_id))
tok = c.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "pyself", "PASSWORD": password})["AuthenticationResult"]["AccessToken"]
up = lambda attrs, t=None: err(c.update_user_attributes, AccessToken=t or tok, UserAttributes=[{"Name": k, "Value": v} for k, v in attrs])
out = {
  "bad_token": err(c.get_user_attribute_verification_code, AccessToken="abc.def.ghi", AttributeName="email"),
  "wrong_previous": err(c.change_password, AccessToken=tok, PreviousPassword="Wr0ng-Passw0rd!", ProposedPassword=new_password),
  "policy": err(c.change_password, AccessToken=tok, PreviousPassword=password, ProposedPassword="alllower1!"),
  "pattern": err(c.change_password, AccessToken=tok, PreviousPassword=password, ProposedPassword="has space1A!"),
  "unauthorized": up([("locale", "fr")]),
  "flag": up([("email_verified", "true")]),
  "immutable": up([("custom:imm", "other")]),
  "unknown": up([("custom:nothere", "x")]),
  "bad_email": up([("email", "nope")]),
  "not_verifiable": err(c.get_user_attribute_verification_code, AccessToken=tok, AttributeName="name"),
  "no_phone": err(c.get_user_attribute_verification_code, AccessToken=tok, AttributeName="phone_number"),
  "no_code": err(c.verify_user_attribute, AccessToken=tok, AttributeName="email", Code="123456"),
  "rm_unauthorized": err(c.delete_user_attributes, AccessToken=tok, UserAttributeNames=["locale"]),
  "rm_immutable": err(c.delete_user_attributes, AccessToken=tok, UserAttributeNames=["custom:imm"]),
}
r = c.update_user_attributes(AccessToken=tok, UserAttributes=[{"Name": "email", "Value": "pyself@new.example"}])
out["delivery"] = r["CodeDeliveryDetailsList"]
code = latest("pyself")["code"]
wrong = "111111" if code == "000000" else "000000"
out["mismatch"] = err(c.verify_user_attribute, AccessToken=tok, AttributeName="email", Code=wrong)
out["verified"] = err(c.verify_user_attribute, AccessToken=tok, AttributeName="email", Code=code)
out["reused"] = err(c.verify_user_attribute, AccessToken=tok, AttributeName="email", Code=code)
c.admin_reset_user_password(UserPoolId=pool_id, Username="pyself")
out["reset_required"] = err(c.get_user, AccessToken=tok)
out["reset_required_change"] = err(c.change_password, AccessToken=tok, PreviousPassword=password, ProposedPassword=new_password)
out["reset_required_delete"] = err(c.delete_user, AccessToken=tok)
c.admin_disable_user(UserPoolId=pool_id, Username="pyself")
out["disabled"] = err(c.update_user_attributes, AccessToken=tok, UserAttributes=[{"Name": "name", "Value": "x"}])
c.admin_delete_user(UserPoolId=pool_id, Username="pyself")
out["deleted"] = err(c.delete_user, AccessToken=tok)
print(json.dumps(out))
`;
    const { stdout } = await run(
      "python3",
      ["-c", script, s.url, pool.clientId, pool.poolId, PASSWORD, NEW_PASSWORD],
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
    const IP = "InvalidParameterException";
    const UNAUTHORIZED = [
      "NotAuthorizedException",
      "A client attempted to write unauthorized attribute",
      400,
    ];
    expect(JSON.parse(stdout)).toEqual({
      bad_token: ["NotAuthorizedException", "Invalid Access Token", 400],
      wrong_previous: ["NotAuthorizedException", "Incorrect username or password.", 400],
      policy: [
        "InvalidPasswordException",
        "Password does not conform to policy: Password must have uppercase characters",
        400,
      ],
      pattern: [
        IP,
        "1 validation error detected: Value at 'proposedPassword' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
        400,
      ],
      unauthorized: UNAUTHORIZED,
      flag: UNAUTHORIZED,
      immutable: [IP, "user.custom:imm: Attribute cannot be updated.\n", 400],
      unknown: [IP, "user.custom:nothere: Attribute does not exist in the schema.\n", 400],
      bad_email: [IP, "Invalid email address format.", 400],
      not_verifiable: [IP, "Invalid attribute name. Only phone_number and email can be verified.", 400],
      no_phone: [IP, "The user has no phone_number to verify.", 400],
      no_code: ["ExpiredCodeException", "Invalid code provided, please request a code again.", 400],
      rm_unauthorized: UNAUTHORIZED,
      rm_immutable: [IP, "Invalid user attributes: \nuser.custom:imm: Attribute cannot be updated.\n", 400],
      delivery: [{ Destination: "p***@n***", DeliveryMedium: "EMAIL", AttributeName: "email" }],
      mismatch: ["CodeMismatchException", "Invalid verification code provided, please try again.", 400],
      verified: null,
      reused: ["ExpiredCodeException", "Invalid code provided, please request a code again.", 400],
      reset_required: ["PasswordResetRequiredException", "Password reset required for the user", 400],
      reset_required_change: ["PasswordResetRequiredException", "Password reset required for the user", 400],
      reset_required_delete: ["PasswordResetRequiredException", "Password reset required for the user", 400],
      disabled: ["NotAuthorizedException", "Access Token has been revoked", 400],
      deleted: ["UserNotFoundException", "User does not exist.", 400],
    });
  });
});
