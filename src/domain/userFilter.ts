// ListUsers' Filter: `AttributeName Filter-Type "AttributeValue"`, where Filter-Type is `=`
// (exact) or `^=` (starts with), quotes and backslashes in the value escaped with a backslash,
// one attribute at a time, and the empty string for every user (API reference, ListUsers).
// Only these attributes are searchable; custom attributes are not. What each compares:
// - `username`: case-sensitive, as the API reference says; in a pool whose usernames are
//   case-insensitive (UsernameConfiguration.CaseSensitive false) it compares the case-folded
//   username, as every other username lookup of that pool does.
// - `cognito:user_status`: case-insensitive (API reference); `status`: `Enabled` or
//   `Disabled`, case-sensitive.
// - the other attributes: their stored value, exactly (docs/admin-users.md, "ListUsers").
import type { UserRecord, UserSearch, UserSearchField } from "../ports/store/index.js";
import { nameKey } from "./attributes.js";
import { caseInsensitive, type PoolConfig } from "./pool.js";

const ATTRIBUTE_FIELDS = {
  email: "email",
  phone_number: "phone_number",
  name: "name",
  given_name: "given_name",
  family_name: "family_name",
  preferred_username: "preferred_username",
} as const;

const SEARCHABLE = new Set([
  ...Object.keys(ATTRIBUTE_FIELDS),
  "username",
  "sub",
  "cognito:user_status",
  "status",
]);

export interface UserFilter {
  attribute: string;
  prefix: boolean;
  value: string;
}

/**
 * Parses a filter: undefined for no filter (absent or blank), null when the text is not a
 * valid filter of a searchable attribute (Cognito: "Error while parsing filter.").
 */
export function parseUserFilter(text: string | undefined): UserFilter | null | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const m = /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/s.exec(text);
  if (!m) return null;
  const [, attribute = "", op, raw = ""] = m;
  if (!SEARCHABLE.has(attribute)) return null;
  return { attribute, prefix: op === "^=", value: raw.replace(/\\(.)/gs, "$1") };
}

/** What the store searches for a filter: a search, every user (null), or nobody. */
export type FilterPlan = { kind: "search"; search: UserSearch | null } | { kind: "nobody" };

export function planFilter(filter: UserFilter | undefined, pool: PoolConfig): FilterPlan {
  if (filter === undefined) return { kind: "search", search: null };
  const { attribute, prefix, value } = filter;
  switch (attribute) {
    case "username":
      return caseInsensitive(pool)
        ? { kind: "search", search: { field: "usernameKey", value: value.toLowerCase(), prefix } }
        : { kind: "search", search: { field: "username", value, prefix } };
    case "sub":
      return { kind: "search", search: { field: "sub", value, prefix } };
    case "cognito:user_status":
      return { kind: "search", search: { field: "status", value: value.toUpperCase(), prefix } };
    case "status": {
      // Two values only: which of them the filter admits.
      const admits = (word: string) => (prefix ? word.startsWith(value) : word === value);
      const enabled = admits("Enabled");
      const disabled = admits("Disabled");
      if (enabled && disabled) return { kind: "search", search: null };
      if (!enabled && !disabled) return { kind: "nobody" };
      return { kind: "search", search: { field: "enabled", value: enabled ? "1" : "0", prefix: false } };
    }
    default: {
      const field = ATTRIBUTE_FIELDS[attribute as keyof typeof ATTRIBUTE_FIELDS];
      return { kind: "search", search: { field, value, prefix } };
    }
  }
}

/** The user's value of a searched field, as the store orders it (a page cursor's value). */
export function searchedValue(user: UserRecord, field: UserSearchField): string {
  switch (field) {
    case "username":
      return user.username;
    case "usernameKey":
      return nameKey(user.username, true);
    case "sub":
      return user.sub;
    case "status":
      return user.status;
    case "enabled":
      return user.enabled ? "1" : "0";
    default:
      return user.attributes[field] ?? "";
  }
}
