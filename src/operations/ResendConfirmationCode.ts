// ResendConfirmationCode — sends a new sign-up confirmation code to an unconfirmed user
// (auth: none). The steps follow docs/behaviour.md "ResendConfirmationCode".
import { limitKey } from "../domain/codePurposes.js";
import { chooseTarget, deliveryDetails } from "../domain/delivery.js";
import { simulatedTarget } from "../domain/simulated.js";
import type { PoolRecord } from "../ports/store/index.js";
import { fail, messages, ServiceError } from "../protocol/errors.js";
import type { ResendConfirmationCodeResponse } from "../protocol/generated/shapes.js";
import { recordAuthEvent } from "../services/authEvents.js";
import { issueCode, issueDecoy, saveCode } from "../services/codes.js";
import { openPublicRequest } from "../services/publicRequest.js";
import { findUser, simulatedName } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

type Output = ResendConfirmationCodeResponse;
type Outcome =
  | { kind: "ok" }
  | { kind: "gone" }
  | { kind: "disabled" }
  | { kind: "confirmed" }
  | { kind: "limited" };

/** The per-user resend counter's key (shared by real and simulated answers). */
export function resendLimitKey(poolId: string, name: string): string {
  return limitKey("resend", poolId, name);
}

export const ResendConfirmationCode = defineOperation(
  "ResendConfirmationCode",
  async (
    deps: Pick<
      Deps,
      | "directory"
      | "store"
      | "clock"
      | "random"
      | "serverSecret"
      | "config"
      | "delivery"
      | "triggers"
      | "latency"
    >,
    input,
    ctx,
  ) => {
    const started = deps.latency.now();
    const username = input.Username;
    const clientId = input.ClientId;
    // 2–3. The app client (and its pool), SecretHash over the Username exactly as sent, the
    //      pool's request quota.
    const { pool, protect } = await openPublicRequest(deps, {
      clientId,
      username,
      secretHash: input.SecretHash,
    });
    const limits = deps.config.limits;
    const windowMs = limits.resendWindowSeconds * 1000;
    const now = deps.clock.now();

    // 4. The user, by username, alias or sub.
    const user = await findUser(deps.store.read, pool, username);
    if (!user?.enabled) {
      if (!protect) {
        if (!user) fail("UserNotFoundException", messages.userNotFoundForClient);
        fail("NotAuthorizedException", messages.userDisabled);
      }
      return simulatedAnswer(deps, pool, username, windowMs, now, started);
    }
    // 5. Only unconfirmed users get a confirmation code.
    if (user.status !== "UNCONFIRMED") fail("InvalidParameterException", messages.alreadyConfirmed);
    // 6. Where the code goes.
    const target = chooseTarget(pool.config, user.attributes);
    if (!target) fail("InvalidParameterException", messages.noAutoVerification);
    // 7. Per-user limit: a cheap read first, so an over-limit caller costs no trigger call;
    //    the counting itself happens atomically in the transaction below.
    const key = resendLimitKey(pool.id, user.username);
    if (invokesTrigger(deps, pool)) {
      const seen = await deps.store.read.limits.peek(key, now);
      if (seen && seen.count >= limits.resendPerUser) fail("LimitExceededException", messages.attemptLimit);
    }

    // 8–9. A new code and its message (templates, CustomMessage trigger).
    const issued = await issueCode(deps, {
      purpose: "SIGNUP",
      source: "CustomMessage_ResendCode",
      pool,
      clientId,
      user,
      target,
      clientMetadata: input.ClientMetadata,
      userAgent: ctx.userAgent,
    });

    // 10. One transaction: the limit hit, the new code (the old one is superseded), the
    //     outgoing message and the auth event. ClientMetadata is never stored.
    const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
      const current = await tx.users.getForUpdate(pool.id, user.username);
      if (!current) return { kind: "gone" };
      // Read again under the lock: a user disabled since the read above is refused too.
      if (!current.enabled) return { kind: "disabled" };
      if (current.status !== "UNCONFIRMED") return { kind: "confirmed" };
      const hit = await tx.limits.hit(key, windowMs, limits.resendPerUser, now);
      if (!hit.allowed) return { kind: "limited" };
      await saveCode(tx, issued);
      await recordAuthEvent(tx, deps, {
        poolId: pool.id,
        username: user.username,
        clientId,
        eventType: "ResendConfirmationCode",
        now,
        userAgent: ctx.userAgent,
        input,
      });
      return { kind: "ok" };
    });
    switch (outcome.kind) {
      case "gone":
        if (protect) return simulatedAnswer(deps, pool, username, windowMs, now, started);
        throw new ServiceError("UserNotFoundException", messages.userNotFoundForClient);
      case "disabled":
        if (protect) return simulatedAnswer(deps, pool, username, windowMs, now, started);
        fail("NotAuthorizedException", messages.userDisabled);
        break;
      case "confirmed":
        fail("InvalidParameterException", messages.alreadyConfirmed);
        break;
      case "limited":
        fail("LimitExceededException", messages.attemptLimit);
        break;
      case "ok":
        break;
    }
    // 11 happened in issueCode (delivery plan); transient failures retry from the outbox.
    const out = { CodeDeliveryDetails: deliveryDetails(target) };
    deps.latency.record("ResendConfirmationCode", pool.id, started);
    return out;
  },
);

