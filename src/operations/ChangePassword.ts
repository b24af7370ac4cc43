// ChangePassword — the signed-in user sets a new password, giving the current one (auth: the
// access token). Behaviour and sources: docs/recovery.md, "ChangePassword".
//
// The call is counted first, in its own transaction, so that wrong previous passwords count
// against the per-user limit too; then the previous password is checked and the new one
// judged against the policy and the pool's password history, and hashed outside any
// transaction; then the new hash and SRP verifier are stored, and remembered. Sessions stay
// signed in (Cognito keeps the user's tokens valid after a change).
import { limitKey } from "../domain/codePurposes.js";
import { passwordCredentials } from "../domain/credentials.js";
import { POLICY_PREFIX, passwordPolicyViolation } from "../domain/passwords.js";
import { fail, messages } from "../protocol/errors.js";
import { recordAuthEvent } from "../services/authEvents.js";
import { refuseReusedPassword, rememberPassword } from "../services/passwordHistory.js";
import { openSelfService } from "../services/selfService.js";
import { passwordMatches, SIGN_IN_MESSAGES } from "../services/signIn/password.js";
import type { TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const CHANGE_PASSWORD_MESSAGES = {
  // Cognito's wording is not on record; the model says PreviousPassword is "Required if the
  // user has a password".
  previousRequired: "PreviousPassword is required for a user who has a password.",
} as const;

export const ChangePassword = defineOperation(
  "ChangePassword",
  async (deps: TokenDeps & Pick<Deps, "hashGate" | "passwordCost" | "srpMath">, input, ctx) => {
    const { pool, user, clientId } = await openSelfService(deps, input.AccessToken);
    const now = deps.clock.now();
    const limits = deps.config.limits;
    const counted = await deps.store.transaction(async (tx) => {
      await tx.users.getForUpdate(pool.id, user.username);
      const key = limitKey("change-password", pool.id, user.username);
      return tx.limits.hit(key, limits.accountWindowSeconds * 1000, limits.changePasswordPerUser, now);
    });
    if (!counted.allowed) fail("LimitExceededException", messages.attemptLimit);

    const hasPassword = user.passwordHash !== null || user.srp !== null;
    if (hasPassword) {
      if (input.PreviousPassword === undefined) {
        fail("InvalidParameterException", CHANGE_PASSWORD_MESSAGES.previousRequired);
      }
      if (!(await passwordMatches(deps, pool.id, user, input.PreviousPassword))) {
        fail("NotAuthorizedException", SIGN_IN_MESSAGES.incorrect);
      }
    }
    const violation = passwordPolicyViolation(
      input.ProposedPassword,
      pool.config.Policies?.PasswordPolicy,
      POLICY_PREFIX.newPassword,
    );
    if (violation) fail("InvalidPasswordException", violation);
    // After the previous password and the policy: the pool's history (the current password
    // counts). The write below refuses a user whose password changed since, so this check
    // cannot be outrun.
    await refuseReusedPassword(deps, pool, user, input.ProposedPassword);
    const credentials = await passwordCredentials(deps, pool.id, user.username, input.ProposedPassword, now);

    const done = await deps.store.transaction(async (tx) => {
      const current = await tx.users.getForUpdate(pool.id, user.username);
      // Deleted, or its password changed by another request since it was checked: this
      // request's previous password is no longer the current one.
      if (!current || current.passwordHash !== user.passwordHash) return false;
      await tx.users.update({ ...current, ...credentials, updatedAt: now });
      await rememberPassword(tx, pool, current, credentials);
      await recordAuthEvent(tx, deps, {
        poolId: pool.id,
        username: user.username,
        clientId,
        eventType: "ChangePassword",
        now,
        userAgent: ctx.userAgent,
      });
      return true;
    });
    if (!done) fail("NotAuthorizedException", SIGN_IN_MESSAGES.incorrect);
    return {};
  },
);
