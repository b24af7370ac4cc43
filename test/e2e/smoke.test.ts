import {
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

describe("sign-up → resend → confirm through the AWS SDK", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it("confirms with the resent code and not with the first one", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    const up = await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "alice",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "alice@example.com" }],
      }),
    );
    expect(up.UserConfirmed).toBe(false);
    expect(up.CodeDeliveryDetails).toEqual({
      AttributeName: "email",
      DeliveryMedium: "EMAIL",
      Destination: "a***@e***",
    });
    const first = await s.inbox.code("alice", poolId);
    const resent = await s.sdk.send(
      new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "alice" }),
    );
    expect(resent.CodeDeliveryDetails?.Destination).toBe("a***@e***");
    const second = await s.inbox.code("alice", poolId);
    await expect(
      s.sdk.send(
        new ConfirmSignUpCommand({
          ClientId: clientId,
          Username: "alice",
          ConfirmationCode: first === second ? "000000" : first,
        }),
      ),
    ).rejects.toMatchObject({ name: first === second ? "CodeMismatchException" : "ExpiredCodeException" });
    await s.sdk.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: "alice", ConfirmationCode: second }),
    );
    const user = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "alice" }));
    expect(user.UserStatus).toBe("CONFIRMED");
    expect(user.UserAttributes).toContainEqual({ Name: "email_verified", Value: "true" });
  });
});
