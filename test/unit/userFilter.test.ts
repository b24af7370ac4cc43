// ListUsers' Filter: `attribute = "value"` and `attribute ^= "value"` on searchable attributes.
import { describe, expect, it } from "vitest";
import type { PoolConfig } from "../../src/domain/pool.js";
import { parseUserFilter, planFilter } from "../../src/domain/userFilter.js";

describe("parseUserFilter", () => {
  it("parses exact and prefix filters", () => {
    expect(parseUserFilter('email = "a@b.c"')).toEqual({ attribute: "email", prefix: false, value: "a@b.c" });
    expect(parseUserFilter('email ^= "a"')).toEqual({ attribute: "email", prefix: true, value: "a" });
    expect(parseUserFilter('cognito:user_status = "UNCONFIRMED"')).toEqual({
      attribute: "cognito:user_status",
      prefix: false,
      value: "UNCONFIRMED",
    });
  });

  it("tolerates missing or extra blanks around the operator", () => {
    expect(parseUserFilter('email="a@b.c"')).toEqual({ attribute: "email", prefix: false, value: "a@b.c" });
    expect(parseUserFilter('  given_name   ^=   "Jo"  ')).toEqual({
      attribute: "given_name",
      prefix: true,
      value: "Jo",
    });
  });

  it("unescapes backslash-escaped quotes and backslashes in the value", () => {
    expect(parseUserFilter('name = "Alice \\"Al\\" Smith"')?.value).toBe('Alice "Al" Smith');
    expect(parseUserFilter('name = "back\\\\slash"')?.value).toBe("back\\slash");
    expect(parseUserFilter('name = ""')?.value).toBe("");
  });

  it("means no filter for empty text", () => {
    expect(parseUserFilter(undefined)).toBeUndefined();
    expect(parseUserFilter("")).toBeUndefined();
    expect(parseUserFilter("   ")).toBeUndefined();
  });

  it("accepts exactly the searchable standard attributes", () => {
    for (const a of [
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
    ]) {
      expect(parseUserFilter(`${a} = "x"`), a).not.toBeNull();
    }
    for (const a of ["custom:team", "email_verified", "address", "nickname", "updated_at"]) {
      expect(parseUserFilter(`${a} = "x"`), a).toBeNull();
    }
  });

  it("refuses anything that is not one clause of the grammar", () => {
    for (const bad of [
      "foo",
      "email",
      'email == "a"',
      'email != "a"',
      "email = a",
      "email = 'a'",
      'email = "a',
      'email = "a" and name = "b"',
      'email = "a" extra',
      '= "a"',
      'email ~= "a"',
      'email = "a"b"',
    ]) {
      expect(parseUserFilter(bad), bad).toBeNull();
    }
  });
});

describe("planFilter", () => {
  const plan = (text: string, pool: PoolConfig = {}) => {
    const f = parseUserFilter(text);
    if (!f) throw new Error(`bad filter ${text}`);
    return planFilter(f, pool);
  };

  it("searches attributes by their stored value, exactly or by prefix", () => {
    expect(plan('email = "alice@example.com"')).toEqual({
      kind: "search",
      search: { field: "email", value: "alice@example.com", prefix: false },
    });
    expect(plan('phone_number ^= "+1415"')).toEqual({
      kind: "search",
      search: { field: "phone_number", value: "+1415", prefix: true },
    });
    expect(plan('name = "Alice \\"Al\\" Smith"')).toEqual({
      kind: "search",
      search: { field: "name", value: 'Alice "Al" Smith', prefix: false },
    });
  });

  it("usernames as typed, or case-folded in a case-insensitive pool", () => {
    expect(plan('username = "Alice"')).toEqual({
      kind: "search",
      search: { field: "username", value: "Alice", prefix: false },
    });
    expect(plan('username ^= "Al"', { UsernameConfiguration: { CaseSensitive: false } })).toEqual({
      kind: "search",
      search: { field: "usernameKey", value: "al", prefix: true },
    });
  });

  it("cognito:user_status regardless of case; status as Enabled or Disabled", () => {
    expect(plan('cognito:user_status ^= "force"')).toEqual({
      kind: "search",
      search: { field: "status", value: "FORCE", prefix: true },
    });
    expect(plan('status = "Enabled"')).toEqual({
      kind: "search",
      search: { field: "enabled", value: "1", prefix: false },
    });
    expect(plan('status ^= "Dis"')).toEqual({
      kind: "search",
      search: { field: "enabled", value: "0", prefix: false },
    });
    expect(plan('status = "enabled"')).toEqual({ kind: "nobody" });
    expect(plan('status ^= ""')).toEqual({ kind: "search", search: null });
  });

  it("no filter is every user", () => {
    expect(planFilter(undefined, {})).toEqual({ kind: "search", search: null });
  });
});
