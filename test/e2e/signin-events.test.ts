// The ChallengeResponses of a sign-in's auth events (docs/signin.md, "Auth events"): "the
// challenges that the user was requested to answer, for example Password, and the result"
// (AuthEventType, API reference). A password or SRP sign-in records [Password: Success] with
// its Pass, a wrong password or proof [Password: Failure] with its Fail; a refusal before the
// password is judged (not confirmed) records no step. Read back through the AWS SDK v3 and boto3.
import { AdminListUserAuthEventsCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { runPython } from "../helpers/python.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { adminSignIn, confirmedUser, makeClient, passwordSignIn } from "../helpers/signin.js";
import { srpSignIn } from "../helpers/srp.js";

const WRONG = "Wr0ng-Horse-Battery!";

describe("sign-in auth events: ChallengeResponses", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    s = await startServer();
    ({ poolId } = await makePool(s.sdk, { UserPoolAddOns: { AdvancedSecurityMode: "AUDIT" } }));
    ({ clientId } = await makeClient(s.sdk, poolId));
  });
  afterAll(() => s?.close());

  /** Oldest first: "Pass Password:Success", … */
  async function steps(username: string): Promise<string[]> {
    const r = await s.sdk.send(
      new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: username }),
    );
    return (r.AuthEvents ?? [])
      .filter((e) => e.EventType === "SignIn")
      .reverse()
      .map((e) =>
        `${e.EventResponse} ${(e.ChallengeResponses ?? []).map((c) => `${c.ChallengeName}:${c.ChallengeResponse}`).join(",")}`.trim(),
      );
  }

  it("password flows: a wrong password is Password:Failure, the right one Password:Success", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "pia" });
    await expectError(passwordSignIn(s.sdk, clientId, "pia", WRONG), "NotAuthorizedException");
    await passwordSignIn(s.sdk, clientId, "pia");
    await adminSignIn(s.sdk, poolId, clientId, "pia");
    expect(await steps("pia")).toEqual([
      "Fail Password:Failure",
      "Pass Password:Success",
      "Pass Password:Success",
    ]);
  });

  it("USER_SRP_AUTH: a wrong proof is Password:Failure, the right one Password:Success", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "sam" });
    await expectError(
      srpSignIn({ sdk: s.sdk, poolId, clientId }, "sam", { password: WRONG }),
      "NotAuthorizedException",
    );
    await srpSignIn({ sdk: s.sdk, poolId, clientId }, "sam");
    expect(await steps("sam")).toEqual(["Fail Password:Failure", "Pass Password:Success"]);
  });

  it("a refusal before the password is judged records no step; boto3 reads the same events", async () => {
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "una",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "una@example.com" }],
      }),
    );
    await expectError(passwordSignIn(s.sdk, clientId, "una"), "UserNotConfirmedException");
    expect(await steps("una")).toEqual(["Fail"]);

    const out = await runPython(
      `
import boto3, json, sys
c = boto3.client("cognito-idp", endpoint_url=sys.argv[1], region_name="us-east-1")
r = c.admin_list_user_auth_events(UserPoolId=sys.argv[2], Username="pia")
print(json.dumps({"events": [[e["EventResponse"], e.get("ChallengeResponses", [])] for e in r["AuthEvents"]
                              if e["EventType"] == "SignIn"]}))
`,
      [s.url, poolId],
    );
    expect(out.events).toEqual([
      ["Pass", [{ ChallengeName: "Password", ChallengeResponse: "Success" }]],
      ["Pass", [{ ChallengeName: "Password", ChallengeResponse: "Success" }]],
      ["Fail", [{ ChallengeName: "Password", ChallengeResponse: "Failure" }]],
    ]);
  });
});
