// AdminDeleteUser — deletes a user with their codes and aliases (SigV4).
import { fail, messages } from "../protocol/errors.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminDeleteUser = defineOperation(
  "AdminDeleteUser",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    const deleted = await deps.store.transaction((tx) => tx.users.delete(pool.id, user.username));
    if (!deleted) fail("UserNotFoundException", messages.userNotFound);
    return {};
  },
);
