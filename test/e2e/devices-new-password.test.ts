// A DEVICE_KEY sent with the NEW_PASSWORD_REQUIRED answer (amazon-cognito-identity-js sends the
// key it holds with every challenge answer): a confirmed device of the user gets the sign-in's
// tokens bound to it, as a password sign-in on that device would; a key that names no device
// of the user is ignored and the sign-in gets a new device (docs/devices.md).
import {
  AdminSetUserPasswordCommand,
  RespondToAuthChallengeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInOnNewDevice } from "../helpers/devices.js";
import { makePool } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, decodeJwt, makeClient, passwordSignIn } from "../helpers/signin.js";

const TEMPORARY = "Temporary-Passw0rd!";
const NEW_PASSWORD = "Brand-new-Passw0rd!";

describe("remembered devices: the NEW_PASSWORD_REQUIRED answer", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    s = await startServer();
    ({ poolId } = await makePool(s.sdk, {
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false },
    }));
    ({ clientId } = await makeClient(s.sdk, poolId, {
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }));
  });
  afterAll(() => s?.close());

  /** A user with a confirmed device whose password an administrator then reset to a temporary one. */
  async function resetUserOnDevice(username: string) {
    await confirmedUser(s.sdk, { poolId, clientId, username });
    const device = await signInOnNewDevice(s.sdk, clientId, username);
    await s.sdk.send(
      new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: TEMPORARY }),
    );
    const challenge = await passwordSignIn(s.sdk, clientId, username, TEMPORARY, { DEVICE_KEY: device.key });
    expect(challenge.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    return { device, session: challenge.Session ?? "" };
  }

  const answer = (username: string, session: string, extra: Record<string, string>) =>
    s.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: session,
        ChallengeResponses: { USERNAME: username, NEW_PASSWORD: NEW_PASSWORD, ...extra },
      }),
    );

  it("binds the tokens to the confirmed device named in the answer: no new device", async () => {
    const { device, session } = await resetUserOnDevice("nora");
    const r = await answer("nora", session, { DEVICE_KEY: device.key });
    expect(r.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
    expect(decodeJwt(r.AuthenticationResult?.AccessToken ?? "").payload.device_key).toBe(device.key);
    // The new password works on the same device afterwards.
    const again = await passwordSignIn(s.sdk, clientId, "nora", NEW_PASSWORD, { DEVICE_KEY: device.key });
    expect(again.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
  });

  it("ignores a key that names no device of the user, and hands out a new one", async () => {
    const { session } = await resetUserOnDevice("otto");
    const other = await resetUserOnDevice("pia");
    const r = await answer("otto", session, { DEVICE_KEY: other.device.key });
    const meta = r.AuthenticationResult?.NewDeviceMetadata;
    expect(meta?.DeviceKey).toBeTruthy();
    expect(meta?.DeviceKey).not.toBe(other.device.key);
    expect(decodeJwt(r.AuthenticationResult?.AccessToken ?? "").payload.device_key).toBe(meta?.DeviceKey);
  });
});
