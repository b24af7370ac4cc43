// AdminUserGlobalSignOut — ends every session of a user, from a trusted back end (SigV4): the
// user's refresh tokens are revoked, and the access tokens issued with them answer "Access
// Token has been revoked" (docs/signin.md, "Sign-out and revocation").
import { fail, messages } from "../protocol/errors.js";
import { signOutEverywhere } from "../services/tokens/index.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminUserGlobalSignOut = defineOperation(
  "AdminUserGlobalSignOut",
  async (deps: Pick<Deps, "store" | "directory" | "clock">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    if (!user) fail("UserNotFoundException", messages.userNotFound);
    await signOutEverywhere(deps, pool.id, user.username);
    return {};
  },
);
