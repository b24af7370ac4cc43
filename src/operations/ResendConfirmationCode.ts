// ResendConfirmationCode — sends a new sign-up confirmation code to an unconfirmed user
// (auth: none). The steps follow PRODUCT.md "Behaviour spec: ResendConfirmationCode".
import { nameKey } from "../domain/attributes.js";
import { chooseTarget, deliveryDetails } from "../domain/delivery.js";
import { timeOrderedId } from "../domain/ids.js";
import { caseInsensitive } from "../domain/pool.js";
import { decoyMessage, simulatedTarget } from "../domain/simulated.js";
import { eventAttributes } from "../domain/triggerEvents.js";
import { asUsername } from "../domain/usernames.js";
import type { PoolRecord } from "../ports/store/index.js";
import { fail, messages, ServiceError } from "../protocol/errors.js";
import type { ResendConfirmationCodeResponse } from "../protocol/generated/shapes.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";
import { prepareCodeMessage } from "./shared/codeMessage.js";
import { checkPoolQuota } from "./shared/quota.js";
import { requireSecretHash } from "./shared/secret.js";
import { findUser } from "./shared/users.js";

type Output = ResendConfirmationCodeResponse;
type Outcome = { kind: "ok" } | { kind: "gone" } | { kind: "confirmed" } | { kind: "limited" };

/** The per-user resend counter's key (shared by real and simulated answers). */
export function resendLimitKey(poolId: string, name: string): string {
  return `${poolId}|resend|${name}`;
}

export const ResendConfirmationCode = defineOperation(
  "ResendConfirmationCode",
  async (
    deps: Pick<
      Deps,
      "directory" | "store" | "clock" | "random" | "serverSecret" | "config" | "delivery" | "triggers"
    >,
    input,
    ctx,
  ) => {
    const username = input.Username;
    const clientId = input.ClientId;
    // 2. The app client (and its pool).
    const { client, pool } = await deps.directory.client(clientId);
    // 3. SecretHash, computed over the Username exactly as sent.
    requireSecretHash(client, username, input.SecretHash);
    // Request-rate quota per pool (off unless configured).
    await checkPoolQuota(deps, pool.id);

    const protect = client.config.PreventUserExistenceErrors === "ENABLED";
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
      return simulatedAnswer(deps, pool, username, windowMs, now);
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
    const prepared = await prepareCodeMessage(deps, {
      pool,
      clientId,
      user,
      target,
      triggerSource: "CustomMessage_ResendCode",
      clientMetadata: input.ClientMetadata,
      userAttributes: eventAttributes(user),
      eventContext: {
        region: deps.config.region,
        userPoolId: pool.id,
        userName: user.username,
        clientId,
        userAgent: ctx.userAgent,
      },
    });

    // 10. One transaction: the limit hit, the new code (the old one is superseded), the
    //     outgoing message and the auth event. ClientMetadata is never stored.
    const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
      const current = await tx.users.getForUpdate(pool.id, user.username);
      if (!current?.enabled) return { kind: "gone" };
      if (current.status !== "UNCONFIRMED") return { kind: "confirmed" };
      const hit = await tx.limits.hit(key, windowMs, limits.resendPerUser, now);
      if (!hit.allowed) return { kind: "limited" };
      // The replaced code joins `previous` atomically: of two concurrent resends the later
      // supersedes the earlier, and never are two codes valid.
      await tx.codes.supersede(prepared.record);
      await tx.outbox.enqueue(prepared.message);
      await tx.events.add({
        id: timeOrderedId(deps.random, now),
        poolId: pool.id,
        username: user.username,
        clientId,
        eventType: "ResendConfirmationCode",
        createdAt: now,
        ipAddress: input.UserContextData?.IpAddress ?? null,
        encodedData: input.UserContextData?.EncodedData ?? null,
        analyticsEndpointId: input.AnalyticsMetadata?.AnalyticsEndpointId ?? null,
        userAgent: ctx.userAgent ?? null,
      });
      return { kind: "ok" };
    });
    switch (outcome.kind) {
      case "gone":
        if (protect) return simulatedAnswer(deps, pool, username, windowMs, now);
        throw new ServiceError("UserNotFoundException", messages.userNotFoundForClient);
      case "confirmed":
        fail("InvalidParameterException", messages.alreadyConfirmed);
        break;
      case "limited":
        fail("LimitExceededException", messages.attemptLimit);
        break;
      case "ok":
        break;
    }
    // 11 happened in prepareCodeMessage (delivery plan); transient failures retry from the outbox.
    return { CodeDeliveryDetails: deliveryDetails(target) };
  },
);

