// The one-time-code service: every flow that sends a code and takes it back (sign-up
// confirmation, password reset, attribute verification; MFA next) goes through
// these functions, keyed by purpose (src/domain/codePurposes.ts).
//
// Issuing has two steps, because a trigger may run and a transaction must not wait for one:
//   const issued = await issueCode(deps, {purpose: "SIGNUP", source: "CustomMessage_ResendCode", …});
//   await deps.store.transaction(async (tx) => { …; await saveCode(tx, issued); });
// Redeeming (src/services/codeRedemption.ts) runs inside the caller's transaction, after it
// has locked the user:
//   const attempt = codeAttempt(deps, "SIGNUP", pool.id, user.username, input.ConfirmationCode);
//   const r = await redeemCode(tx, deps, attempt, now);   // ok | limited | locked | expired | mismatch | taken
import { CODE_POLICIES, type CodePolicy, limitKey, type SourceOf } from "../domain/codePurposes.js";
import { codeHmac, generateCode } from "../domain/codes.js";
import type { DeliveryTarget } from "../domain/delivery.js";
import type { MessageTemplate } from "../domain/templates.js";
import { CLIENT_ID_NOT_APPLICABLE, eventAttributes, senderTriggerFor } from "../domain/triggerEvents.js";
import type { Username } from "../domain/usernames.js";
import type { Deps } from "../operations/deps.js";
import type {
  CodePurpose,
  CodeRecord,
  OutboxMessage,
  PoolRecord,
  StoreTx,
  UserRecord,
} from "../ports/store/index.js";
import { applyCustomMessage, holdForSender, outboxRow, type Route, route } from "./codeMessage.js";

export interface IssueRequest<P extends CodePurpose> {
  purpose: P;
  /** The operation sending it, as the CustomMessage trigger source names it. */
  source: SourceOf<P>;
  pool: PoolRecord;
  /** The app client of the request, or null for admin operations. */
  clientId: string | null;
  user: UserRecord;
  target: DeliveryTarget;
  clientMetadata: Record<string, string> | undefined;
  userAgent: string | undefined;
}

/** A code made and rendered, not yet stored: `saveCode` writes it in the caller's transaction. */
export interface IssuedCode {
  readonly record: CodeRecord;
  readonly message: OutboxMessage;
}

export type IssueDeps = Pick<Deps, "clock" | "random" | "serverSecret" | "delivery" | "triggers" | "config">;

function codeRecord(
  deps: Pick<Deps, "serverSecret">,
  purpose: CodePurpose,
  policy: CodePolicy,
  a: { poolId: string; username: Username; target: DeliveryTarget; code: string; now: number },
): CodeRecord {
  return {
    poolId: a.poolId,
    username: a.username,
    purpose,
    codeHmac: codeHmac(deps.serverSecret, a.poolId, a.username, purpose, a.code),
    // The store fills it in from the code this one supersedes.
    previous: [],
    attributeName: a.target.attributeName,
    issuedAt: a.now,
    expiresAt: a.now + policy.validityMs,
    failedAttempts: 0,
    consumedAt: null,
  };
}

/**
 * Makes a fresh code for the user and its message: the delivery route (failing first when
 * the medium cannot be delivered), the purpose's template, the pool's CustomMessage function
 * (not when a custom sender delivers), the rendered outbox row. Writes nothing.
 */
export async function issueCode<P extends CodePurpose>(
  deps: IssueDeps,
  req: IssueRequest<P>,
): Promise<IssuedCode> {
  const draft = draftCode(deps, req);
  if (draft.route.sender === null) {
    const { pool, user } = req;
    await applyCustomMessage(deps, pool, draft.template, req.target.medium, {
      source: req.source,
      userAttributes: draft.userAttributes,
      clientMetadata: req.clientMetadata,
      eventContext: {
        region: deps.config.region,
        userPoolId: pool.id,
        userName: user.username,
        clientId: req.clientId ?? CLIENT_ID_NOT_APPLICABLE,
        userAgent: req.userAgent,
      },
    });
  }
  return finishCode(deps, req, draft);
}

