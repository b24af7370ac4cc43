// Amplify v6's sign-up with automatic sign-in, the pattern most Amplify apps use:
// signUp({ options: { autoSignIn: true } }) → nextStep CONFIRM_SIGN_UP → confirmSignUp with the
// code from the dev inbox → nextStep COMPLETE_AUTO_SIGN_IN → autoSignIn() → signed in, with the
// tokens of the new user. Amplify's default auto sign-in is its SRP sign-in with the password
// given to signUp (node_modules/@aws-amplify/auth, providers/cognito/utils/signUpHelpers).
import { Amplify } from "aws-amplify";
import {
  autoSignIn,
  confirmSignUp,
  fetchAuthSession,
  getCurrentUser,
  signOut,
  signUp,
} from "aws-amplify/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { makeClient } from "../helpers/signin.js";

describe("Amplify v6 signUp with autoSignIn", () => {
  let s: TestServer;
  let poolId: string;

  beforeAll(async () => {
    s = await startServer();
    ({ poolId } = await makePool(s.sdk));
    const { clientId } = await makeClient(s.sdk, poolId);
    Amplify.configure({
      Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: s.url } },
    });
  });
  afterAll(async () => {
    await signOut().catch(() => undefined);
    await s?.close();
  });

  it("signUp → confirmSignUp with the emailed code → autoSignIn → signed in as the new user", async () => {
    const up = await signUp({
      username: "ava",
      password: PASSWORD,
      options: { userAttributes: { email: "ava@example.com" }, autoSignIn: true },
    });
    expect(up.isSignUpComplete).toBe(false);
    expect(up.nextStep).toMatchObject({
      signUpStep: "CONFIRM_SIGN_UP",
      codeDeliveryDetails: { deliveryMedium: "EMAIL", destination: "a***@e***", attributeName: "email" },
    });
    const confirmed = await confirmSignUp({
      username: "ava",
      confirmationCode: await s.inbox.code("ava", poolId),
    });
    expect(confirmed).toEqual({ isSignUpComplete: true, nextStep: { signUpStep: "COMPLETE_AUTO_SIGN_IN" } });
    const signedIn = await autoSignIn();
    expect(signedIn).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    expect((await getCurrentUser()).username).toBe("ava");
    const session = await fetchAuthSession();
    expect(session.tokens?.idToken?.payload.email).toBe("ava@example.com");
    expect(session.tokens?.idToken?.payload.email_verified).toBe(true);
    expect(session.tokens?.accessToken.payload.username).toBe("ava");
  });
});
