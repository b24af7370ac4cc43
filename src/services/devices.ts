// Remembered devices (docs/devices.md): whether a pool tracks devices, the keys it hands out
// in NewDeviceMetadata, the DeviceType the device operations show, and the device a request
// names, as the operations find it. Sign-in's part (DEVICE_KEY, DEVICE_SRP_AUTH) is
// src/services/signIn/devices.ts.
import { regionOfPool } from "../domain/ids.js";
import type { RequestContext } from "../operations/define.js";
import type { Deps } from "../operations/deps.js";
import type { DeviceRecord, PoolRecord, UserRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import type { DeviceType } from "../protocol/generated/shapes.js";
import { epochSeconds } from "../protocol/wire.js";
import { nextPageToken, pagePosition, positionName } from "./paging.js";

export const DEVICE_MESSAGES = {
  /**
   * An unknown, forgotten or someone else's device key. Both identity-js and Amplify look for
   * "device" in this message (Amplify for the whole sentence) to drop the key and retry.
   */
  notFound: "Device does not exist.",
  /** ConfirmDevice on a device confirmed before (Cognito's wording is not captured). */
  confirmed: "Device already confirmed.",
  /** ConfirmDevice without a usable DeviceSecretVerifierConfig. */
  badVerifier: "Invalid device secret verifier config.",
  /** The user operations whose model leaves AccessToken optional, called without one. */
  missingToken: "AccessToken is required.",
} as const;

/**
 * Whether the pool tracks devices: any member of DeviceConfiguration set turns it on (the
 * DeviceConfigurationType documentation); DescribeUserPool shows none when it is off.
 */
export function tracksDevices(pool: PoolRecord): boolean {
  const c = pool.config.DeviceConfiguration;
  return c !== undefined && c !== null && Object.keys(c).length > 0;
}

/** DeviceOnlyRememberedOnUserPrompt: ConfirmDevice leaves the device not remembered. */
export function rememberedOnPromptOnly(pool: PoolRecord): boolean {
  return pool.config.DeviceConfiguration?.DeviceOnlyRememberedOnUserPrompt === true;
}

/**
 * ChallengeRequiredOnNewDevice: a remembered device may sign in with device authentication
 * instead of an MFA code (new, unremembered devices still answer MFA).
 */
export function deviceReplacesMfa(pool: PoolRecord): boolean {
  return pool.config.DeviceConfiguration?.ChallengeRequiredOnNewDevice === true;
}

/** A device of a sign-in with no device key: `{region}_{uuid}` and a short group key. */
export function newDevice(
  deps: Pick<Deps, "random">,
  poolId: string,
  user: Pick<UserRecord, "username">,
  now: number,
  ip: string | null,
): DeviceRecord {
  return {
    poolId,
    deviceKey: `${regionOfPool(poolId)}_${deps.random.uuid()}`,
    username: user.username,
    // Observed group keys are short URL-safe strings ("-wt2ha1Zd"); clients treat them as opaque.
    groupKey: deps.random.bytes(7).toString("base64url").slice(0, 9),
    verifier: null,
    name: null,
    status: "not_remembered",
    createdAt: now,
    modifiedAt: now,
    lastAuthenticatedAt: now,
    lastIp: ip,
  };
}

/** DeviceType as Cognito shows it: the attributes it keeps, dates in epoch seconds. */
export function deviceType(d: DeviceRecord): DeviceType {
  const attributes = [{ Name: "device_status", Value: "valid" }];
  if (d.name !== null) attributes.push({ Name: "device_name", Value: d.name });
  if (d.lastIp !== null) attributes.push({ Name: "last_ip_used", Value: d.lastIp });
  attributes.push({ Name: "dev:device_remembered_status", Value: d.status });
  const out: DeviceType = {
    DeviceKey: d.deviceKey,
    DeviceAttributes: attributes,
    DeviceCreateDate: epochSeconds(d.createdAt),
    DeviceLastModifiedDate: epochSeconds(d.modifiedAt),
  };
  if (d.lastAuthenticatedAt !== null) out.DeviceLastAuthenticatedDate = epochSeconds(d.lastAuthenticatedAt);
  return out;
}

/**
 * The user's confirmed device of this key, or ResourceNotFoundException. A device handed out
 * but never confirmed is not one the user can see or change.
 */
export async function findUserDevice(
  deps: Pick<Deps, "store">,
  poolId: string,
  user: Pick<UserRecord, "username">,
  deviceKey: string,
): Promise<DeviceRecord> {
  const d = await deps.store.read.devices.get(poolId, deviceKey);
  if (!d || d.username !== user.username || d.verifier === null) {
    fail("ResourceNotFoundException", DEVICE_MESSAGES.notFound);
  }
  return d;
}

/** The user operations' AccessToken, which the model leaves optional for some of them. */
export function requireAccessToken(token: string | undefined): string {
  if (token === undefined || token === "") fail("InvalidParameterException", DEVICE_MESSAGES.missingToken);
  return token;
}

/** One page of the user's confirmed devices (ListDevices, AdminListDevices). */
export async function listDevicesPage(
  deps: Pick<Deps, "store" | "serverSecret" | "clock">,
  a: {
    poolId: string;
    user: Pick<UserRecord, "username">;
    limit: number | undefined;
    token: string | undefined;
  },
  ctx: Pick<RequestContext, "requestId">,
): Promise<{ Devices: DeviceType[]; PaginationToken?: string }> {
  const scope = `Devices|${a.poolId}|${a.user.username}`;
  const after = positionName(pagePosition(deps, scope, a.token, ctx));
  // QueryLimitType is 0..60; no limit (or 0) lists the most a page holds.
  const limit = a.limit || 60;
  const rows = await deps.store.read.devices.listConfirmed(a.poolId, a.user.username, limit + 1, after);
  const page = rows.slice(0, limit);
  const out: { Devices: DeviceType[]; PaginationToken?: string } = { Devices: page.map(deviceType) };
  const last = page.at(-1);
  if (rows.length > limit && last) out.PaginationToken = nextPageToken(deps, scope, [last.deviceKey]);
  return out;
}
