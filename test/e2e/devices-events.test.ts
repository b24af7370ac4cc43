// Remembered devices in what a sign-in leaves behind (docs/devices.md, "Triggers and auth events"):
// PostAuthentication's newDeviceUsed, and the auth events of a device sign-in — Fail for a
// wrong device proof, Pass for the right one — and the housekeeping of devices never confirmed.
import {
  AdminListUserAuthEventsCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cryptoRandom } from "../../src/domain/ids.js";
import { clientClaim, clientStart } from "../../src/domain/srp/client.js";
import { formatTimestamp } from "../../src/domain/srp/timestamp.js";
import { deviceIdentity } from "../../src/domain/srp/verifier.js";
import { ManualClock } from "../../src/ports/clock.js";
import { enableTotp, signInOnNewDevice } from "../helpers/devices.js";
import { expectError } from "../helpers/expect.js";
import { makePool } from "../helpers/fixtures.js";
import { clearTriggerCalls, triggerCalls } from "../helpers/lambdaServers.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, makeClient, passwordSignIn } from "../helpers/signin.js";

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

describe("remembered devices: triggers and auth events", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  const clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);

  beforeAll(async () => {
    const functions = { [arn("postAuth")]: "module:test/fixtures/triggers/auth.mjs#postAuth" };
    s = await startServer(
      { configCacheSeconds: 0, triggers: { functions, baseDir: process.cwd() } },
      { clock },
    );
    ({ poolId } = await makePool(s.sdk, {
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true },
      LambdaConfig: { PostAuthentication: arn("postAuth") },
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
  beforeEach(() => clearTriggerCalls());

  it("newDeviceUsed on a new device only; a wrong device proof is a Fail event, the right one a Pass", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "olga" });
    const d = await signInOnNewDevice(s.sdk, clientId, "olga");
    const post = () =>
      triggerCalls("postAuth").map(
        (c) => (c.event as { request: { newDeviceUsed: boolean } }).request.newDeviceUsed,
      );
    expect(post()).toEqual([true]);
    clock.advance(30_000);
    await enableTotp(s.sdk, d.AccessToken, clock.now());

    const prove = async (password: string) => {
      const r = await passwordSignIn(s.sdk, clientId, "olga", undefined, { DEVICE_KEY: d.key });
      expect(r.ChallengeName).toBe("DEVICE_SRP_AUTH");
      const start = clientStart(cryptoRandom);
      const c = await s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "DEVICE_SRP_AUTH",
          Session: r.Session,
          ChallengeResponses: { USERNAME: "olga", DEVICE_KEY: d.key, SRP_A: start.srpA },
        }),
      );
      const p = c.ChallengeParameters ?? {};
      const timestamp = formatTimestamp(clock.now());
      const signature = clientClaim({
        start,
        srpB: p.SRP_B ?? "",
        salt: p.SALT ?? "",
        identity: deviceIdentity(d.group, d.key),
        password,
        secretBlock: p.SECRET_BLOCK ?? "",
        timestamp,
      });
      return s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "DEVICE_PASSWORD_VERIFIER",
          Session: c.Session,
          ChallengeResponses: {
            USERNAME: "olga",
            DEVICE_KEY: d.key,
            PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK ?? "",
            PASSWORD_CLAIM_SIGNATURE: signature ?? "",
            TIMESTAMP: timestamp,
          },
        }),
      );
    };
    const before = await s.sdk.send(
      new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "olga", MaxResults: 60 }),
    );
    await expectError(prove("wrong"), "NotAuthorizedException", "Incorrect username or password.");
    clock.advance(1_000);
    const ok = await prove(d.password);
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
    // A known device: no new device, newDeviceUsed false.
    expect(post()).toEqual([true, false]);
    const after = await s.sdk.send(
      new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "olga", MaxResults: 60 }),
    );
    const fresh = (after.AuthEvents ?? []).slice(
      0,
      (after.AuthEvents?.length ?? 0) - (before.AuthEvents?.length ?? 0),
    );
    // Newest first: the device sign-in's Pass, then the wrong proof's Fail.
    expect(fresh.map((e) => e.EventResponse)).toEqual(["Pass", "Fail"]);
    expect(fresh[0]?.ChallengeResponses).toEqual([
      { ChallengeName: "Password", ChallengeResponse: "Success" },
    ]);
  });

  it("housekeeping drops a device never confirmed once its refresh token is gone, and keeps a confirmed one", async () => {
    const hkClock = new ManualClock(Date.UTC(2026, 8, 1));
    const h = await startServer({ outbox: { pollMs: 50 }, configCacheSeconds: 0 }, { clock: hkClock });
    try {
      const p = await makePool(h.sdk, { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false } });
      const c = await makeClient(h.sdk, p.poolId, { ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"] });
      await confirmedUser(h.sdk, { poolId: p.poolId, clientId: c.clientId, username: "pru" });
      const unconfirmed = (await passwordSignIn(h.sdk, c.clientId, "pru")).AuthenticationResult
        ?.NewDeviceMetadata;
      const confirmed = await signInOnNewDevice(h.sdk, c.clientId, "pru");
      const rows = () =>
        h.query("SELECT device_key FROM devices WHERE pool_id = ? ORDER BY device_key", [p.poolId]);
      expect((await rows()).length).toBe(2);
      // Past the refresh tokens' 30 days and the day their records outlive them.
      hkClock.advance(32 * 86_400_000);
      // The dispatcher polls every 50 ms and does its housekeeping once a minute of its clock.
      const deadline = Date.now() + 5000;
      let left = await rows();
      while (left.length !== 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        left = await rows();
      }
      expect(left).toEqual([{ device_key: confirmed.key }]);
      expect(unconfirmed?.DeviceKey).not.toBe(confirmed.key);
    } finally {
      await h.close();
    }
  });
});
