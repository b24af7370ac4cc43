// Remembered devices through Amplify v6 (aws-amplify 6.22.1; docs/devices.md): its signIn
// confirms the new device itself (ConfirmDevice), rememberDevice / fetchDevices, a TOTP user's
// next signIn done without a code through device SRP, a forced refresh carrying the device key
// (GetTokensFromRefreshToken), and forgetDevice bringing the TOTP step back.
import { SetUserPoolMfaConfigCommand } from "@aws-sdk/client-cognito-identity-provider";
import { Amplify } from "aws-amplify";
import {
  confirmSignIn,
  fetchAuthSession,
  fetchDevices,
  forgetDevice,
  rememberDevice,
  signIn,
  signOut,
} from "aws-amplify/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { enableTotp, totpCode } from "../helpers/devices.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, makeClient } from "../helpers/signin.js";

describe("remembered devices: Amplify v6", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  const clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);

  beforeAll(async () => {
    // Amplify names the device from `navigator`, which a browser has and Node 20 lacks: without
    // it Amplify skips ConfirmDevice silently. A browser's user agent stands in.
    if (!("navigator" in globalThis)) {
      Object.defineProperty(globalThis, "navigator", {
        value: { userAgent: "Mozilla/5.0 (X11; Linux x86_64) cognate-test" },
        configurable: true,
      });
    }
    s = await startServer({}, { clock });
    ({ poolId } = await makePool(s.sdk, {
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    }));
    ({ clientId } = await makeClient(s.sdk, poolId));
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: "OPTIONAL",
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    Amplify.configure({
      Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: s.url } },
    });
  });
  afterAll(async () => {
    await signOut().catch(() => undefined);
    await s?.close();
  });

  it("signIn confirms the device; rememberDevice; the next signIn skips TOTP; forgetDevice brings it back", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "pia" });
    expect(await signIn({ username: "pia", password: PASSWORD })).toMatchObject({ isSignedIn: true });
    const first = await fetchAuthSession();
    const deviceKey = first.tokens?.accessToken.payload.device_key;
    expect(deviceKey).toMatch(/^us-east-1_/);
    clock.advance(30_000);
    const secret = await enableTotp(s.sdk, first.tokens?.accessToken.toString() ?? "", clock.now());

    await rememberDevice();
    const devices = await fetchDevices();
    expect(devices.map((d) => d.id)).toEqual([deviceKey]);
    await signOut();

    // Remembered: signed in without a TOTP code.
    expect(await signIn({ username: "pia", password: PASSWORD })).toEqual({
      isSignedIn: true,
      nextStep: { signInStep: "DONE" },
    });
    const second = await fetchAuthSession();
    expect(second.tokens?.accessToken.payload.device_key).toBe(deviceKey);
    const refreshed = await fetchAuthSession({ forceRefresh: true });
    expect(refreshed.tokens?.accessToken.payload.device_key).toBe(deviceKey);
    expect(refreshed.tokens?.accessToken.toString()).not.toBe(second.tokens?.accessToken.toString());

    await forgetDevice();
    expect(await fetchDevices()).toEqual([]);
    await signOut();
    const asked = await signIn({ username: "pia", password: PASSWORD });
    expect(asked.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_TOTP_CODE");
    clock.advance(30_000);
    expect(await confirmSignIn({ challengeResponse: totpCode(secret, clock.now()) })).toMatchObject({
      isSignedIn: true,
    });
    // A device of its own again.
    const third = await fetchAuthSession();
    expect(third.tokens?.accessToken.payload.device_key).toMatch(/^us-east-1_/);
    expect(third.tokens?.accessToken.payload.device_key).not.toBe(deviceKey);
  });
});
