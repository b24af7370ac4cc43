// A user's devices (docs/devices.md): one record per device key handed out in
// NewDeviceMetadata, confirmed by ConfirmDevice with the device's SRP verifier, remembered or
// not, and forgotten by ForgetDevice. A device key is `{region}_{uuid}` and names one device of
// one user of one pool; the record goes with its user (the schema cascades).
import type { StoredVerifier } from "../../domain/srp/verifier.js";
import type { Username } from "../../domain/usernames.js";

export type DeviceRememberedStatus = "remembered" | "not_remembered";

export interface DeviceRecord {
  poolId: string;
  deviceKey: string;
  /** The internal username of the device's user. */
  username: Username;
  /** DeviceGroupKey: the realm of the device's SRP identity. */
  groupKey: string;
  /**
   * The device's SRP salt and verifier (hex), as a user's are kept; null until ConfirmDevice.
   * A password equivalent for the device: never returned by any operation.
   */
  verifier: StoredVerifier | null;
  /** DeviceName given to ConfirmDevice, or null. */
  name: string | null;
  status: DeviceRememberedStatus;
  createdAt: number;
  modifiedAt: number;
  /** When a sign-in last used the device (epoch ms), or null. */
  lastAuthenticatedAt: number | null;
  /** The caller's address at that sign-in (or at ConfirmDevice), or null. */
  lastIp: string | null;
}

export interface DeviceReads {
  /** The device of this key in the pool, whoever it belongs to. */
  get(poolId: string, deviceKey: string): Promise<DeviceRecord | undefined>;
  /**
   * The user's confirmed devices (those with a verifier) ordered by device key; `after` is an
   * exclusive lower bound on the key.
   */
  listConfirmed(
    poolId: string,
    username: Username,
    limit: number,
    after: string | null,
  ): Promise<DeviceRecord[]>;
}

export interface DeviceRepo extends DeviceReads {
  /** Atomic: inserts unless the pool has a device of that key; false when it has. */
  createIfAbsent(device: DeviceRecord): Promise<boolean>;
  /**
   * Atomic: sets the verifier, name, status and modification time of a device that has no
   * verifier yet; false when it is gone or confirmed already.
   */
  confirm(
    poolId: string,
    deviceKey: string,
    c: {
      verifier: StoredVerifier;
      name: string | null;
      status: DeviceRememberedStatus;
      now: number;
      ip: string | null;
    },
  ): Promise<boolean>;
  /** Sets the remembered status and modification time; false when the device is gone. */
  setStatus(poolId: string, deviceKey: string, status: DeviceRememberedStatus, now: number): Promise<boolean>;
  /** Records a sign-in on the device (time and address); false when it is gone. */
  touch(poolId: string, deviceKey: string, now: number, ip: string | null): Promise<boolean>;
  /** Deletes the device; false when there was none. */
  delete(poolId: string, deviceKey: string): Promise<boolean>;
  /**
   * Deletes devices never confirmed, created before `before`, that no refresh token record
   * names any more (housekeeping); returns how many.
   */
  pruneUnconfirmed(before: number): Promise<number>;
}
