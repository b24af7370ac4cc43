// ListUsers' Filter: `attribute = "value"` and `attribute ^= "value"` on searchable attributes.
import { describe, expect, it } from "vitest";
import { matchesFilter, parseUserFilter } from "../../src/domain/userFilter.js";
import { asUsername } from "../../src/domain/usernames.js";
import type { UserRecord } from "../../src/ports/store/index.js";

const user: UserRecord = {
  poolId: "us-east-1_abc",
  username: asUsername("alice"),
  sub: "0b7e0f2c-6f7a-4b57-9a3b-4a3c2b1d0e9f",
  status: "UNCONFIRMED",
  enabled: true,
  attributes: { email: "alice@example.com", name: 'Alice "Al" Smith', phone_number: "+14155550123" },
  passwordHash: null,
  srp: null,
  passwordChangedAt: null,
  createdAt: 0,
  updatedAt: 0,
};

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

describe("matchesFilter", () => {
  const m = (text: string, u: UserRecord = user) => {
    const f = parseUserFilter(text);
    if (!f) throw new Error(`bad filter ${text}`);
    return matchesFilter(u, f);
  };

  it("matches exact values and prefixes of attributes", () => {
    expect(m('email = "alice@example.com"')).toBe(true);
    expect(m('email = "alice@example"')).toBe(false);
    expect(m('email ^= "alice@"')).toBe(true);
    expect(m('email ^= "bob"')).toBe(false);
    expect(m('email ^= ""')).toBe(true);
    expect(m('name = "Alice \\"Al\\" Smith"')).toBe(true);
    expect(m('phone_number ^= "+1415"')).toBe(true);
  });

  it("reads username, sub, status and enabled from the record", () => {
    expect(m('username = "alice"')).toBe(true);
    expect(m('username = "Alice"')).toBe(false);
    expect(m(`sub = "${user.sub}"`)).toBe(true);
    expect(m('cognito:user_status = "UNCONFIRMED"')).toBe(true);
    expect(m('cognito:user_status = "CONFIRMED"')).toBe(false);
    expect(m('status = "Enabled"')).toBe(true);
    expect(m('status = "Disabled"')).toBe(false);
    expect(m('status = "Disabled"', { ...user, enabled: false })).toBe(true);
  });

  it("matches cognito:user_status regardless of case, other attributes exactly", () => {
    expect(m('cognito:user_status = "unconfirmed"')).toBe(true);
    expect(m('cognito:user_status ^= "unc"')).toBe(true);
    expect(m('email = "ALICE@example.com"')).toBe(false);
  });

  it("never matches an attribute the user does not have", () => {
    expect(m('given_name ^= ""')).toBe(false);
    expect(m('family_name = ""')).toBe(false);
  });
});
