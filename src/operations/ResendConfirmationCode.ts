// ResendConfirmationCode — sends a new sign-up confirmation code to an unconfirmed user
// (auth: none). The steps follow docs/behaviour.md "ResendConfirmationCode".
//
// Two shapes of the same steps. In a pool that runs no function for the message (no
// CustomMessage, no custom sender) everything happens in one transaction: the user is read
// and locked once, then checked, counted and sent a code. When a function runs, it must run
// outside any transaction, so the user is read first, the function runs, and the transaction
// reads the user again under its lock before it writes.
import { limitKey } from "../domain/codePurposes.js";
import { chooseTarget, type DeliveryTarget, deliveryDetails } from "../domain/delivery.js";
import { simulatedTarget } from "../domain/simulated.js";
import type { PoolRecord, StoreTx, UserRecord } from "../ports/store/index.js";
import { fail, messages, ServiceError } from "../protocol/errors.js";
import type { ResendConfirmationCodeRequest } from "../protocol/generated/shapes.js";
import { recordAuthEvent } from "../services/authEvents.js";
import {
  type IssuedCode,
  issueCode,
  issueCodeInline,
  issueDecoy,
  runsFunction,
  saveCode,
} from "../services/codes.js";
import { openPublicRequest } from "../services/publicRequest.js";
import { findUser, findUserForUpdate, simulatedName } from "../services/users.js";
import { defineOperation, type RequestContext } from "./define.js";
import type { Deps } from "./deps.js";

type Outcome =
  | { kind: "ok"; target: DeliveryTarget }
  | { kind: "simulated"; target: DeliveryTarget }
  | { kind: "gone" }
  | { kind: "disabled" }
  | { kind: "confirmed" }
  | { kind: "limited" };

type ResendDeps = Pick<
  Deps,
  "directory" | "store" | "clock" | "random" | "serverSecret" | "config" | "delivery" | "triggers" | "latency"
>;

/** What every step needs to know about the request. */
interface Resend {
  input: ResendConfirmationCodeRequest;
  ctx: RequestContext;
  pool: PoolRecord;
  protect: boolean;
  now: number;
  /** The monotonic start, for the latency mirror (src/services/latency.ts). */
  started: number;
}

/** The per-user resend counter's key (shared by real and simulated answers). */
export function resendLimitKey(poolId: string, name: string): string {
  return limitKey("resend", poolId, name);
}

export const ResendConfirmationCode = defineOperation(
  "ResendConfirmationCode",
  async (deps: ResendDeps, input, ctx) => {
    const started = deps.latency.now();
    // 2–3. The app client (and its pool), SecretHash over the Username exactly as sent, the
    //      pool's request quota.
    const { pool, protect } = await openPublicRequest(deps, {
      clientId: input.ClientId,
      username: input.Username,
      secretHash: input.SecretHash,
    });
    const r: Resend = { input, ctx, pool, protect, now: deps.clock.now(), started };
    const outcome = invokesTrigger(deps, pool) ? await aroundTrigger(deps, r) : await atOnce(deps, r);
    switch (outcome.kind) {
      case "gone":
        throw new ServiceError("UserNotFoundException", messages.userNotFoundForClient);
      case "disabled":
        fail("NotAuthorizedException", messages.userDisabled);
        break;
      case "confirmed":
        fail("InvalidParameterException", messages.alreadyConfirmed);
        break;
      case "limited":
        fail("LimitExceededException", messages.attemptLimit);
        break;
      case "simulated": {
        const out = { CodeDeliveryDetails: deliveryDetails(outcome.target) };
        await deps.latency.pad("ResendConfirmationCode", pool.id, started);
        return out;
      }
      case "ok":
        break;
    }
    // 11 happened when the code was issued (delivery plan); transient failures retry from
    // the outbox.
    const out = { CodeDeliveryDetails: deliveryDetails(outcome.target) };
    deps.latency.record("ResendConfirmationCode", pool.id, started);
    return out;
  },
);

