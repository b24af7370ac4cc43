// ForgotPassword — sends a password-reset code to the user's verified email or phone number
// (auth: none). Behaviour and sources: docs/recovery.md, "ForgotPassword".
import { deliveryDetails } from "../domain/delivery.js";
import {
  mayResetPassword,
  RECOVERY_MESSAGES,
  recoveryMechanisms,
  recoveryTarget,
} from "../domain/recovery.js";
import { simulatedRecoveryTarget } from "../domain/simulated.js";
import type { PoolRecord, UserRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import type { ForgotPasswordResponse } from "../protocol/generated/shapes.js";
import { recordAuthEvent } from "../services/authEvents.js";
import { countIssue, issueCode, overIssueLimit, saveCode, simulateIssue } from "../services/codes.js";
import { recoveryMfa } from "../services/mfa.js";
import { type MigrationDeps, migrateUser } from "../services/migration.js";
import { openPublicRequest } from "../services/publicRequest.js";
import { findUser, simulatedName } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

type ForgotDeps = Pick<
  Deps,
  "directory" | "store" | "clock" | "random" | "serverSecret" | "config" | "delivery" | "triggers" | "latency"
> &
  MigrationDeps;

/** Why a user cannot get a code: each has a LEGACY error, and a simulated answer under ENABLED. */
type Refusal = "unknown" | "disabled" | "state" | "noMedium";

function refuse(why: Refusal): never {
  switch (why) {
    case "unknown":
      fail("UserNotFoundException", messages.userNotFoundForClient);
      break;
    case "disabled":
      fail("NotAuthorizedException", messages.userDisabled);
      break;
    case "state":
      fail("NotAuthorizedException", RECOVERY_MESSAGES.cannotReset);
      break;
    case "noMedium":
      fail("InvalidParameterException", RECOVERY_MESSAGES.noMedium);
  }
}

/** The first reason this user cannot get a reset code now, or null. */
function refusal(pool: PoolRecord, user: UserRecord | undefined): Refusal | null {
  if (!user) return "unknown";
  if (!user.enabled) return "disabled";
  if (!mayResetPassword(user.status)) return "state";
  if (!recoveryTarget(pool.config, user.attributes, recoveryMfa(pool.config, user))) return "noMedium";
  return null;
}

export const ForgotPassword = defineOperation("ForgotPassword", async (deps: ForgotDeps, input, ctx) => {
  const started = deps.latency.now();
  const typed = input.Username;
  const clientId = input.ClientId;
  const { pool, protect } = await openPublicRequest(deps, {
    clientId,
    username: typed,
    secretHash: input.SecretHash,
  });
  // A setting of the pool: the same answer whoever is named, so it tells nothing.
  if (recoveryMechanisms(pool.config) === "admin_only") {
    fail("NotAuthorizedException", RECOVERY_MESSAGES.adminOnly);
  }
  const now = deps.clock.now();
  const hasTrigger = invokesTrigger(deps, pool);

  // Under PreventUserExistenceErrors, whoever cannot get a code — unknown, disabled, in a state
  // that cannot reset, or with no verified medium — gets a plausible answer and nothing is sent.
  const simulated = async (): Promise<ForgotPasswordResponse> => {
    const target = simulatedRecoveryTarget(deps.serverSecret, pool, typed);
    if (!target) fail("InvalidParameterException", RECOVERY_MESSAGES.noMedium);
    const counted = await simulateIssue(deps, {
      purpose: "FORGOT_PASSWORD",
      source: "CustomMessage_ForgotPassword",
      pool,
      name: simulatedName(pool, typed),
      target,
      operation: "ForgotPassword",
      started,
      now,
      peek: hasTrigger,
    });
    if (!counted) fail("LimitExceededException", messages.attemptLimit);
    return { CodeDeliveryDetails: deliveryDetails(target) };
  };

  // A name with no user goes to the pool's UserMigration function (no password in this flow);
  // a user it creates must reset their password, which is what this request starts
  // (docs/user-migration.md).
  const user =
    (await findUser(deps.store.read, pool, typed)) ??
    (
      await migrateUser(deps, {
        pool,
        clientId,
        typed,
        source: "UserMigration_ForgotPassword",
        password: undefined,
        validationData: undefined,
        clientMetadata: input.ClientMetadata,
        userAgent: ctx.userAgent,
      })
    )?.user;
  const why = refusal(pool, user);
  if (why !== null || !user) {
    if (protect) return simulated();
    refuse(why ?? "unknown");
  }
  const target = recoveryTarget(pool.config, user.attributes, recoveryMfa(pool.config, user));
  if (!target) refuse("noMedium");
  // A cheap read first, so that an over-limit caller costs no trigger call; the count itself
  // happens atomically in the transaction below.
  if (hasTrigger && (await overIssueLimit(deps, "FORGOT_PASSWORD", pool.id, user.username, now))) {
    fail("LimitExceededException", messages.attemptLimit);
  }
  const issued = await issueCode(deps, {
    purpose: "FORGOT_PASSWORD",
    source: "CustomMessage_ForgotPassword",
    pool,
    clientId,
    user,
    target,
    clientMetadata: input.ClientMetadata,
    userAgent: ctx.userAgent,
  });

  // One transaction: the user as it is now, the count, the code (superseding any earlier
  // reset code), its message and the auth event. The password stays valid and the status
  // does not change: only the code's use resets the password.
  const outcome = await deps.store.transaction(async (tx): Promise<Refusal | "limited" | "ok"> => {
    const current = await tx.users.getForUpdate(pool.id, user.username);
    const changed = refusal(pool, current);
    if (changed !== null) return changed;
    const latest = current ?? { attributes: {}, mfa: null };
    if (
      recoveryTarget(pool.config, latest.attributes, recoveryMfa(pool.config, latest))?.destination !==
      target.destination
    ) {
      return "noMedium";
    }
    if (!(await countIssue(tx, deps, "FORGOT_PASSWORD", pool.id, user.username, now))) return "limited";
    await saveCode(tx, issued);
    await recordAuthEvent(tx, deps, {
      poolId: pool.id,
      username: user.username,
      clientId,
      eventType: "ForgotPassword",
      now,
      userAgent: ctx.userAgent,
      input,
    });
    return "ok";
  });
  if (outcome === "limited") fail("LimitExceededException", messages.attemptLimit);
  if (outcome !== "ok") {
    if (protect) return simulated();
    refuse(outcome);
  }
  deps.latency.record("ForgotPassword", pool.id, started);
  return { CodeDeliveryDetails: deliveryDetails(target) };
});

/** Whether a reset for this pool runs a trigger before its transaction. */
function invokesTrigger(deps: Pick<Deps, "triggers">, pool: PoolRecord): boolean {
  return (
    deps.triggers.configured(pool, "CustomMessage") !== null ||
    deps.triggers.configured(pool, "CustomEmailSender") !== null ||
    deps.triggers.configured(pool, "CustomSMSSender") !== null
  );
}
