// AdminGetDevice — one of a user's devices (SigV4). The model lists no UserNotFoundException
// for this operation: a user who does not exist is answered ResourceNotFoundException.
import { fail, messages } from "../protocol/errors.js";
import { deviceType, findUserDevice } from "../services/devices.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminGetDevice = defineOperation(
  "AdminGetDevice",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("ResourceNotFoundException", messages.userNotFound);
    return { Device: deviceType(await findUserDevice(deps, pool.id, user, input.DeviceKey)) };
  },
);
