// Pagination tokens of the user and group lists (ListUsers, ListUsersInGroup, ListGroups,
// AdminListGroupsForUser, AdminListUserAuthEvents). A token says where the next page starts
// (the last key of the page, so pages hold while users are added) and is bound to the list it
// came from — the operation, the pool, the filter or group or user — by an HMAC under a key
// derived from the server secret. A token that was altered, made up, or taken from another
// list or pool is refused before anything is read, and one older than an hour is refused as
// Cognito refuses its own (docs/admin-users.md, "Pagination").
import { createHmac, timingSafeEqual } from "node:crypto";

/** Cognito expires a pagination token after one hour (developer guide, ListUsers). */
export const PAGE_TOKEN_MAX_AGE_MS = 3_600_000;

function tokenKey(serverSecret: Buffer): Buffer {
  return createHmac("sha256", serverSecret).update("cognate page tokens v1").digest();
}

function mac(serverSecret: Buffer, scope: string, payload: string): Buffer {
  return createHmac("sha256", tokenKey(serverSecret)).update(`${scope}\u0000${payload}`).digest();
}

/**
 * A token for `position` in the list named by `scope` (e.g. `ListUsers|<pool>|<filter>`):
 * `<payload>.<mac>`, both base64url. The position is readable by whoever holds the token (it
 * is the last key of a page the caller was shown); it cannot be changed.
 */
export function signPageToken(
  serverSecret: Buffer,
  scope: string,
  position: readonly string[],
  now: number,
): string {
  const payload = Buffer.from(JSON.stringify({ t: now, p: position }), "utf8").toString("base64url");
  return `${payload}.${mac(serverSecret, scope, payload).toString("base64url")}`;
}

/** The position a token carries, or null when it is not a valid, fresh token of this list. */
export function openPageToken(
  serverSecret: Buffer,
  scope: string,
  token: string,
  now: number,
): string[] | null {
  const dot = token.indexOf(".");
  if (dot <= 0 || dot !== token.lastIndexOf(".")) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), "base64url");
  const expected = mac(serverSecret, scope, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { t, p } = parsed as { t?: unknown; p?: unknown };
  if (typeof t !== "number" || !Array.isArray(p) || !p.every((x) => typeof x === "string")) return null;
  if (now - t > PAGE_TOKEN_MAX_AGE_MS || t - now > PAGE_TOKEN_MAX_AGE_MS) return null;
  return p as string[];
}

/** Cognito's answer to a pagination token it does not accept (observed, aws-sdk-js #3705). */
export function invalidTokenMessage(token: string, requestId: string): string {
  return `Paging marker ${token} is invalid for request ${requestId}`;
}
