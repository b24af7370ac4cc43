// DeleteUser — the signed-in user deletes their own profile (auth: the access token). The
// user goes with their codes, aliases, pending changes and refresh tokens (cascades); the
// access token then answers "User does not exist." on every user-pool API, though a resource
// server checking only its signature accepts it until it expires. No trigger runs.
// Behaviour and sources: docs/recovery.md, "DeleteUser".
import { fail, messages } from "../protocol/errors.js";
import { openSelfService } from "../services/selfService.js";
import { revokeAllTokensOfUser, type TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";

export const DeleteUser = defineOperation("DeleteUser", async (deps: TokenDeps, input) => {
  const { pool, user } = await openSelfService(deps, input.AccessToken);
  const now = deps.clock.now();
  const deleted = await deps.store.transaction(async (tx) => {
    // Revoked first, in case a store keeps refresh tokens apart from their user.
    await revokeAllTokensOfUser(tx, pool.id, user.username, now);
    return tx.users.delete(pool.id, user.username);
  });
  if (!deleted) fail("UserNotFoundException", messages.userNotFound);
  return {};
});
