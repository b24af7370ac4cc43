// AdminUpdateDeviceStatus — marks a user's device remembered or not remembered (SigV4).
import type { DeviceRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import type { DeviceRememberedStatusType } from "../protocol/generated/shapes.js";
import { DEVICE_MESSAGES, findUserDevice } from "../services/devices.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

/** Shared with UpdateDeviceStatus. No status given leaves the device as it is. */
export async function setDeviceStatus(
  deps: Pick<Deps, "store" | "clock">,
  device: DeviceRecord,
  status: DeviceRememberedStatusType | undefined,
): Promise<void> {
  if (status === undefined) return;
  const updated = await deps.store.transaction((tx) =>
    tx.devices.setStatus(device.poolId, device.deviceKey, status, deps.clock.now()),
  );
  if (!updated) fail("ResourceNotFoundException", DEVICE_MESSAGES.notFound);
}

export const AdminUpdateDeviceStatus = defineOperation(
  "AdminUpdateDeviceStatus",
  async (deps: Pick<Deps, "store" | "directory" | "clock">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    const device = await findUserDevice(deps, pool.id, user, input.DeviceKey);
    await setDeviceStatus(deps, device, input.DeviceRememberedStatus);
    return {};
  },
);
