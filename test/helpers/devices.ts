// Helpers of the remembered-device tests (test/e2e/devices*.test.ts): a TOTP code computed
// from the secret (RFC 6238, written again for the tests), a user with TOTP MFA set up through
// the API, and identity-js callbacks as promises.
import { createHmac } from "node:crypto";
import {
  AssociateSoftwareTokenCommand,
  type CognitoIdentityProviderClient,
  ConfirmDeviceCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoUser } from "amazon-cognito-identity-js";
import { cryptoRandom } from "../../src/domain/ids.js";
import { clientClaim, clientStart } from "../../src/domain/srp/client.js";
import { formatTimestamp } from "../../src/domain/srp/timestamp.js";
import { createDeviceVerifier, deviceIdentity } from "../../src/domain/srp/verifier.js";
import { passwordSignIn } from "./signin.js";

function base32(s: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of s) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(Number.parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** What an authenticator app shows for `secret` at `ms`. */
export function totpCode(secret: string, ms: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 30_000)));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = (mac[19] ?? 0) & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** Associates, verifies and enables (preferred) a software token for the token's user. */
export async function enableTotp(
  sdk: CognitoIdentityProviderClient,
  accessToken: string,
  now: number,
): Promise<string> {
  const a = await sdk.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  const secret = a.SecretCode ?? "";
  await sdk.send(
    new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(secret, now) }),
  );
  await sdk.send(
    new SetUserMFAPreferenceCommand({
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  return secret;
}

/** A node-style identity-js call as a promise. */
export function nodeCall<T>(f: (cb: (err: Error | undefined | null, r?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => f((err, r) => (err ? reject(err) : resolve(r as T))));
}

/** An identity-js call with onSuccess / onFailure callbacks as a promise. */
export function callbacks<T>(
  f: (cb: { onSuccess: (r: T) => void; onFailure: (e: Error) => void }) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => f({ onSuccess: resolve, onFailure: reject }));
}

/** The device key identity-js keeps for the user (its storage), or null. */
export function cachedDeviceKey(user: CognitoUser): string | null {
  const u = user as unknown as { deviceKey?: string | null; getCachedDeviceKeyAndPassword(): void };
  u.getCachedDeviceKeyAndPassword();
  return u.deviceKey ?? null;
}

/**
 * A USER_PASSWORD_AUTH sign-in on a new device, then ConfirmDevice with a verifier made here:
 * the device's key, group key and password, and the sign-in's tokens.
 */
export async function signInOnNewDevice(
  sdk: CognitoIdentityProviderClient,
  clientId: string,
  username: string,
) {
  const r = await passwordSignIn(sdk, clientId, username);
  const meta = r.AuthenticationResult?.NewDeviceMetadata;
  const AccessToken = r.AuthenticationResult?.AccessToken ?? "";
  if (!meta?.DeviceKey || meta.DeviceGroupKey === undefined) throw new Error("no NewDeviceMetadata");
  const v = createDeviceVerifier(cryptoRandom, meta.DeviceGroupKey, meta.DeviceKey);
  const confirm = await sdk.send(
    new ConfirmDeviceCommand({
      AccessToken,
      DeviceKey: meta.DeviceKey,
      DeviceName: `${username}-laptop`,
      DeviceSecretVerifierConfig: v.config,
    }),
  );
  return {
    key: meta.DeviceKey,
    group: meta.DeviceGroupKey,
    password: v.devicePassword,
    config: v.config,
    confirm,
    AccessToken,
    refresh: r.AuthenticationResult?.RefreshToken ?? "",
  };
}

/**
 * Answers DEVICE_SRP_AUTH (its Session from `session`) and then DEVICE_PASSWORD_VERIFIER with
 * the device's proof, computed here; `password` defaults to the device's own.
 */
export async function answerDeviceSrp(
  sdk: CognitoIdentityProviderClient,
  a: {
    clientId: string;
    username: string;
    session: string | undefined;
    device: { key: string; group: string; password: string };
    password?: string;
    now: number;
  },
) {
  const start = clientStart(cryptoRandom);
  const c = await sdk.send(
    new RespondToAuthChallengeCommand({
      ClientId: a.clientId,
      ChallengeName: "DEVICE_SRP_AUTH",
      Session: a.session,
      ChallengeResponses: { USERNAME: a.username, DEVICE_KEY: a.device.key, SRP_A: start.srpA },
    }),
  );
  const p = c.ChallengeParameters ?? {};
  const timestamp = formatTimestamp(a.now);
  const signature = clientClaim({
    start,
    srpB: p.SRP_B ?? "",
    salt: p.SALT ?? "",
    identity: deviceIdentity(a.device.group, a.device.key),
    password: a.password ?? a.device.password,
    secretBlock: p.SECRET_BLOCK ?? "",
    timestamp,
  });
  return sdk.send(
    new RespondToAuthChallengeCommand({
      ClientId: a.clientId,
      ChallengeName: "DEVICE_PASSWORD_VERIFIER",
      Session: c.Session,
      ChallengeResponses: {
        USERNAME: a.username,
        DEVICE_KEY: a.device.key,
        PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK ?? "",
        PASSWORD_CLAIM_SIGNATURE: signature ?? "",
        TIMESTAMP: timestamp,
      },
    }),
  );
}
