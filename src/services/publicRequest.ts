// The preamble every public (unauthenticated, app-client) operation runs before it looks at
// a user: the app client and its pool, the client's SecretHash, the pool's request quota, and
// whether the client hides which users exist (PreventUserExistenceErrors).
import { expensiveCost } from "../domain/passwords.js";
import { checkSecretHash } from "../domain/secretHash.js";
import type { Deps } from "../operations/deps.js";
import type { ClientRecord, PoolRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";

export interface PublicRequest {
  client: ClientRecord;
  pool: PoolRecord;
  /** PreventUserExistenceErrors: ENABLED — unknown (and disabled) users get a plausible answer. */
  protect: boolean;
}

/**
 * Resolves the app client (ResourceNotFoundException), checks the SecretHash computed over the
 * user name exactly as sent (NotAuthorizedException), and counts the request against the
 * pool's quota (TooManyRequestsException).
 */
export async function openPublicRequest(
  deps: Pick<Deps, "directory" | "config" | "store" | "clock">,
  input: { clientId: string; username: string; secretHash: string | undefined },
): Promise<PublicRequest> {
  const { client, pool } = await deps.directory.client(input.clientId);
  requireSecretHash(client, input.username, input.secretHash);
  await checkPoolQuota(deps, pool.id);
  return { client, pool, protect: client.config.PreventUserExistenceErrors === "ENABLED" };
}

/** Enforces SecretHash for clients that have a secret (NotAuthorizedException otherwise). */
export function requireSecretHash(
  client: ClientRecord,
  username: string,
  provided: string | undefined,
): void {
  const r = checkSecretHash(client.secret, username, client.clientId, provided);
  if (r.kind === "missing") fail("NotAuthorizedException", messages.secretMissing(client.clientId));
  if (r.kind === "mismatch") fail("NotAuthorizedException", messages.secretWrong(client.clientId));
}

/**
 * The per-pool request-rate quota for the unauthenticated user operations (Cognito's
 * category quotas answer TooManyRequestsException). Counted in the store, so it holds across
 * nodes. Off (0) by default: a development server should not throttle a test suite.
 */
export async function checkPoolQuota(
  deps: Pick<Deps, "config" | "store" | "clock">,
  poolId: string,
): Promise<void> {
  const rps = deps.config.limits.poolRequestsPerSecond;
  if (rps <= 0) return;
  const now = deps.clock.now();
  const second = Math.floor(now / 1000);
  const hit = await deps.store.transaction((tx) => tx.limits.hit(`${poolId}|rps|${second}`, 2000, rps, now));
  if (!hit.allowed) fail("TooManyRequestsException", messages.tooManyRequests);
}

/**
 * An expensive password hash (N ≥ 2^13) costs the caller `limits.ipHashCost` more tokens of
 * its per-IP allowance (the request itself took one), so one address cannot spend the
 * server's hashing capacity at the price of plain requests; TooManyRequestsException when it
 * cannot afford it now.
 */
export function chargeForPasswordHash(
  deps: Pick<Deps, "passwordCost" | "ipLimiter" | "config">,
  sourceIp: string,
): void {
  if (!expensiveCost(deps.passwordCost)) return;
  if (!deps.ipLimiter.charge(sourceIp, deps.config.limits.ipHashCost)) {
    fail("TooManyRequestsException", messages.tooManyRequests);
  }
}
