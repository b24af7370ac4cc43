// AdminResetUserPassword — puts a user in RESET_REQUIRED and sends them a password-reset code,
// which they redeem with ConfirmForgotPassword (SigV4). Behaviour and sources:
// docs/recovery.md, "AdminResetUserPassword".
import {
  mayResetPassword,
  RECOVERY_MESSAGES,
  recoveryMechanisms,
  recoveryTarget,
} from "../domain/recovery.js";
import type { PoolRecord, UserRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { recordAuthEvent } from "../services/authEvents.js";
import { countIssue, issueCode, overIssueLimit, saveCode } from "../services/codes.js";
import { recoveryMfa } from "../services/mfa.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

type Refusal = "gone" | "disabled" | "state" | "noMedium";

/** Refuses what cannot be reset; answers where the code goes. */
function check(pool: PoolRecord, user: UserRecord | undefined) {
  if (!user) return "gone" as const;
  if (!user.enabled) return "disabled" as const;
  // Only a user who has set a password of their own can be sent back to set a new one: not
  // one awaiting their first sign-in (FORCE_CHANGE_PASSWORD), nor an unconfirmed one (who has
  // not proved any medium), nor a federated profile.
  if (!mayResetPassword(user.status) || user.status === "UNCONFIRMED") return "state" as const;
  return (
    recoveryTarget(pool.config, user.attributes, recoveryMfa(pool.config, user)) ?? ("noMedium" as const)
  );
}

function refuse(why: Refusal): never {
  switch (why) {
    case "gone":
      fail("UserNotFoundException", messages.userNotFound);
      break;
    case "disabled":
      fail("NotAuthorizedException", messages.userDisabled);
      break;
    case "state":
      fail("NotAuthorizedException", RECOVERY_MESSAGES.cannotReset);
      break;
    case "noMedium":
      // Strict where sources disagree: a user left in RESET_REQUIRED with nowhere to receive
      // a code could never sign in again, so nothing changes.
      fail("InvalidParameterException", RECOVERY_MESSAGES.noMedium);
  }
}

export const AdminResetUserPassword = defineOperation(
  "AdminResetUserPassword",
  async (
    deps: Pick<
      Deps,
      "directory" | "store" | "clock" | "random" | "serverSecret" | "config" | "delivery" | "triggers"
    >,
    input,
    ctx,
  ) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const user = await findUser(deps.store.read, pool, input.Username);
    const first = check(pool, user);
    if (first === "gone" || first === "disabled" || first === "state") refuse(first);
    // "To use this API operation, your user pool must have self-service account recovery
    // configured" (API reference).
    if (recoveryMechanisms(pool.config) === "admin_only") {
      fail("NotAuthorizedException", RECOVERY_MESSAGES.adminOnlyAdminReset);
    }
    if (typeof first === "string" || !user) refuse("noMedium");
    const target = first;
    const now = deps.clock.now();
    const hasTrigger =
      deps.triggers.configured(pool, "CustomMessage") !== null ||
      deps.triggers.configured(pool, "CustomEmailSender") !== null ||
      deps.triggers.configured(pool, "CustomSMSSender") !== null;
    if (hasTrigger && (await overIssueLimit(deps, "FORGOT_PASSWORD", pool.id, user.username, now))) {
      fail("LimitExceededException", messages.attemptLimit);
    }
    // The same code and message as ForgotPassword's (CustomMessage_ForgotPassword), sent on no
    // app client's behalf.
    const issued = await issueCode(deps, {
      purpose: "FORGOT_PASSWORD",
      source: "CustomMessage_ForgotPassword",
      pool,
      clientId: null,
      user,
      target,
      clientMetadata: input.ClientMetadata,
      userAgent: ctx.userAgent,
    });
    const outcome = await deps.store.transaction(async (tx): Promise<Refusal | "limited" | "ok"> => {
      const current = await tx.users.getForUpdate(pool.id, user.username);
      const still = check(pool, current);
      if (typeof still === "string") return still;
      if (!current || still.destination !== target.destination) return "noMedium";
      // Reset codes sent to a user share one counter, whoever asks for them.
      if (!(await countIssue(tx, deps, "FORGOT_PASSWORD", pool.id, user.username, now))) return "limited";
      // The password stops working at once: sign-in answers PasswordResetRequiredException
      // until the user sets a new one with the code.
      await tx.users.update({ ...current, status: "RESET_REQUIRED", updatedAt: now });
      await saveCode(tx, issued);
      await recordAuthEvent(tx, deps, {
        poolId: pool.id,
        username: user.username,
        clientId: null,
        eventType: "AdminResetUserPassword",
        now,
        userAgent: ctx.userAgent,
      });
      return "ok";
    });
    if (outcome === "limited") fail("LimitExceededException", messages.attemptLimit);
    if (outcome !== "ok") refuse(outcome);
    return {};
  },
);