/** Whether a resend for this pool runs a function (CustomMessage, a custom sender). */
function invokesTrigger(deps: Pick<Deps, "triggers">, pool: PoolRecord): boolean {
  return runsFunction(deps, pool, "EMAIL") || runsFunction(deps, pool, "SMS");
}

/** 4–11 in one transaction: no function runs, so nothing is awaited but the database. */
function atOnce(deps: ResendDeps, r: Resend): Promise<Outcome> {
  const { pool, input } = r;
  const limits = deps.config.limits;
  return deps.store.transaction(async (tx): Promise<Outcome> => {
    // 4. The user, by username, alias or sub, locked.
    const user = await findUserForUpdate(tx, pool, input.Username);
    if (!user?.enabled) {
      if (r.protect) return simulated(tx, deps, r);
      return user ? { kind: "disabled" } : { kind: "gone" };
    }
    // 5. Only unconfirmed users get a confirmation code.
    if (user.status !== "UNCONFIRMED") return { kind: "confirmed" };
    // 6. Where the code goes.
    const target = chooseTarget(pool.config, user.attributes);
    if (!target) fail("InvalidParameterException", messages.noAutoVerification);
    // 8–9. A new code and its message; failing here (the medium cannot be delivered) comes
    //      before the limit, as when a function runs.
    const issued = issueCodeInline(deps, issueRequest(r, user, target));
    // 7. The per-user limit, counted atomically.
    const hit = await tx.limits.hit(
      resendLimitKey(pool.id, user.username),
      limits.resendWindowSeconds * 1000,
      limits.resendPerUser,
      r.now,
    );
    if (!hit.allowed) return { kind: "limited" };
    // 10. The new code (the old one is superseded), the outgoing message and the auth event.
    //     ClientMetadata is never stored.
    await write(tx, deps, r, user, issued);
    return { kind: "ok", target };
  });
}

/** 4–11 when a function runs for the message: the function runs between two reads of the user. */
async function aroundTrigger(deps: ResendDeps, r: Resend): Promise<Outcome> {
  const { pool, input, now } = r;
  const limits = deps.config.limits;
  // 4. The user, by username, alias or sub.
  const user = await findUser(deps.store.read, pool, input.Username);
  if (!user?.enabled) {
    if (r.protect) return simulatedAroundTrigger(deps, r);
    return user ? { kind: "disabled" } : { kind: "gone" };
  }
  // 5. Only unconfirmed users get a confirmation code.
  if (user.status !== "UNCONFIRMED") return { kind: "confirmed" };
  // 6. Where the code goes.
  const target = chooseTarget(pool.config, user.attributes);
  if (!target) fail("InvalidParameterException", messages.noAutoVerification);
  // 7. Per-user limit: a cheap read first, so an over-limit caller costs no function call;
  //    the counting itself happens atomically in the transaction below.
  const key = resendLimitKey(pool.id, user.username);
  const seen = await deps.store.read.limits.peek(key, now);
  if (seen && seen.count >= limits.resendPerUser) return { kind: "limited" };
  // 8–9. A new code and its message (templates, CustomMessage trigger).
  const issued = await issueCode(deps, issueRequest(r, user, target));
  // 10. One transaction: the limit hit, the new code, the message and the auth event.
  const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
    const current = await tx.users.getForUpdate(pool.id, user.username);
    // Read again under the lock: a user deleted or disabled since the read above is refused too.
    if (!current?.enabled) return { kind: current ? "disabled" : "gone" };
    if (current.status !== "UNCONFIRMED") return { kind: "confirmed" };
    const hit = await tx.limits.hit(key, limits.resendWindowSeconds * 1000, limits.resendPerUser, now);
    if (!hit.allowed) return { kind: "limited" };
    await write(tx, deps, r, user, issued);
    return { kind: "ok", target };
  });
  if ((outcome.kind === "gone" || outcome.kind === "disabled") && r.protect) {
    return simulatedAroundTrigger(deps, r);
  }
  return outcome;
}

function issueRequest(r: Resend, user: UserRecord, target: DeliveryTarget) {
  return {
    purpose: "SIGNUP",
    source: "CustomMessage_ResendCode",
    pool: r.pool,
    clientId: r.input.ClientId,
    user,
    target,
    clientMetadata: r.input.ClientMetadata,
    userAgent: r.ctx.userAgent,
  } as const;
}

