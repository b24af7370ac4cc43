// Remembered devices through the AWS SDK v3 (docs/devices.md): NewDeviceMetadata only where the
// pool tracks devices (and not in the Admin flows), ConfirmDevice with a verifier computed
// here, each device operation with its paging and errors, DEVICE_SRP_AUTH answered by hand
// (a wrong proof, then the right one), and refresh bound to the device.
import {
  AdminForgetDeviceCommand,
  AdminGetDeviceCommand,
  AdminListDevicesCommand,
  AdminUpdateDeviceStatusCommand,
  ConfirmDeviceCommand,
  DescribeUserPoolCommand,
  ForgetDeviceCommand,
  GetDeviceCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  ListDevicesCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  UpdateDeviceStatusCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cryptoRandom } from "../../src/domain/ids.js";
import { clientClaim, clientStart } from "../../src/domain/srp/client.js";
import { formatTimestamp } from "../../src/domain/srp/timestamp.js";
import { deviceIdentity } from "../../src/domain/srp/verifier.js";
import { ManualClock } from "../../src/ports/clock.js";
import { enableTotp, signInOnNewDevice } from "../helpers/devices.js";
import { expectError } from "../helpers/expect.js";
import { makePool } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { adminSignIn, confirmedUser, decodeJwt, makeClient, passwordSignIn } from "../helpers/signin.js";

const NOT_FOUND = "Device does not exist.";

