// ConfirmForgotPassword — sets a new password with the code ForgotPassword or
// AdminResetUserPassword sent (auth: none). Behaviour and sources: docs/recovery.md,
// "ConfirmForgotPassword".
//
// Two transactions, with the password work between them: the first counts the call and
// compares the code without using it up, so that a wrong code costs no password hash and
// tells nothing of the policy; the second uses the code (atomically: of two right answers one
// wins) and stores the new password's hash and SRP verifier, and remembers it in the pool's
// password history. A policy or history failure leaves the code valid for another try.
import { type PasswordCredentials, passwordCredentials } from "../domain/credentials.js";
import { POLICY_PREFIX, passwordPolicyViolation } from "../domain/passwords.js";
import { eventAttributes, postConfirmationEvent } from "../domain/triggerEvents.js";
import type { PoolRecord, UserRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { claimAliases } from "../services/aliases.js";
import { recordAuthEvent } from "../services/authEvents.js";
import {
  type CodeCheck,
  checkCode,
  codeAttempt,
  consumeCode,
  redeemForUnknown,
} from "../services/codeRedemption.js";
import {
  type HistoryMoved,
  historyMoved,
  rememberPassword,
  writeUnlessReused,
} from "../services/passwordHistory.js";
import { chargeForPasswordHash, openPublicRequest } from "../services/publicRequest.js";
import { findUser, simulatedName } from "../services/users.js";
import { TOO_MANY_FAILED_ATTEMPTS } from "./ConfirmSignUp.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

type Outcome = { kind: "gone" } | { kind: "disabled" } | Exclude<CodeCheck, { kind: "ok" }>;

export const ConfirmForgotPassword = defineOperation(
  "ConfirmForgotPassword",
  async (
    deps: Pick<
      Deps,
      | "directory"
      | "store"
      | "clock"
      | "random"
      | "serverSecret"
      | "config"
      | "triggers"
      | "latency"
      | "hashGate"
      | "passwordCost"
      | "ipLimiter"
      | "srpMath"
    >,
    input,
    ctx,
  ) => {
    const started = deps.latency.now();
    const typed = input.Username;
    const clientId = input.ClientId;
    const { pool, protect } = await openPublicRequest(deps, {
      clientId,
      username: typed,
      secretHash: input.SecretHash,
    });
    const now = deps.clock.now();

    const found = await findUser(deps.store.read, pool, typed);
    if (!found?.enabled) {
      // PreventUserExistenceErrors: "CodeMismatchException … for users that don't exist or
      // are disabled".
      if (!protect) {
        if (!found) fail("UserNotFoundException", messages.userNotFoundForClient);
        fail("NotAuthorizedException", messages.userDisabled);
      }
      return confirmUnknown(deps, pool, typed, input.ConfirmationCode, now, started);
    }
    const attempt = codeAttempt(deps, "FORGOT_PASSWORD", pool.id, found.username, input.ConfirmationCode);

    // 1. The code, counted and compared; a wrong guess's count commits.
    const checked = await deps.store.transaction(async (tx): Promise<Outcome | { kind: "ok" }> => {
      const user = await tx.users.getForUpdate(pool.id, found.username);
      if (!user) return { kind: "gone" };
      if (!user.enabled) return { kind: "disabled" };
      const r = await checkCode(tx, deps, attempt, now);
      return r.kind === "ok" ? { kind: "ok" } : r;
    });
    if (checked.kind !== "ok") {
      if (checked.kind === "mismatch") deps.latency.record("ConfirmForgotPassword", pool.id, started);
      refuse(checked, protect);
    }

    // 2. The new password: the policy (Cognito's reset wording), then the pool's history, then
    //    its hash and verifier, outside any transaction and charged to the caller's allowance.
    const violation = passwordPolicyViolation(
      input.Password,
      pool.config.Policies?.PasswordPolicy,
      POLICY_PREFIX.newPassword,
    );
    if (violation) fail("InvalidPasswordException", violation);
    let credentials: PasswordCredentials | undefined;
    const done = await writeUnlessReused(deps, pool, found, input.Password, async (history) => {
      if (credentials === undefined) {
        chargeForPasswordHash(deps, ctx.sourceIp);
        credentials = await passwordCredentials(deps, pool.id, found.username, input.Password, now);
      }
      const set = credentials;
      // 3. The code used and the password set (and remembered), together.
      return deps.store.transaction(
        async (tx): Promise<Outcome | HistoryMoved | { kind: "ok"; user: UserRecord }> => {
          const user = await tx.users.getForUpdate(pool.id, found.username);
          if (!user) return { kind: "gone" };
          if (!user.enabled) return { kind: "disabled" };
          // Its password changed since the history check: checked again before the code is used.
          if (historyMoved(history, user)) return { kind: "historyMoved", user };
          // Used or superseded since step 1: as any spent code.
          if (!(await consumeCode(tx, attempt, now))) return { kind: "expired" };
          // A reset required by an administrator (or an import) ends here; an unconfirmed user
          // who could receive the code has proved the verified medium, and is confirmed.
          const status =
            user.status === "RESET_REQUIRED" || user.status === "UNCONFIRMED" ? "CONFIRMED" : user.status;
          const updated: UserRecord = { ...user, ...set, status, updatedAt: now };
          await tx.users.update(updated);
          await rememberPassword(tx, pool, user, set);
          if (user.status === "UNCONFIRMED") {
            // Its due aliases, where no one else holds them (this operation has no
            // AliasExistsException: an alias another user holds stays theirs).
            await claimAliases(tx, pool, updated, false, now);
          }
          await recordAuthEvent(tx, deps, {
            poolId: pool.id,
            username: user.username,
            clientId,
            eventType: "ConfirmForgotPassword",
            now,
            userAgent: ctx.userAgent,
            input,
          });
          return { kind: "ok", user: updated };
        },
      );
    });
    if (done.kind !== "ok") refuse(done, protect);

    // Existing sessions are kept: Cognito does not sign a user out when the password is reset
    // (docs/recovery.md, "Sessions after a reset").
    // PostConfirmation runs after the commit: if it fails the caller gets its error, and the
    // new password stays.
    if (deps.triggers.configured(pool, "PostConfirmation")) {
      const event = postConfirmationEvent(
        {
          region: deps.config.region,
          userPoolId: pool.id,
          userName: done.user.username,
          clientId,
          userAgent: ctx.userAgent,
        },
        eventAttributes(done.user),
        input.ClientMetadata,
        "PostConfirmation_ConfirmForgotPassword",
      );
      await deps.triggers.invoke(pool, "PostConfirmation", event);
    }
    return {};
  },
);

function refuse(outcome: Outcome, protect: boolean): never {
  switch (outcome.kind) {
    case "gone":
      if (protect) fail("CodeMismatchException", messages.codeMismatch);
      fail("UserNotFoundException", messages.userNotFoundForClient);
      break;
    case "disabled":
      if (protect) fail("CodeMismatchException", messages.codeMismatch);
      fail("NotAuthorizedException", messages.userDisabled);
      break;
    case "limited":
      fail("LimitExceededException", messages.attemptLimit);
      break;
    case "locked":
      fail("TooManyFailedAttemptsException", TOO_MANY_FAILED_ATTEMPTS);
      break;
    case "expired":
      fail("ExpiredCodeException", messages.codeExpired);
      break;
    case "mismatch":
      fail("CodeMismatchException", messages.codeMismatch);
  }
}

/**
 * PreventUserExistenceErrors: ENABLED, and the user does not exist or is disabled: a wrong
 * code's answer, from a transaction of the same statements as a real wrong guess, counted
 * against the same per-user limit under the name given (as ConfirmSignUp's).
 */
async function confirmUnknown(
  deps: Pick<Deps, "store" | "serverSecret" | "config" | "latency">,
  pool: PoolRecord,
  name: string,
  code: string,
  now: number,
  started: number,
): Promise<never> {
  const attempt = codeAttempt(deps, "FORGOT_PASSWORD", pool.id, simulatedName(pool, name), code);
  const r = await deps.store.transaction(async (tx) => {
    await tx.users.getForUpdate(pool.id, attempt.username);
    return redeemForUnknown(tx, deps, attempt, now);
  });
  if (r.kind === "limited") fail("LimitExceededException", messages.attemptLimit);
  if (r.kind === "locked") fail("TooManyFailedAttemptsException", TOO_MANY_FAILED_ATTEMPTS);
  await deps.latency.pad("ConfirmForgotPassword", pool.id, started);
  fail("CodeMismatchException", messages.codeMismatch);
}
