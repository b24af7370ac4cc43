// Auth events: one row per user-facing step (sign-up, confirmation, resend, …), written in
// the same transaction as the state change it records, so an event exists exactly when its
// step committed. What the caller said about itself (UserContextData, AnalyticsMetadata) is
// kept as sent; the user agent comes from the request.
import { timeOrderedId } from "../domain/ids.js";
import type { Deps } from "../operations/deps.js";
import type { AuthEventRecord, StoreTx } from "../ports/store/index.js";

/** The members of a public operation's request that an auth event records. */
export interface EventInput {
  UserContextData?: { IpAddress?: string | undefined; EncodedData?: string | undefined } | undefined;
  AnalyticsMetadata?: { AnalyticsEndpointId?: string | undefined } | undefined;
}

export interface AuthEvent {
  poolId: string;
  username: string;
  /** The app client, or null for admin operations. */
  clientId: string | null;
  eventType: string;
  now: number;
  userAgent: string | undefined;
  /** The request, for a public operation; admin operations record none of its members. */
  input?: EventInput;
}

/** Adds the event to the caller's transaction. */
export function recordAuthEvent(tx: StoreTx, deps: Pick<Deps, "random">, e: AuthEvent): Promise<void> {
  return tx.events.add(authEventRecord(deps, e));
}

export function authEventRecord(deps: Pick<Deps, "random">, e: AuthEvent): AuthEventRecord {
  return {
    id: timeOrderedId(deps.random, e.now),
    poolId: e.poolId,
    username: e.username,
    clientId: e.clientId,
    eventType: e.eventType,
    createdAt: e.now,
    ipAddress: e.input?.UserContextData?.IpAddress ?? null,
    encodedData: e.input?.UserContextData?.EncodedData ?? null,
    analyticsEndpointId: e.input?.AnalyticsMetadata?.AnalyticsEndpointId ?? null,
    userAgent: e.userAgent ?? null,
  };
}
