// AdminSetUserMFAPreference — SetUserMFAPreference for any user of the pool (SigV4;
// docs/mfa.md).
import { fail, messages } from "../protocol/errors.js";
import { setUserMfaPreference } from "../services/softwareTokens.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminSetUserMFAPreference = defineOperation(
  "AdminSetUserMFAPreference",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    await setUserMfaPreference(deps, user, input);
    return {};
  },
);
