// Remembered devices through amazon-cognito-identity-js (docs/devices.md): a sign-in on a new
// device gets NewDeviceMetadata and the library confirms the device itself (ConfirmDevice);
// setDeviceStatusRemembered; then, with TOTP MFA on, a sign-in that skips MFA through
// DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER (the library answers them from its storage);
// listDevices, getDevice, a not-remembered device asked for MFA again, refresh bound to the
// device, forgetDevice, and a key forgotten behind the library's back (it drops it and retries).
import {
  AdminForgetDeviceCommand,
  AdminListUserAuthEventsCommand,
  SetUserPoolMfaConfigCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
  type ICognitoStorage,
} from "amazon-cognito-identity-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { cachedDeviceKey, callbacks, enableTotp, nodeCall, totpCode } from "../helpers/devices.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, decodeJwt, makeClient } from "../helpers/signin.js";

class MemoryStorage implements ICognitoStorage {
  readonly items = new Map<string, string>();
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
  clear() {
    this.items.clear();
  }
}

interface SignInOutcome {
  session: CognitoUserSession;
  /** The MFA challenge the library was asked, if any. */
  mfa: string | null;
  userConfirmationNecessary: boolean | undefined;
}

describe("remembered devices: amazon-cognito-identity-js", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  const clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);
  let secret = "";

  beforeAll(async () => {
    s = await startServer({}, { clock });
    ({ poolId } = await makePool(s.sdk, {
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
      UserPoolAddOns: { AdvancedSecurityMode: "AUDIT" },
    }));
    ({ clientId } = await makeClient(s.sdk, poolId));
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: "OPTIONAL",
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
  });
  afterAll(() => s?.close());

  function poolWith(storage: MemoryStorage) {
    return new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url, Storage: storage });
  }

  /** authenticateUser; a TOTP challenge is answered with the current code. */
  function signIn(user: CognitoUser, username: string): Promise<SignInOutcome> {
    const details = new AuthenticationDetails({ Username: username, Password: PASSWORD });
    let mfa: string | null = null;
    return new Promise<SignInOutcome>((resolve, reject) => {
      const cb = {
        onSuccess: (session: CognitoUserSession, userConfirmationNecessary?: boolean) =>
          resolve({ session, mfa, userConfirmationNecessary }),
        onFailure: reject,
        totpRequired: (name: string) => {
          mfa = name;
          // A fresh step: each code is accepted once.
          clock.advance(30_000);
          user.sendMFACode(totpCode(secret, clock.now()), cb, "SOFTWARE_TOKEN_MFA");
        },
        mfaRequired: () => reject(new Error("SMS MFA asked")),
      };
      user.authenticateUser(details, cb);
    });
  }

  it("new device → ConfirmDevice → remembered → a TOTP user's sign-in skips MFA through device SRP", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "dana" });
    const storage = new MemoryStorage();
    const pool = poolWith(storage);
    const first = new CognitoUser({ Username: "dana", Pool: pool, Storage: storage });
    const one = await signIn(first, "dana");
    expect(one.mfa).toBeNull();
    // DeviceOnlyRememberedOnUserPrompt: the library is told the user must choose.
    expect(one.userConfirmationNecessary).toBe(true);
    const deviceKey = cachedDeviceKey(first);
    expect(deviceKey).toMatch(/^us-east-1_[0-9a-f-]{36}$/);
    // The tokens of the sign-in that handed the device out are bound to it.
    expect(decodeJwt(one.session.getAccessToken().getJwtToken()).payload.device_key).toBe(deviceKey);

    clock.advance(30_000);
    secret = await enableTotp(s.sdk, one.session.getAccessToken().getJwtToken(), clock.now());

    // Not remembered yet: MFA is asked, the known device is not handed out again.
    const second = new CognitoUser({ Username: "dana", Pool: pool, Storage: storage });
    const two = await signIn(second, "dana");
    expect(two.mfa).toBe("SOFTWARE_TOKEN_MFA");
    expect(cachedDeviceKey(second)).toBe(deviceKey);
    expect(decodeJwt(two.session.getAccessToken().getJwtToken()).payload.device_key).toBe(deviceKey);

    await callbacks((cb) => second.setDeviceStatusRemembered(cb));
    // identity-js types the answer as a string; it is GetDevice's response object.
    const got = (await callbacks<string>((cb) => second.getDevice(cb))) as unknown as {
      Device: { DeviceKey: string; DeviceAttributes: { Name: string; Value: string }[] };
    };
    expect(got.Device.DeviceKey).toBe(deviceKey);
    const attrs = Object.fromEntries(got.Device.DeviceAttributes.map((a) => [a.Name, a.Value]));
    expect(attrs["dev:device_remembered_status"]).toBe("remembered");
    expect(attrs.device_status).toBe("valid");
    expect(attrs.device_name).toBeTruthy();

    // Remembered: no TOTP code, the library proves the device instead.
    const third = new CognitoUser({ Username: "dana", Pool: pool, Storage: storage });
    const three = await signIn(third, "dana");
    expect(three.mfa).toBeNull();
    expect(three.session.isValid()).toBe(true);
    expect(decodeJwt(three.session.getAccessToken().getJwtToken()).payload.device_key).toBe(deviceKey);

    // Another browser (no stored key) still answers MFA, and gets a device of its own.
    const elsewhere = new MemoryStorage();
    const other = new CognitoUser({ Username: "dana", Pool: poolWith(elsewhere), Storage: elsewhere });
    const four = await signIn(other, "dana");
    expect(four.mfa).toBe("SOFTWARE_TOKEN_MFA");
    expect(cachedDeviceKey(other)).not.toBe(deviceKey);

    const listed = await callbacks<{ Devices: { DeviceKey: string }[] }>((cb) =>
      third.listDevices(10, null, cb),
    );
    expect(listed.Devices.map((d) => d.DeviceKey).sort()).toEqual([deviceKey, cachedDeviceKey(other)].sort());

    // Refresh carries the stored DEVICE_KEY; it works while the device exists.
    const refreshed = await nodeCall<CognitoUserSession>((cb) =>
      third.refreshSession(three.session.getRefreshToken(), cb),
    );
    expect(decodeJwt(refreshed.getAccessToken().getJwtToken()).payload.device_key).toBe(deviceKey);

    // The auth events record the device sign-in (Pass) like any other.
    const events = await s.sdk.send(
      new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "dana", MaxResults: 10 }),
    );
    expect(events.AuthEvents?.filter((e) => e.EventResponse === "Pass").length).toBeGreaterThanOrEqual(4);
  });

  it("not remembered again → MFA; forgetDevice ends the key and its refresh token", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "eli" });
    const storage = new MemoryStorage();
    const pool = poolWith(storage);
    const u = new CognitoUser({ Username: "eli", Pool: pool, Storage: storage });
    const one = await signIn(u, "eli");
    const deviceKey = cachedDeviceKey(u);
    await callbacks((cb) => u.setDeviceStatusRemembered(cb));
    const saved = secret;
    clock.advance(30_000);
    secret = await enableTotp(s.sdk, one.session.getAccessToken().getJwtToken(), clock.now());
    try {
      const remembered = await signIn(
        new CognitoUser({ Username: "eli", Pool: pool, Storage: storage }),
        "eli",
      );
      expect(remembered.mfa).toBeNull();
      await callbacks((cb) => u.setDeviceStatusNotRemembered(cb));
      const v = new CognitoUser({ Username: "eli", Pool: pool, Storage: storage });
      const asked = await signIn(v, "eli");
      expect(asked.mfa).toBe("SOFTWARE_TOKEN_MFA");

      await callbacks((cb) => v.forgetDevice(cb));
      expect(cachedDeviceKey(v)).toBeNull();
      await expect(
        nodeCall((cb) => v.refreshSession(asked.session.getRefreshToken(), cb)),
      ).rejects.toMatchObject({ code: "NotAuthorizedException", message: "Invalid Refresh Token." });
      const listed = await callbacks<{ Devices: { DeviceKey: string }[] }>((cb) =>
        v.listDevices(10, null, cb),
      );
      expect(listed.Devices.map((d) => d.DeviceKey)).not.toContain(deviceKey);
    } finally {
      secret = saved;
    }
  });

  it("browser-like storage (null for a missing key): refreshSession sends DEVICE_KEY: null, which is no key", async () => {
    // A pool without device tracking: the library still reads its storage for a device key and
    // sends what it gets, null in a browser (localStorage), on every refresh.
    const plain = await makePool(
      s.sdk,
      {},
      { ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] },
    );
    await confirmedUser(s.sdk, { poolId: plain.poolId, clientId: plain.clientId, username: "gil" });
    const storage = new MemoryStorage();
    const pool = new CognitoUserPool({
      UserPoolId: plain.poolId,
      ClientId: plain.clientId,
      endpoint: s.url,
      Storage: storage,
    });
    const u = new CognitoUser({ Username: "gil", Pool: pool, Storage: storage });
    const { session } = await signIn(u, "gil");
    expect(cachedDeviceKey(u)).toBeNull();
    const refreshed = await nodeCall<CognitoUserSession>((cb) =>
      u.refreshSession(session.getRefreshToken(), cb),
    );
    expect(refreshed.getAccessToken().getJwtToken()).not.toBe(session.getAccessToken().getJwtToken());
  });

  it("a key forgotten behind the library's back: ResourceNotFoundException, the library drops it and retries", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "fay" });
    const storage = new MemoryStorage();
    const pool = poolWith(storage);
    const u = new CognitoUser({ Username: "fay", Pool: pool, Storage: storage });
    await signIn(u, "fay");
    const old = cachedDeviceKey(u);
    if (old === null) throw new Error("no device key stored");
    await s.sdk.send(new AdminForgetDeviceCommand({ UserPoolId: poolId, Username: "fay", DeviceKey: old }));
    const again = new CognitoUser({ Username: "fay", Pool: pool, Storage: storage });
    const r = await signIn(again, "fay");
    expect(r.session.isValid()).toBe(true);
    const fresh = cachedDeviceKey(again);
    expect(fresh).toMatch(/^us-east-1_/);
    expect(fresh).not.toBe(old);
  });
});
