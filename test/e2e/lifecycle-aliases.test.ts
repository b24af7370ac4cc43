// Sign-in aliases that another user holds (AliasAttributes pools). A verified email or phone
// number moves to the user who confirms with ForceAliasCreation (or is auto-confirmed by
// PreSignUp); a preferred_username never moves: taking it is refused, however it is asked for.
import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  SignUpCommand,
  type SignUpCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const PRE_SIGN_UP = "arn:aws:lambda:us-east-1:123456789012:function:pre-signup";

describe("aliases held by another user", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({
      configCacheSeconds: 0,
      triggers: {
        baseDir: process.cwd(),
        functions: { [PRE_SIGN_UP]: "module:test/fixtures/triggers/handlers.mjs#preSignUp" },
      },
    });
  });
  afterAll(() => s.close());

  /** A pool where email and preferred_username are aliases, and "bob" holds both. */
  async function poolWithBob() {
    const made = await makePool(s.sdk, {
      AliasAttributes: ["email", "preferred_username"],
      LambdaConfig: { PreSignUp: PRE_SIGN_UP },
    });
    await signUp(made.clientId, "bob", { email: "bob@example.com", preferred_username: "bobby" });
    await s.sdk.send(
      new ConfirmSignUpCommand({
        ClientId: made.clientId,
        Username: "bob",
        ConfirmationCode: await s.inbox.code("bob", made.poolId),
      }),
    );
    expect(await holder(made.poolId, "bobby")).toBe("bob");
    expect(await holder(made.poolId, "bob@example.com")).toBe("bob");
    return made;
  }

  function signUp(
    clientId: string,
    username: string,
    attrs: Record<string, string>,
    extra: Partial<SignUpCommandInput> = {},
  ) {
    return s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })),
        ...extra,
      }),
    );
  }
  const user = (poolId: string, name: string) =>
    s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: name }));
  const holder = async (poolId: string, name: string) => (await user(poolId, name)).Username;

  it("ConfirmSignUp with ForceAliasCreation does not take another user's preferred_username", async () => {
    const { poolId, clientId } = await poolWithBob();
    await signUp(clientId, "newcomer", { email: "new@example.com", preferred_username: "bobby" });
    const code = await s.inbox.code("newcomer", poolId);
    for (const force of [false, true]) {
      await expectError(
        s.sdk.send(
          new ConfirmSignUpCommand({
            ClientId: clientId,
            Username: "newcomer",
            ConfirmationCode: code,
            ForceAliasCreation: force,
          }),
        ),
        "AliasExistsException",
        "An account with the preferred_username already exists.",
      );
    }
    expect(await holder(poolId, "bobby")).toBe("bob");
    expect((await user(poolId, "newcomer")).UserStatus).toBe("UNCONFIRMED");
  });

  it("a PreSignUp auto-confirmation does not take another user's preferred_username", async () => {
    const { poolId, clientId } = await poolWithBob();
    await expectError(
      signUp(
        clientId,
        "auto",
        { email: "auto@example.com", preferred_username: "bobby" },
        { ValidationData: [{ Name: "autoConfirm", Value: "yes" }] },
      ),
      "UsernameExistsException",
      "An account with the given preferred_username already exists.",
    );
    expect(await holder(poolId, "bobby")).toBe("bob");
    await expectError(user(poolId, "auto"), "UserNotFoundException");
  });

  it("a PreSignUp auto-confirmation still moves a verified email alias", async () => {
    const { poolId, clientId } = await poolWithBob();
    const r = await signUp(
      clientId,
      "mover",
      { email: "bob@example.com", preferred_username: "mover" },
      { ValidationData: [{ Name: "autoConfirm", Value: "yes" }], ClientMetadata: { autoVerify: "email" } },
    );
    expect(r.UserConfirmed).toBe(true);
    expect(await holder(poolId, "bob@example.com")).toBe("mover");
    expect(await holder(poolId, "bobby")).toBe("bob");
    expect((await user(poolId, "bob")).UserAttributes).toContainEqual({
      Name: "email_verified",
      Value: "false",
    });
  });

  it("AdminConfirmSignUp does not take another user's preferred_username", async () => {
    const { poolId, clientId } = await poolWithBob();
    await signUp(clientId, "admin-made", { email: "am@example.com", preferred_username: "bobby" });
    await expectError(
      s.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "admin-made" })),
      "InvalidParameterException",
      "An account with the given preferred_username already exists.",
    );
    expect(await holder(poolId, "bobby")).toBe("bob");
    expect((await user(poolId, "admin-made")).UserStatus).toBe("UNCONFIRMED");
  });
});
