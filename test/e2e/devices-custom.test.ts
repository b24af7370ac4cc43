// Remembered devices in CUSTOM_AUTH (docs/devices.md): the DEVICE_KEY identity-js sends with
// its CUSTOM_CHALLENGE answer binds the tokens to that device (no new device key); a key that
// names no device of the user is ignored and the sign-in gets a new one, since clients do not
// retry this flow after "Device does not exist.".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CUSTOM_TRIGGERS,
  customAnswer,
  customAuthTriggers,
  customStart,
  privateWord,
} from "../helpers/customAuth.js";
import { signInOnNewDevice } from "../helpers/devices.js";
import { makePool } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, decodeJwt } from "../helpers/signin.js";

describe("remembered devices: CUSTOM_AUTH", () => {
  let s: TestServer;
  let clientId: string;

  beforeAll(async () => {
    s = await startServer({ configCacheSeconds: 0, triggers: customAuthTriggers() });
    const p = await makePool(
      s.sdk,
      { LambdaConfig: CUSTOM_TRIGGERS, DeviceConfiguration: { ChallengeRequiredOnNewDevice: true } },
      { ExplicitAuthFlows: ["ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] },
    );
    clientId = p.clientId;
    await confirmedUser(s.sdk, { poolId: p.poolId, clientId, username: "quin" });
  });
  afterAll(() => s?.close());

  const customSignIn = async (deviceKey: string) => {
    const r = await customStart(s.sdk, clientId, "quin");
    expect(r.ChallengeName).toBe("CUSTOM_CHALLENGE");
    return customAnswer(s.sdk, clientId, r.Session, {
      USERNAME: "quin",
      ANSWER: privateWord(1, "quin@example.com"),
      DEVICE_KEY: deviceKey,
    });
  };

  it("a known device binds the tokens; an unknown key is ignored and a new device handed out", async () => {
    const d = await signInOnNewDevice(s.sdk, clientId, "quin");
    const known = await customSignIn(d.key);
    expect(known.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
    expect(decodeJwt(known.AuthenticationResult?.AccessToken ?? "").payload.device_key).toBe(d.key);
    const unknown = await customSignIn("us-east-1_00000000-0000-0000-0000-000000000000");
    const meta = unknown.AuthenticationResult?.NewDeviceMetadata;
    expect(meta?.DeviceKey).toMatch(/^us-east-1_/);
    expect(meta?.DeviceKey).not.toBe(d.key);
    expect(decodeJwt(unknown.AuthenticationResult?.AccessToken ?? "").payload.device_key).toBe(
      meta?.DeviceKey,
    );
  });
});