async function write(
  tx: StoreTx,
  deps: Pick<Deps, "random">,
  r: Resend,
  user: UserRecord,
  issued: IssuedCode,
): Promise<void> {
  await saveCode(tx, issued);
  await recordAuthEvent(tx, deps, {
    poolId: r.pool.id,
    username: user.username,
    clientId: r.input.ClientId,
    eventType: "ResendConfirmationCode",
    now: r.now,
    userAgent: r.ctx.userAgent,
    input: r.input,
  });
}

/*
 * PreventUserExistenceErrors: ENABLED, and the user does not exist or is disabled: a
 * plausible answer, counted by the same per-user limit, and no message.
 *
 * Its latency must not tell it from a real resend (test/e2e/enumeration.test.ts holds the
 * medians within 20%), so it does the same work: the limit peek (when a function would run),
 * a code with its HMAC and rendered message, and a transaction of the real one's statements
 * in which only the limit hit writes. What the real answer's writes cost beyond that is
 * matched by waiting (src/services/latency.ts, in the handler above), as is a CustomMessage
 * function's run time, since no function is invoked for a user who does not exist.
 */

/** The simulated answer inside the transaction of `atOnce`, after its user read found nobody. */
async function simulated(tx: StoreTx, deps: ResendDeps, r: Resend): Promise<Outcome> {
  const decoy = decoyFor(deps, r);
  const counted = await tx.limits.hit(
    decoy.key,
    deps.config.limits.resendWindowSeconds * 1000,
    deps.config.limits.resendPerUser,
    r.now,
  );
  if (!counted.allowed) return { kind: "limited" };
  await decoyStatements(tx, decoy);
  return { kind: "simulated", target: decoy.target };
}

/** The simulated answer of `aroundTrigger`: the peek, then a transaction of its own. */
async function simulatedAroundTrigger(deps: ResendDeps, r: Resend): Promise<Outcome> {
  const { pool, now } = r;
  const limit = deps.config.limits.resendPerUser;
  const decoy = decoyFor(deps, r);
  const seen = await deps.store.read.limits.peek(decoy.key, now);
  if (seen && seen.count >= limit) return { kind: "limited" };
  return deps.store.transaction(async (tx): Promise<Outcome> => {
    // The real path's locked read of the user, which finds nobody under this name.
    await tx.users.getForUpdate(pool.id, decoy.issued.record.username);
    const counted = await tx.limits.hit(decoy.key, deps.config.limits.resendWindowSeconds * 1000, limit, now);
    if (!counted.allowed) return { kind: "limited" };
    await decoyStatements(tx, decoy);
    return { kind: "simulated", target: decoy.target };
  });
}

interface Decoy {
  target: DeliveryTarget;
  key: string;
  issued: IssuedCode;
}

/**
 * The simulated destination (InvalidParameterException when the pool verifies nothing) and
 * the code and message a real issue would make for the simulated name, failing as a real
 * user's resend does when the medium cannot be delivered.
 */
function decoyFor(deps: ResendDeps, r: Resend): Decoy {
  const target = simulatedTarget(deps.serverSecret, r.pool, r.input.Username);
  if (!target) fail("InvalidParameterException", messages.noAutoVerification);
  const name = simulatedName(r.pool, r.input.Username);
  const issued = issueDecoy(deps, {
    purpose: "SIGNUP",
    source: "CustomMessage_ResendCode",
    pool: r.pool,
    name,
    target,
  });
  return { target, key: resendLimitKey(r.pool.id, name), issued };
}

/**
 * In place of the code, the message and the auth event, which must not be written, three
 * prepared statements that find nothing.
 */
async function decoyStatements(tx: StoreTx, d: Decoy): Promise<void> {
  const { poolId, username, purpose } = d.issued.record;
  await tx.codes.addFailedAttempt(poolId, username, purpose, 0);
  await tx.codes.get(poolId, username, purpose);
  await tx.limits.peek(d.key, 0);
}