/** Whether a resend for this pool runs a trigger before its transaction. */
function invokesTrigger(deps: Pick<Deps, "triggers">, pool: PoolRecord): boolean {
  return (
    deps.triggers.configured(pool, "CustomMessage") !== null ||
    deps.triggers.configured(pool, "CustomEmailSender") !== null ||
    deps.triggers.configured(pool, "CustomSMSSender") !== null
  );
}

/**
 * PreventUserExistenceErrors: ENABLED, and the user does not exist or is disabled: a
 * plausible answer, counted by the same per-user limit, and no message.
 *
 * Its latency must not tell it from a real resend (test/e2e/enumeration.test.ts holds the
 * medians within 20%), so it does the same work: the limit peek (when a trigger would run), a
 * code with its HMAC and rendered message, and one transaction of the real one's statements
 * in which only the limit hit writes. What the real answer's writes cost beyond that is
 * matched by waiting (src/services/latency.ts), as is a CustomMessage function's run time,
 * since no function is invoked for a user who does not exist.
 */
async function simulatedAnswer(
  deps: Pick<
    Deps,
    "store" | "serverSecret" | "config" | "random" | "clock" | "delivery" | "triggers" | "latency"
  >,
  pool: PoolRecord,
  username: string,
  windowMs: number,
  now: number,
  started: number,
): Promise<Output> {
  const target = simulatedTarget(deps.serverSecret, pool, username);
  if (!target) fail("InvalidParameterException", messages.noAutoVerification);
  const name = simulatedName(pool, username);
  const key = resendLimitKey(pool.id, name);
  const limit = deps.config.limits.resendPerUser;
  if (invokesTrigger(deps, pool)) {
    const seen = await deps.store.read.limits.peek(key, now);
    if (seen && seen.count >= limit) fail("LimitExceededException", messages.attemptLimit);
  }
  // As issueCode would, and failing as a real user's resend does when the medium cannot be
  // delivered.
  const decoy = issueDecoy(deps, {
    purpose: "SIGNUP",
    source: "CustomMessage_ResendCode",
    pool,
    name,
    target,
  });
  // One transaction of as many statements as the real one, in its order: the user read
  // (finding nobody), the limit hit (the one write kept), then, in place of the code, the
  // message and the auth event, which must not be written, three prepared statements that
  // find nothing.
  const hit = await deps.store.transaction(async (tx) => {
    await tx.users.getForUpdate(pool.id, name);
    const counted = await tx.limits.hit(key, windowMs, limit, now);
    if (!counted.allowed) return counted;
    await tx.codes.addFailedAttempt(pool.id, name, decoy.record.purpose, 0);
    await tx.codes.get(pool.id, name, decoy.record.purpose);
    await tx.limits.peek(key, now);
    return counted;
  });
  if (!hit.allowed) fail("LimitExceededException", messages.attemptLimit);
  const out = { CodeDeliveryDetails: deliveryDetails(target) };
  await deps.latency.pad("ResendConfirmationCode", pool.id, started);
  return out;
}
