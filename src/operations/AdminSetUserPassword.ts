// AdminSetUserPassword — an administrator sets a user's password (SigV4): permanent, and the
// user is CONFIRMED and may sign in with it; or temporary, and the user is in
// FORCE_CHANGE_PASSWORD with a fresh validity window, to choose their own at the next sign-in.
// Any status may be set this way (an UNCONFIRMED user included). No message goes out and no
// trigger runs; sessions already open stay open (docs/admin-users.md, "AdminSetUserPassword").
// Both forms are held to the pool's password history and remembered in it (the model lists
// PasswordHistoryPolicyViolationException for the operation without telling them apart;
// docs/admin-users.md, "Password history").
import { type PasswordCredentials, passwordCredentials } from "../domain/credentials.js";
import { POLICY_PREFIX, passwordPolicyViolation } from "../domain/passwords.js";
import { fail, messages } from "../protocol/errors.js";
import {
  type HistoryMoved,
  historyMoved,
  rememberPassword,
  writeUnlessReused,
} from "../services/passwordHistory.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminSetUserPassword = defineOperation(
  "AdminSetUserPassword",
  async (
    deps: Pick<Deps, "store" | "directory" | "clock" | "random" | "passwordCost" | "hashGate" | "srpMath">,
    input,
  ) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const found = await findUser(deps.store.read, pool, input.Username);
    if (!found) fail("UserNotFoundException", messages.userNotFound);
    const violation = passwordPolicyViolation(
      input.Password,
      pool.config.Policies?.PasswordPolicy,
      POLICY_PREFIX.newPassword,
    );
    if (violation) fail("InvalidPasswordException", violation);
    const now = deps.clock.now();
    const status = input.Permanent === true ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD";
    let credentials: PasswordCredentials | undefined;
    await writeUnlessReused(deps, pool, found, input.Password, async (check) => {
      // The slow hash runs outside the transaction, once, after the history check.
      credentials ??= await passwordCredentials(deps, pool.id, found.username, input.Password, now);
      const set = credentials;
      return deps.store.transaction(async (tx): Promise<undefined | HistoryMoved> => {
        const current = await tx.users.getForUpdate(pool.id, found.username);
        if (!current) fail("UserNotFoundException", messages.userNotFound);
        if (historyMoved(check, current)) return { kind: "historyMoved", user: current };
        await tx.users.update({ ...current, ...set, status, updatedAt: now });
        await rememberPassword(tx, pool, current, set);
        return undefined;
      });
    });
    return {};
  },
);
