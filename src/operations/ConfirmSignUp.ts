// ConfirmSignUp — confirms a user with the code sent at sign-up or resend (auth: none).
import { eventAttributes, postConfirmationEvent } from "../domain/triggerEvents.js";
import type { PoolRecord, StoreTx, UserRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { claimAliases } from "../services/aliases.js";
import { recordAuthEvent } from "../services/authEvents.js";
import { codeAttempt, type Redemption, redeemCode, redeemForUnknown } from "../services/codeRedemption.js";
import { openPublicRequest } from "../services/publicRequest.js";
import { findUserForUpdate, simulatedName } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const TOO_MANY_FAILED_ATTEMPTS = "Too many failed attempts.";

type UnknownResult = Awaited<ReturnType<typeof redeemForUnknown>>;

type Outcome =
  | { kind: "ok"; user: UserRecord }
  | { kind: "status"; status: UserRecord["status"] }
  | { kind: "gone" }
  | { kind: "disabled" }
  | { kind: "unknown"; result: UnknownResult }
  | Exclude<Redemption, { kind: "ok" } | { kind: "taken" }>;

export const ConfirmSignUp = defineOperation(
  "ConfirmSignUp",
  async (
    deps: Pick<
      Deps,
      "directory" | "store" | "clock" | "random" | "serverSecret" | "config" | "triggers" | "latency"
    >,
    input,
    ctx,
  ) => {
    const started = deps.latency.now();
    const givenName = input.Username;
    const clientId = input.ClientId;
    const { pool, protect } = await openPublicRequest(deps, {
      clientId,
      username: givenName,
      secretHash: input.SecretHash,
    });
    const now = deps.clock.now();
    const force = input.ForceAliasCreation === true;

    // One transaction: the user is read and locked once, then checked and the code redeemed.
    // Wrong guesses return a result instead of throwing, so that their counting commits.
    const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
      const user = await findUserForUpdate(tx, pool, givenName);
      if (!user?.enabled) {
        if (protect)
          return {
            kind: "unknown",
            result: await confirmUnknown(tx, deps, pool, givenName, input.ConfirmationCode, now),
          };
        return { kind: user ? "disabled" : "gone" };
      }
      if (user.status !== "UNCONFIRMED") return { kind: "status", status: user.status };
      const attempt = codeAttempt(deps, "SIGNUP", pool.id, user.username, input.ConfirmationCode);
      const r = await redeemCode(tx, deps, attempt, now);
      if (r.kind === "taken") return { kind: "status", status: "CONFIRMED" };
      if (r.kind !== "ok") return r;
      const attr = r.code.attributeName;
      const confirmed: UserRecord = {
        ...user,
        status: "CONFIRMED",
        attributes: { ...user.attributes, [`${attr}_verified`]: "true" },
        updatedAt: now,
      };
      await tx.users.update(confirmed);
      const aliases = await claimAliases(tx, pool, confirmed, force, now);
      if (aliases.kind === "taken") {
        fail("AliasExistsException", `An account with the ${aliases.attribute} already exists.`);
      }
      await recordAuthEvent(tx, deps, {
        poolId: pool.id,
        username: user.username,
        clientId,
        eventType: "ConfirmSignUp",
        now,
        userAgent: ctx.userAgent,
        input,
      });
      return { kind: "ok", user: confirmed };
    });

    switch (outcome.kind) {
      case "unknown":
        if (outcome.result.kind === "limited") fail("LimitExceededException", messages.attemptLimit);
        if (outcome.result.kind === "locked")
          fail("TooManyFailedAttemptsException", TOO_MANY_FAILED_ATTEMPTS);
        await deps.latency.pad("ConfirmSignUp", pool.id, started);
        fail("CodeMismatchException", messages.codeMismatch);
        break;
      case "gone":
        fail("UserNotFoundException", messages.userNotFoundForClient);
        break;
      case "disabled":
        fail("NotAuthorizedException", messages.userDisabled);
        break;
      case "status":
        fail("NotAuthorizedException", messages.cannotConfirm(outcome.status));
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
        // What an unknown name's answer is matched with.
        deps.latency.record("ConfirmSignUp", pool.id, started);
        fail("CodeMismatchException", messages.codeMismatch);
        break;
      case "ok":
        break;
    }

    // PostConfirmation runs after the commit: if it fails the caller gets its error, and the
    // user stays confirmed (as in Cognito).
    if (deps.triggers.configured(pool, "PostConfirmation")) {
      const event = postConfirmationEvent(
        {
          region: deps.config.region,
          userPoolId: pool.id,
          userName: outcome.user.username,
          clientId,
          userAgent: ctx.userAgent,
        },
        eventAttributes(outcome.user),
        input.ClientMetadata,
      );
      await deps.triggers.invoke(pool, "PostConfirmation", event);
    }
    return {};
  },
);

/**
 * PreventUserExistenceErrors: ENABLED, and the user does not exist or is disabled: the answer
 * of a wrong code, from the same statements as a real user's wrong guess in the same
 * transaction (after the locked read that found nobody), counted against the same per-user
 * limit under the name given — so that neither LimitExceededException at the 16th call nor
 * the time taken tells the two apart (what the real guess's row reads and write cost beyond
 * that is matched by waiting: src/services/latency.ts).
 */
function confirmUnknown(
  tx: StoreTx,
  deps: Pick<Deps, "serverSecret" | "config">,
  pool: PoolRecord,
  name: string,
  code: string,
  now: number,
): Promise<UnknownResult> {
  const attempt = codeAttempt(deps, "SIGNUP", pool.id, simulatedName(pool, name), code);
  return redeemForUnknown(tx, deps, attempt, now);
}
