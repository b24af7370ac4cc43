// AdminListDevices — a user's confirmed devices, in key order, Limit at a time (SigV4). The
// model lists no UserNotFoundException for this operation: a user who does not exist is
// answered ResourceNotFoundException.
import { fail, messages } from "../protocol/errors.js";
import { listDevicesPage } from "../services/devices.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminListDevices = defineOperation(
  "AdminListDevices",
  async (deps: Pick<Deps, "store" | "directory" | "serverSecret" | "clock">, input, ctx) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("ResourceNotFoundException", messages.userNotFound);
    return listDevicesPage(
      deps,
      { poolId: pool.id, user, limit: input.Limit, token: input.PaginationToken },
      ctx,
    );
  },
);
