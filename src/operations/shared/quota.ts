import { fail, messages } from "../../protocol/errors.js";
import type { Deps } from "../deps.js";

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
