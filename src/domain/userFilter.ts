// ListUsers' Filter: `attribute = "value"` (exact) or `attribute ^= "value"` (prefix).
import type { UserRecord } from "../ports/store/index.js";

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

// The API reference lists `cognito:user_status` as the one case-insensitive attribute.
const CASE_INSENSITIVE = new Set(["cognito:user_status"]);

export function matchesFilter(user: UserRecord, f: UserFilter): boolean {
  let v = attributeValue(user, f.attribute);
  if (v === undefined) return false;
  let wanted = f.value;
  if (CASE_INSENSITIVE.has(f.attribute)) {
    v = v.toUpperCase();
    wanted = wanted.toUpperCase();
  }
  return f.prefix ? v.startsWith(wanted) : v === wanted;
}
