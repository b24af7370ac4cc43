// MFA through the browser clients (docs/mfa.md): amazon-cognito-identity-js's authenticateUser
// callbacks mfaRequired (SMS_MFA), selectMFAType, totpRequired and mfaSetup with
// associateSoftwareToken / verifySoftwareToken; Amplify v6 signIn → confirmSignIn for email,
// SMS and TOTP codes, the TOTP set-up step of an MFA-required pool, and setUpTOTP /
// verifyTOTPSetup / updateMFAPreference when signed in. SMS and email codes come from the dev
// inbox; TOTP codes are computed here from the secret, at the server's clock.
import {
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import { Amplify } from "aws-amplify";
import {
  confirmSignIn,
  fetchMFAPreference,
  setUpTOTP,
  signIn,
  signOut,
  updateMFAPreference,
  verifyTOTPSetup,
} from "aws-amplify/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, makeClient, passwordSignIn } from "../helpers/signin.js";
import { totpCode } from "../helpers/totp.js";

const SMS_CONFIG = { SnsCallerArn: "arn:aws:iam::123456789012:role/cognito-sms", ExternalId: "ext-1" };

describe("MFA with identity-js and Amplify v6", () => {
  let s: TestServer;
  // OPTIONAL, with every factor; and ON with software tokens only.
  let optional: { poolId: string; clientId: string };
  let required: { poolId: string; clientId: string };
  const clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);

  async function pool(mode: "ON" | "OPTIONAL") {
    const { poolId } = await makePool(s.sdk, { SmsConfiguration: SMS_CONFIG });
    const { clientId } = await makeClient(s.sdk, poolId);
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: mode,
        SoftwareTokenMfaConfiguration: { Enabled: true },
        ...(mode === "OPTIONAL"
          ? { SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG }, EmailMfaConfiguration: {} }
          : {}),
      }),
    );
    return { poolId, clientId };
  }

  /** A user of the OPTIONAL pool with these factors on (TOTP set up through the SDK). */
  async function userWith(username: string, factors: { sms?: boolean; email?: boolean; totp?: boolean }) {
    const { poolId, clientId } = optional;
    await confirmedUser(s.sdk, {
      poolId,
      clientId,
      username,
      attributes: { email: `${username}@example.com`, phone_number: "+14155550142" },
    });
    let secret = "";
    if (factors.totp) {
      const r = await passwordSignIn(s.sdk, clientId, username);
      const AccessToken = r.AuthenticationResult?.AccessToken ?? "";
      secret = (await s.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }))).SecretCode ?? "";
      await s.sdk.send(
        new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(secret, clock.now()) }),
      );
      clock.advance(30_000);
    }
    await s.sdk.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: username,
        SMSMfaSettings: { Enabled: factors.sms === true },
        EmailMfaSettings: { Enabled: factors.email === true },
        SoftwareTokenMfaSettings: { Enabled: factors.totp === true },
      }),
    );
    return secret;
  }

  function identityUser(p: { poolId: string; clientId: string }, username: string) {
    const userPool = new CognitoUserPool({ UserPoolId: p.poolId, ClientId: p.clientId, endpoint: s.url });
    return {
      user: new CognitoUser({ Username: username, Pool: userPool }),
      details: new AuthenticationDetails({ Username: username, Password: PASSWORD }),
    };
  }

  function useAmplify(p: { poolId: string; clientId: string }) {
    Amplify.configure({
      Auth: { Cognito: { userPoolId: p.poolId, userPoolClientId: p.clientId, userPoolEndpoint: s.url } },
    });
  }

  beforeAll(async () => {
    s = await startServer({}, { clock });
    optional = await pool("OPTIONAL");
    required = await pool("ON");
  });
  afterAll(async () => {
    await signOut().catch(() => undefined);
    await s?.close();
  });

  it("identity-js: authenticateUser → mfaRequired (SMS_MFA) → sendMFACode with the code from the inbox", async () => {
    await userWith("ida", { sms: true });
    const { user, details } = identityUser(optional, "ida");
    let params: Record<string, string> = {};
    const session = await new Promise<CognitoUserSession>((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        mfaRequired: (_name: string, p: Record<string, string>) => {
          params = p;
          void s.inbox.code("ida", optional.poolId).then((code) => user.sendMFACode(code, callbacks));
        },
      };
      user.authenticateUser(details, callbacks);
    });
    expect(params).toEqual({
      CODE_DELIVERY_DELIVERY_MEDIUM: "SMS",
      CODE_DELIVERY_DESTINATION: "+*******0142",
    });
    expect(session.isValid()).toBe(true);
  });

  it("identity-js: selectMFAType → sendMFASelectionAnswer(SOFTWARE_TOKEN_MFA) → totpRequired → sendMFACode", async () => {
    const secret = await userWith("ivy", { sms: true, totp: true });
    const { user, details } = identityUser(optional, "ivy");
    let choices = "";
    let asked = "";
    const session = await new Promise<CognitoUserSession>((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        selectMFAType: (_name: string, p: Record<string, string>) => {
          choices = p.MFAS_CAN_CHOOSE ?? "";
          user.sendMFASelectionAnswer("SOFTWARE_TOKEN_MFA", callbacks);
        },
        mfaRequired: () => reject(new Error("SMS asked after choosing TOTP")),
        totpRequired: (name: string) => {
          asked = name;
          user.sendMFACode(totpCode(secret, clock.now()), callbacks, "SOFTWARE_TOKEN_MFA");
        },
      };
      user.authenticateUser(details, callbacks);
    });
    expect(JSON.parse(choices)).toEqual(["SMS_MFA", "SOFTWARE_TOKEN_MFA"]);
    expect(asked).toBe("SOFTWARE_TOKEN_MFA");
    expect(session.getIdToken().decodePayload()["cognito:username"]).toBe("ivy");
    clock.advance(30_000);
  });

  it("identity-js: mfaSetup → associateSoftwareToken → verifySoftwareToken (pool MFA ON)", async () => {
    await confirmedUser(s.sdk, { ...required, username: "ike" });
    const { user, details } = identityUser(required, "ike");
    let setup = "";
    const session = await new Promise<CognitoUserSession>((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        mfaSetup: (_name: string, p: Record<string, string>) => {
          setup = p.MFAS_CAN_SETUP ?? "";
          user.associateSoftwareToken({
            associateSecretCode: (secret: string) =>
              user.verifySoftwareToken(totpCode(secret, clock.now()), "my phone", callbacks),
            onFailure: reject,
          });
        },
      };
      user.authenticateUser(details, callbacks);
    });
    // The pool has an SmsConfiguration: SMS_MFA is listed too, though a user with no phone
    // number cannot set it up within the sign-in (identity-js and Amplify pick the token).
    expect(JSON.parse(setup)).toEqual(["SMS_MFA", "SOFTWARE_TOKEN_MFA"]);
    expect(session.isValid()).toBe(true);
    clock.advance(30_000);
  });

  it("Amplify: signIn → CONFIRM_SIGN_IN_WITH_EMAIL_CODE and _SMS_CODE → confirmSignIn", async () => {
    useAmplify(optional);
    await userWith("amy", { email: true });
    const r = await signIn({ username: "amy", password: PASSWORD });
    expect(r.nextStep).toEqual({
      signInStep: "CONFIRM_SIGN_IN_WITH_EMAIL_CODE",
      codeDeliveryDetails: { deliveryMedium: "EMAIL", destination: "a***@e***" },
    });
    const done = await confirmSignIn({ challengeResponse: await s.inbox.code("amy", optional.poolId) });
    expect(done).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    await signOut();

    await userWith("sid", { sms: true });
    const sms = await signIn({ username: "sid", password: PASSWORD });
    expect(sms.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_SMS_CODE");
    const ok = await confirmSignIn({ challengeResponse: await s.inbox.code("sid", optional.poolId) });
    expect(ok.isSignedIn).toBe(true);
    await signOut();
  });

  it("Amplify: CONTINUE_SIGN_IN_WITH_MFA_SELECTION → confirmSignIn(EMAIL) → the email code → DONE", async () => {
    useAmplify(optional);
    await userWith("max", { sms: true, email: true });
    const r = await signIn({ username: "max", password: PASSWORD });
    expect(r.nextStep).toEqual({
      signInStep: "CONTINUE_SIGN_IN_WITH_MFA_SELECTION",
      allowedMFATypes: ["SMS", "EMAIL"],
    });
    const chosen = await confirmSignIn({ challengeResponse: "EMAIL" });
    expect(chosen.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
    const m = await s.inbox.latest({ username: "max" });
    expect(m?.medium).toBe("EMAIL");
    const done = await confirmSignIn({ challengeResponse: m?.code ?? "" });
    expect(done.isSignedIn).toBe(true);
    await signOut();
  });

  it("Amplify: setUpTOTP → verifyTOTPSetup → updateMFAPreference, then CONFIRM_SIGN_IN_WITH_TOTP_CODE", async () => {
    useAmplify(optional);
    await userWith("tia", {});
    expect((await signIn({ username: "tia", password: PASSWORD })).isSignedIn).toBe(true);
    const details = await setUpTOTP();
    const secret = details.sharedSecret;
    await verifyTOTPSetup({ code: totpCode(secret, clock.now()) });
    await updateMFAPreference({ totp: "PREFERRED" });
    expect(await fetchMFAPreference()).toEqual({ enabled: ["TOTP"], preferred: "TOTP" });
    await signOut();
    clock.advance(30_000);
    const r = await signIn({ username: "tia", password: PASSWORD });
    expect(r.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_TOTP_CODE");
    const done = await confirmSignIn({ challengeResponse: totpCode(secret, clock.now()) });
    expect(done.isSignedIn).toBe(true);
    await signOut();
    clock.advance(30_000);
  });

  it("Amplify: MFA ON → CONTINUE_SIGN_IN_WITH_TOTP_SETUP → confirmSignIn with a code of the shared secret", async () => {
    useAmplify(required);
    await confirmedUser(s.sdk, { ...required, username: "ann" });
    const r = await signIn({ username: "ann", password: PASSWORD });
    expect(r.nextStep.signInStep).toBe("CONTINUE_SIGN_IN_WITH_TOTP_SETUP");
    if (r.nextStep.signInStep !== "CONTINUE_SIGN_IN_WITH_TOTP_SETUP") throw new Error("unreachable");
    const secret = r.nextStep.totpSetupDetails.sharedSecret;
    expect(r.nextStep.totpSetupDetails.getSetupUri("Cognate").href).toContain(secret);
    const done = await confirmSignIn({ challengeResponse: totpCode(secret, clock.now()) });
    expect(done).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    await signOut();
    clock.advance(30_000);
    const again = await signIn({ username: "ann", password: PASSWORD });
    expect(again.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_TOTP_CODE");
  });

  it("Amplify: MFA ON with email → MFA_SETUP_SELECTION → EMAIL → an address → its code → DONE", async () => {
    const { poolId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    const { clientId } = await makeClient(s.sdk, poolId);
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: "ON",
        SoftwareTokenMfaConfiguration: { Enabled: true },
        EmailMfaConfiguration: {},
      }),
    );
    useAmplify({ poolId, clientId });
    await confirmedUser(s.sdk, { poolId, clientId, username: "eve", attributes: {} });
    const r = await signIn({ username: "eve", password: PASSWORD });
    expect(r.nextStep).toEqual({
      signInStep: "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION",
      allowedMFATypes: ["TOTP", "EMAIL"],
    });
    const email = await confirmSignIn({ challengeResponse: "EMAIL" });
    expect(email.nextStep.signInStep).toBe("CONTINUE_SIGN_IN_WITH_EMAIL_SETUP");
    const sent = await confirmSignIn({ challengeResponse: "eve@example.org" });
    expect(sent.nextStep).toEqual({
      signInStep: "CONFIRM_SIGN_IN_WITH_EMAIL_CODE",
      codeDeliveryDetails: { deliveryMedium: "EMAIL", destination: "e***@e***" },
    });
    const m = await s.inbox.latest({ username: "eve" });
    expect(m?.destination).toBe("eve@example.org");
    const done = await confirmSignIn({ challengeResponse: m?.code ?? "" });
    expect(done).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    expect(await fetchMFAPreference()).toEqual({ enabled: ["EMAIL"], preferred: "EMAIL" });
    await signOut();
  });
});
