// ListUsers' Filter: `attribute = "value"` (exact) or `attribute ^= "value"` (prefix).
import type { UserRecord } from "../ports/store.js";

const SEARCHABLE = new Set([
  "username",
  "email",
  "phone_number",
  "name",
  "given_name",
  "family_name",
  "preferred_username",
  "cognito:user_status",
  "status",
  "sub",
]);

export interface UserFilter {
  attribute: string;
  prefix: boolean;
  value: string;
}

/** Parses a filter; null when the text is not a valid filter. Empty text means no filter. */
export function parseUserFilter(text: string | undefined): UserFilter | null | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const m = /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(text);
  if (!m) return null;
  const [, attribute = "", op, raw = ""] = m;
  if (!SEARCHABLE.has(attribute)) return null;
  return { attribute, prefix: op === "^=", value: raw.replace(/\\(.)/g, "$1") };
}

function attributeValue(user: UserRecord, attribute: string): string | undefined {
  switch (attribute) {
    case "username":
      return user.username;
    case "sub":
      return user.sub;
    case "cognito:user_status":
      return user.status;
    case "status":
      return user.enabled ? "Enabled" : "Disabled";
    default:
      return user.attributes[attribute];
  }
}

export function matchesFilter(user: UserRecord, f: UserFilter): boolean {
  const v = attributeValue(user, f.attribute);
  if (v === undefined) return false;
  return f.prefix ? v.startsWith(f.value) : v === f.value;
}