describe("remembered devices: AWS SDK v3", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  const clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);

  beforeAll(async () => {
    s = await startServer({}, { clock });
    // Devices always remembered (no user prompt); remembered devices replace MFA.
    ({ poolId } = await makePool(s.sdk, {
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false },
    }));
    ({ clientId } = await makeClient(s.sdk, poolId, {
      ExplicitAuthFlows: [
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
      ],
    }));
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: "OPTIONAL",
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
  });
  afterAll(() => s?.close());

  const confirmedDevice = (username: string) => signInOnNewDevice(s.sdk, clientId, username);

  it("DescribeUserPool shows DeviceConfiguration; NewDeviceMetadata only where devices are tracked", async () => {
    const d = await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(d.UserPool?.DeviceConfiguration).toEqual({
      ChallengeRequiredOnNewDevice: true,
      DeviceOnlyRememberedOnUserPrompt: false,
    });
    await confirmedUser(s.sdk, { poolId, clientId, username: "gus" });
    const r = await passwordSignIn(s.sdk, clientId, "gus");
    const meta = r.AuthenticationResult?.NewDeviceMetadata;
    expect(meta?.DeviceKey).toMatch(
      /^us-east-1_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(meta?.DeviceGroupKey).toMatch(/^[\w-]+$/);
    expect(decodeJwt(r.AuthenticationResult?.AccessToken ?? "").payload.device_key).toBe(meta?.DeviceKey);
    // The Admin flows do not track devices.
    const admin = await adminSignIn(s.sdk, poolId, clientId, "gus");
    expect(admin.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
    expect(decodeJwt(admin.AuthenticationResult?.AccessToken ?? "").payload.device_key).toBeUndefined();
    // A pool without DeviceConfiguration hands out no device, and ignores DEVICE_KEY.
    const plain = await makePool(s.sdk, {}, { ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"] });
    await confirmedUser(s.sdk, { poolId: plain.poolId, clientId: plain.clientId, username: "hal" });
    const off = await passwordSignIn(s.sdk, plain.clientId, "hal", undefined, {
      DEVICE_KEY: "us-east-1_0000",
    });
    expect(off.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
    expect(off.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("ConfirmDevice: remembered at once here; its errors", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "ida" });
    await confirmedUser(s.sdk, { poolId, clientId, username: "jon" });
    const d = await confirmedDevice("ida");
    expect(d.confirm.UserConfirmationNecessary).toBe(false);
    const got = await s.sdk.send(new GetDeviceCommand({ AccessToken: d.AccessToken, DeviceKey: d.key }));
    const attrs = Object.fromEntries((got.Device?.DeviceAttributes ?? []).map((a) => [a.Name, a.Value]));
    expect(attrs).toMatchObject({
      device_status: "valid",
      device_name: "ida-laptop",
      "dev:device_remembered_status": "remembered",
    });
    expect(attrs.last_ip_used).toBeTruthy();
    expect(got.Device?.DeviceCreateDate).toBeInstanceOf(Date);
    expect(got.Device?.DeviceLastModifiedDate).toBeInstanceOf(Date);
    expect(got.Device?.DeviceLastAuthenticatedDate).toBeInstanceOf(Date);

    await expectError(
      s.sdk.send(
        new ConfirmDeviceCommand({
          AccessToken: d.AccessToken,
          DeviceKey: d.key,
          DeviceSecretVerifierConfig: d.config,
        }),
      ),
      "DeviceKeyExistsException",
    );
    const jon = await passwordSignIn(s.sdk, clientId, "jon");
    const jonToken = jon.AuthenticationResult?.AccessToken ?? "";
    const jonKey = jon.AuthenticationResult?.NewDeviceMetadata?.DeviceKey ?? "";
    // Someone else's device, and an unknown one.
    await expectError(
      s.sdk.send(
        new ConfirmDeviceCommand({
          AccessToken: jonToken,
          DeviceKey: d.key,
          DeviceSecretVerifierConfig: d.config,
        }),
      ),
      "ResourceNotFoundException",
      NOT_FOUND,
    );
    await expectError(
      s.sdk.send(
        new ConfirmDeviceCommand({
          AccessToken: jonToken,
          DeviceKey: "us-east-1_00000000-0000-0000-0000-000000000000",
          DeviceSecretVerifierConfig: d.config,
        }),
      ),
      "ResourceNotFoundException",
      NOT_FOUND,
    );
    await expectError(
      s.sdk.send(new ConfirmDeviceCommand({ AccessToken: jonToken, DeviceKey: jonKey })),
      "InvalidParameterException",
    );
    await expectError(
      s.sdk.send(
        new ConfirmDeviceCommand({
          AccessToken: "not-a-token",
          DeviceKey: jonKey,
          DeviceSecretVerifierConfig: d.config,
        }),
      ),
      "NotAuthorizedException",
    );
    // An unconfirmed device is nobody's to see.
    await expectError(
      s.sdk.send(new GetDeviceCommand({ AccessToken: jonToken, DeviceKey: jonKey })),
      "ResourceNotFoundException",
      NOT_FOUND,
    );
    await expectError(
      s.sdk.send(new GetDeviceCommand({ AccessToken: jonToken, DeviceKey: d.key })),
      "ResourceNotFoundException",
      NOT_FOUND,
    );
  });

  it("ListDevices / AdminListDevices page; statuses change; devices are forgotten", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "kim" });
    const a = await confirmedDevice("kim");
    const b = await confirmedDevice("kim");
    const c = await confirmedDevice("kim");
    const keys = [a.key, b.key, c.key].sort();
    const first = await s.sdk.send(new ListDevicesCommand({ AccessToken: c.AccessToken, Limit: 2 }));
    expect(first.Devices?.map((d) => d.DeviceKey)).toEqual(keys.slice(0, 2));
    expect(first.PaginationToken).toBeTruthy();
    const rest = await s.sdk.send(
      new ListDevicesCommand({
        AccessToken: c.AccessToken,
        Limit: 2,
        PaginationToken: first.PaginationToken,
      }),
    );
    expect(rest.Devices?.map((d) => d.DeviceKey)).toEqual(keys.slice(2));
    expect(rest.PaginationToken).toBeUndefined();
    await expectError(
      s.sdk.send(new ListDevicesCommand({ AccessToken: c.AccessToken, PaginationToken: "bogus" })),
      "InvalidParameterException",
    );
    const all = await s.sdk.send(new AdminListDevicesCommand({ UserPoolId: poolId, Username: "kim" }));
    expect(all.Devices?.map((d) => d.DeviceKey)).toEqual(keys);
    const page = await s.sdk.send(
      new AdminListDevicesCommand({ UserPoolId: poolId, Username: "kim", Limit: 1 }),
    );
    expect(page.Devices).toHaveLength(1);
    expect(page.PaginationToken).toBeTruthy();
    await expectError(
      s.sdk.send(new AdminListDevicesCommand({ UserPoolId: poolId, Username: "nobody" })),
      "ResourceNotFoundException",
    );

    await s.sdk.send(
      new UpdateDeviceStatusCommand({
        AccessToken: c.AccessToken,
        DeviceKey: a.key,
        DeviceRememberedStatus: "not_remembered",
      }),
    );
    const status = async (key: string) => {
      const g = await s.sdk.send(
        new AdminGetDeviceCommand({ UserPoolId: poolId, Username: "kim", DeviceKey: key }),
      );
      return g.Device?.DeviceAttributes?.find((x) => x.Name === "dev:device_remembered_status")?.Value;
    };
    expect(await status(a.key)).toBe("not_remembered");
    await s.sdk.send(
      new AdminUpdateDeviceStatusCommand({
        UserPoolId: poolId,
        Username: "kim",
        DeviceKey: a.key,
        DeviceRememberedStatus: "remembered",
      }),
    );
    expect(await status(a.key)).toBe("remembered");
    await expectError(
      s.sdk.send(
        new AdminUpdateDeviceStatusCommand({ UserPoolId: poolId, Username: "nobody", DeviceKey: a.key }),
      ),
      "UserNotFoundException",
    );
    await expectError(
      s.sdk.send(new AdminGetDeviceCommand({ UserPoolId: poolId, Username: "nobody", DeviceKey: a.key })),
      "ResourceNotFoundException",
    );
    await expectError(
      s.sdk.send(
        new AdminGetDeviceCommand({ UserPoolId: "us-east-1_nopool", Username: "kim", DeviceKey: a.key }),
      ),
      "ResourceNotFoundException",
    );

    await s.sdk.send(new ForgetDeviceCommand({ AccessToken: c.AccessToken, DeviceKey: a.key }));
    await expectError(
      s.sdk.send(new ForgetDeviceCommand({ AccessToken: c.AccessToken, DeviceKey: a.key })),
      "ResourceNotFoundException",
      NOT_FOUND,
    );
    await s.sdk.send(new AdminForgetDeviceCommand({ UserPoolId: poolId, Username: "kim", DeviceKey: b.key }));
    await expectError(
      s.sdk.send(new AdminForgetDeviceCommand({ UserPoolId: poolId, Username: "kim", DeviceKey: b.key })),
      "ResourceNotFoundException",
      NOT_FOUND,
    );
    await expectError(
      s.sdk.send(new AdminForgetDeviceCommand({ UserPoolId: poolId, Username: "nobody", DeviceKey: c.key })),
      "UserNotFoundException",
    );
    await expectError(
      s.sdk.send(
        new UpdateDeviceStatusCommand({
          AccessToken: c.AccessToken,
          DeviceKey: b.key,
          DeviceRememberedStatus: "remembered",
        }),
      ),
      "ResourceNotFoundException",
      NOT_FOUND,
    );
    await expectError(s.sdk.send(new GetDeviceCommand({ DeviceKey: c.key })), "InvalidParameterException");
    const left = await s.sdk.send(new ListDevicesCommand({ AccessToken: c.AccessToken }));
    expect(left.Devices?.map((d) => d.DeviceKey)).toEqual([c.key]);
  });

  it("DEVICE_SRP_AUTH instead of TOTP on a remembered device: a wrong proof, then the right one", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "lea" });
    const d = await confirmedDevice("lea");
    clock.advance(30_000);
    await enableTotp(s.sdk, d.AccessToken, clock.now());
    // Without the device: MFA.
    const plain = await passwordSignIn(s.sdk, clientId, "lea");
    expect(plain.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
    // An unknown key, once the password is right: the clients' cue to drop it.
    await expectError(
      passwordSignIn(s.sdk, clientId, "lea", undefined, {
        DEVICE_KEY: "us-east-1_00000000-0000-0000-0000-000000000000",
      }),
      "ResourceNotFoundException",
      NOT_FOUND,
    );
    const proveDevice = async (password: string) => {
      const r = await passwordSignIn(s.sdk, clientId, "lea", undefined, { DEVICE_KEY: d.key });
      expect(r.ChallengeName).toBe("DEVICE_SRP_AUTH");
      expect(r.ChallengeParameters).toEqual({});
      const start = clientStart(cryptoRandom);
      const c = await s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "DEVICE_SRP_AUTH",
          Session: r.Session,
          ChallengeResponses: { USERNAME: "lea", DEVICE_KEY: d.key, SRP_A: start.srpA },
        }),
      );
      expect(c.ChallengeName).toBe("DEVICE_PASSWORD_VERIFIER");
      const p = c.ChallengeParameters ?? {};
      expect(Object.keys(p).sort()).toEqual(["DEVICE_KEY", "SALT", "SECRET_BLOCK", "SRP_B", "USERNAME"]);
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
            USERNAME: "lea",
            DEVICE_KEY: d.key,
            PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK ?? "",
            PASSWORD_CLAIM_SIGNATURE: signature ?? "",
            TIMESTAMP: timestamp,
          },
        }),
      );
    };
    await expectError(
      proveDevice("not the device password"),
      "NotAuthorizedException",
      "Incorrect username or password.",
    );
    const ok = await proveDevice(d.password);
    expect(ok.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
    const access = ok.AuthenticationResult?.AccessToken ?? "";
    expect(decodeJwt(access).payload.device_key).toBe(d.key);

    // Refresh must carry the device's key (REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken).
    const refresh = ok.AuthenticationResult?.RefreshToken ?? "";
    const viaInitiate = (extra: Record<string, string>) =>
      s.sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: refresh, ...extra },
        }),
      );
    await expectError(viaInitiate({}), "NotAuthorizedException", "Invalid Refresh Token.");
    await expectError(
      // Another key of the same shape: the last character changed (never to itself).
      viaInitiate({ DEVICE_KEY: d.key.replace(/.$/, (c) => (c === "0" ? "1" : "0")) }),
      "NotAuthorizedException",
      "Invalid Refresh Token.",
    );
    const again = await viaInitiate({ DEVICE_KEY: d.key });
    expect(decodeJwt(again.AuthenticationResult?.AccessToken ?? "").payload.device_key).toBe(d.key);
    const viaGet = await s.sdk.send(
      new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refresh, DeviceKey: d.key }),
    );
    expect(viaGet.AuthenticationResult?.AccessToken).toBeTruthy();
    // Forgetting the device ends its refresh tokens and its MFA skip.
    await s.sdk.send(new ForgetDeviceCommand({ AccessToken: access, DeviceKey: d.key }));
    await expectError(viaInitiate({ DEVICE_KEY: d.key }), "NotAuthorizedException", "Invalid Refresh Token.");
    await expectError(
      passwordSignIn(s.sdk, clientId, "lea", undefined, { DEVICE_KEY: d.key }),
      "ResourceNotFoundException",
      NOT_FOUND,
    );
  });
});
