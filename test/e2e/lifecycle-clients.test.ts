// The whole sign-up → resend → confirm flow through other real clients:
// amazon-cognito-identity-js, boto3 and the aws CLI. Codes come from the dev inbox API.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import {
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  type ISignUpResult,
} from "amazon-cognito-identity-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const run = promisify(execFile);

/** A clean environment for python/aws: nothing from the machine's AWS setup leaks in. */
function awsEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    AWS_ACCESS_KEY_ID: "AKIDTESTCOGNATE",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
  };
}

describe("other clients", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it("amazon-cognito-identity-js: signUp, resendConfirmationCode, confirmRegistration", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });
    const signed = await new Promise<ISignUpResult>((resolve, reject) =>
      pool.signUp(
        "jsuser",
        PASSWORD,
        [new CognitoUserAttribute({ Name: "email", Value: "js@example.com" })],
        [],
        (err, result) => (err || !result ? reject(err) : resolve(result)),
        { from: "identity-js" },
      ),
    );
    expect(signed.userConfirmed).toBe(false);
    expect(signed.codeDeliveryDetails.Destination).toBe("j***@e***");
    const user = new CognitoUser({ Username: "jsuser", Pool: pool });
    const resent = await new Promise<{ CodeDeliveryDetails: { Destination: string } }>((resolve, reject) =>
      user.resendConfirmationCode((err, result) => (err ? reject(err) : resolve(result)), { k: "v" }),
    );
    expect(resent.CodeDeliveryDetails.Destination).toBe("j***@e***");
    const code = await s.inbox.code("jsuser", poolId);
    // A wrong code surfaces with Cognito's error name.
    const wrong = await new Promise<{ code?: string; name?: string }>((resolve) =>
      user.confirmRegistration(code === "000000" ? "111111" : "000000", false, (err) => resolve(err ?? {})),
    );
    expect(wrong.code).toBe("CodeMismatchException");
    expect(wrong.name).toBe("CodeMismatchException");
    await new Promise<void>((resolve, reject) =>
      user.confirmRegistration(code, true, (err) => (err ? reject(err) : resolve())),
    );
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "jsuser" }));
    expect(u.UserStatus).toBe("CONFIRMED");
  });

  it("boto3: sign_up, resend_confirmation_code, confirm_sign_up, with error codes", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    const script = `
import json, sys, urllib.request, boto3
from botocore.exceptions import ClientError
url, client_id, pool_id = sys.argv[1], sys.argv[2], sys.argv[3]
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
out = {}
r = c.sign_up(ClientId=client_id, Username="pyuser", Password=${JSON.stringify(PASSWORD)},
              UserAttributes=[{"Name": "email", "Value": "py@example.com"}])
out["signup"] = {"confirmed": r["UserConfirmed"], "dest": r["CodeDeliveryDetails"]["Destination"]}
r = c.resend_confirmation_code(ClientId=client_id, Username="pyuser")
out["resend"] = r["CodeDeliveryDetails"]
latest = json.load(urllib.request.urlopen(url + "/_dev/messages/latest?username=pyuser&userPoolId=" + pool_id))
try:
    c.resend_confirmation_code(ClientId=client_id, Username="nobody")
except ClientError as e:
    out["unknown"] = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
c.confirm_sign_up(ClientId=client_id, Username="pyuser", ConfirmationCode=latest["code"])
try:
    c.confirm_sign_up(ClientId=client_id, Username="pyuser", ConfirmationCode=latest["code"])
except ClientError as e:
    out["again"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url, clientId, poolId], { env: awsEnv() });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.signup).toEqual({ confirmed: false, dest: "p***@e***" });
    expect(out.resend).toEqual({
      Destination: "p***@e***",
      DeliveryMedium: "EMAIL",
      AttributeName: "email",
    });
    expect(out.unknown).toEqual(["UserNotFoundException", "Username/client id combination not found.", 400]);
    expect(out.again).toEqual([
      "NotAuthorizedException",
      "User cannot be confirmed. Current status is CONFIRMED",
    ]);
  });

  it("aws CLI: sign-up, resend-confirmation-code, confirm-sign-up", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    const cli = (...args: string[]) =>
      run("aws", ["cognito-idp", ...args, "--endpoint-url", s.url, "--output", "json"], { env: awsEnv() });
    const up = JSON.parse(
      (
        await cli(
          "sign-up",
          "--client-id",
          clientId,
          "--username",
          "cliuser",
          "--password",
          PASSWORD,
          "--user-attributes",
          "Name=email,Value=cli@example.com",
        )
      ).stdout,
    );
    expect(up.UserConfirmed).toBe(false);
    const resent = JSON.parse(
      (await cli("resend-confirmation-code", "--client-id", clientId, "--username", "cliuser")).stdout,
    );
    expect(resent.CodeDeliveryDetails.Destination).toBe("c***@e***");
    const code = await s.inbox.code("cliuser", poolId);
    const bad = await cli(
      "confirm-sign-up",
      "--client-id",
      clientId,
      "--username",
      "cliuser",
      "--confirmation-code",
      code === "000000" ? "111111" : "000000",
    ).catch((e: { stderr: string; code: number }) => e);
    expect((bad as { stderr: string }).stderr).toContain(
      "An error occurred (CodeMismatchException) when calling the ConfirmSignUp operation: Invalid verification code provided, please try again.",
    );
    await cli(
      "confirm-sign-up",
      "--client-id",
      clientId,
      "--username",
      "cliuser",
      "--confirmation-code",
      code,
    );
    const got = JSON.parse(
      (await cli("admin-get-user", "--user-pool-id", poolId, "--username", "cliuser")).stdout,
    );
    expect(got.UserStatus).toBe("CONFIRMED");
    // Five aws CLI processes (Python start-up each): seconds on a quiet machine, far more on
    // a loaded CI runner, so this test gets more than the suite's default timeout.
  }, 120_000);
});
