// AdminForgetDevice — forgets a user's device (SigV4): its key no longer signs in, skips MFA
// or refreshes tokens (docs/devices.md).
import type { DeviceRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { DEVICE_MESSAGES, findUserDevice } from "../services/devices.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

/** Shared with ForgetDevice. The refresh tokens bound to the device stop working with it. */
export async function forgetDevice(deps: Pick<Deps, "store">, device: DeviceRecord): Promise<void> {
  const deleted = await deps.store.transaction((tx) => tx.devices.delete(device.poolId, device.deviceKey));
  if (!deleted) fail("ResourceNotFoundException", DEVICE_MESSAGES.notFound);
}

export const AdminForgetDevice = defineOperation(
  "AdminForgetDevice",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    await forgetDevice(deps, await findUserDevice(deps, pool.id, user, input.DeviceKey));
    return {};
  },
);
