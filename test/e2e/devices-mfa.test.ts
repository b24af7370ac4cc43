// A remembered device and email MFA (docs/devices.md, docs/mfa.md): the EMAIL_OTP sign-in that
// ends on a new device hands out its key; once confirmed (remembered at once here), the next
// sign-in with DEVICE_KEY goes through DEVICE_SRP_AUTH and no code is sent; not remembered, the
// code is asked again and the tokens after it are bound to the device.
import {
  AdminSetUserMFAPreferenceCommand,
  ConfirmDeviceCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  UpdateDeviceStatusCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cryptoRandom } from "../../src/domain/ids.js";
import { createDeviceVerifier } from "../../src/domain/srp/verifier.js";
import { ManualClock } from "../../src/ports/clock.js";
import { answerDeviceSrp } from "../helpers/devices.js";
import { makePool } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, decodeJwt, makeClient, passwordSignIn } from "../helpers/signin.js";

describe("remembered devices: email MFA", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    s = await startServer({}, { clock });
    ({ poolId } = await makePool(s.sdk, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true } }));
    ({ clientId } = await makeClient(s.sdk, poolId));
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: "OPTIONAL",
        EmailMfaConfiguration: { Subject: "Sign-in code", Message: "Use {####} to sign in." },
      }),
    );
  });
  afterAll(() => s?.close());

  const answerCode = async (session: string | undefined) =>
    s.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: "EMAIL_OTP",
        Session: session,
        ChallengeResponses: { USERNAME: "rosa", EMAIL_OTP_CODE: await s.inbox.code("rosa", poolId) },
      }),
    );

  it("EMAIL_OTP → new device → remembered: DEVICE_SRP_AUTH, no code; not remembered: the code again", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "rosa" });
    await s.sdk.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: "rosa",
        EmailMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const first = await passwordSignIn(s.sdk, clientId, "rosa");
    expect(first.ChallengeName).toBe("EMAIL_OTP");
    const done = await answerCode(first.Session);
    const meta = done.AuthenticationResult?.NewDeviceMetadata;
    const AccessToken = done.AuthenticationResult?.AccessToken ?? "";
    if (!meta?.DeviceKey || meta.DeviceGroupKey === undefined) throw new Error("no NewDeviceMetadata");
    const v = createDeviceVerifier(cryptoRandom, meta.DeviceGroupKey, meta.DeviceKey);
    await s.sdk.send(
      new ConfirmDeviceCommand({
        AccessToken,
        DeviceKey: meta.DeviceKey,
        DeviceSecretVerifierConfig: v.config,
      }),
    );
    const device = { key: meta.DeviceKey, group: meta.DeviceGroupKey, password: v.devicePassword };

    const codesBefore = (await s.inbox.list({ userPoolId: poolId })).length;
    const second = await passwordSignIn(s.sdk, clientId, "rosa", undefined, { DEVICE_KEY: device.key });
    expect(second.ChallengeName).toBe("DEVICE_SRP_AUTH");
    const ok = await answerDeviceSrp(s.sdk, {
      clientId,
      username: "rosa",
      session: second.Session,
      device,
      now: clock.now(),
    });
    expect(decodeJwt(ok.AuthenticationResult?.AccessToken ?? "").payload.device_key).toBe(device.key);
    // No code was sent for that sign-in.
    expect((await s.inbox.list({ userPoolId: poolId })).length).toBe(codesBefore);

    await s.sdk.send(
      new UpdateDeviceStatusCommand({
        AccessToken,
        DeviceKey: device.key,
        DeviceRememberedStatus: "not_remembered",
      }),
    );
    const third = await passwordSignIn(s.sdk, clientId, "rosa", undefined, { DEVICE_KEY: device.key });
    expect(third.ChallengeName).toBe("EMAIL_OTP");
    const after = await answerCode(third.Session);
    expect(after.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
    expect(decodeJwt(after.AuthenticationResult?.AccessToken ?? "").payload.device_key).toBe(device.key);
  });
});
