// The signed pagination tokens of the admin lists (src/domain/pageTokens.ts) as operations use
// them: read the caller's token, or refuse it with Cognito's answer; make the next one.
import { invalidTokenMessage, openPageToken, signPageToken } from "../domain/pageTokens.js";
import type { RequestContext } from "../operations/define.js";
import type { Deps } from "../operations/deps.js";
import { fail } from "../protocol/errors.js";

type PagingDeps = Pick<Deps, "serverSecret" | "clock">;

/** The position the caller's token carries (null without one); InvalidParameterException if bad. */
export function pagePosition(
  deps: PagingDeps,
  scope: string,
  token: string | undefined,
  ctx: Pick<RequestContext, "requestId">,
): string[] | null {
  if (token === undefined) return null;
  const position = openPageToken(deps.serverSecret, scope, token, deps.clock.now());
  if (position === null) fail("InvalidParameterException", invalidTokenMessage(token, ctx.requestId));
  return position;
}

export function nextPageToken(deps: PagingDeps, scope: string, position: readonly string[]): string {
  return signPageToken(deps.serverSecret, scope, position, deps.clock.now());
}

/** The first element of a position (lists keyed by one name), or null. */
export function positionName(position: string[] | null): string | null {
  return position?.[0] ?? null;
}
