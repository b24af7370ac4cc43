// Remembered devices in what a sign-in leaves behind (docs/devices.md, "Auth events"):
// PostAuthentication's newDeviceUsed, and the auth events of a device sign-in — Fail for a
// wrong device proof, Pass for the right one.
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
  });
});