/**
 * Whether issuing a code in this pool runs a function of the pool's (CustomMessage, or a
 * custom sender for the medium): then `issueCode` must run outside any transaction.
 */
export function runsFunction(
  deps: Pick<Deps, "triggers">,
  pool: PoolRecord,
  medium: "EMAIL" | "SMS",
): boolean {
  return (
    deps.triggers.configured(pool, "CustomMessage") !== null ||
    deps.triggers.configured(pool, senderTriggerFor(medium)) !== null
  );
}

/**
 * `issueCode` for a pool that runs no function for it (`runsFunction` is false): nothing to
 * wait for, so it may run inside the transaction that saves the code.
 */
export function issueCodeInline<P extends CodePurpose>(deps: IssueDeps, req: IssueRequest<P>): IssuedCode {
  if (runsFunction(deps, req.pool, req.target.medium)) {
    throw new Error("issueCodeInline: this pool runs a function for its codes; use issueCode");
  }
  return finishCode(deps, req, draftCode(deps, req));
}

interface Draft {
  route: Route;
  now: number;
  code: string;
  template: MessageTemplate;
  userAttributes: Record<string, string>;
}

function draftCode<P extends CodePurpose>(deps: IssueDeps, req: IssueRequest<P>): Draft {
  const policy: CodePolicy = CODE_POLICIES[req.purpose];
  return {
    route: route(deps, req.pool, req.target),
    now: deps.clock.now(),
    code: generateCode(deps.random),
    template: policy.template(req.pool.config, req.target.medium),
    userAttributes: eventAttributes(req.user),
  };
}

function finishCode<P extends CodePurpose>(deps: IssueDeps, req: IssueRequest<P>, d: Draft): IssuedCode {
  const { pool, user, target } = req;
  const record = codeRecord(deps, req.purpose, CODE_POLICIES[req.purpose], {
    poolId: pool.id,
    username: user.username,
    target,
    code: d.code,
    now: d.now,
  });
  const message = outboxRow(deps, {
    pool,
    clientId: req.clientId,
    username: user.username,
    target,
    route: d.route,
    template: d.template,
    code: d.code,
    source: req.source,
    now: d.now,
  });
  if (d.route.sender !== null) {
    holdForSender(deps, message, {
      userAgent: req.userAgent,
      clientMetadata: req.clientMetadata,
      userAttributes: d.userAttributes,
    });
  }
  return { record, message };
}

/**
 * In the caller's transaction: the code becomes the user's current one for its purpose (the
 * one it replaces joins `previous` atomically, so of two concurrent issues the later wins
 * and never are two codes valid), and its message is queued.
 */
export async function saveCode(tx: StoreTx, issued: IssuedCode): Promise<void> {
  await tx.codes.supersede(issued.record);
  await tx.outbox.enqueue(issued.message);
}

/**
 * The code and message a real issue would make for `name`, for a simulated answer
 * (PreventUserExistenceErrors) to cost the same work: the route, a fresh code with its HMAC,
 * the rendered row. No trigger runs for a user who does not exist, and nothing of it is
 * written or sent.
 */
export function issueDecoy<P extends CodePurpose>(
  deps: IssueDeps,
  req: { purpose: P; source: SourceOf<P>; pool: PoolRecord; name: Username; target: DeliveryTarget },
): IssuedCode {
  const policy: CodePolicy = CODE_POLICIES[req.purpose];
  const how = route(deps, req.pool, req.target);
  const now = deps.clock.now();
  const code = generateCode(deps.random);
  const template = policy.template(req.pool.config, req.target.medium);
  const a = { poolId: req.pool.id, username: req.name, target: req.target, code, now };
  const record = codeRecord(deps, req.purpose, policy, a);
  const message = outboxRow(deps, {
    pool: req.pool,
    clientId: null,
    username: req.name,
    target: req.target,
    route: how,
    template,
    code,
    source: req.source,
    now,
  });
  return { record, message };
}

