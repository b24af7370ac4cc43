// A user disabled while a request about them is under way: the request has read the user
// (enabled) and must read it again in its transaction, and answer as for a disabled user.
// The interleaving is forced, not hoped for: ResendConfirmationCode's CustomMessage function
// disables the user before it answers (test/fixtures/triggers/interleave.mjs), and
// ConfirmSignUp's transaction is preceded by an AdminDisableUser call through a wrapper
// around the running server's store.
import {
  AdminDisableUserCommand,
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreTx } from "../../src/ports/store/index.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:disable-user-first";

describe("a user disabled mid-request", () => {
  let s: TestServer;
  /** Runs once, just before the next store transaction starts. */
  let beforeNextTransaction: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    s = await startServer({
      configCacheSeconds: 0,
      triggers: {
        baseDir: process.cwd(),
        functions: { [ARN]: "module:test/fixtures/triggers/interleave.mjs#disableUserFirst" },
      },
    });
    const store = s.app.deps.store;
    const transaction = store.transaction.bind(store);
    store.transaction = async <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
      const hook = beforeNextTransaction;
      beforeNextTransaction = null;
      if (hook) await hook();
      return transaction(fn);
    };
  });
  afterAll(() => s.close());

  const signUp = (clientId: string, username: string) =>
    s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: `${username}@example.com` }],
      }),
    );
  const enabled = async (poolId: string, username: string) =>
    (await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }))).Enabled;

  it("ResendConfirmationCode answers User is disabled. and sends nothing", async () => {
    // Sign-up runs the function too, without the cue: it only answers.
    const { poolId, clientId } = await makePool(s.sdk, { LambdaConfig: { CustomMessage: ARN } });
    await signUp(clientId, "resend-race");
    const before = (await s.inbox.list({ userPoolId: poolId })).length;
    await expectError(
      s.sdk.send(
        new ResendConfirmationCodeCommand({
          ClientId: clientId,
          Username: "resend-race",
          ClientMetadata: { disableVia: s.url },
        }),
      ),
      "NotAuthorizedException",
      "User is disabled.",
    );
    expect(await enabled(poolId, "resend-race")).toBe(false);
    expect((await s.inbox.list({ userPoolId: poolId })).length).toBe(before);
  });

  it("ResendConfirmationCode with PreventUserExistenceErrors answers as for a disabled user", async () => {
    const { poolId, clientId } = await makePool(
      s.sdk,
      { LambdaConfig: { CustomMessage: ARN } },
      { PreventUserExistenceErrors: "ENABLED" },
    );
    await signUp(clientId, "hidden-race");
    const before = (await s.inbox.list({ userPoolId: poolId })).length;
    const raced = await s.sdk.send(
      new ResendConfirmationCodeCommand({
        ClientId: clientId,
        Username: "hidden-race",
        ClientMetadata: { disableVia: s.url },
      }),
    );
    // The simulated answer a disabled user gets (a deterministic destination), and no message.
    const disabled = await s.sdk.send(
      new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "hidden-race" }),
    );
    expect(raced.CodeDeliveryDetails).toEqual(disabled.CodeDeliveryDetails);
    expect((await s.inbox.list({ userPoolId: poolId })).length).toBe(before);
  });

  it("ConfirmSignUp refuses the user and leaves it unconfirmed", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "confirm-race");
    const code = await s.inbox.code("confirm-race", poolId);
    beforeNextTransaction = async () => {
      await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "confirm-race" }));
    };
    await expectError(
      s.sdk.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: "confirm-race", ConfirmationCode: code }),
      ),
      "NotAuthorizedException",
      "User is disabled.",
    );
    expect(beforeNextTransaction).toBeNull();
    const user = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "confirm-race" }));
    expect([user.Enabled, user.UserStatus]).toEqual([false, "UNCONFIRMED"]);
  });

  it("ConfirmSignUp with PreventUserExistenceErrors answers a wrong code, and confirms nobody", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {}, { PreventUserExistenceErrors: "ENABLED" });
    await signUp(clientId, "hidden-confirm");
    const code = await s.inbox.code("hidden-confirm", poolId);
    beforeNextTransaction = async () => {
      await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "hidden-confirm" }));
    };
    await expectError(
      s.sdk.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: "hidden-confirm", ConfirmationCode: code }),
      ),
      "CodeMismatchException",
      "Invalid verification code provided, please try again.",
    );
    const user = await s.sdk.send(
      new AdminGetUserCommand({ UserPoolId: poolId, Username: "hidden-confirm" }),
    );
    expect([user.Enabled, user.UserStatus]).toEqual([false, "UNCONFIRMED"]);
  });
});