/** Thrown to roll back the decoy transaction of a simulated answer. */
class DecoyRollback extends Error {}

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
 * medians within 20%), so it does the same work: the limit peek (when a trigger would run), a code with its HMAC and
 * rendered message, and the real transaction's statements — reads, the message and the auth
 * event written — in a transaction that is then rolled back, so nothing of it is kept or
 * sent; the limit hit commits on its own. A pool with a CustomMessage trigger still differs
 * by the trigger's run time: no function is invoked for a user who does not exist.
 */
async function simulatedAnswer(
  deps: Pick<Deps, "store" | "serverSecret" | "config" | "random" | "delivery" | "triggers">,
  pool: PoolRecord,
  username: string,
  windowMs: number,
  now: number,
): Promise<Output> {
  const target = simulatedTarget(deps.serverSecret, pool, username);
  if (!target) fail("InvalidParameterException", messages.noAutoVerification);
  // A real user's resend fails here when the medium cannot be delivered; so must this one.
  deps.delivery.plan(pool, target.medium, target.destination);
  const name = `?${nameKey(username, caseInsensitive(pool.config))}`;
  const key = resendLimitKey(pool.id, name);
  const limit = deps.config.limits.resendPerUser;
  if (invokesTrigger(deps, pool)) {
    const seen = await deps.store.read.limits.peek(key, now);
    if (seen && seen.count >= limit) fail("LimitExceededException", messages.attemptLimit);
  }

  const linkBaseUrl = deps.config.publicUrl ?? `http://${deps.config.host}:${deps.config.port}`;
  const decoy = decoyMessage(deps.serverSecret, deps.random, pool, name, target, linkBaseUrl);
  try {
    await deps.store.transaction(async (tx) => {
      await tx.users.getForUpdate(pool.id, asUsername(name));
      // Stands in for the real path's limit hit and code supersede (one read, one write).
      await tx.limits.peek(key, now);
      await tx.outbox.enqueue({
        id: timeOrderedId(deps.random, now),
        poolId: pool.id,
        clientId: null,
        username: name,
        medium: target.medium,
        attributeName: target.attributeName,
        destination: target.destination,
        subject: decoy.subject,
        body: decoy.body,
        code: null,
        triggerSource: "CustomMessage_ResendCode",
        createdAt: now,
        status: "failed",
        transport: "none",
        attempts: 0,
        lastError: decoy.codeHmac,
        nextAttemptAt: now,
        sentAt: null,
      });
      await tx.events.add({
        id: timeOrderedId(deps.random, now),
        poolId: pool.id,
        username: name,
        clientId: null,
        eventType: "ResendConfirmationCode",
        createdAt: now,
        ipAddress: null,
        encodedData: null,
        analyticsEndpointId: null,
        userAgent: null,
      });
      throw new DecoyRollback();
    });
  } catch (e) {
    if (!(e instanceof DecoyRollback)) throw e;
  }
  const hit = await deps.store.transaction((tx) => tx.limits.hit(key, windowMs, limit, now));
  if (!hit.allowed) fail("LimitExceededException", messages.attemptLimit);
  return { CodeDeliveryDetails: deliveryDetails(target) };
}