/** The key of the per-user counter of codes sent for `purpose`. */
export function issueLimitKey(
  deps: Pick<Deps, "config">,
  purpose: CodePurpose,
  poolId: string,
  name: string,
) {
  const limit = CODE_POLICIES[purpose].issueLimit(deps.config.limits);
  return { key: limitKey(limit.name, poolId, name), max: limit.max, windowMs: limit.windowMs };
}

/**
 * Counts one code sent to the user for `purpose` in the caller's transaction; false when the
 * user is over the purpose's limit (the caller answers LimitExceededException).
 */
export async function countIssue(
  tx: StoreTx,
  deps: Pick<Deps, "config">,
  purpose: CodePurpose,
  poolId: string,
  name: Username,
  now: number,
): Promise<boolean> {
  const { key, max, windowMs } = issueLimitKey(deps, purpose, poolId, name);
  return (await tx.limits.hit(key, windowMs, max, now)).allowed;
}

/**
 * Whether the user is already at the purpose's limit, by a cheap read outside any transaction:
 * so that an over-limit caller costs no trigger call (`countIssue` stays the authority).
 */
export async function overIssueLimit(
  deps: Pick<Deps, "config" | "store">,
  purpose: CodePurpose,
  poolId: string,
  name: Username,
  now: number,
): Promise<boolean> {
  const { key, max } = issueLimitKey(deps, purpose, poolId, name);
  const seen = await deps.store.read.limits.peek(key, now);
  return seen !== undefined && seen.count >= max;
}

/**
 * A simulated code send (PreventUserExistenceErrors) for an operation whose real answer sends
 * a code of `purpose` and counts it against the purpose's issue limit: the work of a real
 * send — a decoy code with its HMAC and rendered message, then one transaction of the real
 * one's statements in which only the limit hit writes — and then the wait that makes up what
 * the real answer's writes cost beyond that (src/services/latency.ts). Answers false when the
 * name is over the limit, as the real answer would be. Nothing is written but the counter, and
 * nothing is sent.
 */
export async function simulateIssue<P extends CodePurpose>(
  deps: IssueDeps & Pick<Deps, "store" | "latency">,
  req: {
    purpose: P;
    source: SourceOf<P>;
    pool: PoolRecord;
    name: Username;
    target: DeliveryTarget;
    /** The operation whose real answers the wait is measured against. */
    operation: string;
    started: number;
    now: number;
    /** Whether the real answer peeks at the limit first (when a trigger would run). */
    peek: boolean;
  },
): Promise<boolean> {
  const { key, max, windowMs } = issueLimitKey(deps, req.purpose, req.pool.id, req.name);
  if (req.peek) {
    const seen = await deps.store.read.limits.peek(key, req.now);
    if (seen && seen.count >= max) return false;
  }
  const decoy = issueDecoy(deps, req);
  // As many statements as the real transaction, in its order: the user read (finding nobody),
  // the limit hit, then, in place of the code, the message and the auth event (which must not
  // be written), three prepared statements that find nothing.
  const hit = await deps.store.transaction(async (tx) => {
    await tx.users.getForUpdate(req.pool.id, req.name);
    const counted = await tx.limits.hit(key, windowMs, max, req.now);
    if (!counted.allowed) return counted;
    await tx.codes.addFailedAttempt(req.pool.id, req.name, decoy.record.purpose, 0);
    await tx.codes.get(req.pool.id, req.name, decoy.record.purpose);
    await tx.limits.peek(key, req.now);
    return counted;
  });
  if (!hit.allowed) return false;
  await deps.latency.pad(req.operation, req.pool.id, req.started);
  return true;
}
